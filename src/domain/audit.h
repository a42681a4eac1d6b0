/** The audit log: append-only, hash-chained (BLAKE2b of the previous hash
 * and the entry's canonical content), written in the same transaction as
 * the change it records. */
#ifndef TR_DOMAIN_AUDIT_H
#define TR_DOMAIN_AUDIT_H

#include "db/db.h"

#include <jansson.h>
#include <stdint.h>

struct audit_entry {
	const char *user_id; /* NULL for the system or the command line */
	const char *org_id;
	const char *action;	   /* "create", "update", "login", "read_sensitive", ... */
	const char *resource_type; /* "user", "organisation", "alert", ... */
	const char *resource_id;
	const char *request_id;
	const char *justification; /* for reads of sensitive fields */
	const char *detail;	   /* JSON text, e.g. the fields changed */
};

/** Appends e; must run inside a transaction of c (db_begin). */
int audit_append(struct db_conn *c, const struct audit_entry *e, int64_t now);

/** Walks the chain. TR_OK with *count verified, or TR_ERR_CONFLICT with
 * *broken the sequence number of the first bad entry and why. */
int audit_verify(struct db_conn *c, int64_t *count /* OUT */, int64_t *broken /* OUT */, char *why,
		 size_t whylen);

/** Appends entries with seq < before (0: from the newest), newest first,
 * filtered by user, resource type, resource id and time when not NULL/0. */
int audit_list(struct db_conn *c, const char *user_id, const char *resource_type,
	       const char *resource_id, int64_t from, int64_t to, int64_t before, int limit,
	       json_t *items, int *more /* OUT */);

#endif
