/** The audit log: append-only, hash-chained (keyed BLAKE2b of the previous
 * hash and the entry's canonical content, under TRELLIS_AUDIT_KEY), written
 * in the same transaction as the change it records. Signed checkpoints
 * (Ed25519) kept outside the database pin the chain at one entry. */
#ifndef TR_DOMAIN_AUDIT_H
#define TR_DOMAIN_AUDIT_H

#include "db/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct caller;

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

/** Sets the chain key, configuration read once at start before any thread:
 * hex is TRELLIS_AUDIT_KEY (64 hex characters; NULL or empty: no key, links
 * are unkeyed), data_key_hex TRELLIS_SECRET_KEY, which it must not equal.
 * TR_OK, or TR_ERR_INVALID with why in err. */
int audit_key_load(const char *hex, const char *data_key_hex, char *err, size_t errlen);
/** Whether a key is set; its id (16 hex characters, a hash of the key that
 * does not reveal it) into id when id is not NULL. */
int audit_key_id(char id[17]);

/** Refuses (TR_ERR_INVALID, why in err) when the newest entry was linked
 * with a key this process does not have: appending would break the chain. */
int audit_key_check(struct db_conn *c, char *err, size_t errlen);

/** Appends e; must run inside a transaction of c (db_begin). */
int audit_append(struct db_conn *c, const struct audit_entry *e, int64_t now);
/** audit_append of what who did: action on the resource type's id, in the
 * request request_id, without justification or detail. */
int audit_by(struct db_conn *c, const struct caller *who, const char *action, const char *type,
	     const char *id, const char *request_id, int64_t now);

/** A signed checkpoint: the chain's hash at entry seq, at a time. */
struct audit_checkpoint {
	int64_t seq;
	char hash[65];
	char at[32];	       /* RFC 3339, as signed */
	unsigned char pk[32];  /* Ed25519 public key */
	unsigned char sig[64]; /* over audit_checkpoint_message */
};

/** What a walk of the chain found. */
struct audit_report {
	int64_t count;	      /* entries verified */
	int64_t broken;	      /* first bad entry (TR_ERR_CONFLICT) */
	int64_t unkeyed_last; /* entries 1..unkeyed_last have unkeyed links (0: none) */
	char head[65];	      /* hash of entry count */
	char why[200];
};

/** Walks the chain, and when cp is not NULL checks that entry cp->seq
 * still has cp->hash (the signature is checked by audit_checkpoint_parse).
 * TR_OK; TR_ERR_CONFLICT with r->broken and r->why for a changed, removed,
 * reordered or downgraded entry; TR_ERR_INVALID (why in r->why) when the
 * chain has keyed entries and no key is set. Unkeyed links are reported in
 * r->unkeyed_last: they prove nothing unless a checkpoint covers them. */
int audit_verify(struct db_conn *c, const struct audit_checkpoint *cp,
		 struct audit_report *r /* OUT */);

/** Reads an Ed25519 signing key: 64 hex characters (the seed), a trailing
 * line break allowed. TR_OK, TR_ERR_IO or TR_ERR_INVALID. */
int audit_signing_key_read(const char *path, unsigned char sk[64] /* OUT */);
/** Signs seq and hash at time now into cp. */
void audit_checkpoint_sign(int64_t seq, const char *hash, int64_t now, const unsigned char sk[64],
			   struct audit_checkpoint *cp /* OUT */);
/** One line of JSON (with its line break) for cp into out. */
int audit_checkpoint_format(const struct audit_checkpoint *cp, char *out, size_t outlen);
/** Parses one checkpoint line and checks its signature. TR_OK, or
 * TR_ERR_INVALID with why in err. */
int audit_checkpoint_parse(const char *text, struct audit_checkpoint *cp /* OUT */, char *err,
			   size_t errlen);

/** The kinds of record the log names (resource_type), NULL-terminated. */
extern const char *const audit_resource_types[];

/** What a reader of the log asks for: each part when not NULL/0. */
struct audit_filter {
	const char *user_id, *resource_type, *resource_id, *action;
	int64_t from, to; /* ms, inclusive */
};

/** Appends entries with seq < before (0: from the newest), newest first,
 * that match f (NULL: all), each with the acting user's name when a user
 * acted. */
int audit_list(struct db_conn *c, const struct audit_filter *f, int64_t before, int limit,
	       json_t *items, int *more /* OUT */);

#endif
