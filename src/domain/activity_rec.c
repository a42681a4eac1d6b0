#include "domain/activity_rec.h"
#include "core/buf.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

json_t *activity_time_json(struct db_stmt *s, int col)
{
	if (db_col_is_null(s, col))
		return json_null();
	char t[32];
	tr_time_format(db_col_int64(s, col), t);
	return json_string(t);
}

void activity_rec_select(struct buf *b, const char *alias, const struct activity_rec_col *cols,
			 size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s.%s", i ? ", " : "", alias, cols[i].col);
}

json_t *activity_rec_json(struct db_stmt *s, const struct activity_rec_col *cols, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++) {
		int col = (int)i;
		json_t *v;
		if (db_col_is_null(s, col))
			v = cols[i].kind == REC_BOOL ? json_false() : json_null();
		else if (cols[i].kind == REC_TEXT)
			v = json_string(db_col_text(s, col));
		else if (cols[i].kind == REC_INT)
			v = json_integer(db_col_int64(s, col));
		else if (cols[i].kind == REC_BOOL)
			v = json_boolean(db_col_int64(s, col));
		else if (cols[i].kind == REC_REAL)
			v = json_real(db_col_double(s, col));
		else if (cols[i].kind == REC_TIME)
			v = activity_time_json(s, col);
		else
			v = json_loads(db_col_text(s, col), 0, NULL);
		json_object_set_new(o, cols[i].key, v ? v : json_null());
	}
	return o;
}

int activity_rec_bind(struct db_stmt *s, int first, json_t *r, const struct activity_rec_col *cols,
		      size_t n)
{
	for (size_t i = 0; i < n; i++, first++) {
		json_t *v = json_object_get(r, cols[i].key);
		if (!v || json_is_null(v)) {
			db_bind_null(s, first);
			continue;
		}
		switch (cols[i].kind) {
		case REC_TEXT:
			db_bind_text(s, first, json_string_value(v));
			break;
		case REC_INT:
			db_bind_int64(s, first, json_integer_value(v));
			break;
		case REC_BOOL:
			db_bind_int64(s, first, json_is_true(v));
			break;
		case REC_REAL:
			db_bind_double(s, first, json_number_value(v));
			break;
		case REC_TIME: {
			int64_t ms = 0;
			tr_time_parse(json_string_value(v), &ms);
			db_bind_int64(s, first, ms);
			break;
		}
		case REC_JSON: {
			char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			db_bind_text(s, first, text);
			free(text);
			break;
		}
		}
	}
	return first;
}
