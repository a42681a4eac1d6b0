#include "domain/row.h"
#include "domain/row_versioned.h"
#include "domain/substance.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/err.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/search.h"
#include "domain/shrec.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const substance_classes[] = {"synthetic_cannabinoid",
					 "synthetic_cathinone",
					 "synthetic_opioid",
					 "benzodiazepine",
					 "stimulant",
					 "hallucinogen",
					 "cannabis",
					 "cocaine",
					 "heroin",
					 "precursor",
					 "adulterant",
					 "other",
					 NULL};

#define SUB_COLS "id, name, class, description, synonyms, created_at, updated_at, version"

static json_t *sub_row(struct db_stmt *s)
{
	json_t *syn = json_loads(db_col_text(s, 4), 0, NULL);
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:I}", "id", db_col_text(s, 0),
			 "name", db_col_text(s, 1), "class", db_col_text(s, 2), "description",
			 db_col_text(s, 3), "synonyms", syn ? syn : json_array(), "created_at",
			 row_time(s, 5), "updated_at", row_time(s, 6), "version",
			 (json_int_t)db_col_int64(s, 7));
}

int substance_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	(void)who; /* a reference list: every role reads it */
	return row_one_vals(c, "SELECT " SUB_COLS " FROM substances WHERE id = ?",
			    DB_VALS(DB_TEXT(id)), sub_row, out);
}

/* Whether the folded text of s (case and accents, Cyrillic included)
 * starts with (prefix) or holds the folded query. */
static int fold_match(const char *s, const char *fq, int prefix)
{
	char f[512];
	text_fold_word(s, strlen(s), f, sizeof(f));
	const char *at = strstr(f, fq);
	return at && (!prefix || at == f);
}

/* A name starting with q, or a synonym in any language holding it: folded
 * in C, since SQLite's lower() knows only ASCII (героин finds Героин). */
static int sub_matches(struct db_stmt *s, const char *fq)
{
	if (fold_match(db_col_text(s, 1), fq, 1))
		return 1;
	json_t *syn = json_loads(db_col_text(s, 4) ? db_col_text(s, 4) : "[]", 0, NULL);
	size_t i;
	json_t *v;
	int hit = 0;
	json_array_foreach(syn, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		if (!hit && name)
			hit = fold_match(name, fq, 0);
	}
	json_decref(syn);
	return hit;
}

int substance_list(struct db_conn *c, const struct caller *who, const char *cls, const char *q,
		   const char *after, int limit, json_t *items, char **next_key)
{
	(void)who;
	char fq[512] = "";
	if (q)
		text_fold_word(q, strlen(q), fq, sizeof(fq));
	struct db_stmt *s;
	/* the cursor is the last id: the page goes on after its name */
	int rc = db_prepare_vals(
	    c,
	    "SELECT " SUB_COLS " FROM substances"
	    " WHERE (CAST(? AS TEXT) IS NULL OR class = ?)"
	    " AND (CAST(? AS TEXT) IS NULL OR"
	    " name > (SELECT name FROM substances WHERE id = ?))"
	    " ORDER BY name LIMIT ?",
	    DB_VALS(DB_TEXT(cls), DB_TEXT(cls), DB_TEXT(after), DB_TEXT(after)), &s);
	if (rc)
		return rc;
	/* with a query the rows are filtered here: the table is a reference list */
	db_bind_int64(s, 5, fq[0] ? 1000000 : limit + 1);
	int n = 0, more = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (fq[0] && !sub_matches(s, fq))
			continue;
		if (n++ == limit) {
			more = 1;
			break;
		}
		json_array_append_new(items, sub_row(s));
	}
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	const char *last = json_string_value(
	    json_object_get(json_array_get(items, json_array_size(items) - 1), "id"));
	*next_key = more && last ? strdup(last) : NULL;
	return more && last && !*next_key ? TR_ERR_NOMEM : TR_OK;
}

