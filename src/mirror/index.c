/*
 * mirror/index.c: the identity index, key -> (data file, row) of the live row. Keys are the
 * identity columns' values encoded to bytes the same way whether they come from the stream or
 * from the lake's scan at start, so a restart rebuilds exactly the index it lost.
 * A key may name several rows: always with REPLICA IDENTITY FULL (the key is the whole row,
 * and equal rows are allowed: a multiset), and for a moment with deferred constraints (two
 * rows swapping keys in one transaction). The table (pkhash.c) keeps them oldest first: an
 * UPDATE or DELETE takes the oldest, the row that held the key before. NULLs encode alike, so
 * they compare equal, as PostgreSQL's replica identity does.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POS_ROW_BITS 40 /* 23 + 40 bits: the top bit is the table's */
/* the lake refuses a file id past LAKE_FILE_ID_MAX before it writes the file, so every
 * position it gives fits */
_Static_assert(MIRROR_POS_FILE_MAX == LAKE_FILE_ID_MAX, "file ids of positions and the lake");

static void put_i64(am_buf_t *out, int64_t v)
{
    am_buf_put_u64(out, (uint64_t)v);
}

static void encode_one(am_buf_t *out, const am_value_t *v, am_coltype_t type);

/* Lists (PostgreSQL arrays can be keys): the count, then each element as a key column. */
static void encode_list(am_buf_t *out, const am_value_t *v, am_coltype_t type)
{
    am_coltype_t elem = am_coltype_elem(type);
    am_buf_put_u32(out, v->n_items);
    for (uint32_t i = 0; i < v->n_items; i++)
        encode_one(out, &v->items[i], elem);
}

static void encode_one(am_buf_t *out, const am_value_t *v, am_coltype_t type)
{
    if (v->kind != AM_VALUE_PRESENT) {
        am_buf_put_u8(out, 0);
        return;
    }
    am_buf_put_u8(out, 1);
    switch (type.type) {
    case AM_TYPE_FLOAT32: {
        /* the stream parses text to double, the lake widens a float: meet at float precision */
        double d = (double)(float)v->f;
        int64_t bits;
        memcpy(&bits, &d, sizeof bits);
        put_i64(out, bits);
        return;
    }
    case AM_TYPE_FLOAT64: {
        int64_t bits;
        memcpy(&bits, &v->f, sizeof bits);
        put_i64(out, bits);
        return;
    }
    case AM_TYPE_LIST:
        encode_list(out, v, type);
        return;
    case AM_TYPE_DECIMAL:
    case AM_TYPE_STRING:
    case AM_TYPE_BINARY:
    case AM_TYPE_UUID:
        am_buf_put_u32(out, v->len);
        am_buf_append(out, v->s, v->len);
        return;
    default:
        put_i64(out, v->i);
        return;
    }
}

void mirror__key_encode(am_buf_t *out, const am_value_t *vals, const size_t *cols, size_t n,
                        const am_coltype_t *key_types)
{
    am_buf_reset(out);
    for (size_t i = 0; i < n; i++)
        encode_one(out, &vals[cols ? cols[i] : i], key_types[i]);
}

uint64_t mirror__pos_pack(lake_pos_t pos)
{
    AM_ASSERT(pos.file >= 0 && pos.file <= MIRROR_POS_FILE_MAX);
    AM_ASSERT(pos.row >= 0 && pos.row < (INT64_C(1) << POS_ROW_BITS));
    return ((uint64_t)pos.file << POS_ROW_BITS) | (uint64_t)pos.row;
}

lake_pos_t mirror__pos_unpack(uint64_t v)
{
    lake_pos_t pos = {.file = (int32_t)(v >> POS_ROW_BITS),
                      .row = (int64_t)(v & ((UINT64_C(1) << POS_ROW_BITS) - 1))};
    return pos;
}

/* ---- the table ------------------------------------------------------------------------- */

/* One key column the encoding stores as a 64-bit integer (encode_one's default branch and
 * the floats), never NULL (a replica identity index's columns are NOT NULL): the table keys
 * it by that integer alone. */
static bool key_is_fixed(const mirror_table_t *t)
{
    if (t->n_key_cols != 1 || t->full_identity)
        return false;
    switch (t->key_types[0].type) {
    case AM_TYPE_DECIMAL:
    case AM_TYPE_STRING:
    case AM_TYPE_BINARY:
    case AM_TYPE_UUID:
    case AM_TYPE_LIST:
        return false;
    default:
        return true;
    }
}

