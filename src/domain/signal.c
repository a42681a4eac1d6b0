/* Early-warning signals as their addressees see them: who sees which,
 * the records behind one as far as the caller may see them, the list, the
 * place said in the caller's language, acknowledging and dismissing.
 * Detection and storage are signal_detect.c's and signal_space.c's. */
#include "domain/signal.h"
#include "domain/signal_impl.h"
#include "domain/row.h"
#include "domain/row_tx.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/analytics_q.h"
#include "domain/place.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const signal_statuses[] = {"new", "acknowledged", "dismissed", NULL};
const char *const signal_methods[] = {"ears_c3", "farrington", "gistar", "stscan", NULL};

/* Records listed on a signal's page. */
#define SIGNAL_RECORDS_SHOWN 200
/* Ids per visibility query (the access predicate takes 4 parameters). */
#define IDS_CHUNK 40

/* Who sees which signals (docs/access.md, "Early-warning signals"):
 * every role sees the signals addressed to its organisation; country_wide
 * roles also see those addressed to other organisations of their country.
 * Who may acknowledge or dismiss is the update right of the one permission
 * table (acl.c, RES_SIGNAL), for the addressed organisation's signals. */
static const struct {
	int country_wide;
} signal_roles[ROLE__MAX] = {
    [ROLE_ADMIN] = {1},	  [ROLE_ORG_ADMIN] = {1}, [ROLE_ANALYST] = {1},
    [ROLE_OFFICER] = {0}, [ROLE_PARTNER] = {0},	  [ROLE_VIEWER] = {0},
};

static int signal_may_act(const struct caller *who, const char *org_key)
{
	return org_key && strcmp(org_key, who->org_id) == 0 &&
	       acl_role_can(who->role, RES_SIGNAL, ACT_UPDATE);
}

/* ---- reading ---- */

#define SIGNAL_COLS                                                                                \
	"g.id, g.org_id, g.country, g.cell, g.method, g.source, g.category, g.period_start,"       \
	" g.period_end, g.observed, g.expected, g.upperbound, g.score, g.record_ids,"              \
	" g.status, g.dismissal_reason, g.status_by, g.status_at, g.first_seen, g.last_seen,"      \
	" g.continues, g.version, g.lat, g.lon, g.radius_m, g.methods, g.weeks, g.closed_at,"      \
	" g.status_comment, g.statistic, g.p_adjusted,"                                            \
	" (SELECT MIN(n.id) FROM signals n WHERE n.continues = g.id), g.org_key"

/* Signals addressed to the caller's organisation, and for country-wide
 * roles to any organisation of the caller's country. */
static void signal_visible(struct query *q, const struct caller *who)
{
	query_text(q, " AND (g.org_key = ?", who->org_id);
	if (signal_roles[who->role].country_wide && who->country[0])
		query_text(q, " OR g.country = ?", who->country);
	query_sql(q, ")");
}

static json_t *time_json(int64_t ms)
{
	char t[32];
	tr_time_format(ms, t);
	return json_string(t);
}

/* Which of ids (a chunk) the caller may see: id -> [own, label, time,
 * link] in seen. */
