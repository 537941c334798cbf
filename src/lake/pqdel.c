/*
 * lake/pqdel.c: position delete files (file_path, pos) written as Parquet by our own code.
 * A streaming flush writes one per changed table, and DuckDB's fixed cost for a file (a temp
 * table, the appender, a COPY parsed and planned, the table dropped) was most of a flush's time
 * for a few hundred rows. The schema never changes, so the file is simple to write directly:
 * uncompressed version 1 data pages, file_path dictionary-encoded (rows arrive sorted by path,
 * so its indices are a few RLE runs), pos PLAIN, the footer in Thrift's compact protocol.
 * Memory is one row group's positions at most, whatever the file's length.
 * Spec: reference/iceberg.md section 7 (position delete files); the Parquet format's
 * parquet.thrift (FileMetaData, PageHeader) and Encodings.md (RLE/bit-packed hybrid).
 */
#include "lake/lake_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parquet's enums (parquet.thrift) */
enum { PQ_INT64 = 2, PQ_BYTE_ARRAY = 6 };
enum { PQ_PLAIN = 0, PQ_RLE = 3, PQ_RLE_DICTIONARY = 8 };
enum { PQ_DATA_PAGE = 0, PQ_DICTIONARY_PAGE = 2 };
enum { PQ_REQUIRED = 0, PQ_UTF8 = 0, PQ_UNCOMPRESSED = 0 };

/* Thrift compact protocol field types */
enum { TC_I32 = 5, TC_I64 = 6, TC_BINARY = 8, TC_LIST = 9, TC_STRUCT = 12 };

#define POS_PAGE_ROWS 131072

/* ---- Thrift compact protocol ------------------------------------------------------------- */

static void put_uvarint(am_buf_t *b, uint64_t v)
{
    while (v >= 0x80) {
        am_buf_putc(b, (char)(v | 0x80));
        v >>= 7;
    }
    am_buf_putc(b, (char)v);
}

/* A struct's fields are numbered relative to the previous one; nested structs start over. */
typedef struct tc {
    am_buf_t *b;
    int16_t last[8];
    int depth;
} tc_t;

static void tc_field(tc_t *t, int16_t id, int type)
{
    int16_t delta = (int16_t)(id - t->last[t->depth]);
    if (delta > 0 && delta <= 15) {
        am_buf_putc(t->b, (char)((delta << 4) | type));
    } else {
        am_buf_putc(t->b, (char)type);
        lake__avro_put_long(t->b, id); /* zigzag varint, as Thrift's i16 */
    }
    t->last[t->depth] = id;
}

static void tc_i64(tc_t *t, int16_t id, int64_t v)
{
    tc_field(t, id, TC_I64);
    lake__avro_put_long(t->b, v);
}

static void tc_i32(tc_t *t, int16_t id, int32_t v)
{
    tc_field(t, id, TC_I32);
    lake__avro_put_long(t->b, v);
}

static void tc_string(tc_t *t, int16_t id, const char *s)
{
    tc_field(t, id, TC_BINARY);
    size_t n = strlen(s);
    put_uvarint(t->b, n);
    am_buf_append(t->b, s, n);
}

static void tc_list(tc_t *t, int16_t id, int elem_type, size_t n)
{
    tc_field(t, id, TC_LIST);
    if (n < 15) {
        am_buf_putc(t->b, (char)((n << 4) | (size_t)elem_type));
    } else {
        am_buf_putc(t->b, (char)(0xF0 | elem_type));
        put_uvarint(t->b, n);
    }
}

static void tc_begin(tc_t *t) /* a struct as a list element or a top-level value */
{
    AM_ASSERT(t->depth + 1 < (int)(sizeof t->last / sizeof t->last[0]));
    t->last[++t->depth] = 0;
}

static void tc_struct(tc_t *t, int16_t id) /* a struct-valued field */
{
    tc_field(t, id, TC_STRUCT);
    tc_begin(t);
}

static void tc_end(tc_t *t)
{
    am_buf_putc(t->b, 0);
    t->depth--;
}

