/*
 * mirror/run.c: the write path's object: options, metrics, status for other threads, and
 * tearing everything down before a restart from the durable watermark (connection and
 * disk-full errors restart with backoff, stream.c); nothing in memory survives a restart
 * except what the lake and the configuration say.
 */
#include "mirror/mirror_internal.h"

#include <math.h>
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
    x->committed_lsn = health_metric("arctic_mirror_committed_lsn",
                                     "The durable watermark LSN as a number.", HEALTH_GAUGE, NULL);
    x->copy_rows = health_metric("arctic_mirror_initial_copy_rows_total",
                                 "Rows copied by initial copies.", HEALTH_COUNTER, NULL);
    x->flush_seconds =
        health_metric("arctic_mirror_flush_seconds_total",
                      "Time spent flushing batches to the lake.", HEALTH_COUNTER, NULL);
    x->schema_changes =
        health_metric("arctic_mirror_schema_changes_total",
                      "Source schema changes applied to the lake in place.", HEALTH_COUNTER, NULL);
    x->recopies =
        health_metric("arctic_mirror_table_recopies_total",
                      "Tables copied again while the others streamed.", HEALTH_COUNTER, NULL);
    x->compactions =
        health_metric("arctic_mirror_compactions_total",
                      "Compactions committed (replace snapshots).", HEALTH_COUNTER, NULL);
    x->compaction_failures =
        health_metric("arctic_mirror_compaction_failures_total",
                      "Compaction runs that failed and are retried later.", HEALTH_COUNTER, NULL);
    x->compacted_rows =
        health_metric("arctic_mirror_compacted_rows_total",
                      "Rows compactions wrote to merged data files.", HEALTH_COUNTER, NULL);
    x->compacted_rows_sorted = health_metric(
        "arctic_mirror_compacted_rows_sorted_total",
        "Of those, rows of files written sorted by primary key.", HEALTH_COUNTER, NULL);
    x->compaction_seconds =
        health_metric("arctic_mirror_compaction_seconds_total",
                      "Time compactions took: the rewrite on its own thread and the commit.",
                      HEALTH_COUNTER, NULL);
    mirror__progress_metrics(m);
}

static void options_copy(mirror_t *m, const mirror_options_t *opts)
{
    m->opts = *opts;
    source_options_t *s = &m->opts.source;
    s->host = am_xstrdup(opts->source.host ? opts->source.host : "localhost");
    s->user = am_xstrdup(opts->source.user ? opts->source.user : "");
    s->password = am_xstrdup(opts->source.password ? opts->source.password : "");
    s->database = am_xstrdup(opts->source.database ? opts->source.database : "");
    s->slot = am_xstrdup(opts->source.slot);
    s->publication = am_xstrdup(opts->source.publication);
    s->tables = NULL;
    s->n_tables = 0;
    s->insert_only = NULL;
    m->opts.specs = NULL;
    m->opts.n_specs = 0;
    if (opts->specs) {
        m->specs = mirror__specs_copy(opts->specs, opts->n_specs);
        m->n_specs = opts->n_specs;
        return;
    }
    /* the source's table list: exact names, everything published */
    size_t n = opts->source.n_tables;
    mirror_table_spec_t *specs = am_xcalloc(n + 1, sizeof *specs);
    for (size_t i = 0; i < n; i++) {
        specs[i].schema = opts->source.tables[i].schema;
        specs[i].name = opts->source.tables[i].name;
        specs[i].insert_only = opts->source.insert_only && opts->source.insert_only[i];
    }
    m->specs = mirror__specs_copy(specs, n);
    m->n_specs = n;
    free(specs);
}

mirror_t *mirror_new(const mirror_options_t *opts)
{
    mirror_t *m = am_xcalloc(1, sizeof *m);
    options_copy(m, opts);
    m->warehouse = am_xstrdup(opts->warehouse);
    m->opts.warehouse = m->warehouse;
    if (m->opts.flush_interval_ms <= 0)
        m->opts.flush_interval_ms = 1000;
    if (m->opts.idle_flush_ms <= 0)
        m->opts.idle_flush_ms = 20;
    if (m->opts.flush_max_rows <= 0)
        m->opts.flush_max_rows = 200000;
    if (opts->maintain)
        m->maintain = *opts->maintain;
    else
        lake_maintain_defaults(&m->maintain);
    m->opts.maintain = &m->maintain;
    if (m->opts.max_memory <= 0)
        m->opts.max_memory = INT64_C(256) << 20;
    m->opts.source.spill_bytes = (size_t)(m->opts.max_memory / 16);
    pthread_mutex_init(&m->status_lock, NULL);
    pthread_mutex_init(&m->reload_lock, NULL);
    register_metrics(m);
    m->status.retained_wal_bytes = -1;
    m->status.freshness_p50_s = m->status.freshness_p99_s = NAN;
    return m;
}

void mirror__teardown(mirror_t *m)
{
    mirror__maint_stop(m);
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror__table_destroy(m->tables[i]);
        free(m->tables[i]);
    }
    free(m->tables);
    m->tables = NULL;
    m->n_tables = 0;
    free(m->ignored);
    m->ignored = NULL;
    m->n_ignored = 0;
    free(m->catalog_name);
    m->catalog_name = NULL;
    free(m->slot_name);
    m->slot_name = NULL;
    free(m->pub_rows); /* the next start reads it from the watermark */
    m->pub_rows = NULL;
    source_close(m->src);
    m->src = NULL;
    lake_close(m->lake);
    m->lake = NULL;
    storage_free(m->store);
    m->store = NULL;
    m->in_txn = false;
    m->pending_lsn = 0;
    m->pending_rows = 0;
    m->pending_since_us = 0;
    m->n_unseen = 0; /* replayed from the watermark */
    m->recopy_all = false;
    m->catalog_dirty = false;
}

void mirror_free(mirror_t *m)
{
    if (!m)
        return;
    mirror__teardown(m);
    mirror__stash_clear(m);
    mirror__specs_free(m->specs, m->n_specs);
    mirror__specs_free(m->reload_specs, m->n_reload_specs);
    source_options_t *s = &m->opts.source;
    free((char *)s->host);
    free((char *)s->user);
    free((char *)s->password);
    free((char *)s->database);
    free((char *)s->slot);
    free((char *)s->publication);
    free(m->warehouse);
    free(m->table_status);
    free(m->unseen);
    pthread_mutex_destroy(&m->status_lock);
    pthread_mutex_destroy(&m->reload_lock);
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
