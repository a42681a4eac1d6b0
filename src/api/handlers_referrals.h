/** Handlers of the referrals module (routes in routes_referrals.inc). */
#ifndef TR_API_HANDLERS_REFERRALS_H
#define TR_API_HANDLERS_REFERRALS_H

#include "http/http.h"

extern const struct api_resource service_resource;
int api_services_list(struct http_req *req, struct http_resp *resp);
extern const struct api_resource referral_resource;
int api_referrals_list(struct http_req *req, struct http_resp *resp);
int api_referrals_person(struct http_req *req, struct http_resp *resp);
int api_referrals_person_erase(struct http_req *req, struct http_resp *resp);
int api_referrals_consents_list(struct http_req *req, struct http_resp *resp);
int api_referrals_consents_create(struct http_req *req, struct http_resp *resp);
int api_referrals_outcomes(struct http_req *req, struct http_resp *resp);

#endif
