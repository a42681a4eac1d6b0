#include "domain/tip.h"
#include "domain/row.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/notify_tip.h"
#include "domain/group.h"
#include "domain/overlap.h"

#include <ctype.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The audit actor of what a sender does: the public, with no account (the
 * entry's user is empty, and without this it would read as the command
 * line). The tip's id already names the sender pseudonymously. */
#define TIP_AUDIT_PUBLIC "{\"actor\":\"public\"}"

const char *const tip_categories[] = {"dealing_near_school",
				      "public_drug_use",
				      "discarded_needles",
				      "suspected_stash_house",
				      "youth_recruitment",
				      "online_dealing",
				      "other",
				      NULL};
const char *const tip_statuses[] = {"new", "triaged", "assigned", "actioned", "closed", NULL};
const char *const tip_sorts[] = {"newest", "oldest", "due", NULL};
const char *const tip_outcomes[] = {
    "resolved",	 "referred", "no_action_needed", "insufficient_information", "duplicate",
    "unfounded", NULL};

#define DAY_MS 86400000LL
#define SENDER_MESSAGES_MAX 50

/* Commits, or rolls back and passes rc on. */
/* A tip's id is a UUIDv7 of its coarse time (below): it carries the minute
 * its row already shows, never the exact time of a public submission, and
 * the tips of one minute go into one end of each index instead of a random
 * page apiece (a commit of 64 tips wrote some 190 pages to the WAL). */
static void tip_id_new(int64_t coarse_ms, char out[37])
{
	tr_uuid7_at(coarse_ms, out);
}

/* Times written by a sender's request are kept to the minute, so a stored
 * row cannot be matched to a connection in some front proxy's log. */
static int64_t coarse_now(void)
{
	int64_t now = tr_now_ms();
	return now - now % 60000;
}

/* ---- routing and intake ---- */

static int pending_count(struct db_conn *c, const struct tip_new *t, int64_t *n)
{
	struct db_stmt *s;
	int rc = t->has_loc
		     ? db_prepare(c,
				  "SELECT COUNT(*) FROM tips " DB_ACL_EXEMPT " WHERE country = ?"
				  " AND cell_x = ? AND cell_y = ? AND status = 'new'",
				  &s)
		     : db_prepare(c,
				  "SELECT COUNT(*) FROM tips " DB_ACL_EXEMPT " WHERE country = ?"
				  " AND cell_x IS NULL AND status = 'new'",
				  &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, t->country);
	if (t->has_loc) {
		db_bind_int64(s, 2, overlap_cell(t->lon, 180));
		db_bind_int64(s, 3, overlap_cell(t->lat, 90));
	}
	rc = db_step(s);
	*n = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc;
}