/* ---- the file ---------------------------------------------------------------------------- */

static bool drain(lake__del_writer_t *d, am_err_t *err)
{
    const char *p = d->out.data;
    size_t left = d->out.len;
    while (left > 0) {
        ssize_t w = write(d->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return am_err_errno(err, errno, "could not write \"%s\"", d->path);
        p += w;
        left -= (size_t)w;
    }
    am_buf_reset(&d->out);
    return true;
}

static int64_t here(const lake__del_writer_t *d)
{
    return d->off_drained + (int64_t)d->out.len;
}

static bool maybe_drain(lake__del_writer_t *d, am_err_t *err)
{
    if (d->out.len < ((size_t)1 << 20))
        return true;
    d->off_drained += (int64_t)d->out.len;
    return drain(d, err);
}

static void page_header(am_buf_t *b, int type, size_t len, int64_t n_values, int encoding)
{
    tc_t t = {.b = b};
    tc_begin(&t);
    tc_i32(&t, 1, type);
    tc_i32(&t, 2, (int32_t)len);
    tc_i32(&t, 3, (int32_t)len); /* uncompressed */
    tc_struct(&t, type == PQ_DICTIONARY_PAGE ? 7 : 5);
    tc_i32(&t, 1, (int32_t)n_values);
    tc_i32(&t, 2, encoding);
    if (type == PQ_DATA_PAGE) {
        tc_i32(&t, 3, PQ_RLE); /* levels: required columns have none */
        tc_i32(&t, 4, PQ_RLE);
    }
    tc_end(&t);
    tc_end(&t);
}

static void put_u32le(am_buf_t *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    am_buf_append(b, x, 4);
}

/* A page: its header, then the body in scratch. */
static void put_page(lake__del_writer_t *d, int type, int64_t n_values, int encoding)
{
    page_header(&d->out, type, d->scratch.len, n_values, encoding);
    am_buf_append(&d->out, d->scratch.data, d->scratch.len);
    am_buf_reset(&d->scratch);
}

/* file_path: a dictionary page of the group's paths, then one data page whose indices are one
 * RLE run per dictionary entry (each entry is one run of equal paths). */
static void write_paths(lake__del_writer_t *d, lake__del_group_t *g)
{
    g->path_dict_off = here(d);
    for (size_t i = 0; i < d->n_dict; i++) {
        size_t n = strlen(d->dict[i]);
        put_u32le(&d->scratch, (uint32_t)n);
        am_buf_append(&d->scratch, d->dict[i], n);
    }
    put_page(d, PQ_DICTIONARY_PAGE, (int64_t)d->n_dict, PQ_PLAIN);
    g->path_data_off = here(d);
    int width = 1; /* a width of 0 is legal, yet not every reader takes it */
    while (width < 32 && ((uint64_t)1 << width) < d->n_dict)
        width++;
    am_buf_putc(&d->scratch, (char)width);
    for (size_t i = 0; i < d->n_dict; i++) {
        put_uvarint(&d->scratch, (uint64_t)d->counts[i] << 1);
        for (int byte = 0; byte < (width + 7) / 8; byte++)
            am_buf_putc(&d->scratch, (char)(i >> (8 * byte)));
    }
    put_page(d, PQ_DATA_PAGE, d->n_group, PQ_RLE_DICTIONARY);
    g->path_len = here(d) - g->path_dict_off;
}

static bool write_positions(lake__del_writer_t *d, lake__del_group_t *g, am_err_t *err)
{
    g->pos_off = here(d);
    for (int64_t at = 0; at < d->n_group; at += POS_PAGE_ROWS) {
        int64_t k = d->n_group - at < POS_PAGE_ROWS ? d->n_group - at : POS_PAGE_ROWS;
        for (int64_t i = 0; i < k; i++) {
            uint64_t v = (uint64_t)d->pos[at + i];
            put_u32le(&d->scratch, (uint32_t)v);
            put_u32le(&d->scratch, (uint32_t)(v >> 32));
        }
        put_page(d, PQ_DATA_PAGE, k, PQ_PLAIN);
        if (!maybe_drain(d, err))
            return false;
    }
    g->pos_len = here(d) - g->pos_off;
    return true;
}

static bool end_group(lake__del_writer_t *d, am_err_t *err)
{
    if (d->n_group == 0)
        return true;
    d->groups = am_xrealloc(d->groups, (d->n_groups + 1) * sizeof *d->groups);
    lake__del_group_t *g = &d->groups[d->n_groups++];
    memset(g, 0, sizeof *g);
    g->n_rows = d->n_group;
    write_paths(d, g);
    if (!write_positions(d, g, err))
        return false;
    d->n_dict = 0;
    d->n_group = 0;
    return true;
}

static void column_meta(tc_t *t, int type, int64_t n, int64_t off, int64_t data_off, int64_t len,
                        int64_t dict_off, const char *name)
{
    tc_begin(t); /* ColumnChunk */
    tc_i64(t, 2, off);
    tc_struct(t, 3); /* ColumnMetaData */
    tc_i32(t, 1, type);
    tc_list(t, 2, TC_I32, dict_off ? 2 : 1);
    lake__avro_put_long(t->b, PQ_PLAIN);
    if (dict_off)
        lake__avro_put_long(t->b, PQ_RLE_DICTIONARY);
    tc_list(t, 3, TC_BINARY, 1);
    put_uvarint(t->b, strlen(name));
    am_buf_puts(t->b, name);
    tc_i32(t, 4, PQ_UNCOMPRESSED);
    tc_i64(t, 5, n);
    tc_i64(t, 6, len);
    tc_i64(t, 7, len);
    tc_i64(t, 9, data_off);
    if (dict_off)
        tc_i64(t, 11, dict_off);
    tc_end(t);
    tc_end(t);
}

static void schema_element(tc_t *t, int type, const char *name, int32_t field_id, bool utf8)
{
    tc_begin(t);
    tc_i32(t, 1, type);
    tc_i32(t, 3, PQ_REQUIRED);
    tc_string(t, 4, name);
    if (utf8)
        tc_i32(t, 6, PQ_UTF8);
    tc_i32(t, 9, field_id);
    if (utf8) {
        tc_struct(t, 10); /* LogicalType: STRING */
        tc_struct(t, 1);
        tc_end(t);
        tc_end(t);
    }
    tc_end(t);
}

static void footer(lake__del_writer_t *d, am_buf_t *b)
{
    tc_t t = {.b = b};
    tc_begin(&t); /* FileMetaData */
    tc_i32(&t, 1, 1);
    tc_list(&t, 2, TC_STRUCT, 3);
    tc_begin(&t);
    tc_string(&t, 4, "table");
    tc_i32(&t, 5, 2);
    tc_end(&t);
    schema_element(&t, PQ_BYTE_ARRAY, "file_path", LAKE_FIELD_ID_DELETE_PATH, true);
    schema_element(&t, PQ_INT64, "pos", LAKE_FIELD_ID_DELETE_POS, false);
    tc_i64(&t, 3, d->n_rows);
    tc_list(&t, 4, TC_STRUCT, d->n_groups);
    for (size_t i = 0; i < d->n_groups; i++) {
        const lake__del_group_t *g = &d->groups[i];
        tc_begin(&t); /* RowGroup */
        tc_list(&t, 1, TC_STRUCT, 2);
        column_meta(&t, PQ_BYTE_ARRAY, g->n_rows, g->path_dict_off, g->path_data_off, g->path_len,
                    g->path_dict_off, "file_path");
        column_meta(&t, PQ_INT64, g->n_rows, g->pos_off, g->pos_off, g->pos_len, 0, "pos");
        tc_i64(&t, 2, g->path_len + g->pos_len);
        tc_i64(&t, 3, g->n_rows);
        tc_i64(&t, 5, g->path_dict_off);
        tc_i64(&t, 6, g->path_len + g->pos_len);
        tc_end(&t);
    }
    tc_string(&t, 6, "arctic-mirror");
    tc_end(&t);
}

/* ---- the writer -------------------------------------------------------------------------- */

bool lake__del_writer_begin(lake__del_writer_t *d, const char *abs_path, am_err_t *err)
{
    memset(d, 0, sizeof *d);
    d->group_rows = LAKE_DEL_GROUP_ROWS;
    am_buf_init(&d->out);
    am_buf_init(&d->scratch);
    d->fd = open(abs_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (d->fd < 0) {
        am_err_errno(err, errno, "could not create \"%s\"", abs_path);
        am_buf_destroy(&d->out);
        am_buf_destroy(&d->scratch);
        return false;
    }
    d->path = am_xstrdup(abs_path);
    am_buf_puts(&d->out, "PAR1");
    return true;
}

bool lake__del_writer_add(lake__del_writer_t *d, const char *path, int64_t pos, am_err_t *err)
{
    if (d->n_group == d->group_rows && !end_group(d, err))
        return false;
    if (d->n_dict == 0 || (path != d->last && strcmp(path, d->last) != 0)) {
        if (d->n_dict == d->cap_dict) {
            d->cap_dict = d->cap_dict ? 2 * d->cap_dict : 16;
            d->dict = am_xrealloc(d->dict, d->cap_dict * sizeof *d->dict);
            d->counts = am_xrealloc(d->counts, d->cap_dict * sizeof *d->counts);
        }
        d->dict[d->n_dict] = path;
        d->counts[d->n_dict++] = 0;
    }
    if (d->n_group == d->cap_pos) { /* a flush's file has a few hundred rows, not a group's */
        d->cap_pos = d->cap_pos ? 2 * d->cap_pos : 1024;
        if (d->cap_pos > d->group_rows)
            d->cap_pos = d->group_rows;
        d->pos = am_xrealloc(d->pos, d->cap_pos * sizeof *d->pos);
    }
    d->pos[d->n_group++] = pos;
    d->counts[d->n_dict - 1]++;
    d->n_rows++;
    d->first = d->first ? d->first : path;
    d->last = path;
    return true;
}

static void release(lake__del_writer_t *d)
{
    free(d->path);
    free(d->dict);
    free(d->counts);
    free(d->pos);
    free(d->groups);
    am_buf_destroy(&d->out);
    am_buf_destroy(&d->scratch);
    memset(d, 0, sizeof *d);
    d->fd = -1;
}

void lake__del_writer_abort(lake__del_writer_t *d)
{
    if (d->fd >= 0) {
        (void)close(d->fd);
        (void)unlink(d->path); /* a half-written file no snapshot names */
    }
    release(d);
}

bool lake__del_writer_finish(lake__del_writer_t *d, am_err_t *err)
{
    bool ok = end_group(d, err);
    if (ok) {
        size_t at = d->out.len;
        footer(d, &d->out);
        put_u32le(&d->out, (uint32_t)(d->out.len - at));
        am_buf_puts(&d->out, "PAR1");
        ok = drain(d, err);
    }
    if (!ok) {
        lake__del_writer_abort(d);
        return false;
    }
    if (close(d->fd) != 0)
        ok = am_err_errno(err, errno, "could not write \"%s\"", d->path);
    d->fd = -1;
    if (!ok)
        (void)unlink(d->path);
    release(d);
    return ok;
}

bool lake__pq_write_deletes(const lake__del_src_t *src, const char *abs_path, am_err_t *err)
{
    lake__del_writer_t d;
    if (!lake__del_writer_begin(&d, abs_path, err))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < src->n; i++) {
        const char *path = NULL;
        int64_t pos = 0;
        src->get(src->ctx, i, &path, &pos);
        ok = lake__del_writer_add(&d, path, pos, err);
    }
    if (!ok) {
        lake__del_writer_abort(&d);
        return false;
    }
    return lake__del_writer_finish(&d, err);
}
