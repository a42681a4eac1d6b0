/** The read model's index layer: interned strings, vectors of entry
 * indexes, posting lists with their bitmaps and a grid of cells. It knows
 * nothing of alerts; model.c decides what goes in. None of it locks: the
 * model's lock covers it. */
#ifndef TR_DOMAIN_READMODEL_INDEX_H
#define TR_DOMAIN_READMODEL_INDEX_H

#include "core/hash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/** The hash of a string for the open-addressing tables here and in the
 * model. */
static inline uint32_t str_hash(const char *s)
{
	return tr_fnv1a(s, strlen(s));
}

/* ---- interned strings: ids from 1, 0 for none ---- */

struct strtab {
	char **s; /* s[0] unused */
	uint32_t n, cap;
	uint32_t *slot; /* open addressing over ids, 0 when empty */
	uint32_t nslot; /* a power of two */
};

/** The id of s, 0 when s is NULL or not interned. */
uint32_t strtab_find(const struct strtab *t, const char *s);
/** The id of s, interning a copy when new; 0 for NULL or when memory runs
 * out. */
uint32_t strtab_add(struct strtab *t, const char *s);
void strtab_free(struct strtab *t);

/* ---- growable vectors of entry indexes ---- */

struct vec {
	uint32_t *v;
	uint32_t n, cap;
};

int vec_insert(struct vec *x, uint32_t at, uint32_t val);
/** Removes the first element equal to val, if any. */
void vec_remove_value(struct vec *x, uint32_t val);
void vec_sort(struct vec *x, int (*cmp)(const void *, const void *));

/** Makes *arr (of *n elements of size elem) hold index i, the new elements
 * zeroed, with `extra` more to spare. */
int grow_zeroed(void **arr, uint32_t *n, uint32_t i, uint32_t extra, size_t elem);

/* ---- postings: the entries holding a term, by entry index; frequent
 * terms also keep a bitmap over entry indexes for membership tests ---- */

struct plist {
	uint32_t *v;
	uint16_t *tf; /* the term's frequency in entry v[i] */
	uint32_t n, cap;
	uint64_t *bits; /* NULL until the term is frequent */
};

/** Adds entry idx with the term's frequency tf (kept in entry order). */
int plist_insert(struct plist *l, uint32_t idx, uint32_t tf);
void plist_remove(struct plist *l, uint32_t idx);
/** Gives l a bitmap of `words` 64-bit words over its entries. */
int plist_bits_make(struct plist *l, uint32_t words);
/** Widens l's bitmap, if it has one, from `from` to `words` words. */
int plist_bits_grow(struct plist *l, uint32_t from, uint32_t words);
void plist_free(struct plist *l);

/* ---- grid: (category, cell) -> entries ---- */

struct grid {
	uint64_t *keys; /* 0 when empty */
	struct vec *cells;
	uint32_t n, nslot;
};

/** The key of cell (cx, cy) (overlap_cell numbers) for one category. */
uint64_t grid_key(unsigned category, int cx, int cy);
/** The cell's entries, NULL when it has none. */
struct vec *grid_find(const struct grid *g, uint64_t key);
/** The cell's entries, made when new; NULL when memory runs out. */
struct vec *grid_get(struct grid *g, uint64_t key);
void grid_free(struct grid *g);

#endif
