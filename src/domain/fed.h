/** Federation: this instance's node identity (an Ed25519 key pair), its
 * peers, the change feed a peer pulls (GET /fed/v1/changes) and the
 * application of a bundle pulled from a peer.
 *
 * The feed: every write of a record that travels (an alert, and the types
 * of fed_types.c) stamps it with the next number of alert_seq; a peer's
 * cursor is such a number. The records after
 * it go to the peer when they are federable (distribution federation, TLP
 * not red, not a draft, not from that peer nor of its origin, and not from
 * a peer added without pass-along); a record the delivery ledger says the
 * peer received that is no longer federable goes as a tombstone. Only the
 * origin increments a record's version; a copy keeps the origin's.
 *
 * A bundle is canonical JSON (sorted keys, compact) signed detached with
 * the sender's key; it names its sender, audience, expiry and an id that
 * is refused when seen again. Each record in it is the text its origin
 * signed, with that signature: a copy is passed along as received
 * (fed_signed), and the receiver checks it with the origin's key (the
 * sender's, a peer's, or pinned in fed_nodes on first proof). */
#ifndef TR_DOMAIN_FED_H
#define TR_DOMAIN_FED_H

#include "db/db.h"

#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

/** A request older or newer than this is refused (clock skew allowed). */
#define FED_REQUEST_SKEW_MS (300 * 1000)
/** How long a bundle may be applied after it was made. */
#define FED_BUNDLE_TTL_MS (600 * 1000)
/** Records of one bundle at most. */
#define FED_BUNDLE_MAX 2000
/** The longest long-poll. */
#define FED_WAIT_MAX_S 30

/** This node: its id and key pair. sk is secret: sodium_memzero it. */
struct fed_node {
	char node_id[37];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

/** Loads this node's identity, making it at first use when create is set.
 * The signing seed is stored in the database sealed (secretbox) with a key
 * derived from the data key (TRELLIS_SECRET_KEY, 64 hex characters), as
 * tip contacts are: the database alone does not give it away, and every
 * server process of one PostgreSQL database speaks as the same node.
 * TR_ERR_UNAVAILABLE with err set when there is no data key or it does not
 * open the seed. */
int fed_node_load(struct db_conn *c, const char *data_key_hex, int create,
		  struct fed_node *out /* OUT */, char *err, size_t errlen);
/** 64 hexadecimal characters as 32 bytes (a key): 0, or -1 when not. */
int fed_hex32(const char *hex, unsigned char out[32]);
/** The node id and public key (hex) without the data key; TR_ERR_NOT_FOUND
 * before the node exists. */
int fed_node_public(struct db_conn *c, char node_id[37] /* OUT */, char pk_hex[65] /* OUT */);

/** Pins the key of a node that is not a peer, as its operator gave it out
 * of band: before its first record arrives (else the first record that
 * proves good pins the key it offers), or after the node changed its key
 * (replace). TR_ERR_INVALID with *field ("node-id", "public-key") for a bad
 * value or this node's id; TR_ERR_CONFLICT with *field "node-id" for a peer
 * (its key is its peer entry's) or "public-key" for a node pinned to
 * another key without replace. */
int fed_node_trust(struct db_conn *c, const char *node_id, const char *pk_hex, int replace,
		   const char **field /* OUT */);
/** Pins pk_hex as the key of node_id, learnt through via (a peer's node id,
 * or "operator"), replacing any pin. */
int fed_node_pin(struct db_conn *c, const char *node_id, const char *pk_hex, const char *via);
/** Forgets a node's pinned key; TR_ERR_NOT_FOUND. */
int fed_node_forget(struct db_conn *c, const char *node_id);
/** The pinned keys, oldest first: an array of {"node_id", "public_key",
 * "via" (the peer that passed the first record, or "operator"),
 * "first_seen_at", "name" (as the peer that passed its records names it, or
 * absent)}. */
int fed_node_list(struct db_conn *c, json_t **out /* OUT */);

/** A peer: the node we pull from and that pulls from us. */
struct fed_peer {
	char node_id[37];
	char name[128];
	char url[512];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	int pass_along;
	int64_t pull_cursor;
};

/** Adds a peer; TR_ERR_INVALID with *field ("name", "url", "node-id",
 * "public-key") for a bad value, TR_ERR_CONFLICT when the name or node id
 * is taken. */
int fed_peer_add(struct db_conn *c, const char *name, const char *url, const char *node_id,
		 const char *pk_hex, int pass_along, const char **field /* OUT */);
/** Removes a peer named by name or node id; TR_ERR_NOT_FOUND. */
int fed_peer_remove(struct db_conn *c, const char *name_or_id);
/** One peer by node id; TR_ERR_NOT_FOUND. */
int fed_peer_get(struct db_conn *c, const char *node_id, struct fed_peer *out /* OUT */);
/** Every peer with its status (cursor, last success, last error, lag) as
 * a JSON array of objects. */
int fed_peer_list(struct db_conn *c, json_t **out /* OUT */);
/** The node ids of the peers, at most max; *n how many. */
int fed_peer_ids(struct db_conn *c, char (*ids)[37], int max, int *n /* OUT */);
/** Records the outcome of a pull from a peer (err NULL: a success). */
void fed_peer_note(struct db_conn *c, const char *node_id, const char *err, int64_t now);

/** The text a request to a peer signs: method, path, cursor, wait, time,
 * the requester and the audience (the node asked), one per line. */
void fed_request_text(char *out, size_t n, const char *method, const char *path, int64_t after,
		      int wait, int64_t time_ms, const char *from, const char *audience);

/** Stamps a record of a type that travels (fed_types.c: "practice",
 * "proposal", "endorsement", "activity", "sighting", "comment") with the
 * next change number, in the caller's transaction, so the feed carries its
 * write to the peers. An endorsement's id is "PROPOSAL_ID:ORG_ID". */
int fed_stamp(struct db_conn *c, const char *type, const char *id);

/** Whether the record of type is a copy of another node's (read-only
 * here: only its origin changes it). */
int fed_is_copy(struct db_conn *c, const char *type, const char *id);

/** The newest change number (alert_seq). */
int fed_head(struct db_conn *c, int64_t *seq /* OUT */);

/** The answer to a peer's pull after cursor: {"index": [...], "payload":
 * canonical bundle text, "signature": hex}. Records the deliveries in the
 * ledger and the peer's progress. *more is set when the page was full. */
int fed_changes(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
		int64_t after, int limit, int64_t now, json_t **out /* OUT */, int *more /* OUT */);

/** fed_changes as the text of the answer (*out, *len; the caller frees
 * it), written without a JSON tree of the page: what the pull handler
 * sends. */
int fed_changes_text(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
		     int64_t after, int limit, int64_t now, char **out /* OUT */,
		     size_t *len /* OUT */, int *more /* OUT */);

/** What a bundle did when applied. */
struct fed_apply_report {
	int applied, unchanged, refused;
	int64_t cursor; /* the peer's cursor after it */
	int more;
};

/** Verifies and applies one pulled answer (payload and signature) from
 * peer in one transaction, with the peer's new cursor; records refused
 * (claimed by a node that is not their origin, invalid) are left out and
 * logged. The same transaction notes the pull's success. TR_ERR_UNAUTH (bad signature),
 * TR_ERR_INVALID (malformed, another audience, expired) or TR_ERR_CONFLICT (replayed) refuse the
 * whole bundle, with the reason in err. */
int fed_bundle_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
		     const char *payload, const char *sig_hex, int64_t now,
		     struct fed_apply_report *rep /* OUT */, char *err, size_t errlen);

