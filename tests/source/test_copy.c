/*
 * tests/source/test_copy.c: the initial copy (source/copy.c): the relation it describes, the
 * rows (equal to what SELECT returns, value for value), the snapshot it shares with the
 * stream, and cleaning up after a failed copy.
 */
#include "source_test.h"

typedef struct rec_sink {
    char rel_desc[2048]; /* columns as name:type:key:notnull */
    char *rows[64];      /* repr of each row, when n_rows fits */
    size_t n_rows;
    int64_t est_rows;
    int64_t end_rows;
    int tables;
    int64_t fail_at; /* the row whose callback fails, or 0 */
    PGconn *writer;  /* when set, table_begin inserts a row the copy must not see */
    const source_relation_t *rel;
    am_lsn_t slot_point; /* from slot_created, which comes before any table */
} rec_sink_t;

static bool rec_slot(void *ud, am_lsn_t consistent_point, am_err_t *err)
{
    (void)err;
    rec_sink_t *s = ud;
    cr_assert_eq(s->tables, 0, "slot_created comes first");
    s->slot_point = consistent_point;
    return true;
}

static bool rec_begin(void *ud, const source_relation_t *rel, int64_t est_rows, am_err_t *err)
{
    (void)err;
    rec_sink_t *s = ud;
    cr_assert_neq(s->slot_point, 0, "slot_created came before table_begin");
    s->tables++;
    s->est_rows = est_rows;
    s->rel = rel;
    size_t off = 0;
    for (size_t i = 0; i < rel->n_cols; i++)
        off += (size_t)snprintf(s->rel_desc + off, sizeof s->rel_desc - off, "%s:%s%s%s,",
                                rel->cols[i].name, am_type_name(rel->cols[i].type.type),
                                rel->cols[i].is_key ? ":key" : "",
                                rel->cols[i].not_null ? ":notnull" : "");
    if (s->writer)
        amt_pg_exec(s->writer, "INSERT INTO t (id, v) VALUES (99999, 'after the snapshot')");
    return true;
}

static bool rec_row(void *ud, const am_value_t *vals, am_err_t *err)
{
    rec_sink_t *s = ud;
    if (s->fail_at && (int64_t)s->n_rows + 1 == s->fail_at)
        return am_err_set(err, "53100", "sink full at row %zu", s->n_rows + 1);
    if (s->n_rows < AM_ARRAY_LEN(s->rows)) {
        am_buf_t b;
        am_buf_init(&b);
        srct_row_repr(&b, s->rel, vals);
        s->rows[s->n_rows] = am_buf_steal(&b, NULL);
    }
    s->n_rows++;
    return true;
}

static bool rec_end(void *ud, const source_relation_t *rel, int64_t n_rows, am_err_t *err)
{
    (void)rel;
    (void)err;
    ((rec_sink_t *)ud)->end_rows = n_rows;
    return true;
}

static const source_copy_sink_t REC_SINK = {
    .slot_created = rec_slot, .table_begin = rec_begin, .row = rec_row, .table_end = rec_end};

static void rec_free(rec_sink_t *s)
{
    for (size_t i = 0; i < s->n_rows && i < AM_ARRAY_LEN(s->rows); i++)
        free(s->rows[i]);
}

#define TYPES_TABLE                                                                                \
    "CREATE TYPE mood AS ENUM ('sad', 'ok'); "                                                     \
    "CREATE TABLE t (id int PRIMARY KEY, b bool, i2 int2, i4 int4 NOT NULL, i8 int8, "             \
    "f4 float4, f8 float8, d numeric(12,3), n numeric, dropme int, dt date, tm time, "             \
    "ts timestamp, tz timestamptz, by bytea, tx text, vc varchar(10), bp char(5), js json, "       \
    "jb jsonb, u uuid, iv interval, ar text[], o oid, en mood, "                                   \
    "gen int GENERATED ALWAYS AS (i4 / 2) STORED); ALTER TABLE t DROP COLUMN dropme"

