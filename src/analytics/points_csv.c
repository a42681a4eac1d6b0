#include "analytics/ts.h"
#include "analytics/points_csv.h"

#include "core/array.h"
#include "core/err.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest numeric field accepted; longer is not a number anyone writes. */
#define PC_NUM_MAX 64
#define PC_COLS 4

/* One record's fields, unescaped into text. */
struct pc_record {
	char *text;
	size_t used, cap;
	size_t *off, *flen;
	size_t nf, fcap;
};

struct pc_cursor {
	const char *buf;
	size_t len, pos;
	size_t row; /* record number of the record being read */
};

static int pc_fail_col(struct ts_error *err, size_t row, size_t col, const char *message)
{
	char name[32];
	snprintf(name, sizeof name, "column %zu", col);
	return ts_fail(err, row, name, "%s", message);
}

static int pc_put(struct pc_record *r, char ch)
{
	if (tr_array_reserve((void **)&r->text, &r->cap, r->used + 2, 1, 16) != TR_OK)
		return TR_ERR_NOMEM;
	r->text[r->used++] = ch;
	return TR_OK;
}

static int pc_field_open(struct pc_record *r)
{
	size_t cap = r->fcap;
	if (tr_array_reserve((void **)&r->off, &cap, r->nf + 1, sizeof *r->off, 16) != TR_OK)
		return TR_ERR_NOMEM;
	cap = r->fcap;
	if (tr_array_reserve((void **)&r->flen, &cap, r->nf + 1, sizeof *r->flen, 16) != TR_OK)
		return TR_ERR_NOMEM;
	r->fcap = cap;
	r->off[r->nf] = r->used;
	r->flen[r->nf] = 0;
	r->nf++;
	return TR_OK;
}

/* Reads a quoted field whose opening quote is at c->pos. */
static int pc_quoted(struct pc_cursor *c, struct pc_record *r, struct ts_error *err)
{
	size_t col = r->nf;
	c->pos++;
	for (;;) {
		if (c->pos >= c->len)
			return pc_fail_col(err, c->row, col, "quoted field is not closed");
		char ch = c->buf[c->pos++];
		if (ch == '"') {
			if (c->pos < c->len && c->buf[c->pos] == '"') {
				c->pos++;
			} else {
				break;
			}
		}
		if (ch == '\0')
			return pc_fail_col(err, c->row, col, "NUL byte in field");
		if (pc_put(r, ch) != TR_OK)
			return TR_ERR_NOMEM;
	}
	if (c->pos < c->len && c->buf[c->pos] != ',' && c->buf[c->pos] != '\n' &&
	    c->buf[c->pos] != '\r')
		return pc_fail_col(err, c->row, col, "text after a closing quote");
	return TR_OK;
}

static int pc_plain(struct pc_cursor *c, struct pc_record *r, struct ts_error *err)
{
	size_t col = r->nf;
	while (c->pos < c->len) {
		char ch = c->buf[c->pos];
		if (ch == ',' || ch == '\n' || ch == '\r')
			break;
		if (ch == '"')
			return pc_fail_col(err, c->row, col, "quote inside an unquoted field");
		if (ch == '\0')
			return pc_fail_col(err, c->row, col, "NUL byte in field");
		if (pc_put(r, ch) != TR_OK)
			return TR_ERR_NOMEM;
		c->pos++;
	}
	return TR_OK;
}

/* Consumes a line end at c->pos: LF, CRLF, or a lone CR. */
static void pc_eol(struct pc_cursor *c)
{
	if (c->pos < c->len && c->buf[c->pos] == '\r')
		c->pos++;
	if (c->pos < c->len && c->buf[c->pos] == '\n')
		c->pos++;
}

/* Reads the next non-empty record; returns 1, 0 at the end, or -rc. */
static int pc_record_next(struct pc_cursor *c, struct pc_record *r, struct ts_error *err)
{
	while (c->pos < c->len && (c->buf[c->pos] == '\n' || c->buf[c->pos] == '\r'))
		pc_eol(c);
	if (c->pos >= c->len)
		return 0;
	c->row++;
	r->used = r->nf = 0;
	for (;;) {
		int rc = pc_field_open(r);
		if (rc == TR_OK)
			rc = c->buf[c->pos] == '"' ? pc_quoted(c, r, err) : pc_plain(c, r, err);
		if (rc != TR_OK)
			return -rc;
		r->flen[r->nf - 1] = r->used - r->off[r->nf - 1];
		if (pc_put(r, '\0') != TR_OK)
			return -TR_ERR_NOMEM;
		if (c->pos >= c->len || c->buf[c->pos] != ',')
			break;
		c->pos++;
		if (c->pos >= c->len) { /* a trailing comma opens one empty field */
			if (pc_field_open(r) != TR_OK || pc_put(r, '\0') != TR_OK)
				return -TR_ERR_NOMEM;
			break;
		}
	}
	pc_eol(c);
	return 1;
}

