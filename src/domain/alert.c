#include "domain/alert.h"
#include "domain/alert_impl.h"
#include "domain/row.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/webhook.h"
#include "domain/group.h"
#include "domain/overlap.h"
#include "domain/alert_seq.h"
#include "domain/search.h"
#include "domain/substance.h"
#include "domain/seq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const alert_statuses[] = {"draft", "published", "retracted", NULL};
const char *const alert_reliabilities[] = {"A", "B", "C", "D", "E", "F", NULL};
const char *const alert_drug_forms[] = {
    "powder", "pill-tablet", "crystal-rock", "liquid", "plant-matter", "blotter", NULL};
const char *const alert_ews_fields[] = {"risk_type",
					"risk_origin",
					"exposure_means",
					"analytical_findings",
					"toxicological_findings",
					"identification_method",
					"health_risks",
					"social_risks",
					"security_risks",
					"measures",
					NULL};

static json_t *alert_row(struct db_stmt *s)
{
	json_t *a = json_object();
	static const char *const text_cols[] = {
	    "id",   "org_id",	"country", "created_by",	"title",	"summary",
	    "body", "category", "status",  "retraction_reason", "distribution", "sharing_group_id",
	    "tlp"};
	for (int i = 0; i < 13; i++)
		json_object_set_new(a, text_cols[i], row_text(s, i));
	if (db_col_is_null(s, 13)) {
		json_object_set_new(a, "location", json_null());
	} else {
		json_t *loc = json_pack("{s:f, s:f}", "lat", db_col_double(s, 13), "lon",
					db_col_double(s, 14));
		json_object_set_new(loc, "place_name", row_text(s, 15));
		json_object_set_new(loc, "precision_m",
				    db_col_is_null(s, 16) ? json_null()
							  : json_integer(db_col_int64(s, 16)));
		json_object_set_new(a, "location", loc);
	}
	static const struct row_col rest[] = {
	    {"observed_from", ROW_TIME}, {"observed_to", ROW_TIME},  {"reliability", ROW_TEXT},
	    {"credibility", ROW_INT},	 {"tags", ROW_ARRAY},	     {"countries", ROW_ARRAY},
	    {"substances", ROW_ARRAY},	 {"ews", ROW_OBJECT},	     {"created_at", ROW_TIME},
	    {"updated_at", ROW_TIME},	 {"published_at", ROW_TIME}, {"version", ROW_INT}};
	row_set(a, s, 17, rest, 12);
	int df = alert_drug_form_col(s);
	if (df >= 0)
		json_object_set_new(a, "drug_form", row_text(s, df));
	return a;
}

int alert_drug_form_col(struct db_stmt *s)
{
	int n = db_col_count(s);
	for (int i = 29; i < n; i++) {
		const char *name = db_col_name(s, i);
		if (name && strcmp(name, "drug_form") == 0)
			return i;
	}
	return -1;
}

/* The distribution predicate, and drafts for their organisation only. */
void alert_visible(struct query *q, const struct caller *who, const char *alias)
{
	char part[128];
	acl_visible(q, who, alias);
	snprintf(part, sizeof(part), " AND (%s.status <> 'draft' OR %s.org_id = ?)", alias, alias);
	query_text(q, part, who->org_id);
}

int alert_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	struct query q;
	query_init(&q);
	query_text(
	    &q, "SELECT " ALERT_COLS ", " ALERT_DRUG_FORM_COL " FROM alerts a WHERE a.id = ?", id);
	alert_visible(&q, who, "a");
	return row_query_one(&q, c, alert_row, out);
}

