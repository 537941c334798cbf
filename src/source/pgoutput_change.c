/*
 * source/pgoutput_change.c: the row messages of pgoutput (Insert, Update, Delete, Truncate)
 * and their TupleData, decoded against the relation cache (pgoutput.c).
 * Never touches the socket. Column values go through source_column_parse (text) or
 * source_copybin_field (binary); text values point
 * into the message, rewritten ones (bytea, array items) into the decoder's per-message arena.
 * Spec: PostgreSQL docs, "Logical Replication Message Formats"; postgres.md §2.
 *   'I'  [xid u32] | relid u32 | 'N' | TupleData
 *   'U'  [xid u32] | relid u32 | ['K' | 'O' TupleData] | 'N' | TupleData
 *   'D'  [xid u32] | relid u32 | 'K' | 'O' | TupleData
 *   'T'  [xid u32] | n u32 | options u8 (1 CASCADE, 2 RESTART IDENTITY) | n x relid u32
 *   TupleData: ncols u16 | per column 'n' (NULL) | 'u' (unchanged TOAST) |
 *              't' len u32 + text | 'b' len u32 + binary (only when the stream asked for it:
 *              the type's send function's bytes, decoded as the initial copy's binary COPY)
 */
#include "source/source.h"
#include "source/source_internal.h"

static const source_relation_t *find_relation(const source_decoder_t *dec, uint32_t relid,
                                              const char *what, am_err_t *err)
{
    const source_relation_t *rel = source_decoder_relation(dec, relid);
    if (!rel)
        am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                   "pgoutput %s: relation %u was never described", what, relid);
    return rel;
}

/* A 't' or 'b' column: its length, its bytes, parsed as text output or as the type's send
 * function's bytes. */
static bool decode_bytes_column(am_reader_t *r, const source_relation_t *rel, size_t i,
                                am_arena_t *arena, bool binary, const char *what, am_value_t *v,
                                am_err_t *err)
{
    uint32_t len = am_read_u32(r);
    const uint8_t *bytes = am_read_bytes(r, len);
    if (r->failed)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput %s, relation %s.%s, column %s: truncated value", what,
                          rel->schema, rel->name, rel->cols[i].name);
    bool ok = binary ? source_copybin_field(&rel->cols[i], bytes, len, arena, v, err)
                     : source_column_parse(&rel->cols[i], (const char *)bytes, len, arena, v, err);
    if (!ok && binary) /* copybin names the column itself */
        am_err_prefix(err, "pgoutput %s, relation %s.%s", what, rel->schema, rel->name);
    else if (!ok)
        am_err_prefix(err, "pgoutput %s, relation %s.%s, column %s", what, rel->schema, rel->name,
                      rel->cols[i].name);
    return ok;
}

static bool decode_column(am_reader_t *r, const source_relation_t *rel, size_t i, am_arena_t *arena,
                          bool binary, const char *what, bool allow_unchanged, am_value_t *v,
                          am_err_t *err)
{
    *v = (am_value_t){.kind = AM_VALUE_NULL};
    uint8_t kind = am_read_u8(r);
    if (r->failed)
        return am_reader_done(r, what, err);
    switch (kind) {
    case 'n':
        return true;
    case 'u':
        if (!allow_unchanged)
            break;
        v->kind = AM_VALUE_UNCHANGED;
        return true;
    case 't':
        return decode_bytes_column(r, rel, i, arena, false, what, v, err);
    case 'b':
        if (!binary)
            break;
        return decode_bytes_column(r, rel, i, arena, true, what, v, err);
    default:
        break;
    }
    return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                      "pgoutput %s, relation %s.%s, column %s: unexpected column kind 0x%02x", what,
                      rel->schema, rel->name, rel->cols[i].name, kind);
}

