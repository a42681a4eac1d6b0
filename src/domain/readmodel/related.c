/* Related alerts from the read model: the same substances, or the same
 * category near in place and time. */
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/overlap.h"
#include "domain/readmodel/alerts.h"
#include "domain/readmodel/query.h"
#include "domain/readmodel/texts.h"
#include "domain/substance.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBS_PER_ALERT 32   /* substances of one alert considered by related */
#define RELATED_PER_SUB 400 /* newest visible alerts taken per shared substance */
#define RELATED_NEAR 5000   /* alerts taken from the place and time window */

struct cand {
	uint32_t idx;
	uint32_t sub_mask; /* which of the anchor's substances it shares */
	int near;
	double km, score;
	uint64_t id_hi, id_lo; /* the id's first 16 bytes, big-endian: its order */
};

struct cands {
	struct cand *c;
	int n, max;
	int32_t *slot; /* open addressing over entry indexes: cand + 1 */
	uint32_t nslot;
};

static struct cand *cand_get(struct cands *cs, uint32_t idx)
{
	uint32_t m = cs->nslot - 1;
	uint32_t i = (idx * 2654435761u) & m;
	for (; cs->slot[i]; i = (i + 1) & m)
		if (cs->c[cs->slot[i] - 1].idx == idx)
			return &cs->c[cs->slot[i] - 1];
	if (cs->n >= cs->max)
		return NULL;
	struct cand *k = &cs->c[cs->n++];
	memset(k, 0, sizeof(*k));
	k->idx = idx;
	cs->slot[i] = cs->n;
	return k;
}

/* The first 8 bytes at s as a number that orders as the bytes do. */
static uint64_t be64(const char *s)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | (unsigned char)s[i];
	return v;
}

/* Best first: by score, then newer first (the larger id); a tie on the
 * ids' first 16 bytes goes to the whole ids. */
static int cand_cmp(const struct alert_cache *ac, const struct cand *a, const struct cand *b)
{
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if (a->id_hi != b->id_hi)
		return a->id_hi < b->id_hi ? 1 : -1;
	if (a->id_lo != b->id_lo)
		return a->id_lo < b->id_lo ? 1 : -1;
	return strcmp(ac->e[b->idx].id, ac->e[a->idx].id);
}

/* The best `limit` candidates, best first, into cs->c[0..]; cs->n becomes
 * their count. One pass keeping them in order: limit is small. */
static void cands_best(const struct alert_cache *ac, struct cands *cs, int limit)
{
	int n = 0;
	for (int i = 0; i < cs->n; i++) {
		struct cand k = cs->c[i];
		const char *id = ac->e[k.idx].id;
		k.id_hi = be64(id);
		k.id_lo = be64(id + 8);
		int at = n;
		while (at > 0 && cand_cmp(ac, &cs->c[at - 1], &k) > 0)
			at--;
		if (at >= limit)
			continue;
		int last = n < limit ? n : limit - 1; /* the one that falls off, if any */
		memmove(&cs->c[at + 1], &cs->c[at], (size_t)(last - at) * sizeof(k));
		cs->c[at] = k;
		if (n < limit)
			n++;
	}
	cs->n = n;
}

static void put_double(struct buf *b, double v)
{
	char t[40];
	int n = snprintf(t, sizeof(t), "%.17g", v);
	buf_append(b, t, (size_t)n);
	if (!strpbrk(t, ".en"))
		buf_puts(b, ".0");
}

static void by_substance(const struct alert_cache *ac, const struct vis *v, uint32_t self,
			 struct cands *cs)
{
	const struct entry *a = &ac->e[self];
	for (uint32_t j = 0; j < a->nsubs && j < SUBS_PER_ALERT; j++) {
		if (a->lists[j] >= ac->nsubs)
			continue;
		const struct vec *x = &ac->subs[a->lists[j]];
		int taken = 0;
		for (uint32_t i = 0; i < x->n && taken < RELATED_PER_SUB; i++) {
			const struct entry *e = &ac->e[x->v[i]];
			if (x->v[i] == self || e->h.status == ST_RETRACTED || !vis_sees(v, &e->h))
				continue;
			struct cand *k = cand_get(cs, x->v[i]);
			if (!k)
				return;
			if (!(k->sub_mask & (1u << j))) {
				k->sub_mask |= 1u << j;
				k->score += 1.0;
			}
			taken++;
		}
	}
}

