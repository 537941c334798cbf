/*
 * source/copy.c: the consistent initial copy. Creates the slot with an exported snapshot
 * (slot.c), then reads every configured table under that snapshot, so every table shows
 * exactly the state the stream continues from. The replication connection stays silent
 * meanwhile: its next command would end the export (postgres.md §1.2).
 * Planning runs on one connection under the snapshot: each table's relation (relation.c: the
 * columns as pgoutput sends them, their types resolved as the stream resolves them), its
 * catalog state, its size in pages and an estimate of its rows (pg_class.reltuples, or a 1%
 * TABLESAMPLE when it was never analyzed). Big tables are split into ranges of pages.
 * Reader threads (copyread.c, mirror.copy_workers of them) read the jobs in binary COPY on
 * connections of their own and decode them; this thread hands each table's rows to the sink in
 * table order, so the sink sees one table at a time while the next ones are already read.
 * The catalog document (catalog.c) is captured under the same snapshot on a thread and
 * connection of its own while the tables are read (half a second of catalog queries no
 * longer delays the first row) and handed to the sink after the last table.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROGRESS_INTERVAL_US (2 * INT64_C(1000000))
#define MIN_RANGE_PAGES 4096 /* 32 MB: smaller ranges cost more in queries than they save */
#define RANGES_PER_READER 4

static bool exec_ok(PGconn *c, const char *sql, am_err_t *err)
{
    PGresult *res = source__exec(c, sql, 0, NULL, PGRES_COMMAND_OK, err);
    PQclear(res);
    return res != NULL;
}

/* BEGIN REPEATABLE READ and SET TRANSACTION SNAPSHOT as its first statement. */
bool source__snapshot_import(PGconn *c, const char *snapshot, am_err_t *err)
{
    if (!exec_ok(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err))
        return false;
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "SET TRANSACTION SNAPSHOT ");
    am_sql_literal(&sql, snapshot);
    bool ok = exec_ok(c, sql.data, err);
    am_buf_destroy(&sql);
    /* a role's statement_timeout must not cut a long COPY short */
    return ok && exec_ok(c, "SET LOCAL statement_timeout = 0", err);
}

/* ---- planning ------------------------------------------------------------------------------ */

/* One integer answer of sql on c (text parameters). */
static bool query_int(PGconn *c, const char *sql, const char *param, int64_t *out, am_err_t *err)
{
    const char *params[1] = {param};
    PGresult *res = source__exec(c, sql, param ? 1 : 0, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    bool ok = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0);
    *out = ok ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    PQclear(res);
    return true;
}

/* Pages of the table (its partitions' for a partitioned one), and rows when never analyzed:
 * a 1% sample of its pages, or an exact count when it is small. */
static bool plan_size(const source_copy_t *cp, PGconn *c, source_copy_table_t *t, am_err_t *err)
{
    char relid[16];
    (void)snprintf(relid, sizeof relid, "%u", t->rel->relid);
    /* pg_partition_tree (12+) has no rows for a table that is not partitioned */
    const char *pages_sql =
        t->partitioned && cp->src->server_version >= 120000
            ? "SELECT sum(pg_relation_size(relid)) / current_setting('block_size')::bigint "
              "FROM pg_partition_tree($1::oid) WHERE isleaf"
            : "SELECT pg_relation_size($1::oid) / current_setting('block_size')::bigint";
    if (!query_int(c, pages_sql, relid, &t->pages, err))
        return false;
    if (t->est_rows >= 0)
        return true;
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, t->pages > 1000 ? "SELECT count(*) * 100 FROM " : "SELECT count(*) FROM ");
    am_buf_puts(&sql, t->partitioned ? "" : "ONLY ");
    am_sql_ident(&sql, t->ref->schema);
    am_buf_putc(&sql, '.');
    am_sql_ident(&sql, t->ref->name);
    if (t->pages > 1000)
        am_buf_puts(&sql, " TABLESAMPLE SYSTEM (1)");
    bool ok = query_int(c, sql.data, NULL, &t->est_rows, err);
    am_buf_destroy(&sql);
    return ok;
}

