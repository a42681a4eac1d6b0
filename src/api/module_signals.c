/* The early-warning module's background work: a scheduler thread that runs
 * detection (signal_detect) every TRELLIS_DETECT_INTERVAL_S seconds
 * (default 3600; 0 disables), and the settings the analytics read once at
 * start (the small-count threshold, whether the tips table exists). */
#include "api/app.h"
#include "api/handlers_analytics.h"
#include "api/module.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/worker.h"
#include "domain/analytics_q.h"
#include "domain/signal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct signals_state {
	struct analytics_config cfg;
	struct db *db;
	struct worker detect;
};

static int detect_once(void *arg)
{
	struct signals_state *st = arg;
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
	return 0;
}

int signals_module_start(struct app *app, char *err, size_t errlen)
{
	struct signals_state *st = module_state_new("signals", sizeof(*st), err, errlen);
	if (!st)
		return TR_ERR_NOMEM;
	st->db = app->db;
	st->cfg.suppress_below = (int)app->config.suppress_below;
	api_signals_configure(st->cfg.suppress_below);
	struct db_conn *c = db_acquire(app->db);
	st->cfg.tips_present = aq_tips_present(c);
	db_release(c);
	return module_schedule(&app->signals, st, &st->detect, detect_once,
			       app->config.detect_interval_s,
			       "signals: cannot start the detection thread", err, errlen);
}

/* Must be safe to call when start failed or never ran. */
void signals_module_stop(struct app *app)
{
	free(module_stop(&app->signals, offsetof(struct signals_state, detect)));
}

void analytics_config_of(struct app *app, struct analytics_config *out)
{
	const struct signals_state *st = app ? app->signals : NULL;
	if (st)
		*out = st->cfg;
	else
		*out = (struct analytics_config){5, 0};
}
