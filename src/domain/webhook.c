#include "domain/webhook.h"
#include "domain/webhook_target.h"
#include "domain/row.h"
#include "domain/row_versioned.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/notify.h"
#include "domain/tip_intake.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const webhook_events[] = {"alert.published", "alert.updated", "tip.new", NULL};

int webhook_url_check(const char *url)
{
	struct webhook_target t;
	return webhook_target_of(url, &t);
}

/* ---- registrations ---- */

#define HOOK_COLS                                                                                  \
	"id, org_id, created_by, url, event_types, disabled, failures, created_at, updated_at,"    \
	" version"

static json_t *hook_row(struct db_stmt *s)
{
	json_t *events = json_loads(db_col_text(s, 4), 0, NULL);
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:I, s:o, s:o, s:I}", "id",
			 db_col_text(s, 0), "org_id", db_col_text(s, 1), "created_by",
			 db_col_text(s, 2), "url", db_col_text(s, 3), "event_types",
			 events ? events : json_array(), "active", !db_col_int64(s, 5), "failures",
			 (json_int_t)db_col_int64(s, 6), "created_at", row_time(s, 7), "updated_at",
			 row_time(s, 8), "version", (json_int_t)db_col_int64(s, 9));
}

/* An organisation's own webhooks. */
static const struct row_owned hooks = {
    "SELECT " HOOK_COLS " FROM webhooks WHERE id = ? AND org_id = ?",
    "SELECT " HOOK_COLS " FROM webhooks WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", hook_row};

int webhook_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	return row_owned_one(&hooks, c, id, who->org_id, out);
}

int webhook_list(struct db_conn *c, const struct caller *who, const char *after, int limit,
		 json_t *items, int *more)
{
	return row_owned_page(&hooks, c, who->org_id, after, limit, items, more);
}

static char *secret_seal(const char *secret)
{
	const struct notify_config *cfg = notify_config();
	return cfg->has_key ? tip_contact_seal(cfg->key, secret) : strdup(secret);
}

static int audit(struct db_conn *c, const struct caller *who, const char *action, const char *id,
		 const char *request_id, int64_t now)
{
	return audit_by(c, who, action, "webhook", id, request_id, now);
}

int webhook_create(struct db_conn *c, const struct caller *who, json_t *body,
		   const char *request_id, char id[37], char **secret, const char **field)
{
	*field = NULL;
	*secret = NULL;
	if (!acl_role_can(who->role, RES_WEBHOOK, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	const char *url = json_string_value(json_object_get(body, "url"));
	int rc = webhook_url_check(url);
	if (rc == TR_ERR_IO)
		rc = TR_ERR_INVALID;
	if (rc) {
		*field = "url";
		return rc;
	}
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	char hex[65], text[80];
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	snprintf(text, sizeof(text), "whsec_%s", hex);
	char *sealed = secret_seal(text);
	char *events = json_dumps(json_object_get(body, "event_types"), JSON_COMPACT);
	if (!sealed || !events) {
		free(sealed);
		free(events);
		return TR_ERR_NOMEM;
	}
	int64_t now = tr_now_ms();
	rc = db_begin(c);
	if (!rc) {
		tr_uuid7(id);
		rc = db_run_vals(
		    c,
		    "INSERT INTO webhooks (id, org_id, created_by, url, event_types,"
		    " secret_enc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_VALS(DB_TEXT(id), DB_TEXT(who->org_id), DB_TEXT(who->user_id), DB_TEXT(url),
			    DB_TEXT(events), DB_TEXT(sealed), DB_INT(now), DB_INT(now)));
	}
	if (!rc)
		rc = audit(c, who, "create", id, request_id, now);
	free(sealed);
	free(events);
	if (!rc)
		rc = db_commit(c);
	else
		db_rollback(c);
	if (!rc && !(*secret = strdup(text)))
		rc = TR_ERR_NOMEM;
	sodium_memzero(text, sizeof(text));
	return rc;
}

/* The start of a change of the webhook id (row_versioned_begin); the record
 * read is not needed after. */
static int hook_begin(struct db_conn *c, const struct caller *who, const char *id, enum action act,
		      int64_t version)
{
	json_t *cur;
	int rc = row_versioned_begin(c, who, RES_WEBHOOK, act, id, webhook_get, version, &cur);
	json_decref(cur);
	return rc;
}

int webhook_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		   int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	int rc = hook_begin(c, who, id, ACT_UPDATE, version);
	if (rc)
		return rc;
	const char *url = json_string_value(json_object_get(body, "url"));
	if (url && webhook_url_check(url)) {
		*field = "url";
		rc = TR_ERR_INVALID;
	}
	json_t *active = json_object_get(body, "active");
	json_t *ev = json_object_get(body, "event_types");
	char *events = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	int64_t now = tr_now_ms();
	int64_t dis = active ? (json_is_true(active) ? 0 : 1) : -1;
	if (!rc)
		rc = db_run_vals(
		    c,
		    "UPDATE webhooks SET url = COALESCE(?, url), event_types = COALESCE(?, "
		    "event_types), disabled = CASE WHEN ? < 0 THEN disabled ELSE ? END,"
		    " failures = CASE WHEN ? = 0 THEN 0 ELSE failures END,"
		    " updated_at = ?, version = version + 1 WHERE id = ? AND org_id = ?",
		    DB_VALS(DB_TEXT(url), DB_TEXT(events), DB_INT(dis), DB_INT(dis), DB_INT(dis),
			    DB_INT(now), DB_TEXT(id), DB_TEXT(who->org_id)));
	free(events);
	if (!rc)
		rc = audit(c, who, "update", id, request_id, now);
	return db_end(c, rc);
}

