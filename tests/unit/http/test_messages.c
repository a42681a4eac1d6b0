/* The message catalog: the language of Accept-Language, translations with
 * their variable parts, and every message written at a call site of
 * http_field_error or http_fail in src/ has a catalog entry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "http/messages.h"


#include <ctype.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void accept_language_picks_by_q(void **state)
{
	(void)state;
	assert_int_equal(msg_lang_pick(NULL), MSG_EN);
	assert_int_equal(msg_lang_pick(""), MSG_EN);
	assert_int_equal(msg_lang_pick("fr"), MSG_FR);
	assert_int_equal(msg_lang_pick("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"), MSG_RU);
	assert_int_equal(msg_lang_pick("en;q=0.5, fr-CA;q=0.9"), MSG_FR);
	assert_int_equal(msg_lang_pick("de-AT,de;q=0.9"), MSG_EN);
	assert_int_equal(msg_lang_pick("de, ru;q=0.3"), MSG_RU);
	assert_int_equal(msg_lang_pick("ru;q=0, fr;q=0.1"), MSG_FR);
	assert_int_equal(msg_lang_pick("fr;q=0"), MSG_EN);
	assert_int_equal(msg_lang_pick("FR ; q=1.0"), MSG_FR);
	assert_int_equal(msg_lang_pick("ru;q=2, fr;q=0.4"), MSG_FR); /* malformed q: skipped */
	assert_int_equal(msg_lang_pick("*"), MSG_EN);
	assert_int_equal(msg_lang_pick("fru, ruby"), MSG_EN);
	assert_int_equal(msg_lang_pick(",,;q=,ru"), MSG_RU);
	assert_string_equal(msg_lang_tag(MSG_RU), "ru");
}

static void messages_translate_with_their_values(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *code = NULL;
	assert_string_equal(msg_translate(a, "must be at most 5000 characters long", MSG_FR, &code),
			    "doit compter au plus 5000 caractères");
	assert_string_equal(code, "too_long");
	assert_string_equal(msg_translate(a, "must be an integer from 1 to 6", MSG_RU, &code),
			    "должно быть целым числом от 1 до 6");
	assert_string_equal(code, "not_in_range");
	assert_string_equal(msg_translate(a, "must be one of: a b c", MSG_FR, &code),
			    "doit être l'une de ces valeurs : a b c");
	assert_string_equal(code, "not_one_of");
	assert_string_equal(msg_translate(a, "the email or the password is wrong", MSG_EN, &code),
			    "the email or the password is wrong");
	assert_string_equal(code, "bad_credentials");
	assert_string_equal(msg_translate(a, "is not a receipt secret", MSG_RU, &code),
			    "не является секретом квитанции");
	/* a message without an entry stays English, code invalid */
	assert_string_equal(msg_translate(a, "no such thing at all", MSG_FR, &code),
			    "no such thing at all");
	assert_string_equal(code, "invalid");
	assert_null(msg_code("no such thing at all"));
	assert_null(msg_translate(a, NULL, MSG_FR, &code));
	/* a pattern's hole takes one character at least */
	assert_null(msg_code("must be one of: "));
	assert_non_null(msg_template("required", MSG_RU));
	assert_null(msg_template("no-such-code", MSG_RU));
	arena_free(a);
}

/* ---- every literal of a call site has an entry ---- */

static char missing[16384];
static size_t nmissing, nchecked;

static void check_literal(const char *path, int line, const char *text)
{
	nchecked++;
	if (msg_code(text))
		return;
	nmissing++;
	size_t o = strlen(missing);
	if (o < sizeof(missing) - 1)
		snprintf(missing + o, sizeof(missing) - o, "  %s:%d: \"%s\"\n", path, line, text);
}

