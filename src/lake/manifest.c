/*
 * lake/manifest.c: Iceberg v2 manifests (manifest_entry records) and manifest lists
 * (manifest_file records): the Avro schemas with field ids, the key-value metadata, and
 * encode/decode between those records and lake__entry_t / lake__mref_t. Framing is avro.c's;
 * reading goes through avro_read.c, resolving fields by field id, so files written by Java or
 * PyIceberg (other field order, int where we write long) read too. Never touches storage.
 * Spec: Iceberg table spec "Manifests", "Manifest Lists"; reference/iceberg.md sections 3, 6.
 */
#include "lake/lake_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_SQLSTATE_CORRUPT "XX001"

/* Unpartitioned, unsorted: partition is an empty record; the metric maps are colstats.c's. */
#define METRIC_MAP(name, id, kid, vid, vtype)                                                      \
    "{\"name\":\"" name "\",\"type\":[\"null\",{\"type\":\"array\",\"logicalType\":\"map\","       \
    "\"items\":{\"type\":\"record\",\"name\":\"k" #kid "_v" #vid "\",\"fields\":["                 \
    "{\"name\":\"key\",\"type\":\"int\",\"field-id\":" #kid "},"                                   \
    "{\"name\":\"value\",\"type\":\"" vtype "\",\"field-id\":" #vid "}]}}],"                       \
    "\"default\":null,\"field-id\":" #id "}"

/* One JSON field per line reads better than any reflow clang-format would choose. */
/* clang-format off */
static const char manifest_schema[] =
    "{\"type\":\"record\",\"name\":\"manifest_entry\",\"fields\":[{\"name\":\"status\","
    "\"type\":\"int\",\"field-id\":0},"
    "{\"name\":\"snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,\"field-id\":1},"
    "{\"name\":\"sequence_number\",\"type\":[\"null\",\"long\"],\"default\":null,\"field-id\":3},"
    "{\"name\":\"file_sequence_number\",\"type\":[\"null\",\"long\"],\"default\":null,"
    "\"field-id\":4},"
    "{\"name\":\"data_file\",\"type\":{\"type\":\"record\",\"name\":\"r2\","
    "\"fields\":[{\"name\":\"content\",\"type\":\"int\",\"doc\":\"Contents of the file: 0=data,"
    " 1=position deletes, 2=equality deletes\",\"field-id\":134},"
    "{\"name\":\"file_path\",\"type\":\"string\",\"doc\":\"Location URI with FS scheme\","
    "\"field-id\":100},"
    "{\"name\":\"file_format\",\"type\":\"string\",\"doc\":\"File format name: avro, orc,"
    " or parquet\",\"field-id\":101},"
    "{\"name\":\"partition\",\"type\":{\"type\":\"record\",\"name\":\"r102\",\"fields\":[]},"
    "\"doc\":\"Partition data tuple, schema based on the partition spec\",\"field-id\":102},"
    "{\"name\":\"record_count\",\"type\":\"long\",\"doc\":\"Number of records in the file\","
    "\"field-id\":103},"
    "{\"name\":\"file_size_in_bytes\",\"type\":\"long\",\"doc\":\"Total file size in bytes\","
    "\"field-id\":104},"
    METRIC_MAP("column_sizes", 108, 117, 118, "long")
    ","
    METRIC_MAP("value_counts", 109, 119, 120, "long")
    ","
    METRIC_MAP("null_value_counts", 110, 121, 122, "long")
    ","
    METRIC_MAP("nan_value_counts", 137, 138, 139, "long")
    ","
    METRIC_MAP("lower_bounds", 125, 126, 127, "bytes")
    ","
    METRIC_MAP("upper_bounds", 128, 129, 130, "bytes")
    ",{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"default\":null,"
    "\"field-id\":131},"
    "{\"name\":\"split_offsets\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"long\","
    "\"element-id\":133}],\"default\":null,\"field-id\":132},"
    "{\"name\":\"equality_ids\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"int\","
    "\"element-id\":136}],\"default\":null,\"field-id\":135},"
    "{\"name\":\"sort_order_id\",\"type\":[\"null\",\"int\"],\"default\":null,\"field-id\":140},"
    "{\"name\":\"referenced_data_file\",\"type\":[\"null\",\"string\"],\"default\":null,"
    "\"field-id\":143}]},"
    "\"field-id\":2}]}";
/* clang-format on */

