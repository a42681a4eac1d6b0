#include "domain/fed.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/acl.h"
#include "domain/alert.h"
#include "core/buf.h"

#include <math.h>
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
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT node_id, public_key FROM fed_node WHERE id = 1", &s);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(node_id, 37, "%s", db_col_text(s, 0));
		snprintf(pk_hex, 65, "%s", db_col_text(s, 1));
	}
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
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
	struct db_stmt *s;
	int rc =
	    db_prepare(c,
		       "INSERT INTO fed_node (id, node_id, public_key, sealed_seed, created_at)"
		       " VALUES (1, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		       &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, pk_hex);
	db_bind_text(s, 3, box_hex);
	db_bind_int64(s, 4, tr_now_ms());
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
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

static int hex32(const char *hex, unsigned char out[32])
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

int fed_peer_add(struct db_conn *c, const char *name, const char *url, const char *node_id,
		 const char *pk_hex, int pass_along, const char **field)
{
	unsigned char pk[32];
	*field = NULL;
	if (!name || !*name || strlen(name) > 100)
		return *field = "name", TR_ERR_INVALID;
	if (!url_ok(url))
		return *field = "url", TR_ERR_INVALID;
	if (!tr_uuid_valid(node_id))
		return *field = "node-id", TR_ERR_INVALID;
	if (hex32(pk_hex, pk))
		return *field = "public-key", TR_ERR_INVALID;
	char me[37], my_pk[65];
	if (fed_node_public(c, me, my_pk) == TR_OK && strcmp(me, node_id) == 0)
		return *field = "node-id", TR_ERR_INVALID;
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "INSERT INTO fed_peers (node_id, name, url, public_key, pass_along,"
			    " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, node_id);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, url);
	db_bind_text(s, 4, pk_hex);
	db_bind_int64(s, 5, pass_along ? 1 : 0);
	db_bind_int64(s, 6, tr_now_ms());
	rc = db_step(s);
	db_done(s);
	if (rc != DB_DONE)
		return TR_ERR_DB;
	/* nothing inserted: the name or the node is already a peer */
	if ((rc = db_prepare(
		 c, "SELECT 1 FROM fed_peers WHERE node_id = ? AND name = ? AND url = ?", &s)))
		return rc;
	db_bind_text(s, 1, node_id);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, url);
	rc = db_step(s);
	db_done(s);
	return rc == DB_ROW ? TR_OK : TR_ERR_CONFLICT;
}

int fed_peer_remove(struct db_conn *c, const char *name_or_id)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT node_id FROM fed_peers WHERE node_id = ? OR name = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, name_or_id);
	db_bind_text(s, 2, name_or_id);
	char id[37] = "";
	rc = db_step(s);
	if (rc == DB_ROW)
		snprintf(id, sizeof(id), "%s", db_col_text(s, 0));
	db_done(s);
	if (rc != DB_ROW)
		return rc == DB_DONE ? TR_ERR_NOT_FOUND : TR_ERR_DB;
	if ((rc = db_prepare(c, "DELETE FROM fed_peers WHERE node_id = ?", &s)))
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

int fed_peer_get(struct db_conn *c, const char *node_id, struct fed_peer *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_prepare(c,
			    "SELECT node_id, name, url, public_key, pass_along, pull_cursor FROM"
			    " fed_peers WHERE node_id = ?",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, node_id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(out->node_id, sizeof(out->node_id), "%s", db_col_text(s, 0));
		snprintf(out->name, sizeof(out->name), "%s", db_col_text(s, 1));
		snprintf(out->url, sizeof(out->url), "%s", db_col_text(s, 2));
		hex32(db_col_text(s, 3), out->pk);
		out->pass_along = (int)db_col_int64(s, 4);
		out->pull_cursor = db_col_int64(s, 5);
	}
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
}

static json_t *opt_time(struct db_stmt *s, int col)
{
	if (db_col_is_null(s, col))
		return json_null();
	char t[32];
	tr_time_format(db_col_int64(s, col), t);
	return json_string(t);
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
		    "created_at", opt_time(s, 6), "last_attempt_at", opt_time(s, 7),
		    "last_success_at", opt_time(s, 8), "last_error", db_col_text(s, 9),
		    "last_error_at", opt_time(s, 10), "last_change_at", opt_time(s, 11), "status",
		    status, "served_cursor", (json_int_t)db_col_int64(s, 12), "served_lag",
		    (json_int_t)(head - db_col_int64(s, 12)), "last_served_at", opt_time(s, 13),
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
	struct db_stmt *s;
	const char *sql =
	    err ? "UPDATE fed_peers SET last_attempt_at = ?, last_error = ?, last_error_at = ?"
		  " WHERE node_id = ?"
		: "UPDATE fed_peers SET last_attempt_at = ?, last_success_at = ? WHERE node_id = ?";
	if (db_prepare(c, sql, &s))
		return;
	db_bind_int64(s, 1, now);
	if (err) {
		db_bind_text(s, 2, err);
		db_bind_int64(s, 3, now);
		db_bind_text(s, 4, node_id);
	} else {
		db_bind_int64(s, 2, now);
		db_bind_text(s, 3, node_id);
	}
	db_step(s);
	db_done(s);
}

void fed_request_text(char *out, size_t n, const char *method, const char *path, int64_t after,
		      int wait, int64_t time_ms, const char *from, const char *audience)
{
	snprintf(out, n, "trellis-fed-v1\n%s\n%s\nafter=%lld&wait=%d\n%lld\n%s\n%s", method, path,
		 (long long)after, wait, (long long)time_ms, from, audience);
}

int fed_head(struct db_conn *c, int64_t *seq)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT n FROM alert_seq WHERE id = 1", &s);
	if (rc)
		return rc;
	rc = db_step(s);
	*seq = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_done(s);
	return rc == DB_ROW ? TR_OK : TR_ERR_DB;
}

