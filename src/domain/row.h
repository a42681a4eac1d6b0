/** Column values of the current row as JSON, for the modules that build
 * their records from statements. Each returns a new reference; NULL
 * columns give JSON null. */
#ifndef TR_DOMAIN_ROW_H
#define TR_DOMAIN_ROW_H

#include "db/db.h"
#include "db/query.h"
#include "domain/acl.h"

#include <jansson.h>

/** An int64 ms column as an RFC 3339 string. */
json_t *row_time(struct db_stmt *s, int col);
/** A text column as a string. */
json_t *row_text(struct db_stmt *s, int col);
/** A column holding JSON the program wrote; an empty array (or object
 * when object is set) when NULL or unreadable. */
json_t *row_json(struct db_stmt *s, int col, int object);
/** Steps a prepared statement to one row made by make: TR_OK with *out,
 * TR_ERR_NOT_FOUND without a row. Finishes s. */
int row_one(struct db_stmt *s, json_t *(*make)(struct db_stmt *s), json_t **out /* OUT */);
/** The start of a create of a record of res: TR_ERR_FORBIDDEN unless who's
 * role may create it, then a transaction begun on c, a new id and the time
 * (ms) it is created at. */
int row_create_begin(struct db_conn *c, const struct caller *who, enum resource res, char id[37],
		     int64_t *now /* OUT */);
/** How a module reads one record as who sees it. */
typedef int (*row_read_fn)(struct db_conn *c, const struct caller *who, const char *id,
			   json_t **out /* OUT */);
/** Whether who sees the record id: TR_OK when read reads it (the record is
 * dropped), else read's error (TR_ERR_NOT_FOUND when not seen). */
int row_seen(struct db_conn *c, const struct caller *who, const char *id, row_read_fn read);
/** The start of an update: a transaction begun on c and the record id read
 * with read into *cur (the caller's). On a failure the transaction is
 * rolled back and *cur is NULL. */
int row_update_begin(struct db_conn *c, const struct caller *who, const char *id, row_read_fn read,
		     json_t **cur /* OUT */);
/** The start of an update of a record owned by an organisation:
 * row_update_begin, then *merged, a copy of *cur with the fields of body
 * over it, and TR_ERR_FORBIDDEN unless the record is of who's organisation
 * and may (whether who's role may update it) is set. On a failure the
 * transaction is rolled back and *cur and *merged are NULL; else both are
 * the caller's. */
int row_owned_begin(struct db_conn *c, const struct caller *who, const char *id, row_read_fn read,
		    int may, json_t *body, json_t **cur /* OUT */, json_t **merged /* OUT */);
/** The sharing of the record r (strings borrowed from it): distribution,
 * sharing group and, when tlp is set, TLP (proposals and tips carry
 * none). */
struct acl_share row_share(json_t *r, int tlp);
/** The start of a create of the shareable record rec: TR_ERR_FORBIDDEN
 * (with *field) unless who's role may give it its sharing (of res, with its
 * TLP when tlp is set; acl_distribution_allowed from none), then a
 * transaction begun on c. On a failure rec is released and no transaction
 * is open. */
int row_share_begin(struct db_conn *c, const struct caller *who, enum acl_shareable res, int tlp,
		    json_t *rec, const char **field /* OUT */);
/** An update of a shareable record under way: the record as stored (cur)
 * and as it will be (next), both the caller's until row_change_end, and
 * their sharings (row_share, borrowed from them). */
struct row_change {
	json_t *cur, *next;
	struct acl_share was, will;
};
/** The start of an update of a shareable record owned by an organisation:
 * row_owned_begin into ch->cur and ch->next, fill (when set) run on next,
 * then TR_ERR_FORBIDDEN (with *field) unless who's role may move its
 * sharing (of res, with its TLP when tlp is set) from ch->was to ch->will
 * (acl_distribution_allowed), then row_version_check of version (-1: the
 * caller checks it later, after checks of its own that come first). On a
 * failure the transaction is rolled back and both records are NULL. */
