/** Inside the alerts module: what alert.c shares with the sightings and
 * comments (alert_sighting.c). */
#ifndef TR_DOMAIN_ALERT_IMPL_H
#define TR_DOMAIN_ALERT_IMPL_H

#include "domain/acl.h"

struct query;

/** The distribution predicate, and drafts for their organisation only. */
void alert_visible(struct query *q, const struct caller *who, const char *alias);

#endif