/* ---- the feed ---- */

/* Columns after ALERT_COLS (0..28) of the feed query. */
enum {
	F_SEQ = 29,
	F_ORIGIN,
	F_FROM,
	F_ORG_NAME,
	F_ORG_KIND,
	F_ORG_COUNTRY,
	F_SENT_OP,
	F_PASS_ALONG,
	F_GROUP_HERE /* members of its sharing group on the peer's node */
};

static int feed_prepare(struct db_conn *c, const char *peer, int64_t after, int limit,
			struct db_stmt **s)
{
	int rc = db_prepare(c,
			    "SELECT " ALERT_COLS ", a.seq, a.origin_node, a.received_from, o.name,"
			    " o.kind, o.country, d.op, rp.pass_along, (SELECT COUNT(*) FROM"
			    " sharing_group_members m JOIN organisations mo ON mo.id = m.org_id"
			    " WHERE m.group_id = a.sharing_group_id AND mo.origin_node = ?)"
			    " FROM alerts a " DB_ACL_EXEMPT
			    " JOIN organisations o ON o.id = a.org_id LEFT JOIN fed_deliveries d"
			    " ON d.peer = ? AND d.record_type = 'alert' AND d.record_id = a.id"
			    " LEFT JOIN fed_peers rp ON rp.node_id = a.received_from"
			    " WHERE a.seq > ? ORDER BY a.seq LIMIT ?",
			    s);
	if (rc)
		return rc;
	db_bind_text(*s, 1, peer);
	db_bind_text(*s, 2, peer);
	db_bind_int64(*s, 3, after);
	db_bind_int64(*s, 4, limit);
	return TR_OK;
}

/* What goes to the peer for the current row: "upsert", "retract",
 * "tombstone", or NULL (nothing). */
static const char *feed_op(struct db_stmt *s, const char *peer)
{
	const char *origin = db_col_text(s, F_ORIGIN), *from = db_col_text(s, F_FROM);
	if ((origin && strcmp(origin, peer) == 0) || (from && strcmp(from, peer) == 0))
		return NULL; /* never back to where it came from, nor to its origin */
	const char *dist = db_col_text(s, 10), *tlp = db_col_text(s, 12);
	const char *status = db_col_text(s, 8);
	/* a sharing group's records go straight to the nodes of its members
	 * (from their origin, never passed along), and nowhere else */
	int to_group = strcmp(dist, "sharing_group") == 0 && !from && !origin &&
		       db_col_int64(s, F_GROUP_HERE) > 0;
	int federable =
	    (strcmp(dist, "federation") == 0 || to_group) && strcmp(tlp, "red") != 0 &&
	    strcmp(status, "draft") != 0 &&
	    (!from || (!db_col_is_null(s, F_PASS_ALONG) && db_col_int64(s, F_PASS_ALONG)));
	if (federable)
		return strcmp(status, "retracted") == 0 ? "retract" : "upsert";
	const char *sent = db_col_text(s, F_SENT_OP);
	return sent && strcmp(sent, "tombstone") != 0 ? "tombstone" : NULL;
}

/* The sharing group of a record and its members, each with its node. */
static json_t *group_json(struct db_conn *c, const char *group_id, const char *me)
{
	struct db_stmt *s;
	json_t *members = json_array(), *g = NULL;
	if (!db_prepare(c,
			"SELECT o.id, o.name, o.kind, o.country, o.origin_node FROM"
			" sharing_group_members m JOIN organisations o ON o.id = m.org_id"
			" WHERE m.group_id = ? ORDER BY o.id",
			&s)) {
		db_bind_text(s, 1, group_id);
		while (db_step(s) == DB_ROW)
			json_array_append_new(
			    members, json_pack("{s:s, s:s, s:s, s:s?, s:s}", "id",
					       db_col_text(s, 0), "name", db_col_text(s, 1), "kind",
					       db_col_text(s, 2), "country", db_col_text(s, 3),
					       "node", db_col_text(s, 4) ? db_col_text(s, 4) : me));
		db_done(s);
	}
	if (!db_prepare(c, "SELECT name FROM sharing_groups WHERE id = ?", &s)) {
		db_bind_text(s, 1, group_id);
		if (db_step(s) == DB_ROW)
			g = json_pack("{s:s, s:s, s:O}", "id", group_id, "name", db_col_text(s, 0),
				      "members", members);
		db_done(s);
	}
	json_decref(members);
	return g ? g : json_null();
}

static json_t *feed_record(struct db_conn *c, struct db_stmt *s, const char *op, const char *me)
{
	const char *origin = db_col_text(s, F_ORIGIN);
	json_t *org = json_pack("{s:s, s:s, s:s, s:s?}", "id", db_col_text(s, 1), "name",
				db_col_text(s, F_ORG_NAME), "kind", db_col_text(s, F_ORG_KIND),
				"country", db_col_text(s, F_ORG_COUNTRY));
	json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "type", "alert", "op", op, "id",
			      db_col_text(s, 0), "origin_node", origin ? origin : me, "version",
			      (json_int_t)db_col_int64(s, 28), "org", org);
	if (strcmp(op, "tombstone") != 0) {
		struct buf b;
		buf_init(&b, 4u << 20);
		alert_row_text(s, &b);
		json_t *data = b.err ? NULL : json_loadb(b.data, b.len, 0, NULL);
		buf_free(&b);
		if (data) {
			json_object_set_new(data, "created_by", json_null());
			json_object_del(data, "sharing_group_id");
		}
		json_object_set_new(r, "data", data ? data : json_null());
		if (strcmp(db_col_text(s, 10), "sharing_group") == 0)
			json_object_set_new(r, "group", group_json(c, db_col_text(s, 11), me));
	}
	return r;
}

