#include "domain/seed.h"
#include "core/csv.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/country.h"
#include "domain/substance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct {
		char *p;
		size_t n, cap;
	} b = {0};
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.n + got + 1 > b.cap) {
			size_t cap = (b.cap ? b.cap * 2 : 16384) + got;
			char *p = realloc(b.p, cap);
			if (!p) {
				free(b.p);
				fclose(f);
				return NULL;
			}
			b.p = p;
			b.cap = cap;
		}
		memcpy(b.p + b.n, chunk, got);
		b.n += got;
	}
	fclose(f);
	if (!b.p)
		b.p = calloc(1, 1);
	*len = b.n;
	return b.p;
}

static int seed_countries(struct db_conn *c, struct csv *in, int *count, char *err, size_t errlen)
{
	int r = csv_next(in);
	int ci[5] = {csv_find(in, "iso2"), csv_find(in, "iso3"), csv_find(in, "name_en"),
		     csv_find(in, "name_fr"), csv_find(in, "osce_status")};
	for (int i = 0; i < 5; i++)
		if (r != 1 || ci[i] < 0) {
			snprintf(err, errlen, "osce_countries.csv: missing column");
			return TR_ERR_INVALID;
		}
	while ((r = csv_next(in)) == 1) {
		if (in->nfields < 5 || !country_status_valid(in->field[ci[4]]) ||
		    strlen(in->field[ci[0]]) != 2) {
			snprintf(err, errlen, "osce_countries.csv: row %zu is invalid", in->row);
			return TR_ERR_INVALID;
		}
		struct db_stmt *s;
		int rc =
		    db_prepare(c,
			       "INSERT INTO countries (iso2, iso3, name_en, name_fr, osce_status)"
			       " VALUES (?, ?, ?, ?, ?) ON CONFLICT (iso2) DO UPDATE SET"
			       " iso3 = excluded.iso3, name_en = excluded.name_en,"
			       " name_fr = excluded.name_fr, osce_status = excluded.osce_status",
			       &s);
		if (rc)
			return rc;
		for (int i = 0; i < 5; i++)
			db_bind_text(s, i + 1, in->field[ci[i]]);
		rc = db_step(s);
		db_done(s);
		if (rc != DB_DONE)
			return rc;
		(*count)++;
	}
	if (r < 0) {
		snprintf(err, errlen, "osce_countries.csv: %s", in->error);
		return TR_ERR_INVALID;
	}
	return TR_OK;
}

static int seed_org(struct db_conn *c, const char *key, const char *name, const char *country)
{
	char id[37];
	tr_uuid7(id);
	int64_t now = tr_now_ms();
	return db_run_vals(c,
			   "INSERT INTO organisations (id, key, name, kind, country, created_at,"
			   " updated_at) VALUES (?, ?, ?, 'international_organisation', ?, ?, ?)"
			   " ON CONFLICT (key) DO UPDATE SET name = excluded.name,"
			   " country = excluded.country"
			   " WHERE organisations.name <> excluded.name"
			   " OR organisations.country IS DISTINCT FROM excluded.country",
			   DB_VALS(DB_TEXT(id), DB_TEXT(key), DB_TEXT(name),
				   DB_TEXT(country && *country ? country : NULL), DB_INT(now),
				   DB_INT(now)));
}

static int seed_parent(struct db_conn *c, const char *key, const char *parent)
{
	return db_run_vals(c,
			   "UPDATE organisations SET parent_id ="
			   " (SELECT p.id FROM organisations p WHERE p.key = ?)"
			   " WHERE key = ?",
			   DB_VALS(DB_TEXT(parent), DB_TEXT(key)));
}

static int seed_structures(struct db_conn *c, struct csv *in, int parents, int *count, char *err,
			   size_t errlen)
{
	int r = csv_next(in);
	int k = csv_find(in, "key"), n = csv_find(in, "name_en"), co = csv_find(in, "country_iso2"),
	    p = csv_find(in, "parent_key");
	if (r != 1 || k < 0 || n < 0 || co < 0 || p < 0) {
		snprintf(err, errlen, "osce_structures.csv: missing column");
		return TR_ERR_INVALID;
	}
	int rc = TR_OK;
	while (!rc && (r = csv_next(in)) == 1) {
		if (in->nfields < 5 || !in->field[k][0] || !in->field[n][0]) {
			snprintf(err, errlen, "osce_structures.csv: row %zu is invalid", in->row);
			return TR_ERR_INVALID;
		}
		if (!parents) {
			rc = seed_org(c, in->field[k], in->field[n], in->field[co]);
			(*count)++;
		} else if (in->field[p][0]) {
			rc = seed_parent(c, in->field[k], in->field[p]);
		}
	}
	if (r < 0) {
		snprintf(err, errlen, "osce_structures.csv: %s", in->error);
		return TR_ERR_INVALID;
	}
	return rc;
}

int seed_reference(struct db *db, const char *data_dir, int *countries, int *orgs, char *err,
		   size_t errlen)
{
	char path[4200];
	size_t clen = 0, slen = 0;
	snprintf(path, sizeof(path), "%s/osce_countries.csv", data_dir);
	char *cdata = slurp(path, &clen);
	snprintf(path, sizeof(path), "%s/osce_structures.csv", data_dir);
	char *sdata = slurp(path, &slen);
	*countries = *orgs = 0;
	if (!cdata || !sdata) {
		snprintf(err, errlen, "cannot read the reference data in %s", data_dir);
		free(cdata);
		free(sdata);
		return TR_ERR_IO;
	}
	struct db_conn *c = db_acquire(db);
	struct csv in;
	int rc = db_begin(c);
	if (!rc) {
		csv_open(&in, cdata, clen);
		rc = seed_countries(c, &in, countries, err, errlen);
		csv_close(&in);
	}
	for (int pass = 0; pass < 2 && !rc; pass++) {
		csv_open(&in, sdata, slen);
		rc = seed_structures(c, &in, pass, orgs, err, errlen);
		csv_close(&in);
	}
	int substances = 0;
	if (!rc && (rc = substance_seed(c, data_dir, &substances)))
		snprintf(err, errlen, "substances.csv could not be loaded");
	if (!rc)
		rc = db_commit(c);
	if (rc && !err[0])
		snprintf(err, errlen, "seeding failed: %s", db_errmsg(c));
	db_release(c);
	free(cdata);
	free(sdata);
	return rc;
}
