/** Resources whose records are the shared records of a domain table
 * (domain/shrec.h: documents, commitments, assessments, events, outcomes,
 * actions): their sharing fields and messages, and their domain functions
 * declared once for every table. */
#ifndef TR_API_RESOURCE_SHREC_H
#define TR_API_RESOURCE_SHREC_H

#include "api/resource.h"
#include "domain/shrec.h"

/** The sharing fields of a body (req: required on create). */
#define SHARE_FIELDS(req)                                                                          \
	SHARING_FIELDS(req),                                                                       \
	{                                                                                          \
		"tlp", V_ENUM, 0, 0, 0, acl_tlps, 0                                                \
	}
/** The messages of the sharing rules (an rwhy table's first rows). */
#define SHARE_WHY                                                                                  \
	{"distribution", "is required"}, {"tlp", "red is never shared with federation"},           \
	    SHARING_GROUP_WHY

/** A page of the visible records of t: each filter of the resource of q
 * an equality on the column of its name. */
int api_shrec_list(const struct shrec *t, struct db_conn *c, const struct caller *who,
		   const struct rquery *q, json_t *items, char **next);

/** Defines the domain functions of a resource on the shared records of t:
 * pfx_get, pfx_create, pfx_update, pfx_remove; RES_SHREC(pfx) names them
 * in its declaration. */
#define SHREC_FNS(pfx, t)                                                                          \
	static int pfx##_get(struct db_conn *c, const struct caller *who, const char *id,          \
			     json_t **out)                                                         \
	{                                                                                          \
		return shrec_get(&(t), c, who, id, out);                                           \
	}                                                                                          \
	static int pfx##_create_fn(struct db_conn *c, const struct caller *who, json_t *body,      \
				   const char *request_id, char id[37], const char **field)        \
	{                                                                                          \
		return shrec_create(&(t), c, who, body, request_id, id, field);                    \
	}                                                                                          \
	static int pfx##_update(struct db_conn *c, const struct caller *who, const char *id,       \
				json_t *body, int64_t version, const char *request_id,             \
				const char **field)                                                \
	{                                                                                          \
		return shrec_update(&(t), c, who, id, body, version, request_id, field);           \
	}                                                                                          \
	static int pfx##_remove(struct db_conn *c, const struct caller *who, const char *id,       \
				int64_t version, const char *request_id, const char **field)       \
	{                                                                                          \
		return shrec_delete(&(t), c, who, id, version, request_id, field);                 \
	}

#define RES_SHREC(pfx)                                                                             \
	.get = pfx##_get, .create = pfx##_create_fn, .update = pfx##_update, .remove = pfx##_remove

/** Defines pfx_list, a page of the records of t by api_shrec_list. */
#define SHREC_LIST_FN(pfx, t)                                                                      \
	static int pfx##_list(struct db_conn *c, const struct caller *who, const struct rquery *q, \
			      json_t *items, char **next)                                          \
	{                                                                                          \
		return api_shrec_list(&(t), c, who, q, items, next);                               \
	}

/** Declares var, the resource nm ("document", plural nm "s") of the
 * permission row perm_ on the shared records of t, with the tables named
 * pfx_create, pfx_patch, pfx_filters and pfx_why, pfx_list (SHREC_LIST_FN
 * or its own), the functions of SHREC_FNS, then any other members. */
#define SHREC_RESOURCE(var, nm, perm_, pfx, t, ...)                                                \
	SHREC_FNS(pfx, t)                                                                          \
	const struct api_resource var = {.name = nm,                                               \
					 .plural = nm "s",                                         \
					 .perm = perm_,                                            \
					 RES_CREATE(pfx##_create),                                 \
					 RES_PATCH(pfx##_patch),                                   \
					 RES_FILTERS(pfx##_filters),                               \
					 RES_WHY(pfx##_why),                                       \
					 .list = pfx##_list,                                       \
					 RES_SHREC(pfx),                                           \
					 __VA_ARGS__}

#endif
