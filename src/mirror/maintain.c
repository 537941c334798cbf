/*
 * mirror/maintain.c: keeping tables small and clean without blocking ingest.
 *
 * One maintenance thread runs compaction jobs (lake_compact_run: reading and writing Parquet
 * with a DuckDB of its own), one at a time. The write path does the rest between flushes,
 * when every batch is committed: it plans a job from a table's files in memory, and when the
 * thread has finished one, commits it (lake_compact_commit: deletes committed meanwhile are
 * translated to the new files) and at once remaps the table's key index
 * (mirror__index_remap), before it applies another change; the flush's watermark (or, when
 * idle, one at the same LSN) then names the compacted snapshot. A job whose files were
 * truncated or copied again meanwhile is dropped and planned again from the new state.
 *
 * The handoff: lock guards state, job, job_ok and job_err; the write path sets QUEUED and
 * signals, the thread moves it to RUNNING and then DONE; only the write path takes a DONE job.
 * Stopping sets stop, interrupts the compactor's DuckDB and joins.
 *
 * Also here: file ids given back when they run high (lake_table_renumber), and orphan sweeps
 * at start and every lake.orphan_check_ms, only while no job is outstanding (its files are
 * not referenced yet). A crash at any point is exact: the index is rebuilt from the lake.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLSTATE_CANCELED "57014"
#define RETRY_AFTER_US (INT64_C(5) * 1000 * 1000) /* a failed job's table waits this long */

typedef enum maint_state {
    MAINT_IDLE = 0,
    MAINT_QUEUED,
    MAINT_RUNNING,
    MAINT_DONE,
} maint_state_t;

struct mirror_maint {
    pthread_t thread;
    bool started;
    atomic_bool stop;
    lake_compactor_t *compactor; /* the thread's */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    maint_state_t state;     /* guarded by lock */
    lake_compact_job_t *job; /* guarded by lock: QUEUED, RUNNING, DONE */
    bool job_ok;             /* guarded by lock: DONE */
    am_err_t job_err;        /* guarded by lock: DONE */
    /* the write path's own */
    uint32_t job_relid;
    int64_t retry_at_us; /* no job planned before (after a failed one) */
    size_t next_table;   /* round robin over the tables */
    int64_t sweep_at_us; /* next orphan sweep */
};

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
        lake_compact_job_t *job = mt->job;
        pthread_mutex_unlock(&mt->lock);
        am_err_t err = {0};
        bool ok = lake_compact_run(mt->compactor, job, &err);
        pthread_mutex_lock(&mt->lock);
        mt->job_ok = ok;
        mt->job_err = err;
        mt->state = MAINT_DONE;
    }
    pthread_mutex_unlock(&mt->lock);
    return NULL;
}

/* No job queued, running or waiting to be committed. */
static bool maint_idle(mirror_maint_t *mt)
{
    pthread_mutex_lock(&mt->lock);
    bool idle = mt->state == MAINT_IDLE;
    pthread_mutex_unlock(&mt->lock);
    return idle;
}

static bool sweepable(const mirror_table_t *t)
{
    return t->state == MIRROR_T_ACTIVE && t->lt && !t->worker && !t->batch;
}

/* Orphan files of every active table; a failure is logged, never stops the write path. */
static void sweep_all(mirror_t *m)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        if (!sweepable(t))
            continue;
        int64_t n = 0;
        am_err_t err = {0};
        if (!lake_table_remove_orphans(t->lt, m->maintain.file_retention_ms, &n, &err))
            am_log_warn("mirror", "orphan files not swept", AM_KV_STR("schema", t->schema),
                        AM_KV_STR("table", t->name), AM_KV_ERR(&err));
    }
    m->maint->sweep_at_us = am_mono_us() + m->maintain.orphan_check_ms * 1000;
}