static int ledger_put(struct db_conn *c, const char *peer, json_t *r, int64_t seq, int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "INSERT INTO fed_deliveries (peer, record_type, record_id, version, op,"
			    " seq, at) VALUES (?, 'alert', ?, ?, ?, ?, ?) ON CONFLICT (peer,"
			    " record_type, record_id) DO UPDATE SET version = excluded.version,"
			    " op = excluded.op, seq = excluded.seq, at = excluded.at",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, peer);
	db_bind_text(s, 2, json_string_value(json_object_get(r, "id")));
	db_bind_int64(s, 3, json_integer_value(json_object_get(r, "version")));
	db_bind_text(s, 4, json_string_value(json_object_get(r, "op")));
	db_bind_int64(s, 5, seq);
	db_bind_int64(s, 6, now);
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

/* The text and signature its origin made of a copy held here, with the
 * origin's key as held here (a peer's or pinned) for the next node, or
 * NULL. */
static json_t *signed_get(struct db_conn *c, const char *type, const char *id, const char *origin)
{
	struct db_stmt *s;
	json_t *out = NULL;
	if (db_prepare(
		c,
		"SELECT f.body, f.sig, COALESCE(p.public_key, n.public_key) FROM fed_signed f"
		" LEFT JOIN fed_peers p ON p.node_id = ? LEFT JOIN fed_nodes n ON"
		" n.node_id = ? WHERE f.record_type = ? AND f.record_id = ?",
		&s))
		return NULL;
	db_bind_text(s, 1, origin);
	db_bind_text(s, 2, origin);
	db_bind_text(s, 3, type);
	db_bind_text(s, 4, id);
	if (db_step(s) == DB_ROW && db_col_text(s, 2))
		out = json_pack("{s:s, s:s, s:s}", "text", db_col_text(s, 0), "sig",
				db_col_text(s, 1), "pk", db_col_text(s, 2));
	db_done(s);
	return out;
}

/* A record of this node as it travels: its text signed with this node's
 * key, beside the node's public key for those who have not pinned it. */
static json_t *signed_mine(json_t *r, const struct fed_node *me)
{
	char *text = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return NULL;
	unsigned char sig[crypto_sign_BYTES];
	char sig_hex[2 * crypto_sign_BYTES + 1], pk_hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), me->sk);
	sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
	sodium_bin2hex(pk_hex, sizeof(pk_hex), me->pk, sizeof(me->pk));
	json_t *out = json_pack("{s:s, s:s, s:s}", "text", text, "sig", sig_hex, "pk", pk_hex);
	free(text);
	return out;
}

/* The records after `after` for the peer, and the cursor they reach. Each
 * goes as {"seq", "signed": {"text", "sig"[, "pk"]}}: this node's own
 * records signed now, a copy with the text and signature of its origin.
 * A copy without them, or whose origin's text says otherwise than the
 * ledger wants (a peer no longer passed along), goes only as an unsigned
 * tombstone, which a receiver takes only from the node it had the copy
 * from. index gets what the peer may skip by: type, op, id, origin,
 * organisation and version. */
static int feed_collect(struct db_conn *c, const struct fed_node *me, const char *peer,
			int64_t after, int limit, json_t *records, json_t *index, int64_t *cursor,
			int *more)
{
	struct db_stmt *s;
	int rc = feed_prepare(c, peer, after, limit, &s);
	if (rc)
		return rc;
	int rows = 0;
	*cursor = after;
	while ((rc = db_step(s)) == DB_ROW) {
		rows++;
		*cursor = db_col_int64(s, F_SEQ);
		const char *op = feed_op(s, peer);
		if (!op)
			continue;
		json_t *r = feed_record(c, s, op, me->node_id), *sig = NULL;
		if (db_col_is_null(s, F_ORIGIN)) {
			sig = signed_mine(r, me);
		} else if ((sig = signed_get(c, "alert", db_col_text(s, 0),
					     db_col_text(s, F_ORIGIN)))) {
			json_t *t =
			    json_loads(json_string_value(json_object_get(sig, "text")), 0, NULL);
			const char *sop = json_string_value(json_object_get(t, "op"));
			if (!sop || (strcmp(sop, op) != 0 && strcmp(op, "tombstone") == 0)) {
				json_decref(sig);
				sig = NULL; /* our own tombstone: unsigned */
			} else {
				json_object_set(r, "op", json_object_get(t, "op"));
				json_object_set(r, "version", json_object_get(t, "version"));
			}
			json_decref(t);
		}
		if (!sig && strcmp(op, "tombstone") != 0) {
			json_decref(r); /* a copy we cannot vouch for is not passed along */
			continue;
		}
		json_array_append_new(
		    index,
		    json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "type", json_object_get(r, "type"),
			      "op", json_object_get(r, "op"), "id", json_object_get(r, "id"),
			      "origin_node", json_object_get(r, "origin_node"), "org_id",
			      json_object_get(json_object_get(r, "org"), "id"), "version",
			      json_object_get(r, "version")));
		json_t *w = sig ? json_pack("{s:I, s:o}", "seq", (json_int_t)*cursor, "signed", sig)
				: json_deep_copy(r);
		if (!sig) {
			json_object_del(w, "data");
			json_object_del(w, "group");
			json_object_set_new(w, "seq", json_integer(*cursor));
		}
		/* the ledger wants what was sent: keep the inner record beside */
		json_object_set_new(w, "_r", r);
		json_array_append_new(records, w);
	}
	db_done(s);
	*more = rows == limit;
	return rc == DB_DONE ? TR_OK : TR_ERR_DB;
}

