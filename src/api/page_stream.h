/** The part every streamed export shares (alerts_export.c,
 * list_export.c): the bytes rendered but not yet sent, the cursor of the
 * next page and where the stream stands. Each page is read and rendered by
 * the export's own functions within one short use of a database
 * connection, so a slow reader holds none. An export's state begins with
 * its struct page_stream and is the http_stream's state, with
 * page_stream_fill and page_stream_free as its functions. */
#ifndef TR_API_PAGE_STREAM_H
#define TR_API_PAGE_STREAM_H

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

#include <jansson.h>
#include <stddef.h>

struct page_stream;

/** What an export does with its stream. */
struct page_stream_ops {
	/** Renders the first chunk into out (page_stream_head, or the
	 * export's own opening), before any page. */
	int (*head)(struct page_stream *p);
	/** Reads the page of at most limit items after the cursor after
	 * (NULL: the first) into items, *next the cursor of the page after it
	 * (malloc'd, NULL after the last). */
	int (*read)(struct page_stream *p, struct db_conn *c, const char *after, int limit,
		    json_t *items, char **next);
	/** Renders one item of the page into out, c still held. */
	void (*render)(struct page_stream *p, struct db_conn *c, json_t *item);
	/** Frees what the export owns beyond this part; may be NULL. */
	void (*release)(struct page_stream *p);
};

struct page_stream {
	const struct page_stream_ops *ops;
	struct db *db;
	int csv;	/* CSV: no closing after the last page */
	struct buf out; /* rendered, not yet sent */
	size_t sent;
	char *after; /* keyset cursor of the next page, owned */
	int started, done, first;
};

/** An empty stream (its buffer capped at 8 MiB) of the pages of db, read
 * and rendered by ops; csv: the pages are CSV rows, not a JSON list. */
void page_stream_init(struct page_stream *p, const struct page_stream_ops *ops, struct db *db,
		      int csv);
/** Answers 200 with the stream p (an export's state, in the request's
 * arena: the server keeps the request until the stream is freed; what p
 * holds besides goes in page_stream_free) as type, with the header
 * Content-Disposition. */
void page_stream_answer(struct http_resp *resp, struct page_stream *p, const char *type,
			const char *disposition);
/** The http_stream fill: copies what is rendered to dst, rendering the
 * next page whenever all is sent; the bytes copied, 0 at the end, -1 on a
 * failure. */
long page_stream_fill(void *state, char *dst, size_t max);
/** The http_stream free: release, then what the stream holds (not the
 * state itself, which is the request arena's). */
void page_stream_free(void *state);
/** The first chunk: the CSV header row of cols when not NULL, else the
 * opening of a JSON list ({"items":[) or of a GeoJSON FeatureCollection. */
void page_stream_head(struct page_stream *p, const char *const *cols, int geojson);
/** One item's JSON text (NULL: null) into a JSON list, after a comma
 * unless it is the first. */
void page_stream_item(struct page_stream *p, const char *text);

#endif
