/* Federation, the record types that travel, as a table (fed_types.h):
 * alerts through their own module, the others through their columns. */
#include "domain/row.h"
#include "core/buf.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/acl.h"
#include "domain/fed.h"
#include "domain/fed_types.h"
#include "domain/overlap.h"
#include "domain/practice.h"
#include "domain/proposal.h"
#include "domain/search.h"
#include "domain/seq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- alerts: their own module writes them ---- */

static json_t *alert_data(struct db_stmt *s)
{
	struct buf b;
	buf_init(&b, 4u << 20);
	alert_row_text(s, &b);
	json_t *data = b.err ? NULL : json_loadb(b.data, b.len, 0, NULL);
	buf_free(&b);
	if (data) {
		json_object_set_new(data, "created_by", json_null());
		json_object_del(data, "sharing_group_id");
	}
	return data;
}

static const char *const alert_children[] = {
    "DELETE FROM alert_sightings " DB_ACL_EXEMPT " WHERE alert_id = ? AND origin_node IS NOT NULL",
    "DELETE FROM alert_comments " DB_ACL_EXEMPT " WHERE alert_id = ? AND origin_node IS NOT NULL",
    NULL};

/* ---- the generic types' columns ---- */

static const char *const fed_or_group[] = {"federation", "sharing_group", NULL};
static const char *const only_published[] = {"published", NULL};
static const char *const tlps_not_red[] = {"clear", "green", "amber", "amber+strict", NULL};
static const char *const proposal_open[] = {"open",	   "verified", "agreed",
					    "implemented", "closed",   NULL};
static const char *const sighting_types[] = {"seen", "false_positive", NULL};
#define COUNTRY_REF "SELECT 1 FROM countries WHERE iso2 = ?"
/* clang-format off */
/* The sharing of a type that goes to a sharing group too (FT_GROUP): a
 * copy is the federation's or a group's, never narrower. */
#define FED_GROUP_COLS                                                                             \
	{"distribution", REC_TEXT, 1, 20, fed_or_group, NULL, 0, 0, NULL},                         \
	{"sharing_group_id", REC_TEXT, 0, 36, NULL, NULL, 0, 0, NULL}
/* When a record was made and last changed, both required. */
#define FED_TIME_COLS                                                                              \
	{"created_at", REC_TIME, 1, 0, NULL, NULL, 0, 0, NULL},                                    \
	{"updated_at", REC_TIME, 1, 0, NULL, NULL, 0, 0, NULL}
/* clang-format on */

/* An activity's polygon as activity.c takes it: a closed ring of 4 to 1000
 * [lon, lat] positions. */
static int ring_ok(json_t *p)
{
	size_t n = json_array_size(p), i;
	json_t *v;
	if (!json_is_array(p) || n < 4 || n > 1000 ||
	    !json_equal(json_array_get(p, 0), json_array_get(p, n - 1)))
		return 0;
	json_array_foreach(p, i, v)
	{
		json_t *x = json_array_get(v, 0), *y = json_array_get(v, 1);
		if (json_array_size(v) != 2 || !json_is_number(x) || !json_is_number(y) ||
		    !(fabs(json_number_value(x)) <= 180) || !(fabs(json_number_value(y)) <= 90))
			return 0;
	}
	return 1;
}

