/* Federation, the serving side: the change feed a peer pulls, each record
 * signed by its origin (this node's own records signed here, copies as
 * their origin signed them), the delivery ledger, the preview and "received
 * by". */
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "db/query.h"
#include "domain/acl.h"
#include "domain/alert.h"
#include "domain/fed.h"
#include "domain/fed_types.h"
#include "domain/row.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the feed ---- */

/* The columns every type's feed query has after its own (fed_types.h). */
enum {
	K_ID,
	K_ORG,
	K_SEQ,
	K_ORIGIN,
	K_FROM,
	K_DIST,
	K_GROUP,
	K_TLP,
	K_STATUS,
	K_VERSION,
	K_TITLE,
	K_ORG_NAME,
	K_ORG_KIND,
	K_ORG_COUNTRY,
	K_SENT_OP,
	K_PASS_ALONG,
	K_GROUP_HERE, /* members of its sharing group on the peer's node */
	K_KIDS	      /* how many children it has */
};

/* A feed query of type t: its own columns, then the K_ ones, at *base. */
struct feedq {
	const struct fed_type *t;
	struct db_stmt *s;
	int base;
};

#define COL(q, k) ((q)->base + (k))

/* Prepares the feed query of t for peer, with `where` on its rows (the
 * caller binds from parameter 3 on). */
static int feed_prepare(struct db_conn *c, const struct fed_type *t, const char *peer,
			const char *where, struct feedq *q)
{
	struct buf b;
	buf_init(&b, 8192);
	buf_puts(&b, "SELECT ");
	fed_type_own(t, &b);
	const char *a = t->alias;
	buf_printf(&b,
		   ", %s, %s.org_id, %s.seq, %s.origin_node, %s.received_from, %s, %s, %s, %s,"
		   " %s, %s, o.name, o.kind, o.country, d.op, rp.pass_along, (SELECT COUNT(*)"
		   " FROM sharing_group_members m JOIN organisations mo ON mo.id = m.org_id"
		   " WHERE m.group_id = %s AND mo.origin_node = ?), %s%s FROM %s %s " DB_ACL_EXEMPT
		   "%s JOIN organisations o ON o.id = %s.org_id LEFT JOIN fed_deliveries d"
		   " ON d.peer = ? AND d.record_type = '%s' AND d.record_id = %s"
		   " LEFT JOIN fed_peers rp ON rp.node_id = %s.received_from WHERE %s",
		   t->key, a, a, a, a, t->dist, t->group, t->tlp, t->status, t->version, t->title,
		   t->group, t->kids ? t->kids : "0", t->last ? t->last : "", t->table, a, t->joins,
		   a, t->name, t->key, a, where);
	int rc = b.err ? b.err : db_prepare(c, b.data, &q->s);
	buf_free(&b);
	if (rc)
		return rc;
	q->t = t;
	q->base = t->own ? 29 : (int)t->ncols;
	db_bind_text(q->s, 1, peer);
	db_bind_text(q->s, 2, peer);
	return TR_OK;
}

/* The rows of t changed in (after, upto], in order. */
static int feed_range(struct db_conn *c, const struct fed_type *t, const char *peer, int64_t after,
		      int64_t upto, struct feedq *q)
{
	char where[128];
	snprintf(where, sizeof(where), "%s.seq > ? AND %s.seq <= ? ORDER BY %s.seq", t->alias,
		 t->alias, t->alias);
	int rc = feed_prepare(c, t, peer, where, q);
	if (rc)
		return rc;
	db_bind_int64(q->s, 3, after);
	db_bind_int64(q->s, 4, upto);
	return TR_OK;
}

/* What goes to the peer for the current row: "upsert", "retract",
 * "tombstone", or NULL (nothing). */