#define TYPES_ROWS                                                                                 \
    "INSERT INTO t VALUES "                                                                        \
    "(1, true, 1, 2, 3, 1.5, 2.25, 12.5, 7, '2024-03-01', '12:34:56.789', "                        \
    "'2024-03-01 12:34:56.789', '2024-03-01 12:34:56.789+00', '\\x00ff', 'plain', 'v', 'ab', "     \
    "'{\"a\": 1}', '{\"b\": [1, 2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 day 02:03:04', "  \
    "'{x,\"y z\",NULL}', 4294967295, 'ok'), "                                                      \
    "(2, false, -32768, -2147483648, -9223372036854775808, '-0', 'NaN', -999999999.999, "          \
    "123456789012345678901234567890.5, '0044-03-15 BC', '24:00:00', '10000-01-01 00:00:00', "      \
    "'0044-03-15 12:00:00+00 BC', (SELECT decode(string_agg(lpad(to_hex(i), 2, '0'), '' "          \
    "ORDER BY i), 'hex') FROM generate_series(0, 255) i), "                                        \
    "E'tab\\there\\nnew\\\\line\\r\u00e9\u4e2d\U0001F600', E'\\\\N', 'abc', '{}', '[]', "          \
    "'00000000-0000-0000-0000-000000000000', '-1 year 2 mons', '{}', 0, 'sad'), "                  \
    "(3, NULL, NULL, 0, NULL, 'Infinity', '-Infinity', NULL, 'NaN', 'infinity', NULL, "            \
    "'-infinity', 'infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), " \
    "(4, NULL, 32767, 2147483647, 9223372036854775807, 3.4028235e38, 1e-300, 0.001, "              \
    "'-Infinity', '5874897-12-31', '00:00:00', '1969-12-31 23:59:59.999999', "                     \
    "'1900-01-01 00:00:00+00', '', '', '', '', 'null', 'null', NULL, '0', "                        \
    "'{\"a,b\",\"{c}\",\"\"}', "                                                                   \
    "NULL, NULL)"

/* What SELECT returns for t, each value parsed the way the copy parses it. */
static size_t select_rows(PGconn *c, const source_relation_t *rel, char **rows, size_t cap)
{
    amt_pg_exec(c, "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET extra_float_digits = 3; "
                   "SET bytea_output = hex; SET IntervalStyle = postgres");
    PGresult *r = PQexec(c, "SELECT id, b, i2, i4, i8, f4, f8, d, n, dt, tm, ts, tz, by, tx, vc, "
                            "bp, js, jb, u, iv, ar, o, en FROM t ORDER BY id");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_assert_eq((size_t)PQnfields(r), rel->n_cols);
    am_arena_t *a = am_arena_new(0);
    size_t n = (size_t)PQntuples(r);
    cr_assert(n <= cap);
    for (size_t row = 0; row < n; row++) {
        am_buf_t b;
        am_buf_init(&b);
        for (size_t col = 0; col < rel->n_cols; col++) {
            am_value_t v = {.kind = AM_VALUE_NULL};
            am_err_t err = {0};
            if (!PQgetisnull(r, (int)row, (int)col)) {
                const char *text = PQgetvalue(r, (int)row, (int)col);
                cr_assert(source_value_parse(rel->cols[col].type, text, strlen(text), a, &v, &err),
                          "%s", err.msg);
            }
            srct_repr(&b, &v, rel->cols[col].type.type);
            for (uint32_t k = 0; k < v.n_items; k++)
                srct_repr(&b, &v.items[k], rel->cols[col].type.elem);
        }
        rows[row] = am_buf_steal(&b, NULL);
    }
    am_arena_free(a);
    PQclear(r);
    return n;
}

Test(source, copy_types_equal_select)
{
    amt_create_db("src_copy_types");
    PGconn *c = amt_pg_connect("src_copy_types");
    amt_pg_exec(c, TYPES_TABLE);
    amt_pg_exec(c, TYPES_ROWS);
    amt_pg_exec(c, "ANALYZE t");
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_copy_types", tables, 1);
    source_t *src = srct_open(&o);
    rec_sink_t s = {0};
    am_lsn_t point = 0;
    am_err_t err = {0};
    cr_assert(source_initial_copy(src, &REC_SINK, &s, &point, &err), "%s", err.msg);
    cr_assert_gt(point, 0);
    cr_assert_eq(s.slot_point, point);
    cr_assert_eq(s.tables, 1);
    cr_assert_eq(s.est_rows, 4);
    cr_assert_eq(s.n_rows, 4);
    cr_assert_eq(s.end_rows, 4);
    cr_assert_str_eq(s.rel_desc,
                     "id:int32:key:notnull,b:bool,i2:int16,i4:int32:notnull,i8:int64,f4:float32,"
                     "f8:float64,d:decimal,n:string,dt:date,tm:time,ts:timestamp,tz:timestamptz,"
                     "by:binary,tx:string,vc:string,bp:string,js:string,jb:string,u:uuid,"
                     "iv:string,ar:list,o:int64,en:string,");
    /* the copy's relation dies with the copy: describe it again from the catalog */
    source_relation_t *rel = source_describe(src, "public", "t", &err);
    cr_assert_not_null(rel, "%s", err.msg);
    char *want[8];
    size_t n = select_rows(c, rel, want, AM_ARRAY_LEN(want));
    source_relation_free(rel);
    cr_assert_eq(n, 4);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(s.rows[i], want[i], "row %zu", i + 1);
        free(want[i]);
    }
    cr_assert(source_slot_drop(src, &err), "%s", err.msg);
    rec_free(&s);
    source_close(src);
    PQfinish(c);
}

