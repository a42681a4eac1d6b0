/** The resource mechanism: a module declares its resource once (fields of
 * create and patch, list filters, permission row, domain functions, the
 * messages of its own rules) and the generic handlers here do the rest:
 * the permission check, id check, body validation, If-Match (428/412),
 * Idempotency-Key, connection lifetime, query-string validation with
 * field-named errors, the cursor, the ETag and the answer. Routes name the
 * resource as their ctx (RESOURCE_ROUTES); api_record_seen reads a
 * record through the resource of its route. */
#ifndef TR_API_RESOURCE_H
#define TR_API_RESOURCE_H

#include "api/validate.h"
#include "core/countof.h"
#include "db/db.h"
#include "domain/acl.h"
#include "http/http.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/** Kinds of list filters. */
enum rfilter_type {
	RF_ENUM,    /* one of values */
	RF_TEXT,    /* 1 to max characters */
	RF_COUNTRY, /* ISO 3166-1 alpha-2 */
	RF_UUID,
	RF_BOOL, /* "true" or "false" */
	RF_TIME, /* date or RFC 3339 date-time */
	RF_BBOX, /* min_lon,min_lat,max_lon,max_lat */
	RF_INT,	 /* an integer from 1 to max */
};

/** One query-string filter of a list. */
struct rfilter {
	const char *name;
	enum rfilter_type type;
	/* RF_ENUM: the values, NULL-terminated; another type: NULL, or
	 * {the field error of a bad value, NULL} in place of the type's */
	const char *const *values;
	int max; /* RF_TEXT: at most this many characters (200 when 0); RF_INT: the largest */
};

#define RESOURCE_FILTERS_MAX 16

/** A validated list request: the filters' values in declaration order
 * (NULL when absent; times as given, checked), the page. */
struct rquery {
	const struct api_resource *res;
	const char *value[RESOURCE_FILTERS_MAX];
	int64_t ms[RESOURCE_FILTERS_MAX]; /* RF_TIME: the time in ms, 0 when absent */
	double bbox[4];			  /* RF_BBOX, when has_bbox */
	int has_bbox;
	const char *after; /* the cursor's sort key, NULL for the first page */
	int limit;
};

/** The value of the filter name, or NULL when absent. */
const char *rquery_get(const struct rquery *q, const char *name);
/** The time of the RF_TIME filter name in ms, 0 when absent. */
int64_t rquery_ms(const struct rquery *q, const char *name);

/** The message of a field rule of the module, answered with the domain's
 * result code when the domain names the field. */
struct rwhy {
	const char *field, *message;
};

/** Who sees a record: its distribution (req: required on create) and the
 * sharing group that distribution sharing_group names, the same two
 * fields in every body that shares a record. */
#define SHARING_FIELDS(req)                                                                        \
	{"distribution", V_ENUM, req, 0, 0, acl_distributions, 0},                                 \
	{                                                                                          \
		"sharing_group_id", V_UUID, 0, 0, 0, NULL, 1                                       \
	}
/** The message of the rule on sharing_group_id (a row of an rwhy table). */
#define SHARING_GROUP_WHY                                                                          \
	{                                                                                          \
		"sharing_group_id", "is required with distribution sharing_group (only then), "    \
				    "and your organisation must belong to the group"               \
	}

