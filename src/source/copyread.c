/*
 * source/copyread.c: the reader threads of the initial copy. Each has a connection of its own
 * that imports the slot's exported snapshot, takes jobs (a whole table, or a range of its
 * pages by CTID: PostgreSQL 14+ answers `ctid >= '(a,0)' AND ctid < '(b,0)'` with a TID range
 * scan, so ranges cost what they read), runs COPY (SELECT ...) TO STDOUT (FORMAT binary) and
 * decodes its rows (copybin.c) into blocks: the raw messages and their values in one arena,
 * handed to the table's queue. The caller's thread takes blocks from the queues in table
 * order and feeds the sink (copy.c), so reading and decoding overlap writing, and PostgreSQL
 * is read on several connections at once. Memory is bounded: a queue holds at most
 * COPY_QUEUE_BLOCKS blocks; a reader waits when its table's is full.
 * Stops when copy->stop is set (an error anywhere, or the sink's): every wait checks it.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_ROWS 2048
#define BLOCK_BYTES ((size_t)4 * 1024 * 1024)

static void block_free(source_copy_block_t *b)
{
    if (!b)
        return;
    am_arena_free(b->arena);
    free(b->vals);
    free(b);
}

/* Blocks go back to a free list rather than to malloc: their arenas and value arrays are big
 * enough for malloc to map and unmap them each time, and page faults would cost more than the
 * rows. The list holds at most what the queues can. */
void source__copy_block_free(source_copy_t *cp, source_copy_block_t *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&cp->lock);
    bool keep = cp->n_free < COPY_QUEUE_BLOCKS * (cp->n_tables + (size_t)cp->n_readers);
    if (keep) {
        b->next = cp->free_blocks;
        cp->free_blocks = b;
        cp->n_free++;
    }
    pthread_mutex_unlock(&cp->lock);
    if (!keep)
        block_free(b);
}

void source__copy_blocks_release(source_copy_t *cp)
{
    while (cp->free_blocks) {
        source_copy_block_t *b = cp->free_blocks;
        cp->free_blocks = b->next;
        block_free(b);
    }
    cp->n_free = 0;
}

static source_copy_block_t *block_new(source_copy_t *cp, size_t n_cols)
{
    size_t n_vals = (size_t)BLOCK_ROWS * (n_cols ? n_cols : 1);
    pthread_mutex_lock(&cp->lock);
    source_copy_block_t *b = cp->free_blocks;
    if (b) {
        cp->free_blocks = b->next;
        cp->n_free--;
    }
    pthread_mutex_unlock(&cp->lock);
    if (!b) {
        b = am_xcalloc(1, sizeof *b);
        b->arena = am_arena_new((size_t)256 * 1024);
    }
    am_arena_reset(b->arena);
    if (b->cap_vals < n_vals) {
        free(b->vals);
        b->vals = am_xmalloc(n_vals * sizeof *b->vals);
        b->cap_vals = n_vals;
    }
    b->next = NULL;
    b->n_rows = 0;
    return b;
}

void source__copy_fail(source_copy_t *cp, const am_err_t *err)
{
    pthread_mutex_lock(&cp->lock);
    if (!cp->failed) {
        cp->failed = true;
        cp->err = *err;
    }
    atomic_store(&cp->stop, true);
    pthread_cond_broadcast(&cp->cond);
    pthread_mutex_unlock(&cp->lock);
}

/* Hands b to its table's queue, waiting while the queue is full; false when stopping. */
static bool push(source_copy_t *cp, source_copy_table_t *t, source_copy_block_t *b)
{
    pthread_mutex_lock(&cp->lock);
    while (t->n_queued >= COPY_QUEUE_BLOCKS && !atomic_load(&cp->stop))
        pthread_cond_wait(&cp->cond, &cp->lock);
    bool ok = !atomic_load(&cp->stop);
    if (ok) {
        if (t->tail)
            t->tail->next = b;
        else
            t->head = b;
        t->tail = b;
        t->n_queued++;
        pthread_cond_broadcast(&cp->cond);
    }
    pthread_mutex_unlock(&cp->lock);
    if (!ok)
        source__copy_block_free(cp, b);
    return ok;
}

/* SELECT list: native columns as they are, the others as their text output. */
static void copy_sql(const source_copy_table_t *t, const source_copy_job_t *j, am_buf_t *sql)
{
    am_buf_puts(sql, "COPY (SELECT ");
    for (size_t i = 0; i < t->rel->n_cols; i++) {
        if (i)
            am_buf_puts(sql, ", ");
        source_copybin_select(sql, &t->rel->cols[i]);
    }
    /* ONLY: inheritance children are tables of their own; a partitioned root has no rows of
     * its own, its partitions are published under its name */
    am_buf_puts(sql, t->partitioned ? " FROM " : " FROM ONLY ");
    am_sql_ident(sql, t->ref->schema);
    am_buf_putc(sql, '.');
    am_sql_ident(sql, t->ref->name);
    if (j->lo_page > 0 || j->hi_page >= 0)
        am_buf_printf(sql, " WHERE ctid >= '(%lld,0)'::tid", (long long)j->lo_page);
    if (j->hi_page >= 0)
        am_buf_printf(sql, " AND ctid < '(%lld,0)'::tid", (long long)j->hi_page);
    am_buf_puts(sql, ") TO STDOUT (FORMAT binary)");
}

typedef struct reader {
    source_copy_t *cp;
    PGconn *conn;
    source_copy_table_t *t;
    source_copy_block_t *b;
    bool header;
    int64_t rows;
} reader_t;

