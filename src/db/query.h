/** A query assembled in pieces (filters, the access predicate, cursors)
 * with its parameters kept beside the text, bound in order at prepare. The
 * text never contains input: only `?` placeholders and allow-listed names. */
#ifndef TR_DB_QUERY_H
#define TR_DB_QUERY_H

#include "core/buf.h"
#include "db/db.h"

#include <stdint.h>

#define QUERY_PARAMS_MAX 64

struct query {
	struct buf sql;
	int n;
	struct {
		int type;	  /* 0 null, 1 text, 2 int64, 3 double */
		const char *text; /* borrowed: must outlive query_prepare */
		int64_t i;
		double d;
	} p[QUERY_PARAMS_MAX];
	int err;
};

void query_init(struct query *q);
void query_free(struct query *q);
/** Appends text (no input in it). */
void query_sql(struct query *q, const char *text);
/** Appends text with one `?` and its parameter. */
void query_text(struct query *q, const char *text, const char *v);
void query_int(struct query *q, const char *text, int64_t v);
void query_double(struct query *q, const char *text, double v);
/** Adds a parameter for a `?` already appended. */
void query_param_text(struct query *q, const char *v);
void query_param_int(struct query *q, int64_t v);
/** Prepares the text on c and binds the parameters. */
int query_prepare(struct query *q, struct db_conn *c, struct db_stmt **out /* OUT */);
/** query_prepare, then query_free: q is done with either way. */
int query_take(struct query *q, struct db_conn *c, struct db_stmt **out /* OUT */);
/** query_take, then whether the statement gives a row: TR_OK when it does,
 * TR_ERR_NOT_FOUND when it gives none, else the error. */
int query_find(struct query *q, struct db_conn *c);
/** query_take, then one step: TR_OK with *out on its first row (finish it
 * with db_done), TR_ERR_NOT_FOUND when there is none, else the error (s
 * finished either way). */
int query_row(struct query *q, struct db_conn *c, struct db_stmt **out /* OUT */);

#endif