static const char mlist_schema[] =
    "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
    "{\"name\":\"manifest_path\",\"type\":\"string\",\"doc\":\"Location URI with FS scheme\","
    "\"field-id\":500},"
    "{\"name\":\"manifest_length\",\"type\":\"long\",\"doc\":\"Total file size in bytes\","
    "\"field-id\":501},"
    "{\"name\":\"partition_spec_id\",\"type\":\"int\",\"doc\":\"Spec ID used to write\","
    "\"field-id\":502},"
    "{\"name\":\"content\",\"type\":\"int\",\"doc\":\"Contents of the manifest: 0=data, "
    "1=deletes\",\"field-id\":517},"
    "{\"name\":\"sequence_number\",\"type\":\"long\",\"field-id\":515},"
    "{\"name\":\"min_sequence_number\",\"type\":\"long\",\"field-id\":516},"
    "{\"name\":\"added_snapshot_id\",\"type\":\"long\",\"field-id\":503},"
    "{\"name\":\"added_files_count\",\"type\":\"int\",\"field-id\":504},"
    "{\"name\":\"existing_files_count\",\"type\":\"int\",\"field-id\":505},"
    "{\"name\":\"deleted_files_count\",\"type\":\"int\",\"field-id\":506},"
    "{\"name\":\"added_rows_count\",\"type\":\"long\",\"field-id\":512},"
    "{\"name\":\"existing_rows_count\",\"type\":\"long\",\"field-id\":513},"
    "{\"name\":\"deleted_rows_count\",\"type\":\"long\",\"field-id\":514},"
    "{\"name\":\"partitions\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":"
    "\"record\",\"name\":\"r508\",\"fields\":["
    "{\"name\":\"contains_null\",\"type\":\"boolean\",\"field-id\":509},"
    "{\"name\":\"contains_nan\",\"type\":[\"null\",\"boolean\"],\"default\":null,"
    "\"field-id\":518},"
    "{\"name\":\"lower_bound\",\"type\":[\"null\",\"bytes\"],\"default\":null,\"field-id\":510},"
    "{\"name\":\"upper_bound\",\"type\":[\"null\",\"bytes\"],\"default\":null,\"field-id\":511}"
    "]},\"element-id\":508}],\"default\":null,\"field-id\":507},"
    "{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"default\":null,\"field-id\":519}"
    "]}";

void lake__file_destroy(lake__file_t *f)
{
    free(f->path);
    free(f->referenced);
    free(f->metrics);
    memset(f, 0, sizeof *f);
}

void lake__file_copy(lake__file_t *dst, const lake__file_t *src)
{
    *dst = *src;
    dst->path = am_xstrdup(src->path);
    dst->referenced = src->referenced ? am_xstrdup(src->referenced) : NULL;
    dst->metrics = NULL;
    if (src->metrics) {
        dst->metrics = am_xmalloc(src->metrics_len);
        memcpy(dst->metrics, src->metrics, src->metrics_len);
    }
}

void lake__mref_destroy(lake__mref_t *m)
{
    free(m->path);
    memset(m, 0, sizeof *m);
}

/* ---- writing ----------------------------------------------------------------------------- */

static void encode_data_file(am_buf_t *b, const lake__file_t *f)
{
    lake__avro_put_long(b, f->content);
    lake__avro_put_string(b, f->path);
    lake__avro_put_string(b, "PARQUET");
    /* partition: empty record, no bytes */
    lake__avro_put_long(b, f->record_count);
    lake__avro_put_long(b, f->size);
    if (f->metrics)
        am_buf_append(b, f->metrics, f->metrics_len);
    else
        for (int i = 0; i < 6; i++) /* column_sizes .. upper_bounds */
            lake__avro_put_null(b);
    lake__avro_put_null(b); /* key_metadata */
    lake__avro_put_null(b); /* split_offsets */
    lake__avro_put_null(b); /* equality_ids */
    lake__avro_put_opt_long(b, f->sort_order_id);
    if (f->referenced) {
        lake__avro_put_some(b);
        lake__avro_put_string(b, f->referenced);
    } else {
        lake__avro_put_null(b);
    }
}

bool lake__manifest_encode(const lake__entry_t *entries, size_t n, int32_t content,
                           const char *schema_json, int32_t schema_id, am_buf_t *out, am_err_t *err)
{
    char sid[16];
    (void)snprintf(sid, sizeof sid, "%" PRId32, schema_id);
    const lake__kv_t meta[] = {
        {"schema", schema_json},  {"schema-id", sid},
        {"partition-spec", "[]"}, {"partition-spec-id", "0"},
        {"format-version", "2"},  {"content", content == 0 ? "data" : "deletes"},
    };
    lake__avro_writer_t w;
    lake__avro_writer_init(&w, manifest_schema, meta, AM_ARRAY_LEN(meta));
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const lake__entry_t *e = &entries[i];
        lake__avro_put_long(&w.block, e->status);
        lake__avro_put_opt_long(&w.block, e->f.snapshot_id);
        lake__avro_put_opt_long(&w.block, e->f.data_seq);
        lake__avro_put_opt_long(&w.block, e->f.file_seq);
        encode_data_file(&w.block, &e->f);
        ok = lake__avro_writer_end_record(&w, err);
    }
    if (ok && lake__avro_writer_finish(&w, err))
        am_buf_append(out, w.out.data, w.out.len);
    lake__avro_writer_destroy(&w);
    return ok;
}

