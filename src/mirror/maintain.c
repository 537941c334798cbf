/*
 * mirror/maintain.c: keeping tables small and clean without blocking ingest.
 *
 * One maintenance thread does the heavy work, one piece at a time: a compaction job
 * (lake_compact_run: reading and writing Parquet with a DuckDB of its own) or a sweep of
 * orphan files (lake_compactor_sweep: reading each table's snapshots from disk). The write path
 * does the rest between flushes, when every batch is committed: it plans a job from a table's
 * files in memory, and when the thread has finished one, commits it (lake_compact_commit:
 * deletes committed meanwhile are translated to the new files) and at once remaps the table's
 * key index (mirror__index_remap), before it applies another change; the flush's watermark
 * (or, when idle, one at the same LSN) then names the compacted snapshot. A job whose files
 * were truncated or copied again meanwhile is dropped and planned again from the new state.
 * Sweeps run at start and every lake.orphan_check_ms, never while a job's files wait to be
 * committed (nothing references them yet); file ids running high are given back
 * (lake_table_renumber) on the write path, which owns them.
 *
 * The handoff: lock guards state and the work (kind, job, locations, outcome); the write path
 * sets QUEUED and signals, the thread moves it to RUNNING and then DONE; only the write path
 * takes DONE work. Stopping sets stop, interrupts the compactor's DuckDB and joins. A crash at
 * any point is exact: the index is rebuilt from the lake, and leftovers are swept.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLSTATE_CANCELED "57014"
#define RETRY_AFTER_US (INT64_C(5) * 1000 * 1000) /* a failed job's tables wait this long */
#define RENUMBER_SLACK 1024                       /* ids of removed files tolerated */
#define SWEEP_ATTEMPTS 3 /* a commit expiring snapshots while a sweep reads them fails it */
#define IDLE_COMPACT_US (INT64_C(1000) * 1000) /* a table this long without a change is quiet */

typedef enum maint_state {
    MAINT_IDLE = 0,
    MAINT_QUEUED,
    MAINT_RUNNING,
    MAINT_DONE,
} maint_state_t;

typedef enum maint_work {
    WORK_COMPACT = 0,
    WORK_SWEEP,
} maint_work_t;

struct mirror_maint {
    pthread_t thread;
    bool started;
    atomic_bool stop;
    lake_compactor_t *compactor; /* used by the thread only, once started */
    int64_t min_age_ms;          /* file retention: read-only */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    maint_state_t state;     /* guarded by lock */
    maint_work_t work;       /* guarded by lock: what QUEUED/RUNNING/DONE is */
    lake_compact_job_t *job; /* guarded by lock: WORK_COMPACT */
    char **locations;        /* guarded by lock: WORK_SWEEP, the tables to sweep */
    size_t n_locations;
    bool ok;      /* guarded by lock: DONE */
    am_err_t err; /* guarded by lock: DONE */
    /* the write path's own */
    uint32_t job_relid;
    int64_t retry_at_us; /* no job planned before (after a failed one) */
    size_t next_table;   /* round robin over the tables */
    int64_t sweep_at_us; /* next orphan sweep */
};

/* ---- the thread -------------------------------------------------------------------------- */

/* A sweep that fails is read again from the newest metadata: expiry removes the manifest
 * lists of the snapshots it drops, which a sweep of an older version may still be reading. */
static void sweep_locations(mirror_maint_t *mt, char *const *locs, size_t n)
{
    for (size_t i = 0; i < n && !atomic_load(&mt->stop); i++) {
        int64_t removed = 0;
        am_err_t err = {0};
        bool ok = false;
        for (int k = 0; k < SWEEP_ATTEMPTS && !ok && !atomic_load(&mt->stop); k++)
            ok = lake_compactor_sweep(mt->compactor, locs[i], mt->min_age_ms, &removed, &err);
        if (!ok)
            am_log_warn("mirror", "orphan files not swept", AM_KV_STR("location", locs[i]),
                        AM_KV_ERR(&err));
    }
}

static void *maint_main(void *ud)
{
    mirror_maint_t *mt = ud;
    pthread_mutex_lock(&mt->lock);
    while (!atomic_load(&mt->stop)) {
        if (mt->state != MAINT_QUEUED) {
            pthread_cond_wait(&mt->cond, &mt->lock);
            continue;
        }
        mt->state = MAINT_RUNNING;
        maint_work_t work = mt->work;
        lake_compact_job_t *job = mt->job;
        char **locs = mt->locations;
        size_t n_locs = mt->n_locations;
        pthread_mutex_unlock(&mt->lock);
        am_err_t err = {0};
        bool ok = true;
        if (work == WORK_COMPACT)
            ok = lake_compact_run(mt->compactor, job, &err);
        else
            sweep_locations(mt, locs, n_locs);
        pthread_mutex_lock(&mt->lock);
        mt->ok = ok;
        mt->err = err;
        mt->state = MAINT_DONE;
    }
    pthread_mutex_unlock(&mt->lock);
    return NULL;
}

