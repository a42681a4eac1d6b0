/** The part shared by the in-memory tables addressed by a hash keyed with a
 * secret made at start (an outsider cannot aim at one slot): the source
 * address throttle and the spent proof-of-work challenges. */
#ifndef TR_DOMAIN_KEYED_TABLE_H
#define TR_DOMAIN_KEYED_TABLE_H

#include <pthread.h>
#include <stddef.h>

/** The key of the hash, the lock and the slots of a table; the first member
 * of the object that holds them (keyed_table_new). */
struct keyed_table {
	unsigned char key[32];
	pthread_mutex_t mu;
	void *slots;
};

/** A zeroed object of size bytes that starts with a struct keyed_table, its
 * n zeroed slots of slot_size bytes, a random key and the lock; NULL when
 * out of memory. Freed with keyed_table_free. */
void *keyed_table_new(size_t size, size_t n, size_t slot_size);
/** Destroys the lock, frees the slots, wipes the key and frees the object
 * kt starts. */
void keyed_table_free(struct keyed_table *kt);

#endif
