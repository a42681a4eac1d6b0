/** Every handler of the route table (src/api/routes.c). */
#ifndef TR_API_HANDLERS_H
#define TR_API_HANDLERS_H

#include "http/http.h"

int api_healthz(struct http_req *req, struct http_resp *resp);
int api_readyz(struct http_req *req, struct http_resp *resp);
int api_metrics(struct http_req *req, struct http_resp *resp);
int api_openapi(struct http_req *req, struct http_resp *resp);
int api_countries_list(struct http_req *req, struct http_resp *resp);
int api_countries_get(struct http_req *req, struct http_resp *resp);
int api_orgs_list(struct http_req *req, struct http_resp *resp);
int api_orgs_get(struct http_req *req, struct http_resp *resp);

#endif