int fed_changes(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
		int64_t after, int limit, int64_t now, json_t **out, int *more)
{
	json_t *records = json_array(), *index = json_array();
	int64_t cursor = after;
	int rc = db_begin(c);
	if (!rc)
		rc = feed_collect(c, me, to->node_id, after, limit, records, index, &cursor, more);
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r)
	{
		if (!rc)
			rc = ledger_put(c, to->node_id, json_object_get(r, "_r"),
					json_integer_value(json_object_get(r, "seq")), now);
		json_object_del(r, "_r");
	}
	struct db_stmt *s;
	if (!rc && !(rc = db_prepare(c,
				     "UPDATE fed_peers SET served_cursor = ?, last_served_at = ?"
				     " WHERE node_id = ?",
				     &s))) {
		db_bind_int64(s, 1, after);
		db_bind_int64(s, 2, now);
		db_bind_text(s, 3, to->node_id);
		rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
		db_done(s);
	}
	if (rc || (rc = db_commit(c))) {
		db_rollback(c);
		json_decref(records);
		json_decref(index);
		return rc;
	}
	char bid[37];
	tr_uuid7(bid);
	json_t *bundle = json_pack(
	    "{s:i, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:o}", "v", 1, "id", bid, "from",
	    me->node_id, "audience", to->node_id, "created_at", (json_int_t)now, "expires_at",
	    (json_int_t)(now + FED_BUNDLE_TTL_MS), "after", (json_int_t)after, "cursor",
	    (json_int_t)cursor, "more", *more, "records", records);
	char *payload = json_dumps(bundle, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(bundle);
	if (!payload) {
		json_decref(index);
		return TR_ERR_NOMEM;
	}
	unsigned char sig[crypto_sign_BYTES];
	char sig_hex[2 * crypto_sign_BYTES + 1];
	crypto_sign_detached(sig, NULL, (const unsigned char *)payload, strlen(payload), me->sk);
	sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
	/* cursor and more again outside the payload: unsigned hints that let the
	 * puller ask for the next page while it applies this one */
	*out = json_pack("{s:o, s:s, s:s, s:I, s:b}", "index", index, "payload", payload,
			 "signature", sig_hex, "cursor", (json_int_t)cursor, "more", *more);
	free(payload);
	return *out ? TR_OK : TR_ERR_NOMEM;
}

int fed_preview(struct db_conn *c, const struct fed_peer *to, int limit, json_t **out)
{
	struct db_stmt *s;
	int rc = feed_prepare(c, to->node_id, 0, 1000000, &s);
	if (rc)
		return rc;
	json_t *items = json_array();
	while ((rc = db_step(s)) == DB_ROW && (int)json_array_size(items) < limit) {
		const char *op = feed_op(s, to->node_id);
		if (op && strcmp(op, "tombstone") != 0)
			json_array_append_new(items,
					      json_pack("{s:s, s:s, s:s, s:I, s:s}", "type",
							"alert", "id", db_col_text(s, 0), "op", op,
							"version", (json_int_t)db_col_int64(s, 28),
							"title", db_col_text(s, 4)));
	}
	db_done(s);
	if (rc != DB_DONE && rc != DB_ROW) {
		json_decref(items);
		return TR_ERR_DB;
	}
	*out = items;
	return TR_OK;
}

int fed_received_by(struct db_conn *c, const char *alert_id, json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT d.peer, p.name, d.version, d.op, d.at, d.seq, p.served_cursor"
			    " FROM fed_deliveries d LEFT JOIN fed_peers p ON p.node_id = d.peer"
			    " WHERE d.record_type = 'alert' AND d.record_id = ? ORDER BY d.peer",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, alert_id);
	json_t *items = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:s, s:s?, s:I, s:s, s:o, s:b}", "node_id", db_col_text(s, 0),
			      "name", db_col_text(s, 1), "version", (json_int_t)db_col_int64(s, 2),
			      "op", db_col_text(s, 3), "at", opt_time(s, 4), "acknowledged",
			      !db_col_is_null(s, 6) && db_col_int64(s, 6) >= db_col_int64(s, 5)));
	db_done(s);
	if (rc != DB_DONE) {
		json_decref(items);
		return TR_ERR_DB;
	}
	*out = items;
	return TR_OK;
}

/* ---- applying a bundle ---- */

static void refuse_log(const char *peer, const char *id, const char *why)
{
	fprintf(stderr,
		"{\"level\":\"warn\",\"msg\":\"federation record refused\",\"peer\":\"%s\","
		"\"id\":\"%.40s\",\"why\":\"%s\"}\n",
		peer, id && tr_uuid_valid(id) ? id : "?", why);
}

static int in_list(const char *v, const char *const *list)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(v, list[i]) == 0)
			return 1;
	return 0;
}

static int str_ok(json_t *v, size_t max, int nullable)
{
	if (json_is_null(v) || !v)
		return nullable;
	return json_is_string(v) && json_string_length(v) <= max;
}

static int time_ok(json_t *v)
{
	int64_t ms;
	return !v || json_is_null(v) ||
	       (json_is_string(v) && tr_time_parse(json_string_value(v), &ms) == TR_OK);
}

/* Keeps the strings of arr that name a row of table (ids of reference data
 * the origin shares with us); others are dropped. */
static json_t *known_only(struct db_conn *c, json_t *arr, const char *sql, size_t max_len)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		struct db_stmt *s;
		if (i >= 50 || !json_is_string(v) || json_string_length(v) > max_len ||
		    db_prepare(c, sql, &s))
			continue;
		db_bind_text(s, 1, json_string_value(v));
		if (db_step(s) == DB_ROW)
			json_array_append(out, v);
		db_done(s);
	}
	return out;
}

/* A clean alert object from a peer's data (outside input), or NULL with
 * *why. Only known fields are kept; the distribution here is federation. */
