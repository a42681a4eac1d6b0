#include "domain/hxl.h"
#include "domain/acl.h"
#include "domain/vocab.h"
#include "core/csv.h"
#include "core/err.h"
#include "core/timeutil.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum hkind { H_TEXT, H_ENUM, H_INT, H_NUM, H_DATE, H_LIST, H_ORG, H_COUNTRY };

static const struct spec {
	const char *tag, *key, *header;
	enum hkind kind;
	double min, max;
	const char *const *values;
	int required;
} specs[] = {
    {"#org", "_org", "Organisation", H_ORG, 1, 300, NULL, 1},
    {"#org+impl", "_partner_names", "Implementing partners", H_LIST, 0, 0, NULL, 0},
    {"#sector", "type", "Type", H_ENUM, 0, 0, activity_types, 1},
    {"#activity", "title", "Activity", H_TEXT, 3, 300, NULL, 1},
    {"#activity+description", "description", "Description", H_TEXT, 0, 10000, NULL, 0},
    {"#country+code", "area_country", "Country", H_COUNTRY, 0, 0, NULL, 0},
    {"#adm1+name", "admin_name", "Admin area", H_TEXT, 1, 200, NULL, 0},
    {"#adm1+code", "admin_code", "Admin area code", H_TEXT, 1, 40, NULL, 0},
    {"#loc", "place_name", "Location", H_TEXT, 1, 300, NULL, 0},
    {"#geo+lat", "lat", "Latitude", H_NUM, -90, 90, NULL, 0},
    {"#geo+lon", "lon", "Longitude", H_NUM, -180, 180, NULL, 0},
    {"#geo+radius", "radius_km", "Radius km", H_NUM, 0.01, 500, NULL, 0},
    {"#date+start", "start", "Start", H_DATE, 0, 0, NULL, 1},
    {"#date+end", "end", "End", H_DATE, 0, 0, NULL, 0},
    {"#status", "status", "Status", H_ENUM, 0, 0, activity_statuses, 1},
    {"#targeted+age+min", "age_min", "Age from", H_INT, 0, 120, NULL, 0},
    {"#targeted+age+max", "age_max", "Age to", H_INT, 0, 120, NULL, 0},
    {"#targeted+gender", "gender", "Gender", H_ENUM, 0, 0, activity_genders, 0},
    {"#targeted+setting", "setting", "Setting", H_ENUM, 0, 0, activity_settings, 0},
    {"#targeted+f", "planned_female", "Planned young women", H_INT, 0, 1e9, NULL, 0},
    {"#targeted+m", "planned_male", "Planned young men", H_INT, 0, 1e9, NULL, 0},
    {"#reached+f", "reached_female", "Reached young women", H_INT, 0, 1e9, NULL, 0},
    {"#reached+m", "reached_male", "Reached young men", H_INT, 0, 1e9, NULL, 0},
    {"#value+budget", "budget", "Budget", H_NUM, 0, 1e12, NULL, 0},
    {"#currency", "currency", "Currency", H_TEXT, 3, 3, NULL, 0},
    {"#meta+distribution", "distribution", "Distribution", H_ENUM, 0, 0, acl_distributions, 0},
    {"#meta+tlp", "tlp", "TLP", H_ENUM, 0, 0, acl_tlps, 0},
};
enum { NSPECS = sizeof(specs) / sizeof(specs[0]) };

const char *hxl_tag_of(const char *field)
{
	if (!field)
		return "row";
	if (strcmp(field, "partners") == 0)
		return "#org+impl";
	for (int i = 0; i < NSPECS; i++)
		if (strcmp(specs[i].key, field) == 0)
			return specs[i].tag;
	return field;
}

/* "#Org +Impl" -> "#org+impl": lower case, no spaces. */
static void tag_norm(const char *in, char *out, size_t n)
{
	size_t k = 0;
	for (; *in && k + 1 < n; in++)
		if (!isspace((unsigned char)*in))
			out[k++] = (char)tolower((unsigned char)*in);
	out[k] = 0;
}

/* Whether every attribute of spec (after its hashtag) is among col's, and
 * the hashtags are equal. */
static int tag_covers(const char *spec, const char *col)
{
	size_t hs = strcspn(spec, "+"), hc = strcspn(col, "+");
	if (hs != hc || strncmp(spec, col, hs) != 0)
		return 0;
	for (const char *a = spec + hs; *a == '+';) {
		size_t la = strcspn(a + 1, "+");
		int found = 0;
		for (const char *b = col + hc; *b == '+' && !found;) {
			size_t lb = strcspn(b + 1, "+");
			found = la == lb && strncmp(a + 1, b + 1, la) == 0;
			b += lb + 1;
		}
		if (!found)
			return 0;
		a += la + 1;
	}
	return 1;
}

