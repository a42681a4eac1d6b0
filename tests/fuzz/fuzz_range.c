/* libFuzzer target: http_range_parse (src/http/range.c) on arbitrary text
 * and sizes. An accepted range lies within the file: first <= last < size. */
#include "http/range.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the first 8 bytes are the file's size, the rest the header */
	uint64_t file = 0;
	if (size >= 8) {
		memcpy(&file, data, 8);
		data += 8;
		size -= 8;
	}
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	uint64_t first = 0, last = 0;
	int rc = http_range_parse(s, file, &first, &last);
	if (rc != 0 && rc != -1 && rc != -2) {
		fprintf(stderr, "fuzz_range: \"%s\": unexpected rc %d\n", s, rc);
		abort();
	}
	if (rc == 0 && !(first <= last && last < file)) {
		fprintf(stderr, "fuzz_range: \"%s\" of %llu bytes gave %llu-%llu\n", s,
			(unsigned long long)file, (unsigned long long)first,
			(unsigned long long)last);
		abort();
	}
	free(s);
	return 0;
}
