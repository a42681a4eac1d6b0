/* Street maps: GET /api/v1/map says which tiles the web app draws, and
 * GET /api/v1/map/tiles serves a local PMTiles file by byte ranges (the
 * browser's pmtiles reads its header, directories and tiles that way).
 * Both public: the tip form's map is drawn without an account, and street
 * maps are public data. The file's path comes from the configuration only,
 * never from the request, so no request can name another file. */
#include "api/tiles.h"
#include "api/api.h"
#include "api/app.h"
#include "api/handlers.h"
#include "core/err.h"
#include "http/range.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum { TILES_XYZ, TILES_PMTILES };

struct tiles {
	int kind;
	char url[512];	       /* the XYZ template */
	char path[4096];       /* the PMTiles file */
	char csp[1024];	       /* the policy with the template's origin; "" for the default */
	char attribution[201]; /* "" when none */
};

#define TILES_URL "/api/v1/map/tiles"

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "TRELLIS_TILES: %s", msg);
	return TR_ERR_INVALID;
}

/* Characters of a template: those of a URL that neither a policy (space,
 * ';', ',', quotes) nor HTML can be bent with. */
static int template_char(int c)
{
	return isalnum(c) || (c && strchr("-._~/?&=%{}:@+", c));
}

static int loopback(const char *host, size_t n)
{
	return (n == 9 && strncmp(host, "localhost", 9) == 0) ||
	       (n == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
	       (n == 5 && strncmp(host, "[::1]", 5) == 0);
}

static int xyz_config(struct tiles *t, const char *v, char *err, size_t errlen)
{
	size_t len = strlen(v);
	if (len >= sizeof(t->url))
		return fail(err, errlen, "the URL template is longer than 511 characters");
	for (size_t i = 0; i < len; i++)
		if (!template_char((unsigned char)v[i]))
			return fail(err, errlen,
				    "the URL template has a character a URL does not need");
	int https = strncmp(v, "https://", 8) == 0;
	const char *host = v + (https ? 8 : 7);
	size_t hlen = strcspn(host, "/?");
	if (host[hlen] != '/')
		return fail(err, errlen, "the URL template has no path after its host");
	/* the subdomain placeholder may stand as the first label only */
	const char *h = host;
	size_t n = hlen;
	int any_sub = strncmp(h, "{s}.", 4) == 0;
	if (any_sub) {
		h += 4;
		n -= 4;
	}
	size_t name = strcspn(h, ":/");
	if (name == 0 || name > 253)
		return fail(err, errlen, "the URL template has no host");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (i < name ? !(isalnum(c) || c == '.' || c == '-')
			     : !(isdigit(c) || (i == name && c == ':')))
			return fail(err, errlen,
				    "the URL template's host must be a name and a port");
	}
	if (!https && !loopback(h, name))
		return fail(err, errlen,
			    "the URL template must be https (http only on a loopback host)");
	const char *path = host + hlen;
	if (!strstr(path, "{z}") || !strstr(path, "{x}") ||
	    !(strstr(path, "{y}") || strstr(path, "{-y}")))
		return fail(err, errlen, "the URL template must hold {z}, {x} and {y}");
	for (const char *b = strchr(path, '{'); b; b = strchr(b + 1, '{'))
		if (strncmp(b, "{z}", 3) && strncmp(b, "{x}", 3) && strncmp(b, "{y}", 3) &&
		    strncmp(b, "{-y}", 4) && strncmp(b, "{s}", 3) && strncmp(b, "{r}", 3))
			return fail(err, errlen,
				    "the URL template may hold only {z} {x} {y} {-y} {s} {r}");
	memcpy(t->url, v, len + 1);
	snprintf(t->csp, sizeof(t->csp),
		 "default-src 'self'; img-src 'self' data: %s%s%.*s; style-src 'self'; "
		 "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
		 "form-action 'self'; frame-ancestors 'none'",
		 https ? "https://" : "http://", any_sub ? "*." : "", (int)n, h);
	t->kind = TILES_XYZ;
	return TR_OK;
}

/* The PMTiles v3 header: "PMTiles", version 3, ..., the tile type at 99
 * (1 vector, 2 png, 3 jpeg, 4 webp, 5 avif). */
static int pmtiles_config(struct tiles *t, const char *v, char *err, size_t errlen)
{
	if (strlen(v) >= sizeof(t->path))
		return fail(err, errlen, "the path is too long");
	int fd = open(v, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char head[127];
	if (fd < 0)
		return fail(err, errlen, "the PMTiles file cannot be opened");
	int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		 pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head);
	close(fd);
	if (!ok || memcmp(head, "PMTiles", 7) != 0 || head[7] != 3)
		return fail(err, errlen, "the file is not PMTiles version 3");
	if (head[99] < 2 || head[99] > 5)
		return fail(err, errlen,
			    "the PMTiles file must hold raster tiles (png, jpeg, webp or avif)");
	memcpy(t->path, v, strlen(v) + 1);
	t->kind = TILES_PMTILES;
	return TR_OK;
}

