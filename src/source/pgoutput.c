/*
 * source/pgoutput.c: pgoutput messages -> source_change_t: the decoder object, the message
 * dispatch, the transaction and relation messages, and the relation cache (OID -> columns).
 * Row messages are in pgoutput_change.c, streaming in pgoutput_stream.c.
 * Never touches the socket: bytes come from source/stream.c, which keeps this fuzzable.
 * Hand-written: no C library decodes pgoutput.
 * Spec: PostgreSQL docs, "Logical Replication Message Formats"; postgres.md §2.
 *   'B'  final_lsn u64 | commit_ts i64 (us since 2000-01-01) | xid u32
 *   'C'  flags u8 | commit_lsn u64 | end_lsn u64 | commit_ts i64
 *   'O'  origin_lsn u64 | name String
 *   'R'  [xid u32] | relid u32 | nspname String | relname String | replident u8 | ncols u16 |
 *        ncols x (flags u8 (1 = identity) | name String | type oid u32 | typmod i32)
 *   'Y'  [xid u32] | type oid u32 | nspname String | typname String
 *   'M'  [xid u32] | flags u8 | lsn u64 | prefix String | len u32 | bytes
 * [xid] is present only inside a stream block (Stream Start ... Stream Stop).
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <stdlib.h>
#include <string.h>

#define REL_IDENTITY_FLAG 1

source_decoder_t *source_decoder_new(void)
{
    source_decoder_t *dec = am_xcalloc(1, sizeof *dec);
    dec->rels = am_map_new();
    dec->spools = am_map_new();
    dec->arena = am_arena_new((size_t)64 * 1024);
    dec->spill_bytes = SOURCE_SPILL_BYTES_DEFAULT;
    return dec;
}

void source__relation_free(source_relation_t *rel)
{
    if (!rel)
        return;
    for (size_t i = 0; i < rel->n_cols; i++) {
        free(rel->cols[i].name);
        free(rel->cols[i].pg_type);
    }
    free(rel->cols);
    free(rel->schema);
    free(rel->name);
    free(rel);
}

static bool free_relation_entry(const void *key, size_t key_len, uint64_t value, void *ud)
{
    (void)key;
    (void)key_len;
    (void)ud;
    source__relation_free((source_relation_t *)(uintptr_t)value);
    return true;
}

void source_decoder_free(source_decoder_t *dec)
{
    if (!dec)
        return;
    source__stream_reset(dec);
    am_map_foreach(dec->rels, free_relation_entry, NULL);
    am_map_free(dec->rels);
    am_map_free(dec->spools);
    am_arena_free(dec->arena);
    free(dec);
}

void source_decoder_set_spill_bytes(source_decoder_t *dec, size_t bytes)
{
    dec->spill_bytes = bytes;
}

const source_relation_t *source_decoder_relation(const source_decoder_t *dec, uint32_t relid)
{
    uint64_t v;
    if (!am_map_get(dec->rels, &relid, sizeof relid, &v))
        return NULL;
    return (const source_relation_t *)(uintptr_t)v;
}

bool source__pg_ts_to_unix(int64_t pg_us, int64_t *unix_us)
{
    return !__builtin_add_overflow(pg_us, AM_PG_EPOCH_OFFSET_US, unix_us);
}

static bool decode_begin(source_decoder_t *dec, am_reader_t *r, source_change_t *out, am_err_t *err)
{
    out->kind = SOURCE_MSG_BEGIN;
    out->final_lsn = am_read_u64(r);
    int64_t ts = am_read_i64(r);
    out->xid = am_read_u32(r);
    if (!am_reader_done(r, "pgoutput begin", err))
        return false;
    if (!source__pg_ts_to_unix(ts, &out->commit_ts_us))
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput begin: commit timestamp %lld out of range", (long long)ts);
    dec->in_txn = true;
    return true;
}

static bool decode_commit(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                          am_err_t *err)
{
    out->kind = SOURCE_MSG_COMMIT;
    (void)am_read_u8(r); /* flags: always 0 */
    out->commit_lsn = am_read_u64(r);
    out->end_lsn = am_read_u64(r);
    int64_t ts = am_read_i64(r);
    if (!am_reader_done(r, "pgoutput commit", err))
        return false;
    if (!source__pg_ts_to_unix(ts, &out->commit_ts_us))
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput commit: commit timestamp %lld out of range", (long long)ts);
    dec->in_txn = false;
    return true;
}

