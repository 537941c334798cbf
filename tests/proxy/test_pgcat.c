/*
 * tests/proxy/test_pgcat.c: the served catalog model. A real capture from the suite's
 * PostgreSQL parses into relations, columns, types, namespaces, functions and roles found by
 * OID and by name; damaged files fail with XX001 naming the problem; proxy__pgcat_duck_load
 * makes am_cat tables that DuckDB queries (enum order, int2vector and aclitem[] as lists);
 * PostgreSQL's text forms convert to the right DuckDB values, bad ones are refused.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/pgtype_internal.h"
#include "proxy/sql_internal.h"
#include "../lake/lake_test.h"
#include "../source/source_test.h"
#include "../support/catalog_fixture.h"

/* The fixture database db (plus a grant, for an ACL) captured as one document. */
static void capture_fixture(const char *db, am_buf_t *doc)
{
    cf_create(db);
    PGconn *c = amt_pg_connect(db);
    amt_pg_exec(c, "GRANT SELECT ON customers TO PUBLIC");
    PQfinish(c);
    source_options_t o = srct_options(db, cf_tables, CF_N_TABLES);
    source_t *src = srct_open(&o);
    am_err_t err = {0};
    cr_assert(source_catalog_capture(src, doc, &err), "%s %s", err.sqlstate, err.msg);
    source_close(src);
}

static proxy_pgcat_t *parse_ok(const char *json, size_t len)
{
    am_err_t err = {0};
    proxy_pgcat_t *cat = proxy__pgcat_parse(json, len, &err);
    cr_assert_not_null(cat, "parse: %s %s", err.sqlstate, err.msg);
    return cat;
}

static uint32_t pg_oid(PGconn *c, const char *sql)
{
    char *v = amt_pg_value(c, "%s", sql);
    cr_assert_not_null(v, "%s", sql);
    uint32_t oid = (uint32_t)strtoul(v, NULL, 10);
    free(v);
    return oid;
}

static void check_tables(proxy_pgcat_t *cat, PGconn *c)
{
    uint32_t oid = pg_oid(c, "SELECT 'customers'::regclass::oid");
    const proxy_pgrel_t *r = proxy__pgcat_rel_find(cat, "public", "customers");
    cr_assert_not_null(r);
    cr_assert_eq(r, proxy__pgcat_rel(cat, oid));
    cr_assert_eq(r->relkind, 'r');
    cr_assert_str_eq(r->nspname, "public");
    cr_assert_eq(r->n_cols, 7);
    cr_assert_str_eq(r->cols[0].name, "id");
    cr_assert_eq(r->cols[0].type_oid, PG_OID_INT4);
    cr_assert(r->cols[0].not_null);
    cr_assert_str_eq(r->cols[6].name, "tags");
    cr_assert_eq(r->cols[6].attnum, 7);
    cr_assert_eq(r->cols[6].type_oid, PG_OID_TEXT_ARRAY);
    cr_assert_eq(r->served, PROXY_REL_UNSERVED);
    cr_assert_null(r->duck_name);
    cr_assert(proxy__pgcat_serve(cat, "public", "customers"));
    cr_assert_eq(r->served, PROXY_REL_MIRRORED);
    char want[32];
    snprintf(want, sizeof want, "am_data.\"t%u\"", oid);
    cr_assert_str_eq(r->duck_name, want);
    cr_assert_not(proxy__pgcat_serve(cat, "public", "nope"));
    const proxy_pgrel_t *m = proxy__pgcat_rel_find(cat, "public", "measures");
    cr_assert_eq(m->relkind, 'p');
    cr_assert_null(proxy__pgcat_rel_find(cat, "public", "measures_2024"), "partitions are not M");
}

