#include "domain/webhook.h"
#include "domain/row.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/alert.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/notify.h"
#include "domain/tip_intake.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

const char *const webhook_events[] = {"alert.published", "alert.updated", "tip.new", NULL};

#define SEND_TIMEOUT_MS 10000
#define BODY_MAX (256 * 1024)

/* ---- targets ---- */

/* Whether the IPv4 address (network order bytes) is loopback, private,
 * link-local or otherwise not a public unicast address. */
static int v4_private(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254) ||
	       (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	       (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] >= 224;
}

static int v6_private(const unsigned char *a)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char zero[15] = {0};
	if (memcmp(a, mapped, 12) == 0)
		return v4_private(a + 12);
	if (memcmp(a, zero, 15) == 0) /* :: and ::1 */
		return 1;
	return (a[0] & 0xfe) == 0xfc			  /* fc00::/7 */
	       || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) /* fe80::/10 */
	       || a[0] == 0xff;				  /* multicast */
}

static int addr_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_private(
		    (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return v6_private(
		    (const unsigned char *)&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 1;
}

/* Whether "host:port" is in the comma-separated allow list. */
static int allowed(const char *host, long port)
{
	char want[300];
	snprintf(want, sizeof(want), "%s:%ld", host, port);
	const char *p = notify_config()->webhook_allow;
	size_t n = strlen(want);
	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && strncasecmp(p, want, n) == 0)
			return 1;
		p = end;
	}
	return 0;
}

struct target {
	char host[256]; /* as in the URL (IPv6 in brackets) */
	long port;
	char pin[320]; /* CURLOPT_RESOLVE entry, "" when none is needed */
};

/* Parses url and resolves its host: TR_ERR_INVALID when it is not an http
 * or https URL, has credentials, or a resolved address is not public (and
 * host:port is not allowed); TR_ERR_IO when the host does not resolve. */
static int target_of(const char *url, struct target *t)
{
	memset(t, 0, sizeof(*t));
	if (!url || strlen(url) > 2000)
		return TR_ERR_INVALID;
	CURLU *u = curl_url();
	if (!u)
		return TR_ERR_NOMEM;
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	int rc = TR_ERR_INVALID;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
		goto out;
	if ((strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) ||
	    strlen(host) >= sizeof(t->host) || !host[0])
		goto out;
	snprintf(t->host, sizeof(t->host), "%s", host);
	for (char *p = t->host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	t->port = strtol(port, NULL, 10);
	int ok = allowed(t->host, t->port);
	char name[256];
	size_t hl = strlen(t->host);
	int literal6 = t->host[0] == '[';
	if (literal6)
		snprintf(name, sizeof(name), "%.*s", (int)(hl - 2), t->host + 1);
	else
		snprintf(name, sizeof(name), "%s", t->host);
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0 || !res) {
		rc = ok ? TR_OK : TR_ERR_IO;
		goto out;
	}
	rc = TR_OK;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
		if (!ok && addr_private(ai->ai_addr))
			rc = TR_ERR_INVALID;
	unsigned char probe[16];
	int is_literal = literal6 || inet_pton(AF_INET, name, probe) == 1;
	if (!rc && !is_literal) {
		char addr[INET6_ADDRSTRLEN] = "";
		if (res->ai_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, addr,
				  sizeof(addr));
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, addr,
				  sizeof(addr));
		snprintf(t->pin, sizeof(t->pin),
			 res->ai_family == AF_INET6 ? "%s:%ld:[%s]" : "%s:%ld:%s", name, t->port,
			 addr);
	}
	freeaddrinfo(res);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

int webhook_url_check(const char *url)
{
	struct target t;
	return target_of(url, &t);
}

/* ---- registrations ---- */

#define HOOK_COLS                                                                                  \
	"id, org_id, created_by, url, event_types, disabled, failures, created_at, updated_at,"    \
	" version"

static json_t *hook_row(struct db_stmt *s)
{
	char created[32], updated[32];
	tr_time_format(db_col_int64(s, 7), created);
	tr_time_format(db_col_int64(s, 8), updated);
	json_t *events = json_loads(db_col_text(s, 4), 0, NULL);
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:I, s:s, s:s, s:I}", "id",
			 db_col_text(s, 0), "org_id", db_col_text(s, 1), "created_by",
			 db_col_text(s, 2), "url", db_col_text(s, 3), "event_types",
			 events ? events : json_array(), "active", !db_col_int64(s, 5), "failures",
			 (json_int_t)db_col_int64(s, 6), "created_at", created, "updated_at",
			 updated, "version", (json_int_t)db_col_int64(s, 9));
}

