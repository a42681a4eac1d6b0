/* Federation routes: the signed pull of a peer (GET /fed/v1/changes) and
 * the administrator's view of the node and its peers. */
#include "api/api.h"
#include "api/handlers_activities.h"
#include "api/handlers_fed.h"
#include "api/resource.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct fed_state *fed_of(struct http_req *req)
{
	struct app *app = http_app(req);
	return app->fed;
}

static int int_arg(struct http_req *req, const char *name, long long max, long long *out)
{
	const char *v = http_query(req, name);
	char *end;
	if (!v)
		return TR_OK;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < 0 || n > max || v[0] == '-' || v[0] == '+')
		return http_field_error(req, name, "must be a whole number in range");
	*out = n;
	return TR_OK;
}

/* Who asks: a known peer whose signature over the request holds. */
static int peer_check(struct http_req *req, struct db_conn *c, struct fed_state *st,
		      long long after, long long wait, struct fed_peer *p)
{
	const char *node = http_header(req, "Trellis-Node");
	const char *when = http_header(req, "Trellis-Time");
	const char *sig_hex = http_header(req, "Trellis-Signature");
	if (!node || !when || !sig_hex)
		return http_fail(req, TR_ERR_UNAUTH,
				 "a peer signs its pull (Trellis-Node, Trellis-Time,"
				 " Trellis-Signature)");
	char *end;
	long long t = strtoll(when, &end, 10);
	int64_t now = tr_now_ms();
	if (*end || t < now - FED_REQUEST_SKEW_MS || t > now + FED_REQUEST_SKEW_MS)
		return http_fail(req, TR_ERR_UNAUTH, "the request's time is stale");
	if (!tr_uuid_valid(node))
		return http_fail(req, TR_ERR_UNAUTH, "unknown node");
	int rc = fed_peer_get(c, node, p);
	if (rc == TR_ERR_NOT_FOUND)
		return http_fail(req, TR_ERR_UNAUTH, "unknown node");
	if (rc)
		return api_db_fail(req, c, rc);
	char text[400];
	unsigned char sig[crypto_sign_BYTES];
	size_t n = 0;
	fed_request_text(text, sizeof(text), "GET", "/fed/v1/changes", after, (int)wait, t, node,
			 st->me.node_id);
	if (sodium_hex2bin(sig, sizeof(sig), sig_hex, strlen(sig_hex), NULL, &n, NULL) ||
	    n != sizeof(sig) ||
	    crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text), p->pk))
		return http_fail(req, TR_ERR_UNAUTH, "bad signature");
	return TR_OK;
}

int api_fed_changes(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"after", "wait", NULL};
	struct fed_state *st = fed_of(req);
	if (!st)
		return http_fail(req, TR_ERR_NOT_FOUND, "federation is off on this instance");
	long long after = 0, wait = 0;
	int rc = api_query_allow(req, allowed);
	rc |= int_arg(req, "after", (long long)1 << 62, &after);
	rc |= int_arg(req, "wait", FED_WAIT_MAX_S, &wait);
	if (rc)
		return TR_ERR_INVALID;
	struct fed_peer p;
	struct db_conn *c = api_db(req);
	rc = peer_check(req, c, st, after, wait, &p);
	int64_t head = 0;
	if (!rc && (rc = fed_head(c, &head)))
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc)
		return rc;
	/* the long-poll: asked again every 100 ms, holding no thread between */
	if (head <= after && http_elapsed_ms(req) < wait * 1000 && !atomic_load(&st->stop) &&
	    http_park(req, 100) == TR_OK)
		return TR_OK;
	char *out = NULL;
	size_t len = 0;
	int more = 0;
	c = api_db(req);
	rc =
	    fed_changes_text(c, &st->me, &p, after, st->bundle_max, tr_now_ms(), &out, &len, &more);
	rc = api_db_end(req, c, rc, NULL);
	if (rc)
		return rc;
	http_resp_take(resp, out, len);
	http_resp_status(resp, 200);
	http_resp_type(resp, "application/json");
	return TR_OK;
}

/* Federation is the instance's: the permission table gives it to the
 * administrator. These routes are not CRUD of a record, so they are not
 * declared through the resource mechanism. */
static int admin_only(struct http_req *req)
{
	const struct caller *who = api_caller(req);
	return acl_role_can(who->role, RES_PEER, ACT_LIST)
		   ? TR_OK
		   : http_fail(req, TR_ERR_FORBIDDEN, "only an administrator sees federation");
}

int api_fed_node(struct http_req *req, struct http_resp *resp)
{
	int rc = admin_only(req);
	if (rc)
		return rc;
	struct fed_state *st = fed_of(req);
	char pk[65] = "";
	if (st)
		sodium_bin2hex(pk, sizeof(pk), st->me.pk, sizeof(st->me.pk));
	return http_resp_json(resp, 200,
			      json_pack("{s:b, s:s?, s:s?}", "enabled", st != NULL, "node_id",
					st ? st->me.node_id : NULL, "public_key", st ? pk : NULL));
}

