/* libFuzzer target: the CSV reader (src/core/csv.c) over arbitrary bytes.
 * Besides crashes and undefined behaviour it checks the reader's promises:
 * at most CSV_FIELDS_MAX fields, every field a NUL-terminated string inside
 * the scratch area, rows numbered 1, 2, ..., and that writing the records
 * back as CSV (every field quoted) and reading them again gives the same
 * fields. */
#include "core/csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_csv: %s:%d: check failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                          \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* Appends bytes to a growing buffer; aborts on out of memory (a harness
 * failure, not a finding). */
struct out {
	char *p;
	size_t len, cap;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = (o->cap ? o->cap * 2 : 256) + n;
		char *p = realloc(o->p, cap);
		CHECK(p != NULL);
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* Checks the current record; appends it to o quoted. */
static void check_record(const struct csv *c, size_t row, struct out *o)
{
	CHECK(c->nfields >= 1 && c->nfields <= CSV_FIELDS_MAX);
	CHECK(c->row == row);
	for (size_t i = 0; i < c->nfields; i++) {
		const char *f = c->field[i];
		CHECK(f >= c->scratch && f < c->scratch + c->cap);
		const char *nul = memchr(f, '\0', (size_t)(c->scratch + c->cap - f));
		CHECK(nul != NULL);
		if (i > 0)
			out_put(o, ",", 1);
		out_put(o, "\"", 1);
		for (const char *q = f; q < nul; q++)
			out_put(o, *q == '"' ? "\"\"" : q, 1 + (*q == '"'));
		out_put(o, "\"", 1);
	}
	out_put(o, "\r\n", 2);
	/* csv_find finds a field at or before its own index. */
	int k = csv_find(c, c->field[c->nfields - 1]);
	CHECK(k >= 0 && (size_t)k <= c->nfields - 1);
}

/* Reads data; returns the number of records read before the end or an
 * error and the flattened fields (NUL-separated, one "\n" per record). */
static size_t read_all(const char *data, size_t size, struct out *o, struct out *flat, int *rc)
{
	struct csv c;
	size_t n = 0;
	csv_open(&c, data, size);
	while ((*rc = csv_next(&c)) == 1) {
		n++;
		check_record(&c, n, o);
		for (size_t i = 0; i < c.nfields; i++)
			out_put(flat, c.field[i], strlen(c.field[i]) + 1);
		out_put(flat, "\n", 1);
	}
	if (*rc < 0)
		CHECK(memchr(c.error, '\0', sizeof(c.error)) && c.error[0]);
	else
		CHECK(*rc == 0 && c.nfields == 0);
	csv_close(&c);
	CHECK(c.scratch == NULL);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out quoted = {0}, flat1 = {0}, flat2 = {0}, again = {0};
	int rc1, rc2;
	/* A copy of exactly size bytes, so ASan sees any read past the end. */
	char *copy = malloc(size ? size : 1);
	CHECK(copy != NULL);
	memcpy(copy, data, size);
	size_t n1 = read_all(copy, size, &quoted, &flat1, &rc1);
	free(copy);

	/* Round trip of the records read before any error (fields cut at an
	 * embedded NUL on both sides; quoting keeps a leading BOM a field's). */
	size_t n2 = read_all(quoted.p ? quoted.p : "", quoted.len, &again, &flat2, &rc2);
	CHECK(rc2 == 0);
	CHECK(n2 == n1);
	CHECK(flat1.len == flat2.len && (flat1.len == 0 || memcmp(flat1.p, flat2.p, flat1.len) == 0));
	free(quoted.p);
	free(flat1.p);
	free(flat2.p);
	free(again.p);
	return 0;
}