static int exec_id(struct db_conn *c, const char *sql, const char *id)
{
	return db_run_vals(c, sql, DB_VALS(DB_TEXT(id)));
}

int webhook_disable(struct db_conn *c, const char *id)
{
	return exec_id(c, "UPDATE webhooks SET disabled = 1 WHERE id = ?", id);
}

int webhook_lock(struct db_conn *c, const char *id)
{
	return db_lock_vals(c, "SELECT 1 FROM webhooks WHERE id = ?", DB_VALS(DB_TEXT(id)));
}

int webhook_delete(struct db_conn *c, const struct caller *who, const char *id,
		   const char *request_id)
{
	int rc = hook_begin(c, who, id, ACT_DELETE, -1);
	if (rc)
		return rc;
	/* the sender's record of an attempt waits for this delete, instead
	 * of adding one after the attempts are gone and failing the delete
	 * of its delivery on PostgreSQL */
	rc = webhook_lock(c, id);
	if (!rc)
		rc = exec_id(c, "DELETE FROM webhook_attempts WHERE webhook_id = ?", id);
	if (!rc)
		rc = exec_id(c, "DELETE FROM webhook_deliveries WHERE webhook_id = ?", id);
	if (!rc)
		rc = exec_id(c, "DELETE FROM webhooks WHERE id = ?", id);
	if (!rc)
		rc = audit(c, who, "delete", id, request_id, tr_now_ms());
	return db_end(c, rc);
}

static json_t *attempt_row(struct db_stmt *s)
{
	char at[32];
	tr_time_format(db_col_int64(s, 7), at);
	return json_pack(
	    "{s:s, s:s, s:s, s:I, s:o, s:o, s:I, s:s, s:s}", "id", db_col_text(s, 0), "delivery_id",
	    db_col_text(s, 1), "event_type", db_col_text(s, 2), "attempt",
	    (json_int_t)db_col_int64(s, 3), "status",
	    db_col_is_null(s, 4) ? json_null() : json_integer(db_col_int64(s, 4)), "error",
	    db_col_is_null(s, 5) ? json_null() : json_string(db_col_text(s, 5)), "duration_ms",
	    (json_int_t)db_col_int64(s, 6), "at", at, "delivery_status", db_col_text(s, 8));
}

int webhook_attempts(struct db_conn *c, const struct caller *who, const char *id, const char *after,
		     int limit, json_t *items, int *more)
{
	json_t *cur = NULL;
	int rc = webhook_get(c, who, id, &cur);
	json_decref(cur);
	if (rc)
		return rc;
	return row_page_vals(
	    c,
	    "SELECT a.id, a.delivery_id, d.event_type, a.attempt, a.status, a.error,"
	    " a.duration_ms, a.created_at, d.status FROM webhook_attempts a"
	    " JOIN webhook_deliveries d ON d.id = a.delivery_id"
	    " WHERE a.webhook_id = ? AND (? = '' OR a.id < ?) ORDER BY a.id DESC LIMIT ?",
	    DB_VALS(DB_TEXT(id), DB_TEXT(after ? after : ""), DB_TEXT(after ? after : ""),
		    DB_INT(limit + 1)),
	    limit, attempt_row, items, more);
}