bool mirror__maint_start(mirror_t *m, am_err_t *err)
{
    lake_set_file_retention(m->lake, m->maintain.file_retention_ms);
    mirror_maint_t *mt = am_xcalloc(1, sizeof *mt);
    m->maint = mt;
    atomic_init(&mt->stop, false);
    pthread_mutex_init(&mt->lock, NULL);
    pthread_cond_init(&mt->cond, NULL);
    mt->min_age_ms = m->maintain.file_retention_ms;
    mt->sweep_at_us = 0; /* a sweep at start */
    mt->compactor = lake_compactor_new(lake_warehouse(m->lake), m->opts.max_memory, err);
    if (!mt->compactor) {
        am_err_prefix(err, "maintenance");
        return false;
    }
    if (pthread_create(&mt->thread, NULL, maint_main, mt) != 0)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "could not start the maintenance thread");
    mt->started = true;
    return true;
}

static void locations_free(char **locs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(locs[i]);
    free(locs);
}

void mirror__maint_stop(mirror_t *m)
{
    mirror_maint_t *mt = m->maint;
    if (!mt)
        return;
    if (mt->started) {
        atomic_store(&mt->stop, true);
        pthread_mutex_lock(&mt->lock);
        pthread_cond_broadcast(&mt->cond);
        pthread_mutex_unlock(&mt->lock);
        lake_compactor_interrupt(mt->compactor);
        pthread_join(mt->thread, NULL);
    }
    lake_compact_job_free(mt->job);
    locations_free(mt->locations, mt->n_locations);
    lake_compactor_free(mt->compactor);
    pthread_cond_destroy(&mt->cond);
    pthread_mutex_destroy(&mt->lock);
    free(mt);
    m->maint = NULL;
}

/* ---- applying finished work ---------------------------------------------------------------- */

static bool usable(const mirror_table_t *t)
{
    return t->state == MIRROR_T_ACTIVE && t->lt && !t->worker && !t->batch;
}

/* The table the job was planned for, if it still is what the job read. */
static mirror_table_t *job_table(mirror_t *m, const lake_compact_job_t *job, uint32_t relid)
{
    mirror_table_t *t = mirror__table_by_relid(m, relid);
    if (!t || !usable(t) || strcmp(lake_table_location(t->lt), lake_compact_job_location(job)) != 0)
        return NULL;
    return t;
}

static bool remap_index(mirror_table_t *t, lake_remap_t *remap, am_err_t *err)
{
    am_fault_point("compact-before-index");
    bool ok = mirror__index_remap(t, remap, err);
    lake_remap_free(remap);
    return ok;
}

/* Commits a finished job; false only for what must stop the write path. */
static bool apply_job(mirror_t *m, lake_compact_job_t *job, bool run_ok, const am_err_t *run_err,
                      bool *changed, am_err_t *err)
{
    mirror_maint_t *mt = m->maint;
    if (!run_ok) {
        if (strcmp(run_err->sqlstate, LAKE_SQLSTATE_SYNC) == 0) { /* never retried */
            *err = *run_err;
            return false;
        }
        if (strcmp(run_err->sqlstate, SQLSTATE_CANCELED) != 0) {
            am_log_warn("mirror", "compaction failed, retried later", AM_KV_ERR(run_err));
            health_metric_add(m->metrics.compaction_failures, 1);
        }
        mt->retry_at_us = am_mono_us() + RETRY_AFTER_US;
        return true;
    }
    mirror_table_t *t = job_table(m, job, mt->job_relid);
    if (!t)
        return true; /* dropped, copied again or being copied: its files go with the job */
    lake_remap_t *remap = NULL;
    am_err_t e = {0};
    if (!lake_compact_commit(t->lt, job, &remap, &e)) {
        if (strcmp(e.sqlstate, LAKE_SQLSTATE_CONFLICT) != 0) {
            *err = e;
            return false;
        }
        am_log_info("mirror", "compaction no longer applies, planned again", AM_KV_ERR(&e));
        return true;
    }
    *changed = true;
    lake_compact_stats_t st;
    lake_compact_job_stats(job, &st);
    health_metric_add(m->metrics.compactions, 1);
    health_metric_add(m->metrics.compacted_rows, (double)st.rows_out);
    health_metric_add(m->metrics.compacted_rows_sorted, (double)st.rows_sorted);
    health_metric_add(m->metrics.compaction_seconds, (double)(st.run_us + st.commit_us) / 1e6);
    return remap_index(t, remap, err);
}

