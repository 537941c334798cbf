/*
 * tests/lake/test_manifest.c: manifests and manifest lists: our reader gets back what our
 * writer wrote, and an independent reader (Debian's python3-avro) parses the same bytes and
 * sees every field id, the metadata keys and the values Iceberg expects.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/testlib.h"
#include "lake/lake_internal.h"

static const char schema_json[] =
    "{\"type\":\"struct\",\"schema-id\":0,\"identifier-field-ids\":[1],\"fields\":[{\"id\":1,"
    "\"name\":\"id\",\"required\":true,\"type\":\"long\"}]}";

static void entries(lake__entry_t es[3])
{
    memset(es, 0, 3 * sizeof *es);
    es[0] = (lake__entry_t){.status = 1,
                            .f = {.path = "file:///w/t/data/a.parquet",
                                  .record_count = 10,
                                  .size = 1000,
                                  .snapshot_id = 77,
                                  .data_seq = -1,
                                  .file_seq = -1,
                                  .sort_order_id = 0}};
    es[1] = (lake__entry_t){.status = 0,
                            .f = {.path = "file:///w/t/data/b.parquet",
                                  .record_count = 20,
                                  .size = 2000,
                                  .snapshot_id = 66,
                                  .data_seq = 3,
                                  .file_seq = 3,
                                  .sort_order_id = 0}};
    es[2] = (lake__entry_t){.status = 2,
                            .f = {.path = "file:///w/t/data/c.parquet",
                                  .content = 1,
                                  .record_count = 2,
                                  .size = 300,
                                  .snapshot_id = 77,
                                  .data_seq = 2,
                                  .file_seq = 2,
                                  .sort_order_id = -1,
                                  .referenced = "file:///w/t/data/b.parquet"}};
}

static void mrefs(lake__mref_t ms[2])
{
    ms[0] = (lake__mref_t){.path = "file:///w/t/metadata/x-m0.avro",
                           .length = 4000,
                           .content = 0,
                           .seq = 4,
                           .min_seq = 3,
                           .added_snapshot_id = 77,
                           .added_files = 1,
                           .existing_files = 1,
                           .added_rows = 10,
                           .existing_rows = 20};
    ms[1] = (lake__mref_t){.path = "file:///w/t/metadata/x-m1.avro",
                           .length = 4100,
                           .content = 1,
                           .seq = 4,
                           .min_seq = 4,
                           .added_snapshot_id = 77,
                           .deleted_files = 1,
                           .deleted_rows = 2};
}

Test(lake, manifest_round_trip)
{
    lake__entry_t es[3];
    entries(es);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(lake__manifest_encode(es, 3, 0, schema_json, 0, &b, &err), "%s", err.msg);
    lake__entry_t *got = NULL;
    size_t n = 0;
    cr_assert(lake__manifest_decode((const uint8_t *)b.data, b.len, "m.avro", &got, &n, &err), "%s",
              err.msg);
    cr_assert_eq(n, 3);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(got[i].status, es[i].status);
        cr_assert_str_eq(got[i].f.path, es[i].f.path);
        cr_assert_eq(got[i].f.content, es[i].f.content);
        cr_assert_eq(got[i].f.record_count, es[i].f.record_count);
        cr_assert_eq(got[i].f.size, es[i].f.size);
        cr_assert_eq(got[i].f.snapshot_id, es[i].f.snapshot_id);
        cr_assert_eq(got[i].f.data_seq, es[i].f.data_seq);
        cr_assert_eq(got[i].f.file_seq, es[i].f.file_seq);
        cr_assert_eq(got[i].f.sort_order_id, es[i].f.sort_order_id);
        lake__file_destroy(&got[i].f);
    }
    free(got);
    am_buf_destroy(&b);
}

Test(lake, manifest_list_round_trip)
{
    lake__mref_t ms[2];
    mrefs(ms);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(lake__mlist_encode(ms, 2, 77, -1, 4, &b, &err), "%s", err.msg);
    lake__mref_t *got = NULL;
    size_t n = 0;
    cr_assert(lake__mlist_decode((const uint8_t *)b.data, b.len, "l.avro", &got, &n, &err), "%s",
              err.msg);
    cr_assert_eq(n, 2);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(got[i].path, ms[i].path);
        cr_assert_eq(got[i].length, ms[i].length);
        cr_assert_eq(got[i].content, ms[i].content);
        cr_assert_eq(got[i].seq, ms[i].seq);
        cr_assert_eq(got[i].min_seq, ms[i].min_seq);
        cr_assert_eq(got[i].added_snapshot_id, ms[i].added_snapshot_id);
        cr_assert_eq(got[i].added_files, ms[i].added_files);
        cr_assert_eq(got[i].existing_files, ms[i].existing_files);
        cr_assert_eq(got[i].deleted_files, ms[i].deleted_files);
        cr_assert_eq(got[i].added_rows, ms[i].added_rows);
        cr_assert_eq(got[i].existing_rows, ms[i].existing_rows);
        cr_assert_eq(got[i].deleted_rows, ms[i].deleted_rows);
        lake__mref_destroy(&got[i]);
    }
    free(got);
    am_buf_destroy(&b);
}

Test(lake, manifest_decode_rejects_missing_required_fields)
{
    /* a manifest_file record used as a manifest: no status, no data_file */
    lake__mref_t ms[2];
    mrefs(ms);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(lake__mlist_encode(ms, 2, 77, -1, 4, &b, &err));
    lake__entry_t *got = NULL;
    size_t n = 0;
    cr_assert_not(
        lake__manifest_decode((const uint8_t *)b.data, b.len, "wrong.avro", &got, &n, &err));
    cr_assert(strstr(err.msg, "wrong.avro") != NULL, "%s", err.msg);
    cr_assert_null(got);
    am_buf_destroy(&b);
}