static const char *feed_op(struct feedq *q, const char *peer)
{
	struct db_stmt *s = q->s;
	const char *origin = db_col_text(s, COL(q, K_ORIGIN)),
		   *from = db_col_text(s, COL(q, K_FROM));
	if ((origin && strcmp(origin, peer) == 0) || (from && strcmp(from, peer) == 0))
		return NULL; /* never back to where it came from, nor to its origin */
	const char *dist = db_col_text(s, COL(q, K_DIST)), *tlp = db_col_text(s, COL(q, K_TLP));
	const char *status = db_col_text(s, COL(q, K_STATUS));
	/* a sharing group's records go straight to the nodes of its members
	 * (from their origin, never passed along), and nowhere else */
	int to_group = strcmp(dist, "sharing_group") == 0 && !from && !origin &&
		       db_col_int64(s, COL(q, K_GROUP_HERE)) > 0;
	int federable = (strcmp(dist, "federation") == 0 || to_group) && strcmp(tlp, "red") != 0 &&
			strcmp(status, "draft") != 0 &&
			(!from || (!db_col_is_null(s, COL(q, K_PASS_ALONG)) &&
				   db_col_int64(s, COL(q, K_PASS_ALONG))));
	if (federable)
		return strcmp(status, "retracted") == 0 ? "retract" : "upsert";
	const char *sent = db_col_text(s, COL(q, K_SENT_OP));
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
	if (!db_prepare(c, "SELECT name, owner_org_id FROM sharing_groups WHERE id = ?", &s)) {
		db_bind_text(s, 1, group_id);
		if (db_step(s) == DB_ROW)
			g = json_pack("{s:s, s:s, s:s, s:O}", "id", group_id, "name",
				      db_col_text(s, 0), "owner", db_col_text(s, 1), "members",
				      members);
		db_done(s);
	}
	json_decref(members);
	return g ? g : json_null();
}

static json_t *feed_record(struct db_conn *c, struct feedq *q, const char *op, const char *me)
{
	struct db_stmt *s = q->s;
	const char *origin = db_col_text(s, COL(q, K_ORIGIN));
	json_t *org = json_pack("{s:s, s:s, s:s, s:s?}", "id", db_col_text(s, COL(q, K_ORG)),
				"name", db_col_text(s, COL(q, K_ORG_NAME)), "kind",
				db_col_text(s, COL(q, K_ORG_KIND)), "country",
				db_col_text(s, COL(q, K_ORG_COUNTRY)));
	json_t *r =
	    json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "type", q->t->name, "op", op, "id",
		      db_col_text(s, COL(q, K_ID)), "origin_node", origin ? origin : me, "version",
		      (json_int_t)db_col_int64(s, COL(q, K_VERSION)), "org", org);
	if (strcmp(op, "tombstone") != 0) {
		json_t *data = fed_type_data(q->t, s);
		if (data && !origin && q->t->extra) {
			json_t *more = q->t->extra(c, db_col_text(s, COL(q, K_ID)));
			json_object_update(data, more);
			json_decref(more);
		}
		json_object_set_new(r, "data", data ? data : json_null());
		if ((q->t->flags & FT_GROUP) &&
		    strcmp(db_col_text(s, COL(q, K_DIST)), "sharing_group") == 0)
			json_object_set_new(r, "group",
					    group_json(c, db_col_text(s, COL(q, K_GROUP)), me));
	}
	return r;
}

/* The children of a record the peer was sent a tombstone of: the peer drops
 * them with their parent, so the ledger says so too ("received by" of a
 * sighting, comment or endorsement). */
static int ledger_children_drop(struct db_conn *c, const char *peer, const char *type,
				const char *id, int64_t seq, int64_t now)
{
	int rc = TR_OK;
	for (size_t i = 0; i < fed_ntypes && !rc; i++) {
		const struct fed_type *t = &fed_types[i];
		if (!t->parent || strcmp(t->parent, type) != 0)
			continue;
		struct buf b;
		buf_init(&b, 512);
		buf_printf(&b,
			   "UPDATE fed_deliveries SET op = 'tombstone', seq = ?, at = ? WHERE"
			   " peer = ? AND record_type = '%s' AND op <> 'tombstone' AND record_id IN"
			   " (SELECT %s FROM %s %s " DB_ACL_EXEMPT " WHERE %s = ?)",
			   t->name, t->key, t->table, t->alias, t->parent_col);
		struct db_stmt *s;
		rc = b.err ? b.err
			   : db_prepare_vals(
				 c, b.data,
				 DB_VALS(DB_INT(seq), DB_INT(now), DB_TEXT(peer), DB_TEXT(id)), &s);
		buf_free(&b);
		if (rc)
			break;
		rc = db_step_done(s);
	}
	return rc;
}

