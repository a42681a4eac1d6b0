/** Proposals for co-operation between organisations: linked practices and
 * activities, endorsements (one per organisation) and verification by a
 * reviewer of another organisation. Shared under a distribution like
 * alerts; drafts are seen by their organisation only. Status draft -> open
 * -> verified (by a review) -> agreed -> implemented, closed from any. */
#ifndef TR_DOMAIN_PROPOSAL_H
#define TR_DOMAIN_PROPOSAL_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const proposal_statuses[];

/** One visible proposal with its endorsements and reviews. */
int proposal_get(struct db_conn *c, const struct caller *who, const char *id,
		 json_t **out /* OUT */);
/** A page of visible proposals, newest change first (status filter). */
int proposal_list(struct db_conn *c, const struct caller *who, const char *status,
		  const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** Creates a proposal of the caller's organisation from a validated body. */
int proposal_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
/** Changes a proposal of the caller's organisation at version. */
int proposal_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field /* OUT */);
/** The caller's organisation endorses a visible, non-draft proposal of
 * another organisation, once. */
int proposal_endorse(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		     const char *request_id, const char **field /* OUT */);
/** The caller's organisation changes the comment of its endorsement of a
 * visible proposal that is not closed: a new version (which federation
 * carries to the peers again), none when the comment is the same;
 * TR_ERR_NOT_FOUND when it has not endorsed it here. */
int proposal_endorse_update(struct db_conn *c, const struct caller *who, const char *id,
			    json_t *body, const char *request_id, const char **field /* OUT */);
/** TR_OK when who may endorse the proposal now: who sees it, speaks for
 * an organisation other than the proposer's that has not endorsed it yet,
 * and it is neither a draft nor closed; TR_ERR_NOT_FOUND otherwise. The
 * inbox asks it for the users of each partner organisation named in a
 * proposal ("waiting for your endorsement"). */
int proposal_may_endorse(struct db_conn *c, const struct caller *who, const char *id);
/** A reviewer of another organisation verifies (or rejects, with comments)
 * an open proposal. */
int proposal_review_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			const char *request_id, char rid[37] /* OUT */,
			const char **field /* OUT */);

#endif
