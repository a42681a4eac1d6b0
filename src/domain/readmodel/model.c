#include "domain/readmodel/alerts.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "domain/overlap.h"
#include "domain/readmodel/model.h"
#include "domain/readmodel/texts.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBS_PER_ALERT 32   /* substances of one alert considered by related */
#define RELATED_PER_SUB 400 /* newest visible alerts taken per shared substance */
#define RELATED_NEAR 5000   /* alerts taken from the place and time window */

static void *ac_new(void)
{
	struct alert_cache *ac = calloc(1, sizeof(*ac));
	if (!ac)
		return NULL;
	pthread_rwlockattr_t at;
	pthread_rwlockattr_init(&at);
	pthread_rwlockattr_setkind_np(&at, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&ac->rw, &at);
	pthread_rwlockattr_destroy(&at);
	pthread_mutex_init(&ac->sync, NULL);
	atomic_store(&ac->seen, -1);
	const char *mb = getenv("TRELLIS_ALERT_TEXT_MB");
	ac->text_budget = (size_t)(mb && atol(mb) > 0 ? atol(mb) : 64) << 20;
	return ac;
}

static void entry_free(struct entry *e)
{
	free(e->lists);
	free(atomic_load(&e->text));
	free(e->terms);
	e->lists = NULL;
	atomic_store(&e->text, NULL);
	e->terms = NULL;
}

static void ac_free(void *p)
{
	struct alert_cache *ac = p;
	if (!ac)
		return;
	for (uint32_t i = 0; i < ac->n; i++)
		entry_free(&ac->e[i]);
	free(ac->e);
	free(ac->hot);
	free(ac->ids);
	free(ac->by_upd.v);
	free(ac->by_obs.v);
	for (uint32_t i = 0; i < ac->nsubs; i++)
		free(ac->subs[i].v);
	free(ac->subs);
	grid_free(&ac->grid);
	strtab_free(&ac->str);
	strtab_free(&ac->terms);
	for (uint32_t i = 0; i < ac->nposts; i++)
		plist_free(&ac->posts[i]);
	free(ac->posts);
	pthread_rwlock_destroy(&ac->rw);
	pthread_mutex_destroy(&ac->sync);
	free(ac);
}

struct alert_cache *model_of(struct db_conn *c)
{
	return db_ext(c, ac_new, ac_free);
}

int model_enum(const char *const *names, const char *v)
{
	for (int i = 0; v && names[i]; i++)
		if (strcmp(names[i], v) == 0)
			return i;
	return 255;
}

/* ---- ids ---- */

static uint32_t hash_str(const char *s)
{
	return tr_fnv1a(s, strlen(s));
}

uint32_t model_find(const struct alert_cache *ac, const char *id)
{
	if (!ac->nids)
		return UINT32_MAX;
	uint32_t m = ac->nids - 1;
	for (uint32_t i = hash_str(id) & m; ac->ids[i]; i = (i + 1) & m)
		if (strcmp(ac->e[ac->ids[i] - 1].id, id) == 0)
			return ac->ids[i] - 1;
	return UINT32_MAX;
}

static int id_add(struct alert_cache *ac, uint32_t idx)
{
	if ((ac->n + 1) * 2 > ac->nids) {
		uint32_t ns = ac->nids ? ac->nids * 2 : 1024;
		uint32_t *slot = calloc(ns, sizeof(*slot));
		if (!slot)
			return TR_ERR_NOMEM;
		for (uint32_t k = 0; k < ac->n; k++) {
			if (k == idx)
				continue;
			uint32_t i = hash_str(ac->e[k].id) & (ns - 1);
			while (slot[i])
				i = (i + 1) & (ns - 1);
			slot[i] = k + 1;
		}
		free(ac->ids);
		ac->ids = slot;
		ac->nids = ns;
	}
	uint32_t i = hash_str(ac->e[idx].id) & (ac->nids - 1);
	while (ac->ids[i])
		i = (i + 1) & (ac->nids - 1);
	ac->ids[i] = idx + 1;
	return TR_OK;
}

/* ---- list order: newest first by (key, id) ---- */

/* >0 when (k1, id1) comes before (k2, id2) in the list. */
static int order_cmp(int64_t k1, const char *id1, int64_t k2, const char *id2)
{
	if (k1 != k2)
		return k1 > k2 ? 1 : -1;
	return strcmp(id1, id2);
}