static int ledger_put(struct db_conn *c, const char *peer, json_t *r, int64_t seq, int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(
	    c,
	    "INSERT INTO fed_deliveries (peer, record_type, record_id, version, op,"
	    " seq, at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (peer,"
	    " record_type, record_id) DO UPDATE SET version = excluded.version,"
	    " op = excluded.op, seq = excluded.seq, at = excluded.at",
	    DB_VALS(DB_TEXT(peer), DB_TEXT(json_string_value(json_object_get(r, "type"))),
		    DB_TEXT(json_string_value(json_object_get(r, "id"))),
		    DB_INT(json_integer_value(json_object_get(r, "version"))),
		    DB_TEXT(json_string_value(json_object_get(r, "op"))), DB_INT(seq), DB_INT(now)),
	    &s);
	if (rc)
		return rc;
	rc = db_step_done(s);
	const char *op = json_string_value(json_object_get(r, "op"));
	if (!rc && op && strcmp(op, "tombstone") == 0)
		rc = ledger_children_drop(c, peer, json_string_value(json_object_get(r, "type")),
					  json_string_value(json_object_get(r, "id")), seq, now);
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

/* A record going to the peer, before the page is put in order. */
struct entry {
	int64_t seq;
	size_t n;     /* the order it was found in: a parent before its children */
	json_t *wire; /* as sent: {"seq", "signed"} or an unsigned tombstone */
	json_t *rec;  /* the inner record, for the ledger */
	json_t *idx;  /* its line of the index */
};

struct page {
	struct entry *e;
	size_t n, cap;
};

static int entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* Adds the current row of q as op, signed: this node's own record signed
 * now, a copy with the text and signature of its origin. A copy without
 * them, or whose origin's text says otherwise than the ledger wants (a peer
 * no longer passed along), goes only as an unsigned tombstone, which a
 * receiver takes only from the node it had the copy from. */
static int entry_add(struct db_conn *c, const struct fed_node *me, struct feedq *q, const char *op,
		     int64_t seq, struct page *pg)
{
	struct db_stmt *s = q->s;
	json_t *r = feed_record(c, q, op, me->node_id), *sig = NULL;
	if (!r)
		return TR_ERR_NOMEM;
	if (db_col_is_null(s, COL(q, K_ORIGIN))) {
		sig = signed_mine(r, me);
	} else if ((sig = signed_get(c, q->t->name, db_col_text(s, COL(q, K_ID)),
				     db_col_text(s, COL(q, K_ORIGIN))))) {
		json_t *t = json_loads(json_string_value(json_object_get(sig, "text")), 0, NULL);
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
		return TR_OK;
	}
	if (pg->n == pg->cap) {
		size_t ncap = pg->cap ? pg->cap * 2 : 256;
		void *p = realloc(pg->e, ncap * sizeof(*pg->e));
		if (!p) {
			json_decref(r);
			json_decref(sig);
			return TR_ERR_NOMEM;
		}
		pg->e = p;
		pg->cap = ncap;
	}
	json_t *idx =
	    json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "type", json_object_get(r, "type"), "op",
		      json_object_get(r, "op"), "id", json_object_get(r, "id"), "origin_node",
		      json_object_get(r, "origin_node"), "org_id",
		      json_object_get(json_object_get(r, "org"), "id"), "version",
		      json_object_get(r, "version"));
	json_t *w = sig ? json_pack("{s:I, s:o}", "seq", (json_int_t)seq, "signed", sig)
			: json_deep_copy(r);
	if (!sig) {
		json_object_del(w, "data");
		json_object_del(w, "group");
		json_object_set_new(w, "seq", json_integer(seq));
	}
	pg->e[pg->n] = (struct entry){seq, pg->n, w, r, idx};
	pg->n++;
	return TR_OK;
}

