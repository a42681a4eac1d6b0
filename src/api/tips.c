#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/tip.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET_HEADER "X-Receipt-Secret"

static struct tips_state *tips_of(struct http_req *req)
{
	struct app *app = http_app(req);
	return app ? app->tips : NULL;
}

/* Counts one submission from the request's address (in memory only). */
static int rate_take(struct http_req *req, struct http_resp *resp, struct tips_state *st)
{
	return api_throttle_take(req, resp, st->rate,
				 "too many submissions from your network; try later");
}

static int no_module(struct http_req *req)
{
	return http_fail(req, TR_ERR_UNAVAILABLE, "tip intake is not running");
}

int api_tips_challenge(struct http_req *req, struct http_resp *resp)
{
	struct tips_state *st = tips_of(req);
	if (!st)
		return no_module(req);
	int rc = api_query_allow(req, NULL);
	if (rc)
		return rc;
	char ch[64], exp[32];
	int64_t expires;
	tip_pow_challenge(st->pow, tr_now_ms(), ch, &expires);
	tr_time_format(expires, exp);
	http_resp_header(resp, "Cache-Control", "no-store");
	return http_resp_json(
	    resp, 200,
	    json_pack("{s:s, s:i, s:s, s:s}", "challenge", ch, "bits", tip_pow_bits(st->pow),
		      "expires_at", exp, "algorithm",
		      "find a nonce (1 to 64 characters) such that BLAKE2b-512 of "
		      "the challenge text followed by the nonce text starts with "
		      "`bits` zero bits; send both with the tip"));
}

static const struct vfield tip_spec[] = {
    {"category", V_ENUM, 1, 0, 0, tip_categories, 0},
    {"description", V_STRING, 1, 10, 5000, NULL, 0},
    {"country", V_COUNTRY, 1, 0, 0, NULL, 0},
    {"lat", V_NUMBER, 0, -90, 90, NULL, 1},
    {"lon", V_NUMBER, 0, -180, 180, NULL, 1},
    {"place", V_STRING, 0, 2, 300, NULL, 1},
    {"precision_m", V_INT, 0, 0, 100000, NULL, 1},
    {"observed_at", V_TIME, 0, 0, 0, NULL, 1},
    {"language", V_STRING, 0, 2, 16, NULL, 1},
    {"contact", V_STRING, 0, 3, 500, NULL, 1},
    {"challenge", V_STRING, 0, 0, 100, NULL, 1},
    {"nonce", V_STRING, 0, 0, 100, NULL, 1},
};

/* Rules across fields: a place or a point; not observed in the future. */
static int tip_fields(struct http_req *req, json_t *b, struct tip_new *t)
{
	json_t *lat = json_object_get(b, "lat"), *lon = json_object_get(b, "lon");
	int rc = TR_OK;
	t->has_loc = json_is_number(lat) && json_is_number(lon);
	if (json_is_number(lat) != json_is_number(lon))
		rc = http_field_error(req, json_is_number(lat) ? "lon" : "lat",
				      "give both lat and lon");
	t->place = vstr(b, "place");
	if (!t->has_loc && !t->place && !rc)
		rc = http_field_error(req, "lat", "give lat and lon, or place");
	t->lat = t->has_loc ? json_number_value(lat) : 0;
	t->lon = t->has_loc ? json_number_value(lon) : 0;
	json_t *prec = json_object_get(b, "precision_m");
	t->precision_m = json_is_integer(prec) ? json_integer_value(prec) : -1;
	t->observed_at = 0;
	const char *obs = vstr(b, "observed_at");
	if (obs &&
	    (tr_time_parse(obs, &t->observed_at) || t->observed_at > tr_now_ms() + 86400000LL))
		rc = http_field_error(req, "observed_at", "must not be in the future");
	t->category = vstr(b, "category");
	t->description = vstr(b, "description");
	t->country = vstr(b, "country");
	t->language = vstr(b, "language");
	return rc;
}