static int ids_chunk(struct db_conn *c, const struct caller *who, const char *source, json_t *ids,
		     size_t from, size_t to, json_t *seen)
{
	struct query q;
	query_init(&q);
	int tips = strcmp(source, "tips") == 0, sight = strcmp(source, "sightings") == 0;
	query_sql(&q, tips ? "SELECT t.id, t.org_id, t.category, COALESCE(t.observed_at,"
			     " t.created_at), t.id FROM tips t WHERE t.id IN ("
		      : sight
			  ? "SELECT s.id, s.org_id, a.title, s.observed_at, a.id FROM"
			    " alert_sightings s JOIN alerts a ON a.id = s.alert_id WHERE s.id IN ("
			  : "SELECT a.id, a.org_id, a.title, COALESCE(a.observed_from,"
			    " a.created_at), a.id FROM alerts a WHERE a.id IN (");
	for (size_t i = from; i < to; i++)
		query_text(&q, i > from ? ", ?" : "?", json_string_value(json_array_get(ids, i)));
	query_sql(&q, ")");
	acl_visible(&q, who, tips ? "t" : "a");
	if (!tips)
		query_text(&q, " AND (a.status <> 'draft' OR a.org_id = ?)", who->org_id);
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		char link[64];
		snprintf(link, sizeof(link), "/%s/%s", tips ? "tips" : "alerts", db_col_text(s, 4));
		json_object_set_new(seen, db_col_text(s, 0),
				    json_pack("[bsIs]", strcmp(db_col_text(s, 1), who->org_id) == 0,
					      db_col_text(s, 2) ? db_col_text(s, 2) : "",
					      (json_int_t)db_col_int64(s, 3), link));
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* The record ids the caller may see (in stored order) into *out, the
 * first SIGNAL_RECORDS_SHOWN of them as {id, label, time, link} into
 * *records, and how many of the stored ones are of the caller's
 * organisation. Tips only for the roles that may read tips. */
static int signal_ids(struct db_conn *c, const struct caller *who, const char *source,
		      const char *text, json_t **out, json_t **records, size_t *own)
{
	json_t *ids = text ? json_loads(text, 0, NULL) : NULL, *seen = json_object();
	int rc = TR_OK, tips = strcmp(source, "tips") == 0;
	*own = 0;
	*out = json_array();
	*records = json_array();
	if (!json_is_array(ids) ||
	    (tips && (!aq_tips_present(c) || !acl_role_can(who->role, RES_TIP, ACT_READ)))) {
		json_decref(ids);
		json_decref(seen);
		return TR_OK;
	}
	size_t n = json_array_size(ids);
	for (size_t i = 0; !rc && i < n; i += IDS_CHUNK)
		rc = ids_chunk(c, who, source, ids, i, i + IDS_CHUNK < n ? i + IDS_CHUNK : n, seen);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *id = json_string_value(json_array_get(ids, i));
		json_t *r = id ? json_object_get(seen, id) : NULL;
		if (!r)
			continue;
		json_array_append_new(*out, json_string(id));
		*own += json_is_true(json_array_get(r, 0));
		if (json_array_size(*records) < SIGNAL_RECORDS_SHOWN)
			json_array_append_new(
			    *records,
			    json_pack("{s:s,s:O,s:o,s:O}", "id", id, "label", json_array_get(r, 1),
				      "time", time_json(json_integer_value(json_array_get(r, 2))),
				      "link", json_array_get(r, 3)));
	}
	json_decref(ids);
	json_decref(seen);
	return rc;
}

static json_t *num_json(struct db_stmt *s, int col)
{
	return db_col_is_null(s, col) ? json_null() : json_real(db_col_double(s, col));
}

static json_t *text_json(struct db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	return v && *v ? json_string(v) : json_null();
}

/* How a column of SIGNAL_COLS reads as JSON: text (empty is null), a
 * time, a number, a whole number; MADE columns are read by signal_row
 * itself. */
enum col_kind { COL_TEXT, COL_TIME, COL_NUM, COL_INT, COL_MADE };

/* The fields of SIGNAL_COLS, in its order. */
static const struct {
	const char *key;
	enum col_kind kind;
} signal_fields[] = {{"id", COL_TEXT},
		     {"org_id", COL_TEXT},
		     {"country", COL_TEXT},
		     {"cell", COL_TEXT},
		     {"method", COL_TEXT},
		     {"source", COL_TEXT},
		     {"category", COL_TEXT},
		     {"period_start", COL_TIME},
		     {"period_end", COL_TIME},
		     {"observed", COL_MADE},
		     {"expected", COL_NUM},
		     {"upperbound", COL_NUM},
		     {"score", COL_NUM},
		     {"record_ids", COL_MADE},
		     {"status", COL_TEXT},
		     {"dismissal_reason", COL_TEXT},
		     {"status_by", COL_TEXT},
		     {"status_at", COL_TIME},
		     {"first_seen", COL_TIME},
		     {"last_seen", COL_TIME},
		     {"continues", COL_TEXT},
		     {"version", COL_INT},
		     {"lat", COL_NUM},
		     {"lon", COL_NUM},
		     {"radius_m", COL_NUM},
		     {"methods", COL_MADE},
		     {"weeks", COL_MADE},
		     {"closed_at", COL_TIME},
		     {"status_comment", COL_TEXT},
		     {"statistic", COL_NUM},
		     {"p_adjusted", COL_NUM},
		     {"continued_by", COL_TEXT},
		     {"_org_key", COL_TEXT}};