int tip_reference_shape(const char *s)
{
	/* CC-YYYY-NNNNNN */
	if (!s || strlen(s) != 14 || s[2] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 14; i++) {
		if (i == 2 || i == 7)
			continue;
		if (i < 2 ? !isalpha((unsigned char)s[i]) : !isdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* The next reference of the country and year of now, from the sequence
 * row (locked until the transaction ends, so two intakes never share a
 * number and a rolled-back intake gives its number back). */
static int reference_take(struct db_conn *c, const char *country, int64_t now,
			  char out[32] /* OUT */)
{
	time_t secs = (time_t)(now / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	int year = tm.tm_year + 1900;
	int64_t n;
	int rc = db_int_vals(c,
			     "INSERT INTO tip_ref_seq (country, year, n) VALUES (?, ?, 1)"
			     " ON CONFLICT (country, year) DO UPDATE SET n = tip_ref_seq.n + 1"
			     " RETURNING n",
			     DB_VALS(DB_TEXT(country), DB_INT(year)), &n);
	if (rc) /* an upsert that returns no row is the database's failure */
		return rc == TR_ERR_NOT_FOUND ? TR_ERR_DB : rc;
	snprintf(out, 32, "%.2s-%04d-%06lld", country, year, (long long)n);
	return TR_OK;
}

int tip_insert(struct db_conn *c, struct tip_new *t)
{
	int rc = tip_route(c, t->country, t->has_loc, t->lat, t->lon, t->org_id);
	if (rc)
		return rc;
	int64_t pending = 0;
	if (t->pending_max > 0 && (rc = pending_count(c, t, &pending)))
		return rc;
	if (t->pending_max > 0 && pending >= t->pending_max)
		return TR_ERR_RATE_LIMIT;
	int64_t now = coarse_now();
	tip_id_new(now, t->id);
	char ref[32];
	if ((rc = reference_take(c, t->country, now, ref)))
		return rc;
	snprintf(t->reference, sizeof(t->reference), "%s", ref);
	struct db_stmt *s;
	if ((rc = db_prepare_vals(
		 c,
		 "INSERT INTO tips " DB_ACL_EXEMPT " (id, code, secret_hash, org_id,"
		 " country, distribution, category, description, status, lat, lon,"
		 " place, precision_m, cell_x, cell_y, observed_at, language,"
		 " contact_enc, ack_due_at, created_at, updated_at, reference) VALUES"
		 " (?, ?, ?, ?, ?, 'organisation', ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?,"
		 " ?, ?, ?, ?, ?)",
		 DB_VALS(DB_TEXT(t->id), DB_TEXT(t->code), DB_TEXT(t->secret_hash),
			 DB_TEXT(t->org_id), DB_TEXT(t->country), DB_TEXT(t->category),
			 DB_TEXT(t->description)),
		 &s)))
		return rc;
	if (t->has_loc) {
		db_bind_double(s, 8, t->lat);
		db_bind_double(s, 9, t->lon);
		db_bind_int64(s, 12, overlap_cell(t->lon, 180));
		db_bind_int64(s, 13, overlap_cell(t->lat, 90));
	} else {
		db_bind_null(s, 8);
		db_bind_null(s, 9);
		db_bind_null(s, 12);
		db_bind_null(s, 13);
	}
	db_bind_text_or_null(s, 10, t->place);
	t->precision_m >= 0 ? db_bind_int64(s, 11, t->precision_m) : db_bind_null(s, 11);
	t->observed_at ? db_bind_int64(s, 14, t->observed_at) : db_bind_null(s, 14);
	db_bind_text_or_null(s, 15, t->language);
	db_bind_text_or_null(s, 16, t->contact_enc);
	db_bind_int64(s, 17, now + t->ack_days * DAY_MS);
	db_bind_int64(s, 18, now);
	db_bind_int64(s, 19, now);
	db_bind_text(s, 20, ref);
	rc = db_step(s);
	db_done(s);
	if (rc != DB_DONE)
		return rc;
	/* the sender is a member of the public, never "the command line" */
	struct audit_entry e = {NULL,  t->org_id, "create", "tip",
				t->id, NULL,	  NULL,	    TIP_AUDIT_PUBLIC};
	rc = audit_append(c, &e, now);
	/* the receiving organisation's inbox, at the same coarse time */
	return rc ? rc : notify_tip_routed(c, t->id, t->org_id, now);
}

/* The whole batch in one transaction, without savepoints: the common case,
 * and the cheapest. 0 when every tip went in and the commit held. */
static int batch_fast(struct db_conn *c, struct tip_new *const *tips, size_t n)
{
	int rc = db_begin(c);
	for (size_t i = 0; i < n && !rc; i++)
		rc = tip_insert(c, tips[i]);
	if (!rc && !(rc = db_commit(c)))
		return 0;
	db_rollback(c);
	return rc;
}

/* One transaction with a savepoint per tip, so one bad tip (a code clash,
 * an area over its bound) does not sink the others. */
static void batch_careful(struct db_conn *c, struct tip_new *const *tips, int *rcs, size_t n)
{
	int rc = db_begin(c);
	for (size_t i = 0; i < n; i++) {
		if (rc) {
			rcs[i] = rc;
			continue;
		}
		for (int attempt = 0; attempt < 4; attempt++) {
			if ((rcs[i] = db_exec(c, "SAVEPOINT tip")))
				break;
			rcs[i] = tip_insert(c, tips[i]);
			db_exec(c, rcs[i] ? "ROLLBACK TO SAVEPOINT tip; RELEASE SAVEPOINT tip"
					  : "RELEASE SAVEPOINT tip");
			if (rcs[i] != TR_ERR_CONFLICT)
				break;
			tip_code_new(tips[i]->code); /* 49 bits: a clash is rare, draw again */
		}
	}
	if (!rc && (rc = db_commit(c)) != TR_OK)
		db_rollback(c);
	for (size_t i = 0; rc && i < n; i++)
		if (!rcs[i])
			rcs[i] = rc;
}

void tip_insert_batch(struct db_conn *c, struct tip_new *const *tips, int *rcs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rcs[i] = TR_OK;
	if (batch_fast(c, tips, n))
		batch_careful(c, tips, rcs, n);
}

/* ---- the sender's side ---- */

/* Finds the tip of a receipt. The hash is compared in constant time, and
 * an unknown code is compared against a dummy so both cost the same. */
static int receipt_find(struct db_conn *c, const char *code, const char *secret, char id[37],
			json_t **row)
{
	char want[TIP_HASH_HEX], up[TIP_CODE_LEN + 1];
	for (int i = 0; i < TIP_CODE_LEN && code[i]; i++)
		up[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
	up[TIP_CODE_LEN] = '\0';
	tip_secret_hash(secret, want);
	struct db_stmt *s;
	/* the secret stands in for the access predicate on this path */
	int rc = db_prepare_vals(c,
				 "SELECT id, secret_hash, status, category, outcome, created_at,"
				 " acknowledged_at FROM tips " DB_ACL_EXEMPT " WHERE code = ?",
				 DB_VALS(DB_TEXT(up)), &s);
	if (rc)
		return rc;
	rc = db_step(s);
	int ok = 0;
	if (rc == DB_ROW) {
		ok = tip_hash_equal(want, db_col_text(s, 1));
		if (ok && row) {
			*row = json_pack("{s:s, s:s, s:s, s:o, s:o, s:b}", "code", up, "status",
					 db_col_text(s, 2), "category", db_col_text(s, 3),
					 "outcome", row_text(s, 4), "received_at", row_time(s, 5),
					 "acknowledged", !db_col_is_null(s, 6));
		}
		snprintf(id, 37, "%s", db_col_text(s, 0));
	} else if (rc == DB_DONE) {
		static const char dummy[] =
		    "0000000000000000000000000000000000000000000000000000000000000000";
		(void)tip_hash_equal(want, dummy);
		ok = 0;
	}
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	return ok ? TR_OK : TR_ERR_NOT_FOUND;
}

static json_t *message_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:o}", "direction", db_col_text(s, 0), "body",
			 db_col_text(s, 1), "at", row_time(s, 2));
}

static int sender_messages(struct db_conn *c, const char *tip_id, json_t *items)
{
	return row_all_vals(c,
			    "SELECT direction, body, created_at FROM tip_messages"
			    " WHERE tip_id = ? ORDER BY created_at, id LIMIT 1000",
			    DB_VALS(DB_TEXT(tip_id)), message_row, items);
}

int tip_receipt_get(struct db_conn *c, const char *code, const char *secret, json_t **out)
{
	char id[37];
	json_t *row = NULL;
	int rc = receipt_find(c, code, secret, id, &row);
	if (rc)
		return rc;
	json_t *items = json_array();
	if ((rc = sender_messages(c, id, items))) {
		json_decref(items);
		json_decref(row);
		return rc;
	}
	json_object_set_new(row, "messages", items);
	*out = row;
	return TR_OK;
}

static int message_insert(struct db_conn *c, const char *tip_id, const char *direction,
			  const char *user_id, const char *body, int64_t now, char id[37])
{
	tip_id_new(now, id);
	return db_run_vals(c,
			   "INSERT INTO tip_messages (id, tip_id, direction, user_id, body,"
			   " created_at) VALUES (?, ?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(id), DB_TEXT(tip_id), DB_TEXT(direction),
				   DB_TEXT(user_id), DB_TEXT(body), DB_INT(now)));
}

int tip_sender_message(struct db_conn *c, const char *code, const char *secret, const char *body)
{
	int rc = db_begin(c);
	if (rc)
		return rc;
	char id[37], mid[37];
	json_t *row = NULL;
	if ((rc = receipt_find(c, code, secret, id, &row)))
		goto out;
	if (strcmp(json_string_value(json_object_get(row, "status")), "closed") == 0) {
		rc = TR_ERR_CONFLICT;
		goto out;
	}
	int64_t n;
	if ((rc = db_int_vals(c,
			      "SELECT COUNT(*) FROM tip_messages WHERE tip_id = ?"
			      " AND direction = 'from_sender'",
			      DB_VALS(DB_TEXT(id)), &n)))
		goto out;
	if (n >= SENDER_MESSAGES_MAX) {
		rc = TR_ERR_RATE_LIMIT;
		goto out;
	}
	int64_t now = coarse_now();
	if ((rc = message_insert(c, id, "from_sender", NULL, body, now, mid)))
		goto out;
	struct audit_entry e = {NULL, NULL, "message_from_sender", "tip", id,
				NULL, NULL, TIP_AUDIT_PUBLIC};
	rc = audit_append(c, &e, now);
	if (!rc)
		rc = notify_tip_sender_message(c, id, now);
out:
	json_decref(row);
	return db_end(c, rc);
}

/* ---- triage ---- */

#define TIP_COLS                                                                                   \
	"t.id, t.org_id, t.country, t.distribution, t.sharing_group_id, t.category,"               \
	" t.description, t.status, t.lat, t.lon, t.place, t.precision_m, t.coarsen_m,"             \
	" t.observed_at, t.language, CASE WHEN t.contact_enc IS NULL THEN 0 ELSE 1 END,"           \
	" t.assigned_user_id, t.assigned_org_id, t.outcome, t.duplicate_of, t.ack_due_at,"         \
	" t.acknowledged_at, t.created_at, t.updated_at, t.version, t.reference"

static json_t *tip_row(struct db_stmt *s, const struct caller *who, int64_t now)
{
	json_t *t = json_object();
	static const char *const text_cols[] = {
	    "id",	"org_id",      "country", "distribution", "sharing_group_id",
	    "category", "description", "status"};
	for (int i = 0; i < 8; i++)
		json_object_set_new(t, text_cols[i], row_text(s, i));
	int home = strcmp(db_col_text(s, 1), who->org_id) == 0;
	json_t *loc = json_object();
	if (!db_col_is_null(s, 8)) {
		double lat = db_col_double(s, 8), lon = db_col_double(s, 9);
		int64_t grid = db_col_int64(s, 12);
		if (!home && grid > 0)
			tip_point_coarsen(&lat, &lon, (double)grid);
		json_object_set_new(loc, "lat", json_real(lat));
		json_object_set_new(loc, "lon", json_real(lon));
	}
	json_object_set_new(loc, "place", row_text(s, 10));
	int64_t prec = db_col_int64(s, 11), grid = db_col_int64(s, 12);
	if (!home && grid > prec)
		prec = grid;
	json_object_set_new(loc, "precision_m",
			    db_col_is_null(s, 11) && (home || grid <= 0) ? json_null()
									 : json_integer(prec));
	json_object_set_new(loc, "coarsened",
			    json_boolean(!home && grid > 0 && !db_col_is_null(s, 8)));
	json_object_set_new(t, "location", loc);
	json_object_set_new(t, "coarsen_m", json_integer(grid));
	json_object_set_new(t, "observed_at", row_time(s, 13));
	json_object_set_new(t, "language", row_text(s, 14));
	json_object_set_new(t, "has_contact", json_boolean(home && db_col_int64(s, 15)));
	json_object_set_new(t, "assigned_user_id", row_text(s, 16));
	json_object_set_new(t, "assigned_org_id", row_text(s, 17));
	json_object_set_new(t, "outcome", row_text(s, 18));
	json_object_set_new(t, "duplicate_of", row_text(s, 19));
	json_object_set_new(t, "ack_due_at", row_time(s, 20));
	json_object_set_new(t, "acknowledged_at", row_time(s, 21));
	json_object_set_new(
	    t, "overdue",
	    json_boolean(strcmp(db_col_text(s, 7), "new") == 0 && db_col_int64(s, 20) < now));
	json_object_set_new(t, "created_at", row_time(s, 22));
	json_object_set_new(t, "updated_at", row_time(s, 23));
	json_object_set_new(t, "version", json_integer(db_col_int64(s, 24)));
	json_object_set_new(t, "reference", row_text(s, 25));
	return t;
}

/* A row as the reader sees it. */
static json_t *reader_row(struct db_stmt *s, void *ctx)
{
	const struct row_reader *x = ctx;
	return tip_row(s, x->who, x->now);
}

int tip_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT " TIP_COLS " FROM tips t WHERE t.id = ?", id);
	acl_visible(&q, who, "t");
	struct row_reader x = {who, tr_now_ms()};
	return row_query_one_ctx(&q, c, reader_row, &x, out);
}