/* Takes finished work off the thread, if there is some. */
static bool take_done(mirror_t *m, bool *changed, am_err_t *err)
{
    mirror_maint_t *mt = m->maint;
    pthread_mutex_lock(&mt->lock);
    bool done = mt->state == MAINT_DONE;
    maint_work_t work = mt->work;
    lake_compact_job_t *job = mt->job;
    char **locs = mt->locations;
    size_t n_locs = mt->n_locations;
    bool run_ok = mt->ok;
    am_err_t run_err = mt->err;
    if (done) {
        mt->job = NULL;
        mt->locations = NULL;
        mt->n_locations = 0;
        mt->state = MAINT_IDLE;
    }
    pthread_mutex_unlock(&mt->lock);
    if (!done)
        return true;
    /* the next sweep counts from this one's end: a sweep slower than the interval must not
     * keep the thread from compactions */
    if (work == WORK_SWEEP)
        mt->sweep_at_us = am_mono_us() + m->maintain.orphan_check_ms * 1000;
    bool ok = work != WORK_COMPACT || apply_job(m, job, run_ok, &run_err, changed, err);
    lake_compact_job_free(job);
    locations_free(locs, n_locs);
    return ok;
}

/* ---- new work ------------------------------------------------------------------------------ */

static void submit(mirror_maint_t *mt, maint_work_t work, lake_compact_job_t *job, char **locs,
                   size_t n_locs)
{
    pthread_mutex_lock(&mt->lock);
    mt->work = work;
    mt->job = job;
    mt->locations = locs;
    mt->n_locations = n_locs;
    mt->state = MAINT_QUEUED;
    pthread_cond_signal(&mt->cond);
    pthread_mutex_unlock(&mt->lock);
}

/* Every active table's orphans, on the thread. */
static void submit_sweep(mirror_t *m)
{
    char **locs = am_xcalloc(m->n_tables + 1, sizeof *locs);
    size_t n = 0;
    for (size_t i = 0; i < m->n_tables; i++)
        if (usable(m->tables[i]))
            locs[n++] = am_xstrdup(lake_table_location(m->tables[i]->lt));
    submit(m->maint, WORK_SWEEP, NULL, locs, n);
}

/* A job for the next table (round robin) that needs a compaction, if one does. */
static void submit_job(mirror_t *m)
{
    mirror_maint_t *mt = m->maint;
    if (!m->maintain.compact || am_mono_us() < mt->retry_at_us)
        return;
    for (size_t k = 0; k < m->n_tables; k++) {
        mirror_table_t *t = m->tables[(mt->next_table + k) % m->n_tables];
        if (!usable(t))
            continue;
        /* a table quiet for IDLE_COMPACT_US gets one chance to fold its small files into one */
        lake_maintain_options_t o = m->maintain;
        o.idle = !t->idle_planned && t->changed_us > 0 &&
                 am_mono_us() - t->changed_us >= IDLE_COMPACT_US;
        if (o.idle)
            t->idle_planned = true;
        lake_compact_job_t *job = lake_compact_plan(t->lt, &o);
        if (!job)
            continue;
        mt->next_table = (mt->next_table + k + 1) % m->n_tables;
        mt->job_relid = t->relid;
        submit(mt, WORK_COMPACT, job, NULL, 0);
        return;
    }
}

/* Whether t's removed files hold many ids: every commit copies them all (a compaction's
 * commit renumbers anyway; without compaction ids would only grow) or half the id space. */
static bool ids_run_high(const mirror_table_t *t)
{
    size_t ids = lake_table_n_file_ids(t->lt), live = lake_table_live_files(t->lt);
    size_t spare = live > RENUMBER_SLACK ? live : RENUMBER_SLACK;
    return ids > (size_t)LAKE_FILE_ID_MAX / 2 || ids > live + spare;
}

/* File ids of removed files given back (the index follows). */
static bool renumber(mirror_t *m, am_err_t *err)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        if (!usable(t) || !ids_run_high(t))
            continue;
        lake_remap_t *remap = lake_table_renumber(t->lt);
        am_log_info("mirror", "renumbered data files", AM_KV_STR("schema", t->schema),
                    AM_KV_STR("table", t->name),
                    AM_KV_I64("file_ids", lake_table_n_file_ids(t->lt)));
        bool ok = mirror__index_remap(t, remap, err);
        lake_remap_free(remap);
        if (!ok)
            return false;
    }
    return true;
}

bool mirror__maint_step(mirror_t *m, bool *changed, am_err_t *err)
{
    *changed = false;
    mirror_maint_t *mt = m->maint;
    if (!mt || !mt->started)
        return true;
    if (!take_done(m, changed, err) || !renumber(m, err))
        return false;
    pthread_mutex_lock(&mt->lock);
    bool idle = mt->state == MAINT_IDLE;
    pthread_mutex_unlock(&mt->lock);
    if (!idle)
        return true;
    if (am_mono_us() >= mt->sweep_at_us)
        submit_sweep(m);
    else
        submit_job(m);
    return true;
}
