/** Times are int64 milliseconds since the Unix epoch, UTC, everywhere in
 * the program and in both databases; text only at the edges (RFC 3339). */
#ifndef TR_CORE_TIMEUTIL_H
#define TR_CORE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/** Wall-clock now. */
int64_t tr_now_ms(void);
/** A monotonic clock in nanoseconds, for durations. */
int64_t tr_mono_ns(void);
/** Writes ms as RFC 3339 UTC ("2026-11-23T01:07:13Z", with ".123" when
 * the milliseconds are not zero) into out (at least 32 bytes). */
void tr_time_format(int64_t ms, char out[32]);
/** The years a date from input may have: no record of this program is
 * older, none is planned further ahead, and a year such as 9999 is a typo
 * or a probe. */
#define TR_YEAR_MIN 1900
#define TR_YEAR_MAX 2200

/** Parses "YYYY-MM-DD" (midnight UTC) or an RFC 3339 date-time with Z or a
 * numeric offset, from 1900-01-01T00:00:00Z to 2200-12-31T23:59:59.999Z
 * (TR_YEAR_MIN, TR_YEAR_MAX). TR_OK or TR_ERR_INVALID. */
int tr_time_parse(const char *s, int64_t *ms /* OUT */);

#endif
