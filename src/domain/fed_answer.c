/* Federation, the puller's first read of a peer's answer: the JSON object
 * {"cursor", "index", "more", "payload", "signature"} checked as JSON and
 * cut into the parts the puller uses, without a tree of it. The payload
 * (the signed bundle, some MiB escaped as one JSON string) is unescaped in
 * one pass into its own buffer; every other value is checked and skipped.
 * The payload is then verified against the signature and parsed like any
 * bundle (fed_bundle_apply): what is read here only has to be the same
 * bytes jansson would read. */
#include "domain/fed_answer.h"

#include "core/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_MAX 64

struct scan {
	const unsigned char *p, *end;
};

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Writes code point u as UTF-8 at o (NULL: only counts); its length. */
static size_t utf8_put(unsigned char *o, unsigned u)
{
	if (u < 0x80) {
		if (o)
			o[0] = (unsigned char)u;
		return 1;
	}
	if (u < 0x800) {
		if (o) {
			o[0] = (unsigned char)(0xc0 | (u >> 6));
			o[1] = (unsigned char)(0x80 | (u & 0x3f));
		}
		return 2;
	}
	if (u < 0x10000) {
		if (o) {
			o[0] = (unsigned char)(0xe0 | (u >> 12));
			o[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
			o[2] = (unsigned char)(0x80 | (u & 0x3f));
		}
		return 3;
	}
	if (o) {
		o[0] = (unsigned char)(0xf0 | (u >> 18));
		o[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3f));
		o[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
		o[3] = (unsigned char)(0x80 | (u & 0x3f));
	}
	return 4;
}

/* One escape after its backslash at s->p: the code point (a surrogate
 * pair joined), s->p moved past it; -1 when it is not a valid one. \u0000
 * is refused (the parts are C strings), as jansson does. */
static long escape(struct scan *s)
{
	if (s->p >= s->end)
		return -1;
	unsigned char c = *s->p++;
	switch (c) {
	case '"':
	case '\\':
	case '/':
		return c;
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case 'u':
		break;
	default:
		return -1;
	}
	unsigned u, lo;
	if (s->end - s->p < 4 || hex4(s->p, &u))
		return -1;
	s->p += 4;
	if (u == 0 || (u >= 0xdc00 && u <= 0xdfff))
		return -1;
	if (u >= 0xd800 && u <= 0xdbff) {
		if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' || hex4(s->p + 2, &lo) ||
		    lo < 0xdc00 || lo > 0xdfff)
			return -1;
		s->p += 6;
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
	}
	return (long)u;
}

/* A string at s->p (its opening quote): checked, and when out is given
 * unescaped into a new NUL-terminated buffer (*out, *len). TR_OK or
 * TR_ERR_INVALID. */
static int string(struct scan *s, char **out, size_t *len)
{
	if (s->p >= s->end || *s->p != '"')
		return TR_ERR_INVALID;
	const unsigned char *start = ++s->p;
	size_t n = 0;
	/* first pass: check and size */
	for (;;) {
		const unsigned char *q = s->p;
		while (q < s->end && *q != '"' && *q != '\\' && *q >= 0x20)
			q++;
		n += (size_t)(q - s->p);
		s->p = q;
		if (q >= s->end || *q < 0x20)
			return TR_ERR_INVALID;
		if (*q == '"')
			break;
		s->p++;
		long u = escape(s);
		if (u < 0)
			return TR_ERR_INVALID;
		n += utf8_put(NULL, (unsigned)u);
	}
	const unsigned char *stop = s->p++;
	if (!out)
		return TR_OK;
	unsigned char *o = malloc(n + 1);
	if (!o)
		return TR_ERR_NOMEM;
	/* second pass: copy the runs, decode the escapes (known valid) */
	struct scan r = {start, stop};
	size_t k = 0;
	while (r.p < r.end) {
		const unsigned char *q = memchr(r.p, '\\', (size_t)(r.end - r.p));
		if (!q)
			q = r.end;
		memcpy(o + k, r.p, (size_t)(q - r.p));
		k += (size_t)(q - r.p);
		r.p = q;
		if (q < r.end) {
			r.p++;
			k += utf8_put(o + k, (unsigned)escape(&r));
		}
	}
	o[k] = '\0';
	*out = (char *)o;
	*len = k;
	return TR_OK;
}

