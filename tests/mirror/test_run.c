/*
 * tests/mirror/test_run.c: the write path end to end (mirror_run on a thread against the suite's
 * PostgreSQL): every PostgreSQL type through the initial copy and through the stream lands in
 * the Iceberg type docs/pgface.md section 2 gives it, with its PostgreSQL type in the field's
 * doc, and reads back exactly through DuckDB and icebird; values the lake cannot hold stop the
 * write path with an error naming the table, the column and the value.
 */
#include <pthread.h>

#include "lake/lake_internal.h" /* the table metadata, as the lake parses it */
#include "../lake/lake_test.h"
#include "../source/source_test.h"
#include "mirror/mirror.h"

#define DEADLINE_MS 60000

typedef struct runner {
    mirror_t *m;
    atomic_bool stop;
    bool ok;
    am_err_t err;
    pthread_t thread;
} runner_t;

static void *run_thread(void *ud)
{
    runner_t *r = ud;
    r->ok = mirror_run(r->m, &r->stop, &r->err);
    return NULL;
}

static void runner_start(runner_t *r, const char *db, const source_table_ref_t *tables,
                         const char *warehouse)
{
    memset(r, 0, sizeof *r);
    mirror_options_t o = {
        .source = srct_options(db, tables, 1), .warehouse = warehouse, .flush_interval_ms = 50};
    r->m = mirror_new(&o);
    atomic_init(&r->stop, false);
    cr_assert_eq(pthread_create(&r->thread, NULL, run_thread, r), 0);
}

static void runner_join(runner_t *r)
{
    atomic_store(&r->stop, true);
    pthread_join(r->thread, NULL);
    mirror_free(r->m);
}

static bool is_streaming(void *ud)
{
    mirror_status_t st;
    mirror_status(((runner_t *)ud)->m, &st);
    return st.phase == MIRROR_STREAMING || st.phase == MIRROR_FAILED;
}

static bool has_stopped(void *ud)
{
    mirror_status_t st;
    mirror_status(((runner_t *)ud)->m, &st);
    return st.phase == MIRROR_FAILED || st.phase == MIRROR_STOPPED;
}

/* ---- the table of every type ------------------------------------------------------------ */

#define ALL_TYPES_DDL                                                                              \
    "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN posint AS int CHECK (VALUE > 0); "      \
    "CREATE DOMAIN tags AS text[]; "                                                               \
    "CREATE TABLE t (id int PRIMARY KEY, i2 int2, vc varchar(10), bp char(3), n numeric, "         \
    "n10 numeric(10,2), n40 numeric(40,5), u uuid, js json, jb jsonb, ia int4[], ta text[], "      \
    "na numeric(8,2)[], dt date, ts timestamp, tz timestamptz, iv interval, m mood, pi posint, "   \
    "dtg tags, tt timetz, ip inet, mo money, b3 bit(3))"

/* Row 1: every value set, infinities; row 2: empty arrays, the range's ends, NULLs. */
#define ALL_TYPES_ROWS                                                                             \
    "INSERT INTO t VALUES (%d, -32768, 'h\u00e9llo', 'ab', 'NaN', 12345678.91, "                   \
    "123456789012345678901234567890123.12345, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "            \
    "'{\"b\": 1,  \"a\": [1,2]}', '{\"b\": 1, \"a\": [1,2]}', '{1,NULL,-3}', "                     \
    "ARRAY['a \"q\"', NULL, '', 'NULL', 'x,y', E'back\\\\slash'], '{1.50,NULL,-0.01}', "           \
    "'infinity', '-infinity', 'infinity', '1 year 2 mons 3 days 04:05:06.789', 'ok', 7, "          \
    "'{\"a b\",NULL}', '12:34:56.789+05:30', '192.168.0.1/24', 1234.56, B'101'), "                 \
    "(%d, NULL, '', NULL, '-Infinity', NULL, NULL, NULL, NULL, NULL, '{}', '{}', NULL, "           \
    "'4714-11-24 BC', '294247-01-10 04:00:54.775806', '2000-01-01 00:00:00+00', NULL, NULL, "      \
    "NULL, '{}', NULL, NULL, NULL, NULL)"

