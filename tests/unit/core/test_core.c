/* Core helpers: arena, bounded buffer, times, ids, CSV. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/err.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/uuid.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

static void arena_allocations_are_aligned_and_zeroed(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	for (int i = 1; i < 3000; i += 7) {
		unsigned char *p = arena_alloc(a, (size_t)i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (int k = 0; k < i; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xAB, (size_t)i);
	}
	char *big = arena_alloc(a, 3u << 20);
	assert_non_null(big);
	assert_string_equal(arena_printf(a, "%s-%d", "x", 42), "x-42");
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_null(arena_strdup(a, NULL));
	arena_free(a);
}

/* A request's arena is handed on to the next request of its thread: after
 * arena_reset it holds only its first block and gives zeroed memory again. */
static void arena_reset_keeps_one_block_and_zeroes_again(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	arena_reset(a); /* an arena that never grew */
	assert_int_equal(arena_used(a), 0);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 100; i++)
			memset(arena_alloc(a, 1000), 0xCD, 1000);
		assert_true(arena_used(a) > 100000);
		arena_reset(a);
		assert_int_equal(arena_used(a), 4096);
		unsigned char *p = arena_alloc(a, 4000);
		for (int k = 0; k < 4000; k++)
			assert_int_equal(p[k], 0);
	}
	arena_free(a);
}

static void buf_refuses_to_grow_past_its_cap(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "12345"), TR_OK);
	assert_int_equal(buf_puts(&b, "67890"), TR_OK);
	assert_int_equal(buf_puts(&b, "!"), TR_ERR_TOO_LARGE);
	assert_string_equal(b.data, "1234567890");
	assert_int_equal(b.err, TR_ERR_TOO_LARGE);
	buf_free(&b);
}

static void buf_escapes_json_strings(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1000);
	buf_json_str(&b, "a\"b\\c\n\x01é");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001é\"");
	buf_free(&b);
}

/* The escaper byte by byte, as JSON says, to hold buf_json_str's
 * word-at-a-time path to. */
static void json_str_slow(const char *s, char *out, size_t size)
{
	size_t n = 0;
	out[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *rep = *p == '"'    ? "\\\""
				  : *p == '\\' ? "\\\\"
				  : *p == '\n'  ? "\\n"
				  : *p == '\r'  ? "\\r"
				  : *p == '\t'  ? "\\t"
						: NULL;
		if (rep)
			n += (size_t)snprintf(out + n, size - n, "%s", rep);
		else if (*p < 0x20)
			n += (size_t)snprintf(out + n, size - n, "\\u%04x", *p);
		else
			out[n++] = (char)*p;
	}
	snprintf(out + n, size - n, "\"");
}

static void json_strings_escape_at_every_position(void **state)
{
	(void)state;
	static const char pick[] = {'a', 'Z', ' ', '"', '\\', '\n', '\r', '\t', 0x01, 0x1f,
				    0x20, 0x7f, (char)0xc3, (char)0xa9, '!', 0x5b, 0x5d, '#'};
	unsigned seed = 7;
	for (int round = 0; round < 5000; round++) {
		char in[48], want[48 * 6 + 3];
		int n = round % 40;
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly plain, so that long plain runs come with one special */
			in[i] = (seed >> 16) % 4 ? 'a' + (char)((seed >> 8) % 26)
						 : pick[(seed >> 20) % sizeof(pick)];
		}
		in[n] = '\0';
		json_str_slow(in, want, sizeof(want));
		struct buf b;
		buf_init(&b, 1000);
		buf_puts(&b, "x");
		assert_int_equal(buf_json_str(&b, in), TR_OK);
		assert_string_equal(b.data + 1, want);
		assert_int_equal(b.len, strlen(want) + 1);
		buf_free(&b);
	}
	struct buf b;
	buf_init(&b, 10); /* too long for the buffer: refused, not cut */
	assert_int_not_equal(buf_json_str(&b, "abcdefghijklmnop"), TR_OK);
	buf_free(&b);
}

static void times_round_trip_in_rfc3339(void **state)
{
	(void)state;
	int64_t ms;
	char out[32];
	assert_int_equal(tr_time_parse("2026-11-23T01:07:13Z", &ms), TR_OK);
	assert_int_equal(ms, 1795396033000LL);
	tr_time_format(ms, out);
	assert_string_equal(out, "2026-11-23T01:07:13Z");
	assert_int_equal(tr_time_parse("2026-11-23T03:07:13.250+02:00", &ms), TR_OK);
	tr_time_format(ms, out);
	assert_string_equal(out, "2026-11-23T01:07:13.250Z");
	assert_int_equal(tr_time_parse("2024-02-29", &ms), TR_OK);
	tr_time_format(ms, out);
	assert_string_equal(out, "2024-02-29T00:00:00Z");
}