static bool plan_table(source_copy_t *cp, PGconn *c, source_copy_table_t *t, bool want_state,
                       am_err_t *err)
{
    t->rel = am_xcalloc(1, sizeof *t->rel);
    t->rel->schema = am_xstrdup(t->ref->schema);
    t->rel->name = am_xstrdup(t->ref->name);
    if (!source__relation_read(c, t->rel, &t->partitioned, &t->est_rows, err) ||
        !plan_size(cp, c, t, err))
        return false;
    if (want_state && !source__table_states_on(c, &t->rel->relid, 1, &t->state, &t->n_state, err))
        return false;
    if (want_state && t->n_state != 1)
        return am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table \"%s.%s\" does not exist",
                          t->ref->schema, t->ref->name);
    return true;
}

/* Jobs: big tables (not partitioned; PostgreSQL 14+ for TID range scans) split by pages so
 * that every reader gets several ranges; the rest whole. */
static void plan_jobs(source_copy_t *cp)
{
    size_t cap = 0;
    for (size_t i = 0; i < cp->n_tables; i++) {
        source_copy_table_t *t = &cp->tables[i];
        int64_t per = t->pages / ((int64_t)cp->n_readers * RANGES_PER_READER);
        per = per < MIN_RANGE_PAGES ? MIN_RANGE_PAGES : per;
        if (cp->src->opts.copy_range_pages > 0)
            per = cp->src->opts.copy_range_pages;
        bool split = cp->n_readers > 1 && !t->partitioned && t->pages >= 2 * per &&
                     cp->src->server_version >= 140000;
        int64_t n = split ? (t->pages + per - 1) / per : 1;
        for (int64_t k = 0; k < n; k++) {
            if (cp->n_jobs == cap) {
                cap = cap ? cap * 2 : 16;
                cp->jobs = am_xrealloc(cp->jobs, cap * sizeof *cp->jobs);
            }
            /* the last range is open: pages added after the size was read hold no row the
             * snapshot sees, but an open end costs nothing */
            cp->jobs[cp->n_jobs++] = (source_copy_job_t){.table = i,
                                                         .lo_page = split ? k * per : 0,
                                                         .hi_page = k + 1 < n ? (k + 1) * per : -1};
        }
        t->jobs_left = (size_t)n;
    }
}

static bool plan(source_copy_t *cp, const source_copy_sink_t *sink, am_err_t *err)
{
    PGconn *c = source__connect(&cp->src->opts, NULL, err);
    bool ok = c && source__snapshot_import(c, cp->snapshot, err);
    for (size_t i = 0; ok && i < cp->n_tables; i++) {
        ok = plan_table(cp, c, &cp->tables[i], sink->table_state != NULL, err);
        if (!ok)
            am_err_prefix(err, "initial copy of %s.%s", cp->tables[i].ref->schema,
                          cp->tables[i].ref->name);
    }
    ok = ok && exec_ok(c, "COMMIT", err);
    if (c)
        PQfinish(c);
    if (ok)
        plan_jobs(cp);
    return ok;
}

/* ---- delivery -------------------------------------------------------------------------------- */

typedef struct progress {
    const source_copy_table_t *t;
    int64_t n_rows;
    int64_t start_us;
    int64_t last_log_us;
} progress_t;

static void log_progress(const progress_t *p, int64_t now_us, const char *msg)
{
    double secs = (double)(now_us - p->start_us) / 1e6;
    double rate = secs > 0 ? (double)p->n_rows / secs : 0;
    int64_t eta_s = -1;
    if (p->t->est_rows > p->n_rows && rate > 0)
        eta_s = (int64_t)((double)(p->t->est_rows - p->n_rows) / rate);
    char table[256];
    (void)snprintf(table, sizeof table, "%s.%s", p->t->ref->schema, p->t->ref->name);
    am_log_info("source", msg, AM_KV_STR("table", table), AM_KV_I64("rows", p->n_rows),
                AM_KV_I64("est_rows", p->t->est_rows), AM_KV_I64("rows_per_s", (int64_t)rate),
                AM_KV_I64("eta_s", eta_s), AM_KV_F64("elapsed_s", secs));
}

