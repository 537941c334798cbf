/*
 * mirror/stream.c: deciding where to start, the streaming loop and the flush. A flush happens
 * only between transactions: every table with changes commits its batch (each snapshot records
 * the LSN), then the watermark names all of them, then PostgreSQL hears the LSN as flushed.
 * Replaying after a crash skips, per table, transactions its last snapshot already holds, so
 * nothing is applied twice even when a crash fell between two tables' commits.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

static bool resume_tables(mirror_t *m, const lake_watermark_t *wm, am_err_t *err)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = &m->tables[i];
        const lake_watermark_table_t *listed = NULL;
        for (size_t j = 0; j < wm->n_tables && !listed; j++)
            if (strcmp(wm->tables[j].schema, t->schema) == 0 &&
                strcmp(wm->tables[j].name, t->name) == 0)
                listed = &wm->tables[j];
        if (!listed)
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "table %s.%s was added to the configuration after the initial "
                              "copy; adding tables to a running mirror is not supported yet: "
                              "drop the replication slot to copy every table again",
                              t->schema, t->name);
        t->wm_snapshot_id = listed->snapshot_id;
        if (!mirror__table_resume(t, m->lake, m->src, err))
            return false;
    }
    return true;
}

static bool start(mirror_t *m, am_err_t *err)
{
    lake_watermark_t wm = {0};
    bool found = false, slot = false;
    if (!lake_watermark_read(m->warehouse, &wm, &found, err) ||
        !source_slot_exists(m->src, &slot, err))
        return false;
    bool ok;
    if (found && slot) {
        m->watermark_lsn = wm.lsn;
        m->catalog_name = wm.catalog;
        wm.catalog = NULL;
        /* the catalog may have changed while the mirror was down */
        ok = resume_tables(m, &wm, err) && mirror__catalog_refresh(m, err);
    } else {
        if (found)
            am_log_warn("mirror",
                        "replication slot is gone: the WAL since the watermark is "
                        "lost, copying every table again",
                        AM_KV_STR("slot", m->opts.source.slot));
        ok = !slot || source_slot_drop(m->src, err);
        for (size_t i = 0; ok && i < m->n_tables; i++)
            ok = lake_table_drop(m->lake, m->tables[i].schema, m->tables[i].name, err);
        ok = ok && mirror__initial_copy(m, err);
    }
    lake_watermark_destroy(&wm);
    if (!ok)
        return false;
    char lsn[24];
    am_log_info("mirror", "streaming",
                AM_KV_STR("from", am_lsn_format(m->watermark_lsn, lsn, sizeof lsn)));
    mirror__set_phase(m, MIRROR_STREAMING);
    return source_stream_start(m->src, m->watermark_lsn, err);
}

static bool flush(mirror_t *m, am_err_t *err)
{
    int64_t start = am_mono_us();
    am_lsn_t lsn = m->pending_lsn;
    for (size_t i = 0; i < m->n_tables; i++) {
        if (!mirror__table_commit(&m->tables[i], lsn, err))
            return false;
    }
    if (!mirror__write_watermark(m, lsn, err))
        return false;
    source_ack(m->src, lsn, false);
    if (!source_send_feedback(m->src, err))
        return false;
    char lsn_s[24];
    am_log_debug("mirror", "flushed", AM_KV_STR("lsn", am_lsn_format(lsn, lsn_s, sizeof lsn_s)),
                 AM_KV_I64("rows", m->pending_rows), AM_KV_I64("us", am_mono_us() - start));
    health_metric_add(m->metrics.flushes, 1);
    health_metric_add(m->metrics.flush_seconds, (double)(am_mono_us() - start) / 1e6);
    m->pending_lsn = 0;
    m->pending_rows = 0;
    m->pending_since_us = 0;
    return true;
}

/* The table a row change belongs to, or NULL when this transaction is already in its lake. */
static mirror_table_t *target(mirror_t *m, const source_change_t *ch)
{
    mirror_table_t *t = mirror__table_by_relid(m, ch->rel->relid);
    if (!t || m->txn_final_lsn < t->lake_lsn)
        return NULL;
    return t;
}

static bool on_row_change(mirror_t *m, const source_change_t *ch, am_err_t *err)
{
    mirror_table_t *t = target(m, ch);
    if (!t)
        return true;
    bool ok;
    if (ch->kind == SOURCE_MSG_INSERT) {
        ok = mirror__table_insert(t, ch->new_vals, true, err);
        health_metric_add(m->metrics.rows_insert, 1);
    } else if (ch->kind == SOURCE_MSG_UPDATE) {
        ok = mirror__table_update(t, ch->old_vals, ch->new_vals, err);
        health_metric_add(m->metrics.rows_update, 1);
    } else {
        ok = mirror__table_delete(t, ch->old_vals, err);
        health_metric_add(m->metrics.rows_delete, 1);
    }
    m->pending_rows++;
    return ok;
}

