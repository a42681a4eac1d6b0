/* The change number and the origin of records: see seq.h. */
#include "domain/seq.h"

#include "core/buf.h"
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>

/* Each update of the counter's one row in a transaction leaves a row version
 * that the next update of the same transaction walks past on PostgreSQL, so
 * a transaction takes numbers in blocks that double up to SEQ_BLOCK: a single
 * write still takes exactly one, a bulk import one update per block. The
 * row stays locked until commit, so numbers still commit in their order,
 * and the unused end of the last block is given back just before the
 * commit: the counter is the last number used, as a peer's lag reads it. */
enum { SEQ_BLOCK = 4096 };

static int seq_give_back(struct db_conn *c, int64_t last_used)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, "UPDATE alert_seq SET n = ? WHERE id = 1",
				 DB_VALS(DB_INT(last_used)), &s);
	if (rc)
		return rc;
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

int seq_next(struct db_conn *c, int64_t *n)
{
	struct db_tx_range *r = db_tx_range(c);
	if (r && r->next < r->end) {
		*n = r->next++;
		return TR_OK;
	}
	int64_t take = r && r->grow ? r->grow : 1;
	struct db_stmt *s;
	int rc = db_prepare_vals(c, "UPDATE alert_seq SET n = n + ? WHERE id = 1 RETURNING n",
				 DB_VALS(DB_INT(take)), &s);
	if (rc)
		return rc;
	int64_t top = 0;
	if (db_step(s) == DB_ROW)
		top = db_col_int64(s, 0);
	else
		rc = TR_ERR_DB;
	db_done(s);
	if (rc)
		return rc;
	*n = top - take + 1;
	if (r) {
		r->next = *n + 1;
		r->end = top + 1;
		r->grow = take < SEQ_BLOCK ? take * 2 : SEQ_BLOCK;
		r->give_back = seq_give_back;
	}
	return TR_OK;
}

int seq_stamp(struct db_conn *c, const char *table, const char *alias, const char *key,
	      const char *id)
{
	int64_t n;
	int rc = seq_next(c, &n);
	struct buf b;
	buf_init(&b, 512);
	buf_printf(&b, "UPDATE %s " DB_ACL_EXEMPT " AS %s SET seq = ? WHERE %s = ?", table, alias,
		   key);
	struct db_stmt *s;
	if (!rc &&
	    !(rc = b.err ? b.err
			 : db_prepare_vals(c, b.data, DB_VALS(DB_INT(n), DB_TEXT(id)), &s))) {
		rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
		db_done(s);
	}
	buf_free(&b);
	return rc;
}

int seq_is_copy(struct db_conn *c, const char *table, const char *id)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT 1 FROM %s " DB_ACL_EXEMPT " WHERE id = ? AND origin_node IS NOT NULL",
		 table);
	struct db_stmt *s;
	if (!id || db_prepare_vals(c, sql, DB_VALS(DB_TEXT(id)), &s))
		return 0;
	int found = db_step(s) == DB_ROW;
	db_done(s);
	return found;
}

/* the tables whose rows may name a sharing group, as the federation's
 * descriptors read them (fed_types.c, FT_GROUP) */
static const char *const group_tables[] = {"alerts", "alert_comments", "proposals", "activities"};

static int stamp_group_rows(struct db_conn *c, const char *table, const char *group_id)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT id FROM %s " DB_ACL_EXEMPT " WHERE sharing_group_id = ? ORDER BY id",
		 table);
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, DB_VALS(DB_TEXT(group_id)), &s);
	if (rc)
		return rc;
	size_t n = 0, cap = 0;
	char(*ids)[37] = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(ids, ncap * sizeof(*ids));
			if (!p)
				break;
			ids = p;
			cap = ncap;
		}
		snprintf(ids[n++], 37, "%s", db_col_text(s, 0));
	}
	db_done(s);
	rc = rc == DB_DONE ? TR_OK : rc == DB_ROW ? TR_ERR_NOMEM : TR_ERR_DB;
	for (size_t i = 0; i < n && !rc; i++)
		rc = seq_stamp(c, table, "r", "r.id", ids[i]);
	free(ids);
	return rc;
}

int seq_stamp_group(struct db_conn *c, const char *group_id)
{
	int rc = TR_OK;
	for (size_t i = 0; i < sizeof(group_tables) / sizeof(group_tables[0]) && !rc; i++)
		rc = stamp_group_rows(c, group_tables[i], group_id);
	return rc;
}