int webhook_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(c, "SELECT " HOOK_COLS " FROM webhooks WHERE id = ? AND org_id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, who->org_id);
	return row_one(s, hook_row, out);
}

int webhook_list(struct db_conn *c, const struct caller *who, const char *after, int limit,
		 json_t *items, int *more)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT " HOOK_COLS " FROM webhooks WHERE org_id = ? AND id > ?"
			    " ORDER BY id LIMIT ?",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, who->org_id);
	db_bind_text(s, 2, after ? after : "");
	db_bind_int64(s, 3, limit + 1);
	return row_page(s, limit, hook_row, items, more);
}

static char *secret_seal(const char *secret)
{
	const struct notify_config *cfg = notify_config();
	return cfg->has_key ? tip_contact_seal(cfg->key, secret) : strdup(secret);
}

static char *secret_open(const char *stored)
{
	const struct notify_config *cfg = notify_config();
	return cfg->has_key ? tip_contact_open(cfg->key, stored) : strdup(stored);
}

static int audit(struct db_conn *c, const struct caller *who, const char *action, const char *id,
		 const char *request_id, int64_t now)
{
	struct audit_entry e = {who->user_id, who->org_id, action, "webhook",
				id,	      request_id,  NULL,   NULL};
	return audit_append(c, &e, now);
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
	struct db_stmt *s = NULL;
	rc = db_begin(c);
	if (!rc)
		rc = db_prepare(
		    c,
		    "INSERT INTO webhooks (id, org_id, created_by, url, event_types,"
		    " secret_enc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    &s);
	if (!rc) {
		tr_uuid7(id);
		db_bind_text(s, 1, id);
		db_bind_text(s, 2, who->org_id);
		db_bind_text(s, 3, who->user_id);
		db_bind_text(s, 4, url);
		db_bind_text(s, 5, events);
		db_bind_text(s, 6, sealed);
		db_bind_int64(s, 7, now);
		db_bind_int64(s, 8, now);
		rc = db_step(s);
		db_done(s);
		rc = rc == DB_DONE ? TR_OK : rc;
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

int webhook_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		   int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, RES_WEBHOOK, ACT_UPDATE))
		return TR_ERR_FORBIDDEN;
	json_t *cur = NULL;
	int rc = db_begin(c);
	if (!rc)
		rc = webhook_get(c, who, id, &cur);
	if (!rc && version >= 0 && version != json_integer_value(json_object_get(cur, "version")))
		rc = TR_ERR_PRECONDITION;
	json_decref(cur);
	const char *url = json_string_value(json_object_get(body, "url"));
	if (!rc && url && webhook_url_check(url)) {
		*field = "url";
		rc = TR_ERR_INVALID;
	}
	json_t *active = json_object_get(body, "active");
	json_t *ev = json_object_get(body, "event_types");
	char *events = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	int64_t now = tr_now_ms();
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(
		    c,
		    "UPDATE webhooks SET url = COALESCE(?, url), event_types = COALESCE(?, "
		    "event_types), disabled = CASE WHEN ? < 0 THEN disabled ELSE ? END,"
		    " failures = CASE WHEN ? = 0 THEN 0 ELSE failures END,"
		    " updated_at = ?, version = version + 1 WHERE id = ? AND org_id = ?",
		    &s);
	if (!rc) {
		int64_t dis = active ? (json_is_true(active) ? 0 : 1) : -1;
		db_bind_text_or_null(s, 1, url);
		db_bind_text_or_null(s, 2, events);
		db_bind_int64(s, 3, dis);
		db_bind_int64(s, 4, dis);
		db_bind_int64(s, 5, dis);
		db_bind_int64(s, 6, now);
		db_bind_text(s, 7, id);
		db_bind_text(s, 8, who->org_id);
		rc = db_step(s);
		db_done(s);
		rc = rc == DB_DONE ? TR_OK : rc;
	}
	free(events);
	if (!rc)
		rc = audit(c, who, "update", id, request_id, now);
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

static int exec_id(struct db_conn *c, const char *sql, const char *id)
{
	struct db_stmt *s;
	int rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int webhook_delete(struct db_conn *c, const struct caller *who, const char *id,
		   const char *request_id)
{
	if (!acl_role_can(who->role, RES_WEBHOOK, ACT_DELETE))
		return TR_ERR_FORBIDDEN;
	json_t *cur = NULL;
	int rc = db_begin(c);
	if (!rc)
		rc = webhook_get(c, who, id, &cur);
	json_decref(cur);
	if (!rc)
		rc = exec_id(c, "DELETE FROM webhook_attempts WHERE webhook_id = ?", id);
	if (!rc)
		rc = exec_id(c, "DELETE FROM webhook_deliveries WHERE webhook_id = ?", id);
	if (!rc)
		rc = exec_id(c, "DELETE FROM webhooks WHERE id = ?", id);
	if (!rc)
		rc = audit(c, who, "delete", id, request_id, tr_now_ms());
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

int webhook_attempts(struct db_conn *c, const struct caller *who, const char *id, const char *after,
		     int limit, json_t *items, int *more)
{
	json_t *cur = NULL;
	int rc = webhook_get(c, who, id, &cur);
	json_decref(cur);
	if (rc)
		return rc;
	struct db_stmt *s;
	rc = db_prepare(
	    c,
	    "SELECT a.id, a.delivery_id, d.event_type, a.attempt, a.status, a.error,"
	    " a.duration_ms, a.created_at, d.status FROM webhook_attempts a"
	    " JOIN webhook_deliveries d ON d.id = a.delivery_id"
	    " WHERE a.webhook_id = ? AND (? = '' OR a.id < ?) ORDER BY a.id DESC LIMIT ?",
	    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, after ? after : "");
	db_bind_text(s, 3, after ? after : "");
	db_bind_int64(s, 4, limit + 1);
	int n = 0;
	*more = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		char at[32];
		tr_time_format(db_col_int64(s, 7), at);
		json_array_append_new(
		    items,
		    json_pack("{s:s, s:s, s:s, s:I, s:o, s:o, s:I, s:s, s:s}", "id",
			      db_col_text(s, 0), "delivery_id", db_col_text(s, 1), "event_type",
			      db_col_text(s, 2), "attempt", (json_int_t)db_col_int64(s, 3),
			      "status",
			      db_col_is_null(s, 4) ? json_null() : json_integer(db_col_int64(s, 4)),
			      "error",
			      db_col_is_null(s, 5) ? json_null() : json_string(db_col_text(s, 5)),
			      "duration_ms", (json_int_t)db_col_int64(s, 6), "at", at,
			      "delivery_status", db_col_text(s, 8)));
	}
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
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
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "INSERT INTO webhook_deliveries (id, webhook_id, event_type, ref_type,"
			    " ref_id, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			    &s);
	if (rc)
		return rc;
	char id[37];
	tr_uuid7(id);
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, hook_id);
	db_bind_text(s, 3, event);
	db_bind_text_or_null(s, 4, ref_type);
	db_bind_text_or_null(s, 5, ref_id);
	db_bind_int64(s, 6, now);
	db_bind_int64(s, 7, now);
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

static int in_group(struct db_conn *c, const char *group, const char *org, int *yes)
{
	*yes = 0;
	if (!group)
		return TR_OK;
	struct db_stmt *s;
	int rc = db_prepare(
	    c, "SELECT 1 FROM sharing_group_members WHERE group_id = ? AND org_id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, group);
	db_bind_text(s, 2, org);
	rc = db_step(s);
	*yes = rc == DB_ROW;
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
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
	char like[64];
	snprintf(like, sizeof(like), "%%\"%s\"%%", event);
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT w.id, w.org_id, COALESCE(o.country, '') FROM webhooks w"
			    " JOIN organisations o ON o.id = w.org_id"
			    " WHERE w.disabled = 0 AND w.event_types LIKE ?"
			    " AND (? = '' OR w.org_id = ?) ORDER BY w.id",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, like);
	db_bind_text(s, 2, org_id ? org_id : "");
	db_bind_text(s, 3, org_id ? org_id : "");
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

/* ---- delivery ---- */

struct job {
	char id[37], hook_id[37], event[32], ref_type[16], ref_id[37];
	int attempts;
	char *url, *secret, *created_by, *org_id;
	int disabled;
	int64_t created_at;
};

static void job_clear(struct job *j)
{
	free(j->url);
	if (j->secret)
		sodium_memzero(j->secret, strlen(j->secret));
	free(j->secret);
	free(j->created_by);
	free(j->org_id);
	memset(j, 0, sizeof(*j));
}

/* Claims delivery id (due at was) by moving next_at past a send. */
static int claim(struct db_conn *c, const char *id, int64_t was, int64_t now, struct job *j)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "UPDATE webhook_deliveries SET next_at = ? WHERE id = ? AND next_at = ?"
			    " AND status = 'queued' RETURNING id",
			    &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, now + 2 * SEND_TIMEOUT_MS);
	db_bind_text(s, 2, id);
	db_bind_int64(s, 3, was);
	rc = db_step(s);
	int got = rc == DB_ROW;
	while (rc == DB_ROW)
		rc = db_step(s);
	db_done(s);
	if (rc != DB_DONE)
		return rc;
	if (!got)
		return TR_ERR_CONFLICT;
	rc = db_prepare(c,
			"SELECT d.webhook_id, d.event_type, COALESCE(d.ref_type, ''),"
			" COALESCE(d.ref_id, ''), d.attempts, w.url, w.secret_enc, w.created_by,"
			" w.org_id, w.disabled, d.created_at FROM webhook_deliveries d"
			" JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?",
			&s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(j->id, sizeof(j->id), "%s", id);
		snprintf(j->hook_id, sizeof(j->hook_id), "%s", db_col_text(s, 0));
		snprintf(j->event, sizeof(j->event), "%s", db_col_text(s, 1));
		snprintf(j->ref_type, sizeof(j->ref_type), "%s", db_col_text(s, 2));
		snprintf(j->ref_id, sizeof(j->ref_id), "%s", db_col_text(s, 3));
		j->attempts = (int)db_col_int64(s, 4);
		j->url = strdup(db_col_text(s, 5));
		j->secret = secret_open(db_col_text(s, 6));
		j->created_by = strdup(db_col_text(s, 7));
		j->org_id = strdup(db_col_text(s, 8));
		j->disabled = (int)db_col_int64(s, 9);
		j->created_at = db_col_int64(s, 10);
		/* a secret that cannot be opened (another data key) fails the
		 * attempt in send_one */
		rc = j->url && j->created_by && j->org_id ? TR_OK : TR_ERR_NOMEM;
	} else {
		rc = rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
	}
	db_done(s);
	return rc;
}

/* The body of the delivery: the alert as the webhook's organisation sees
 * it now (*gone when it no longer may), never a tip's content. */
static int payload(struct db_conn *c, const struct job *j, char **out, int *gone)
{
	*out = NULL;
	*gone = 0;
	json_t *data = json_null();
	if (strcmp(j->ref_type, "alert") == 0) {
		struct caller who = {0};
		int rc = auth_caller_load(c, j->created_by, &who);
		if (!rc && strcmp(who.org_id, j->org_id) != 0)
			rc = TR_ERR_NOT_FOUND;
		json_t *a = NULL;
		if (!rc)
			rc = alert_get(c, &who, j->ref_id, &a);
		if (rc == TR_ERR_NOT_FOUND || rc == TR_ERR_FORBIDDEN || rc == TR_ERR_UNAUTH) {
			*gone = 1;
			return TR_OK;
		}
		if (rc)
			return rc;
		const char *tlp = json_string_value(json_object_get(a, "tlp"));
		if (tlp && (strcmp(tlp, "red") == 0 || strcmp(tlp, "amber+strict") == 0)) {
			/* as in e-mail: only that there is something new */
			data = json_pack("{s:s, s:s}", "id", j->ref_id, "tlp", tlp);
			json_decref(a);
			if (!data)
				return TR_ERR_NOMEM;
		} else {
			data = a;
		}
	}
	char at[32], link[700] = "";
	if (j->ref_type[0])
		snprintf(link, sizeof(link), "%s/%ss/%s", notify_config()->public_url, j->ref_type,
			 j->ref_id);
	tr_time_format(j->created_at, at);
	json_t *body =
	    json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:o}", "id", j->id, "event", j->event,
		      "created_at", at, "ref_type", j->ref_type[0] ? j->ref_type : NULL, "ref_id",
		      j->ref_id[0] ? j->ref_id : NULL, "url", link[0] ? link : NULL, "data", data);
	if (!body)
		return TR_ERR_NOMEM;
	*out = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return *out ? TR_OK : TR_ERR_NOMEM;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* One POST: *status gets the HTTP status (0 when none), err a reason. */
