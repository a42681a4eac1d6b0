/** CSV readers for the spatial methods, from memory (RFC 4180: quoted
 * fields, "" inside quotes, CRLF or LF line ends; empty lines skipped).
 * The header names the columns; they may come in any order, and extra
 * columns are ignored:
 *   POINTS_VALUE (Gi*):          id,x,y,value   value a finite number >= 0
 *   POINTS_DATE  (space-time):   id,x,y,date    date YYYY-MM-DD
 * x and y must be finite numbers (x = longitude, y = latitude for
 * haversine; their ranges are checked by the methods). No I/O, no globals. */
#ifndef TR_ANALYTICS_POINTS_CSV_H
#define TR_ANALYTICS_POINTS_CSV_H

#include "analytics/ts.h"

#include <stddef.h>
#include <stdint.h>

enum points_kind { POINTS_VALUE, POINTS_DATE };

/** The rows read; row i of the data is CSV record i + 2 (the header is
 * record 1). Owned by the caller, freed with points_csv_free. */
struct points_csv {
	size_t n;
	char *ids;	/* n NUL-terminated ids back to back */
	size_t *id_off; /* id of row i: ids + id_off[i] */
	double *x;	/* n */
	double *y;	/* n */
	double *value;	/* n for POINTS_VALUE, else NULL */
	int32_t *day;	/* n for POINTS_DATE (days since 1970-01-01), else NULL */
};

/** Reads len bytes of CSV at buf into out (zeroed first). On error returns
 * TR_ERR_INVALID with err naming the record (1-based, header = 1), the
 * column (its header name, or "column K") and what is wrong, and out is
 * left empty; TR_ERR_NOMEM when memory runs out. Zero data rows is valid
 * (n = 0); the methods reject empty input. */
int points_csv_read(const char *buf, size_t len, enum points_kind kind,
		    struct points_csv *out /* OUT: free with points_csv_free */,
		    struct ts_error *err);

/** Frees what points_csv_read allocated; the struct itself is the caller's. */
void points_csv_free(struct points_csv *pc);

/** The id of row i. */
const char *points_csv_id(const struct points_csv *pc, size_t i);

/** Parses an ISO date YYYY-MM-DD (years 0001-9999, a real calendar day) of
 * exactly len bytes into days since 1970-01-01. TR_OK or TR_ERR_INVALID. */
int points_date_parse(const char *s, size_t len, int32_t *day /* OUT */);

/** Writes day (days since 1970-01-01) as YYYY-MM-DD into out. */
void points_date_format(int32_t day, char out[32]);

#endif
