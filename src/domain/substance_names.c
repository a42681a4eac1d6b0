/* The substances' display names by id, kept per pool for the related
 * alerts' reasons, and the signature that tells a cache of substances
 * when another process changed them. */
#include "core/array.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/substance.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int substance_signature(struct db_conn *c, char *sig, size_t n)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(c,
		       "SELECT count(*), coalesce(sum(version), 0), coalesce(max(updated_at), 0),"
		       " coalesce(sum(length(name) + length(synonyms)), 0) FROM substances",
		       &s);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(sig, n, "%s|%s|%s|%s", db_col_text(s, 0), db_col_text(s, 1),
			 db_col_text(s, 2), db_col_text(s, 3));
		rc = TR_OK;
	} else if (rc == DB_DONE) {
		rc = TR_ERR_INTERNAL;
	}
	db_done(s);
	return rc;
}

struct sub_name {
	char id[37];
	char name[SUBSTANCE_NAME_MAX + 1];
};

/* Every substance's name, sorted by id; made again when this process wrote
 * a substance, or when the signature (read at most once a second) moved. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint64_t pool;
	unsigned long gen;
	int64_t checked;
	char sig[160];
	struct sub_name *v; /* NULL: none made yet */
	size_t n;
} cache;

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct sub_name *)a)->id, ((const struct sub_name *)b)->id);
}

static int names_make(struct db_conn *c, struct sub_name **out, size_t *n)
{
	struct db_stmt *s;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = db_prepare(c, "SELECT id, name FROM substances ORDER BY id", &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (tr_array_reserve((void **)out, &cap, *n + 1, sizeof(**out), 256)) {
			rc = TR_ERR_NOMEM;
			break;
		}
		snprintf((*out)[*n].id, sizeof((*out)[*n].id), "%s", db_col_text(s, 0));
		snprintf((*out)[*n].name, sizeof((*out)[*n].name), "%s", db_col_text(s, 1));
		(*n)++;
	}
	db_done(s);
	rc = rc == DB_DONE ? TR_OK : rc;
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* Under the lock: whether the names kept hold (sig: the signature just
 * read, NULL when not read), copying id's name into name when they do. */
static int kept(uint64_t pool, unsigned long gen, const char *sig, int64_t now, const char *id,
		char *name, size_t n)
{
	if (!cache.v || cache.pool != pool || cache.gen != gen)
		return 0;
	if (sig ? strcmp(cache.sig, sig) != 0 : now - cache.checked >= 1000)
		return 0;
	if (sig)
		cache.checked = now;
	struct sub_name key;
	snprintf(key.id, sizeof(key.id), "%s", id);
	const struct sub_name *f = bsearch(&key, cache.v, cache.n, sizeof(key), by_id);
	snprintf(name, n, "%s", f ? f->name : "");
	return 1;
}

int substance_name_of(struct db_conn *c, const char *id, char *name, size_t n)
{
	uint64_t pool = db_conn_pool(c);
	unsigned long gen = substance_generation(); /* before anything is read */
	int64_t now = tr_now_ms();
	char sig[sizeof(cache.sig)];
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			int rc = substance_signature(c, sig, sizeof(sig));
			if (rc)
				return rc;
		}
		pthread_mutex_lock(&lock);
		int hit = kept(pool, gen, pass ? sig : NULL, now, id, name, n);
		pthread_mutex_unlock(&lock);
		if (hit)
			return TR_OK;
	}
	struct sub_name *v;
	size_t count;
	int rc = names_make(c, &v, &count);
	if (rc)
		return rc;
	pthread_mutex_lock(&lock);
	free(cache.v);
	cache.v = v;
	cache.n = count;
	cache.pool = pool;
	cache.gen = gen;
	cache.checked = now;
	snprintf(cache.sig, sizeof(cache.sig), "%s", sig);
	kept(pool, gen, NULL, now, id, name, n);
	pthread_mutex_unlock(&lock);
	return TR_OK;
}
