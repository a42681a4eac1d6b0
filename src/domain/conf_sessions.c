#include "domain/conf_sessions.h"
#include "core/timeutil.h"
#include "core/uuid.h"

#include <stdint.h>
#include <string.h>

static int str_ok(json_t *v, size_t max, int required)
{
	if (!v || json_is_null(v))
		return !required;
	return json_is_string(v) && (!required || json_string_length(v) > 0) &&
	       json_string_length(v) <= max * 4;
}

static int time_ok(json_t *v)
{
	int64_t ms;
	return !v || json_is_null(v) ||
	       (json_is_string(v) && tr_time_parse(json_string_value(v), &ms) == 0);
}

static int id_ok(json_t *v)
{
	return !v || (json_is_string(v) && tr_uuid_valid(json_string_value(v)));
}

static int keys_ok(json_t *o, const char *const *keys)
{
	const char *k;
	json_t *x;
	json_object_foreach(o, k, x)
	{
		int known = 0;
		for (int i = 0; keys[i]; i++)
			known |= strcmp(k, keys[i]) == 0;
		if (!known)
			return 0;
	}
	return 1;
}

static int speakers_ok(json_t *sp)
{
	static const char *const keys[] = {"name", "org_id", "role", NULL};
	size_t i;
	json_t *v;
	if (sp && !json_is_array(sp))
		return 0;
	if (json_array_size(sp) > 50)
		return 0;
	json_array_foreach(sp, i, v) if (!json_is_object(v) || !keys_ok(v, keys) ||
					 !str_ok(json_object_get(v, "name"), 200, 1) ||
					 !str_ok(json_object_get(v, "role"), 200, 0) ||
					 !id_ok(json_object_get(v, "org_id"))) return 0;
	return 1;
}

/* Whether id (a string or absent) is new to seen (an object used as a set),
 * adding it. */
static int id_new(json_t *seen, json_t *id)
{
	const char *v = json_string_value(id);
	if (!v)
		return 1;
	if (json_object_get(seen, v))
		return 0;
	json_object_set_new(seen, v, json_true());
	return 1;
}

int conf_sessions_check(json_t *sessions, size_t *at)
{
	static const char *const skeys[] = {"id",	   "title",	    "starts_at", "ends_at",
					    "description", "contributions", NULL};
	static const char *const ckeys[] = {"id", "title", "abstract", "speakers", NULL};
	*at = 0;
	/* anything but a list (or nothing) is no list of sessions */
	if (sessions && !json_is_array(sessions) && !json_is_null(sessions))
		return CONF_SESSIONS_BAD;
	if (json_array_size(sessions) > 100)
		return CONF_SESSIONS_TOO_MANY;
	size_t i, j;
	json_t *s, *k;
	json_array_foreach(sessions, i, s)
	{
		json_t *contribs = json_object_get(s, "contributions");
		int ok = json_is_object(s) && keys_ok(s, skeys) &&
			 id_ok(json_object_get(s, "id")) &&
			 str_ok(json_object_get(s, "title"), 500, 1) &&
			 str_ok(json_object_get(s, "description"), 5000, 0) &&
			 time_ok(json_object_get(s, "starts_at")) &&
			 time_ok(json_object_get(s, "ends_at")) &&
			 (!contribs || json_is_array(contribs)) && json_array_size(contribs) <= 100;
		json_array_foreach(ok ? contribs : NULL, j, k) ok =
		    ok && json_is_object(k) && keys_ok(k, ckeys) &&
		    id_ok(json_object_get(k, "id")) &&
		    str_ok(json_object_get(k, "title"), 500, 1) &&
		    str_ok(json_object_get(k, "abstract"), 5000, 0) &&
		    speakers_ok(json_object_get(k, "speakers"));
		if (!ok) {
			*at = i;
			return CONF_SESSIONS_BAD;
		}
	}
	/* an outcome names its session and contribution by id: each once */
	json_t *seen = json_object();
	int rc = CONF_SESSIONS_OK;
	json_array_foreach(sessions, i, s)
	{
		if (!id_new(seen, json_object_get(s, "id")))
			rc = CONF_SESSIONS_SAME_ID;
		json_array_foreach(json_object_get(s, "contributions"), j,
				   k) if (!id_new(seen, json_object_get(k, "id"))) rc =
		    CONF_SESSIONS_SAME_ID;
	}
	json_decref(seen);
	return rc;
}
