/* Federation, the node itself: its identity (an Ed25519 key pair sealed
 * with the data key) and its peers. The feed a peer pulls is fed_feed.c;
 * applying what was pulled, fed_apply.c. */
#include "domain/fed.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/row.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- node identity ---- */

static int seal_key(const char *data_key_hex, unsigned char key[crypto_secretbox_KEYBYTES])
{
	unsigned char master[crypto_kdf_KEYBYTES];
	size_t n = 0;
	if (!data_key_hex || strlen(data_key_hex) != 2 * sizeof(master) ||
	    sodium_hex2bin(master, sizeof(master), data_key_hex, strlen(data_key_hex), NULL, &n,
			   NULL) != 0 ||
	    n != sizeof(master))
		return -1;
	crypto_kdf_derive_from_key(key, crypto_secretbox_KEYBYTES, 1, "trfednod", master);
	sodium_memzero(master, sizeof(master));
	return 0;
}

int fed_node_public(struct db_conn *c, char node_id[37], char pk_hex[65])
{
	const struct row_var v[] = {{.text = node_id, .size = 37}, {.text = pk_hex, .size = 65}};
	return row_scan_vals(c, "SELECT node_id, public_key FROM fed_node WHERE id = 1", NULL, 0, v,
			     2);
}

/* Makes the identity unless another process made it first. */
static int node_make(struct db_conn *c, const unsigned char key[crypto_secretbox_KEYBYTES])
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES],
	    sk[crypto_sign_SECRETKEYBYTES];
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + sizeof(seed)];
	char id[37], pk_hex[65], box_hex[2 * sizeof(box) + 1];
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, seed, sizeof(seed), box, key);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	tr_uuid7(id);
	sodium_bin2hex(pk_hex, sizeof(pk_hex), pk, sizeof(pk));
	sodium_bin2hex(box_hex, sizeof(box_hex), box, sizeof(box));
	return db_write_vals(
	    c,
	    "INSERT INTO fed_node (id, node_id, public_key, sealed_seed, created_at)"
	    " VALUES (1, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
	    DB_VALS(DB_TEXT(id), DB_TEXT(pk_hex), DB_TEXT(box_hex), DB_INT(tr_now_ms())));
}

int fed_node_load(struct db_conn *c, const char *data_key_hex, int create, struct fed_node *out,
		  char *err, size_t errlen)
{
	unsigned char key[crypto_secretbox_KEYBYTES];
	memset(out, 0, sizeof(*out));
	if (seal_key(data_key_hex, key)) {
		snprintf(err, errlen,
			 "federation needs TRELLIS_SECRET_KEY (64 hexadecimal characters): it"
			 " seals the node's signing key");
		return TR_ERR_UNAVAILABLE;
	}
	char pk_hex[65];
	int rc = fed_node_public(c, out->node_id, pk_hex);
	if (rc == TR_ERR_NOT_FOUND && create && !(rc = node_make(c, key)))
		rc = fed_node_public(c, out->node_id, pk_hex);
	struct db_stmt *s;
	if (!rc && !(rc = db_prepare(c, "SELECT sealed_seed FROM fed_node WHERE id = 1", &s))) {
		unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
				  crypto_sign_SEEDBYTES];
		unsigned char seed[crypto_sign_SEEDBYTES];
		size_t n = 0;
		const char *hex = db_step(s) == DB_ROW ? db_col_text(s, 0) : NULL;
		if (!hex || sodium_hex2bin(box, sizeof(box), hex, strlen(hex), NULL, &n, NULL) ||
		    n != sizeof(box) ||
		    crypto_secretbox_open_easy(seed, box + crypto_secretbox_NONCEBYTES,
					       sizeof(box) - crypto_secretbox_NONCEBYTES, box,
					       key) != 0) {
			snprintf(err, errlen,
				 "the node's signing key does not open with TRELLIS_SECRET_KEY");
			rc = TR_ERR_UNAVAILABLE;
		} else {
			crypto_sign_seed_keypair(out->pk, out->sk, seed);
		}
		sodium_memzero(seed, sizeof(seed));
		db_done(s);
	} else if (rc == TR_ERR_NOT_FOUND) {
		snprintf(err, errlen, "this instance has no node identity yet");
	} else if (rc) {
		snprintf(err, errlen, "cannot read the node identity: %s", db_errmsg(c));
	}
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* ---- peers ---- */