static void list_filters(struct query *q, const struct alert_filter *f)
{
	const struct row_filter by[] = {
	    {" AND a.status = ?", f->status},
	    {" AND a.category = ?", f->category},
	    {" AND a.tlp = ?", f->tlp},
	    {" AND a.drug_form = ?", f->drug_form},
	    {" AND a.org_id = ?", f->org_id},
	    {" AND EXISTS (SELECT 1 FROM alert_substances x WHERE x.alert_id = a.id"
	     " AND x.substance_id = ?)",
	     f->substance},
	    {" AND EXISTS (SELECT 1 FROM alert_countries x WHERE x.alert_id = a.id"
	     " AND x.country = ?)",
	     f->country},
	    {" AND EXISTS (SELECT 1 FROM alert_tags x WHERE x.alert_id = a.id AND x.tag = ?)",
	     f->tag}};
	row_filters(q, by, sizeof(by) / sizeof(by[0]));
	const struct row_int_filter times[] = {
	    /* an alert seen once ends when it starts */
	    {" AND COALESCE(a.observed_to, a.observed_from) >= ?", f->observed_from},
	    {" AND a.observed_from <= ?", f->observed_to},
	    {" AND a.updated_at >= ?", f->updated_since}};
	row_int_filters(q, times, 3);
	if (f->has_bbox)
		row_bbox(q, "a", f->bbox);
}

/* The page query of a list: filters, access, keyset cursor, order. */
static int list_prepare(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
			const char *after, int limit, struct db_stmt **out)
{
	const char *key = f->sort_observed ? "COALESCE(a.observed_from, 0)" : "a.updated_at";
	char part[256];
	struct query q;
	query_init(&q);
	query_sql(&q, "SELECT " ALERT_COLS ", ");
	query_sql(&q, key);
	query_sql(&q, ", " ALERT_DRUG_FORM_COL " FROM alerts a WHERE 1 = 1");
	alert_visible(&q, who, "a");
	list_filters(&q, f);
	row_after(&q, key, "a.id", 1, after); /* the cursor is "<sort value>:<id>" */
	snprintf(part, sizeof(part), " ORDER BY %s DESC, a.id DESC LIMIT ?", key);
	query_int(&q, part, limit + 1);
	return query_take(&q, c, out);
}

/* Walks a page of the list, giving each row to emit with ctx; *next_key
 * the cursor of the last row given ("<sort value>:<id>") when a further
 * row exists. */
static int list_walk(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
		     const char *after, int limit, void (*emit)(struct db_stmt *s, void *ctx),
		     void *ctx, char **next_key)
{
	struct db_stmt *s;
	*next_key = NULL;
	int rc = list_prepare(c, who, f, after, limit, &s);
	if (rc)
		return rc;
	static const int sort_col[] = {29};
	return row_walk(s, limit, sort_col, 1, emit, ctx, next_key);
}

static void json_emit(struct db_stmt *s, void *items)
{
	json_array_append_new(items, alert_row(s));
}

int alert_list(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
	       const char *after, int limit, json_t *items, char **next_key)
{
	return list_walk(c, who, f, after, limit, json_emit, items, next_key);
}

/* The JSON array written so far: its buffer and how many rows it has. */
struct text_page {
	struct buf *out;
	int n;
};

static void text_emit(struct db_stmt *s, void *ctx)
{
	struct text_page *p = ctx;
	buf_puts(p->out, p->n++ ? "," : "[");
	alert_row_text(s, p->out);
}

int alert_list_text(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
		    const char *after, int limit, struct buf *out, char **next_key)
{
	struct text_page p = {out, 0};
	int rc = list_walk(c, who, f, after, limit, text_emit, &p, next_key);
	buf_puts(out, p.n ? "]" : "[]");
	return rc ? rc : out->err;
}

/* ---- writing ---- */

/* The links of alert id in table; fresh: a new alert, which has none yet. */
static int links_write(struct db_conn *c, const char *id, const char *table, const char *col,
		       json_t *values, int fresh)
{
	char sql[200];
	int rc;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE alert_id = ?", table);
	if (!fresh) {
		if ((rc = db_run_vals(c, sql, DB_VALS(DB_TEXT(id)))))
			return rc;
	}
	snprintf(sql, sizeof(sql),
		 "INSERT INTO %s (alert_id, %s) VALUES (?, ?)"
		 " ON CONFLICT DO NOTHING",
		 table, col);
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v)
	{
		if ((rc = db_run_vals(c, sql, DB_VALS(DB_TEXT(id), DB_TEXT(json_string_value(v))))))
			return rc;
	}
	return TR_OK;
}

