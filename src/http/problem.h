/** The one table from tr_err to HTTP status and problem type. */
#ifndef TR_HTTP_PROBLEM_H
#define TR_HTTP_PROBLEM_H

#include "core/buf.h"

/** HTTP status for rc (500 for unknown codes). */
int problem_status(int rc);
/** Writes an RFC 9457 problem+json document for rc into out, its title in
 * lang (enum msg_lang). detail may be NULL (the error's generic text);
 * code, when not NULL, is the stable code of the detail; fields, codes
 * (may be NULL: "invalid") and messages are the nerr field errors. */
void problem_write(struct buf *out, int rc, int lang, const char *detail, const char *code,
		   const char *const *fields, const char *const *codes, const char *const *messages,
		   int nerr);

#endif
