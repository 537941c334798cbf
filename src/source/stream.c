/*
 * source/stream.c: the replication stream: START_REPLICATION, reading CopyData without
 * blocking past the caller's timeout, handing XLogData payloads to the decoder, answering
 * keepalives, and standby status updates reporting what the caller made durable.
 * Must not: interpret pgoutput bytes (pgoutput*.c does) or decide durability (the caller's
 * source_ack does). Status updates also go out from feedback.c's thread: every libpq call on
 * the connection here holds repl_lock. Acknowledgement rules (postgres.md §1.4-1.5): flush = the
 * caller's acked LSN, or when idle the latest keepalive walEnd; never lower than what was sent
 * before. Spec: PostgreSQL docs, "Streaming Replication Protocol"; postgres.md §1.3-1.5. S->C 'w'
 * dataStart u64 | walEnd u64 | sendTime i64 | pgoutput message S->C 'k' walEnd u64 | sendTime i64 |
 * replyRequested u8 C->S 'r' write u64 | flush u64 | apply u64 | clientTime i64 | replyRequested u8
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define XLOGDATA_HEADER 25 /* 'w' + three 64-bit fields */

static int proto_version(int server_version)
{
    if (server_version >= 160000)
        return 4;
    if (server_version >= 150000)
        return 3;
    if (server_version >= 140000)
        return 2;
    return 1;
}

/* Binary tuples carry every published column as its send function's bytes: only when each
 * column's type is one the initial copy decodes from binary (source_copybin_native), judged
 * from the catalog now. A relation the stream describes otherwise (an older row version in the
 * WAL, a later ALTER) is refused by the decoder, and the caller starts again in text. */
static bool binary_possible(source_t *src)
{
    if (!src->opts.binary || PQserverVersion(src->repl) < 140000)
        return false;
    char ins[80];
    source__ins_publication(src->opts.publication, ins, sizeof ins);
    const char *params[2] = {src->opts.publication, ins};
    am_err_t err = {0};
    PGresult *res = source__exec(
        src->sql,
        "SELECT DISTINCT a.atttypid, a.atttypmod FROM pg_catalog.pg_publication_tables p "
        "JOIN pg_catalog.pg_namespace n ON n.nspname = p.schemaname "
        "JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
        "WHERE p.pubname IN ($1, $2) AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.attgenerated = ''",
        2, params, PGRES_TUPLES_OK, &err);
    if (!res) { /* text is always right: the stream starts anyway */
        am_log_warn("source", "could not read the published columns' types: text tuples",
                    AM_KV_ERR(&err));
        return false;
    }
    bool ok = true;
    for (int i = 0; ok && i < PQntuples(res); i++) {
        source_column_t col = {.name = "?"};
        col.type_oid = (uint32_t)strtoul(PQgetvalue(res, i, 0), NULL, 10);
        col.typmod = (int32_t)strtol(PQgetvalue(res, i, 1), NULL, 10);
        col.type = source_type_map(col.type_oid, col.typmod);
        ok = source_copybin_native(&col);
    }
    PQclear(res);
    return ok;
}

static void build_start(const source_t *src, am_lsn_t start_lsn, int proto, bool binary,
                        am_buf_t *sql)
{
    am_buf_puts(sql, "START_REPLICATION SLOT ");
    am_sql_ident(sql, src->opts.slot);
    am_buf_printf(sql, " LOGICAL " AM_LSN_FMT " (proto_version '%d', publication_names ",
                  AM_LSN_ARGS(start_lsn), proto);
    /* a list of identifiers inside one string literal */
    am_buf_t names;
    am_buf_init(&names);
    am_sql_ident(&names, src->opts.publication);
    if (src->has_ins_pub) {
        char ins[80];
        source__ins_publication(src->opts.publication, ins, sizeof ins);
        am_buf_putc(&names, ',');
        am_sql_ident(&names, ins);
    }
    am_sql_literal(sql, names.data);
    am_buf_destroy(&names);
    /* big transactions arrive while in progress and wait in the decoder's spools */
    if (proto >= 2)
        am_buf_puts(sql, ", streaming 'on'");
    if (binary)
        am_buf_puts(sql, ", binary 'true'");
    am_buf_putc(sql, ')');
}

/* Relation messages carry type OIDs only: the SQL connection (idle while streaming, on this
 * thread) says what they are. */
static bool resolve_types(void *ud, source_relation_t *rel, am_err_t *err)
{
    source_t *src = ud;
    return source__types_resolve(src->sql, rel, err);
}

