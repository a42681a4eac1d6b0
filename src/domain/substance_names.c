/* The substances' display names by id, kept per pool for the related
 * alerts' reasons, and the signature that tells a cache of substances
 * when another process changed them. */
#include "core/array.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/substance.h"
#include "domain/substance_cache.h"

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

int substance_stamp_holds(struct substance_stamp *st, const struct substance_stamp *now,
			  int sig_read)
{
	if (st->pool != now->pool)
		return 0;
	if (sig_read ? strcmp(st->sig, now->sig) != 0
		     : st->gen != now->gen || now->checked - st->checked >= 1000)
		return 0;
	if (sig_read) {
		st->gen = now->gen;
		st->checked = now->checked;
	}
	return 1;
}

int substance_cache_look(struct db_conn *c, pthread_mutex_t *lock,
			 int (*look)(void *ctx, const struct substance_stamp *now, int sig_read),
			 void *ctx, struct substance_stamp *now, int *held)
{
	now->pool = db_conn_pool(c);
	now->gen = substance_generation(); /* before anything is read */
	now->checked = tr_now_ms();
	now->sig[0] = '\0';
	*held = 0;
	for (int pass = 0; pass < 2 && !*held; pass++) {
		if (pass == 1) {
			int rc = substance_signature(c, now->sig, sizeof(now->sig));
			if (rc)
				return rc;
		}
		pthread_mutex_lock(lock);
		*held = look(ctx, now, pass);
		pthread_mutex_unlock(lock);
	}
	return TR_OK;
}

struct sub_name {
	char id[37];
	char name[SUBSTANCE_NAME_MAX + 1];
};

/* Every substance's name, sorted by id; made again when this process wrote
 * a substance, or when the signature (read at most once a second) moved. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct substance_stamp stamp;
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

/* The name substance_name_of looks for, and where it goes. */
struct name_query {
	const char *id;
	char *name;
	size_t n;
};

/* Under the lock: copies the name asked for when the names kept hold. */
static int kept(void *ctx, const struct substance_stamp *now, int sig_read)
{
	const struct name_query *q = ctx;
	if (!cache.v || !substance_stamp_holds(&cache.stamp, now, sig_read))
		return 0;
	struct sub_name key;
	snprintf(key.id, sizeof(key.id), "%s", q->id);
	const struct sub_name *f = bsearch(&key, cache.v, cache.n, sizeof(key), by_id);
	snprintf(q->name, q->n, "%s", f ? f->name : "");
	return 1;
}

int substance_name_of(struct db_conn *c, const char *id, char *name, size_t n)
{
	struct name_query q = {id, name, n};
	struct substance_stamp now;
	int held;
	int rc = substance_cache_look(c, &lock, kept, &q, &now, &held);
	if (rc || held)
		return rc;
	struct sub_name *v;
	size_t count;
	rc = names_make(c, &v, &count);
	if (rc)
		return rc;
	pthread_mutex_lock(&lock);
	free(cache.v);
	cache.v = v;
	cache.n = count;
	cache.stamp = now;
	kept(&q, &now, 0);
	pthread_mutex_unlock(&lock);
	return TR_OK;
}
