/*
 * tests/fuzz/fuzz_sqlc.c: client SQL through PostgreSQL's parser and the SQL compiler
 * (proxy/sqlc_*.c) against a served catalog with tables, as every query a client sends goes.
 * fuzz_wire compiles against no catalog, so a FROM of a table ends there; fuzz_extended runs
 * whole sessions, a few hundred a second. This one compiles only, thousands a second, so the
 * compiler's name resolution, typing and rewriting of joins, subqueries, aggregates, windows
 * and set operations over real columns get the mutations.
 *
 * Input: SQL text, any number of statements. Each query compiles to exactly one DuckDB
 * statement that DuckDB's parser accepts, with result columns, or fails with a SQLSTATE; never
 * a crash, leak or hang. The first byte, when it is
 * not printable, picks the session (search path, TimeZone, DateStyle) and is not SQL.
 *
 * The catalog is tests/fuzz/sqlc_catalog.json (make_sqlc_catalog.py trims it from the catalog
 * a mirror of the end-to-end corpus fixture writes): the fixture's tables and types, with
 * pg_catalog's rows. Both runners start in the repository's root, where the path is relative.
 * Seeds: the end-to-end corpus's statements, a few to a file (make_seeds.py).
 */
#include "proxy/pgcat_internal.h"
#include "proxy/proxy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATALOG_PATH "tests/fuzz/sqlc_catalog.json"
#define MAX_SQL ((size_t)64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static proxy_pgcat_t *catalog(void)
{
    static proxy_pgcat_t *cat;
    if (cat)
        return cat;
    FILE *f = fopen(CATALOG_PATH, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_sqlc: cannot open %s (run from the repository's root)\n",
                CATALOG_PATH);
        abort();
    }
    am_buf_t b;
    am_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        am_buf_append(&b, chunk, n);
    fclose(f);
    am_err_t err = {0};
    cat = proxy__pgcat_parse(b.data, b.len, &err);
    am_buf_destroy(&b);
    if (!cat) {
        fprintf(stderr, "fuzz_sqlc: %s: %s\n", CATALOG_PATH, err.msg);
        abort();
    }
    /* the fixture's tables are mirrored, as the server marks them once their data is loaded */
    for (size_t i = 0; i < proxy__pgcat_n_rels(cat); i++) {
        const proxy_pgrel_t *r = proxy__pgcat_rel_at(cat, i);
        if (r->relkind == 'r' && strcmp(r->nspname, "pg_catalog") != 0 &&
            strcmp(r->nspname, "information_schema") != 0)
            (void)proxy__pgcat_serve(cat, r->nspname, r->name);
    }
    return cat;
}

static const char *const PATHS[] = {"\"$user\", public", "sales, public", "pg_catalog",
                                    "public, sales"};
static const char *const ZONES[] = {"UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Berlin"};
static const char *const STYLES[] = {"ISO, MDY", "SQL, DMY", "German, DMY", "Postgres, YMD"};
static const char *const IVSTYLES[] = {"postgres", "iso_8601", "sql_standard", "postgres_verbose"};

/* The settings a session would answer current_setting() and SHOW with. */
static const char *setting(void *ud, const char *name)
{
    const proxy_sqlenv_t *env = ud;
    if (strcmp(name, "TimeZone") == 0 || strcmp(name, "timezone") == 0)
        return env->timezone;
    if (strcmp(name, "DateStyle") == 0 || strcmp(name, "datestyle") == 0)
        return env->datestyle;
    if (strcmp(name, "search_path") == 0)
        return env->search_path;
    if (strcmp(name, "server_version_num") == 0)
        return "150000";
    return NULL;
}

/* FUZZ_SQLC_VERBOSE=1: each statement's outcome on stderr (to check seeds and the catalog) */
static void report(const char *what, const char *detail)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FUZZ_SQLC_VERBOSE") != NULL;
    if (verbose)
        fprintf(stderr, "%s %s\n", what, detail);
}

/* What the compiler writes is exactly one statement that DuckDB's parser accepts: a quote or
 * comment the compiler let through from the client would show as a second statement or as a
 * parse error here, long before it could become an injection (nothing is bound or run). */
