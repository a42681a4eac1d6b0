#include "core/text.h"
#include "core/err.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct text_stemmers {
	struct sb_stemmer *en, *fr, *ru;
};

/* Latin letters U+00C0..U+024F folded to lower-case ASCII ("" when not a letter). */
/* clang-format off */
static const char *const latin_fold[0x250 - 0xC0] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n",
	"o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a",
	"a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o",
	"o", "", "o", "u", "u", "u", "u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c", "c",
	"c", "c", "c", "c", "c", "d", "d", "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e",
	"g", "g", "g", "g", "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i",
	"i", "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "", "", "l",
	"l", "n", "n", "n", "n", "n", "n", "", "n", "n", "o", "o", "o", "o", "o", "o", "oe", "oe",
	"r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "t",
	"t", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "w", "w", "y", "y", "y", "z",
	"z", "z", "z", "z", "z", "s", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
	"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "o", "o", "", "", "", "", "",
	"", "", "", "", "", "", "", "", "u", "u", "", "", "", "", "", "", "", "", "", "", "", "", "",
	"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "a", "a", "i", "i", "o", "o", "u",
	"u", "u", "u", "u", "u", "u", "u", "u", "u", "", "a", "a", "a", "a", "", "", "", "", "g", "g",
	"k", "k", "o", "o", "o", "o", "", "", "j", "", "", "", "g", "g", "", "", "n", "n", "a", "a",
	"", "", "", "", "a", "a", "a", "a", "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o",
	"o", "r", "r", "r", "r", "u", "u", "u", "u", "s", "s", "t", "t", "", "", "h", "h", "", "", "",
	"", "", "", "a", "a", "e", "e", "o", "o", "o", "o", "o", "o", "o", "o", "y", "y", "", "", "",
	"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
	"", "",
};
/* clang-format on */

struct text_stemmers *text_stemmers_new(void)
{
	struct text_stemmers *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->en = sb_stemmer_new("english", "UTF_8");
	t->fr = sb_stemmer_new("french", "UTF_8");
	t->ru = sb_stemmer_new("russian", "UTF_8");
	if (!t->en || !t->fr || !t->ru) {
		text_stemmers_free(t);
		return NULL;
	}
	return t;
}

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

static void thread_free(void *p)
{
	text_stemmers_free(p);
}

static void thread_key_make(void)
{
	pthread_key_create(&thread_key, thread_free);
}

struct text_stemmers *text_stemmers_thread(void)
{
	pthread_once(&thread_once, thread_key_make);
	struct text_stemmers *t = pthread_getspecific(thread_key);
	if (!t && (t = text_stemmers_new()) && pthread_setspecific(thread_key, t)) {
		text_stemmers_free(t);
		t = NULL;
	}
	return t;
}

void text_stemmers_free(struct text_stemmers *t)
{
	if (!t)
		return;
	if (t->en)
		sb_stemmer_delete(t->en);
	if (t->fr)
		sb_stemmer_delete(t->fr);
	if (t->ru)
		sb_stemmer_delete(t->ru);
	free(t);
}

/* Decodes one UTF-8 code point; invalid bytes read as U+FFFD, one byte. */
static unsigned utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	int n = c < 0x80	     ? 0
		: (c & 0xE0) == 0xC0 ? 1
		: (c & 0xF0) == 0xE0 ? 2
		: (c & 0xF8) == 0xF0 ? 3
				     : -1;
	if (n < 0) {
		*p = s + 1;
		return 0xFFFD;
	}
	unsigned cp = n == 0 ? c : c & (0x3F >> n);
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*p = s + n + 1;
	return cp;
}

static int is_cyrillic(unsigned cp)
{
	return cp >= 0x400 && cp <= 0x4FF;
}

static int is_word_char(unsigned cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       (cp >= 0xC0 && cp < 0x250 && latin_fold[cp - 0xC0][0]) || is_cyrillic(cp);
}

/* Lower-cases Cyrillic, folding ё into е as Russian search does. */
static unsigned cyrillic_lower(unsigned cp)
{
	if (cp >= 0x410 && cp <= 0x42F)
		cp += 0x20;
	else if (cp >= 0x400 && cp <= 0x40F)
		cp += 0x50;
	return cp == 0x451 ? 0x435 : cp;
}

static size_t put_utf8(unsigned cp, char *out, size_t room)
{
	if (cp < 0x80 && room >= 1) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800 && room >= 2) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	return 0;
}

size_t text_fold_word(const char *word, size_t len, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)word, *end = p + len;
	size_t o = 0;
	while (p < end && o + 3 < outlen) {
		unsigned cp = utf8_next(&p);
		if (cp < 0x80) {
			out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		} else if (cp >= 0xC0 && cp < 0x250) {
			const char *f = latin_fold[cp - 0xC0];
			size_t n = strlen(f);
			if (o + n + 1 >= outlen)
				break;
			memcpy(out + o, f, n);
			o += n;
		} else if (is_cyrillic(cp)) {
			o += put_utf8(cyrillic_lower(cp), out + o, outlen - o - 1);
		}
	}
	out[o] = '\0';
	return o;
}

/* The terms of one folded word: its stems, without repeats. */
static int word_terms(struct text_stemmers *t, const char *w, size_t n, int cyr,
		      char alts[TEXT_ALTS_MAX][TEXT_WORD_MAX * 2 + 1])
{
	struct sb_stemmer *st[2] = {cyr ? t->ru : t->en, cyr ? NULL : t->fr};
	int k = 0;
	for (int i = 0; i < 2 && st[i]; i++) {
		const sb_symbol *s = sb_stemmer_stem(st[i], (const sb_symbol *)w, (int)n);
		int len = s ? sb_stemmer_length(st[i]) : 0;
		if (!s || len <= 0 || len > TEXT_WORD_MAX * 2)
			continue;
		memcpy(alts[k], s, (size_t)len);
		alts[k][len] = '\0';
		if (k == 0 || strcmp(alts[0], alts[k]) != 0)
			k++;
	}
	if (k == 0) {
		memcpy(alts[0], w, n);
		alts[0][n] = '\0';
		k = 1;
	}
	return k;
}

