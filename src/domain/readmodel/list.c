/* The alert list from the read model: the page alert_list_text would give. */
#include "core/buf.h"
#include "core/err.h"
#include "domain/readmodel/alerts.h"
#include "domain/readmodel/query.h"
#include "domain/readmodel/texts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_id(const uint32_t *v, uint32_t n, uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

/* The filters resolved to the model's values; `none` when one names a
 * value no alert has. */
struct want {
	int none;
	int status, category, tlp, form;
	uint32_t org, substance, country, tag;
};

static void want_make(const struct alert_cache *ac, const struct alert_filter *f, struct want *w)
{
	memset(w, 0, sizeof(*w));
	w->status = f->status ? model_enum(alert_statuses, f->status) : -1;
	w->category = f->category ? model_enum(alert_categories, f->category) : -1;
	w->tlp = f->tlp ? model_enum(acl_tlps, f->tlp) : -1;
	w->form = f->drug_form ? model_enum(alert_drug_forms, f->drug_form) : -1;
	const char *names[] = {f->org_id, f->substance, f->country, f->tag};
	uint32_t *ids[] = {&w->org, &w->substance, &w->country, &w->tag};
	for (int i = 0; i < 4; i++)
		if (names[i] && !(*ids[i] = strtab_find(&ac->str, names[i])))
			w->none = 1;
}

/* The filters the dense part answers: most rows are decided here without
 * reading the rest of the entry. */
static int hot_matches(const struct alert_filter *f, const struct want *w, const struct hot *h)
{
	if ((w->status >= 0 && h->status != w->status) ||
	    (w->category >= 0 && h->category != w->category) || (w->tlp >= 0 && h->tlp != w->tlp) ||
	    (w->org && h->org != w->org))
		return 0;
	return !(f->observed_from && !(h->flags & (HOT_TO | HOT_FROM))) &&
	       !(f->observed_to && !(h->flags & HOT_FROM)) &&
	       !(f->has_bbox && !(h->flags & HOT_LOC));
}

/* The rest, on an entry hot_matches let through (so it has the dates and
 * place the filters ask about). */
static int matches(const struct alert_filter *f, const struct want *w, const struct entry *e)
{
	if ((w->form >= 0 && e->form != w->form) ||
	    (w->substance && !has_id(e->lists, e->nsubs, w->substance)) ||
	    (w->tag && !has_id(e->lists + e->nsubs, e->ntags, w->tag)) ||
	    (w->country && !has_id(e->lists + e->nsubs + e->ntags, e->nctry, w->country)))
		return 0;
	int64_t end = (e->h.flags & HOT_TO) ? e->to : e->from; /* seen once: ends as it starts */
	if ((f->observed_from && end < f->observed_from) ||
	    (f->observed_to && e->from > f->observed_to) ||
	    (f->updated_since && e->updated < f->updated_since))
		return 0;
	return !f->has_bbox || (e->lon >= f->bbox[0] && e->lat >= f->bbox[1] &&
				e->lon <= f->bbox[2] && e->lat <= f->bbox[3]);
}

struct list_job {
	const struct caller *who;
	const struct group_ids *g;
	const struct alert_filter *f;
	const char *after;
	int limit;
	struct buf *out;
	size_t start;
	char **next_key;
};

static int list_body(struct alert_cache *ac, void *ctx, struct need *nd)
{
	struct list_job *j = ctx;
	const struct alert_filter *f = j->f;
	struct buf *out = j->out;
	query_rewind(out, j->start);
	free(*j->next_key);
	*j->next_key = NULL;
	struct vis v;
	vis_make(ac, j->who, j->g, &v);
	struct want w;
	want_make(ac, f, &w);
	int obs = f->sort_observed;
	const struct vec *o = obs ? &ac->by_obs : &ac->by_upd;
	uint32_t i = 0;
	if (j->after) {
		const char *colon = strchr(j->after, ':');
		i = model_seek(ac, o, obs, strtoll(j->after, NULL, 10), colon ? colon + 1 : "", 1);
	}
	int n = 0;
	const struct entry *last = NULL;
	buf_puts(out, "[");
	for (; !w.none && i < o->n; i++) {
		const struct hot *h = &ac->hot[o->v[i]];
		if (!vis_sees(&v, h) || !hot_matches(f, &w, h))
			continue;
		const struct entry *e = &ac->e[o->v[i]];
		if (!matches(f, &w, e))
			continue;
		if (n == j->limit) {
			char key[100];
			snprintf(key, sizeof(key), "%lld:%s", (long long)model_key(last, obs),
				 last->id);
			*j->next_key = strdup(key);
			break;
		}
		const struct text *t = texts_get(ac, o->v[i], nd);
		if (n++)
			buf_append(out, ",", 1);
		if (t)
			buf_append(out, t->s, t->len);
		last = e;
	}
	buf_puts(out, "]");
	return nd->n ? nd->n : -out->err;
}

int alert_cache_list(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
		     const char *after, int limit, struct buf *out, char **next_key)
{
	*next_key = NULL;
	struct alert_cache *ac;
	struct group_ids *g;
	int rc = query_begin(c, who, &ac, &g);
	if (!rc) {
		struct list_job j = {who, g, f, after, limit, out, out->len, next_key};
		rc = texts_answer(c, ac, list_body, &j);
	}
	free(g);
	return rc;
}
