#include "domain/proposal.h"
#include "domain/row.h"
#include "domain/row_tx.h"
#include "domain/shrec.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/group.h"
#include "domain/notify.h"
#include "domain/practice.h"
#include "domain/seq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const proposal_statuses[] = {"draft",	"open",	  "verified", "agreed",
					 "implemented", "closed", NULL};

static const struct activity_rec_col cols[] = {
    {"id", "id", REC_TEXT},
    {"org_id", "org_id", REC_TEXT},
    {"country", "country", REC_TEXT},
    {"created_by", "created_by", REC_TEXT},
    {"title", "title", REC_TEXT},
    {"description", "description", REC_TEXT},
    {"partners", "partners", REC_JSON},
    {"countries", "countries", REC_JSON},
    {"practices", "practices", REC_JSON},
    {"activities", "activities", REC_JSON},
    {"status", "status", REC_TEXT},
    {"distribution", "distribution", REC_TEXT},
    {"sharing_group_id", "sharing_group_id", REC_TEXT},
    {"verified_by", "verified_by", REC_TEXT},
    {"verified_org_id", "verified_org_id", REC_TEXT},
    {"verified_at", "verified_at", REC_TIME},
    {"updated_at", "updated_at", REC_TIME},
    {"created_at", "created_at", REC_TIME},
    {"version", "version", REC_INT},
};
enum { NCOLS = sizeof(cols) / sizeof(cols[0]), COL_WRITABLE = 4, COL_CREATED = 17 };

/* The distribution predicate, and drafts for their organisation only. */
static void proposal_visible(struct query *q, const struct caller *who, const char *alias)
{
	char part[128];
	acl_visible(q, who, alias);
	snprintf(part, sizeof(part), " AND (%s.status <> 'draft' OR %s.org_id = ?)", alias, alias);
	query_text(q, part, who->org_id);
}

/* A row of the table's columns. */
static json_t *list_row(struct db_stmt *s)
{
	return activity_rec_json(s, cols, NCOLS);
}

static void select_start(struct query *q)
{
	activity_rec_query(q, "p", cols, NCOLS, " FROM proposals p WHERE 1 = 1");
}

static int proposal_read(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	struct query q;
	select_start(&q);
	query_text(&q, " AND p.id = ?", id);
	proposal_visible(&q, who, "p");
	return row_query_one(&q, c, list_row, out);
}

/* The module's rule for one proposal, asked by the notifications for each
 * subscriber. */
static int proposal_check_visible(struct db_conn *c, const struct caller *who, const char *id)
{
	return row_seen(c, who, id, proposal_read);
}

/* A proposal that became open (was: its status before, NULL on create)
 * reaches the subscriptions to proposals (countries), in the same
 * transaction. */
static int proposal_subscribers(struct db_conn *c, json_t *p, const char *was, int64_t now)
{
	const char *status = json_string_value(json_object_get(p, "status"));
	if (!status || strcmp(status, "open") != 0 || (was && strcmp(was, "open") == 0))
		return TR_OK;
	struct notify_record r = {
	    .type = "proposal",
	    .res = RES_PROPOSAL,
	    .id = json_string_value(json_object_get(p, "id")),
	    .org_id = json_string_value(json_object_get(p, "org_id")),
	    .countries = json_object_get(p, "countries"),
	    .check = proposal_check_visible,
	};
	return notify_record_new(c, &r, now, NULL);
}