/* Whether the point of a tip row, as the caller sees it, lies in box. */
static int row_in_box(json_t *t, const double box[4])
{
	json_t *loc = json_object_get(t, "location");
	json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "lon");
	if (!json_is_number(lat) || !json_is_number(lon))
		return 0;
	double y = json_number_value(lat), x = json_number_value(lon);
	return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
}

/* Words of the text: LIKE patterns, lower case, with % and _ escaped. */
static void like_pattern(const char *q, char *out, size_t n)
{
	size_t j = 0;
	out[j++] = '%';
	for (const char *p = q; *p && j + 3 < n; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			out[j++] = '\\';
		out[j++] = (char)tolower((unsigned char)*p);
	}
	out[j++] = '%';
	out[j] = '\0';
}

int tip_list(struct db_conn *c, const struct caller *who, const struct tip_filter *f,
	     const char *after, int limit, json_t *items, char **next_key)
{
	struct query q;
	int64_t now = tr_now_ms();
	*next_key = NULL;
	query_init(&q);
	query_sql(&q, "SELECT " TIP_COLS " FROM tips t WHERE 1 = 1");
	acl_visible(&q, who, "t");
	const struct row_filter by[] = {{" AND t.status = ?", f->status},
					{" AND t.category = ?", f->category},
					{" AND t.assigned_user_id = ?", f->assignee}};
	row_filters(&q, by, sizeof(by) / sizeof(by[0]));
	if (f->overdue == 1)
		query_int(&q, " AND t.status = 'new' AND t.ack_due_at < ?", now);
	else if (f->overdue == 0)
		query_int(&q, " AND (t.status <> 'new' OR t.ack_due_at >= ?)", now);
	char ref[16] = "", like[400] = "";
	if (f->q && tip_reference_shape(f->q)) {
		for (int i = 0; i < 14; i++)
			ref[i] = (char)toupper((unsigned char)f->q[i]);
		query_text(&q, " AND t.reference = ?", ref);
	} else if (f->q) {
		like_pattern(f->q, like, sizeof(like));
		query_text(&q, " AND (LOWER(t.description) LIKE ? ESCAPE '\\'", like);
		query_text(&q, " OR LOWER(COALESCE(t.place, '')) LIKE ? ESCAPE '\\'", like);
		query_text(&q, " OR t.reference LIKE ? ESCAPE '\\')", like);
	}
	if (f->has_bbox) {
		/* a box widened by each tip's coarsening: the point the caller
		 * sees is tested on the row below */
		double k = 2.0 / 111320.0;
		double klon =
		    k / fmax(cos(fmax(fabs(f->bbox[1]), fabs(f->bbox[3])) * M_PI / 180), 0.01);
		query_double(&q, " AND t.lat BETWEEN ?", f->bbox[1]);
		query_double(&q, " - t.coarsen_m * CAST(? AS DOUBLE PRECISION)", k);
		query_double(&q, " AND ?", f->bbox[3]);
		query_double(&q, " + t.coarsen_m * CAST(? AS DOUBLE PRECISION)", k);
		query_double(&q, " AND t.lon BETWEEN ?", f->bbox[0]);
		query_double(&q, " - t.coarsen_m * CAST(? AS DOUBLE PRECISION)", klon);
		query_double(&q, " AND ?", f->bbox[2]);
		query_double(&q, " + t.coarsen_m * CAST(? AS DOUBLE PRECISION)", klon);
	}
	/* with a box, rows outside it (as the caller sees them) are skipped */
	int due = f->sort == TIP_SORT_DUE;
	row_keyset_on(&q, "t", due ? "ack_due_at" : "created_at", f->sort == TIP_SORT_NEWEST, after,
		      f->has_bbox ? 99999 : limit);
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (rc)
		return rc;
	int n = 0, more = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *t = tip_row(s, who, now);
		if (f->has_bbox && !row_in_box(t, f->bbox)) {
			json_decref(t);
			continue;
		}
		if (n++ == limit) {
			json_decref(t);
			more = 1;
			break;
		}
		json_array_append_new(items, t);
	}
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	if (more && !(*next_key = row_page_key_on(items, more, due ? "ack_due_at" : "created_at")))
		return TR_ERR_NOMEM;
	return TR_OK;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int status_rank(const char *st)
{
	for (int i = 0; tip_statuses[i]; i++)
		if (strcmp(tip_statuses[i], st) == 0)
			return i;
	return -1;
}

