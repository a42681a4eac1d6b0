#include "analytics/ts.h"
#include "analytics/ts_csv.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/array.h"
#include "core/err.h"

/* Outcome of reading one record. */
enum csv_scan {
	CSV_OK,
	CSV_END, /* no record left */
	CSV_NOMEM,
	CSV_UNTERMINATED, /* a quoted field runs to the end of the input */
	CSV_AFTER_QUOTE,  /* a character other than , or a line end after a closing quote */
	CSV_BARE_QUOTE,	  /* a quote inside an unquoted field */
	CSV_NUL,	  /* a NUL byte, which the labels could not carry */
	CSV_TOO_WIDE	  /* more than TS_CSV_MAX_COLUMNS fields */
};

struct csv_in {
	const char *buf;
	size_t len, pos;
	size_t line; /* 1-based line at pos */
};

/* Where a field's bytes are: an unquoted field is read in place in the
 * input; a quoted one, unescaped, in the record's text. */
struct csv_field {
	size_t off, len;
	int quoted; /* off is in the record's text, else in the input */
};

/* One record: its fields, and the unescaped text of its quoted fields back
 * to back in text. Reused from record to record. */
struct csv_rec {
	const char *in; /* the input buffer the unquoted fields lie in */
	char *text;
	size_t tlen, tcap;
	struct csv_field *f;
	size_t nf, ocap;
	int any_quoted;
	size_t row; /* line on which the record starts */
};

/* The series being built. */
struct csv_out {
	double *counts;
	size_t n, cap;
	size_t *poff; /* offset of each label in pool */
	char *pool;
	size_t plen, pcap;
};

static int rec_put(struct csv_rec *r, char c)
{
	if (tr_array_reserve((void **)&r->text, &r->tcap, r->tlen + 1, 1, 256) != TR_OK)
		return CSV_NOMEM;
	r->text[r->tlen++] = c;
	return CSV_OK;
}

static int rec_field_begin(struct csv_rec *r)
{
	if (r->nf == TS_CSV_MAX_COLUMNS)
		return CSV_TOO_WIDE;
	if (tr_array_reserve((void **)&r->f, &r->ocap, r->nf + 1, sizeof *r->f, 256) != TR_OK)
		return CSV_NOMEM;
	r->f[r->nf++] = (struct csv_field){r->tlen, 0, 0};
	return CSV_OK;
}

/* Field i's bytes (not NUL-terminated: see rec_len). */
static const char *rec_field(const struct csv_rec *r, size_t i)
{
	if (r->f[i].len == 0)
		return ""; /* an empty quoted field may have no text yet */
	return (r->f[i].quoted ? r->text : r->in) + r->f[i].off;
}

static size_t rec_len(const struct csv_rec *r, size_t i)
{
	return r->f[i].len;
}

/* Consumes a line end (CRLF, LF or a lone CR) if one is at pos. */
static int in_eol(struct csv_in *in)
{
	if (in->pos >= in->len)
		return 1;
	char c = in->buf[in->pos];
	if (c != '\n' && c != '\r')
		return 0;
	in->pos++;
	if (c == '\r' && in->pos < in->len && in->buf[in->pos] == '\n')
		in->pos++;
	in->line++;
	return 1;
}

/* Reads a quoted field whose opening quote is at pos; stops after the
 * closing quote. */
static int csv_quoted(struct csv_in *in, struct csv_rec *r)
{
	struct csv_field *f = &r->f[r->nf - 1];
	in->pos++;
	r->any_quoted = 1;
	f->quoted = 1;
	for (;;) {
		if (in->pos >= in->len)
			return CSV_UNTERMINATED;
		char c = in->buf[in->pos++];
		if (c == '"') {
			if (in->pos < in->len && in->buf[in->pos] == '"')
				in->pos++;
			else
				return CSV_OK;
		} else if (c == '\0') {
			return CSV_NUL;
		} else if (c == '\n' ||
			   (c == '\r' && (in->pos >= in->len || in->buf[in->pos] != '\n'))) {
			in->line++;
		}
		int rc = rec_put(r, c);
		if (rc != CSV_OK)
			return rc;
		f = &r->f[r->nf - 1];
		f->len++;
	}
}

