/** Record helpers shared by the modules whose tables are read and written
 * column by column from a table of columns (activities, practices,
 * proposals, shared records): the select list, the JSON of a row, the
 * bound values of a record. Below every module that uses them. */
#ifndef TR_DOMAIN_ACTIVITY_REC_H
#define TR_DOMAIN_ACTIVITY_REC_H

#include "db/db.h"
#include "db/query.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct caller;

enum activity_rec_kind { REC_TEXT, REC_INT, REC_REAL, REC_JSON, REC_TIME, REC_BOOL };
/** A column of a table and its JSON key. */
struct activity_rec_col {
	const char *key, *col;
	enum activity_rec_kind kind;
};
/** Appends "alias.col, alias.col, ..." for the n columns. */
void activity_rec_select(struct buf *b, const char *alias, const struct activity_rec_col *cols,
			 size_t n);
/** The JSON of column col of a row, read as kind (a new reference; NULL
 * reads as null, or false for a flag). */
json_t *activity_rec_value(struct db_stmt *s, int col, enum activity_rec_kind kind);
/** Binds v, the JSON of a column of kind, at parameter i (absent or null:
 * NULL). */
void activity_rec_bind_value(struct db_stmt *s, int i, enum activity_rec_kind kind, json_t *v);
/** The JSON object of a row read with activity_rec_select (from column 0). */
json_t *activity_rec_json(struct db_stmt *s, const struct activity_rec_col *cols, size_t n);
/** Binds the n columns' values of record r from parameter `first` on;
 * returns the next parameter index. */
int activity_rec_bind(struct db_stmt *s, int first, json_t *r, const struct activity_rec_col *cols,
		      size_t n);
/** Starts q as "SELECT alias.col, ..." of the n columns followed by tail
 * (" FROM table alias WHERE 1 = 1" and what else the caller reads). */
void activity_rec_query(struct query *q, const char *alias, const struct activity_rec_col *cols,
			size_t n, const char *tail);
/** Where a table read column by column is written: an insert names the
 * first n_insert columns; an update sets [w_first, w_end), then the column
 * `also` when it is not 0, then version + 1, where id is the record's.
 * With stamped, every write also takes a change number (seq_stamp). */
struct activity_rec_table {
	const char *table;
	const struct activity_rec_col *cols;
	size_t n_insert, w_first, w_end, also;
	int stamped;
};
/** Inserts record r (insert) or updates its row from the table of
 * columns t; TR_OK when the statement ran. */
int activity_rec_write(struct db_conn *c, const struct activity_rec_table *t, json_t *r,
		       int insert);
/** Sets key of a to the RFC 3339 text of ms. */
void activity_rec_stamp(json_t *a, const char *key, int64_t ms);
/** The fields a new record gets from its creator rather than its body:
 * id, org_id, country (null when the caller has none), created_by,
 * created_at and updated_at (now). */
void activity_rec_owner(json_t *r, const struct caller *who, const char *id, int64_t now);
/** A new record: a copy of body, completed by fill when set, under a new id
 * (written to id) with the fields of activity_rec_owner at *now (written).
 * The caller's. */
json_t *activity_rec_new(json_t *body, void (*fill)(json_t *r), const struct caller *who,
			 char id[37], int64_t *now /* OUT */);

#endif