static void check_catalog_rels(proxy_pgcat_t *cat)
{
    const proxy_pgrel_t *r = proxy__pgcat_rel_find(cat, "pg_catalog", "pg_class");
    cr_assert_not_null(r);
    cr_assert_eq(r->oid, 1259);
    cr_assert_eq(r->served, PROXY_REL_CATALOG);
    cr_assert_str_eq(r->duck_name, "am_cat.\"pg_catalog.pg_class\"");
    cr_assert_str_eq(r->cols[0].name, "oid");
    cr_assert_eq(r->cols[0].type_oid, PG_OID_OID);
    cr_assert_eq(r->cols[0].attnum, 1);
    r = proxy__pgcat_rel_find(cat, "information_schema", "columns");
    cr_assert_eq(r->served, PROXY_REL_CATALOG);
    cr_assert_str_eq(r->duck_name, "am_cat.\"information_schema.columns\"");
    r = proxy__pgcat_rel_find(cat, "pg_catalog", "pg_statistic");
    cr_assert_not_null(r, "in pg_class");
    cr_assert_eq(r->served, PROXY_REL_UNSERVED, "not in the file");
    cr_assert_null(proxy__pgcat_rel_find(cat, "am", "indexdef"), "am.* are not relations");
    size_t n = proxy__pgcat_n_rels(cat);
    cr_assert_gt(n, 300);
    for (size_t i = 0; i < n; i++)
        cr_assert_not_null(proxy__pgcat_rel_at(cat, i));
    cr_assert_null(proxy__pgcat_rel_at(cat, n));
}

static void check_types(proxy_pgcat_t *cat, PGconn *c)
{
    const proxy_pgtype_t *t = proxy__pgcat_type_find(cat, "public", "mood");
    cr_assert_not_null(t);
    cr_assert_eq(t, proxy__pgcat_type(cat, t->oid));
    cr_assert_eq(t->typtype, 'e');
    const char *labels[] = {"sad", "meh", "ok", "happy"};
    cr_assert_eq(t->n_enum_labels, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(t->enum_labels[i], labels[i]);
    am_buf_t duck;
    am_buf_init(&duck);
    proxy__pgtype_duck(cat, (proxy_pgtype_ref_t){t->oid, -1}, &duck);
    char want[40];
    snprintf(want, sizeof want, "main.\"enum%u\"", t->oid);
    cr_assert_str_eq(duck.data, want);
    /* an array's element unqualified: DuckDB parses no [] after a qualified name */
    am_buf_reset(&duck);
    proxy__pgtype_duck(cat, (proxy_pgtype_ref_t){proxy__pgtype_array(cat, t->oid), -1}, &duck);
    snprintf(want, sizeof want, "\"enum%u\"[]", t->oid);
    cr_assert_str_eq(duck.data, want);
    am_buf_destroy(&duck);
    const proxy_pgtype_t *d = proxy__pgcat_type_find(cat, "public", "posint");
    cr_assert_eq(d->typtype, 'd');
    cr_assert_eq(d->basetype, PG_OID_INT4);
    cr_assert_eq(proxy__pgtype_base(cat, (proxy_pgtype_ref_t){d->oid, -1}).oid, PG_OID_INT4);
    const proxy_pgtype_t *arr = proxy__pgcat_type(cat, PG_OID_TEXT_ARRAY);
    cr_assert_eq(arr->elem, PG_OID_TEXT);
    cr_assert_eq(arr->category, 'A');
    cr_assert_eq(proxy__pgcat_nsp_find(cat, "public"), 2200);
    cr_assert_str_eq(proxy__pgcat_nsp_name(cat, 11), "pg_catalog");
    cr_assert_eq(proxy__pgcat_nsp_find(cat, "nope"), 0);
    uint32_t nsp = 0;
    uint32_t in = pg_oid(c, "SELECT 'int4in'::regproc::oid");
    cr_assert_str_eq(proxy__pgcat_proc_name(cat, in, &nsp), "int4in");
    cr_assert_eq(nsp, 11);
    uint32_t role = pg_oid(c, "SELECT oid FROM pg_roles WHERE rolname = current_user");
    cr_assert_eq(proxy__pgcat_role_find(cat, amt_env("AM_TEST_PGUSER")), role);
    cr_assert_str_eq(proxy__pgcat_role_name(cat, role), amt_env("AM_TEST_PGUSER"));
    cr_assert_null(proxy__pgcat_role_name(cat, 4242424));
}

Test(proxy, pgcat_parses_a_real_capture_and_finds_by_oid_and_name)
{
    const char *db = "proxy_pgcat";
    am_buf_t doc;
    am_buf_init(&doc);
    capture_fixture(db, &doc);
    proxy_pgcat_t *cat = parse_ok(doc.data, doc.len);
    cr_assert_str_eq(proxy__pgcat_database(cat), db);
    PGconn *c = amt_pg_connect(db);
    check_tables(cat, c);
    check_catalog_rels(cat);
    check_types(cat, c);
    PQfinish(c);
    cr_assert_eq(proxy__pgcat_ref(cat), cat);
    proxy__pgcat_unref(cat);
    proxy__pgcat_unref(cat);
    proxy__pgcat_unref(NULL);
    am_buf_destroy(&doc);
}

/* ---- small hand-made documents --------------------------------------------------------------- */

/* Columns "name:oid:typmod,..." as the document's "columns" array. */
static void put_columns(am_buf_t *b, const char *spec)
{
    am_buf_puts(b, "\"columns\":[");
    char *copy = strdup(spec), *save = NULL;
    int i = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save), i++) {
        char name[64];
        unsigned oid;
        int typmod;
        cr_assert_eq(sscanf(tok, "%63[^:]:%u:%d", name, &oid, &typmod), 3, "%s", tok);
        am_buf_printf(b, "%s{\"name\":\"%s\",\"type_oid\":%u,\"typmod\":%d}", i ? "," : "", name,
                      oid, typmod);
    }
    free(copy);
    am_buf_puts(b, "]");
}

