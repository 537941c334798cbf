/*
 * tests/source/test_catalog.c: the catalog document captured from the suite's PostgreSQL:
 * key rows of pg_class, pg_attribute, pg_type, pg_enum, pg_description and the views, and the
 * am.* texts equal to what PostgreSQL's own functions return; a role with only REPLICATION and
 * SELECT can capture; the initial copy captures under its snapshot; equality ignores the LSN.
 */
#include "source_test.h"
#include "../support/catalog_fixture.h"

static void capture(source_t *src, am_buf_t *doc)
{
    am_err_t err = {0};
    cr_assert(source_catalog_capture(src, doc, &err), "capture: %s %s", err.sqlstate, err.msg);
}

static void expect_same(json_t *rel, const char *k1, const char *v1, const char *k2, const char *v2,
                        const char *want, const char *expected)
{
    const char *got = cf_lookup(rel, k1, v1, k2, v2, want);
    cr_assert_not_null(got, "no row with %s = %s", k1, v1);
    cr_assert_str_eq(got, expected, "%s: got \"%s\", PostgreSQL says \"%s\"", want, got, expected);
}

/* The am.* texts for the fixture equal what PostgreSQL's functions return for the same oids. */
static void check_derived(PGconn *c, json_t *doc)
{
    char *idx = amt_pg_value(c, "SELECT 'customers_lower_email'::regclass::oid");
    char *def = amt_pg_value(c, "SELECT pg_get_indexdef('customers_lower_email'::regclass)");
    expect_same(cf_rel(doc, "am", "indexdef"), "indexrelid", idx, "colno", "0", "def", def);
    free(idx);
    free(def);
    idx = amt_pg_value(c, "SELECT 'customers_named'::regclass::oid");
    def = amt_pg_value(c, "SELECT pg_get_indexdef('customers_named'::regclass, 0, true)");
    json_t *indexdef = cf_rel(doc, "am", "indexdef");
    /* the fixture's own indexes (catalog relations' indexes are captured too, for \d of them) */
    char *own = amt_pg_value(c, "SELECT ',' || string_agg(indexrelid::text, ',') || ',' FROM "
                                "pg_index WHERE indrelid::regclass::text NOT LIKE 'pg\\_%%' AND "
                                "indrelid >= 16384");
    int col = cf_col(indexdef, "indexrelid");
    size_t n_own = 0, r;
    json_t *row;
    json_array_foreach(json_object_get(indexdef, "rows"), r, row)
    {
        char key[32];
        snprintf(key, sizeof key, ",%s,", json_string_value(json_array_get(row, (size_t)col)));
        n_own += strstr(own, key) != NULL;
    }
    free(own);
    cr_assert_eq(n_own, 20, "5 indexes x (0..1) x pretty");
    cr_assert(strstr(def, "WHERE name IS NOT NULL"), "%s", def);
    expect_same(indexdef, "indexrelid", idx, "def", def, "pretty", "t");
    free(idx);
    free(def);
    char *con = amt_pg_value(c, "SELECT oid FROM pg_constraint WHERE contype = 'f'");
    def =
        amt_pg_value(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'");
    expect_same(cf_rel(doc, "am", "constraintdef"), "oid", con, "pretty", "f", "def", def);
    free(con);
    free(def);
    char *node = amt_pg_value(c, "SELECT adbin::text FROM pg_attrdef WHERE adnum = 4 AND "
                                 "adrelid = 'customers'::regclass");
    expect_same(cf_rel(doc, "am", "expr"), "node", node, "pretty", "t", "def", "now()");
    free(node);
    node = amt_pg_value(c, "SELECT conbin::text FROM pg_constraint WHERE contype = 'c' AND "
                           "conrelid = 'customers'::regclass");
    def = amt_pg_value(c, "SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE "
                          "contype = 'c' AND conrelid = 'customers'::regclass");
    expect_same(cf_rel(doc, "am", "expr"), "node", node, "pretty", "f", "def", def);
    free(node);
    free(def);
    char *rel = amt_pg_value(c, "SELECT 'measures'::regclass::oid");
    expect_same(cf_rel(doc, "am", "partkeydef"), "oid", rel, NULL, NULL, "def", "RANGE (at)");
    free(rel);
    rel = amt_pg_value(c, "SELECT 'orders'::regclass::oid");
    def = amt_pg_value(c, "SELECT pg_get_serial_sequence('public.orders', 'id')");
    expect_same(cf_rel(doc, "am", "serial_sequence"), "relid", rel, "attname", "id", "seq", def);
    free(rel);
    free(def);
    char *tg = amt_pg_value(c, "SELECT min(oid) FROM pg_trigger");
    def = amt_pg_value(c, "SELECT pg_get_triggerdef(min(oid)) FROM pg_trigger");
    expect_same(cf_rel(doc, "am", "triggerdef"), "oid", tg, "pretty", "f", "def", def);
    free(tg);
    free(def);
}

/* Key catalog rows: the tables, their columns, comments, the enum in order, the domain. */
static void check_rows(PGconn *c, json_t *doc)
{
    char *rel = amt_pg_value(c, "SELECT 'customers'::regclass::oid");
    json_t *cls = cf_rel(doc, "pg_catalog", "pg_class");
    cr_assert_eq(json_integer_value(json_object_get(
                     json_array_get(json_object_get(cls, "columns"), 0), "type_oid")),
                 26);
    expect_same(cls, "oid", rel, NULL, NULL, "relname", "customers");
    expect_same(cf_rel(doc, "pg_catalog", "pg_attribute"), "attrelid", rel, "attnum", "7",
                "attname", "tags");
    json_t *desc = cf_rel(doc, "pg_catalog", "pg_description");
    expect_same(desc, "objoid", rel, "objsubid", "0", "description", "people who buy");
    expect_same(desc, "objoid", rel, "objsubid", "2", "description", "login address");
    free(rel);
    char *mood = amt_pg_value(c, "SELECT 'mood'::regtype::oid");
    json_t *en = cf_rel(doc, "pg_catalog", "pg_enum");
    const char *want[] = {"sad", "meh", "ok", "happy"};
    size_t i, k = 0;
    json_t *row;
    json_array_foreach(json_object_get(en, "rows"), i, row)
    {
        if (strcmp(json_string_value(json_array_get(row, (size_t)cf_col(en, "enumtypid"))), mood) ==
            0)
            cr_assert_str_eq(
                json_string_value(json_array_get(row, (size_t)cf_col(en, "enumlabel"))), want[k++]);
    }
    cr_assert_eq(k, 4);
    free(mood);
    json_t *typ = cf_rel(doc, "pg_catalog", "pg_type");
    expect_same(typ, "typname", "posint", NULL, NULL, "typbasetype", "23");
    char *in = amt_pg_value(c, "SELECT 'int4in'::regproc::oid");
    expect_same(typ, "oid", "23", NULL, NULL, "typinput", in); /* reg* as numbers */
    free(in);
    char *n_types = amt_pg_value(c, "SELECT count(*) FROM pg_type");
    cr_assert_eq(cf_n_rows(typ), (size_t)atol(n_types));
    free(n_types);
    expect_same(cf_rel(doc, "information_schema", "columns"), "table_name", "customers",
                "column_name", "tags", "data_type", "ARRAY");
    cr_assert_eq(cf_n_rows(cf_rel(doc, "pg_catalog", "pg_sequences")), 2);
    cr_assert_eq(cf_n_rows(cf_rel(doc, "pg_catalog", "pg_inherits")), 1);
    cr_assert_eq(cf_n_rows(cf_rel(doc, "information_schema", "routines")), 0);
}

Test(source, catalog_capture_matches_what_postgres_returns)
{
    const char *db = "src_catalog";
    cf_create(db);
    source_options_t o = srct_options(db, cf_tables, CF_N_TABLES);
    source_t *src = srct_open(&o);
    am_buf_t doc;
    am_buf_init(&doc);
    capture(src, &doc);
    json_t *j = cf_parse(&doc);
    PGconn *c = amt_pg_connect(db);
    cr_assert_eq(json_integer_value(json_object_get(j, "format")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(j, "database")), db);
    cr_assert_eq(json_integer_value(json_object_get(j, "server_version_num")), PQserverVersion(c));
    am_lsn_t lsn = 0;
    cr_assert(am_lsn_parse(json_string_value(json_object_get(j, "lsn")), &lsn) && lsn > 0);
    check_rows(c, j);
    check_derived(c, j);
    json_decref(j);
    PQfinish(c);
    am_buf_destroy(&doc);
    source_close(src);
}

Test(source, catalog_capture_needs_only_replication_and_select)
{
    const char *db = "src_catalog_role";
    cf_create(db);
    PGconn *c = amt_pg_connect(db);
    amt_pg_exec(c, "DROP ROLE IF EXISTS src_catalog_reader");
    amt_pg_exec(c, "CREATE ROLE src_catalog_reader LOGIN REPLICATION PASSWORD 'pw'");
    amt_pg_exec(c, "GRANT SELECT ON customers, orders, measures TO src_catalog_reader");
    /* creating the publication needs more: the administrator does it once */
    amt_pg_exec(c, "CREATE PUBLICATION src_catalog_role_pub FOR TABLE customers, orders, "
                   "measures WITH (publish_via_partition_root = true)");
    source_options_t o = srct_options(db, cf_tables, CF_N_TABLES);
    o.user = "src_catalog_reader";
    o.password = "pw";
    source_t *src = srct_open(&o);
    am_buf_t doc;
    am_buf_init(&doc);
    capture(src, &doc);
    json_t *j = cf_parse(&doc);
    expect_same(cf_rel(j, "pg_catalog", "pg_roles"), "rolname", "src_catalog_reader", NULL, NULL,
                "rolreplication", "t");
    check_rows(c, j);
    check_derived(c, j);
    json_decref(j);
    am_buf_destroy(&doc);
    source_close(src);
    amt_pg_exec(c, "DROP PUBLICATION src_catalog_role_pub");
    amt_pg_exec(c, "REVOKE ALL ON customers, orders, measures FROM src_catalog_reader");
    PQfinish(c);
}

Test(source, catalog_documents_compare_apart_from_their_lsn)
{
    const char *db = "src_catalog_same";
    cf_create(db);
    source_options_t o = srct_options(db, cf_tables, CF_N_TABLES);
    source_t *src = srct_open(&o);
    am_buf_t a, b;
    am_buf_init(&a);
    am_buf_init(&b);
    PGconn *c = amt_pg_connect(db);
    /* the document holds the cluster's databases and roles, which tests running beside this
     * one create and drop: a pair taken across such a change is taken again (a row that
     * changed the document would change every pair) */
    bool same = false;
    for (int tries = 0; tries < 5 && !same; tries++) {
        am_buf_reset(&a);
        am_buf_reset(&b);
        capture(src, &a);
        amt_pg_exec(c, "INSERT INTO measures VALUES ('2024-05-01', 1.5)");
        capture(src, &b);
        same = source_catalog_same(a.data, a.len, b.data, b.len);
    }
    cr_assert(same, "a row changed it");
    cr_assert_neq(memcmp(a.data, b.data, 40), 0, "the LSN moved on");
    am_buf_reset(&b);
    amt_pg_exec(c, "COMMENT ON TABLE orders IS 'what was bought'");
    capture(src, &b);
    cr_assert_not(source_catalog_same(a.data, a.len, b.data, b.len));
    cr_assert_not(source_catalog_same("{}", 2, "{}", 2));
    cr_assert_not(source_catalog_same(a.data, 10, a.data, 10));
    PQfinish(c);
    am_buf_destroy(&a);
    am_buf_destroy(&b);
    source_close(src);
}

Test(source, catalog_capture_of_a_dropped_table_fails_naming_it)
{
    const char *db = "src_catalog_gone";
    cf_create(db);
    source_options_t o = srct_options(db, cf_tables, CF_N_TABLES);
    source_t *src = srct_open(&o);
    PGconn *c = amt_pg_connect(db);
    amt_pg_exec(c, "DROP TABLE orders");
    PQfinish(c);
    am_buf_t doc;
    am_buf_init(&doc);
    am_err_t err = {0};
    cr_assert_not(source_catalog_capture(src, &doc, &err));
    cr_assert_str_eq(err.sqlstate, "42P01");
    cr_assert(strstr(err.msg, "public.orders"), "%s", err.msg);
    cr_assert_eq(doc.len, 0);
    /* the connection is still usable */
    am_lsn_t lsn;
    cr_assert(source_current_wal_lsn(src, &lsn, &err), "%s", err.msg);
    am_buf_destroy(&doc);
    source_close(src);
}

typedef struct copy_probe {
    const char *db;
    int step; /* 1 slot_created, 2 catalog, 3 a table began */
    am_lsn_t point;
    am_buf_t doc;
} copy_probe_t;

static bool probe_slot(void *ud, am_lsn_t point, am_err_t *err)
{
    (void)err;
    copy_probe_t *p = ud;
    cr_assert_eq(p->step++, 0);
    p->point = point;
    /* committed after the snapshot was exported: the copy's catalog must not see it */
    PGconn *c = amt_pg_connect(p->db);
    amt_pg_exec(c, "COMMENT ON TABLE customers IS 'changed after the snapshot'");
    PQfinish(c);
    return true;
}

static bool probe_catalog(void *ud, const char *json, size_t len, am_err_t *err)
{
    (void)err;
    copy_probe_t *p = ud;
    /* captured beside the tables' copy, delivered once the last table ended */
    cr_assert_eq(p->step, 2, "the catalog comes after the tables");
    p->step = 3;
    am_buf_append(&p->doc, json, len);
    return true;
}

static bool probe_begin(void *ud, const source_relation_t *rel, int64_t est, am_err_t *err)
{
    (void)rel, (void)est, (void)err;
    copy_probe_t *p = ud;
    cr_assert(p->step == 1 || p->step == 2, "tables come after slot_created");
    p->step = 2;
    return true;
}

static bool probe_row(void *ud, const am_value_t *vals, am_err_t *err)
{
    (void)ud, (void)vals, (void)err;
    return true;
}

static bool probe_end(void *ud, const source_relation_t *rel, int64_t n, am_err_t *err)
{
    (void)ud, (void)rel, (void)n, (void)err;
    return true;
}

Test(source, initial_copy_captures_the_catalog_under_its_snapshot)
{
    const char *db = "src_catalog_copy";
    cf_create(db);
    source_options_t o = srct_options(db, cf_tables, CF_N_TABLES);
    source_t *src = srct_open(&o);
    copy_probe_t p = {.db = db};
    am_buf_init(&p.doc);
    source_copy_sink_t sink = {.slot_created = probe_slot,
                               .catalog = probe_catalog,
                               .table_begin = probe_begin,
                               .row = probe_row,
                               .table_end = probe_end};
    am_lsn_t cp = 0;
    am_err_t err = {0};
    cr_assert(source_initial_copy(src, &sink, &p, &cp, &err), "%s %s", err.sqlstate, err.msg);
    cr_assert_eq(p.step, 3);
    json_t *j = cf_parse(&p.doc);
    am_lsn_t lsn = 0;
    cr_assert(am_lsn_parse(json_string_value(json_object_get(j, "lsn")), &lsn));
    cr_assert_eq(lsn, cp, "the document records the consistent point");
    PGconn *c = amt_pg_connect(db);
    char *rel = amt_pg_value(c, "SELECT 'customers'::regclass::oid");
    expect_same(cf_rel(j, "pg_catalog", "pg_description"), "objoid", rel, "objsubid", "0",
                "description", "people who buy");
    free(rel);
    PQfinish(c);
    json_decref(j);
    am_buf_destroy(&p.doc);
    cr_assert(source_slot_drop(src, &err), "%s", err.msg);
    source_close(src);
}
