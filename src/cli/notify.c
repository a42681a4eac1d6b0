/* The notifications' configuration from the environment (read here only,
 * then handed to notify_configure), and `trellis notify digest|deadlines
 * [--at TIME]`: one run of the daily digest or the deadline scheduler at a
 * given time, for operators and for tests that need another clock. */
#include "cli/cli.h"
#include "cli/common.h"
#include "core/countof.h"
#include "core/err.h"
#include "domain/notify.h"
#include "domain/notify_deadline.h"
#include "domain/tip_intake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int env_copy(const char *name, char *out, size_t n, char *err, size_t errlen)
{
	const char *v = getenv(name);
	if (!v)
		v = "";
	if (strlen(v) >= n) {
		snprintf(err, errlen, "%s is too long", name);
		return TR_ERR_INVALID;
	}
	snprintf(out, n, "%s", v);
	return TR_OK;
}

int cli_notify_config(struct notify_config *cfg, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	int64_t timeout_s = 0, attempts = 0, keep = 0, inbox_keep = 0;
	const struct {
		const char *name;
		char *out;
		size_t n;
	} texts[] = {
	    {"TRELLIS_SMTP_URL", cfg->smtp_url, sizeof(cfg->smtp_url)},
	    {"TRELLIS_SMTP_USER", cfg->smtp_user, sizeof(cfg->smtp_user)},
	    {"TRELLIS_SMTP_PASSWORD", cfg->smtp_password, sizeof(cfg->smtp_password)},
	    {"TRELLIS_MAIL_FROM", cfg->mail_from, sizeof(cfg->mail_from)},
	    {"TRELLIS_PUBLIC_URL", cfg->public_url, sizeof(cfg->public_url)},
	    {"TRELLIS_WEBHOOK_ALLOW", cfg->webhook_allow, sizeof(cfg->webhook_allow)},
	};
	/* each integer: its default, the least and the most it may be */
	const struct {
		const char *name;
		int64_t def, min, max;
		int64_t *out;
	} ints[] = {
	    {"TRELLIS_WEBHOOK_RETRY_MS", 30000, 10, 86400000, &cfg->webhook_retry_ms},
	    {"TRELLIS_SMTP_RETRY_MS", 60000, 10, 86400000, &cfg->retry_base_ms},
	    {"TRELLIS_SMTP_RETRY_MAX_MS", 6 * 3600000, 10, 7 * 86400000LL, &cfg->retry_max_ms},
	    {"TRELLIS_SMTP_ATTEMPTS", 30, 1, 1000, &attempts},
	    {"TRELLIS_SMTP_TIMEOUT_S", 30, 1, 600, &timeout_s},
	    {"TRELLIS_NOTIFY_POLL_MS", 1000, 10, 600000, &cfg->poll_ms},
	    {"TRELLIS_DEADLINE_INTERVAL_S", 600, 0, 86400, &cfg->deadline_poll_ms},
	    {"TRELLIS_OUTBOX_KEEP_DAYS", 30, 1, 36500, &keep},
	    {"TRELLIS_INBOX_KEEP_DAYS", 180, 0, 36500, &inbox_keep},
	};
	int rc = TR_OK;
	for (size_t i = 0; !rc && i < N(texts); i++)
		rc = env_copy(texts[i].name, texts[i].out, texts[i].n, err, errlen);
	for (size_t i = 0; !rc && i < N(ints); i++)
		rc = cli_env_int(ints[i].name, ints[i].def, ints[i].min, ints[i].max, ints[i].out,
				 err, errlen);
	if (rc)
		return rc;
	cfg->outbox_keep_days = (int)keep;
	cfg->inbox_keep_days = (int)inbox_keep;
	cfg->deadline_poll_ms *= 1000;
	cfg->timeout_ms = timeout_s * 1000;
	cfg->attempts_max = (int)attempts;
	size_t n = strlen(cfg->public_url);
	while (n && cfg->public_url[n - 1] == '/')
		cfg->public_url[--n] = '\0';
	if (!n)
		snprintf(cfg->public_url, sizeof(cfg->public_url), "http://localhost:8080");
	if (cfg->smtp_url[0]) {
		if (strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
		    strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
			snprintf(err, errlen,
				 "TRELLIS_SMTP_URL must start with smtp:// or smtps://");
			return TR_ERR_INVALID;
		}
		if (!strchr(cfg->mail_from, '@')) {
			snprintf(err, errlen,
				 "TRELLIS_MAIL_FROM must be an e-mail address when "
				 "TRELLIS_SMTP_URL is set");
			return TR_ERR_INVALID;
		}
		cfg->mail = 1;
	}
	const char *key = getenv("TRELLIS_SECRET_KEY");
	if (key && *key && tip_key_parse(key, cfg->key) == 0)
		cfg->has_key = 1;
	return TR_OK;
}

static const char notify_usage[] =
    "usage: trellis notify digest|deadlines|purge [--db URL] [--at TIME]\n"
    "  digest     queue the daily digest of every user (at TIME, default now; all\n"
    "             users, whatever their digest hour)\n"
    "  deadlines  raise the deadline items of tips and referrals due within 24\n"
    "             hours or overdue, and of actions due within 7 days or overdue\n"
    "  purge      delete the mail sent or failed more than TRELLIS_OUTBOX_KEEP_DAYS\n"
    "             (30) days before TIME, and inbox items read more than\n"
    "             TRELLIS_INBOX_KEEP_DAYS (180; 0 keeps them) days before it\n";

int cli_notify(int argc, char **argv)
{
	static const char *const verbs[] = {"digest", "deadlines", "purge", NULL};
	enum { DIGEST, DEADLINES, PURGE };
	const char *dbflag = NULL, *attext = NULL;
	const struct cli_flag flags[] = {CLI_VALUE("db", dbflag), CLI_VALUE("at", attext)};
	int v, status = cli_verb_flags(argc, argv, verbs, flags, N(flags), notify_usage, &v);
	if (status >= 0)
		return status;
	int64_t at;
	if (cli_at("notify", attext, &at) || cli_no_args("notify", argc - 1, argv + 1))
		return 2;
	struct notify_config cfg;
	char err[300];
	if (cli_notify_config(&cfg, err, sizeof(err))) {
		fprintf(stderr, "trellis notify: %s\n", err);
		return 2;
	}
	notify_configure(&cfg);
	struct db *db;
	struct db_conn *conn;
	if (cli_open(dbflag, &db, &conn))
		return 2;
	int n = 0, rc;
	int64_t mail = 0, inbox = 0;
	if (v == PURGE)
		rc = notify_purge_run(conn, at, cfg.outbox_keep_days, cfg.inbox_keep_days, &mail,
				      &inbox);
	else if (v == DIGEST)
		rc = notify_digest_run(conn, at, 1, &n);
	else
		rc = notify_deadlines_run(conn, at, &n);
	if (rc)
		fprintf(stderr, "trellis notify: %s: %s\n", tr_strerror(rc), db_errmsg(conn));
	cli_close(db, conn);
	if (rc)
		return 1;
	if (v == PURGE)
		printf("{\"mail\":%lld,\"inbox\":%lld}\n", (long long)mail, (long long)inbox);
	else
		printf("{\"%s\":%d}\n", v == DIGEST ? "queued" : "raised", n);
	return 0;
}
