/*
 * tests/lake/test_metadata.c: vN.metadata.json: a new table's document, adding snapshots
 * (refs, logs, sequence numbers), finding the newest version with a lagging, missing, bad or
 * ahead version hint, and rejecting documents that are not valid v2 metadata by name.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/testlib.h"
#include "lake/lake_internal.h"

static const lake_column_t cols[] = {
    {.name = "id", .type = {.type = AM_TYPE_INT64}, .required = true, .is_key = true},
    {.name = "small", .type = {.type = AM_TYPE_INT16}},
    {.name = "price", .type = {.type = AM_TYPE_DECIMAL, .precision = 20, .scale = 4}},
};

static void parse_root(json_t *root, lake__meta_t *m)
{
    char *text = json_dumps(root, JSON_COMPACT);
    am_err_t err = {0};
    cr_assert(lake__meta_parse(text, strlen(text), "t.json", m, &err), "%s", err.msg);
    free(text);
}

Test(lake, metadata_new_table_parses_back)
{
    json_t *root = lake__meta_create("file:///w/public/t", cols, 3, 1767225600000);
    lake__meta_t m;
    parse_root(root, &m);
    cr_assert_eq(m.n_cols, 3);
    cr_assert_str_eq(m.cols[0].name, "id");
    cr_assert(m.cols[0].is_key && m.cols[0].required);
    cr_assert_eq(m.cols[1].type.type, AM_TYPE_INT16, "int16 survives through the property");
    cr_assert_eq(m.cols[2].type.precision, 20);
    cr_assert_eq(m.cols[2].type.scale, 4);
    cr_assert_eq(m.field_ids[2], 3);
    cr_assert_eq(m.snap_id, -1);
    cr_assert_eq(m.last_seq, 0);
    cr_assert_eq(m.last_column_id, 3);
    cr_assert_str_eq(m.location, "file:///w/public/t");
    cr_assert_null(m.manifest_list);
    char *schema = lake__meta_schema_text(&m);
    cr_assert_str_eq(schema,
                     "{\"type\":\"struct\",\"schema-id\":0,\"identifier-field-ids\":[1],"
                     "\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
                     "{\"id\":2,\"name\":\"small\",\"required\":false,\"type\":\"int\"},"
                     "{\"id\":3,\"name\":\"price\",\"required\":false,"
                     "\"type\":\"decimal(20,4)\"}]}");
    free(schema);
    json_t *specs = json_object_get(m.root, "partition-specs");
    cr_assert_eq(json_array_size(json_object_get(json_array_get(specs, 0), "fields")), 0);
    cr_assert_eq(json_integer_value(json_object_get(m.root, "last-partition-id")), 999);
    cr_assert_eq(json_integer_value(json_object_get(m.root, "default-sort-order-id")), 0);
    cr_assert_null(json_object_get(m.root, "schema"), "no v1-only keys");
    cr_assert_null(json_object_get(m.root, "partition-spec"));
    lake__meta_destroy(&m);
    json_decref(root);
}

Test(lake, metadata_add_snapshot_sets_refs_and_logs)
{
    json_t *root = lake__meta_create("file:///w/public/t", cols, 3, 1000);
    lake__meta_t m;
    parse_root(root, &m);
    json_decref(root);
    json_t *summary = json_pack("{s:s, s:s}", "operation", "append", LAKE_SUMMARY_LSN, "1/A0");
    lake__snap_t s = {.id = 42,
                      .parent_id = -1,
                      .seq = 1,
                      .timestamp_ms = 2000,
                      .manifest_list = "file:///w/public/t/metadata/snap-42-1-x.avro",
                      .summary = summary};
    json_t *r2 =
        lake__meta_add_snapshot(&m, &s, "file:///w/public/t/metadata/v1.metadata.json", 100);
    lake__meta_t m2;
    parse_root(r2, &m2);
    cr_assert_eq(m2.snap_id, 42);
    cr_assert_eq(m2.snap_seq, 1);
    cr_assert_eq(m2.last_seq, 1);
    cr_assert_eq(m2.last_updated_ms, 2000);
    cr_assert_eq(m2.lsn, UINT64_C(0x1000000A0));
    cr_assert_str_eq(m2.manifest_list, s.manifest_list);
    json_t *ref = json_object_get(json_object_get(m2.root, "refs"), "main");
    cr_assert_eq(json_integer_value(json_object_get(ref, "snapshot-id")), 42);
    cr_assert_str_eq(json_string_value(json_object_get(ref, "type")), "branch");
    json_t *mlog = json_array_get(json_object_get(m2.root, "metadata-log"), 0);
    cr_assert_eq(json_integer_value(json_object_get(mlog, "timestamp-ms")), 1000);
    json_t *slog = json_array_get(json_object_get(m2.root, "snapshot-log"), 0);
    cr_assert_eq(json_integer_value(json_object_get(slog, "snapshot-id")), 42);
    const char *ml = NULL;
    am_err_t err = {0};
    cr_assert(lake__meta_snapshot_find(&m2, 42, &ml, &err));
    cr_assert_not(lake__meta_snapshot_find(&m2, 43, &ml, &err));
    /* the second snapshot names its parent */
    lake__snap_t s2 = s;
    s2.id = 43;
    s2.parent_id = 42;
    s2.seq = 2;
    json_t *r3 = lake__meta_add_snapshot(&m2, &s2, "v2", 100);
    json_t *snap = json_array_get(json_object_get(r3, "snapshots"), 1);
    cr_assert_eq(json_integer_value(json_object_get(snap, "parent-snapshot-id")), 42);
    cr_assert_eq(json_integer_value(json_object_get(snap, "schema-id")), 0);
    json_decref(r3);
    json_decref(r2);
    json_decref(summary);
    lake__meta_destroy(&m2);
    lake__meta_destroy(&m);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/metadata/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* A table dir with v1..v3 metadata, the current snapshot differing per version. */