static bool decode_origin(am_reader_t *r, source_change_t *out, am_err_t *err)
{
    out->kind = SOURCE_MSG_OTHER;
    (void)am_read_u64(r);
    (void)am_read_cstr(r, NULL);
    return am_reader_done(r, "pgoutput origin", err);
}

static bool decode_type(am_reader_t *r, bool has_xid, source_change_t *out, am_err_t *err)
{
    out->kind = SOURCE_MSG_OTHER;
    if (has_xid)
        (void)am_read_u32(r);
    (void)am_read_u32(r);
    (void)am_read_cstr(r, NULL);
    (void)am_read_cstr(r, NULL);
    return am_reader_done(r, "pgoutput type", err);
}

static bool decode_message(am_reader_t *r, bool has_xid, source_change_t *out, am_err_t *err)
{
    out->kind = SOURCE_MSG_OTHER;
    if (has_xid)
        (void)am_read_u32(r);
    (void)am_read_u8(r);
    (void)am_read_u64(r);
    (void)am_read_cstr(r, NULL);
    uint32_t n = am_read_u32(r);
    (void)am_read_bytes(r, n);
    return am_reader_done(r, "pgoutput message", err);
}

/* Reads the column list of a Relation message into rel (ncols already checked). */
static bool read_columns(am_reader_t *r, source_relation_t *rel)
{
    for (size_t i = 0; i < rel->n_cols; i++) {
        source_column_t *col = &rel->cols[i];
        uint8_t flags = am_read_u8(r);
        size_t name_len = 0;
        const char *name = am_read_cstr(r, &name_len);
        col->type_oid = am_read_u32(r);
        col->typmod = am_read_i32(r);
        if (r->failed)
            return false;
        col->name = am_xstrndup(name, name_len);
        col->is_key = (flags & REL_IDENTITY_FLAG) != 0;
        col->not_null = false;
        col->type = source_type_map(col->type_oid, col->typmod);
    }
    return true;
}

static bool same_relation(const source_relation_t *a, const source_relation_t *b)
{
    if (strcmp(a->schema, b->schema) != 0 || strcmp(a->name, b->name) != 0 ||
        a->replident != b->replident || a->n_cols != b->n_cols)
        return false;
    for (size_t i = 0; i < a->n_cols; i++) {
        const source_column_t *x = &a->cols[i], *y = &b->cols[i];
        if (strcmp(x->name, y->name) != 0 || x->type_oid != y->type_oid || x->typmod != y->typmod ||
            x->is_key != y->is_key)
            return false;
    }
    return true;
}

/* Caches rel under its relid. An identical repeat keeps the cached copy, so pointers the
 * caller holds stay valid across the Relation messages PostgreSQL re-sends after every
 * invalidation, and its types are not resolved again; a new or changed relation has its
 * types resolved (when a resolver is set) and replaces (and frees) the old one. */
static const source_relation_t *cache_relation(source_decoder_t *dec, source_relation_t *rel,
                                               am_err_t *err)
{
    uint64_t v;
    source_relation_t *old = NULL;
    if (am_map_get(dec->rels, &rel->relid, sizeof rel->relid, &v)) {
        old = (source_relation_t *)(uintptr_t)v;
        if (same_relation(old, rel)) {
            source__relation_free(rel);
            return old;
        }
    }
    if (dec->resolve && !dec->resolve(dec->resolve_ud, rel, err)) {
        source__relation_free(rel);
        return NULL;
    }
    for (size_t i = 0; dec->binary && i < rel->n_cols; i++) {
        if (source_copybin_native(&rel->cols[i]))
            continue;
        /* pgoutput sends every column of a binary stream as its send function's bytes: this
         * one's could not be read back as its text, so the stream starts again in text */
        dec->binary_refused = true;
        am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                   "pgoutput relation %s.%s, column %s: type %s has no binary decoder; the "
                   "stream starts again in text",
                   rel->schema, rel->name, rel->cols[i].name,
                   rel->cols[i].pg_type ? rel->cols[i].pg_type : "?");
        source__relation_free(rel);
        return NULL;
    }
    source__relation_free(old);
    am_map_put(dec->rels, &rel->relid, sizeof rel->relid, (uint64_t)(uintptr_t)rel);
    return rel;
}

void source_decoder_set_binary(source_decoder_t *dec, bool on)
{
    dec->binary = on;
}

bool source_decoder_binary_refused(const source_decoder_t *dec)
{
    return dec->binary_refused;
}

void source__decoder_set_resolver(source_decoder_t *dec, source_type_resolver_t fn, void *ud)
{
    dec->resolve = fn;
    dec->resolve_ud = ud;
}

