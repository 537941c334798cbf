/*
 * source/pgoutput_stream.c: streaming of large in-progress transactions (protocol 2+,
 * START_REPLICATION ... streaming 'on'). Changes inside Stream Start ... Stream Stop blocks wait
 * in a spool per top-level xid; Stream Commit hands them out as Begin, the changes, Commit
 * (source_decoder_next), exactly as if the transaction had been sent whole; Stream Abort drops
 * the transaction, or with subxid != xid only that subtransaction (ROLLBACK TO SAVEPOINT).
 * Never touches the socket. Nothing here is ever acknowledged: an uncommitted streamed
 * transaction is re-sent whole after a reconnect, and a new decoder starts empty.
 * Spec: PostgreSQL docs, "Logical Replication Message Formats"; postgres.md §2.
 *   'S'  xid u32 | first_segment u8
 *   'E'  (empty)
 *   'c'  xid u32 | flags u8 | commit_lsn u64 | end_lsn u64 | commit_ts i64
 *   'A'  xid u32 | subxid u32 [| abort_lsn u64 | abort_ts i64 (protocol 4, parallel)]
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <stdlib.h>

#define MSG_FLAG_TRANSACTIONAL 1

static source_spool_t *spool_find(const source_decoder_t *dec, uint32_t xid)
{
    uint64_t v;
    if (!am_map_get(dec->spools, &xid, sizeof xid, &v))
        return NULL;
    return (source_spool_t *)(uintptr_t)v;
}

static void spool_drop(source_decoder_t *dec, uint32_t xid)
{
    source__spool_free(spool_find(dec, xid));
    am_map_del(dec->spools, &xid, sizeof xid);
}

static source_spool_t *spool_get(source_decoder_t *dec, uint32_t xid)
{
    source_spool_t *sp = spool_find(dec, xid);
    if (!sp) {
        sp = source__spool_new(dec->spill_bytes);
        am_map_put(dec->spools, &xid, sizeof xid, (uint64_t)(uintptr_t)sp);
    }
    return sp;
}

static bool free_spool_entry(const void *key, size_t key_len, uint64_t value, void *ud)
{
    (void)key;
    (void)key_len;
    (void)ud;
    source__spool_free((source_spool_t *)(uintptr_t)value);
    return true;
}

void source__stream_reset(source_decoder_t *dec)
{
    am_map_foreach(dec->spools, free_spool_entry, NULL);
    am_map_clear(dec->spools);
    source__spool_free(dec->replay);
    dec->replay = NULL;
    dec->in_block = false;
}

bool source__stream_start_msg(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                              am_err_t *err)
{
    uint32_t xid = am_read_u32(r);
    uint8_t first = am_read_u8(r);
    if (!am_reader_done(r, "pgoutput stream start", err))
        return false;
    if (dec->in_block)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput stream start: xid %u inside the open block of xid %u", xid,
                          dec->block_xid);
    /* a first segment for an xid we hold means an earlier attempt died unfinished */
    if (first)
        spool_drop(dec, xid);
    (void)spool_get(dec, xid);
    dec->in_block = true;
    dec->block_xid = xid;
    out->kind = SOURCE_MSG_OTHER;
    return true;
}

bool source__stream_stop_msg(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                             am_err_t *err)
{
    if (!am_reader_done(r, "pgoutput stream stop", err))
        return false;
    if (!dec->in_block)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput stream stop: no stream block is open");
    dec->in_block = false;
    out->kind = SOURCE_MSG_OTHER;
    return true;
}

