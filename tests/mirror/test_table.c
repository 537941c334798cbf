/*
 * Applying changes to one mirrored table: columns bound by attnum from the stream's relation
 * order, updates that carry unchanged TOAST values (from a row of the same batch and from a
 * committed Parquet file), deletes, truncate, and the identity index rebuilt from the lake;
 * REPLICA IDENTITY FULL as a multiset; keys swapped inside a transaction; composite and long
 * keys; tables written before column types were recorded getting their docs without a
 * rewrite; row copies past their budget read back. Real lake on a temp directory, checked through
 * lake_read_plan in a private DuckDB.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../lake/lake_test.h"
#include "../source/source_test.h"
#include "mirror/mirror_internal.h"
#include "mirror_test.h"

/* The text of head || the snapshot's plan || tail, run in a private DuckDB. */
static char *plan_query(const char *dir, lake_table_t *lt, const char *head, const char *tail)
{
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, "m", lake_table_snapshot_id(lt));
    char *sql = NULL;
    cr_assert(asprintf(&sql, "%s%s%s", head, plan, tail) > 0);
    char *out = lt_query_text(con, sql);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return out;
}

static char *rows_text(const char *dir, lake_table_t *lt)
{
    return plan_query(dir, lt,
                      "SELECT coalesce(string_agg(id || ':' || name || ':' || amount, ',' "
                      "ORDER BY id), '') FROM ",
                      "");
}

Test(mirror, table_applies_changes_and_keeps_unchanged_toast_values)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-table", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    am_err_t err = {0};
    am_value_t v[4], old[4];
    const char *names[] = {"", "one", "two", "three", "four", "five"};
    for (int64_t i = 1; i <= 5; i++) {
        set_row(v, i, names[i], "1.00");
        cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    }
    set_row(v, 2, NULL, "2.50"); /* name unchanged: from the row appended in this batch */
    cr_assert(mirror__table_update(&t, NULL, v, &err), "%s", err.msg);
    set_row(old, 3, "three", "1.00");
    cr_assert(mirror__table_delete(&t, old, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 100, &err), "%s", err.msg);
    cr_assert_eq(t.lake_lsn, 100);

    set_row(v, 4, NULL, "4.75"); /* name unchanged: from the committed Parquet file */
    cr_assert(mirror__table_update(&t, NULL, v, &err), "%s", err.msg);
    set_row(old, 5, "five", "1.00"); /* key change 5 -> 6 comes with the old key */
    set_row(v, 6, "six", "6.00");
    cr_assert(mirror__table_update(&t, old, v, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 200, &err), "%s", err.msg);

    char *got = rows_text(dir, t.lt);
    cr_assert_str_eq(got, "1:one:1.00,2:two:2.50,4:four:4.75,6:six:6.00");
    free(got);
    mirror__table_destroy(&t);

    /* after a restart the index comes back from the lake and deletes still find their rows */
    setup_table(&t, lt_open(lake, "m"));
    cr_assert(mirror__index_rebuild(&t, &err), "%s", err.msg);
    cr_assert_eq(mirror__pk_rows(t.pk), 4);
    cr_assert_eq(t.lake_lsn, 200);
    set_row(old, 2, "two", "2.50");
    cr_assert(mirror__table_delete(&t, old, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 300, &err), "%s", err.msg);
    got = rows_text(dir, t.lt);
    cr_assert_str_eq(got, "1:one:1.00,4:four:4.75,6:six:6.00");
    free(got);

    mirror__table_truncate(&t);
    set_row(v, 9, "nine", "9.00");
    cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 400, &err), "%s", err.msg);
    got = rows_text(dir, t.lt);
    cr_assert_str_eq(got, "9:nine:9.00");
    free(got);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

/* Past the batch's budget for row copies (keep_max) an unchanged TOAST value of a row appended
 * in the same batch is read back from the file being filled, with the same result. */
