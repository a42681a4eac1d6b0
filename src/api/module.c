/* The lifecycle the worker modules share (module.h). */
#include "api/module.h"

#include <stdio.h>
#include <stdlib.h>

void *module_state_new(const char *name, size_t size, char *err, size_t errlen)
{
	void *st = calloc(1, size);
	if (!st)
		snprintf(err, errlen, "%s: out of memory", name);
	return st;
}

int module_start(void **slot, void *st, struct worker *w, char *err, size_t errlen)
{
	w->arg = st;
	*slot = st;
	return worker_start(w, err, errlen);
}

int module_schedule(void **slot, void *st, struct worker *w, int (*run)(void *arg),
		    int64_t interval_s, const char *start_error, char *err, size_t errlen)
{
	*w = (struct worker){.run = run,
			     .period_ms = interval_s * 1000,
			     .wait_first = 1,
			     .start_error = start_error};
	return module_start(slot, st, w, err, errlen);
}

void *module_stop(void **slot, size_t worker_at)
{
	char *st = *slot;
	if (!st)
		return NULL;
	worker_stop((struct worker *)(st + worker_at));
	*slot = NULL;
	return st;
}