uint32_t model_seek(const struct alert_cache *ac, const struct vec *o, int obs, int64_t k,
		    const char *id, int strict)
{
	uint32_t lo = 0, hi = o->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct entry *e = &ac->e[o->v[mid]];
		int c = order_cmp(model_key(e, obs), e->id, k, id);
		if (c > 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void order_remove(struct alert_cache *ac, struct vec *o, int obs, uint32_t idx)
{
	const struct entry *e = &ac->e[idx];
	uint32_t at = model_seek(ac, o, obs, model_key(e, obs), e->id, 0);
	if (at < o->n && o->v[at] == idx) {
		memmove(o->v + at, o->v + at + 1, (o->n - at - 1) * sizeof(*o->v));
		o->n--;
	}
}

static int order_insert(struct alert_cache *ac, struct vec *o, int obs, uint32_t idx)
{
	const struct entry *e = &ac->e[idx];
	return vec_insert(o, model_seek(ac, o, obs, model_key(e, obs), e->id, 0), idx);
}

static _Thread_local const struct alert_cache *sort_ac;
static _Thread_local int sort_obs;

static int sort_cmp(const void *x, const void *y)
{
	const struct entry *a = &sort_ac->e[*(const uint32_t *)x];
	const struct entry *b = &sort_ac->e[*(const uint32_t *)y];
	return order_cmp(model_key(b, sort_obs), b->id, model_key(a, sort_obs), a->id);
}

/* ---- substance lists: newest id first ---- */

static struct vec *subs_of(struct alert_cache *ac, uint32_t sid)
{
	void *v = ac->subs;
	if (grow_zeroed(&v, &ac->nsubs, sid, 64, sizeof(*ac->subs)))
		return NULL;
	ac->subs = v;
	return &ac->subs[sid];
}

static int subs_insert(struct alert_cache *ac, struct vec *x, uint32_t idx)
{
	uint32_t lo = 0, hi = x->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(ac->e[x->v[mid]].id, ac->e[idx].id) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return vec_insert(x, lo, idx);
}

/* ---- grid ---- */

static uint64_t entry_cell(const struct entry *e)
{
	return grid_key(e->h.category, overlap_cell(e->lon, 180), overlap_cell(e->lat, 90));
}

/* ---- applying rows ---- */

/* A term in at least 1/64 of the entries (and 256) gets a bitmap: it is
 * then no larger than its list. */
static int bits_maybe(struct alert_cache *ac, struct plist *l)
{
	if (l->bits || l->n < 256 || (uint64_t)l->n * 64 < ac->n || !ac->bit_words)
		return TR_OK;
	return plist_bits_make(l, ac->bit_words);
}

/* Every bitmap covers the capacity of the entries array. */
static int bits_grow(struct alert_cache *ac)
{
	uint32_t words = (ac->cap + 63) / 64;
	if (words <= ac->bit_words)
		return TR_OK;
	for (uint32_t t = 0; t < ac->nposts; t++)
		if (plist_bits_grow(&ac->posts[t], ac->bit_words, words))
			return TR_ERR_NOMEM;
	ac->bit_words = words;
	return TR_OK;
}

/* Links entry idx into the orders (unless bulk), substance lists and grid. */
static int entry_link(struct alert_cache *ac, uint32_t idx, int bulk)
{
	struct entry *e = &ac->e[idx];
	int rc = TR_OK;
	if (bulk) {
		rc = vec_insert(&ac->by_upd, ac->by_upd.n, idx);
		if (!rc)
			rc = vec_insert(&ac->by_obs, ac->by_obs.n, idx);
	} else {
		rc = order_insert(ac, &ac->by_upd, 0, idx);
		if (!rc)
			rc = order_insert(ac, &ac->by_obs, 1, idx);
	}
	for (uint32_t i = 0; !rc && i < e->nsubs; i++) {
		struct vec *x = subs_of(ac, e->lists[i]);
		rc = !x ? TR_ERR_NOMEM : bulk ? vec_insert(x, x->n, idx) : subs_insert(ac, x, idx);
	}
	if (!rc && (e->h.flags & HOT_LOC)) {
		struct vec *x = grid_get(&ac->grid, entry_cell(e));
		rc = x ? vec_insert(x, x->n, idx) : TR_ERR_NOMEM;
	}
	for (uint32_t i = 0; !rc && i < e->nterms; i++) {
		uint32_t t = e->terms[i].term;
		void *v = ac->posts;
		if (grow_zeroed(&v, &ac->nposts, t, 1024, sizeof(*ac->posts)))
			return TR_ERR_NOMEM;
		ac->posts = v;
		rc = plist_insert(&ac->posts[t], idx, e->terms[i].n);
		if (!rc && !bulk)
			rc = bits_maybe(ac, &ac->posts[t]);
	}
	ac->total_len += e->h.dl;
	if (e->h.dist == DIST_SHARING_GROUP)
		ac->group_rows++;
	return rc;
}

static void entry_unlink(struct alert_cache *ac, uint32_t idx)
{
	struct entry *e = &ac->e[idx];
	order_remove(ac, &ac->by_upd, 0, idx);
	order_remove(ac, &ac->by_obs, 1, idx);
	for (uint32_t i = 0; i < e->nsubs; i++)
		if (e->lists[i] < ac->nsubs)
			vec_remove_value(&ac->subs[e->lists[i]], idx);
	struct vec *x = (e->h.flags & HOT_LOC) ? grid_find(&ac->grid, entry_cell(e)) : NULL;
	if (x)
		vec_remove_value(x, idx);
	for (uint32_t i = 0; i < e->nterms; i++)
		if (e->terms[i].term < ac->nposts)
			plist_remove(&ac->posts[e->terms[i].term], idx);
	ac->total_len -= e->h.dl;
	if (e->h.dist == DIST_SHARING_GROUP)
		ac->group_rows--;
}

/* A JSON array of strings, interned into out; returns the count. */
static uint32_t intern_list(struct strtab *t, const char *json, uint32_t *out, uint32_t max)
{
	json_t *a = json_loads(json ? json : "[]", 0, NULL);
	uint32_t n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		uint32_t id = strtab_add(t, json_string_value(v));
		if (id && n < max)
			out[n++] = id;
	}
	json_decref(a);
	return n;
}

static uint32_t json_count(const char *json)
{
	uint32_t n = 0;
	for (const char *p = json; p && *p; p++)
		n += *p == ',';
	return n + 1;
}

static int tf_by_term(const void *x, const void *y)
{
	uint32_t a = ((const struct tf *)x)->term, b = ((const struct tf *)y)->term;
	return a < b ? -1 : a > b;
}

/* The space-separated terms as (term, frequency) pairs. */
static int terms_read(struct strtab *t, const char *text, struct entry *e)
{
	uint32_t cap = 0;
	for (const char *p = text; p && *p; p++)
		cap += *p == ' ';
	if (!text || !*text)
		return TR_OK;
	struct tf *v = malloc((cap + 1) * sizeof(*v));
	if (!v)
		return TR_ERR_NOMEM;
	uint32_t n = 0;
	char word[256];
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (!len)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		p += len;
		uint32_t id = strtab_add(t, word);
		if (!id) {
			free(v);
			return TR_ERR_NOMEM;
		}
		v[n++] = (struct tf){id, 1};
	}
	e->h.dl = n;
	qsort(v, n, sizeof(*v), tf_by_term);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (k && v[k - 1].term == v[i].term)
			v[k - 1].n++;
		else
			v[k++] = v[i];
	}
	e->terms = v;
	e->nterms = k;
	return TR_OK;
}