int api_fed_peers_list(struct http_req *req, struct http_resp *resp)
{
	int rc = admin_only(req);
	if (rc)
		return rc;
	json_t *items = NULL;
	struct db_conn *c = api_db(req);
	if ((rc = fed_peer_list(c, &items)))
		rc = api_db_fail(req, c, rc);
	db_release(c);
	return rc ? rc : http_resp_json(resp, 200, api_page_json(items, NULL));
}

int api_fed_peer_preview(struct http_req *req, struct http_resp *resp)
{
	int rc = admin_only(req);
	if (rc)
		return rc;
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "no such peer");
	struct fed_peer p;
	json_t *items = NULL;
	struct db_conn *c = api_db(req);
	rc = fed_peer_get(c, id, &p);
	if (rc == TR_ERR_NOT_FOUND)
		rc = http_fail(req, rc, "no such peer");
	else if (rc || (rc = fed_preview(c, &p, API_LIMIT_MAX, &items)))
		rc = api_db_fail(req, c, rc);
	db_release(c);
	return rc ? rc : http_resp_json(resp, 200, api_page_json(items, NULL));
}

/* Who received a record of type, read with get (the caller's view of it):
 * the permission table, then the record as the caller sees it (404), then
 * its organisation's only (403). */
static int received_by(struct http_req *req, struct http_resp *resp, const char *type,
		       int (*get)(struct db_conn *c, const struct caller *who, const char *id,
				  json_t **out))
{
	const char *id = http_param(req, "id");
	const struct caller *who = api_caller(req);
	if (!acl_role_can(who->role, RES_DELIVERY, ACT_READ))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "only the owning organisation sees who received a record");
	if (!tr_uuid_valid(id) || !get)
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *a = NULL, *items = NULL;
	struct db_conn *c = api_db(req);
	int rc = get(c, who, id, &a);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	else if (strcmp(json_string_value(json_object_get(a, "org_id")), who->org_id) != 0)
		rc = http_fail(req, TR_ERR_FORBIDDEN,
			       "only the owning organisation sees who received a record");
	else if ((rc = fed_received_by(c, type, id, &items)))
		rc = api_db_fail(req, c, rc);
	db_release(c);
	json_decref(a);
	return rc ? rc : http_resp_json(resp, 200, api_page_json(items, NULL));
}

int api_alerts_received_by(struct http_req *req, struct http_resp *resp)
{
	return received_by(req, resp, "alert", alert_get);
}

int api_fed_received_by(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = api_resource_of(req);
	return received_by(req, resp, r ? r->name : "", r ? r->get : NULL);
}

/* Who received a part of a record (a sighting, a comment, an endorsement):
 * read by the part's own organisation, the one that made it and chose to
 * share it, as its parent is read by the parent's. The parent as the caller
 * sees it (404), then the part where the caller sees it (404), then its
 * organisation's only (403). The ledger keys an endorsement by its
 * proposal and organisation. */
static int child_received_by(struct http_req *req, struct http_resp *resp, const char *type,
			     const char *child_param,
			     int (*get)(struct db_conn *c, const struct caller *who, const char *id,
					json_t **out))
{
	const char *id = http_param(req, "id"), *child = http_param(req, child_param);
	const struct caller *who = api_caller(req);
	if (!acl_role_can(who->role, RES_DELIVERY, ACT_READ))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "only the owning organisation sees who received a record");
	if (!tr_uuid_valid(id) || !tr_uuid_valid(child) || !get)
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *a = NULL, *items = NULL;
	char org[37], key[80];
	struct db_conn *c = api_db(req);
	int rc = get(c, who, id, &a);
	if (!rc)
		rc = fed_child_org(c, who, type, id, child, org);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	else if (strcmp(org, who->org_id) != 0)
		rc = http_fail(req, TR_ERR_FORBIDDEN,
			       "only the owning organisation sees who received a record");
	else {
		if (strcmp(type, "endorsement") == 0)
			snprintf(key, sizeof(key), "%s:%s", id, child);
		else
			snprintf(key, sizeof(key), "%s", child);
		if ((rc = fed_received_by(c, type, key, &items)))
			rc = api_db_fail(req, c, rc);
	}
	db_release(c);
	json_decref(a);
	return rc ? rc : http_resp_json(resp, 200, api_page_json(items, NULL));
}

int api_sightings_received_by(struct http_req *req, struct http_resp *resp)
{
	return child_received_by(req, resp, "sighting", "sighting_id", alert_get);
}

int api_comments_received_by(struct http_req *req, struct http_resp *resp)
{
	return child_received_by(req, resp, "comment", "comment_id", alert_get);
}

int api_endorsements_received_by(struct http_req *req, struct http_resp *resp)
{
	return child_received_by(req, resp, "endorsement", "org_id", proposal_resource.get);
}
