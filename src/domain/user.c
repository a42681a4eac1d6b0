#include "domain/user.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/onboard.h"
#include "domain/row.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_COLS                                                                                  \
	"id, email, name, org_id, role, reviewer, disabled, created_at, updated_at, version,"      \
	" language, digest_hour"

static json_t *user_row(struct db_stmt *s)
{
	json_t *u = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:I}", "id",
			      db_col_text(s, 0), "email", db_col_text(s, 1), "name",
			      db_col_text(s, 2), "org_id", db_col_text(s, 3), "role",
			      db_col_text(s, 4), "reviewer", (int)db_col_int64(s, 5), "disabled",
			      (int)db_col_int64(s, 6), "created_at", row_time(s, 7), "updated_at",
			      row_time(s, 8), "version", (json_int_t)db_col_int64(s, 9));
	/* the language of the user's e-mail and the hour (UTC) of their digest */
	if (u) {
		json_object_set_new(u, "language", json_string(db_col_text(s, 10)));
		json_object_set_new(u, "digest_hour", json_integer(db_col_int64(s, 11)));
	}
	return u;
}

/* Everyone sees their own organisation's users; an admin sees all. */
static const char *scope_org(const struct caller *who)
{
	return who->role == ROLE_ADMIN ? NULL : who->org_id;
}

/* The same rule for a user already read. */
static int sees(const struct caller *who, const char *org_id)
{
	return !scope_org(who) || strcmp(who->org_id, org_id) == 0;
}

int user_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	return row_one_vals(c,
			    "SELECT " USER_COLS " FROM users WHERE id = ?"
			    " AND (CAST(? AS TEXT) IS NULL OR org_id = ?)",
			    DB_VALS(DB_TEXT(id), DB_TEXT(scope_org(who)), DB_TEXT(scope_org(who))),
			    user_row, out);
}

int user_list(struct db_conn *c, const struct caller *who, const char *org_id, const char *role,
	      const char *after, int limit, json_t *items, char **next_key)
{
	*next_key = NULL;
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT " USER_COLS " FROM users"
			    " WHERE (CAST(? AS TEXT) IS NULL OR org_id = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR org_id = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR role = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR id > ?) ORDER BY id LIMIT ?",
			    &s);
	if (rc)
		return rc;
	const char *scope = scope_org(who);
	const char *v[4] = {scope, org_id, role, after};
	for (int i = 0; i < 4; i++) {
		db_bind_text(s, 2 * i + 1, v[i]);
		db_bind_text(s, 2 * i + 2, v[i]);
	}
	db_bind_int64(s, 9, limit + 1);
	return row_page_ids(s, limit, user_row, items, next_key);
}

