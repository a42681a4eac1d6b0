#include "domain/policy.h"
#include "core/countof.h"
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const policy_themes[] = {"prevention",	 "treatment",  "community_policing",
				     "supply_reduction", "precursors", "information_sharing",
				     "co_operation",	 "other",      NULL};
const char *const policy_evidence_types[] = {"activity", "practice", "proposal", "alert",
					     "event",	 "document", NULL};

/* ---- documents ---- */

static const struct activity_rec_col doc_cols[] = {
    SHREC_HEAD_COLS,
    {"title", "title", REC_TEXT},
    {"issuer", "issuer", REC_TEXT},
    {"symbol", "symbol", REC_TEXT},
    {"adopted_on", "adopted_on", REC_TIME},
    {"url", "url", REC_TEXT},
    {"languages", "languages", REC_JSON},
    {"summary", "summary", REC_JSON},
    SHREC_SHARE_COLS,
};

static void doc_defaults(json_t *p)
{
	if (!json_is_array(json_object_get(p, "languages")))
		json_object_set_new(p, "languages", json_array());
	if (!json_is_object(json_object_get(p, "summary")))
		json_object_set_new(p, "summary", json_object());
	if (!json_is_string(json_object_get(p, "symbol")))
		json_object_set_new(p, "symbol", json_string(""));
}

/* A document goes only once it has no commitments (they are deleted
 * first, each after its own assessments). */
static const struct shrec_dependant doc_dependants[] = {
    {"policy_commitments", "document_id", "commitments"}, {NULL, NULL, NULL}};

const struct shrec policy_document_table = {
    .table = "policy_documents",
    .entity = "document",
    .cols = doc_cols,
    .ncols = N(doc_cols),
    .perm = RES_DOCUMENT,
    .share = SHARE_DOCUMENT,
    .defaults = doc_defaults,
    .dependants = doc_dependants,
};

/* ---- commitments ---- */

static const struct activity_rec_col cmt_cols[] = {
    SHREC_HEAD_COLS,
    {"document_id", "document_id", REC_TEXT},
    {"paragraph", "paragraph", REC_TEXT},
    {"text", "text", REC_JSON},
    {"theme", "theme", REC_TEXT},
    {"indicators", "indicators", REC_JSON},
    SHREC_SHARE_COLS,
};

static void cmt_defaults(json_t *p)
{
	if (!json_is_array(json_object_get(p, "indicators")))
		json_object_set_new(p, "indicators", json_array());
}

static int cmt_check(struct db_conn *c, const struct caller *who, json_t *p, json_t *cur,
		     const char **field)
{
	(void)cur;
	json_t *doc = NULL;
	int rc = shrec_read(&policy_document_table, c, who,
			    json_string_value(json_object_get(p, "document_id")), &doc);
	json_decref(doc);
	if (rc == TR_ERR_NOT_FOUND)
		return *field = "document_id", TR_ERR_INVALID;
	return rc;
}

static const char *const cmt_fixed[] = {"document_id", NULL};

static int cmt_decorate(struct db_conn *c, const struct caller *who, json_t *rec, int full)
{
	if (!full)
		return TR_OK;
	json_t *doc = NULL;
	int rc = shrec_read(&policy_document_table, c, who,
			    json_string_value(json_object_get(rec, "document_id")), &doc);
	if (rc == TR_OK) {
		json_object_set(rec, "document_title", json_object_get(doc, "title"));
		json_object_set(rec, "document_issuer", json_object_get(doc, "issuer"));
	}
	json_decref(doc);
	return rc == TR_ERR_NOT_FOUND ? TR_OK : rc;
}

/* A commitment goes only once no assessment speaks of it and no action
 * links to it: a State's record of implementation is never lost by the
 * deletion of what it implements. */
static const struct shrec_dependant cmt_dependants[] = {
    {"policy_assessments", "commitment_id", "assessments"},
    {"conf_actions", "commitment_id", "actions"},
    {NULL, NULL, NULL}};

const struct shrec policy_commitment_table = {
    .table = "policy_commitments",
    .entity = "commitment",
    .cols = cmt_cols,
    .ncols = N(cmt_cols),
    .perm = RES_COMMITMENT,
    .share = SHARE_COMMITMENT,
    .fixed = cmt_fixed,
    .defaults = cmt_defaults,
    .check = cmt_check,
    .dependants = cmt_dependants,
    .decorate = cmt_decorate,
};
