#include "core/paths.h"
#include "core/err.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int has_migrations(const char *dir)
{
	char p[PATH_MAX + 32];
	struct stat st;
	snprintf(p, sizeof(p), "%s/db/migrations", dir);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int tr_home(const char *given, char *out, size_t outlen)
{
	if (given && *given) {
		snprintf(out, outlen, "%s", given);
		return has_migrations(out) ? TR_OK : TR_ERR_IO;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return TR_ERR_IO;
	exe[n] = '\0';
	for (char *slash = strrchr(exe, '/'); slash; slash = strrchr(exe, '/')) {
		*slash = '\0';
		const char *dir = exe[0] ? exe : "/";
		if (has_migrations(dir)) {
			snprintf(out, outlen, "%s", dir);
			return TR_OK;
		}
	}
	return TR_ERR_IO;
}
