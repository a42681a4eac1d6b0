/* Commitments: policy documents, commitments with indicators, and the
 * assessments of their implementation per State; the State x commitment
 * matrix (JSON, CSV), a State's page and evidence suggestions. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/resource_shrec.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/policy.h"
#include "domain/policy_assessment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- documents ---- */

#define DOCUMENT_FIELDS(req)                                                                       \
	{"title", V_STRING, req, 3, 500, NULL, 0}, {"issuer", V_STRING, req, 2, 300, NULL, 0},     \
	    {"symbol", V_STRING, 0, 0, 100, NULL, 0}, {"adopted_on", V_TIME, 0, 0, 0, NULL, 1},    \
	    {"url", V_STRING, 0, 0, 2000, NULL, 1}, {"languages", V_STRINGS, 0, 0, 2, NULL, 0},    \
	    {"summary", V_OBJECT, 0, 0, 0, NULL, 0}, SHARE_FIELDS(req)

static const struct vfield doc_create[] = {DOCUMENT_FIELDS(1)};
static const struct vfield doc_patch[] = {DOCUMENT_FIELDS(0)};

static int lang_ok(const char *l)
{
	return l && strlen(l) == 2 && l[0] >= 'a' && l[0] <= 'z' && l[1] >= 'a' && l[1] <= 'z';
}

static int doc_body_check(struct http_req *req, json_t *body, int partial)
{
	(void)partial;
	int bad = 0;
	const char *url = vstr(body, "url");
	if (url && *url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		bad |= http_field_error(req, "url", "must be an http or https address");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(body, "languages"), i,
			   v) if (!lang_ok(json_string_value(v))) bad |=
	    http_field_error(req, "languages", "must be two-letter language codes");
	json_t *sum = json_object_get(body, "summary");
	if (sum && json_object_size(sum) && !shrec_texts_valid(sum, 5000))
		bad |= http_field_error(req, "summary",
					"must map language codes (en, fr, ru) to texts of at "
					"most 5000 characters");
	return bad;
}

static const struct rwhy doc_why[] = {
    SHARE_WHY,
    {"commitments", "the document still has commitments: delete them first"},
};

static const struct rfilter doc_filters[] = {
    {"issuer", RF_TEXT, NULL, 300},
};

SHREC_LIST_FN(doc, policy_document_table)

SHREC_RESOURCE(document_resource, "document", RES_DOCUMENT, doc, policy_document_table,
	       .check = doc_body_check);

/* ---- commitments ---- */

#define COMMITMENT_FIELDS(req)                                                                     \
	{"paragraph", V_STRING, req, 1, 50, NULL, 0}, {"text", V_OBJECT, req, 0, 0, NULL, 0},      \
	    {"theme", V_ENUM, req, 0, 0, policy_themes, 0},                                        \
	    {"indicators", V_ARRAY, 0, 0, 0, NULL, 0}, SHARE_FIELDS(req)

static const struct vfield cmt_create[] = {
    {"document_id", V_UUID, 1, 0, 0, NULL, 0},
    COMMITMENT_FIELDS(1),
};
static const struct vfield cmt_patch[] = {COMMITMENT_FIELDS(0)};

static int short_text(json_t *v, size_t max, int required)
{
	if (!v || json_is_null(v))
		return !required;
	return json_is_string(v) && (!required || json_string_length(v) > 0) &&
	       json_string_length(v) <= max * 4;
}

static int cmt_body_check(struct http_req *req, json_t *body, int partial)
{
	(void)partial;
	int bad = 0;
	json_t *text = json_object_get(body, "text");
	if (text && !shrec_texts_valid(text, 10000))
		bad |= http_field_error(req, "text",
					"must map language codes (en, fr, ru) to texts of 1 to "
					"10000 characters");
	json_t *ind = json_object_get(body, "indicators");
	if (json_array_size(ind) > 50)
		bad |= http_field_error(req, "indicators", "must be at most 50");
	size_t i;
	json_t *v;
	json_array_foreach(ind, i, v)
	{
		char name[64];
		snprintf(name, sizeof(name), "indicators[%zu]", i);
		json_t *def = json_object_get(v, "definition");
		int def_ok =
		    json_is_string(def) ? short_text(def, 2000, 1) : shrec_texts_valid(def, 2000);
		if (!json_is_object(v) || !def_ok ||
		    !short_text(json_object_get(v, "unit"), 100, 0) ||
		    !short_text(json_object_get(v, "arq_module"), 200, 0))
			bad |= http_field_error(req, name,
						"must be {definition (text or {en, fr, ru}), "
						"unit, arq_module}");
		else {
			const char *k;
			json_t *x;
			json_object_foreach(v, k, x) if (strcmp(k, "definition") &&
							 strcmp(k, "unit") &&
							 strcmp(k, "arq_module")) bad |=
			    http_field_error(req, name, "has an unknown field");
		}
	}
	return bad;
}

