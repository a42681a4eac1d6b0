/* Writes what a new peer pulls from a Trellis database, answer by answer,
 * into DIR/NNNNNN.json: the bytes the baseline of bench/federation serves
 * with nginx. It registers a throw-away peer and asks fed_changes as the
 * pull handler does. usage: dump DBURL DIR (TRELLIS_SECRET_KEY set);
 * prints "records N bytes B files F". */
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/acl.h"
#include "domain/fed.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 3 || sodium_init() < 0) {
		fprintf(stderr, "usage: dump DBURL DIR\n");
		return 2;
	}
	struct db *db;
	char err[300];
	if (db_open(argv[1], 1, &db, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	db_guard_tables(db, acl_guarded_tables);
	struct db_conn *c = db_acquire(db);
	struct fed_node me;
	if (fed_node_load(c, getenv("TRELLIS_SECRET_KEY"), 1, &me, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	unsigned char pk[32], sk[64];
	char pk_hex[65], id[37];
	const char *field;
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(pk_hex, sizeof(pk_hex), pk, sizeof(pk));
	tr_uuid7(id);
	if (fed_peer_add(c, "bench-dump", "http://127.0.0.1:1", id, pk_hex, 1, &field)) {
		fprintf(stderr, "peer add failed\n");
		return 2;
	}
	struct fed_peer p;
	fed_peer_get(c, id, &p);
	long records = 0, bytes = 0, files = 0;
	int more = 1;
	int64_t after = 0;
	while (more) {
		json_t *out = NULL;
		if (fed_changes(c, &me, &p, after, FED_BUNDLE_MAX, tr_now_ms(), &out, &more)) {
			fprintf(stderr, "fed_changes failed: %s\n", db_errmsg(c));
			return 1;
		}
		char *text = json_dumps(out, JSON_COMPACT);
		json_t *b = json_loads(json_string_value(json_object_get(out, "payload")), 0, NULL);
		records += (long)json_array_size(json_object_get(b, "records"));
		after = json_integer_value(json_object_get(b, "cursor"));
		char path[4200];
		snprintf(path, sizeof(path), "%s/%06ld.json", argv[2], files++);
		FILE *f = fopen(path, "w");
		if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "cannot write %s\n", path);
			return 1;
		}
		bytes += (long)strlen(text);
		free(text);
		json_decref(b);
		json_decref(out);
	}
	fed_peer_remove(c, id);
	printf("records %ld bytes %ld files %ld\n", records, bytes, files);
	sodium_memzero(&me, sizeof(me));
	db_release(c);
	db_close(db);
	return 0;
}
