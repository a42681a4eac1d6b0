#include "domain/notify.h"
#include "domain/row.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/auth.h"
#include "domain/overlap.h"
#include "domain/tip_intake.h"
#include "domain/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const notify_deliveries[] = {"inbox", "email", "digest", NULL};
const char *const notify_record_types[] = {"alert", "practice", "proposal", "activity", NULL};

static struct notify_config config = {.retry_base_ms = 1000,
				      .retry_max_ms = 3600 * 1000,
				      .attempts_max = 30,
				      .timeout_ms = 30000,
				      .poll_ms = 1000,
				      .outbox_keep_days = 30,
				      .inbox_keep_days = 180};

void notify_configure(const struct notify_config *cfg)
{
	config = *cfg;
}

const struct notify_config *notify_config(void)
{
	return &config;
}

/* ---- inbox ---- */

int notify_inbox_add(struct db_conn *c, const char *user_id, const char *kind, const char *ref_type,
		     const char *ref_id, const char *dedupe, int64_t now)
{
	/* a second item of the same dedupe key for the user is dropped */
	char id[37];
	tr_uuid7(id);
	return db_run_vals(c,
			   "INSERT INTO inbox_items (id, user_id, kind, ref_type, ref_id, dedupe,"
			   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			   DB_VALS(DB_TEXT(id), DB_TEXT(user_id), DB_TEXT(kind), DB_TEXT(ref_type),
				   DB_TEXT(ref_id), DB_TEXT(dedupe), DB_INT(now)));
}

int notify_inbox_org(struct db_conn *c, const char *org_id, int admins_only, const char *kind,
		     const char *ref_type, const char *ref_id, const char *dedupe, int64_t now)
{
	if (!org_id) /* no organisation, no users (the audience's NULL is every one) */
		return TR_OK;
	struct notify_audience a = {org_id, NULL, 0, admins_only, NULL};
	return notify_inbox_audience(c, &a, kind, ref_type, ref_id, dedupe, now, NULL);
}

/* One item of notify_inbox_audience. */
struct audience_item {
	struct db_conn *c;
	const struct notify_audience *a;
	const char *kind, *ref_type, *ref_id, *dedupe;
	int64_t now;
	int *n;
};

/* The item for the user whose id is row, when the audience's rule lets it. */
static int audience_user(void *ctx, json_t *row)
{
	const struct audience_item *it = ctx;
	const char *user_id = json_string_value(row);
	if (it->a->check) {
		struct caller who;
		memset(&who, 0, sizeof(who));
		int rc = auth_caller_load(it->c, user_id, &who);
		if (rc)
			return rc == TR_ERR_UNAUTH ? TR_OK : rc;
		/* the module's own rule, with this user as the caller */
		rc = it->a->check(it->c, &who, it->ref_id);
		if (rc)
			return rc == TR_ERR_NOT_FOUND || rc == TR_ERR_FORBIDDEN ? TR_OK : rc;
	}
	int rc = notify_inbox_add(it->c, user_id, it->kind, it->ref_type, it->ref_id, it->dedupe,
				  it->now);
	if (!rc && it->n)
		(*it->n)++;
	return rc;
}

int notify_inbox_audience(struct db_conn *c, const struct notify_audience *a, const char *kind,
			  const char *ref_type, const char *ref_id, const char *dedupe, int64_t now,
			  int *n)
{
	if (n)
		*n = 0;
	struct audience_item it = {c, a, kind, ref_type, ref_id, dedupe, now, n};
	return row_all_each(c,
			    "SELECT id FROM users WHERE disabled = 0"
			    " AND (CAST(? AS TEXT) IS NULL OR org_id = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR org_id <> ?)"
			    " AND (? = 0 OR reviewer = 1) AND (? = 0 OR role = 'org_admin')"
			    " ORDER BY id",
			    DB_VALS(DB_TEXT(a->org_id), DB_TEXT(a->org_id), DB_TEXT(a->not_org),
				    DB_TEXT(a->not_org), DB_INT(a->reviewers), DB_INT(a->admins)),
			    row_first_string, audience_user, &it, NULL);
}