static int submit_fail(struct http_req *req, struct http_resp *resp, int rc)
{
	switch (rc) {
	case TR_ERR_NOT_FOUND:
		http_field_error(req, "country",
				 "no police organisation receives tips for this "
				 "country on this server");
		return TR_ERR_INVALID;
	case TR_ERR_RATE_LIMIT:
		http_resp_header(resp, "Retry-After", "3600");
		http_field_error(req, "lat", "this area has too many tips waiting for review");
		return http_fail(req, rc,
				 "this area has too many tips waiting for review; try later");
	case TR_ERR_UNAVAILABLE:
		return no_module(req);
	default:
		return http_fail(req, TR_ERR_DB, "the tip could not be stored; send it again");
	}
}

int api_tips_submit(struct http_req *req, struct http_resp *resp)
{
	struct tips_state *st = tips_of(req);
	if (!st)
		return no_module(req);
	int rc = rate_take(req, resp, st);
	if (rc)
		return rc;
	json_t *b;
	if ((rc = api_body(req, tip_spec, N(tip_spec), 0, &b)))
		return rc;
	tips_arriving(st, 1);
	struct tip_new t;
	memset(&t, 0, sizeof(t));
	rc = tip_fields(req, b, &t);
	const char *field, *why;
	if (!rc && tip_pow_bits(st->pow) > 0 &&
	    tip_pow_check(st->pow, vstr(b, "challenge"), vstr(b, "nonce"), tr_now_ms(), &field,
			  &why))
		rc = http_field_error(req, field, why);
	const char *contact = vstr(b, "contact");
	if (!rc && contact && !st->has_key) {
		http_field_error(req, "contact",
				 "cannot be kept safely on this server (it has no "
				 "TRELLIS_SECRET_KEY); send the tip without it");
		rc = http_fail(req, TR_ERR_UNAVAILABLE, "contact details cannot be accepted now");
	}
	if (!rc && contact && !(t.contact_enc = tip_contact_seal(st->key, contact)))
		rc = http_fail(req, TR_ERR_NOMEM, "out of memory");
	if (rc) {
		tips_arriving(st, -1);
		json_decref(b);
		return rc;
	}
	char secret[TIP_SECRET_LEN + 1];
	tip_code_new(t.code);
	tip_secret_new(secret);
	tip_secret_hash(secret, t.secret_hash);
	t.ack_days = st->ack_days;
	t.pending_max = st->pending_max;
	rc = tips_submit(st, &t);
	free(t.contact_enc);
	json_decref(b);
	if (rc) {
		sodium_memzero(secret, sizeof(secret));
		return submit_fail(req, resp, rc);
	}
	http_resp_header(resp, "Cache-Control", "no-store");
	char url[80];
	snprintf(url, sizeof(url), "/api/v1/public/tips/%s", t.code);
	rc = http_resp_json(resp, 201,
			    json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", t.code, "secret", secret,
				      "status", "new", "follow_up", url, "note",
				      "keep the code and the secret: the secret is shown only "
				      "once and is needed, in the X-Receipt-Secret header, to "
				      "read answers and add information"));
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

/* The code from the path and the secret from the header, well-formed. */
static int receipt_read(struct http_req *req, const char **code, const char **secret)
{
	*code = http_param(req, "code");
	*secret = http_header(req, SECRET_HEADER);
	int rc = TR_OK;
	if (!tip_receipt_shape(*code, TIP_CODE_LEN))
		rc = http_field_error(req, "code", "is not a receipt code (10 letters and digits)");
	if (!*secret)
		rc = http_field_error(req, SECRET_HEADER, "is required: the secret of the receipt");
	else if (!tip_receipt_shape(*secret, TIP_SECRET_LEN))
		rc = http_field_error(req, SECRET_HEADER, "is not a receipt secret");
	return rc;
}

int api_tips_receipt(struct http_req *req, struct http_resp *resp)
{
	const char *code, *secret;
	int rc = api_query_allow(req, NULL);
	if (rc || (rc = receipt_read(req, &code, &secret)))
		return rc;
	struct db_conn *c = api_db(req);
	json_t *out = NULL;
	rc = tip_receipt_get(c, code, secret, &out);
	rc = api_db_fail_as(req, c, rc, TR_ERR_NOT_FOUND, "no tip has this receipt");
	db_release(c);
	if (rc)
		return rc;
	http_resp_header(resp, "Cache-Control", "no-store");
	return http_resp_json(resp, 200, out);
}

