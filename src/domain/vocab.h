/** The closed vocabularies of record fields, NULL-terminated: the modules
 * check their records against them, and subscriptions filter on them
 * (below both, so neither includes the other for a list of words). */
#ifndef TR_DOMAIN_VOCAB_H
#define TR_DOMAIN_VOCAB_H

/** An alert's category. */
extern const char *const alert_categories[];
/** A prevention activity's type, status, target gender and setting (a
 * practice's theme is a setting too). */
extern const char *const activity_types[];
extern const char *const activity_statuses[];
extern const char *const activity_genders[];
extern const char *const activity_settings[];

#endif
