/*
 * tests/source/test_copybin.c: binary COPY rows -> values (source/copybin.c), checked against
 * PostgreSQL's own text output of the same rows read the way the text path reads them
 * (source_copytext_split, then source_column_parse): every type, NULLs, infinities, NaN,
 * arrays, numerics of every size, and types whose cast to text prints otherwise than their
 * output (inet, domains over bool and bpchar, composites). Columns the decoder does not know
 * are selected as the initial copy selects them (source_copybin_select). Malformed bytes fail with
 * 08P01.
 */
#include "source_test.h"

#define SESSION                                                                                    \
    "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET extra_float_digits = 3; "                      \
    "SET IntervalStyle = postgres; SET bytea_output = hex; SET client_encoding = 'UTF8'"

#define TYPES_DDL                                                                                  \
    "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN posint AS int CHECK (VALUE > 0); "      \
    "CREATE DOMAIN flag AS bool; CREATE DOMAIN code AS char(4); CREATE TYPE pair AS (a int, b "    \
    "text); "                                                                                      \
    "CREATE TABLE t (id int PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, f4 float4, "           \
    "f8 float8, d date, tm time, ts timestamp, tz timestamptz, by bytea, tx text, "                \
    "vc varchar(10), bp char(3), nm name, n numeric, n10 numeric(10,2), n38 numeric(38,10), "      \
    "n40 numeric(40,5), u uuid, ia int4[], ta text[], na numeric(8,2)[], iv interval, js json, "   \
    "jb jsonb, m mood, pi posint, o oid, tt timetz, ip inet, mo money, ch \"char\", "              \
    "fa float8[], da date[], fl flag, cd code, pr pair, cr cidr)"

/* One row per line; every column NULL once, extremes and awkward values elsewhere. */
static const char *const ROWS[] = {
    "INSERT INTO t (id) VALUES (1)",
    "INSERT INTO t VALUES (2, true, 32767, 2147483647, 9223372036854775807, 'Infinity', "
    "'-Infinity', 'infinity', '24:00:00', 'infinity', '-infinity', '\\x00ff10', "
    "E'tab\\there\\nnew\\\\line ü 🐧', 'varchar', 'ab', 'a name', 'NaN', 12345678.99, "
    "1234567890123456789012345678.0123456789, 123456789012345678901234567890123.12345, "
    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL,-3}', '{\"a,b\",NULL,\"q\\\"t\",\"\"}', "
    "'{1.50,-2.25}', '1 year 2 mons -3 days 04:05:06.789', '{\"k\": [1, 2]}', '{\"k\": null}', "
    "'ok', 7, 4294967295, '24:00:00+14', '10.0.0.1/8', '-12.34', 'x', "
    "'{NaN,Infinity,-0,1e-300}', '{infinity,2000-01-01,NULL}')",
    "INSERT INTO t VALUES (3, false, -32768, -2147483648, -9223372036854775808, 'NaN', 'NaN', "
    "'-infinity', '00:00:00', '4713-11-24 00:00:00 BC', '294247-01-09 23:59:59.999999+00', '', '', "
    "'', '', '', 'Infinity', -0.01, -0.0000000001, -0.00001, "
    "'00000000-0000-0000-0000-000000000000', '{}', '{}', '{}', '-178000000 years', '[]', '[]', "
    "'sad', 2147483647, 0, '00:00:00-15:59', '::1', '0', ' ', '{}', '{}')",
    "INSERT INTO t VALUES (4, true, 0, 0, 0, '-0', '-0', '4713-01-01 BC', '23:59:59.999999', "
    "'1999-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '\\x', 'plain', 'x', 'abc', "
    "repeat('n', 63), '-Infinity', 0, 0, 0, 'ffffffff-ffff-ffff-ffff-ffffffffffff', "
    "'{5}', '{\"\\\\\\\\\",NULL}', '{NULL}', '0', 'null', '\"s\"', NULL, 1, 1, "
    "'12:00+05:30', '2001:db8::/32', '92233720368547758.07', NULL, '{-Infinity}', "
    "'{4713-01-01 BC}')",
    "INSERT INTO t VALUES (5, NULL, 1, 1, 1, 1.1, 0.1, '2000-01-01', '12:34:56.5', "
    "'2000-01-01 00:00:00', '2026-12-03 14:53:56.123456+01', '\\xdeadbeef', NULL, NULL, NULL, "
    "NULL, "
    "0.000000000000000000000000000000000000000000000000000000000000000000000000000000001, "
    "0.01, 0.0000000001, 0.00001, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, NULL, NULL)",
    /* numerics of every size: digit groups on both sides of the point, trailing zeros kept */
    "INSERT INTO t (id, n, n10, n38, n40) SELECT 100 + k, "
    "(10::numeric ^ (k - 40)) * 1.2345 * (CASE WHEN k % 2 = 0 THEN -1 ELSE 1 END), "
    "round((k * 123.456)::numeric, 2), round((10::numeric ^ (k % 28 - 10)) * 3.1415926535, 10), "
    "round(10::numeric ^ (k % 35) * 2.71828, 5) FROM generate_series(0, 80) k",
    "INSERT INTO t (id, n, n10) VALUES (200, 1000000000000000000000000000000000000, 10000000), "
    "(201, 10000.0000, 0.10), (202, 0.00010000, 99999999.99), (203, 9999.9999, -99999999.99), "
    "(204, 100000000000000000000.000000000000000000001, 1), (205, -0.0, -0.00)",
    "INSERT INTO t (id, n) SELECT 300 + k, (random() * 10::numeric ^ (k % 60 - 30))::numeric "
    "FROM generate_series(0, 199) k",
    "INSERT INTO t (id, f4, f8) SELECT 600 + k, (random() * 10 ^ (k % 70 - 35))::float4, "
    "random() * 10 ^ (k % 600 - 300) FROM generate_series(0, 199) k",
    "INSERT INTO t (id, ts, tz, d, tm) SELECT 900 + k, '0001-01-01'::timestamp + k * "
    "interval '36 years 17 days 13:57:11.123457', '1900-02-28 12:00:00+00'::timestamptz + k * "
    "interval '999 days 00:00:00.000001', '0044-03-15 BC'::date + k * 11111, "
    "'00:00:00.000001'::time + k * interval '7 minutes 1.000003 seconds' "
    "FROM generate_series(0, 199) k",
    /* casts to text that print otherwise than the output function */
    "UPDATE t SET fl = true, cd = 'ab', pr = ROW(NULL, NULL), cr = '10.0.0.0/8' WHERE id = 2",
    "UPDATE t SET fl = false, cd = '', pr = ROW(1, 'x,y\"'), cr = '::/0' WHERE id = 3",
    "UPDATE t SET ip = '192.168.1.1/32', cr = '192.168.1.1/32' WHERE id = 5",
};