static const char *const ROW_1[] = {
    "-32768",
    "h\u00e9llo",
    "ab ",
    "NaN",
    "12345678.91",
    "123456789012345678901234567890123.12345",
    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    "{\"b\": 1,  \"a\": [1,2]}",
    "{\"a\": [1, 2], \"b\": 1}",
    "[1,null,-3]",
    "[\"a \\\"q\\\"\",null,\"\",\"NULL\",\"x,y\",\"back\\\\slash\"]",
    "[1.50, NULL, -0.01]",
    "infinity",
    "-infinity",
    "infinity",
    "1 year 2 mons 3 days 04:05:06.789",
    "ok",
    "7",
    "[\"a b\",null]",
    "12:34:56.789+05:30",
    "192.168.0.1/24",
    "$1,234.56",
    "101",
};

static const char *const ROW_2[] = {
    "NULL",
    "",
    "NULL",
    "-Infinity",
    "NULL",
    "NULL",
    "NULL",
    "NULL",
    "NULL",
    "[]",
    "[]",
    "NULL",
    "4714-11-24 (BC)",
    "294247-01-10 04:00:54.775806",
    "2000-01-01 00:00:00+00",
    "NULL",
    "NULL",
    "NULL",
    "[]",
    "NULL",
    "NULL",
    "NULL",
    "NULL",
};

/* Each column as DuckDB text: lists of text as JSON (exact quoting), the rest cast. */
static const char *const COL_TEXT[] = {
    "i2::VARCHAR",
    "vc",
    "bp",
    "n",
    "n10::VARCHAR",
    "n40",
    "u::VARCHAR",
    "js",
    "jb",
    "to_json(ia)::VARCHAR",
    "to_json(ta)::VARCHAR",
    "na::VARCHAR",
    "dt::VARCHAR",
    "ts::VARCHAR",
    "tz::VARCHAR",
    "iv",
    "m",
    "pi::VARCHAR",
    "to_json(dtg)::VARCHAR",
    "tt",
    "ip",
    "mo",
    "b3",
};
#define N_VALUE_COLS 23

/* Rows of the table at the watermark's snapshot; -1 while there is no watermark. */
static int64_t lake_rows(const char *warehouse, char **plan_out)
{
    lake_watermark_t wm;
    bool found = false;
    am_err_t err = {0};
    if (!lake_watermark_read(warehouse, &wm, &found, &err) || !found)
        return -1;
    int64_t snap = wm.n_tables ? wm.tables[0].snapshot_id : -1;
    lake_watermark_destroy(&wm);
    am_buf_t plan;
    am_buf_init(&plan);
    cr_assert(lake_read_plan(warehouse, "public", "t", snap, &plan, &err), "%s", err.msg);
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *sql = NULL;
    cr_assert(asprintf(&sql, "SELECT count(*) FROM (%s)", plan.data) > 0);
    long long n = lt_query_int(con, sql);
    free(sql);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    if (plan_out)
        *plan_out = am_buf_steal(&plan, NULL);
    am_buf_destroy(&plan);
    return n;
}

typedef struct lake_probe {
    const char *warehouse;
    int64_t want_rows;
} lake_probe_t;

static bool lake_has_rows(void *ud)
{
    lake_probe_t *p = ud;
    return lake_rows(p->warehouse, NULL) == p->want_rows;
}

/* expr of row id, at the watermark, is want. */
typedef struct value_probe {
    const char *warehouse;
    int id;
    const char *expr;
    const char *want;
} value_probe_t;

static bool lake_has_value(void *ud)
{
    value_probe_t *p = ud;
    char *plan = NULL;
    if (lake_rows(p->warehouse, &plan) < 0)
        return false;
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *sql = NULL;
    cr_assert(asprintf(&sql, "SELECT %s FROM (%s) WHERE id = %d", p->expr, plan, p->id) > 0);
    char *got = lt_query_text(con, sql);
    bool same = strcmp(got, p->want) == 0;
    free(got);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return same;
}

