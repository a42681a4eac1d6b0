/** Handlers of the notifications module (routes in routes_notify.inc). */
#ifndef TR_API_HANDLERS_NOTIFY_H
#define TR_API_HANDLERS_NOTIFY_H

#include "api/handler.h"
#include "http/http.h"

HANDLER(api_inbox_list);
HANDLER(api_inbox_read);
HANDLER(api_inbox_read_all);
/** Subscriptions are a resource (list, create, get) plus DELETE. */
extern const struct api_resource subscription_resource;
HANDLER(api_subscriptions_delete);
/** Webhooks are a resource (list, get, patch) plus create (answers the
 * secret once), DELETE and the log of delivery attempts. */
extern const struct api_resource webhook_resource;
HANDLER(api_webhooks_create);
HANDLER(api_webhooks_delete);
HANDLER(api_webhooks_deliveries);
HANDLER(api_auth_forgot);
HANDLER(api_auth_password);

#endif
