/** An RFC 4180 CSV reader over a buffer in memory: quoted fields with ""
 * escapes and embedded line breaks, CRLF or LF records, a UTF-8 BOM
 * skipped. Fields are copied into a buffer the reader owns; they stay valid
 * until the next csv_next call. */
#ifndef TR_CORE_CSV_H
#define TR_CORE_CSV_H

#include <stddef.h>
#include <stdio.h>

#define CSV_FIELDS_MAX 128

struct csv {
	const char *p, *end;
	size_t row;    /* 1-based number of the record last read */
	char *scratch; /* field storage, grown as needed */
	size_t cap;
	const char *field[CSV_FIELDS_MAX];
	size_t nfields;
	char error[160];
	size_t col;	 /* 1-based column of the error, 0 when it is the record's */
	const char *why; /* the error without its row and column */
};

/** Starts reading len bytes at data (not copied; must outlive the reader). */
void csv_open(struct csv *c, const char *data, size_t len);
/** Reads the next record into c->field / c->nfields. Returns 1 for a
 * record, 0 at the end, -1 on a malformed record (c->error says why:
 * an unterminated quote, a quote inside an unquoted field, too many fields,
 * a NUL byte, which is never text, in c->col). */
int csv_next(struct csv *c);
/** Releases the scratch storage. */
void csv_close(struct csv *c);
/** The index of name among the fields of the current record, or -1. */
int csv_find(const struct csv *c, const char *name);

struct buf;

/** Appends v (NULL: nothing) as one cell of text, for every CSV the
 * program writes: quoted when it holds a comma, semicolon, quote, line
 * break or an outer space; a cell a spreadsheet would take for a formula
 * (first character = + - @ TAB or CR) gets a leading single quote inside
 * the quotes (OWASP), and so does one that starts with a single quote, so
 * that csv_text reads back exactly v. Numbers the program formatted itself
 * are written as they are, not through this. */
void csv_put_text(struct buf *out, const char *v);
/** csv_put_text to a stream. */
void csv_fput_text(FILE *out, const char *v);
/** The text a cell written by csv_put_text holds: cell without the single
 * quote csv_put_text added, if any. */
const char *csv_text(const char *cell);

#endif
