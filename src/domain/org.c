#include "domain/org.h"
#include "core/err.h"
#include "core/timeutil.h"

#include <string.h>

const char *const org_kinds[] = {
	"police", "drug_control_agency", "ministry_interior", "ministry_justice",
	"ministry_health", "ministry_foreign_affairs", "ministry_education", "local_government",
	"school", "treatment_provider", "social_services", "civil_society", "youth_organisation",
	"international_organisation", "research", NULL};

int org_kind_valid(const char *kind)
{
	for (const char *const *k = org_kinds; *k; k++)
		if (strcmp(*k, kind) == 0)
			return 1;
	return 0;
}

#define ORG_COLS "id, key, name, kind, country, parent_id, created_at, updated_at, version"

static json_t *org_row(struct db_stmt *s)
{
	char created[32], updated[32];
	tr_time_format(db_col_int64(s, 6), created);
	tr_time_format(db_col_int64(s, 7), updated);
	return json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?, s:s, s:s, s:I}", "id",
			 db_col_text(s, 0), "key", db_col_text(s, 1), "name", db_col_text(s, 2),
			 "kind", db_col_text(s, 3), "country", db_col_text(s, 4), "parent_id",
			 db_col_text(s, 5), "created_at", created, "updated_at", updated,
			 "version", (json_int_t)db_col_int64(s, 8));
}

int org_list(struct db_conn *c, const char *country, const char *kind, const char *after,
	     int limit, json_t *items, int *more)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT " ORG_COLS " FROM organisations"
			    " WHERE (CAST(? AS TEXT) IS NULL OR country = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR kind = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR id > ?)"
			    " ORDER BY id LIMIT ?",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, country);
	db_bind_text(s, 2, country);
	db_bind_text(s, 3, kind);
	db_bind_text(s, 4, kind);
	db_bind_text(s, 5, after);
	db_bind_text(s, 6, after);
	db_bind_int64(s, 7, limit + 1);
	int n = 0;
	*more = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		json_array_append_new(items, org_row(s));
	}
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

int org_get(struct db_conn *c, const char *id, json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT " ORG_COLS " FROM organisations WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		rc = (*out = org_row(s)) ? TR_OK : TR_ERR_NOMEM;
	else if (rc == DB_DONE)
		rc = TR_ERR_NOT_FOUND;
	db_done(s);
	return rc;
}

int org_resolve(struct db_conn *c, const char *id_or_key, char id[37])
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT id FROM organisations WHERE id = ? OR key = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id_or_key);
	db_bind_text(s, 2, id_or_key);
	rc = db_step(s);
	if (rc == DB_ROW) {
		const char *v = db_col_text(s, 0);
		size_t n = strlen(v);
		if (n > 36)
			n = 36;
		memcpy(id, v, n);
		id[n] = '\0';
		rc = TR_OK;
	} else if (rc == DB_DONE) {
		rc = TR_ERR_NOT_FOUND;
	}
	db_done(s);
	return rc;
}