bool lake__mlist_encode(const lake__mref_t *refs, size_t n, int64_t snapshot_id, int64_t parent_id,
                        int64_t seq, am_buf_t *out, am_err_t *err)
{
    char snap[24], parent[24], seqs[24];
    (void)snprintf(snap, sizeof snap, "%" PRId64, snapshot_id);
    (void)snprintf(seqs, sizeof seqs, "%" PRId64, seq);
    if (parent_id < 0)
        (void)snprintf(parent, sizeof parent, "null");
    else
        (void)snprintf(parent, sizeof parent, "%" PRId64, parent_id);
    const lake__kv_t meta[] = {
        {"snapshot-id", snap},
        {"parent-snapshot-id", parent},
        {"sequence-number", seqs},
        {"format-version", "2"},
    };
    lake__avro_writer_t w;
    lake__avro_writer_init(&w, mlist_schema, meta, AM_ARRAY_LEN(meta));
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const lake__mref_t *m = &refs[i];
        am_buf_t *b = &w.block;
        lake__avro_put_string(b, m->path);
        lake__avro_put_long(b, m->length);
        lake__avro_put_long(b, m->spec_id);
        lake__avro_put_long(b, m->content);
        lake__avro_put_long(b, m->seq);
        lake__avro_put_long(b, m->min_seq);
        lake__avro_put_long(b, m->added_snapshot_id);
        lake__avro_put_long(b, m->added_files);
        lake__avro_put_long(b, m->existing_files);
        lake__avro_put_long(b, m->deleted_files);
        lake__avro_put_long(b, m->added_rows);
        lake__avro_put_long(b, m->existing_rows);
        lake__avro_put_long(b, m->deleted_rows);
        lake__avro_put_some(b); /* partitions: [] (unpartitioned) */
        lake__avro_put_long(b, 0);
        lake__avro_put_null(b); /* key_metadata */
        ok = lake__avro_writer_end_record(&w, err);
    }
    if (ok && lake__avro_writer_finish(&w, err))
        am_buf_append(out, w.out.data, w.out.len);
    lake__avro_writer_destroy(&w);
    return ok;
}

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct field_reader {
    const char *what;
    am_err_t *err;
    bool failed;
} field_reader_t;

static bool field_fail(field_reader_t *fr, const char *field, const char *why)
{
    if (!fr->failed)
        am_err_set(fr->err, MANIFEST_SQLSTATE_CORRUPT, "%s: field %s %s", fr->what, field, why);
    fr->failed = true;
    return false;
}

/* int or long (writers differ); missing or null gives def when optional. */
static int64_t get_long(field_reader_t *fr, const lake__avro_value_t *rec, int32_t id,
                        const char *name, bool required, int64_t def)
{
    const lake__avro_value_t *v = lake__avro_field(rec, id, name);
    if (!v || v->kind == LAKE_AVRO_NULL) {
        if (required)
            field_fail(fr, name, "is missing");
        return def;
    }
    if (v->kind != LAKE_AVRO_INT && v->kind != LAKE_AVRO_LONG) {
        field_fail(fr, name, "is not an int or long");
        return def;
    }
    return v->i;
}

static int32_t get_int(field_reader_t *fr, const lake__avro_value_t *rec, int32_t id,
                       const char *name, bool required, int32_t def)
{
    int64_t v = get_long(fr, rec, id, name, required, def);
    if (v < INT32_MIN || v > INT32_MAX) {
        field_fail(fr, name, "is out of range");
        return def;
    }
    return (int32_t)v;
}

/* A string field copied (caller frees); NULL when missing or null. */
static char *get_string(field_reader_t *fr, const lake__avro_value_t *rec, int32_t id,
                        const char *name, bool required)
{
    const lake__avro_value_t *v = lake__avro_field(rec, id, name);
    if (!v || v->kind == LAKE_AVRO_NULL) {
        if (required)
            field_fail(fr, name, "is missing");
        return NULL;
    }
    if (v->kind != LAKE_AVRO_STRING) {
        field_fail(fr, name, "is not a string");
        return NULL;
    }
    if (memchr(v->p, '\0', v->len)) {
        field_fail(fr, name, "contains a NUL byte");
        return NULL;
    }
    return am_xstrndup((const char *)v->p, v->len);
}

