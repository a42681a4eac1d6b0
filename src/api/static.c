#include "api/api.h"
#include "api/handlers.h"
#include "core/err.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int api_openapi(struct http_req *req, struct http_resp *resp)
{
	struct app *app = http_app(req);
	char path[4200];
	snprintf(path, sizeof(path), "%s/docs/openapi.json", app->home);
	json_t *doc = api_openapi_doc(path);
	if (!doc)
		return http_fail(req, TR_ERR_IO, "the API description is missing");
	return http_resp_json(resp, 200, doc);
}

static const char *mime_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".mjs", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".json", "application/json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".woff2", "font/woff2"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* Paths with "..", a backslash, NUL or a hidden segment never reach open(). */
static int path_safe(const char *p)
{
	if (p[0] != '/' || strstr(p, "..") || strchr(p, '\\') || strstr(p, "/."))
		return 0;
	return strlen(p) < 512;
}

static int file_send(struct http_req *req, struct http_resp *resp, const char *file,
		     const char *type)
{
	int gz = 0;
	char gzpath[4800];
	const char *ae = http_header(req, "Accept-Encoding");
	snprintf(gzpath, sizeof(gzpath), "%s.gz", file);
	struct stat st, src;
	/* the gzip copy only while it is as new as its source: a file changed
	 * since scripts/web-vendor ran is sent as it now is */
	if (ae && strstr(ae, "gzip") && stat(gzpath, &st) == 0 && S_ISREG(st.st_mode) &&
	    stat(file, &src) == 0 && st.st_mtime >= src.st_mtime)
		gz = 1;
	const char *path = gz ? gzpath : file;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return TR_ERR_NOT_FOUND;
	}
	char etag[64];
	snprintf(etag, sizeof(etag), "\"%lx-%lx%s\"", (unsigned long)st.st_mtime,
		 (unsigned long)st.st_size, gz ? "-gz" : "");
	http_resp_header(resp, "ETag", etag);
	http_resp_header(resp, "Cache-Control", "no-cache");
	http_resp_header(resp, "Vary", "Accept-Encoding");
	http_resp_type(resp, type);
	const char *inm = http_header(req, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		http_resp_status(resp, 304);
		return TR_OK;
	}
	if (gz)
		http_resp_header(resp, "Content-Encoding", "gzip");
	char *data = malloc((size_t)st.st_size + 1);
	ssize_t got = data ? read(fd, data, (size_t)st.st_size) : -1;
	close(fd);
	if (got != st.st_size) {
		free(data);
		return TR_ERR_IO;
	}
	http_resp_take(resp, data, (size_t)st.st_size);
	http_resp_status(resp, 200);
	return TR_OK;
}

int api_static(struct http_req *req, struct http_resp *resp)
{
	struct app *app = http_app(req);
	const char *p = http_path(req);
	if (strncmp(p, "/api/", 5) == 0 || !app->web_dir[0])
		return http_fail(req, TR_ERR_NOT_FOUND, "no such route");
	if (!path_safe(p))
		return http_fail(req, TR_ERR_NOT_FOUND, "no such file");
	char file[4800];
	snprintf(file, sizeof(file), "%s%s", app->web_dir, p);
	size_t n = strlen(file);
	const char *base = strrchr(p, '/');
	if (file[n - 1] == '/' || !strchr(base, '.'))
		/* the app's own paths (/alerts/123) are routed in the browser */
		snprintf(file, sizeof(file), "%s/index.html", app->web_dir);
	int rc = file_send(req, resp, file, mime_of(file));
	if (rc == TR_ERR_NOT_FOUND)
		return http_fail(req, rc, "no such file");
	return rc;
}
