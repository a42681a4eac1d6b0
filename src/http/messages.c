#include "http/messages.h"
#include "http/messages_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The catalog in order: an English text is matched against the patterns in
 * this order, and the first entry of a code is its template. */
static const struct msg *entry(size_t i)
{
	return i < msg_fields_n ? &msg_fields[i] : &msg_modules[i - msg_fields_n];
}

#define MSG_N (msg_fields_n + msg_modules_n)

static const char *const tags[MSG__LANGS] = {"en", "fr", "ru"};

const char *msg_lang_tag(int lang)
{
	return lang >= 0 && lang < MSG__LANGS ? tags[lang] : "en";
}

/* q-value: "0", "0.8", "1", "1.000"; -1 when malformed */
static double parse_q(const char *s, size_t n)
{
	double q = 0, scale = 1;
	int dot = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' && !dot) {
			dot = 1;
		} else if (isdigit((unsigned char)s[i])) {
			digits++;
			if (dot) {
				scale /= 10;
				q += (s[i] - '0') * scale;
			} else {
				q = q * 10 + (s[i] - '0');
			}
		} else {
			return -1;
		}
	}
	return digits && q <= 1 ? q : -1;
}

int msg_lang_pick(const char *h)
{
	int best = MSG_EN;
	double best_q = 0;
	if (!h)
		return MSG_EN;
	while (*h) {
		size_t n = strcspn(h, ",");
		const char *item = h, *end = h + n;
		h = *end ? end + 1 : end;
		while (item < end && (*item == ' ' || *item == '\t'))
			item++;
		size_t tag = strcspn(item, ";, \t");
		if (item + tag > end)
			tag = (size_t)(end - item);
		double q = 1;
		const char *p = item + tag;
		while (p < end) {
			while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
				p++;
			size_t pl = (size_t)(end - p);
			size_t plen = strcspn(p, ";");
			if (plen > pl)
				plen = pl;
			if (plen >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
				size_t vl = plen - 2;
				while (vl && (p[2 + vl - 1] == ' ' || p[2 + vl - 1] == '\t'))
					vl--;
				q = parse_q(p + 2, vl);
			}
			p += plen;
		}
		if (q <= 0)
			continue;
		int lang = -1;
		size_t prim = strcspn(item, "-_;, \t");
		if (prim > tag)
			prim = tag;
		for (int l = 0; l < MSG__LANGS; l++)
			if (prim == 2 && strncasecmp(item, tags[l], 2) == 0)
				lang = l;
		if (prim == 1 && item[0] == '*')
			lang = MSG_EN;
		if (lang >= 0 && q > best_q) {
			best = lang;
			best_q = q;
		}
	}
	return best;
}

#define MAXCAP 10

struct caps {
	const char *at[MAXCAP];
	size_t len[MAXCAP];
};

static int is_hole(const char *p)
{
	return p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}';
}

/* Whether s matches pattern p, each hole taking one or more characters
 * (the fewest that let the rest match). */
static int match(const char *p, const char *s, struct caps *c)
{
	while (*p) {
		if (is_hole(p)) {
			int k = p[1] - '0';
			size_t rest = strlen(s);
			for (size_t n = 1; n <= rest; n++) {
				c->at[k] = s;
				c->len[k] = n;
				if (match(p + 3, s + n, c))
					return 1;
			}
			return 0;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *s == '\0';
}

static const struct msg *find(const char *en, struct caps *c)
{
	if (!en)
		return NULL;
	for (size_t i = 0; i < MSG_N; i++) {
		memset(c, 0, sizeof(*c));
		if (match(entry(i)->text[MSG_EN], en, c))
			return entry(i);
	}
	return NULL;
}

const char *msg_code(const char *en)
{
	struct caps c;
	const struct msg *m = find(en, &c);
	return m ? m->code : NULL;
}

const char *msg_translate(struct arena *a, const char *en, int lang, const char **code)
{
	struct caps c;
	const struct msg *m = find(en, &c);
	if (code)
		*code = m ? m->code : "invalid";
	if (!m || lang <= MSG_EN || lang >= MSG__LANGS)
		return en;
	const char *t = m->text[lang];
	size_t n = 0;
	for (const char *p = t; *p;)
		if (is_hole(p)) {
			n += c.len[p[1] - '0'];
			p += 3;
		} else {
			n++;
			p++;
		}
	char *out = arena_alloc(a, n + 1);
	if (!out)
		return en;
	char *o = out;
	for (const char *p = t; *p;)
		if (is_hole(p)) {
			int k = p[1] - '0';
			if (c.at[k])
				memcpy(o, c.at[k], c.len[k]);
			o += c.len[k];
			p += 3;
		} else {
			*o++ = *p++;
		}
	*o = '\0';
	return out;
}

const char *msg_template(const char *code, int lang)
{
	if (lang < 0 || lang >= MSG__LANGS)
		lang = MSG_EN;
	for (size_t i = 0; i < MSG_N; i++)
		if (strcmp(entry(i)->code, code) == 0)
			return entry(i)->text[lang];
	return NULL;
}
