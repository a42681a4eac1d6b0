/* libFuzzer target for the time-series CSV reader: any bytes must give
 * either a series whose invariants hold or an error with a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/ts_csv.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_csv t;
	struct ts_error err;
	memset(&err, 0, sizeof err);
	int rc = ts_csv_read((const char *)data, size, &t, &err);
	if (rc == TR_OK) {
		if (t.n == 0 || !t.counts)
			abort();
		for (size_t i = 0; i < t.n; i++) {
			if (!(t.counts[i] >= 0) || t.counts[i] != (double)(uint64_t)t.counts[i])
				abort();
			if (t.periods && strlen(t.periods[i]) > size)
				abort();
		}
	} else if (err.message[0] == '\0' || t.counts || t.periods) {
		abort();
	}
	ts_csv_free(&t);
	return 0;
}