Test(mirror, unchanged_values_past_the_copy_budget_come_from_the_open_file)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-keep-budget", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    t.keep_max = 1; /* spent by the first copy */
    am_err_t err = {0};
    am_value_t v[4];
    const char *names[] = {"", "one", "two", "three", "four"};
    for (int64_t i = 1; i <= 4; i++) {
        set_row(v, i, names[i], "1.00");
        cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    }
    cr_assert_eq(t.n_pending_files, 1);
    cr_assert_lt(t.pending_files[0].n_rows, 4, "every row copied despite the budget");
    set_row(v, 3, NULL, "3.25");
    cr_assert(mirror__table_update(&t, NULL, v, &err), "%s", err.msg);
    set_row(v, 4, NULL, "4.25");
    cr_assert(mirror__table_update(&t, NULL, v, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 100, &err), "%s", err.msg);
    char *got = rows_text(dir, t.lt);
    cr_assert_str_eq(got, "1:one:1.00,2:two:1.00,3:three:3.25,4:four:4.25");
    free(got);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

Test(mirror, table_bind_refuses_a_type_it_cannot_store)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-bind", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    source_column_t cols[4];
    memcpy(cols, rel_cols, sizeof rel_cols);
    cols[3] = (source_column_t){.name = "ts", .type = {.type = AM_TYPE_BINARY}};
    source_relation_t other = m_rel;
    other.cols = cols;
    am_err_t err = {0};
    cr_assert_not(mirror__table_bind(&t, &other, m_attnums, 0, &err));
    cr_assert_str_eq(err.sqlstate, "0A000");
    cr_assert(strstr(err.msg, "\"ts\"") != NULL, "%s", err.msg);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

/* ---- identities: FULL as a multiset, swapped keys, composite and long keys ----------------- */

static char *rows_of(const char *dir, const char *name, lake_table_t *lt, const char *expr)
{
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, name, lake_table_snapshot_id(lt));
    char *sql = NULL;
    cr_assert(asprintf(&sql, "SELECT coalesce(string_agg(%s, ',' ORDER BY %s), '') FROM %s", expr,
                       expr, plan) > 0);
    char *out = lt_query_text(con, sql);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return out;
}

static const lake_column_t full_cols[] = {
    {.name = "a", .type = {.type = AM_TYPE_INT32}},
    {.name = "b", .type = {.type = AM_TYPE_STRING}},
};
static source_column_t full_rel_cols[] = {
    {.name = "a", .type = {.type = AM_TYPE_INT32}, .is_key = true},
    {.name = "b", .type = {.type = AM_TYPE_STRING}, .is_key = true},
};
static source_relation_t full_rel = {.relid = 4242,
                                     .schema = "public",
                                     .name = "f",
                                     .replident = 'f',
                                     .cols = full_rel_cols,
                                     .n_cols = 2};

static void full_row(am_value_t v[2], int a, const char *b)
{
    v[0] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = a};
    v[1] = b ? (am_value_t){.kind = AM_VALUE_PRESENT, .s = b, .len = (uint32_t)strlen(b)}
             : (am_value_t){.kind = AM_VALUE_NULL};
}

static void full_setup(mirror_table_t *t, lake_table_t *lt)
{
    memset(t, 0, sizeof *t);
    t->schema = strdup("public");
    t->name = strdup("f");
    static const char *const names[] = {"a", "b"};
    static const int32_t fields[] = {1, 2};
    static const int16_t key[] = {1, 2};
    make_rec(t, names, fields, 2, key, 2, 'f');
    am_err_t err = {0};
    cr_assert(mirror__table_setup(t, lt, &err), "%s", err.msg);
    static const int16_t attnums[] = {1, 2};
    cr_assert(mirror__table_bind(t, &full_rel, attnums, 0, &err), "%s", err.msg);
}

Test(mirror, full_identity_is_a_multiset_with_nulls_equal)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-full", &dir);
    am_err_t err = {0};
    lake_table_t *lt = lake_table_create(lake, "public", "f", full_cols, 2, &err);
    cr_assert_not_null(lt, "%s", err.msg);
    mirror_table_t t;
    full_setup(&t, lt);
    am_value_t v[2], o[2];
    for (int i = 0; i < 3; i++) { /* three identical rows, two with a NULL */
        full_row(v, 1, "x");
        cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    }
    for (int i = 0; i < 2; i++) {
        full_row(v, 2, NULL);
        cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    }
    cr_assert(mirror__table_commit(&t, 100, &err), "%s", err.msg);
    full_row(o, 1, "x"); /* one of the three goes */
    cr_assert(mirror__table_delete(&t, o, &err), "%s", err.msg);
    full_row(o, 2, NULL); /* one of the NULL rows changes: NULLs compare equal */
    full_row(v, 3, NULL);
    cr_assert(mirror__table_update(&t, o, v, &err), "%s", err.msg);
    full_row(v, 1, "x"); /* and an identical row comes again */
    cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 200, &err), "%s", err.msg);
    char *got = rows_of(dir, "f", t.lt, "a || ':' || coalesce(b, 'N')");
    cr_assert_str_eq(got, "1:x,1:x,1:x,2:N,3:N");
    free(got);
    mirror__table_destroy(&t);
    /* after a restart the multiset comes back: duplicates are no error */
    full_setup(&t, lt_open(lake, "f"));
    cr_assert(mirror__index_rebuild(&t, &err), "%s", err.msg);
    full_row(o, 1, "x");
    cr_assert(mirror__table_delete(&t, o, &err), "%s", err.msg);
    cr_assert(mirror__table_delete(&t, o, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 300, &err), "%s", err.msg);
    got = rows_of(dir, "f", t.lt, "a || ':' || coalesce(b, 'N')");
    cr_assert_str_eq(got, "1:x,2:N,3:N");
    free(got);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

