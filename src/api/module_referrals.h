/** The referrals module's configuration, read once at start by `trellis
 * serve` and by the command line. */
#ifndef TR_API_MODULE_REFERRALS_H
#define TR_API_MODULE_REFERRALS_H

#include <stddef.h>

struct app;

struct referrals_config {
	int retention_days; /* TRELLIS_RETENTION_REFERRAL_DAYS, default 365 */
	int suppress_below; /* TRELLIS_SUPPRESS_BELOW, default 5 */
};

struct app_config;
/** The module's settings from those the command line read (and loads the
 * data key, TRELLIS_SECRET_KEY): TR_OK or TR_ERR_INVALID with why in err. */
int referrals_configure(const struct app_config *ac, struct referrals_config *cfg, char *err,
			size_t errlen);
/** The configuration of the running module (defaults when not started). */
void referrals_config_of(struct app *app, struct referrals_config *out);

#endif