static const struct fed_col practice_cols[] = {
    {"title", REC_TEXT, 1, 500, NULL, NULL, 0, 0, NULL},
    {"summary", REC_TEXT, 1, 20000, NULL, NULL, 0, 0, NULL},
    {"description", REC_TEXT, 1, 100000, NULL, NULL, 0, 0, NULL},
    {"origin_country", REC_TEXT, 0, 2, NULL, COUNTRY_REF, 0, 0, NULL},
    {"target_group", REC_TEXT, 1, 20000, NULL, NULL, 0, 0, NULL},
    {"setting", REC_TEXT, 0, 200, NULL, NULL, 0, 0, NULL},
    {"approach", REC_TEXT, 1, 100000, NULL, NULL, 0, 0, NULL},
    {"evidence_level", REC_TEXT, 1, 60, practice_evidence_levels, NULL, 0, 0, NULL},
    {"evidence_rationale", REC_TEXT, 1, 100000, NULL, NULL, 0, 0, NULL},
    {"evaluation_design", REC_TEXT, 1, 60, practice_designs, NULL, 0, 0, NULL},
    {"evaluation_findings", REC_TEXT, 1, 100000, NULL, NULL, 0, 0, NULL},
    {"resources_needed", REC_TEXT, 1, 100000, NULL, NULL, 0, 0, NULL},
    {"lessons_learned", REC_TEXT, 1, 100000, NULL, NULL, 0, 0, NULL},
    {"language", REC_TEXT, 1, 10, NULL, NULL, 0, 0, NULL},
    {"links", REC_JSON, 1, 50, NULL, NULL, 0, 0, NULL},
    {"status", REC_TEXT, 1, 20, only_published, NULL, 0, 0, NULL},
    {"submitted_at", REC_TIME, 0, 0, NULL, NULL, 0, 0, NULL},
    {"published_at", REC_TIME, 0, 0, NULL, NULL, 0, 0, NULL},
    FED_TIME_COLS,
};

static const struct fed_col proposal_cols[] = {
    {"title", REC_TEXT, 1, 500, NULL, NULL, 0, 0, NULL},
    {"description", REC_TEXT, 1, 100000, NULL, NULL, 0, 0, NULL},
    {"partners", REC_JSON, 1, 100, NULL, NULL, 0, 0, NULL},
    {"countries", REC_JSON, 1, 100, NULL, NULL, 0, 0, NULL},
    {"practices", REC_JSON, 1, 100, NULL, NULL, 0, 0, NULL},
    {"activities", REC_JSON, 1, 100, NULL, NULL, 0, 0, NULL},
    {"status", REC_TEXT, 1, 20, proposal_open, NULL, 0, 0, NULL},
    {"verified_at", REC_TIME, 0, 0, NULL, NULL, 0, 0, NULL},
    FED_GROUP_COLS,
    FED_TIME_COLS,
};

static const char *const proposal_children[] = {
    "DELETE FROM proposal_endorsements WHERE proposal_id = ? AND origin_node IS NOT NULL", NULL};

static const struct fed_col endorsement_cols[] = {
    {"proposal_id", REC_TEXT, 1, 36, NULL, NULL, 0, 0, NULL},
    {"comment", REC_TEXT, 1, 20000, NULL, NULL, 0, 0, NULL},
    {"created_at", REC_TIME, 1, 0, NULL, NULL, 0, 0, NULL},
};

static const struct fed_col activity_cols[] = {
    {"partners", REC_JSON, 1, 100, NULL, NULL, 0, 0, NULL},
    {"type", REC_TEXT, 1, 60, activity_types, NULL, 0, 0, NULL},
    {"title", REC_TEXT, 1, 500, NULL, NULL, 0, 0, NULL},
    {"description", REC_TEXT, 1, 100000, NULL, NULL, 0, 0, NULL},
    {"age_min", REC_INT, 1, 0, NULL, NULL, 0, 120, NULL},
    {"age_max", REC_INT, 1, 0, NULL, NULL, 0, 120, NULL},
    {"gender", REC_TEXT, 1, 10, activity_genders, NULL, 0, 0, NULL},
    {"setting", REC_TEXT, 1, 20, activity_settings, NULL, 0, 0, NULL},
    {"area_country", REC_TEXT, 1, 2, NULL, COUNTRY_REF, 0, 0, NULL},
    {"admin_name", REC_TEXT, 0, 300, NULL, NULL, 0, 0, NULL},
    {"admin_code", REC_TEXT, 0, 60, NULL, NULL, 0, 0, NULL},
    {"place_name", REC_TEXT, 0, 500, NULL, NULL, 0, 0, NULL},
    {"lat", REC_REAL, 0, 0, NULL, NULL, -90, 90, NULL},
    {"lon", REC_REAL, 0, 0, NULL, NULL, -180, 180, NULL},
    {"radius_km", REC_REAL, 0, 0, NULL, NULL, 0, 20000, NULL},
    {"polygon", REC_JSON, 0, 1000, NULL, NULL, 0, 0, ring_ok},
    {"start_at", REC_TIME, 1, 0, NULL, NULL, 0, 0, NULL},
    {"end_at", REC_TIME, 0, 0, NULL, NULL, 0, 0, NULL},
    {"status", REC_TEXT, 1, 20, activity_statuses, NULL, 0, 0, NULL},
    {"planned_female", REC_INT, 0, 0, NULL, NULL, 0, 1e9, NULL},
    {"planned_male", REC_INT, 0, 0, NULL, NULL, 0, 1e9, NULL},
    {"reached_female", REC_INT, 0, 0, NULL, NULL, 0, 1e9, NULL},
    {"reached_male", REC_INT, 0, 0, NULL, NULL, 0, 1e9, NULL},
    {"budget", REC_REAL, 0, 0, NULL, NULL, 0, 1e13, NULL},
    {"currency", REC_TEXT, 0, 3, NULL, NULL, 0, 0, NULL},
    {"practice_id", REC_TEXT, 0, 36, NULL, "SELECT 1 FROM practices " DB_ACL_EXEMPT " WHERE id = ?",
     0, 0, NULL},
    FED_GROUP_COLS,
    {"tlp", REC_TEXT, 1, 20, tlps_not_red, NULL, 0, 0, NULL},
    FED_TIME_COLS,
};