/* A row read as an entry (not yet linked), with its text when with_text.
 * Interning happens under the write lock, so the caller holds it. */
static int entry_read(struct alert_cache *ac, struct db_stmt *s, struct entry *e, int with_text)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", db_col_text(s, 0));
	e->h.org = strtab_add(&ac->str, db_col_text(s, 1));
	snprintf(e->h.country, sizeof(e->h.country), "%s",
		 db_col_text(s, 2) ? db_col_text(s, 2) : "");
	e->h.category = (uint8_t)model_enum(alert_categories, db_col_text(s, 7));
	e->h.status = (uint8_t)model_enum(alert_statuses, db_col_text(s, 8));
	e->h.dist = (uint8_t)model_enum(acl_distributions, db_col_text(s, 10));
	e->h.group = strtab_add(&ac->str, db_col_text(s, 11));
	e->h.tlp = (uint8_t)model_enum(acl_tlps, db_col_text(s, 12));
	if (!db_col_is_null(s, 13) && !db_col_is_null(s, 14))
		e->h.flags |= HOT_LOC;
	e->lat = db_col_double(s, 13);
	e->lon = db_col_double(s, 14);
	if (!db_col_is_null(s, 17))
		e->h.flags |= HOT_FROM;
	e->from = db_col_int64(s, 17);
	if (!db_col_is_null(s, 18))
		e->h.flags |= HOT_TO;
	e->to = db_col_int64(s, 18);
	e->created = db_col_int64(s, 25);
	e->updated = db_col_int64(s, 26);
	e->seq = db_col_int64(s, 29);
	uint32_t cap = json_count(db_col_text(s, 23)) + json_count(db_col_text(s, 21)) +
		       json_count(db_col_text(s, 22));
	e->lists = malloc(cap * sizeof(*e->lists));
	struct text *t = with_text ? texts_render(s) : NULL;
	if (!e->lists || (with_text && !t)) {
		free(t);
		entry_free(e);
		return TR_ERR_NOMEM;
	}
	atomic_store(&e->text, t);
	atomic_store(&e->ref, 1);
	e->nsubs = intern_list(&ac->str, db_col_text(s, 23), e->lists, cap);
	e->ntags = intern_list(&ac->str, db_col_text(s, 21), e->lists + e->nsubs, cap - e->nsubs);
	e->nctry = intern_list(&ac->str, db_col_text(s, 22), e->lists + e->nsubs + e->ntags,
			       cap - e->nsubs - e->ntags);
	int rc = terms_read(&ac->terms, db_col_text(s, 30), e);
	if (rc)
		entry_free(e);
	return rc;
}

