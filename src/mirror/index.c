/*
 * mirror/index.c: the identity index, key -> (data file, row) of the live row. Keys are the
 * identity columns' values encoded to bytes the same way whether they come from the stream or
 * from the lake's scan at start, so a restart rebuilds exactly the index it lost.
 * A key may name several rows: always with REPLICA IDENTITY FULL (the key is the whole row,
 * and equal rows are allowed: a multiset), and for a moment with deferred constraints (two
 * rows swapping keys in one transaction). The map then holds, instead of a position, the
 * number of a duplicate list (top bit set) whose rows are kept oldest first: an UPDATE or
 * DELETE takes the oldest, the row that held the key before. NULLs encode alike, so they
 * compare equal, as PostgreSQL's replica identity does.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POS_ROW_BITS 40
#define POS_FILE_MAX LAKE_FILE_ID_MAX /* the lake refuses higher ids before writing a file */
#define DUP_TAG (UINT64_C(1) << 63)   /* a packed position never has it: 23 + 40 bits */

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
    AM_ASSERT(pos.file >= 0 && pos.file <= POS_FILE_MAX);
    AM_ASSERT(pos.row >= 0 && pos.row < (INT64_C(1) << POS_ROW_BITS));
    return ((uint64_t)pos.file << POS_ROW_BITS) | (uint64_t)pos.row;
}

lake_pos_t mirror__pos_unpack(uint64_t v)
{
    lake_pos_t pos = {.file = (int32_t)(v >> POS_ROW_BITS),
                      .row = (int64_t)(v & ((UINT64_C(1) << POS_ROW_BITS) - 1))};
    return pos;
}

/* ---- keys naming several rows --------------------------------------------------------- */

/* A list: [count, capacity, positions oldest first...]. */
#define DUP_HEAD 2

static uint64_t dup_new(mirror_table_t *t, uint64_t a, uint64_t b)
{
    size_t slot;
    if (t->n_free_dups > 0) {
        slot = t->free_dups[--t->n_free_dups];
    } else {
        if (t->n_dups == t->cap_dups) {
            t->cap_dups = t->cap_dups ? t->cap_dups * 2 : 16;
            t->dups = am_xrealloc(t->dups, t->cap_dups * sizeof *t->dups);
            t->free_dups = am_xrealloc(t->free_dups, t->cap_dups * sizeof *t->free_dups);
        }
        slot = t->n_dups++;
    }
    uint64_t *list = am_xmalloc((DUP_HEAD + 4) * sizeof *list);
    list[0] = 2;
    list[1] = 4;
    list[DUP_HEAD] = a;
    list[DUP_HEAD + 1] = b;
    t->dups[slot] = list;
    return DUP_TAG | slot;
}

static uint64_t *dup_push(uint64_t *list, uint64_t pos)
{
    if (list[0] == list[1]) {
        list[1] *= 2;
        list = am_xrealloc(list, (size_t)(DUP_HEAD + list[1]) * sizeof *list);
    }
    list[DUP_HEAD + list[0]++] = pos;
    return list;
}

void mirror__index_put(mirror_table_t *t, lake_pos_t pos)
{
    uint64_t packed = mirror__pos_pack(pos), v;
    const char *key = t->key_buf.data;
    size_t len = t->key_buf.len;
    if (!am_map_get(t->index, key, len, &v)) {
        am_map_put(t->index, key, len, packed);
    } else if (!(v & DUP_TAG)) {
        am_map_put(t->index, key, len, dup_new(t, v, packed));
    } else {
        size_t slot = (size_t)(v & ~DUP_TAG);
        t->dups[slot] = dup_push(t->dups[slot], packed);
    }
}

bool mirror__index_take(mirror_table_t *t, lake_pos_t *pos)
{
    uint64_t v;
    const char *key = t->key_buf.data;
    size_t len = t->key_buf.len;
    if (!am_map_get(t->index, key, len, &v))
        return false;
    if (!(v & DUP_TAG)) {
        *pos = mirror__pos_unpack(v);
        am_map_del(t->index, key, len);
        return true;
    }
    size_t slot = (size_t)(v & ~DUP_TAG);
    uint64_t *list = t->dups[slot];
    *pos = mirror__pos_unpack(list[DUP_HEAD]);
    uint64_t n = --list[0];
    memmove(&list[DUP_HEAD], &list[DUP_HEAD + 1], (size_t)n * sizeof *list);
    if (n == 1) { /* one row again: back to a plain position */
        am_map_put(t->index, key, len, list[DUP_HEAD]);
        free(list);
        t->dups[slot] = NULL;
        t->free_dups[t->n_free_dups++] = slot;
    }
    return true;
}

size_t mirror__index_shared(const mirror_table_t *t)
{
    return t->n_dups - t->n_free_dups;
}

void mirror__index_clear(mirror_table_t *t)
{
    if (t->index)
        am_map_clear(t->index);
    for (size_t i = 0; i < t->n_dups; i++)
        free(t->dups[i]);
    free(t->dups);
    free(t->free_dups);
    t->dups = NULL;
    t->free_dups = NULL;
    t->n_dups = t->cap_dups = t->n_free_dups = 0;
}

/* ---- following the lake's row positions ---------------------------------------------- */

typedef struct remap_ctx {
    const lake_remap_t *r;
    size_t lost;
} remap_ctx_t;

static void remap_one(uint64_t *v, void *ud)
{
    remap_ctx_t *ctx = ud;
    if (*v & DUP_TAG)
        return; /* a duplicate list: its positions are remapped in place below */
    lake_pos_t pos = mirror__pos_unpack(*v);
    if (lake_remap_pos(ctx->r, &pos))
        *v = mirror__pos_pack(pos);
    else
        ctx->lost++;
}

bool mirror__index_remap(mirror_table_t *t, const lake_remap_t *r, am_err_t *err)
{
    remap_ctx_t ctx = {.r = r};
    if (t->index)
        am_map_update_values(t->index, remap_one, &ctx);
    for (size_t i = 0; i < t->n_dups; i++) {
        uint64_t *list = t->dups[i];
        for (uint64_t j = 0; list && j < list[0]; j++)
            remap_one(&list[DUP_HEAD + j], &ctx);
    }
    if (ctx.lost == 0)
        return true;
    return am_err_set(err, AM_SQLSTATE_INTERNAL,
                      "table %s.%s: %zu keys of the index name rows the lake no longer has",
                      t->schema, t->name, ctx.lost);
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
    if (t->n_key_cols == 0)
        return true; /* insert-only table: nothing to find later */
    rebuild_ctx_t ctx = {.t = t};
    int64_t start = am_mono_us();
    if (!lake_table_scan(t->lt, t->key_cols, t->n_key_cols, rebuild_one, &ctx, err)) {
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
                AM_KV_I64("ms", (am_mono_us() - start) / 1000));
    return true;
}