int fed_hex32(const char *hex, unsigned char out[32])
{
	size_t n = 0;
	return !hex || strlen(hex) != 64 || sodium_hex2bin(out, 32, hex, 64, NULL, &n, NULL) != 0 ||
		       n != 32
		   ? -1
		   : 0;
}

static int url_ok(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 8 || n > 500 || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (u[i] <= ' ' || u[i] > '~')
			return 0;
	return 1;
}

/* A node id other than this node's and a key: TR_OK with pk, else
 * TR_ERR_INVALID with *field. */
static int node_check(struct db_conn *c, const char *node_id, const char *pk_hex,
		      unsigned char pk[32], const char **field)
{
	char me[37], my_pk[65];
	if (!tr_uuid_valid(node_id) ||
	    (fed_node_public(c, me, my_pk) == TR_OK && strcmp(me, node_id) == 0))
		return *field = "node-id", TR_ERR_INVALID;
	if (fed_hex32(pk_hex, pk))
		return *field = "public-key", TR_ERR_INVALID;
	return TR_OK;
}

int fed_peer_add(struct db_conn *c, const char *name, const char *url, const char *node_id,
		 const char *pk_hex, int pass_along, const char **field)
{
	unsigned char pk[32];
	*field = NULL;
	if (!name || !*name || strlen(name) > 100)
		return *field = "name", TR_ERR_INVALID;
	if (!url_ok(url))
		return *field = "url", TR_ERR_INVALID;
	if (node_check(c, node_id, pk_hex, pk, field))
		return TR_ERR_INVALID;
	struct db_stmt *s;
	int rc =
	    db_prepare_vals(c,
			    "INSERT INTO fed_peers (node_id, name, url, public_key, pass_along,"
			    " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			    DB_VALS(DB_TEXT(node_id), DB_TEXT(name), DB_TEXT(url), DB_TEXT(pk_hex),
				    DB_INT(pass_along ? 1 : 0), DB_INT(tr_now_ms())),
			    &s);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	if (rc != DB_DONE)
		return TR_ERR_DB;
	/* nothing inserted: the name or the node is already a peer */
	if ((rc = db_prepare_vals(
		 c, "SELECT 1 FROM fed_peers WHERE node_id = ? AND name = ? AND url = ?",
		 DB_VALS(DB_TEXT(node_id), DB_TEXT(name), DB_TEXT(url)), &s)))
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc == DB_ROW ? TR_OK : TR_ERR_CONFLICT;
}

/* The key pinned for node_id into pk: 1 when pinned, 0 when not, or -rc. */
static int node_pinned(struct db_conn *c, const char *node_id, const char *table,
		       unsigned char pk[32])
{
	struct db_stmt *s;
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT public_key FROM %s WHERE node_id = ?", table);
	int rc = db_row_text(c, sql, node_id, &s);
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? 0 : -rc;
	int found = fed_hex32(db_col_text(s, 0), pk) == 0;
	db_done(s);
	return found;
}

int fed_node_trust(struct db_conn *c, const char *node_id, const char *pk_hex, int replace,
		   const char **field)
{
	unsigned char pk[32], old[32];
	*field = NULL;
	if (node_check(c, node_id, pk_hex, pk, field))
		return TR_ERR_INVALID;
	int rc = node_pinned(c, node_id, "fed_peers", old);
	if (rc)
		return rc < 0 ? -rc : (*field = "node-id", TR_ERR_CONFLICT);
	if ((rc = node_pinned(c, node_id, "fed_nodes", old)) < 0)
		return -rc;
	if (rc && memcmp(old, pk, sizeof(pk)) == 0)
		return TR_OK;
	if (rc && !replace)
		return *field = "public-key", TR_ERR_CONFLICT;
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
	return fed_node_pin(c, node_id, hex, "operator");
}