static bool decode_entry(field_reader_t *fr, const lake__avro_value_t *rec, lake__entry_t *e)
{
    memset(e, 0, sizeof *e);
    e->status = get_int(fr, rec, 0, "status", true, 0);
    e->f.snapshot_id = get_long(fr, rec, 1, "snapshot_id", false, -1);
    e->f.data_seq = get_long(fr, rec, 3, "sequence_number", false, -1);
    e->f.file_seq = get_long(fr, rec, 4, "file_sequence_number", false, -1);
    const lake__avro_value_t *df = lake__avro_field(rec, 2, "data_file");
    if (!df || df->kind != LAKE_AVRO_RECORD)
        return field_fail(fr, "data_file", "is missing");
    e->f.content = get_int(fr, df, 134, "content", false, 0);
    e->f.path = get_string(fr, df, 100, "file_path", true);
    e->f.record_count = get_long(fr, df, 103, "record_count", true, 0);
    e->f.size = get_long(fr, df, 104, "file_size_in_bytes", true, 0);
    e->f.sort_order_id = get_int(fr, df, 140, "sort_order_id", false, -1);
    e->f.referenced = get_string(fr, df, 143, "referenced_data_file", false);
    e->f.metrics = lake__metrics_from_record(df, &e->f.metrics_len);
    e->f.live = e->status != 2;
    if (!fr->failed && (e->status < 0 || e->status > 2))
        field_fail(fr, "status", "is not 0, 1 or 2");
    if (!fr->failed && (e->f.content < 0 || e->f.content > 2))
        field_fail(fr, "content", "is not 0, 1 or 2");
    if (!fr->failed && (e->f.record_count < 0 || e->f.size < 0))
        field_fail(fr, "record_count", "or file_size_in_bytes is negative");
    return !fr->failed;
}

bool lake__manifest_decode(const uint8_t *data, size_t len, const char *what,
                           lake__entry_t **entries, size_t *n, am_err_t *err)
{
    *entries = NULL;
    *n = 0;
    lake__avro_file_t f;
    if (!lake__avro_decode(data, len, what, &f, err)) {
        lake__avro_file_destroy(&f);
        return false;
    }
    field_reader_t fr = {.what = what, .err = err};
    lake__entry_t *es = am_xcalloc(f.n_records + 1, sizeof *es);
    size_t k = 0;
    for (; k < f.n_records; k++) {
        if (!decode_entry(&fr, &f.records[k], &es[k])) {
            lake__file_destroy(&es[k].f);
            break;
        }
    }
    lake__avro_file_destroy(&f);
    if (fr.failed) {
        for (size_t i = 0; i < k; i++)
            lake__file_destroy(&es[i].f);
        free(es);
        return false;
    }
    *entries = es;
    *n = k;
    return true;
}

static bool decode_mref(field_reader_t *fr, const lake__avro_value_t *rec, lake__mref_t *m)
{
    memset(m, 0, sizeof *m);
    m->path = get_string(fr, rec, 500, "manifest_path", true);
    m->length = get_long(fr, rec, 501, "manifest_length", true, 0);
    m->spec_id = get_int(fr, rec, 502, "partition_spec_id", true, 0);
    m->content = get_int(fr, rec, 517, "content", false, 0);
    m->seq = get_long(fr, rec, 515, "sequence_number", false, 0);
    m->min_seq = get_long(fr, rec, 516, "min_sequence_number", false, 0);
    m->added_snapshot_id = get_long(fr, rec, 503, "added_snapshot_id", true, 0);
    m->added_files = get_int(fr, rec, 504, "added_files_count", false, 0);
    m->existing_files = get_int(fr, rec, 505, "existing_files_count", false, 0);
    m->deleted_files = get_int(fr, rec, 506, "deleted_files_count", false, 0);
    m->added_rows = get_long(fr, rec, 512, "added_rows_count", false, 0);
    m->existing_rows = get_long(fr, rec, 513, "existing_rows_count", false, 0);
    m->deleted_rows = get_long(fr, rec, 514, "deleted_rows_count", false, 0);
    if (!fr->failed && (m->content < 0 || m->content > 1))
        field_fail(fr, "content", "is not 0 or 1");
    return !fr->failed;
}

bool lake__mlist_decode(const uint8_t *data, size_t len, const char *what, lake__mref_t **refs,
                        size_t *n, am_err_t *err)
{
    *refs = NULL;
    *n = 0;
    lake__avro_file_t f;
    if (!lake__avro_decode(data, len, what, &f, err)) {
        lake__avro_file_destroy(&f);
        return false;
    }
    field_reader_t fr = {.what = what, .err = err};
    lake__mref_t *ms = am_xcalloc(f.n_records + 1, sizeof *ms);
    size_t k = 0;
    for (; k < f.n_records; k++) {
        if (!decode_mref(&fr, &f.records[k], &ms[k])) {
            lake__mref_destroy(&ms[k]);
            break;
        }
    }
    lake__avro_file_destroy(&f);
    if (fr.failed) {
        for (size_t i = 0; i < k; i++)
            lake__mref_destroy(&ms[i]);
        free(ms);
        return false;
    }
    *refs = ms;
    *n = k;
    return true;
}