static int64_t time_field(json_t *a, const char *name, int *has)
{
	int64_t ms = 0;
	const char *v = json_string_value(json_object_get(a, name));
	*has = v && tr_time_parse(v, &ms) == TR_OK;
	return ms;
}

/* Rules across fields, on the merged record. */
static int alert_check(struct db_conn *c, const struct caller *who, json_t *a, const char **field)
{
	int hf, ht;
	int64_t from = time_field(a, "observed_from", &hf), to = time_field(a, "observed_to", &ht);
	if (group_share_check(c, who, a, 1, field))
		return TR_ERR_INVALID;
	if (hf && ht && to < from)
		return *field = "observed_to", TR_ERR_INVALID;
	const char *form = json_string_value(json_object_get(a, "drug_form"));
	int known = !form;
	for (int i = 0; form && alert_drug_forms[i]; i++)
		known |= strcmp(form, alert_drug_forms[i]) == 0;
	if (!known)
		return *field = "drug_form", TR_ERR_INVALID;
	const char *bad;
	int rc = substance_all_exist(c, json_object_get(a, "substances"), &bad);
	if (rc == TR_ERR_INVALID)
		*field = "substances";
	if (rc)
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(a, "countries"), i, v)
	{
		rc = db_find_vals(c, "SELECT 1 FROM countries WHERE iso2 = ?",
				  DB_VALS(DB_TEXT(json_string_value(v))));
		if (rc == TR_ERR_NOT_FOUND)
			return *field = "countries", TR_ERR_INVALID;
		if (rc)
			return rc;
	}
	return TR_OK;
}

static int alert_index(struct db_conn *c, const char *id, json_t *a);

/* Binds the location's lat, lon, place name, precision and grid cell (x,
 * y) from parameter k on: six parameters, all null without a location. */
static void bind_location(struct db_stmt *s, int k, json_t *loc)
{
	if (!json_is_object(loc)) {
		for (int i = k; i < k + 6; i++)
			db_bind_null(s, i);
		return;
	}
	double lat = json_number_value(json_object_get(loc, "lat"));
	double lon = json_number_value(json_object_get(loc, "lon"));
	json_t *prec = json_object_get(loc, "precision_m");
	db_bind_double(s, k, lat);
	db_bind_double(s, k + 1, lon);
	db_bind_text(s, k + 2, json_string_value(json_object_get(loc, "place_name")));
	if (json_is_integer(prec))
		db_bind_int64(s, k + 3, json_integer_value(prec));
	else
		db_bind_null(s, k + 3);
	db_bind_int64(s, k + 4, overlap_cell(lon, 180));
	db_bind_int64(s, k + 5, overlap_cell(lat, 90));
}

