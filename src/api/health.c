#include "api/api.h"
#include "api/handlers.h"
#include "core/err.h"
#include "domain/readmodel/alerts.h"

#include <stdlib.h>

/* Liveness: the process answers; no database round trip. */
int api_healthz(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_resp_status(resp, 200);
	buf_puts(http_resp_body(resp), "{\"status\":\"ok\"}");
	return TR_OK;
}

/* Readiness: the database answers a query. */
int api_readyz(struct http_req *req, struct http_resp *resp)
{
	struct db_conn *c = api_db(req);
	int rc = db_run(c, "SELECT 1");
	if (rc) {
		api_db_fail(req, c, rc);
		db_release(c);
		return http_fail(req, TR_ERR_UNAVAILABLE, "the database does not answer");
	}
	db_release(c);
	http_resp_status(resp, 200);
	buf_puts(http_resp_body(resp), "{\"status\":\"ready\",\"database\":\"ok\"}");
	return TR_OK;
}

/* Behind the metrics token or on --metrics-listen only (http_metrics_access). */
int api_metrics(struct http_req *req, struct http_resp *resp)
{
	int rc = http_metrics_access(req, resp);
	if (rc)
		return rc;
	http_resp_status(resp, 200);
	http_resp_type(resp, "text/plain; version=0.0.4");
	http_metrics_write(http_server_of(req), http_resp_body(resp));
	return TR_OK;
}

void api_metrics_extra(void *appv, struct buf *out)
{
	struct app *app = appv;
	buf_printf(out,
		   "# HELP trellis_db_errors_total Database operations that failed.\n"
		   "# TYPE trellis_db_errors_total counter\ntrellis_db_errors_total %lu\n",
		   atomic_load(&app->db_errors));
	/* memory only: no count of alerts, whose changes would tell when a
	 * draft or an organisation's own alert was written or read */
	struct db_conn *c = db_acquire(app->db);
	long alerts = 0, kept = 0;
	size_t bytes = 0, budget = 0;
	alert_cache_stats(c, &alerts, &kept, &bytes, &budget);
	db_release(c);
	buf_printf(
	    out,
	    "# HELP trellis_alert_model_text_bytes Bytes of the rendered alerts kept.\n"
	    "# TYPE trellis_alert_model_text_bytes gauge\ntrellis_alert_model_text_bytes %zu\n"
	    "# HELP trellis_alert_model_text_budget_bytes Budget of the rendered alerts.\n"
	    "# TYPE trellis_alert_model_text_budget_bytes gauge\n"
	    "trellis_alert_model_text_budget_bytes %zu\n",
	    bytes, budget);
}
