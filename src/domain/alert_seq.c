/* The change counter the read model and the federation feed follow: every
 * write of an alert stamps the row with the next number of alert_seq. */
#include "domain/alert_seq.h"
#include "core/err.h"
#include "domain/seq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int alert_seq_stamp(struct db_conn *c, const char *id)
{
	return seq_stamp(c, "alerts", "a", "a.id", id);
}

int alert_seq_stamp_group(struct db_conn *c, const char *group_id)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    c, "SELECT id FROM alerts " DB_ACL_EXEMPT " WHERE sharing_group_id = ? ORDER BY id",
	    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, group_id);
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
		rc = alert_seq_stamp(c, ids[i]);
	free(ids);
	return rc;
}