/* A value PostgreSQL holds but the lake cannot hold exactly fails the copy, naming the table,
 * the column and the value (and the slot is dropped again). */
Test(source, copy_refuses_values_the_lake_cannot_hold)
{
    static const struct {
        const char *ddl, *sqlstate, *column, *value;
    } cases[] = {
        {"CREATE TABLE t (id int, amount numeric(10,2)); INSERT INTO t VALUES (1, 'NaN')", "22003",
         "amount", "NaN"},
        {"CREATE TABLE t (id int, grid int[]); INSERT INTO t VALUES (1, '{{1,2},{3,4}}')", "0A000",
         "grid", "{{1,2},{3,4}}"},
        {"CREATE TABLE t (id int, shifted int[]); INSERT INTO t VALUES (1, '[2:3]={1,2}')", "0A000",
         "shifted", "[2:3]={1,2}"},
        {"CREATE TABLE t (id int, far timestamp); "
         "INSERT INTO t VALUES (1, '294276-12-31 23:59:59')",
         "22008", "far", "294276-12-31 23:59:59"},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(cases); i++) {
        amt_create_db("src_copy_unheld");
        PGconn *c = amt_pg_connect("src_copy_unheld");
        amt_pg_exec(c, "%s", cases[i].ddl);
        source_table_ref_t tables[] = {{"public", "t"}};
        source_options_t o = srct_options("src_copy_unheld", tables, 1);
        source_t *src = srct_open(&o);
        rec_sink_t s = {0};
        am_lsn_t point = 0;
        am_err_t err = {0};
        cr_assert_not(source_initial_copy(src, &REC_SINK, &s, &point, &err), "%s", cases[i].ddl);
        cr_assert_str_eq(err.sqlstate, cases[i].sqlstate, "%s", err.msg);
        cr_assert(strstr(err.msg, "public.t") && strstr(err.msg, cases[i].column) &&
                      strstr(err.msg, cases[i].value),
                  "%s", err.msg);
        bool exists = true;
        cr_assert(source_slot_exists(src, &exists, &err), "%s", err.msg);
        cr_assert_not(exists, "the failed copy's slot is gone");
        rec_free(&s);
        source_close(src);
        PQfinish(c);
    }
}

Test(source, copy_sees_the_slot_snapshot_and_stream_continues)
{
    amt_create_db("src_copy_snapshot");
    PGconn *c = amt_pg_connect("src_copy_snapshot");
    amt_pg_exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text); "
                   "INSERT INTO t SELECT i, 'row ' || i FROM generate_series(1, 20000) i");
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_copy_snapshot", tables, 1);
    source_t *src = srct_open(&o);
    rec_sink_t s = {.writer = c};
    am_lsn_t point = 0;
    am_err_t err = {0};
    cr_assert(source_initial_copy(src, &REC_SINK, &s, &point, &err), "%s", err.msg);
    cr_assert_eq(s.n_rows, 20000, "the row inserted during the copy is not in it");
    cr_assert(source_stream_start(src, point, &err), "%s", err.msg);
    source_change_t ch = srct_next(src);
    cr_assert_eq(ch.kind, SOURCE_MSG_BEGIN);
    cr_assert_eq(srct_next(src).kind, SOURCE_MSG_RELATION);
    ch = srct_next(src);
    cr_assert_eq(ch.kind, SOURCE_MSG_INSERT, "the stream continues with it");
    cr_assert_eq(ch.new_vals[0].i, 99999);
    cr_assert_eq(srct_next(src).kind, SOURCE_MSG_COMMIT);
    source_close(src);
    src = srct_open(&o);
    cr_assert(source_slot_drop(src, &err), "%s", err.msg);
    rec_free(&s);
    source_close(src);
    PQfinish(c);
}