static json_t *alert_clean(struct db_conn *c, json_t *d, const char *id, const char **why)
{
	static const char *const texts[] = {"summary", "body", "retraction_reason", "reliability",
					    NULL};
	static const char *const times[] = {"observed_from", "observed_to", "published_at",
					    "created_at",    "updated_at",  NULL};
	const char *status = json_string_value(json_object_get(d, "status"));
	const char *tlp = json_string_value(json_object_get(d, "tlp"));
	json_t *title = json_object_get(d, "title");
	if (!json_is_object(d))
		return *why = "no data", NULL;
	if (!str_ok(title, 500, 0) || json_string_length(title) == 0)
		return *why = "bad title", NULL;
	if (!in_list(json_string_value(json_object_get(d, "category")), alert_categories))
		return *why = "bad category", NULL;
	if (!status || (strcmp(status, "published") != 0 && strcmp(status, "retracted") != 0))
		return *why = "bad status", NULL;
	if (!in_list(tlp, acl_tlps) || strcmp(tlp, "red") == 0)
		return *why = "bad tlp", NULL;
	for (int i = 0; texts[i]; i++)
		if (!str_ok(json_object_get(d, texts[i]), 100000, 1))
			return *why = "bad text field", NULL;
	const char *rel = json_string_value(json_object_get(d, "reliability"));
	if (rel && !in_list(rel, alert_reliabilities))
		return *why = "bad reliability", NULL;
	json_t *cred = json_object_get(d, "credibility");
	if (cred && !json_is_null(cred) &&
	    (!json_is_integer(cred) || json_integer_value(cred) < 1 ||
	     json_integer_value(cred) > 6))
		return *why = "bad credibility", NULL;
	for (int i = 0; times[i]; i++)
		if (!time_ok(json_object_get(d, times[i])))
			return *why = "bad time", NULL;
	json_t *loc = json_object_get(d, "location");
	if (loc && !json_is_null(loc)) {
		json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "lon");
		json_t *prec = json_object_get(loc, "precision_m");
		if (!json_is_object(loc) || !json_is_number(lat) || !json_is_number(lon) ||
		    fabs(json_number_value(lat)) > 90 || fabs(json_number_value(lon)) > 180 ||
		    !str_ok(json_object_get(loc, "place_name"), 500, 1) ||
		    (prec && !json_is_null(prec) && !json_is_integer(prec)))
			return *why = "bad location", NULL;
	}
	json_t *tags = json_object_get(d, "tags"), *ews = json_object_get(d, "ews");
	if ((tags && !json_is_array(tags)) || json_array_size(tags) > 50)
		return *why = "bad tags", NULL;
	size_t i;
	json_t *v;
	json_array_foreach(tags, i, v) if (!str_ok(v, 100, 0)) return *why = "bad tags", NULL;
	const char *k;
	if (ews && !json_is_object(ews) && !json_is_null(ews))
		return *why = "bad ews", NULL;
	json_object_foreach(ews, k, v) if (!in_list(k, alert_ews_fields) ||
					   !str_ok(v, 20000, 1)) return *why = "bad ews",
									NULL;

	json_t *a = json_object();
	json_object_set_new(a, "id", json_string(id));
	json_object_set(a, "title", title);
	static const char *const copy[] = {
	    "category",		 "status",	"tlp",	       "summary",	"body",
	    "retraction_reason", "reliability", "credibility", "observed_from", "observed_to",
	    "published_at",	 "created_at",	"updated_at",  "location",	NULL};
	for (int j = 0; copy[j]; j++) {
		json_t *x = json_object_get(d, copy[j]);
		json_object_set(a, copy[j], x ? x : json_null());
	}
	json_object_set_new(a, "distribution", json_string("federation"));
	json_object_set_new(a, "sharing_group_id", json_null());
	json_object_set_new(a, "tags", tags ? json_deep_copy(tags) : json_array());
	json_object_set_new(a, "ews", json_is_object(ews) ? json_deep_copy(ews) : json_object());
	json_object_set_new(a, "countries",
			    known_only(c, json_object_get(d, "countries"),
				       "SELECT 1 FROM countries WHERE iso2 = ?", 2));
	json_object_set_new(a, "substances",
			    known_only(c, json_object_get(d, "substances"),
				       "SELECT 1 FROM substances WHERE id = ?", 36));
	return a;
}

/* The remote organisation of a record: made on first sight, marked with
 * its node. A local organisation, or one of another node, is refused. */
static int org_ensure(struct db_conn *c, json_t *org, const char *origin, const char **why)
{
	const char *id = json_string_value(json_object_get(org, "id"));
	json_t *name = json_object_get(org, "name"), *kind = json_object_get(org, "kind");
	const char *country = json_string_value(json_object_get(org, "country"));
	if (!tr_uuid_valid(id) || !str_ok(name, 300, 0) || !str_ok(kind, 60, 0))
		return *why = "bad organisation", 1;
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT origin_node, name FROM organisations WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	int exists = rc == DB_ROW, local = exists && db_col_is_null(s, 0);
	int other = exists && !local && strcmp(db_col_text(s, 0), origin) != 0;
	int renamed =
	    exists && !local && !other && strcmp(db_col_text(s, 1), json_string_value(name)) != 0;
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return TR_ERR_DB;
	if (local || other)
		return *why = "claims an organisation that is not of its origin node", 1;
	if (exists && !renamed)
		return TR_OK;
	if (renamed)
		rc = db_prepare(c, "UPDATE organisations SET name = ?, updated_at = ? WHERE id = ?",
				&s);
	else
		rc = db_prepare(c,
				"INSERT INTO organisations (name, updated_at, id, kind, country,"
				" created_at, origin_node) VALUES (?, ?, ?, ?, (SELECT iso2 FROM"
				" countries WHERE iso2 = ?), ?, ?)",
				&s);
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	db_bind_text(s, 1, json_string_value(name));
	db_bind_int64(s, 2, now);
	db_bind_text(s, 3, id);
	if (!renamed) {
		db_bind_text(s, 4, json_string_value(kind));
		db_bind_text(s, 5, country ? country : "");
		db_bind_int64(s, 6, now);
		db_bind_text(s, 7, origin);
	}
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

/* The copy here of a record: its origin, organisation and version. */
static int copy_find(struct db_conn *c, const char *id, char origin[37], char org[37],
		     int64_t *version, int *local)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    c, "SELECT origin_node, org_id, version FROM alerts " DB_ACL_EXEMPT " WHERE id = ?",
	    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*local = db_col_is_null(s, 0);
		snprintf(origin, 37, "%s", *local ? "" : db_col_text(s, 0));
		snprintf(org, 37, "%s", db_col_text(s, 1));
		*version = db_col_int64(s, 2);
	}
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc == DB_DONE ? TR_ERR_NOT_FOUND : TR_ERR_DB;
}

