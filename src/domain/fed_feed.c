/* Federation, the serving side: the change feed a peer pulls, each record
 * signed by its origin (this node's own records signed here, copies as
 * their origin signed them), the delivery ledger, the preview and "received
 * by". */
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/acl.h"
#include "domain/alert.h"
#include "domain/fed.h"
#include "domain/row.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * organisation and version; sent, for the ledger, each record as sent
 * (the inner record, beside records[i]). */
static int feed_collect(struct db_conn *c, const struct fed_node *me, const char *peer,
			int64_t after, int limit, json_t *records, json_t *index, json_t *sent,
			int64_t *cursor, int *more)
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
		json_array_append_new(records, w);
		json_array_append_new(sent, r);
	}
	db_done(s);
	*more = rows == limit;
	return rc == DB_DONE ? TR_OK : TR_ERR_DB;
}

int fed_changes(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
		int64_t after, int limit, int64_t now, json_t **out, int *more)
{
	json_t *records = json_array(), *index = json_array(), *sent = json_array();
	int64_t cursor = after;
	int rc = db_begin(c);
	if (!rc)
		rc = feed_collect(c, me, to->node_id, after, limit, records, index, sent, &cursor,
				  more);
	/* the ledger after the feed's statement is done with the tables it reads */
	size_t i;
	json_t *r;
	json_array_foreach(sent, i, r)
	{
		if (!rc)
			rc = ledger_put(
			    c, to->node_id, r,
			    json_integer_value(json_object_get(json_array_get(records, i), "seq")),
			    now);
	}
	json_decref(sent);
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
			      "op", db_col_text(s, 3), "at", row_time(s, 4), "acknowledged",
			      !db_col_is_null(s, 6) && db_col_int64(s, 6) >= db_col_int64(s, 5)));
	db_done(s);
	if (rc != DB_DONE) {
		json_decref(items);
		return TR_ERR_DB;
	}
	*out = items;
	return TR_OK;
}
