/*
 * mirror/run.c: the write path's life: open the lake and the source, copy or resume, then
 * stream, flush at transaction boundaries, write the watermark, acknowledge. Any failure tears
 * everything down and starts again from the durable watermark (connection and disk-full
 * errors with backoff); nothing in memory survives a restart except what the lake says.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mirror__set_phase(mirror_t *m, mirror_phase_t phase)
{
    pthread_mutex_lock(&m->status_lock);
    m->status.phase = phase;
    pthread_mutex_unlock(&m->status_lock);
}

void mirror__set_error(mirror_t *m, const am_err_t *err)
{
    pthread_mutex_lock(&m->status_lock);
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, "%s: %s", err->sqlstate, err->msg);
    size_t n = b.len < sizeof m->status.last_error - 1 ? b.len : sizeof m->status.last_error - 1;
    memcpy(m->status.last_error, b.data, n);
    m->status.last_error[n] = '\0';
    am_buf_destroy(&b);
    pthread_mutex_unlock(&m->status_lock);
}

mirror_table_t *mirror__table_find(mirror_t *m, const char *schema, const char *name)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        if (strcmp(m->tables[i].schema, schema) == 0 && strcmp(m->tables[i].name, name) == 0)
            return &m->tables[i];
    }
    return NULL;
}

mirror_table_t *mirror__table_by_relid(mirror_t *m, uint32_t relid)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        if (m->tables[i].relid == relid && m->tables[i].lt)
            return &m->tables[i];
    }
    return NULL;
}

/* current: name each table's newest snapshot (a flush just committed them); else the ones
 * the durable watermark names (a table may hold a commit past it after a crash). */
static bool watermark_put(mirror_t *m, am_lsn_t lsn, bool current, am_err_t *err)
{
    lake_watermark_t wm = {.lsn = lsn, .written_at_ms = am_now_us() / 1000};
    wm.tables = am_xcalloc(m->n_tables ? m->n_tables : 1, sizeof *wm.tables);
    wm.n_tables = m->n_tables;
    wm.catalog = m->catalog_name;
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = &m->tables[i];
        wm.tables[i].schema = t->schema;
        wm.tables[i].name = t->name;
        wm.tables[i].snapshot_id = t->wm_snapshot_id;
        if (current)
            wm.tables[i].snapshot_id = t->lt ? lake_table_snapshot_id(t->lt) : -1;
    }
    bool ok = lake_watermark_write(m->lake, &wm, err);
    for (size_t i = 0; ok && i < m->n_tables; i++)
        m->tables[i].wm_snapshot_id = wm.tables[i].snapshot_id;
    free(wm.tables); /* strings are borrowed */
    if (!ok)
        return false;
    m->watermark_lsn = lsn;
    pthread_mutex_lock(&m->status_lock);
    m->status.committed_lsn = lsn;
    m->status.last_flush_unix_us = am_now_us();
    pthread_mutex_unlock(&m->status_lock);
    health_metric_set(m->metrics.committed_lsn, (double)lsn);
    if (m->opts.on_watermark)
        m->opts.on_watermark(m->opts.on_watermark_ud, lsn);
    return true;
}

bool mirror__write_watermark(mirror_t *m, am_lsn_t lsn, am_err_t *err)
{
    return watermark_put(m, lsn, true, err);
}

bool mirror__rewrite_watermark(mirror_t *m, am_err_t *err)
{
    return watermark_put(m, m->watermark_lsn, false, err);
}

static void register_metrics(mirror_t *m)
{
    mirror_metrics_t *x = &m->metrics;
    const char *rows = "arctic_mirror_rows_replicated_total";
    const char *rows_help = "Rows applied to the lake from the replication stream, by operation.";
    x->rows_insert = health_metric(rows, rows_help, HEALTH_COUNTER, "op=\"insert\"");
    x->rows_update = health_metric(rows, rows_help, HEALTH_COUNTER, "op=\"update\"");
    x->rows_delete = health_metric(rows, rows_help, HEALTH_COUNTER, "op=\"delete\"");
    x->truncates = health_metric("arctic_mirror_truncates_total",
                                 "TRUNCATEs applied to mirrored tables.", HEALTH_COUNTER, NULL);
    x->transactions = health_metric("arctic_mirror_transactions_total",
                                    "Source transactions applied.", HEALTH_COUNTER, NULL);
    x->flushes = health_metric("arctic_mirror_commits_total",
                               "Flushes that committed to the lake and wrote the watermark.",
                               HEALTH_COUNTER, NULL);
    x->errors = health_metric("arctic_mirror_errors_total",
                              "Write-path failures that forced a restart from the watermark.",
                              HEALTH_COUNTER, NULL);
    x->lag_bytes =
        health_metric("arctic_mirror_replication_lag_bytes",
                      "Server WAL end minus the durable watermark LSN.", HEALTH_GAUGE, NULL);
    x->committed_lsn = health_metric("arctic_mirror_committed_lsn",
                                     "The durable watermark LSN as a number.", HEALTH_GAUGE, NULL);
    x->copy_rows = health_metric("arctic_mirror_initial_copy_rows_total",
                                 "Rows copied by initial copies.", HEALTH_COUNTER, NULL);
    x->flush_seconds =
        health_metric("arctic_mirror_flush_seconds_total",
                      "Time spent flushing batches to the lake.", HEALTH_COUNTER, NULL);
}