/* Whether an organisation would see a tip of this distribution. */
static int org_sees(struct db_conn *c, const char *org, json_t *tip)
{
	const char *dist = jstr(tip, "distribution");
	if (strcmp(org, jstr(tip, "org_id")) == 0 || strcmp(dist, "network") == 0 ||
	    strcmp(dist, "federation") == 0)
		return 1;
	if (strcmp(dist, "sharing_group") == 0)
		return jstr(tip, "sharing_group_id") &&
		       group_has_member(c, jstr(tip, "sharing_group_id"), org);
	if (strcmp(dist, "country") != 0)
		return 0;
	struct db_stmt *s;
	if (db_prepare_vals(c, "SELECT country FROM organisations WHERE id = ?",
			    DB_VALS(DB_TEXT(org)), &s))
		return 0;
	int ok = db_step(s) == DB_ROW && db_col_text(s, 0) &&
		 strcmp(db_col_text(s, 0), jstr(tip, "country")) == 0;
	db_done(s);
	return ok;
}

static int user_in_org(struct db_conn *c, const char *user, const char *org1, const char *org2)
{
	struct db_stmt *s;
	if (db_prepare_vals(c, "SELECT org_id FROM users WHERE id = ? AND disabled = 0",
			    DB_VALS(DB_TEXT(user)), &s))
		return 0;
	int ok = db_step(s) == DB_ROW && (strcmp(db_col_text(s, 0), org1) == 0 ||
					  (org2 && strcmp(db_col_text(s, 0), org2) == 0));
	db_done(s);
	return ok;
}