static void lower_copy(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static int org_exists(struct db_conn *c, const char *org_id)
{
	return db_exists(c, "SELECT 1 FROM organisations WHERE id = ?", org_id) == 1;
}

static int insert_user(struct db_conn *c, const char *id, const char *email, const char *name,
		       const char *org_id, const char *role, const char *password, int reviewer,
		       int64_t now)
{
	char hash[crypto_pwhash_STRBYTES], lower[320];
	int rc;
	if (password && (rc = auth_password_hash(password, hash, sizeof(hash))))
		return rc;
	lower_copy(email, lower, sizeof(lower));
	rc = db_run_vals(c,
			 "INSERT INTO users (id, email, name, org_id, role, password_hash,"
			 " reviewer, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 DB_VALS(DB_TEXT(id), DB_TEXT(lower), DB_TEXT(name), DB_TEXT(org_id),
				 DB_TEXT(role), DB_TEXT(password ? hash : NULL), DB_INT(reviewer),
				 DB_INT(now), DB_INT(now)));
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int user_create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
		char id[37], const char **field)
{
	const char *org = json_string_value(json_object_get(body, "org_id"));
	const char *role = json_string_value(json_object_get(body, "role"));
	*field = NULL;
	if (!acl_role_can(who->role, RES_USER, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	if (who->role != ROLE_ADMIN &&
	    (strcmp(org, who->org_id) != 0 || strcmp(role, "admin") == 0))
		return TR_ERR_FORBIDDEN;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if (!org_exists(c, org)) {
		db_rollback(c);
		*field = "org_id";
		return TR_ERR_INVALID;
	}
	int64_t now = tr_now_ms();
	tr_uuid7(id);
	rc = insert_user(c, id, json_string_value(json_object_get(body, "email")),
			 json_string_value(json_object_get(body, "name")), org, role,
			 json_string_value(json_object_get(body, "password")),
			 json_is_true(json_object_get(body, "reviewer")), now);
	if (rc == TR_ERR_CONFLICT)
		*field = "email";
	/* without a password, the person chooses one from an invitation */
	char email[320];
	lower_copy(json_string_value(json_object_get(body, "email")), email, sizeof(email));
	if (!rc && !json_object_get(body, "password"))
		rc = onboard_invite(c, id, email, who->user_id, who->org_id, request_id, now);
	struct audit_entry e = {who->user_id, who->org_id, "create", "user",
				id,	      request_id,  NULL,     NULL};
	char detail[200];
	snprintf(detail, sizeof(detail), "{\"role\":\"%s\",\"org_id\":\"%s\"}", role, org);
	e.detail = detail;
	if (!rc)
		rc = audit_append(c, &e, now);
	return db_end(c, rc);
}

struct user_row {
	char org_id[37];
	char role_name[16];
	int role;
	int64_t reviewer, disabled; /* flags: 0 or not */
	int64_t version;
};

static int load_for_update(struct db_conn *c, const char *id, struct user_row *u)
{
	const struct row_var v[] = {{.text = u->org_id, .size = sizeof(u->org_id)},
				    {.text = u->role_name, .size = sizeof(u->role_name)},
				    {.num = &u->version},
				    {.num = &u->reviewer},
				    {.num = &u->disabled}};
	int rc = row_scan_vals(c,
			       "SELECT org_id, role, version, reviewer, disabled FROM users"
			       " WHERE id = ?",
			       DB_VALS(DB_TEXT(id)), v, 5);
	/* the roles a user may hold are all shorter than role_name */
	if (!rc)
		u->role = role_parse(u->role_name);
	return rc;
}

/* What a PATCH changed, for the audit log: the names of every field, and
 * the old and new values of those that grant rights (role, organisation,
 * reviewer flag, disabled state). Never a password or a name. */
static char *change_detail(const struct user_row *u, json_t *body)
{
	json_t *fields = json_array(), *old = json_object(), *neu = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		json_array_append_new(fields, json_string(key));
		json_t *was = NULL;
		if (strcmp(key, "role") == 0)
			was = json_string(u->role_name);
		else if (strcmp(key, "org_id") == 0)
			was = json_string(u->org_id);
		else if (strcmp(key, "reviewer") == 0)
			was = json_boolean(u->reviewer);
		else if (strcmp(key, "disabled") == 0)
			was = json_boolean(u->disabled);
		if (was) {
			json_object_set_new(old, key, was);
			json_object_set(neu, key, v);
		}
	}
	json_t *d = json_pack("{s:o}", "fields", fields);
	if (d && json_object_size(old)) {
		json_object_set_new(d, "old", old);
		json_object_set_new(d, "new", neu);
	} else {
		json_decref(old);
		json_decref(neu);
	}
	char *text = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(d);
	return text;
}

/* The rules of docs/access.md for changing a user. */
static int may_update(const struct caller *who, const char *id, const struct user_row *u,
		      json_t *body, const char **field)
{
	int self = strcmp(who->user_id, id) == 0;
	int admin = who->role == ROLE_ADMIN;
	int orgadmin = who->role == ROLE_ORG_ADMIN && strcmp(who->org_id, u->org_id) == 0;
	const char *key;
	json_t *v;
	if (!self && !admin && !orgadmin) /* one's own organisation's users are
					   * visible, other organisations' not */
		return strcmp(who->org_id, u->org_id) == 0 ? TR_ERR_FORBIDDEN : TR_ERR_NOT_FOUND;
	if (!self && !admin && u->role == ROLE_ADMIN)
		return TR_ERR_FORBIDDEN;
	json_object_foreach(body, key, v)
	{
		/* what a user sets for themselves: name, password, and how they
		 * are written to (language, digest hour) */
		int personal = strcmp(key, "name") == 0 || strcmp(key, "password") == 0 ||
			       strcmp(key, "language") == 0 || strcmp(key, "digest_hour") == 0;
		if (self && !personal) {
			*field = key;
			return TR_ERR_FORBIDDEN; /* no one raises their own role or moves */
		}
		if (!self && strcmp(key, "password") == 0) {
			*field = key; /* another's password: user_password_reset */
			return TR_ERR_FORBIDDEN;
		}
		if (strcmp(key, "org_id") == 0 && !admin) {
			*field = key;
			return TR_ERR_FORBIDDEN;
		}
		if (strcmp(key, "role") == 0 && !admin &&
		    strcmp(json_string_value(v), "admin") == 0) {
			*field = key;
			return TR_ERR_FORBIDDEN;
		}
	}
	return TR_OK;
}

static int apply_field(struct db_conn *c, const char *id, const char *key, json_t *v, int64_t now)
{
	static const char *const cols[][2] = {
	    {"name", "UPDATE users SET name = ? WHERE id = ?"},
	    {"role", "UPDATE users SET role = ? WHERE id = ?"},
	    {"org_id", "UPDATE users SET org_id = ? WHERE id = ?"},
	    {"reviewer", "UPDATE users SET reviewer = ? WHERE id = ?"},
	    {"disabled", "UPDATE users SET disabled = ? WHERE id = ?"},
	    {"password", "UPDATE users SET password_hash = ? WHERE id = ?"},
	    {"language", "UPDATE users SET language = ? WHERE id = ?"},
	    {"digest_hour", "UPDATE users SET digest_hour = ? WHERE id = ?"},
	};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		if (strcmp(cols[i][0], key) != 0)
			continue;
		struct db_stmt *s;
		int rc = db_prepare(c, cols[i][1], &s);
		if (rc)
			return rc;
		char hash[crypto_pwhash_STRBYTES];
		if (json_is_boolean(v)) {
			db_bind_int64(s, 1, json_is_true(v));
		} else if (json_is_integer(v)) {
			db_bind_int64(s, 1, (int64_t)json_integer_value(v));
		} else if (strcmp(key, "password") == 0) {
			if ((rc = auth_password_hash(json_string_value(v), hash, sizeof(hash)))) {
				db_done(s);
				return rc;
			}
			db_bind_text(s, 1, hash);
		} else {
			db_bind_text(s, 1, json_string_value(v));
		}
		db_bind_text(s, 2, id);
		rc = db_step(s);
		db_done(s);
		if (rc != DB_DONE)
			return rc;
		if ((strcmp(key, "disabled") == 0 && json_is_true(v)) ||
		    strcmp(key, "password") == 0 || strcmp(key, "org_id") == 0)
			return auth_user_logout_everywhere(c, id, now);
		return TR_OK;
	}
	return TR_ERR_INTERNAL;
}