/* Writes every column of the merged record a (insert or full update). */
static int alert_write(struct db_conn *c, const char *id, json_t *a, int insert,
		       const struct caller *who, int64_t now)
{
	static const struct row_text_field texts[] = {
	    {"title", NULL},	    {"summary", ""},
	    {"body", ""},	    {"category", NULL},
	    {"status", NULL},	    {"retraction_reason", NULL},
	    {"distribution", NULL}, {"sharing_group_id", NULL},
	    {"tlp", NULL}};
	static const char *const cols[] = {
	    "lat",	     "lon",	    "place_name",  "precision_m",  "cell_x",   "cell_y",
	    "observed_from", "observed_to", "reliability", "credibility",  "tags",     "countries",
	    "substances",    "ews",	    "updated_at",  "published_at", "drug_form"};
	static const struct row_writer w = {"alerts", texts, 9, cols, 17};
	struct db_stmt *s;
	int rc = row_write_prepare(c, &w, a, insert, &s);
	if (rc)
		return rc;
	bind_location(s, 10, json_object_get(a, "location"));
	int has;
	int64_t t = time_field(a, "observed_from", &has);
	has ? db_bind_int64(s, 16, t) : db_bind_null(s, 16);
	t = time_field(a, "observed_to", &has);
	has ? db_bind_int64(s, 17, t) : db_bind_null(s, 17);
	db_bind_text(s, 18, json_string_value(json_object_get(a, "reliability")));
	json_t *cred = json_object_get(a, "credibility");
	json_is_integer(cred) ? db_bind_int64(s, 19, json_integer_value(cred))
			      : db_bind_null(s, 19);
	row_bind_json(s, 20, json_object_get(a, "tags"), "[]");
	row_bind_json(s, 21, json_object_get(a, "countries"), "[]");
	row_bind_json(s, 22, json_object_get(a, "substances"), "[]");
	row_bind_json(s, 23, json_object_get(a, "ews"), "{}");
	db_bind_int64(s, 24, now);
	t = time_field(a, "published_at", &has);
	has ? db_bind_int64(s, 25, t) : db_bind_null(s, 25);
	db_bind_text(s, 26, json_string_value(json_object_get(a, "drug_form")));
	db_bind_text(s, 27, id);
	if (insert)
		row_bind_owner(s, 28, who, now);
	if ((rc = row_step_write(s)))
		return rc;
	if ((rc = links_write(c, id, "alert_substances", "substance_id",
			      json_object_get(a, "substances"), insert)) ||
	    (rc = links_write(c, id, "alert_countries", "country", json_object_get(a, "countries"),
			      insert)))
		return rc;
	if ((rc = links_write(c, id, "alert_tags", "tag", json_object_get(a, "tags"), insert)) ||
	    (rc = alert_index(c, id, a)))
		return rc;
	return alert_seq_stamp(c, id);
}

/* The searchable text: title, summary, body, tags and the early-warning
 * fields. */
static int alert_index(struct db_conn *c, const char *id, json_t *a)
{
	struct buf text;
	buf_init(&text, 1u << 20);
	static const char *const keys[] = {"title", "summary", "body"};
	for (int i = 0; i < 3; i++) {
		const char *v = json_string_value(json_object_get(a, keys[i]));
		buf_printf(&text, "%s\n", v ? v : "");
	}
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(a, "tags"), i, v)
	    buf_printf(&text, "%s ", json_string_value(v));
	const char *k;
	json_object_foreach(json_object_get(a, "ews"), k, v)
	    buf_printf(&text, "\n%s", json_string_value(v) ? json_string_value(v) : "");
	int rc = text.err ? text.err : search_index_put(c, "alert", id, text.data ? text.data : "");
	buf_free(&text);
	return rc;
}

static void defaults_fill(json_t *a)
{
	static const char *const arrays[] = {"tags", "countries", "substances"};
	for (int i = 0; i < 3; i++)
		if (!json_is_array(json_object_get(a, arrays[i])))
			json_object_set_new(a, arrays[i], json_array());
	if (!json_object_get(a, "status"))
		json_object_set_new(a, "status", json_string("draft"));
}

static void stamp_published(json_t *a, int64_t now)
{
	if (strcmp(json_string_value(json_object_get(a, "status")), "published") == 0 &&
	    json_is_null(json_object_get(a, "published_at"))) {
		char t[32];
		tr_time_format(now, t);
		json_object_set_new(a, "published_at", json_string(t));
	}
}

/* An alert that became published raises its subscribers' notifications
 * in the same transaction (docs: notifications). was is the stored status
 * before the change (NULL on create). */
