#include "domain/row.h"
#include "core/timeutil.h"

json_t *row_time(struct db_stmt *s, int col)
{
	if (db_col_is_null(s, col))
		return json_null();
	char t[32];
	tr_time_format(db_col_int64(s, col), t);
	return json_string(t);
}

json_t *row_text(struct db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	return v ? json_string(v) : json_null();
}

json_t *row_json(struct db_stmt *s, int col, int object)
{
	const char *v = db_col_text(s, col);
	json_t *j = v ? json_loads(v, 0, NULL) : NULL;
	return j ? j : object ? json_object() : json_array();
}
