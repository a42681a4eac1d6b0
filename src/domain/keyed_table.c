#include "domain/keyed_table.h"

#include <sodium.h>
#include <stdlib.h>

void *keyed_table_new(size_t size, size_t n, size_t slot_size)
{
	struct keyed_table *kt = calloc(1, size);
	if (!kt)
		return NULL;
	kt->slots = calloc(n, slot_size);
	if (!kt->slots) {
		free(kt);
		return NULL;
	}
	randombytes_buf(kt->key, sizeof(kt->key));
	pthread_mutex_init(&kt->mu, NULL);
	return kt;
}

void keyed_table_free(struct keyed_table *kt)
{
	pthread_mutex_destroy(&kt->mu);
	free(kt->slots);
	sodium_memzero(kt->key, sizeof(kt->key));
	free(kt);
}
