/** Record helpers shared by the modules whose tables are read and written
 * column by column from a table of columns (activities, practices,
 * proposals, shared records): the select list, the JSON of a row, the
 * bound values of a record. Below every module that uses them. */
#ifndef TR_DOMAIN_ACTIVITY_REC_H
#define TR_DOMAIN_ACTIVITY_REC_H

#include "db/db.h"

#include <jansson.h>
#include <stddef.h>

struct buf;

enum activity_rec_kind { REC_TEXT, REC_INT, REC_REAL, REC_JSON, REC_TIME, REC_BOOL };
/** A column of a table and its JSON key. */
struct activity_rec_col {
	const char *key, *col;
	enum activity_rec_kind kind;
};
/** Appends "alias.col, alias.col, ..." for the n columns. */
void activity_rec_select(struct buf *b, const char *alias, const struct activity_rec_col *cols,
			 size_t n);
/** The JSON object of a row read with activity_rec_select (from column 0). */
json_t *activity_rec_json(struct db_stmt *s, const struct activity_rec_col *cols, size_t n);
/** Binds the n columns' values of record r from parameter `first` on;
 * returns the next parameter index. */
int activity_rec_bind(struct db_stmt *s, int first, json_t *r, const struct activity_rec_col *cols,
		      size_t n);
/** A time column as RFC 3339 text or null. */
json_t *activity_time_json(struct db_stmt *s, int col);

#endif
