/* The reference of bench/tips: a bare C loop doing one durable SQLite
 * insert per transaction (WAL, synchronous=FULL, like Trellis) for the
 * given seconds. Prints "bare inserts/s N". */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bare DBFILE SECONDS\n");
		return 2;
	}
	sqlite3 *db;
	sqlite3_stmt *st;
	double secs = strtod(argv[2], NULL);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			     " CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, code TEXT,"
			     " description TEXT, lat REAL, lon REAL, created_at INTEGER)",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (code, description, lat, lon, created_at)"
				   " VALUES ('ABCDEFGHJK', 'People using in the stairwell.', 48.2,"
				   " 16.37, 0)", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bare: %s\n", sqlite3_errmsg(db));
		return 2;
	}
	long n = 0;
	double start = now_s(), end = start + secs;
	while (now_s() < end) {
		/* one transaction per insert: BEGIN, INSERT, COMMIT (fsync) */
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_step(st);
		sqlite3_reset(st);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			fprintf(stderr, "bare: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		n++;
	}
	printf("bare inserts/s %.1f\n", (double)n / (now_s() - start));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}
