/*
 * bench/duckq.c: the embedded-DuckDB reference of bench/queries.py. Runs SQL in an in-memory
 * DuckDB linked as the proxy links it, with no wire protocol and no SQL rewriting in between:
 *   duckq SETUP REPEAT QUERY...
 * SETUP runs once (views over the lake's Parquet files); each QUERY runs once to warm up, then
 * at least REPEAT times and more while the runs add up to under a second (at most 60: as
 * benchlib.best_of_adaptive), its result fully materialized; the best wall time is printed in
 * seconds, one line per query.
 * Exit status 1 on any DuckDB error (printed on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <duckdb.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(duckdb_connection con, const char *sql, double *secs)
{
    duckdb_result res;
    double t0 = now_s();
    if (duckdb_query(con, sql, &res) == DuckDBError) {
        fprintf(stderr, "duckq: %s\n", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        return 1;
    }
    *secs = now_s() - t0;
    duckdb_destroy_result(&res);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: duckq SETUP REPEAT QUERY...\n");
        return 2;
    }
    int repeat = atoi(argv[2]);
    duckdb_database db;
    duckdb_connection con;
    if (duckdb_open(NULL, &db) == DuckDBError || duckdb_connect(db, &con) == DuckDBError) {
        fprintf(stderr, "duckq: cannot open DuckDB\n");
        return 1;
    }
    double secs = 0;
    int status = run(con, argv[1], &secs);
    for (int q = 3; q < argc && status == 0; q++) {
        status = run(con, argv[q], &secs);
        int runs = secs > 0 && 1.0 / secs < 60 ? (int)(1.0 / secs) : 60;
        if (runs < repeat)
            runs = repeat;
        double best = -1;
        for (int i = 0; i < runs && status == 0; i++) {
            status = run(con, argv[q], &secs);
            if (best < 0 || secs < best)
                best = secs;
        }
        printf("%.6f\n", best);
    }
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return status;
}