static int alert_notify(struct db_conn *c, const char *id, json_t *a, const struct caller *who,
			const char *was, int64_t now)
{
	const char *st = json_string_value(json_object_get(a, "status"));
	if (!st || strcmp(st, "published") != 0)
		return TR_OK;
	int again = was && strcmp(was, "published") == 0;
	json_t *f = json_deep_copy(a);
	if (!f)
		return TR_ERR_NOMEM;
	json_object_set_new(f, "id", json_string(id));
	if (!was) {
		json_object_set_new(f, "org_id", json_string(who->org_id));
		json_object_set_new(f, "country",
				    who->country[0] ? json_string(who->country) : json_null());
	}
	int rc = again ? TR_OK : notify_alert_published(c, f, now, NULL);
	if (!rc)
		rc = webhook_alert(c, f, again ? "alert.updated" : "alert.published", now);
	json_decref(f);
	return rc;
}

/* Creates the alert id inside the caller's transaction; via names the
 * path in the audit entry ("import") or is NULL. */
static int create_in_tx(struct db_conn *c, const struct caller *who, json_t *body, const char *id,
			const char *request_id, const char *via, const char **field)
{
	if (!acl_role_can(who->role, RES_ALERT, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	json_t *a = json_deep_copy(body);
	defaults_fill(a);
	json_object_set_new(a, "published_at", json_null());
	int rc = TR_OK;
	if (strcmp(json_string_value(json_object_get(a, "status")), "retracted") == 0)
		rc = (*field = "status", TR_ERR_INVALID);
	struct acl_share to = row_share(a, 1);
	if (!rc)
		rc = acl_distribution_allowed(who->role, SHARE_ALERT, NULL, &to, field);
	if (!rc)
		rc = alert_check(c, who, a, field);
	int64_t now = tr_now_ms();
	stamp_published(a, now);
	if (!rc)
		rc = alert_write(c, id, a, 1, who, now);
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"via\":\"%s\"}", via ? via : "");
	struct audit_entry e = {who->user_id, who->org_id, "create", "alert",
				id,	      request_id,  NULL,     via ? detail : NULL};
	if (!rc)
		rc = audit_append(c, &e, now);
	if (!rc)
		rc = alert_notify(c, id, a, who, NULL, now);
	json_decref(a);
	return rc;
}

int alert_create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
		 char id[37], const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, RES_ALERT, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	tr_uuid7(id);
	int rc = db_begin(c);
	if (!rc)
		rc = create_in_tx(c, who, body, id, request_id, NULL, field);
	return db_end(c, rc);
}

/* draft -> published -> retracted; a retraction says why. */
static int status_check(const char *from, const char *to, json_t *merged, const char **field)
{
	if (strcmp(from, to) == 0)
		return TR_OK;
	int ok = (strcmp(from, "draft") == 0 && strcmp(to, "published") == 0) ||
		 (strcmp(from, "published") == 0 && strcmp(to, "retracted") == 0) ||
		 (strcmp(from, "draft") == 0 && strcmp(to, "retracted") == 0);
	if (!ok)
		return *field = "status", TR_ERR_CONFLICT;
	const char *why = json_string_value(json_object_get(merged, "retraction_reason"));
	if (strcmp(to, "retracted") == 0 && (!why || !*why))
		return *field = "retraction_reason", TR_ERR_INVALID;
	return TR_OK;
}

/* The audit detail of an update: what a share changed, and the path. */
static void update_detail(const struct acl_share *was, const struct acl_share *will,
			  const char *via, char *out, size_t n)
{
	out[0] = '\0';
	if (acl_share_changed(was, will))
		acl_share_detail(was, will, out, n);
	size_t len = strlen(out);
	if (via && len > 1 && len + strlen(via) + 12 < n)
		snprintf(out + len - 1, n - len + 1, ",\"via\":\"%s\"}", via);
	else if (via && !len)
		snprintf(out, n, "{\"via\":\"%s\"}", via);
}

/* Applies body at version (-1: any) inside the caller's transaction; via
 * names the path in the audit entry ("import") or is NULL. */