static const struct fed_col sighting_cols[] = {
    {"alert_id", REC_TEXT, 1, 36, NULL, NULL, 0, 0, NULL},
    {"type", REC_TEXT, 1, 20, sighting_types, NULL, 0, 0, NULL},
    {"place_name", REC_TEXT, 0, 300, NULL, NULL, 0, 0, NULL},
    {"lat", REC_REAL, 0, 0, NULL, NULL, -90, 90, NULL},
    {"lon", REC_REAL, 0, 0, NULL, NULL, -180, 180, NULL},
    {"observed_at", REC_TIME, 1, 0, NULL, NULL, 0, 0, NULL},
    {"count", REC_INT, 1, 0, NULL, NULL, 1, 1e9, NULL},
    {"created_at", REC_TIME, 1, 0, NULL, NULL, 0, 0, NULL},
};

static const struct fed_col comment_cols[] = {
    {"alert_id", REC_TEXT, 1, 36, NULL, NULL, 0, 0, NULL},
    {"body", REC_TEXT, 1, 20000, NULL, NULL, 0, 0, NULL},
    FED_GROUP_COLS,
    {"created_at", REC_TIME, 1, 0, NULL, NULL, 0, 0, NULL},
};

/* ---- who reviewed a practice, who verified a proposal ---- */

static int in_list(const char *v, const char *const *list);

static json_t *org_json(struct db_stmt *s, int col)
{
	return json_pack("{s:s, s:s, s:s, s:s?}", "id", db_col_text(s, col), "name",
			 db_col_text(s, col + 1), "kind", db_col_text(s, col + 2), "country",
			 db_col_text(s, col + 3));
}

/* A practice's reviews (this node's reviewers), each with its
 * organisation: {"reviews": [...]}. */
static json_t *practice_extra(struct db_conn *c, const char *id)
{
	json_t *items = json_array();
	struct db_stmt *s;
	if (!db_prepare_vals(
		c,
		"SELECT r.id, r.verdict, r.comments, r.created_at, o.id, o.name, o.kind,"
		" o.country FROM practice_reviews r JOIN organisations o ON o.id = r.org_id"
		" WHERE r.practice_id = ? ORDER BY r.created_at, r.id",
		DB_VALS(DB_TEXT(id)), &s)) {
		while (db_step(s) == DB_ROW)
			json_array_append_new(
			    items,
			    json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", db_col_text(s, 0),
				      "verdict", db_col_text(s, 1), "comments", db_col_text(s, 2),
				      "created_at", row_time(s, 3), "org", org_json(s, 4)));
		db_done(s);
	}
	return json_pack("{s:o}", "reviews", items);
}

/* A copy's reviews as its origin sent them: each one's organisation made
 * here as a remote one of the origin (a review whose organisation is not
 * the origin's is left out), replacing those of the last version. */