bool mirror__maint_start(mirror_t *m, am_err_t *err)
{
    lake_set_file_retention(m->lake, m->maintain.file_retention_ms);
    mirror_maint_t *mt = am_xcalloc(1, sizeof *mt);
    m->maint = mt;
    atomic_init(&mt->stop, false);
    pthread_mutex_init(&mt->lock, NULL);
    pthread_cond_init(&mt->cond, NULL);
    sweep_all(m);
    if (!m->maintain.compact)
        return true;
    mt->compactor = lake_compactor_new(lake_warehouse(m->lake), err);
    if (!mt->compactor) {
        am_err_prefix(err, "compaction");
        return false;
    }
    if (pthread_create(&mt->thread, NULL, maint_main, mt) != 0)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "could not start the maintenance thread");
    mt->started = true;
    return true;
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
    lake_compactor_free(mt->compactor);
    pthread_cond_destroy(&mt->cond);
    pthread_mutex_destroy(&mt->lock);
    free(mt);
    m->maint = NULL;
}

/* ---- applying a finished job ----------------------------------------------------------- */

/* The table the job was planned for, if it still is what the job read. */
static mirror_table_t *job_table(mirror_t *m, const lake_compact_job_t *job, uint32_t relid)
{
    mirror_table_t *t = mirror__table_by_relid(m, relid);
    if (!t || !t->lt || t->state != MIRROR_T_ACTIVE || t->worker || t->batch ||
        strcmp(lake_table_location(t->lt), lake_compact_job_location(job)) != 0)
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
        if (strcmp(run_err->sqlstate, SQLSTATE_CANCELED) != 0)
            am_log_warn("mirror", "compaction failed, retried later", AM_KV_ERR(run_err));
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
    return remap_index(t, remap, err);
}

/* Takes a finished job off the thread, if there is one. */
static bool take_done(mirror_t *m, bool *changed, am_err_t *err)
{
    mirror_maint_t *mt = m->maint;
    pthread_mutex_lock(&mt->lock);
    bool done = mt->state == MAINT_DONE;
    lake_compact_job_t *job = done ? mt->job : NULL;
    bool run_ok = mt->job_ok;
    am_err_t run_err = mt->job_err;
    if (done) {
        mt->job = NULL;
        mt->state = MAINT_IDLE;
    }
    pthread_mutex_unlock(&mt->lock);
    if (!done)
        return true;
    bool ok = apply_job(m, job, run_ok, &run_err, changed, err);
    lake_compact_job_free(job);
    return ok;
}

/* ---- planning ---------------------------------------------------------------------------- */

static void submit(mirror_t *m, mirror_table_t *t, lake_compact_job_t *job)
{
    mirror_maint_t *mt = m->maint;
    mt->job_relid = t->relid;
    pthread_mutex_lock(&mt->lock);
    mt->job = job;
    mt->state = MAINT_QUEUED;
    pthread_cond_signal(&mt->cond);
    pthread_mutex_unlock(&mt->lock);
}

/* The next table (round robin) that needs a job; submits it. */
static void plan_next(mirror_t *m)
{
    mirror_maint_t *mt = m->maint;
    if (!mt->started || am_mono_us() < mt->retry_at_us || !maint_idle(mt))
        return;
    for (size_t k = 0; k < m->n_tables; k++) {
        mirror_table_t *t = m->tables[(mt->next_table + k) % m->n_tables];
        if (!sweepable(t))
            continue;
        lake_compact_job_t *job = lake_compact_plan(t->lt, &m->maintain);
        if (!job)
            continue;
        mt->next_table = (mt->next_table + k + 1) % m->n_tables;
        submit(m, t, job);
        return;
    }
}

/* File ids of removed files given back once half the id space is used. */
static bool renumber(mirror_t *m, am_err_t *err)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        if (!sweepable(t) || lake_table_file_ids(t->lt) <= (size_t)LAKE_FILE_ID_MAX / 2)
            continue;
        lake_remap_t *remap = lake_table_renumber(t->lt);
        am_log_info("mirror", "renumbered data files", AM_KV_STR("schema", t->schema),
                    AM_KV_STR("table", t->name), AM_KV_I64("file_ids", lake_table_file_ids(t->lt)));
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
    if (!mt)
        return true;
    if (mt->started && !take_done(m, changed, err))
        return false;
    if (!renumber(m, err))
        return false;
    plan_next(m);
    if (am_mono_us() >= mt->sweep_at_us && maint_idle(mt))
        sweep_all(m);
    return true;
}