static char *table_dir(const char *test)
{
    char *dir = amt_tmpdir(test);
    char meta[600];
    snprintf(meta, sizeof meta, "%s/metadata", dir);
    am_err_t err = {0};
    cr_assert(am_mkdir_p(meta, &err));
    json_t *root = lake__meta_create("file:///x", cols, 3, 1000);
    for (int v = 1; v <= 3; v++) {
        json_object_set_new(root, "last-sequence-number", json_integer(v));
        char *text = json_dumps(root, JSON_COMPACT);
        char name[32];
        snprintf(name, sizeof name, "v%d.metadata.json", v);
        write_file(dir, name, text);
        free(text);
    }
    json_decref(root);
    return dir;
}

static int loaded_version(const char *dir)
{
    lake__meta_t m;
    am_err_t err = {0};
    cr_assert(lake__meta_load_dir(dir, &m, &err), "%s", err.msg);
    cr_assert_eq(m.last_seq, m.version, "the file of that version was parsed");
    int v = m.version;
    lake__meta_destroy(&m);
    return v;
}

Test(lake, metadata_newest_version_despite_the_hint)
{
    char *dir = table_dir("meta_hint");
    cr_assert_eq(loaded_version(dir), 3, "no hint: list");
    write_file(dir, "version-hint.text", "1");
    cr_assert_eq(loaded_version(dir), 3, "lagging hint: probe on");
    write_file(dir, "version-hint.text", "3\n");
    cr_assert_eq(loaded_version(dir), 3, "whitespace is trimmed");
    write_file(dir, "version-hint.text", "9");
    cr_assert_eq(loaded_version(dir), 3, "a hint ahead of the files: list");
    write_file(dir, "version-hint.text", "garbage");
    cr_assert_eq(loaded_version(dir), 3);
    free(dir);
    dir = amt_tmpdir("meta_none");
    lake__meta_t m;
    am_err_t err = {0};
    cr_assert_not(lake__meta_load_dir(dir, &m, &err));
    cr_assert_str_eq(err.sqlstate, AM_SQLSTATE_UNDEFINED_TABLE);
    free(dir);
}

static void expect_bad(const char *text, const char *sqlstate)
{
    lake__meta_t m;
    am_err_t err = {0};
    cr_assert_not(lake__meta_parse(text, strlen(text), "bad.json", &m, &err), "%s", text);
    cr_assert(strstr(err.msg, "bad.json") != NULL, "%s", err.msg);
    if (sqlstate)
        cr_assert_str_eq(err.sqlstate, sqlstate, "%s", err.msg);
}