Test(mirror, keys_swapped_inside_a_transaction)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-swap", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    am_err_t err = {0};
    am_value_t v[4], o[4];
    set_row(v, 1, "a", "1.00");
    cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    set_row(v, 2, "b", "2.00");
    cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 100, &err), "%s", err.msg);
    /* UPDATE m SET id = 3 - id with a deferred key: 1 -> 2 while 2 still exists, then 2 -> 1 */
    set_row(o, 1, "a", "1.00");
    set_row(v, 2, "a", "1.00");
    cr_assert(mirror__table_update(&t, o, v, &err), "%s", err.msg);
    set_row(o, 2, "b", "2.00");
    set_row(v, 1, "b", "2.00");
    cr_assert(mirror__table_update(&t, o, v, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 200, &err), "%s", err.msg);
    char *got = rows_of(dir, "m", t.lt, "id || ':' || name");
    cr_assert_str_eq(got, "1:b,2:a");
    free(got);
    cr_assert_eq(mirror__index_shared(&t), 0);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

static const lake_column_t comp_cols[] = {
    {.name = "k1", .type = {.type = AM_TYPE_STRING}, .required = true, .is_key = true},
    {.name = "k2", .type = {.type = AM_TYPE_UUID}, .required = true, .is_key = true},
    {.name = "k3", .type = {.type = AM_TYPE_TIMESTAMPTZ}, .required = true, .is_key = true},
    {.name = "k4",
     .type = {.type = AM_TYPE_DECIMAL, .precision = 10, .scale = 2},
     .required = true,
     .is_key = true},
    {.name = "v", .type = {.type = AM_TYPE_STRING}},
};
static source_column_t comp_rel_cols[] = {
    {.name = "k1", .type = {.type = AM_TYPE_STRING}, .is_key = true},
    {.name = "k2", .type = {.type = AM_TYPE_UUID}, .is_key = true},
    {.name = "k3", .type = {.type = AM_TYPE_TIMESTAMPTZ}, .is_key = true},
    {.name = "k4", .type = {.type = AM_TYPE_DECIMAL, .precision = 10, .scale = 2}, .is_key = true},
    {.name = "v", .type = {.type = AM_TYPE_STRING}},
};
static source_relation_t comp_rel = {.relid = 4242,
                                     .schema = "public",
                                     .name = "c",
                                     .replident = 'd',
                                     .cols = comp_rel_cols,
                                     .n_cols = 5};

static void comp_row(am_value_t v[5], const char *k1, int i, const char *val)
{
    static char uuids[8][40];
    snprintf(uuids[i], sizeof uuids[i], "00000000-0000-0000-0000-%012d", i);
    v[0] = (am_value_t){.kind = AM_VALUE_PRESENT, .s = k1, .len = (uint32_t)strlen(k1)};
    v[1] = (am_value_t){.kind = AM_VALUE_PRESENT, .s = uuids[i], .len = 36};
    v[2] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = INT64_C(1700000000000000) + i};
    v[3] = (am_value_t){.kind = AM_VALUE_PRESENT, .s = "12.50", .len = 5};
    v[4] = val ? (am_value_t){.kind = AM_VALUE_PRESENT, .s = val, .len = (uint32_t)strlen(val)}
               : (am_value_t){.kind = AM_VALUE_UNCHANGED};
}