static json_t *col_json(struct db_stmt *s, int col, enum col_kind kind)
{
	switch (kind) {
	case COL_TIME:
		return row_time(s, col);
	case COL_NUM:
		return num_json(s, col);
	case COL_INT:
		return json_integer(db_col_int64(s, col));
	default:
		return text_json(s, col);
	}
}

static int signal_row(struct db_stmt *s, json_t **out)
{
	json_t *g = json_object();
	for (int i = 0; i < (int)(sizeof(signal_fields) / sizeof(signal_fields[0])); i++)
		if (signal_fields[i].kind != COL_MADE)
			json_object_set_new(g, signal_fields[i].key,
					    col_json(s, i, signal_fields[i].kind));
	json_t *methods = json_loads(db_col_text(s, 25) ? db_col_text(s, 25) : "", 0, NULL);
	json_object_set_new(g, "methods", json_is_array(methods) ? methods : json_array());
	if (!json_is_array(methods))
		json_decref(methods);
	int64_t weeks = db_col_int64(s, 26);
	json_object_set_new(g, "weeks", json_integer(weeks));
	/* new: the first week of its alarm; continuing: alarming for weeks;
	 * continued: a later week's signal carries it on; closed: it stopped */
	json_object_set_new(g, "state",
			    json_string(!db_col_is_null(s, 31)	 ? "continued"
					: !db_col_is_null(s, 27) ? "closed"
					: weeks > 1		 ? "continuing"
								 : "new"));
	/* the ids are filtered by signal_finish once the statement is done */
	json_object_set_new(g, "observed", json_real(db_col_double(s, 9)));
	const char *ids = db_col_text(s, 13);
	json_object_set_new(g, "_ids", json_string(ids ? ids : "[]"));
	*out = g;
	return TR_OK;
}

/* What the caller may do with a signal: only those who may act see the
 * buttons (docs/access.md, "Early-warning signals"). */
static json_t *signal_can(const struct caller *who, const char *org_key, const char *status)
{
	int act = signal_may_act(who, org_key) && !who->read_only;
	return json_pack("{s:b,s:b}", "acknowledge", act && strcmp(status, "new") == 0, "dismiss",
			 act && strcmp(status, "dismissed") != 0);
}

/* Replaces the stored ids by those the caller may see, applies the
 * small-count rule to observed, names the place in lang and says what the
 * caller may do. Runs after the statement is finished. */
static int signal_finish(struct db_conn *c, const struct caller *who, int suppress_below,
			 const char *lang, json_t *g)
{
	json_t *ids, *records;
	size_t own;
	int rc = signal_ids(c, who, json_string_value(json_object_get(g, "source")),
			    json_string_value(json_object_get(g, "_ids")), &ids, &records, &own);
	json_object_del(g, "_ids");
	if (rc)
		return rc;
	double observed = json_real_value(json_object_get(g, "observed"));
	int sup = aq_suppressed(observed, observed - (double)own, suppress_below);
	json_object_set_new(g, "observed", sup ? json_null() : json_integer((json_int_t)observed));
	json_object_set_new(g, "suppressed", json_boolean(sup));
	/* score is observed less upperbound, and the ids count the records
	 * seen: either would give a suppressed count back */
	if (sup) {
		json_object_set_new(g, "score", json_null());
		json_decref(ids);
		json_decref(records);
		ids = json_null();
		records = json_null();
	}
	json_object_set_new(g, "record_ids", ids);
	json_object_set_new(g, "records", records);
	json_object_set_new(g, "can",
			    signal_can(who, json_string_value(json_object_get(g, "_org_key")),
				       json_string_value(json_object_get(g, "status"))));
	json_object_del(g, "_org_key");
	json_t *lat = json_object_get(g, "lat"), *lon = json_object_get(g, "lon");
	struct place_near p = {0};
	if (json_is_number(lat) && json_is_number(lon))
		rc = place_name_near(c, json_number_value(lat), json_number_value(lon),
				     json_number_value(json_object_get(g, "radius_m")), lang, &p);
	json_object_set_new(g, "place", place_near_json(&p));
	return rc;
}

