/* The shared part of the streamed exports (page_stream.h). */
#include "api/page_stream.h"

#include <stdlib.h>
#include <string.h>

/* Items a page reads at the most. */
#define PAGE_ITEMS 200

void page_stream_init(struct page_stream *p, const struct page_stream_ops *ops, struct db *db,
		      int csv)
{
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->db = db;
	p->csv = csv;
	buf_init(&p->out, 8u << 20);
}

void page_stream_free(void *state)
{
	struct page_stream *p = state;
	if (p->ops->release)
		p->ops->release(p);
	free(p->after);
	buf_free(&p->out);
}

/* Renders the next page into out; the last closes the JSON text ("]}")
 * unless csv, and ends the stream. */
static int next_page(struct page_stream *p)
{
	json_t *items = json_array();
	char *next = NULL;
	struct db_conn *c = db_acquire(p->db);
	int rc = p->ops->read(p, c, p->after, PAGE_ITEMS, items, &next);
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) p->ops->render(p, c, item);
	db_release(c);
	json_decref(items);
	free(p->after);
	p->after = next;
	if (!next) {
		if (!p->csv)
			buf_puts(&p->out, "]}");
		p->done = 1;
	}
	return rc;
}

long page_stream_fill(void *state, char *dst, size_t max)
{
	struct page_stream *p = state;
	while (p->sent == p->out.len) {
		if (p->done)
			return 0;
		buf_reset(&p->out);
		p->sent = 0;
		int rc;
		if (!p->started) {
			p->started = p->first = 1;
			rc = p->ops->head(p);
		} else {
			rc = next_page(p);
		}
		if (rc || p->out.err)
			return -1;
	}
	size_t n = p->out.len - p->sent;
	if (n > max)
		n = max;
	memcpy(dst, p->out.data + p->sent, n);
	p->sent += n;
	return (long)n;
}

void page_stream_answer(struct http_resp *resp, struct page_stream *p, const char *type,
			const char *disposition)
{
	struct http_stream st = {p, page_stream_fill, page_stream_free};
	http_resp_stream(resp, &st);
	http_resp_status(resp, 200);
	http_resp_type(resp, type);
	http_resp_header(resp, "Content-Disposition", disposition);
}

void page_stream_head(struct page_stream *p, const char *const *cols, int geojson)
{
	for (int i = 0; cols && cols[i]; i++)
		buf_printf(&p->out, "%s%s", i ? "," : "", cols[i]);
	buf_puts(&p->out, cols	    ? "\r\n"
			  : geojson ? "{\"type\":\"FeatureCollection\",\"features\":["
				    : "{\"items\":[");
}

void page_stream_item(struct page_stream *p, const char *text)
{
	buf_printf(&p->out, "%s%s", p->first ? "" : ",", text ? text : "null");
	p->first = 0;
}
