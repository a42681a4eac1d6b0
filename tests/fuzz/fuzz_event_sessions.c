/* libFuzzer target: the sessions of an event as a body gives them
 * (conf_sessions_check, src/domain/conf_sessions.c), on arbitrary bytes
 * read as JSON the way the server reads a body (json_loadb, duplicates
 * refused). Whatever the check accepts is checked again here against the
 * shape written out independently: at most 100 sessions of objects with
 * known keys, a non-empty title, contributions and speakers within their
 * bounds, UUIDs where ids are, and no id twice (an outcome names its
 * session and contribution by id). An accepted value also survives a
 * dump and reload unchanged, and the check gives the same answer twice. */
#include "core/uuid.h"
#include "domain/conf_sessions.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_event_sessions: %s:%d: check failed: %s\n",  \
				__FILE__, __LINE__, #cond);                                \
			abort();                                                           \
		}                                                                          \
	} while (0)

static int only_keys(json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		int known = 0;
		for (int i = 0; keys[i]; i++)
			known |= strcmp(k, keys[i]) == 0;
		if (!known)
			return 0;
	}
	return 1;
}

static int uuid_or_absent(json_t *v)
{
	return !v || (json_is_string(v) && tr_uuid_valid(json_string_value(v)));
}

static void accepted(json_t *sessions)
{
	static const char *const skeys[] = {"id",	   "title",	    "starts_at", "ends_at",
					    "description", "contributions", NULL};
	static const char *const ckeys[] = {"id", "title", "abstract", "speakers", NULL};
	static const char *const pkeys[] = {"name", "org_id", "role", NULL};
	CHECK(!sessions || json_is_null(sessions) || json_is_array(sessions));
	CHECK(json_array_size(sessions) <= 100);
	json_t *ids = json_object();
	size_t i, j, m;
	json_t *s, *k, *p;
	json_array_foreach(sessions, i, s)
	{
		CHECK(json_is_object(s) && only_keys(s, skeys));
		CHECK(json_string_length(json_object_get(s, "title")) > 0);
		CHECK(uuid_or_absent(json_object_get(s, "id")));
		const char *id = json_string_value(json_object_get(s, "id"));
		if (id) {
			CHECK(!json_object_get(ids, id));
			json_object_set_new(ids, id, json_true());
		}
		json_t *cs = json_object_get(s, "contributions");
		CHECK(!cs || json_is_array(cs));
		CHECK(json_array_size(cs) <= 100);
		json_array_foreach(cs, j, k)
		{
			CHECK(json_is_object(k) && only_keys(k, ckeys));
			CHECK(json_string_length(json_object_get(k, "title")) > 0);
			CHECK(uuid_or_absent(json_object_get(k, "id")));
			const char *kid = json_string_value(json_object_get(k, "id"));
			if (kid) {
				CHECK(!json_object_get(ids, kid));
				json_object_set_new(ids, kid, json_true());
			}
			json_t *sp = json_object_get(k, "speakers");
			CHECK(!sp || json_is_array(sp));
			CHECK(json_array_size(sp) <= 50);
			json_array_foreach(sp, m, p)
			{
				CHECK(json_is_object(p) && only_keys(p, pkeys));
				CHECK(json_string_length(json_object_get(p, "name")) > 0);
				CHECK(uuid_or_absent(json_object_get(p, "org_id")));
			}
		}
	}
	json_decref(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
	if (!v)
		return 0;
	/* a whole event body, or the sessions alone */
	json_t *sessions = json_is_object(v) ? json_object_get(v, "sessions") : v;
	size_t at = 0, at2 = 0;
	int rc = conf_sessions_check(sessions, &at);
	CHECK(rc >= CONF_SESSIONS_OK && rc <= CONF_SESSIONS_SAME_ID);
	CHECK(conf_sessions_check(sessions, &at2) == rc && at2 == at);
	if (rc == CONF_SESSIONS_BAD)
		CHECK(at < json_array_size(sessions) || (at == 0 && !json_is_array(sessions)));
	if (rc == CONF_SESSIONS_OK) {
		accepted(sessions);
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		CHECK(text);
		json_t *again = json_loads(text, JSON_DECODE_ANY, &e);
		CHECK(again && json_equal(again, v));
		json_decref(again);
		free(text);
	}
	json_decref(v);
	return 0;
}