static void post(const struct job *j, const char *body, int64_t now, long *status, char *err,
		 size_t errlen)
{
	*status = 0;
	err[0] = '\0';
	struct target t;
	int rc = target_of(j->url, &t);
	if (rc) {
		snprintf(err, errlen, "%s",
			 rc == TR_ERR_IO ? "the host does not resolve"
					 : "the target is not a public address");
		return;
	}
	char sig[64 + 1], header[160];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char ts[24];
	snprintf(ts, sizeof(ts), "%lld", (long long)(now / 1000));
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)j->secret, strlen(j->secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(sig, sizeof(sig), mac, sizeof(mac));
	snprintf(header, sizeof(header), "X-Trellis-Signature: t=%s,v1=%s", ts, sig);
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return;
	}
	struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, header);
	hdrs = curl_slist_append(hdrs, "User-Agent: Trellis-Webhook/1");
	char event_hdr[64];
	snprintf(event_hdr, sizeof(event_hdr), "X-Trellis-Event: %s", j->event);
	hdrs = curl_slist_append(hdrs, event_hdr);
	struct curl_slist *pin = t.pin[0] ? curl_slist_append(NULL, t.pin) : NULL;
	curl_easy_setopt(h, CURLOPT_URL, j->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)SEND_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	if (pin)
		curl_easy_setopt(h, CURLOPT_RESOLVE, pin);
	CURLcode cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(err, errlen, "%s", curl_easy_strerror(cc));
	curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	curl_slist_free_all(pin);
	sodium_memzero(sig, sizeof(sig));
}

