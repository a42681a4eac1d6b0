/* libFuzzer target: the assessment period and the five-level scale of the
 * commitments module (src/domain/policy.c) on arbitrary text. The input is
 * two lines, a and b. Checked against a reference written here from the
 * grammar (YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM; years 1000 to 2999):
 *  - policy_period_valid accepts exactly the periods of the grammar;
 *  - policy_status_rank knows exactly the five levels, in their order;
 *  - the order of periods the module uses (policy_period_cmp: "the period
 *    before", "at or before" in the matrix) follows time: a period that
 *    ends earlier comes first, the order is antisymmetric, and 0 only for
 *    the same period. */
#include "domain/policy_scale.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond, a, b)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_policy: check failed: %s (\"%s\", \"%s\")\n", \
				#cond, a, b);                                              \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* The months a period covers, as year * 12 + month - 1; 0 when it is not
 * a period. */
static int ref_range(const char *p, long *from, long *to)
{
	size_t n = strlen(p);
	if (n != 4 && n != 7)
		return 0;
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	long y = strtol((char[5]){p[0], p[1], p[2], p[3], 0}, NULL, 10);
	if (y < 1000 || y > 2999)
		return 0;
	long first = 1, last = 12;
	if (n == 7) {
		if (p[4] != '-')
			return 0;
		if (p[5] == 'Q' && p[6] >= '1' && p[6] <= '4')
			first = (p[6] - '1') * 3 + 1, last = first + 2;
		else if (p[5] == 'H' && (p[6] == '1' || p[6] == '2'))
			first = (p[6] - '1') * 6 + 1, last = first + 5;
		else if (p[5] >= '0' && p[5] <= '9' && p[6] >= '0' && p[6] <= '9' &&
			 (p[5] - '0') * 10 + (p[6] - '0') >= 1 && (p[5] - '0') * 10 + (p[6] - '0') <= 12)
			first = last = (p[5] - '0') * 10 + (p[6] - '0');
		else
			return 0;
	}
	*from = y * 12 + first - 1;
	*to = y * 12 + last - 1;
	return 1;
}

static void one(const char *a)
{
	long f, t;
	int valid = ref_range(a, &f, &t);
	CHECK(!policy_period_valid(a) == !valid, a, "");
	static const char *const scale[] = {"no_evidence", "not_started", "limited", "substantial",
					    "complete"};
	int rank = -1;
	for (int i = 0; i < 5; i++)
		if (strcmp(a, scale[i]) == 0)
			rank = i;
	CHECK(policy_status_rank(a) == rank, a, "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char *b = strchr(s, '\n');
	if (b)
		*b++ = '\0';
	else
		b = s + size;
	const char *a = s;
	one(a);
	one(b);
	long af, at, bf, bt;
	if (ref_range(a, &af, &at) && ref_range(b, &bf, &bt)) {
		int ab = policy_period_cmp(a, b), ba = policy_period_cmp(b, a);
		CHECK((ab < 0) == (ba > 0) && (ab == 0) == (ba == 0), a, b);
		CHECK((ab == 0) == (strcmp(a, b) == 0), a, b);
		if (at < bt)
			CHECK(ab < 0, a, b);
		if (at == bt && af > bf)
			CHECK(ab > 0, a, b); /* the shorter period ending then comes last */
	}
	free(s);
	return 0;
}