struct api_resource {
	const char *name;   /* singular, "practice" */
	const char *plural; /* for messages, "practices" */
	enum resource perm; /* its row of the permission table */
	const struct vfield *create_spec, *patch_spec;
	size_t ncreate, npatch;
	const struct rfilter *filters;
	size_t nfilters;
	const struct rwhy *why;
	size_t nwhy;
	/** The sort key of the cursor: "<key>:<uuid>" (0) or a bare uuid (1). */
	int cursor_uuid;
	/** The 403 of a role without the create right (a default when NULL). */
	const char *forbidden;
	/** Answers a failure of the domain (NULL: the messages of why, then
	 * api_domain_fail). */
	int (*fail)(struct http_req *req, struct db_conn *c, int rc, const char *field);
	/** Checks of the body beyond its field table (nested objects, rules
	 * across fields), recording field errors on req; may be NULL. */
	int (*check)(struct http_req *req, json_t *body, int partial);
	/** Reads one visible record (TR_ERR_NOT_FOUND otherwise). */
	int (*get)(struct db_conn *c, const struct caller *who, const char *id, json_t **out);
	/** A page of visible records: appends to items, *next_key the sort
	 * key of the last one when more follow (malloc'd). */
	int (*list)(struct db_conn *c, const struct caller *who, const struct rquery *q,
		    json_t *items, char **next_key);
	/** In place of list for a resource without filters whose pages are in
	 * id order (cursor_uuid): a page after the id after, *more set when
	 * more follow. */
	int (*list_ids)(struct db_conn *c, const struct caller *who, const char *after, int limit,
			json_t *items, int *more);
	/** In place of list for a resource of two filters whose domain list
	 * takes their values, in their order, before the cursor's key and
	 * the limit (org_list: country, kind). */
	int (*list2)(struct db_conn *c, const struct caller *who, const char *first,
		     const char *second, const char *after, int limit, json_t *items,
		     char **next_key);
	int (*create)(struct db_conn *c, const struct caller *who, json_t *body,
		      const char *request_id, char id[37], const char **field);
	int (*update)(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		      int64_t version, const char *request_id, const char **field);
	/** Deletes one record at version (NULL: the resource has no DELETE). */
	int (*remove)(struct db_conn *c, const struct caller *who, const char *id, int64_t version,
		      const char *request_id, const char **field);
	/** The query parameters of a read by id, checked like the filters of
	 * a list (none when 0: the query string of a read is not looked at);
	 * get_q then reads the record with their values, get without them. */
	const struct rfilter *params;
	size_t nparams;
	int (*get_q)(struct db_conn *c, const struct caller *who, const char *id,
		     const struct rquery *q, json_t **out);
	/** The 403 of a role without the update right, answered before
	 * anything else (NULL: the domain decides, as for one's own user). */
	const char *update_forbidden;
	/** Runs after the body and If-Match of a PATCH are read, before update
	 * (a check that answers itself, as one's own password needs the
	 * current one); may change body. NULL: none. */
	int (*before_update)(struct http_req *req, struct http_resp *resp, const char *id,
			     json_t *body);
	/** The 403 of a role without the list right (list) or the read right
	 * (get, update), answered before anything else (NULL: the domain
	 * decides what such a role sees). */
	const char *read_forbidden;
	/** A page written as JSON text into out (the items' array, for a read
	 * model that keeps its records as text), in place of list; *next_key
	 * as for list. */
	int (*list_text)(struct db_conn *c, const struct caller *who, const struct rquery *q,
			 struct buf *out, char **next_key);
	/** A part of a record of parent (its comments, its notes): the routes
	 * of CHILD_ROUTES. The record is the parent's, read and checked by
	 * the domain; the answer to an add is {"id", parent_key}. */
	const struct api_resource *parent;
	const char *parent_key; /* "alert_id" */
	int (*add)(struct db_conn *c, const struct caller *who, const char *parent_id, json_t *body,
		   const char *request_id, char id[37], const char **field);
	/** The parts of one record: appended to items (answered as a page of
	 * one), or the whole answer in *out (read) when items is NULL. */
	int (*items)(struct db_conn *c, const struct caller *who, const char *parent_id,
		     json_t *items);
	int (*read)(struct db_conn *c, const struct caller *who, const char *parent_id,
		    json_t **out);
};

/* A declaration names each of its tables once, with its length:
 * {.name = "x", RES_CREATE(create_spec), RES_FILTERS(filters), ...}. */
#define RES_CREATE(spec) .create_spec = (spec), .ncreate = N(spec)
#define RES_PATCH(spec) .patch_spec = (spec), .npatch = N(spec)
#define RES_FILTERS(f) .filters = (f), .nfilters = N(f)
#define RES_WHY(w) .why = (w), .nwhy = N(w)
#define RES_PARAMS(p) .params = (p), .nparams = N(p)
/* The declaration of var, a part of the records of par (CHILD_ROUTES):
 * its name, permission row, the key of its parent's id in the answer to
 * an add, the body of an add, the answer to a refusal, the add, then the
 * reading (.items = f or .read = f). */
#define RESOURCE_PART(var, nm, perm_, par, key, spec, fail_, add_, ...)                            \
	const struct api_resource var = {.name = nm,                                               \
					 .plural = nm "s",                                         \
					 .perm = perm_,                                            \
					 .parent = &(par),                                         \
					 .parent_key = key,                                        \
					 RES_CREATE(spec),                                         \
					 .fail = fail_,                                            \
					 .add = add_,                                              \
					 __VA_ARGS__}

/* The declaration of var, the resource nm (plural pl) of the permission
 * row perm_, then its other members (tables, domain functions, rules). */
#define RESOURCE(var, nm, pl, perm_, ...)                                                          \
	const struct api_resource var = {.name = nm, .plural = pl, .perm = perm_, __VA_ARGS__}
/* RESOURCE for records the domain reads, creates and changes with
 * pfx_get, pfx_create and pfx_update. */