/* The rules across fields of the merged record. */
static int triage_check(struct db_conn *c, const struct caller *who, json_t *cur, json_t *m,
			const char **field)
{
	const char *from = jstr(cur, "status"), *to = jstr(m, "status");
	int rf = status_rank(from), rt = status_rank(to);
	if (strcmp(from, "closed") == 0 && strcmp(to, "closed") != 0)
		return *field = "status", TR_ERR_CONFLICT;
	/* assigning acknowledges: no need to mark a new tip triaged first */
	int skip_triage = rf == 0 && rt == 2;
	if (rt != rf && rt != rf + 1 && !skip_triage && strcmp(to, "closed") != 0)
		return *field = "status", TR_ERR_CONFLICT;
	if (strcmp(to, "closed") == 0 && !jstr(m, "outcome"))
		return *field = "outcome", TR_ERR_INVALID;
	if (strcmp(to, "closed") != 0 && jstr(m, "outcome"))
		return *field = "outcome", TR_ERR_INVALID;
	if (group_share_check(c, who, m, 0, field))
		return TR_ERR_INVALID;
	const char *aorg = jstr(m, "assigned_org_id"), *auser = jstr(m, "assigned_user_id");
	if (rt >= 2 && rt < 4 && !aorg && !auser)
		return *field = "assigned_user_id", TR_ERR_INVALID;
	if (aorg && !org_sees(c, aorg, m))
		return *field = "assigned_org_id", TR_ERR_INVALID;
	if (auser && !user_in_org(c, auser, jstr(m, "org_id"), aorg))
		return *field = "assigned_user_id", TR_ERR_INVALID;
	const char *dup = jstr(m, "duplicate_of");
	if (dup &&
	    !json_equal(json_object_get(cur, "duplicate_of"), json_object_get(m, "duplicate_of"))) {
		json_t *other = NULL;
		if (strcmp(dup, jstr(m, "id")) == 0 || tip_get(c, who, dup, &other))
			return *field = "duplicate_of", TR_ERR_INVALID;
		json_decref(other);
	}
	return TR_OK;
}