static const struct vfield message_spec[] = {
    {"body", V_STRING, 1, 1, 5000, NULL, 0},
};

int api_tips_sender_message(struct http_req *req, struct http_resp *resp)
{
	struct tips_state *st = tips_of(req);
	if (!st)
		return no_module(req);
	const char *code, *secret;
	int rc = rate_take(req, resp, st);
	if (rc || (rc = receipt_read(req, &code, &secret)))
		return rc;
	json_t *b;
	if ((rc = api_body(req, message_spec, 1, 0, &b)))
		return rc;
	struct db_conn *c = api_db(req);
	rc = tip_sender_message(c, code, secret, vstr(b, "body"));
	if (rc == TR_ERR_NOT_FOUND)
		rc = http_fail(req, rc, "no tip has this receipt");
	else if (rc == TR_ERR_CONFLICT)
		rc = http_fail(req, rc, "this tip is closed; send a new tip");
	else if (rc == TR_ERR_RATE_LIMIT) {
		http_resp_header(resp, "Retry-After", "86400");
		rc = http_fail(req, rc, "this tip holds as many messages as it can");
	} else if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	json_decref(b);
	return rc ? rc : http_resp_json(resp, 201, json_pack("{s:s}", "status", "received"));
}

/* ---- triage: the staff side, a resource of the mechanism ---- */

static int role_gate(struct http_req *req, enum resource res, enum action act)
{
	if (acl_role_can(api_caller(req)->role, res, act))
		return TR_OK;
	return http_fail(req, TR_ERR_FORBIDDEN, tip_resource.read_forbidden);
}

static const char *const bools[] = {"true", "false", NULL};

static const struct rfilter filters[] = {
    {"status", RF_ENUM, tip_statuses, 0}, {"category", RF_ENUM, tip_categories, 0},
    {"overdue", RF_ENUM, bools, 0},	  {"q", RF_TEXT, NULL, 200},
    {"mine", RF_ENUM, bools, 0},	  {"bbox", RF_BBOX, NULL, 0},
    {"sort", RF_ENUM, tip_sorts, 0},
};

void api_tips_filter(const struct rquery *q, const struct caller *who, struct tip_filter *f)
{
	const char *overdue = rquery_get(q, "overdue"), *mine = rquery_get(q, "mine");
	const char *sort = rquery_get(q, "sort");
	memset(f, 0, sizeof(*f));
	f->status = rquery_get(q, "status");
	f->category = rquery_get(q, "category");
	f->q = rquery_get(q, "q");
	f->overdue = overdue ? strcmp(overdue, "true") == 0 : -1;
	if (mine && strcmp(mine, "true") == 0)
		f->assignee = who->user_id;
	for (int i = 0; sort && tip_sorts[i]; i++)
		if (strcmp(sort, tip_sorts[i]) == 0)
			f->sort = (enum tip_sort)i;
	f->has_bbox = q->has_bbox;
	memcpy(f->bbox, q->bbox, sizeof(f->bbox));
}

static int tips_list(struct db_conn *c, const struct caller *who, const struct rquery *q,
		     json_t *items, char **next)
{
	struct tip_filter f;
	api_tips_filter(q, who, &f);
	return tip_list(c, who, &f, q->after, q->limit, items, next);
}

static const struct vfield triage_spec[] = {
    {"status", V_ENUM, 0, 0, 0, tip_statuses, 0},  {"assigned_user_id", V_UUID, 0, 0, 0, NULL, 1},
    {"assigned_org_id", V_UUID, 0, 0, 0, NULL, 1}, {"outcome", V_ENUM, 0, 0, 0, tip_outcomes, 1},
    {"duplicate_of", V_UUID, 0, 0, 0, NULL, 1},	   SHARING_FIELDS(0),
    {"coarsen_m", V_INT, 0, 0, 100000, NULL, 0},
};