static int children(struct db_conn *c, const char *sql, const char *id, json_t *items,
		    const char *const *keys, int n)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, DB_VALS(DB_TEXT(id)), &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *o = json_object();
		for (int i = 0; i < n; i++)
			json_object_set_new(
			    o, keys[i],
			    i == n - 1 ? row_time(s, i)
				       : json_string(db_col_text(s, i) ? db_col_text(s, i) : ""));
		json_array_append_new(items, o);
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int proposal_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	static const char *const ekeys[] = {"org_id", "user_id", "comment", "version",
					    "created_at"};
	static const char *const rkeys[] = {"id",      "reviewer_id", "org_id",
					    "verdict", "comments",    "created_at"};
	int rc = proposal_read(c, who, id, out);
	if (rc)
		return rc;
	json_t *ends = json_array(), *revs = json_array();
	json_object_set_new(*out, "endorsements", ends);
	json_object_set_new(*out, "reviews", revs);
	rc = children(c,
		      "SELECT e.org_id, e.user_id, e.comment, e.version, e.created_at FROM"
		      " proposal_endorsements e WHERE e.proposal_id = ? ORDER BY e.created_at",
		      id, ends, ekeys, 5);
	/* an endorsement's version as a number */
	size_t i;
	json_t *e;
	json_array_foreach(ends, i, e)
	{
		const char *v = json_string_value(json_object_get(e, "version"));
		json_object_set_new(e, "version", json_integer(v ? strtoll(v, NULL, 10) : 1));
	}
	json_object_set_new(*out, "endorsement_count",
			    json_integer((json_int_t)json_array_size(ends)));
	if (!rc)
		rc = children(c,
			      "SELECT r.id, r.reviewer_id, r.org_id, r.verdict, r.comments,"
			      " r.created_at FROM proposal_reviews r WHERE r.proposal_id = ?"
			      " ORDER BY r.created_at",
			      id, revs, rkeys, 6);
	return rc;
}

/* The number of endorsements of a proposal the caller may see. */
static int endorsement_count(struct db_conn *c, const char *id, json_int_t *n)
{
	int64_t count = 0;
	int rc = db_int_vals(c, "SELECT COUNT(*) FROM proposal_endorsements WHERE proposal_id = ?",
			     DB_VALS(DB_TEXT(id)), &count);
	*n = (json_int_t)count;
	return rc;
}

int proposal_list(struct db_conn *c, const struct caller *who, const char *status,
		  const char *after, int limit, json_t *items, char **next_key)
{
	*next_key = NULL;
	struct query q;
	select_start(&q);
	proposal_visible(&q, who, "p");
	if (status)
		query_text(&q, " AND p.status = ?", status);
	row_keyset(&q, "p", after, limit);
	int rc = row_list(&q, c, limit, list_row, "updated_at", items, next_key);
	if (rc)
		return rc;
	/* the list counts what the page lists (after the page's statement is done) */
	size_t i;
	json_t *row;
	rc = TR_OK;
	json_array_foreach(items, i, row)
	{
		json_int_t count = 0;
		if (!rc && !(rc = endorsement_count(
				 c, json_string_value(json_object_get(row, "id")), &count)))
			json_object_set_new(row, "endorsement_count", json_integer(count));
	}
	return rc;
}

static int proposal_partner_endorses(struct db_conn *c, const struct caller *who);

/* The proposal waits for the endorsement of the partner organisations it
 * names: their users who may endorse it are told once. */
static int tell_partners(struct db_conn *c, json_t *p, int64_t now)
{
	const char *status = json_string_value(json_object_get(p, "status"));
	const char *id = json_string_value(json_object_get(p, "id"));
	if (!status || !id || strcmp(status, "draft") == 0 || strcmp(status, "closed") == 0)
		return TR_OK;
	char key[64];
	snprintf(key, sizeof(key), "endorse:%s", id);
	int rc = TR_OK;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(p, "partners"), i, v)
	{
		struct notify_audience a = {json_string_value(v), NULL, 0, 0, proposal_may_endorse};
		if (!rc)
			rc = notify_inbox_audience(c, &a, "proposal_endorse", "proposal", id, key,
						   now, NULL);
	}
	return rc;
}

static int proposal_check(struct db_conn *c, const struct caller *who, json_t *p,
			  const char **field)
{
	if (group_share_check(c, who, p, 0, field))
		return TR_ERR_INVALID;
	size_t i;
	json_t *v;
	int e;
	json_array_foreach(json_object_get(p, "partners"), i,
			   v) if (strcmp(json_string_value(v), who->org_id) == 0 ||
				  (e = db_exists(c, "SELECT 1 FROM organisations WHERE id = ?",
						 json_string_value(v))) <= 0) return *field =
	    "partners",
										     TR_ERR_INVALID;
	json_array_foreach(json_object_get(p, "countries"), i,
			   v) if (db_exists(c, "SELECT 1 FROM countries WHERE iso2 = ?",
					    json_string_value(v)) <= 0) return *field = "countries",
									       TR_ERR_INVALID;
	json_array_foreach(
	    json_object_get(p, "practices"), i,
	    v) if (practice_check_visible(c, who, json_string_value(v))) return *field =
	    "practices",
										TR_ERR_INVALID;
	json_array_foreach(json_object_get(p, "activities"), i, v)
	{
		json_t *a = NULL;
		int rc = activity_get(c, who, json_string_value(v), &a);
		json_decref(a);
		if (rc)
			return *field = "activities", TR_ERR_INVALID;
	}
	return TR_OK;
}