/* The bytes that end or spoil an unquoted field. */
static const unsigned char csv_special[256] = {
    ['\0'] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1,
};

/* Reads an unquoted field up to the next comma or line end, where it lies
 * (this loop is most of the time spent reading a file). */
static int csv_bare(struct csv_in *in, struct csv_rec *r)
{
	const char *p = in->buf + in->pos, *e = in->buf + in->len, *q = p;
	while (q < e && !csv_special[(unsigned char)*q])
		q++;
	size_t n = (size_t)(q - p);
	r->f[r->nf - 1] = (struct csv_field){in->pos, n, 0};
	in->pos += n;
	if (q < e && *q == '"')
		return CSV_BARE_QUOTE;
	return q < e && *q == '\0' ? CSV_NUL : CSV_OK;
}

/* Reads the next record into r. */
static int csv_record(struct csv_in *in, struct csv_rec *r)
{
	r->tlen = r->nf = 0;
	r->any_quoted = 0;
	r->row = in->line;
	if (in->pos >= in->len)
		return CSV_END;
	for (;;) {
		int rc = rec_field_begin(r);
		if (rc == CSV_OK) {
			int q = in->pos < in->len && in->buf[in->pos] == '"';
			rc = q ? csv_quoted(in, r) : csv_bare(in, r);
		}
		if (rc != CSV_OK)
			return rc;
		if (in_eol(in))
			return CSV_OK;
		if (in->buf[in->pos] != ',')
			return CSV_AFTER_QUOTE;
		in->pos++;
	}
}

static int csv_blank(const struct csv_rec *r)
{
	return r->nf == 1 && !r->any_quoted && r->f[0].len == 0;
}

/* The field s of n bytes as a column name: surrounding blanks dropped, at
 * most 31 bytes. */
static void csv_name(const char *s, size_t n, char *name, size_t size)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	snprintf(name, size, "%.*s", (int)(n < size ? n : size - 1), s);
}

/* The name of column i of the header h, for messages. */
static void csv_colname(const struct csv_rec *h, size_t i, char *name, size_t size)
{
	if (h && i < h->nf)
		csv_name(rec_field(h, i), rec_len(h, i), name, size);
	else
		snprintf(name, size, "column %zu", i + 1);
}

static int csv_scan_fail(int rc, const struct csv_rec *r, const struct csv_rec *h,
			 struct ts_error *err)
{
	char col[32];
	size_t i = r->nf ? r->nf - 1 : 0;
	if (rc == CSV_NOMEM)
		return TR_ERR_NOMEM;
	csv_colname(h, i, col, sizeof col);
	switch (rc) {
	case CSV_UNTERMINATED:
		return ts_fail(err, r->row, col,
			       "row %zu, column %s: quoted field has no closing quote", r->row,
			       col);
	case CSV_AFTER_QUOTE:
		return ts_fail(err, r->row, col,
			       "row %zu, column %s: text after the closing quote of a field",
			       r->row, col);
	case CSV_BARE_QUOTE:
		return ts_fail(err, r->row, col,
			       "row %zu, column %s: a quote inside an unquoted field "
			       "(quote the field and double the quote)",
			       r->row, col);
	case CSV_NUL:
		return ts_fail(err, r->row, col, "row %zu, column %s: NUL byte in field", r->row,
			       col);
	default:
		return ts_fail(err, r->row, "", "row %zu: more than %d columns", r->row,
			       TS_CSV_MAX_COLUMNS);
	}
}

/* Finds the count and period columns of header h (period -1 if absent). */
static int csv_header(const struct csv_rec *h, long *count, long *period, struct ts_error *err)
{
	char name[32];
	*count = *period = -1;
	for (size_t i = 0; i < h->nf; i++) {
		csv_name(rec_field(h, i), rec_len(h, i), name, sizeof name);
		long *slot = strcasecmp(name, "count") == 0    ? count
			     : strcasecmp(name, "period") == 0 ? period
							       : NULL;
		if (!slot)
			continue;
		if (*slot >= 0)
			return ts_fail(err, h->row, name, "row %zu: column %s appears twice",
				       h->row, name);
		*slot = (long)i;
	}
	if (*count < 0)
		return ts_fail(err, h->row, "count", "row %zu: the header has no count column",
			       h->row);
	return TR_OK;
}

