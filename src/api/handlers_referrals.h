/** Handlers of the referrals module (routes in routes_referrals.inc). */
#ifndef TR_API_HANDLERS_REFERRALS_H
#define TR_API_HANDLERS_REFERRALS_H

#include "api/handler.h"
#include "http/http.h"

extern const struct api_resource service_resource;
HANDLER(api_services_list);
extern const struct api_resource referral_resource;
HANDLER(api_referrals_list);
HANDLER(api_referrals_person);
HANDLER(api_referrals_person_erase);
HANDLER(api_referrals_consents_list);
HANDLER(api_referrals_consents_create);
HANDLER(api_referrals_outcomes);

#endif