static int attrs_of(const char *tag)
{
	int n = 0;
	for (; *tag; tag++)
		n += *tag == '+';
	return n;
}

/* The spec of a hashtag column: the most specific one it covers, or -1. */
static int spec_of(const char *raw)
{
	char t[128];
	tag_norm(raw, t, sizeof(t));
	int best = -1;
	for (int i = 0; t[0] == '#' && i < NSPECS; i++)
		if (tag_covers(specs[i].tag, t) &&
		    (best < 0 || attrs_of(specs[i].tag) > attrs_of(specs[best].tag)))
			best = i;
	return best;
}

static int is_tag_row(const struct csv *c)
{
	int tags = 0;
	for (size_t i = 0; i < c->nfields; i++) {
		const char *f = c->field[i];
		while (isspace((unsigned char)*f))
			f++;
		if (*f == '#')
			tags++;
		else if (*f)
			return 0;
	}
	return tags > 0;
}

static const char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

/* "School prevention" -> "school_prevention" */
static void enum_norm(const char *in, char *out, size_t n)
{
	size_t k = 0;
	for (; *in && k + 1 < n; in++)
		out[k++] = *in == ' ' || *in == '-' ? '_' : (char)tolower((unsigned char)*in);
	out[k] = 0;
}

static int enum_has(const char *const *values, const char *v)
{
	for (; *values; values++)
		if (strcmp(*values, v) == 0)
			return 1;
	return 0;
}

static const char *cell_text(const struct spec *sp, const char *v, json_t *row, char *msg,
			     size_t msglen)
{
	json_t *js = json_string(v);
	if (!js)
		return "must be UTF-8 text";
	if (strlen(v) < sp->min || strlen(v) > sp->max) {
		json_decref(js);
		snprintf(msg, msglen, "must be %.0f to %.0f characters", sp->min, sp->max);
		return msg;
	}
	json_object_set_new(row, sp->key, js);
	return NULL;
}

static const char *cell_enum(const struct spec *sp, const char *v, json_t *row, char *msg,
			     size_t msglen)
{
	char buf[400];
	enum_norm(v, buf, sizeof(buf));
	if (!enum_has(sp->values, buf)) {
		size_t k = (size_t)snprintf(msg, msglen, "'%.60s' is not one of", v);
		for (const char *const *p = sp->values; *p && k < msglen; p++)
			k += (size_t)snprintf(msg + k, msglen - k, "%s %s",
					      p == sp->values ? "" : ",", *p);
		return msg;
	}
	json_object_set_new(row, sp->key, json_string(buf));
	return NULL;
}

/* A list of names separated by ; or |, each trimmed. */
static const char *cell_list(const struct spec *sp, const char *v, json_t *row)
{
	char buf[400];
	json_t *names = json_array();
	snprintf(buf, sizeof(buf), "%s", v);
	for (char *p = buf; p && *p;) {
		char *sep = strpbrk(p, ";|");
		if (sep)
			*sep = 0;
		const char *name = trim(p);
		json_t *js = *name ? json_string(name) : NULL;
		if (*name && !js) {
			json_decref(names);
			return "must be UTF-8 text";
		}
		if (js)
			json_array_append_new(names, js);
		p = sep ? sep + 1 : NULL;
	}
	json_object_set_new(row, sp->key, names);
	return NULL;
}

