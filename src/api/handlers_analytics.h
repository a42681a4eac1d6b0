/** Handlers of the analytics module (routes in routes_analytics.inc):
 * time series, aberrations, hot spots and the space-time scan over the
 * records a caller may see, and the early-warning signals. */
#ifndef TR_API_HANDLERS_ANALYTICS_H
#define TR_API_HANDLERS_ANALYTICS_H

#include "api/handler.h"
#include "http/http.h"

HANDLER(api_analytics_timeseries);
HANDLER(api_analytics_aberrations);
HANDLER(api_analytics_hotspots);
HANDLER(api_analytics_scan);
/** The signals: list, get and PATCH (acknowledge or dismiss). */
extern const struct api_resource signal_resource;
/** The small-count threshold the signals answer with (module start). */
void api_signals_configure(int suppress_below);

struct app;
/** What the analytics read once at start (module_signals.c): the
 * small-count threshold and whether the tips table exists. */
struct analytics_config {
	int suppress_below;
	int tips_present;
};
/** The configuration of the running module (defaults when it never
 * started: threshold 5, no tips). */
void analytics_config_of(struct app *app, struct analytics_config *out /* OUT */);

#endif
