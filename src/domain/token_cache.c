#include "domain/token_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512 /* direct-mapped by the hash's first hex digits */
#define HASH_HEX 64

struct slot {
	uint64_t pool, gen;
	int64_t filled_at, expires_at;
	char hash[HASH_HEX + 1]; /* "" when empty */
	struct caller who;
};

static struct slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct slot *slot_of(const char *hash)
{
	char head[9];
	snprintf(head, sizeof(head), "%.8s", hash);
	return &slots[strtoul(head, NULL, 16) % SLOTS];
}

int token_cache_get(uint64_t pool, const char *hash, uint64_t gen, int64_t now, struct caller *who)
{
	if (strlen(hash) != HASH_HEX)
		return 0;
	struct slot *s = slot_of(hash);
	pthread_mutex_lock(&lock);
	int hit = s->pool == pool && s->gen == gen && strcmp(s->hash, hash) == 0 &&
		  now < s->expires_at && now >= s->filled_at &&
		  now - s->filled_at < TOKEN_CACHE_MAX_AGE_MS;
	if (hit)
		*who = s->who;
	pthread_mutex_unlock(&lock);
	return hit;
}

void token_cache_put(uint64_t pool, const char *hash, uint64_t gen, int64_t now, int64_t expires_at,
		     const struct caller *who)
{
	if (strlen(hash) != HASH_HEX)
		return;
	struct slot *s = slot_of(hash);
	pthread_mutex_lock(&lock);
	*s = (struct slot){pool, gen, now, expires_at, "", *who};
	memcpy(s->hash, hash, HASH_HEX + 1);
	pthread_mutex_unlock(&lock);
}