/* Parses a count: decimal digits, optionally a fraction of zeros ("12.0"),
 * surrounded by blanks; at most 2^53 so the double is exact. Returns 0 or
 * -1. Digits are summed in an integer: this runs once per row. */
static int csv_count(const char *s, size_t n, double *v)
{
	const char *e = s + n;
	uint64_t x = 0;
	int digits = 0, zeros = 0;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	for (; s < e && *s == '0'; s++)
		zeros = 1;
	for (; s < e && *s >= '0' && *s <= '9'; s++) {
		if (++digits > 16)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if ((digits || zeros) && s < e && *s == '.')
		for (s++; s < e && *s == '0'; s++)
			;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if ((!digits && !zeros) || s != e || x > ((uint64_t)1 << 53))
		return -1;
	*v = (double)x;
	return 0;
}

/* Room for one more period in counts and poff, which share a capacity. */
static int out_reserve(struct csv_out *o)
{
	if (o->n < o->cap)
		return TR_OK;
	size_t ncap = tr_array_cap(o->cap, o->n + 1, sizeof(double), 256);
	if (!ncap || tr_array_resize((void **)&o->counts, ncap, sizeof *o->counts) ||
	    tr_array_resize((void **)&o->poff, ncap, sizeof *o->poff))
		return TR_ERR_NOMEM;
	o->cap = ncap;
	return TR_OK;
}

/* Appends field i of r, NUL-terminated, to the labels. */
static int out_label(struct csv_out *o, const struct csv_rec *r, size_t i)
{
	size_t len = rec_len(r, i);
	if (tr_array_reserve((void **)&o->pool, &o->pcap, o->plen + len + 1, 1, 256) != TR_OK)
		return TR_ERR_NOMEM;
	memcpy(o->pool + o->plen, rec_field(r, i), len);
	o->pool[o->plen + len] = '\0';
	o->poff[o->n] = o->plen;
	o->plen += len + 1;
	return TR_OK;
}

/* Adds data record r to o. */
static int csv_row(const struct csv_rec *r, const struct csv_rec *h, long count, long period,
		   struct csv_out *o, struct ts_error *err)
{
	char col[32];
	if (r->nf != h->nf) {
		csv_colname(h, r->nf < h->nf ? r->nf : h->nf, col, sizeof col);
		return ts_fail(err, r->row, r->nf < h->nf ? col : "",
			       "row %zu: %zu fields where the header has %zu", r->row, r->nf,
			       h->nf);
	}
	const char *s = rec_field(r, (size_t)count);
	size_t len = rec_len(r, (size_t)count);
	double v;
	if (csv_count(s, len, &v) != 0) {
		csv_colname(h, (size_t)count, col, sizeof col);
		return ts_fail(err, r->row, col,
			       "row %zu, column %s: \"%.*s\" is not a non-negative integer", r->row,
			       col, (int)(len < 40 ? len : 40), s);
	}
	if (out_reserve(o) != TR_OK)
		return TR_ERR_NOMEM;
	if (period >= 0 && out_label(o, r, (size_t)period) != TR_OK)
		return TR_ERR_NOMEM;
	o->counts[o->n++] = v;
	return TR_OK;
}

/* Hands the built series to the caller's struct. */
static int csv_finish(struct csv_out *o, int has_period, struct ts_csv *t)
{
	if (has_period) {
		t->periods = malloc(o->n * sizeof *t->periods);
		if (!t->periods)
			return TR_ERR_NOMEM;
		for (size_t i = 0; i < o->n; i++)
			t->periods[i] = o->pool + o->poff[i];
		t->period_text = o->pool;
		o->pool = NULL;
	}
	t->n = o->n;
	t->counts = o->counts;
	o->counts = NULL;
	return TR_OK;
}

/* Reads the next record that is not a blank line. */
static int csv_next(struct csv_in *in, struct csv_rec *r)
{
	int rc;
	do
		rc = csv_record(in, r);
	while (rc == CSV_OK && csv_blank(r));
	return rc;
}

/* The common data row read in one pass: as many unquoted fields as the
 * header, ended by LF, CRLF or the end of the input. 1 when r holds it (its
 * fields in place) and in is past it; 0, with in unchanged, for anything
 * else (a quote, a NUL, a lone CR, a blank line, another number of fields),
 * which the general reader then takes with its messages. */
static int csv_fast(struct csv_in *in, struct csv_rec *r, size_t want)
{
	const char *b = in->buf;
	size_t i = in->pos, n = in->len, nf = 0;
	if (i >= n || r->ocap < want)
		return 0;
	for (;;) {
		size_t f0 = i;
		while (i < n && !csv_special[(unsigned char)b[i]])
			i++;
		if (nf == want)
			return 0;
		r->f[nf++] = (struct csv_field){f0, i - f0, 0};
		if (i == n)
			break;
		if (b[i] == ',') {
			i++;
			continue;
		}
		if (b[i] == '\n' || (b[i] == '\r' && i + 1 < n && b[i + 1] == '\n')) {
			i += b[i] == '\r' ? 2 : 1;
			break;
		}
		return 0;
	}
	if (nf != want || (nf == 1 && r->f[0].len == 0))
		return 0;
	r->nf = nf;
	r->tlen = 0;
	r->any_quoted = 0;
	r->row = in->line++;
	in->pos = i;
	return 1;
}

static int csv_body(struct csv_in *in, struct csv_rec *h, struct csv_rec *r, struct csv_out *o,
		    struct ts_csv *t, struct ts_error *err)
{
	long count, period;
	int rc = csv_next(in, h);
	if (rc == CSV_END)
		return ts_fail(err, 0, "", "empty input: no header row");
	if (rc != CSV_OK)
		return csv_scan_fail(rc, h, NULL, err);
	if ((rc = csv_header(h, &count, &period, err)) != TR_OK)
		return rc;
	while ((rc = csv_fast(in, r, h->nf) ? CSV_OK : csv_next(in, r)) == CSV_OK)
		if ((rc = csv_row(r, h, count, period, o, err)) != TR_OK)
			return rc;
	if (rc != CSV_END)
		return csv_scan_fail(rc, r, h, err);
	if (o->n == 0)
		return ts_fail(err, 0, "", "the input has a header but no data rows");
	return csv_finish(o, period >= 0, t);
}

/* Sizes the buffers from the input's length alone, so that a file costs a
 * few allocations rather than a doubling of each buffer: the labels fit in
 * the input's bytes, a line is rarely shorter than 8 bytes (more lines just
 * grow the arrays as before) and a record has a few fields. A failed
 * allocation is left to the growth on demand. */
static void csv_presize(size_t len, struct csv_rec *head, struct csv_rec *rec, struct csv_out *o)
{
	if (len > SIZE_MAX / 4)
		return;
	size_t lines = len / 8 + 16;
	if ((o->counts = malloc(lines * sizeof(*o->counts))) &&
	    (o->poff = malloc(lines * sizeof(*o->poff))))
		o->cap = lines;
	if ((o->pool = malloc(len + 1)))
		o->pcap = len + 1;
	struct csv_rec *r[] = {head, rec};
	for (int i = 0; i < 2; i++)
		if ((r[i]->f = malloc(16 * sizeof(*r[i]->f))))
			r[i]->ocap = 16;
}

int ts_csv_read(const char *buf, size_t len, struct ts_csv *out, struct ts_error *err)
{
	struct csv_in in = {.buf = buf, .len = len, .pos = 0, .line = 1};
	struct csv_rec head = {.in = buf}, rec = {.in = buf};
	struct csv_out o = {0};
	memset(out, 0, sizeof *out);
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		in.pos = 3;
	csv_presize(len, &head, &rec, &o);
	int rc = csv_body(&in, &head, &rec, &o, out, err);
	if (rc != TR_OK) {
		ts_csv_free(out);
		if (rc == TR_ERR_NOMEM)
			ts_fail(err, 0, "", "out of memory reading the input");
	}
	free(head.text);
	free(head.f);
	free(rec.text);
	free(rec.f);
	free(o.counts);
	free(o.poff);
	free(o.pool);
	return rc;
}

void ts_csv_free(struct ts_csv *t)
{
	free(t->counts);
	free(t->periods);
	free(t->period_text);
	memset(t, 0, sizeof *t);
}
