/* The baseline's insert: reads the pulled answers (files given in order),
 * parses each bundle and inserts its records into one SQLite table in one
 * transaction, as a bare loop would. usage: bare DB FILE...; prints
 * "bare records N seconds S". */
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	if (argc < 3 || sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 2;
	double t0 = now();
	sqlite3_exec(db,
		     "PRAGMA journal_mode=WAL; CREATE TABLE r (id TEXT PRIMARY KEY, origin TEXT,"
		     " version INTEGER, title TEXT, data TEXT); BEGIN",
		     NULL, NULL, NULL);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "INSERT INTO r VALUES (?, ?, ?, ?, ?)", -1, &s, NULL);
	long n = 0;
	for (int i = 2; i < argc; i++) {
		json_t *ans = json_load_file(argv[i], 0, NULL);
		json_t *b = json_loads(json_string_value(json_object_get(ans, "payload")), 0, NULL);
		size_t k;
		json_t *w;
		json_array_foreach(json_object_get(b, "records"), k, w)
		{
			/* a record travels as the text its origin signed */
			json_t *r = json_loads(
			    json_string_value(json_object_get(json_object_get(w, "signed"), "text")), 0,
			    NULL);
			char *data = json_dumps(json_object_get(r, "data"), JSON_COMPACT);
			sqlite3_bind_text(s, 1, json_string_value(json_object_get(r, "id")), -1,
					  SQLITE_TRANSIENT);
			sqlite3_bind_text(s, 2, json_string_value(json_object_get(r, "origin_node")),
					  -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(s, 3, json_integer_value(json_object_get(r, "version")));
			sqlite3_bind_text(
			    s, 4,
			    json_string_value(json_object_get(json_object_get(r, "data"), "title")),
			    -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(s, 5, data, -1, free);
			if (sqlite3_step(s) != SQLITE_DONE)
				return 1;
			sqlite3_reset(s);
			json_decref(r);
			n++;
		}
		json_decref(b);
		json_decref(ans);
	}
	sqlite3_finalize(s);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	printf("bare records %ld seconds %.3f\n", n, now() - t0);
	return 0;
}