int fed_node_pin(struct db_conn *c, const char *node_id, const char *pk_hex, const char *via)
{
	return db_write_vals(
	    c,
	    "INSERT INTO fed_nodes (node_id, public_key, via, first_seen_at) VALUES"
	    " (?, ?, ?, ?) ON CONFLICT (node_id) DO UPDATE SET public_key ="
	    " excluded.public_key, via = excluded.via, first_seen_at ="
	    " excluded.first_seen_at",
	    DB_VALS(DB_TEXT(node_id), DB_TEXT(pk_hex), DB_TEXT(via), DB_INT(tr_now_ms())));
}

/* Runs a DELETE ... RETURNING with the text parameters a and b (b may be
 * NULL): TR_OK when it deleted a row, TR_ERR_NOT_FOUND when none. */
static int delete_returning(struct db_conn *c, const char *sql, const char *a, const char *b)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, DB_VALS(DB_TEXT(a)), &s);
	if (rc)
		return rc;
	if (b)
		db_bind_text(s, 2, b);
	rc = db_step(s);
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc == DB_DONE ? TR_ERR_NOT_FOUND : TR_ERR_DB;
}

int fed_node_forget(struct db_conn *c, const char *node_id)
{
	return delete_returning(c, "DELETE FROM fed_nodes WHERE node_id = ? RETURNING node_id",
				node_id, NULL);
}

int fed_node_list(struct db_conn *c, json_t **out)
{
	struct db_stmt *s;
	*out = NULL;
	int rc = db_prepare(
	    c,
	    "SELECT node_id, public_key, via, first_seen_at, name FROM fed_nodes ORDER BY"
	    " first_seen_at, node_id",
	    &s);
	if (rc)
		return rc;
	json_t *items = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:s, s:I, s:s?}", "node_id", db_col_text(s, 0),
				     "public_key", db_col_text(s, 1), "via", db_col_text(s, 2),
				     "first_seen_at", (json_int_t)db_col_int64(s, 3), "name",
				     db_col_text(s, 4)));
	db_done(s);
	if (rc != DB_DONE) {
		json_decref(items);
		return TR_ERR_DB;
	}
	*out = items;
	return TR_OK;
}

int fed_peer_remove(struct db_conn *c, const char *name_or_id)
{
	return delete_returning(
	    c,
	    "DELETE FROM fed_peers WHERE node_id = (SELECT node_id FROM fed_peers"
	    " WHERE node_id = ? OR name = ? LIMIT 1) RETURNING node_id",
	    name_or_id, name_or_id);
}

int fed_peer_get(struct db_conn *c, const char *node_id, struct fed_peer *out)
{
	/* a key of more than 64 digits stays one, cut to 65: fed_hex32 refuses it */
	char pk_hex[66];
	int64_t pass_along = 0;
	memset(out, 0, sizeof(*out));
	const struct row_var v[] = {{.text = out->node_id, .size = sizeof(out->node_id)},
				    {.text = out->name, .size = sizeof(out->name)},
				    {.text = out->url, .size = sizeof(out->url)},
				    {.text = pk_hex, .size = sizeof(pk_hex)},
				    {.num = &pass_along},
				    {.num = &out->pull_cursor}};
	int rc = row_scan_vals(c,
			       "SELECT node_id, name, url, public_key, pass_along, pull_cursor FROM"
			       " fed_peers WHERE node_id = ?",
			       DB_VALS(DB_TEXT(node_id)), v, 6);
	if (rc)
		return rc;
	fed_hex32(pk_hex, out->pk);
	out->pass_along = (int)pass_along;
	return TR_OK;
}