int row_change_begin(struct db_conn *c, const struct caller *who, const char *id, row_read_fn read,
		     int may, json_t *body, enum acl_shareable res, int tlp,
		     void (*fill)(json_t *r), int64_t version, struct row_change *ch /* OUT */,
		     const char **field /* OUT */);
/** The end of an update row_change_begin started: both records released,
 * then db_end(c, rc). */
int row_change_end(struct db_conn *c, struct row_change *ch, int rc);
/** A copy of the record cur with the fields of body over it (the
 * caller's). */
json_t *row_merged(json_t *cur, json_t *body);
/** Whether the move of a status from one value to another is one of the n
 * pairs {from, to} of moves, or no move at all. */
int row_move_ok(const char *const (*moves)[2], size_t n, const char *from, const char *to);
/** The verdict and comments of a review's body (borrowed from it):
 * TR_ERR_INVALID with *field "comments" when a rejection gives no
 * reason, else TR_OK. */
int row_review_verdict(json_t *body, const char **verdict /* OUT */,
		       const char **comments /* OUT */, const char **field /* OUT */);
/** TR_ERR_PRECONDITION when version (>= 0: an If-Match was sent) is not
 * the "version" of the record cur, else TR_OK. */
int row_version_check(json_t *cur, int64_t version);
/** Steps the write s (bound, giving no row) once and finishes it: TR_OK
 * when it ran to its end, else what db_step answered (DB_ROW, or the error
 * as it is: TR_ERR_CONFLICT for a broken constraint, where db_step_done
 * would answer TR_ERR_DB). */
int row_step_write(struct db_stmt *s);
/** Prepares sql bound with the n values, then row_one with make. */
int row_one_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		 json_t *(*make)(struct db_stmt *s), json_t **out /* OUT */);
/** Appends the JSON made by make of every row of s to items. Finishes s. */
int row_all(struct db_stmt *s, json_t *(*make)(struct db_stmt *s), json_t *items);
/** Prepares q (and frees it), then row_all. */
int row_query_all(struct query *q, struct db_conn *c, json_t *(*make)(struct db_stmt *s),
		  json_t *items);
/** Prepares sql bound with the n values, then row_all. */
int row_all_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		 json_t *(*make)(struct db_stmt *s), json_t *items);
/** Prepares sql bound with the n values, then sets in obj, for every row,
 * the key of column 0 (text) to the JSON made by make; a later row's
 * value replaces an earlier one's under the same key. Finishes s. */
int row_keyed_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		   json_t *(*make)(struct db_stmt *s), json_t *obj);
/** Runs sql bound with the nv values, makes every row with make (rows it
 * makes NULL are left out), then hands each made row to each, in order,
 * until one fails: TR_OK, or the first error of the query or of each. *n
 * (may be NULL) gets how many rows were made. Unlike row_query_each, the
 * statement is done before the first row is handed on, so each may write
 * on the same connection. */
int row_all_each(struct db_conn *c, const char *sql, const struct db_val *v, size_t nv,
		 json_t *(*make)(struct db_stmt *s), int (*each)(void *ctx, json_t *row), void *ctx,
		 int *n /* OUT */);
/** A maker for row_all_vals: column 0 as a string (a NULL is skipped). */
json_t *row_first_string(struct db_stmt *s);
/** Prepares sql bound with the n values (its LIMIT limit + 1 among them),
 * then row_page with make. */
int row_page_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n, int limit,
		  json_t *(*make)(struct db_stmt *s), json_t *items, int *more /* OUT */);
/** A table whose records each belong to one owner (a user, an
 * organisation): the SQL of one record (its parameters the id and the
 * owner), the SQL of a page in id order (the owner, the id after and its
 * LIMIT), and the maker of a record from a row of either. */
struct row_owned {
	const char *one_sql, *page_sql;
	json_t *(*make)(struct db_stmt *s);
};
/** The record id of owner's in t: row_one_vals. */
int row_owned_one(const struct row_owned *t, struct db_conn *c, const char *id, const char *owner,
		  json_t **out /* OUT */);
/** A page of owner's records in t after the id after (from the first when
 * NULL): row_page_vals. */
int row_owned_page(const struct row_owned *t, struct db_conn *c, const char *owner,
		   const char *after, int limit, json_t *items, int *more /* OUT */);
