/*
 * mirror/worker.c: copying one table while the others stream: a new table (configuration,
 * pattern, publication) or one whose change the lake cannot follow in place. A thread of its
 * own, with its own connections and its own lake handle:
 *   1. a TEMPORARY slot with an exported snapshot (consistent point X), the table copied under
 *      it into the table's lake directory: a new table, or one commit that replaces every row
 *      and the schema of the existing one (its older snapshots stay for readers);
 *   2. the temporary slot streamed from X, this table's changes applied, until the worker has
 *      applied every transaction the main stream skipped for it (main_skip < Y, Y a commit's
 *      end or an idle walEnd): it commits at Y and hands over;
 *   3. the write path adopts the table (opens it, rebuilds its index) and applies its changes
 *      from transactions after Y: no gap, no duplicate.
 * Meanwhile the main stream skips the table's changes, recording each skipped transaction.
 * The watermark keeps naming the table's last served snapshot (protected from expiry), so
 * readers see the old version until the new one is complete and the catalog agrees.
 * Threads: the worker touches only its own source, lake and table; it and the write path share
 * only the fields under lock. It stops at its stop flag (checked at every stream wait).
 */
#include "mirror/mirror_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKER_FLUSH_US (INT64_C(1000) * 1000)
#define WORKER_RETRY_US (INT64_C(5) * 1000 * 1000)

enum { WORKER_RUNNING = 0, WORKER_HANDED, WORKER_FAILED };

struct mirror_worker {
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t lock;
    int phase;        /* guarded by lock */
    am_lsn_t handed;  /* guarded by lock: the table holds every transaction before it */
    am_lsn_t skipped; /* guarded by lock: the main stream skipped the table's changes of the
                         transaction committed here (final LSN), and of none later */
    am_err_t err;     /* guarded by lock */
    /* what to copy, owned, read-only once the thread runs */
    source_options_t so;
    source_table_ref_t ref;
    bool insert_only;
    char *warehouse;
    char *location;
    char *spec;
    uint32_t relid;
    int64_t protect;
    mirror_rec_t old; /* the rec of the version being replaced (n_attrs 0: none) */
    int64_t started_us;
    int64_t rows;
    int64_t max_memory; /* the write path's budget (mirror_options_t) */
};

/* The worker's own state while it runs. */
typedef struct job {
    mirror_worker_t *w;
    lake_t *lake;
    source_t *src;
    mirror_table_t t;
    source_table_state_t *st; /* under the copy's snapshot */
    am_lsn_t point;
    bool in_txn;
    am_lsn_t final_lsn;
    int64_t flushed_us;
} job_t;