int fed_peer_list(struct db_conn *c, json_t **out)
{
	struct db_stmt *s;
	int64_t head = 0;
	int rc = fed_head(c, &head);
	if (rc || (rc = db_prepare(c,
				   "SELECT node_id, name, url, public_key, pass_along, pull_cursor,"
				   " created_at, last_attempt_at, last_success_at, last_error,"
				   " last_error_at, last_change_at, served_cursor, last_served_at"
				   " FROM fed_peers ORDER BY name",
				   &s)))
		return rc;
	json_t *items = json_array();
	int64_t now = tr_now_ms();
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t ok = db_col_is_null(s, 8) ? 0 : db_col_int64(s, 8);
		int64_t bad = db_col_is_null(s, 10) ? 0 : db_col_int64(s, 10);
		const char *status = !ok && !bad ? "pending" : bad > ok ? "failing" : "ok";
		json_t *p = json_pack(
		    "{s:s, s:s, s:s, s:s, s:b, s:I, s:o, s:o, s:o, s:s?, s:o,"
		    " s:o, s:s, s:I, s:I, s:o, s:o}",
		    "node_id", db_col_text(s, 0), "name", db_col_text(s, 1), "url",
		    db_col_text(s, 2), "public_key", db_col_text(s, 3), "pass_along",
		    (int)db_col_int64(s, 4), "pull_cursor", (json_int_t)db_col_int64(s, 5),
		    "created_at", row_time(s, 6), "last_attempt_at", row_time(s, 7),
		    "last_success_at", row_time(s, 8), "last_error", db_col_text(s, 9),
		    "last_error_at", row_time(s, 10), "last_change_at", row_time(s, 11), "status",
		    status, "served_cursor", (json_int_t)db_col_int64(s, 12), "served_lag",
		    (json_int_t)(head - db_col_int64(s, 12)), "last_served_at", row_time(s, 13),
		    "lag_s", ok ? json_integer((now - ok) / 1000) : json_null());
		json_array_append_new(items, p);
	}
	db_done(s);
	if (rc != DB_DONE) {
		json_decref(items);
		return TR_ERR_DB;
	}
	*out = items;
	return TR_OK;
}

int fed_peer_ids(struct db_conn *c, char (*ids)[37], int max, int *n)
{
	struct db_stmt *s;
	*n = 0;
	int rc = db_prepare(c, "SELECT node_id FROM fed_peers ORDER BY node_id", &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW && *n < max)
		snprintf(ids[(*n)++], 37, "%s", db_col_text(s, 0));
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : TR_ERR_DB;
}

void fed_peer_note(struct db_conn *c, const char *node_id, const char *err, int64_t now)
{
	if (err)
		db_run_vals(c,
			    "UPDATE fed_peers SET last_attempt_at = ?, last_error = ?,"
			    " last_error_at = ? WHERE node_id = ?",
			    DB_VALS(DB_INT(now), DB_TEXT(err), DB_INT(now), DB_TEXT(node_id)));
	else
		db_run_vals(c,
			    "UPDATE fed_peers SET last_attempt_at = ?, last_success_at = ?"
			    " WHERE node_id = ?",
			    DB_VALS(DB_INT(now), DB_INT(now), DB_TEXT(node_id)));
}

void fed_request_text(char *out, size_t n, const char *method, const char *path, int64_t after,
		      int wait, int64_t time_ms, const char *from, const char *audience)
{
	snprintf(out, n, "trellis-fed-v1\n%s\n%s\nafter=%lld&wait=%d\n%lld\n%s\n%s", method, path,
		 (long long)after, wait, (long long)time_ms, from, audience);
}

int fed_head(struct db_conn *c, int64_t *seq)
{
	int rc = db_int_vals(c, "SELECT n FROM alert_seq WHERE id = 1", NULL, 0, seq);
	if (rc)
		*seq = 0;
	return rc == TR_ERR_NOT_FOUND ? TR_ERR_DB : rc;
}