typedef struct rows {
    am_buf_t repr;
    size_t n;
    am_arena_t *arena;
    am_value_t *vals;
} rows_t;

static PGconn *session(const char *db)
{
    char *ci = amt_conninfo(db);
    PGconn *c = PQconnectdb(ci);
    free(ci);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    amt_pg_exec(c, SESSION);
    return c;
}

/* Starts COPY (SELECT ...) TO STDOUT of t in id order, in binary or text. */
static void copy_start(PGconn *c, const source_relation_t *rel, bool binary, const char *where)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "COPY (SELECT ");
    for (size_t i = 0; i < rel->n_cols; i++) {
        if (i)
            am_buf_puts(&sql, ", ");
        if (binary)
            source_copybin_select(&sql, &rel->cols[i]);
        else
            am_sql_ident(&sql, rel->cols[i].name);
    }
    am_buf_printf(&sql, " FROM t %s ORDER BY id) TO STDOUT%s", where,
                  binary ? " (FORMAT binary)" : "");
    PGresult *res = PQexec(c, sql.data);
    cr_assert_eq(PQresultStatus(res), PGRES_COPY_OUT, "%s: %s", sql.data, PQerrorMessage(c));
    PQclear(res);
    am_buf_destroy(&sql);
}

static void copy_finish(PGconn *c)
{
    PGresult *res = PQgetResult(c);
    cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(res);
    while ((res = PQgetResult(c)) != NULL)
        PQclear(res);
}

/* One row decoded from msg (binary or text); false with err when the row fails. */
static bool decode_one(const source_relation_t *rel, bool binary, char *msg, size_t len,
                       bool *header, rows_t *out, bool *end, am_err_t *err)
{
    *end = false;
    if (!binary) {
        source_copy_field_t fields[64];
        char *scratch = am_arena_alloc(out->arena, len + 1);
        cr_assert(rel->n_cols <= 64);
        cr_assert(source_copytext_split(msg, len, scratch, fields, rel->n_cols, err), "%s",
                  err->msg);
        for (size_t i = 0; i < rel->n_cols; i++) {
            if (!fields[i].p) {
                out->vals[i] = (am_value_t){.kind = AM_VALUE_NULL};
                continue;
            }
            if (!source_column_parse(&rel->cols[i], fields[i].p, fields[i].len, out->arena,
                                     &out->vals[i], err))
                return false;
        }
        return true;
    }
    size_t used = 0;
    if (!*header) {
        cr_assert(source_copybin_header((const uint8_t *)msg, len, &used, err), "%s", err->msg);
        *header = true;
    }
    return source_copybin_row(rel->cols, rel->n_cols, (const uint8_t *)msg + used, len - used,
                              out->arena, out->vals, end, err);
}

