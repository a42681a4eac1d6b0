/** A growable byte buffer with a hard cap, always NUL-terminated. The owner
 * frees it with buf_free; after a failed append the buffer keeps what it had
 * and remembers the failure in err so a caller may check once at the end. */
#ifndef TR_CORE_BUF_H
#define TR_CORE_BUF_H

#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap; /* allocated */
	size_t max; /* hard limit on len */
	int err;    /* first failure: TR_ERR_NOMEM or TR_ERR_TOO_LARGE */
};

/** Sets up an empty buffer that will refuse to grow past max bytes. */
void buf_init(struct buf *b, size_t max);
/** Releases the storage; the buffer may be initialised again. */
void buf_free(struct buf *b);
/** Empties without releasing storage. */
void buf_reset(struct buf *b);
/** Appends n bytes; TR_OK, TR_ERR_NOMEM or TR_ERR_TOO_LARGE. */
int buf_append(struct buf *b, const void *p, size_t n);
/** Appends a NUL-terminated string. */
int buf_puts(struct buf *b, const char *s);
/** Appends formatted text, as snprintf. */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Appends s as a JSON string literal with its quotes. */
int buf_json_str(struct buf *b, const char *s);
/** Hands the storage to the caller (free with free()); b is left empty. */
char *buf_detach(struct buf *b, size_t *len);

/** src (NULL: "") into dst of n bytes, NUL-terminated and cut to fit:
 * a bounded copy into a fixed field. */
void str_copy(char *dst, size_t n, const char *src);

#endif