mirror_t *mirror_new(const mirror_options_t *opts)
{
    mirror_t *m = am_xcalloc(1, sizeof *m);
    m->opts = *opts;
    source_options_t *s = &m->opts.source;
    s->host = am_xstrdup(opts->source.host ? opts->source.host : "localhost");
    s->user = am_xstrdup(opts->source.user ? opts->source.user : "");
    s->password = am_xstrdup(opts->source.password ? opts->source.password : "");
    s->database = am_xstrdup(opts->source.database ? opts->source.database : "");
    s->slot = am_xstrdup(opts->source.slot);
    s->publication = am_xstrdup(opts->source.publication);
    m->warehouse = am_xstrdup(opts->warehouse);
    m->opts.warehouse = m->warehouse;
    m->n_tables = opts->source.n_tables;
    m->table_refs = am_xcalloc(m->n_tables ? m->n_tables : 1, sizeof *m->table_refs);
    m->tables = am_xcalloc(m->n_tables ? m->n_tables : 1, sizeof *m->tables);
    for (size_t i = 0; i < m->n_tables; i++) {
        m->tables[i].schema = am_xstrdup(opts->source.tables[i].schema);
        m->tables[i].name = am_xstrdup(opts->source.tables[i].name);
        m->tables[i].wm_snapshot_id = -1;
        m->table_refs[i].schema = m->tables[i].schema;
        m->table_refs[i].name = m->tables[i].name;
    }
    s->tables = m->table_refs;
    if (m->opts.flush_interval_ms <= 0)
        m->opts.flush_interval_ms = 1000;
    if (m->opts.idle_flush_ms <= 0)
        m->opts.idle_flush_ms = 20;
    if (m->opts.flush_max_rows <= 0)
        m->opts.flush_max_rows = 200000;
    pthread_mutex_init(&m->status_lock, NULL);
    register_metrics(m);
    return m;
}

void mirror__teardown(mirror_t *m)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = &m->tables[i];
        mirror__table_discard(t);
        lake_table_close(t->lt);
        t->lt = NULL;
        am_map_free(t->index);
        t->index = NULL;
        am_arena_free(t->batch_arena);
        t->batch_arena = NULL;
        am_buf_destroy(&t->key_buf);
        free(t->key_cols);
        free(t->key_types);
        free(t->col_map);
        free(t->row_buf);
        t->key_cols = t->col_map = NULL;
        t->key_types = NULL;
        t->row_buf = NULL;
        t->relid = 0;
        t->n_key_cols = t->n_rel_cols = 0;
        t->wm_snapshot_id = -1;
    }
    free(m->catalog_name);
    m->catalog_name = NULL;
    source_close(m->src);
    m->src = NULL;
    lake_close(m->lake);
    m->lake = NULL;
    m->in_txn = false;
    m->pending_lsn = 0;
    m->pending_rows = 0;
    m->pending_since_us = 0;
}

void mirror_free(mirror_t *m)
{
    if (!m)
        return;
    mirror__teardown(m);
    for (size_t i = 0; i < m->n_tables; i++) {
        free(m->tables[i].schema);
        free(m->tables[i].name);
    }
    free(m->tables);
    free(m->table_refs);
    source_options_t *s = &m->opts.source;
    free((char *)s->host);
    free((char *)s->user);
    free((char *)s->password);
    free((char *)s->database);
    free((char *)s->slot);
    free((char *)s->publication);
    free(m->warehouse);
    pthread_mutex_destroy(&m->status_lock);
    free(m);
}

void mirror_status(const mirror_t *m, mirror_status_t *out)
{
    pthread_mutex_lock((pthread_mutex_t *)&m->status_lock);
    *out = m->status;
    pthread_mutex_unlock((pthread_mutex_t *)&m->status_lock);
}

const char *mirror_phase_name(mirror_phase_t phase)
{
    static const char *const names[] = {"starting",     "copying", "streaming",
                                        "reconnecting", "stopped", "failed"};
    return (size_t)phase < AM_ARRAY_LEN(names) ? names[phase] : "unknown";
}