/* A sharing group of another node, as its records need it here: owned by
 * the record's (remote) organisation, with the members known here (this
 * node's own organisations it names, and remote ones of their node). A
 * group id of this node is refused. 1 with *why when refused. */
static int group_ensure(struct db_conn *c, const struct fed_node *me, json_t *g, const char *owner,
			const char **why)
{
	const char *id = json_string_value(json_object_get(g, "id"));
	json_t *name = json_object_get(g, "name");
	if (!tr_uuid_valid(id) || !str_ok(name, 300, 0) ||
	    !json_is_array(json_object_get(g, "members")))
		return *why = "bad sharing group", 1;
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT owner_org_id FROM sharing_groups WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	int other = rc == DB_ROW && strcmp(db_col_text(s, 0), owner) != 0;
	int exists = rc == DB_ROW;
	db_done(s);
	if (other)
		return *why = "claims a sharing group that is not of its origin", 1;
	int64_t now = tr_now_ms();
	rc = db_prepare(c,
			exists ? "UPDATE sharing_groups SET name = ?, updated_at = ? WHERE id = ?"
			       : "INSERT INTO sharing_groups (name, updated_at, id, owner_org_id,"
				 " created_at) VALUES (?, ?, ?, ?, ?)",
			&s);
	if (rc)
		return rc;
	db_bind_text(s, 1, json_string_value(name));
	db_bind_int64(s, 2, now);
	db_bind_text(s, 3, id);
	if (!exists) {
		db_bind_text(s, 4, owner);
		db_bind_int64(s, 5, now);
	}
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	if (!rc &&
	    !(rc = db_prepare(c, "DELETE FROM sharing_group_members WHERE group_id = ?", &s))) {
		db_bind_text(s, 1, id);
		rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
		db_done(s);
	}
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(g, "members"), i, m)
	{
		const char *org = json_string_value(json_object_get(m, "id"));
		const char *node = json_string_value(json_object_get(m, "node"));
		if (rc || !org || !node)
			break;
		int here = strcmp(node, me->node_id) == 0;
		if ((rc = db_prepare(
			 c,
			 here ? "INSERT INTO sharing_group_members (group_id, org_id,"
				" added_at) SELECT ?, id, ? FROM organisations WHERE id = ?"
				" AND origin_node IS NULL AND ? <> ''"
			      : "INSERT INTO sharing_group_members (group_id, org_id,"
				" added_at) SELECT ?, id, ? FROM organisations WHERE id = ?"
				" AND origin_node = ?",
			 &s)))
			break;
		db_bind_text(s, 1, id);
		db_bind_int64(s, 2, now);
		db_bind_text(s, 3, org);
		db_bind_text(s, 4, node);
		rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
		db_done(s);
	}
	return rc;
}

enum { APPLIED, UNCHANGED, REFUSED };

/* One record: APPLIED, UNCHANGED or REFUSED (with *why), or -tr_err. */
static int record_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
			json_t *r, const char **why)
{
	const char *type = json_string_value(json_object_get(r, "type"));
	const char *op = json_string_value(json_object_get(r, "op"));
	const char *id = json_string_value(json_object_get(r, "id"));
	const char *origin = json_string_value(json_object_get(r, "origin_node"));
	json_t *org = json_object_get(r, "org"), *ver = json_object_get(r, "version");
	if (!type || strcmp(type, "alert") != 0)
		return *why = "unknown record type", REFUSED;
	if (!op || (strcmp(op, "upsert") && strcmp(op, "retract") && strcmp(op, "tombstone")))
		return *why = "unknown op", REFUSED;
	if (!tr_uuid_valid(id) || !tr_uuid_valid(origin) || !json_is_integer(ver) ||
	    json_integer_value(ver) < 1 || !json_is_object(org))
		return *why = "malformed record", REFUSED;
	if (strcmp(origin, me->node_id) == 0)
		return *why = "claims a record of this node", REFUSED;
	const char *org_id = json_string_value(json_object_get(org, "id"));
	char have_origin[37] = "", have_org[37] = "";
	int64_t have_version = 0, version = json_integer_value(ver);
	int local = 0;
	int rc = copy_find(c, id, have_origin, have_org, &have_version, &local);
	int exists = rc == TR_OK;
	if (rc && rc != TR_ERR_NOT_FOUND)
		return -rc;
	if (exists && local)
		return *why = "claims a record of this node", REFUSED;
	if (exists && strcmp(have_origin, origin) != 0)
		return *why = "claimed by a node that is not its origin", REFUSED;
	if (exists && (!org_id || strcmp(have_org, org_id) != 0))
		return *why = "claims another organisation for the record", REFUSED;
	struct alert_fed_origin o = {org_id, json_string_value(json_object_get(org, "country")),
				     origin, from->node_id, version};
	if (strcmp(op, "tombstone") == 0) {
		if (!exists || have_version > version)
			return UNCHANGED;
		return (rc = alert_fed_withdraw(c, id, &o)) ? -rc : APPLIED;
	}
	if (exists && have_version >= version)
		return UNCHANGED; /* same version: a no-op, never a new version */
	if ((rc = org_ensure(c, org, origin, why)))
		return rc == 1 ? REFUSED : -rc;
	json_t *a = alert_clean(c, json_object_get(r, "data"), id, why);
	if (!a)
		return REFUSED;
	json_t *g = json_object_get(r, "group");
	if (json_is_object(g)) {
		if ((rc = group_ensure(c, me, g, org_id, why))) {
			json_decref(a);
			return rc == 1 ? REFUSED : -rc;
		}
		json_object_set_new(a, "distribution", json_string("sharing_group"));
		json_object_set(a, "sharing_group_id", json_object_get(g, "id"));
	}
	rc = alert_fed_put(c, &o, a, !exists);
	json_decref(a);
	return rc ? -rc : APPLIED;
}