static const char *pc_field(const struct pc_record *r, size_t k)
{
	return r->text + r->off[k];
}

/* Field without surrounding blanks, for numbers and dates. */
static void pc_trim(const char *s, size_t len, const char **out, size_t *olen)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*out = s;
	*olen = len;
}

static int pc_number(const char *s, size_t len, double *out)
{
	char tmp[PC_NUM_MAX + 1];
	pc_trim(s, len, &s, &len);
	if (len == 0 || len > PC_NUM_MAX)
		return TR_ERR_INVALID;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	char *end;
	errno = 0;
	double v = strtod(tmp, &end);
	if (end != tmp + len || !isfinite(v))
		return TR_ERR_INVALID;
	*out = v;
	return TR_OK;
}

/* Days from 1970-01-01 to a proleptic Gregorian date, counting in
 * 400-year eras that start on 1 March so that leap days come last. */
static int32_t pc_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int mp = (m + 9) % 12; /* March = 0 */
	int doy = (153 * mp + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

static int pc_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int points_date_parse(const char *s, size_t len, int32_t *day)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return TR_ERR_INVALID;
	int y = pc_digits(s, 4), m = pc_digits(s + 5, 2), d = pc_digits(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return TR_ERR_INVALID;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return TR_ERR_INVALID;
	*day = pc_days_from_civil(y, m, d);
	return TR_OK;
}

void points_date_format(int32_t day, char out[32])
{
	long z = (long)day + 719468;
	int era = (int)((z >= 0 ? z : z - 146096) / 146097);
	int doe = (int)(z - (long)era * 146097);
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp < 10 ? mp + 3 : mp - 9;
	int y = yoe + era * 400 + (m <= 2);
	snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
}

/* Where each wanted column sits in the record, from the header. */
struct pc_header {
	const char *names[PC_COLS];
	size_t index[PC_COLS];
	size_t nf; /* fields in the header */
};

static int pc_header_read(const struct pc_record *r, enum points_kind kind, struct pc_header *h,
			  struct ts_error *err)
{
	const char *names[PC_COLS] = {"id", "x", "y", kind == POINTS_VALUE ? "value" : "date"};
	h->nf = r->nf;
	for (size_t k = 0; k < PC_COLS; k++) {
		h->names[k] = names[k];
		h->index[k] = (size_t)-1;
		for (size_t f = 0; f < r->nf; f++) {
			const char *s;
			size_t len;
			pc_trim(pc_field(r, f), r->flen[f], &s, &len);
			if (len != strlen(names[k]) || memcmp(s, names[k], len) != 0)
				continue;
			if (h->index[k] != (size_t)-1)
				return ts_fail(err, 1, names[k], "%s",
					       "column named twice in the header");
			h->index[k] = f;
		}
		if (h->index[k] == (size_t)-1)
			return ts_fail(err, 1, names[k], "%s", "header lacks this column");
	}
	return TR_OK;
}

static void pc_zero(struct points_csv *out)
{
	memset(out, 0, sizeof *out);
}

/* Growable arrays of the result. */
struct pc_sink {
	size_t cap, ids_cap, ids_used;
};

static int pc_sink_grow(struct points_csv *out, struct pc_sink *s, enum points_kind kind)
{
	if (out->n < s->cap)
		return TR_OK;
	/* the arrays of a point share one capacity */
	size_t c = tr_array_cap(s->cap, out->n + 1, sizeof(double), 1024);
	if (!c || tr_array_resize((void **)&out->x, c, sizeof *out->x) ||
	    tr_array_resize((void **)&out->y, c, sizeof *out->y) ||
	    tr_array_resize((void **)&out->id_off, c, sizeof *out->id_off) ||
	    (kind == POINTS_VALUE ? tr_array_resize((void **)&out->value, c, sizeof *out->value)
				  : tr_array_resize((void **)&out->day, c, sizeof *out->day)))
		return TR_ERR_NOMEM;
	s->cap = c;
	return TR_OK;
}

static int pc_id_add(struct points_csv *out, struct pc_sink *s, const char *id, size_t len)
{
	if (tr_array_reserve((void **)&out->ids, &s->ids_cap, s->ids_used + len + 1, 1, 16) !=
	    TR_OK)
		return TR_ERR_NOMEM;
	memcpy(out->ids + s->ids_used, id, len);
	out->ids[s->ids_used + len] = '\0';
	out->id_off[out->n] = s->ids_used;
	s->ids_used += len + 1;
	return TR_OK;
}

static int pc_row_add(const struct pc_record *r, const struct pc_header *h, enum points_kind kind,
		      struct points_csv *out, struct pc_sink *s, size_t row, struct ts_error *err)
{
	if (r->nf != h->nf) {
		char msg[80];
		snprintf(msg, sizeof msg, "expected %zu fields as in the header, found %zu", h->nf,
			 r->nf);
		return pc_fail_col(err, row, r->nf < h->nf ? r->nf + 1 : h->nf + 1, msg);
	}
	int rc = pc_sink_grow(out, s, kind);
	if (rc != TR_OK)
		return rc;
	const size_t *ix = h->index;
	if (r->flen[ix[0]] == 0)
		return ts_fail(err, row, "id", "%s", "id is empty");
	if (pc_number(pc_field(r, ix[1]), r->flen[ix[1]], &out->x[out->n]) != TR_OK)
		return ts_fail(err, row, "x", "%s", "not a finite number");
	if (pc_number(pc_field(r, ix[2]), r->flen[ix[2]], &out->y[out->n]) != TR_OK)
		return ts_fail(err, row, "y", "%s", "not a finite number");
	if (kind == POINTS_VALUE) {
		double *v = &out->value[out->n];
		if (pc_number(pc_field(r, ix[3]), r->flen[ix[3]], v) != TR_OK || *v < 0.0)
			return ts_fail(err, row, "value", "%s", "not a finite number >= 0");
	} else {
		const char *d;
		size_t dlen;
		pc_trim(pc_field(r, ix[3]), r->flen[ix[3]], &d, &dlen);
		if (points_date_parse(d, dlen, &out->day[out->n]) != TR_OK)
			return ts_fail(err, row, "date", "%s", "not a date YYYY-MM-DD");
	}
	rc = pc_id_add(out, s, pc_field(r, ix[0]), r->flen[ix[0]]);
	if (rc == TR_OK)
		out->n++;
	return rc;
}

static int pc_read_all(struct pc_cursor *c, struct pc_record *r, enum points_kind kind,
		       struct points_csv *out, struct ts_error *err)
{
	int got = pc_record_next(c, r, err);
	if (got <= 0)
		return got < 0 ? -got : ts_fail(err, 1, "", "%s", "no header: the input is empty");
	struct pc_header h;
	int rc = pc_header_read(r, kind, &h, err);
	struct pc_sink sink = {0, 0, 0};
	while (rc == TR_OK && (got = pc_record_next(c, r, err)) > 0)
		rc = pc_row_add(r, &h, kind, out, &sink, c->row, err);
	if (rc == TR_OK && got < 0)
		rc = -got;
	return rc;
}

int points_csv_read(const char *buf, size_t len, enum points_kind kind, struct points_csv *out,
		    struct ts_error *err)
{
	pc_zero(out);
	struct pc_cursor c = {.buf = buf, .len = len, .pos = 0, .row = 0};
	struct pc_record r;
	memset(&r, 0, sizeof r);
	int rc = pc_read_all(&c, &r, kind, out, err);
	free(r.text);
	free(r.off);
	free(r.flen);
	if (rc != TR_OK)
		points_csv_free(out);
	if (rc == TR_ERR_NOMEM)
		ts_fail(err, c.row, "", "%s", "out of memory");
	return rc;
}

void points_csv_free(struct points_csv *pc)
{
	free(pc->ids);
	free(pc->id_off);
	free(pc->x);
	free(pc->y);
	free(pc->value);
	free(pc->day);
	pc_zero(pc);
}

const char *points_csv_id(const struct points_csv *pc, size_t i)
{
	return pc->ids + pc->id_off[i];
}