/* The addressee, status and version of a signal who sees (org of 40
 * bytes, status of 20); TR_ERR_NOT_FOUND otherwise. */
static int signal_current(struct db_conn *c, const struct caller *who, const char *id,
			  char *org /* OUT */, char *status /* OUT */, int64_t *version /* OUT */)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT g.org_key, g.status, g.version FROM signals g WHERE g.id = ?", id);
	signal_visible(&q, who);
	const struct row_var v[] = {
	    {.text = org, .size = 40}, {.text = status, .size = 20}, {.num = version}};
	struct db_stmt *s;
	int rc = row_query_first(&q, c, &s);
	if (!rc)
		row_scan(s, v, 3);
	return rc;
}

int signal_may_act_on(struct db_conn *c, const struct caller *who, const char *id)
{
	char org[40], status[20];
	int64_t version;
	int rc = signal_current(c, who, id, org, status, &version);
	if (rc)
		return rc;
	return signal_may_act(who, org) ? TR_OK : TR_ERR_NOT_FOUND;
}

int signal_title(struct db_conn *c, const struct caller *who, const char *id, const char *lang,
		 char *out, size_t n)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT g.country, g.lat, g.lon, g.radius_m FROM signals g WHERE g.id = ?",
		   id);
	signal_visible(&q, who);
	struct db_stmt *s;
	int rc = row_query_first(&q, c, &s);
	if (rc)
		return rc;
	snprintf(out, n, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	int point = !db_col_is_null(s, 1) && !db_col_is_null(s, 2);
	double lat = db_col_double(s, 1), lon = db_col_double(s, 2), r = db_col_double(s, 3);
	db_done(s);
	struct place_near p = {0};
	if (point && (rc = place_name_near(c, lat, lon, r, lang, &p)))
		return rc;
	if (p.found) {
		snprintf(out, n, "%s", p.text);
		return TR_OK;
	}
	/* the whole country: its name (French for French readers; the
	 * reference data has no Russian names, English stands in) */
	char iso[3];
	snprintf(iso, sizeof(iso), "%s", out);
	rc = db_row_vals(c, "SELECT name_en, name_fr FROM countries WHERE iso2 = ?",
			 DB_VALS(DB_TEXT(iso)), &s);
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? TR_OK : rc;
	snprintf(out, n, "%s", db_col_text(s, lang && strcmp(lang, "fr") == 0 ? 1 : 0));
	db_done(s);
	return TR_OK;
}

/* A row of a list or a read (signal_row makes every row). */
static json_t *list_row(struct db_stmt *s)
{
	json_t *g = NULL;
	signal_row(s, &g);
	return g;
}

