/** Activity matrices as CSV with an HXL hashtag row (OCHA 3W/4W): reading
 * a matrix into activity bodies with a report naming each bad row and
 * column, and writing activities back as CSV (with or without the hashtag
 * row). Hashtags match by tag and attributes in any order, case and spaces
 * ignored; extra attributes are allowed ("#org +impl +name" is #org+impl). */
#ifndef TR_DOMAIN_HXL_H
#define TR_DOMAIN_HXL_H

#include "core/buf.h"
#include "domain/activity_report.h"

#include <jansson.h>
#include <stddef.h>

/** Reads len bytes of CSV. Each good data row is handed to row_fn (which
 * must not keep it; a non-zero answer stops the reading and is returned) as
 * an object with the fields of an activity create body, "_row" (its record number in the
 * file) and "_partner_names". org_name, when not NULL, is the importing
 * organisation: #org must name it. default_country fills the area country
 * when the file has no #country column ("" for none). Returns TR_OK (row
 * errors are in rep) or TR_ERR_INVALID when the file itself is unusable (no
 * hashtag row, a required hashtag missing, malformed CSV). progress (may be
 * NULL) gets bytes read and the total. */
int hxl_read(const char *data, size_t len, const char *org_name, const char *default_country,
	     int (*row_fn)(void *ctx, json_t *row), void *row_ctx,
	     struct activity_import_report *rep, void (*progress)(void *ctx, long done, long total),
	     void *ctx);
/** Writes activities as CSV: a header row, the hashtag row when with_tags,
 * one row per activity; org names from names (id -> name). */
int hxl_write(json_t *acts, json_t *names, int with_tags, struct buf *out);
/** The hashtag of an activity field ("start" -> "#date+start"), or the field
 * itself when it has none. */
const char *hxl_tag_of(const char *field);

#endif