static void put_rel(am_buf_t *b, const char *schema, const char *name, const char *cols,
                    const char *rows)
{
    am_buf_printf(b, ",{\"schema\":\"%s\",\"name\":\"%s\",", schema, name);
    put_columns(b, cols);
    am_buf_printf(b, ",\"rows\":[%s]}", rows);
}

#define TYPE_COLS                                                                                  \
    "oid:26:-1,typname:19:-1,typnamespace:26:-1,typlen:21:-1,typtype:18:-1,typcategory:18:-1,"     \
    "typispreferred:16:-1,typdelim:18:-1,typelem:26:-1,typarray:26:-1,typbasetype:26:-1,"          \
    "typtypmod:23:-1,typrelid:26:-1"
#define ATTR_COLS                                                                                  \
    "attrelid:26:-1,attname:19:-1,attnum:21:-1,atttypid:26:-1,atttypmod:23:-1,"                    \
    "attnotnull:16:-1,attisdropped:16:-1"

/* A minimal valid document: two namespaces, one enum type "color" (16500), one table t
 * (16600, two columns), pg_class itself, plus extra (",{relation}..." or ""). Caller frees. */
static char *mini_doc3(const char *type_rows, const char *class_rows, const char *extra)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "{\"format\":1,\"lsn\":\"0/1\",\"server_version_num\":150000,"
                    "\"database\":\"mini\",\"relations\":[{\"schema\":\"pg_catalog\","
                    "\"name\":\"pg_namespace\",");
    put_columns(&b, "oid:26:-1,nspname:19:-1");
    am_buf_puts(&b, ",\"rows\":[[\"11\",\"pg_catalog\"],[\"2200\",\"public\"]]}");
    put_rel(&b, "pg_catalog", "pg_type", TYPE_COLS,
            type_rows ? type_rows
                      : "[\"16500\",\"color\",\"2200\",\"4\",\"e\",\"E\",\"f\",\",\",\"0\","
                        "\"0\",\"0\",\"-1\",\"0\"]");
    put_rel(&b, "pg_catalog", "pg_enum", "enumtypid:26:-1,enumsortorder:700:-1,enumlabel:19:-1",
            "[\"16500\",\"2\",\"green\"],[\"16500\",\"1.5\",\"red\"],[\"16500\",\"3\",\"blue\"]");
    put_rel(&b, "pg_catalog", "pg_class",
            "oid:26:-1,relname:19:-1,relnamespace:26:-1,relkind:18:-1",
            class_rows ? class_rows
                       : "[\"1259\",\"pg_class\",\"11\",\"r\"],[\"16600\",\"t\",\"2200\",\"r\"]");
    put_rel(&b, "pg_catalog", "pg_attribute", ATTR_COLS,
            "[\"16600\",\"b\",\"2\",\"16500\",\"-1\",\"f\",\"f\"],"
            "[\"16600\",\"a\",\"1\",\"23\",\"-1\",\"t\",\"f\"],"
            "[\"16600\",\"gone\",\"3\",\"23\",\"-1\",\"f\",\"t\"],"
            "[\"16600\",\"ctid\",\"-1\",\"27\",\"-1\",\"t\",\"f\"]");
    am_buf_puts(&b, extra ? extra : "");
    am_buf_puts(&b, "]}");
    return am_buf_steal(&b, NULL);
}

