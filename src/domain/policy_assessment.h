/** Per-State assessments of the implementation of commitments on the
 * five-level scale, by the State itself (self) or by a reviewer of another
 * country or an international body (independent), with evidence linked to
 * the records of Trellis and comments by civil society (above the modules
 * whose records are evidence, events among them). */
#ifndef TR_DOMAIN_POLICY_ASSESSMENT_H
#define TR_DOMAIN_POLICY_ASSESSMENT_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/shrec.h"

#include <jansson.h>

extern const struct shrec policy_assessment_table;

/** Whether the caller sees the record of an evidence link. */
int policy_evidence_visible(struct db_conn *c, const struct caller *who, const char *type,
			    const char *id);

/** The State x commitment matrix of what the caller may see: the
 * commitments (theme, document filters), and per State the latest self and
 * independent assessment at or before period (all periods when NULL), with
 * the status of the period before it and the change. */
int policy_matrix(struct db_conn *c, const struct caller *who, const char *state, const char *theme,
		  const char *document_id, const char *period, json_t **out /* OUT */);
/** Activities and practices of the State the caller sees whose kind fits
 * the commitment's theme, for a person to confirm as evidence. */
int policy_suggestions(struct db_conn *c, const struct caller *who, const char *state,
		       const char *commitment_id, json_t **out /* OUT */);
/** Adds a comment to a visible assessment. */
int policy_comment_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		       const char *request_id, const char **field /* OUT */);

#endif
