/** What every query of the read model (list.c, related.c, search.c) does
 * first: the model brought up to date, the caller's sharing groups read,
 * and the caller as the model sees it. */
#ifndef TR_DOMAIN_READMODEL_QUERY_H
#define TR_DOMAIN_READMODEL_QUERY_H

#include "domain/acl.h"
#include "domain/readmodel/model.h"

#include <stdbool.h>
#include <stddef.h>

struct buf;

/** The caller's groups, read before the lock is taken. */
struct group_ids {
	char id[256][37];
	int n;
};

/** The caller as the model sees it: its organisation and sharing groups
 * interned. */
struct vis {
	const struct caller *who;
	uint32_t org;
	uint32_t groups[256];
	int ngroups;
};

/** The model brought up to date and the caller's groups read. *g is the
 * caller's to free, also on failure. */
int query_begin(struct db_conn *c, const struct caller *who, struct alert_cache **ac /* OUT */,
		struct group_ids **g /* OUT */);

/** Under the read lock: the caller as the model sees it. */
void vis_make(const struct alert_cache *ac, const struct caller *who, const struct group_ids *g,
	      struct vis *v);

/** Whether the caller may see the entry: acl_row_visible (acl.h), the
 * rule of the SQL predicate for one row. */
static inline int vis_sees(const struct vis *v, const struct hot *e)
{
	bool own = v->org && e->org == v->org;
	if (e->status == ST_DRAFT && !own)
		return 0;
	bool in_group = false;
	for (int i = 0; e->dist == DIST_SHARING_GROUP && e->group && i < v->ngroups; i++)
		in_group |= v->groups[i] == e->group;
	return acl_row_visible(v->who, own, (enum distribution)e->dist, e->country, in_group);
}

/** Rewinds out to where the answer starts (a body runs again when it
 * lacked a text). */
void query_rewind(struct buf *out, size_t start);

#endif