/* Writes bytes to a temp file, runs avro_dump.py on it, returns its JSON. */
static json_t *python_dump(const char *test, const am_buf_t *bytes)
{
    char *dir = amt_tmpdir(test);
    char path[512], out[512];
    snprintf(path, sizeof path, "%s/f.avro", dir);
    snprintf(out, sizeof out, "%s/f.json", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(bytes->data, 1, bytes->len, f), bytes->len);
    fclose(f);
    int rc =
        amt_system("/usr/bin/python3 %s/tests/lake/avro_dump.py %s > %s", amt_root(), path, out);
    cr_assert_eq(rc, 0, "python3-avro could not read %s", path);
    json_error_t jerr;
    json_t *j = json_load_file(out, 0, &jerr);
    cr_assert_not_null(j, "%s", jerr.text);
    free(dir);
    return j;
}

static void expect_id(json_t *dump, const char *path, int id)
{
    json_t *v = json_object_get(json_object_get(dump, "ids"), path);
    cr_assert(json_is_integer(v), "%s has no field id", path);
    cr_assert_eq(json_integer_value(v), id, "%s", path);
}

Test(lake, python_avro_reads_manifest_with_field_ids)
{
    lake__entry_t es[3];
    entries(es);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(lake__manifest_encode(es, 3, 1, schema_json, 0, &b, &err), "%s", err.msg);
    json_t *d = python_dump("py_manifest", &b);
    json_t *meta = json_object_get(d, "meta");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "schema")), schema_json);
    cr_assert_str_eq(json_string_value(json_object_get(meta, "schema-id")), "0");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "partition-spec")), "[]");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "partition-spec-id")), "0");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "format-version")), "2");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "content")), "deletes");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "avro.codec")), "deflate");
    const struct {
        const char *path;
        int id;
    } ids[] = {{"status", 0},
               {"snapshot_id", 1},
               {"sequence_number", 3},
               {"file_sequence_number", 4},
               {"data_file", 2},
               {"data_file.content", 134},
               {"data_file.file_path", 100},
               {"data_file.file_format", 101},
               {"data_file.partition", 102},
               {"data_file.record_count", 103},
               {"data_file.file_size_in_bytes", 104},
               {"data_file.column_sizes", 108},
               {"data_file.column_sizes.key", 117},
               {"data_file.column_sizes.value", 118},
               {"data_file.value_counts", 109},
               {"data_file.null_value_counts", 110},
               {"data_file.nan_value_counts", 137},
               {"data_file.lower_bounds", 125},
               {"data_file.upper_bounds.value", 130},
               {"data_file.key_metadata", 131},
               {"data_file.split_offsets", 132},
               {"data_file.split_offsets[]", 133},
               {"data_file.equality_ids", 135},
               {"data_file.equality_ids[]", 136},
               {"data_file.sort_order_id", 140},
               {"data_file.referenced_data_file", 143}};
    for (size_t i = 0; i < AM_ARRAY_LEN(ids); i++)
        expect_id(d, ids[i].path, ids[i].id);
    json_t *recs = json_object_get(d, "records");
    cr_assert_eq(json_array_size(recs), 3);
    json_t *r0 = json_array_get(recs, 0), *r2 = json_array_get(recs, 2);
    cr_assert_eq(json_integer_value(json_object_get(r0, "status")), 1);
    cr_assert(json_is_null(json_object_get(r0, "sequence_number")), "ADDED inherits its seq");
    cr_assert_eq(json_integer_value(json_object_get(r0, "snapshot_id")), 77);
    json_t *df0 = json_object_get(r0, "data_file");
    cr_assert_str_eq(json_string_value(json_object_get(df0, "file_format")), "PARQUET");
    cr_assert_eq(json_integer_value(json_object_get(df0, "record_count")), 10);
    cr_assert_eq(json_integer_value(json_object_get(df0, "sort_order_id")), 0);
    cr_assert_eq(json_integer_value(json_object_get(r2, "status")), 2);
    cr_assert_eq(json_integer_value(json_object_get(r2, "sequence_number")), 2);
    json_t *df2 = json_object_get(r2, "data_file");
    cr_assert_str_eq(json_string_value(json_object_get(df2, "referenced_data_file")),
                     "file:///w/t/data/b.parquet");
    cr_assert(json_is_null(json_object_get(df2, "sort_order_id")));
    json_decref(d);
    am_buf_destroy(&b);
}

