/** The sessions of an event (sessions, contributions, speakers) as a body
 * gives them: a check of their shape with no I/O (fuzzed by
 * tests/fuzz/fuzz_event_sessions.c). */
#ifndef TR_DOMAIN_CONF_SESSIONS_H
#define TR_DOMAIN_CONF_SESSIONS_H

#include <jansson.h>
#include <stddef.h>

enum {
	CONF_SESSIONS_OK = 0,
	CONF_SESSIONS_TOO_MANY, /* more than 100 sessions */
	CONF_SESSIONS_BAD,	/* the session at *at is not of the shape */
	CONF_SESSIONS_SAME_ID,	/* two sessions, or two contributions, share an id */
};

/** Checks sessions (NULL or absent: none): at most 100 sessions of {id?
 * (UUID), title (1 to 500 characters), description?, starts_at?, ends_at?
 * (dates or RFC 3339 times), contributions? (at most 100 of {id?, title,
 * abstract?, speakers? (at most 50 of {name, org_id? (UUID), role?})})},
 * no other keys, no id twice; anything but a list is CONF_SESSIONS_BAD.
 * *at names the bad session. */
int conf_sessions_check(json_t *sessions, size_t *at /* OUT */);

#endif