static void by_place_time(const struct alert_cache *ac, const struct vis *v, uint32_t self,
			  double km, int days, struct cands *cs)
{
	const struct entry *a = &ac->e[self];
	if (!(a->h.flags & HOT_LOC))
		return;
	int64_t from = a->from, to = a->to;
	if (!(a->h.flags & HOT_FROM))
		from = to = tr_now_ms();
	else if (!(a->h.flags & HOT_TO))
		to = from;
	int64_t window = (int64_t)days * 86400000LL;
	double dlat = km / 111.2, coslat = fmax(cos(a->lat * M_PI / 180), 0.01);
	double dlon = fmin(km / (111.2 * coslat), 180);
	int taken = 0;
	for (int cy = overlap_cell(a->lat - dlat, 90); cy <= overlap_cell(a->lat + dlat, 90); cy++)
		for (int cx = overlap_cell(a->lon - dlon, 180);
		     cx <= overlap_cell(a->lon + dlon, 180); cx++) {
			const struct vec *x = grid_find(&ac->grid, grid_key(a->h.category, cx, cy));
			for (uint32_t i = 0; x && i < x->n && taken < RELATED_NEAR; i++) {
				const struct entry *e = &ac->e[x->v[i]];
				int64_t end = (e->h.flags & HOT_TO)	? e->to
					      : (e->h.flags & HOT_FROM) ? e->from
									: e->created;
				int64_t start = (e->h.flags & HOT_FROM) ? e->from : e->created;
				if (x->v[i] == self || e->h.status == ST_RETRACTED ||
				    end < from - window || start > to + window ||
				    !vis_sees(v, &e->h))
					continue;
				double d = overlap_km(a->lat, a->lon, e->lat, e->lon);
				if (d > km)
					continue;
				struct cand *k = cand_get(cs, x->v[i]);
				if (!k)
					return;
				k->near = 1;
				k->km = d;
				k->score += 0.5 + 0.5 * (1 - d / km);
				taken++;
			}
		}
}

/* The anchor's substances by id and name, read before the lock is taken. */
struct sub_name {
	char id[37];
	char name[SUBSTANCE_NAME_MAX + 1];
};

static int substance_names(struct db_conn *c, json_t *ids, struct sub_name *names, int max)
{
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id)
	{
		if ((int)i >= max)
			break;
		snprintf(names[i].id, sizeof(names[i].id), "%s", json_string_value(id));
		int rc = substance_name_of(c, names[i].id, names[i].name, sizeof(names[i].name));
		if (rc)
			return rc;
	}
	return TR_OK;
}

static const char *name_of(const struct sub_name *names, const char *id)
{
	for (int i = 0; i < SUBS_PER_ALERT && names[i].id[0]; i++)
		if (strcmp(names[i].id, id) == 0)
			return names[i].name;
	return "";
}

static void related_write(struct alert_cache *ac, const struct entry *a,
			  const struct sub_name *names, int days, const struct cands *cs, int limit,
			  struct buf *out, struct need *nd)
{
	buf_puts(out, "[");
	for (int i = 0; i < cs->n && i < limit; i++) {
		const struct cand *k = &cs->c[i];
		const struct text *t = texts_get(ac, k->idx, nd);
		if (i)
			buf_puts(out, ",");
		buf_puts(out, "{\"alert\":");
		if (t)
			buf_append(out, t->s, t->len);
		buf_puts(out, ",\"score\":");
		put_double(out, k->score);
		buf_puts(out, ",\"reasons\":[");
		int first = 1;
		for (uint32_t j = 0; j < a->nsubs && j < SUBS_PER_ALERT; j++) {
			if (!(k->sub_mask & (1u << j)))
				continue;
			buf_puts(out, first ? "{\"kind\":\"substance\",\"substance_id\":"
					    : ",{\"kind\":\"substance\",\"substance_id\":");
			buf_json_str(out, ac->str.s[a->lists[j]]);
			buf_puts(out, ",\"detail\":");
			buf_json_str(out, name_of(names, ac->str.s[a->lists[j]]));
			buf_puts(out, "}");
			first = 0;
		}
		if (k->near) {
			char detail[160];
			snprintf(detail, sizeof(detail), "same category within %.1f km and %d days",
				 k->km, days);
			buf_puts(out, first ? "{\"kind\":\"near\",\"distance_km\":"
					    : ",{\"kind\":\"near\",\"distance_km\":");
			put_double(out, k->km);
			buf_puts(out, ",\"detail\":");
			buf_json_str(out, detail);
			buf_puts(out, "}");
		}
		buf_puts(out, "]}");
	}
	buf_puts(out, "]");
}