static const struct rwhy triage_why[] = {
    {"status", "cannot move this way (new -> triaged -> assigned -> actioned -> "
	       "closed, or closed from any; closed is final)"},
    {"outcome", "is required to close, and only then"},
    SHARING_GROUP_WHY,
    {"assigned_user_id", "must name an active user of the receiving or assigned "
			 "organisation (assigned needs a user or an organisation)"},
    {"assigned_org_id", "must be an organisation that sees the tip: widen its "
			"distribution first"},
    {"duplicate_of", "must name another tip you can see"},
    {"distribution", "must be a distribution, changed only by analysts and organisation "
		     "administrators of the receiving organisation"},
};

/* A refused distribution answers tips' own message, which says who shares. */
static int triage_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	return api_resource_why(req, c, &tip_resource, rc, field);
}

/* No staff create: tips come from the public (api_tips_submit). */
RESOURCE(tip_resource, "tip", "tips", RES_TIP, RES_PATCH(triage_spec), RES_FILTERS(filters),
	 RES_WHY(triage_why), .get = tip_get, .list = tips_list, .update = tip_update,
	 .fail = triage_fail, .read_forbidden = "your role may not do this with tips");

static const struct vfield note_spec[] = {
    {"body", V_STRING, 1, 1, 10000, NULL, 0},
};

/* A part of a tip (note, message) is the receiving organisation's: a
 * refusal says so. */
static int part_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	(void)field;
	if (rc == TR_ERR_FORBIDDEN)
		return http_fail(req, rc,
				 "only the receiving organisation's triage roles may do this");
	return api_domain_fail(req, c, rc, NULL);
}

RESOURCE_PART(tip_note_resource, "tip note", RES_TIP_NOTE, tip_resource, "tip_id", note_spec,
	      part_fail, tip_note_add, .items = tip_notes);

/* messages to the sender (theirs come through api_tips_sender_message) */
RESOURCE_PART(tip_message_resource, "tip message", RES_TIP_MESSAGE, tip_resource, "tip_id",
	      message_spec, part_fail, tip_message_add, .items = tip_messages);

int api_tips_contact(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"justification", NULL};
	const char *id;
	struct tips_state *st = tips_of(req);
	int rc = api_query_allow(req, allowed);
	if (rc)
		return rc;
	if ((rc = role_gate(req, RES_TIP_CONTACT, ACT_READ)))
		return rc;
	const char *why = http_query(req, "justification");
	if (!why || strlen(why) < 10 || strlen(why) > 500)
		return http_field_error(
		    req, "justification",
		    "is required: why you need the contact (10 to 500 characters)");
	if (!(id = api_path_id(req)))
		return TR_ERR_NOT_FOUND;
	struct db_conn *c = api_db(req);
	char *sealed = NULL;
	rc = tip_contact_sealed(c, api_caller(req), id, why, http_request_id(req), &sealed);
	if (rc == TR_ERR_FORBIDDEN)
		rc = http_fail(req, rc, "only the receiving organisation may read the contact");
	else if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	if (rc)
		return rc;
	char *plain = NULL;
	if (sealed && (!st || !st->has_key || !(plain = tip_contact_open(st->key, sealed)))) {
		free(sealed);
		http_field_error(req, "contact",
				 "cannot be decrypted with this server's "
				 "TRELLIS_SECRET_KEY");
		return http_fail(req, TR_ERR_UNAVAILABLE, "the contact cannot be read now");
	}
	free(sealed);
	http_resp_header(resp, "Cache-Control", "no-store");
	rc = http_resp_json(resp, 200, json_pack("{s:s, s:s?}", "tip_id", id, "contact", plain));
	if (plain) {
		sodium_memzero(plain, strlen(plain));
		free(plain);
	}
	return rc;
}

static const struct vfield area_spec[] = {
    {"org_id", V_UUID, 0, 0, 0, NULL, 0},
    {"lat", V_NUMBER, 1, -90, 90, NULL, 0},
    {"lon", V_NUMBER, 1, -180, 180, NULL, 0},
    {"radius_m", V_NUMBER, 1, 100, 2000000, NULL, 0},
};

