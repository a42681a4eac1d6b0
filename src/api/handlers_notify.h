/** Handlers of the notifications module (routes in routes_notify.inc). */
#ifndef TR_API_HANDLERS_NOTIFY_H
#define TR_API_HANDLERS_NOTIFY_H

#include "http/http.h"

int api_inbox_list(struct http_req *req, struct http_resp *resp);
int api_inbox_read(struct http_req *req, struct http_resp *resp);
int api_inbox_read_all(struct http_req *req, struct http_resp *resp);
/** Subscriptions are a resource (list, create, get) plus DELETE. */
extern const struct api_resource subscription_resource;
int api_subscriptions_delete(struct http_req *req, struct http_resp *resp);
/** Webhooks are a resource (list, get, patch) plus create (answers the
 * secret once), DELETE and the log of delivery attempts. */
extern const struct api_resource webhook_resource;
int api_webhooks_create(struct http_req *req, struct http_resp *resp);
int api_webhooks_delete(struct http_req *req, struct http_resp *resp);
int api_webhooks_deliveries(struct http_req *req, struct http_resp *resp);
int api_auth_forgot(struct http_req *req, struct http_resp *resp);
int api_auth_password(struct http_req *req, struct http_resp *resp);

#endif
