/* Webhook delivery: due deliveries claimed, their payload read at sending
 * time through the record's own access function for the hook's creator,
 * posted, and retried with backoff (above the modules whose records it
 * reads). */
#include "domain/webhook_send.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/alert.h"
#include "domain/auth.h"
#include "domain/notify.h"
#include "domain/row.h"
#include "domain/tip_intake.h"
#include "domain/webhook.h"
#include "domain/webhook_target.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEND_TIMEOUT_MS 10000
#define BODY_MAX (256 * 1024)

static char *secret_open(const char *stored)
{
	const struct notify_config *cfg = notify_config();
	return cfg->has_key ? tip_contact_open(cfg->key, stored) : strdup(stored);
}

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
	int rc = db_write_found_vals(
	    c,
	    "UPDATE webhook_deliveries SET next_at = ? WHERE id = ? AND next_at = ?"
	    " AND status = 'queued' RETURNING id",
	    DB_VALS(DB_INT(now + 2 * SEND_TIMEOUT_MS), DB_TEXT(id), DB_INT(was)));
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? TR_ERR_CONFLICT : rc;
	rc = db_row_text(c,
			 "SELECT d.webhook_id, d.event_type, COALESCE(d.ref_type, ''),"
			 " COALESCE(d.ref_id, ''), d.attempts, w.url, w.secret_enc, w.created_by,"
			 " w.org_id, w.disabled, d.created_at FROM webhook_deliveries d"
			 " JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?",
			 id, &s);
	if (rc)
		return rc;
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
	struct webhook_target t;
	int rc = webhook_target_of(j->url, &t);
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

/* The attempt row of a delivery that was sent (ok or to retry). */
static int attempt_insert(struct db_conn *c, const struct job *j, int attempt, long status,
			  const char *err, int64_t took, int64_t now)
{
	char id[37];
	tr_uuid7(id);
	return db_run_vals(c,
			   "INSERT INTO webhook_attempts (id, delivery_id, webhook_id, attempt,"
			   " status, error, duration_ms, created_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(id), DB_TEXT(j->id), DB_TEXT(j->hook_id),
				   DB_INT(attempt), status ? DB_INT(status) : DB_NULL,
				   DB_TEXT(err && err[0] ? err : NULL), DB_INT(took), DB_INT(now)));
}

/* Counts a failure in a row (or clears them on success): *failures gets
 * the count, *disable whether this one disables the webhook. */
static int failures_count(struct db_conn *c, const struct job *j, int ok, int *failures,
			  int *disable)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c,
				 "UPDATE webhooks SET failures = CASE WHEN ? = 1 THEN 0"
				 " ELSE failures + 1 END WHERE id = ? RETURNING failures, disabled",
				 DB_VALS(DB_INT(ok), DB_TEXT(j->hook_id)), &s);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*failures = (int)db_col_int64(s, 0);
		*disable = !ok && *failures >= WEBHOOK_FAILURES_MAX && !db_col_int64(s, 1);
		while (rc == DB_ROW)
			rc = db_step(s);
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* Disables the webhook, its org_admins told in the inbox. */
static int hook_disabled(struct db_conn *c, const struct job *j, int64_t now)
{
	int rc = webhook_disable(c, j->hook_id);
	char dedupe[80];
	snprintf(dedupe, sizeof(dedupe), "webhook_disabled:%s:%lld", j->hook_id, (long long)now);
	if (!rc)
		rc = notify_inbox_org(c, j->org_id, 1, "webhook_disabled", "webhook", j->hook_id,
				      dedupe, now);
	return rc;
}

/* The delivery's state after an attempt. */
static int delivery_update(struct db_conn *c, const struct job *j, const char *st, int attempts,
			   long status, const char *err, int ok, int64_t next, int64_t now)
{
	struct db_stmt *s;
	int rc =
	    db_prepare_vals(c,
			    "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_at = ?,"
			    " last_status = ?, last_error = ?, delivered_at = ? WHERE id = ?",
			    DB_VALS(DB_TEXT(st), DB_INT(attempts), DB_INT(next)), &s);
	if (rc)
		return rc;
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
	return row_step_write(s);
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
	/* the webhook first, as its delete does: a delete waits for this
	 * record, or this finds the webhook gone and records nothing */
	if (!rc && (rc = webhook_lock(c, j->hook_id)) == TR_ERR_NOT_FOUND)
		return db_end(c, TR_OK);
	if (!rc && (ok || failed))
		rc = attempt_insert(c, j, attempt, status, err, took, now);
	int disable = 0, failures = 0;
	if (!rc && (ok || failed))
		rc = failures_count(c, j, ok, &failures, &disable);
	if (!rc && disable)
		rc = hook_disabled(c, j, now);
	const char *st = ok ? "delivered" : failed ? "queued" : outcome;
	if (failed &&
	    (attempt >= WEBHOOK_FAILURES_MAX || disable || failures >= WEBHOOK_FAILURES_MAX))
		st = "failed";
	if (!rc)
		rc = delivery_update(c, j, st,
				     strcmp(outcome, "dropped") == 0 ? j->attempts : attempt,
				     status, err, ok, now + backoff(attempt), now);
	return db_end(c, rc);
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
	struct notify_due d;
	int rc = notify_due_read(c, "webhook_deliveries", now, max, &d);
	if (rc)
		return rc;
	/* a slow receiver must not hold the mail sender long: the rest wait
	 * for the next round */
	for (int i = 0; i < d.n && !rc && tr_now_ms() - now < SEND_TIMEOUT_MS; i++) {
		struct job j = {0};
		int cr = claim(c, d.ids[i], d.was[i], now, &j);
		if (cr == TR_ERR_CONFLICT || cr == TR_ERR_NOT_FOUND) {
			job_clear(&j);
			continue;
		}
		rc = cr ? cr : send_one(c, &j, now);
		job_clear(&j);
		(*sent)++;
	}
	notify_due_free(&d);
	return rc;
}
