#include "db/db_impl.h"
#include "core/err.h"
#include "core/timeutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Lists NNNN_name.sql files of dir, sorted; the caller frees names. */
static int list_migrations(const char *dir, char **names, int *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return TR_ERR_IO;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < MIGRATIONS_MAX) {
		size_t len = strlen(e->d_name);
		if (len > 9 && strcmp(e->d_name + len - 4, ".sql") == 0 &&
		    strspn(e->d_name, "0123456789") == 4 && e->d_name[4] == '_')
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), name_cmp);
	*count = n;
	return TR_OK;
}

static int applied_already(struct db_conn *c, long version, int *yes)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT 1 FROM schema_migrations WHERE version = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, version);
	rc = db_step(s);
	*yes = rc == DB_ROW;
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
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
		if (!rc && !(rc = db_prepare(c,
					     "INSERT INTO schema_migrations (version, name, "
					     "applied_at) VALUES (?, ?, ?)",
					     &s))) {
			db_bind_int64(s, 1, version);
			db_bind_text(s, 2, name);
			db_bind_int64(s, 3, tr_now_ms());
			rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
			db_done(s);
		}
		if (!rc)
			(*applied)++;
	}
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

int db_migrate(struct db *db, const char *dir, int *applied, char *err, size_t errlen)
{
	char sub[4096];
	snprintf(sub, sizeof(sub), "%s/%s", dir, db->engine == DB_SQLITE ? "sqlite" : "postgres");
	char *names[MIGRATIONS_MAX];
	int n = 0;
	*applied = 0;
	if (list_migrations(sub, names, &n)) {
		snprintf(err, errlen, "cannot read migrations in %s", sub);
		return TR_ERR_IO;
	}
	struct db_conn *c = db_acquire(db);
	int rc = db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY "
			    "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
	for (int i = 0; i < n && !rc; i++) {
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", sub, names[i]);
		rc = apply_one(c, path, names[i], applied);
		if (rc)
			snprintf(err, errlen, "migration %s failed: %s", names[i], db_errmsg(c));
	}
	if (rc && !err[0])
		snprintf(err, errlen, "migrations: %s", db_errmsg(c));
	db_release(c);
	for (int i = 0; i < n; i++)
		free(names[i]);
	return rc;
}