static int entry_put(struct alert_cache *ac, struct entry *ne, int bulk)
{
	uint32_t idx = model_find(ac, ne->id);
	atomic_fetch_add(&ac->text_bytes, texts_size(ne));
	if (idx != UINT32_MAX) {
		entry_unlink(ac, idx);
		atomic_fetch_sub(&ac->text_bytes, texts_size(&ac->e[idx]));
		entry_free(&ac->e[idx]);
		ac->e[idx] = *ne;
		ac->hot[idx] = ne->h;
		return entry_link(ac, idx, 0);
	}
	if (ac->n == ac->cap) {
		uint32_t nc = ac->cap ? ac->cap * 2 : 1024;
		struct entry *v = realloc(ac->e, nc * sizeof(*v));
		if (!v)
			return TR_ERR_NOMEM;
		ac->e = v;
		struct hot *h = realloc(ac->hot, nc * sizeof(*h));
		if (!h)
			return TR_ERR_NOMEM;
		ac->hot = h;
		ac->cap = nc;
		if (bits_grow(ac))
			return TR_ERR_NOMEM;
	}
	idx = ac->n;
	ac->e[idx] = *ne;
	ac->hot[idx] = ne->h;
	int rc = id_add(ac, idx);
	if (rc)
		return rc;
	ac->n++;
	return entry_link(ac, idx, bulk);
}

static int subs_cmp(const void *x, const void *y)
{
	return strcmp(sort_ac->e[*(const uint32_t *)y].id, sort_ac->e[*(const uint32_t *)x].id);
}

static void bulk_sort(struct alert_cache *ac)
{
	sort_ac = ac;
	sort_obs = 0;
	vec_sort(&ac->by_upd, sort_cmp);
	sort_obs = 1;
	vec_sort(&ac->by_obs, sort_cmp);
	for (uint32_t i = 0; i < ac->nsubs; i++)
		vec_sort(&ac->subs[i], subs_cmp);
}

static int bulk_bits(struct alert_cache *ac)
{
	int rc = TR_OK;
	for (uint32_t t = 0; !rc && t < ac->nposts; t++)
		rc = bits_maybe(ac, &ac->posts[t]);
	return rc;
}

void alert_cache_stats(struct db_conn *c, long *alerts, long *texts, size_t *bytes, size_t *budget)
{
	struct alert_cache *ac = model_of(c);
	*alerts = *texts = 0;
	*bytes = *budget = 0;
	if (!ac)
		return;
	pthread_rwlock_rdlock(&ac->rw);
	*alerts = ac->n;
	for (uint32_t i = 0; i < ac->n; i++)
		*texts += atomic_load(&ac->e[i].text) != NULL;
	*bytes = atomic_load(&ac->text_bytes);
	*budget = ac->text_budget;
	pthread_rwlock_unlock(&ac->rw);
}

static int seq_now(struct db_conn *c, int64_t *n)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT n FROM alert_seq WHERE id = 1", &s);
	if (rc)
		return rc;
	rc = db_step(s);
	*n = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

/* Loads the rows stamped after `after`, under the write lock. A failure
 * leaves the model as it was before the failing row; the next call loads
 * from the same number again. */