/** Who reads and when: the context of a maker whose rows depend on the
 * reader (row_one_ctx, row_page_ctx). */
struct row_reader {
	const struct caller *who;
	int64_t now;
};
/** row_one with a maker that is given ctx. */
int row_one_ctx(struct db_stmt *s, json_t *(*make)(struct db_stmt *s, void *ctx), void *ctx,
		json_t **out /* OUT */);
/** Prepares q (and frees it), then row_one_ctx. */
int row_query_one_ctx(struct query *q, struct db_conn *c,
		      json_t *(*make)(struct db_stmt *s, void *ctx), void *ctx,
		      json_t **out /* OUT */);
/** Prepares q (and frees it) and steps once: TR_OK with *out on its first
 * row (finish it with db_done), TR_ERR_NOT_FOUND when there is none (s
 * finished), else the error (s finished); db_row_vals for a query. */
int row_query_first(struct query *q, struct db_conn *c, struct db_stmt **out /* OUT */);
/** Prepares q (and frees it), then row_one with make. */
int row_query_one(struct query *q, struct db_conn *c, json_t *(*make)(struct db_stmt *s),
		  json_t **out /* OUT */);
/** Steps a statement bound with LIMIT limit + 1, appending up to limit rows
 * made by make to items; *more when a further row exists. Finishes s. */
int row_page(struct db_stmt *s, int limit, json_t *(*make)(struct db_stmt *s), json_t *items,
	     int *more /* OUT */);
/** row_page with a maker that is given ctx. */
int row_page_ctx(struct db_stmt *s, int limit, json_t *(*make)(struct db_stmt *s, void *ctx),
		 void *ctx, json_t *items, int *more /* OUT */);
/** A filter of a list: a condition with one `?` (" AND a.type = ?", SQL
 * of the code's) and the text it is bound to, NULL when not given. */
struct row_filter {
	const char *sql, *value;
};
/** Appends to q each of the n filters whose value is given. The values
 * must outlive query_prepare. */
void row_filters(struct query *q, const struct row_filter *f, size_t n);
/** A filter on a time or a number: its condition and value, 0 when not
 * given. */
struct row_int_filter {
	const char *sql;
	int64_t value;
};
/** Appends to q each of the n filters whose value is given (not 0). */
void row_int_filters(struct query *q, const struct row_int_filter *f, size_t n);
/** Appends the test that the point (alias.lon, alias.lat) lies in box
 * (min lon, min lat, max lon, max lat); alias is a name from the code. */
void row_bbox(struct query *q, const char *alias, const double box[4]);
/** Ends a list query newest change first, a page of limit rows (one more
 * to tell whether more follow) after the key "<updated_at ms>:<id>" when
 * after is set (row_page_key), on the table aliased alias (a name from the
 * code). after must outlive query_prepare. */
void row_keyset(struct query *q, const char *alias, const char *after, int limit);
/** Continues a list strictly after the cursor "<key value>:<id>" (none
 * when after is NULL): key and id are SQL of the code's (an expression, the
 * id column), descending (desc) or ascending. after must outlive
 * query_prepare. */
void row_after(struct query *q, const char *key, const char *id, int desc, const char *after);
/** row_keyset on the int64 ms column col (the key "<col ms>:<id>"),
 * descending (desc) or ascending. */
void row_keyset_on(struct query *q, const char *alias, const char *col, int desc, const char *after,
		   int limit);
/** row_page_key of a list row_keyset_on ended: the last item's time
 * field (the column's RFC 3339 value). */
char *row_page_key_on(json_t *items, int more, const char *field);
/** The key of the next page of a list row_keyset ended: the last item's
 * "<updated_at ms>:<id>" when more follow, else NULL (malloc'd). */
char *row_page_key(json_t *items, int more);
/** Prepares q (and frees it), then row_page with make; *next_key the
 * row_page_key_on(field) of the page when more follow, else NULL. The
 * end of a list that row_keyset_on(field) ordered. */
int row_list(struct query *q, struct db_conn *c, int limit, json_t *(*make)(struct db_stmt *s),
	     const char *field, json_t *items, char **next_key /* OUT */);
