/** Words for full-text search, the same on both engines: text is split into
 * words, case and accents are folded (héroïne -> heroine, Ё -> е), and each
 * word is stemmed by the languages its script can be (English and French for
 * Latin letters, Russian for Cyrillic). Index and query use the same code,
 * so the same query finds the same records on SQLite and PostgreSQL. */
#ifndef TR_CORE_TEXT_H
#define TR_CORE_TEXT_H

#include "core/buf.h"

#include <stddef.h>

#define TEXT_WORD_MAX 64 /* longer words are cut */
#define TEXT_ALTS_MAX 3

struct text_stemmers;

/** Stemmers for one thread (libstemmer's are not thread-safe); NULL when
 * out of memory. Free with text_stemmers_free. */
struct text_stemmers *text_stemmers_new(void);
void text_stemmers_free(struct text_stemmers *t);
/** The calling thread's stemmers, made on first use and freed when the
 * thread ends (not to be freed by the caller); NULL when out of memory. */
struct text_stemmers *text_stemmers_thread(void);

/** Appends the index terms of text to out, separated by spaces. */
int text_index_terms(struct text_stemmers *t, const char *text, struct buf *out);

/** Calls fn once per word of a query with its alternative terms (any of
 * which matches); returns the number of words. */
int text_query_terms(struct text_stemmers *t, const char *q,
		     void (*fn)(void *ctx, const char *const *alts, int n), void *ctx);

/** Whether a word of text has one of terms (" a b c ", as the query's
 * terms): the test text_query_terms would make, without stemming the words
 * that cannot match. */
int text_has_term(struct text_stemmers *t, const char *text, const char *terms);

/** The terms of text's words in a form that can be kept and matched
 * against any query's terms later (text_stems_match): per word, '\x01',
 * the first two bytes of the folded word, then " term" per alternative;
 * appended to out. */
int text_stems(struct text_stemmers *t, const char *text, struct buf *out);
/** Whether stems (text_stems) match terms as text_has_term would match
 * the text they were made of. */
int text_stems_match(const char *stems, const char *terms);

/** Folds one word (case and accents) into out; returns its length. */
size_t text_fold_word(const char *word, size_t len, char *out, size_t outlen);

#endif
