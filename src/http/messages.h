/** The message catalog: every error message of the API, written in English
 * at its call site, has here a stable code and its French and Russian
 * wording. Entries are keyed by the English text; {0}..{9} in a pattern
 * stand for the variable parts (numbers, lists of values, field names) and
 * carry over into the translations. A message missing from the catalog
 * stays English with the code "invalid" (tests/unit/http/test_messages.c
 * lists the call sites that lack an entry). */
#ifndef TR_HTTP_MESSAGES_H
#define TR_HTTP_MESSAGES_H

#include "core/arena.h"

enum msg_lang { MSG_EN, MSG_FR, MSG_RU, MSG__LANGS };

/** The language of an Accept-Language header: the one of en, fr, ru with
 * the highest q-value (the first of equals), English without a match. */
int msg_lang_pick(const char *accept_language);
/** "en", "fr" or "ru". */
const char *msg_lang_tag(int lang);
/** The catalog entry of an English message: its code, or NULL when the
 * catalog has none. */
const char *msg_code(const char *en);
/** The message in lang, allocated in a (the English text itself when it
 * has no entry or lang is English). *code gets the entry's code, "invalid"
 * without one; code may be NULL. */
const char *msg_translate(struct arena *a, const char *en, int lang, const char **code);
/** The template of a code in lang ({0}.. as in the catalog), NULL for an
 * unknown code: for the browser, which checks the same rules. */
const char *msg_template(const char *code, int lang);

#endif
