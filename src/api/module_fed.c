/* Federation while serving: the node identity and one puller thread per
 * peer. A puller asks its peer for the changes after its cursor (a signed
 * GET that long-polls), verifies the signed bundle and applies it in one
 * transaction that also moves the cursor, so a crash leaves either all of
 * it or none. While a page is applied, the next one is pulled, verified and
 * parsed on a second connection and thread. */
#include "api/app.h"
#include "api/handlers_fed.h"
#include "domain/fed_answer.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/worker.h"

#include <curl/curl.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FED_PEERS_MAX 128
#define FED_BODY_MAX ((size_t)64 << 20)

struct fed_worker {
	char node_id[37];
	struct fed_state *st;
	pthread_t thread;
	atomic_int stop;
	struct fed_worker *next;
};

/* Sleeps up to ms unless stopping; returns whether to stop. */
static int nap(struct fed_state *st, atomic_int *stop, int64_t ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&st->mu);
	while (!atomic_load(&st->stop) && !atomic_load(stop))
		if (pthread_cond_timedwait(&st->cv, &st->mu, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&st->mu);
	return atomic_load(&st->stop) || atomic_load(stop);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	return buf_append(b, p, size * n) ? 0 : size * n;
}

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct fed_worker *w = ctx;
	return atomic_load(&w->st->stop) || atomic_load(&w->stop);
}

/* One signed pull; body gets the answer. TR_OK or an error with err. */
static int pull(struct fed_worker *w, CURL *curl, const struct fed_peer *p, struct buf *body,
		char *err, size_t errlen)
{
	struct fed_state *st = w->st;
	char url[700], text[400], line[200];
	int64_t now = tr_now_ms();
	size_t ul = strlen(p->url);
	snprintf(url, sizeof(url), "%.*s/fed/v1/changes?after=%lld&wait=%d",
		 (int)(ul && p->url[ul - 1] == '/' ? ul - 1 : ul), p->url,
		 (long long)p->pull_cursor, st->wait_s);
	fed_request_text(text, sizeof(text), "GET", "/fed/v1/changes", p->pull_cursor, st->wait_s,
			 now, st->me.node_id, p->node_id);
	unsigned char sig[crypto_sign_BYTES];
	char sig_hex[2 * crypto_sign_BYTES + 1];
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), st->me.sk);
	sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
	struct curl_slist *h = NULL;
	snprintf(line, sizeof(line), "Trellis-Node: %s", st->me.node_id);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "Trellis-Time: %lld", (long long)now);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "Trellis-Signature: %s", sig_hex);
	h = curl_slist_append(h, line);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, w);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)st->wait_s + 30L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	CURLcode cc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	if (cc != CURLE_OK)
		return snprintf(err, errlen, "pull failed: %s", curl_easy_strerror(cc)), TR_ERR_IO;
	if (status != 200)
		return snprintf(err, errlen, "pull answered HTTP %ld", status), TR_ERR_IO;
	return TR_OK;
}

/* A pulled answer made ready to apply: its bundle verified and parsed. */
struct fed_page {
	struct fed_bundle *fb;
	int64_t cursor; /* the unsigned hints: where it ends, whether more follows */
	int has_cursor, more;
	int rc;
	char err[300];
};

static void page_free(struct fed_page *pg)
{
	fed_bundle_free(pg->fb);
	memset(pg, 0, sizeof(*pg));
}

/* Pulls the changes after p's cursor into body and makes them ready to
 * apply (pg); pg->rc, with pg->err. */
static int page_get(struct fed_worker *w, CURL *curl, const struct fed_peer *p, struct buf *body,
		    struct fed_page *pg)
{
	struct fed_answer a = {0};
	memset(pg, 0, sizeof(*pg));
	buf_reset(body);
	int rc = pull(w, curl, p, body, pg->err, sizeof(pg->err));
	if (!rc && fed_answer_parse(body->data ? body->data : "", body->len, &a)) {
		snprintf(pg->err, sizeof(pg->err), "malformed answer");
		rc = TR_ERR_INVALID;
	}
	if (!rc) {
		rc = fed_bundle_parse(p, a.payload, a.signature, &pg->fb, pg->err, sizeof(pg->err));
		pg->cursor = a.cursor;
		pg->has_cursor = a.has_cursor;
		pg->more = a.more;
	}
	fed_answer_free(&a);
	return pg->rc = rc;
}

/* Applies a page (its bundle parsed for the same peer). */
static int apply(struct fed_worker *w, const struct fed_peer *p, const struct fed_page *pg,
		 struct fed_apply_report *rep, char *err, size_t errlen)
{
	struct db_conn *c = db_acquire(w->st->db);
	int rc = fed_bundle_apply_parsed(c, &w->st->me, p, pg->fb, tr_now_ms(), rep, err, errlen);
	db_release(c);
	return rc;
}

