#include "domain/policy_scale.h"
#include "core/buf.h"
#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

const char *const policy_kinds[] = {"self", "independent", NULL};

const char *const policy_statuses[] = {"no_evidence", "not_started", "limited",
				       "substantial", "complete",    NULL};

int policy_period_valid(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	if (n < 4 || p[0] < '1' || p[0] > '2')
		return 0;
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	if (n == 4)
		return 1;
	if (n != 7 || p[4] != '-')
		return 0;
	if (p[5] == 'Q')
		return p[6] >= '1' && p[6] <= '4';
	if (p[5] == 'H')
		return p[6] == '1' || p[6] == '2';
	int m = (p[5] - '0') * 10 + (p[6] - '0');
	return p[5] >= '0' && p[5] <= '1' && p[6] >= '0' && p[6] <= '9' && m >= 1 && m <= 12;
}

/* The months a valid period covers, counted from year 0. */
static void range(const char *p, long *from, long *to)
{
	long y = (p[0] - '0') * 1000L + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	long first = 1, last = 12;
	if (p[4] == '-' && p[5] == 'Q')
		first = (p[6] - '1') * 3 + 1, last = first + 2;
	else if (p[4] == '-' && p[5] == 'H')
		first = (p[6] - '1') * 6 + 1, last = first + 5;
	else if (p[4] == '-')
		first = last = (p[5] - '0') * 10 + (p[6] - '0');
	*from = y * 12 + first - 1;
	*to = y * 12 + last - 1;
}

/* By the month a period ends, then the shorter (later start) last: a
 * quarter comes before its year, December 2024 after the first half of
 * it. The text orders neither ("2024-Q2" > "2024", "2024-12" < "2024-H1").
 * An invalid period sorts before every valid one, by its text. */
int policy_period_cmp(const char *a, const char *b)
{
	int va = policy_period_valid(a), vb = policy_period_valid(b);
	if (!va || !vb)
		return va != vb ? va - vb : strcmp(a ? a : "", b ? b : "");
	long af, at, bf, bt;
	range(a, &af, &at);
	range(b, &bf, &bt);
	if (at != bt)
		return at < bt ? -1 : 1;
	if (af != bf)
		return af < bf ? -1 : 1;
	return 0;
}

int policy_status_rank(const char *s)
{
	for (int i = 0; s && policy_statuses[i]; i++)
		if (strcmp(policy_statuses[i], s) == 0)
			return i;
	return -1;
}

/* ---- the matrix as CSV ---- */

static void put_cell(struct buf *b, json_t *cell, const char *key)
{
	buf_puts(b, ",");
	csv_put_text(b, json_string_value(json_object_get(cell, key)));
}

char *policy_matrix_csv(json_t *m)
{
	struct buf b;
	buf_init(&b, (size_t)1 << 26);
	buf_puts(&b, "state,document_id,commitment_id,paragraph,theme,self_period,self_status,"
		     "self_change,independent_period,independent_status,independent_change\r\n");
	size_t i, j;
	json_t *s, *cm;
	json_array_foreach(json_object_get(m, "states"), i, s)
	{
		json_array_foreach(json_object_get(m, "commitments"), j, cm)
		{
			const char *id = json_string_value(json_object_get(cm, "id"));
			json_t *cell = json_object_get(json_object_get(s, "cells"), id);
			csv_put_text(&b, json_string_value(json_object_get(s, "state")));
			put_cell(&b, cm, "document_id");
			put_cell(&b, cm, "id");
			put_cell(&b, cm, "paragraph");
			put_cell(&b, cm, "theme");
			for (int kd = 0; policy_kinds[kd]; kd++) {
				json_t *k = json_object_get(cell, policy_kinds[kd]);
				put_cell(&b, k, "period");
				put_cell(&b, k, "status");
				put_cell(&b, k, "change");
			}
			buf_puts(&b, "\r\n");
		}
	}
	char *text = strdup(b.data ? b.data : "");
	buf_free(&b);
	return text;
}
