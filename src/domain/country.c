#include "domain/row.h"
#include "domain/country.h"
#include "core/err.h"

#include <string.h>

int country_status_valid(const char *status)
{
	static const char *const ok[] = {"participating_state", "asian_partner",
					 "mediterranean_partner"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(status, ok[i]) == 0)
			return 1;
	return 0;
}

static json_t *country_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "iso2", db_col_text(s, 0), "iso3",
			 db_col_text(s, 1), "name_en", db_col_text(s, 2), "name_fr",
			 db_col_text(s, 3), "osce_status", db_col_text(s, 4));
}

int country_list(struct db_conn *c, const char *status, const char *after, int limit, json_t *items,
		 int *more)
{
	return row_page_vals(c,
			     "SELECT iso2, iso3, name_en, name_fr, osce_status FROM countries"
			     " WHERE (CAST(? AS TEXT) IS NULL OR osce_status = ?)"
			     " AND (CAST(? AS TEXT) IS NULL OR iso2 > ?)"
			     " ORDER BY iso2 LIMIT ?",
			     DB_VALS(DB_TEXT(status), DB_TEXT(status), DB_TEXT(after),
				     DB_TEXT(after), DB_INT(limit + 1)),
			     limit, country_row, items, more);
}

int country_get(struct db_conn *c, const char *iso2, json_t **out)
{
	return row_one_vals(c,
			    "SELECT iso2, iso3, name_en, name_fr, osce_status FROM countries"
			    " WHERE iso2 = ?",
			    DB_VALS(DB_TEXT(iso2)), country_row, out);
}

int country_exists(struct db_conn *c, const char *iso2)
{
	json_t *j = NULL;
	int rc = country_get(c, iso2, &j);
	json_decref(j);
	return rc == TR_OK;
}