/* The key held here for the origin node: the sender's, a peer's or one
 * pinned before. Else the key the record offers (pk_hex) is the one to try,
 * and *offered says it is to be pinned once the record proves good. 1 when
 * there is none, -tr_err on a database failure. */
static int origin_key(struct db_conn *c, const struct fed_peer *from, const char *origin,
		      const char *pk_hex, unsigned char pk[32], int *offered)
{
	static const char *const sql[] = {"SELECT public_key FROM fed_peers WHERE node_id = ?",
					  "SELECT public_key FROM fed_nodes WHERE node_id = ?"};
	*offered = 0;
	if (strcmp(origin, from->node_id) == 0) {
		memcpy(pk, from->pk, 32);
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		struct db_stmt *s;
		if (db_prepare(c, sql[i], &s))
			return -TR_ERR_DB;
		db_bind_text(s, 1, origin);
		int found = db_step(s) == DB_ROW && hex32(db_col_text(s, 0), pk) == 0;
		db_done(s);
		if (found)
			return 0;
	}
	if (hex32(pk_hex, pk))
		return 1;
	*offered = 1;
	return 0;
}

/* Pins the key of an origin node first learnt through the peer via. */
static int origin_pin(struct db_conn *c, const char *origin, const char *pk_hex, const char *via)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "INSERT INTO fed_nodes (node_id, public_key, via, first_seen_at)"
			    " VALUES (?, ?, ?, ?)",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, origin);
	db_bind_text(s, 2, pk_hex);
	db_bind_text(s, 3, via);
	db_bind_int64(s, 4, tr_now_ms());
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

/* Keeps (text, sig NULL: forgets) the origin's signed text of a copy. */
static int signed_put(struct db_conn *c, const char *type, const char *id, const char *text,
		      const char *sig)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    text ? "INSERT INTO fed_signed (record_type, record_id, body, sig)"
				   " VALUES (?, ?, ?, ?) ON CONFLICT (record_type, record_id) DO"
				   " UPDATE SET body = excluded.body, sig = excluded.sig"
				 : "DELETE FROM fed_signed WHERE record_type = ? AND record_id = ?",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, type);
	db_bind_text(s, 2, id);
	if (text) {
		db_bind_text(s, 3, text);
		db_bind_text(s, 4, sig);
	}
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

/* An unsigned record: only a tombstone, and only from the node the copy
 * here was received from (it withdraws what it passed along). */
static int unsigned_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
			  json_t *w, const char **why)
{
	const char *op = json_string_value(json_object_get(w, "op"));
	const char *id = json_string_value(json_object_get(w, "id"));
	if (!op || strcmp(op, "tombstone") != 0 || !tr_uuid_valid(id))
		return *why = "record not signed by its origin", REFUSED;
	struct db_stmt *s;
	int rc =
	    db_prepare(c, "SELECT received_from FROM alerts " DB_ACL_EXEMPT " WHERE id = ?", &s);
	if (rc)
		return -rc;
	db_bind_text(s, 1, id);
	int via = db_step(s) == DB_ROW && db_col_text(s, 0) &&
		  strcmp(db_col_text(s, 0), from->node_id) == 0;
	db_done(s);
	if (!via)
		return *why = "record not signed by its origin", REFUSED;
	int res = record_apply(c, me, from, w, why);
	if (res == APPLIED && (rc = signed_put(c, "alert", id, NULL, NULL)))
		return -rc;
	return res;
}

/* One record as it travels: {"signed": {"text", "sig"[, "pk"]}} checked
 * against its origin's key, then applied from that text, which is kept to
 * be passed along; or an unsigned tombstone. id gets the record's id for
 * the log. APPLIED, UNCHANGED, REFUSED (with *why) or -tr_err. */
static int wire_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
		      json_t *w, char id[37], const char **why)
{
	json_t *sg = json_object_get(w, "signed");
	if (!json_is_object(sg)) {
		const char *wid = json_string_value(json_object_get(w, "id"));
		snprintf(id, 37, "%s", wid ? wid : "");
		return unsigned_apply(c, me, from, w, why);
	}
	const char *text = json_string_value(json_object_get(sg, "text"));
	const char *sig_hex = json_string_value(json_object_get(sg, "sig"));
	const char *pk_hex = json_string_value(json_object_get(sg, "pk"));
	json_t *r = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
	const char *origin = json_string_value(json_object_get(r, "origin_node"));
	const char *rid = json_string_value(json_object_get(r, "id"));
	snprintf(id, 37, "%s", rid ? rid : "");
	unsigned char pk[32], sig[crypto_sign_BYTES];
	size_t n = 0;
	int offered = 0, res;
	if (!json_is_object(r) || !sig_hex || !tr_uuid_valid(origin)) {
		*why = "malformed record";
		res = REFUSED;
	} else if (strcmp(origin, me->node_id) == 0) {
		*why = "claims a record of this node";
		res = REFUSED;
	} else if ((res = origin_key(c, from, origin, pk_hex, pk, &offered)) != 0) {
		*why = "the key of its origin is unknown";
		res = res < 0 ? res : REFUSED;
	} else if (sodium_hex2bin(sig, sizeof(sig), sig_hex, strlen(sig_hex), NULL, &n, NULL) ||
		   n != sizeof(sig) ||
		   crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text),
					       pk) != 0) {
		*why = "not signed by its origin";
		res = REFUSED;
	} else {
		res = record_apply(c, me, from, r, why);
		int rc = TR_OK;
		if (res == APPLIED && offered)
			rc = origin_pin(c, origin, pk_hex, from->node_id);
		if (res == APPLIED && !rc)
			rc = signed_put(c, "alert", id, text, sig_hex);
		if (rc)
			res = -rc;
	}
	json_decref(r);
	return res;
}