static void worker_free(mirror_worker_t *w)
{
    free((char *)w->so.host);
    free((char *)w->so.user);
    free((char *)w->so.password);
    free((char *)w->so.database);
    free((char *)w->so.slot);
    free((char *)w->so.publication);
    free((char *)w->ref.schema);
    free((char *)w->ref.name);
    free(w->warehouse);
    free(w->location);
    free(w->spec);
    mirror__rec_destroy(&w->old);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* ---- the copy ------------------------------------------------------------------------------ */

static bool on_state(void *ud, const source_table_state_t *st, am_err_t *err)
{
    (void)err;
    job_t *j = ud;
    source_table_states_free(j->st, j->st ? 1 : 0);
    j->st = am_xcalloc(1, sizeof *j->st);
    mirror__state_copy(j->st, st);
    return true;
}

static bool on_slot(void *ud, am_lsn_t point, am_err_t *err)
{
    (void)err;
    ((job_t *)ud)->point = point;
    return true;
}

/* The rec of the new version: its state, its fields, the names it had. */
static void new_rec(job_t *j, const lake_column_t *cols, size_t n)
{
    mirror_worker_t *w = j->w;
    int32_t *fields = am_xcalloc(n + 1, sizeof *fields);
    for (size_t i = 0; i < n; i++)
        fields[i] = cols[i].field_id;
    mirror__rec_from_state(&j->t.rec, j->st, fields, n);
    free(fields);
    free(j->t.rec.names);
    j->t.rec.names = am_xcalloc(w->old.n_names + 2, sizeof *j->t.rec.names);
    for (size_t i = 0; i < w->old.n_names; i++)
        j->t.rec.names[j->t.rec.n_names++] = am_xstrdup(w->old.names[i]);
    if (w->old.st.name &&
        (strcmp(w->old.st.schema, j->st->schema) != 0 || strcmp(w->old.st.name, j->st->name) != 0))
        j->t.rec.names[j->t.rec.n_names++] =
            am_xasprintf("%s.%s", w->old.st.schema, w->old.st.name);
    j->t.rec.spec = w->spec ? am_xstrdup(w->spec) : NULL;
    j->t.has_rec = true;
}

/* The existing lake table, every row removed and the schema replaced in the same commit. */
static lake_table_t *replace_table(job_t *j, const source_relation_t *rel, am_err_t *err)
{
    lake_table_t *lt = lake_table_open_at(j->lake, j->w->location, err);
    if (!lt)
        return NULL;
    lake_table_protect(lt, j->w->protect);
    lake_batch_t *b = lake_batch_new(lt);
    lake_batch_truncate(b);
    const mirror_rec_t *old = j->w->old.st.n_attrs ? &j->w->old : NULL;
    lake_column_t *cols = mirror__lake_columns(rel, j->st, old, NULL);
    am_err_t e = {0};
    bool ok = lake_table_set_schema(lt, cols, rel->n_cols, &e);
    if (!ok && strcmp(e.sqlstate, AM_SQLSTATE_UNSUPPORTED) == 0) {
        /* the lake cannot widen a kept field to this type: every column a new field */
        for (size_t i = 0; i < rel->n_cols; i++)
            cols[i].field_id = 0;
        ok = lake_table_set_schema(lt, cols, rel->n_cols, &e);
    }
    mirror__lake_columns_free(cols, rel->n_cols);
    if (!ok) {
        *err = e;
        lake_batch_free(b);
        lake_table_close(lt);
        return NULL;
    }
    j->t.batch = b;
    return lt;
}

static lake_table_t *create_table(job_t *j, const source_relation_t *rel, am_err_t *err)
{
    lake_column_t *cols = mirror__lake_columns(rel, j->st, NULL, NULL);
    lake_table_t *lt = lake_table_create_at(j->lake, j->w->location, cols, rel->n_cols, err);
    mirror__lake_columns_free(cols, rel->n_cols);
    return lt;
}

static bool on_begin(void *ud, const source_relation_t *rel, int64_t est_rows, am_err_t *err)
{
    job_t *j = ud;
    if (!j->st)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "copy of %s.%s: no catalog state", rel->schema,
                          rel->name);
    bool exists = lake_table_exists_at(j->lake, j->w->location);
    lake_table_t *lt = exists ? replace_table(j, rel, err) : create_table(j, rel, err);
    if (!lt)
        return false;
    new_rec(j, lake_table_columns(lt), lake_table_n_columns(lt));
    char *json = mirror__rec_encode(&j->t.rec);
    lake_table_set_property(lt, MIRROR_PROP_SOURCE, json);
    free(json);
    lake_batch_t *b = j->t.batch;
    j->t.batch = NULL;
    if (!mirror__table_setup(&j->t, lt, err)) {
        lake_batch_free(b);
        return false;
    }
    j->t.batch = b ? b : lake_batch_new(lt); /* the rec is committed with the rows */
    lake_batch_stream(j->t.batch);           /* only rows until on_end commits them */
    int16_t *attnums = am_xcalloc(rel->n_cols + 1, sizeof *attnums);
    for (size_t i = 0, k = 0; i < j->st->n_attrs && k < rel->n_cols; i++)
        if (!j->st->attrs[i].generated)
            attnums[k++] = j->st->attrs[i].attnum;
    bool ok = mirror__table_bind(&j->t, rel, attnums, 0, err);
    free(attnums);
    if (ok) {
        /* sized for the estimate; keys only come in until on_end commits them */
        mirror__index_feed_begin(&j->t, est_rows);
    }
    return ok;
}