static void one_statement(const char *duck_sql)
{
    static duckdb_database db;
    static duckdb_connection con;
    if (!db && (duckdb_open(NULL, &db) == DuckDBError || duckdb_connect(db, &con) == DuckDBError))
        abort();
    duckdb_extracted_statements ex = NULL;
    idx_t n = duckdb_extract_statements(con, duck_sql, &ex);
    /* a deep tree's SQL is as deep: DuckDB's parser refuses it, and so does the server
     * (duckerr.c: 54001), which is not the compiler's fault */
    const char *why = n ? NULL : duckdb_extract_statements_error(ex);
    if (why && (strstr(why, "Max expression depth") || strstr(why, "memory exhausted")))
        n = 1;
    if (n != 1) {
        fprintf(stderr, "fuzz_sqlc: the compiler wrote %llu statements (%s):\n%s\n",
                (unsigned long long)n, n ? "more than one" : duckdb_extract_statements_error(ex),
                duck_sql);
        abort();
    }
    duckdb_destroy_extracted(&ex);
}

/* $1..$6 as pgjdbc and Npgsql declare them: text, int4, int8, numeric, timestamptz, bool */
static const uint32_t DECLARED[] = {25, 23, 20, 1700, 1184, 16};

static void compile_one(const proxy_sqlenv_t *env, const struct PgQuery__Node *stmt,
                        const uint32_t *oids, size_t n_oids)
{
    am_err_t err = {0};
    proxy_sqlquery_t q;
    if (proxy__sql_compile(env, stmt, oids, n_oids, &q, &err)) {
        AM_ASSERT(q.duck_sql != NULL);
        one_statement(q.duck_sql);
        if (q.duck_sql_wide)
            one_statement(q.duck_sql_wide);
        if (q.param_check)
            one_statement(q.param_check);
        for (size_t k = 0; k < q.n_cols; k++)
            AM_ASSERT(q.cols[k].name != NULL);
        proxy__sql_query_destroy(&q);
        report("ok", "");
    } else {
        AM_ASSERT(err.sqlstate[0] != '\0' && err.msg[0] != '\0');
        report(err.sqlstate, err.msg);
    }
}

static void compile_all(const proxy_sqlenv_t *env, const char *sql)
{
    proxy_sqlparse_t parse;
    am_err_t err = {0};
    int pos = 0;
    if (!proxy__sql_parse(sql, &parse, &pos, &err)) {
        AM_ASSERT(err.sqlstate[0] != '\0');
        report(err.sqlstate, err.msg);
        return;
    }
    for (size_t i = 0; i < parse.n_stmts; i++) {
        proxy_stmt_kind_t kind;
        memset(&err, 0, sizeof err);
        if (!proxy__stmt_kind(parse.stmts[i].node, &kind, &err) || kind != PROXY_STMT_QUERY)
            continue;
        compile_one(env, parse.stmts[i].node, NULL, 0);
        /* a statement with parameters also as a driver that declares their types sends it */
        if (strchr(sql, '$'))
            compile_one(env, parse.stmts[i].node, DECLARED, sizeof DECLARED / sizeof DECLARED[0]);
    }
    proxy__sql_parse_destroy(&parse);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_SQL)
        return 0;
    unsigned pick = 0;
    if (size > 0 && (data[0] < 0x20 || data[0] >= 0x7f) && data[0] != '\n' && data[0] != '\t') {
        pick = data[0];
        data++;
        size--;
    }
    char *sql = malloc(size + 1);
    memcpy(sql, data, size);
    sql[size] = '\0';
    proxy_sqlenv_t env = {.cat = catalog(),
                          .search_path = PATHS[pick % 4],
                          .user = "am_test",
                          .database = "e2e_rqg",
                          .timezone = ZONES[(pick / 4) % 4],
                          .datestyle = STYLES[(pick / 16) % 4],
                          .intervalstyle = IVSTYLES[(pick / 64) % 4],
                          .extra_float_digits = 1,
                          .backend_pid = 4242,
                          .tx_start_us = 760000000000000,
                          .stmt_start_us = 760000000000000,
                          .server_start_us = 759000000000000,
                          .server_port = 5433,
                          .setting = setting};
    env.setting_ud = &env;
    compile_all(&env, sql);
    free(sql);
    return 0;
}