static const struct activity_rec_table table = {"proposals", cols, NCOLS - 1, COL_WRITABLE,
						COL_CREATED, 0,	   1};

static void defaults_fill(json_t *p)
{
	static const char *const arrays[] = {"partners", "countries", "practices", "activities"};
	for (int i = 0; i < 4; i++)
		if (!json_is_array(json_object_get(p, arrays[i])))
			json_object_set_new(p, arrays[i], json_array());
	if (!json_is_string(json_object_get(p, "description")))
		json_object_set_new(p, "description", json_string(""));
	if (!json_is_string(json_object_get(p, "status")))
		json_object_set_new(p, "status", json_string("draft"));
}

int proposal_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, RES_PROPOSAL, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	int64_t now;
	json_t *p = activity_rec_new(body, defaults_fill, who, id, &now);
	int rc = row_share_begin(c, who, SHARE_PROPOSAL, 0, p, field); /* proposals carry no TLP */
	if (rc)
		return rc;
	rc = proposal_check(c, who, p, field);
	if (!rc)
		rc = activity_rec_write(c, &table, p, 1);
	if (!rc)
		rc = tell_partners(c, p, now);
	if (!rc)
		rc = proposal_subscribers(c, p, NULL, now);
	return row_audit_end(c, who, "create", "proposal", id, request_id, NULL, now, p, rc);
}

/* The proposer's moves; open -> verified is a reviewer's. */
static int status_move_ok(const char *from, const char *to)
{
	static const char *const moves[][2] = {
	    {"draft", "open"},	       {"open", "draft"},    {"verified", "agreed"},
	    {"agreed", "implemented"}, {"draft", "closed"},  {"open", "closed"},
	    {"verified", "closed"},    {"agreed", "closed"}, {"implemented", "closed"}};
	return row_move_ok(moves, sizeof(moves) / sizeof(moves[0]), from, to);
}

int proposal_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	struct row_change ch;
	int rc = row_change_begin(c, who, id, proposal_read,
				  acl_role_can(who->role, RES_PROPOSAL, ACT_UPDATE), body,
				  SHARE_PROPOSAL, 0, defaults_fill, version, &ch, field);
	if (rc)
		return rc;
	json_t *cur = ch.cur, *merged = ch.next;
	const char *from = json_string_value(json_object_get(cur, "status"));
	const char *to = json_string_value(json_object_get(body, "status"));
	if (!status_move_ok(from, to ? to : from) || strcmp(from, "closed") == 0) {
		*field = "status";
		rc = TR_ERR_CONFLICT;
		goto out;
	}
	if ((rc = proposal_check(c, who, merged, field)))
		goto out;
	int64_t now = tr_now_ms();
	activity_rec_stamp(merged, "updated_at", now);
	if ((rc = activity_rec_write(c, &table, merged, 0)) ||
	    (rc = tell_partners(c, merged, now)) ||
	    (rc = proposal_subscribers(c, merged, from, now)))
		goto out;
	rc = shrec_audit_change(c, who, "proposal", id, request_id, &ch.was, &ch.will, now);
out:
	return row_change_end(c, &ch, rc);
}

/* Civil-society and youth organisations endorse proposals through their
 * partner accounts: the people the proposals are for have a say in them. */
static int proposal_partner_endorses(struct db_conn *c, const struct caller *who)
{
	if (who->role != ROLE_PARTNER)
		return 0;
	struct db_stmt *s;
	if (db_prepare_vals(c, "SELECT kind FROM organisations WHERE id = ?",
			    DB_VALS(DB_TEXT(who->org_id)), &s))
		return 0;
	int ok = db_step(s) == DB_ROW && db_col_text(s, 0) &&
		 (strcmp(db_col_text(s, 0), "civil_society") == 0 ||
		  strcmp(db_col_text(s, 0), "youth_organisation") == 0);
	db_done(s);
	return ok;
}