static char *mini_doc(const char *class_rows, const char *extra)
{
    return mini_doc3(NULL, class_rows, extra);
}

Test(proxy, pgcat_mini_document_orders_columns_and_labels)
{
    char *doc = mini_doc(NULL, NULL);
    proxy_pgcat_t *cat = parse_ok(doc, strlen(doc));
    const proxy_pgrel_t *t = proxy__pgcat_rel_find(cat, "public", "t");
    cr_assert_eq(t->n_cols, 2, "dropped and system columns are left out");
    cr_assert_str_eq(t->cols[0].name, "a");
    cr_assert_str_eq(t->cols[1].name, "b");
    cr_assert_eq(t->cols[1].type_oid, 16500);
    const proxy_pgtype_t *color = proxy__pgcat_type(cat, 16500);
    cr_assert_eq(color->n_enum_labels, 3);
    cr_assert_str_eq(color->enum_labels[0], "red");
    cr_assert_str_eq(color->enum_labels[1], "green");
    cr_assert_str_eq(color->enum_labels[2], "blue");
    cr_assert_null(proxy__pgcat_proc_name(cat, 42, NULL), "no pg_proc: nothing found");
    cr_assert_eq(proxy__pgcat_role_find(cat, "x"), 0);
    proxy__pgcat_unref(cat);
    free(doc);
}

static void expect_damaged(const char *doc, const char *needle)
{
    am_err_t err = {0};
    proxy_pgcat_t *cat = proxy__pgcat_parse(doc, strlen(doc), &err);
    cr_assert_null(cat, "parsed a damaged file (expected: %s)", needle);
    cr_assert_str_eq(err.sqlstate, "XX001", "%s", err.msg);
    cr_assert(strstr(err.msg, needle), "\"%s\" does not mention \"%s\"", err.msg, needle);
}

Test(proxy, pgcat_refuses_damaged_files_naming_the_problem)
{
    char *doc = mini_doc(NULL, NULL);
    char *cut = strndup(doc, strlen(doc) / 2);
    expect_damaged(cut, "invalid JSON");
    free(cut);
    free(doc);
    expect_damaged("[]", "not a JSON object");
    expect_damaged("{\"format\":2,\"database\":\"d\",\"relations\":[]}", "\"format\" is not 1");
    expect_damaged("{\"format\":1,\"database\":\"d\",\"relations\":[]}", "pg_namespace is missing");
    struct {
        const char *class_rows, *extra, *needle;
    } cases[] = {
        {"[\"12x\",\"t\",\"2200\",\"r\"]", NULL, "row 1 column oid"},
        {"[\"16600\",\"t\",\"999\",\"r\"]", NULL, "unknown namespace"},
        {"[\"16600\",\"t\",\"2200\",\"r\"],[\"16600\",\"u\",\"2200\",\"r\"]", NULL, "twice"},
        {"[\"16600\",\"t\",\"2200\",\"rr\"]", NULL, "column relkind"},
        {"[\"16600\",\"t\",\"2200\"]", NULL, "row 1 does not have 4 values"},
        {"[\"16600\",7,\"2200\",\"r\"]", NULL, "not a string or null"},
        {"[\"4294967296\",\"t\",\"2200\",\"r\"]", NULL, "out of range"},
        {"[null,\"t\",\"2200\",\"r\"]", NULL, "column oid"},
        {NULL, ",{\"schema\":\"public\",\"name\":\"x\",\"columns\":[],\"rows\":[]}",
         "schema is not"},
        {NULL, ",{\"schema\":\"am\",\"name\":\"x\",\"columns\":[],\"rows\":[]}", "1 to 1600"},
        {NULL,
         ",{\"schema\":\"am\",\"name\":\"x\",\"columns\":[{\"name\":\"a\",\"type_oid\":-1,"
         "\"typmod\":-1}],\"rows\":[]}",
         "bad type_oid"},
        {NULL,
         ",{\"schema\":\"am\",\"name\":\"x\",\"columns\":[{\"name\":\"a\",\"type_oid\":25,"
         "\"typmod\":-1},{\"name\":\"a\",\"type_oid\":25,\"typmod\":-1}],\"rows\":[]}",
         "appears twice"},
        {NULL,
         ",{\"schema\":\"pg_catalog\",\"name\":\"pg_namespace\",\"columns\":[{\"name\":\"a\","
         "\"type_oid\":25,\"typmod\":-1}],\"rows\":[]}",
         "appears twice"},
        {NULL,
         ",{\"schema\":\"am\",\"name\":\"x\",\"columns\":[{\"name\":\"a\",\"type_oid\":25,"
         "\"typmod\":-1}],\"rows\":[[\"a\\u0000b\"]]}",
         "invalid JSON"},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(cases); i++) {
        doc = mini_doc(cases[i].class_rows, cases[i].extra);
        expect_damaged(doc, cases[i].needle);
        free(doc);
    }
}

