/** Inside the message catalog: its entries, in two tables read in order
 * (messages_fields.c, then messages_modules.c). Grouped by kind; the first
 * entry of a code is its template for the browser (msg_template). Keep {n}
 * in every translation of a pattern. */
#ifndef TR_HTTP_MESSAGES_IMPL_H
#define TR_HTTP_MESSAGES_IMPL_H

#include "http/messages.h"

#include <stddef.h>

struct msg {
	const char *code;
	const char *text[MSG__LANGS];
};

/** The field validators, queries, records, sign-in, tips and the handlers'
 * reasons by field. */
extern const struct msg msg_fields[];
extern const size_t msg_fields_n;
/** The modules' own: referrals, services, exports, events, analytics,
 * places, webhooks, notifications, links, federation, commitments; the HTTP
 * layer and the errors' details. */
extern const struct msg msg_modules[];
extern const size_t msg_modules_n;

#endif
