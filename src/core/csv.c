#include "core/csv.h"
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_open(struct csv *c, const char *data, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->p = data;
	c->end = data + len;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->p += 3;
}

void csv_close(struct csv *c)
{
	free(c->scratch);
	c->scratch = NULL;
	c->cap = 0;
}

/* The scratch area can hold the rest of the input plus one NUL per field,
 * so pointers into it never move while a record is being read. */
static int csv_reserve(struct csv *c)
{
	size_t need = (size_t)(c->end - c->p) + CSV_FIELDS_MAX + 1;
	if (need <= c->cap)
		return 0;
	char *s = realloc(c->scratch, need);
	if (!s)
		return -1;
	c->scratch = s;
	c->cap = need;
	return 0;
}

static int csv_fail(struct csv *c, const char *why)
{
	snprintf(c->error, sizeof(c->error), "row %zu: %s", c->row, why);
	c->why = why;
	return -1;
}

/* A NUL byte would end the field's text early, silently: refused. */
static int csv_fail_nul(struct csv *c)
{
	c->col = c->nfields;
	c->why = "contains a NUL byte";
	snprintf(c->error, sizeof(c->error), "row %zu, column %zu: %s", c->row, c->col, c->why);
	return -1;
}

int csv_next(struct csv *c)
{
	c->nfields = 0;
	c->col = 0;
	if (c->p >= c->end)
		return 0;
	if (csv_reserve(c))
		return csv_fail(c, "out of memory");
	c->row++;
	char *out = c->scratch;
	for (;;) {
		if (c->nfields == CSV_FIELDS_MAX)
			return csv_fail(c, "too many fields");
		c->field[c->nfields++] = out;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return csv_fail(c, "unterminated quoted field");
				if (*c->p == '\0')
					return csv_fail_nul(c);
				if (*c->p == '"') {
					if (c->p + 1 < c->end && c->p[1] == '"') {
						*out++ = '"';
						c->p += 2;
						continue;
					}
					c->p++;
					break;
				}
				*out++ = *c->p++;
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
				return csv_fail(c, "text after a closing quote");
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
				if (*c->p == '"')
					return csv_fail(c, "quote inside an unquoted field");
				if (*c->p == '\0')
					return csv_fail_nul(c);
				*out++ = *c->p++;
			}
		}
		*out++ = '\0';
		if (c->p >= c->end)
			return 1;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		return 1;
	}
}

int csv_find(const struct csv *c, const char *name)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (strcmp(c->field[i], name) == 0)
			return (int)i;
	return -1;
}

/* What a spreadsheet reads as the start of a formula (OWASP CSV injection),
 * and the quote that marks a defused cell. */
static int csv_defused(const char *v)
{
	return v[0] && strchr("=+-@\t\r'", v[0]) != NULL;
}

void csv_put_text(struct buf *out, const char *v)
{
	if (!v)
		return;
	size_t n = strlen(v);
	int defuse = csv_defused(v);
	if (!defuse && !strpbrk(v, ",;\"\r\n") && (!n || (v[0] != ' ' && v[n - 1] != ' '))) {
		buf_append(out, v, n);
		return;
	}
	buf_puts(out, defuse ? "\"'" : "\"");
	for (const char *p = v, *q; *p; p = q + 1) {
		q = strchr(p, '"');
		if (!q) {
			buf_puts(out, p);
			break;
		}
		buf_append(out, p, (size_t)(q - p) + 1);
		buf_puts(out, "\""); /* a quote is written twice */
	}
	buf_puts(out, "\"");
}

void csv_fput_text(FILE *out, const char *v)
{
	struct buf b;
	buf_init(&b, (size_t)-1);
	csv_put_text(&b, v);
	if (b.data)
		fwrite(b.data, 1, b.len, out);
	buf_free(&b);
}

const char *csv_text(const char *cell)
{
	return cell[0] == '\'' && csv_defused(cell + 1) ? cell + 1 : cell;
}