static int version_bump(struct db_conn *c, const char *id, int64_t now)
{
	return db_run_vals(c, "UPDATE users SET version = version + 1, updated_at = ? WHERE id = ?",
			   DB_VALS(DB_INT(now), DB_TEXT(id)));
}

/* Another user's password is set by an instance administrator, or by an
 * org_admin for a non-admin of their organisation; one's own is changed
 * with the current one (PATCH), never reset. */
static int may_reset(const struct caller *who, const char *id, const struct user_row *u,
		     const char **field)
{
	int admin = who->role == ROLE_ADMIN;
	if (!sees(who, u->org_id))
		return TR_ERR_NOT_FOUND;
	if (strcmp(who->user_id, id) == 0) {
		*field = "password";
		return TR_ERR_FORBIDDEN;
	}
	if (admin || (who->role == ROLE_ORG_ADMIN && u->role != ROLE_ADMIN))
		return TR_OK;
	return TR_ERR_FORBIDDEN;
}

int user_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		int64_t version, const char *request_id, const char **field)
{
	struct user_row u;
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if (!(rc = load_for_update(c, id, &u)))
		rc = may_update(who, id, &u, body, field);
	if (!rc && version >= 0 && version != u.version)
		rc = TR_ERR_PRECONDITION;
	const char *org = json_string_value(json_object_get(body, "org_id"));
	if (!rc && org && !org_exists(c, org)) {
		*field = "org_id";
		rc = TR_ERR_INVALID;
	}
	int64_t now = tr_now_ms();
	char *detail = rc ? NULL : change_detail(&u, body);
	if (!rc && !detail)
		rc = TR_ERR_NOMEM;
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (rc)
			break;
		rc = apply_field(c, id, key, v, now);
	}
	if (!rc)
		rc = version_bump(c, id, now);
	struct audit_entry e = {who->user_id, who->org_id, "update", "user",
				id,	      request_id,  NULL,     detail};
	if (!rc)
		rc = audit_append(c, &e, now);
	free(detail);
	return db_end(c, rc);
}

int user_password_reset(struct db_conn *c, const struct caller *who, const char *id,
			const char *password, const char *request_id, const char **field)
{
	struct user_row u;
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if (!(rc = load_for_update(c, id, &u)))
		rc = may_reset(who, id, &u, field);
	int64_t now = tr_now_ms();
	json_t *pw = json_string(password);
	if (!rc)
		rc = pw ? apply_field(c, id, "password", pw, now) : TR_ERR_NOMEM;
	json_decref(pw);
	if (!rc)
		rc = version_bump(c, id, now);
	if (!rc)
		rc = audit_by(c, who, "password_reset", "user", id, request_id, now);
	return db_end(c, rc);
}

int user_add_cli(struct db_conn *c, const char *email, const char *name, const char *org_id,
		 const char *role, const char *password, char id[37])
{
	int rc = db_begin(c);
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	tr_uuid7(id);
	rc = insert_user(c, id, email, name, org_id, role, password, 0, now);
	struct audit_entry e = {NULL, NULL, "create", "user", id, "cli", NULL, NULL};
	if (!rc)
		rc = audit_append(c, &e, now);
	return db_end(c, rc);
}