static bool on_relation(mirror_t *m, const source_change_t *ch, am_err_t *err)
{
    mirror_table_t *t = mirror__table_find(m, ch->rel->schema, ch->rel->name);
    if (!t || !t->lt)
        return true; /* not ours: the publication may hold more than we mirror */
    return mirror__table_bind_relation(t, ch->rel, err);
}

static void on_truncate(mirror_t *m, const source_change_t *ch)
{
    for (size_t i = 0; i < ch->n_truncate; i++) {
        mirror_table_t *t = mirror__table_by_relid(m, ch->truncate_relids[i]);
        if (!t || m->txn_final_lsn < t->lake_lsn)
            continue;
        mirror__table_truncate(t);
        health_metric_add(m->metrics.truncates, 1);
        m->pending_rows++;
    }
}

static bool dispatch(mirror_t *m, const source_change_t *ch, am_err_t *err)
{
    switch (ch->kind) {
    case SOURCE_MSG_BEGIN:
        m->in_txn = true;
        m->txn_final_lsn = ch->final_lsn;
        return true;
    case SOURCE_MSG_COMMIT:
        m->in_txn = false;
        m->pending_lsn = ch->end_lsn;
        if (!m->pending_since_us)
            m->pending_since_us = am_mono_us();
        health_metric_add(m->metrics.transactions, 1);
        return true;
    case SOURCE_MSG_RELATION:
        return on_relation(m, ch, err);
    case SOURCE_MSG_INSERT:
    case SOURCE_MSG_UPDATE:
    case SOURCE_MSG_DELETE:
        return on_row_change(m, ch, err);
    case SOURCE_MSG_TRUNCATE:
        on_truncate(m, ch);
        return true;
    default:
        return true;
    }
}

static bool flush_due(const mirror_t *m)
{
    if (!m->pending_lsn || m->in_txn)
        return false;
    return m->pending_rows >= m->opts.flush_max_rows ||
           am_mono_us() - m->pending_since_us >= (int64_t)m->opts.flush_interval_ms * 1000;
}

static void report_progress(mirror_t *m)
{
    am_lsn_t wal_end = source_wal_end(m->src);
    double lag = wal_end > m->watermark_lsn ? (double)(wal_end - m->watermark_lsn) : 0;
    health_metric_set(m->metrics.lag_bytes, lag);
    pthread_mutex_lock(&m->status_lock);
    m->status.wal_end = wal_end;
    pthread_mutex_unlock(&m->status_lock);
}

static bool stream_loop(mirror_t *m, atomic_bool *stop, am_err_t *err)
{
    while (!atomic_load(stop)) {
        int timeout = m->pending_lsn ? m->opts.idle_flush_ms : 200;
        source_change_t ch;
        bool got = false;
        if (!source_next(m->src, timeout, &ch, &got, err))
            return false;
        if (!got) {
            report_progress(m);
            if (m->pending_lsn && !m->in_txn && !flush(m, err))
                return false;
            if (!m->pending_lsn && !m->in_txn)
                source_ack(m->src, m->watermark_lsn, true);
            continue;
        }
        if (!dispatch(m, &ch, err))
            return false;
        if (flush_due(m) && !flush(m, err))
            return false;
    }
    return true;
}

static bool retryable(const am_err_t *err)
{
    return strncmp(err->sqlstate, "08", 2) == 0 || strncmp(err->sqlstate, "53", 2) == 0 ||
           strncmp(err->sqlstate, "57", 2) == 0 || strncmp(err->sqlstate, "58", 2) == 0;
}

static bool run_once(mirror_t *m, atomic_bool *stop, am_err_t *err)
{
    mirror__set_phase(m, MIRROR_STARTING);
    m->lake = lake_open(m->warehouse, err);
    if (!m->lake)
        return false;
    m->src = source_open(&m->opts.source, err);
    if (!m->src)
        return false;
    return start(m, err) && stream_loop(m, stop, err);
}

static void sleep_interruptible(atomic_bool *stop, int ms)
{
    for (int waited = 0; waited < ms && !atomic_load(stop); waited += 50)
        am_sleep_ms(50);
}

bool mirror_run(mirror_t *m, atomic_bool *stop, am_err_t *err)
{
    int backoff = BACKOFF_MIN_MS;
    while (!atomic_load(stop)) {
        am_err_t e = {0};
        bool ok = run_once(m, stop, &e);
        mirror__teardown(m);
        if (ok)
            break;
        health_metric_add(m->metrics.errors, 1);
        mirror__set_error(m, &e);
        if (!retryable(&e)) {
            mirror__set_phase(m, MIRROR_FAILED);
            *err = e;
            return false;
        }
        am_log_warn("mirror", "write path failed, restarting from the watermark", AM_KV_ERR(&e),
                    AM_KV_I64("retry_in_ms", backoff));
        mirror__set_phase(m, MIRROR_RECONNECTING);
        sleep_interruptible(stop, backoff);
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
    }
    mirror__set_phase(m, MIRROR_STOPPED);
    return true;
}
