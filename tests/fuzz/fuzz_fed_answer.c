/* libFuzzer target: fed_answer_parse (src/domain/fed_answer.c), the
 * puller's read of a peer's answer, on arbitrary bytes. It must not crash,
 * and what it accepts jansson reads as the same payload and signature (when
 * jansson accepts it: it also refuses text that is not UTF-8, which the
 * bundle's own parse refuses later). */
#include "core/err.h"
#include "domain/fed_answer.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fed_answer a;
	int rc = fed_answer_parse((const char *)data, size, &a);
	if (rc != TR_OK && rc != TR_ERR_INVALID)
		abort();
	if (rc != TR_OK)
		return 0;
	if (!a.payload || !a.signature || strlen(a.payload) != a.payload_len ||
	    strlen(a.signature) != a.signature_len)
		abort();
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (j) {
		const char *p = json_string_value(json_object_get(j, "payload"));
		const char *s = json_string_value(json_object_get(j, "signature"));
		if (!p || !s || strcmp(p, a.payload) != 0 || strcmp(s, a.signature) != 0) {
			fprintf(stderr, "fuzz_fed_answer: jansson reads another payload\n");
			abort();
		}
	}
	json_decref(j);
	fed_answer_free(&a);
	return 0;
}
