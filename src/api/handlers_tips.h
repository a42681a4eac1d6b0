/** Handlers of the tips module (routes in routes_tips.inc). */
#ifndef TR_API_HANDLERS_TIPS_H
#define TR_API_HANDLERS_TIPS_H

#include "http/http.h"

#endif
