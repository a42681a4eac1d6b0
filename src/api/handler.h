/** The one signature of a route's handler (http/http.h's route table):
 * HANDLER(api_x); declares api_x. */
#ifndef TR_API_HANDLER_H
#define TR_API_HANDLER_H

#include "http/http.h"

#define HANDLER(name) int name(struct http_req *req, struct http_resp *resp)

#endif