static int update_in_tx(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			int64_t version, const char *request_id, const char *via,
			const char **field)
{
	json_t *cur = NULL, *merged = NULL;
	int rc = alert_get(c, who, id, &cur);
	if (rc)
		goto out;
	const char *org = json_string_value(json_object_get(cur, "org_id"));
	merged = row_merged(cur, body);
	defaults_fill(merged);
	struct acl_share was = row_share(cur, 1), will = row_share(merged, 1);
	if (strcmp(org, who->org_id) != 0 || !acl_role_can(who->role, RES_ALERT, ACT_UPDATE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	if ((rc = acl_distribution_allowed(who->role, SHARE_ALERT, &was, &will, field)))
		goto out;
	if ((rc = row_version_check(cur, version)))
		goto out;
	if (strcmp(json_string_value(json_object_get(cur, "status")), "retracted") == 0) {
		*field = "status";
		rc = TR_ERR_CONFLICT; /* a retraction is final */
		goto out;
	}
	if ((rc = status_check(json_string_value(json_object_get(cur, "status")),
			       json_string_value(json_object_get(merged, "status")), merged,
			       field)) ||
	    (rc = alert_check(c, who, merged, field)))
		goto out;
	int64_t now = tr_now_ms();
	stamp_published(merged, now);
	if ((rc = alert_write(c, id, merged, 0, who, now)))
		goto out;
	char detail[400];
	update_detail(&was, &will, via, detail, sizeof(detail));
	int share = acl_share_changed(&was, &will);
	struct audit_entry e = {who->user_id, who->org_id, share ? "share" : "update", "alert", id,
				request_id,   NULL,	   detail[0] ? detail : NULL};
	rc = audit_append(c, &e, now);
	if (!rc)
		rc = alert_notify(c, id, merged, who,
				  json_string_value(json_object_get(cur, "status")), now);
out:
	json_decref(cur);
	json_decref(merged);
	return rc;
}

int alert_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		 int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	int rc = db_begin(c);
	if (!rc)
		rc = update_in_tx(c, who, id, body, version, request_id, NULL, field);
	return db_end(c, rc);
}

/* ---- import ---- */

/* The owner, distribution and version of a record already here, whoever
 * may see it: an import must never write over another's record. */
static int import_existing(struct db_conn *c, const char *id, char org[37], char dist[24],
			   int64_t *version)
{
	const struct row_var v[] = {
	    {.text = org, .size = 37}, {.text = dist, .size = 24}, {.num = version}};
	return row_scan_vals(
	    c, "SELECT org_id, distribution, version FROM alerts " DB_ACL_EXEMPT " WHERE id = ?",
	    DB_VALS(DB_TEXT(id)), v, 3);
}

/* A new record is created as by POST; one already here is updated as by
 * PATCH with If-Match: the item's version, and never widened. */
static int import_one(struct db_conn *c, const struct caller *who,
		      const struct alert_import_item *item, const char *request_id,
		      const char **field, const char **why)
{
	char org[37], dist[24];
	int64_t version = 0;
	int rc = import_existing(c, item->id, org, dist, &version);
	if (rc == TR_ERR_NOT_FOUND)
		return create_in_tx(c, who, item->body, item->id, request_id, "import", field);
	if (rc)
		return rc;
	if (strcmp(org, who->org_id) != 0)
		return *field = "id",
		       *why = "is the id of a record your organisation does not own; records of"
			      " other organisations arrive only through federation",
		       TR_ERR_CONFLICT;
	if (item->version < 0)
		return *field = "version",
		       *why = "is required to change a record already here (it works as If-Match)",
		       TR_ERR_INVALID;
	if (item->version != version)
		return *field = "version",
		       *why = "is not the version here: the record changed since it was exported",
		       TR_ERR_PRECONDITION;
	const char *to = json_string_value(json_object_get(item->body, "distribution"));
	if (to && !acl_distribution_within(to, dist))
		return *field = "distribution",
		       *why = "would widen the distribution of the record already here",
		       TR_ERR_INVALID;
	return update_in_tx(c, who, item->id, item->body, item->version, request_id, "import",
			    field);
}

int alert_import(struct db_conn *c, const struct caller *who, const struct alert_import_item *items,
		 size_t n, const char *request_id, int *imported, size_t *bad, const char **field,
		 const char **why)
{
	*imported = 0;
	*field = *why = NULL;
	int rc = db_begin(c);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct alert_import_item *it = &items[i];
		if (strcmp(it->org_id, who->org_id) != 0)
			rc = (*field = "org_id",
			      *why = "is not your organisation: an import creates or changes only"
				     " your organisation's records; others' arrive only through"
				     " federation",
			      TR_ERR_INVALID);
		else
			rc = import_one(c, who, it, request_id, field, why);
		if (rc)
			*bad = i;
		else
			(*imported)++;
	}
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"imported\":%d}", *imported);
	struct audit_entry e = {who->user_id, who->org_id, "import", "alert",
				NULL,	      request_id,  NULL,     detail};
	if (!rc)
		rc = audit_append(c, &e, tr_now_ms());
	if (rc) {
		db_rollback(c);
		*imported = 0;
		return rc;
	}
	return db_commit(c);
}