Test(lake, metadata_rejects_invalid_documents)
{
    expect_bad("", NULL);
    expect_bad("[1,2]", NULL);
    expect_bad("{\"format-version\":1}", AM_SQLSTATE_UNSUPPORTED);
    json_t *root = lake__meta_create("file:///x", cols, 3, 1000);
    const char *drop[] = {"location",          "table-uuid",      "last-sequence-number", "schemas",
                          "current-schema-id", "partition-specs", "last-column-id"};
    for (size_t i = 0; i < AM_ARRAY_LEN(drop); i++) {
        json_t *copy = json_deep_copy(root);
        json_object_del(copy, drop[i]);
        char *text = json_dumps(copy, JSON_COMPACT);
        expect_bad(text, "XX001");
        free(text);
        json_decref(copy);
    }
    json_t *copy = json_deep_copy(root);
    json_object_set_new(copy, "current-snapshot-id", json_integer(5));
    char *text = json_dumps(copy, JSON_COMPACT);
    expect_bad(text, "XX001"); /* a current snapshot that is not in snapshots */
    free(text);
    json_decref(copy);
    copy = json_deep_copy(root);
    json_t *spec = json_array_get(json_object_get(copy, "partition-specs"), 0);
    json_array_append_new(json_object_get(spec, "fields"), json_pack("{s:i}", "source-id", 1));
    text = json_dumps(copy, JSON_COMPACT);
    expect_bad(text, AM_SQLSTATE_UNSUPPORTED);
    free(text);
    json_decref(copy);
    json_decref(root);
}

Test(lake, metadata_lists_and_docs_parse_back)
{
    const lake_column_t typed[] = {
        {.name = "id", .type = {.type = AM_TYPE_INT32}, .is_key = true, .doc = "pg:23:-1:integer"},
        {.name = "tags",
         .type = {.type = AM_TYPE_LIST, .elem = AM_TYPE_INT16},
         .doc = "pg:1005:-1:smallint[]"},
        {.name = "u", .type = {.type = AM_TYPE_UUID}},
        {.name = "amounts",
         .type = {.type = AM_TYPE_LIST, .precision = 8, .scale = 2, .elem = AM_TYPE_DECIMAL}},
    };
    json_t *root = lake__meta_create("file:///w/public/t", typed, 4, 1000);
    lake__meta_t m;
    parse_root(root, &m);
    json_decref(root);
    cr_assert_eq(m.last_column_id, 6);
    cr_assert_eq(m.elem_ids[0], 0);
    cr_assert_eq(m.elem_ids[1], 5);
    cr_assert_eq(m.elem_ids[3], 6);
    for (size_t i = 0; i < 4; i++) {
        cr_assert(am_coltype_equal(m.cols[i].type, typed[i].type), "column %zu", i);
        if (typed[i].doc)
            cr_assert_str_eq(m.cols[i].doc, typed[i].doc);
        else
            cr_assert_null(m.cols[i].doc);
    }
    /* a new schema with other docs: same ids, next schema id, logged */
    lake_column_t docs[4];
    memcpy(docs, m.cols, sizeof docs);
    docs[2].doc = "pg:2950:-1:uuid";
    json_t *r2 =
        lake__meta_add_schema(&m, docs, 500, "file:///w/public/t/metadata/v1.metadata.json", 100);
    lake__meta_t m2;
    parse_root(r2, &m2);
    json_decref(r2);
    cr_assert_eq(m2.schema_id, 1);
    cr_assert_eq(m2.last_updated_ms, 1000, "never goes back in time");
    cr_assert_str_eq(m2.cols[2].doc, "pg:2950:-1:uuid");
    cr_assert_eq(m2.elem_ids[3], 6);
    cr_assert_eq(m2.field_ids[3], 4);
    cr_assert(m2.cols[0].is_key);
    cr_assert_eq(json_array_size(json_object_get(m2.root, "metadata-log")), 1);
    lake__meta_destroy(&m2);
    lake__meta_destroy(&m);

    const char *bad =
        "{\"format-version\":2,\"table-uuid\":\"x\",\"location\":\"file:///w\","
        "\"last-sequence-number\":0,\"last-updated-ms\":1,\"last-column-id\":3,"
        "\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
        "{\"id\":1,\"name\":\"m\",\"required\":false,\"type\":{\"type\":\"map\",\"key-id\":2,"
        "\"key\":\"int\",\"value-id\":3,\"value\":\"int\",\"value-required\":false}}]}],"
        "\"default-spec-id\":0,\"partition-specs\":[{\"spec-id\":0,\"fields\":[]}]}";
    am_err_t err = {0};
    cr_assert_not(lake__meta_parse(bad, strlen(bad), "map.json", &m, &err));
    cr_assert_str_eq(err.sqlstate, "0A000");
    cr_assert(strstr(err.msg, "\"m\"") && strstr(err.msg, "map"), "%s", err.msg);
}
