/** Request counters by route and status and a latency histogram, updated
 * with atomics from every worker, written in Prometheus text format. */
#ifndef TR_HTTP_METRICS_H
#define TR_HTTP_METRICS_H

#include "core/buf.h"
#include "http/http.h"

#include <stdatomic.h>

#define METRICS_STATUSES 20
#define METRICS_BUCKETS 12

struct http_metrics {
	const struct http_route *routes;
	size_t nroutes;
	/* [route or nroutes for unmatched/static][status slot] */
	atomic_ulong *count;
	atomic_ulong bucket[METRICS_BUCKETS + 1]; /* last is +Inf */
	atomic_ulong sum_us;
	atomic_ulong total;
};

void metrics_init(struct http_metrics *m, const struct http_route *routes, size_t nroutes);
void metrics_free(struct http_metrics *m);
/** Counts one answered request; route -1 when none matched. Routes marked
 * HTTP_UNMETERED are left out altogether. */
void metrics_observe(struct http_metrics *m, int route, int status, double ms);
void metrics_write(struct http_metrics *m, struct buf *out);

#endif
