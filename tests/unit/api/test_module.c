/* The lifecycle the worker modules share (src/api/module.c): a state is
 * published as its worker starts, stopped and handed back once, and a
 * module that never started stops as a no-op. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/module.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

struct state {
	int runs;
	struct worker w; /* not first: module_stop finds it by its offset */
};

static int run(void *arg)
{
	((struct state *)arg)->runs++;
	return 0;
}

static void stop_of_a_module_never_started_is_a_no_op(void **unused)
{
	(void)unused;
	void *slot = NULL;
	assert_null(module_stop(&slot, offsetof(struct state, w)));
	assert_null(slot);
}

/* A state started in slot with a worker of period_ms (no thread when 0). */
static struct state *started(void **slot, int64_t period_ms)
{
	char err[64] = "";
	struct state *st = module_state_new("test", sizeof(*st), err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(st->runs, 0);
	st->w = (struct worker){.run = run, .period_ms = period_ms, .start_error = "no thread"};
	assert_int_equal(module_start(slot, st, &st->w, err, sizeof(err)), TR_OK);
	assert_string_equal(err, "");
	return st;
}

static void start_publishes_the_state_and_stop_hands_it_back_once(void **unused)
{
	(void)unused;
	void *slot = NULL;
	struct state *st = started(&slot, 0);
	assert_ptr_equal(slot, st);
	assert_ptr_equal(st->w.arg, st);
	assert_ptr_equal(module_stop(&slot, offsetof(struct state, w)), st);
	assert_null(slot);
	assert_null(module_stop(&slot, offsetof(struct state, w)));
	free(st);
}

static void stop_joins_a_running_worker_thread(void **unused)
{
	(void)unused;
	void *slot = NULL;
	started(&slot, 3600000);
	free(module_stop(&slot, offsetof(struct state, w)));
	assert_null(slot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stop_of_a_module_never_started_is_a_no_op),
	    cmocka_unit_test(start_publishes_the_state_and_stop_hands_it_back_once),
	    cmocka_unit_test(stop_joins_a_running_worker_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