static bool on_row(void *ud, const am_value_t *vals, am_err_t *err)
{
    job_t *j = ud;
    j->w->rows++;
    return mirror__table_insert(&j->t, vals, false, err);
}

static bool on_end(void *ud, const source_relation_t *rel, int64_t n_rows, am_err_t *err)
{
    (void)rel;
    (void)n_rows;
    job_t *j = ud;
    return mirror__table_commit(&j->t, j->point, err);
}

/* ---- catching up --------------------------------------------------------------------------- */

/* A Relation message for the table: the schema it was copied with, or the copy is void. */
static bool on_relation(job_t *j, const source_relation_t *rel, am_err_t *err)
{
    const source_table_state_t *st = &j->t.rec.st;
    size_t k = 0;
    bool same = true;
    int16_t *attnums = am_xcalloc(rel->n_cols + 1, sizeof *attnums);
    for (size_t i = 0; i < st->n_attrs && same; i++) {
        if (st->attrs[i].generated)
            continue;
        same = k < rel->n_cols && strcmp(rel->cols[k].name, st->attrs[i].name) == 0 &&
               rel->cols[k].type_oid == st->attrs[i].type_oid &&
               rel->cols[k].typmod == st->attrs[i].typmod;
        if (same)
            attnums[k++] = st->attrs[i].attnum;
    }
    bool ok = same && k == rel->n_cols;
    if (ok)
        ok = mirror__table_bind(&j->t, rel, attnums, j->t.lake_lsn, err);
    else
        am_err_set(err, "55000", "table %s.%s changed while it was being copied", rel->schema,
                   rel->name);
    free(attnums);
    return ok;
}

static bool on_change(job_t *j, const source_change_t *ch, am_err_t *err)
{
    mirror_table_t *t = &j->t;
    if (ch->kind == SOURCE_MSG_TRUNCATE) {
        for (size_t i = 0; i < ch->n_truncate; i++) {
            if (ch->truncate_relids[i] != j->w->relid)
                continue;
            mirror__table_truncate(t);
            t->txn_touched = true;
        }
        return true;
    }
    if (ch->rel->relid != j->w->relid)
        return true;
    if (ch->kind == SOURCE_MSG_RELATION)
        return on_relation(j, ch->rel, err);
    if (t->bound != ch->rel && !on_relation(j, ch->rel, err))
        return false;
    t->txn_touched = true;
    if (ch->kind == SOURCE_MSG_INSERT)
        return mirror__table_insert(t, ch->new_vals, true, err);
    if (ch->kind == SOURCE_MSG_UPDATE)
        return mirror__table_update(t, ch->old_vals, ch->new_vals, err);
    return mirror__table_delete(t, ch->old_vals, err);
}

/* At y (every transaction before it applied): hands over when the main stream has skipped
 * nothing at or after y. */
static bool try_handover(job_t *j, am_lsn_t y, bool *handed, am_err_t *err)
{
    mirror_worker_t *w = j->w;
    pthread_mutex_lock(&w->lock);
    bool ready = w->skipped < y;
    pthread_mutex_unlock(&w->lock);
    *handed = false;
    bool due = am_mono_us() - j->flushed_us >= WORKER_FLUSH_US;
    if (!ready && !due)
        return true;
    if (ready && y > j->t.lake_lsn) { /* a snapshot at y even when nothing changed */
        char lsn[32];
        lake_table_set_property(j->t.lt, MIRROR_PROP_CAUGHT_UP, am_lsn_format(y, lsn, sizeof lsn));
        if (!j->t.batch)
            j->t.batch = lake_batch_new(j->t.lt);
    }
    if (!mirror__table_commit(&j->t, y, err))
        return false;
    j->flushed_us = am_mono_us();
    if (!ready)
        return true;
    /* the main stream may have skipped more meanwhile: look again under the lock */
    pthread_mutex_lock(&w->lock);
    ready = w->skipped < y;
    if (ready) {
        w->phase = WORKER_HANDED;
        w->handed = y;
    }
    pthread_mutex_unlock(&w->lock);
    *handed = ready;
    return true;
}