/* Every row of t matching where, as comparable text; *err set (and false) on the first row
 * that fails to decode. */
static bool read_all(PGconn *c, const source_relation_t *rel, bool binary, const char *where,
                     rows_t *out, am_err_t *err)
{
    am_buf_init(&out->repr);
    out->arena = am_arena_new(4096);
    out->vals = am_xcalloc(rel->n_cols, sizeof *out->vals);
    copy_start(c, rel, binary, where);
    bool header = false, ok = true, end = false;
    for (;;) {
        char *msg = NULL;
        int n = PQgetCopyData(c, &msg, 0);
        if (n == -1)
            break;
        cr_assert(n >= 0, "%s", PQerrorMessage(c));
        cr_assert_not(end, "data after the trailer");
        am_arena_reset(out->arena);
        if (ok && decode_one(rel, binary, msg, (size_t)n, &header, out, &end, err) && !end) {
            srct_row_repr(&out->repr, rel, out->vals);
            am_buf_putc(&out->repr, '\n');
            out->n++;
        } else if (!end) {
            ok = false;
        }
        PQfreemem(msg);
    }
    copy_finish(c);
    cr_assert(!binary || !ok || end, "no trailer");
    return ok;
}

static void rows_free(rows_t *r)
{
    am_buf_destroy(&r->repr);
    am_arena_free(r->arena);
    free(r->vals);
}

static source_relation_t *describe(const char *db)
{
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options(db, tables, 1);
    source_t *src = srct_open(&o);
    am_err_t err = {0};
    source_relation_t *rel = source_describe(src, "public", "t", &err);
    cr_assert(rel != NULL, "%s", err.msg);
    source_close(src);
    return rel;
}

/* Where a and b first differ, for the failure message. */
static void show_diff(const am_buf_t *a, const am_buf_t *b)
{
    size_t line = 1, i = 0;
    for (; i < a->len && i < b->len && a->data[i] == b->data[i]; i++)
        line += a->data[i] == '\n';
    size_t from = i > 80 ? i - 80 : 0;
    cr_log_error("row %zu differs:\n binary %.200s\n text   %.200s", line, a->data + from,
                 b->data + from);
}

Test(source, copybin_matches_text_output_for_every_type)
{
    amt_create_db("src_copybin_types");
    PGconn *c = session("src_copybin_types");
    amt_pg_exec(c, TYPES_DDL);
    for (size_t i = 0; i < AM_ARRAY_LEN(ROWS); i++)
        amt_pg_exec(c, "%s", ROWS[i]);
    source_relation_t *rel = describe("src_copybin_types");
    size_t native = 0;
    for (size_t i = 0; i < rel->n_cols; i++)
        native += source_copybin_native(&rel->cols[i]);
    /* bool int2 int4 int8 float4 float8 date time timestamp timestamptz bytea text varchar
     * bpchar name numeric x4 uuid */
    cr_assert_eq(native, 21, "native columns: %zu", native);
    const char *where = "";
    rows_t bin = {0}, txt = {0};
    am_err_t err = {0};
    cr_assert(read_all(c, rel, true, where, &bin, &err), "binary: %s %s", err.sqlstate, err.msg);
    cr_assert(read_all(c, rel, false, where, &txt, &err), "text: %s %s", err.sqlstate, err.msg);
    char *want = amt_pg_value(c, "SELECT count(*) FROM t %s", where);
    cr_assert_eq(bin.n, (size_t)atoll(want), "rows: %zu of %s", bin.n, want);
    cr_assert_eq(txt.n, bin.n);
    if (bin.repr.len != txt.repr.len || memcmp(bin.repr.data, txt.repr.data, bin.repr.len) != 0)
        show_diff(&bin.repr, &txt.repr);
    cr_assert_eq(bin.repr.len, txt.repr.len);
    cr_assert(memcmp(bin.repr.data, txt.repr.data, bin.repr.len) == 0);
    free(want);
    rows_free(&bin);
    rows_free(&txt);
    source_relation_free(rel);
    PQfinish(c);
}

/* A value the lake cannot hold fails alike in both paths. */
static void fails_alike(PGconn *c, const source_relation_t *rel, const char *where,
                        const char *sqlstate)
{
    rows_t bin = {0}, txt = {0};
    am_err_t eb = {0}, et = {0};
    cr_assert_not(read_all(c, rel, true, where, &bin, &eb), "binary decoded %s", where);
    cr_assert_not(read_all(c, rel, false, where, &txt, &et), "text parsed %s", where);
    cr_assert_str_eq(eb.sqlstate, sqlstate, "binary %s: %s", where, eb.msg);
    cr_assert_str_eq(et.sqlstate, sqlstate, "text %s: %s", where, et.msg);
    rows_free(&bin);
    rows_free(&txt);
}

