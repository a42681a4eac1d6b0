/** Reader of the time-series CSV format from memory. The first record is a
 * header; the column named `count` (required) holds each period's count, a
 * non-negative integer; the column named `period` (optional) a label that is
 * carried to the output unchanged; other columns are ignored. Column names
 * are matched ignoring case and surrounding blanks. Fields follow RFC 4180:
 * comma separated, optionally in double quotes (which may hold commas, line
 * breaks and doubled quotes); records end with CRLF or LF; blank lines and a
 * leading UTF-8 byte order mark are skipped. Pure: no I/O, thread-safe. */
#ifndef TR_ANALYTICS_TS_CSV_H
#define TR_ANALYTICS_TS_CSV_H

#include <stddef.h>

#include "analytics/ts.h"

/** A parsed series. Filled by ts_csv_read, owned by the caller, released
 * with ts_csv_free. */
struct ts_csv {
	size_t n;	   /* number of periods (data records) */
	double *counts;	   /* n counts, in file order */
	char **periods;	   /* n NUL-terminated labels, or NULL without a period column */
	char *period_text; /* storage behind periods; internal */
};

/** The most columns a record may have; more is reported as an error. */
#define TS_CSV_MAX_COLUMNS 1024

/** Parses buf (len bytes, need not be NUL-terminated) into *out, which the
 * caller then owns. On error returns TR_ERR_INVALID (or TR_ERR_NOMEM), leaves
 * *out empty and fills err: err->row is the 1-based line of the file on which
 * the offending record starts (the header is row 1), err->column the column's
 * header name (empty when the problem is not in one column). */
int ts_csv_read(const char *buf, size_t len, struct ts_csv *out, struct ts_error *err);

/** Frees what ts_csv_read allocated in t and empties it; t may be empty. */
void ts_csv_free(struct ts_csv *t);

#endif