static bool stream_step(job_t *j, const source_change_t *ch, bool *handed, am_err_t *err)
{
    switch (ch->kind) {
    case SOURCE_MSG_BEGIN:
        j->in_txn = true;
        j->final_lsn = ch->final_lsn;
        return true;
    case SOURCE_MSG_COMMIT:
        j->in_txn = false;
        j->t.txn_touched = false;
        return try_handover(j, ch->end_lsn, handed, err);
    case SOURCE_MSG_RELATION:
    case SOURCE_MSG_INSERT:
    case SOURCE_MSG_UPDATE:
    case SOURCE_MSG_DELETE:
    case SOURCE_MSG_TRUNCATE:
        /* the copy holds every transaction committed before its snapshot */
        if (ch->kind != SOURCE_MSG_RELATION && j->final_lsn < j->t.lake_lsn)
            return true;
        return on_change(j, ch, err);
    default:
        return true;
    }
}

static bool catch_up(job_t *j, am_err_t *err)
{
    /* the main stream has skipped nothing at or after the copy's snapshot (the usual case
     * when it is not far behind): it applies everything after it itself */
    bool handed = false;
    j->flushed_us = 0;
    if (!try_handover(j, j->point, &handed, err) || handed)
        return handed;
    if (!source_stream_start(j->src, j->point, err))
        return false;
    j->flushed_us = am_mono_us();
    while (!handed && !atomic_load(&j->w->stop)) {
        source_change_t ch;
        bool got = false;
        if (!source_next(j->src, 100, &ch, &got, err))
            return false;
        if (got) {
            if (!stream_step(j, &ch, &handed, err))
                return false;
            continue;
        }
        am_lsn_t idle = j->in_txn ? 0 : source_idle_lsn(j->src);
        if (idle > j->t.lake_lsn && !try_handover(j, idle, &handed, err))
            return false;
        source_ack(j->src, j->t.lake_lsn, true);
    }
    return true;
}

/* The table's name now: it may have been renamed since the write path last looked (the copy
 * finds its table by name; a rename between this and its snapshot fails it, and it is tried
 * again). */
static bool current_name(job_t *j, am_err_t *err)
{
    mirror_worker_t *w = j->w;
    source_table_state_t *st = NULL;
    size_t n = 0;
    am_lsn_t after = 0;
    if (!source_table_states(j->src, &w->relid, 1, &st, &n, &after, err))
        return false;
    bool ok = n == 1;
    if (!ok)
        am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table %s.%s (relation id %u) does not exist",
                   w->ref.schema, w->ref.name, w->relid);
    else if (strcmp(st->schema, w->ref.schema) != 0 || strcmp(st->name, w->ref.name) != 0) {
        free((char *)w->ref.schema);
        free((char *)w->ref.name);
        w->ref.schema = am_xstrdup(st->schema);
        w->ref.name = am_xstrdup(st->name);
    }
    source_table_states_free(st, n);
    return ok;
}