static int triage_write(struct db_conn *c, const char *id, json_t *cur, json_t *m, int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "UPDATE tips " DB_ACL_EXEMPT " SET status = ?, distribution = ?,"
			    " sharing_group_id = ?, assigned_user_id = ?, assigned_org_id = ?,"
			    " outcome = ?, duplicate_of = ?, coarsen_m = ?, acknowledged_at = ?,"
			    " updated_at = ?, version = version + 1 WHERE id = ?",
			    &s);
	if (rc)
		return rc;
	static const char *const keys[] = {
	    "status",	       "distribution", "sharing_group_id", "assigned_user_id",
	    "assigned_org_id", "outcome",      "duplicate_of"};
	for (int i = 0; i < 7; i++)
		db_bind_text_or_null(s, i + 1, jstr(m, keys[i]));
	db_bind_int64(s, 8, json_integer_value(json_object_get(m, "coarsen_m")));
	int64_t ack = 0;
	if (jstr(cur, "acknowledged_at"))
		tr_time_parse(jstr(cur, "acknowledged_at"), &ack);
	else if (strcmp(jstr(m, "status"), "new") != 0)
		ack = now;
	ack ? db_bind_int64(s, 9, ack) : db_bind_null(s, 9);
	db_bind_int64(s, 10, now);
	db_bind_text(s, 11, id);
	return row_step_write(s);
}

