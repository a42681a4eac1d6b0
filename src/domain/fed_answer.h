/** Federation: the puller's read of a peer's answer to a pull,
 * {"cursor": N, "index": [...], "more": bool, "payload": "<the signed
 * bundle text>", "signature": "<hex>"}, checked as JSON and cut into its
 * parts without building a tree of it (the payload is some MiB). */
#ifndef TR_DOMAIN_FED_ANSWER_H
#define TR_DOMAIN_FED_ANSWER_H

#include <stddef.h>
#include <stdint.h>

struct fed_answer {
	char *payload; /* unescaped, NUL-terminated */
	size_t payload_len;
	char *signature;
	size_t signature_len;
	int64_t cursor; /* the unsigned hint, when has_cursor */
	int has_cursor;
	int more; /* the unsigned hint "more": true */
};

/** Reads an answer of len bytes: TR_OK with payload and signature (both
 * strings, present once), or TR_ERR_INVALID when it is not a JSON object
 * with them (a bad escape, \u0000, a control character, a value that is not
 * JSON, deeper than 64 levels), TR_ERR_NOMEM. Free with fed_answer_free. */
int fed_answer_parse(const char *text, size_t len, struct fed_answer *out /* OUT */);
void fed_answer_free(struct fed_answer *a);

#endif