/* Row id's columns as DuckDB reads them through the lake's plan. */
static void expect_row(duckdb_connection con, const char *plan, int id, const char *const *want)
{
    for (size_t c = 0; c < N_VALUE_COLS; c++) {
        char *q = NULL;
        cr_assert(asprintf(&q, "SELECT coalesce((%s), 'NULL') FROM (%s) WHERE id = %d", COL_TEXT[c],
                           plan, id) > 0);
        char *got = lt_query_text(con, q);
        cr_assert_str_eq(got, want[c], "row %d: %s", id, COL_TEXT[c]);
        free(got);
        free(q);
    }
}

static const struct {
    const char *name;
    const char *type; /* the Iceberg type as compact JSON */
    const char *doc;  /* NULL for the types the test creates: pg:<their OID>:-1:public.<name> */
} SCHEMA[] = {
    {"id", "\"int\"", "pg:23:-1:integer"},
    {"i2", "\"int\"", "pg:21:-1:smallint"},
    {"vc", "\"string\"", "pg:1043:14:character varying(10)"},
    {"bp", "\"string\"", "pg:1042:7:character(3)"},
    {"n", "\"string\"", "pg:1700:-1:numeric"},
    {"n10", "\"decimal(10,2)\"", "pg:1700:655366:numeric(10,2)"},
    {"n40", "\"string\"", "pg:1700:2621449:numeric(40,5)"},
    {"u", "\"uuid\"", "pg:2950:-1:uuid"},
    {"js", "\"string\"", "pg:114:-1:json"},
    {"jb", "\"string\"", "pg:3802:-1:jsonb"},
    {"ia", "{\"type\":\"list\",\"element-id\":25,\"element\":\"int\",\"element-required\":false}",
     "pg:1007:-1:integer[]"},
    {"ta",
     "{\"type\":\"list\",\"element-id\":26,\"element\":\"string\",\"element-required\":false}",
     "pg:1009:-1:text[]"},
    {"na",
     "{\"type\":\"list\",\"element-id\":27,\"element\":\"decimal(8,2)\",\"element-required\":"
     "false}",
     "pg:1231:524294:numeric(8,2)[]"},
    {"dt", "\"date\"", "pg:1082:-1:date"},
    {"ts", "\"timestamp\"", "pg:1114:-1:timestamp without time zone"},
    {"tz", "\"timestamptz\"", "pg:1184:-1:timestamp with time zone"},
    {"iv", "\"string\"", "pg:1186:-1:interval"},
    {"m", "\"string\"", NULL},
    {"pi", "\"int\"", NULL},
    {"dtg",
     "{\"type\":\"list\",\"element-id\":28,\"element\":\"string\",\"element-required\":false}",
     NULL},
    {"tt", "\"string\"", "pg:1266:-1:time with time zone"},
    {"ip", "\"string\"", "pg:869:-1:inet"},
    {"mo", "\"string\"", "pg:790:-1:money"},
    {"b3", "\"string\"", "pg:1560:3:bit(3)"},
};

static uint32_t type_oid(PGconn *c, const char *name)
{
    char *v = amt_pg_value(c, "SELECT '%s'::regtype::oid", name);
    uint32_t oid = (uint32_t)strtoul(v, NULL, 10);
    free(v);
    return oid;
}

