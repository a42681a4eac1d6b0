/* Referrals: the record by the resource mechanism (its personal fields
 * never in it), the person's fields read with a reason, consent records,
 * and the outcomes with small counts suppressed. */
#include "api/api.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/module_referrals.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/referral.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct vfield create_spec[] = {
    {"service_id", V_UUID, 1, 0, 0, NULL, 0},
    {"pathway", V_ENUM, 1, 0, 0, referral_pathways, 0},
    {"urgency", V_ENUM, 0, 0, 0, referral_urgencies, 0},
    {"gender", V_ENUM, 1, 0, 0, referral_genders, 0},
    {"country", V_COUNTRY, 0, 0, 0, NULL, 0},
    {"area", V_STRING, 0, 0, 200, NULL, 0},
    {"facts", V_STRING, 0, 0, 2000, NULL, 0},
    {"substances", V_STRINGS, 0, 0, 100, NULL, 0},
    {"tip_id", V_UUID, 0, 0, 0, NULL, 1},
    {"alert_id", V_UUID, 0, 0, 0, NULL, 1},
    {"problem_id", V_UUID, 0, 0, 0, NULL, 1},
    {"person", V_OBJECT, 1, 0, 0, NULL, 0},
};
static const struct vfield patch_spec[] = {
    {"status", V_ENUM, 0, 0, 0, referral_statuses, 0},
    {"reason", V_STRING, 0, 3, 1000, NULL, 0},
    {"outcome", V_ENUM, 0, 0, 0, referral_outcome_values, 0},
    {"notes", V_STRING, 0, 0, 4000, NULL, 1},
    {"override_reason", V_STRING, 0, 10, 1000, NULL, 0},
};
static const struct vfield consent_spec[] = {
    {"subject", V_ENUM, 1, 0, 0, referral_consent_subjects, 0},
    {"scopes", V_STRINGS, 1, 0, 20, NULL, 0},
    {"decision", V_ENUM, 1, 0, 0, referral_consent_decisions, 0},
    {"given_at", V_TIME, 0, 0, 0, NULL, 0},
};
static const struct vfield person_spec[] = {
    {"given_name", V_STRING, 1, 1, 100, NULL, 0}, {"family_name", V_STRING, 1, 1, 100, NULL, 0},
    {"birth_date", V_TIME, 1, 0, 0, NULL, 0},	  {"contact", V_STRING, 0, 0, 500, NULL, 1},
    {"guardian", V_STRING, 0, 0, 500, NULL, 1},
};

static const struct rwhy why[] = {
    {"service_id", "must name an active service of the directory"},
    {"country", "is required: your organisation has no country"},
    {"person.birth_date", "must be a date in the past, at most 120 years ago"},
    {"tip_id", "names a tip you cannot see"},
    {"alert_id", "names an alert you cannot see"},
    {"problem_id", "names a problem you cannot see"},
    {"status", "cannot move this way: the referring organisation sends and revokes; the "
	       "receiving one acknowledges, accepts or rejects, records first contact, "
	       "engagement and the end"},
    {"reason", "is required to reject, and only then"},
    {"outcome", "is required to complete or end a referral, and only then"},
    {"consent", "no referral is sent without the consent of the person (of a guardian for "
		"a minor) to the service and to sharing with the receiving organisation, or "
		"an organisation administrator's override with a written reason"},
    {"override_reason", "is an organisation administrator's, and only when sending"},
    {"notes", "are the receiving organisation's own"},
};

static int check_strings(struct http_req *req, json_t *arr, const char *field,
			 const char *const *values)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		int ok = 0;
		for (const char *const *p = values; *p; p++)
			ok |= strcmp(*p, json_string_value(v)) == 0;
		if (!ok)
			return http_field_error(req, field, "names an unknown value");
	}
	return TR_OK;
}

/* The person object by its own field table (errors named "person.x"),
 * the scopes by their list. */