#define RESOURCE_CRUD(var, nm, pl, perm_, pfx, ...)                                                \
	RESOURCE(var, nm, pl, perm_, .get = pfx##_get, .create = pfx##_create,                     \
		 .update = pfx##_update, __VA_ARGS__)

/** The four routes of a resource at path: list, create, get, patch. */
#define RESOURCE_ROUTES(path, res)                                                                 \
	{"GET", path, api_resource_list, 0, &res}, {"POST", path, api_resource_create, 0, &res},   \
	    {"GET", path "/{id}", api_resource_get, 0, &res},                                      \
	{                                                                                          \
		"PATCH", path "/{id}", api_resource_update, 0, &res                                \
	}

/** The two routes of the parts of a record at path (".../{id}/notes"):
 * list and add. */
#define CHILD_ROUTES(path, res)                                                                    \
	{"GET", path, api_child_list, 0, &res},                                                    \
	{                                                                                          \
		"POST", path, api_child_create, 0, &res                                            \
	}

/** The DELETE route of a resource at path (with If-Match; 204). */
#define RESOURCE_DELETE_ROUTE(path, res)                                                           \
	{                                                                                          \
		"DELETE", path "/{id}", api_resource_delete, 0, &res                               \
	}

int api_resource_list(struct http_req *req, struct http_resp *resp);
/** Reads the query string of a list of r into q: only its filters, the
 * page and the names of extra (NULL-terminated, may be NULL; read by the
 * caller) are allowed; each filter and the cursor are checked, with a 400
 * naming each bad one. */
int api_rquery_read(struct http_req *req, const struct api_resource *r, const char *const *extra,
		    struct rquery *q /* OUT */);
int api_resource_create(struct http_req *req, struct http_resp *resp);
/** The body of a create (partial 0) or a PATCH (1) of r: its field table,
 * then r's own check; on failure *out is NULL and the errors answered. */
int api_resource_body(struct http_req *req, const struct api_resource *r, int partial,
		      json_t **out /* OUT */);
int api_resource_get(struct http_req *req, struct http_resp *resp);
int api_resource_update(struct http_req *req, struct http_resp *resp);
int api_resource_delete(struct http_req *req, struct http_resp *resp);
/** The record id of the path of a request that takes no query string: a
 * 400 naming any query argument, then a 404 for an id that is no UUID;
 * TR_OK, or the failure answered. */
int api_path_id_only(struct http_req *req, const char **id /* OUT */);
/** The record id of the path (a 404 for an id that is no UUID), then the
 * body against spec: TR_OK, or the failure answered. */
int api_path_body(struct http_req *req, const struct vfield *spec, size_t n,
		  const char **id /* OUT */, json_t **body /* OUT */);
/** The resource whose records the route names: the parent of a part. */
const struct api_resource *api_resource_owner(const struct api_resource *r);
/** The record id of the path ("{id}"), or NULL after a 404 (an id that
 * is no UUID names no record). */
const char *api_path_id(struct http_req *req);
/** The parts of a record (CHILD_ROUTES): its list, an add. */
int api_child_list(struct http_req *req, struct http_resp *resp);
int api_child_create(struct http_req *req, struct http_resp *resp);

/** A page written as text: the body begun ('{"items":'), for the items'
 * JSON array to follow. */
struct buf *api_page_text_begin(struct http_resp *resp);
/** Ends the page begun with api_page_text_begin with the cursor of
 * next_key (none when NULL) and answers 200. */
int api_page_text_end(struct http_req *req, struct http_resp *resp, const char *next_key);

/** Releases c and answers items as the one page of a list, with status,
 * when rc is TR_OK; otherwise frees items and returns rc (answered). */
int api_page_answer(struct http_resp *resp, struct db_conn *c, int rc, json_t *items, int status);

/** Releases c and answers 204 when rc is TR_OK; otherwise returns rc
 * (answered). */
int api_no_content(struct http_resp *resp, struct db_conn *c, int rc);
/** The DELETE of the record of the path's id by fn, without If-Match:
 * 204, or fn's failure answered by api_domain_fail. */
int api_path_delete(struct http_req *req, struct http_resp *resp,
		    int (*fn)(struct db_conn *c, const struct caller *who, const char *id,
			      const char *request_id));

/** The next cursor's key of a list whose keys are the ids: the last
 * item's id when more follow, else NULL (malloc'd). */
char *api_resource_last_id(json_t *items, int more);
/** The resource of the matched route, or NULL. */
const struct api_resource *api_resource_of(struct http_req *req);
/** Answers with the record id as the caller sees it (ETag; remembered
 * under the Idempotency-Key when status is 201). */
int api_resource_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			const struct api_resource *r, const char *id, int status);
/** Turns a domain failure into the answer, with the resource's message
 * for the field when it has one. */
int api_resource_fail(struct http_req *req, struct db_conn *c, const struct api_resource *r, int rc,
		      const char *field);
/** The message of r's own rule on field (its why table), or NULL. */
const char *api_resource_message(const struct api_resource *r, const char *field);
/** api_resource_fail without the share rule: the resource's message for
 * the field first, for a refused share too (a module whose own message
 * says who shares). */
int api_resource_why(struct http_req *req, struct db_conn *c, const struct api_resource *r, int rc,
		     const char *field);
/** An action on one record (".../{id}/endorse"): id check, body against
 * spec, fn, then the record as answer with status 201. */
int api_resource_act(struct http_req *req, struct http_resp *resp, const struct vfield *spec,
		     size_t n,
		     int (*fn)(struct db_conn *c, const struct caller *who, const char *id,
			       json_t *body, const char *request_id, const char **field));
/** api_resource_act answering with status (200 for a change of a record's
 * part, "PATCH .../{id}/endorsements"; 204 for a change that answers no
 * record, as a password reset). */
int api_resource_act_status(struct http_req *req, struct http_resp *resp, const struct vfield *spec,
			    size_t n,
			    int (*fn)(struct db_conn *c, const struct caller *who, const char *id,
				      json_t *body, const char *request_id, const char **field),
			    int status);

#endif