int api_tips_areas_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"organisation", NULL};
	int rc = api_query_allow(req, allowed);
	const char *org = http_query(req, "organisation");
	if (!rc && org && !tr_uuid_valid(org))
		rc = http_field_error(req, "organisation", "must be an organisation id");
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	json_t *items = json_array();
	if ((rc = tip_areas(c, org, items)))
		rc = part_fail(req, c, rc, NULL);
	return api_page_answer(resp, c, rc, items, 200);
}

int api_tips_areas_create(struct http_req *req, struct http_resp *resp)
{
	json_t *b;
	int rc = api_body(req, area_spec, N(area_spec), 0, &b);
	if (rc)
		return rc;
	const struct caller *who = api_caller(req);
	const char *org = vstr(b, "org_id") ? vstr(b, "org_id") : who->org_id;
	struct db_conn *c = api_db(req);
	char id[37];
	rc = tip_area_add(c, who, org, json_number_value(json_object_get(b, "lat")),
			  json_number_value(json_object_get(b, "lon")),
			  json_number_value(json_object_get(b, "radius_m")), http_request_id(req),
			  id);
	if (rc == TR_ERR_INVALID) {
		http_field_error(req, "org_id", "must be a police organisation");
	} else if (rc == TR_ERR_FORBIDDEN) {
		rc = http_fail(req, rc, "only organisation administrators declare their own area");
	} else if (rc) {
		rc = api_db_fail(req, c, rc);
	}
	db_release(c);
	json_t *out = json_pack("{s:s, s:s, s:O, s:O, s:O}", "id", rc ? "" : id, "org_id", org,
				"lat", json_object_get(b, "lat"), "lon", json_object_get(b, "lon"),
				"radius_m", json_object_get(b, "radius_m"));
	json_decref(b);
	if (rc) {
		json_decref(out);
		return rc;
	}
	return http_resp_json(resp, 201, out);
}

/* the public forms, for GET /api/v1/schema/{form} (api/schema.c) */
const struct vform api_form_tip = {"tip", tip_spec, N(tip_spec)};
const struct vform api_form_tip_message = {"tip_message", message_spec, N(message_spec)};
static const struct vfield bulk_spec[] = {
    {"ids", V_UUIDS, 1, 0, 0, NULL, 0},
    {"status", V_ENUM, 0, 0, 0, tip_statuses, 0},
    {"assigned_user_id", V_UUID, 0, 0, 0, NULL, 1},
    {"assigned_org_id", V_UUID, 0, 0, 0, NULL, 1},
    {"outcome", V_ENUM, 0, 0, 0, tip_outcomes, 1},
};

/* POST /api/v1/tips/bulk: one change (assign, close) to many tips, each
 * in its own transaction and audited; the answer says, per tip, what the
 * single PATCH would have answered. */
int api_tips_bulk(struct http_req *req, struct http_resp *resp)
{
	int rc = role_gate(req, RES_TIP, ACT_UPDATE);
	if (rc)
		return rc;
	json_t *b;
	if ((rc = api_body(req, bulk_spec, N(bulk_spec), 0, &b)))
		return rc;
	json_t *ids = json_object_get(b, "ids");
	json_t *change = json_deep_copy(b);
	json_object_del(change, "ids");
	if (json_array_size(ids) == 0)
		rc = http_field_error(req, "ids", "must name at least one tip");
	else if (json_object_size(change) == 0)
		rc = http_field_error(req, "status",
				      "give the change: a status, an assignee or an "
				      "outcome");
	if (rc) {
		json_decref(b);
		json_decref(change);
		return TR_ERR_INVALID;
	}
	json_t *results = json_array();
	struct db_conn *c = api_db(req);
	rc = tip_bulk(c, api_caller(req), ids, change, http_request_id(req), results);
	rc = api_db_end(req, c, rc, NULL);
	json_decref(b);
	json_decref(change);
	if (rc) {
		json_decref(results);
		return rc;
	}
	size_t i, ok = 0;
	json_t *r;
	json_array_foreach(results, i, r) ok +=
	    json_integer_value(json_object_get(r, "status")) == 200;
	return http_resp_json(resp, 200,
			      json_pack("{s:o, s:I, s:I}", "results", results, "done",
					(json_int_t)ok, "failed",
					(json_int_t)(json_array_size(results) - ok)));
}