static int load(struct db_conn *c, struct alert_cache *ac, int64_t after, int64_t *high)
{
	/* the search terms: SQLite keeps them in the FTS table, PostgreSQL
	 * beside its tsvector; a first load numbers the alerts in the order
	 * they were made, later ones add what changed */
	static const char *const sql[2][2] = {
	    {"SELECT " ALERT_COLS ", a.seq, f.terms FROM alerts a " DB_ACL_EXEMPT
	     " LEFT JOIN search_docs d ON d.doc_type = 'alert' AND d.doc_id = a.id"
	     " LEFT JOIN search_fts f ON f.rowid = d.id WHERE a.seq > ? ORDER BY a.seq",
	     "SELECT " ALERT_COLS ", a.seq, f.terms FROM alerts a " DB_ACL_EXEMPT
	     " LEFT JOIN search_docs d ON d.doc_type = 'alert' AND d.doc_id = a.id"
	     " LEFT JOIN search_fts f ON f.rowid = d.id WHERE a.seq > ? ORDER BY a.id"},
	    {"SELECT " ALERT_COLS ", a.seq, d.terms FROM alerts a " DB_ACL_EXEMPT
	     " LEFT JOIN search_docs d ON d.doc_type = 'alert' AND d.doc_id = a.id"
	     " WHERE a.seq > ? ORDER BY a.seq",
	     "SELECT " ALERT_COLS ", a.seq, d.terms FROM alerts a " DB_ACL_EXEMPT
	     " LEFT JOIN search_docs d ON d.doc_type = 'alert' AND d.doc_id = a.id"
	     " WHERE a.seq > ? ORDER BY a.id"}};
	int bulk = ac->n == 0;
	struct db_stmt *s;
	int rc = db_prepare(c, sql[db_conn_engine(c) == DB_POSTGRES][bulk], &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, after);
	pthread_rwlock_wrlock(&ac->rw);
	while ((rc = db_step(s)) == DB_ROW) {
		struct entry ne;
		if ((rc = entry_read(ac, s, &ne, !bulk)))
			break;
		if ((rc = entry_put(ac, &ne, bulk))) {
			entry_free(&ne);
			break;
		}
		if (ne.seq > *high)
			*high = ne.seq;
	}
	if (bulk) {
		bulk_sort(ac);
		int brc = bulk_bits(ac);
		if (!rc || rc == DB_DONE)
			rc = brc ? brc : rc;
	}
	texts_evict(ac);
	pthread_rwlock_unlock(&ac->rw);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int alert_cache_sync(struct db_conn *c)
{
	struct alert_cache *ac = model_of(c);
	if (!ac)
		return TR_ERR_NOMEM;
	int64_t n;
	int rc = seq_now(c, &n);
	if (rc)
		return rc;
	int64_t seen = atomic_load(&ac->seen);
	if (seen >= 0 && seen >= n)
		return TR_OK;
	pthread_mutex_lock(&ac->sync);
	seen = atomic_load(&ac->seen);
	if (seen < 0 || seen < n) {
		int64_t high = n;
		rc = load(c, ac, seen, &high);
		if (!rc)
			atomic_store(&ac->seen, high);
	}
	pthread_mutex_unlock(&ac->sync);
	return rc;
}

/* ---- reading ---- */

/* The caller as the model sees it: its organisation and sharing groups
 * interned. */
struct vis {
	const struct caller *who;
	uint32_t org;
	uint32_t groups[256];
	int ngroups;
};

/* The caller's groups, read before the lock is taken. */
struct group_ids {
	char id[256][37];
	int n;
};

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

/* What every answer does first: the model brought up to date and the
 * caller's groups read. *g is the caller's to free, also on failure. */
static int answer_begin(struct db_conn *c, const struct caller *who, struct alert_cache **ac,
			struct group_ids **g)
{
	*g = NULL;
	if (!(*ac = model_of(c)) || !(*g = malloc(sizeof(**g))))
		return TR_ERR_NOMEM;
	int rc = alert_cache_sync(c);
	return rc ? rc : groups_read(c, *ac, who, *g);
}

/* Under the read lock. */
static void vis_make(const struct alert_cache *ac, const struct caller *who,
		     const struct group_ids *g, struct vis *v)
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

static int visible(const struct vis *v, const struct hot *e)
{
	bool own = v->org && e->org == v->org;
	if (e->status == ST_DRAFT && !own)
		return 0;
	bool in_group = false;
	for (int i = 0; e->dist == DIST_SHARING_GROUP && e->group && i < v->ngroups; i++)
		in_group |= v->groups[i] == e->group;
	return acl_row_visible(v->who, own, (enum distribution)e->dist, e->country, in_group);
}

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
	int status, category, tlp;
	uint32_t org, substance, country, tag;
};