/* A record the peer did not hold (first sent, or sent again after a
 * tombstone) takes its children along at its change number: theirs may be
 * older than the cursor (a sighting before an edit, before the widening). */
static int children_add(struct db_conn *c, const struct fed_node *me, const char *peer,
			const struct fed_type *parent, const char *parent_id, int64_t seq,
			struct page *pg)
{
	int rc = TR_OK;
	for (size_t i = 0; i < fed_ntypes && !rc; i++) {
		const struct fed_type *t = &fed_types[i];
		if (!t->parent || strcmp(t->parent, parent->name) != 0)
			continue;
		char where[128];
		snprintf(where, sizeof(where), "%s = ? ORDER BY %s.seq", t->parent_col, t->alias);
		struct feedq q;
		if ((rc = feed_prepare(c, t, peer, where, &q)))
			break;
		db_bind_text(q.s, 3, parent_id);
		while (!rc && (rc = db_step(q.s)) == DB_ROW) {
			const char *op = feed_op(&q, peer);
			rc = op && strcmp(op, "tombstone") != 0 ? entry_add(c, me, &q, op, seq, pg)
								: TR_OK;
		}
		db_done(q.s);
		rc = rc == DB_DONE || rc == TR_OK ? TR_OK : rc == DB_ROW ? TR_ERR_DB : rc;
	}
	return rc;
}

/* The change number up to which a page of at most limit rows per type
 * reads every type completely: the smallest limit-th number after `after`
 * of a type (*more then), else none (INT64_MAX). */
static int page_end(struct db_conn *c, int64_t after, int limit, int64_t *upto, int *more)
{
	*upto = INT64_MAX;
	*more = 0;
	for (size_t i = 0; i < fed_ntypes; i++) {
		const struct fed_type *t = &fed_types[i];
		char sql[256];
		snprintf(sql, sizeof(sql),
			 "SELECT %s.seq FROM %s %s " DB_ACL_EXEMPT " WHERE %s.seq > ? ORDER BY"
			 " %s.seq LIMIT 1 OFFSET ?",
			 t->alias, t->table, t->alias, t->alias, t->alias);
		struct db_stmt *s;
		int rc = db_prepare(c, sql, &s);
		if (rc)
			return rc;
		db_bind_int64(s, 1, after);
		db_bind_int64(s, 2, limit - 1);
		rc = db_step(s);
		if (rc == DB_ROW && db_col_int64(s, 0) < *upto) {
			*upto = db_col_int64(s, 0);
			*more = 1;
		}
		db_done(s);
		if (rc != DB_ROW && rc != DB_DONE)
			return TR_ERR_DB;
	}
	return TR_OK;
}

/* The records after `after` for the peer, every type in the order of its
 * change number, and the cursor they reach. records gets them as they
 * travel, index what the peer may skip by (type, op, id, origin,
 * organisation and version), sent each inner record for the ledger. */