static bool run_job(job_t *j, am_err_t *err)
{
    mirror_worker_t *w = j->w;
    j->lake = lake_open(w->warehouse, err);
    if (!j->lake)
        return false;
    lake_set_file_bytes(j->lake, w->max_memory / 4);
    if (!lake_set_memory_limit(j->lake, w->max_memory / 2, err))
        return false;
    j->src = source_open(&w->so, err);
    if (!j->src)
        return false;
    source_copy_sink_t sink = {.slot_created = on_slot,
                               .table_begin = on_begin,
                               .row = on_row,
                               .table_end = on_end,
                               .table_state = on_state};
    am_lsn_t point = 0;
    return current_name(j, err) && source_initial_copy(j->src, &sink, j, &point, err) &&
           catch_up(j, err);
}

static void *worker_main(void *ud)
{
    mirror_worker_t *w = ud;
    job_t j = {.w = w};
    j.t.relid = w->relid;
    j.t.schema = am_xstrdup(w->ref.schema);
    j.t.name = am_xstrdup(w->ref.name);
    j.t.insert_only = w->insert_only;
    j.t.keep_max = w->max_memory / 8;
    am_err_t err = {0};
    bool ok = run_job(&j, &err);
    mirror__table_destroy(&j.t);
    source_table_states_free(j.st, j.st ? 1 : 0);
    source_close(j.src);
    lake_close(j.lake);
    pthread_mutex_lock(&w->lock);
    if (!ok) {
        w->phase = WORKER_FAILED;
        w->err = err;
    } else if (w->phase == WORKER_RUNNING) {
        w->phase = WORKER_FAILED; /* stopped before it was done */
        am_err_set(&w->err, "57014", "stopped");
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* ---- the write path's side ----------------------------------------------------------------- */

static char *temp_slot(const char *slot, uint32_t relid)
{
    char suffix[24];
    int n = snprintf(suffix, sizeof suffix, "_c%u", relid);
    size_t keep = strlen(slot);
    if (keep + (size_t)n > 63)
        keep = 63 - (size_t)n;
    return am_xasprintf("%.*s%s", (int)keep, slot, suffix);
}

static mirror_worker_t *worker_new(const mirror_t *m, const mirror_table_t *t)
{
    mirror_worker_t *w = am_xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    atomic_init(&w->stop, false);
    const source_options_t *o = &m->opts.source;
    w->ref.schema = am_xstrdup(t->schema);
    w->ref.name = am_xstrdup(t->name);
    w->insert_only = t->insert_only;
    w->so = (source_options_t){.host = am_xstrdup(o->host),
                               .port = o->port,
                               .user = am_xstrdup(o->user),
                               .password = am_xstrdup(o->password),
                               .database = am_xstrdup(o->database),
                               .slot = temp_slot(o->slot, t->relid),
                               .publication = am_xstrdup(o->publication),
                               .tables = &w->ref,
                               .n_tables = 1,
                               .insert_only = &w->insert_only,
                               .temporary_slot = true,
                               .spill_bytes = o->spill_bytes};
    w->max_memory = m->opts.max_memory;
    w->warehouse = am_xstrdup(m->warehouse);
    w->location = am_xstrdup(t->location);
    w->spec = t->spec ? am_xstrdup(t->spec) : NULL;
    w->relid = t->relid;
    w->protect = t->served_snapshot;
    if (t->has_rec)
        mirror__rec_copy(&w->old, &t->rec);
    w->started_us = am_mono_us();
    return w;
}

void mirror__copy_start(mirror_t *m, mirror_table_t *t, const char *why)
{
    char table[300];
    snprintf(table, sizeof table, "%s.%s", t->schema, t->name);
    am_log_info("mirror", t->served_snapshot >= 0 ? "copying table again" : "copying new table",
                AM_KV_STR("table", table), AM_KV_STR("why", why));
    mirror__table_close(t);
    t->pending = false;
    t->n_trunc_xids = 0;
    mirror__table_set_state(m, t, MIRROR_T_COPY, why);
    if (t->served_snapshot >= 0)
        health_metric_add(m->metrics.recopies, 1);
    t->worker = worker_new(m, t);
    if (pthread_create(&t->worker->thread, NULL, worker_main, t->worker) != 0) {
        am_log_error("mirror", "could not start a copy thread", AM_KV_STR("table", table));
        worker_free(t->worker);
        t->worker = NULL;
        t->retry_at_us = am_mono_us() + WORKER_RETRY_US;
    }
}

void mirror__copy_skipped(mirror_table_t *t, am_lsn_t final_lsn)
{
    mirror_worker_t *w = t->worker;
    if (!w)
        return; /* waiting to start again: the next copy's snapshot comes later anyway */
    pthread_mutex_lock(&w->lock);
    if (final_lsn > w->skipped)
        w->skipped = final_lsn;
    pthread_mutex_unlock(&w->lock);
}

void mirror__copy_stop(mirror_table_t *t)
{
    if (!t->worker)
        return;
    atomic_store(&t->worker->stop, true);
    pthread_join(t->worker->thread, NULL);
    worker_free(t->worker);
    t->worker = NULL;
}

/* The copied table becomes the write path's. */
static bool adopt(mirror_t *m, mirror_table_t *t, am_lsn_t handed, am_err_t *err)
{
    lake_table_t *lt = lake_table_open_at(m->lake, t->location, err);
    if (!lt)
        return false;
    const char *json = lake_table_property(lt, MIRROR_PROP_SOURCE);
    if (t->has_rec)
        mirror__rec_destroy(&t->rec);
    t->has_rec = json && mirror__rec_decode(json, &t->rec, err);
    if (!t->has_rec) {
        lake_table_close(lt);
        return am_err_set(err, "XX001", "table %s.%s: the copy left no source state", t->schema,
                          t->name);
    }
    if (!mirror__table_setup(t, lt, err) || !mirror__index_rebuild(t, err))
        return false;
    AM_ASSERT(t->lake_lsn >= handed); /* the worker committed there */
    free(t->schema);
    free(t->name);
    t->schema = am_xstrdup(t->rec.st.schema);
    t->name = am_xstrdup(t->rec.st.name);
    t->write_fp = mirror__state_fp(&t->rec.st);
    lake_table_protect(lt, t->served_snapshot);
    m->catalog_dirty = true;
    return true;
}

bool mirror__copy_poll(mirror_t *m, mirror_table_t *t, bool *changed, am_err_t *err)
{
    *changed = false;
    mirror_worker_t *w = t->worker;
    if (!w) {
        if (am_mono_us() >= t->retry_at_us)
            mirror__copy_start(m, t, "copying again after a failed attempt");
        return true;
    }
    pthread_mutex_lock(&w->lock);
    int phase = w->phase;
    am_lsn_t handed = w->handed;
    am_err_t werr = w->err;
    pthread_mutex_unlock(&w->lock);
    if (phase == WORKER_RUNNING)
        return true;
    pthread_join(w->thread, NULL);
    int64_t ms = (am_mono_us() - w->started_us) / 1000;
    int64_t rows = w->rows;
    worker_free(w);
    t->worker = NULL;
    char table[300];
    snprintf(table, sizeof table, "%s.%s", t->schema, t->name);
    if (phase == WORKER_FAILED) {
        am_log_warn("mirror", "copy of a table failed, trying again", AM_KV_STR("table", table),
                    AM_KV_ERR(&werr), AM_KV_I64("retry_in_ms", WORKER_RETRY_US / 1000));
        t->retry_at_us = am_mono_us() + WORKER_RETRY_US;
        return true;
    }
    if (!adopt(m, t, handed, err))
        return false;
    char lsn[32];
    am_log_info("mirror", "table copied while the others streamed", AM_KV_STR("table", table),
                AM_KV_I64("rows", rows), AM_KV_I64("ms", ms),
                AM_KV_STR("caught_up_at", am_lsn_format(handed, lsn, sizeof lsn)));
    mirror__table_set_state(m, t, MIRROR_T_ACTIVE, "");
    *changed = true;
    return true;
}
