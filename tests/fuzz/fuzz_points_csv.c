/* libFuzzer target of the spatial CSV reader: any bytes must give TR_OK
 * with consistent rows or TR_ERR_INVALID with a message, never a crash. */
#include "analytics/points_csv.h"
#include "core/err.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void fuzz_check(const uint8_t *data, size_t size, enum points_kind kind)
{
	struct points_csv pc;
	struct ts_error err;
	int rc = points_csv_read((const char *)data, size, kind, &pc, &err);
	if (rc == TR_OK) {
		for (size_t i = 0; i < pc.n; i++) {
			if (!isfinite(pc.x[i]) || !isfinite(pc.y[i]) ||
			    points_csv_id(&pc, i)[0] == '\0')
				abort();
			if (kind == POINTS_VALUE && !(pc.value[i] >= 0.0))
				abort();
		}
		points_csv_free(&pc);
	} else if (rc != TR_ERR_INVALID || err.message[0] == '\0') {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_check(data, size, POINTS_VALUE);
	fuzz_check(data, size, POINTS_DATE);
	return 0;
}