static void want_make(const struct alert_cache *ac, const struct alert_filter *f, struct want *w)
{
	memset(w, 0, sizeof(*w));
	w->status = f->status ? model_enum(alert_statuses, f->status) : -1;
	w->category = f->category ? model_enum(alert_categories, f->category) : -1;
	w->tlp = f->tlp ? model_enum(acl_tlps, f->tlp) : -1;
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
	if ((w->substance && !has_id(e->lists, e->nsubs, w->substance)) ||
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

/* Rewinds out to where the answer starts (a body runs again when it lacked
 * a text). */
static void rewind_to(struct buf *out, size_t start)
{
	out->len = start;
	if (out->data)
		out->data[start] = '\0';
}

static int list_body(struct alert_cache *ac, void *ctx, struct need *nd)
{
	struct list_job *j = ctx;
	const struct alert_filter *f = j->f;
	struct buf *out = j->out;
	rewind_to(out, j->start);
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
		if (!visible(&v, h) || !hot_matches(f, &w, h))
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
	int rc = answer_begin(c, who, &ac, &g);
	if (!rc) {
		struct list_job j = {who, g, f, after, limit, out, out->len, next_key};
		rc = texts_answer(c, ac, list_body, &j);
	}
	free(g);
	return rc;
}

/* ---- related ---- */

struct cand {
	uint32_t idx;
	uint32_t sub_mask; /* which of the anchor's substances it shares */
	int near;
	double km, score;
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

static _Thread_local const struct alert_cache *cand_ac;

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return strcmp(cand_ac->e[b->idx].id, cand_ac->e[a->idx].id); /* newer first */
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
			if (x->v[i] == self || e->h.status == ST_RETRACTED || !visible(v, &e->h))
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
				    !visible(v, &e->h))
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
	char name[201];
};

static int substance_names(struct db_conn *c, json_t *ids, struct sub_name *names, int max)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT name FROM substances WHERE id = ?", &s);
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id)
	{
		if (rc || (int)i >= max)
			break;
		snprintf(names[i].id, sizeof(names[i].id), "%s", json_string_value(id));
		db_bind_text(s, 1, json_string_value(id));
		int r = db_step(s);
		if (r == DB_ROW)
			snprintf(names[i].name, sizeof(names[i].name), "%s", db_col_text(s, 0));
		else if (r != DB_DONE)
			rc = r;
		db_done(s);
	}
	return rc;
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
	if (self != UINT32_MAX && visible(&v, &ac->e[self].h)) {
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
	rewind_to(j->out, j->start);
	if (j->cs->n) {
		j->cs->n = 0;
		memset(j->cs->slot, 0, j->cs->nslot * sizeof(*j->cs->slot));
	}
	struct vis v;
	vis_make(ac, j->who, j->g, &v);
	uint32_t self = model_find(ac, j->id);
	if (self == UINT32_MAX || !visible(&v, &ac->e[self].h))
		return -TR_ERR_NOT_FOUND;
	by_substance(ac, &v, self, j->cs);
	by_place_time(ac, &v, self, j->km, j->days, j->cs);
	cand_ac = ac;
	qsort(j->cs->c, (size_t)j->cs->n, sizeof(*j->cs->c), cand_cmp);
	related_write(ac, &ac->e[self], j->names, j->days, j->cs, j->limit, j->out, nd);
	return nd->n ? nd->n : -j->out->err;
}

