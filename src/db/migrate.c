#include "db/db_impl.h"
#include "core/err.h"
#include "core/timeutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIGRATIONS_MAX 512

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *file_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *data = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1))) {
			if (fread(data, 1, (size_t)n, f) != (size_t)n) {
				free(data);
				data = NULL;
			} else {
				data[n] = '\0';
			}
		}
	}
	fclose(f);
	return data;
}

/* Adds the NNNN_name.sql files of dir to names (up to MIGRATIONS_MAX); a
 * missing dir adds none. */
static void list_migrations(const char *dir, char **names, int *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && *count < MIGRATIONS_MAX) {
		size_t len = strlen(e->d_name);
		if (len > 9 && strcmp(e->d_name + len - 4, ".sql") == 0 &&
		    strspn(e->d_name, "0123456789") == 4 && e->d_name[4] == '_')
			names[(*count)++] = strdup(e->d_name);
	}
	closedir(d);
}

static int has_name(char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

static int has_version(char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strncmp(names[i], name, 4) == 0)
			return 1;
	return 0;
}

static void names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
}

/*
 * The migrations of an engine: dir's own NNNN_name.sql files, which both
 * engines run, and those of dir/sqlite or dir/postgres, written per engine
 * only where the SQL differs; an engine's file takes the place of the
 * shared one of the same name. Sorted by name into names (the caller frees
 * them). A version that the other engine has its own file for and this one
 * has none is an error: the two schemas would part.
 */
static int migrations_of(const char *dir, enum db_engine engine, char **names, int *count,
			 char *err, size_t errlen)
{
	char own[4096], other[4096];
	snprintf(own, sizeof(own), "%s/%s", dir, engine == DB_SQLITE ? "sqlite" : "postgres");
	snprintf(other, sizeof(other), "%s/%s", dir, engine == DB_SQLITE ? "postgres" : "sqlite");
	int n = 0, theirs = 0;
	list_migrations(own, names, &n);
	int mine = n;
	list_migrations(dir, names, &n);
	/* a shared file that this engine writes itself is not run twice */
	for (int i = mine; i < n; i++) {
		if (has_name(names, mine, names[i])) {
			free(names[i]);
			names[i] = names[--n];
			i--;
		}
	}
	char *others[MIGRATIONS_MAX];
	list_migrations(other, others, &theirs);
	int rc = TR_OK;
	for (int i = 0; i < theirs && !rc; i++) {
		if (!has_version(names, n, others[i])) {
			snprintf(err, errlen, "migration %s is written for %s only", others[i],
				 engine == DB_SQLITE ? "postgres" : "sqlite");
			rc = TR_ERR_INVALID;
		}
	}
	names_free(others, theirs);
	if (!rc && n == 0) {
		snprintf(err, errlen, "cannot read migrations in %s", dir);
		rc = TR_ERR_IO;
	}
	for (int i = 1; i < n && !rc; i++) {
		/* two files of one version would run in name order, the second
		 * seen as applied already: refuse */
		for (int j = 0; j < i; j++)
			if (strncmp(names[i], names[j], 4) == 0) {
				snprintf(err, errlen, "migrations %s and %s have one number",
					 names[j], names[i]);
				rc = TR_ERR_INVALID;
			}
	}
	if (rc) {
		names_free(names, n);
		return rc;
	}
	qsort(names, (size_t)n, sizeof(*names), name_cmp);
	*count = n;
	return TR_OK;
}

static int applied_already(struct db_conn *c, long version, int *yes)
{
	int rc = db_find_vals(c, "SELECT 1 FROM schema_migrations WHERE version = ?",
			      DB_VALS(DB_INT(version)));
	*yes = rc == TR_OK;
	return rc == TR_ERR_NOT_FOUND ? TR_OK : rc;
}

static int apply_one(struct db_conn *c, const char *path, const char *name, int *applied)
{
	long version = strtol(name, NULL, 10);
	int rc = db_begin(c);
	if (!rc && c->engine == DB_POSTGRES)
		rc = db_exec(c, "SELECT pg_advisory_xact_lock(727355)"); /* other servers wait */
	int done = 0;
	if (!rc)
		rc = applied_already(c, version, &done);
	if (!rc && !done) {
		char *sql = file_read(path);
		rc = sql ? db_exec(c, sql) : TR_ERR_IO;
		free(sql);
		struct db_stmt *s;
		if (!rc &&
		    !(rc = db_prepare_vals(
			  c,
			  "INSERT INTO schema_migrations (version, name, "
			  "applied_at) VALUES (?, ?, ?)",
			  DB_VALS(DB_INT(version), DB_TEXT(name), DB_INT(tr_now_ms())), &s))) {
			rc = db_step_done(s);
		}
		if (!rc)
			(*applied)++;
	}
	return db_end(c, rc);
}

int db_migrate(struct db *db, const char *dir, int *applied, char *err, size_t errlen)
{
	char *names[MIGRATIONS_MAX];
	int n = 0;
	*applied = 0;
	int rc = migrations_of(dir, db->engine, names, &n, err, errlen);
	if (rc)
		return rc;
	struct db_conn *c = db_acquire(db);
	rc = db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY "
			"KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
	const char *own = db->engine == DB_SQLITE ? "sqlite" : "postgres";
	for (int i = 0; i < n && !rc; i++) {
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s/%s", dir, own, names[i]);
		if (access(path, R_OK) != 0) /* not this engine's own: the shared one */
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc = apply_one(c, path, names[i], applied);
		if (rc)
			snprintf(err, errlen, "migration %s failed: %s", names[i], db_errmsg(c));
	}
	if (rc && !err[0])
		snprintf(err, errlen, "migrations: %s", db_errmsg(c));
	db_release(c);
	names_free(names, n);
	return rc;
}