static int feed_collect(struct db_conn *c, const struct fed_node *me, const char *peer,
			int64_t after, int limit, json_t *records, json_t *index, json_t *sent,
			int64_t *cursor, int *more)
{
	int64_t upto;
	int rc = page_end(c, after, limit, &upto, more);
	struct page pg = {NULL, 0, 0};
	int64_t last = after;
	for (size_t i = 0; i < fed_ntypes && !rc; i++) {
		struct feedq q;
		if ((rc = feed_range(c, &fed_types[i], peer, after, upto, &q)))
			break;
		while (!rc && (rc = db_step(q.s)) == DB_ROW) {
			int64_t seq = db_col_int64(q.s, COL(&q, K_SEQ));
			if (seq > last)
				last = seq;
			const char *op = feed_op(&q, peer);
			rc = TR_OK;
			if (!op)
				continue;
			const char *sent_op = db_col_text(q.s, COL(&q, K_SENT_OP));
			int fresh = strcmp(op, "tombstone") != 0 &&
				    (!sent_op || strcmp(sent_op, "tombstone") == 0) &&
				    db_col_int64(q.s, COL(&q, K_KIDS)) > 0;
			rc = entry_add(c, me, &q, op, seq, &pg);
			if (!rc && fresh)
				rc = children_add(c, me, peer, q.t, db_col_text(q.s, COL(&q, K_ID)),
						  seq, &pg);
		}
		db_done(q.s);
		rc = rc == DB_DONE || rc == TR_OK ? TR_OK : rc == DB_ROW ? TR_ERR_DB : rc;
	}
	*cursor = *more ? upto : last;
	if (pg.n)
		qsort(pg.e, pg.n, sizeof(*pg.e), entry_cmp);
	for (size_t i = 0; i < pg.n; i++) {
		json_array_append_new(records, pg.e[i].wire);
		json_array_append_new(sent, pg.e[i].rec);
		json_array_append_new(index, pg.e[i].idx);
	}
	free(pg.e);
	return rc;
}

/* One record of the bundle as it travels: a signed one written here with
 * its text escaped once (the same bytes as the canonical dump: keys in
 * order, compact), an unsigned tombstone through the dump. */
static int wire_put(struct buf *b, json_t *w)
{
	json_t *sg = json_object_get(w, "signed");
	if (!sg) {
		char *t = json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS);
		int rc = t ? buf_puts(b, t) : TR_ERR_NOMEM;
		free(t);
		return rc;
	}
	buf_printf(b, "{\"seq\":%lld,\"signed\":{\"pk\":",
		   (long long)json_integer_value(json_object_get(w, "seq")));
	buf_json_str(b, json_string_value(json_object_get(sg, "pk")));
	buf_puts(b, ",\"sig\":");
	buf_json_str(b, json_string_value(json_object_get(sg, "sig")));
	buf_puts(b, ",\"text\":");
	buf_json_str(b, json_string_value(json_object_get(sg, "text")));
	return buf_puts(b, "}}");
}

