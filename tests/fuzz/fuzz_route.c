/* libFuzzer target: http_route_match (src/http/router.c) with the path
 * patterns of the real route table against arbitrary request paths.
 *
 * The patterns come from build/fuzz/route_patterns.h, which scripts/fuzz
 * extracts from src/api/routes.c so the target follows the table without
 * linking every handler; built without it (-DFUZZ_NO_ROUTE_TABLE) a fixed
 * copy is used. Besides crashes it checks: a match with and without the
 * out parameter agree; parameters are at most HTTP_PARAMS_MAX, non-empty,
 * without '/', inside the path, named as in the pattern; and putting the
 * values back into the pattern gives the path again. */
#include "http/router.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_NO_ROUTE_TABLE
#include "route_patterns.h"
#else
static const char *const route_patterns[] = {
	"/healthz",
	"/readyz",
	"/metrics",
	"/api/v1/openapi.json",
	"/api/v1/countries",
	"/api/v1/countries/{iso2}",
	"/api/v1/organisations",
	"/api/v1/organisations/{id}",
};
#endif

/* Extra shapes the table will grow into: two parameters, a parameter in
 * the middle, a parameter at the end of a longer path. */
static const char *const extra_patterns[] = {
	"/api/v1/alerts/{id}/sightings/{sid}",
	"/api/v1/alerts/{id}/related",
	"/{a}",
	"/api/v1/{kind}/{id}/{sub}/{x}",
	"/{a}/{b}/{c}/{d}/{e}", /* more than HTTP_PARAMS_MAX: never matches */
};

#define CHECK(cond, pat, path)                                                             \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_route: check failed: %s (pattern \"%s\")\n",  \
				#cond, pat);                                               \
			(void)(path);                                                      \
			abort();                                                           \
		}                                                                          \
	} while (0)

static void check_one(const char *pat, const char *path, size_t plen)
{
	struct http_match m;
	memset(&m, 0xA5, sizeof(m));
	int hit = http_route_match(pat, path, &m);
	CHECK(hit == 0 || hit == 1, pat, path);
	CHECK(hit == http_route_match(pat, path, NULL), pat, path);
	if (!hit)
		return;
	CHECK(m.n >= 0 && m.n <= HTTP_PARAMS_MAX, pat, path);

	/* Rebuild the path from the pattern and the values. */
	char *re = malloc(plen + 1);
	CHECK(re != NULL, pat, path);
	size_t o = 0;
	int k = 0;
	for (const char *p = pat; *p;) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			CHECK(pe && k < m.n, pat, path);
			CHECK(m.name[k] == p + 1 && m.name_len[k] == (size_t)(pe - p - 1), pat,
			      path);
			CHECK(m.value[k] >= path && m.value[k] + m.value_len[k] <= path + plen,
			      pat, path);
			CHECK(m.value_len[k] > 0, pat, path);
			CHECK(!memchr(m.value[k], '/', m.value_len[k]), pat, path);
			CHECK(o + m.value_len[k] <= plen, pat, path);
			memcpy(re + o, m.value[k], m.value_len[k]);
			o += m.value_len[k];
			k++;
			p = pe + 1;
		} else {
			CHECK(o < plen, pat, path);
			re[o++] = *p++;
		}
	}
	CHECK(k == m.n, pat, path);
	CHECK(o == plen && memcmp(re, path, plen) == 0, pat, path);
	free(re);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The path as the server sees it: a C string (cut at a NUL). */
	char *path = malloc(size + 1);
	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	size_t plen = strlen(path);
	for (size_t i = 0; i < sizeof(route_patterns) / sizeof(route_patterns[0]); i++)
		check_one(route_patterns[i], path, plen);
	for (size_t i = 0; i < sizeof(extra_patterns) / sizeof(extra_patterns[0]); i++)
		check_one(extra_patterns[i], path, plen);
	free(path);
	return 0;
}
