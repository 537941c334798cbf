/*
 * Applying changes to one mirrored table: column mapping from the stream's relation order,
 * updates that carry unchanged TOAST values (from a row of the same batch and from a committed
 * Parquet file), deletes, truncate, and the primary-key index rebuilt from the lake; tables
 * written before column types were recorded getting their docs without a rewrite. Real lake
 * on a temp directory, checked through lake_read_plan in a private DuckDB.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../lake/lake_test.h"
#include "../source/source_test.h"
#include "mirror/mirror_internal.h"

/* The stream sends columns in PostgreSQL's order; here it differs from the lake's on purpose. */
static source_column_t rel_cols[] = {
    {.name = "name", .type = {.type = AM_TYPE_STRING}},
    {.name = "id", .type = {.type = AM_TYPE_INT64}, .is_key = true},
    {.name = "amount", .type = {.type = AM_TYPE_DECIMAL, .precision = 12, .scale = 2}},
    {.name = "ts", .type = {.type = AM_TYPE_TIMESTAMPTZ}},
};
static source_relation_t m_rel = {.relid = 4242,
                                  .schema = "public",
                                  .name = "m",
                                  .replident = 'd',
                                  .cols = rel_cols,
                                  .n_cols = 4};

static void set_row(am_value_t v[4], int64_t id, const char *name, const char *amount)
{
    memset(v, 0, 4 * sizeof *v);
    if (name)
        v[0] = (am_value_t){.kind = AM_VALUE_PRESENT, .s = name, .len = (uint32_t)strlen(name)};
    else
        v[0].kind = AM_VALUE_UNCHANGED;
    v[1] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = id};
    v[2] = (am_value_t){.kind = AM_VALUE_PRESENT, .s = amount, .len = (uint32_t)strlen(amount)};
    v[3] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = INT64_C(1700000000000000) + id};
}

static void setup_table(mirror_table_t *t, lake_table_t *lt)
{
    memset(t, 0, sizeof *t);
    t->schema = strdup("public");
    t->name = strdup("m");
    am_err_t err = {0};
    cr_assert(mirror__table_setup(t, lt, &err), "%s", err.msg);
    cr_assert(mirror__table_bind_relation(t, &m_rel, &err), "%s", err.msg);
}

static char *rows_text(const char *dir, lake_table_t *lt)
{
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, "m", lake_table_snapshot_id(lt));
    char *sql = NULL;
    cr_assert(asprintf(&sql,
                       "SELECT coalesce(string_agg(id || ':' || name || ':' || amount, ',' "
                       "ORDER BY id), '') FROM %s",
                       plan) > 0);
    char *out = lt_query_text(con, sql);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return out;
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
    cr_assert_eq(am_map_count(t.index), 4);
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

Test(mirror, table_refuses_a_changed_schema_naming_the_column)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-schema", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    source_column_t cols[5];
    memcpy(cols, rel_cols, sizeof rel_cols);
    cols[4] = (source_column_t){.name = "added", .type = {.type = AM_TYPE_INT32}};
    source_relation_t wider = m_rel;
    wider.cols = cols;
    wider.n_cols = 5;
    am_err_t err = {0};
    cr_assert_not(mirror__table_bind_relation(&t, &wider, &err));
    cr_assert_str_eq(err.sqlstate, "0A000");
    cr_assert(strstr(err.msg, "\"added\"") != NULL, "%s", err.msg);
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

    mirror_table_t t = {.schema = strdup("public"), .name = strdup("t")};
    cr_assert(mirror__table_resume(&t, lake, src, &err), "%s", err.msg);
    cr_assert_eq(am_map_count(t.index), 1);
    expect_docs(c, &t, dir, snap);
    /* the stream's values (a uuid, a list, a domain over int) go into the text columns as the
     * text PostgreSQL printed */
    cr_assert(mirror__table_bind_relation(&t, rel, &err), "%s", err.msg);
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

    /* a second start finds the docs there: nothing more is written */
    t = (mirror_table_t){.schema = strdup("public"), .name = strdup("t")};
    cr_assert(mirror__table_resume(&t, lake, src, &err), "%s", err.msg);
    char path[600];
    snprintf(path, sizeof path, "%s/public/t/metadata/v5.metadata.json", dir);
    cr_assert_not(am_path_exists(path));
    mirror__table_destroy(&t);
    source_relation_free(rel);
    am_arena_free(a);
    source_close(src);
    lake_close(lake);
    PQfinish(c);
    free(dir);
}