static bool decode_relation(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                            source_change_t *out, am_err_t *err)
{
    if (has_xid)
        (void)am_read_u32(r);
    uint32_t relid = am_read_u32(r);
    size_t nsp_len = 0, name_len = 0;
    const char *nsp = am_read_cstr(r, &nsp_len);
    const char *name = am_read_cstr(r, &name_len);
    uint8_t replident = am_read_u8(r);
    uint16_t ncols = am_read_u16(r);
    /* each column takes at least 10 bytes: check before sizing anything */
    if (r->failed || ncols > SOURCE_MAX_COLUMNS || (size_t)ncols * 10 > am_reader_left(r))
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput relation %u: bad header (%u columns)", relid, ncols);
    source_relation_t *rel = am_xcalloc(1, sizeof *rel);
    rel->relid = relid;
    /* an empty namespace means pg_catalog */
    rel->schema = nsp_len ? am_xstrndup(nsp, nsp_len) : am_xstrdup("pg_catalog");
    rel->name = am_xstrndup(name, name_len);
    rel->replident = (char)replident;
    rel->n_cols = ncols;
    rel->cols = am_xcalloc(ncols ? ncols : 1, sizeof *rel->cols);
    /* read_columns stops at the first short read; am_reader_done reports it */
    bool complete = read_columns(r, rel);
    if (!am_reader_done(r, "pgoutput relation", err)) {
        source__relation_free(rel);
        return false;
    }
    AM_ASSERT(complete);
    out->rel = cache_relation(dec, rel, err);
    if (!out->rel)
        return false;
    out->kind = SOURCE_MSG_RELATION;
    return true;
}

bool source__decode_dispatch(source_decoder_t *dec, uint8_t type, am_reader_t *r, bool has_xid,
                             source_change_t *out, am_err_t *err)
{
    switch (type) {
    case 'B':
        return decode_begin(dec, r, out, err);
    case 'C':
        return decode_commit(dec, r, out, err);
    case 'O':
        return decode_origin(r, out, err);
    case 'R':
        return decode_relation(dec, r, has_xid, out, err);
    case 'Y':
        return decode_type(r, has_xid, out, err);
    case 'M':
        return decode_message(r, has_xid, out, err);
    case 'I':
        return source__decode_insert(dec, r, has_xid, out, err);
    case 'U':
        return source__decode_update(dec, r, has_xid, out, err);
    case 'D':
        return source__decode_delete(dec, r, has_xid, out, err);
    case 'T':
        return source__decode_truncate(dec, r, has_xid, out, err);
    case 'S':
        return source__stream_start_msg(dec, r, out, err);
    case 'E':
        return source__stream_stop_msg(dec, r, out, err);
    case 'c':
        return source__stream_commit_msg(dec, r, out, err);
    case 'A':
        return source__stream_abort_msg(dec, r, out, err);
    default:
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput: unknown message type 0x%02x", type);
    }
}

/* Inside a stream block these belong to the streamed transaction: they wait in its spool. */
static bool is_streamed_kind(uint8_t type)
{
    return type == 'R' || type == 'Y' || type == 'I' || type == 'U' || type == 'D' || type == 'T' ||
           type == 'M';
}

void source__err_one_line(am_err_t *err)
{
    /* names from the wire (legal PostgreSQL identifiers may hold newlines) end up in messages */
    for (char *p = err ? err->msg : NULL; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
}

static bool decode_one(source_decoder_t *dec, const uint8_t *msg, size_t len, source_change_t *out,
                       am_err_t *err)
{
    if (dec->in_block && is_streamed_kind(msg[0]))
        return source__stream_spool_msg(dec, msg, len, out, err);
    am_reader_t r = am_reader_init(msg + 1, len - 1);
    return source__decode_dispatch(dec, msg[0], &r, false, out, err);
}

bool source_decoder_decode(source_decoder_t *dec, const uint8_t *msg, size_t len,
                           source_change_t *out, am_err_t *err)
{
    /* the caller drains a committed stream (source_decoder_next) before feeding more */
    AM_ASSERT(dec->replay == NULL);
    *out = (source_change_t){.kind = SOURCE_MSG_NONE};
    am_arena_reset(dec->arena);
    if (len == 0)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "pgoutput: empty message");
    if (!decode_one(dec, msg, len, out, err)) {
        source__err_one_line(err);
        return false;
    }
    return true;
}

bool source_decoder_busy(const source_decoder_t *dec)
{
    return dec->in_txn || dec->in_block || dec->replay != NULL || am_map_count(dec->spools) > 0;
}
