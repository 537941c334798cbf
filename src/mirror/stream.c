/*
 * mirror/stream.c: the streaming loop and the flush. A flush happens only between
 * transactions: every table with changes commits its batch (each snapshot records the LSN),
 * then the watermark names, per table, its newest snapshot when the served catalog describes
 * it and its last served one otherwise, then PostgreSQL hears the LSN as flushed. Replaying
 * after a crash skips, per table, transactions its last snapshot already holds, so nothing is
 * applied twice even when a crash fell between two tables' commits.
 * Changes are bound by relation id: a change for a relation the mirror has no record of is an
 * error, never skipped. Between transactions the timer compares the catalog (tables.c) and
 * what the stream has passed is resolved; when idle, the watermark follows the server's
 * walEnd, so the slot never confirms more than the lake holds.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDLE_WATERMARK_US (INT64_C(10) * 1000 * 1000)

/* ---- the watermark ---------------------------------------------------------------------- */

/* What the watermark says of t: its served version (newest when the written one is what the
 * served catalog describes), or, gone, where it was. */
static void served_entry(mirror_t *m, mirror_table_t *t, am_lsn_t lsn, lake_watermark_table_t *e,
                         char **fp_text)
{
    /* a table that holds commits past lsn (a crash between its commit and the watermark) is
     * served as before until the stream catches up with it */
    bool current = !m->recopy_all && t->lt && t->state != MIRROR_T_COPY &&
                   t->write_fp == t->served_fp && lake_table_snapshot_id(t->lt) >= 0 &&
                   lake_table_lsn(t->lt) <= lsn;
    if (current) {
        if (t->served_snapshot != lake_table_snapshot_id(t->lt))
            t->visible_unix_us = am_now_us();
        t->served_snapshot = lake_table_snapshot_id(t->lt);
        free(t->served_schema);
        free(t->served_name);
        t->served_schema = am_xstrdup(t->schema);
        t->served_name = am_xstrdup(t->name);
    }
    if (t->lt) /* a newer written version waits for the catalog: expiry keeps the served one */
        lake_table_protect(t->lt, current ? -1 : t->served_snapshot);
    *fp_text = mirror__fp_text(t->served_fp);
    *e = (lake_watermark_table_t){
        .schema = t->served_schema ? t->served_schema : t->schema,
        .name = t->served_name ? t->served_name : t->name,
        .snapshot_id = t->served_snapshot,
        .location = t->location,
        .relid = t->relid,
        .fp = *fp_text,
        .state = t->state == MIRROR_T_COPY ? "recopy" : NULL,
        .index = t->state == MIRROR_T_COPY || m->ckpt_deferred ? NULL : t->index_file,
        .publication = t->pub_members};
}

static bool served(const mirror_table_t *t)
{
    if (t->state == MIRROR_T_DROPPED || t->state == MIRROR_T_REFUSED || !t->location)
        return false;
    return t->served_snapshot >= 0 || (t->served_fp && t->served_fp == t->write_fp && t->lt);
}

bool mirror__write_watermark(mirror_t *m, am_lsn_t lsn, am_err_t *err)
{
    if (!m->ckpt_deferred)
        mirror__checkpoints_write(m, false);
    lake_watermark_t wm = {.lsn = lsn,
                           .written_at_ms = am_now_us() / 1000,
                           .catalog = m->catalog_name,
                           .slot = m->slot_name,
                           .slot_lsn = m->slot_lsn,
                           .publications = m->pub_rows,
                           .recopy = m->recopy_all};
    wm.tables = am_xcalloc(m->n_tables + 1, sizeof *wm.tables);
    wm.gone = am_xcalloc(m->n_tables + 1, sizeof *wm.gone);
    char **fps = am_xcalloc(m->n_tables + 1, sizeof *fps);
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        if (served(t)) {
            served_entry(m, t, lsn, &wm.tables[wm.n_tables++], &fps[i]);
        } else if (t->state == MIRROR_T_DROPPED && t->location && t->relid) {
            wm.gone[wm.n_gone++] = (lake_watermark_table_t){.schema = t->schema,
                                                            .name = t->name,
                                                            .snapshot_id = -1,
                                                            .location = t->location,
                                                            .relid = t->relid,
                                                            .state = t->reason};
        }
    }
    bool ok = lake_watermark_write(m->lake, &wm, err);
    if (ok)
        mirror__checkpoints_after_watermark(m);
    for (size_t i = 0; i < m->n_tables; i++)
        free(fps[i]);
    free(fps);
    free(wm.tables); /* strings are borrowed */
    free(wm.gone);
    if (!ok)
        return false;
    m->watermark_lsn = lsn;
    m->watermark_at_us = am_mono_us();
    pthread_mutex_lock(&m->status_lock);
    m->status.committed_lsn = lsn;
    m->status.last_flush_unix_us = am_now_us();
    pthread_mutex_unlock(&m->status_lock);
    health_metric_set(m->metrics.committed_lsn, (double)lsn);
    mirror__tables_after_watermark(m);
    mirror__tables_publish_status(m);
    if (m->opts.on_watermark)
        m->opts.on_watermark(m->opts.on_watermark_ud, lsn);
    mirror__progress_visible(m, lsn);
    return true;
}

