/*
 * tests/lake/test_evolve.c: schema evolution by field id (rename, drop, add, widen) committed
 * with a snapshot, reads through DuckDB and icebird that find each file's fields by id, a
 * table replaced whole in one commit, a protected snapshot that expiry keeps, table properties.
 */
#include "lake/lake_internal.h"
#include "lake_test.h"

/* id BIGINT key, a INTEGER, b VARCHAR, c DECIMAL(10,2), l INTEGER[] */
static const lake_column_t ev_cols[] = {
    {.name = "id", .type = {.type = AM_TYPE_INT64}, .required = true, .is_key = true},
    {.name = "a", .type = {.type = AM_TYPE_INT32}},
    {.name = "b", .type = {.type = AM_TYPE_STRING}},
    {.name = "c", .type = {.type = AM_TYPE_DECIMAL, .precision = 10, .scale = 2}},
    {.name = "l", .type = {.type = AM_TYPE_LIST, .elem = AM_TYPE_INT32}},
};

static am_value_t present_i(int64_t i)
{
    return (am_value_t){.kind = AM_VALUE_PRESENT, .i = i};
}

static am_value_t present_s(const char *s)
{
    return (am_value_t){.kind = AM_VALUE_PRESENT, .s = s, .len = (uint32_t)strlen(s)};
}

static void append(lake_batch_t *b, const am_value_t *v)
{
    lake_pos_t pos;
    am_err_t err = {0};
    cr_assert(lake_batch_append(b, v, &pos, &err), "append: %s", err.msg);
}

/* Rows 1 and 2 in the first schema, committed at 0/10. */
static lake_table_t *ev_table(lake_t *lake)
{
    am_err_t err = {0};
    lake_table_t *t = lake_table_create(lake, "public", "ev", ev_cols, 5, &err);
    cr_assert_not_null(t, "%s", err.msg);
    lake_batch_t *b = lake_batch_new(t);
    am_value_t items[2] = {present_i(7), present_i(8)};
    for (int64_t id = 1; id <= 2; id++) {
        am_value_t v[5] = {present_i(id),
                           present_i(id * 10),
                           present_s(id == 1 ? "one" : "two"),
                           present_s("1.50"),
                           {.kind = AM_VALUE_PRESENT, .n_items = 2, .items = items}};
        append(b, v);
    }
    lt_commit(b, 0x10);
    lake_batch_free(b);
    return t;
}

static char *ev_plan(const char *warehouse, int64_t snap)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_err_t err = {0};
    cr_assert(lake_read_plan_at(warehouse, "public/ev", snap, &sql, NULL, &err), "plan: %s",
              err.msg);
    char *out = NULL;
    cr_assert(asprintf(&out, "(%s)", sql.data) > 0);
    am_buf_destroy(&sql);
    return out;
}

static void expect(duckdb_connection con, const char *plan, const char *expr, const char *want)
{
    char *q = NULL;
    cr_assert(asprintf(&q, "SELECT %s FROM %s", expr, plan) > 0);
    char *got = lt_query_text(con, q);
    cr_assert_str_eq(got, want, "%s", expr);
    free(got);
    free(q);
}

