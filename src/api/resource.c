/* The generic handlers of the resource mechanism (resource.h). */
#include "api/resource.h"
#include "api/resource_shrec.h"
#include "api/api.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct api_resource *api_resource_of(struct http_req *req)
{
	return http_route_ctx(req);
}

const char *rquery_get(const struct rquery *q, const char *name)
{
	for (size_t i = 0; i < q->res->nfilters && i < RESOURCE_FILTERS_MAX; i++)
		if (strcmp(q->res->filters[i].name, name) == 0)
			return q->value[i];
	return NULL;
}

int64_t rquery_ms(const struct rquery *q, const char *name)
{
	for (size_t i = 0; i < q->res->nfilters && i < RESOURCE_FILTERS_MAX; i++)
		if (strcmp(q->res->filters[i].name, name) == 0)
			return q->ms[i];
	return 0;
}

const char *api_path_id(struct http_req *req)
{
	const char *id = http_param(req, "id");
	if (tr_uuid_valid(id))
		return id;
	http_fail(req, TR_ERR_NOT_FOUND, "not found");
	return NULL;
}

int api_path_id_only(struct http_req *req, const char **id)
{
	int rc = api_query_allow(req, NULL);
	if (rc)
		return rc;
	*id = api_path_id(req);
	return *id ? TR_OK : TR_ERR_NOT_FOUND;
}

int api_path_body(struct http_req *req, const struct vfield *spec, size_t n, const char **id,
		  json_t **body)
{
	*body = NULL;
	*id = api_path_id(req);
	if (!*id)
		return TR_ERR_NOT_FOUND;
	return api_body(req, spec, n, 0, body);
}

const struct api_resource *api_resource_owner(const struct api_resource *r)
{
	return r && r->parent ? r->parent : r;
}

char *api_resource_last_id(json_t *items, int more)
{
	size_t n = json_array_size(items);
	const char *id = json_string_value(json_object_get(json_array_get(items, n - 1), "id"));
	return more && n && id ? strdup(id) : NULL;
}

/* Reads the record id (with the parameters q of a read when the resource
 * takes them, else NULL) and answers with it. */
static int answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
		  const struct api_resource *r, const char *id, const struct rquery *q, int status)
{
	json_t *rec = NULL;
	int rc = q && r->get_q ? r->get_q(c, api_caller(req), id, q, &rec)
			       : r->get(c, api_caller(req), id, &rec);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(rec, "version")));
	if (status == 201)
		api_idem_save(req, c, status, rec);
	return http_resp_json(resp, status, rec);
}

int api_resource_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			const struct api_resource *r, const char *id, int status)
{
	return answer(req, resp, c, r, id, NULL, status);
}

int api_resource_fail(struct http_req *req, struct db_conn *c, const struct api_resource *r, int rc,
		      const char *field)
{
	if (r->fail)
		return r->fail(req, c, rc, field);
	if (rc == TR_ERR_FORBIDDEN && field &&
	    (strcmp(field, "distribution") == 0 || strcmp(field, "tlp") == 0))
		return api_domain_fail(req, c, rc, field); /* a share without the right */
	return api_resource_why(req, c, r, rc, field);
}

const char *api_resource_message(const struct api_resource *r, const char *field)
{
	for (size_t i = 0; field && i < r->nwhy; i++)
		if (strcmp(r->why[i].field, field) == 0)
			return r->why[i].message;
	return NULL;
}

int api_resource_why(struct http_req *req, struct db_conn *c, const struct api_resource *r, int rc,
		     const char *field)
{
	bool answered = rc == TR_ERR_INVALID || rc == TR_ERR_CONFLICT || rc == TR_ERR_FORBIDDEN;
	const char *why = answered ? api_resource_message(r, field) : NULL;
	if (!why)
		return api_domain_fail(req, c, rc, field);
	http_field_error(req, field, why);
	return http_fail(req, rc, why);
}

/* The 403 of a role without the right act, when the resource answers it
 * before anything else (read_forbidden). */
static int read_gate(struct http_req *req, const struct api_resource *r, enum action act)
{
	if (!r->read_forbidden || acl_role_can(api_caller(req)->role, r->perm, act))
		return TR_OK;
	return http_fail(req, TR_ERR_FORBIDDEN, r->read_forbidden);
}