Test(source, copybin_fails_like_text_on_values_the_lake_cannot_hold)
{
    amt_create_db("src_copybin_range");
    PGconn *c = session("src_copybin_range");
    amt_pg_exec(c, "CREATE TABLE t (id int, tz timestamptz, ts timestamp, n numeric(10,2), "
                   "ia int[])");
    amt_pg_exec(c, "INSERT INTO t VALUES (1, '294276-12-31 23:59:59+00', NULL, NULL, NULL), "
                   "(2, NULL, '294276-01-01 00:00:00', NULL, NULL), (3, NULL, NULL, 'NaN', NULL), "
                   "(4, NULL, NULL, NULL, '{{1,2},{3,4}}')");
    source_relation_t *rel = describe("src_copybin_range");
    fails_alike(c, rel, "WHERE id = 1", "22008");
    fails_alike(c, rel, "WHERE id = 2", "22008");
    fails_alike(c, rel, "WHERE id = 3", "22003");
    fails_alike(c, rel, "WHERE id = 4", "0A000");
    source_relation_free(rel);
    PQfinish(c);
}

static const source_column_t INT4_COL = {.name = "i", .type_oid = 23, .type = {AM_TYPE_INT32}};
static const source_column_t NUM_COL = {.name = "n", .type_oid = 1700, .type = {AM_TYPE_STRING}};

static bool row(const source_column_t *col, const char *hex, am_err_t *err)
{
    uint8_t b[256];
    size_t n = srct_unhex(hex, b, sizeof b);
    am_arena_t *arena = am_arena_new(1024);
    am_value_t v;
    bool end = false;
    bool ok = source_copybin_row(col, 1, b, n, arena, &v, &end, err);
    am_arena_free(arena);
    return ok;
}

Test(source, copybin_rejects_malformed_bytes)
{
    uint8_t b[64];
    size_t used = 0;
    am_err_t err = {0};
    size_t n = srct_unhex("5047434f50590aff0d0a00 00000000 00000000", b, sizeof b);
    cr_assert(source_copybin_header(b, n, &used, &err), "%s", err.msg);
    cr_assert_eq(used, 19);
    n = srct_unhex("5047434f50590aff0d0a00 00010000 00000000", b, sizeof b);
    cr_assert_not(source_copybin_header(b, n, &used, &err), "OIDs");
    cr_assert_str_eq(err.sqlstate, "08P01");
    n = srct_unhex("5047434f50590aff0d0a00 00000000 00000010 00", b, sizeof b);
    cr_assert_not(source_copybin_header(b, n, &used, &err), "extension past the data");
    n = srct_unhex("5047434f50590aff0d0a", b, sizeof b);
    cr_assert_not(source_copybin_header(b, n, &used, &err), "short");

    cr_assert(row(&INT4_COL, "0001 00000004 0000002a", &err), "%s", err.msg);
    cr_assert(row(&INT4_COL, "0001 ffffffff", &err), "%s", err.msg);
    cr_assert(row(&INT4_COL, "ffff", &err), "trailer: %s", err.msg);
    const char *bad[] = {
        "0002 00000004 0000002a",         /* field count */
        "0001 00000008 000000000000002a", /* int4 of 8 bytes */
        "0001 00000005 0000002a",         /* field past the tuple */
        "0001 fffffffe",                  /* negative length */
        "0001 00000004 0000002a 00",      /* trailing byte */
        "ffff 00",                        /* trailing byte after the trailer */
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++) {
        cr_assert_not(row(&INT4_COL, bad[i], &err), "accepted %s", bad[i]);
        cr_assert_str_eq(err.sqlstate, "08P01", "%s: %s", bad[i], err.msg);
    }
    const char *bad_num[] = {
        "0001 0000000a 0001 0000 0000 0000 2710", /* digit 10000 */
        "0001 0000000a 0001 0000 1234 0000 0001", /* sign */
        "0001 00000008 0001 0000 0000 0000",      /* digits missing */
        "0001 0000000a 0001 0000 0000 ffff 0001", /* negative dscale */
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(bad_num); i++) {
        cr_assert_not(row(&NUM_COL, bad_num[i], &err), "accepted %s", bad_num[i]);
        cr_assert_str_eq(err.sqlstate, "08P01", "%s: %s", bad_num[i], err.msg);
    }
}
