/*
 * lake/avro.c: Avro binary encoding and the object container writer for manifests and
 * manifest lists. Never reads files (avro_read.c does).
 * Hand-written: avro-c's file writer emits only avro.schema/avro.codec (Iceberg needs six
 * more metadata keys) and re-serializes the schema without field-id/element-id, which every
 * Iceberg reader resolves columns by.
 * Spec: Avro 1.11 "Object Container Files"; reference/iceberg.md section 4.
 *   file  = "Obj" 0x01 | meta map<bytes> | sync[16] | block*
 *   meta  = long count | (string key, bytes value)* | long 0
 *   block = long n_records | long n_bytes | deflate(records) | sync[16]
 *   int/long = zigzag varint; string/bytes = long length + bytes; union = long branch + value
 */
#include "lake/lake_internal.h"

#include <string.h>
#include <zlib.h>

/* Blocks are closed at this size: readers hold one block in memory at a time. */
#define AVRO_BLOCK_BYTES ((size_t)1 << 20)

void lake__avro_put_long(am_buf_t *b, int64_t v)
{
    am_buf_put_zigzag(b, v);
}

void lake__avro_put_bool(am_buf_t *b, bool v)
{
    am_buf_put_u8(b, v ? 1 : 0);
}

void lake__avro_put_bytes(am_buf_t *b, const void *p, size_t n)
{
    am_buf_put_zigzag(b, (int64_t)n);
    am_buf_append(b, p, n);
}

void lake__avro_put_string(am_buf_t *b, const char *s)
{
    lake__avro_put_bytes(b, s, strlen(s));
}

void lake__avro_put_null(am_buf_t *b)
{
    am_buf_put_zigzag(b, 0);
}

void lake__avro_put_some(am_buf_t *b)
{
    am_buf_put_zigzag(b, 1);
}

void lake__avro_put_opt_long(am_buf_t *b, int64_t v)
{
    if (v < 0) {
        lake__avro_put_null(b);
        return;
    }
    lake__avro_put_some(b);
    lake__avro_put_long(b, v);
}

void lake__avro_writer_init(lake__avro_writer_t *w, const char *schema_json, const lake__kv_t *meta,
                            size_t n_meta)
{
    am_buf_init(&w->out);
    am_buf_init(&w->block);
    w->n_block = 0;
    am_random_bytes(w->sync, sizeof w->sync);
    am_buf_append(&w->out, "Obj\x01", 4);
    lake__avro_put_long(&w->out, (int64_t)n_meta + 2);
    lake__avro_put_string(&w->out, "avro.schema");
    lake__avro_put_string(&w->out, schema_json);
    lake__avro_put_string(&w->out, "avro.codec");
    lake__avro_put_string(&w->out, "deflate");
    for (size_t i = 0; i < n_meta; i++) {
        lake__avro_put_string(&w->out, meta[i].key);
        lake__avro_put_string(&w->out, meta[i].value);
    }
    lake__avro_put_long(&w->out, 0);
    am_buf_append(&w->out, w->sync, sizeof w->sync);
}

/* Raw RFC 1951 deflate (no zlib header, no adler32), as Avro's deflate codec requires. */
static bool deflate_raw(const am_buf_t *in, am_buf_t *out, am_err_t *err)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "zlib: deflateInit2 failed");
    uLong bound = deflateBound(&zs, (uLong)in->len);
    am_buf_reserve(out, (size_t)bound);
    zs.next_in = (Bytef *)in->data;
    zs.avail_in = (uInt)in->len;
    zs.next_out = (Bytef *)out->data + out->len;
    zs.avail_out = (uInt)bound;
    int rc = deflate(&zs, Z_FINISH);
    size_t produced = (size_t)bound - zs.avail_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "zlib: deflate failed (%d)", rc);
    out->len += produced;
    out->data[out->len] = '\0';
    return true;
}

static bool close_block(lake__avro_writer_t *w, am_err_t *err)
{
    if (w->n_block == 0)
        return true;
    am_buf_t z;
    am_buf_init(&z);
    bool ok = deflate_raw(&w->block, &z, err);
    if (ok) {
        lake__avro_put_long(&w->out, w->n_block);
        lake__avro_put_long(&w->out, (int64_t)z.len);
        am_buf_append(&w->out, z.data, z.len);
        am_buf_append(&w->out, w->sync, sizeof w->sync);
        am_buf_reset(&w->block);
        w->n_block = 0;
    }
    am_buf_destroy(&z);
    return ok;
}

bool lake__avro_writer_end_record(lake__avro_writer_t *w, am_err_t *err)
{
    w->n_block++;
    if (w->block.len < AVRO_BLOCK_BYTES)
        return true;
    return close_block(w, err);
}

bool lake__avro_writer_finish(lake__avro_writer_t *w, am_err_t *err)
{
    return close_block(w, err);
}

void lake__avro_writer_destroy(lake__avro_writer_t *w)
{
    am_buf_destroy(&w->out);
    am_buf_destroy(&w->block);
}
