/** Reads the reference vectors written by ref/make_ts_vectors.R: small
 * comma-separated tables without quoting, "NA" for R's NA. Shared by the
 * detector tests; static inline so a test that uses a part does not warn. */
#ifndef TR_TESTS_REF_TABLE_H
#define TR_TESTS_REF_TABLE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_MAX_COLS 16

struct ref_table {
	char *text;   /* the file, cut into fields in place */
	size_t nrows; /* data rows, header excluded */
	size_t ncols;
	char *head[REF_MAX_COLS];
	char *(*rows)[REF_MAX_COLS]; /* rows[i][j] */
};

static inline size_t ref_line_split(char *line, char **cols)
{
	size_t n = 0;
	cols[n++] = line;
	for (char *p = line; *p; p++)
		if (*p == ',' && n < REF_MAX_COLS) {
			*p = '\0';
			cols[n++] = p + 1;
		}
	return n;
}

/** Loads path into t; returns 0 or -1. The caller frees with ref_table_free. */
static inline int ref_table_load(const char *path, struct ref_table *t)
{
	memset(t, 0, sizeof *t);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	t->text = malloc((size_t)len + 1);
	size_t got = fread(t->text, 1, (size_t)len, f);
	fclose(f);
	t->text[got] = '\0';
	size_t lines = 0;
	for (size_t i = 0; i < got; i++)
		lines += t->text[i] == '\n';
	t->rows = calloc(lines + 1, sizeof *t->rows);
	/* Cut at line ends; blank lines (a trailing newline) are skipped. */
	int header = 1;
	for (char *p = t->text; *p;) {
		char *line = p;
		while (*p && *p != '\n' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
		if (*line == '\0')
			continue;
		if (header)
			t->ncols = ref_line_split(line, t->head);
		else
			ref_line_split(line, t->rows[t->nrows++]);
		header = 0;
	}
	if (header)
		return -1;
	return 0;
}

static inline void ref_table_free(struct ref_table *t)
{
	free(t->rows);
	free(t->text);
}

/** Index of the column named name, or -1. */
static inline int ref_col(const struct ref_table *t, const char *name)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (strcmp(t->head[j], name) == 0)
			return (int)j;
	return -1;
}

/** The number in row i, column name; NaN for NA. */
static inline double ref_num(const struct ref_table *t, size_t i, const char *name)
{
	const char *s = t->rows[i][ref_col(t, name)];
	return strcmp(s, "NA") == 0 ? NAN : strtod(s, NULL);
}

static inline const char *ref_str(const struct ref_table *t, size_t i, const char *name)
{
	return t->rows[i][ref_col(t, name)];
}

/** Copies the counts of series id from ts_series.csv into x (cap entries);
 * returns how many. */
static inline size_t ref_series(const struct ref_table *s, int id, double *x, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nrows && n < cap; i++)
		if ((int)ref_num(s, i, "series") == id)
			x[n++] = ref_num(s, i, "count");
	return n;
}

/** Equal to 1e-6 relative (with a 1e-9 absolute floor for values near 0),
 * and both NaN counts as equal. */
static inline int ref_close(double got, double want)
{
	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	return fabs(got - want) <= 1e-6 * fabs(want) + 1e-9;
}

#endif