Test(lake, python_avro_reads_manifest_list_with_field_ids)
{
    lake__mref_t ms[2];
    mrefs(ms);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(lake__mlist_encode(ms, 2, 77, 66, 4, &b, &err), "%s", err.msg);
    json_t *d = python_dump("py_mlist", &b);
    json_t *meta = json_object_get(d, "meta");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "snapshot-id")), "77");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "parent-snapshot-id")), "66");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "sequence-number")), "4");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "format-version")), "2");
    const struct {
        const char *path;
        int id;
    } ids[] = {{"manifest_path", 500},
               {"manifest_length", 501},
               {"partition_spec_id", 502},
               {"content", 517},
               {"sequence_number", 515},
               {"min_sequence_number", 516},
               {"added_snapshot_id", 503},
               {"added_files_count", 504},
               {"existing_files_count", 505},
               {"deleted_files_count", 506},
               {"added_rows_count", 512},
               {"existing_rows_count", 513},
               {"deleted_rows_count", 514},
               {"partitions", 507},
               {"partitions[]", 508},
               {"partitions.contains_null", 509},
               {"partitions.contains_nan", 518},
               {"partitions.lower_bound", 510},
               {"partitions.upper_bound", 511},
               {"key_metadata", 519}};
    for (size_t i = 0; i < AM_ARRAY_LEN(ids); i++)
        expect_id(d, ids[i].path, ids[i].id);
    json_t *r1 = json_array_get(json_object_get(d, "records"), 1);
    cr_assert_str_eq(json_string_value(json_object_get(r1, "manifest_path")),
                     "file:///w/t/metadata/x-m1.avro");
    cr_assert_eq(json_integer_value(json_object_get(r1, "content")), 1);
    cr_assert_eq(json_integer_value(json_object_get(r1, "deleted_files_count")), 1);
    cr_assert_eq(json_array_size(json_object_get(r1, "partitions")), 0);
    json_decref(d);
    am_buf_destroy(&b);
}

static void write_manifest(const char *path, const lake__entry_t *es, size_t n)
{
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(lake__manifest_encode(es, n, 0, schema_json, 0, &b, &err), "%s", err.msg);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(b.data, 1, b.len, f), b.len);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(tmp, path), 0); /* a new inode under the same name */
    am_buf_destroy(&b);
}

/* A manifest is decoded once while its file stays the same; a file replaced under the same
 * name (a warehouse rebuilt in place) is read afresh, and a holder keeps its entries. */
Test(lake, manifest_cache_reuses_decoded_entries_until_the_file_changes)
{
    char *dir = amt_tmpdir("manifest_cache");
    char path[4096], uri[4200];
    snprintf(path, sizeof path, "%s/m.avro", dir);
    snprintf(uri, sizeof uri, "file://%s", path);
    lake__entry_t es[3];
    entries(es);
    write_manifest(path, es, 3);

    am_err_t err = {0};
    lake__mcached_t *h1 = NULL, *h2 = NULL, *h3 = NULL;
    const lake__entry_t *got = NULL;
    size_t n = 0;
    cr_assert(lake__mcache_get(uri, &h1, &got, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(got[1].f.path, "file:///w/t/data/b.parquet");
    cr_assert_eq(got[2].f.content, 1);
    const lake__entry_t *first = got;
    cr_assert(lake__mcache_get(uri, &h2, &got, &n, &err), "%s", err.msg);
    cr_assert_eq(h2, h1, "the second read is the first decode");
    cr_assert_eq(got, first);
    lake__mcache_release(h2);

    write_manifest(path, es, 2); /* same name, new file */
    cr_assert(lake__mcache_get(uri, &h3, &got, &n, &err), "%s", err.msg);
    cr_assert_neq(h3, h1);
    cr_assert_eq(n, 2, "the replaced file is decoded again");
    /* the first holder's entries outlive their eviction from the cache */
    cr_assert_str_eq(first[1].f.path, "file:///w/t/data/b.parquet");
    lake__mcache_release(h1);
    lake__mcache_release(h3);

    cr_assert_eq(remove(path), 0);
    lake__mcached_t *h4 = NULL;
    cr_assert_not(lake__mcache_get(uri, &h4, &got, &n, &err), "a removed manifest is an error");
    cr_assert_null(h4);
    err = (am_err_t){0};
    cr_assert_not(lake__mcache_get("s3://bucket/m.avro", &h4, &got, &n, &err));
    cr_assert(strstr(err.msg, "s3://bucket/m.avro"), "%s", err.msg);
    lake__mcache_clear();
    free(dir);
}