int tip_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
	       int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	struct row_change ch; /* tips carry no TLP */
	int rc = row_change_begin(c, who, id, tip_get, acl_role_can(who->role, RES_TIP, ACT_UPDATE),
				  body, SHARE_TIP, 0, NULL, -1, &ch, field);
	if (rc)
		return rc;
	json_t *cur = ch.cur, *m = ch.next;
	/* how coarse the point is outside the organisation goes with who sees it */
	int coarsen =
	    !json_equal(json_object_get(cur, "coarsen_m"), json_object_get(m, "coarsen_m"));
	if (coarsen && !acl_role_can(who->role, RES_TIP, ACT_SHARE)) {
		*field = "distribution";
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	if ((rc = row_version_check(cur, version)))
		goto out;
	if ((rc = triage_check(c, who, cur, m, field)))
		goto out;
	int64_t now = tr_now_ms();
	if ((rc = triage_write(c, id, cur, m, now)))
		goto out;
	const char *assignee = jstr(m, "assigned_user_id");
	if (assignee &&
	    !(jstr(cur, "assigned_user_id") &&
	      strcmp(jstr(cur, "assigned_user_id"), assignee) == 0) &&
	    strcmp(assignee, who->user_id) != 0 && (rc = notify_tip_assigned(c, id, assignee, now)))
		goto out;
	char detail[300] = "";
	int share = acl_share_changed(&ch.was, &ch.will) || coarsen;
	snprintf(detail, sizeof(detail),
		 "{\"status\":[\"%s\",\"%s\"],\"distribution\":[\"%s\",\"%s\"]}",
		 jstr(cur, "status"), jstr(m, "status"), jstr(cur, "distribution"),
		 jstr(m, "distribution"));
	struct audit_entry e = {who->user_id, who->org_id, share ? "share" : "update",
				"tip",	      id,	   request_id,
				NULL,	      detail};
	rc = audit_append(c, &e, now);
out:
	return row_change_end(c, &ch, rc);
}

/* What the single PATCH would have answered for rc: its status and code. */
static const struct {
	int rc, status;
	const char *code;
} bulk_outcomes[] = {
    {TR_OK, 200, NULL},
    {TR_ERR_INVALID, 400, "invalid"},
    {TR_ERR_FORBIDDEN, 403, "forbidden"},
    {TR_ERR_NOT_FOUND, 404, "not_found"},
    {TR_ERR_CONFLICT, 409, "conflict"},
    {TR_ERR_PRECONDITION, 412, "stale"},
};

int tip_bulk(struct db_conn *c, const struct caller *who, json_t *ids, json_t *body,
	     const char *request_id, json_t *results)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		const char *id = json_string_value(v);
		const char *field = NULL;
		int rc = tip_update(c, who, id, body, -1, request_id, &field);
		size_t k = 0;
		while (k < N(bulk_outcomes) && bulk_outcomes[k].rc != rc)
			k++;
		if (k == N(bulk_outcomes))
			return rc; /* the database failed: stop, the caller answers */
		json_t *r = json_pack("{s:s, s:i}", "id", id, "status", bulk_outcomes[k].status);
		json_t *t = NULL;
		if (rc == TR_OK && !tip_get(c, who, id, &t))
			json_object_set_new(r, "tip", t);
		if (bulk_outcomes[k].code)
			json_object_set_new(r, "code", json_string(bulk_outcomes[k].code));
		if (rc && field)
			json_object_set_new(r, "field", json_string(field));
		json_array_append_new(results, r);
	}
	return TR_OK;
}

/* The tip must be visible, and notes, messages and contact belong to the
 * receiving organisation: elsewhere 403 (the tip itself is no secret to a
 * caller who sees it). */
static int home_check(struct db_conn *c, const struct caller *who, const char *id,
		      enum resource res, enum action act)
{
	json_t *t = NULL;
	int rc = tip_get(c, who, id, &t);
	if (rc)
		return rc;
	int home = strcmp(jstr(t, "org_id"), who->org_id) == 0;
	json_decref(t);
	return home && acl_role_can(who->role, res, act) ? TR_OK : TR_ERR_FORBIDDEN;
}

/* A note of the receiving organisation's on tip id, as note_id. */
static int note_insert(struct db_conn *c, const struct caller *who, const char *id,
		       const char *body, int64_t now, char note_id[37])
{
	tr_uuid7(note_id);
	return db_run_vals(c,
			   "INSERT INTO tip_notes (id, tip_id, org_id, user_id, body, created_at)"
			   " VALUES (?, ?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(note_id), DB_TEXT(id), DB_TEXT(who->org_id),
				   DB_TEXT(who->user_id), DB_TEXT(body), DB_INT(now)));
}

