#include "domain/readmodel/query.h"
#include "core/buf.h"
#include "core/err.h"
#include "domain/readmodel/alerts.h"

#include <stdio.h>
#include <stdlib.h>

static int groups_read(struct db_conn *c, struct alert_cache *ac, const struct caller *who,
		       struct group_ids *g)
{
	g->n = 0;
	pthread_rwlock_rdlock(&ac->rw);
	long any = ac->group_rows;
	pthread_rwlock_unlock(&ac->rw);
	if (!any)
		return TR_OK;
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT group_id FROM sharing_group_members WHERE org_id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, who->org_id);
	while ((rc = db_step(s)) == DB_ROW && g->n < 256)
		snprintf(g->id[g->n++], 37, "%s", db_col_text(s, 0));
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

int query_begin(struct db_conn *c, const struct caller *who, struct alert_cache **ac,
		struct group_ids **g)
{
	*g = NULL;
	if (!(*ac = model_of(c)) || !(*g = malloc(sizeof(**g))))
		return TR_ERR_NOMEM;
	int rc = who->alert_seq_read ? alert_cache_sync_to(c, who->alert_seq) : alert_cache_sync(c);
	return rc ? rc : groups_read(c, *ac, who, *g);
}

void vis_make(const struct alert_cache *ac, const struct caller *who, const struct group_ids *g,
	      struct vis *v)
{
	v->who = who;
	v->org = strtab_find(&ac->str, who->org_id);
	v->ngroups = 0;
	for (int i = 0; i < g->n; i++) {
		uint32_t id = strtab_find(&ac->str, g->id[i]);
		if (id)
			v->groups[v->ngroups++] = id;
	}
}

void query_rewind(struct buf *out, size_t start)
{
	out->len = start;
	if (out->data)
		out->data[start] = '\0';
}
