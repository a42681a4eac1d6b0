#include "domain/practice.h"
#include "domain/row.h"
#include "domain/row_tx.h"
#include "domain/search.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/activity_rec.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/seq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const practice_statuses[] = {"draft",     "submitted", "in_review", "verified",
					 "published", "rejected",  NULL};
const char *const practice_evidence_levels[] = {
    "beneficial", "likely_beneficial", "unknown", "likely_ineffective", "possibly_harmful", NULL};
const char *const practice_designs[] = {
    "rct", "quasi_experimental", "pre_post", "qualitative", "none", NULL};
const char *const practice_verdicts[] = {"verify", "reject", NULL};

static const struct activity_rec_col cols[] = {
    {"id", "id", REC_TEXT},
    {"org_id", "org_id", REC_TEXT},
    {"country", "country", REC_TEXT},
    {"created_by", "created_by", REC_TEXT},
    {"title", "title", REC_TEXT},
    {"summary", "summary", REC_TEXT},
    {"description", "description", REC_TEXT},
    {"origin_country", "origin_country", REC_TEXT},
    {"target_group", "target_group", REC_TEXT},
    {"setting", "setting", REC_TEXT},
    {"approach", "approach", REC_TEXT},
    {"evidence_level", "evidence_level", REC_TEXT},
    {"evidence_rationale", "evidence_rationale", REC_TEXT},
    {"evaluation_design", "evaluation_design", REC_TEXT},
    {"evaluation_findings", "evaluation_findings", REC_TEXT},
    {"resources_needed", "resources_needed", REC_TEXT},
    {"lessons_learned", "lessons_learned", REC_TEXT},
    {"language", "language", REC_TEXT},
    {"links", "links", REC_JSON},
    {"status", "status", REC_TEXT},
    {"rejection_reasons", "rejection_reasons", REC_TEXT},
    {"submitted_at", "submitted_at", REC_TIME},
    {"updated_at", "updated_at", REC_TIME},
    {"published_at", "published_at", REC_TIME},
    {"created_at", "created_at", REC_TIME},
    {"version", "version", REC_INT},
};
/* columns [COL_WRITABLE, COL_CREATED) are written on every change */
enum { NCOLS = sizeof(cols) / sizeof(cols[0]), COL_WRITABLE = 4, COL_CREATED = 24 };

void practice_visible(struct query *q, const struct caller *who, const char *alias)
{
	char part[300];
	snprintf(part, sizeof(part),
		 " AND " DB_ACL_MARK " (%s.org_id = ? OR %s.status = 'published'", alias, alias);
	query_text(q, part, who->org_id);
	if (who->reviewer) {
		snprintf(part, sizeof(part),
			 " OR %s.status IN ('submitted', 'in_review', 'verified')", alias);
		query_sql(q, part);
	}
	query_sql(q, ")");
}

/* A row of the table's columns. */
static json_t *list_row(struct db_stmt *s)
{
	return activity_rec_json(s, cols, NCOLS);
}

static void select_start(struct query *q)
{
	activity_rec_query(q, "p", cols, NCOLS, " FROM practices p WHERE 1 = 1");
}

int practice_check_visible(struct db_conn *c, const struct caller *who, const char *id)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT 1 FROM practices p WHERE p.id = ?", id);
	practice_visible(&q, who, "p");
	return query_find(&q, c);
}

static json_t *review_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:o}", "id", db_col_text(s, 0), "reviewer_id",
			 db_col_text(s, 1), "org_id", db_col_text(s, 2), "verdict",
			 db_col_text(s, 3), "comments", db_col_text(s, 4), "created_at",
			 row_time(s, 5));
}

static int reviews_of(struct db_conn *c, const char *id, json_t *items)
{
	return row_all_vals(c,
			    "SELECT r.id, r.reviewer_id, r.org_id, r.verdict, r.comments,"
			    " r.created_at FROM practice_reviews r WHERE r.practice_id = ?"
			    /* a copy's reviews, as its origin had them (reviewers there) */
			    " UNION ALL SELECT x.id, NULL, x.org_id, x.verdict, x.comments,"
			    " x.created_at FROM practice_review_copies x WHERE x.practice_id = ?"
			    " ORDER BY 6, 1",
			    DB_VALS(DB_TEXT(id), DB_TEXT(id)), review_row, items);
}

