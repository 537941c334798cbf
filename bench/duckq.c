/*
 * bench/duckq.c: the embedded-DuckDB reference of bench/queries.py. Runs SQL in an in-memory
 * DuckDB linked as the proxy links it, with no wire protocol and no SQL rewriting in between:
 *   duckq SETUP QUERY...
 * SETUP runs once (views over the lake's Parquet files). Then each line read from stdin names a
 * query by its index (0 for the first QUERY): it runs once, its result fully materialized, and
 * its wall time is printed in seconds on a line of its own, at once. The caller decides how
 * often to run what, so that DuckDB's runs and the proxy's can take turns one by one.
 * Exit status 1 on any DuckDB error (printed on stderr), 2 on a bad index; 0 at the end of stdin.
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
    if (argc < 2) {
        fprintf(stderr, "usage: duckq SETUP QUERY... < indexes\n");
        return 2;
    }
    duckdb_database db;
    duckdb_connection con;
    if (duckdb_open(NULL, &db) == DuckDBError || duckdb_connect(db, &con) == DuckDBError) {
        fprintf(stderr, "duckq: cannot open DuckDB\n");
        return 1;
    }
    double secs = 0;
    int status = run(con, argv[1], &secs);
    char line[64];
    while (status == 0 && fgets(line, sizeof line, stdin)) {
        char *end;
        long q = strtol(line, &end, 10);
        if (end == line || q < 0 || q >= argc - 2) {
            fprintf(stderr, "duckq: no query %s", line);
            status = 2;
            break;
        }
        status = run(con, argv[q + 2], &secs);
        if (status == 0) {
            printf("%.6f\n", secs);
            fflush(stdout);
        }
    }
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return status;
}