int alert_cache_related(struct db_conn *c, const struct caller *who, const char *id,
			double distance_km, int days, int limit, struct buf *out)
{
	struct alert_cache *ac;
	struct group_ids *g;
	struct sub_name *names = calloc(SUBS_PER_ALERT, sizeof(*names));
	struct cands cs = {calloc(6000, sizeof(struct cand)), 0, 6000,
			   calloc(8192, sizeof(int32_t)), 8192};
	int rc = answer_begin(c, who, &ac, &g);
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

/* ---- search ---- */

/* One term of the query, with two cursors walking down its postings: one
 * for the driving word's walk, one for lookups at descending entries. */
struct qterm {
	const struct plist *l;
	int64_t dpos, pos; /* -1 when done */
	double idf;
};

struct qword {
	struct qterm *t;
	int n;
	uint64_t df; /* postings of all its terms */
};

/* The term's frequency in entry idx (0 when absent); idx only decreases
 * from call to call, so the cursor gallops down from where it was. */
static uint32_t tf_at(struct qterm *t, uint32_t idx)
{
	const uint32_t *v = t->l->v;
	if (t->l->bits && !((t->l->bits[idx / 64] >> (idx % 64)) & 1))
		return 0;
	if (t->pos < 0)
		return 0;
	if (v[t->pos] > idx) {
		int64_t hi = t->pos, step = 1, lo = hi - 1;
		while (lo >= 0 && v[lo] > idx) {
			hi = lo;
			step *= 2;
			lo = hi - step;
		}
		if (lo < 0)
			lo = -1;
		while (hi - lo > 1) { /* v[lo] <= idx (or lo = -1) < v[hi] */
			int64_t mid = lo + (hi - lo) / 2;
			if (v[mid] > idx)
				hi = mid;
			else
				lo = mid;
		}
		t->pos = lo;
	}
	return t->pos >= 0 && v[t->pos] == idx ? t->l->tf[t->pos] : 0;
}

/* The driving word's next entry index walking down, advancing past it;
 * -1 when done. */
static int64_t driver_next(struct qword *d)
{
	int64_t best = -1;
	for (int i = 0; i < d->n; i++)
		if (d->t[i].dpos >= 0 && (int64_t)d->t[i].l->v[d->t[i].dpos] > best)
			best = d->t[i].l->v[d->t[i].dpos];
	for (int i = 0; best >= 0 && i < d->n; i++)
		if (d->t[i].dpos >= 0 && (int64_t)d->t[i].l->v[d->t[i].dpos] == best)
			d->t[i].dpos--;
	return best;
}

/* Appends the JSON string value after pat (,"key":") in an object this
 * module wrote: a quote inside a value is always escaped, so pat only
 * matches a key. */
static void field_copy(const char *text, const char *pat, struct buf *out)
{
	const char *p = strstr(text, pat);
	if (!p)
		return;
	for (p += strlen(pat); *p && *p != '"'; p++) {
		if (*p != '\\') {
			size_t run = strcspn(p, "\"\\");
			buf_append(out, p, run);
			p += run - 1;
			continue;
		}
		p++;
		char ch = *p == 'n'   ? '\n'
			  : *p == 't' ? '\t'
			  : *p == 'r' ? '\r'
			  : *p == 'b' ? '\b'
			  : *p == 'f' ? '\f'
				      : *p;
		if (*p != 'u') {
			if (*p)
				buf_append(out, &ch, 1);
			else
				break;
			continue;
		}
		unsigned cp = 0;
		for (int i = 1; i <= 4 && p[i]; i++)
			cp =
			    cp * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' : (p[i] | 32) - 'a' + 10);
		p += 4;
		if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
			unsigned lo = 0;
			for (int i = 3; i <= 6 && p[i]; i++)
				lo = lo * 16 +
				     (unsigned)(p[i] <= '9' ? p[i] - '0' : (p[i] | 32) - 'a' + 10);
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		}
		char u[4];
		int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n == 1)
			u[0] = (char)cp;
		else if (n == 2)
			u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F));
		else if (n == 3)
			u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
			u[2] = (char)(0x80 | (cp & 0x3F));
		else
			u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
			u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F));
		buf_append(out, u, (size_t)n);
	}
}

struct scored {
	uint32_t idx;
	double rank;
};

/* Keeps the best `limit` in hits[0..*n), best first (rank, then newer). */
static void keep_best(struct scored *best, int limit, int *n, uint32_t idx, double rank)
{
	int at = *n;
	while (at > 0 &&
	       (best[at - 1].rank < rank || (best[at - 1].rank == rank && best[at - 1].idx < idx)))
		at--;
	if (at >= limit)
		return;
	int last = *n < limit ? *n : limit - 1;
	memmove(best + at + 1, best + at, (size_t)(last - at) * sizeof(*best));
	best[at] = (struct scored){idx, rank};
	if (*n < limit)
		(*n)++;
}

/* Every term's frequency has been looked up at e (cursors sit on it). */
#define BM25_K1 1.2
#define BM25_B 0.75

/* inv_avg: the number of entries over their total length. */
static double bm25(struct qword *words, int nwords, const struct hot *e, uint32_t idx,
		   double inv_avg)
{
	const double k1 = BM25_K1, b = BM25_B;
	double norm = k1 * (1 - b) + k1 * b * e->dl * inv_avg, score = 0;
	for (int w = 0; w < nwords; w++)
		for (int i = 0; i < words[w].n; i++) {
			double tf = tf_at(&words[w].t[i], idx);
			if (tf > 0)
				score += words[w].t[i].idf * tf * (k1 + 1) / (tf + norm);
		}
	return score;
}

/* Under the read lock: the best hits among the newest visible matches.
 * The word with the fewest postings drives; the others are looked up at
 * each of its entries (a bitmap answers most misses at once). */