int api_resource_body(struct http_req *req, const struct api_resource *r, int partial, json_t **out)
{
	int rc = partial ? api_body(req, r->patch_spec, r->npatch, 1, out)
			 : api_body(req, r->create_spec, r->ncreate, 0, out);
	if (rc)
		return rc;
	if (r->check && r->check(req, *out, partial)) {
		json_decref(*out);
		*out = NULL;
		return TR_ERR_INVALID;
	}
	return TR_OK;
}

/* The end of a create or an update by r's domain (rc, field): the record
 * as the caller sees it with status, or the failure; releases c and body. */
static int write_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			const struct api_resource *r, int rc, const char *field, const char *id,
			int status, json_t *body)
{
	if (rc)
		rc = api_resource_fail(req, c, r, rc, field);
	else if (status == 204)
		http_resp_status(resp, 204); /* a change that answers no record */
	else
		rc = api_resource_answer(req, resp, c, r, id, status);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_resource_create(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = api_resource_of(req);
	if (!acl_role_can(api_caller(req)->role, r->perm, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 r->forbidden ? r->forbidden
					      : "your role may not create these records");
	json_t *body;
	int rc = api_resource_body(req, r, 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	if (api_idem_replay(req, resp, c)) {
		db_release(c);
		json_decref(body);
		return TR_OK;
	}
	char id[37];
	const char *field = NULL;
	rc = r->create(c, api_caller(req), body, http_request_id(req), id, &field);
	return write_answer(req, resp, c, r, rc, field, id, 201, body);
}

int api_resource_update(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = api_resource_of(req);
	if (r->update_forbidden && !acl_role_can(api_caller(req)->role, r->perm, ACT_UPDATE))
		return http_fail(req, TR_ERR_FORBIDDEN, r->update_forbidden);
	if (read_gate(req, r, ACT_READ))
		return TR_ERR_FORBIDDEN;
	const char *id = api_path_id(req);
	if (!id)
		return TR_ERR_NOT_FOUND;
	json_t *body;
	int64_t version;
	int rc = api_resource_body(req, r, 1, &body);
	if (rc)
		return rc;
	if ((rc = api_if_match(req, &version)) ||
	    (r->before_update && (rc = r->before_update(req, resp, id, body)))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = r->update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	return write_answer(req, resp, c, r, rc, field, id, 200, body);
}

int api_resource_delete(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = api_resource_of(req);
	if (!r->remove || !acl_role_can(api_caller(req)->role, r->perm, ACT_DELETE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not delete these records");
	const char *id = api_path_id(req);
	if (!id)
		return TR_ERR_NOT_FOUND;
	int64_t version;
	int rc = api_if_match(req, &version);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = r->remove(c, api_caller(req), id, version, http_request_id(req), &field);
	if (rc)
		rc = api_resource_fail(req, c, r, rc, field);
	return api_no_content(resp, c, rc);
}

/* The query parameters of a read by id (r->params) into q, whose filters
 * they are while view lives: TR_OK, or TR_ERR_INVALID with each bad one
 * named. */
static int params_read(struct http_req *req, const struct api_resource *r,
		       struct api_resource *view /* OUT */, struct rquery *q /* OUT */);

int api_resource_get(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = api_resource_of(req);
	const char *id = http_param(req, "id");
	struct api_resource view;
	struct rquery q;
	if (read_gate(req, r, ACT_READ))
		return TR_ERR_FORBIDDEN;
	if (r->nparams && params_read(req, r, &view, &q))
		return TR_ERR_INVALID;
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	int rc = answer(req, resp, c, r, id, r->nparams ? &q : NULL, 200);
	db_release(c);
	return rc;
}

/* The field error of a bad value of f: its own message, or the type's. */
static int filter_bad(struct http_req *req, const struct rfilter *f, const char *why)
{
	return http_field_error(req, f->name, f->values && f->values[0] ? f->values[0] : why);
}

/* One filter's value: TR_OK, or the field error recorded. */
static int filter_check(struct http_req *req, const struct rfilter *f, const char *v)
{
	switch (f->type) {
	case RF_ENUM: {
		const char *out;
		return api_query_enum(req, f->name, f->values, &out);
	}
	case RF_TEXT: {
		size_t n = strlen(v), max = f->max ? (size_t)f->max : 200;
		return n < 1 || n > max ? filter_bad(req, f, "must be 1 to 200 characters") : TR_OK;
	}
	case RF_COUNTRY:
		if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')
			return filter_bad(req, f, "must be an ISO 3166-1 alpha-2 code");
		return TR_OK;
	case RF_UUID:
		return tr_uuid_valid(v) ? TR_OK : filter_bad(req, f, "must be a UUID");
	case RF_BOOL:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			return filter_bad(req, f, "must be true or false");
		return TR_OK;
	case RF_INT: {
		char *end, why[64];
		long n = strtol(v, &end, 10);
		if (*v && !*end && n >= 1 && n <= f->max)
			return TR_OK;
		snprintf(why, sizeof(why), "must be an integer from 1 to %d", f->max);
		return filter_bad(req, f, why);
	}
	case RF_TIME: /* read with their value below */
	case RF_BBOX:
		return TR_OK;
	}
	return TR_OK;
}

/* The values of the n filters of q->res into q, each checked. */
static int filters_read(struct http_req *req, size_t n, struct rquery *q)
{
	int rc = TR_OK;
	for (size_t i = 0; i < n; i++) {
		const struct rfilter *f = &q->res->filters[i];
		q->value[i] = http_query(req, f->name);
		if (f->type == RF_TIME)
			rc |= api_query_time(req, f->name, &q->ms[i]);
		else if (f->type == RF_BBOX)
			rc |= api_query_bbox(req, q->bbox, &q->has_bbox);
		else if (q->value[i])
			rc |= filter_check(req, f, q->value[i]);
	}
	return rc;
}

static int params_read(struct http_req *req, const struct api_resource *r,
		       struct api_resource *view, struct rquery *q)
{
	const char *allowed[RESOURCE_FILTERS_MAX + 1];
	size_t n = r->nparams < RESOURCE_FILTERS_MAX ? r->nparams : RESOURCE_FILTERS_MAX;
	*view = *r;
	view->filters = r->params;
	view->nfilters = n;
	memset(q, 0, sizeof(*q));
	q->res = view;
	for (size_t i = 0; i < n; i++)
		allowed[i] = r->params[i].name;
	allowed[n] = NULL;
	int rc = api_query_allow(req, allowed);
	rc |= filters_read(req, n, q);
	return rc ? TR_ERR_INVALID : TR_OK;
}

int api_rquery_read(struct http_req *req, const struct api_resource *r, const char *const *extra,
		    struct rquery *q)
{
	const char *allowed[2 * RESOURCE_FILTERS_MAX + 1];
	size_t n = r->nfilters < RESOURCE_FILTERS_MAX ? r->nfilters : RESOURCE_FILTERS_MAX, k = 0;
	memset(q, 0, sizeof(*q));
	q->res = r;
	for (size_t i = 0; i < n; i++)
		allowed[k++] = r->filters[i].name;
	for (size_t i = 0; extra && extra[i] && i < RESOURCE_FILTERS_MAX; i++)
		allowed[k++] = extra[i];
	allowed[k] = NULL;
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	rc |= filters_read(req, n, q);
	const char *after = page.after, *colon = after ? strchr(after, ':') : NULL;
	if (!rc && after &&
	    (r->cursor_uuid ? !tr_uuid_valid(after) : !colon || !tr_uuid_valid(colon + 1)))
		rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	q->after = page.after;
	q->limit = page.limit;
	return rc ? TR_ERR_INVALID : TR_OK;
}

struct buf *api_page_text_begin(struct http_resp *resp)
{
	struct buf *b = http_resp_body(resp);
	buf_puts(b, "{\"items\":");
	return b;
}

int api_page_text_end(struct http_req *req, struct http_resp *resp, const char *next_key)
{
	const char *cursor = next_key ? api_cursor_make(req, next_key) : NULL;
	struct buf *b = http_resp_body(resp);
	buf_puts(b, ",\"next_cursor\":");
	if (cursor)
		buf_json_str(b, cursor);
	else
		buf_puts(b, "null");
	buf_puts(b, "}");
	http_resp_status(resp, 200);
	return b->err;
}

/* A page of r's records into items, *next the sort key of the last one
 * when more follow. */
static int read_page(struct db_conn *c, const struct caller *who, const struct api_resource *r,
		     const struct rquery *q, json_t *items, char **next)
{
	if (r->list2) {
		assert(r->nfilters == 2);
		return r->list2(c, who, q->value[0], q->value[1], q->after, q->limit, items, next);
	}
	if (!r->list_ids)
		return r->list(c, who, q, items, next);
	int more = 0;
	int rc = r->list_ids(c, who, q->after, q->limit, items, &more);
	*next = rc ? NULL : api_resource_last_id(items, more);
	return rc;
}

/* A page of r: the items and the cursor. */
static int list_page(struct http_req *req, struct http_resp *resp, const struct api_resource *r,
		     const struct rquery *q)
{
	char *next = NULL;
	struct db_conn *c = api_db(req);
	json_t *items = r->list_text ? NULL : json_array();
	int rc = items ? read_page(c, api_caller(req), r, q, items, &next)
		       : r->list_text(c, api_caller(req), q, api_page_text_begin(resp), &next);
	rc = api_db_end(req, c, rc, NULL);
	if (!rc)
		rc = items ? http_resp_json(
				 resp, 200,
				 api_page_json(items, next ? api_cursor_make(req, next) : NULL))
			   : api_page_text_end(req, resp, next);
	else
		json_decref(items);
	free(next);
	return rc;
}

int api_resource_list(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = api_resource_of(req);
	struct rquery q;
	if (read_gate(req, r, ACT_LIST))
		return TR_ERR_FORBIDDEN;
	int rc = api_rquery_read(req, r, NULL, &q);
	return rc ? rc : list_page(req, resp, r, &q);
}

int api_page_answer(struct http_resp *resp, struct db_conn *c, int rc, json_t *items, int status)
{
	db_release(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return http_resp_json(resp, status, api_page_json(items, NULL));
}

int api_child_list(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = api_resource_of(req);
	const char *id = api_path_id(req);
	if (!id)
		return TR_ERR_NOT_FOUND;
	struct db_conn *c = api_db(req);
	json_t *out = NULL, *items = r->items ? json_array() : NULL;
	int rc =
	    items ? r->items(c, api_caller(req), id, items) : r->read(c, api_caller(req), id, &out);
	if (rc)
		rc = api_resource_fail(req, c, r, rc, NULL);
	if (items)
		return api_page_answer(resp, c, rc, items, 200);
	db_release(c);
	return rc ? rc : http_resp_json(resp, 200, out);
}

int api_child_create(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = api_resource_of(req);
	const char *id = api_path_id(req);
	if (!id)
		return TR_ERR_NOT_FOUND;
	json_t *body;
	int rc = api_body(req, r->create_spec, r->ncreate, 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	char cid[37];
	const char *field = NULL;
	rc = r->add(c, api_caller(req), id, body, http_request_id(req), cid, &field);
	if (rc)
		rc = api_resource_fail(req, c, r, rc, field);
	db_release(c);
	json_decref(body);
	return rc ? rc
		  : http_resp_json(resp, 201,
				   json_pack("{s:s, s:s}", "id", cid, r->parent_key, id));
}

int api_resource_act(struct http_req *req, struct http_resp *resp, const struct vfield *spec,
		     size_t n,
		     int (*fn)(struct db_conn *c, const struct caller *who, const char *id,
			       json_t *body, const char *request_id, const char **field))
{
	return api_resource_act_status(req, resp, spec, n, fn, 201);
}

int api_resource_act_status(struct http_req *req, struct http_resp *resp, const struct vfield *spec,
			    size_t n,
			    int (*fn)(struct db_conn *c, const struct caller *who, const char *id,
				      json_t *body, const char *request_id, const char **field),
			    int status)
{
	const char *id;
	json_t *body;
	int rc = api_path_body(req, spec, n, &id, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = fn(c, api_caller(req), id, body, http_request_id(req), &field);
	return write_answer(req, resp, c, api_resource_of(req), rc, field, id, status, body);
}

int api_shrec_list(const struct shrec *t, struct db_conn *c, const struct caller *who,
		   const struct rquery *q, json_t *items, char **next)
{
	struct shrec_eq eq[RESOURCE_FILTERS_MAX];
	size_t n =
	    q->res->nfilters < RESOURCE_FILTERS_MAX ? q->res->nfilters : RESOURCE_FILTERS_MAX;
	for (size_t i = 0; i < n; i++)
		eq[i] = (struct shrec_eq){q->res->filters[i].name, q->value[i]};
	return shrec_list(t, c, who, eq, n, NULL, NULL, q->after, q->limit, items, next);
}

int api_no_content(struct http_resp *resp, struct db_conn *c, int rc)
{
	db_release(c);
	if (rc)
		return rc;
	http_resp_status(resp, 204);
	return TR_OK;
}

int api_path_delete(struct http_req *req, struct http_resp *resp,
		    int (*fn)(struct db_conn *c, const struct caller *who, const char *id,
			      const char *request_id))
{
	const char *id = api_path_id(req);
	if (!id)
		return TR_ERR_NOT_FOUND;
	struct db_conn *c = api_db(req);
	int rc = fn(c, api_caller(req), id, http_request_id(req));
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	return api_no_content(resp, c, rc);
}
