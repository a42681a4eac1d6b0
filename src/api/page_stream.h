/** The part every streamed export shares (alerts_export.c,
 * list_export.c): the bytes rendered but not yet sent, the cursor of the
 * next page and where the stream stands. Each page is read and rendered by
 * the export's own next function, with its own short use of a database
 * connection, so a slow reader holds none. An export's state begins with
 * its struct page_stream and is the http_stream's state, with
 * page_stream_fill and page_stream_free as its functions. */
#ifndef TR_API_PAGE_STREAM_H
#define TR_API_PAGE_STREAM_H

#include "core/buf.h"
#include "http/http.h"

#include <stddef.h>

struct page_stream {
	/** Renders the first chunk into out (page_stream_head, or the
	 * export's own opening), before any page. */
	int (*head)(struct page_stream *p);
	/** Renders the next page into out (page_stream_page after it). */
	int (*next)(struct page_stream *p);
	/** Frees what the export owns beyond this part; may be NULL. */
	void (*release)(struct page_stream *p);
	struct buf out; /* rendered, not yet sent */
	size_t sent;
	char *after; /* keyset cursor of the next page, owned */
	int started, done, first;
};

/** An empty stream (its buffer capped at 8 MiB) begun by head, then
 * rendered a page at a time by next. */
void page_stream_init(struct page_stream *p, int (*head)(struct page_stream *p),
		      int (*next)(struct page_stream *p), void (*release)(struct page_stream *p));
/** Answers 200 with the stream p (an export's state, freed by
 * page_stream_free) as type, with the header Content-Disposition. */
void page_stream_answer(struct http_resp *resp, struct page_stream *p, const char *type,
			const char *disposition);
/** The http_stream fill: copies what is rendered to dst, rendering the
 * next page whenever all is sent; the bytes copied, 0 at the end, -1 on a
 * failure. */
long page_stream_fill(void *state, char *dst, size_t max);
/** The http_stream free: release, then the stream and state (malloc'd). */
void page_stream_free(void *state);
/** The first chunk: the CSV header row of cols when not NULL, else the
 * opening of a JSON list ({"items":[) or of a GeoJSON FeatureCollection. */
void page_stream_head(struct page_stream *p, const char *const *cols, int geojson);
/** One item's JSON text (NULL: null) into a JSON list, after a comma
 * unless it is the first. */
void page_stream_item(struct page_stream *p, const char *text);
/** After a page whose next cursor is next (taken over, NULL after the
 * last): the last page closes the JSON text ("]}") unless csv, and ends
 * the stream. */
void page_stream_page(struct page_stream *p, char *next, int csv);

#endif
