/* libFuzzer target: tr_time_parse (src/core/timeutil.c) on arbitrary
 * text. Any accepted input must format back (tr_time_format) to text that
 * parses again to the same milliseconds: what we accept we can also give
 * back and read in again (exports, the API, the database). */
#include "core/err.h"
#include "core/timeutil.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The input as a C string of exactly its bytes (cut at a NUL). */
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	int64_t ms = 0, again = 0;
	int rc = tr_time_parse(s, &ms);
	if (rc != TR_OK) {
		if (rc != TR_ERR_INVALID) {
			fprintf(stderr, "fuzz_time: \"%s\": unexpected rc %d\n", s, rc);
			abort();
		}
		free(s);
		return 0;
	}
	char text[32];
	memset(text, 0x55, sizeof(text));
	tr_time_format(ms, text);
	if (!memchr(text, '\0', sizeof(text))) {
		fprintf(stderr, "fuzz_time: format of %" PRId64 " not terminated\n", ms);
		abort();
	}
	rc = tr_time_parse(text, &again);
	if (rc != TR_OK || again != ms) {
		fprintf(stderr,
			"fuzz_time: \"%s\" parsed to %" PRId64 " ms, formatted as \"%s\", "
			"which %s\n",
			s, ms, text, rc != TR_OK ? "does not parse" : "parses to another time");
		if (rc == TR_OK)
			fprintf(stderr, "fuzz_time: re-parsed %" PRId64 " ms\n", again);
		abort();
	}
	free(s);
	return 0;
}
