/** Handlers of the activities module (routes in routes_activities.inc). */
#ifndef TR_API_HANDLERS_ACTIVITIES_H
#define TR_API_HANDLERS_ACTIVITIES_H

#include "http/http.h"

#endif