/* The tiles' credit: plain text, short, no control character. */
static int attribution_config(struct tiles *t, const char *v, char *err, size_t errlen)
{
	size_t len = strlen(v);
	if (len > sizeof(t->attribution) - 1) {
		snprintf(err, errlen, "TRELLIS_TILES_ATTRIBUTION: longer than 200 bytes");
		return TR_ERR_INVALID;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			snprintf(err, errlen, "TRELLIS_TILES_ATTRIBUTION: a control character");
			return TR_ERR_INVALID;
		}
	memcpy(t->attribution, v, len + 1);
	return TR_OK;
}

int tiles_config(const char *value, const char *attribution, struct tiles **out, char *err,
		 size_t errlen)
{
	*out = NULL;
	if ((!value || !*value) && attribution && *attribution) {
		snprintf(err, errlen, "TRELLIS_TILES_ATTRIBUTION: set without TRELLIS_TILES");
		return TR_ERR_INVALID;
	}
	if (!value || !*value)
		return TR_OK;
	struct tiles *t = calloc(1, sizeof(*t));
	if (!t)
		return TR_ERR_NOMEM;
	int rc = strncmp(value, "https://", 8) == 0 || strncmp(value, "http://", 7) == 0
		     ? xyz_config(t, value, err, errlen)
		     : pmtiles_config(t, value, err, errlen);
	if (!rc && attribution && *attribution)
		rc = attribution_config(t, attribution, err, errlen);
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return TR_OK;
}

void tiles_free(struct tiles *t)
{
	free(t);
}

const char *tiles_csp(const struct tiles *t)
{
	return t && t->csp[0] ? t->csp : NULL;
}

int api_map_get(struct http_req *req, struct http_resp *resp)
{
	int rc = api_query_allow(req, (const char *const[]){NULL});
	if (rc)
		return rc;
	const struct tiles *t = ((struct app *)http_app(req))->tiles;
	json_t *tiles = json_null();
	if (t && t->kind == TILES_XYZ)
		tiles = json_pack("{s:s,s:s}", "type", "xyz", "url", t->url);
	else if (t)
		tiles = json_pack("{s:s,s:s}", "type", "pmtiles", "url", TILES_URL);
	if (t && t->attribution[0])
		json_object_set_new(tiles, "attribution", json_string(t->attribution));
	return http_resp_json(resp, 200, json_pack("{s:o}", "tiles", tiles));
}

int api_map_tiles(struct http_req *req, struct http_resp *resp)
{
	const struct tiles *t = ((struct app *)http_app(req))->tiles;
	if (!t || t->kind != TILES_PMTILES)
		return http_fail(req, TR_ERR_NOT_FOUND, "this server has no map tiles");
	int rc = api_query_allow(req, (const char *const[]){NULL});
	if (rc)
		return rc;
	/* opened anew: a file replaced in place is served whole and new,
	 * with its own ETag */
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return http_fail(req, TR_ERR_IO, "the map tiles cannot be read");
	}
	uint64_t size = (uint64_t)st.st_size;
	char etag[80], num[96];
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%llx\"", (unsigned long long)st.st_ino,
		 (unsigned long long)st.st_mtime, (unsigned long long)size);
	http_resp_header(resp, "ETag", etag);
	http_resp_header(resp, "Accept-Ranges", "bytes");
	http_resp_header(resp, "Cache-Control", "no-cache");
	const char *range = http_header(req, "Range");
	const char *if_range = http_header(req, "If-Range");
	const char *inm = http_header(req, "If-None-Match");
	if (range && if_range && strcmp(if_range, etag) != 0)
		range = NULL; /* the copy the client has is old: all of the new one */
	if (!range && inm && strcmp(inm, etag) == 0) {
		close(fd);
		http_resp_status(resp, 304);
		return TR_OK;
	}
	uint64_t first = 0, last = size ? size - 1 : 0;
	if (range) {
		if (http_range_parse(range, size, &first, &last)) {
			close(fd);
			snprintf(num, sizeof(num), "bytes */%llu", (unsigned long long)size);
			http_resp_header(resp, "Content-Range", num);
			http_field_error(req, "Range",
					 "must be one range bytes=FIRST-LAST, bytes=FIRST- or "
					 "bytes=-SUFFIX within the file");
			return http_fail(req, TR_ERR_RANGE, "range not satisfiable");
		}
		snprintf(num, sizeof(num), "bytes %llu-%llu/%llu", (unsigned long long)first,
			 (unsigned long long)last, (unsigned long long)size);
		http_resp_header(resp, "Content-Range", num);
		http_resp_status(resp, 206);
	} else {
		http_resp_status(resp, 200);
	}
	http_resp_type(resp, "application/vnd.pmtiles");
	http_resp_file(resp, fd, first, size ? last - first + 1 : 0);
	return TR_OK;
}