/* The web app's page for a record. */
static void record_link(const char *ref_type, const char *ref_id, char *out, size_t n)
{
	const char *plural = ref_type ? notify_type_path(ref_type) : NULL;
	if (!ref_type || !ref_id)
		snprintf(out, n, "/inbox");
	else if (plural)
		snprintf(out, n, "/%s/%s", plural, ref_id);
	else
		snprintf(out, n, "/%ss/%s", ref_type, ref_id);
}

static json_t *inbox_row(struct db_stmt *s)
{
	char created[32], read[32], link[128];
	tr_time_format(db_col_int64(s, 6), created);
	int unread = db_col_is_null(s, 5);
	if (!unread)
		tr_time_format(db_col_int64(s, 5), read);
	const char *rt = db_col_is_null(s, 2) ? NULL : db_col_text(s, 2);
	const char *ri = db_col_is_null(s, 3) ? NULL : db_col_text(s, 3);
	record_link(rt, ri, link, sizeof(link));
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:o, s:s, s:s}", "id", db_col_text(s, 0),
			 "kind", db_col_text(s, 1), "ref_type", rt ? json_string(rt) : json_null(),
			 "ref_id", ri ? json_string(ri) : json_null(), "subscription_id",
			 db_col_is_null(s, 4) ? json_null() : json_string(db_col_text(s, 4)),
			 "read", !unread, "read_at", unread ? json_null() : json_string(read),
			 "created_at", created, "link", link);
}

static void inbox_emit(struct db_stmt *s, void *items)
{
	json_array_append_new(items, inbox_row(s));
}

int notify_inbox_list(struct db_conn *c, const char *user_id, int unread_only, const char *kind,
		      const char *ref_type, const char *after, int limit, json_t *items,
		      char **next_key)
{
	*next_key = NULL;
	long long rank = 2, created = 0;
	char after_id[40] = "";
	if (after && sscanf(after, "%lld:%lld:%36s", &rank, &created, after_id) != 3)
		return TR_ERR_INVALID;
	struct db_stmt *s;
	/* unread first (rank 1), then newest; the cursor is the last row's key */
	int rc = db_prepare_vals(
	    c,
	    "SELECT id, kind, ref_type, ref_id, subscription_id, read_at, created_at,"
	    " CASE WHEN read_at IS NULL THEN 1 ELSE 0 END AS r FROM inbox_items"
	    " WHERE user_id = ? AND (? = 0 OR read_at IS NULL)"
	    " AND (CAST(? AS TEXT) IS NULL OR kind = ?)"
	    " AND (CAST(? AS TEXT) IS NULL OR ref_type = ?)"
	    " AND (CASE WHEN read_at IS NULL THEN 1 ELSE 0 END < ?"
	    "  OR (CASE WHEN read_at IS NULL THEN 1 ELSE 0 END = ? AND (created_at < ?"
	    "  OR (created_at = ? AND id < ?))))"
	    " ORDER BY r DESC, created_at DESC, id DESC LIMIT ?",
	    DB_VALS(DB_TEXT(user_id), DB_INT(unread_only), DB_TEXT(kind), DB_TEXT(kind),
		    DB_TEXT(ref_type), DB_TEXT(ref_type), DB_INT(rank), DB_INT(rank),
		    DB_INT(after ? created : INT64_MAX), DB_INT(after ? created : INT64_MAX),
		    DB_TEXT(after ? after_id : "~"), DB_INT(limit + 1)),
	    &s);
	if (rc)
		return rc;
	static const int rank_created[] = {7, 6};
	return row_walk(s, limit, rank_created, 2, inbox_emit, items, next_key);
}

int notify_inbox_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	return row_one_vals(
	    c,
	    "SELECT id, kind, ref_type, ref_id, subscription_id, read_at, created_at"
	    " FROM inbox_items WHERE id = ? AND user_id = ?",
	    DB_VALS(DB_TEXT(id), DB_TEXT(who->user_id)), inbox_row, out);
}

