/** The application context handed to every handler: the database pool and
 * the configuration read once at start. Owned by `trellis serve`. */
#ifndef TR_API_APP_H
#define TR_API_APP_H

#include "db/db.h"
#include "http/http.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct auth_throttle;

/** The settings of `trellis serve` from the environment, read and checked
 * once by the command line (cli/config.c) before any module starts: no
 * module reads the environment itself. */
struct app_config {
	char secret_key[65];		 /* TRELLIS_SECRET_KEY (64 hex) or "" */
	int64_t tip_pow_bits;		 /* TRELLIS_TIP_POW_BITS, 0..30, default 16 */
	int64_t tip_rate;		 /* TRELLIS_TIP_RATE per hour and source, default 10 */
	int64_t tip_pending_max;	 /* TRELLIS_TIP_PENDING_MAX, default 500 */
	int64_t tip_ack_days;		 /* TRELLIS_TIP_ACK_DAYS, 1..365, default 7 */
	int64_t detect_interval_s;	 /* TRELLIS_DETECT_INTERVAL_S, 0 (off)..30 days */
	int64_t suppress_below;		 /* TRELLIS_SUPPRESS_BELOW, default 5 */
	int64_t fed_retry_ms;		 /* TRELLIS_FED_RETRY_MS, default 5000 */
	int64_t fed_bundle;		 /* TRELLIS_FED_BUNDLE, records per answer */
	int64_t fed_wait_s;		 /* TRELLIS_FED_WAIT_S, the long-poll asked of peers */
	int64_t retention_referral_days; /* TRELLIS_RETENTION_REFERRAL_DAYS, default 365 */
	int64_t referral_job_interval_s; /* TRELLIS_REFERRAL_JOB_INTERVAL_S, default 3600 */
};

struct app {
	struct db *db;
	struct app_config config;
	char home[4096];    /* install root: migrations, data, web */
	char web_dir[4096]; /* the single-page app */
	atomic_ulong db_errors;
	int64_t session_idle_ms;	 /* idle timeout of a cookie session */
	int64_t session_max_ms;		 /* absolute lifetime of a cookie session */
	struct country_cache *countries; /* reference data, loaded once at start */
	void *tips;			 /* state of the tips module (module_tips.c) */
	void *signals;			 /* state of the early-warning module (module_signals.c) */
	void *referrals;		 /* state of the referrals module (module_referrals.c) */
	void *notify;			 /* state of the notifications module (module_notify.c) */
	struct auth_throttle *sign_in;	 /* failed sign-ins per source address */
	int trust_proxy;		 /* the last hop of X-Forwarded-For is the source */
	struct outlines *outlines;	 /* country shapes of the analytics (outline.h), or NULL */
	void *fed;			 /* federation while serving (module_fed.c) */
	struct tiles *tiles;		 /* the street maps of TRELLIS_TILES (tiles.h), or NULL */
};

/** Module lifecycles, called by `trellis serve` after the database is
 * open and before/after serving: background writers and schedulers.
 * start returns TR_OK or a tr_err (serve then exits 2 with the message). */
int tips_module_start(struct app *app, char *err, size_t errlen);
void tips_module_stop(struct app *app);
int signals_module_start(struct app *app, char *err, size_t errlen);
void signals_module_stop(struct app *app);
int referrals_module_start(struct app *app, char *err, size_t errlen);
void referrals_module_stop(struct app *app);
int notify_module_start(struct app *app, char *err, size_t errlen);
void notify_module_stop(struct app *app);

/** Loads the countries into memory: they change only with `trellis seed`,
 * and the list is the busiest public page. TR_OK or a tr_err. */
int api_countries_cache(struct app *app);
/** Frees what api_countries_cache built. */
void api_countries_cache_free(struct app *app);

/** Authenticates a request (bearer token or session cookie with CSRF). */
int api_authenticate(struct http_req *req, struct http_resp *resp);

/** The route table, sorted by nothing in particular; api_nroutes entries. */
extern const struct http_route api_routes[];
extern const size_t api_nroutes;

/** Serves files of app->web_dir for paths outside /api (the SPA). */
int api_static(struct http_req *req, struct http_resp *resp);
/** Appends application metrics (database errors) to /metrics. */
void api_metrics_extra(void *app, struct buf *out);

#endif
