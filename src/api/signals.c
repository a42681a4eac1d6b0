/* Early-warning signals: the resource (list, get, and PATCH to acknowledge
 * or dismiss, with If-Match). What a caller sees and may do is decided in
 * src/domain/signal.c. */
#include "api/api.h"
#include "api/handlers_analytics.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "domain/analytics_q.h"
#include "domain/signal.h"

#include <string.h>

static const char *const patch_statuses[] = {"acknowledged", "dismissed", NULL};
static const struct vfield patch_spec[] = {
    {"status", V_ENUM, 0, 0, 0, patch_statuses, 0},
    {"dismissal_reason", V_STRING, 0, 3, 2000, NULL, 0},
    {"comment", V_STRING, 0, 1, 2000, NULL, 0},
};
static const char *const states[] = {"open", "closed", NULL};
static const struct rfilter filters[] = {
    {"status", RF_ENUM, signal_statuses, 0}, {"country", RF_COUNTRY, NULL, 0},
    {"source", RF_ENUM, aq_sources, 0},	     {"method", RF_ENUM, signal_methods, 0},
    {"state", RF_ENUM, states, 0},
};

/* The small-count threshold of the running module (5 until it starts). */
static int suppress_below = 5;

void api_signals_configure(int suppress)
{
	suppress_below = suppress;
}

static const char *lang_of(const struct caller *who)
{
	return who->lang[0] ? who->lang : "en";
}

static int get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	return signal_get(c, who, id, suppress_below, lang_of(who), out);
}

static int list(struct db_conn *c, const struct caller *who, const struct rquery *q, json_t *items,
		char **next)
{
	struct signal_filter f = {rquery_get(q, "status"), rquery_get(q, "country"),
				  rquery_get(q, "source"), rquery_get(q, "method"),
				  rquery_get(q, "state")};
	return signal_list(c, who, &f, q->after, q->limit, suppress_below, lang_of(who), items,
			   next);
}

static int fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	if (rc == TR_ERR_FORBIDDEN)
		return http_fail(req, rc,
				 "only the addressed organisation's administrators, analysts "
				 "and officers may acknowledge or dismiss a signal");
	if (!field || (rc != TR_ERR_INVALID && rc != TR_ERR_CONFLICT))
		return api_domain_fail(req, c, rc, field);
	const char *msg = strcmp(field, "dismissal_reason") == 0
			      ? "is required to dismiss, and only then"
			  : strcmp(field, "comment") == 0
			      ? "is required to acknowledge (say what is being done), and only then"
			  : rc == TR_ERR_CONFLICT ? "a dismissed signal stays dismissed"
						  : "is required";
	http_field_error(req, field, msg);
	return http_fail(req, rc, msg);
}

RESOURCE(signal_resource, "signal", "signals", RES_SIGNAL, RES_PATCH(patch_spec),
	 RES_FILTERS(filters), .get = get, .list = list, .update = signal_update, .fail = fail);