static int64_t backoff(int attempts)
{
	const struct notify_config *cfg = notify_config();
	int64_t d = cfg->webhook_retry_ms > 0 ? cfg->webhook_retry_ms : 30000;
	for (int i = 1; i < attempts && d < cfg->retry_max_ms; i++)
		d *= 2;
	return d < cfg->retry_max_ms ? d : cfg->retry_max_ms;
}

/* Records the attempt and its outcome, disabling the webhook after too
 * many failures in a row (its org_admins told in the inbox). */
static int record(struct db_conn *c, const struct job *j, const char *outcome, long status,
		  const char *err, int64_t took, int64_t now)
{
	int attempt = j->attempts + 1;
	int ok = strcmp(outcome, "delivered") == 0;
	int failed = strcmp(outcome, "retry") == 0;
	int rc = db_begin(c);
	struct db_stmt *s = NULL;
	if (!rc && (ok || failed))
		rc =
		    db_prepare(c,
			       "INSERT INTO webhook_attempts (id, delivery_id, webhook_id, attempt,"
			       " status, error, duration_ms, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			       &s);
	if (!rc && s) {
		char id[37];
		tr_uuid7(id);
		db_bind_text(s, 1, id);
		db_bind_text(s, 2, j->id);
		db_bind_text(s, 3, j->hook_id);
		db_bind_int64(s, 4, attempt);
		if (status)
			db_bind_int64(s, 5, status);
		else
			db_bind_null(s, 5);
		db_bind_text_or_null(s, 6, err && err[0] ? err : NULL);
		db_bind_int64(s, 7, took);
		db_bind_int64(s, 8, now);
		rc = db_step(s);
		db_done(s);
		rc = rc == DB_DONE ? TR_OK : rc;
	}
	int disable = 0, failures = 0;
	if (!rc && (ok || failed)) {
		rc = db_prepare(c,
				"UPDATE webhooks SET failures = CASE WHEN ? = 1 THEN 0"
				" ELSE failures + 1 END WHERE id = ? RETURNING failures, disabled",
				&s);
		if (!rc) {
			db_bind_int64(s, 1, ok);
			db_bind_text(s, 2, j->hook_id);
			rc = db_step(s);
			if (rc == DB_ROW) {
				failures = (int)db_col_int64(s, 0);
				disable =
				    !ok && failures >= WEBHOOK_FAILURES_MAX && !db_col_int64(s, 1);
				while (rc == DB_ROW)
					rc = db_step(s);
			}
			db_done(s);
			rc = rc == DB_DONE ? TR_OK : rc;
		}
	}
	if (!rc && disable) {
		rc = exec_id(c, "UPDATE webhooks SET disabled = 1 WHERE id = ?", j->hook_id);
		char dedupe[80];
		snprintf(dedupe, sizeof(dedupe), "webhook_disabled:%s:%lld", j->hook_id,
			 (long long)now);
		if (!rc)
			rc = notify_inbox_org(c, j->org_id, 1, "webhook_disabled", "webhook",
					      j->hook_id, dedupe, now);
	}
	const char *st = ok ? "delivered" : failed ? "queued" : outcome;
	if (failed &&
	    (attempt >= WEBHOOK_FAILURES_MAX || disable || failures >= WEBHOOK_FAILURES_MAX))
		st = "failed";
	if (!rc)
		rc = db_prepare(
		    c,
		    "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_at = ?,"
		    " last_status = ?, last_error = ?, delivered_at = ? WHERE id = ?",
		    &s);
	if (!rc) {
		db_bind_text(s, 1, st);
		db_bind_int64(s, 2, strcmp(outcome, "dropped") == 0 ? j->attempts : attempt);
		db_bind_int64(s, 3, now + backoff(attempt));
		if (status)
			db_bind_int64(s, 4, status);
		else
			db_bind_null(s, 4);
		db_bind_text_or_null(s, 5, err && err[0] ? err : NULL);
		if (ok)
			db_bind_int64(s, 6, now);
		else
			db_bind_null(s, 6);
		db_bind_text(s, 7, j->id);
		rc = db_step(s);
		db_done(s);
		rc = rc == DB_DONE ? TR_OK : rc;
	}
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

static int send_one(struct db_conn *c, struct job *j, int64_t now)
{
	if (j->disabled)
		return record(c, j, "failed", 0, "the webhook is disabled", 0, now);
	if (!j->secret)
		return record(c, j, "retry", 0, "the secret cannot be opened with the data key", 0,
			      now);
	char *body = NULL;
	int gone = 0;
	int rc = payload(c, j, &body, &gone);
	if (rc)
		return rc;
	if (gone)
		return record(c, j, "dropped", 0, "the record is no longer visible", 0, now);
	long status = 0;
	char err[256];
	int64_t t0 = tr_now_ms();
	post(j, body, tr_now_ms(), &status, err, sizeof(err));
	int64_t took = tr_now_ms() - t0;
	free(body);
	if (!err[0] && (status < 200 || status > 299))
		snprintf(err, sizeof(err), "HTTP %ld", status);
	return record(c, j, status >= 200 && status <= 299 ? "delivered" : "retry", status, err,
		      took, tr_now_ms());
}

int webhook_send_due(struct db_conn *c, int64_t now, int max, int *sent)
{
	*sent = 0;
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT id, next_at FROM webhook_deliveries WHERE status = 'queued'"
			    " AND next_at <= ? ORDER BY next_at, id LIMIT ?",
			    &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, now);
	db_bind_int64(s, 2, max);
	char(*ids)[37] = calloc((size_t)max, sizeof(*ids));
	int64_t *was = calloc((size_t)max, sizeof(*was));
	int n = 0;
	if (!ids || !was)
		rc = TR_ERR_NOMEM;
	while (!rc && (rc = db_step(s)) == DB_ROW && n < max) {
		snprintf(ids[n], sizeof(ids[n]), "%s", db_col_text(s, 0));
		was[n++] = db_col_int64(s, 1);
	}
	db_done(s);
	rc = rc == DB_DONE || rc == DB_ROW ? TR_OK : rc;
	/* a slow receiver must not hold the mail sender long: the rest wait
	 * for the next round */
	for (int i = 0; i < n && !rc && tr_now_ms() - now < SEND_TIMEOUT_MS; i++) {
		struct job j = {0};
		int cr = claim(c, ids[i], was[i], now, &j);
		if (cr == TR_ERR_CONFLICT || cr == TR_ERR_NOT_FOUND) {
			job_clear(&j);
			continue;
		}
		rc = cr ? cr : send_one(c, &j, now);
		job_clear(&j);
		(*sent)++;
	}
	free(ids);
	free(was);
	return rc;
}