static int check(struct http_req *req, json_t *body, int partial)
{
	if (partial)
		return TR_OK;
	int from = http_field_errors(req);
	int rc =
	    validate_body(req, json_object_get(body, "person"), person_spec, N(person_spec), 0);
	http_field_errors_prefix(req, from, "person.");
	if (json_is_string(json_object_get(json_object_get(body, "person"), "birth_date")) &&
	    strlen(json_string_value(
		json_object_get(json_object_get(body, "person"), "birth_date"))) != 10)
		rc = http_field_error(req, "person.birth_date", "must be a date (YYYY-MM-DD)");
	return rc;
}

static int fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	if (rc == TR_ERR_UNAVAILABLE) {
		http_field_error(req, field ? field : "person",
				 "cannot be sealed or opened: this server has no usable "
				 "TRELLIS_SECRET_KEY");
		return http_fail(req, rc, "personal data cannot be handled now");
	}
	return api_resource_why(req, c, &referral_resource, rc, field);
}

static const char *const boxes[] = {"mine", "incoming", NULL};
static const struct rfilter filters[] = {
    {"box", RF_ENUM, boxes, 0},
    {"status", RF_ENUM, referral_statuses, 0},
    {"pathway", RF_ENUM, referral_pathways, 0},
    {"overdue", RF_BOOL, NULL, 0},
};

static int list(struct db_conn *c, const struct caller *who, const struct rquery *q, json_t *items,
		char **next)
{
	const char *overdue = rquery_get(q, "overdue");
	struct referral_filter f = {rquery_get(q, "box"), rquery_get(q, "status"),
				    rquery_get(q, "pathway"),
				    overdue ? strcmp(overdue, "true") == 0 : -1};
	return referral_list(c, who, &f, q->after, q->limit, items, next);
}

RESOURCE_CRUD(referral_resource, "referral", "referrals", RES_REFERRAL, referral,
	      RES_CREATE(create_spec), RES_PATCH(patch_spec), RES_FILTERS(filters), RES_WHY(why),
	      .list = list, .check = check, .fail = fail,
	      .forbidden = "your role may not refer young people");

int api_referrals_list(struct http_req *req, struct http_resp *resp)
{
	if (!acl_role_can(api_caller(req)->role, RES_REFERRAL, ACT_LIST))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "referrals are seen by their two organisations' case workers; "
				 "your role sees the outcomes");
	return api_resource_list(req, resp);
}

/* The reason of a read or erasure: 10 to 500 characters. */
static const char *reason_of(struct http_req *req)
{
	const char *r = http_query(req, "reason");
	if (!r || strlen(r) < 10 || strlen(r) > 500) {
		http_field_error(req, "reason",
				 "is required: why you need the personal data (10 to 500 "
				 "characters)");
		return NULL;
	}
	return r;
}

/* The fields asked for ("a,b"; all the person's and facts when absent). */
static json_t *fields_of(struct http_req *req)
{
	const char *v = http_query(req, "fields");
	json_t *out = json_array();
	if (!v) {
		for (int i = 0; i < 6; i++)
			json_array_append_new(out, json_string(referral_person_fields[i]));
		return out;
	}
	const char *p = v;
	while (*p) {
		size_t n = strcspn(p, ",");
		int ok = 0;
		for (const char *const *f = referral_person_fields; *f && !ok; f++)
			if (strlen(*f) == n && strncmp(*f, p, n) == 0) {
				json_array_append_new(out, json_string(*f));
				ok = 1;
			}
		if (!ok) {
			json_decref(out);
			http_field_error(req, "fields",
					 "names a field that is not given_name, family_name, "
					 "birth_date, contact, guardian, facts or notes");
			return NULL;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return out;
}

int api_referrals_person(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"reason", "fields", NULL};
	const char *id = http_param(req, "id");
	int rc = api_query_allow(req, allowed);
	if (rc)
		return rc;
	if (!acl_role_can(api_caller(req)->role, RES_REFERRAL_PERSON, ACT_READ))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "only the case workers of the two organisations read the "
				 "person's data");
	const char *reason = reason_of(req);
	json_t *fields = fields_of(req);
	if (!reason || !fields) {
		json_decref(fields);
		return TR_ERR_INVALID;
	}
	if (!tr_uuid_valid(id)) {
		json_decref(fields);
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	}
	struct db_conn *c = api_db(req);
	json_t *out = NULL;
	rc = referral_person_read(c, api_caller(req), id, fields, reason, http_request_id(req),
				  &out);
	if (rc == TR_ERR_FORBIDDEN)
		rc = http_fail(req, rc, "the receiving organisation's notes are its own");
	else if (rc)
		rc = fail(req, c, rc, NULL);
	db_release(c);
	json_decref(fields);
	if (rc)
		return rc;
	http_resp_header(resp, "Cache-Control", "no-store");
	return http_resp_json(resp, 200, json_pack("{s:s, s:o}", "referral_id", id, "person", out));
}