/* Reads the string literal at s[*i] (and adjacent ones) into out. */
static void read_literals(const char *s, size_t *i, char *out, size_t max)
{
	size_t o = 0;
	for (;;) {
		(*i)++; /* the opening quote */
		while (s[*i] && s[*i] != '"') {
			char ch = s[*i];
			if (ch == '\\' && s[*i + 1]) {
				(*i)++;
				ch = s[*i] == 'n' ? '\n' : s[*i] == 't' ? '\t' : s[*i];
			}
			if (o + 1 < max)
				out[o++] = ch;
			(*i)++;
		}
		if (s[*i])
			(*i)++;
		size_t j = *i;
		while (s[j] == ' ' || s[j] == '\t' || s[j] == '\n')
			j++;
		if (s[j] != '"')
			break;
		*i = j;
	}
	out[o] = '\0';
}

static void scan_calls(const char *path, const char *s, const char *fn)
{
	size_t fl = strlen(fn);
	for (const char *p = strstr(s, fn); p; p = strstr(p + fl, fn)) {
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		if (p[fl] != '(')
			continue;
		int line = 1;
		for (const char *q = s; q < p; q++)
			line += *q == '\n';
		size_t i = (size_t)(p - s) + fl + 1;
		int depth = 1, arg = 0;
		while (s[i] && depth) {
			char ch = s[i];
			if (ch == '"') {
				char text[1024];
				read_literals(s, &i, text, sizeof(text));
				if (arg == 2)
					check_literal(path, line, text);
				continue;
			}
			if (ch == '\'') {
				i++;
				while (s[i] && s[i] != '\'')
					i += s[i] == '\\' ? 2 : 1;
			} else if (ch == '/' && s[i + 1] == '*') {
				const char *e = strstr(s + i + 2, "*/");
				i = e ? (size_t)(e - s) + 1 : strlen(s) - 1;
			} else if (ch == '(' || ch == '[' || ch == '{') {
				depth++;
			} else if (ch == ')' || ch == ']' || ch == '}') {
				depth--;
			} else if (ch == ',' && depth == 1) {
				arg++;
			}
			if (s[i])
				i++;
		}
	}
}

/* The tables of reasons by field that handlers and domain modules answer
 * with ({"field", "message"} pairs: a struct rwhy array, or a struct with
 * the members field and message); each message needs an entry too. */
static int is_why_table(const char *s, const char *at)
{
	const char *from = at - s > 120 ? at - 120 : s;
	char back[128];
	size_t n = (size_t)(at - from);
	memcpy(back, from, n);
	back[n] = '\0';
	return strstr(back, "struct rwhy") || strstr(back, "*field, *message;");
}

static void scan_why(const char *path, const char *s)
{
	static const char mark[] = "[] = {";
	for (const char *p = strstr(s, mark); p; p = strstr(p + 1, mark)) {
		if (!is_why_table(s, p))
			continue;
		int line = 1;
		for (const char *q = s; q < p; q++)
			line += *q == '\n';
		size_t i = (size_t)(p - s) + sizeof(mark) - 1;
		int depth = 1, item = 0;
		while (s[i] && depth) {
			char ch = s[i];
			if (ch == '"') {
				char text[1024];
				read_literals(s, &i, text, sizeof(text));
				if (depth == 2 && item == 1)
					check_literal(path, line, text);
				continue;
			}
			if (ch == '{') {
				depth++;
				item = 0;
			} else if (ch == '}') {
				depth--;
			} else if (ch == ',' && depth == 2) {
				item++;
			}
			i++;
		}
	}
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
		scan_calls(path, s, "http_field_error");
		scan_calls(path, s, "http_fail");
		scan_why(path, s);
	}
	free(s);
	fclose(f);
	return 0;
}

static void every_call_site_message_is_in_the_catalog(void **state)
{
	(void)state;
	/* run from the top of the tree (scripts/run-tests does) */
	assert_int_equal(nftw("src", visit, 16, FTW_PHYS), 0);
	if (nmissing)
		fprintf(stderr,
			"%zu message(s) of http_field_error/http_fail or a why[] table have no entry in "
			"src/http/messages_fields.c or messages_modules.c (add code, en, fr, ru):\n%s",
			nmissing, missing);
	assert_true(nchecked > 100);
	assert_int_equal(nmissing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(accept_language_picks_by_q),
	    cmocka_unit_test(messages_translate_with_their_values),
	    cmocka_unit_test(every_call_site_message_is_in_the_catalog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