static int practice_extra_put(struct db_conn *c, const char *origin, json_t *data, const char *id)
{
	int rc = db_run_vals(c, "DELETE FROM practice_review_copies WHERE practice_id = ?",
			     DB_VALS(DB_TEXT(id)));
	struct db_stmt *s;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(data, "reviews"), i, v)
	{
		const char *rid = json_string_value(json_object_get(v, "id"));
		const char *verdict = json_string_value(json_object_get(v, "verdict"));
		json_t *comments = json_object_get(v, "comments");
		const char *at = json_string_value(json_object_get(v, "created_at"));
		const char *why = NULL;
		int64_t ms;
		if (rc || i >= 200)
			break;
		if (!tr_uuid_valid(rid) || !in_list(verdict, practice_verdicts) ||
		    (comments &&
		     (!json_is_string(comments) || json_string_length(comments) > 10000)) ||
		    !at || tr_time_parse(at, &ms) != TR_OK)
			continue;
		if ((rc = fed_org_ensure(c, json_object_get(v, "org"), origin, &why)) == 1) {
			rc = TR_OK;
			continue;
		}
		if (rc ||
		    (rc = db_prepare(c,
				     "INSERT INTO practice_review_copies (id, practice_id, org_id,"
				     " verdict, comments, created_at) VALUES (?, ?, ?, ?, ?, ?)"
				     " ON CONFLICT (id) DO NOTHING",
				     &s)))
			break;
		db_bind_text(s, 1, rid);
		db_bind_text(s, 2, id);
		db_bind_text(s, 3,
			     json_string_value(json_object_get(json_object_get(v, "org"), "id")));
		db_bind_text(s, 4, verdict);
		db_bind_text(s, 5, comments ? json_string_value(comments) : "");
		db_bind_int64(s, 6, ms);
		rc = db_step_done(s);
	}
	return rc;
}

static const char *const practice_children[] = {
    "DELETE FROM practice_review_copies WHERE practice_id = ?", NULL};

/* The organisation that verified a proposal: {"verified_by_org": {...} or
 * null}. */
static json_t *proposal_extra(struct db_conn *c, const char *id)
{
	json_t *org = NULL;
	struct db_stmt *s;
	if (!db_prepare_vals(
		c,
		"SELECT o.id, o.name, o.kind, o.country FROM proposals p " DB_ACL_EXEMPT
		" LEFT JOIN users u ON u.id = p.verified_by JOIN organisations o ON o.id ="
		" COALESCE(p.verified_org_id, u.org_id) WHERE p.id = ?",
		DB_VALS(DB_TEXT(id)), &s)) {
		if (db_step(s) == DB_ROW)
			org = org_json(s, 0);
		db_done(s);
	}
	return json_pack("{s:o}", "verified_by_org", org ? org : json_null());
}

/* A copy's verifying organisation, made here as a remote one of the
 * origin (none when it is not the origin's). */
static int proposal_extra_put(struct db_conn *c, const char *origin, json_t *data, const char *id)
{
	json_t *org = json_object_get(data, "verified_by_org");
	const char *why = NULL;
	int rc = json_is_object(org) ? fed_org_ensure(c, org, origin, &why) : 1;
	if (rc != TR_OK && rc != 1)
		return rc;
	struct db_stmt *s;
	if ((rc = db_prepare(
		 c, "UPDATE proposals " DB_ACL_EXEMPT " SET verified_org_id = ? WHERE id = ?", &s)))
		return rc;
	if (json_is_object(org) && !why)
		db_bind_text(s, 1, json_string_value(json_object_get(org, "id")));
	else
		db_bind_null(s, 1);
	db_bind_text(s, 2, id);
	return db_step_done(s);
}

/* a child follows its parent's distribution (and sharing group) and status */
#define CHILD_DIST                                                                                 \
	"CASE WHEN p.distribution IN ('federation', 'sharing_group') THEN p.distribution ELSE"     \
	" 'organisation' END"
#define CHILD_STATUS "CASE WHEN p.status = 'draft' THEN 'draft' ELSE 'published' END"

/* The order is the order of the feed at one change number: a parent before
 * its children. */