void mirror__index_put(mirror_table_t *t, lake_pos_t pos)
{
    if (t->ixfeed)
        mirror__index_feed(t->ixfeed, t->key_buf.data, t->key_buf.len, mirror__pos_pack(pos));
    else
        mirror__pk_put(t->pk, t->key_buf.data, t->key_buf.len, mirror__pos_pack(pos));
    t->index_changes++;
}

bool mirror__index_take(mirror_table_t *t, lake_pos_t *pos)
{
    uint64_t v;
    mirror__index_sync(t);
    if (!mirror__pk_take(t->pk, t->key_buf.data, t->key_buf.len, &v))
        return false;
    *pos = mirror__pos_unpack(v);
    t->index_changes++;
    return true;
}

size_t mirror__index_shared(mirror_table_t *t)
{
    mirror__index_sync(t);
    return t->pk ? mirror__pk_shared(t->pk) : 0;
}

void mirror__index_clear(mirror_table_t *t)
{
    mirror__index_sync(t);
    if (t->pk)
        mirror__pk_reset(t->pk, !key_is_fixed(t));
}

void mirror__index_reserve(mirror_table_t *t, int64_t rows)
{
    if (t->pk && t->n_key_cols > 0 && rows > 0)
        mirror__pk_reserve(t->pk, (uint64_t)rows);
}

/* How encode_one writes a value of type t: a change of type that keeps it (int4 -> int8, a
 * decimal's precision) keeps every key's bytes. */
static void put_encoding(am_buf_t *b, am_coltype_t t)
{
    switch (t.type) {
    case AM_TYPE_FLOAT32:
    case AM_TYPE_FLOAT64:
    case AM_TYPE_STRING:
    case AM_TYPE_BINARY:
    case AM_TYPE_UUID:
        am_buf_put_u8(b, (uint8_t)t.type);
        return;
    case AM_TYPE_DECIMAL:
        am_buf_put_u8(b, (uint8_t)t.type);
        am_buf_put_u16(b, (uint16_t)t.scale);
        return;
    case AM_TYPE_LIST:
        am_buf_put_u8(b, (uint8_t)t.type);
        put_encoding(b, am_coltype_elem(t));
        return;
    default:
        am_buf_put_u8(b, 0); /* a 64-bit integer */
        return;
    }
}

uint64_t mirror__index_signature(const mirror_table_t *t)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_put_u8(&b, t->full_identity);
    const lake_column_t *cols = lake_table_columns(t->lt);
    for (size_t i = 0; i < t->n_key_cols; i++) {
        am_buf_put_u32(&b, (uint32_t)cols[t->key_cols[i]].field_id);
        put_encoding(&b, t->key_types[i]);
    }
    uint64_t h = am_hash_bytes(b.data, b.len);
    am_buf_destroy(&b);
    return h;
}

/* ---- rebuilding from the lake --------------------------------------------------------- */

typedef struct rebuild_ctx {
    mirror_table_t *t;
    int64_t n;
} rebuild_ctx_t;

static bool rebuild_one(void *ud, const am_value_t *key_vals, lake_pos_t pos)
{
    rebuild_ctx_t *ctx = ud;
    mirror_table_t *t = ctx->t;
    mirror__key_encode(&t->key_buf, key_vals, NULL, t->n_key_cols, t->key_types);
    mirror__index_put(t, pos);
    ctx->n++;
    return true;
}

bool mirror__index_rebuild(mirror_table_t *t, am_err_t *err)
{
    mirror__index_clear(t);
    t->index_stale = true;
    if (t->n_key_cols == 0)
        return true; /* insert-only table: nothing to find later */
    rebuild_ctx_t ctx = {.t = t};
    int64_t start = am_mono_us();
    if (!lake_table_scan(t->lt, t->key_cols, t->n_key_cols, rebuild_one, &ctx, err)) {
        mirror__index_clear(t);
        am_err_prefix(err, "table %s.%s: rebuilding the identity index", t->schema, t->name);
        return false;
    }
    if (!t->full_identity && mirror__index_shared(t) > 0)
        return am_err_set(err, AM_SQLSTATE_INTERNAL,
                          "table %s.%s: %zu keys name more than one live row", t->schema, t->name,
                          mirror__index_shared(t));
    char table[300];
    snprintf(table, sizeof table, "%s.%s", t->schema, t->name);
    am_log_info("mirror", "identity index rebuilt", AM_KV_STR("table", table),
                AM_KV_I64("rows", ctx.n), AM_KV_I64("shared_keys", mirror__index_shared(t)),
                AM_KV_I64("ms", (am_mono_us() - start) / 1000),
                AM_KV_I64("bytes", mirror__pk_bytes(t->pk)));
    return true;
}