Test(mirror, composite_keys_of_many_types_longer_than_a_kilobyte)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-comp", &dir);
    am_err_t err = {0};
    lake_table_t *lt = lake_table_create(lake, "public", "c", comp_cols, 5, &err);
    cr_assert_not_null(lt, "%s", err.msg);
    mirror_table_t t;
    memset(&t, 0, sizeof t);
    t.schema = strdup("public");
    t.name = strdup("c");
    static const char *const names[] = {"k1", "k2", "k3", "k4", "v"};
    static const int32_t fields[] = {1, 2, 3, 4, 5};
    static const int16_t key[] = {1, 2, 3, 4};
    make_rec(&t, names, fields, 5, key, 4, 'd');
    cr_assert(mirror__table_setup(&t, lt, &err), "%s", err.msg);
    static const int16_t attnums[] = {1, 2, 3, 4, 5};
    cr_assert(mirror__table_bind(&t, &comp_rel, attnums, 0, &err), "%s", err.msg);
    char long_key[1500], short_key[] = "a key longer than sixteen bytes";
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    am_value_t v[5], o[5];
    comp_row(v, long_key, 1, "one");
    cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    comp_row(v, short_key, 2, "two");
    cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 100, &err), "%s", err.msg);
    mirror__table_destroy(&t);
    /* restart: the index of long composite keys comes back from the lake */
    memset(&t, 0, sizeof t);
    t.schema = strdup("public");
    t.name = strdup("c");
    make_rec(&t, names, fields, 5, key, 4, 'd');
    cr_assert(mirror__table_setup(&t, lt_open(lake, "c"), &err), "%s", err.msg);
    cr_assert(mirror__table_bind(&t, &comp_rel, attnums, 0, &err), "%s", err.msg);
    cr_assert(mirror__index_rebuild(&t, &err), "%s", err.msg);
    comp_row(o, long_key, 1, "one"); /* the key's first part changes; v unchanged (TOAST) */
    comp_row(v, short_key, 3, NULL);
    cr_assert(mirror__table_update(&t, o, v, &err), "%s", err.msg);
    comp_row(o, short_key, 2, "two");
    cr_assert(mirror__table_delete(&t, o, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 200, &err), "%s", err.msg);
    char *got = rows_of(dir, "c", t.lt, "k1 || '/' || k2 || '/' || k4 || '/' || v");
    cr_assert_str_eq(
        got, "a key longer than sixteen bytes/00000000-0000-0000-0000-000000000003/12.50/one");
    free(got);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

/* ---- tables written before column types were recorded ---------------------------------- */

static const lake_column_t legacy_cols[] = {
    {.name = "id", .type = {.type = AM_TYPE_INT32}, .required = true, .is_key = true},
    {.name = "u", .type = {.type = AM_TYPE_STRING}},
    {.name = "tags", .type = {.type = AM_TYPE_STRING}},
    {.name = "pi", .type = {.type = AM_TYPE_STRING}},
};

static char *legacy_text(const char *dir, lake_table_t *lt)
{
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, "t", lake_table_snapshot_id(lt));
    char *sql = NULL;
    cr_assert(
        asprintf(&sql,
                 "SELECT string_agg(concat_ws('|', id, u, tags, pi, typeof(u), typeof(tags)), "
                 "';' ORDER BY id) FROM %s",
                 plan) > 0);
    char *out = lt_query_text(con, sql);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return out;
}

/* Row id of the PostgreSQL table, parsed as the source parses it. */
static void pg_row(PGconn *c, const source_relation_t *rel, int id, am_arena_t *a, am_value_t *v)
{
    PGresult *r = PQexecParams(c, "SELECT id, u, tags, pi FROM t WHERE id = $1::int", 1, NULL,
                               (const char *const[]){id == 1 ? "1" : "2"}, NULL, NULL, 0);
    cr_assert_eq(PQntuples(r), 1, "%s", PQerrorMessage(c));
    for (int i = 0; i < 4; i++) {
        char *text = am_arena_strdup(a, PQgetvalue(r, 0, i));
        am_err_t err = {0};
        cr_assert(source_column_parse(&rel->cols[i], text, strlen(text), a, &v[i], &err), "%s",
                  err.msg);
    }
    PQclear(r);
}

