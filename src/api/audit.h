/** The audit log's readers in the API: its list and its export share the
 * filters and who may read it. */
#ifndef TR_API_AUDIT_H
#define TR_API_AUDIT_H

#include "domain/audit.h"
#include "http/http.h"

#include <jansson.h>

/** Checks the caller may read the log (403) and reads ?user_id=,
 * resource_type=, resource_id=, action=, from=, to= into f (strings of the
 * request), recording a field error for each bad one (TR_ERR_INVALID). */
int api_audit_filter_read(struct http_req *req, struct audit_filter *f /* OUT */);
/** Sets an entry's "actor": user, public (a tip's sender), anonymous (a
 * failed sign-in) or system (the command line, the server's own jobs). */
void api_audit_actor_set(json_t *e);

#endif
