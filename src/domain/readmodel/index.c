#include "domain/readmodel/index.h"
#include "core/err.h"

#include <string.h>

/* ---- interned strings ---- */

uint32_t strtab_find(const struct strtab *t, const char *s)
{
	if (!s || !t->nslot)
		return 0;
	uint32_t m = t->nslot - 1;
	for (uint32_t i = str_hash(s) & m; t->slot[i]; i = (i + 1) & m)
		if (strcmp(t->s[t->slot[i]], s) == 0)
			return t->slot[i];
	return 0;
}

uint32_t strtab_add(struct strtab *t, const char *s)
{
	uint32_t id = strtab_find(t, s);
	if (id || !s)
		return id;
	if ((t->n + 1) * 2 > t->nslot) {
		uint32_t ns = t->nslot ? t->nslot * 2 : 256;
		uint32_t *slot = calloc(ns, sizeof(*slot));
		if (!slot)
			return 0;
		for (uint32_t k = 1; k < t->n; k++) {
			uint32_t i = str_hash(t->s[k]) & (ns - 1);
			while (slot[i])
				i = (i + 1) & (ns - 1);
			slot[i] = k;
		}
		free(t->slot);
		t->slot = slot;
		t->nslot = ns;
	}
	if (t->n >= t->cap) {
		uint32_t nc = t->cap ? t->cap * 2 : 256;
		char **v = realloc(t->s, nc * sizeof(*v));
		if (!v)
			return 0;
		t->s = v;
		t->cap = nc;
	}
	if (t->n == 0)
		t->s[t->n++] = NULL;
	char *copy = strdup(s);
	if (!copy)
		return 0;
	id = t->n++;
	t->s[id] = copy;
	uint32_t i = str_hash(s) & (t->nslot - 1);
	while (t->slot[i])
		i = (i + 1) & (t->nslot - 1);
	t->slot[i] = id;
	return id;
}

void strtab_free(struct strtab *t)
{
	for (uint32_t i = 1; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slot);
}

/* ---- vectors ---- */

int vec_insert(struct vec *x, uint32_t at, uint32_t val)
{
	if (x->n == x->cap) {
		uint32_t nc = x->cap ? x->cap * 2 : 8;
		uint32_t *v = realloc(x->v, nc * sizeof(*v));
		if (!v)
			return TR_ERR_NOMEM;
		x->v = v;
		x->cap = nc;
	}
	if (at < x->n)
		memmove(x->v + at + 1, x->v + at, (x->n - at) * sizeof(*x->v));
	x->v[at] = val;
	x->n++;
	return TR_OK;
}

void vec_remove_value(struct vec *x, uint32_t val)
{
	for (uint32_t i = 0; i < x->n; i++)
		if (x->v[i] == val) {
			memmove(x->v + i, x->v + i + 1, (x->n - i - 1) * sizeof(*x->v));
			x->n--;
			return;
		}
}

void vec_sort(struct vec *x, int (*cmp)(const void *, const void *))
{
	if (x->n > 1)
		qsort(x->v, x->n, sizeof(uint32_t), cmp);
}

int grow_zeroed(void **arr, uint32_t *n, uint32_t i, uint32_t extra, size_t elem)
{
	if (i < *n)
		return TR_OK;
	uint32_t nn = i + extra;
	char *v = realloc(*arr, nn * elem);
	if (!v)
		return TR_ERR_NOMEM;
	memset(v + (size_t)*n * elem, 0, (size_t)(nn - *n) * elem);
	*arr = v;
	*n = nn;
	return TR_OK;
}

/* ---- postings ---- */

