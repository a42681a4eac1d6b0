#include "cli/common.h"
#include "core/err.h"
#include "core/paths.h"
#include "domain/audit.h"

#include <stdio.h>
#include <stdlib.h>

const char *cli_db_url(const char *flag)
{
	if (flag && *flag)
		return flag;
	const char *env = getenv("TRELLIS_DB");
	return env && *env ? env : "sqlite:trellis.db";
}

int cli_home(char *home, size_t len)
{
	if (tr_home(home, len)) {
		fprintf(stderr, "trellis: cannot find the install root (db/migrations); set "
				"TRELLIS_HOME\n");
		return 2;
	}
	return 0;
}

int cli_db_open(const char *url, int pool, const char *home, struct db **db, int quiet)
{
	char err[512] = "";
	if (db_open(url, pool, db, err, sizeof(err))) {
		fprintf(stderr, "trellis: %s\n", err);
		return 2;
	}
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/db/migrations", home);
	int applied = 0;
	if (db_migrate(*db, dir, &applied, err, sizeof(err))) {
		fprintf(stderr, "trellis: %s\n", err);
		db_close(*db);
		*db = NULL;
		return 2;
	}
	/* a link without the key of the newest entry would break the chain */
	struct db_conn *c = db_acquire(*db);
	int rc = audit_key_check(c, err, sizeof(err));
	if (rc && rc != TR_ERR_INVALID)
		snprintf(err, sizeof(err), "cannot read the audit log: %s", db_errmsg(c));
	db_release(c);
	if (rc) {
		fprintf(stderr, "trellis: %s\n", err);
		db_close(*db);
		*db = NULL;
		return 2;
	}
	if (applied && !quiet)
		fprintf(stderr, "trellis: applied %d migration%s\n", applied,
			applied == 1 ? "" : "s");
	return 0;
}
