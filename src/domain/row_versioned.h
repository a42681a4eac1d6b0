/** The start of a change of one record: the role's right, a transaction,
 * the record as the caller sees it and its version, in that order. */
#ifndef TR_DOMAIN_ROW_VERSIONED_H
#define TR_DOMAIN_ROW_VERSIONED_H

#include "domain/row.h"

/** TR_ERR_FORBIDDEN unless who's role may act on res; then
 * row_update_begin (a transaction begun on c, the record id read with read
 * into *cur) and row_version_check of version (< 0: none sent). On a
 * failure the transaction is rolled back and *cur is NULL; else *cur is
 * the caller's. */
int row_versioned_begin(struct db_conn *c, const struct caller *who, enum resource res,
			enum action act, const char *id, row_read_fn read, int64_t version,
			json_t **cur /* OUT */);

#endif
