#include "api/app.h"
#include "api/handlers_fed.h"
#include "api/tiles.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/acl.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/outline.h"
#include "domain/notify.h"
#include "domain/readmodel/alerts.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void serve_usage(FILE *f)
{
	fputs("usage: trellis serve [--listen HOST:PORT] [--db URL] [--threads N] [--web DIR]\n"
	      "                     [--max-connections N] [--per-ip N] [--timeout SECONDS]\n"
	      "                     [--session-idle SECONDS] [--session-max SECONDS]\n"
	      "                     [--metrics-listen HOST:PORT]\n"
	      "                     [--trust-proxy]\n"
	      "  --listen   address to listen on (env TRELLIS_LISTEN; default 127.0.0.1:8080)\n"
	      "  --db       sqlite:PATH or postgres://... (env TRELLIS_DB; default "
	      "sqlite:trellis.db)\n"
	      "  --threads  worker threads (default: one per core; four per core on PostgreSQL)\n"
	      "  --web      directory of the web app (default: web/ of the install)\n"
	      "  --session-idle SECONDS  sign-out after inactivity (default 1800)\n"
	      "  --session-max SECONDS   longest session (default 43200)\n"
	      "  --metrics-listen HOST:PORT  a second address serving only /metrics, without\n"
	      "             authentication: keep it private. On the main address /metrics\n"
	      "             wants Authorization: Bearer $TRELLIS_METRICS_TOKEN (at least 16\n"
	      "             characters), and answers 404 when that is not set.\n"
	      "  --trust-proxy  behind a reverse proxy: the last address of X-Forwarded-For\n"
	      "                 is the client's, for rate limits (env TRELLIS_TRUST_PROXY=1)\n"
	      "Street maps: TRELLIS_TILES is an XYZ raster URL template\n"
	      "  (https://tiles.example.org/{z}/{x}/{y}.png) or the path of a raster PMTiles v3\n"
	      "  file, served at /api/v1/map/tiles; without it the maps show country outlines.\n"
	      "  TRELLIS_TILES_ATTRIBUTION is the credit their licence asks for, shown on\n"
	      "  the maps (\"(c) OpenStreetMap contributors\").\n"
	      "Stops on SIGTERM or SIGINT after finishing the requests in flight.\n",
	      f);
}

/* The memory for rendered alerts: TRELLIS_ALERT_TEXT_MB mebibytes when it
 * is a positive number, else the default. */
static size_t alert_text_budget(void)
{
	const char *mb = getenv("TRELLIS_ALERT_TEXT_MB");
	long n = mb ? strtol(mb, NULL, 10) : 0;
	return n > 0 ? (size_t)n << 20 : ALERT_TEXT_BUDGET_DEFAULT;
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v > max || s[0] == '-')
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A bearer token: visible ASCII without spaces, long enough not to guess. */
static int metrics_token_ok(const char *t)
{
	size_t n = strlen(t);
	for (size_t i = 0; i < n; i++)
		if (t[i] <= ' ' || t[i] > '~')
			return 0;
	return n >= 16 && n <= 256;
}

/* The country outlines of the analytics' study area, from the web app's
 * copy of world-atlas; without them hot spots use the box and say so. */
static void serve_outlines_load(struct app *app)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/vendor/countries-50m.json", app->web_dir);
	int rc = outline_load(path, &app->outlines);
	if (rc)
		fprintf(stderr,
			"{\"level\":\"warn\",\"msg\":\"no country outlines: hot spots use the "
			"box as study area\",\"error\":\"%s\"}\n",
			tr_strerror(rc));
}

/* What the command line and the environment ask of the server. */
struct serve_opts {
	const char *listen_on, *dbflag, *web, *metrics_listen, *metrics_token;
	unsigned threads, conns, per_ip, timeout, idle_s, max_s;
	int trust_proxy;
};

