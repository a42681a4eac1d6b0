/* The background thread of a module (worker.h). */
#include "core/worker.h"
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

/* Waits until period_ms has passed or stop is set; mu is held. */
static void nap(struct worker *w)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += w->period_ms / 1000;
	until.tv_nsec += (w->period_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	int rc = 0;
	while (!w->stop && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&w->cv, &w->mu, &until);
}

static void *loop(void *arg)
{
	struct worker *w = arg;
	int skip = w->wait_first;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		if (!skip) {
			pthread_mutex_unlock(&w->mu);
			int again = w->run(w->arg);
			pthread_mutex_lock(&w->mu);
			if (again)
				continue;
		}
		skip = 0;
		nap(w);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int worker_thread_start(pthread_t *t, void *(*main)(void *), void *arg, const char *what, char *err,
			size_t errlen)
{
	if (pthread_create(t, NULL, main, arg) != 0) {
		snprintf(err, errlen, "%s", what);
		return TR_ERR_INTERNAL;
	}
	return TR_OK;
}

int worker_start(struct worker *w, char *err, size_t errlen)
{
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->started = w->stop = 0;
	if (w->period_ms <= 0)
		return TR_OK;
	int rc = worker_thread_start(&w->thread, loop, w, w->start_error, err, errlen);
	w->started = rc == TR_OK;
	return rc;
}

void worker_stop(struct worker *w)
{
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
}