const struct fed_type fed_types[] = {
    {.name = "alert",
     .table = "alerts",
     .alias = "a",
     .own = ALERT_COLS,
     .key = "a.id",
     .joins = "",
     .dist = "a.distribution",
     .group = "a.sharing_group_id",
     .tlp = "a.tlp",
     .status = "a.status",
     .version = "a.version",
     .title = "a.title",
     .kids = "(SELECT COUNT(*) FROM alert_sightings x WHERE x.alert_id = a.id) + (SELECT"
	     " COUNT(*) FROM alert_comments x WHERE x.alert_id = a.id)",
     .last = ", " ALERT_DRUG_FORM_COL,
     .withdraw_children = alert_children,
     .data = alert_data,
     .clean = fed_alert_clean,
     .put = alert_fed_put,
     .withdraw = alert_fed_withdraw,
     .flags = FT_ID | FT_GROUP},
    {.name = "sighting",
     .table = "alert_sightings",
     .alias = "r",
     .key = "r.id",
     .joins = " JOIN alerts p " DB_ACL_EXEMPT " ON p.id = r.alert_id",
     .dist = CHILD_DIST,
     .group = "p.sharing_group_id",
     .tlp = "p.tlp",
     .status = CHILD_STATUS,
     .version = "1",
     .title = "p.title",
     .parent = "alert",
     .parent_col = "r.alert_id",
     .cols = sighting_cols,
     .ncols = N(sighting_cols),
     .flags = FT_ID | FT_COUNTRY},
    {.name = "comment",
     .table = "alert_comments",
     .alias = "r",
     .key = "r.id",
     .joins = " JOIN alerts p " DB_ACL_EXEMPT " ON p.id = r.alert_id",
     /* its own distribution, never wider than its alert's: federation, or
      * a sharing group (its alert's, or one of a federated alert) */
     .dist = "CASE WHEN r.distribution = 'federation' AND p.distribution = 'federation' THEN"
	     " 'federation' WHEN r.distribution = 'sharing_group' AND p.distribution IN"
	     " ('federation', 'sharing_group') THEN 'sharing_group' ELSE 'organisation' END",
     .group = "r.sharing_group_id",
     .tlp = "p.tlp",
     .status = CHILD_STATUS,
     .version = "1",
     .title = "p.title",
     .parent = "alert",
     .parent_col = "r.alert_id",
     .cols = comment_cols,
     .ncols = N(comment_cols),
     .flags = FT_ID | FT_COUNTRY | FT_GROUP},
    {.name = "practice",
     .table = "practices",
     .alias = "r",
     .key = "r.id",
     .joins = "",
     .dist = "'federation'",
     .group = "NULL",
     .tlp = "'clear'",
     .status = "CASE WHEN r.status = 'published' THEN 'published' ELSE 'draft' END",
     .version = "r.version",
     .title = "r.title",
     .cols = practice_cols,
     .ncols = N(practice_cols),
     .flags = FT_ID | FT_COUNTRY | FT_VERSION,
     .extra = practice_extra,
     .extra_put = practice_extra_put,
     .withdraw_children = practice_children,
     /* a draft is seen by its organisation only, and a remote one has no users */
     .withdraw_set = "status = 'draft', title = '', summary = '', description = ''"},
    {.name = "proposal",
     .table = "proposals",
     .alias = "r",
     .key = "r.id",
     .joins = "",
     .dist = "r.distribution",
     .group = "r.sharing_group_id",
     .tlp = "'clear'",
     .status = "CASE WHEN r.status = 'draft' THEN 'draft' ELSE 'published' END",
     .version = "r.version",
     .title = "r.title",
     .cols = proposal_cols,
     .ncols = N(proposal_cols),
     .flags = FT_ID | FT_COUNTRY | FT_VERSION | FT_GROUP,
     .withdraw_set = "distribution = 'organisation', title = '', description = ''",
     .kids = "(SELECT COUNT(*) FROM proposal_endorsements x WHERE x.proposal_id = r.id)",
     .withdraw_children = proposal_children,
     .extra = proposal_extra,
     .extra_put = proposal_extra_put},
    {.name = "endorsement",
     .table = "proposal_endorsements",
     .alias = "r",
     .key = "r.proposal_id || ':' || r.org_id",
     .joins = " JOIN proposals p " DB_ACL_EXEMPT " ON p.id = r.proposal_id",
     .dist = CHILD_DIST,
     .group = "p.sharing_group_id",
     .tlp = "'clear'",
     .status = CHILD_STATUS,
     .version = "r.version",
     .title = "p.title",
     .parent = "proposal",
     .parent_col = "r.proposal_id",
     .cols = endorsement_cols,
     .ncols = N(endorsement_cols),
     .flags = FT_VERSION},
    {.name = "activity",
     .table = "activities",
     .alias = "r",
     .key = "r.id",
     .joins = "",
     .dist = "r.distribution",
     .group = "r.sharing_group_id",
     .tlp = "r.tlp",
     .status = "'published'",
     .version = "r.version",
     .title = "r.title",
     .cols = activity_cols,
     .ncols = N(activity_cols),
     .flags = FT_ID | FT_COUNTRY | FT_VERSION | FT_GROUP,
     .withdraw_set = "distribution = 'organisation', title = '', description = '',"
		     " lat = NULL, lon = NULL, place_name = NULL, polygon = NULL"},
};
const size_t fed_ntypes = N(fed_types);

