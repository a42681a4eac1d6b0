/** The closed vocabularies of the record fields of alerts, activities,
 * practices and referrals, NULL-terminated, declared in one place (each is
 * defined in its module's .c): the modules check their records against
 * them, and subscriptions, exports, read models and federation read them
 * (below all of these, so none includes another for a list of words). */
#ifndef TR_DOMAIN_VOCAB_H
#define TR_DOMAIN_VOCAB_H

/** An alert's category, status and reliability, the fields of its
 * early-warning object, and its form. */
extern const char *const alert_categories[];
extern const char *const alert_statuses[];
extern const char *const alert_reliabilities[];
extern const char *const alert_ews_fields[];
/** The physical forms of the MISP taxonomy drug-form (predicate form). An
 * alert has one (its primary form, as the taxonomy's predicate says) or
 * none: a product seen in two forms is two alerts, related by substance. */
extern const char *const alert_drug_forms[];
/** A prevention activity's type, status, target gender and setting (a
 * practice's theme is a setting too). */
extern const char *const activity_types[];
extern const char *const activity_statuses[];
extern const char *const activity_genders[];
extern const char *const activity_settings[];
/** A practice's status, evidence level, evaluation design, and the verdict
 * of a review (of a proposal too). */
extern const char *const practice_statuses[];
extern const char *const practice_evidence_levels[];
extern const char *const practice_designs[];
extern const char *const practice_verdicts[];
/** A referral's pathway, status, urgency, gender, outcome and age band; the
 * person's readable fields (with facts and notes); a consent's subject,
 * scopes and decision; the dimensions its outcomes are counted by. */
extern const char *const referral_pathways[];
extern const char *const referral_statuses[];
extern const char *const referral_urgencies[];
extern const char *const referral_genders[];
extern const char *const referral_outcome_values[];
extern const char *const referral_age_bands[];
extern const char *const referral_person_fields[];
extern const char *const referral_consent_subjects[];
extern const char *const referral_consent_scopes[];
extern const char *const referral_consent_decisions[];
extern const char *const referral_outcome_dimensions[];

#endif
