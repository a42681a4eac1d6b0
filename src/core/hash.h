/** FNV-1a, 32 bits: for the in-memory hash tables of short keys. */
#ifndef TR_CORE_HASH_H
#define TR_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t tr_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

#endif
