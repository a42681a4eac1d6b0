/* Arrays that grow (array.h). */
#include "core/array.h"
#include "core/err.h"

#include <stdint.h>
#include <stdlib.h>

size_t tr_array_cap(size_t cap, size_t need, size_t size, size_t first)
{
	size_t c = cap ? cap : first;
	if (c > SIZE_MAX / size)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			return 0;
		c *= 2;
	}
	return c;
}

int tr_array_resize(void **p, size_t n, size_t size)
{
	if (n > SIZE_MAX / size)
		return TR_ERR_NOMEM;
	void *q = realloc(*p, n * size);
	if (!q)
		return TR_ERR_NOMEM;
	*p = q;
	return TR_OK;
}

int tr_array_reserve(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap)
		return TR_OK;
	size_t c = tr_array_cap(*cap, need, size, first);
	if (!c || tr_array_resize(p, c, size) != TR_OK)
		return TR_ERR_NOMEM;
	*cap = c;
	return TR_OK;
}