const struct fed_type *fed_type_find(const char *name)
{
	for (size_t i = 0; name && i < fed_ntypes; i++)
		if (strcmp(fed_types[i].name, name) == 0)
			return &fed_types[i];
	return NULL;
}

void fed_type_own(const struct fed_type *t, struct buf *b)
{
	if (t->own) {
		buf_puts(b, t->own);
		return;
	}
	for (size_t i = 0; i < t->ncols; i++)
		buf_printf(b, "%s%s.%s", i ? ", " : "", t->alias, t->cols[i].key);
}

json_t *fed_type_data(const struct fed_type *t, struct db_stmt *s)
{
	if (t->data)
		return t->data(s);
	json_t *o = json_object();
	for (size_t i = 0; i < t->ncols; i++) {
		/* no flag travels: a flag would read as its number */
		json_t *v = t->cols[i].kind == REC_BOOL
				? json_loads(db_col_text(s, (int)i), 0, NULL)
				: activity_rec_value(s, (int)i, t->cols[i].kind);
		json_object_set_new(o, t->cols[i].key, v ? v : json_null());
	}
	return o;
}

int fed_type_id_ok(const struct fed_type *t, const char *id)
{
	if (!id)
		return 0;
	if (t->flags & FT_ID)
		return tr_uuid_valid(id);
	/* a composite key: the parent's id and the organisation's */
	char a[37];
	const char *colon = strchr(id, ':');
	if (!colon || colon - id != 36)
		return 0;
	memcpy(a, id, 36);
	a[36] = '\0';
	return tr_uuid_valid(a) && tr_uuid_valid(colon + 1);
}

static int in_list(const char *v, const char *const *list)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(v, list[i]) == 0)
			return 1;
	return 0;
}

/* One value of a generic column: 0 (kept as *out, possibly null) or 1. */
static int col_clean(struct db_conn *c, const struct fed_col *k, json_t *v, json_t **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return k->required;
	int64_t ms;
	int bounded = k->lo < k->hi;
	switch (k->kind) {
	case REC_TEXT:
		if (!json_is_string(v) || json_string_length(v) > (k->max ? k->max : 20000) ||
		    (k->enums && !in_list(json_string_value(v), k->enums)))
			return 1;
		if (k->ref) {
			int f = db_exists(c, k->ref, json_string_value(v));
			if (f < 0 || (f == 0 && k->required))
				return 1;
			if (f == 0)
				return 0; /* unknown here: left out */
		}
		break;
	case REC_INT:
		if (!json_is_integer(v) ||
		    (bounded && (json_integer_value(v) < k->lo || json_integer_value(v) > k->hi)))
			return 1;
		break;
	case REC_REAL:
		if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
		    (bounded && (json_number_value(v) < k->lo || json_number_value(v) > k->hi)))
			return 1;
		break;
	case REC_TIME:
		if (!json_is_string(v) || tr_time_parse(json_string_value(v), &ms) != TR_OK)
			return 1;
		break;
	case REC_BOOL:
		if (!json_is_boolean(v))
			return 1;
		break;
	case REC_JSON: {
		if (k->valid) {
			if (!k->valid(v))
				return 1;
			break;
		}
		if (!json_is_array(v) || json_array_size(v) > k->max)
			return 1;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (!(json_is_string(x) && json_string_length(x) <= 500) &&
			    !json_is_object(x))
				return 1;
		}
		char *text = json_dumps(v, JSON_COMPACT);
		size_t n = text ? strlen(text) : 0;
		free(text);
		if (!n || n > 100000)
			return 1;
		break;
	}
	}
	*out = json_deep_copy(v);
	return 0;
}