/* The first position whose entry index is not below idx. */
static uint32_t plist_seek(const struct plist *l, uint32_t idx)
{
	uint32_t lo = 0, hi = l->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->v[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int plist_insert(struct plist *l, uint32_t idx, uint32_t tf)
{
	if (l->n == l->cap) {
		uint32_t nc = l->cap ? l->cap * 2 : 4;
		uint32_t *v = realloc(l->v, nc * sizeof(*v));
		if (v)
			l->v = v;
		uint16_t *f = v ? realloc(l->tf, nc * sizeof(*f)) : NULL;
		if (!f)
			return TR_ERR_NOMEM;
		l->tf = f;
		l->cap = nc;
	}
	uint32_t at = l->n && l->v[l->n - 1] > idx ? plist_seek(l, idx) : l->n;
	if (at < l->n) {
		memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof(*l->v));
		memmove(l->tf + at + 1, l->tf + at, (l->n - at) * sizeof(*l->tf));
	}
	l->v[at] = idx;
	l->tf[at] = (uint16_t)(tf < 65535 ? tf : 65535);
	l->n++;
	if (l->bits)
		l->bits[idx / 64] |= 1ull << (idx % 64);
	return TR_OK;
}

void plist_remove(struct plist *l, uint32_t idx)
{
	uint32_t at = plist_seek(l, idx);
	if (at < l->n && l->v[at] == idx) {
		memmove(l->v + at, l->v + at + 1, (l->n - at - 1) * sizeof(*l->v));
		memmove(l->tf + at, l->tf + at + 1, (l->n - at - 1) * sizeof(*l->tf));
		l->n--;
		if (l->bits)
			l->bits[idx / 64] &= ~(1ull << (idx % 64));
	}
}

int plist_bits_make(struct plist *l, uint32_t words)
{
	if (!(l->bits = calloc(words, sizeof(uint64_t))))
		return TR_ERR_NOMEM;
	for (uint32_t i = 0; i < l->n; i++)
		l->bits[l->v[i] / 64] |= 1ull << (l->v[i] % 64);
	return TR_OK;
}

int plist_bits_grow(struct plist *l, uint32_t from, uint32_t words)
{
	if (!l->bits)
		return TR_OK;
	uint64_t *b = realloc(l->bits, words * sizeof(*b));
	if (!b)
		return TR_ERR_NOMEM;
	memset(b + from, 0, (words - from) * sizeof(*b));
	l->bits = b;
	return TR_OK;
}

void plist_free(struct plist *l)
{
	free(l->v);
	free(l->tf);
	free(l->bits);
}

/* ---- grid ---- */

uint64_t grid_key(unsigned category, int cx, int cy)
{
	return ((uint64_t)category << 40 | (uint64_t)(uint32_t)(cx + 1024) << 20 |
		(uint64_t)(uint32_t)(cy + 1024)) +
	       1;
}

static uint32_t key_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (uint32_t)k;
}

struct vec *grid_find(const struct grid *g, uint64_t key)
{
	if (!g->nslot)
		return NULL;
	uint32_t m = g->nslot - 1;
	for (uint32_t i = key_hash(key) & m; g->keys[i]; i = (i + 1) & m)
		if (g->keys[i] == key)
			return &g->cells[i];
	return NULL;
}

struct vec *grid_get(struct grid *g, uint64_t key)
{
	struct vec *v = grid_find(g, key);
	if (v)
		return v;
	if ((g->n + 1) * 2 > g->nslot) {
		uint32_t ns = g->nslot ? g->nslot * 2 : 1024;
		uint64_t *keys = calloc(ns, sizeof(*keys));
		struct vec *cells = calloc(ns, sizeof(*cells));
		if (!keys || !cells) {
			free(keys);
			free(cells);
			return NULL;
		}
		for (uint32_t k = 0; k < g->nslot; k++) {
			if (!g->keys[k])
				continue;
			uint32_t i = key_hash(g->keys[k]) & (ns - 1);
			while (keys[i])
				i = (i + 1) & (ns - 1);
			keys[i] = g->keys[k];
			cells[i] = g->cells[k];
		}
		free(g->keys);
		free(g->cells);
		g->keys = keys;
		g->cells = cells;
		g->nslot = ns;
	}
	uint32_t i = key_hash(key) & (g->nslot - 1);
	while (g->keys[i])
		i = (i + 1) & (g->nslot - 1);
	g->keys[i] = key;
	g->n++;
	return &g->cells[i];
}

void grid_free(struct grid *g)
{
	for (uint32_t i = 0; i < g->nslot; i++)
		free(g->cells[i].v);
	free(g->keys);
	free(g->cells);
}
