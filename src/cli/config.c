/* The settings of `trellis serve` (and of the commands that share them)
 * from the environment, each checked once here: a bad value stops the
 * command with a message naming the variable, and no module below the
 * command line reads the environment. */
#include "api/app.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/err.h"
#include "domain/fed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_env_int(const char *name, int64_t def, int64_t min, int64_t max, int64_t *out, char *err,
		size_t errlen)
{
	const char *v = getenv(name);
	*out = def;
	if (!v || !*v)
		return TR_OK;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (*end || errno || n < min || n > max) {
		snprintf(err, errlen, "%s must be an integer from %lld to %lld, got '%s'", name,
			 (long long)min, (long long)max, v);
		return TR_ERR_INVALID;
	}
	*out = n;
	return TR_OK;
}

int cli_app_config(struct app_config *cfg, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	const char *key = getenv("TRELLIS_SECRET_KEY");
	if (key && *key) {
		size_t n = strlen(key);
		if (n != 64 || strspn(key, "0123456789abcdefABCDEF") != n) {
			snprintf(err, errlen,
				 "TRELLIS_SECRET_KEY must be 64 hexadecimal characters");
			return TR_ERR_INVALID;
		}
		memcpy(cfg->secret_key, key, 65);
	}
	int rc = cli_env_int("TRELLIS_TIP_POW_BITS", 16, 0, 30, &cfg->tip_pow_bits, err, errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_TIP_RATE", 10, 0, 1000000, &cfg->tip_rate, err, errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_TIP_PENDING_MAX", 500, 0, 100000000,
				 &cfg->tip_pending_max, err, errlen);
	if (!rc)
		rc =
		    cli_env_int("TRELLIS_TIP_ACK_DAYS", 7, 1, 365, &cfg->tip_ack_days, err, errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_DETECT_INTERVAL_S", 3600, 0, 30L * 86400,
				 &cfg->detect_interval_s, err, errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_SUPPRESS_BELOW", 5, 0, 1000000, &cfg->suppress_below, err,
				 errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_FED_RETRY_MS", 5000, 10, 3600000, &cfg->fed_retry_ms, err,
				 errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_FED_BUNDLE", FED_BUNDLE_MAX, 1, FED_BUNDLE_MAX,
				 &cfg->fed_bundle, err, errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_FED_WAIT_S", FED_WAIT_MAX_S, 0, FED_WAIT_MAX_S,
				 &cfg->fed_wait_s, err, errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_RETENTION_REFERRAL_DAYS", 365, 0, 36500,
				 &cfg->retention_referral_days, err, errlen);
	if (!rc)
		rc = cli_env_int("TRELLIS_REFERRAL_JOB_INTERVAL_S", 3600, 0, 86400,
				 &cfg->referral_job_interval_s, err, errlen);
	return rc;
}