/* Reads the options into o: -1 to go on, else the exit code. */
static int serve_args(int argc, char **argv, struct serve_opts *o)
{
	static const struct option opts[] = {{"listen", required_argument, 0, 'l'},
					     {"db", required_argument, 0, 'd'},
					     {"threads", required_argument, 0, 't'},
					     {"web", required_argument, 0, 'w'},
					     {"max-connections", required_argument, 0, 'm'},
					     {"per-ip", required_argument, 0, 'p'},
					     {"timeout", required_argument, 0, 'o'},
					     {"session-idle", required_argument, 0, 'i'},
					     {"session-max", required_argument, 0, 'x'},
					     {"metrics-listen", required_argument, 0, 'M'},
					     {"trust-proxy", no_argument, 0, 'P'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *trust_env = getenv("TRELLIS_TRUST_PROXY");
	*o = (struct serve_opts){.listen_on = getenv("TRELLIS_LISTEN"),
				 .metrics_token = getenv("TRELLIS_METRICS_TOKEN"),
				 .conns = 1024,
				 .per_ip = 256,
				 .timeout = 30,
				 .idle_s = 30 * 60,
				 .max_s = 12 * 3600,
				 .trust_proxy = trust_env && strcmp(trust_env, "1") == 0};
	/* the numbers: each with its largest value, and whether 0 is allowed */
	const struct {
		int val;
		unsigned max, *out;
		int zero_ok;
	} nums[] = {{'t', 256, &o->threads, 1},	     {'m', 100000, &o->conns, 0},
		    {'p', 100000, &o->per_ip, 1},    {'o', 3600, &o->timeout, 0},
		    {'i', 7 * 86400, &o->idle_s, 0}, {'x', 30 * 86400, &o->max_s, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int bad = 0;
		for (size_t i = 0; i < N(nums); i++)
			if (nums[i].val == c)
				bad = parse_uint(optarg, nums[i].max, nums[i].out) ||
				      (!nums[i].zero_ok && *nums[i].out == 0);
		if (c == 'l')
			o->listen_on = optarg;
		else if (c == 'd')
			o->dbflag = optarg;
		else if (c == 'w')
			o->web = optarg;
		else if (c == 'M')
			o->metrics_listen = optarg;
		else if (c == 'P')
			o->trust_proxy = 1;
		else if (c == 'h')
			return serve_usage(stdout), 0;
		else if (!strchr("tmpoix", c))
			return serve_usage(stderr), 2;
		if (bad) {
			const char *name = "";
			for (const struct option *x = opts; x->name; x++)
				if (x->val == c)
					name = x->name;
			fprintf(stderr, "trellis serve: bad value for --%s: '%s'\n", name, optarg);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "trellis serve: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!o->listen_on || !*o->listen_on)
		o->listen_on = "127.0.0.1:8080";
	if (o->metrics_token && *o->metrics_token && !metrics_token_ok(o->metrics_token)) {
		fprintf(stderr, "trellis serve: TRELLIS_METRICS_TOKEN must be 16 to 256 visible "
				"ASCII characters\n");
		return 2;
	}
	return -1;
}

/* The background modules: started in this order before serving, stopped
 * in reverse after (a stop is safe when its start failed or never ran). */
static const struct app_module {
	const char *name;
	int (*start)(struct app *app, char *err, size_t errlen);
	void (*stop)(struct app *app);
} app_modules[] = {
    {"tips", tips_module_start, tips_module_stop},
    {"signals", signals_module_start, signals_module_stop},
    {"referrals", referrals_module_start, referrals_module_stop},
    {"federation", fed_module_start, fed_module_stop},
    {"notify", notify_module_start, notify_module_stop},
};

/* Starts the modules in order until one fails: TR_OK, or its tr_err with
 * its message in err (its name when it left none). */
static int app_modules_start(struct app *app, char *err, size_t errlen)
{
	int rc = TR_OK;
	for (size_t i = 0; rc == TR_OK && i < N(app_modules); i++) {
		rc = app_modules[i].start(app, err, errlen);
		if (rc && !*err)
			snprintf(err, errlen, "%s: %s", app_modules[i].name, tr_strerror(rc));
	}
	return rc;
}

/* Stops what was started and frees the application (any part may be
 * missing: each stop and free takes what is not there). */
static void app_free(struct app *app)
{
	if (!app)
		return;
	for (size_t i = N(app_modules); i-- > 0;)
		app_modules[i].stop(app);
	outline_free(app->outlines);
	api_countries_cache_free(app);
	db_close(app->db);
	auth_throttle_free(app->sign_in);
	tiles_free(app->tiles);
	free(app);
}

/* The countries and the alerts' read model, loaded before any request
 * needs them. */
static int app_load(struct app *app)
{
	if (api_countries_cache(app)) {
		fprintf(stderr, "trellis: cannot read the countries from the database\n");
		return 2;
	}
	struct db_conn *conn = db_acquire(app->db);
	int64_t t0 = tr_now_ms();
	alert_cache_text_budget(conn, alert_text_budget());
	int loaded = alert_cache_sync(conn);
	db_release(conn);
	if (loaded) {
		fprintf(stderr, "trellis: cannot load the alerts from the database\n");
		return 2;
	}
	fprintf(stderr, "{\"level\":\"info\",\"msg\":\"alerts loaded\",\"ms\":%lld}\n",
		(long long)(tr_now_ms() - t0));
	serve_outlines_load(app);
	return 0;
}

/* The application the options describe, its database open and its data
 * loaded; NULL (said on stderr) when it cannot be. */
static struct app *app_make(const struct serve_opts *o, unsigned pool)
{
	struct notify_config ncfg;
	char err[300];
	if (cli_notify_config(&ncfg, err, sizeof(err))) {
		fprintf(stderr, "trellis serve: %s\n", err);
		return NULL;
	}
	notify_configure(&ncfg);
	struct app *app = calloc(1, sizeof(*app));
	if (!app)
		return NULL;
	if (tiles_config(getenv("TRELLIS_TILES"), getenv("TRELLIS_TILES_ATTRIBUTION"), &app->tiles,
			 err, sizeof(err)) ||
	    cli_app_config(&app->config, err, sizeof(err))) {
		fprintf(stderr, "trellis serve: %s\n", err);
		app_free(app);
		return NULL;
	}
	app->session_idle_ms = (int64_t)o->idle_s * 1000;
	app->session_max_ms = (int64_t)o->max_s * 1000;
	app->trust_proxy = o->trust_proxy;
	app->sign_in = auth_throttle_new(AUTH_SOURCE_FAILURES_MAX, AUTH_FAILURE_WINDOW_MS);
	if (!app->sign_in || cli_home(app->home, sizeof(app->home)) ||
	    cli_db_open(cli_db_url(o->dbflag), (int)pool + 2, app->home, &app->db, 0)) {
		app_free(app);
		return NULL;
	}
	if (o->web)
		snprintf(app->web_dir, sizeof(app->web_dir), "%s", o->web);
	else
		snprintf(app->web_dir, sizeof(app->web_dir), "%s/web", app->home);
	db_guard_tables(app->db, acl_guarded_tables);
	if (!audit_key_id(NULL))
		fputs(
		    "{\"level\":\"warn\",\"msg\":\"TRELLIS_AUDIT_KEY is not set: the audit log is "
		    "chained without a key, and anyone who can write the database can rewrite "
		    "it\"}\n",
		    stderr);
	if (app_load(app)) {
		app_free(app);
		return NULL;
	}
	return app;
}

/* One worker per core on SQLite, whose reads keep a core busy; four per
 * core on PostgreSQL, where a worker spends most of a request waiting on
 * its round trip and the others use the cores meanwhile (alerts list on
 * two cores: 28,000 requests/s with two workers, 45,000-50,000 with 8). */
static unsigned serve_default_threads(const char *url)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	int remote = url && strncmp(url, "postgres", 8) == 0;
	long n = remote ? 4 * cores : cores;
	/* each worker holds a connection: stay well inside PostgreSQL's
	 * default of 100 */
	long most = remote ? 32 : 256;
	return (unsigned)(n > most ? most : n);
}

int cli_serve(int argc, char **argv)
{
	struct serve_opts o;
	int rc = serve_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (!o.threads)
		o.threads = serve_default_threads(cli_db_url(o.dbflag));
	unsigned pool = o.threads + 2;
	struct app *app = app_make(&o, pool);
	if (!app)
		return 2;
	/* workers inherit this mask; only sigwait below sees the signals */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct http_config cfg = {.listen = o.listen_on,
				  .threads = (int)o.threads,
				  .conn_limit = o.conns,
				  .per_ip_limit = o.per_ip,
				  .timeout_s = o.timeout,
				  .conn_memory = 48 * 1024,
				  .routes = api_routes,
				  .nroutes = api_nroutes,
				  .app = app,
				  .fallback = api_static,
				  .metrics_extra = api_metrics_extra,
				  .metrics_listen = o.metrics_listen,
				  .metrics_token = o.metrics_token,
				  .csp = tiles_csp(app->tiles),
				  .authenticate = api_authenticate};
	struct http_server *srv;
	char err[512] = "";
	if (app_modules_start(app, err, sizeof(err)) ||
	    http_server_start(&cfg, &srv, err, sizeof(err))) {
		fprintf(stderr, "trellis: %s\n", err);
		app_free(app);
		return 2;
	}
	if (o.metrics_listen)
		fprintf(stderr, "{\"level\":\"info\",\"msg\":\"metrics listening\",\"port\":%d}\n",
			http_server_metrics_port(srv));
	fprintf(stderr, "{\"level\":\"info\",\"msg\":\"listening\",\"port\":%d}\n",
		http_server_port(srv));
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopping\",\"signal\":%d}\n", sig);
	fed_module_quiesce(app);
	http_server_stop(srv);
	app_free(app);
	return 0;
}
