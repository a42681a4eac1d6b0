/** What the modules that do their work on a worker thread (referrals,
 * signals, notify) share of their lifecycle: the state allocated once,
 * published in its slot of struct app as the worker starts, and taken
 * back out of the slot once the worker has stopped. */
#ifndef TR_API_MODULE_H
#define TR_API_MODULE_H

#include "core/worker.h"

#include <stddef.h>
#include <stdint.h>

/** A zeroed state of size bytes for the module name ("referrals"); NULL
 * with "<name>: out of memory" written in err. The caller frees it until
 * module_start has published it. */
void *module_state_new(const char *name, size_t size, char *err, size_t errlen);

/** Publishes st in *slot and starts w, the worker in st, whose runs are
 * given st: TR_OK, or TR_ERR_INTERNAL with err written. module_stop is
 * safe either way. */
int module_start(void **slot, void *st, struct worker *w, char *err, size_t errlen);

/** module_start with w a scheduler: run every interval_s seconds (none
 * when 0), the first time one interval after the start; start_error is
 * its message when its thread cannot start. */
int module_schedule(void **slot, void *st, struct worker *w, int (*run)(void *arg),
		    int64_t interval_s, const char *start_error, char *err, size_t errlen);

/** Stops the worker at worker_at (offsetof) in the state published in
 * *slot and clears the slot: the state, for the module to release what it
 * holds and free it, or NULL when the module never started. */
void *module_stop(void **slot, size_t worker_at);

#endif