Test(proxy, pgcat_refuses_type_links_that_loop)
{
    /* an array type whose element is a domain over that array: the mapping would loop */
    char *doc =
        mini_doc3("[\"16500\",\"color\",\"2200\",\"4\",\"e\",\"E\",\"f\",\",\",\"0\",\"0\","
                  "\"0\",\"-1\",\"0\"],[\"16501\",\"_d\",\"2200\",\"-1\",\"b\",\"A\",\"f\","
                  "\",\",\"16502\",\"0\",\"0\",\"-1\",\"0\"],[\"16502\",\"d\",\"2200\",\"-1\","
                  "\"d\",\"A\",\"f\",\",\",\"0\",\"0\",\"16501\",\"-1\",\"0\"]",
                  NULL, NULL);
    expect_damaged(doc, "loop");
    free(doc);
}

/* ---- DuckDB -----------------------------------------------------------------------------------
 */

static void duck_load_ok(const proxy_pgcat_t *cat, duckdb_connection con)
{
    am_err_t err = {0};
    duckdb_result r;
    cr_assert_eq(duckdb_query(con, "BEGIN", &r), DuckDBSuccess);
    duckdb_destroy_result(&r);
    cr_assert(proxy__pgcat_duck_load(cat, con, &err), "duck_load: %s %s", err.sqlstate, err.msg);
    cr_assert_eq(duckdb_query(con, "COMMIT", &r), DuckDBSuccess);
    duckdb_destroy_result(&r);
}

static void expect_text(duckdb_connection con, const char *sql, const char *want)
{
    char *got = lt_query_text(con, sql);
    cr_assert_str_eq(got, want, "%s\n  got:  %s\n  want: %s", sql, got, want);
    free(got);
}

static void check_duck_tables(duckdb_connection con, PGconn *c)
{
    char sql[600];
    uint32_t oid = pg_oid(c, "SELECT 'customers'::regclass::oid");
    snprintf(sql, sizeof sql,
             "SELECT relname || ' ' || relhasindex || ' ' || reltuples || ' ' || "
             "typeof(reltuples) FROM am_cat.\"pg_catalog.pg_class\" WHERE oid = %u",
             oid);
    expect_text(con, sql, "customers true -1.0 FLOAT");
    snprintf(sql, sizeof sql,
             "SELECT relacl::VARCHAR || ' ' || len(relacl) FROM am_cat.\"pg_catalog.pg_class\" "
             "WHERE oid = %u",
             oid);
    char want[200];
    snprintf(want, sizeof want, "['%s=arwdDxt/%s', '=r/%s'] 2", amt_env("AM_TEST_PGUSER"),
             amt_env("AM_TEST_PGUSER"), amt_env("AM_TEST_PGUSER"));
    expect_text(con, sql, want);
    uint32_t idx = pg_oid(c, "SELECT 'customers_lower_email'::regclass::oid");
    snprintf(sql, sizeof sql,
             "SELECT indkey::VARCHAR || ' ' || typeof(indkey) || ' ' || indclass[1] FROM "
             "am_cat.\"pg_catalog.pg_index\" WHERE indexrelid = %u",
             idx);
    uint32_t opc = pg_oid(c, "SELECT indclass[0] FROM pg_index WHERE indexrelid = "
                             "'customers_lower_email'::regclass");
    snprintf(want, sizeof want, "[0] SMALLINT[] %u", opc);
    expect_text(con, sql, want);
    expect_text(con,
                "SELECT proargtypes::VARCHAR FROM am_cat.\"pg_catalog.pg_proc\" WHERE proname = "
                "'int4pl'",
                "[23, 23]");
    char *def = amt_pg_value(c, "SELECT pg_get_indexdef('customers_lower_email'::regclass)");
    snprintf(sql, sizeof sql,
             "SELECT def FROM am_cat.\"am.indexdef\" WHERE indexrelid = %u AND colno = 0 AND "
             "NOT pretty",
             idx);
    expect_text(con, sql, def);
    free(def);
}