/* ---- the flush ---------------------------------------------------------------------------- */

static bool acknowledge(mirror_t *m, am_lsn_t lsn, am_err_t *err)
{
    source_ack(m->src, lsn, false);
    return source_send_feedback(m->src, err);
}

#define TRIM_AFTER_ROWS 100000

bool mirror__flush(mirror_t *m, am_err_t *err)
{
    int64_t start = am_mono_us();
    am_lsn_t lsn = m->pending_lsn;
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        if (t->state != MIRROR_T_ACTIVE && t->state != MIRROR_T_DROPPING)
            continue;
        bool timed = t->lt && t->batch;
        int64_t t0 = am_mono_us();
        if (!mirror__table_commit(t, lsn, err))
            return false;
        if (timed)
            health_histogram_observe(m->metrics.commit_duration, (double)(am_mono_us() - t0) / 1e6);
    }
    if (!mirror__write_watermark(m, lsn, err) || !acknowledge(m, lsn, err))
        return false;
    /* every batch is committed and visible: a finished compaction goes in now, after the
     * watermark rather than before it, so that readers do not wait for its commit; a second
     * watermark at the same LSN names it (as idle() does; a crash between the two leaves the
     * table one replace snapshot past its watermark, which a start takes as it is) */
    bool compacted = false;
    if (!mirror__maint_step(m, &compacted, err) ||
        (compacted && !mirror__write_watermark(m, lsn, err)))
        return false;
    char lsn_s[24];
    am_log_debug("mirror", "flushed", AM_KV_STR("lsn", am_lsn_format(lsn, lsn_s, sizeof lsn_s)),
                 AM_KV_I64("rows", m->pending_rows), AM_KV_I64("us", am_mono_us() - start));
    health_metric_add(m->metrics.flushes, 1);
    health_metric_add(m->metrics.flush_seconds, (double)(am_mono_us() - start) / 1e6);
    health_histogram_observe(m->metrics.flush_duration, (double)(am_mono_us() - start) / 1e6);
    /* a big batch freed its buffers: hand the pages back so the next one starts from the
     * budget, not from what the last one left behind */
    if (m->pending_rows >= TRIM_AFTER_ROWS)
        lake_release_memory();
    m->pending_lsn = 0;
    m->pending_rows = 0;
    m->pending_since_us = 0;
    return true;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

/* The table a row change belongs to and may be applied to, or NULL to skip it. A relation
 * the mirror has no record of is an error. */
static bool target(mirror_t *m, const source_change_t *ch, mirror_table_t **out, am_err_t *err)
{
    *out = NULL;
    uint32_t relid = ch->rel->relid;
    mirror_table_t *t = mirror__table_by_relid(m, relid);
    if (!t) {
        if (mirror__relid_ignored(m, relid))
            return true;
        return am_err_set(err, AM_SQLSTATE_INTERNAL,
                          "a change for relation %u (%s.%s), which the mirror has no record of",
                          relid, ch->rel->schema, ch->rel->name);
    }
    bool changed = false;
    if (t->state == MIRROR_T_COPY && !mirror__copy_poll(m, t, &changed, err))
        return false;
    if (t->state == MIRROR_T_COPY) {
        mirror__copy_skipped(t, m->txn_final_lsn);
        return true;
    }
    if ((t->state != MIRROR_T_ACTIVE && t->state != MIRROR_T_DROPPING) ||
        m->txn_final_lsn < t->lake_lsn)
        return true;
    /* the first change since a relation changed or the table was (re)opened binds it */
    if (t->bound != ch->rel && !mirror__table_evaluate(m, t, ch->rel, err))
        return false;
    if (t->state == MIRROR_T_COPY) { /* the evaluation started a copy */
        mirror__copy_skipped(t, m->txn_final_lsn);
        return true;
    }
    if (t->state == MIRROR_T_REFUSED) /* it became UNLOGGED */
        return true;
    *out = t;
    return true;
}