/* TupleData with exactly rel->n_cols columns into the decoder's arena. */
static bool decode_tuple(source_decoder_t *dec, am_reader_t *r, const source_relation_t *rel,
                         const char *what, bool allow_unchanged, const am_value_t **vals,
                         am_err_t *err)
{
    uint16_t ncols = am_read_u16(r);
    if (r->failed)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "pgoutput %s: truncated tuple",
                          what);
    if (ncols != rel->n_cols)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput %s, relation %s.%s: tuple has %u columns, relation has %zu",
                          what, rel->schema, rel->name, ncols, rel->n_cols);
    am_value_t *v = am_arena_alloc(dec->arena, (ncols ? ncols : 1) * sizeof *v);
    for (size_t i = 0; i < ncols; i++)
        if (!decode_column(r, rel, i, dec->arena, dec->binary, what, allow_unchanged, &v[i], err))
            return false;
    *vals = v;
    return true;
}

/* [xid] relid, then the relation it names. */
static const source_relation_t *read_relation(const source_decoder_t *dec, am_reader_t *r,
                                              bool has_xid, const char *what, am_err_t *err)
{
    if (has_xid)
        (void)am_read_u32(r);
    uint32_t relid = am_read_u32(r);
    if (r->failed) {
        am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "pgoutput %s: truncated header", what);
        return NULL;
    }
    return find_relation(dec, relid, what, err);
}

static bool bad_tuple_kind(const char *what, uint8_t kind, am_err_t *err)
{
    return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                      "pgoutput %s: unexpected tuple kind 0x%02x", what, kind);
}

bool source__decode_insert(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                           source_change_t *out, am_err_t *err)
{
    const source_relation_t *rel = read_relation(dec, r, has_xid, "insert", err);
    if (!rel)
        return false;
    uint8_t kind = am_read_u8(r);
    if (kind != 'N')
        return bad_tuple_kind("insert", kind, err);
    if (!decode_tuple(dec, r, rel, "insert", false, &out->new_vals, err))
        return false;
    out->kind = SOURCE_MSG_INSERT;
    out->rel = rel;
    return am_reader_done(r, "pgoutput insert", err);
}

bool source__decode_update(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                           source_change_t *out, am_err_t *err)
{
    const source_relation_t *rel = read_relation(dec, r, has_xid, "update", err);
    if (!rel)
        return false;
    uint8_t kind = am_read_u8(r);
    if (kind == 'K' || kind == 'O') {
        if (!decode_tuple(dec, r, rel, "update", false, &out->old_vals, err))
            return false;
        kind = am_read_u8(r);
    }
    if (kind != 'N')
        return bad_tuple_kind("update", kind, err);
    /* only the new tuple may leave an unchanged TOASTed value out */
    if (!decode_tuple(dec, r, rel, "update", true, &out->new_vals, err))
        return false;
    out->kind = SOURCE_MSG_UPDATE;
    out->rel = rel;
    return am_reader_done(r, "pgoutput update", err);
}

bool source__decode_delete(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                           source_change_t *out, am_err_t *err)
{
    const source_relation_t *rel = read_relation(dec, r, has_xid, "delete", err);
    if (!rel)
        return false;
    uint8_t kind = am_read_u8(r);
    if (kind != 'K' && kind != 'O')
        return bad_tuple_kind("delete", kind, err);
    if (!decode_tuple(dec, r, rel, "delete", false, &out->old_vals, err))
        return false;
    out->kind = SOURCE_MSG_DELETE;
    out->rel = rel;
    return am_reader_done(r, "pgoutput delete", err);
}

bool source__decode_truncate(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                             source_change_t *out, am_err_t *err)
{
    if (has_xid)
        (void)am_read_u32(r);
    uint32_t n = am_read_u32(r);
    (void)am_read_u8(r); /* options: CASCADE / RESTART IDENTITY change nothing downstream */
    if (r->failed || (uint64_t)n * 4 != am_reader_left(r))
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput truncate: bad relation count %u for %zu bytes", n,
                          am_reader_left(r));
    uint32_t *relids = am_arena_alloc(dec->arena, (n ? n : 1) * sizeof *relids);
    for (uint32_t i = 0; i < n; i++)
        relids[i] = am_read_u32(r);
    out->kind = SOURCE_MSG_TRUNCATE;
    out->truncate_relids = relids;
    out->n_truncate = n;
    return am_reader_done(r, "pgoutput truncate", err);
}
