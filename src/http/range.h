/** The Range header of a GET: one byte range of a file, the only kind the
 * server serves (a list of ranges, another unit or a malformed one are
 * refused with 416 rather than ignored). */
#ifndef TR_HTTP_RANGE_H
#define TR_HTTP_RANGE_H

#include <stdint.h>

/** Reads h ("bytes=FIRST-LAST", "bytes=FIRST-" or "bytes=-SUFFIX", the
 * unit in any case, no space) against a file of size bytes: 0 with
 * [*first, *last] inside the file (last clamped to its end), -1 when h is
 * not one such range, -2 when it lies past the end. */
int http_range_parse(const char *h, uint64_t size, uint64_t *first /* OUT */,
		     uint64_t *last /* OUT */);

#endif
