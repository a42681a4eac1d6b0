/* The early-warning module's background work: a scheduler thread that runs
 * detection (signal_detect) every TRELLIS_DETECT_INTERVAL_S seconds
 * (default 3600; 0 disables), and the settings the analytics read once at
 * start (the small-count threshold, whether the tips table exists). */
#include "api/app.h"
#include "api/handlers_analytics.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/analytics_q.h"
#include "domain/signal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct signals_state {
	struct analytics_config cfg;
	struct db *db;
	long interval_s;
	int started; /* the thread runs */
	int stop;    /* guarded by mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
};

static void detect_once(struct signals_state *st)
{
	struct signal_run run;
	struct db_conn *c = db_acquire(st->db);
	int64_t t0 = tr_mono_ns();
	int rc = signal_detect(c, tr_now_ms(), st->cfg.tips_present, &run);
	db_release(c);
	if (rc)
		fprintf(stderr,
			"{\"level\":\"error\",\"msg\":\"detection failed\",\"error\":\"%s\"}\n",
			tr_strerror(rc));
	else
		fprintf(stderr,
			"{\"level\":\"info\",\"msg\":\"detection\",\"series\":%d,\"alarms\":%d,"
			"\"created\":%d,\"continued\":%d,\"ms\":%lld}\n",
			run.series, run.alarms, run.created, run.continued,
			(long long)((tr_mono_ns() - t0) / 1000000));
}

/* Sleeps interval_s between runs; stop wakes it at once. */
static void *detect_loop(void *arg)
{
	struct signals_state *st = arg;
	pthread_mutex_lock(&st->mu);
	while (!st->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += st->interval_s;
		int rc = 0;
		while (!st->stop && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&st->cv, &st->mu, &until);
		if (st->stop)
			break;
		pthread_mutex_unlock(&st->mu);
		detect_once(st);
		pthread_mutex_lock(&st->mu);
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

int signals_module_start(struct app *app, char *err, size_t errlen)
{
	struct signals_state *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "signals: out of memory");
		return TR_ERR_NOMEM;
	}
	st->db = app->db;
	st->cfg.suppress_below = (int)app->config.suppress_below;
	api_signals_configure(st->cfg.suppress_below);
	st->interval_s = (long)app->config.detect_interval_s;
	struct db_conn *c = db_acquire(app->db);
	st->cfg.tips_present = aq_tips_present(c);
	db_release(c);
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	app->signals = st;
	if (st->interval_s > 0) {
		if (pthread_create(&st->thread, NULL, detect_loop, st) != 0) {
			snprintf(err, errlen, "signals: cannot start the detection thread");
			return TR_ERR_INTERNAL;
		}
		st->started = 1;
	}
	return TR_OK;
}

/* Must be safe to call when start failed or never ran. */
void signals_module_stop(struct app *app)
{
	struct signals_state *st = app->signals;
	if (!st)
		return;
	if (st->started) {
		pthread_mutex_lock(&st->mu);
		st->stop = 1;
		pthread_cond_signal(&st->cv);
		pthread_mutex_unlock(&st->mu);
		pthread_join(st->thread, NULL);
	}
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	free(st);
	app->signals = NULL;
}

void analytics_config_of(struct app *app, struct analytics_config *out)
{
	const struct signals_state *st = app ? app->signals : NULL;
	if (st)
		*out = st->cfg;
	else
		*out = (struct analytics_config){5, 0};
}