Test(lake, evolve_renames_drops_adds_and_widens_by_field_id)
{
    char *dir = NULL;
    lake_t *lake = lt_lake_open("evolve_by_id", &dir);
    lake_table_t *t = ev_table(lake);
    int64_t first = lake_table_snapshot_id(t);
    /* b renamed b2 (id 3), a dropped (id 2), c widened, d added, l kept */
    lake_column_t next[] = {
        {.name = "id",
         .type = {.type = AM_TYPE_INT64},
         .required = true,
         .is_key = true,
         .field_id = 1},
        {.name = "b2", .type = {.type = AM_TYPE_STRING}, .field_id = 3},
        {.name = "c",
         .type = {.type = AM_TYPE_DECIMAL, .precision = 14, .scale = 2},
         .field_id = 4},
        {.name = "l", .type = {.type = AM_TYPE_LIST, .elem = AM_TYPE_INT32}, .field_id = 5},
        {.name = "a", .type = {.type = AM_TYPE_INT64}, .required = true},
    };
    am_err_t err = {0};
    cr_assert(lake_table_set_schema(t, next, 5, &err), "%s", err.msg);
    lake_batch_t *b = lake_batch_new(t);
    lt_commit(b, 0x10); /* no rows: the schema alone makes a snapshot */
    cr_assert_neq(lake_table_snapshot_id(t), first);
    const lake_column_t *cols = lake_table_columns(t);
    cr_assert_eq(lake_table_n_columns(t), 5);
    cr_assert_eq(cols[4].field_id, 7, "new ids after the list element's (6)");
    cr_assert_not(cols[4].required, "v2 adds optional fields only");
    am_value_t v[5] = {present_i(3),
                       present_s("three"),
                       present_s("99999999.25"),
                       {.kind = AM_VALUE_PRESENT},
                       present_i(-5)};
    append(b, v);
    lt_commit(b, 0x20);
    lake_batch_free(b);

    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *now = ev_plan(dir, lake_table_snapshot_id(t));
    expect(con, now, "string_agg(b2, ',' ORDER BY id)", "one,two,three");
    expect(con, now, "string_agg(coalesce(a::VARCHAR, 'N'), ',' ORDER BY id)", "N,N,-5");
    expect(con, now, "string_agg(c::VARCHAR, ',' ORDER BY id)", "1.50,1.50,99999999.25");
    expect(con, now, "typeof(c)", "DECIMAL(14,2)");
    expect(con, now, "string_agg(l::VARCHAR, ',' ORDER BY id)", "[7, 8],[7, 8],[]");
    /* the first snapshot still reads with its own schema: a and b */
    char *old = ev_plan(dir, first);
    expect(con, old, "string_agg(b || a::VARCHAR, ',' ORDER BY id)", "one10,two20");
    free(now);
    free(old);

    /* a row of the first schema's file, fetched with the new schema (unchanged TOAST) */
    am_arena_t *arena = am_arena_new(4096);
    am_value_t row[5];
    cr_assert(lake_table_fetch_row(t, (lake_pos_t){.file = 0, .row = 1}, arena, row, &err), "%s",
              err.msg);
    cr_assert_eq(row[1].len, 3);
    cr_assert(memcmp(row[1].s, "two", 3) == 0);
    cr_assert_eq(row[4].kind, AM_VALUE_NULL);
    am_arena_free(arena);
    lake_table_close(t);

    /* icebird finds b2 in the old file through its iceberg.schema */
    char out[600];
    snprintf(out, sizeof out, "%s/icebird.json", dir);
    cr_assert_eq(
        amt_system("node %s/tests/lake/icebird_read.mjs %s/public/ev > %s", amt_root(), dir, out),
        0);
    json_error_t jerr;
    json_t *j = json_load_file(out, 0, &jerr);
    cr_assert_not_null(j, "%s", jerr.text);
    json_t *row0 = json_array_get(json_object_get(j, "data"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(row0, "b2")), "one");
    cr_assert(json_is_null(json_object_get(row0, "a")) || !json_object_get(row0, "a"));
    json_decref(j);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_close(lake);
    free(dir);
}

Test(lake, evolve_refuses_what_iceberg_cannot_express)
{
    char *dir = NULL;
    lake_t *lake = lt_lake_open("evolve_refuses", &dir);
    lake_table_t *t = ev_table(lake);
    lake_column_t narrowed[] = {
        {.name = "id", .type = {.type = AM_TYPE_INT32}, .field_id = 1},
    };
    am_err_t err = {0};
    cr_assert_not(lake_table_set_schema(t, narrowed, 1, &err));
    cr_assert_str_eq(err.sqlstate, "0A000", "%s", err.msg);
    lake_column_t scale[] = {
        {.name = "c",
         .type = {.type = AM_TYPE_DECIMAL, .precision = 12, .scale = 3},
         .field_id = 4},
    };
    cr_assert_not(lake_table_set_schema(t, scale, 1, &err));
    cr_assert_str_eq(err.sqlstate, "0A000", "%s", err.msg);
    lake_column_t unknown[] = {{.name = "z", .type = {.type = AM_TYPE_INT32}, .field_id = 42}};
    cr_assert_not(lake_table_set_schema(t, unknown, 1, &err));
    cr_assert_str_eq(err.sqlstate, "22023", "%s", err.msg);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, replace_swaps_schema_and_rows_in_one_commit)
{
    char *dir = NULL;
    lake_t *lake = lt_lake_open("evolve_replace", &dir);
    lake_table_t *t = ev_table(lake);
    int64_t first = lake_table_snapshot_id(t);
    lake_table_protect(t, first);
    /* b (text) becomes an integer under a new field id; the rows are copied again */
    lake_column_t next[] = {
        {.name = "id",
         .type = {.type = AM_TYPE_INT64},
         .required = true,
         .is_key = true,
         .field_id = 1},
        {.name = "b", .type = {.type = AM_TYPE_INT32}},
    };
    lake_batch_t *b = lake_batch_new(t);
    lake_batch_truncate(b);
    am_err_t err = {0};
    cr_assert(lake_table_set_schema(t, next, 2, &err), "%s", err.msg);
    lake_table_set_property(t, "arctic-mirror.test", "replaced");
    for (int64_t id = 1; id <= 3; id++) {
        am_value_t v[2] = {present_i(id), present_i(id * 100)};
        append(b, v);
    }
    lt_commit(b, 0x30);
    lake_batch_free(b);
    cr_assert_str_eq(lake_table_property(t, "arctic-mirror.test"), "replaced");
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *now = ev_plan(dir, lake_table_snapshot_id(t));
    expect(con, now, "string_agg(b::VARCHAR, ',' ORDER BY id)", "100,200,300");
    char *old = ev_plan(dir, first);
    expect(con, old, "string_agg(b, ',' ORDER BY id)", "one,two");
    free(now);
    free(old);
    lake_table_close(t);

    /* reopened, the property is committed and the replaced table reads the same */
    t = lt_open(lake, "ev");
    cr_assert_str_eq(lake_table_property(t, "arctic-mirror.test"), "replaced");
    cr_assert_eq(lake_table_live_rows(t), 3);
    cr_assert_eq(lake_table_lsn(t), 0x30);
    lake_table_close(t);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_close(lake);
    free(dir);
}

