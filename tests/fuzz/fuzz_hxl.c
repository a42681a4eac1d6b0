/* libFuzzer target: the CSV+HXL matrix reader (src/domain/hxl.c) over
 * arbitrary bytes. Besides crashes and undefined behaviour it checks the
 * reader's promises: a file-level failure reports at least one problem;
 * every row handed on is an object whose "_row" grows and never exceeds
 * the records read; the report never holds more entries than its cap; and
 * writing the good rows back (hxl_write) and reading them again accepts
 * every one of them. */
#include "domain/hxl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_hxl: %s:%d: check failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                          \
			abort();                                                           \
		}                                                                          \
	} while (0)

struct seen {
	json_int_t last;
	json_t *rows;
};

static int keep(void *ctx, json_t *row)
{
	struct seen *s = ctx;
	json_int_t n = json_integer_value(json_object_get(row, "_row"));
	CHECK(json_is_object(row) && n > s->last);
	s->last = n;
	/* as the export would see an activity: partners are ids there */
	json_t *copy = json_deep_copy(row);
	json_object_set_new(copy, "org_id", json_string("org"));
	json_object_set_new(copy, "partners", json_array());
	json_array_append_new(s->rows, copy);
	return 0;
}

static int ignore(void *ctx, json_t *row)
{
	(void)row;
	(*(long *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	struct activity_import_report *rep = calloc(1, sizeof(*rep));
	struct seen s = {0, json_array()};
	int rc = hxl_read(text, size, "Org", "AT", keep, &s, rep, NULL, NULL);
	CHECK(rep->nerrors <= ACTIVITY_IMPORT_ERRORS_MAX && rep->errors_total >= rep->nerrors);
	if (rc)
		CHECK(rep->errors_total > 0);
	if (!rc && json_array_size(s.rows) > 0) {
		json_t *names = json_pack("{s:s}", "org", "Org");
		struct buf out;
		buf_init(&out, 1 << 24);
		CHECK(hxl_write(s.rows, names, 1, &out) == 0);
		struct activity_import_report *again = calloc(1, sizeof(*again));
		long n = 0;
		CHECK(hxl_read(out.data, out.len, "Org", "AT", ignore, &n, again, NULL, NULL) == 0);
		CHECK(again->errors_total == 0 && n == (long)json_array_size(s.rows));
		free(again);
		buf_free(&out);
		json_decref(names);
	}
	json_decref(s.rows);
	free(rep);
	free(text);
	return 0;
}
