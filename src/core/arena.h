/** A region allocator: many allocations, one free. Every request owns one
 * arena; whatever a handler allocates from it lives until the response has
 * been sent, then goes in one arena_free. Not thread-safe: one owner. */
#ifndef TR_CORE_ARENA_H
#define TR_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/** A new empty arena, or NULL when out of memory. Free with arena_free. */
struct arena *arena_new(void);
/** Frees every allocation of a and a itself; a may be NULL. */
void arena_free(struct arena *a);
/** Frees every allocation of a but keeps its first block for the next
 * owner: a request's arena is handed on this way. */
void arena_reset(struct arena *a);
/** n bytes aligned for any type, zeroed; NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/** A copy of the n bytes at s with a NUL after them. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/** A copy of the string s (NULL gives NULL). */
char *arena_strdup(struct arena *a, const char *s);
/** A formatted string, as snprintf, allocated in a. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Bytes currently held by a, for limits and metrics. */
size_t arena_used(const struct arena *a);

#endif