static int search_locked(struct alert_cache *ac, const struct vis *v, const struct alert_qword *q,
			 int nwords, int limit, struct alert_hit *hits, int *nhits, struct need *nd)
{
	int total = 0;
	for (int w = 0; w < nwords; w++)
		total += q[w].n;
	struct qterm *terms = calloc((size_t)total + 1, sizeof(*terms));
	struct qword *words = calloc((size_t)nwords + 1, sizeof(*words));
	struct scored *best = calloc((size_t)limit + 1, sizeof(*best));
	if (!terms || !words || !best) {
		free(terms);
		free(words);
		free(best);
		return TR_ERR_NOMEM;
	}
	int k = 0, empty = 0, driver = 0;
	for (int w = 0; w < nwords; w++) {
		words[w].t = terms + k;
		for (int i = 0; i < q[w].n; i++) {
			uint32_t id = strtab_find(&ac->terms, q[w].alts[i]);
			const struct plist *l = id && id < ac->nposts ? &ac->posts[id] : NULL;
			if (!l || !l->n)
				continue;
			double df = l->n, idf = log((ac->n - df + 0.5) / (df + 0.5));
			terms[k++] = (struct qterm){l, (int64_t)l->n - 1, (int64_t)l->n - 1,
						    idf > 1e-6 ? idf : 1e-6};
			words[w].n++;
			words[w].df += l->n;
		}
		empty |= words[w].n == 0;
		if (words[w].df < words[driver].df)
			driver = w;
	}
	int n = 0, seen = 0;
	int64_t idx;
	double inv_avg = ac->total_len ? (double)ac->n / (double)ac->total_len : 1;
	while (!empty && seen < ALERT_SEARCH_WINDOW && (idx = driver_next(&words[driver])) >= 0) {
		int all = 1;
		for (int w = 0; all && w < nwords; w++) {
			if (w == driver)
				continue;
			int any = 0;
			for (int i = 0; i < words[w].n; i++)
				any |= tf_at(&words[w].t[i], (uint32_t)idx) > 0;
			all = any;
		}
		const struct hot *h = &ac->hot[idx];
		if (!all || !visible(v, h))
			continue;
		keep_best(best, limit, &n, (uint32_t)idx,
			  bm25(words, nwords, h, (uint32_t)idx, inv_avg));
		seen++;
	}
	int rc = TR_OK, k2 = 0;
	for (int i = 0; i < n; i++) {
		const struct text *tx = texts_get(ac, best[i].idx, nd);
		if (!tx)
			continue;
		struct buf t, x;
		buf_init(&t, 1u << 20);
		buf_init(&x, 1u << 22);
		field_copy(tx->s, ",\"title\":\"", &t);
		buf_append(&x, t.data ? t.data : "", t.len);
		buf_puts(&x, "\n");
		field_copy(tx->s, ",\"summary\":\"", &x);
		buf_puts(&x, "\n");
		field_copy(tx->s, ",\"body\":\"", &x);
		struct alert_hit *h = &hits[k2++];
		memcpy(h->id, ac->e[best[i].idx].id, sizeof(h->id));
		h->rank = best[i].rank;
		h->title = t.data ? buf_detach(&t, NULL) : strdup("");
		h->text = buf_detach(&x, NULL);
		if (!h->title || !h->text)
			rc = TR_ERR_NOMEM;
	}
	*nhits = k2;
	free(terms);
	free(words);
	free(best);
	return rc;
}

struct search_job {
	const struct caller *who;
	const struct group_ids *g;
	const struct alert_qword *words;
	int nwords, limit;
	struct alert_hit *hits;
	int *n;
};

static int search_body(struct alert_cache *ac, void *ctx, struct need *nd)
{
	struct search_job *j = ctx;
	alert_hits_free(j->hits, *j->n);
	*j->n = 0;
	struct vis v;
	vis_make(ac, j->who, j->g, &v);
	int rc = search_locked(ac, &v, j->words, j->nwords, j->limit, j->hits, j->n, nd);
	return rc ? -rc : nd->n;
}

int alert_cache_search(struct db_conn *c, const struct caller *who, const struct alert_qword *words,
		       int nwords, int limit, struct alert_hit *hits, int *n)
{
	*n = 0;
	struct alert_cache *ac;
	struct group_ids *g;
	int rc = answer_begin(c, who, &ac, &g);
	if (!rc && nwords > 0 && limit > 0) {
		struct search_job j = {who, g, words, nwords, limit, hits, n};
		rc = texts_answer(c, ac, search_body, &j);
		if (rc) {
			alert_hits_free(hits, *n);
			*n = 0;
		}
	}
	free(g);
	return rc;
}

void alert_hits_free(struct alert_hit *hits, int n)
{
	for (int i = 0; i < n; i++) {
		free(hits[i].title);
		free(hits[i].text);
		hits[i].title = hits[i].text = NULL;
	}
}
