#include "domain/alert.h"
#include "core/buf.h"
#include "core/timeutil.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* The same object as alert_row, written straight as text: lists are the
 * busiest reads and building a tree per row costs more than the query. */
static void put_key(struct buf *b, int *first, const char *k)
{
	if (*first)
		buf_append(b, "\"", 1);
	else
		buf_append(b, ",\"", 2);
	buf_puts(b, k);
	buf_append(b, "\":", 2);
	*first = 0;
}

static void put_text(struct buf *b, int *first, const char *k, struct db_stmt *s, int col)
{
	put_key(b, first, k);
	const char *v = db_col_text(s, col);
	if (v)
		buf_json_str(b, v);
	else
		buf_puts(b, "null");
}

static void put_time(struct buf *b, int *first, const char *k, struct db_stmt *s, int col)
{
	put_key(b, first, k);
	if (db_col_is_null(s, col)) {
		buf_puts(b, "null");
		return;
	}
	char t[34];
	t[0] = '"';
	tr_time_format(db_col_int64(s, col), t + 1);
	size_t n = strlen(t);
	t[n] = '"';
	buf_append(b, t, n + 1);
}

/* Columns holding JSON the program wrote itself go out as they are. */
static void put_raw(struct buf *b, int *first, const char *k, struct db_stmt *s, int col,
		    const char *dflt)
{
	put_key(b, first, k);
	const char *v = db_col_text(s, col);
	buf_puts(b, v && *v ? v : dflt);
}

/* Coordinates usually have a few decimals: those are written without
 * printf's multi-precision path, the rest with %.15g. */
static void put_coord(struct buf *b, double v)
{
	if (fabs(v) < 1e6) {
		long long scaled = llround(v * 1e7);
		if ((double)scaled / 1e7 == v) {
			char tmp[40];
			int n = snprintf(tmp, sizeof(tmp), "%s%lld.%07lld", scaled < 0 ? "-" : "",
					 llabs(scaled) / 10000000, llabs(scaled) % 10000000);
			while (n > 0 && tmp[n - 1] == '0')
				n--;
			if (n > 0 && tmp[n - 1] == '.')
				n--;
			buf_append(b, tmp, (size_t)n);
			return;
		}
	}
	buf_printf(b, "%.15g", v);
}

void alert_row_text(struct db_stmt *s, struct buf *b)
{
	static const char *const text_cols[] = {
	    "id",   "org_id",	"country", "created_by",	"title",	"summary",
	    "body", "category", "status",  "retraction_reason", "distribution", "sharing_group_id",
	    "tlp"};
	int first = 1;
	buf_puts(b, "{");
	for (int i = 0; i < 13; i++)
		put_text(b, &first, text_cols[i], s, i);
	put_key(b, &first, "location");
	if (db_col_is_null(s, 13)) {
		buf_puts(b, "null");
	} else {
		buf_puts(b, "{\"lat\":");
		put_coord(b, db_col_double(s, 13));
		buf_puts(b, ",\"lon\":");
		put_coord(b, db_col_double(s, 14));
		buf_puts(b, ",");
		int f2 = 1;
		put_text(b, &f2, "place_name", s, 15);
		buf_puts(b, ",\"precision_m\":");
		if (db_col_is_null(s, 16))
			buf_puts(b, "null");
		else
			buf_printf(b, "%lld", (long long)db_col_int64(s, 16));
		buf_puts(b, "}");
	}
	put_time(b, &first, "observed_from", s, 17);
	put_time(b, &first, "observed_to", s, 18);
	put_text(b, &first, "reliability", s, 19);
	put_key(b, &first, "credibility");
	if (db_col_is_null(s, 20))
		buf_puts(b, "null");
	else
		buf_printf(b, "%lld", (long long)db_col_int64(s, 20));
	put_raw(b, &first, "tags", s, 21, "[]");
	put_raw(b, &first, "countries", s, 22, "[]");
	put_raw(b, &first, "substances", s, 23, "[]");
	put_raw(b, &first, "ews", s, 24, "{}");
	put_time(b, &first, "created_at", s, 25);
	put_time(b, &first, "updated_at", s, 26);
	put_time(b, &first, "published_at", s, 27);
	int df = alert_drug_form_col(s);
	if (df >= 0)
		put_text(b, &first, "drug_form", s, df);
	buf_printf(b, ",\"version\":%lld}", (long long)db_col_int64(s, 28));
}
