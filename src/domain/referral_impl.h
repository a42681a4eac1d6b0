/** Inside the referrals module: what referral.c shares with the person's
 * fields (referral_person.c) and the deadlines and outcomes
 * (referral_report.c). */
#ifndef TR_DOMAIN_REFERRAL_IMPL_H
#define TR_DOMAIN_REFERRAL_IMPL_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>

#define DAY_MS (86400LL * 1000)
#define HOUR_MS (3600LL * 1000)
/** A sent referral not acknowledged or reached within this expires. */
#define EXPIRE_MS (30 * DAY_MS)

/** The referral as the caller sees it (NOT_FOUND when it may not). */
int referral_read_one(struct db_conn *c, const struct caller *who, const char *id, json_t **out);
/** Opens a sealed text with the data key (NULL without the key or text). */
char *referral_open_sealed(const char *sealed);
/** Zeroes and frees an opened text. */
void referral_wipe_free(char *s);
/** The age band of an age in whole years. */
const char *referral_age_band(int years);

#endif
