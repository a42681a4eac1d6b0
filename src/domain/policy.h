/** Commitments (issue 19): policy documents and their commitments with
 * indicators (the assessments of them are in policy_assessment.h). */
#ifndef TR_DOMAIN_POLICY_H
#define TR_DOMAIN_POLICY_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/policy_scale.h"
#include "domain/shrec.h"

#include <jansson.h>

extern const char *const policy_themes[];
extern const char *const policy_evidence_types[];
extern const struct shrec policy_document_table, policy_commitment_table;

#endif
