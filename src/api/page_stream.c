/* The shared part of the streamed exports (page_stream.h). */
#include "api/page_stream.h"

#include <stdlib.h>
#include <string.h>

void page_stream_init(struct page_stream *p, int (*head)(struct page_stream *p),
		      int (*next)(struct page_stream *p), void (*release)(struct page_stream *p))
{
	memset(p, 0, sizeof(*p));
	p->head = head;
	p->next = next;
	p->release = release;
	buf_init(&p->out, 8u << 20);
}

void page_stream_free(void *state)
{
	struct page_stream *p = state;
	if (p->release)
		p->release(p);
	free(p->after);
	buf_free(&p->out);
	free(state);
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
			rc = p->head(p);
		} else {
			rc = p->next(p);
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

void page_stream_page(struct page_stream *p, char *next, int csv)
{
	free(p->after);
	p->after = next;
	if (next)
		return;
	if (!csv)
		buf_puts(&p->out, "]}");
	p->done = 1;
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