/* The bundle's envelope: sender, audience, expiry, cursor continuity. */
static int envelope_check(json_t *b, const struct fed_node *me, const struct fed_peer *from,
			  int64_t now, char *err, size_t errlen)
{
	const char *bid = json_string_value(json_object_get(b, "id"));
	const char *sender = json_string_value(json_object_get(b, "from"));
	const char *aud = json_string_value(json_object_get(b, "audience"));
	json_t *exp = json_object_get(b, "expires_at"), *after = json_object_get(b, "after");
	json_t *cur = json_object_get(b, "cursor");
	if (!tr_uuid_valid(bid) || !sender || !aud || !json_is_integer(exp) ||
	    !json_is_integer(after) || !json_is_integer(cur) ||
	    !json_is_array(json_object_get(b, "records")))
		return snprintf(err, errlen, "malformed bundle"), TR_ERR_INVALID;
	if (strcmp(sender, from->node_id) != 0)
		return snprintf(err, errlen, "bundle from another node"), TR_ERR_INVALID;
	if (strcmp(aud, me->node_id) != 0)
		return snprintf(err, errlen, "bundle for another audience"), TR_ERR_INVALID;
	if (json_integer_value(exp) < now ||
	    json_integer_value(exp) > now + FED_BUNDLE_TTL_MS + FED_REQUEST_SKEW_MS)
		return snprintf(err, errlen, "bundle expired"), TR_ERR_INVALID;
	if (json_integer_value(after) != from->pull_cursor ||
	    json_integer_value(cur) < json_integer_value(after))
		return snprintf(err, errlen, "bundle out of order"), TR_ERR_INVALID;
	return TR_OK;
}

/* Remembers the bundle id; TR_ERR_CONFLICT when it was seen already. */
static int bundle_seen(struct db_conn *c, const char *bid, const char *peer, int64_t expires,
		       int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "DELETE FROM fed_bundles_seen WHERE expires_at < ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, now - FED_REQUEST_SKEW_MS);
	db_step(s);
	db_done(s);
	if ((rc = db_prepare(c, "SELECT 1 FROM fed_bundles_seen WHERE id = ?", &s)))
		return rc;
	db_bind_text(s, 1, bid);
	rc = db_step(s);
	db_done(s);
	if (rc == DB_ROW)
		return TR_ERR_CONFLICT;
	if ((rc = db_prepare(
		 c, "INSERT INTO fed_bundles_seen (id, peer, expires_at) VALUES (?, ?, ?)", &s)))
		return rc;
	db_bind_text(s, 1, bid);
	db_bind_text(s, 2, peer);
	db_bind_int64(s, 3, expires);
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

static int cursor_save(struct db_conn *c, const char *peer, int64_t cursor, int changed,
		       int64_t now)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(c,
		       "UPDATE fed_peers SET pull_cursor = ?, last_change_at = CASE WHEN ? = 1"
		       " THEN ? ELSE last_change_at END, last_attempt_at = ?, last_success_at = ?"
		       " WHERE node_id = ?",
		       &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, cursor);
	db_bind_int64(s, 2, changed ? 1 : 0);
	db_bind_int64(s, 3, now);
	db_bind_int64(s, 4, now);
	db_bind_int64(s, 5, now);
	db_bind_text(s, 6, peer);
	rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

int fed_bundle_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
		     const char *payload, const char *sig_hex, int64_t now,
		     struct fed_apply_report *rep, char *err, size_t errlen)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t n = 0;
	memset(rep, 0, sizeof(*rep));
	if (!payload || !sig_hex ||
	    sodium_hex2bin(sig, sizeof(sig), sig_hex, strlen(sig_hex), NULL, &n, NULL) ||
	    n != sizeof(sig) ||
	    crypto_sign_verify_detached(sig, (const unsigned char *)payload, strlen(payload),
					from->pk) != 0)
		return snprintf(err, errlen, "bad bundle signature"), TR_ERR_UNAUTH;
	json_t *b = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(b)) {
		json_decref(b);
		return snprintf(err, errlen, "malformed bundle"), TR_ERR_INVALID;
	}
	int rc = envelope_check(b, me, from, now, err, errlen);
	if (!rc && (rc = db_begin(c)) == TR_OK) {
		rc = bundle_seen(c, json_string_value(json_object_get(b, "id")), from->node_id,
				 json_integer_value(json_object_get(b, "expires_at")), now);
		if (rc == TR_ERR_CONFLICT)
			snprintf(err, errlen, "bundle replayed");
		else if (rc)
			snprintf(err, errlen, "database: %s", db_errmsg(c));
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(b, "records"), i, r)
		{
			if (rc)
				break;
			const char *why = NULL;
			char rid[37];
			int res = wire_apply(c, me, from, r, rid, &why);
			if (res < 0) {
				rc = -res;
				snprintf(err, errlen, "database: %s", db_errmsg(c));
			} else if (res == REFUSED) {
				rep->refused++;
				refuse_log(from->node_id, rid, why);
				snprintf(err, errlen, "record refused: %s", why);
			} else {
				res == APPLIED ? rep->applied++ : rep->unchanged++;
			}
		}
		rep->cursor = json_integer_value(json_object_get(b, "cursor"));
		rep->more = json_is_true(json_object_get(b, "more"));
		if (!rc)
			rc = cursor_save(c, from->node_id, rep->cursor, rep->applied > 0, now);
		if (rc || (rc = db_commit(c)))
			db_rollback(c);
	}
	json_decref(b);
	return rc;
}
