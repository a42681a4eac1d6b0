/* The Range header of a GET (RFC 9110, section 14): one byte range. */
#include "http/range.h"

#include <ctype.h>
#include <strings.h>

/* A decimal of at most 19 digits (no sign, no space); -1 otherwise. */
static int range_number(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int n = 0;
	while (isdigit((unsigned char)*s)) {
		if (++n > 19)
			return -1;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	if (n == 0)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

int http_range_parse(const char *h, uint64_t size, uint64_t *first, uint64_t *last)
{
	if (strncasecmp(h, "bytes=", 6) != 0)
		return -1;
	const char *p = h + 6;
	uint64_t a = 0, b = 0;
	if (*p == '-') {
		p++;
		if (range_number(&p, &b) || *p)
			return -1;
		if (b == 0 || size == 0)
			return -2;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return 0;
	}
	if (range_number(&p, &a) || *p++ != '-')
		return -1;
	int open_end = *p == '\0';
	if (!open_end && (range_number(&p, &b) || *p || b < a))
		return -1;
	if (a >= size)
		return -2;
	*first = a;
	*last = open_end || b >= size ? size - 1 : b;
	return 0;
}
