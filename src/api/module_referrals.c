/* The referrals module's configuration, read once at start (the data key,
 * the retention period, the small-count threshold), and its scheduler: every
 * TRELLIS_REFERRAL_JOB_INTERVAL_S seconds (default 3600; 0 disables) it
 * escalates and expires referrals past their deadlines, and once a day it
 * erases the personal fields of referrals closed longer ago than the
 * retention period (as `trellis retention run`). */
#include "api/app.h"
#include "api/handlers_referrals.h"
#include "api/module.h"
#include "api/module_referrals.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/worker.h"
#include "domain/analytics_q.h"
#include "domain/referral.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct referrals_state {
	struct referrals_config cfg;
	struct db *db;
	int64_t last_retention;
	struct worker jobs;
};

int referrals_configure(const struct app_config *ac, struct referrals_config *cfg, char *err,
			size_t errlen)
{
	if (referral_key_load(ac->secret_key)) {
		snprintf(err, errlen, "TRELLIS_SECRET_KEY must be 64 hex characters");
		return TR_ERR_INVALID;
	}
	cfg->retention_days = (int)ac->retention_referral_days;
	cfg->suppress_below = (int)ac->suppress_below;
	return TR_OK;
}

static void log_run(const char *what, int rc, int a, int b)
{
	if (rc)
		fprintf(stderr,
			"{\"level\":\"error\",\"msg\":\"referrals %s failed\",\"error\":\"%s\"}\n",
			what, tr_strerror(rc));
	else if (a || b)
		fprintf(stderr, "{\"level\":\"info\",\"msg\":\"referrals %s\",\"a\":%d,\"b\":%d}\n",
			what, a, b);
}

static int jobs_once(void *arg)
{
	struct referrals_state *st = arg;
	struct db_conn *c = db_acquire(st->db);
	int64_t now = tr_now_ms();
	int escalated = 0, expired = 0, erased = 0;
	log_run("deadlines", referral_deadlines_run(c, now, &escalated, &expired), escalated,
		expired);
	if (now - st->last_retention >= 86400LL * 1000) {
		st->last_retention = now;
		log_run("retention",
			referral_retention_run(c, now, st->cfg.retention_days, &erased), erased, 0);
	}
	db_release(c);
	return 0;
}

int referrals_module_start(struct app *app, char *err, size_t errlen)
{
	struct referrals_state *st = module_state_new("referrals", sizeof(*st), err, errlen);
	if (!st)
		return TR_ERR_NOMEM;
	st->db = app->db;
	int rc = referrals_configure(&app->config, &st->cfg, err, errlen);
	if (rc) {
		free(st);
		return rc;
	}
	return module_schedule(&app->referrals, st, &st->jobs, jobs_once,
			       app->config.referral_job_interval_s,
			       "referrals: cannot start the scheduler thread", err, errlen);
}

void referrals_module_stop(struct app *app)
{
	free(module_stop(&app->referrals, offsetof(struct referrals_state, jobs)));
}

void referrals_config_of(struct app *app, struct referrals_config *out)
{
	const struct referrals_state *st = app ? app->referrals : NULL;
	if (st)
		*out = st->cfg;
	else
		*out = (struct referrals_config){365, 5};
}