json_t *fed_type_clean(const struct fed_type *t, struct db_conn *c, json_t *d, const char *id,
		       const char **why)
{
	if (t->clean)
		return t->clean(c, d, id, why);
	if (!json_is_object(d))
		return *why = "no data", NULL;
	json_t *a = json_object();
	for (size_t i = 0; i < t->ncols; i++) {
		json_t *v;
		if (col_clean(c, &t->cols[i], json_object_get(d, t->cols[i].key), &v)) {
			json_decref(a);
			return *why = "bad field", NULL;
		}
		json_object_set_new(a, t->cols[i].key, v ? v : json_null());
	}
	return a;
}

/* The text a search finds a copy by (practices only are searched so). */
static int copy_index(const struct fed_type *t, struct db_conn *c, const char *id, json_t *a)
{
	if (strcmp(t->name, "practice") != 0)
		return TR_OK;
	return practice_index(c, id, a);
}

/* The grid cell of an activity's copy, as activity.c keeps it for the
 * overlaps: a copy overlaps the activities here like a local one. */
static int copy_cells(const struct fed_type *t, struct db_conn *c, const char *id, json_t *a)
{
	if (strcmp(t->name, "activity") != 0)
		return TR_OK;
	json_t *lat = json_object_get(a, "lat"), *lon = json_object_get(a, "lon");
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "UPDATE activities " DB_ACL_EXEMPT " SET cell_x = ?, cell_y = ?"
			    " WHERE id = ?",
			    &s);
	if (rc)
		return rc;
	if (json_is_number(lat) && json_is_number(lon)) {
		db_bind_int64(s, 1, overlap_cell(json_number_value(lon), 180));
		db_bind_int64(s, 2, overlap_cell(json_number_value(lat), 90));
	} else {
		db_bind_null(s, 1);
		db_bind_null(s, 2);
	}
	db_bind_text(s, 3, id);
	return db_step_done(s);
}

/* Binds the columns of a, from parameter 1 on; the next parameter. */
static int cols_bind(const struct fed_type *t, struct db_stmt *s, json_t *a)
{
	int k = 1;
	for (size_t i = 0; i < t->ncols; i++, k++)
		activity_rec_bind_value(s, k, t->cols[i].kind, json_object_get(a, t->cols[i].key));
	return k;
}