/* One CopyData message: copied into the block's arena, decoded there. *end at the trailer. */
static bool one_row(reader_t *rd, const char *msg, size_t len, bool *end, am_err_t *err)
{
    source_copy_table_t *t = rd->t;
    size_t n_cols = t->rel->n_cols, used = 0;
    const uint8_t *p = am_arena_memdup(rd->b->arena, msg, len);
    if (!rd->header && !source_copybin_header(p, len, &used, err))
        return false;
    rd->header = true;
    am_value_t *vals = &rd->b->vals[rd->b->n_rows * n_cols];
    if (!source_copybin_row(t->rel->cols, n_cols, p + used, len - used, rd->b->arena, vals, end,
                            err))
        return false;
    if (*end)
        return true;
    rd->b->n_rows++;
    rd->rows++;
    if (rd->b->n_rows == BLOCK_ROWS || am_arena_used(rd->b->arena) >= BLOCK_BYTES) {
        source_copy_block_t *full = rd->b;
        rd->b = block_new(rd->cp, n_cols);
        if (!push(rd->cp, t, full))
            return am_err_set(err, SOURCE_COPY_STOPPED, "copy stopped");
    }
    return true;
}

static bool read_rows(reader_t *rd, am_err_t *err)
{
    bool end = false;
    while (!atomic_load(&rd->cp->stop)) {
        char *msg = NULL;
        int n = PQgetCopyData(rd->conn, &msg, 0);
        if (n == -1)
            break;
        if (n < 0)
            return source__pg_err(err, rd->conn, NULL, "copy");
        bool ok = end ? am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                                   "binary COPY: data after the trailer")
                      : one_row(rd, msg, (size_t)n, &end, err);
        PQfreemem(msg);
        if (!ok) {
            am_err_prefix(err, "row %lld of this range", (long long)rd->rows + 1);
            return false;
        }
    }
    if (atomic_load(&rd->cp->stop))
        return am_err_set(err, SOURCE_COPY_STOPPED, "copy stopped");
    PGresult *res = PQgetResult(rd->conn);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        source__pg_err(err, rd->conn, res, "copy");
    PQclear(res);
    while ((res = PQgetResult(rd->conn)) != NULL)
        PQclear(res);
    return ok;
}

static bool run_job(reader_t *rd, const source_copy_job_t *j, am_err_t *err)
{
    rd->t = &rd->cp->tables[j->table];
    rd->b = block_new(rd->cp, rd->t->rel->n_cols);
    rd->header = false;
    rd->rows = 0;
    am_buf_t sql;
    am_buf_init(&sql);
    copy_sql(rd->t, j, &sql);
    PGresult *res = source__exec(rd->conn, sql.data, 0, NULL, PGRES_COPY_OUT, err);
    am_buf_destroy(&sql);
    PQclear(res);
    bool ok = res && read_rows(rd, err);
    source_copy_block_t *last = rd->b;
    rd->b = NULL;
    if (ok && last->n_rows > 0)
        ok = push(rd->cp, rd->t, last);
    else
        source__copy_block_free(rd->cp, last);
    if (!ok) {
        am_err_prefix(err, "initial copy of %s.%s", rd->t->ref->schema, rd->t->ref->name);
        return false;
    }
    pthread_mutex_lock(&rd->cp->lock);
    rd->t->jobs_left--;
    pthread_cond_broadcast(&rd->cp->cond);
    pthread_mutex_unlock(&rd->cp->lock);
    return true;
}

/* The next job, or NULL when none is left (or stopping). */
static const source_copy_job_t *take_job(source_copy_t *cp)
{
    pthread_mutex_lock(&cp->lock);
    const source_copy_job_t *j = NULL;
    if (!atomic_load(&cp->stop) && cp->next_job < cp->n_jobs)
        j = &cp->jobs[cp->next_job++];
    pthread_mutex_unlock(&cp->lock);
    return j;
}

static void *reader_main(void *arg)
{
    source_copy_t *cp = arg;
    reader_t rd = {.cp = cp};
    am_err_t err = {0};
    rd.conn = source__connect(&cp->src->opts, NULL, &err);
    bool ok = rd.conn && source__snapshot_import(rd.conn, cp->snapshot, &err);
    for (const source_copy_job_t *j; ok && (j = take_job(cp)) != NULL;)
        ok = run_job(&rd, j, &err);
    if (!ok && strcmp(err.sqlstate, SOURCE_COPY_STOPPED) != 0)
        source__copy_fail(cp, &err);
    if (rd.conn)
        PQfinish(rd.conn);
    return NULL;
}

bool source__copy_readers_start(source_copy_t *cp, am_err_t *err)
{
    size_t n = (size_t)cp->n_readers;
    cp->threads = am_xcalloc(n, sizeof *cp->threads);
    for (size_t i = 0; i < n; i++) {
        if (pthread_create(&cp->threads[i], NULL, reader_main, cp) != 0) {
            am_err_set(err, AM_SQLSTATE_INTERNAL, "could not start copy reader %zu", i);
            source__copy_fail(cp, err);
            return false;
        }
        cp->n_threads++;
    }
    return true;
}

void source__copy_readers_stop(source_copy_t *cp)
{
    atomic_store(&cp->stop, true);
    pthread_mutex_lock(&cp->lock);
    pthread_cond_broadcast(&cp->cond);
    pthread_mutex_unlock(&cp->lock);
    for (size_t i = 0; i < cp->n_threads; i++)
        pthread_join(cp->threads[i], NULL);
    cp->n_threads = 0;
    free(cp->threads);
    cp->threads = NULL;
}
