/** The freshness of a copy of the substances table kept for the whole
 * process (the search's stems, the names by id): a write of this process
 * is seen at once (substance_generation), another process's within a
 * second, by the table's signature (substance_signature), read again at
 * most once a second. Each copy is behind its own lock. */
#ifndef TR_DOMAIN_SUBSTANCE_CACHE_H
#define TR_DOMAIN_SUBSTANCE_CACHE_H

#include "db/db.h"

#include <pthread.h>
#include <stdint.h>

/** What a copy was made from, or what is now. */
struct substance_stamp {
	uint64_t pool;	   /* db_conn_pool */
	unsigned long gen; /* substance_generation */
	int64_t checked;   /* when the signature was read */
	char sig[160];	   /* substance_signature */
};

/** Under the copy's lock: whether the copy stamped st still holds now;
 * now's signature is compared when sig_read, else its generation and the
 * time since the signature was read. A match of the signature renews st. */
int substance_stamp_holds(struct substance_stamp *st, const struct substance_stamp *now,
			  int sig_read);

/** Asks look(ctx, now, sig_read) under lock whether the copy holds (and to
 * take from it what the caller wants when it does): first with now's
 * signature not read, then with it read. TR_OK with *held 1 when a look
 * said 1; *held 0 when the copy must be made again, now then the stamp to
 * give it; or the error of reading the signature. */
int substance_cache_look(struct db_conn *c, pthread_mutex_t *lock,
			 int (*look)(void *ctx, const struct substance_stamp *now, int sig_read),
			 void *ctx, struct substance_stamp *now /* OUT */, int *held /* OUT */);

#endif
