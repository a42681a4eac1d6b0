/** API tokens found, kept in memory while nothing is written to the
 * database: a request with a known token then needs no query at all. An
 * entry holds only while the database's write counter (db_write_gen,
 * bumped after every commit by any process writing through the db layer)
 * is the value read before the entry was filled, so a revocation, a user
 * disabled or a role changed takes effect with the next request. A write
 * made outside Trellis (a sqlite3 shell) is seen within
 * TOKEN_CACHE_MAX_AGE_MS. The token's expiry is checked at every use. */
#ifndef TR_DOMAIN_TOKEN_CACHE_H
#define TR_DOMAIN_TOKEN_CACHE_H

#include "domain/acl.h"

#include <stdint.h>

#define TOKEN_CACHE_MAX_AGE_MS 1000

/** The caller of the token whose stored hash (hex) is hash into *who when an
 * entry of pool holds for gen at now; returns 1 then, 0 otherwise. */
int token_cache_get(uint64_t pool, const char *hash, uint64_t gen, int64_t now, struct caller *who);
/** Keeps who for the token, read after gen was taken from the counter,
 * until the counter moves, the token expires or the entry ages out. */
void token_cache_put(uint64_t pool, const char *hash, uint64_t gen, int64_t now, int64_t expires_at,
		     const struct caller *who);

#endif