static int practice_read(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	struct query q;
	select_start(&q);
	query_text(&q, " AND p.id = ?", id);
	practice_visible(&q, who, "p");
	return row_query_one(&q, c, list_row, out);
}

int practice_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	int rc = practice_read(c, who, id, out);
	if (rc)
		return rc;
	json_t *reviews = json_array();
	json_object_set_new(*out, "reviews", reviews);
	return reviews_of(c, id, reviews);
}

int practice_list(struct db_conn *c, const struct caller *who, const char *status,
		  const char *country, const char *evidence, const char *q_text, const char *after,
		  int limit, json_t *items, char **next_key)
{
	*next_key = NULL;
	struct query q;
	select_start(&q);
	practice_visible(&q, who, "p");
	const struct row_filter by[] = {{" AND p.status = ?", status},
					{" AND p.origin_country = ?", country},
					{" AND p.evidence_level = ?", evidence}};
	row_filters(&q, by, sizeof(by) / sizeof(by[0]));
	char like[300];
	if (q_text) {
		/* a stopgap until full-text search: a plain substring, with the
		 * LIKE wildcards of the input escaped */
		size_t k = 0;
		like[k++] = '%';
		for (const char *p = q_text; *p && k + 3 < sizeof(like); p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				like[k++] = '\\';
			like[k++] = *p;
		}
		like[k++] = '%';
		like[k] = 0;
		query_text(&q, " AND (LOWER(p.title) LIKE LOWER(?) ESCAPE '\\'", like);
		query_text(&q, " OR LOWER(p.summary) LIKE LOWER(?) ESCAPE '\\')", like);
	}
	row_keyset(&q, "p", after, limit);
	return row_list(&q, c, limit, list_row, "updated_at", items, next_key);
}

static void defaults_fill(json_t *p)
{
	static const struct {
		const char *key, *value;
	} d[] = {{"summary", ""},
		 {"description", ""},
		 {"target_group", ""},
		 {"approach", ""},
		 {"evidence_level", "unknown"},
		 {"evidence_rationale", ""},
		 {"evaluation_design", "none"},
		 {"evaluation_findings", ""},
		 {"resources_needed", ""},
		 {"lessons_learned", ""},
		 {"language", "en"},
		 {"status", "draft"}};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		json_t *v = json_object_get(p, d[i].key);
		if (!v || json_is_null(v))
			json_object_set_new(p, d[i].key, json_string(d[i].value));
	}
	if (!json_is_array(json_object_get(p, "links")))
		json_object_set_new(p, "links", json_array());
}

static int practice_check(struct db_conn *c, json_t *p, const char **field)
{
	const char *country = json_string_value(json_object_get(p, "origin_country"));
	if (!country)
		return TR_OK;
	int rc =
	    db_find_vals(c, "SELECT 1 FROM countries WHERE iso2 = ?", DB_VALS(DB_TEXT(country)));
	if (rc == TR_ERR_NOT_FOUND)
		return *field = "origin_country", TR_ERR_INVALID;
	return rc;
}

int practice_index(struct db_conn *c, const char *id, const json_t *p)
{
	static const char *const keys[] = {"title",
					   "summary",
					   "description",
					   "target_group",
					   "approach",
					   "evidence_rationale",
					   "evaluation_findings",
					   "lessons_learned"};
	struct buf text;
	buf_init(&text, 1u << 20);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = json_string_value(json_object_get(p, keys[i]));
		if (v)
			buf_printf(&text, "%s\n", v);
	}
	int rc =
	    text.err ? text.err : search_index_put(c, "practice", id, text.data ? text.data : "");
	buf_free(&text);
	return rc;
}

static const struct activity_rec_table table = {"practices", cols, NCOLS - 1, COL_WRITABLE,
						COL_CREATED, 0,	   1};

static int practice_write(struct db_conn *c, json_t *p, int insert)
{
	int rc = activity_rec_write(c, &table, p, insert);
	return rc ? rc : practice_index(c, json_string_value(json_object_get(p, "id")), p);
}

/* Whether who reviews practices of org_id: the reviewer flag, another
 * organisation (docs/access.md). */