Test(lake, expiry_keeps_the_protected_snapshot_and_its_files)
{
    char *dir = NULL;
    lake_t *lake = lt_lake_open("evolve_protect", &dir);
    lake_set_file_retention(lake, 0); /* expired files go at once: none is an orphan */
    lake->keep_snapshots = 3;
    lake_table_t *t = lt_create(lake, "p");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[10];
    lt_append(b, 0, 10, pos);
    lt_commit(b, 1);
    int64_t kept = lake_table_snapshot_id(t);
    lake_table_protect(t, kept);
    am_err_t err = {0};
    for (int i = 0; i < 8; i++) { /* every row deleted, then new ones: old files unreachable */
        if (i < 10)
            cr_assert(lake_batch_delete(b, pos[i], &err), "%s", err.msg);
        lt_append(b, 100 + i, 101 + i, NULL);
        lt_commit(b, (am_lsn_t)(2 + i));
    }
    lake_batch_free(b);
    cr_assert_eq(json_array_size(json_object_get(t->meta.root, "snapshots")), 4,
                 "3 newest plus the protected one");
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, "p", kept);
    char *q = NULL;
    cr_assert(asprintf(&q, "SELECT count(*) FROM %s", plan) > 0);
    cr_assert_eq(lt_query_int(con, q), 10, "the protected snapshot still reads whole");
    free(q);
    free(plan);
    lt_expect_no_orphans(dir, "p");
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, watermark_keeps_locations_identities_and_the_slot)
{
    char *dir = NULL;
    lake_t *lake = lt_lake_open("evolve_watermark", &dir);
    lake_watermark_table_t tables[] = {
        {.schema = "public",
         .name = "b",
         .snapshot_id = 5,
         .location = "public/a",
         .relid = 16384,
         .fp = "f1",
         .state = "recopy"},
    };
    lake_watermark_table_t gone[] = {
        {.schema = "public",
         .name = "old",
         .snapshot_id = -1,
         .location = "public/old",
         .relid = 16390},
    };
    lake_watermark_t wm = {.lsn = 0x1234,
                           .written_at_ms = 1,
                           .tables = tables,
                           .n_tables = 1,
                           .gone = gone,
                           .n_gone = 1,
                           .slot = "s",
                           .slot_lsn = 0x1000,
                           .recopy = true};
    am_err_t err = {0};
    cr_assert(lake_watermark_write(lake, &wm, &err), "%s", err.msg);
    lake_watermark_t back;
    bool found = false;
    cr_assert(lake_watermark_read(dir, &back, &found, &err) && found, "%s", err.msg);
    cr_assert_str_eq(back.tables[0].location, "public/a");
    cr_assert_eq(back.tables[0].relid, 16384);
    cr_assert_str_eq(back.tables[0].fp, "f1");
    cr_assert_str_eq(back.tables[0].state, "recopy");
    cr_assert_eq(back.n_gone, 1);
    cr_assert_str_eq(back.gone[0].name, "old");
    cr_assert_str_eq(back.slot, "s");
    cr_assert_eq(back.slot_lsn, 0x1000);
    cr_assert(back.recopy);
    lake_watermark_destroy(&back);
    /* a watermark of an earlier version: the location is the table's name */
    char path[600];
    snprintf(path, sizeof path, "%s/_arctic/watermark.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"lsn\":\"0/10\",\"written_at_ms\":1,\"tables\":[{\"schema\":\"s\",\"name\":\"t\","
          "\"snapshot_id\":-1}]}",
          f);
    fclose(f);
    cr_assert(lake_watermark_read(dir, &back, &found, &err) && found, "%s", err.msg);
    cr_assert_str_eq(back.tables[0].location, "s/t");
    cr_assert_eq(back.tables[0].relid, 0);
    cr_assert_null(back.slot);
    cr_assert_not(back.recopy);
    lake_watermark_destroy(&back);
    lake_close(lake);
    free(dir);
}