/* Name, synonyms and description are what a search finds a substance by. */
static int sub_index(struct db_conn *c, const char *id, const char *name, json_t *syn,
		     const char *desc)
{
	struct buf text;
	buf_init(&text, 1u << 16);
	buf_printf(&text, "%s", name);
	size_t i;
	json_t *e;
	json_array_foreach(syn, i, e)
	    buf_printf(&text, " %s", json_string_value(json_object_get(e, "name")));
	buf_printf(&text, " %s", desc ? desc : "");
	int rc = text.err ? text.err : search_index_put(c, "substance", id, text.data);
	buf_free(&text);
	return rc;
}

static int sub_write(struct db_conn *c, const char *sql, const char *id, json_t *body, int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	char *syn = json_dumps(json_object_get(body, "synonyms") ? json_object_get(body, "synonyms")
								 : json_array(),
			       JSON_COMPACT);
	const char *desc = json_string_value(json_object_get(body, "description"));
	db_bind_text(s, 1, json_string_value(json_object_get(body, "name")));
	db_bind_text(s, 2, json_string_value(json_object_get(body, "class")));
	db_bind_text(s, 3, desc ? desc : "");
	db_bind_text(s, 4, syn ? syn : "[]");
	db_bind_int64(s, 5, now);
	db_bind_text(s, 6, id);
	if (strncmp(sql, "INSERT", 6) == 0)
		db_bind_int64(s, 7, now);
	rc = db_step(s);
	db_done(s);
	free(syn);
	if (rc != DB_DONE)
		return rc;
	return sub_index(c, id, json_string_value(json_object_get(body, "name")),
			 json_object_get(body, "synonyms"), desc);
}

/* Counts the writes of this process, once committed (substance_generation). */
static _Atomic unsigned long generation;

unsigned long substance_generation(void)
{
	return generation;
}

/* The audit entry of a write, then the commit; a failure rolls back. */
static int sub_finish(struct db_conn *c, int rc, const struct caller *who, const char *action,
		      const char *id, const char *request_id, int64_t now)
{
	struct audit_entry e = {who->user_id, who->org_id, action, "substance",
				id,	      request_id,  NULL,   NULL};
	rc = db_end(c, rc ? rc : audit_append(c, &e, now));
	if (!rc)
		generation++;
	return rc;
}

int substance_create(struct db_conn *c, const struct caller *who, json_t *body,
		     const char *request_id, char id[37], const char **field)
{
	*field = "name";
	int64_t now;
	int rc = row_create_begin(c, who, RES_SUBSTANCE, id, &now);
	if (rc)
		return rc;
	rc = sub_write(c,
		       "INSERT INTO substances (name, class, description, synonyms,"
		       " updated_at, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       id, body, now);
	return sub_finish(c, rc, who, "create", id, request_id, now);
}

int substance_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		     int64_t version, const char *request_id, const char **field)
{
	*field = "name";
	json_t *cur;
	int rc = row_versioned_begin(c, who, RES_SUBSTANCE, ACT_UPDATE, id, substance_get, version,
				     &cur);
	if (rc)
		return rc;
	json_object_update(cur, body);
	int64_t now = tr_now_ms();
	rc = sub_write(c,
		       "UPDATE substances SET name = ?, class = ?, description = ?, synonyms = ?,"
		       " updated_at = ?, version = version + 1 WHERE id = ?",
		       id, cur, now);
	json_decref(cur);
	return sub_finish(c, rc, who, "update", id, request_id, now);
}

int substance_all_exist(struct db_conn *c, json_t *ids, const char **bad)
{
	size_t i;
	json_t *v;
	*bad = NULL;
	json_array_foreach(ids, i, v)
	{
		int rc = db_find_vals(c, "SELECT 1 FROM substances WHERE id = ?",
				      DB_VALS(DB_TEXT(json_string_value(v))));
		if (rc == TR_ERR_NOT_FOUND) {
			*bad = json_string_value(v);
			return TR_ERR_INVALID;
		}
		if (rc)
			return rc;
	}
	return TR_OK;
}

/* Synonyms of the CSV: the French and Russian names (the first synonym of
 * a language is the substance's name there), then "a;b;c" in English. */
