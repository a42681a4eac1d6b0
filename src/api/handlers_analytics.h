/** Handlers of the analytics module (routes in routes_analytics.inc). */
#ifndef TR_API_HANDLERS_ANALYTICS_H
#define TR_API_HANDLERS_ANALYTICS_H

#include "http/http.h"

#endif
