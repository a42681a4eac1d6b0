#include "api/app.h"
#include "api/handlers.h"
#include "core/err.h"
#include "core/worker.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX 256

/* One queued submission; lives on the submitting request's stack. */
struct tips_job {
	struct tip_new *tip;
	int rc;
	int done;
	pthread_cond_t cv; /* its own: waking every waiter per batch is a herd */
	struct tips_job *next;
};

/* The batch in one transaction; each job gets its tip's result. */
static void batch_write(struct db_conn *c, struct tips_job *jobs)
{
	struct tip_new *tips[BATCH_MAX] = {NULL};
	int rcs[BATCH_MAX];
	size_t n = 0;
	for (struct tips_job *j = jobs; j && n < BATCH_MAX; j = j->next)
		tips[n++] = j->tip;
	tip_insert_batch(c, tips, rcs, n);
	n = 0;
	for (struct tips_job *j = jobs; j && n < BATCH_MAX; j = j->next)
		j->rc = rcs[n++];
}

/* How long the writer waits for tips still being read and checked before
 * it commits the ones queued: without it, on a busy machine the writer
 * committed two tips at a time (one fsync and a dozen index pages each
 * time) while the request threads it starved of CPU were still reading the
 * next sixty. A human sender never notices a millisecond. */
#define GATHER_NS 1000000L

/* Under st->mu: waits until the tips being checked have joined the queue,
 * the batch is full, or GATHER_NS have passed. */
static void gather(struct tips_state *st)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += GATHER_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	st->writer_waits = 2;
	while (!st->stop && st->queued < BATCH_MAX && atomic_load(&st->arriving) > 0)
		if (pthread_cond_timedwait(&st->work, &st->mu, &until) == ETIMEDOUT)
			break;
	st->writer_waits = 0;
}

static void *writer_main(void *arg)
{
	struct tips_state *st = arg;
	pthread_mutex_lock(&st->mu);
	for (;;) {
		st->writer_waits = 1;
		while (!st->head && !st->stop)
			pthread_cond_wait(&st->work, &st->mu);
		st->writer_waits = 0;
		if (!st->head && st->stop)
			break;
		gather(st);
		/* take up to BATCH_MAX: everything that queued during the last commit */
		struct tips_job *batch = st->head, *last = batch;
		int n = 1;
		while (last->next && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		st->head = last->next;
		if (!st->head)
			st->tail = NULL;
		last->next = NULL;
		st->queued -= n;
		pthread_mutex_unlock(&st->mu);
		batch_write(st->conn, batch);
		pthread_mutex_lock(&st->mu);
		for (struct tips_job *j = batch, *next; j; j = next) {
			next = j->next; /* j may be gone once its waiter wakes */
			j->done = 1;
			pthread_cond_signal(&j->cv);
		}
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

void tips_arriving(struct tips_state *st, int delta)
{
	atomic_fetch_add(&st->arriving, delta);
}

int tips_submit(struct tips_state *st, struct tip_new *t)
{
	struct tips_job job = {.tip = t, .rc = TR_OK};
	pthread_cond_init(&job.cv, NULL);
	pthread_mutex_lock(&st->mu);
	/* no longer arriving: queued, or refused below */
	int still = atomic_fetch_sub(&st->arriving, 1) - 1;
	if (st->stop || !st->running) {
		pthread_mutex_unlock(&st->mu);
		pthread_cond_destroy(&job.cv);
		return TR_ERR_UNAVAILABLE;
	}
	if (st->tail)
		st->tail->next = &job;
	else
		st->head = &job;
	st->tail = &job;
	st->queued++;
	/* wake the writer only when what it waits for has come */
	if (st->writer_waits == 1 ||
	    (st->writer_waits == 2 && (still <= 0 || st->queued >= BATCH_MAX)))
		pthread_cond_signal(&st->work);
	while (!job.done)
		pthread_cond_wait(&job.cv, &st->mu);
	pthread_mutex_unlock(&st->mu);
	pthread_cond_destroy(&job.cv);
	return job.rc;
}

static void state_free(struct tips_state *st)
{
	tip_pow_free(st->pow);
	auth_throttle_free(st->rate);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->work);
	sodium_memzero(st->key, sizeof(st->key));
	free(st);
}

int tips_module_start(struct app *app, char *err, size_t errlen)
{
	struct tips_state *st = calloc(1, sizeof(*st));
	if (!st)
		return TR_ERR_NOMEM;
	pthread_mutex_init(&st->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->work, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&st->arriving, 0);
	const struct app_config *cfg = &app->config;
	int64_t bits = cfg->tip_pow_bits, rate = cfg->tip_rate;
	st->pending_max = cfg->tip_pending_max;
	st->ack_days = cfg->tip_ack_days;
	const char *key = cfg->secret_key;
	int rc = TR_OK;
	if (*key) {
		if (tip_key_parse(key, st->key)) {
			snprintf(err, errlen,
				 "TRELLIS_SECRET_KEY must be 64 hexadecimal characters");
			rc = TR_ERR_INVALID;
		}
		st->has_key = 1;
	}
	if (!rc && (!(st->pow = tip_pow_new((int)bits)) ||
		    !(st->rate = auth_throttle_new((int)rate, 3600 * 1000))))
		rc = TR_ERR_NOMEM;
	if (!rc) {
		st->conn = db_acquire(app->db);
		st->running = 1;
		rc = worker_thread_start(&st->thread, writer_main, st,
					 "tips: cannot start the writer thread", err, errlen);
		if (rc)
			db_release(st->conn);
	}
	if (rc) {
		state_free(st);
		return rc;
	}
	app->tips = st;
	return TR_OK;
}

/* Must be safe to call when start failed or never ran. */
void tips_module_stop(struct app *app)
{
	struct tips_state *st = app->tips;
	if (!st)
		return;
	pthread_mutex_lock(&st->mu);
	st->stop = 1;
	pthread_cond_broadcast(&st->work);
	pthread_mutex_unlock(&st->mu);
	pthread_join(st->thread, NULL);
	db_release(st->conn);
	state_free(st);
	app->tips = NULL;
}