static void check_duck_enum(duckdb_connection con, const proxy_pgcat_t *cat)
{
    char sql[400];
    const proxy_pgtype_t *mood = proxy__pgcat_type_find(cat, "public", "mood");
    snprintf(sql, sizeof sql,
             "SELECT string_agg(x, ',' ORDER BY x::main.\"enum%u\") FROM (VALUES ('happy'), "
             "('sad'), ('ok'), ('meh')) AS v(x)",
             mood->oid);
    expect_text(con, sql, "sad,meh,ok,happy");
}

Test(proxy, pgcat_duck_load_makes_queryable_tables)
{
    const char *db = "proxy_pgcat_duck";
    am_buf_t doc;
    am_buf_init(&doc);
    capture_fixture(db, &doc);
    proxy_pgcat_t *cat = parse_ok(doc.data, doc.len);
    duckdb_database ddb;
    duckdb_connection con;
    lt_duck(&ddb, &con);
    duck_load_ok(cat, con);
    PGconn *c = amt_pg_connect(db);
    check_duck_tables(con, c);
    check_duck_enum(con, cat);
    char *n = amt_pg_value(c, "SELECT count(*) FROM pg_type");
    expect_text(con, "SELECT count(*) FROM am_cat.\"pg_catalog.pg_type\"", n);
    free(n);
    /* loading again replaces everything; a rolled-back load leaves the previous one */
    duck_load_ok(cat, con);
    /* pg_catalog, information_schema, pg_toast and public */
    expect_text(con, "SELECT count(*) FROM am_cat.\"pg_catalog.pg_namespace\"", "4");
    duckdb_result r;
    cr_assert_eq(duckdb_query(con, "BEGIN", &r), DuckDBSuccess);
    duckdb_destroy_result(&r);
    am_err_t err = {0};
    cr_assert(proxy__pgcat_duck_load(cat, con, &err), "%s", err.msg);
    cr_assert_eq(duckdb_query(con, "ROLLBACK", &r), DuckDBSuccess);
    duckdb_destroy_result(&r);
    /* pg_catalog, information_schema, pg_toast and public */
    expect_text(con, "SELECT count(*) FROM am_cat.\"pg_catalog.pg_namespace\"", "4");
    PQfinish(c);
    duckdb_disconnect(&con);
    duckdb_close(&ddb);
    proxy__pgcat_unref(cat);
    am_buf_destroy(&doc);
}

#define VALUE_COLS                                                                                 \
    "b:16:-1,i2:21:-1,i8:20:-1,o:26:-1,f4:700:-1,f8:701:-1,d:1082:-1,ts:1114:-1,tz:1184:-1,"       \
    "arr:1009:-1,ints:1007:-1,vec:22:-1,bt:17:-1,num:1700:655366,ch:18:-1,e:16500:-1,"             \
    "ov:30:-1"