/* The current schema of the table's newest metadata: types, element ids and docs. */
static void expect_schema(PGconn *c, const char *warehouse)
{
    char table[600];
    snprintf(table, sizeof table, "%s/public/t", warehouse);
    lake__meta_t m;
    am_err_t err = {0};
    cr_assert(lake__meta_load_dir(table, &m, &err), "%s", err.msg);
    cr_assert_eq(m.last_column_id, 28, "24 columns, then 4 list elements");
    json_t *schema = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(m.root, "schemas"), i, v)
    {
        if (json_integer_value(json_object_get(v, "schema-id")) == m.schema_id)
            schema = v;
    }
    json_t *fields = json_object_get(schema, "fields");
    cr_assert_eq(json_array_size(fields), AM_ARRAY_LEN(SCHEMA));
    for (i = 0; i < AM_ARRAY_LEN(SCHEMA); i++) {
        json_t *f = json_array_get(fields, i);
        cr_assert_str_eq(json_string_value(json_object_get(f, "name")), SCHEMA[i].name);
        char *type = json_dumps(json_object_get(f, "type"), JSON_COMPACT | JSON_ENCODE_ANY);
        cr_assert_str_eq(type, SCHEMA[i].type, "%s", SCHEMA[i].name);
        free(type);
        char doc[128];
        const char *user = strcmp(SCHEMA[i].name, "m") == 0    ? "mood"
                           : strcmp(SCHEMA[i].name, "pi") == 0 ? "posint"
                                                               : "tags";
        if (SCHEMA[i].doc)
            snprintf(doc, sizeof doc, "%s", SCHEMA[i].doc);
        else
            snprintf(doc, sizeof doc, "pg:%u:-1:public.%s", type_oid(c, user), user);
        cr_assert_str_eq(json_string_value(json_object_get(f, "doc")), doc, "%s", SCHEMA[i].name);
    }
    lake__meta_destroy(&m);
}

/* icebird reads the same values (uuid as its 16 bytes; JavaScript dates end before DuckDB's
 * infinities). */
static void expect_icebird(const char *warehouse)
{
    char out[600];
    snprintf(out, sizeof out, "%s/icebird.json", warehouse);
    cr_assert_eq(amt_system("node %s/tests/lake/icebird_read.mjs %s/public/t > %s", amt_root(),
                            warehouse, out),
                 0, "icebird failed to read the table");
    json_error_t jerr;
    json_t *j = json_load_file(out, 0, &jerr);
    cr_assert_not_null(j, "%s", jerr.text);
    cr_assert_eq(json_integer_value(json_object_get(j, "rows")), 4);
    for (size_t r = 0; r < 4; r += 2) { /* rows 1 and 3: the copied and the streamed one */
        json_t *row = json_array_get(json_object_get(j, "data"), r);
        char *got = json_dumps(row, JSON_COMPACT | JSON_SORT_KEYS);
        const char *want[] = {
            "\"u\":\"a0eebc999c0b4ef8bb6d6bb9bd380a11\"",
            "\"ia\":[1,null,-3]",
            "\"ta\":[\"a \\\"q\\\"\",null,\"\",\"NULL\",\"x,y\",\"back\\\\slash\"]",
            "\"na\":[1.5,null,-0.01]",
            "\"dtg\":[\"a b\",null]",
            "\"i2\":-32768",
            "\"mo\":\"$1,234.56\"",
            "\"dt\":\"invalid date\"",
        };
        for (size_t k = 0; k < AM_ARRAY_LEN(want); k++)
            cr_assert(strstr(got, want[k]), "icebird row %zu lacks %s: %s", r + 1, want[k], got);
        free(got);
    }
    json_decref(j);
}