static json_t *seed_synonyms(const char *fr, const char *ru, const char *list, const char *name)
{
	json_t *syn = json_array();
	if (fr[0] && strcmp(fr, name) != 0)
		json_array_append_new(syn, json_pack("{s:s, s:s}", "lang", "fr", "name", fr));
	if (ru[0] && strcmp(ru, name) != 0)
		json_array_append_new(syn, json_pack("{s:s, s:s}", "lang", "ru", "name", ru));
	char copy[512];
	snprintf(copy, sizeof(copy), "%s", list);
	char *save = NULL;
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save))
		json_array_append_new(syn, json_pack("{s:s, s:s}", "lang", "en", "name", t));
	return syn;
}

/* Seeded substances get the same id on every instance (a UUIDv8 from a
 * hash of the name), so alerts that name them travel between instances. */
static void seed_id(const char *name, char id[37])
{
	unsigned char h[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)"trellis-substance:", 18);
	crypto_generichash_update(&st, (const unsigned char *)name, strlen(name));
	crypto_generichash_final(&st, h, sizeof(h));
	tr_uuid_format(h, 8, id);
}

int substance_seed(struct db_conn *c, const char *data_dir, int *count)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/substances.csv", data_dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		return TR_ERR_IO;
	char *data = malloc(1 << 16);
	size_t n = data ? fread(data, 1, (1 << 16) - 1, f) : 0;
	fclose(f);
	if (!data)
		return TR_ERR_NOMEM;
	struct csv in;
	csv_open(&in, data, n);
	int r = csv_next(&in), rc = TR_OK;
	int cn = csv_find(&in, "name_en"), cf = csv_find(&in, "name_fr"),
	    cr = csv_find(&in, "name_ru"), cc = csv_find(&in, "class"),
	    cs = csv_find(&in, "synonyms");
	if (r != 1 || cn < 0 || cf < 0 || cc < 0 || cs < 0)
		rc = TR_ERR_INVALID;
	int64_t now = tr_now_ms();
	*count = 0;
	while (!rc && (r = csv_next(&in)) == 1 && (size_t)in.nfields >= (cr < 0 ? 4u : 5u)) {
		json_t *syn = seed_synonyms(in.field[cf], cr < 0 ? "" : in.field[cr], in.field[cs],
					    in.field[cn]);
		char *text = json_dumps(syn, JSON_COMPACT);
		json_decref(syn);
		char id[37];
		seed_id(in.field[cn], id);
		struct db_stmt *s;
		if (!(rc = db_prepare_vals(
			  c,
			  "INSERT INTO substances (id, name, class, synonyms, created_at,"
			  " updated_at) VALUES (?, ?, ?, ?, ?, ?)"
			  /* a seeded row nobody has edited takes the names of a newer seed */
			  " ON CONFLICT (name) DO UPDATE SET synonyms = excluded.synonyms"
			  " WHERE substances.version = 1",
			  DB_VALS(DB_TEXT(id), DB_TEXT(in.field[cn]), DB_TEXT(in.field[cc]),
				  DB_TEXT(text), DB_INT(now), DB_INT(now)),
			  &s))) {
			rc = db_step_done(s);
		}
		/* index under the id the row has (an earlier seed may have made it) */
		char real[37] = "";
		if (!rc && !(rc = db_prepare_vals(c, "SELECT id FROM substances WHERE name = ?",
						  DB_VALS(DB_TEXT(in.field[cn])), &s))) {
			if (db_step(s) == DB_ROW)
				snprintf(real, sizeof(real), "%s", db_col_text(s, 0));
			db_done(s);
		}
		json_t *sj = json_loads(text, 0, NULL);
		if (!rc && real[0])
			rc = sub_index(c, real, in.field[cn], sj, "");
		json_decref(sj);
		free(text);
		(*count)++;
	}
	csv_close(&in);
	free(data);
	generation++;
	return rc ? rc : r < 0 ? TR_ERR_INVALID : TR_OK;
}