Test(source, copy_failure_drops_slot_and_existing_slot_refused)
{
    amt_create_db("src_copy_fail");
    PGconn *c = amt_pg_connect("src_copy_fail");
    amt_pg_exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text); "
                   "INSERT INTO t SELECT i, 'x' FROM generate_series(1, 100) i");
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_copy_fail", tables, 1);
    source_t *src = srct_open(&o);
    rec_sink_t s = {.fail_at = 10};
    am_lsn_t point = 0;
    am_err_t err = {0};
    cr_assert_not(source_initial_copy(src, &REC_SINK, &s, &point, &err));
    cr_assert_str_eq(err.sqlstate, "53100");
    cr_assert(strstr(err.msg, "public.t") && strstr(err.msg, "sink full at row 10"), "%s", err.msg);
    bool exists = true;
    cr_assert(source_slot_exists(src, &exists, &err), "%s", err.msg);
    cr_assert_not(exists, "the failed copy's slot is gone");
    rec_free(&s);
    source_close(src);

    src = srct_open(&o);
    rec_sink_t ok = {0};
    cr_assert(source_initial_copy(src, &REC_SINK, &ok, &point, &err), "%s", err.msg);
    cr_assert_eq(ok.n_rows, 100);
    rec_free(&ok);
    source_close(src);
    src = srct_open(&o);
    rec_sink_t again = {0};
    cr_assert_not(source_initial_copy(src, &REC_SINK, &again, &point, &err));
    cr_assert_str_eq(err.sqlstate, "42710");
    cr_assert(source_slot_drop(src, &err), "%s", err.msg);
    source_close(src);
    PQfinish(c);
}

Test(source, copy_partitioned_table_reads_every_partition)
{
    amt_create_db("src_copy_part");
    PGconn *c = amt_pg_connect("src_copy_part");
    amt_pg_exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text) PARTITION BY RANGE (id); "
                   "CREATE TABLE t_low PARTITION OF t FOR VALUES FROM (0) TO (100); "
                   "CREATE TABLE t_high PARTITION OF t FOR VALUES FROM (100) TO (1000); "
                   "INSERT INTO t SELECT i, 'v' FROM generate_series(1, 300) i");
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_copy_part", tables, 1);
    source_t *src = srct_open(&o);
    rec_sink_t s = {0};
    am_lsn_t point = 0;
    am_err_t err = {0};
    cr_assert(source_initial_copy(src, &REC_SINK, &s, &point, &err), "%s", err.msg);
    cr_assert_eq(s.n_rows, 300);
    cr_assert_str_eq(s.rel_desc, "id:int32:key:notnull,v:string,");
    cr_assert(source_slot_drop(src, &err), "%s", err.msg);
    rec_free(&s);
    source_close(src);
    PQfinish(c);
}

/* A table bigger than a few ranges is read by several connections, each a range of its pages
 * by CTID, and every row arrives exactly once. */
Test(source, copy_splits_a_big_table_into_page_ranges)
{
    amt_create_db("src_copy_ranges");
    PGconn *c = amt_pg_connect("src_copy_ranges");
    amt_pg_exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text); "
                   "INSERT INTO t SELECT i, repeat('x', i %% 50) FROM generate_series(1, 30000) i; "
                   "DELETE FROM t WHERE id %% 7 = 0");
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_copy_ranges", tables, 1);
    o.copy_workers = 3;
    o.copy_range_pages = 16;
    source_t *src = srct_open(&o);
    rec_sink_t s = {0};
    am_lsn_t point = 0;
    am_err_t err = {0};
    cr_assert(source_initial_copy(src, &REC_SINK, &s, &point, &err), "%s", err.msg);
    char *want = amt_pg_value(c, "SELECT count(*) FROM t");
    cr_assert_eq(s.n_rows, (size_t)atoll(want), "every row once: %zu of %s", s.n_rows, want);
    cr_assert_eq(s.end_rows, atoll(want));
    cr_assert_gt(s.est_rows, 0, "estimated even though never analyzed");
    free(want);
    cr_assert(source_slot_drop(src, &err), "%s", err.msg);
    rec_free(&s);
    source_close(src);
    PQfinish(c);
}
