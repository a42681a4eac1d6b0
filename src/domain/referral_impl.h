/** Inside the referrals module: what referral.c shares with the person's
 * fields (referral_person.c), the deadlines (referral_deadline.c) and the
 * outcomes (referral_outcome.c). */
#ifndef TR_DOMAIN_REFERRAL_IMPL_H
#define TR_DOMAIN_REFERRAL_IMPL_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>

#define DAY_MS (86400LL * 1000)
#define HOUR_MS (3600LL * 1000)
#define EXPIRE_MS (30 * DAY_MS)

/** Commits when rc is TR_OK, else rolls back; returns rc or the commit's. */
int referral_finish(struct db_conn *c, int rc);
/** The text of a sealed value (NULL when NULL, or without the data key);
 * free it with referral_wipe_free. */
char *referral_open_sealed(const char *sealed);
/** Wipes and frees s (may be NULL). */
void referral_wipe_free(char *s);
/** One referral as who sees it; TR_ERR_NOT_FOUND when who may not. */
int referral_read(struct db_conn *c, const struct caller *who, const char *id,
		  json_t **out /* OUT */);

#endif