bool source__stream_spool_msg(source_decoder_t *dec, const uint8_t *msg, size_t len,
                              source_change_t *out, am_err_t *err)
{
    am_reader_t r = am_reader_init(msg + 1, len - 1);
    uint32_t subxid = am_read_u32(&r);
    uint8_t msg_flags = am_read_u8(&r);
    if (r.failed)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput streamed message 0x%02x: truncated (%zu bytes)", msg[0], len);
    /* a non-transactional logical message is not part of the transaction */
    if (msg[0] == 'M' && !(msg_flags & MSG_FLAG_TRANSACTIONAL)) {
        am_reader_t whole = am_reader_init(msg + 1, len - 1);
        return source__decode_dispatch(dec, msg[0], &whole, true, out, err);
    }
    if (!source__spool_append(spool_get(dec, dec->block_xid), subxid, msg, len, err)) {
        am_err_prefix(err, "xid %u", dec->block_xid);
        return false;
    }
    out->kind = SOURCE_MSG_OTHER;
    return true;
}

bool source__stream_commit_msg(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                               am_err_t *err)
{
    uint32_t xid = am_read_u32(r);
    (void)am_read_u8(r); /* flags: always 0 */
    am_lsn_t commit_lsn = am_read_u64(r);
    am_lsn_t end_lsn = am_read_u64(r);
    int64_t ts = am_read_i64(r), unix_ts;
    if (!am_reader_done(r, "pgoutput stream commit", err))
        return false;
    if (dec->in_block || !source__pg_ts_to_unix(ts, &unix_ts))
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "pgoutput stream commit: xid %u inside a stream block or bad time %lld",
                          xid, (long long)ts);
    source_spool_t *sp = spool_get(dec, xid);
    am_map_del(dec->spools, &xid, sizeof xid);
    if (!source__spool_rewind(sp, err)) {
        source__spool_free(sp);
        return false;
    }
    dec->replay = sp;
    dec->replay_commit = (source_change_t){.kind = SOURCE_MSG_COMMIT,
                                           .commit_lsn = commit_lsn,
                                           .end_lsn = end_lsn,
                                           .commit_ts_us = unix_ts,
                                           .xid = xid};
    *out = (source_change_t){
        .kind = SOURCE_MSG_BEGIN, .final_lsn = commit_lsn, .commit_ts_us = unix_ts, .xid = xid};
    dec->in_txn = true;
    return true;
}

bool source__stream_abort_msg(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                              am_err_t *err)
{
    uint32_t xid = am_read_u32(r);
    uint32_t subxid = am_read_u32(r);
    if (am_reader_left(r) == 16) { /* abort_lsn and abort_ts of parallel streaming */
        (void)am_read_u64(r);
        (void)am_read_i64(r);
    }
    if (!am_reader_done(r, "pgoutput stream abort", err))
        return false;
    out->kind = SOURCE_MSG_OTHER;
    source_spool_t *sp = spool_find(dec, xid);
    if (!sp)
        return true;
    if (subxid == xid) {
        spool_drop(dec, xid);
        return true;
    }
    return source__spool_abort_sub(sp, subxid, err);
}

bool source_decoder_pending(const source_decoder_t *dec)
{
    return dec->replay != NULL;
}

static void replay_end(source_decoder_t *dec)
{
    source__spool_free(dec->replay);
    dec->replay = NULL;
    dec->in_txn = false;
}

bool source_decoder_next(source_decoder_t *dec, source_change_t *out, am_err_t *err)
{
    AM_ASSERT(dec->replay != NULL);
    *out = (source_change_t){.kind = SOURCE_MSG_NONE};
    am_arena_reset(dec->arena);
    const uint8_t *msg = NULL;
    size_t len = 0;
    bool got = false;
    if (!source__spool_read(dec->replay, &msg, &len, &got, err)) {
        replay_end(dec);
        return false;
    }
    if (!got) {
        *out = dec->replay_commit;
        replay_end(dec);
        return true;
    }
    /* only messages that passed is_streamed_kind (so at least type + xid) were spooled */
    am_reader_t r = am_reader_init(msg + 1, len - 1);
    if (!source__decode_dispatch(dec, msg[0], &r, true, out, err)) {
        am_err_prefix(err, "streamed transaction %u", dec->replay_commit.xid);
        source__err_one_line(err);
        replay_end(dec);
        return false;
    }
    return true;
}