/* The next page, pulled and parsed while the current one is applied. */
struct fed_prefetch {
	struct fed_worker *w;
	CURL *curl;
	struct fed_peer p; /* its pull_cursor: where the current page ends */
	struct buf *body;
	struct fed_page pg;
};

static void *prefetch_main(void *arg)
{
	struct fed_prefetch *f = arg;
	page_get(f->w, f->curl, &f->p, f->body, &f->pg);
	return NULL;
}

static void note(struct fed_state *st, const char *peer, const char *err)
{
	struct db_conn *c = db_acquire(st->db);
	fed_peer_note(c, peer, err, tr_now_ms());
	db_release(c);
	if (err)
		fprintf(stderr,
			"{\"level\":\"warn\",\"msg\":\"federation pull\",\"peer\":\"%s\","
			"\"error\":\"%s\"}\n",
			peer, err);
}

/* A bundle that moved the cursor, with the time it was committed (a
 * benchmark waits for the line that reaches the peer's head rather than
 * asking this server how far it is). */
static void applied_log(const char *peer, const struct fed_apply_report *rep)
{
	fprintf(stderr,
		"{\"level\":\"info\",\"msg\":\"federation bundle applied\",\"peer\":\"%s\","
		"\"applied\":%d,\"unchanged\":%d,\"refused\":%d,\"cursor\":%lld,\"more\":%s,"
		"\"at_ms\":%lld}\n",
		peer, rep->applied, rep->unchanged, rep->refused, (long long)rep->cursor,
		rep->more ? "true" : "false", (long long)tr_now_ms());
}

/* Applies the page cur; when it says more follows, the next page is pulled
 * and parsed meanwhile (a second connection, body spare), and *ahead is set
 * when next then holds the page that follows the applied one. */
static int pull_step(struct fed_worker *w, const struct fed_peer *p, CURL *curl2, struct buf *spare,
		     const struct fed_page *cur, struct fed_page *next, int *ahead, char *err,
		     size_t errlen, struct fed_apply_report *rep)
{
	struct fed_prefetch f = {.w = w, .curl = curl2, .p = *p, .body = spare};
	pthread_t t;
	int fetching = 0;
	*ahead = 0;
	if (curl2 && cur->more && cur->has_cursor) {
		f.p.pull_cursor = cur->cursor;
		fetching = pthread_create(&t, NULL, prefetch_main, &f) == 0;
	}
	int rc = apply(w, p, cur, rep, err, errlen);
	/* logged at once: the next pull may be a long poll (the last full page
	 * says more follows) */
	if (!rc && rep->cursor != p->pull_cursor)
		applied_log(p->node_id, rep);
	if (fetching) {
		pthread_join(t, NULL);
		*ahead = !rc && f.pg.rc == TR_OK && rep->cursor == f.p.pull_cursor;
		if (*ahead)
			*next = f.pg;
		else
			page_free(&f.pg);
	}
	return rc;
}

static void *worker_main(void *arg)
{
	struct fed_worker *w = arg;
	struct fed_state *st = w->st;
	CURL *curl = curl_easy_init(), *curl2 = curl_easy_init();
	struct buf bodies[2];
	buf_init(&bodies[0], FED_BODY_MAX);
	buf_init(&bodies[1], FED_BODY_MAX);
	struct fed_page pages[2];
	memset(pages, 0, sizeof(pages));
	int cur = 0, ahead = 0;
	while (curl && !atomic_load(&st->stop) && !atomic_load(&w->stop)) {
		struct fed_peer p;
		struct db_conn *c = db_acquire(st->db);
		int rc = fed_peer_get(c, w->node_id, &p);
		db_release(c);
		if (rc == TR_ERR_NOT_FOUND)
			break; /* removed */
		char err[300] = "";
		struct fed_apply_report rep = {0};
		if (!rc && !ahead && (rc = page_get(w, curl, &p, &bodies[0], &pages[cur])))
			snprintf(err, sizeof(err), "%s", pages[cur].err);
		ahead = 0;
		if (!rc)
			rc = pull_step(w, &p, curl2, &bodies[1], &pages[cur], &pages[1 - cur],
				       &ahead, err, sizeof(err), &rep);
		page_free(&pages[cur]);
		if (ahead)
			cur = 1 - cur; /* the next page is already here */
		if (atomic_load(&st->stop) || atomic_load(&w->stop))
			break;
		if (rc || rep.refused) /* a success was noted with the bundle */
			note(st, p.node_id, err);
		/* a peer that answers refused records at once (no long poll) is
		 * asked again after the pause, not at once: each refusal is an
		 * audit entry; a page that moved the cursor with more to come
		 * goes on */
		int stuck = rep.refused && (!rep.more || rep.cursor == p.pull_cursor);
		if ((rc || stuck) && nap(st, &w->stop, st->retry_ms))
			break;
	}
	page_free(&pages[0]);
	page_free(&pages[1]);
	buf_free(&bodies[0]);
	buf_free(&bodies[1]);
	if (curl)
		curl_easy_cleanup(curl);
	if (curl2)
		curl_easy_cleanup(curl2);
	return NULL;
}