static void bad_times_are_refused(void **state)
{
	(void)state;
	int64_t ms;
	const char *bad[] = {"",
			     "2026",
			     "2026-13-01",
			     "2026-02-30",
			     "2023-02-29",
			     "2026-11-23T25:00:00Z",
			     "2026-11-23T01:07:13",
			     "2026-11-23T01:07:13Zjunk",
			     "2026-11-23T01:07:13.Z",
			     "yesterday",
			     "2026-11-23T01:07:13+2:00"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tr_time_parse(bad[i], &ms), TR_ERR_INVALID);
}

static void times_are_bounded_to_1900_through_2200(void **state)
{
	(void)state;
	int64_t ms;
	char out[32];
	assert_int_equal(tr_time_parse("1900-01-01", &ms), TR_OK);
	tr_time_format(ms, out);
	assert_string_equal(out, "1900-01-01T00:00:00Z");
	assert_int_equal(tr_time_parse("2200-12-31T23:59:59.999Z", &ms), TR_OK);
	tr_time_format(ms, out);
	assert_string_equal(out, "2200-12-31T23:59:59.999Z");
	assert_int_equal(tr_time_parse("2200-12-31T23:00:00+05:00", &ms), TR_OK);
	const char *bad[] = {"1899-12-31",
			     "0001-01-01",
			     "2201-01-01",
			     "9999-12-31",
			     "9999-12-31T23:59:59Z",
			     "2200-12-31T23:59:59-01:00", /* 2201 in UTC */
			     "1900-01-01T00:30:00+01:00", /* 1899 in UTC */
			     "0000-01-01T00:00:00Z"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tr_time_parse(bad[i], &ms), TR_ERR_INVALID);
}

static void uuid7_is_valid_and_time_ordered(void **state)
{
	(void)state;
	char a[37], b[37];
	tr_uuid7(a);
	assert_true(tr_uuid_valid(a));
	assert_int_equal(a[14], '7');
	assert_true(strchr("89ab", a[19]) != NULL);
	for (int i = 0; i < 50; i++) {
		tr_uuid7(b);
		assert_true(strncmp(a, b, 8) <= 0);
	}
	assert_false(tr_uuid_valid("01900000-0000-7000-8000-00000000000"));
	assert_false(tr_uuid_valid("01900000-0000-7000-8000-00000000000g"));
	assert_false(tr_uuid_valid(NULL));
}

static void uuid_format_sets_version_and_variant(void **state)
{
	(void)state;
	unsigned char b[16];
	memset(b, 0xff, sizeof(b));
	char out[37];
	tr_uuid_format(b, 8, out);
	assert_string_equal(out, "ffffffff-ffff-8fff-bfff-ffffffffffff");
	memset(b, 0, sizeof(b));
	tr_uuid_format(b, 7, out);
	assert_string_equal(out, "00000000-0000-7000-8000-000000000000");
}

static void csv_reads_quotes_and_line_breaks(void **state)
{
	(void)state;
	const char *in = "\xEF\xBB\xBFid,text\r\n1,\"a, \"\"quoted\"\"\nline\"\n2,plain\n";
	struct csv c;
	csv_open(&c, in, strlen(in));
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(c.nfields, 2);
	assert_string_equal(c.field[0], "id");
	assert_int_equal(csv_find(&c, "text"), 1);
	assert_int_equal(csv_next(&c), 1);
	assert_string_equal(c.field[1], "a, \"quoted\"\nline");
	assert_int_equal(csv_next(&c), 1);
	assert_string_equal(c.field[1], "plain");
	assert_int_equal(c.row, 3);
	assert_int_equal(csv_next(&c), 0);
	csv_close(&c);
}

static void csv_reports_malformed_rows(void **state)
{
	(void)state;
	const char *bad[] = {"a,\"open\n", "a,b\"c\n", "\"x\"y\n"};
	for (size_t i = 0; i < 3; i++) {
		struct csv c;
		csv_open(&c, bad[i], strlen(bad[i]));
		assert_int_equal(csv_next(&c), -1);
		assert_non_null(strstr(c.error, "row 1"));
		csv_close(&c);
	}
}