Test(proxy, pgcat_converts_postgres_text_to_duckdb_values)
{
    am_buf_t extra;
    am_buf_init(&extra);
    put_rel(&extra, "am", "v", VALUE_COLS,
            "[\"t\",\"-32768\",\"9223372036854775807\",\"4294967295\",\"NaN\",\"-Infinity\","
            "\"0044-03-15 BC\",\"2000-01-01 00:00:00\",\"2024-02-29 12:34:56.5+05:30\","
            "\"{a,\\\"b,c\\\",\\\"d\\\\\\\"e\\\",NULL,\\\"NULL\\\"}\",\"{}\",\"1 2 3\","
            "\"\\\\x0102ff\",\"12.50\",\"r\",\"green\",\"\"],"
            "[\"f\",\"7\",\"-1\",\"0\",\"1.5\",\"4.9e-324\",\"infinity\",\"-infinity\","
            "\"2024-01-01 00:00:00-08\",\"{\\\" x \\\"}\",\"{1,-2}\",\"\",\"\\\\x\",\"-0.01\","
            "\"\",null,\"23 25\"]");
    char *doc = mini_doc(NULL, extra.data);
    am_buf_destroy(&extra);
    proxy_pgcat_t *cat = parse_ok(doc, strlen(doc));
    duckdb_database ddb;
    duckdb_connection con;
    lt_duck(&ddb, &con);
    free(lt_query_text(con, "SET TimeZone = 'UTC'"));
    duck_load_ok(cat, con);
    expect_text(con,
                "SELECT concat_ws('|', b, i2, i8, o, f4, f8, d, ts, tz, arr, ints, vec, bt, num, "
                "ch = '', e, ov) FROM am_cat.\"am.v\" WHERE b",
                "true|-32768|9223372036854775807|4294967295|nan|-inf|0044-03-15 (BC)|"
                "2000-01-01 00:00:00|2024-02-29 07:04:56.5+00|[a, 'b,c', 'd\"e', NULL, 'NULL']|[]|"
                "[1, 2, 3]|\\x01\\x02\\xFF|12.50|false|green|[]");
    expect_text(con,
                "SELECT concat_ws('|', f4, f8 > 0, d, ts, tz, arr, ints, vec, octet_length(bt), "
                "num, ch = '', e IS NULL, ov) FROM am_cat.\"am.v\" WHERE NOT b",
                "1.5|true|infinity|-infinity|2024-01-01 08:00:00+00|[' x ']|[1, -2]|[]|0|-0.01|"
                "true|true|[23, 25]");
    expect_text(con,
                "SELECT (arr[4] IS NULL) || ' ' || (arr[5] = 'NULL') || ' ' || arr[3] FROM "
                "am_cat.\"am.v\" WHERE b",
                "true true d\"e");
    expect_text(con, "SELECT typeof(num) || ' ' || typeof(e) FROM am_cat.\"am.v\" LIMIT 1",
                "DECIMAL(10,2) ENUM('red', 'green', 'blue')");
    duckdb_disconnect(&con);
    duckdb_close(&ddb);
    proxy__pgcat_unref(cat);
    free(doc);
}

static void expect_bad_value(const char *col, const char *value, const char *needle)
{
    am_buf_t extra;
    am_buf_init(&extra);
    char row[200];
    snprintf(row, sizeof row, "[\"%s\"]", value);
    put_rel(&extra, "am", "bad", col, row);
    char *doc = mini_doc(NULL, extra.data);
    am_buf_destroy(&extra);
    proxy_pgcat_t *cat = parse_ok(doc, strlen(doc));
    duckdb_database ddb;
    duckdb_connection con;
    lt_duck(&ddb, &con);
    am_err_t err = {0};
    cr_assert_not(proxy__pgcat_duck_load(cat, con, &err), "loaded %s = %s", col, value);
    cr_assert_str_eq(err.sqlstate, "XX001", "%s: %s", value, err.msg);
    cr_assert(strstr(err.msg, "am.bad: row 1 column"), "%s", err.msg);
    cr_assert(strstr(err.msg, needle), "%s", err.msg);
    duckdb_disconnect(&con);
    duckdb_close(&ddb);
    proxy__pgcat_unref(cat);
    free(doc);
}

Test(proxy, pgcat_refuses_values_it_cannot_read_exactly)
{
    expect_bad_value("x:21:-1", "40000", "invalid value");
    expect_bad_value("x:23:-1", " 1", "invalid value");
    expect_bad_value("x:16:-1", "true", "invalid value");
    expect_bad_value("x:1082:-1", "2024-13-01", "invalid value");
    expect_bad_value("x:1184:-1", "2024-01-01 00:00:00", "invalid value");
    expect_bad_value("x:700:-1", "1.5x", "invalid value");
    expect_bad_value("x:17:-1", "abc", "invalid value");
    expect_bad_value("x:1007:-1", "{{1,2},{3,4}}", "not a one-dimensional array");
    expect_bad_value("x:1007:-1", "[0:1]={1,2}", "not a one-dimensional array");
    expect_bad_value("x:1007:-1", "{1,x}", "bad array element");
    expect_bad_value("x:1009:-1", "{a", "not a one-dimensional array");
    expect_bad_value("x:22:-1", "1  2", "not a one-dimensional array");
    expect_bad_value("x:1700:655366", "abc", "rejected by DuckDB");
}