static bool on_row_change(mirror_t *m, const source_change_t *ch, am_err_t *err)
{
    mirror_table_t *t = NULL;
    if (!target(m, ch, &t, err))
        return false;
    if (!t)
        return true;
    t->txn_touched = true;
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
    mirror_table_t *t = mirror__table_by_relid(m, ch->rel->relid);
    if (!t)
        return mirror__relation_unknown(m, ch->rel, err);
    if (t->state != MIRROR_T_ACTIVE && t->state != MIRROR_T_DROPPING)
        return true; /* a copy binds its own; a dropped or refused table has none */
    if (m->txn_final_lsn < t->lake_lsn) {
        /* a transaction replayed after a restart that the table holds already: its relation
         * may be older than the table's schema; the first change applied binds anew */
        t->bound = NULL;
        return true;
    }
    return mirror__table_evaluate(m, t, ch->rel, err);
}

static void note_truncate(mirror_table_t *t, uint32_t xid)
{
    t->trunc_xids = am_xrealloc(t->trunc_xids, (t->n_trunc_xids + 1) * sizeof *t->trunc_xids);
    t->trunc_xids[t->n_trunc_xids++] = xid;
}

static bool on_truncate(mirror_t *m, const source_change_t *ch, am_err_t *err)
{
    for (size_t i = 0; i < ch->n_truncate; i++) {
        source_change_t one = *ch;
        const source_relation_t *rel = source_relation_find(m->src, ch->truncate_relids[i]);
        if (!rel)
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                              "TRUNCATE of relation %u, never described", ch->truncate_relids[i]);
        one.rel = rel;
        mirror_table_t *t = NULL;
        if (!target(m, &one, &t, err))
            return false;
        if (!t)
            continue;
        mirror__table_truncate(t);
        note_truncate(t, m->txn_xid);
        t->txn_touched = true;
        health_metric_add(m->metrics.truncates, 1);
        m->pending_rows++;
    }
    return true;
}

static void on_commit(mirror_t *m, const source_change_t *ch)
{
    m->in_txn = false;
    mirror__progress_commit(m, ch->end_lsn, ch->commit_ts_us);
    m->pending_lsn = ch->end_lsn;
    m->position = ch->end_lsn;
    if (!m->pending_since_us)
        m->pending_since_us = am_mono_us();
    for (size_t i = 0; i < m->n_tables; i++)
        m->tables[i]->txn_touched = false;
    health_metric_add(m->metrics.transactions, 1);
}

static bool dispatch(mirror_t *m, const source_change_t *ch, am_err_t *err)
{
    switch (ch->kind) {
    case SOURCE_MSG_BEGIN:
        m->in_txn = true;
        m->txn_final_lsn = ch->final_lsn;
        m->txn_xid = ch->xid;
        m->txn_commit_ts_us = ch->commit_ts_us;
        return true;
    case SOURCE_MSG_COMMIT:
        on_commit(m, ch);
        return true;
    case SOURCE_MSG_RELATION:
        return on_relation(m, ch, err);
    case SOURCE_MSG_INSERT:
    case SOURCE_MSG_UPDATE:
    case SOURCE_MSG_DELETE:
        return on_row_change(m, ch, err);
    case SOURCE_MSG_TRUNCATE:
        return on_truncate(m, ch, err);
    default:
        return true;
    }
}

/* ---- the loop ----------------------------------------------------------------------------- */

static bool flush_due(const mirror_t *m)
{
    if (!m->pending_lsn || m->in_txn)
        return false;
    return m->pending_rows >= m->opts.flush_max_rows ||
           am_mono_us() - m->pending_since_us >= (int64_t)m->opts.flush_interval_ms * 1000;
}

/* A table holds commits past the watermark (a copy caught up ahead of the stream): the next
 * watermark serves them. */
static bool table_ahead(const mirror_t *m)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        const mirror_table_t *t = m->tables[i];
        if (t->state == MIRROR_T_ACTIVE && t->lt && lake_table_lsn(t->lt) > m->watermark_lsn)
            return true;
    }
    return false;
}

/* Between transactions with nothing to flush: maintenance (a compaction committed now gets a
 * watermark at the same LSN naming it); the watermark follows the server's walEnd now and then
 * (at once when a table waits for it), and only then is it acknowledged. */
