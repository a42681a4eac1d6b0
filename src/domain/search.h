/** The full-text search index (English, French and Russian stems), as the
 * modules write it; search_query.h reads it for a caller. */
#ifndef TR_DOMAIN_SEARCH_H
#define TR_DOMAIN_SEARCH_H

#include "db/db.h"

/** Indexes (or re-indexes) one record's text under (type, id). Runs inside
 * the caller's transaction. */
int search_index_put(struct db_conn *c, const char *type, const char *id, const char *text);

/** Holds the full-text rows search_index_put writes on c in this thread
 * (SQLite; PostgreSQL writes at once) until search_index_flush, which
 * writes them with one statement: FTS5 writes its pending terms out at
 * every statement's savepoint, so many documents written one statement
 * each in a transaction make a segment each, and merge them over and over.
 * For a transaction that indexes many records (a federation bundle). */
void search_index_hold(struct db_conn *c);
/** Writes the rows held since search_index_hold (write set) or drops them
 * (the transaction is rolled back), and stops holding. TR_OK when none. */
int search_index_flush(struct db_conn *c, int write);

#endif
