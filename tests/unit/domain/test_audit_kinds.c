/* Every kind of record an audit entry is written with is one the API takes
 * as a filter (audit_resource_types): the kind in each struct audit_entry
 * initialiser of src/domain, the entities of the shared-record modules
 * (.entity = "..."), and the link types. A new kind that is not in the list
 * could not be found in the log by kind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/audit.h"
#include "domain/link.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int missing, seen;

static int known(const char *kind, size_t n)
{
	for (const char *const *k = audit_resource_types; *k; k++)
		if (strlen(*k) == n && strncmp(*k, kind, n) == 0)
			return 1;
	return 0;
}

static void check(const char *path, const char *kind, size_t n)
{
	seen++;
	if (!known(kind, n)) {
		missing++;
		print_error("%s: kind \"%.*s\" is not in audit_resource_types\n", path, (int)n, kind);
	}
}

/* The fourth item of "struct audit_entry e = {a, b, c, "kind", ...}" when
 * it is a string literal. */
static void scan_entries(const char *path, const char *s)
{
	static const char mark[] = "struct audit_entry ";
	for (const char *p = strstr(s, mark); p; p = strstr(p + 1, mark)) {
		const char *brace = strchr(p, '{'), *semi = strchr(p, ';');
		if (!brace || (semi && semi < brace))
			continue; /* a declaration without an initialiser */
		const char *q = brace + 1;
		int item = 0, paren = 0;
		while (*q && *q != '}' && item < 3) {
			if (*q == '"') /* skip a literal, which may hold a comma */
				q = strchr(q + 1, '"');
			else if (*q == '(')
				paren++;
			else if (*q == ')')
				paren--;
			else if (*q == ',' && paren == 0) /* not a call's */
				item++;
			if (!q)
				return;
			q++;
		}
		while (*q == ' ' || *q == '\t' || *q == '\n')
			q++;
		if (item == 3 && *q == '"')
			check(path, q + 1, strcspn(q + 1, "\""));
	}
	static const char entity[] = ".entity = \"";
	for (const char *p = strstr(s, entity); p; p = strstr(p + 1, entity))
		check(path, p + sizeof(entity) - 1, strcspn(p + sizeof(entity) - 1, "\""));
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 2 || strcmp(path + n - 2, ".c") != 0)
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)len + 1);
	if (s && fread(s, 1, (size_t)len, f) == (size_t)len) {
		s[len] = '\0';
		scan_entries(path, s);
	}
	free(s);
	fclose(f);
	return 0;
}

static void every_kind_written_is_a_filter(void **state)
{
	(void)state;
	missing = seen = 0;
	assert_int_equal(nftw("src/domain", visit, 16, FTW_PHYS), 0);
	for (const char *const *t = link_types; *t; t++)
		check("src/domain/link.c", *t, strlen(*t));
	if (seen < 30)
		fail_msg("only %d kinds found: run from the repository root", seen);
	if (missing)
		fail_msg("%d kind(s) written to the audit log cannot be filtered by", missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_kind_written_is_a_filter),
	};
	return cmocka_run_group_tests_name("audit kinds", tests, NULL, NULL);
}
