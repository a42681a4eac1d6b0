/* The notifications module's background work: the mail sender (delivers
 * the outbox, woken every poll interval), the daily digest at each hour,
 * the deadline scheduler and, once an hour, the purge of the mail sent or
 * failed and of old read inbox items (TRELLIS_OUTBOX_KEEP_DAYS,
 * TRELLIS_INBOX_KEEP_DAYS, read by the command line). Configuration comes from `trellis serve`
 * (notify_configure); nothing here reads the environment. */
#include "api/app.h"
#include "api/module.h"
#include "core/err.h"
#include "core/smtp.h"
#include "core/timeutil.h"
#include "core/worker.h"
#include "domain/notify.h"
#include "domain/notify_deadline.h"
#include "domain/notify_send.h"
#include "domain/webhook.h"
#include "domain/webhook_send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEND_BATCH 100

struct notify_state {
	struct db *db;
	struct smtp *smtp;
	struct worker sender;
	int64_t last_hour;     /* the last hour the digest ran for */
	int64_t last_deadline; /* when the deadline scheduler last ran */
	int64_t last_purge;    /* the last hour the outbox was purged (-1: never) */
};

static void log_error(const char *what, int rc)
{
	fprintf(stderr, "{\"level\":\"error\",\"msg\":\"%s\",\"error\":\"%s\"}\n", what,
		tr_strerror(rc));
}

/* One round; 1 when a full batch went out and more may be due. */
static int tick(void *arg)
{
	struct notify_state *st = arg;
	const struct notify_config *cfg = notify_config();
	int64_t now = tr_now_ms();
	struct db_conn *c = db_acquire(st->db);
	int rc, n = 0, busy = 0;
	int64_t hour = now / 3600000;
	if (cfg->mail && hour != st->last_hour) {
		st->last_hour = hour;
		if ((rc = notify_digest_run(c, now, 0, &n)))
			log_error("digest failed", rc);
	}
	if (cfg->deadline_poll_ms > 0 && now - st->last_deadline >= cfg->deadline_poll_ms) {
		st->last_deadline = now;
		if ((rc = notify_deadlines_run(c, now, &n)))
			log_error("deadline scheduler failed", rc);
	}
	/* once an hour, and at start: the mail done with and the old read items */
	if (hour != st->last_purge) {
		int64_t mail = 0, inbox = 0;
		st->last_purge = hour;
		if ((rc = notify_purge_run(c, now, cfg->outbox_keep_days, cfg->inbox_keep_days,
					   &mail, &inbox)))
			log_error("outbox purge failed", rc);
		else if (mail || inbox)
			fprintf(stderr,
				"{\"level\":\"info\",\"msg\":\"notify purge\",\"mail\":%lld,"
				"\"inbox\":%lld}\n",
				(long long)mail, (long long)inbox);
	}
	if (st->smtp) {
		struct notify_send_stats s = {0};
		if ((rc = notify_send_due(c, st->smtp, now, SEND_BATCH, &s)))
			log_error("mail sender failed", rc);
		/* a full batch sent: more may be due, do not wait */
		busy = !rc && s.sent + s.dropped + s.failed == SEND_BATCH;
	}
	int hooks = 0;
	if ((rc = webhook_send_due(c, now, SEND_BATCH, &hooks)))
		log_error("webhook sender failed", rc);
	busy |= !rc && hooks == SEND_BATCH;
	db_release(c);
	return busy;
}

int notify_module_start(struct app *app, char *err, size_t errlen)
{
	const struct notify_config *cfg = notify_config();
	struct notify_state *st = module_state_new("notify", sizeof(*st), err, errlen);
	if (!st)
		return TR_ERR_NOMEM;
	st->db = app->db;
	st->last_deadline = 0;
	st->last_purge = -1;
	st->last_hour = tr_now_ms() / 3600000; /* the first digest at the next hour */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (cfg->mail) {
		st->smtp = smtp_new(cfg->smtp_url, cfg->smtp_user, cfg->smtp_password,
				    (long)cfg->timeout_ms);
		if (!st->smtp) {
			free(st);
			snprintf(err, errlen, "notify: out of memory");
			return TR_ERR_NOMEM;
		}
	} else {
		fputs("{\"level\":\"info\",\"msg\":\"e-mail is off: TRELLIS_SMTP_URL is not set; "
		      "the inbox works without it\"}\n",
		      stderr);
	}
	st->sender = (struct worker){.run = tick,
				     .period_ms = cfg->poll_ms,
				     .start_error = "notify: cannot start the sender thread"};
	return module_start(&app->notify, st, &st->sender, err, errlen);
}

/* Safe when start failed or never ran. */
void notify_module_stop(struct app *app)
{
	struct notify_state *st = module_stop(&app->notify, offsetof(struct notify_state, sender));
	if (!st)
		return;
	if (st->smtp)
		smtp_free(st->smtp);
	curl_global_cleanup();
	free(st);
}
