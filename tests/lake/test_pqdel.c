/*
 * tests/lake/test_pqdel.c: the position delete file we write ourselves reads back in DuckDB
 * row for row, with Iceberg's field ids and types, across several row groups and many paths
 * (dictionary indices wider than a byte); a writer given up leaves no file; one that cannot
 * create its file says which.
 */
#include "lake/lake_internal.h"

#include "lake_test.h"

#include <sys/stat.h>
#include <unistd.h>

/* Row i of the test file: path number i / per_path, pos grows with gaps and big values. */
static int64_t test_pos(int64_t i)
{
    return (i % 3 == 0) ? i * 7 : (INT64_C(1) << 40) + i;
}

static void write_file(const char *abs, char **paths, int64_t n, int64_t per_path,
                       int64_t group_rows)
{
    lake__del_writer_t d;
    am_err_t err = {0};
    cr_assert(lake__del_writer_begin(&d, abs, &err), "%s", err.msg);
    d.group_rows = group_rows;
    for (int64_t i = 0; i < n; i++)
        cr_assert(lake__del_writer_add(&d, paths[i / per_path], test_pos(i), &err), "%s", err.msg);
    cr_assert_str_eq(d.first, paths[0]);
    cr_assert_str_eq(d.last, paths[(n - 1) / per_path]);
    cr_assert(lake__del_writer_finish(&d, &err), "%s", err.msg);
}

static void check_file(duckdb_connection con, const char *abs, char **paths, int64_t n,
                       int64_t per_path)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM read_parquet('%s')", abs);
    cr_assert_eq(lt_query_int(con, sql), n);
    /* every row where it was written, in order */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM (SELECT file_path, pos, file_row_number AS r FROM "
             "read_parquet('%s', file_row_number = true)) WHERE pos <> CASE WHEN r %% 3 = 0 "
             "THEN r * 7 ELSE (1::BIGINT << 40) + r END OR file_path <> "
             "'file:///w/t/data/p' || lpad((r // %lld)::VARCHAR, 5, '0') || '.parquet'",
             abs, (long long)per_path);
    cr_assert_eq(lt_query_int(con, sql), 0, "rows differ from what was written");
    snprintf(sql, sizeof sql,
             "SELECT string_agg(name || ':' || type || ':' || field_id::VARCHAR || ':' || "
             "repetition_type, ',' ORDER BY name) FROM parquet_schema('%s') WHERE field_id IS "
             "NOT NULL",
             abs);
    char *schema = lt_query_text(con, sql);
    cr_assert_str_eq(schema,
                     "file_path:BYTE_ARRAY:2147483546:REQUIRED,pos:INT64:2147483545:REQUIRED");
    free(schema);
    snprintf(sql, sizeof sql, "SELECT typeof(file_path) FROM read_parquet('%s') LIMIT 1", abs);
    char *type = lt_query_text(con, sql);
    cr_assert_str_eq(type, "VARCHAR");
    free(type);
    (void)paths;
}

Test(lake, a_delete_file_we_write_reads_back_in_duckdb)
{
    char *dir = amt_tmpdir("pqdel");
    enum { N_PATHS = 700 };
    char *paths[N_PATHS];
    for (int i = 0; i < N_PATHS; i++) {
        char p[64];
        snprintf(p, sizeof p, "file:///w/t/data/p%05d.parquet", i);
        paths[i] = strdup(p);
    }
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    struct {
        int64_t n, per_path, group_rows;
    } cases[] = {
        {1, 1, LAKE_DEL_GROUP_ROWS},           /* one row */
        {600, 600, LAKE_DEL_GROUP_ROWS},       /* one path: a flush's usual file */
        {350000, 500, 100000},                 /* 700 paths (9-bit indices), 4 row groups */
        {300000, 300000, LAKE_DEL_GROUP_ROWS}, /* pos across pages */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char abs[512];
        snprintf(abs, sizeof abs, "%s/d%zu-deletes.parquet", dir, c);
        write_file(abs, paths, cases[c].n, cases[c].per_path, cases[c].group_rows);
        check_file(con, abs, paths, cases[c].n, cases[c].per_path);
    }
    char sql[600];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM parquet_metadata('%s/d2-deletes.parquet') WHERE path_in_schema "
             "= 'file_path'",
             dir);
    cr_assert_eq(lt_query_int(con, sql), 4, "row groups");

    /* given up: no file; cannot create: named */
    char abs[512];
    snprintf(abs, sizeof abs, "%s/abandoned-deletes.parquet", dir);
    lake__del_writer_t d;
    am_err_t err = {0};
    cr_assert(lake__del_writer_begin(&d, abs, &err));
    cr_assert(lake__del_writer_add(&d, paths[0], 1, &err));
    lake__del_writer_abort(&d);
    struct stat st;
    cr_assert_neq(stat(abs, &st), 0, "an abandoned delete file stays behind");
    snprintf(abs, sizeof abs, "%s/no/such/dir/x-deletes.parquet", dir);
    cr_assert_not(lake__del_writer_begin(&d, abs, &err));
    cr_assert(strstr(err.msg, "no/such/dir") != NULL, "%s", err.msg);

    duckdb_disconnect(&con);
    duckdb_close(&db);
    for (int i = 0; i < N_PATHS; i++)
        free(paths[i]);
    free(dir);
}