int signal_get(struct db_conn *c, const struct caller *who, const char *id, int suppress_below,
	       const char *lang, json_t **out)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT " SIGNAL_COLS " FROM signals g WHERE g.id = ?", id);
	signal_visible(&q, who);
	*out = NULL;
	int rc = row_query_one(&q, c, list_row, out);
	if (!rc)
		rc = signal_finish(c, who, suppress_below, lang, *out);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int signal_list(struct db_conn *c, const struct caller *who, const struct signal_filter *f,
		const char *after, int limit, int suppress_below, const char *lang, json_t *items,
		char **next_key)
{
	struct query q;
	char method[32];
	*next_key = NULL;
	query_init(&q);
	query_sql(&q, "SELECT " SIGNAL_COLS " FROM signals g WHERE 1 = 1");
	signal_visible(&q, who);
	const struct row_filter by[] = {{" AND g.status = ?", f->status},
					{" AND g.country = ?", f->country},
					{" AND g.source = ?", f->source}};
	row_filters(&q, by, sizeof(by) / sizeof(by[0]));
	if (f->method) {
		/* any method that raised it (methods is a JSON array of names) */
		snprintf(method, sizeof(method), "%%\"%s\"%%", f->method);
		query_text(&q, " AND g.methods LIKE ?", method);
	}
	/* open: alarming now; closed: stopped; neither: continued by a later
	 * week's signal */
	if (f->state)
		query_sql(&q, strcmp(f->state, "closed") == 0 ? " AND g.closed_at IS NOT NULL"
							      : " AND g.closed_at IS NULL");
	if (f->state)
		query_sql(&q, " AND NOT EXISTS (SELECT 1 FROM signals n WHERE n.continues = g.id)");
	row_keyset_on(&q, "g", "first_seen", 1, after, limit);
	int rc = row_list(&q, c, limit, list_row, "first_seen", items, next_key);
	if (rc)
		return rc;
	size_t i;
	json_t *g;
	json_array_foreach(items, i, g)
	{
		if ((rc = signal_finish(c, who, suppress_below, lang, g)))
			return rc;
		/* the list shows no records, only their count */
		json_object_del(g, "records");
	}
	return TR_OK;
}

/* ---- acknowledging and dismissing ---- */

int signal_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		  int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	char org[40] = "", status[20] = "";
	int64_t cur = 0;
	rc = signal_current(c, who, id, org, status, &cur);
	const char *to = json_string_value(json_object_get(body, "status"));
	const char *why = json_string_value(json_object_get(body, "dismissal_reason"));
	const char *comment = json_string_value(json_object_get(body, "comment"));
	int ack = to && strcmp(to, "acknowledged") == 0;
	if (!rc && !signal_may_act(who, org))
		rc = TR_ERR_FORBIDDEN;
	else if (!rc && version != cur)
		rc = TR_ERR_PRECONDITION;
	else if (!rc && !to)
		rc = (*field = "status", TR_ERR_INVALID);
	else if (!rc && strcmp(status, "dismissed") == 0 && strcmp(to, "dismissed") != 0)
		rc = (*field = "status", TR_ERR_CONFLICT); /* a dismissal is final */
	else if (!rc && strcmp(to, "dismissed") == 0 && (!why || !*why))
		rc = (*field = "dismissal_reason", TR_ERR_INVALID);
	else if (!rc && why && strcmp(to, "dismissed") != 0)
		rc = (*field = "dismissal_reason", TR_ERR_INVALID);
	else if (!rc && ack && (!comment || !*comment))
		rc = (*field = "comment", TR_ERR_INVALID); /* what is being done about it */
	else if (!rc && comment && !ack)
		rc = (*field = "comment", TR_ERR_INVALID);
	int64_t now = tr_now_ms();
	if (!rc)
		rc = db_run_vals(c,
				 "UPDATE signals SET status = ?, dismissal_reason = ?,"
				 " status_by = ?, status_at = ?, updated_at = ?,"
				 " version = version + 1, status_comment = COALESCE(?,"
				 " status_comment) WHERE id = ?",
				 DB_VALS(DB_TEXT(to), DB_TEXT(why), DB_TEXT(who->user_id),
					 DB_INT(now), DB_INT(now), DB_TEXT(comment), DB_TEXT(id)));
	char detail[64] = "";
	if (!rc)
		snprintf(detail, sizeof(detail), "{\"status\":[\"%s\",\"%s\"]}", status, to);
	return row_audit_end(c, who, to && strcmp(to, "dismissed") == 0 ? "dismiss" : "acknowledge",
			     "signal", id, request_id, detail, now, NULL, rc);
}