/* The lake as the mirror wrote it before docs existed: uuid, arrays and domains as text. */
static int64_t legacy_lake(lake_t *lake, PGconn *c, const source_relation_t *rel)
{
    am_err_t err = {0};
    lake_table_t *lt = lake_table_create(lake, "public", "t", legacy_cols, 4, &err);
    cr_assert_not_null(lt, "%s", err.msg);
    am_arena_t *a = am_arena_new(0);
    am_value_t v[4];
    pg_row(c, rel, 1, a, v);
    lake_batch_t *b = lake_batch_new(lt);
    lake_pos_t pos;
    cr_assert(lake_batch_append(b, v, &pos, &err), "%s", err.msg);
    lt_commit(b, 100);
    lake_batch_free(b);
    int64_t snap = lake_table_snapshot_id(lt);
    lake_table_close(lt);
    am_arena_free(a);
    return snap;
}

/* Docs recorded by one metadata-only commit (v3), the storage and the snapshot as they were. */
static void expect_docs(PGconn *c, const mirror_table_t *t, const char *dir, int64_t snap)
{
    cr_assert_eq(lake_table_snapshot_id(t->lt), snap, "no new snapshot, no data rewritten");
    const lake_column_t *cols = lake_table_columns(t->lt);
    char pi_doc[64];
    char *oid = amt_pg_value(c, "SELECT 'posint'::regtype::oid");
    snprintf(pi_doc, sizeof pi_doc, "pg:%s:-1:public.posint", oid);
    free(oid);
    const char *docs[] = {"pg:23:-1:integer", "pg:2950:-1:uuid", "pg:1009:-1:text[]", pi_doc};
    for (int i = 0; i < 4; i++) {
        cr_assert_str_eq(cols[i].doc, docs[i]);
        cr_assert_eq(cols[i].type.type, legacy_cols[i].type.type, "storage stays");
    }
    char path[600];
    snprintf(path, sizeof path, "%s/public/t/metadata/v3.metadata.json", dir);
    json_t *m3 = json_load_file(path, 0, NULL);
    cr_assert_not_null(m3, "the docs are one metadata-only commit: %s", path);
    cr_assert_eq(json_integer_value(json_object_get(m3, "current-schema-id")), 1);
    cr_assert_eq(json_integer_value(json_object_get(m3, "current-snapshot-id")), snap);
    json_decref(m3);
}

Test(mirror, table_written_before_types_were_recorded_gets_docs_keeps_storage)
{
    amt_create_db("mirror_legacy");
    PGconn *c = amt_pg_connect("mirror_legacy");
    amt_pg_exec(c, "CREATE DOMAIN posint AS int CHECK (VALUE > 0); "
                   "CREATE TABLE t (id int PRIMARY KEY, u uuid, tags text[], pi posint); "
                   "INSERT INTO t VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
                   "'{\"a b\",NULL,x}', 5), (2, '00000000-0000-0000-0000-0000000000ff', '{}', 7)");
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("mirror_legacy", tables, 1);
    source_t *src = srct_open(&o);
    am_err_t err = {0};
    source_relation_t *rel = source_describe(src, "public", "t", &err);
    cr_assert_not_null(rel, "%s", err.msg);
    char *dir;
    lake_t *lake = lt_lake_open("mirror-legacy", &dir);
    int64_t snap = legacy_lake(lake, c, rel);

    source_table_state_t *st = NULL;
    size_t n_st = 0;
    am_lsn_t after = 0;
    cr_assert(source_table_states(src, &rel->relid, 1, &st, &n_st, &after, &err), "%s", err.msg);
    mirror_table_t t = {
        .schema = strdup("public"), .name = strdup("t"), .location = strdup("public/t")};
    cr_assert(mirror__table_resume(&t, lake, NULL, src, st, &err), "%s", err.msg);
    cr_assert_eq(mirror__pk_rows(t.pk), 1);
    expect_docs(c, &t, dir, snap);
    /* the stream's values (a uuid, a list, a domain over int) go into the text columns as the
     * text PostgreSQL printed */
    static const int16_t attnums[] = {1, 2, 3, 4};
    cr_assert(mirror__table_bind(&t, rel, attnums, 0, &err), "%s", err.msg);
    am_arena_t *a = am_arena_new(0);
    am_value_t v[4];
    pg_row(c, rel, 2, a, v);
    cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 200, &err), "%s", err.msg);
    char *got = legacy_text(dir, t.lt);
    cr_assert_str_eq(got,
                     "1|a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11|{\"a b\",NULL,x}|5|VARCHAR|VARCHAR;"
                     "2|00000000-0000-0000-0000-0000000000ff|{}|7|VARCHAR|VARCHAR");
    free(got);
    mirror__table_destroy(&t);

    /* a second start finds the docs and the source state there: nothing more is written */
    t = (mirror_table_t){
        .schema = strdup("public"), .name = strdup("t"), .location = strdup("public/t")};
    cr_assert(mirror__table_resume(&t, lake, NULL, src, st, &err), "%s", err.msg);
    cr_assert_not_null(lake_table_property(t.lt, MIRROR_PROP_SOURCE));
    char path[600];
    snprintf(path, sizeof path, "%s/public/t/metadata/v5.metadata.json", dir);
    cr_assert_not(am_path_exists(path));
    mirror__table_destroy(&t);
    source_table_states_free(st, n_st);
    source_relation_free(rel);
    am_arena_free(a);
    source_close(src);
    lake_close(lake);
    PQfinish(c);
    free(dir);
}

