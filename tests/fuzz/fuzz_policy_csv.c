/* libFuzzer target: the State x commitment matrix as CSV
 * (policy_matrix_csv, src/domain/policy_scale.c), the export that must
 * round-trip. The input's lines become the texts of a small matrix (up to 3
 * States and 3 commitments: paragraphs, themes, periods, statuses and
 * changes of any bytes that are UTF-8, formulas and quotes included). The
 * CSV is read back with the project's reader (src/core/csv.c): a header
 * and one record of 11 fields per State and commitment, each cell giving
 * back exactly its text through csv_text, and no cell a spreadsheet would
 * take for a formula. */
#include "core/csv.h"
#include "domain/policy_scale.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_policy_csv: %s:%d: check failed: %s\n",       \
				__FILE__, __LINE__, #cond);                                \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* The next line of the input as a JSON string (NULL when it is not UTF-8
 * or the input ran out: the cell is then absent). */
static json_t *next_text(const char **p, const char *end)
{
	if (*p >= end)
		return NULL;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	json_t *s = memchr(*p, '\0', n) ? NULL : json_stringn(*p, n);
	*p += n + (nl != NULL);
	return s;
}

static const char *text_of(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	int ns = size ? data[0] % 4 : 0, nc = size > 1 ? data[1] % 4 : 0;
	p += size > 2 ? 2 : size;
	json_t *m = json_object(), *states = json_array(), *cms = json_array();
	json_object_set_new(m, "states", states);
	json_object_set_new(m, "commitments", cms);
	static const char *const ckeys[] = {"document_id", "id", "paragraph", "theme"};
	for (int j = 0; j < nc; j++) {
		json_t *c = json_object();
		for (int k = 0; k < 4; k++) {
			json_t *v = next_text(&p, end);
			if (v)
				json_object_set_new(c, ckeys[k], v);
		}
		char id[16];
		snprintf(id, sizeof(id), "cm-%d", j); /* the cells are found by a distinct id */
		json_object_set_new(c, "id", json_string(id));
		json_array_append_new(cms, c);
	}
	static const char *const kkeys[] = {"period", "status", "change"};
	for (int i = 0; i < ns; i++) {
		json_t *s = json_object(), *cells = json_object();
		json_t *st = next_text(&p, end);
		if (st)
			json_object_set_new(s, "state", st);
		json_object_set_new(s, "cells", cells);
		for (int j = 0; j < nc; j++) {
			json_t *cell = json_object();
			for (int kd = 0; policy_kinds[kd]; kd++) {
				json_t *k = json_object();
				for (int x = 0; x < 3; x++) {
					json_t *v = next_text(&p, end);
					if (v)
						json_object_set_new(k, kkeys[x], v);
				}
				json_object_set_new(cell, policy_kinds[kd], k);
			}
			char id[16];
			snprintf(id, sizeof(id), "cm-%d", j);
			json_object_set_new(cells, id, cell);
		}
		json_array_append_new(states, s);
	}

	char *csv = policy_matrix_csv(m);
	CHECK(csv);
	struct csv r;
	csv_open(&r, csv, strlen(csv));
	CHECK(csv_next(&r) == 1 && r.nfields == 11);
	CHECK(strcmp(r.field[0], "state") == 0 && strcmp(r.field[10], "independent_change") == 0);
	for (int i = 0; i < ns; i++) {
		json_t *s = json_array_get(states, (size_t)i);
		for (int j = 0; j < nc; j++) {
			json_t *c = json_array_get(cms, (size_t)j);
			int got = csv_next(&r);
			if (got != 1)
				fprintf(stderr, "fuzz_policy_csv: record %d.%d: %d %s\n", i, j, got,
					r.error);
			CHECK(got == 1);
			CHECK(r.nfields == 11);
			const char *want[11];
			want[0] = text_of(s, "state");
			for (int k = 0; k < 4; k++)
				want[1 + k] = text_of(c, ckeys[k]);
			json_t *cell = json_object_get(json_object_get(s, "cells"), text_of(c, "id"));
			for (int kd = 0; kd < 2; kd++)
				for (int x = 0; x < 3; x++)
					want[5 + kd * 3 + x] =
					    text_of(json_object_get(cell, policy_kinds[kd]), kkeys[x]);
			for (int k = 0; k < 11; k++) {
				const char *f = r.field[k];
				if (strcmp(csv_text(f), want[k]) != 0)
					fprintf(stderr, "fuzz_policy_csv: cell %d: \"%s\" for \"%s\"\n",
						k, f, want[k]);
				CHECK(strcmp(csv_text(f), want[k]) == 0);
				/* a formula never reaches a spreadsheet */
				CHECK(!strchr("=+-@\t\r", f[0]) || !f[0]);
			}
		}
	}
	CHECK(csv_next(&r) == 0);
	csv_close(&r);
	free(csv);
	json_decref(m);
	return 0;
}