int notify_inbox_read(struct db_conn *c, const char *user_id, const char *id, int64_t now)
{
	return db_write_found_vals(c,
				   "UPDATE inbox_items SET read_at = COALESCE(read_at, ?)"
				   " WHERE id = ? AND user_id = ? RETURNING id",
				   DB_VALS(DB_INT(now), DB_TEXT(id), DB_TEXT(user_id)));
}

int notify_inbox_read_all(struct db_conn *c, const char *user_id, int64_t now, int64_t *n)
{
	int64_t before = 0;
	int rc = notify_unread_count(c, user_id, &before);
	if (!rc)
		rc = db_run_vals(c,
				 "UPDATE inbox_items SET read_at = ? WHERE user_id = ?"
				 " AND read_at IS NULL",
				 DB_VALS(DB_INT(now), DB_TEXT(user_id)));
	if (!rc)
		*n = before;
	return rc;
}

int notify_unread_count(struct db_conn *c, const char *user_id, int64_t *n)
{
	*n = 0;
	return db_int_vals(c,
			   "SELECT COUNT(*) FROM inbox_items WHERE user_id = ? AND read_at IS NULL",
			   DB_VALS(DB_TEXT(user_id)), n);
}

/* ---- outbox ---- */

int notify_mail_queue(struct db_conn *c, const char *user_id, const char *rcpt, const char *kind,
		      const char *ref_type, const char *ref_id, const char *subscription_id,
		      const char *payload, int64_t now)
{
	if (!config.mail)
		return TR_OK;
	char *sealed = NULL;
	if (payload && config.has_key && !(sealed = tip_contact_seal(config.key, payload)))
		return TR_ERR_NOMEM;
	char id[37];
	tr_uuid7(id);
	int rc = db_run_vals(c,
			     "INSERT INTO mail_outbox (id, user_id, rcpt, kind, ref_type, ref_id,"
			     " subscription_id, payload, next_at, created_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     DB_VALS(DB_TEXT(id), DB_TEXT(user_id), DB_TEXT(rcpt), DB_TEXT(kind),
				     DB_TEXT(ref_type), DB_TEXT(ref_id), DB_TEXT(subscription_id),
				     DB_TEXT(sealed ? sealed : payload), DB_INT(now), DB_INT(now)));
	free(sealed);
	return rc;
}

/* ---- subscriptions matched by a new record ---- */

const struct notify_type *notify_type_of(const char *type)
{
	static const struct notify_type types[] = {
	    {"alert", NF_CATEGORIES | NF_SUBSTANCES | NF_COUNTRIES | NF_AREA | NF_TLP,
	     alert_categories, "alert"},
	    /* a practice's theme is its setting */
	    {"practice", NF_CATEGORIES | NF_COUNTRIES, activity_settings, "practice_published"},
	    {"proposal", NF_COUNTRIES, NULL, "proposal_open"},
	    {"activity", NF_CATEGORIES | NF_COUNTRIES | NF_AREA | NF_TLP, activity_types,
	     "activity_new"},
	};
	for (size_t i = 0; type && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].name, type) == 0)
			return &types[i];
	return NULL;
}

const char *notify_type_path(const char *type)
{
	return strcmp(type, "activity") == 0 ? "activities" : NULL;
}

static int tlp_rank(const char *t)
{
	for (int i = 0; t && acl_tlps[i]; i++)
		if (strcmp(acl_tlps[i], t) == 0)
			return i;
	return 99;
}

static int dist_index(const char *d)
{
	for (int i = 0; d && acl_distributions[i]; i++)
		if (strcmp(acl_distributions[i], d) == 0)
			return i;
	return DIST_ORGANISATION;
}

/* Whether the list ",a,b," (empty: any) holds v (NULL: nothing). */
static int list_has(const char *list, const char *v)
{
	if (!list[0])
		return 1;
	if (!v || !*v)
		return 0;
	size_t n = strlen(v);
	for (const char *p = strstr(list, v); p; p = strstr(p + 1, v))
		if (p > list && p[-1] == ',' && p[n] == ',')
			return 1;
	return 0;
}

