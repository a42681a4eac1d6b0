/* libFuzzer target: a federation bundle as a peer's pull answers it, fed
 * to fed_bundle_apply (src/domain/fed_apply.c) without a network, on a
 * migrated SQLite database made once per process: the bundle signature,
 * the parse, the envelope checks (sender, audience, expiry, cursor,
 * replay) and each record's checks (its origin's signature and key, type,
 * op, id, organisation, sharing group, the type's clean and write).
 *
 * Arbitrary bytes rarely get past an Ed25519 signature or a node id, so
 * the first byte of the input says what the harness fixes up before the
 * rest is applied as the bundle text: bit 0 signs the bundle with the
 * peer's key (else a signature of the fuzzer's bytes, which must fail),
 * bit 1 puts the right sender, audience, expiry, cursor and a fresh id in
 * an object's envelope, bit 2 signs each record's "signed.text" with the
 * peer's key (the peer as its origin). Besides crashes and undefined
 * behaviour it checks the apply's promises: a refused bundle changes no
 * cursor, an accepted one ends at its cursor, and an unsigned bundle is
 * never accepted. */
#include "core/err.h"
#include "core/paths.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "db/db.h"
#include "domain/fed.h"

#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_fed_bundle: %s:%d: check failed: %s\n", __FILE__,    \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static struct db *db;
static struct db_conn *conn;
static struct fed_node me;
static struct fed_peer peer;
static unsigned char peer_sk[crypto_sign_SECRETKEYBYTES];
static char peer_pk_hex[65];

static void sign_hex(const char *text, char out[2 * crypto_sign_BYTES + 1])
{
	unsigned char sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), peer_sk);
	sodium_bin2hex(out, 2 * crypto_sign_BYTES + 1, sig, sizeof(sig));
}

static void setup(void)
{
	char path[128], url[200], home[4096], dir[4200], err[300];
	int applied;
	CHECK(sodium_init() >= 0);
	snprintf(path, sizeof(path), "/tmp/trellis-fuzz-fed-%d.db", (int)getpid());
	unlink(path);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	CHECK(tr_home(getenv("TRELLIS_HOME"), home, sizeof(home)) == TR_OK);
	CHECK(db_open(url, 1, &db, err, sizeof(err)) == TR_OK);
	snprintf(dir, sizeof(dir), "%s/db/migrations", home);
	CHECK(db_migrate(db, dir, &applied, err, sizeof(err)) == TR_OK);
	conn = db_acquire(db);
	tr_uuid7(me.node_id);
	crypto_sign_keypair(me.pk, me.sk);
	unsigned char ppk[crypto_sign_PUBLICKEYBYTES];
	crypto_sign_keypair(ppk, peer_sk);
	sodium_bin2hex(peer_pk_hex, sizeof(peer_pk_hex), ppk, sizeof(ppk));
	char pid[37];
	tr_uuid7(pid);
	const char *field = NULL;
	CHECK(fed_peer_add(conn, "peer", "http://127.0.0.1:9", pid, peer_pk_hex, 1, &field) ==
	      TR_OK);
	CHECK(fed_peer_get(conn, pid, &peer) == TR_OK);
}

/* The envelope the harness puts right (bit 1). */
static void envelope_fix(json_t *b, int64_t now)
{
	char id[37];
	tr_uuid7(id);
	json_object_set_new(b, "id", json_string(id));
	json_object_set_new(b, "from", json_string(peer.node_id));
	json_object_set_new(b, "audience", json_string(me.node_id));
	json_object_set_new(b, "expires_at", json_integer(now + 60000));
	json_object_set_new(b, "after", json_integer(peer.pull_cursor));
	json_t *cur = json_object_get(b, "cursor");
	if (!json_is_integer(cur) || json_integer_value(cur) < peer.pull_cursor)
		json_object_set_new(b, "cursor", json_integer(peer.pull_cursor + 1));
	if (!json_is_array(json_object_get(b, "records")))
		json_object_set_new(b, "records", json_array());
}

/* Signs each record's text as its origin, the peer (bit 2). */
static void records_sign(json_t *b)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(b, "records"), i, r)
	{
		json_t *sg = json_object_get(r, "signed");
		const char *text = json_string_value(json_object_get(sg, "text"));
		if (!text)
			continue;
		char sig[2 * crypto_sign_BYTES + 1];
		sign_hex(text, sig);
		json_object_set_new(sg, "sig", json_string(sig));
		json_object_set_new(sg, "pk", json_string(peer_pk_hex));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		setup();
	if (size < 1)
		return 0;
	unsigned flags = data[0];
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	int64_t now = tr_now_ms();
	char *payload = NULL;
	json_t *b = (flags & 6) ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (json_is_object(b)) {
		if (flags & 2)
			envelope_fix(b, now);
		if (flags & 4)
			records_sign(b);
		payload = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
	}
	json_decref(b);
	const char *p = payload ? payload : text;
	char sig[2 * crypto_sign_BYTES + 1];
	if (flags & 1)
		sign_hex(p, sig);
	else
		snprintf(sig, sizeof(sig), "%.128s", text);
	int64_t before = peer.pull_cursor;
	struct fed_apply_report rep;
	char err[256] = "";
	int rc = fed_bundle_apply(conn, &me, &peer, p, sig, now, &rep, err, sizeof(err));
	if (getenv("FUZZ_FED_VERBOSE"))
		fprintf(stderr,
			"fuzz_fed_bundle: rc %d (%s), applied %d, unchanged %d, refused %d\n", rc,
			err, rep.applied, rep.unchanged, rep.refused);
	struct fed_peer after;
	CHECK(fed_peer_get(conn, peer.node_id, &after) == TR_OK);
	if (rc) {
		CHECK(after.pull_cursor == before);
	} else {
		CHECK(flags & 1);
		CHECK(after.pull_cursor == rep.cursor && rep.cursor >= before);
		peer.pull_cursor = after.pull_cursor;
	}
	free(payload);
	free(text);
	return 0;
}