int api_referrals_person_erase(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"reason", NULL};
	const char *id = http_param(req, "id");
	int rc = api_query_allow(req, allowed);
	if (rc)
		return rc;
	if (!acl_role_can(api_caller(req)->role, RES_REFERRAL_PERSON, ACT_DELETE))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "only an organisation administrator erases personal data");
	const char *reason = reason_of(req);
	if (!reason)
		return TR_ERR_INVALID;
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	rc = referral_person_erase(c, api_caller(req), id, reason, http_request_id(req));
	rc = rc ? fail(req, c, rc, NULL)
		: api_resource_answer(req, resp, c, &referral_resource, id, 200);
	db_release(c);
	return rc;
}

int api_referrals_consents_list(struct http_req *req, struct http_resp *resp)
{
	const char *id;
	int rc = api_path_id_only(req, &id);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	json_t *items = json_array();
	rc = referral_consents(c, api_caller(req), id, items);
	if (rc)
		rc = fail(req, c, rc, NULL);
	return api_page_answer(resp, c, rc, items, 200);
}

static int consent_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		       const char *request_id, const char **field)
{
	return referral_consent_add(c, who, id, body, request_id, field);
}

int api_referrals_consents_create(struct http_req *req, struct http_resp *resp)
{
	if (!acl_role_can(api_caller(req)->role, RES_REFERRAL_CONSENT, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not record consent");
	const char *id;
	json_t *b;
	int rc = api_path_body(req, consent_spec, N(consent_spec), &id, &b);
	if (rc)
		return rc;
	if (!json_array_size(json_object_get(b, "scopes")))
		rc = http_field_error(req, "scopes",
				      "must name at least one of service, sharing, "
				      "statistics");
	else
		rc = check_strings(req, json_object_get(b, "scopes"), "scopes",
				   referral_consent_scopes);
	if (rc) {
		json_decref(b);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	json_t *items = json_array();
	rc = consent_add(c, api_caller(req), id, b, http_request_id(req), &field);
	if (rc == TR_ERR_INVALID && field)
		rc = http_field_error(req, field, "must not be in the future");
	else if (rc)
		rc = fail(req, c, rc, field);
	else if ((rc = referral_consents(c, api_caller(req), id, items)))
		rc = api_db_fail(req, c, rc);
	json_decref(b);
	return api_page_answer(resp, c, rc, items, 201);
}

int api_referrals_outcomes(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"by", "country", "from", "to", NULL};
	int rc = api_query_allow(req, allowed);
	if (rc)
		return rc;
	if (!acl_role_can(api_caller(req)->role, RES_REFERRAL_OUTCOME, ACT_LIST))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not read outcomes");
	const char *by = "pathway", *country = http_query(req, "country");
	int64_t from = 0, to = 0;
	if (http_query(req, "by"))
		rc |= api_query_enum(req, "by", referral_outcome_dimensions, &by);
	if (country && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
			country[1] < 'A' || country[1] > 'Z'))
		rc |= http_field_error(req, "country", "must be an ISO 3166-1 alpha-2 code");
	rc |= api_query_time(req, "from", &from);
	rc |= api_query_time(req, "to", &to);
	if (rc)
		return TR_ERR_INVALID;
	struct referrals_config cfg;
	referrals_config_of(http_app(req), &cfg);
	struct db_conn *c = api_db(req);
	json_t *out = NULL;
	rc = referral_outcomes(c, by, country, from, to, cfg.suppress_below, &out);
	if ((rc = api_db_end(req, c, rc, NULL)))
		return rc;
	return http_resp_json(resp, 200, out);
}