static void csv_refuses_a_nul_byte_naming_row_and_column(void **state)
{
	(void)state;
	static const char quoted[] = "a,b,c\n1,\"ti\0tle\",3\n";
	static const char plain[] = "a,b\nx,y\n1,2\0\n";
	struct csv c;
	csv_open(&c, quoted, sizeof(quoted) - 1);
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(csv_next(&c), -1);
	assert_int_equal(c.col, 2);
	assert_string_equal(c.error, "row 2, column 2: contains a NUL byte");
	csv_close(&c);
	csv_open(&c, plain, sizeof(plain) - 1);
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(c.col, 0);
	assert_int_equal(csv_next(&c), -1);
	assert_int_equal(c.row, 3);
	assert_int_equal(c.col, 2);
	csv_close(&c);
}

static void csv_writer_defuses_formulas_and_reads_back(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "plain"},
	    {"=2+5", "\"'=2+5\""},
	    {"@SUM(A1)", "\"'@SUM(A1)\""},
	    {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
	    {"\t=1", "\"'\t=1\""},
	    {"\r=1", "\"'\r=1\""},
	    {"+1", "\"'+1\""},
	    {"-1+2", "\"'-1+2\""},
	    {"'quoted", "\"''quoted\""},
	    {"a,b", "\"a,b\""},
	    {"a;b", "\"a;b\""},
	    {" pad", "\" pad\""},
	    {"mid=dle", "mid=dle"},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;
		buf_init(&b, 1024);
		csv_put_text(&b, cases[i].in);
		assert_string_equal(b.data ? b.data : "", cases[i].out);
		/* what the reader gets back is the text written */
		struct csv c;
		csv_open(&c, b.data ? b.data : "", b.len);
		if (b.len) {
			assert_int_equal(csv_next(&c), 1);
			assert_string_equal(csv_text(c.field[0]), cases[i].in);
		}
		csv_close(&c);
		buf_free(&b);
	}
}

/* The stems kept of a word (text_stems) match a query's terms exactly as
 * the word itself does (text_has_term), in the three languages, for
 * tokens with several words, punctuation and none. */
static void kept_stems_match_as_the_words_do(void **state)
{
	(void)state;
	struct text_stemmers *t = text_stemmers_new();
	assert_non_null(t);
	static const char *const words[] = {
	    "fentanyl",	 "fentanyl;",	"Tablets",   "tablet",	  "schools",   "école",
	    "écoles",	 "héroïne",	"Heroin",    "героин",	  "героина",   "Героином",
	    "a",	 "x",		"cannabis-", "(cocaine)", "vape/vapes", "overdoses,",
	    "naïve",	 "1234",	"...",	     "jeunesse",  "молодёжь",  "fentanyl-tablets",
	    "festivals", "nitazènes", "généraux",   "saisies"};
	static const char *const queries[] = {"fentanyl tablets", "героин", "école jeune",
					      "cannabis vape overdose", "heroin héroïne", "a x 1234",
					      "молодежь festival", "nitazene", "general policy"};
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		struct buf terms;
		buf_init(&terms, 1 << 16);
		buf_puts(&terms, " ");
		assert_int_equal(text_index_terms(t, queries[q], &terms), TR_OK);
		buf_puts(&terms, " ");
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			struct buf st;
			buf_init(&st, 1 << 16);
			assert_int_equal(text_stems(t, words[w], &st), TR_OK);
			int kept = text_stems_match(st.data ? st.data : "", terms.data);
			if (kept != text_has_term(t, words[w], terms.data))
				fail_msg("%s against %s: %d", words[w], terms.data, kept);
			buf_free(&st);
		}
		buf_free(&terms);
	}
	text_stemmers_free(t);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(arena_allocations_are_aligned_and_zeroed),
	    cmocka_unit_test(arena_reset_keeps_one_block_and_zeroes_again),
	    cmocka_unit_test(buf_refuses_to_grow_past_its_cap),
	    cmocka_unit_test(buf_escapes_json_strings),
	    cmocka_unit_test(json_strings_escape_at_every_position),
	    cmocka_unit_test(times_round_trip_in_rfc3339),
	    cmocka_unit_test(bad_times_are_refused),
	    cmocka_unit_test(uuid7_is_valid_and_time_ordered),
	    cmocka_unit_test(uuid_format_sets_version_and_variant),
	    cmocka_unit_test(csv_reads_quotes_and_line_breaks),
	    cmocka_unit_test(csv_reports_malformed_rows),
	    cmocka_unit_test(csv_writer_defuses_formulas_and_reads_back),
	    cmocka_unit_test(csv_refuses_a_nul_byte_naming_row_and_column),
	    cmocka_unit_test(times_are_bounded_to_1900_through_2200),
	    cmocka_unit_test(kept_stems_match_as_the_words_do),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
