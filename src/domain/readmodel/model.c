/* The read model's entries: each alert row read into an entry and linked
 * into the indexes (list orders, substance lists, grid, postings); the
 * first load in bulk, then each sync by change number (alert_seq). */
#include "domain/readmodel/alerts.h"
#include "core/array.h"
#include "core/err.h"
#include "domain/overlap.h"
#include "domain/readmodel/model.h"
#include "domain/readmodel/texts.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	ac->text_budget = ALERT_TEXT_BUDGET_DEFAULT;
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

uint32_t model_find(const struct alert_cache *ac, const char *id)
{
	if (!ac->nids)
		return UINT32_MAX;
	uint32_t m = ac->nids - 1;
	for (uint32_t i = str_hash(id) & m; ac->ids[i]; i = (i + 1) & m)
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
			uint32_t i = str_hash(ac->e[k].id) & (ns - 1);
			while (slot[i])
				i = (i + 1) & (ns - 1);
			slot[i] = k + 1;
		}
		free(ac->ids);
		ac->ids = slot;
		ac->nids = ns;
	}
	uint32_t i = str_hash(ac->e[idx].id) & (ac->nids - 1);
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
	int df = alert_drug_form_col(s);
	e->form = (uint8_t)model_enum(alert_drug_forms, df >= 0 ? db_col_text(s, df) : NULL);
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
		/* the entries and their hot parts share one capacity */
		size_t nc = tr_array_cap(ac->cap, (size_t)ac->n + 1, sizeof(*ac->e), 1024);
		if (!nc || nc >= UINT32_MAX ||
		    tr_array_resize((void **)&ac->e, nc, sizeof(*ac->e)) ||
		    tr_array_resize((void **)&ac->hot, nc, sizeof(*ac->hot)))
			return TR_ERR_NOMEM;
		ac->cap = (uint32_t)nc;
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
	int rc = db_int_vals(c, "SELECT n FROM alert_seq WHERE id = 1", NULL, 0, n);
	if (rc)
		*n = 0;
	return rc == TR_ERR_NOT_FOUND ? TR_OK : rc;
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
	    {"SELECT " ALERT_COLS ", a.seq, f.terms, " ALERT_DRUG_FORM_COL
	     " FROM alerts a " DB_ACL_EXEMPT
	     " LEFT JOIN search_docs d ON d.doc_type = 'alert' AND d.doc_id = a.id"
	     " LEFT JOIN search_fts f ON f.rowid = d.id WHERE a.seq > ? ORDER BY a.seq",
	     "SELECT " ALERT_COLS ", a.seq, f.terms, " ALERT_DRUG_FORM_COL
	     " FROM alerts a " DB_ACL_EXEMPT
	     " LEFT JOIN search_docs d ON d.doc_type = 'alert' AND d.doc_id = a.id"
	     " LEFT JOIN search_fts f ON f.rowid = d.id WHERE a.seq > ? ORDER BY a.id"},
	    {"SELECT " ALERT_COLS ", a.seq, d.terms, " ALERT_DRUG_FORM_COL
	     " FROM alerts a " DB_ACL_EXEMPT
	     " LEFT JOIN search_docs d ON d.doc_type = 'alert' AND d.doc_id = a.id"
	     " WHERE a.seq > ? ORDER BY a.seq",
	     "SELECT " ALERT_COLS ", a.seq, d.terms, " ALERT_DRUG_FORM_COL
	     " FROM alerts a " DB_ACL_EXEMPT
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
	int64_t n;
	int rc = seq_now(c, &n);
	return rc ? rc : alert_cache_sync_to(c, n);
}

int alert_cache_sync_to(struct db_conn *c, int64_t n)
{
	struct alert_cache *ac = model_of(c);
	if (!ac)
		return TR_ERR_NOMEM;
	int rc = TR_OK;
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