/* A JSON number at s->p, as its grammar says. */
static int number(struct scan *s)
{
	const unsigned char *p = s->p, *e = s->end;
	if (p < e && *p == '-')
		p++;
	if (p >= e || *p < '0' || *p > '9')
		return TR_ERR_INVALID;
	if (*p == '0')
		p++;
	else
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	if (p < e && *p == '.') {
		if (++p >= e || *p < '0' || *p > '9')
			return TR_ERR_INVALID;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || *p < '0' || *p > '9')
			return TR_ERR_INVALID;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	s->p = p;
	return TR_OK;
}

static int word(struct scan *s, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return TR_ERR_INVALID;
	s->p += n;
	return TR_OK;
}

/* Any value at s->p, checked and skipped. */
static int value(struct scan *s, int depth)
{
	ws(s);
	if (s->p >= s->end || depth > DEPTH_MAX)
		return TR_ERR_INVALID;
	unsigned char c = *s->p;
	if (c == '"')
		return string(s, NULL, NULL);
	if (c == 't')
		return word(s, "true");
	if (c == 'f')
		return word(s, "false");
	if (c == 'n')
		return word(s, "null");
	if (c != '[' && c != '{')
		return number(s);
	unsigned char close = c == '[' ? ']' : '}';
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return TR_OK;
	}
	for (;;) {
		int rc;
		if (close == '}') {
			ws(s);
			if ((rc = string(s, NULL, NULL)))
				return rc;
			ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return TR_ERR_INVALID;
		}
		if ((rc = value(s, depth + 1)))
			return rc;
		ws(s);
		if (s->p >= s->end)
			return TR_ERR_INVALID;
		c = *s->p++;
		if (c == close)
			return TR_OK;
		if (c != ',')
			return TR_ERR_INVALID;
	}
}

/* An integer that fits in int64 (no fraction, no exponent), or not one. */
static int integer(const unsigned char *p, const unsigned char *e, int64_t *out)
{
	int neg = p < e && *p == '-';
	p += neg;
	if (p >= e)
		return 0;
	uint64_t v = 0;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return 0;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 1;
}

static void answer_clear(struct fed_answer *a)
{
	free(a->payload);
	free(a->signature);
	memset(a, 0, sizeof(*a));
}

/* One member of the answer: its key, then its value kept or skipped. */
static int member(struct scan *s, struct fed_answer *a)
{
	char *key = NULL;
	size_t klen = 0;
	int rc = string(s, &key, &klen);
	if (rc)
		return rc;
	ws(s);
	if (s->p >= s->end || *s->p++ != ':') {
		free(key);
		return TR_ERR_INVALID;
	}
	ws(s);
	const unsigned char *v = s->p;
	if (strcmp(key, "payload") == 0 || strcmp(key, "signature") == 0) {
		char **dst = key[0] == 'p' ? &a->payload : &a->signature;
		size_t *dlen = key[0] == 'p' ? &a->payload_len : &a->signature_len;
		free(key);
		if (*dst)
			return TR_ERR_INVALID; /* named twice */
		return s->p < s->end && *s->p == '"' ? string(s, dst, dlen) : value(s, 1);
	}
	rc = value(s, 1);
	if (!rc && strcmp(key, "cursor") == 0)
		a->has_cursor = integer(v, s->p, &a->cursor);
	else if (!rc && strcmp(key, "more") == 0)
		a->more = s->p - v == 4 && memcmp(v, "true", 4) == 0;
	free(key);
	return rc;
}

int fed_answer_parse(const char *text, size_t len, struct fed_answer *a)
{
	struct scan s = {(const unsigned char *)text, (const unsigned char *)text + len};
	memset(a, 0, sizeof(*a));
	int rc = TR_OK;
	ws(&s);
	if (s.p >= s.end || *s.p++ != '{')
		rc = TR_ERR_INVALID;
	ws(&s);
	if (!rc && s.p < s.end && *s.p == '}') {
		s.p++;
	} else {
		while (!rc) {
			ws(&s);
			if ((rc = member(&s, a)))
				break;
			ws(&s);
			if (s.p >= s.end) {
				rc = TR_ERR_INVALID;
				break;
			}
			unsigned char c = *s.p++;
			if (c == '}')
				break;
			if (c != ',')
				rc = TR_ERR_INVALID;
		}
	}
	ws(&s);
	if (!rc && s.p != s.end)
		rc = TR_ERR_INVALID;
	if (!rc && (!a->payload || !a->signature))
		rc = TR_ERR_INVALID;
	if (rc)
		answer_clear(a);
	return rc;
}

void fed_answer_free(struct fed_answer *a)
{
	answer_clear(a);
}