/* Whether the list holds any string of the JSON array (empty list: any). */
static int list_has_any(const char *list, json_t *arr)
{
	if (!list[0])
		return 1;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) &&
					  list_has(list, json_string_value(v))) return 1;
	return 0;
}

/* The organisations of the record's sharing group, for the rule in memory. */
static int group_members(struct db_conn *c, const struct notify_record *r, json_t **members)
{
	*members = json_object();
	if (!r->share || r->dist != DIST_SHARING_GROUP || !r->group)
		return TR_OK;
	struct db_stmt *s;
	int rc = db_prepare_vals(c, "SELECT org_id FROM sharing_group_members WHERE group_id = ?",
				 DB_VALS(DB_TEXT(r->group)), &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_object_set_new(*members, db_col_text(s, 0), json_true());
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* Whether the filters of subscription row s (see notify_record_new) let r
 * through. */
static int sub_filters_pass(struct db_stmt *s, const struct notify_record *r)
{
	if (!list_has(db_col_text(s, 2), r->category) ||
	    !list_has_any(db_col_text(s, 3), r->substances) ||
	    !list_has_any(db_col_text(s, 4), r->countries) ||
	    (r->tlp && tlp_rank(r->tlp) > tlp_rank(db_col_text(s, 8))))
		return 0;
	if (!db_col_is_null(s, 7)) {
		if (!r->has_loc ||
		    overlap_km(db_col_double(s, 5), db_col_double(s, 6), r->lat, r->lon) * 1000 >
			db_col_double(s, 7))
			return 0;
	}
	return 1;
}

/* For a record shared by distribution: whether the owner of row s may see
 * it, by the role's read right and acl_row_visible, the rule of
 * acl_visible for a row in memory. */
static int sub_share_visible(struct db_stmt *s, const struct notify_record *r, json_t *members)
{
	struct caller who = {0};
	snprintf(who.org_id, sizeof(who.org_id), "%s", db_col_text(s, 11));
	snprintf(who.country, sizeof(who.country), "%s", db_col_text(s, 13));
	int role = role_parse(db_col_text(s, 12));
	if (role < 0 || !acl_role_can((enum role)role, r->res, ACT_READ))
		return 0;
	who.role = (enum role)role;
	int own = strcmp(who.org_id, r->org_id) == 0;
	int in_group = json_object_get(members, who.org_id) != NULL;
	return acl_row_visible(&who, own, r->dist, r->country, in_group);
}

struct match {
	char sub_id[37], user_id[37], delivery[8];
	char *email;
};

/* The module's own rule for m's owner as the caller: 1 when they see r. */
static int module_visible(struct db_conn *c, const struct notify_record *r, const struct match *m,
			  int *rc)
{
	struct caller who;
	memset(&who, 0, sizeof(who));
	*rc = auth_caller_load(c, m->user_id, &who);
	if (*rc) {
		*rc = *rc == TR_ERR_UNAUTH ? TR_OK : *rc;
		return 0;
	}
	if (!acl_role_can(who.role, r->res, ACT_READ))
		return 0;
	*rc = r->check(c, &who, r->id);
	if (*rc == TR_ERR_NOT_FOUND || *rc == TR_ERR_FORBIDDEN) {
		*rc = TR_OK;
		return 0;
	}
	return !*rc;
}

/* The inbox items and e-mails of the matches, with both statements
 * prepared once for the whole fan-out and finished at its end: a statement
 * left busy is prepared afresh by the next record, and a bulk write on one
 * connection (an import, the alert generator) filled the statement cache
 * with one per record until it was cleared, a round trip each on
 * PostgreSQL. */
static int deliver_matches(struct db_conn *c, const struct notify_record *r, const char *kind,
			   struct match *m, size_t n, int64_t now)
{
	if (!n)
		return TR_OK;
	struct db_stmt *in = NULL, *out = NULL;
	int rc = db_prepare(c,
			    "INSERT INTO inbox_items (id, user_id, kind, ref_type, ref_id,"
			    " subscription_id, delivery, created_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			    &in);
	if (!rc && config.mail)
		rc =
		    db_prepare(c,
			       "INSERT INTO mail_outbox (id, user_id, rcpt, kind, ref_type, ref_id,"
			       " subscription_id, next_at, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       &out);
	for (size_t i = 0; i < n && !rc; i++) {
		char id[37];
		tr_uuid7(id);
		db_bind_text(in, 1, id);
		db_bind_text(in, 2, m[i].user_id);
		db_bind_text(in, 3, kind);
		db_bind_text(in, 4, r->type);
		db_bind_text(in, 5, r->id);
		db_bind_text(in, 6, m[i].sub_id);
		db_bind_text(in, 7, m[i].delivery);
		db_bind_int64(in, 8, now);
		rc = row_step_write(in);
		if (rc || !out || strcmp(m[i].delivery, "email") != 0)
			continue;
		tr_uuid7(id);
		db_bind_text(out, 1, id);
		db_bind_text(out, 2, m[i].user_id);
		db_bind_text(out, 3, m[i].email);
		db_bind_text(out, 4, r->type); /* the sender renders by record type */
		db_bind_text(out, 5, r->type);
		db_bind_text(out, 6, r->id);
		db_bind_text(out, 7, m[i].sub_id);
		db_bind_int64(out, 8, now);
		db_bind_int64(out, 9, now);
		rc = row_step_write(out);
	}
	if (in)
		db_done(in);
	if (out)
		db_done(out);
	return rc;
}

int notify_record_new_in(struct db_conn *c, const struct notify_record *r, const char *country,
			 int64_t now)
{
	struct notify_record in = *r;
	in.countries = json_array();
	if (country)
		json_array_append_new(in.countries, json_string(country));
	int rc = notify_record_new(c, &in, now, NULL);
	json_decref(in.countries);
	return rc;
}

int notify_record_new(struct db_conn *c, const struct notify_record *r, int64_t now, int *matched)
{
	if (matched)
		*matched = 0;
	const struct notify_type *t = notify_type_of(r->type);
	if (!t || !r->id || !r->org_id || (!r->share && !r->check))
		return TR_ERR_INTERNAL;
	json_t *members = NULL;
	int rc = group_members(c, r, &members);
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(c,
				"SELECT s.id, s.user_id, s.categories, s.substances, s.countries,"
				" s.lat, s.lon, s.radius_m, s.tlp_max, s.delivery, u.email,"
				" u.org_id, u.role, COALESCE(o.country, '')"
				" FROM subscriptions s JOIN users u ON u.id = s.user_id"
				" JOIN organisations o ON o.id = u.org_id"
				" WHERE s.record_type = ? AND u.disabled = 0",
				&s);
	if (rc) {
		json_decref(members);
		return rc;
	}
	db_bind_text(s, 1, r->type);
	size_t n = 0, cap = 0;
	struct match *m = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		if (!sub_filters_pass(s, r) || (r->share && !sub_share_visible(s, r, members)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct match *bigger = realloc(m, cap * sizeof(*m));
			if (!bigger) {
				rc = TR_ERR_NOMEM;
				break;
			}
			m = bigger;
		}
		snprintf(m[n].sub_id, sizeof(m[n].sub_id), "%s", db_col_text(s, 0));
		snprintf(m[n].user_id, sizeof(m[n].user_id), "%s", db_col_text(s, 1));
		snprintf(m[n].delivery, sizeof(m[n].delivery), "%s", db_col_text(s, 9));
		m[n].email = strdup(db_col_text(s, 10));
		if (!m[n].email) {
			rc = TR_ERR_NOMEM;
			break;
		}
		n++;
	}
	db_done(s);
	json_decref(members);
	rc = rc == DB_DONE ? TR_OK : rc;
	/* a record not shared by distribution: the module asked for each
	 * candidate, once the subscriptions are read */
	size_t kept = n;
	if (!rc && !r->share) {
		kept = 0;
		for (size_t i = 0; i < n; i++) {
			if (!rc && module_visible(c, r, &m[i], &rc))
				m[kept++] = m[i];
			else
				free(m[i].email);
		}
	}
	if (!rc)
		rc = deliver_matches(c, r, t->kind, m, kept, now);
	for (size_t i = 0; i < kept; i++)
		free(m[i].email);
	free(m);
	if (!rc && matched)
		*matched = (int)kept;
	return rc;
}

int notify_alert_published(struct db_conn *c, json_t *a, int64_t now, int *matched)
{
	struct notify_record r = {.type = "alert", .res = RES_ALERT, .share = 1};
	r.id = json_string_value(json_object_get(a, "id"));
	r.org_id = json_string_value(json_object_get(a, "org_id"));
	r.country = json_string_value(json_object_get(a, "country"));
	r.category = json_string_value(json_object_get(a, "category"));
	r.tlp = json_string_value(json_object_get(a, "tlp"));
	r.group = json_string_value(json_object_get(a, "sharing_group_id"));
	r.dist =
	    (enum distribution)dist_index(json_string_value(json_object_get(a, "distribution")));
	r.substances = json_object_get(a, "substances");
	r.countries = json_object_get(a, "countries");
	json_t *loc = json_object_get(a, "location");
	if (json_is_object(loc)) {
		r.has_loc = 1;
		r.lat = json_number_value(json_object_get(loc, "lat"));
		r.lon = json_number_value(json_object_get(loc, "lon"));
	}
	if (!r.tlp)
		r.tlp = "red"; /* never below any ceiling by mistake */
	return notify_record_new(c, &r, now, matched);
}

/* ---- purge ---- */

static int delete_before(struct db_conn *c, const char *sql, int64_t t, int64_t *n)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, DB_VALS(DB_INT(t)), &s);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_step(s)) == DB_ROW)
		(*n)++;
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int notify_purge_run(struct db_conn *c, int64_t now, int mail_days, int inbox_days, int64_t *mail,
		     int64_t *inbox)
{
	*mail = *inbox = 0;
	int rc = db_begin(c);
	/* a message done with (sent, given up, or dropped as no longer
	 * visible) is kept for the operator to look into, then deleted;
	 * queued ones never are */
	if (!rc && mail_days > 0)
		rc = delete_before(c,
				   "DELETE FROM mail_outbox WHERE status IN ('sent', 'failed',"
				   " 'dropped') AND COALESCE(sent_at, next_at) < ? RETURNING id",
				   now - mail_days * 86400000LL, mail);
	/* a read item, once no digest waits for it; a deadline still open may
	 * then be raised once more, as a reminder */
	if (!rc && inbox_days > 0)
		rc = delete_before(
		    c,
		    "DELETE FROM inbox_items WHERE read_at IS NOT NULL AND read_at < ?"
		    " AND (delivery <> 'digest' OR digest_at IS NOT NULL) RETURNING id",
		    now - inbox_days * 86400000LL, inbox);
	return db_end(c, rc);
}

int notify_due_read(struct db_conn *c, const char *table, int64_t now, int max,
		    struct notify_due *d)
{
	memset(d, 0, sizeof(*d));
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT id, next_at FROM %s WHERE status = 'queued' AND next_at <= ?"
		 " ORDER BY next_at, id LIMIT ?",
		 table);
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, DB_VALS(DB_INT(now), DB_INT(max)), &s);
	if (rc)
		return rc;
	d->ids = calloc((size_t)max, sizeof(*d->ids));
	d->was = calloc((size_t)max, sizeof(*d->was));
	if (!d->ids || !d->was)
		rc = TR_ERR_NOMEM;
	while (!rc && d->n < max && (rc = db_step(s)) == DB_ROW) {
		str_copy(d->ids[d->n], sizeof(d->ids[d->n]), db_col_text(s, 0));
		d->was[d->n++] = db_col_int64(s, 1);
	}
	db_done(s);
	rc = rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
	if (rc)
		notify_due_free(d);
	return rc;
}

void notify_due_free(struct notify_due *d)
{
	free(d->ids);
	free(d->was);
	memset(d, 0, sizeof(*d));
}