/* ---- federation (fed.c): records of other nodes ---- */

int alert_fed_put(struct db_conn *c, const struct alert_fed_origin *o, json_t *a, int insert)
{
	struct caller who = {0};
	snprintf(who.org_id, sizeof(who.org_id), "%s", o->org_id);
	snprintf(who.country, sizeof(who.country), "%s", o->country ? o->country : "");
	const char *id = json_string_value(json_object_get(a, "id"));
	int has;
	int64_t created = time_field(a, "created_at", &has), now = tr_now_ms();
	int64_t updated = time_field(a, "updated_at", &has);
	int rc = alert_write(c, id, a, insert, &who, now);
	struct db_stmt *s;
	if (!rc && !(rc = db_prepare_vals(
			 c,
			 "UPDATE alerts " DB_ACL_EXEMPT " SET version = ?, origin_node = ?,"
			 " received_from = ?, created_at = ?, updated_at = ? WHERE id = ?",
			 DB_VALS(DB_INT(o->version), DB_TEXT(o->origin_node),
				 DB_TEXT(o->received_from), DB_INT(created ? created : now),
				 DB_INT(updated ? updated : now), DB_TEXT(id)),
			 &s))) {
		rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
		db_done(s);
	}
	return rc;
}

int alert_fed_withdraw(struct db_conn *c, const char *id, const struct alert_fed_origin *o)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(
	    c,
	    "UPDATE alerts " DB_ACL_EXEMPT " SET title = '', summary = '', body = '',"
	    " distribution = 'organisation', sharing_group_id = NULL, lat = NULL,"
	    " lon = NULL, place_name = NULL, precision_m = NULL, cell_x = NULL,"
	    " cell_y = NULL, tags = '[]', countries = '[]', substances = '[]',"
	    " ews = '{}', drug_form = NULL, version = ?, received_from = ?,"
	    " updated_at = ?"
	    " WHERE id = ? AND origin_node = ?",
	    DB_VALS(DB_INT(o->version), DB_TEXT(o->received_from), DB_INT(tr_now_ms()), DB_TEXT(id),
		    DB_TEXT(o->origin_node)),
	    &s);
	if (rc)
		return rc;
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	json_t *none = json_array();
	if (!rc && !(rc = links_write(c, id, "alert_substances", "substance_id", none, 0)) &&
	    !(rc = links_write(c, id, "alert_countries", "country", none, 0)) &&
	    !(rc = links_write(c, id, "alert_tags", "tag", none, 0)) &&
	    !(rc = search_index_put(c, "alert", id, "")))
		rc = alert_seq_stamp(c, id);
	json_decref(none);
	return rc;
}