bool source_stream_start(source_t *src, am_lsn_t start_lsn, am_err_t *err)
{
    if (src->streaming)
        return am_err_set(err, "55000", "replication slot \"%s\": already streaming",
                          src->opts.slot);
    int proto = proto_version(PQserverVersion(src->repl));
    bool binary = binary_possible(src);
    am_buf_t sql;
    am_buf_init(&sql);
    build_start(src, start_lsn, proto, binary, &sql);
    PGresult *res = source__exec(src->repl, sql.data, 0, NULL, PGRES_COPY_BOTH, err);
    am_buf_destroy(&sql);
    if (!res) {
        am_err_prefix(err, "start replication from slot \"%s\"", src->opts.slot);
        return false;
    }
    PQclear(res);
    source_decoder_free(src->dec);
    src->dec = source_decoder_new();
    source__decoder_set_resolver(src->dec, resolve_types, src);
    source_decoder_set_binary(src->dec, binary);
    if (src->opts.spill_bytes)
        source_decoder_set_spill_bytes(src->dec, src->opts.spill_bytes);
    src->streaming = true;
    src->stream_ins_pub = src->has_ins_pub;
    if (start_lsn > src->acked)
        src->acked = start_lsn; /* everything before it is durable downstream */
    src->last_feedback_us = am_mono_us();
    atomic_store(&src->report, src->acked);
    source__feedback_start(src);
    char lsn[32];
    am_log_info("source", "replication started", AM_KV_STR("slot", src->opts.slot),
                AM_KV_STR("start_lsn", am_lsn_format(start_lsn, lsn, sizeof lsn)),
                AM_KV_I64("proto_version", proto), AM_KV_STR("tuples", binary ? "binary" : "text"));
    return true;
}

static am_lsn_t report_lsn(const source_t *src)
{
    am_lsn_t lsn = src->acked;
    if (src->idle && !source_decoder_busy(src->dec) && src->ka_wal_end > lsn)
        lsn = src->ka_wal_end;
    am_lsn_t before = atomic_load_explicit(&src->flushed, memory_order_relaxed);
    return lsn > before ? lsn : before;
}

/* What the feedback thread may report from now on (owner thread only). */
static void publish_report(source_t *src)
{
    atomic_store(&src->report, report_lsn(src));
}

bool source_send_feedback(source_t *src, am_err_t *err)
{
    if (!src->streaming)
        return true;
    am_lsn_t lsn = report_lsn(src);
    pthread_mutex_lock(&src->repl_lock);
    bool ok = source__status_send(src, lsn, err);
    pthread_mutex_unlock(&src->repl_lock);
    return ok;
}

void source_ack(source_t *src, am_lsn_t lsn, bool idle)
{
    if (lsn > src->acked)
        src->acked = lsn;
    src->idle = idle;
    publish_report(src);
}

const source_relation_t *source_relation_find(const source_t *src, uint32_t relid)
{
    return src->dec ? source_decoder_relation(src->dec, relid) : NULL;
}

bool source_stream_stale(const source_t *src)
{
    return src->streaming && src->has_ins_pub && !src->stream_ins_pub;
}

am_lsn_t source_idle_lsn(const source_t *src)
{
    if (!src->streaming || !src->dec || source_decoder_busy(src->dec))
        return 0;
    return src->ka_wal_end;
}

am_lsn_t source_wal_end(const source_t *src)
{
    return atomic_load_explicit(&src->wal_end, memory_order_relaxed);
}

am_lsn_t source_received_lsn(const source_t *src)
{
    return atomic_load_explicit(&src->rcv_lsn, memory_order_relaxed);
}

am_lsn_t source_flushed_lsn(const source_t *src)
{
    return atomic_load_explicit(&src->flushed, memory_order_relaxed);
}

static void note_wal_end(source_t *src, am_lsn_t lsn)
{
    if (lsn > atomic_load_explicit(&src->wal_end, memory_order_relaxed))
        atomic_store_explicit(&src->wal_end, lsn, memory_order_relaxed);
}

/* Only real changes reach the caller; any of them ends the caller's idle claim. */
static void deliver(source_t *src, const source_change_t *out, bool *got)
{
    *got = out->kind != SOURCE_MSG_NONE && out->kind != SOURCE_MSG_OTHER;
    if (*got && src->idle) {
        src->idle = false;
        publish_report(src);
    }
}

static bool handle_keepalive(source_t *src, am_reader_t *r, am_err_t *err)
{
    am_lsn_t wal_end = am_read_u64(r);
    (void)am_read_i64(r);
    uint8_t reply = am_read_u8(r);
    if (!am_reader_done(r, "keepalive", err))
        return false;
    if (wal_end > src->ka_wal_end)
        src->ka_wal_end = wal_end;
    note_wal_end(src, wal_end);
    publish_report(src);
    return reply ? source_send_feedback(src, err) : true;
}

static bool handle_copy_data(source_t *src, const uint8_t *buf, size_t n, source_change_t *out,
                             bool *got, am_err_t *err)
{
    am_reader_t r = am_reader_init(buf + 1, n - 1);
    if (buf[0] == 'k')
        return handle_keepalive(src, &r, err);
    if (buf[0] != 'w' || n < XLOGDATA_HEADER)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "replication stream: unexpected message 0x%02x (%zu bytes)", buf[0], n);
    am_lsn_t start = am_read_u64(&r);
    if (start > atomic_load_explicit(&src->rcv_lsn, memory_order_relaxed))
        atomic_store_explicit(&src->rcv_lsn, start, memory_order_relaxed);
    note_wal_end(src, am_read_u64(&r));
    if (!source_decoder_decode(src->dec, buf + XLOGDATA_HEADER, n - XLOGDATA_HEADER, out, err))
        return false;
    deliver(src, out, got);
    return true;
}