/* The anchor's substance ids, or NULL when it is not visible. */
static json_t *anchor_substances(struct alert_cache *ac, const struct caller *who,
				 const struct group_ids *g, const char *id)
{
	pthread_rwlock_rdlock(&ac->rw);
	struct vis v;
	vis_make(ac, who, g, &v);
	uint32_t self = model_find(ac, id);
	json_t *ids = NULL;
	if (self != UINT32_MAX && vis_sees(&v, &ac->e[self].h)) {
		ids = json_array();
		const struct entry *a = &ac->e[self];
		for (uint32_t j = 0; j < a->nsubs && j < SUBS_PER_ALERT; j++)
			json_array_append_new(ids, json_string(ac->str.s[a->lists[j]]));
	}
	pthread_rwlock_unlock(&ac->rw);
	return ids;
}

struct related_job {
	const struct caller *who;
	const struct group_ids *g;
	const char *id;
	double km;
	int days, limit;
	const struct sub_name *names;
	struct cands *cs;
	struct buf *out;
	size_t start;
};

static int related_body(struct alert_cache *ac, void *ctx, struct need *nd)
{
	struct related_job *j = ctx;
	query_rewind(j->out, j->start);
	j->cs->n = 0; /* (cands_best left the slots stale) */
	memset(j->cs->slot, 0, j->cs->nslot * sizeof(*j->cs->slot));
	struct vis v;
	vis_make(ac, j->who, j->g, &v);
	uint32_t self = model_find(ac, j->id);
	if (self == UINT32_MAX || !vis_sees(&v, &ac->e[self].h))
		return -TR_ERR_NOT_FOUND;
	by_substance(ac, &v, self, j->cs);
	by_place_time(ac, &v, self, j->km, j->days, j->cs);
	cands_best(ac, j->cs, j->limit);
	related_write(ac, &ac->e[self], j->names, j->days, j->cs, j->limit, j->out, nd);
	return nd->n ? nd->n : -j->out->err;
}

int alert_cache_related(struct db_conn *c, const struct caller *who, const char *id,
			double distance_km, int days, int limit, struct buf *out)
{
	struct alert_cache *ac;
	struct group_ids *g;
	struct sub_name *names = calloc(SUBS_PER_ALERT, sizeof(*names));
	/* cand_get clears each candidate it takes, related_body the slots */
	struct cands cs = {malloc(6000 * sizeof(struct cand)), 0, 6000,
			   malloc(8192 * sizeof(int32_t)), 8192};
	int rc = query_begin(c, who, &ac, &g);
	if (!rc && (!names || !cs.c || !cs.slot))
		rc = TR_ERR_NOMEM;
	json_t *subs = rc ? NULL : anchor_substances(ac, who, g, id);
	if (!rc && !subs)
		rc = TR_ERR_NOT_FOUND;
	if (!rc)
		rc = substance_names(c, subs, names, SUBS_PER_ALERT);
	if (!rc) {
		struct related_job j = {who,   g,     id,  distance_km, days,
					limit, names, &cs, out,		out->len};
		rc = texts_answer(c, ac, related_body, &j);
	}
	json_decref(subs);
	free(g);
	free(names);
	free(cs.c);
	free(cs.slot);
	return rc;
}
