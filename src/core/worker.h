/** A background thread that runs a task every period, and stops at once
 * when asked (the schedulers of the modules: referrals, signals, notify). */
#ifndef TR_CORE_WORKER_H
#define TR_CORE_WORKER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct worker {
	/* set by the caller before worker_start */
	int (*run)(void *arg); /* one run; nonzero to run again without waiting */
	void *arg;
	int64_t period_ms;	 /* the wait between runs; no thread when <= 0 */
	int wait_first;		 /* wait a period before the first run */
	const char *start_error; /* the message when the thread cannot start */
	/* owned by the worker */
	int started, stop; /* stop guarded by mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
};

/** Starts a thread running main(arg) into *t: TR_OK, or TR_ERR_INTERNAL
 * with the message what (for instance "tips: cannot start the writer
 * thread") written in err. */
int worker_thread_start(pthread_t *t, void *(*main)(void *), void *arg, const char *what, char *err,
			size_t errlen);
/** Starts w's thread (when its period is positive). TR_OK, or
 * TR_ERR_INTERNAL with err written; worker_stop is safe either way. */
int worker_start(struct worker *w, char *err, size_t errlen);
/** Wakes and joins the thread when it runs; frees what worker_start took. */
void worker_stop(struct worker *w);

#endif