static const struct rfilter cmt_filters[] = {
    {"document_id", RF_UUID, NULL, 0},
    {"theme", RF_ENUM, policy_themes, 0},
};

static const struct rwhy cmt_why[] = {
    SHARE_WHY,
    {"document_id", "names a document you cannot see (and cannot change)"},
    {"assessments", "the commitment still has assessments: delete them first"},
    {"actions", "actions still link to the commitment: remove the links first"},
};

SHREC_LIST_FN(cmt, policy_commitment_table)

SHREC_RESOURCE(commitment_resource, "commitment", RES_COMMITMENT, cmt, policy_commitment_table,
	       .check = cmt_body_check);

/* ---- assessments ---- */

#define ASSESSMENT_FIELDS(req)                                                                     \
	{"status", V_ENUM, req, 0, 0, policy_statuses, 0},                                         \
	    {"lead_org_id", V_UUID, 0, 0, 0, NULL, 1},                                             \
	    {"narrative", V_STRING, 0, 0, 20000, NULL, 0},                                         \
	    {"evidence", V_ARRAY, 0, 0, 0, NULL, 0}, SHARE_FIELDS(req)

static const struct vfield asm_create[] = {
    {"state", V_COUNTRY, 1, 0, 0, NULL, 0},
    {"commitment_id", V_UUID, 1, 0, 0, NULL, 0},
    {"period", V_STRING, 1, 4, 7, NULL, 0},
    {"kind", V_ENUM, 1, 0, 0, policy_kinds, 0},
    ASSESSMENT_FIELDS(1),
};
static const struct vfield asm_patch[] = {ASSESSMENT_FIELDS(0)};

static int asm_body_check(struct http_req *req, json_t *body, int partial)
{
	(void)partial;
	int bad = 0;
	const char *period = vstr(body, "period");
	if (period && !policy_period_valid(period))
		bad |= http_field_error(req, "period", "must be YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM");
	json_t *ev = json_object_get(body, "evidence");
	if (json_array_size(ev) > 50)
		bad |= http_field_error(req, "evidence", "must be at most 50 links");
	size_t i;
	json_t *v;
	json_array_foreach(ev, i, v)
	{
		char name[64];
		const char *type = json_string_value(json_object_get(v, "type"));
		const char *id = json_string_value(json_object_get(v, "id"));
		int known = 0;
		for (int k = 0; type && policy_evidence_types[k]; k++)
			known |= strcmp(type, policy_evidence_types[k]) == 0;
		snprintf(name, sizeof(name), "evidence[%zu]", i);
		if (!json_is_object(v) || json_object_size(v) != 2 || !known || !id ||
		    !tr_uuid_valid(id))
			bad |=
			    http_field_error(req, name,
					     "must be {type: activity, practice, proposal, alert, "
					     "event or document; id}");
	}
	return bad;
}

static const struct rfilter asm_filters[] = {
    {"state", RF_COUNTRY, NULL, 0},
    {"commitment_id", RF_UUID, NULL, 0},
    {"period", RF_TEXT, NULL, 7},
    {"kind", RF_ENUM, policy_kinds, 0},
    {"status", RF_ENUM, policy_statuses, 0},
};

static const struct rwhy asm_why[] = {
    SHARE_WHY,
    {"kind", "a self-assessment is by an organisation of that State; an independent one by "
	     "a user with the reviewer flag of another country or an international body"},
    {"period", "this State, commitment, period and kind already has an assessment (change "
	       "it instead), or the period is not YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM"},
    {"state", "is not a known country"},
    {"commitment_id", "names a commitment you cannot see"},
    {"lead_org_id", "names no organisation"},
    {"evidence", "links a record you cannot see"},
    {"role", "only civil society (the partner role) comments on assessments"},
};

SHREC_LIST_FN(asm, policy_assessment_table)

SHREC_RESOURCE(assessment_resource, "assessment", RES_ASSESSMENT, asm, policy_assessment_table,
	       .check = asm_body_check);

static const struct vfield comment_spec[] = {
    {"text", V_STRING, 1, 1, 5000, NULL, 0},
};

int api_assessments_comment(struct http_req *req, struct http_resp *resp)
{
	return api_resource_act(req, resp, comment_spec, N(comment_spec), policy_comment_add);
}