/* Whether who speaks for the organisation on proposals. */
static int endorser(struct db_conn *c, const struct caller *who)
{
	return acl_role_can(who->role, RES_PROPOSAL, ACT_SHARE) ||
	       proposal_partner_endorses(c, who);
}

int proposal_may_endorse(struct db_conn *c, const struct caller *who, const char *id)
{
	json_t *cur = NULL;
	int rc = proposal_read(c, who, id, &cur);
	if (rc)
		return rc;
	const char *status = json_string_value(json_object_get(cur, "status"));
	int ok = endorser(c, who) &&
		 strcmp(json_string_value(json_object_get(cur, "org_id")), who->org_id) != 0 &&
		 strcmp(status, "draft") != 0 && strcmp(status, "closed") != 0;
	json_decref(cur);
	struct db_stmt *s;
	if (ok && !(rc = db_prepare_vals(c,
					 "SELECT 1 FROM proposal_endorsements WHERE proposal_id = ?"
					 " AND org_id = ?",
					 DB_VALS(DB_TEXT(id), DB_TEXT(who->org_id)), &s))) {
		rc = db_step(s);
		db_done(s);
		ok = rc == DB_DONE;
		rc = rc == DB_DONE || rc == DB_ROW ? TR_OK : rc;
	}
	return rc ? rc : ok ? TR_OK : TR_ERR_NOT_FOUND;
}

/* The start of a write of who's endorsement: a transaction, the proposal
 * as who sees it in *cur, and TR_ERR_FORBIDDEN unless who endorses. On a
 * failure the transaction is rolled back and *cur is NULL. */
static int endorse_begin(struct db_conn *c, const struct caller *who, const char *id, json_t **cur,
			 const char **field)
{
	*field = NULL;
	*cur = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if (!(rc = proposal_read(c, who, id, cur)) && !endorser(c, who)) {
		*field = "endorser";
		rc = TR_ERR_FORBIDDEN;
	}
	if (rc) {
		json_decref(*cur);
		*cur = NULL;
		db_rollback(c);
	}
	return rc;
}

/* The change number of who's endorsement of id and its audit entry. */
static int endorse_stamp(struct db_conn *c, const struct caller *who, const char *id,
			 const char *request_id, int64_t now)
{
	char key[80];
	snprintf(key, sizeof(key), "%s:%s", id, who->org_id);
	int rc =
	    seq_stamp(c, "proposal_endorsements", "r", "r.proposal_id || ':' || r.org_id", key);
	return rc ? rc : audit_by(c, who, "endorse", "proposal", id, request_id, now);
}

int proposal_endorse(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		     const char *request_id, const char **field)
{
	json_t *cur;
	int rc = endorse_begin(c, who, id, &cur, field);
	if (rc)
		return rc;
	const char *status = json_string_value(json_object_get(cur, "status"));
	if (strcmp(json_string_value(json_object_get(cur, "org_id")), who->org_id) == 0 ||
	    strcmp(status, "draft") == 0 || strcmp(status, "closed") == 0) {
		*field = strcmp(status, "draft") == 0 || strcmp(status, "closed") == 0 ? "status"
										       : "org_id";
		rc = TR_ERR_CONFLICT;
		goto out;
	}
	int64_t now = tr_now_ms();
	const char *comment = json_string_value(json_object_get(body, "comment"));
	rc = db_run_vals(c,
			 "INSERT INTO proposal_endorsements (proposal_id, org_id, user_id,"
			 " comment, created_at) VALUES (?, ?, ?, ?, ?)",
			 DB_VALS(DB_TEXT(id), DB_TEXT(who->org_id), DB_TEXT(who->user_id),
				 DB_TEXT(comment ? comment : ""), DB_INT(now)));
	if (rc) {
		*field = rc == TR_ERR_CONFLICT ? "endorsement" : NULL;
		goto out;
	}
	rc = endorse_stamp(c, who, id, request_id, now);
out:
	json_decref(cur);
	return db_end(c, rc);
}