/* One cell into the row object, or a message for the report. */
static const char *cell_read(const struct spec *sp, const char *v, const char *org_name,
			     json_t *row, char *msg, size_t msglen)
{
	char buf[400];
	char *end;
	switch (sp->kind) {
	case H_ORG:
		if (org_name && strcasecmp(v, org_name) != 0) {
			snprintf(msg, msglen, "must be the importing organisation (%.120s)",
				 org_name);
			return msg;
		}
		return NULL;
	case H_TEXT:
		return cell_text(sp, v, row, msg, msglen);
	case H_COUNTRY:
		if (strlen(v) != 2 || !isalpha((unsigned char)v[0]) ||
		    !isalpha((unsigned char)v[1]))
			return "must be an ISO 3166-1 alpha-2 code";
		buf[0] = (char)toupper((unsigned char)v[0]);
		buf[1] = (char)toupper((unsigned char)v[1]);
		buf[2] = 0;
		json_object_set_new(row, sp->key, json_string(buf));
		return NULL;
	case H_ENUM:
		return cell_enum(sp, v, row, msg, msglen);
	case H_INT: {
		long long x = strtoll(v, &end, 10);
		if (end == v || *end || x < sp->min || x > sp->max) {
			snprintf(msg, msglen, "must be a whole number from %.0f to %.0f", sp->min,
				 sp->max);
			return msg;
		}
		json_object_set_new(row, sp->key, json_integer(x));
		return NULL;
	}
	case H_NUM: {
		double x = strtod(v, &end);
		if (end == v || *end || !isfinite(x) || x < sp->min || x > sp->max) {
			snprintf(msg, msglen, "must be a number from %g to %g", sp->min, sp->max);
			return msg;
		}
		json_object_set_new(row, sp->key, json_real(x));
		return NULL;
	}
	case H_DATE: {
		int64_t ms;
		if (tr_time_parse(v, &ms))
			return "must be a date (YYYY-MM-DD) or an RFC 3339 date-time";
		char t[32];
		tr_time_format(ms, t);
		json_object_set_new(row, sp->key, json_string(t));
		return NULL;
	}
	case H_LIST:
		return cell_list(sp, v, row);
	}
	return NULL;
}

static void row_defaults(json_t *row, const char *default_country)
{
	static const struct {
		const char *key, *value;
	} d[] = {{"setting", "community"}, {"distribution", "organisation"}, {"tlp", "amber"}};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (!json_object_get(row, d[i].key))
			json_object_set_new(row, d[i].key, json_string(d[i].value));
	if (!json_object_get(row, "area_country") && default_country && *default_country)
		json_object_set_new(row, "area_country", json_string(default_country));
	if (!json_object_get(row, "_partner_names"))
		json_object_set_new(row, "_partner_names", json_array());
}

/* Finds the hashtag row (in the first 25) and maps each column to its
 * spec (-1: not read); 0, or 1 with what is wrong in rep. */
static int header_read(struct csv *c, const char *default_country, int col_spec[], size_t *ncols,
		       struct activity_import_report *rep)
{
	int have[NSPECS] = {0};
	int found = 0, r;
	while (!found && (r = csv_next(c)) == 1 && c->row <= 25)
		found = is_tag_row(c);
	if (r < 0 || !found) {
		activity_report_add(rep, r < 0 ? (long)c->row : 0, "hxl",
				    r < 0 ? c->error : "no HXL hashtag row in the first 25 rows");
		return 1;
	}
	*ncols = c->nfields;
	for (size_t i = 0; i < *ncols; i++) {
		col_spec[i] = spec_of(c->field[i]);
		if (col_spec[i] >= 0 && have[col_spec[i]]++)
			col_spec[i] = -1; /* a repeated hashtag: the first column counts */
	}
	int missing = 0;
	for (int i = 0; i < NSPECS; i++)
		if (specs[i].required && !have[i]) {
			activity_report_add(rep, 0, specs[i].tag, "required hashtag is missing");
			missing = 1;
		}
	if (!have[5] && (!default_country || !*default_country)) {
		activity_report_add(rep, 0, "#country+code",
				    "is required when the organisation has no country");
		missing = 1;
	}
	return missing;
}