/* ---- events ---- */

static int dist_of(const char *d)
{
	for (int i = 0; d && acl_distributions[i]; i++)
		if (strcmp(acl_distributions[i], d) == 0)
			return i;
	return DIST_ORGANISATION;
}

static int queue(struct db_conn *c, const char *hook_id, const char *event, const char *ref_type,
		 const char *ref_id, int64_t now)
{
	char id[37];
	tr_uuid7(id);
	return db_run_vals(c,
			   "INSERT INTO webhook_deliveries (id, webhook_id, event_type, ref_type,"
			   " ref_id, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(id), DB_TEXT(hook_id), DB_TEXT(event), DB_TEXT(ref_type),
				   DB_TEXT(ref_id), DB_INT(now), DB_INT(now)));
}

static int in_group(struct db_conn *c, const char *group, const char *org, int *yes)
{
	*yes = 0;
	if (!group)
		return TR_OK;
	int rc =
	    db_find_vals(c, "SELECT 1 FROM sharing_group_members WHERE group_id = ? AND org_id = ?",
			 DB_VALS(DB_TEXT(group), DB_TEXT(org)));
	*yes = rc == TR_OK;
	return rc == TR_ERR_NOT_FOUND ? TR_OK : rc;
}

struct hook_ref {
	char id[37], org_id[37], country[3];
};

/* Active webhooks registered for event (of org_id only when not NULL). */
static int hooks_for(struct db_conn *c, const char *event, const char *org_id,
		     struct hook_ref **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s;
	/* the pattern is built in SQL: SQLite prepares a statement again at
	 * every step whose LIKE pattern is a bare parameter (every tip did) */
	int rc = db_prepare_vals(
	    c,
	    "SELECT w.id, w.org_id, COALESCE(o.country, '') FROM webhooks w"
	    " JOIN organisations o ON o.id = w.org_id"
	    " WHERE w.disabled = 0 AND w.event_types LIKE '%\"' || ? || '\"%'"
	    " AND (? = '' OR w.org_id = ?) ORDER BY w.id",
	    DB_VALS(DB_TEXT(event), DB_TEXT(org_id ? org_id : ""), DB_TEXT(org_id ? org_id : "")),
	    &s);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct hook_ref *b = realloc(*out, cap * sizeof(**out));
			if (!b) {
				rc = TR_ERR_NOMEM;
				break;
			}
			*out = b;
		}
		struct hook_ref *h = &(*out)[(*n)++];
		snprintf(h->id, sizeof(h->id), "%s", db_col_text(s, 0));
		snprintf(h->org_id, sizeof(h->org_id), "%s", db_col_text(s, 1));
		snprintf(h->country, sizeof(h->country), "%s", db_col_text(s, 2));
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int webhook_alert(struct db_conn *c, json_t *a, const char *event, int64_t now)
{
	const char *id = json_string_value(json_object_get(a, "id"));
	const char *org = json_string_value(json_object_get(a, "org_id"));
	const char *country = json_string_value(json_object_get(a, "country"));
	const char *group = json_string_value(json_object_get(a, "sharing_group_id"));
	enum distribution d =
	    (enum distribution)dist_of(json_string_value(json_object_get(a, "distribution")));
	if (!id || !org)
		return TR_ERR_INTERNAL;
	struct hook_ref *h;
	size_t n;
	int rc = hooks_for(c, event, NULL, &h, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		/* the webhook speaks for its organisation: what its org_admin sees */
		struct caller who = {0};
		snprintf(who.org_id, sizeof(who.org_id), "%s", h[i].org_id);
		snprintf(who.country, sizeof(who.country), "%s", h[i].country);
		who.role = ROLE_ORG_ADMIN;
		int member = 0;
		if (d == DIST_SHARING_GROUP && (rc = in_group(c, group, h[i].org_id, &member)))
			break;
		if (acl_row_visible(&who, strcmp(org, h[i].org_id) == 0, d, country, member))
			rc = queue(c, h[i].id, event, "alert", id, now);
	}
	free(h);
	return rc;
}

int webhook_tip(struct db_conn *c, const char *org_id, int64_t now)
{
	struct hook_ref *h;
	size_t n;
	int rc = hooks_for(c, "tip.new", org_id, &h, &n);
	for (size_t i = 0; i < n && !rc; i++)
		rc = queue(c, h[i].id, "tip.new", NULL, NULL, now);
	free(h);
	return rc;
}