int proposal_endorse_update(struct db_conn *c, const struct caller *who, const char *id,
			    json_t *body, const char *request_id, const char **field)
{
	json_t *cur;
	int rc = endorse_begin(c, who, id, &cur, field);
	if (rc)
		return rc;
	const char *status = json_string_value(json_object_get(cur, "status"));
	if (strcmp(status, "closed") == 0) {
		*field = "status";
		rc = TR_ERR_CONFLICT;
		goto out;
	}
	/* the organisation's own endorsement (a copy's changes at its origin) */
	struct db_stmt *s;
	if ((rc = db_prepare_vals(c,
				  "SELECT comment FROM proposal_endorsements WHERE proposal_id = ?"
				  " AND org_id = ? AND origin_node IS NULL",
				  DB_VALS(DB_TEXT(id), DB_TEXT(who->org_id)), &s)))
		goto out;
	rc = db_step(s);
	const char *comment = json_string_value(json_object_get(body, "comment"));
	int same = rc == DB_ROW && strcmp(db_col_text(s, 0), comment ? comment : "") == 0;
	db_done(s);
	if (rc != DB_ROW) {
		rc = rc == DB_DONE ? TR_ERR_NOT_FOUND : TR_ERR_DB;
		goto out;
	}
	rc = TR_OK;
	if (same)
		goto out; /* the same comment: no new version */
	int64_t now = tr_now_ms();
	rc = db_run_vals(c,
			 "UPDATE proposal_endorsements SET comment = ?, user_id = ?,"
			 " version = version + 1 WHERE proposal_id = ? AND org_id = ?",
			 DB_VALS(DB_TEXT(comment ? comment : ""), DB_TEXT(who->user_id),
				 DB_TEXT(id), DB_TEXT(who->org_id)));
	if (!rc)
		rc = endorse_stamp(c, who, id, request_id, now);
out:
	json_decref(cur);
	return db_end(c, rc);
}

int proposal_review_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			const char *request_id, char rid[37], const char **field)
{
	*field = NULL;
	json_t *cur;
	int rc = row_update_begin(c, who, id, proposal_read, &cur);
	if (rc)
		return rc;
	char detail[80] = "";
	int64_t now = tr_now_ms();
	if (!who->reviewer ||
	    strcmp(json_string_value(json_object_get(cur, "org_id")), who->org_id) == 0) {
		*field = "reviewer";
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	/* a copy of another node's proposal changes only at its origin */
	if (strcmp(json_string_value(json_object_get(cur, "status")), "open") != 0 ||
	    seq_is_copy(c, "proposals", id)) {
		*field = "status";
		rc = TR_ERR_CONFLICT;
		goto out;
	}
	const char *verdict, *comments;
	if ((rc = row_review_verdict(body, &verdict, &comments, field)))
		goto out;
	tr_uuid7(rid);
	rc = db_run_vals(c,
			 "INSERT INTO proposal_reviews (id, proposal_id, reviewer_id, org_id,"
			 " verdict, comments, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			 DB_VALS(DB_TEXT(rid), DB_TEXT(id), DB_TEXT(who->user_id),
				 DB_TEXT(who->org_id), DB_TEXT(verdict),
				 DB_TEXT(comments ? comments : ""), DB_INT(now)));
	if (rc) {
		*field = rc == TR_ERR_CONFLICT ? "reviewer" : NULL;
		goto out;
	}
	if (strcmp(verdict, "verify") == 0) {
		json_object_set_new(cur, "status", json_string("verified"));
		json_object_set_new(cur, "verified_by", json_string(who->user_id));
		json_object_set_new(cur, "verified_org_id", json_string(who->org_id));
		activity_rec_stamp(cur, "verified_at", now);
	}
	activity_rec_stamp(cur, "updated_at", now);
	if ((rc = activity_rec_write(c, &table, cur, 0)))
		goto out;
	snprintf(detail, sizeof(detail), "{\"verdict\":\"%s\"}", verdict);
out:
	return row_audit_end(c, who, "review", "proposal", id, request_id, detail, now, cur, rc);
}