/* Starts a puller for every peer that has none (new peers included). */
static void workers_sync(struct fed_state *st)
{
	char ids[FED_PEERS_MAX][37];
	int n = 0;
	struct db_conn *c = db_acquire(st->db);
	int rc = fed_peer_ids(c, ids, FED_PEERS_MAX, &n);
	db_release(c);
	if (rc)
		return;
	pthread_mutex_lock(&st->mu);
	for (int i = 0; i < n; i++) {
		struct fed_worker *w = st->workers;
		while (w && (strcmp(w->node_id, ids[i]) != 0 || atomic_load(&w->stop)))
			w = w->next;
		if (w)
			continue;
		w = calloc(1, sizeof(*w));
		if (!w)
			break;
		snprintf(w->node_id, sizeof(w->node_id), "%s", ids[i]);
		w->st = st;
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			free(w);
			break;
		}
		w->next = st->workers;
		st->workers = w;
	}
	/* a removed peer's puller ends by itself; mark it so a re-add starts anew */
	for (struct fed_worker *w = st->workers; w; w = w->next) {
		int found = 0;
		for (int i = 0; i < n && !found; i++)
			found = strcmp(w->node_id, ids[i]) == 0;
		if (!found)
			atomic_store(&w->stop, 1);
	}
	pthread_mutex_unlock(&st->mu);
}

static void *manager_main(void *arg)
{
	struct fed_state *st = arg;
	atomic_int never = 0;
	do
		workers_sync(st);
	while (!nap(st, &never, 1000));
	return NULL;
}

static void state_free(struct fed_state *st)
{
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	sodium_memzero(&st->me, sizeof(st->me));
	free(st);
}

int fed_module_start(struct app *app, char *err, size_t errlen)
{
	const char *key = app->config.secret_key;
	if (!*key) {
		fputs("{\"level\":\"info\",\"msg\":\"federation off: TRELLIS_SECRET_KEY is not"
		      " set\"}\n",
		      stderr);
		return TR_OK;
	}
	/* A pull builds and parses answers of some MiB: glibc would hand each
	 * such block back to the kernel when freed (mmap, or trimming the heap)
	 * and fault it in again at the next answer. Kept instead, up to the
	 * peak the pulls needed. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	/* No fast bins: a bundle's JSON trees free many small blocks, and the
	 * next larger request (a record's text) would sweep them all together
	 * again (malloc_consolidate: 5 to 9 % of a pull's answer); the
	 * per-thread cache still serves the small ones (serving 100,000 alerts:
	 * 14.5 and 16.3 s of CPU against 16.1 and 17.4 s, two runs side by side) */
	mallopt(M_MXFAST, 0);
	struct fed_state *st = calloc(1, sizeof(*st));
	if (!st)
		return TR_ERR_NOMEM;
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	st->db = app->db;
	st->retry_ms = app->config.fed_retry_ms;
	st->wait_s = (int)app->config.fed_wait_s;
	st->bundle_max = (int)app->config.fed_bundle;
	int rc = TR_OK;
	{
		struct db_conn *c = db_acquire(app->db);
		rc = fed_node_load(c, key, 1, &st->me, err, errlen);
		db_release(c);
	}
	if (!rc && curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		snprintf(err, errlen, "federation: libcurl failed to initialise");
		rc = TR_ERR_INTERNAL;
	} else if (!rc) {
		rc = worker_thread_start(&st->manager, manager_main, st,
					 "federation: cannot start the puller thread", err, errlen);
		if (rc)
			curl_global_cleanup();
	}
	if (rc) {
		state_free(st);
		return rc;
	}
	st->running = 1;
	fprintf(stderr, "{\"level\":\"info\",\"msg\":\"federation on\",\"node_id\":\"%s\"}\n",
		st->me.node_id);
	app->fed = st;
	return TR_OK;
}

void fed_module_quiesce(struct app *app)
{
	struct fed_state *st = app->fed;
	if (!st)
		return;
	pthread_mutex_lock(&st->mu);
	atomic_store(&st->stop, 1);
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
}

/* Must be safe to call when start failed or never ran. */
void fed_module_stop(struct app *app)
{
	struct fed_state *st = app->fed;
	if (!st)
		return;
	fed_module_quiesce(app); /* stopping again is harmless */
	pthread_join(st->manager, NULL);
	struct fed_worker *w = st->workers;
	while (w) {
		struct fed_worker *next = w->next;
		pthread_join(w->thread, NULL);
		free(w);
		w = next;
	}
	curl_global_cleanup();
	state_free(st);
	app->fed = NULL;
}