static int reviewer_for(const struct caller *who, const char *org_id)
{
	return who->reviewer && org_id && strcmp(org_id, who->org_id) != 0;
}

int practice_may_review(struct db_conn *c, const struct caller *who, const char *id)
{
	json_t *cur = NULL;
	int rc = practice_read(c, who, id, &cur);
	if (rc)
		return rc;
	const char *status = json_string_value(json_object_get(cur, "status"));
	int ok = reviewer_for(who, json_string_value(json_object_get(cur, "org_id"))) && status &&
		 (strcmp(status, "submitted") == 0 || strcmp(status, "in_review") == 0);
	json_decref(cur);
	return ok ? TR_OK : TR_ERR_NOT_FOUND;
}

/* A practice submitted (again) waits for review: every reviewer who may
 * review it is told, once per round. */
static int tell_reviewers(struct db_conn *c, json_t *p, int64_t now)
{
	const char *id = json_string_value(json_object_get(p, "id"));
	char key[100];
	snprintf(key, sizeof(key), "review:%s:%lld", id, (long long)now);
	struct notify_audience a = {NULL, json_string_value(json_object_get(p, "org_id")), 1, 0,
				    practice_may_review};
	return notify_inbox_audience(c, &a, "practice_review", "practice", id, key, now, NULL);
}

/* A published practice reaches the subscriptions to practices (setting,
 * country of origin), in the transaction that publishes it; who may see
 * it is asked of practice_check_visible for each subscriber. */
static int practice_subscribers(struct db_conn *c, json_t *p, int64_t now)
{
	struct notify_record r = {
	    .type = "practice",
	    .res = RES_PRACTICE,
	    .id = json_string_value(json_object_get(p, "id")),
	    .org_id = json_string_value(json_object_get(p, "org_id")),
	    .category = json_string_value(json_object_get(p, "setting")),
	    .check = practice_check_visible,
	};
	return notify_record_new_in(c, &r, json_string_value(json_object_get(p, "origin_country")),
				    now);
}

int practice_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	if (!practice_role_can(who->role, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	int64_t now;
	json_t *p = activity_rec_new(body, defaults_fill, who, id, &now);
	if (strcmp(json_string_value(json_object_get(p, "status")), "submitted") == 0)
		activity_rec_stamp(p, "submitted_at", now);
	int rc = db_begin(c);
	if (!rc)
		rc = practice_check(c, p, field);
	if (!rc)
		rc = practice_write(c, p, 1);
	if (!rc && strcmp(json_string_value(json_object_get(p, "status")), "submitted") == 0)
		rc = tell_reviewers(c, p, now);
	return row_audit_end(c, who, "create", "practice", id, request_id, NULL, now, p, rc);
}

/* The author's moves; reviews make the others. */
static int status_move_ok(const char *from, const char *to)
{
	static const char *const moves[][2] = {{"draft", "submitted"},
					       {"submitted", "draft"},
					       {"rejected", "draft"},
					       {"rejected", "submitted"}};
	return row_move_ok(moves, sizeof(moves) / sizeof(moves[0]), from, to);
}

int practice_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	json_t *cur, *merged;
	int rc = row_owned_begin(c, who, id, practice_read,
				 practice_role_can(who->role, ACT_UPDATE), body, &cur, &merged);
	if (rc)
		return rc;
	if ((rc = row_version_check(cur, version)))
		goto out;
	const char *from = json_string_value(json_object_get(cur, "status"));
	const char *to = json_string_value(json_object_get(body, "status"));
	int content = json_object_size(body) > (to ? 1u : 0u);
	if (!status_move_ok(from, to ? to : from) ||
	    (content && strcmp(from, "draft") != 0 && strcmp(from, "rejected") != 0)) {
		*field = "status";
		rc = TR_ERR_CONFLICT;
		goto out;
	}
	json_object_del(merged, "reviews");
	defaults_fill(merged);
	if ((rc = practice_check(c, merged, field)))
		goto out;
	int64_t now = tr_now_ms();
	activity_rec_stamp(merged, "updated_at", now);
	if (to && strcmp(to, "submitted") == 0 && strcmp(from, "submitted") != 0)
		activity_rec_stamp(merged, "submitted_at", now); /* a new round of reviews */
	if ((rc = practice_write(c, merged, 0)))
		goto out;
	if (to && strcmp(to, "submitted") == 0 && strcmp(from, "submitted") != 0 &&
	    (rc = tell_reviewers(c, merged, now)))
		goto out;
	rc = audit_by(c, who, to && strcmp(to, from) ? to : "update", "practice", id, request_id,
		      now);
out:
	json_decref(cur);
	json_decref(merged);
	return db_end(c, rc);
}