/** A bundle verified against its sender's signature and parsed, with each
 * record's signed text parsed too, before it is applied: a puller does this
 * for the next bundle while the current one is applied. */
struct fed_bundle;
/** fed_bundle_apply's first half, without the database: TR_ERR_UNAUTH (bad
 * signature) or TR_ERR_INVALID (malformed) with err, else *out (free with
 * fed_bundle_free). */
int fed_bundle_parse(const struct fed_peer *from, const char *payload, const char *sig_hex,
		     struct fed_bundle **out /* OUT */, char *err, size_t errlen);
/** fed_bundle_apply's second half: the bundle parsed for from (with the
 * same key) checked and applied. */
int fed_bundle_apply_parsed(struct db_conn *c, const struct fed_node *me,
			    const struct fed_peer *from, const struct fed_bundle *fb, int64_t now,
			    struct fed_apply_report *rep /* OUT */, char *err, size_t errlen);
void fed_bundle_free(struct fed_bundle *fb);

/** What a peer would receive now from cursor 0: an array of {"type",
 * "id", "op", "version", "title"}. */
int fed_preview(struct db_conn *c, const struct fed_peer *to, int limit, json_t **out /* OUT */);

/** The peers that received a record of type ("alert", "practice",
 * "proposal", "activity", "sighting", "comment", "endorsement"), for its
 * owner: an array of {"node_id", "name", "version", "op", "at",
 * "acknowledged"}. */
int fed_received_by(struct db_conn *c, const char *type, const char *id, json_t **out /* OUT */);

/** The longest node name taken from a peer, and how many one bundle names. */
#define FED_NODE_NAME_MAX 100
#define FED_NODE_NAMES_MAX 200

/** The names this node gives the origin nodes of the records of index (a
 * bundle's index) and the nodes of the members of the sharing groups of the
 * records sent (sent: the records, with their "group"), other than itself
 * and to: {node_id: name or null}, FED_NODE_NAMES_MAX at most, sent in the
 * bundle ("nodes") so that a node further on shows a readable name for a
 * node it does not peer with. */
json_t *fed_node_names(struct db_conn *c, const struct fed_node *me, const struct fed_peer *to,
		       json_t *index, json_t *sent);
/** Takes the names a bundle of from gives nodes ("nodes", may be NULL):
 * each names a node that is not a peer here (a peer's name is the
 * operator's) when it has none yet or when from is the node it was learned
 * through: a pinned node in fed_nodes, one without a key here (the node of
 * a sharing group's member) in fed_node_labels. A bad name is left out. */
int fed_node_names_learn(struct db_conn *c, const struct fed_peer *from, json_t *names);

/** How many refused records of one bundle are written to the audit log. */
#define FED_REFUSALS_AUDITED 20

/** Writes the audit entry of a record of from refused for why (the nth
 * refused of its bundle; none past FED_REFUSALS_AUDITED): action
 * "fed_refused" on the peer, the detail naming the peer, its node, the
 * reason and the record's id when it is a well-formed one. In the
 * bundle's transaction. */
int fed_refusal_audit(struct db_conn *c, const struct fed_peer *from, const char *rid,
		      const char *why, int nth, int64_t now);

struct caller;
/** The organisation of a part of the record parent_id that the caller has
 * read: type "sighting" or "comment" (id the part's, of the alert
 * parent_id; a comment only where who sees it) or "endorsement" (id the
 * endorsing organisation's, of the proposal parent_id). TR_ERR_NOT_FOUND
 * when there is none. */
int fed_child_org(struct db_conn *c, const struct caller *who, const char *type,
		  const char *parent_id, const char *id, char org[37] /* OUT */);

#endif