/** Steps s, bound with LIMIT limit + 1, giving up to limit rows to emit
 * with ctx; *next_key (malloc'd) the cursor of the last row given when a
 * further row exists, else NULL: the row's int64 columns keys[0..nkeys)
 * and then its text column 0 (the id), joined by ':' (at most 99
 * characters). Finishes s. */
int row_walk(struct db_stmt *s, int limit, const int *keys, size_t nkeys,
	     void (*emit)(struct db_stmt *s, void *ctx), void *ctx, char **next_key /* OUT */);
/** row_list with a maker that is given ctx. */
int row_list_ctx(struct query *q, struct db_conn *c, int limit,
		 json_t *(*make)(struct db_stmt *s, void *ctx), void *ctx, const char *field,
		 json_t *items, char **next_key /* OUT */);
/** row_page for a list whose cursor is the id: *next_key the last item's
 * "id" when a further row exists, else NULL (malloc'd). */
int row_page_ids(struct db_stmt *s, int limit, json_t *(*make)(struct db_stmt *s), json_t *items,
		 char **next_key /* OUT */);

/** Where row_scan puts a column of a row: a text column copied into text,
 * a buffer of size bytes (cut to fit; NULL reads as ""), or, when text is
 * NULL, an integer column into *num (NULL reads as 0). */
struct row_var {
	char *text;
	size_t size;
	int64_t *num;
};
/** Copies the columns 0 to n - 1 of the current row of s into the n vars
 * (column i into v[i]), then finishes s (db_done). */
void row_scan(struct db_stmt *s, const struct row_var *v, size_t n);
/** Prepares sql bound with the n values and row_scan's its first row into
 * the nv vars: TR_OK, TR_ERR_NOT_FOUND without a row, else the error. */
int row_scan_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		  const struct row_var *vars, size_t nv);
/** Prepares q (and frees it) and gives every row of it, in turn, to each
 * with ctx: TR_OK when all were given, else the error of the step.
 * Finishes the statement. */
int row_query_each(struct query *q, struct db_conn *c, void (*each)(struct db_stmt *s, void *ctx),
		   void *ctx);
/** How row_set reads a column: row_text, row_time, an integer (NULL:
 * null), row_json as an array or as an object. */
enum row_kind { ROW_TEXT, ROW_TIME, ROW_INT, ROW_ARRAY, ROW_OBJECT };
/** A column of a row and the key row_set gives it. */
struct row_col {
	const char *key;
	enum row_kind kind;
};
/** Sets in o the key of each of the n cols to the JSON of column first + i
 * of the current row of s, read as its kind. */
void row_set(json_t *o, struct db_stmt *s, int first, const struct row_col *cols, size_t n);
/** A text field of a record and what a write binds when the record has
 * none (NULL: NULL). */
struct row_text_field {
	const char *key, *absent;
};
/** The full write of a record (row_write_prepare): its table, the text
 * fields of the record bound first (each key is its column), then the
 * columns the caller binds after them. */
struct row_writer {
	const char *table;
	const struct row_text_field *texts;
	size_t ntexts;
	const char *const *cols;
	size_t ncols;
};
/** Prepares the full write of the record r in w's table and binds its text
 * fields (row_prepare_texts). With insert, an insert of w's columns, then
 * of id, org_id, country, created_by and created_at (the last four
 * row_bind_owner's); else an update of w's columns and of version
 * (version + 1) of the row whose id is the parameter after them. */
int row_write_prepare(struct db_conn *c, const struct row_writer *w, json_t *r, int insert,
		      struct db_stmt **out /* OUT */);
/** Binds, from parameter i on, the columns an insert of a record of who's
 * ends with: org_id, country (NULL when who has none), created_by (NULL
 * when who is no user: federation) and created_at (now). */
void row_bind_owner(struct db_stmt *s, int i, const struct caller *who, int64_t now);
/** Binds the JSON v as compact text at parameter i, or empty when v is
 * absent, null or cannot be written. */
void row_bind_json(struct db_stmt *s, int i, json_t *v, const char *empty);

#endif