/* The table's next block; NULL when its readers are done and its queue empty, or stopping. */
static source_copy_block_t *pop(source_copy_t *cp, source_copy_table_t *t)
{
    pthread_mutex_lock(&cp->lock);
    while (!t->head && t->jobs_left > 0 && !atomic_load(&cp->stop))
        pthread_cond_wait(&cp->cond, &cp->lock);
    source_copy_block_t *b = atomic_load(&cp->stop) ? NULL : t->head;
    if (b) {
        t->head = b->next;
        if (!t->head)
            t->tail = NULL;
        t->n_queued--;
        pthread_cond_broadcast(&cp->cond);
    }
    pthread_mutex_unlock(&cp->lock);
    return b;
}

static bool deliver_block(const source_copy_sink_t *sink, void *ud, progress_t *p,
                          const source_copy_block_t *b, am_err_t *err)
{
    size_t n_cols = p->t->rel->n_cols;
    for (size_t r = 0; r < b->n_rows; r++) {
        if (!sink->row(ud, &b->vals[r * n_cols], err))
            return false;
    }
    p->n_rows += (int64_t)b->n_rows;
    int64_t now = am_mono_us();
    if (now - p->last_log_us >= PROGRESS_INTERVAL_US) {
        p->last_log_us = now;
        log_progress(p, now, "initial copy progress");
    }
    return true;
}

static bool deliver_table(source_copy_t *cp, source_copy_table_t *t, const source_copy_sink_t *sink,
                          void *ud, am_err_t *err)
{
    if (sink->table_state && !sink->table_state(ud, t->state, err))
        return false;
    if (!sink->table_begin(ud, t->rel, t->est_rows, err))
        return false;
    progress_t p = {.t = t, .start_us = am_mono_us()};
    p.last_log_us = p.start_us;
    for (source_copy_block_t *b; (b = pop(cp, t)) != NULL;) {
        bool ok = deliver_block(sink, ud, &p, b, err);
        source__copy_block_free(cp, b);
        if (!ok)
            return false;
    }
    if (atomic_load(&cp->stop))
        return false; /* a reader failed: its error is the copy's */
    if (!sink->table_end(ud, t->rel, p.n_rows, err))
        return false;
    log_progress(&p, am_mono_us(), "initial copy of table done");
    return true;
}

static int readers_for(const source_t *src)
{
    if (src->opts.copy_workers > 0)
        return src->opts.copy_workers;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (int)cores : 1;
}

static void copy_destroy(source_copy_t *cp)
{
    for (size_t i = 0; i < cp->n_tables; i++) {
        source_copy_table_t *t = &cp->tables[i];
        while (t->head) {
            source_copy_block_t *b = t->head;
            t->head = b->next;
            source__copy_block_free(cp, b);
        }
        source__relation_free(t->rel);
        source_table_states_free(t->state, t->n_state);
    }
    source__copy_blocks_release(cp);
    free(cp->tables);
    free(cp->jobs);
    pthread_mutex_destroy(&cp->lock);
    pthread_cond_destroy(&cp->cond);
}

static int64_t total_pages(const source_copy_t *cp)
{
    int64_t n = 0;
    for (size_t i = 0; i < cp->n_tables; i++)
        n += cp->tables[i].pages;
    return n;
}

/* Plans, reads and delivers every table; on failure the first error (a reader's or the
 * sink's) is the copy's. */
static bool copy_tables(source_t *src, const char *snapshot, const source_copy_sink_t *sink,
                        void *ud, am_err_t *err)
{
    source_copy_t cp = {.src = src, .snapshot = snapshot, .n_tables = src->opts.n_tables};
    pthread_mutex_init(&cp.lock, NULL);
    pthread_cond_init(&cp.cond, NULL);
    atomic_init(&cp.stop, false);
    cp.tables = am_xcalloc(cp.n_tables + 1, sizeof *cp.tables);
    for (size_t i = 0; i < cp.n_tables; i++)
        cp.tables[i].ref = &src->opts.tables[i];
    cp.n_readers = readers_for(src);
    bool ok = plan(&cp, sink, err);
    if (ok && (size_t)cp.n_readers > cp.n_jobs)
        cp.n_readers = cp.n_jobs ? (int)cp.n_jobs : 1;
    if (ok)
        am_log_info("source", "initial copy planned", AM_KV_I64("tables", (int64_t)cp.n_tables),
                    AM_KV_I64("jobs", (int64_t)cp.n_jobs), AM_KV_I64("readers", cp.n_readers),
                    AM_KV_I64("pages", (int64_t)total_pages(&cp)));
    ok = ok && source__copy_readers_start(&cp, err);
    for (size_t i = 0; ok && i < cp.n_tables; i++) {
        ok = deliver_table(&cp, &cp.tables[i], sink, ud, err);
        if (!ok && !cp.failed)
            am_err_prefix(err, "initial copy of %s.%s", cp.tables[i].ref->schema,
                          cp.tables[i].ref->name);
    }
    if (!ok && cp.n_threads)
        source__copy_fail(&cp, err);
    source__copy_readers_stop(&cp);
    if (!ok && cp.failed)
        *err = cp.err;
    copy_destroy(&cp);
    return ok;
}

