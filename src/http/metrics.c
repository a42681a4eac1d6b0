#include "http/metrics.h"

#include <stdlib.h>

static const int statuses[METRICS_STATUSES] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409,
					       412, 413, 415, 422, 428, 429, 500, 503, 0,   0};
static const double bounds_ms[METRICS_BUCKETS] = {0.5, 1,   2.5, 5,   10,   25,
						  50,  100, 250, 500, 1000, 5000};

void metrics_init(struct http_metrics *m, const struct http_route *routes, size_t nroutes)
{
	m->routes = routes;
	m->nroutes = nroutes;
	m->count = calloc((nroutes + 1) * METRICS_STATUSES, sizeof(*m->count));
	for (int i = 0; i <= METRICS_BUCKETS; i++)
		atomic_init(&m->bucket[i], 0);
	atomic_init(&m->sum_us, 0);
	atomic_init(&m->total, 0);
}

void metrics_free(struct http_metrics *m)
{
	free(m->count);
	m->count = NULL;
}

static int status_slot(int status)
{
	for (int i = 0; i < METRICS_STATUSES && statuses[i]; i++)
		if (statuses[i] == status)
			return i;
	return METRICS_STATUSES - 1; /* other */
}

void metrics_observe(struct http_metrics *m, int route, int status, double ms)
{
	size_t r = route < 0 ? m->nroutes : (size_t)route;
	if (r < m->nroutes && (m->routes[r].flags & HTTP_UNMETERED))
		return; /* neither counted nor timed */
	if (m->count)
		atomic_fetch_add_explicit(
		    &m->count[r * METRICS_STATUSES + (size_t)status_slot(status)], 1,
		    memory_order_relaxed);
	int b = 0;
	while (b < METRICS_BUCKETS && ms > bounds_ms[b])
		b++;
	atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, (unsigned long)(ms * 1000.0), memory_order_relaxed);
	atomic_fetch_add_explicit(&m->total, 1, memory_order_relaxed);
}

void metrics_write(struct http_metrics *m, struct buf *out)
{
	buf_puts(out, "# HELP trellis_http_requests_total Requests answered, by route and status.\n"
		      "# TYPE trellis_http_requests_total counter\n");
	for (size_t r = 0; r <= m->nroutes && m->count; r++) {
		for (int i = 0; i < METRICS_STATUSES; i++) {
			unsigned long n = atomic_load(&m->count[r * METRICS_STATUSES + (size_t)i]);
			if (!n)
				continue;
			const char *method = r < m->nroutes ? m->routes[r].method : "";
			const char *route = r < m->nroutes ? m->routes[r].pattern : "unmatched";
			if (statuses[i])
				buf_printf(out,
					   "trellis_http_requests_total{method=\"%s\",route=\"%s\","
					   "status=\"%d\"} %lu\n",
					   method, route, statuses[i], n);
			else
				buf_printf(out,
					   "trellis_http_requests_total{method=\"%s\",route=\"%s\","
					   "status=\"other\"} %lu\n",
					   method, route, n);
		}
	}
	buf_puts(out, "# HELP trellis_http_request_duration_seconds Time to answer a request.\n"
		      "# TYPE trellis_http_request_duration_seconds histogram\n");
	unsigned long cum = 0;
	for (int b = 0; b < METRICS_BUCKETS; b++) {
		cum += atomic_load(&m->bucket[b]);
		buf_printf(out, "trellis_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
			   bounds_ms[b] / 1000.0, cum);
	}
	cum += atomic_load(&m->bucket[METRICS_BUCKETS]);
	buf_printf(out, "trellis_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	buf_printf(out, "trellis_http_request_duration_seconds_sum %.6f\n",
		   (double)atomic_load(&m->sum_us) / 1e6);
	buf_printf(out, "trellis_http_request_duration_seconds_count %lu\n",
		   atomic_load(&m->total));
}
