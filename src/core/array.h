/** Arrays allocated with malloc that grow: a capacity that doubles, and a
 * resize that leaves the array as it was when it fails. The owner of the
 * array frees it with free(). */
#ifndef TR_CORE_ARRAY_H
#define TR_CORE_ARRAY_H

#include <stddef.h>

/** The capacity for at least need elements of size bytes: cap (first when
 * cap is 0) doubled until it holds them; 0 when their bytes would not fit
 * in a size_t. */
size_t tr_array_cap(size_t cap, size_t need, size_t size, size_t first);

/** Resizes *p (NULL: none yet) to n elements of size bytes: TR_OK, or
 * TR_ERR_NOMEM with *p as it was. */
int tr_array_resize(void **p, size_t n, size_t size);

/** Room for need elements in *p, which has room for *cap: grows it to
 * tr_array_cap(*cap, need, size, first) when need is more. TR_OK, or
 * TR_ERR_NOMEM with *p and *cap as they were. */
int tr_array_reserve(void **p, size_t *cap, size_t need, size_t size, size_t first);

#endif