/* The catalog as of the copy's snapshot, so catalog and rows are one moment; captured beside
 * the copy (catalog_start .. catalog_finish). */
typedef struct catalog_job {
    source_t *src;
    const char *snapshot;
    am_lsn_t point;
    am_buf_t doc;
    am_err_t err;
    bool ok;
    bool threaded;
    pthread_t thread;
} catalog_job_t;

static void *catalog_main(void *arg)
{
    catalog_job_t *j = arg;
    PGconn *c = source__connect(&j->src->opts, NULL, &j->err);
    j->ok = c && source__snapshot_import(c, j->snapshot, &j->err) &&
            source__catalog_capture_on(j->src, c, j->point, &j->doc, &j->err) &&
            exec_ok(c, "COMMIT", &j->err);
    if (!j->ok)
        am_err_prefix(&j->err, "catalog capture");
    if (c)
        PQfinish(c);
    return NULL;
}

static void catalog_start(catalog_job_t *j)
{
    am_buf_init(&j->doc);
    /* without a thread it runs at once, before the tables, as it always may */
    j->threaded = pthread_create(&j->thread, NULL, catalog_main, j) == 0;
    if (!j->threaded)
        catalog_main(j);
}

/* Waits for the capture; hands the document to the sink when deliver and all went well. */
static bool catalog_finish(catalog_job_t *j, bool deliver, const source_copy_sink_t *sink, void *ud,
                           am_err_t *err)
{
    if (j->threaded)
        pthread_join(j->thread, NULL);
    bool ok = true;
    if (deliver && !j->ok) {
        *err = j->err;
        ok = false;
    } else if (deliver) {
        ok = sink->catalog(ud, j->doc.data, j->doc.len, err);
    }
    am_buf_destroy(&j->doc);
    return ok;
}

/* The copy failed: the slot is useless without it, and would block the next attempt. A
 * temporary one goes with the connection. */
static void drop_failed_slot(source_t *src)
{
    if (src->opts.temporary_slot)
        return;
    am_err_t drop_err = {0};
    if (!source_slot_drop(src, &drop_err))
        am_log_warn("source", "could not drop the slot of a failed initial copy",
                    AM_KV_STR("slot", src->opts.slot), AM_KV_ERR(&drop_err));
}

bool source_initial_copy(source_t *src, const source_copy_sink_t *sink, void *ud,
                         am_lsn_t *consistent_point, am_err_t *err)
{
    bool exists = false;
    if (!source_slot_exists(src, &exists, err))
        return false;
    if (exists)
        return am_err_set(err, "42710", "replication slot \"%s\" already exists", src->opts.slot);
    char snapshot[128];
    am_lsn_t point = 0;
    if (!source__slot_create(src, &point, snapshot, sizeof snapshot, err))
        return false;
    if (sink->slot_created && !sink->slot_created(ud, point, err)) {
        drop_failed_slot(src);
        return false;
    }
    catalog_job_t cat = {.src = src, .snapshot = snapshot, .point = point};
    if (sink->catalog)
        catalog_start(&cat);
    bool ok = copy_tables(src, snapshot, sink, ud, err);
    if (sink->catalog && !catalog_finish(&cat, ok, sink, ud, err))
        ok = false;
    if (!ok) {
        drop_failed_slot(src);
        return false;
    }
    *consistent_point = point;
    return true;
}
