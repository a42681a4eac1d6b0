/* Early-warning signals: list, get, acknowledge or dismiss (PATCH with
 * If-Match). What a caller sees is decided in src/domain/signal.c. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/analytics_q.h"
#include "domain/place.h"
#include "domain/signal.h"

#include <stdlib.h>
#include <string.h>

static const char *const patch_statuses[] = {"acknowledged", "dismissed", NULL};
static const struct vfield signal_patch_spec[] = {
    {"status", V_ENUM, 0, 0, 0, patch_statuses, 0},
    {"dismissal_reason", V_STRING, 0, 3, 2000, NULL, 0},
    {"comment", V_STRING, 0, 1, 2000, NULL, 0},
};
static const char *const states[] = {"open", "closed", NULL};

static const char *lang_of(struct http_req *req)
{
	return place_lang(http_header(req, "Accept-Language"));
}

static int suppress_below(struct http_req *req)
{
	struct analytics_config cfg;
	analytics_config_of(http_app(req), &cfg);
	return cfg.suppress_below;
}

static int signal_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			 const char *id)
{
	json_t *g = NULL;
	int rc = signal_get(c, api_caller(req), id, suppress_below(req), lang_of(req), &g);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(g, "version")));
	return http_resp_json(resp, 200, g);
}

int api_signals_get(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	int rc = signal_answer(req, resp, c, id);
	db_release(c);
	return rc;
}

int api_signals_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"status", "country", "source",
					      "method", "state",   NULL};
	struct api_page page;
	struct signal_filter f = {0};
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	rc |= api_query_enum(req, "status", signal_statuses, &f.status);
	rc |= api_query_enum(req, "source", aq_sources, &f.source);
	rc |= api_query_enum(req, "method", signal_methods, &f.method);
	rc |= api_query_enum(req, "state", states, &f.state);
	f.country = http_query(req, "country");
	if (f.country && strlen(f.country) != 2)
		rc = http_field_error(req, "country", "must be an ISO 3166-1 alpha-2 code");
	if (page.after && (!strchr(page.after, ':') || !tr_uuid_valid(strchr(page.after, ':') + 1)))
		rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	if (rc)
		return TR_ERR_INVALID;
	json_t *items = json_array();
	char *next = NULL;
	struct db_conn *c = api_db(req);
	rc = signal_list(c, api_caller(req), &f, page.after, page.limit, suppress_below(req),
			 lang_of(req), items, &next);
	if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	const char *cursor = next ? api_cursor_make(req, next) : NULL;
	free(next);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return http_resp_json(resp, 200, api_page_json(items, cursor));
}

int api_signals_update(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int64_t version;
	int rc = api_body(req, signal_patch_spec, 3, 1, &body);
	if (rc)
		return rc;
	if ((rc = api_if_match(req, &version))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = signal_update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	if (rc && field && (rc == TR_ERR_INVALID || rc == TR_ERR_CONFLICT)) {
		const char *msg =
		    strcmp(field, "dismissal_reason") == 0 ? "is required to dismiss, and only then"
		    : strcmp(field, "comment") == 0
			? "is required to acknowledge (say what is being done), and only then"
		    : rc == TR_ERR_CONFLICT ? "a dismissed signal stays dismissed"
					    : "is required";
		http_field_error(req, field, msg);
		rc = http_fail(req, rc, msg);
	} else if (rc == TR_ERR_FORBIDDEN) {
		rc = http_fail(req, rc,
			       "only the addressed organisation's administrators, analysts "
			       "and officers may acknowledge or dismiss a signal");
	} else if (rc) {
		rc = api_domain_fail(req, c, rc, field);
	} else {
		rc = signal_answer(req, resp, c, id);
	}
	db_release(c);
	json_decref(body);
	return rc;
}