/* ---- the matrix, a State's page, suggestions ---- */

static const char *const formats[] = {"json", "csv", NULL};
static const struct rfilter matrix_filters[] = {
    {"state", RF_COUNTRY, NULL, 0},    {"theme", RF_ENUM, policy_themes, 0},
    {"document_id", RF_UUID, NULL, 0}, {"period", RF_TEXT, NULL, 7},
    {"format", RF_ENUM, formats, 0},
};

/* A resource only for reading the matrix's query string. */
static const struct api_resource matrix_query = {
    .name = "assessment",
    .plural = "assessments",
    .perm = RES_ASSESSMENT,
    RES_FILTERS(matrix_filters),
};

static int matrix_answer(struct http_req *req, struct http_resp *resp, const char *state,
			 const char *theme, const char *document_id, const char *period,
			 const char *format)
{
	if (!acl_role_can(api_caller(req)->role, RES_ASSESSMENT, ACT_LIST))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not read assessments");
	json_t *m = NULL;
	struct db_conn *c = api_db(req);
	int rc = policy_matrix(c, api_caller(req), state, theme, document_id, period, &m);
	rc = api_db_end(req, c, rc, NULL);
	if (rc)
		return rc;
	if (!format || strcmp(format, "json") == 0)
		return http_resp_json(resp, 200, m);
	char *csv = policy_matrix_csv(m);
	json_decref(m);
	http_resp_take(resp, csv, strlen(csv));
	http_resp_status(resp, 200);
	http_resp_type(resp, "text/csv; charset=utf-8");
	return TR_OK;
}

int api_assessments_matrix(struct http_req *req, struct http_resp *resp)
{
	struct rquery q;
	int rc = api_rquery_read(req, &matrix_query, NULL, &q);
	const char *period = rquery_get(&q, "period");
	if (!rc && period && !policy_period_valid(period))
		rc = http_field_error(req, "period", "must be YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM");
	if (rc)
		return TR_ERR_INVALID;
	return matrix_answer(req, resp, rquery_get(&q, "state"), rquery_get(&q, "theme"),
			     rquery_get(&q, "document_id"), period, rquery_get(&q, "format"));
}

int api_country_commitments(struct http_req *req, struct http_resp *resp)
{
	const char *iso2 = http_param(req, "iso2");
	if (!iso2 || strlen(iso2) != 2 || iso2[0] < 'A' || iso2[0] > 'Z' || iso2[1] < 'A' ||
	    iso2[1] > 'Z')
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct rquery q;
	if (api_rquery_read(req, &matrix_query, NULL, &q))
		return TR_ERR_INVALID;
	if (rquery_get(&q, "state"))
		return http_field_error(req, "state", "is the country of the path");
	const char *period = rquery_get(&q, "period");
	if (period && !policy_period_valid(period))
		return http_field_error(req, "period", "must be YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM");
	struct db_conn *c = api_db(req);
	int known = shrec_exists(c, "SELECT 1 FROM countries WHERE iso2 = ?", iso2);
	db_release(c);
	if (known != 1)
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	return matrix_answer(req, resp, iso2, rquery_get(&q, "theme"),
			     rquery_get(&q, "document_id"), period, rquery_get(&q, "format"));
}

static const struct rfilter suggest_filters[] = {
    {"state", RF_COUNTRY, NULL, 0},
    {"commitment_id", RF_UUID, NULL, 0},
};
static const struct api_resource suggest_query = {
    .name = "assessment",
    .plural = "assessments",
    .perm = RES_ASSESSMENT,
    RES_FILTERS(suggest_filters),
};

int api_assessments_suggestions(struct http_req *req, struct http_resp *resp)
{
	struct rquery q;
	int rc = api_rquery_read(req, &suggest_query, NULL, &q);
	const char *state = rquery_get(&q, "state"), *cm = rquery_get(&q, "commitment_id");
	if (!rc && !state)
		rc = http_field_error(req, "state", "is required");
	if (!rc && !cm)
		rc = http_field_error(req, "commitment_id", "is required");
	if (rc)
		return TR_ERR_INVALID;
	json_t *out = NULL;
	struct db_conn *c = api_db(req);
	rc = policy_suggestions(c, api_caller(req), state, cm, &out);
	if (rc == TR_ERR_NOT_FOUND) {
		http_field_error(req, "commitment_id", "names a commitment you cannot see");
		rc = http_fail(req, TR_ERR_INVALID, "names a commitment you cannot see");
	} else if (rc) {
		rc = api_db_fail(req, c, rc);
	}
	db_release(c);
	return rc ? rc : http_resp_json(resp, 200, out);
}