static bool idle(mirror_t *m, am_err_t *err)
{
    bool compacted = false;
    if (!mirror__maint_step(m, &compacted, err))
        return false;
    if (compacted && !mirror__write_watermark(m, m->watermark_lsn, err))
        return false;
    am_lsn_t at = source_idle_lsn(m->src);
    if (at > m->position)
        m->position = at;
    if (at <= m->watermark_lsn ||
        (am_mono_us() - m->watermark_at_us < IDLE_WATERMARK_US && !table_ahead(m)))
        return true;
    return mirror__write_watermark(m, at, err) && acknowledge(m, at, err);
}

/* What happens between transactions: flushes, the timer, what the stream has passed. */
static bool between(mirror_t *m, am_err_t *err)
{
    if (m->in_txn)
        return true;
    if (!mirror__tables_reload(m, err) || !mirror__tables_check(m, err) ||
        !mirror__tables_resolve(m, err))
        return false;
    bool dirty = m->catalog_dirty && am_mono_us() - m->catalog_tried_us >= (int64_t)500 * 1000;
    if (dirty && m->pending_lsn && !mirror__flush(m, err))
        return false;
    if (dirty && !mirror__catalog_refresh(m, err))
        return false;
    return true;
}

/* A clean stop: complete transactions reach the lake, and every changed index a checkpoint
 * that the last watermark names, so the next start replays and rebuilds nothing. */
static bool finish(mirror_t *m, am_err_t *err)
{
    if (!m->in_txn && m->pending_lsn && !mirror__flush(m, err))
        return false;
    mirror__checkpoints_write(m, true);
    return mirror__write_watermark(m, m->watermark_lsn, err);
}

static bool stream_loop(mirror_t *m, atomic_bool *stop, am_err_t *err)
{
    while (!atomic_load(stop)) {
        int timeout = m->pending_lsn ? m->opts.idle_flush_ms : 200;
        source_change_t ch;
        bool got = false;
        if (!source_next(m->src, timeout, &ch, &got, err))
            return false;
        mirror__progress_report(m, false);
        if (!got) {
            if (m->pending_lsn && !m->in_txn && !mirror__flush(m, err))
                return false;
            if (!m->pending_lsn && !m->in_txn && !idle(m, err))
                return false;
            if (!between(m, err))
                return false;
            continue;
        }
        if (!dispatch(m, &ch, err))
            return false;
        if (flush_due(m) && !mirror__flush(m, err))
            return false;
        if (ch.kind == SOURCE_MSG_COMMIT && !between(m, err))
            return false;
    }
    return finish(m, err);
}

/* The connection went away (class 08, 57: the walsender was terminated): the lake and
 * every index are as good as before. */
static bool connection_lost(const am_err_t *err)
{
    return strncmp(err->sqlstate, "08", 2) == 0 || strncmp(err->sqlstate, "57", 2) == 0;
}

/* Connections, resources, cancels and I/O, and a lock or a visibility that never came in
 * time: the next start from the watermark may fare better. */
static bool retryable(const am_err_t *err)
{
    return strncmp(err->sqlstate, "08", 2) == 0 || strncmp(err->sqlstate, "53", 2) == 0 ||
           strncmp(err->sqlstate, "57", 2) == 0 || strncmp(err->sqlstate, "58", 2) == 0 ||
           strcmp(err->sqlstate, "55P03") == 0;
}

static void sleep_interruptible(atomic_bool *stop, int ms)
{
    for (int waited = 0; waited < ms && !atomic_load(stop); waited += 50)
        am_sleep_ms(50);
}

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

bool mirror_run(mirror_t *m, atomic_bool *stop, am_err_t *err)
{
    int backoff = BACKOFF_MIN_MS;
    while (!atomic_load(stop)) {
        am_err_t e = {0};
        mirror__set_phase(m, MIRROR_STARTING);
        bool ok = mirror__start(m, &e);
        if (ok)
            mirror__stash_clear(m); /* indexes kept for tables no longer resumed */
        ok = ok && stream_loop(m, stop, &e);
        /* a relation binary tuples cannot carry: nothing of it was applied, as when the
         * connection drops; the stream starts again at once, in text */
        bool to_text = !ok && m->src && source_stream_binary_refused(m->src);
        if (!ok && (connection_lost(&e) || to_text))
            mirror__index_stash(m);
        mirror__teardown(m);
        if (ok)
            break;
        if (to_text) {
            m->stream_text = true;
            am_log_info("mirror", "streaming text tuples from now on", AM_KV_ERR(&e));
            continue;
        }
        health_metric_add(m->metrics.errors, 1);
        mirror__set_error(m, &e);
        bool again = m->restart_recopy; /* the start copies every table */
        m->restart_recopy = false;
        if (!retryable(&e) && !again) {
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
