/*
 * source/feedback.c: standby status updates on a timer of their own. The server drops a
 * replication connection it has not heard from for wal_sender_timeout (60 s by default), and
 * the write path may spend longer than that away from source_next: a flush of a large batch,
 * an index rebuild, a table's adoption. A thread per streaming source_t therefore sends a
 * status update whenever none went out for a quarter of that timeout, reporting the LSN the
 * owner last made reportable (acknowledged durable, or the idle walEnd): never one the owner
 * has not declared durable, never lower than one sent before.
 * Threads: the thread only sends; every libpq call on the replication connection, the owner's
 * included, holds repl_lock once the stream has started (never across poll()). The thread
 * stops at feedback_stop, checked every tick, and is joined by source_close.
 * Spec: PostgreSQL docs, "Streaming Replication Protocol" (Standby status update).
 *   C->S 'r' write u64 | flush u64 | apply u64 | clientTime i64 | replyRequested u8
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <stdlib.h>

#define FEEDBACK_MAX_US (5 * INT64_C(1000000))
#define FEEDBACK_MIN_US (100 * INT64_C(1000))
#define FEEDBACK_TICK_MS 50

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)(v & 0xff);
}

bool source__status_send(source_t *src, am_lsn_t lsn, am_err_t *err)
{
    am_lsn_t before = atomic_load_explicit(&src->flushed, memory_order_relaxed);
    if (lsn < before)
        lsn = before;
    uint8_t msg[34];
    msg[0] = 'r';
    put_u64(msg + 1, lsn);  /* written */
    put_u64(msg + 9, lsn);  /* flushed: moves confirmed_flush_lsn */
    put_u64(msg + 17, lsn); /* applied */
    put_u64(msg + 25, (uint64_t)(am_now_us() - AM_PG_EPOCH_OFFSET_US));
    msg[33] = 0;
    if (PQputCopyData(src->repl, (const char *)msg, sizeof msg) != 1 || PQflush(src->repl) != 0)
        return source__pg_err(err, src->repl, NULL, "standby status update");
    atomic_store_explicit(&src->flushed, lsn, memory_order_relaxed);
    atomic_store_explicit(&src->last_feedback_us, am_mono_us(), memory_order_relaxed);
    return true;
}

static void *feedback_main(void *ud)
{
    source_t *src = ud;
    bool warned = false;
    while (!atomic_load(&src->feedback_stop)) {
        am_sleep_ms(FEEDBACK_TICK_MS);
        int64_t last = atomic_load_explicit(&src->last_feedback_us, memory_order_relaxed);
        if (am_mono_us() - last < src->feedback_interval_us)
            continue;
        am_err_t err = {0};
        pthread_mutex_lock(&src->repl_lock);
        bool ok = !atomic_load(&src->streaming) ||
                  source__status_send(src, atomic_load(&src->report), &err);
        pthread_mutex_unlock(&src->repl_lock);
        /* the owner meets the broken connection at its next read and reconnects */
        if (!ok && !warned)
            am_log_warn("source", "standby status update failed", AM_KV_ERR(&err));
        warned = warned || !ok;
    }
    return NULL;
}

/* A quarter of wal_sender_timeout (milliseconds; 0 turns the timeout off), within bounds. */
static int64_t interval_us(source_t *src)
{
    am_err_t err = {0};
    PGresult *res = source__exec(src->sql,
                                 "SELECT setting FROM pg_catalog.pg_settings "
                                 "WHERE name = 'wal_sender_timeout'",
                                 0, NULL, PGRES_TUPLES_OK, &err);
    long long ms = res && PQntuples(res) == 1 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    PQclear(res);
    int64_t us = ms > 0 ? (int64_t)ms * 1000 / 4 : FEEDBACK_MAX_US;
    return us < FEEDBACK_MIN_US ? FEEDBACK_MIN_US : us > FEEDBACK_MAX_US ? FEEDBACK_MAX_US : us;
}

void source__feedback_start(source_t *src)
{
    if (src->feedback_running)
        return;
    src->feedback_interval_us = interval_us(src);
    atomic_store(&src->feedback_stop, false);
    if (pthread_create(&src->feedback_thread, NULL, feedback_main, src) != 0) {
        /* source_next still reports on its own: only long absences go unreported */
        am_log_warn("source", "could not start the standby status thread");
        return;
    }
    src->feedback_running = true;
}

void source__feedback_stop(source_t *src)
{
    if (!src->feedback_running)
        return;
    atomic_store(&src->feedback_stop, true);
    pthread_join(src->feedback_thread, NULL);
    src->feedback_running = false;
}
