/* libFuzzer target: the gazetteer's reader of cities.pbf
 * (place_pbf_next, src/domain/place.c) on arbitrary bytes. It must stop
 * (each step consumes input), never read outside the buffer, and give
 * places whose texts are terminated and within their fields; a place it
 * keeps has coordinates in range. */
#include "domain/place.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so ASan sees any overrun */
	unsigned char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	struct place_pbf r;
	struct place_city c;
	place_pbf_init(&r, buf, size);
	size_t n = 0;
	int got;
	while ((got = place_pbf_next(&r, &c)) == 1) {
		if (++n > size) {
			fprintf(stderr, "fuzz_places_pbf: more places than bytes\n");
			abort();
		}
		if (!memchr(c.name, '\0', sizeof(c.name)) || !memchr(c.country, '\0', sizeof(c.country)))
			abort();
		if (place_city_valid(&c) && (fabs(c.lat) > 90 || fabs(c.lon) > 180))
			abort();
	}
	free(buf);
	return 0;
}
