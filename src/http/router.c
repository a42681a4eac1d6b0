#include "http/router.h"

#include <string.h>

int http_route_match(const char *pattern, const char *path, struct http_match *m)
{
	const char *p = pattern, *u = path;
	int n = 0;
	while (*p && *u) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *ue = strchr(u, '/');
			if (!pe)
				return 0;
			if (!ue)
				ue = u + strlen(u);
			if (ue == u || n >= HTTP_PARAMS_MAX)
				return 0;
			if (m) {
				m->name[n] = p + 1;
				m->name_len[n] = (size_t)(pe - p - 1);
				m->value[n] = u;
				m->value_len[n] = (size_t)(ue - u);
			}
			n++;
			p = pe + 1;
			u = ue;
		} else if (*p++ != *u++) {
			return 0;
		}
	}
	if (*p || *u)
		return 0;
	if (m)
		m->n = n;
	return 1;
}
