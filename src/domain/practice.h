/** Good practices: evidence-rated prevention approaches, written by one
 * organisation, reviewed by reviewers of other organisations and, after two
 * verifying reviews, published to every signed-in user. Workflow draft ->
 * submitted -> in_review -> verified -> published, or rejected with
 * reasons. Drafts are seen by their organisation only; submitted and
 * in-review practices also by reviewers (docs/access.md). */
#ifndef TR_DOMAIN_PRACTICE_H
#define TR_DOMAIN_PRACTICE_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/vocab.h"

#include <jansson.h>
#include <stdint.h>

/** Role rules of practices and proposals (docs/access.md). */
/** The module's row of the one permission table (acl.c). */
static inline bool practice_role_can(enum role r, enum action act)
{
	return acl_role_can(r, RES_PRACTICE, act);
}
/** Appends the visibility predicate of practices for alias (with the access
 * marker): own organisation; published for everyone; submitted, in review
 * and verified for reviewers. */
void practice_visible(struct query *q, const struct caller *who, const char *alias);
/** TR_OK when the practice exists and the caller sees it, else
 * TR_ERR_NOT_FOUND. */
int practice_check_visible(struct db_conn *c, const struct caller *who, const char *id);

/** TR_OK when who may review the practice now: a user with the reviewer
 * flag of another organisation than the author's, and the practice is
 * submitted or in review; TR_ERR_NOT_FOUND otherwise. The inbox asks it for
 * each reviewer it would tell that a practice waits for review. */
int practice_may_review(struct db_conn *c, const struct caller *who, const char *id);

/** Puts the text a search finds practice id by: its searchable fields of
 * p (none when p is NULL), in whatever language they are written. Used for
 * local practices and for federated copies alike. */
int practice_index(struct db_conn *c, const char *id, const json_t *p);

/** One visible practice with its reviews, or TR_ERR_NOT_FOUND. */
int practice_get(struct db_conn *c, const struct caller *who, const char *id,
		 json_t **out /* OUT */);
/** A page of visible practices, newest change first, filtered by status,
 * country of origin, evidence level and q (case-insensitive substring of
 * title or summary) when not NULL. */
int practice_list(struct db_conn *c, const struct caller *who, const char *status,
		  const char *country, const char *evidence, const char *q, const char *after,
		  int limit, json_t *items, char **next_key /* OUT */);
/** Creates a draft (or submitted) practice of the caller's organisation. */
int practice_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
/** Changes a practice of the caller's organisation: content while draft or
 * rejected; status draft <-> submitted, rejected -> draft or submitted. */
int practice_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field /* OUT */);
/** A review by a reviewer of another organisation: verdict verify or
 * reject (with comments). The first review moves submitted to in_review; a
 * rejection rejects with its comments as reasons; the second verifying
 * review verifies and publishes. */
int practice_review_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			const char *request_id, char rid[37] /* OUT */, char status[16] /* OUT */,
			const char **field /* OUT */);

#endif