/* Adds the text of body to tip id as a note (RES_TIP_NOTE) or a message to
 * the sender (RES_TIP_MESSAGE), written as new_id and audited as action,
 * when the caller's organisation is the tip's home and its role may. */
static int home_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    enum resource res, const char *action, const char *request_id, char new_id[37])
{
	int rc = db_begin(c);
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	const char *text = json_string_value(json_object_get(body, "body"));
	if (!(rc = home_check(c, who, id, res, ACT_CREATE)))
		rc = res == RES_TIP_NOTE
			 ? note_insert(c, who, id, text, now, new_id)
			 : message_insert(c, id, "to_sender", who->user_id, text, now, new_id);
	if (!rc)
		rc = audit_by(c, who, action, "tip", id, request_id, now);
	return db_end(c, rc);
}

int tip_note_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		 const char *request_id, char note_id[37], const char **field)
{
	*field = NULL;
	return home_add(c, who, id, body, RES_TIP_NOTE, "note", request_id, note_id);
}

int tip_message_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    const char *request_id, char msg_id[37], const char **field)
{
	*field = NULL;
	return home_add(c, who, id, body, RES_TIP_MESSAGE, "message_to_sender", request_id, msg_id);
}

/* The notes or the messages of a tip of the caller's organisation. */
/* A note of the receiving organisation's. */
static json_t *note_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "id", db_col_text(s, 0), "user_id",
			 db_col_text(s, 1), "body", db_col_text(s, 2), "created_at",
			 row_time(s, 3));
}

/* A message of the thread with the sender. */
static json_t *thread_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:o}", "id", db_col_text(s, 0), "direction",
			 db_col_text(s, 4), "user_id", row_text(s, 1), "body", db_col_text(s, 2),
			 "at", row_time(s, 3));
}

static int home_items(struct db_conn *c, const struct caller *who, const char *id,
		      enum resource res, json_t *items)
{
	int rc = home_check(c, who, id, res, ACT_LIST), notes = res == RES_TIP_NOTE;
	if (rc)
		return rc;
	struct query q;
	query_init(&q);
	query_text(&q,
		   notes ? "SELECT n.id, n.user_id, n.body, n.created_at, NULL FROM tip_notes n"
			   " JOIN tips t ON t.id = n.tip_id WHERE n.tip_id = ?"
			 : "SELECT n.id, n.user_id, n.body, n.created_at, n.direction FROM"
			   " tip_messages n JOIN tips t ON t.id = n.tip_id WHERE n.tip_id = ?",
		   id);
	acl_visible(&q, who, "t");
	query_text(&q, " AND t.org_id = ? ORDER BY n.created_at, n.id LIMIT 1000", who->org_id);
	return row_query_all(&q, c, notes ? note_row : thread_row, items);
}

int tip_notes(struct db_conn *c, const struct caller *who, const char *id, json_t *items)
{
	return home_items(c, who, id, RES_TIP_NOTE, items);
}

int tip_messages(struct db_conn *c, const struct caller *who, const char *id, json_t *items)
{
	return home_items(c, who, id, RES_TIP_MESSAGE, items);
}

int tip_contact_sealed(struct db_conn *c, const struct caller *who, const char *id,
		       const char *justification, const char *request_id, char **sealed)
{
	*sealed = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	struct db_stmt *s;
	if ((rc = home_check(c, who, id, RES_TIP_CONTACT, ACT_READ)))
		goto out;
	/* the access check above is the predicate of this read */
	if ((rc = db_prepare_vals(c, "SELECT contact_enc FROM tips " DB_ACL_EXEMPT " WHERE id = ?",
				  DB_VALS(DB_TEXT(id)), &s)))
		goto out;
	rc = db_step(s);
	if (rc == DB_ROW && db_col_text(s, 0))
		*sealed = strdup(db_col_text(s, 0));
	db_done(s);
	if (rc != DB_ROW)
		goto out;
	struct audit_entry e = {who->user_id, who->org_id,   "read_sensitive",	       "tip", id,
				request_id,   justification, "{\"field\":\"contact\"}"};
	rc = audit_append(c, &e, tr_now_ms());
out:
	if (rc) {
		free(*sealed);
		*sealed = NULL;
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}