/* The verifying reviews of the current round (since the last submission),
 * and whether who already reviewed in it. */
static int round_count(struct db_conn *c, const char *id, int64_t since, const char *user,
		       int *verifies, int *mine)
{
	struct db_stmt *s;
	int rc =
	    db_row_vals(c,
			"SELECT COUNT(CASE WHEN r.verdict = 'verify' THEN 1 END),"
			" COUNT(CASE WHEN r.reviewer_id = ? THEN 1 END) FROM practice_reviews r"
			" WHERE r.practice_id = ? AND r.created_at >= ?",
			DB_VALS(DB_TEXT(user), DB_TEXT(id), DB_INT(since)), &s);
	if (rc)
		return rc;
	*verifies = (int)db_col_int64(s, 0);
	*mine = db_col_int64(s, 1) > 0;
	db_done(s);
	return TR_OK;
}

static int review_insert(struct db_conn *c, const struct caller *who, const char *id,
			 const char *rid, const char *verdict, const char *comments, int64_t now)
{
	return db_run_vals(c,
			   "INSERT INTO practice_reviews (id, practice_id, reviewer_id, org_id,"
			   " verdict, comments, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(rid), DB_TEXT(id), DB_TEXT(who->user_id),
				   DB_TEXT(who->org_id), DB_TEXT(verdict),
				   DB_TEXT(comments ? comments : ""), DB_INT(now)));
}

int practice_review_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			const char *request_id, char rid[37], char status_out[16],
			const char **field)
{
	*field = NULL;
	status_out[0] = 0;
	json_t *cur;
	int rc = row_update_begin(c, who, id, practice_read, &cur);
	if (rc)
		return rc;
	char detail[120] = "";
	int64_t since = 0, now = tr_now_ms();
	if (!reviewer_for(who, json_string_value(json_object_get(cur, "org_id")))) {
		*field = "reviewer";
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	const char *status = json_string_value(json_object_get(cur, "status"));
	if (strcmp(status, "submitted") != 0 && strcmp(status, "in_review") != 0) {
		*field = "status";
		rc = TR_ERR_CONFLICT;
		goto out;
	}
	const char *verdict, *comments;
	if ((rc = row_review_verdict(body, &verdict, &comments, field)))
		goto out;
	tr_time_parse(json_string_value(json_object_get(cur, "submitted_at")), &since);
	int verifies, mine;
	if ((rc = round_count(c, id, since, who->user_id, &verifies, &mine)))
		goto out;
	if (mine) {
		*field = "reviewer";
		rc = TR_ERR_CONFLICT;
		goto out;
	}
	tr_uuid7(rid);
	if ((rc = review_insert(c, who, id, rid, verdict, comments, now)))
		goto out;
	int reject = strcmp(verdict, "reject") == 0;
	int publish = !reject && verifies + 1 >= 2;
	json_object_set_new(cur, "status",
			    json_string(reject	  ? "rejected"
					: publish ? "published"
						  : "in_review"));
	if (reject)
		json_object_set_new(cur, "rejection_reasons", json_string(comments));
	if (publish)
		activity_rec_stamp(cur, "published_at", now);
	activity_rec_stamp(cur, "updated_at", now);
	if ((rc = practice_write(c, cur, 0)))
		goto out;
	if (publish && (rc = practice_subscribers(c, cur, now)))
		goto out;
	snprintf(status_out, 16, "%s", json_string_value(json_object_get(cur, "status")));
	snprintf(detail, sizeof(detail), "{\"verdict\":\"%s\",\"status\":\"%s\"}", verdict,
		 json_string_value(json_object_get(cur, "status")));
out:
	return row_audit_end(c, who, "review", "practice", id, request_id, detail, now, cur, rc);
}