int fed_type_put(const struct fed_type *t, struct db_conn *c, const struct alert_fed_origin *o,
		 json_t *a, const char *id, int insert)
{
	if (t->put) {
		json_object_set_new(a, "id", json_string(id));
		return t->put(c, o, a, insert);
	}
	struct buf b;
	buf_init(&b, 4096);
	if (insert) {
		buf_printf(&b, "INSERT INTO %s " DB_ACL_EXEMPT " (", t->table);
		for (size_t i = 0; i < t->ncols; i++)
			buf_printf(&b, "%s, ", t->cols[i].key);
		buf_puts(&b, "org_id, origin_node, received_from");
		buf_puts(&b, t->flags & FT_ID ? ", id" : "");
		buf_puts(&b, t->flags & FT_VERSION ? ", version" : "");
		buf_puts(&b, t->flags & FT_COUNTRY ? ", country" : "");
		buf_puts(&b, ") VALUES (");
		for (size_t i = 0; i < t->ncols; i++)
			buf_puts(&b, "?, ");
		buf_puts(&b, "?, ?, ?");
		buf_puts(&b, t->flags & FT_ID ? ", ?" : "");
		buf_puts(&b, t->flags & FT_VERSION ? ", ?" : "");
		/* the organisation's country, when it is one known here */
		buf_puts(&b, t->flags & FT_COUNTRY ? ", (SELECT iso2 FROM countries WHERE iso2 = ?)"
						   : "");
		buf_puts(&b, ")");
	} else {
		buf_printf(&b, "UPDATE %s " DB_ACL_EXEMPT " AS %s SET ", t->table, t->alias);
		for (size_t i = 0; i < t->ncols; i++)
			buf_printf(&b, "%s = ?, ", t->cols[i].key);
		buf_puts(&b, "org_id = ?, origin_node = ?, received_from = ?");
		buf_puts(&b, t->flags & FT_VERSION ? ", version = ?" : "");
		buf_printf(&b, " WHERE %s = ?", t->key);
	}
	struct db_stmt *s;
	int rc = b.err ? b.err : db_prepare(c, b.data, &s);
	buf_free(&b);
	if (rc)
		return rc;
	int k = cols_bind(t, s, a);
	db_bind_text(s, k++, o->org_id);
	db_bind_text(s, k++, o->origin_node);
	db_bind_text(s, k++, o->received_from);
	if (insert) {
		if (t->flags & FT_ID)
			db_bind_text(s, k++, id);
		if (t->flags & FT_VERSION)
			db_bind_int64(s, k++, o->version);
		if (t->flags & FT_COUNTRY)
			db_bind_text(s, k++, o->country ? o->country : "");
	} else {
		if (t->flags & FT_VERSION)
			db_bind_int64(s, k++, o->version);
		db_bind_text(s, k++, id);
	}
	if ((rc = db_step_done(s)))
		return rc;
	if ((rc = copy_index(t, c, id, a)) || (rc = copy_cells(t, c, id, a)))
		return rc;
	return fed_stamp(c, t->name, id);
}

int fed_is_copy(struct db_conn *c, const char *type, const char *id)
{
	const struct fed_type *t = fed_type_find(type);
	return t && seq_is_copy(c, t->table, id);
}

int fed_type_withdraw(const struct fed_type *t, struct db_conn *c, const char *id,
		      const struct alert_fed_origin *o)
{
	struct db_stmt *s;
	int rc = TR_OK;
	for (int i = 0; t->withdraw_children && t->withdraw_children[i] && !rc; i++) {
		if (!(rc = db_prepare_vals(c, t->withdraw_children[i], DB_VALS(DB_TEXT(id)), &s))) {
			rc = db_step_done(s);
		}
	}
	if (rc)
		return rc;
	if (t->withdraw)
		return t->withdraw(c, id, o);
	struct buf b;
	buf_init(&b, 1024);
	if (t->withdraw_set)
		buf_printf(&b, "UPDATE %s " DB_ACL_EXEMPT " AS %s SET %s, received_from = ?%s",
			   t->table, t->alias, t->withdraw_set,
			   t->flags & FT_VERSION ? ", version = ?" : "");
	else
		buf_printf(&b, "DELETE FROM %s " DB_ACL_EXEMPT " AS %s", t->table, t->alias);
	buf_printf(&b, " WHERE %s = ? AND %s.origin_node = ?", t->key, t->alias);
	rc = b.err ? b.err : db_prepare(c, b.data, &s);
	buf_free(&b);
	if (rc)
		return rc;
	int k = 1;
	if (t->withdraw_set) {
		db_bind_text(s, k++, o->received_from);
		if (t->flags & FT_VERSION)
			db_bind_int64(s, k++, o->version);
	}
	db_bind_text(s, k++, id);
	db_bind_text(s, k++, o->origin_node);
	if ((rc = db_step_done(s)))
		return rc;
	if (!t->withdraw_set)
		return TR_OK;
	if ((rc = copy_index(t, c, id, NULL)))
		return rc;
	return fed_stamp(c, t->name, id);
}

int fed_stamp(struct db_conn *c, const char *type, const char *id)
{
	const struct fed_type *t = fed_type_find(type);
	return t ? seq_stamp(c, t->table, t->alias, t->key, id) : TR_ERR_INVALID;
}