static int64_t live_rows(const char *dir, lake_table_t *lt, const char *where)
{
    char *tail = NULL;
    cr_assert(asprintf(&tail, " WHERE %s", where) > 0);
    char *out = plan_query(dir, lt, "SELECT count(*) FROM ", tail);
    int64_t n = atoll(out);
    free(out);
    free(tail);
    return n;
}

/* An initial copy hands its keys to the feeder thread (ixfeed.c) in blocks, more of them than
 * its queue holds; a reader of the index (a delete) takes the index back, every key in it, and
 * what follows puts its keys directly. Deletes by key then find each row, also a duplicate's. */
Test(mirror, index_fed_on_its_own_thread_finds_every_row)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-ixfeed", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    am_err_t err = {0};
    am_value_t v[4], old[4];
    mirror__index_feed_begin(&t, 0);
    cr_assert_not_null(t.ixfeed);
    const int64_t n = 200000; /* 20-byte records: about 16 blocks of 256 kB */
    for (int64_t i = 1; i <= n; i++) {
        set_row(v, i, "r", "1.00");
        cr_assert(mirror__table_insert(&t, v, false, &err), "%s", err.msg);
    }
    set_row(v, 7, "again", "1.00"); /* a second row with key 7 (deferred constraints) */
    cr_assert(mirror__table_insert(&t, v, false, &err), "%s", err.msg);
    set_row(old, 7, "r", "1.00");
    cr_assert(mirror__table_delete(&t, old, &err), "%s", err.msg); /* takes the older one */
    cr_assert_null(t.ixfeed);
    cr_assert_eq(mirror__pk_rows(t.pk), (uint64_t)n);
    set_row(v, n + 1, "late", "1.00");
    cr_assert(mirror__table_insert(&t, v, false, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 100, &err), "%s", err.msg);

    for (int64_t i = 1; i <= n + 1; i += 997) {
        set_row(old, i, "r", "1.00");
        cr_assert(mirror__table_delete(&t, old, &err), "%s", err.msg);
    }
    cr_assert(mirror__table_commit(&t, 200, &err), "%s", err.msg);
    int64_t deleted = (n + 1 + 996) / 997; /* 1, 998, ..., up to n + 1 */
    cr_assert_eq(live_rows(dir, t.lt, "true"), n + 1 - deleted);
    cr_assert_eq(live_rows(dir, t.lt, "id = 7"), 1);
    cr_assert_eq(live_rows(dir, t.lt, "name = 'again'"), 1);
    cr_assert_eq(live_rows(dir, t.lt, "id % 997 = 1"), 0);
    cr_assert_eq(mirror__pk_rows(t.pk), (uint64_t)(n + 1 - deleted));

    /* a copy whose commit comes first: the commit syncs */
    mirror__table_truncate(&t);
    mirror__index_clear(&t);
    mirror__index_feed_begin(&t, 200000);
    for (int64_t i = 1; i <= 1000; i++) {
        set_row(v, i, "s", "2.00");
        cr_assert(mirror__table_insert(&t, v, false, &err), "%s", err.msg);
    }
    cr_assert(mirror__table_commit(&t, 300, &err), "%s", err.msg);
    cr_assert_null(t.ixfeed);
    cr_assert_eq(mirror__pk_rows(t.pk), 1000);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}