/* The canonical bundle text (sorted keys, compact) into b. */
static int bundle_text(struct buf *b, const struct fed_node *me, const struct fed_peer *to,
		       int64_t after, int64_t cursor, int more, int64_t now, json_t *nodes,
		       json_t *records)
{
	char bid[37];
	tr_uuid7(bid);
	buf_printf(b,
		   "{\"after\":%lld,\"audience\":\"%s\",\"created_at\":%lld,\"cursor\":%lld,"
		   "\"expires_at\":%lld,\"from\":\"%s\",\"id\":\"%s\",\"more\":%s,",
		   (long long)after, to->node_id, (long long)now, (long long)cursor,
		   (long long)(now + FED_BUNDLE_TTL_MS), me->node_id, bid, more ? "true" : "false");
	/* the names this node gives the origin nodes of the records (keys in
	 * order, as the rest of the canonical form) */
	char *names = nodes ? json_dumps(nodes, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (names) {
		buf_puts(b, "\"nodes\":");
		buf_puts(b, names);
		buf_puts(b, ",");
		free(names);
	} else if (nodes) {
		return TR_ERR_NOMEM;
	}
	buf_puts(b, "\"records\":[");
	size_t i;
	json_t *w;
	json_array_foreach(records, i, w)
	{
		if (i)
			buf_puts(b, ",");
		wire_put(b, w);
	}
	return buf_puts(b, "],\"v\":1}");
}

/* The feed's page for the peer in one transaction, with the ledger and the
 * peer's progress: records as they travel and their index. */
static int changes_collect(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
			   int64_t after, int limit, int64_t now, json_t *records, json_t *index,
			   json_t *sent, int64_t *cursor, int *more)
{
	int rc = db_begin(c);
	if (!rc)
		rc = feed_collect(c, me, to->node_id, after, limit, records, index, sent, cursor,
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
	struct db_stmt *s;
	if (!rc && !(rc = db_prepare(c,
				     "UPDATE fed_peers SET served_cursor = ?, last_served_at = ?"
				     " WHERE node_id = ?",
				     &s))) {
		db_bind_int64(s, 1, after);
		db_bind_int64(s, 2, now);
		db_bind_text(s, 3, to->node_id);
		rc = db_step_done(s);
	}
	if (rc || (rc = db_commit(c)))
		db_rollback(c);
	return rc;
}

int fed_changes_text(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
		     int64_t after, int limit, int64_t now, char **out, size_t *len, int *more)
{
	json_t *records = json_array(), *index = json_array(), *sent = json_array();
	int64_t cursor = after;
	*out = NULL;
	int rc = changes_collect(c, me, to, after, limit, now, records, index, sent, &cursor, more);
	struct buf payload, answer;
	buf_init(&payload, (size_t)1 << 30);
	buf_init(&answer, (size_t)1 << 30);
	char *idx = rc ? NULL : json_dumps(index, JSON_COMPACT | JSON_SORT_KEYS);
	json_t *nodes = rc ? NULL : fed_node_names(c, me, to, index, sent);
	json_decref(index);
	json_decref(sent);
	if (!rc &&
	    !(rc = bundle_text(&payload, me, to, after, cursor, *more, now, nodes, records)) &&
	    idx) {
		unsigned char sig[crypto_sign_BYTES];
		char sig_hex[2 * crypto_sign_BYTES + 1];
		crypto_sign_detached(sig, NULL, (const unsigned char *)payload.data, payload.len,
				     me->sk);
		sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
		/* cursor and more again outside the payload: unsigned hints that
		 * let the puller ask for the next page while it applies this one */
		buf_printf(&answer, "{\"cursor\":%lld,\"index\":", (long long)cursor);
		buf_puts(&answer, idx);
		buf_printf(&answer, ",\"more\":%s,\"payload\":", *more ? "true" : "false");
		buf_json_str(&answer, payload.data);
		buf_printf(&answer, ",\"signature\":\"%s\"}", sig_hex);
		if (!(rc = answer.err))
			*out = buf_detach(&answer, len);
	} else if (!rc) {
		rc = payload.err ? payload.err : TR_ERR_NOMEM;
	}
	free(idx);
	json_decref(nodes);
	json_decref(records);
	buf_free(&payload);
	buf_free(&answer);
	return rc;
}

int fed_changes(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
		int64_t after, int limit, int64_t now, json_t **out, int *more)
{
	char *text = NULL;
	size_t len = 0;
	int rc = fed_changes_text(c, me, to, after, limit, now, &text, &len, more);
	*out = rc ? NULL : json_loadb(text, len, 0, NULL);
	free(text);
	return rc ? rc : *out ? TR_OK : TR_ERR_NOMEM;
}

int fed_preview(struct db_conn *c, const struct fed_peer *to, int limit, json_t **out)
{
	json_t *items = json_array();
	int rc = TR_OK;
	for (size_t i = 0; i < fed_ntypes && !rc && (int)json_array_size(items) < limit; i++) {
		struct feedq q;
		if ((rc = feed_range(c, &fed_types[i], to->node_id, 0, INT64_MAX, &q)))
			break;
		while ((rc = db_step(q.s)) == DB_ROW && (int)json_array_size(items) < limit) {
			const char *op = feed_op(&q, to->node_id);
			if (op && strcmp(op, "tombstone") != 0)
				json_array_append_new(
				    items,
				    json_pack("{s:s, s:s, s:s, s:I, s:s}", "type", q.t->name, "id",
					      db_col_text(q.s, COL(&q, K_ID)), "op", op, "version",
					      (json_int_t)db_col_int64(q.s, COL(&q, K_VERSION)),
					      "title", db_col_text(q.s, COL(&q, K_TITLE))));
		}
		db_done(q.s);
		rc = rc == DB_DONE || rc == DB_ROW ? TR_OK : TR_ERR_DB;
	}
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return TR_OK;
}

int fed_received_by(struct db_conn *c, const char *type, const char *id, json_t **out)
{
	struct db_stmt *s;
	int rc =
	    db_prepare_vals(c,
			    "SELECT d.peer, p.name, d.version, d.op, d.at, d.seq, p.served_cursor"
			    " FROM fed_deliveries d LEFT JOIN fed_peers p ON p.node_id = d.peer"
			    " WHERE d.record_type = ? AND d.record_id = ? ORDER BY d.peer",
			    DB_VALS(DB_TEXT(type), DB_TEXT(id)), &s);
	if (rc)
		return rc;
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

/* The organisation of one part of a record, where the caller sees it: a
 * sighting is seen with its alert, a comment by its own distribution, an
 * endorsement with its proposal. */
int fed_child_org(struct db_conn *c, const struct caller *who, const char *type,
		  const char *parent_id, const char *id, char org[37])
{
	struct query q;
	query_init(&q);
	if (strcmp(type, "sighting") == 0) {
		query_text(
		    &q, "SELECT x.org_id FROM alert_sightings x " DB_ACL_EXEMPT " WHERE x.id = ?",
		    id);
		query_text(&q, " AND x.alert_id = ?", parent_id);
	} else if (strcmp(type, "comment") == 0) {
		query_text(&q, "SELECT x.org_id FROM alert_comments x WHERE x.id = ?", id);
		query_text(&q, " AND x.alert_id = ?", parent_id);
		acl_visible(&q, who, "x");
	} else if (strcmp(type, "endorsement") == 0) {
		query_text(&q, "SELECT x.org_id FROM proposal_endorsements x WHERE x.org_id = ?",
			   id);
		query_text(&q, " AND x.proposal_id = ?", parent_id);
	} else {
		query_free(&q);
		return TR_ERR_NOT_FOUND;
	}
	struct db_stmt *s;
	int rc = query_row(&q, c, &s);
	if (rc)
		return rc;
	snprintf(org, 37, "%s", db_col_text(s, 0));
	db_done(s);
	return TR_OK;
}

/* Adds the name this node gives node (a peer's name, or one it learned)
 * to names, once; neither this node nor the receiver is named (the
 * receiver names its peers itself). */
static void node_name_put(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
			  json_t *names, const char *node)
{
	struct db_stmt *s;
	if (!node || strcmp(node, me->node_id) == 0 || strcmp(node, to->node_id) == 0 ||
	    json_object_get(names, node) || json_object_size(names) >= FED_NODE_NAMES_MAX ||
	    db_prepare(c,
		       "SELECT COALESCE((SELECT p.name FROM fed_peers p WHERE p.node_id = ?),"
		       " (SELECT n.name FROM fed_nodes n WHERE n.node_id = ?), (SELECT l.name"
		       " FROM fed_node_labels l WHERE l.node_id = ?))",
		       &s))
		return;
	for (int i = 1; i <= 3; i++)
		db_bind_text(s, i, node);
	const char *name = db_step(s) == DB_ROW ? db_col_text(s, 0) : NULL;
	json_object_set_new(names, node, name ? json_string(name) : json_null());
	db_done(s);
}

/* The names this node gives the origins of the records of a page, then the
 * nodes of the members of their sharing groups, for a receiver that does
 * not peer with them: {node_id: name}, FED_NODE_NAMES_MAX at most. */
json_t *fed_node_names(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
		       json_t *index, json_t *sent)
{
	json_t *names = json_object(), *e, *m;
	size_t i, j;
	json_array_foreach(index, i, e)
	    node_name_put(c, me, to, names, json_string_value(json_object_get(e, "origin_node")));
	json_array_foreach(sent, i, e)
	{
		json_array_foreach(json_object_get(json_object_get(e, "group"), "members"), j, m)
		    node_name_put(c, me, to, names, json_string_value(json_object_get(m, "node")));
	}
	return names;
}
