/* The change number and the origin of records: see seq.h. */
#include "domain/seq.h"

#include "core/buf.h"
#include "core/err.h"

#include <stdio.h>

int seq_stamp(struct db_conn *c, const char *table, const char *alias, const char *key,
	      const char *id)
{
	int rc = db_run(c, "UPDATE alert_seq SET n = n + 1 WHERE id = 1");
	struct buf b;
	buf_init(&b, 512);
	buf_printf(&b,
		   "UPDATE %s " DB_ACL_EXEMPT " AS %s SET seq = (SELECT n FROM alert_seq WHERE"
		   " id = 1) WHERE %s = ?",
		   table, alias, key);
	struct db_stmt *s;
	if (!rc && !(rc = b.err ? b.err : db_prepare(c, b.data, &s))) {
		db_bind_text(s, 1, id);
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
	if (!id || db_prepare(c, sql, &s))
		return 0;
	db_bind_text(s, 1, id);
	int found = db_step(s) == DB_ROW;
	db_done(s);
	return found;
}