/* The server ended the stream: report its error as class 08 (the stream is gone). */
static bool stream_ended(source_t *src, am_err_t *err)
{
    pthread_mutex_lock(&src->repl_lock);
    src->streaming = false;
    PGresult *res = PQgetResult(src->repl);
    am_err_t pg = {0};
    if (PQresultStatus(res) == PGRES_FATAL_ERROR || PQstatus(src->repl) == CONNECTION_BAD)
        source__pg_err(&pg, src->repl, res, "replication stream");
    else /* CopyDone without an error: the walsender is shutting down */
        am_err_set(&pg, AM_SQLSTATE_CONNECTION_FAILURE, "the server ended the replication stream");
    pthread_mutex_unlock(&src->repl_lock);
    /* no draining: after a server CopyDone libpq answers COPY_IN forever; the caller closes */
    PQclear(res);
    return am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE, "%s (SQLSTATE %s)", pg.msg, pg.sqlstate);
}

static bool wait_input(source_t *src, int64_t wait_us, am_err_t *err)
{
    pthread_mutex_lock(&src->repl_lock);
    struct pollfd pfd = {.fd = PQsocket(src->repl), .events = POLLIN};
    bool ok = pfd.fd >= 0 || source__pg_err(err, src->repl, NULL, "replication stream");
    pthread_mutex_unlock(&src->repl_lock);
    if (!ok)
        return false;
    int ms = (int)((wait_us + 999) / 1000);
    if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
        return am_err_errno(err, errno, "replication stream: poll");
    pthread_mutex_lock(&src->repl_lock);
    if (!PQconsumeInput(src->repl)) {
        src->streaming = false;
        ok = source__pg_err(err, src->repl, NULL, "replication stream");
    }
    pthread_mutex_unlock(&src->repl_lock);
    return ok;
}

/* One step: a replayed change, a received message, or a wait for input (at least one
 * non-blocking read per call, even with a zero timeout). *done when the call ends. */
static bool next_step(source_t *src, int64_t deadline_us, bool *waited, source_change_t *out,
                      bool *got, bool *done, am_err_t *err)
{
    if (source_decoder_pending(src->dec)) {
        if (!source_decoder_next(src->dec, out, err))
            return false;
        deliver(src, out, got);
        *done = *got;
        return true;
    }
    char *buf = NULL;
    pthread_mutex_lock(&src->repl_lock);
    int n = PQgetCopyData(src->repl, &buf, 1);
    pthread_mutex_unlock(&src->repl_lock);
    if (n > 0) {
        src->copy_buf = buf; /* *out points into it until the next call */
        if (!handle_copy_data(src, (const uint8_t *)buf, (size_t)n, out, got, err))
            return false;
        *done = *got;
        return true;
    }
    if (n == -1)
        return stream_ended(src, err);
    if (n < 0) {
        src->streaming = false;
        pthread_mutex_lock(&src->repl_lock);
        source__pg_err(err, src->repl, NULL, "replication stream");
        pthread_mutex_unlock(&src->repl_lock);
        return false;
    }
    int64_t now = am_mono_us();
    int64_t feedback_due = src->last_feedback_us + src->feedback_interval_us;
    if (now >= deadline_us && *waited) {
        *done = true;
        return true;
    }
    *waited = true;
    int64_t until = deadline_us < feedback_due ? deadline_us : feedback_due;
    return wait_input(src, until > now ? until - now : 0, err);
}

bool source_next(source_t *src, int timeout_ms, source_change_t *out, bool *got, am_err_t *err)
{
    *got = false;
    *out = (source_change_t){.kind = SOURCE_MSG_NONE};
    if (!src->streaming)
        return am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE,
                          "replication slot \"%s\": not streaming", src->opts.slot);
    int64_t deadline = am_mono_us() + (int64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000;
    bool waited = false;
    for (bool done = false; !done;) {
        if (src->copy_buf) {
            PQfreemem(src->copy_buf);
            src->copy_buf = NULL;
        }
        /* even a busy stream reports progress, or the server times the connection out */
        if (am_mono_us() - src->last_feedback_us >= src->feedback_interval_us &&
            !source_send_feedback(src, err))
            return false;
        if (!next_step(src, deadline, &waited, out, got, &done, err))
            return false;
    }
    return true;
}

bool source_stream_binary_refused(const source_t *src)
{
    return src->dec && source_decoder_binary_refused(src->dec);
}

bool source_stream_is_binary(const source_t *src)
{
    return src->streaming && src->dec && src->dec->binary;
}
