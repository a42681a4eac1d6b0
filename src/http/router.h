/** Path patterns of the route table: literal segments and {name} segments
 * that match one non-empty path segment. */
#ifndef TR_HTTP_ROUTER_H
#define TR_HTTP_ROUTER_H

#include "http/http.h"

#include <stddef.h>

/** The parameters of a match, pointing into the pattern and the path. */
struct http_match {
	int n;
	const char *name[HTTP_PARAMS_MAX];
	size_t name_len[HTTP_PARAMS_MAX];
	const char *value[HTTP_PARAMS_MAX];
	size_t value_len[HTTP_PARAMS_MAX];
};

/** 1 when path matches pattern (filling m when not NULL), else 0. */
int http_route_match(const char *pattern, const char *path, struct http_match *m);

#endif