int hxl_read(const char *data, size_t len, const char *org_name, const char *default_country,
	     int (*row_fn)(void *ctx, json_t *row), void *row_ctx,
	     struct activity_import_report *rep, void (*progress)(void *ctx, long done, long total),
	     void *ctx)
{
	struct csv c;
	csv_open(&c, data, len);
	int col_spec[CSV_FIELDS_MAX];
	size_t ncols;
	if (header_read(&c, default_country, col_spec, &ncols, rep)) {
		csv_close(&c);
		return TR_ERR_INVALID;
	}
	char cell[4096], msg[200];
	int stop = 0, r;
	while (!stop && (r = csv_next(&c)) == 1) {
		int empty = 1;
		for (size_t i = 0; i < c.nfields && empty; i++)
			empty = !*c.field[i] || strspn(c.field[i], " \t") == strlen(c.field[i]);
		if (empty)
			continue;
		rep->rows++;
		json_t *row = json_object();
		json_object_set_new(row, "_row", json_integer((json_int_t)c.row));
		int bad = 0;
		for (size_t i = 0; i < ncols; i++) {
			if (col_spec[i] < 0)
				continue;
			const struct spec *sp = &specs[col_spec[i]];
			snprintf(cell, sizeof(cell), "%s", i < c.nfields ? c.field[i] : "");
			const char *v = csv_text(trim(cell));
			if (!*v) {
				if (sp->required) {
					activity_report_add(rep, (long)c.row, sp->tag,
							    "is required");
					bad = 1;
				}
				continue;
			}
			const char *why = cell_read(sp, v, org_name, row, msg, sizeof(msg));
			if (why) {
				activity_report_add(rep, (long)c.row, sp->tag, why);
				bad = 1;
			}
		}
		row_defaults(row, default_country);
		if (!bad)
			stop = row_fn(row_ctx, row);
		json_decref(row);
		if (progress && rep->rows % 1000 == 0)
			progress(ctx, (long)(c.p - data), (long)len);
	}
	if (r < 0 && c.col) { /* a bad cell: named by its column */
		char col[32];
		if (c.col <= ncols && col_spec[c.col - 1] >= 0)
			snprintf(col, sizeof(col), "%s", specs[col_spec[c.col - 1]].tag);
		else
			snprintf(col, sizeof(col), "column %zu", c.col);
		activity_report_add(rep, (long)c.row, col, c.why);
	} else if (r < 0) {
		activity_report_add(rep, (long)c.row, "csv", c.error);
	}
	if (progress)
		progress(ctx, (long)len, (long)len);
	csv_close(&c);
	return stop ? stop : r < 0 ? TR_ERR_INVALID : TR_OK;
}

/* ---- writing ---- */

/* One cell: text through the one CSV writer (quoted, formulas defused);
 * a number the program formatted as it is, so -12.5 stays a number. */
static void csv_cell(struct buf *out, const char *v, int number, int first)
{
	if (!first)
		buf_puts(out, ",");
	if (number)
		buf_puts(out, v);
	else
		csv_put_text(out, v);
}

/* The shortest text that reads back as the same double. */
static void num_text(double x, char *out, size_t n)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, x);
		if (strtod(out, NULL) == x)
			return;
	}
}

/* The text of one cell; 1 when it is a number. */
static int value_text(const struct spec *sp, json_t *a, json_t *names, char *out, size_t n)
{
	json_t *v = json_object_get(a, sp->key);
	out[0] = 0;
	if (sp->kind == H_ORG) {
		const char *org = json_string_value(json_object_get(a, "org_id"));
		snprintf(out, n, "%s",
			 org && json_string_value(json_object_get(names, org))
			     ? json_string_value(json_object_get(names, org))
			 : org ? org
			       : "");
	} else if (sp->kind == H_LIST) {
		size_t i, k = 0;
		json_t *p;
		json_array_foreach(json_object_get(a, "partners"), i, p)
		{
			const char *name =
			    json_string_value(json_object_get(names, json_string_value(p)));
			k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s", i ? "; " : "",
					      name ? name : json_string_value(p));
			if (k >= n)
				break;
		}
	} else if (json_is_integer(v)) {
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
		return 1;
	} else if (json_is_number(v)) {
		num_text(json_number_value(v), out, n);
		return 1;
	} else if (sp->kind == H_DATE && json_is_string(v)) {
		int64_t ms = 0;
		tr_time_parse(json_string_value(v), &ms);
		if (ms % 86400000LL == 0)
			snprintf(out, n, "%.10s", json_string_value(v));
		else
			snprintf(out, n, "%s", json_string_value(v));
	} else if (json_is_string(v)) {
		snprintf(out, n, "%s", json_string_value(v));
	}
	return 0;
}

int hxl_write(json_t *acts, json_t *names, int with_tags, struct buf *out)
{
	for (int i = 0; i < NSPECS; i++)
		csv_cell(out, specs[i].header, 0, i == 0);
	buf_puts(out, "\r\n");
	if (with_tags) {
		for (int i = 0; i < NSPECS; i++)
			csv_cell(out, specs[i].tag, 0, i == 0);
		buf_puts(out, "\r\n");
	}
	size_t k;
	json_t *a;
	char *text = malloc(12000);
	if (!text)
		return TR_ERR_NOMEM;
	json_array_foreach(acts, k, a)
	{
		for (int i = 0; i < NSPECS; i++) {
			int number = value_text(&specs[i], a, names, text, 12000);
			csv_cell(out, text, number, i == 0);
		}
		buf_puts(out, "\r\n");
	}
	free(text);
	return out->err;
}