/* Walks the words of text, calling fn with each one's terms; when keep is
 * given, words it refuses (folded) are not stemmed. */
static int text_walk(struct text_stemmers *t, const char *text,
		     void (*fn)(void *ctx, const char *const *alts, int n), void *ctx,
		     int (*keep)(void *ctx, const char *folded, size_t n))
{
	const unsigned char *p = (const unsigned char *)text;
	int words = 0;
	while (*p) {
		const unsigned char *start = p, *q = p;
		unsigned cp = utf8_next(&q);
		if (!is_word_char(cp)) {
			p = q;
			continue;
		}
		int cyr = is_cyrillic(cp);
		const unsigned char *end = q;
		while (*end) {
			const unsigned char *r = end;
			unsigned c2 = utf8_next(&r);
			if (!is_word_char(c2))
				break;
			end = r;
		}
		char folded[TEXT_WORD_MAX * 2 + 4];
		size_t n = text_fold_word((const char *)start, (size_t)(end - start), folded,
					  sizeof(folded));
		p = end;
		if (n == 0 || (keep && !keep(ctx, folded, n)))
			continue;
		char alts[TEXT_ALTS_MAX][TEXT_WORD_MAX * 2 + 1];
		int k = word_terms(t, folded, n, cyr, alts);
		const char *ptrs[TEXT_ALTS_MAX];
		for (int i = 0; i < k; i++)
			ptrs[i] = alts[i];
		fn(ctx, ptrs, k);
		words++;
	}
	return words;
}

static void index_emit(void *ctx, const char *const *alts, int n)
{
	struct buf *out = ctx;
	for (int i = 0; i < n; i++) {
		if (out->len)
			buf_append(out, " ", 1);
		buf_puts(out, alts[i]);
	}
}

int text_index_terms(struct text_stemmers *t, const char *text, struct buf *out)
{
	if (text)
		text_walk(t, text, index_emit, out, NULL);
	return out->err;
}

int text_query_terms(struct text_stemmers *t, const char *q,
		     void (*fn)(void *ctx, const char *const *alts, int n), void *ctx)
{
	return text_walk(t, q, fn, ctx, NULL);
}

struct has_term {
	const char *terms;
	int hit;
};

/* Stems keep the start of their word: a word none of whose first two bytes
 * begin a term cannot match, and is not stemmed. */
static int has_term_keep(void *ctx, const char *folded, size_t n)
{
	struct has_term *h = ctx;
	char key[4] = {' ', folded[0], n > 1 ? folded[1] : ' ', '\0'};
	return !h->hit && strstr(h->terms, key) != NULL;
}

static void has_term_check(void *ctx, const char *const *alts, int n)
{
	struct has_term *h = ctx;
	char key[TEXT_WORD_MAX * 2 + 4];
	for (int i = 0; i < n && !h->hit; i++) {
		size_t len = strlen(alts[i]);
		key[0] = ' ';
		memcpy(key + 1, alts[i], len);
		key[len + 1] = ' ';
		key[len + 2] = '\0';
		h->hit = strstr(h->terms, key) != NULL;
	}
}

struct stems {
	struct buf *out;
	char key[2]; /* of the word being walked */
};

static int stems_key(void *ctx, const char *folded, size_t n)
{
	struct stems *x = ctx;
	x->key[0] = folded[0];
	x->key[1] = n > 1 ? folded[1] : ' ';
	return 1;
}

static void stems_emit(void *ctx, const char *const *alts, int n)
{
	struct stems *x = ctx;
	buf_append(x->out, "\x01", 1);
	buf_append(x->out, x->key, 2);
	for (int i = 0; i < n; i++) {
		buf_append(x->out, " ", 1);
		buf_puts(x->out, alts[i]);
	}
}

int text_stems(struct text_stemmers *t, const char *text, struct buf *out)
{
	struct stems x = {out, {' ', ' '}};
	text_walk(t, text, stems_emit, &x, stems_key);
	return out->err;
}

int text_stems_match(const char *stems, const char *terms)
{
	char key[TEXT_WORD_MAX * 2 + 4];
	for (const char *w = strchr(stems, '\x01'); w; w = strchr(w + 1, '\x01')) {
		char pre[4] = {' ', w[1], w[2], '\0'};
		if (!strstr(terms, pre)) /* as has_term_keep */
			continue;
		const char *a = w + 3, *end = strchr(a, '\x01');
		if (!end)
			end = a + strlen(a);
		while (a < end) { /* " term" each */
			const char *e = memchr(a + 1, ' ', (size_t)(end - a - 1));
			size_t len = (size_t)((e ? e : end) - a - 1);
			if (len + 3 > sizeof(key))
				return 0;
			key[0] = ' ';
			memcpy(key + 1, a + 1, len);
			key[len + 1] = ' ';
			key[len + 2] = '\0';
			if (strstr(terms, key))
				return 1;
			a = e ? e : end;
		}
	}
	return 0;
}

int text_has_term(struct text_stemmers *t, const char *text, const char *terms)
{
	struct has_term h = {terms, 0};
	text_walk(t, text, has_term_check, &h, has_term_keep);
	return h.hit;
}
