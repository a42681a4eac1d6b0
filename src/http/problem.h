/** The one table from tr_err to HTTP status and problem type. */
#ifndef TR_HTTP_PROBLEM_H
#define TR_HTTP_PROBLEM_H

#include "core/buf.h"

/** HTTP status for rc (500 for unknown codes). */
int problem_status(int rc);
/** Writes an RFC 9457 problem+json document for rc into out. detail may be
 * NULL; fields/messages are the nerr field errors. */
void problem_write(struct buf *out, int rc, const char *detail, const char *const *fields,
		   const char *const *messages, int nerr);

#endif