Test(mirror, every_type_through_copy_and_stream)
{
    amt_create_db("mirror_types");
    PGconn *c = amt_pg_connect("mirror_types");
    amt_pg_exec(c, ALL_TYPES_DDL);
    amt_pg_exec(c, ALL_TYPES_ROWS, 1, 2);
    char *warehouse = amt_tmpdir("mirror_types");
    source_table_ref_t tables[] = {{"public", "t"}};
    runner_t r;
    runner_start(&r, "mirror_types", tables, warehouse);
    lake_probe_t copied = {.warehouse = warehouse, .want_rows = 2};
    cr_assert(amt_wait_until(lake_has_rows, &copied, DEADLINE_MS), "the initial copy");
    /* the same values again, through pgoutput's text tuples */
    amt_pg_exec(c, ALL_TYPES_ROWS, 3, 4);
    lake_probe_t streamed = {.warehouse = warehouse, .want_rows = 4};
    cr_assert(amt_wait_until(lake_has_rows, &streamed, DEADLINE_MS), "the streamed rows");
    /* a TOASTed array left unchanged by an UPDATE comes back from the lake's Parquet list */
    amt_pg_exec(c, "UPDATE t SET ta = (SELECT array_agg(md5(g::text)) FROM "
                   "generate_series(1, 3000) g) WHERE id = 5 - 1");
    value_probe_t toasted = {warehouse, 4, "len(ta)", "3000"};
    cr_assert(amt_wait_until(lake_has_value, &toasted, DEADLINE_MS), "the long array");
    amt_pg_exec(c, "UPDATE t SET i2 = 9 WHERE id = 4");
    value_probe_t kept = {warehouse, 4, "i2 || ':' || len(ta) || ':' || (ta[3000] = md5('3000'))",
                          "9:3000:true"};
    cr_assert(amt_wait_until(lake_has_value, &kept, DEADLINE_MS), "the unchanged array");
    amt_pg_exec(c, "UPDATE t SET i2 = NULL, ta = '{}' WHERE id = 4");
    value_probe_t back = {warehouse, 4, "len(ta)", "0"};
    cr_assert(amt_wait_until(lake_has_value, &back, DEADLINE_MS), "row 4 as it was");
    runner_join(&r);
    cr_assert(r.ok, "%s %s", r.err.sqlstate, r.err.msg);

    char *plan = NULL;
    cr_assert_eq(lake_rows(warehouse, &plan), 4);
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    free(lt_query_text(con, "SET TimeZone = 'UTC'"));
    expect_row(con, plan, 1, ROW_1);
    expect_row(con, plan, 2, ROW_2);
    expect_row(con, plan, 3, ROW_1);
    expect_row(con, plan, 4, ROW_2);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    free(plan);
    expect_schema(c, warehouse);
    expect_icebird(warehouse);
    amt_pg_exec(c, "SELECT pg_drop_replication_slot('mirror_types_slot')");
    PQfinish(c);
    free(warehouse);
}

/* A value the lake cannot hold, arriving through the stream, stops the write path naming the
 * table, the column and the value; nothing of its transaction reaches the lake. */
Test(mirror, unholdable_streamed_values_stop_the_write_path)
{
    static const struct {
        const char *type, *value, *sqlstate;
    } cases[] = {
        {"numeric(10,2)", "NaN", "22003"},
        {"int4[]", "{{1,2},{3,4}}", "0A000"},
        {"timestamptz", "294276-12-31 23:59:59+00", "22008"},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(cases); i++) {
        amt_create_db("mirror_unheld");
        PGconn *c = amt_pg_connect("mirror_unheld");
        amt_pg_exec(c,
                    "CREATE TABLE t (id int PRIMARY KEY, bad %s); INSERT INTO t VALUES (1, NULL)",
                    cases[i].type);
        char *warehouse = amt_tmpdir("mirror_unheld");
        source_table_ref_t tables[] = {{"public", "t"}};
        runner_t r;
        runner_start(&r, "mirror_unheld", tables, warehouse);
        cr_assert(amt_wait_until(is_streaming, &r, DEADLINE_MS), "streaming");
        amt_pg_exec(c, "INSERT INTO t VALUES (2, '%s')", cases[i].value);
        cr_assert(amt_wait_until(has_stopped, &r, DEADLINE_MS), "the write path stops");
        runner_join(&r);
        cr_assert_not(r.ok, "%s was mirrored", cases[i].value);
        cr_assert_str_eq(r.err.sqlstate, cases[i].sqlstate, "%s", r.err.msg);
        cr_assert(strstr(r.err.msg, "public.t") && strstr(r.err.msg, "bad") &&
                      strstr(r.err.msg, cases[i].value),
                  "%s", r.err.msg);
        cr_assert_eq(lake_rows(warehouse, NULL), 1);
        amt_pg_exec(c, "SELECT pg_drop_replication_slot('mirror_unheld_slot')");
        PQfinish(c);
        free(warehouse);
    }
}
