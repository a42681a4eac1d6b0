/** The alerts' read model: every alert's access fields, filter fields and
 * rendered JSON held in memory by each server process, so the list and the
 * related alerts are answered without a query per row.
 *
 * Freshness: every write of an alert stamps the row with the next number
 * of alert_seq (alert.c). Each call first reads that number (one indexed
 * read) and, when it moved, loads the rows stamped after the last number
 * seen. A read therefore sees every write committed before it started, by
 * this process, another server process or the CLI.
 *
 * Access: the model applies acl_row_visible (acl.h), the same rule as the
 * SQL predicate, and a unit test holds the two equal.
 *
 * The folder: index.c (interned strings, posting lists, the grid), model.c
 * (the entries, load and sync), texts.c (the rendered objects within their
 * budget), query.c (what every query does first), and the queries list.c,
 * related.c and search.c. */
#ifndef TR_DOMAIN_READMODEL_ALERTS_H
#define TR_DOMAIN_READMODEL_ALERTS_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/alert.h"

struct buf;

/** The budget of the rendered objects until one is set, in bytes. */
#define ALERT_TEXT_BUDGET_DEFAULT ((size_t)64 << 20)

/** Every alert's access, filter and search fields stay in memory; the
 * rendered objects are kept within a budget (ALERT_TEXT_BUDGET_DEFAULT
 * until set; `trellis serve` sets it from TRELLIS_ALERT_TEXT_MB), the least
 * recently read dropped first and read again from the database when an
 * answer needs them. Sets that budget in bytes. */
void alert_cache_text_budget(struct db_conn *c, size_t bytes);

/** The model's size: alerts, rendered texts kept, their bytes, the budget. */
void alert_cache_stats(struct db_conn *c, long *alerts, long *texts, size_t *bytes, size_t *budget);

/** Brings the model of c's pool up to date (loading it on first use). */
int alert_cache_sync(struct db_conn *c);
/** The same, up to change number n, read by the caller (at least). */
int alert_cache_sync_to(struct db_conn *c, int64_t n);

/** The page alert_list_text would give, written the same way. */
int alert_cache_list(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
		     const char *after, int limit, struct buf *out, char **next_key /* OUT */);

/** Visible alerts related to a visible one, as a JSON array of
 * {"alert", "score", "reasons"}: the newest alerts sharing a substance
 * (score 1 per substance), and those of the same category within
 * distance_km whose observed period comes within `days` (score 0.5 to 1 by
 * distance). Retracted alerts are left out. TR_ERR_NOT_FOUND when the
 * alert is not visible. */
int alert_cache_related(struct db_conn *c, const struct caller *who, const char *id,
			double distance_km, int days, int limit, struct buf *out);

/** One word of a search: a record matches it when it has any of its
 * terms (text.h). */
struct alert_qword {
	const char *const *alts;
	int n;
};

/** A hit of alert_cache_search; title and text (title, summary and body,
 * one per line) are the caller's to free with alert_hits_free. */
struct alert_hit {
	char id[37];
	char *title, *text;
	double rank;
	/* what a reader of the hits needs to weigh them: TLP, status and the
	 * organisation ("" when the alert has none) */
	char tlp[16], status[16], org_id[37];
};

/** How many of the newest visible matches of a search are ranked. */
#define ALERT_SEARCH_WINDOW 500

/** Full-text search over the visible alerts: a match has every word. The
 * ALERT_SEARCH_WINDOW newest visible matches (by when they arrived) are
 * ranked by BM25 (k1 1.2, b 0.75, as SQLite FTS5) and the best `limit`
 * written to hits, best first; *n is their count. */
int alert_cache_search(struct db_conn *c, const struct caller *who, const struct alert_qword *words,
		       int nwords, int limit, struct alert_hit *hits, int *n /* OUT */);
void alert_hits_free(struct alert_hit *hits, int n);

#endif
