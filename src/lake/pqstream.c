/*
 * lake/pqstream.c: a data file written while its rows arrive, for batches that only append
 * (an initial copy). The temp table of parquet.c costs a copy of every row into DuckDB's
 * storage (statistics, distinct-count sketches, pages faulted in and given back) before the
 * COPY reads it all again; here the COPY runs from the start, on a thread and a connection of
 * its own, and reads the writer's data chunks from a bounded queue through the table function
 * am_stream(id). The writer's thread fills the next chunk while DuckDB encodes the last one.
 * Positions stay ordinals: one source thread, and the COPY keeps insertion order.
 * Threads: the queue and the flags are under mu; everything else belongs to the writer's
 * thread, except what the COPY thread reads after start (types, sql, con), which nothing
 * changes until it is joined.
 * Must not: leave a chunk behind in DuckDB that the writer will fill again (a pushed chunk is
 * the queue's, then DuckDB's: the writer takes a new one).
 */
#include "lake/lake_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The queue holds at most this many chunks and bytes (at least one chunk, however wide). */
#define PQS_QUEUE_CHUNKS 64
#define PQS_QUEUE_BYTES LAKE_ROW_GROUP_BYTES
/* The COPY starts once this many rows are in: their width sizes its row groups. */
#define PQS_START_ROWS 16384

struct lake__pqs {
    uint64_t id;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    duckdb_data_chunk queue[PQS_QUEUE_CHUNKS];
    int64_t queue_bytes[PQS_QUEUE_CHUNKS];
    size_t head, n;
    int64_t bytes; /* of the chunks queued */
    bool ended;    /* the writer pushes no more */
    bool cancel;   /* the writer gives the file up: the COPY ends at once */
    bool stopped;  /* the COPY returned (its outcome in failed, err) */
    bool failed;
    am_err_t err;
    /* set before the thread starts, read-only while it runs */
    bool started;
    pthread_t thread;
    duckdb_connection con;
    char *sql;
    size_t n_cols;
    duckdb_logical_type *types;
    struct lake__pqs *next; /* in the registry */
    /* the file's options, kept until the COPY starts */
    char *abs_path;
    char *schema_json;
    int32_t *field_ids;
    int32_t *elem_ids;
    const lake_column_t *cols; /* the table's, for the metrics */
    uint8_t *metrics;          /* set by the COPY's thread before it stops (colstats.c) */
    size_t metrics_len;
};

/* am_stream(id) finds its stream here: bind data cannot be handed in from outside. */
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static lake__pqs_t *registry;
static uint64_t registry_seq;

static void registry_add(lake__pqs_t *s)
{
    pthread_mutex_lock(&registry_mu);
    s->id = ++registry_seq;
    s->next = registry;
    registry = s;
    pthread_mutex_unlock(&registry_mu);
}

static void registry_remove(lake__pqs_t *s)
{
    pthread_mutex_lock(&registry_mu);
    for (lake__pqs_t **p = &registry; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    pthread_mutex_unlock(&registry_mu);
}

static lake__pqs_t *registry_find(uint64_t id)
{
    pthread_mutex_lock(&registry_mu);
    lake__pqs_t *s = registry;
    while (s && s->id != id)
        s = s->next;
    pthread_mutex_unlock(&registry_mu);
    return s;
}

/* ---- the table function (runs on the COPY's thread) ------------------------------------- */

static void stream_bind(duckdb_bind_info info)
{
    duckdb_value v = duckdb_bind_get_parameter(info, 0);
    int64_t id = v ? duckdb_get_int64(v) : 0;
    duckdb_destroy_value(&v);
    lake__pqs_t *s = id > 0 ? registry_find((uint64_t)id) : NULL;
    if (!s) {
        duckdb_bind_set_error(info, "am_stream: no such stream");
        return;
    }
    for (size_t i = 0; i < s->n_cols; i++) {
        char name[24];
        (void)snprintf(name, sizeof name, "c%zu", i);
        duckdb_bind_add_result_column(info, name, s->types[i]);
    }
    duckdb_bind_set_bind_data(info, s, NULL);
}

static void stream_init(duckdb_init_info info)
{
    duckdb_init_set_max_threads(info, 1); /* one reader: rows stay in order */
}

static void stream_next(duckdb_function_info info, duckdb_data_chunk out)
{
    lake__pqs_t *s = duckdb_function_get_bind_data(info);
    pthread_mutex_lock(&s->mu);
    while (s->n == 0 && !s->ended && !s->cancel)
        pthread_cond_wait(&s->cv, &s->mu);
    duckdb_data_chunk c = NULL;
    if (!s->cancel && s->n > 0) {
        c = s->queue[s->head];
        s->bytes -= s->queue_bytes[s->head];
        s->head = (s->head + 1) % PQS_QUEUE_CHUNKS;
        s->n--;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    if (!c) {
        duckdb_data_chunk_set_size(out, 0);
        return;
    }
    /* column 0 of the writer's chunk is its ordinal, which the file does not hold; the
     * output shares the buffers, which outlive the chunk destroyed here */
    for (size_t i = 0; i < s->n_cols; i++)
        duckdb_vector_reference_vector(duckdb_data_chunk_get_vector(out, i),
                                       duckdb_data_chunk_get_vector(c, i + 1));
    duckdb_data_chunk_set_size(out, duckdb_data_chunk_get_size(c));
    duckdb_destroy_data_chunk(&c);
}

static bool register_function(lake_t *lake, am_err_t *err)
{
    if (lake->stream_fn)
        return true;
    duckdb_table_function tf = duckdb_create_table_function();
    duckdb_table_function_set_name(tf, "am_stream");
    duckdb_logical_type bigint = duckdb_create_logical_type(DUCKDB_TYPE_BIGINT);
    duckdb_table_function_add_parameter(tf, bigint);
    duckdb_destroy_logical_type(&bigint);
    duckdb_table_function_set_bind(tf, stream_bind);
    duckdb_table_function_set_init(tf, stream_init);
    duckdb_table_function_set_function(tf, stream_next);
    bool ok = duckdb_register_table_function(lake->con, tf) == DuckDBSuccess;
    duckdb_destroy_table_function(&tf);
    if (!ok)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register am_stream");
    lake->stream_fn = true;
    return true;
}

/* ---- the COPY's thread -------------------------------------------------------------------- */

/* The COPY, a task at a time. DuckDB's worker thread usually takes the file's one pipeline
 * (it waits on the queue between chunks), and duckdb_query's caller then polls the scheduler
 * in a loop for the whole file: perf put 4-5% of the machine's CPU there during a 10 M-row
 * copy, CPU the copy itself was short of. This thread naps instead while no task is left for
 * it; a nap costs the file at most PQS_NAP_NS at its end. */
#define PQS_NAP_NS 1000000L

/* As lake__duck_exec words DuckDB's errors. */
static bool duck_failed(const char *msg, am_err_t *err)
{
    return am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", msg ? msg : "query failed");
}

static bool copy_run(lake__pqs_t *s, am_err_t *err)
{
    duckdb_prepared_statement st = NULL;
    if (duckdb_prepare(s->con, s->sql, &st) == DuckDBError) {
        duck_failed(duckdb_prepare_error(st), err);
        duckdb_destroy_prepare(&st);
        return false;
    }
    duckdb_pending_result pending = NULL;
    bool ok = duckdb_pending_prepared(st, &pending) == DuckDBSuccess;
    for (duckdb_pending_state ps; ok;) {
        ps = duckdb_pending_execute_task(pending);
        if (ps == DUCKDB_PENDING_RESULT_READY)
            break;
        ok = ps != DUCKDB_PENDING_ERROR;
        if (ps == DUCKDB_PENDING_NO_TASKS_AVAILABLE) {
            struct timespec nap = {0, PQS_NAP_NS};
            nanosleep(&nap, NULL);
        }
    }
    if (!ok) {
        duck_failed(pending ? duckdb_pending_error(pending) : NULL, err);
    } else {
        duckdb_result res;
        int64_t rows = 0;
        if (duckdb_execute_pending(pending, &res) == DuckDBError)
            ok = duck_failed(duckdb_result_error(&res), err);
        else if (s->field_ids)
            (void)lake__colstats_result(&res, s->cols, s->field_ids, s->n_cols, &rows, &s->metrics,
                                        &s->metrics_len);
        duckdb_destroy_result(&res);
    }
    duckdb_destroy_pending(&pending);
    duckdb_destroy_prepare(&st);
    return ok;
}

static void *copy_main(void *arg)
{
    lake__pqs_t *s = arg;
    am_err_t err = {0};
    bool ok = copy_run(s, &err);
    pthread_mutex_lock(&s->mu);
    s->stopped = true;
    s->failed = !ok;
    if (!ok)
        s->err = err;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static int32_t *ids_dup(const int32_t *ids, size_t n)
{
    if (!ids)
        return NULL;
    int32_t *out = am_xcalloc(n + 1, sizeof *out);
    memcpy(out, ids, n * sizeof *out);
    return out;
}

bool lake__pqs_open(lake__pq_t *w, const char *abs_path, const int32_t *field_ids,
                    const int32_t *elem_ids, const char *schema_json, am_err_t *err)
{
    if (!register_function(w->lake, err))
        return false;
    lake__pqs_t *s = am_xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->n_cols = w->n_cols;
    s->abs_path = am_xstrdup(abs_path);
    s->schema_json = schema_json ? am_xstrdup(schema_json) : NULL;
    s->field_ids = ids_dup(field_ids, w->n_cols);
    s->elem_ids = ids_dup(elem_ids, w->n_cols);
    s->cols = w->cols;
    registry_add(s);
    w->stream = s;
    return true;
}

static bool start(lake__pq_t *w, am_err_t *err)
{
    lake__pqs_t *s = w->stream;
    if (duckdb_connect(w->lake->db, &s->con) == DuckDBError)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot connect a stream");
    s->types = am_xcalloc(s->n_cols + 1, sizeof(duckdb_logical_type));
    for (size_t i = 0; i < s->n_cols; i++)
        s->types[i] = lake__pq_logical_type(w->cols[i].type);
    char from[48];
    (void)snprintf(from, sizeof from, "am_stream(%llu)", (unsigned long long)s->id);
    am_buf_t sql;
    am_buf_init(&sql);
    lake__pq_copy_sql(w, from, s->abs_path, s->field_ids, s->elem_ids, s->schema_json,
                      lake__pq_group_rows(w->n_bytes, w->n_rows), &sql);
    s->sql = am_buf_steal(&sql, NULL);
    if (pthread_create(&s->thread, NULL, copy_main, s) != 0) {
        duckdb_disconnect(&s->con);
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "cannot start the thread writing \"%s\"",
                          s->abs_path);
    }
    s->started = true;
    return true;
}

/* The COPY's error once it stopped, prefixed with the file. */
static bool copy_error(lake__pqs_t *s, am_err_t *err)
{
    *err = s->err;
    am_err_prefix(err, "write \"%s\"", s->abs_path);
    return false;
}

bool lake__pqs_push(lake__pq_t *w, duckdb_data_chunk c, int64_t bytes, am_err_t *err)
{
    lake__pqs_t *s = w->stream;
    /* before the COPY starts, this thread is the queue's only user: no lock to read it */
    bool full = s->n + 1 >= PQS_QUEUE_CHUNKS || s->bytes + bytes >= PQS_QUEUE_BYTES;
    if (!s->started && (full || w->n_rows >= PQS_START_ROWS) && !start(w, err)) {
        duckdb_destroy_data_chunk(&c);
        return false;
    }
    pthread_mutex_lock(&s->mu);
    while (s->started && !s->stopped &&
           (s->n == PQS_QUEUE_CHUNKS || (s->n > 0 && s->bytes + bytes > PQS_QUEUE_BYTES)))
        pthread_cond_wait(&s->cv, &s->mu);
    bool stopped = s->stopped;
    if (!stopped) {
        size_t at = (s->head + s->n) % PQS_QUEUE_CHUNKS;
        s->queue[at] = c;
        s->queue_bytes[at] = bytes;
        s->n++;
        s->bytes += bytes;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    if (stopped) {
        duckdb_destroy_data_chunk(&c);
        return s->failed ? copy_error(s, err)
                         : am_err_set(err, AM_SQLSTATE_INTERNAL,
                                      "write \"%s\": the COPY ended early", s->abs_path);
    }
    return true;
}

static void stop(lake__pqs_t *s, bool cancel)
{
    pthread_mutex_lock(&s->mu);
    s->ended = true;
    s->cancel = s->cancel || cancel;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->started) {
        pthread_join(s->thread, NULL);
        duckdb_disconnect(&s->con);
        s->started = false;
    }
}

static void destroy(lake__pq_t *w)
{
    lake__pqs_t *s = w->stream;
    registry_remove(s);
    for (size_t i = 0; i < s->n; i++)
        duckdb_destroy_data_chunk(&s->queue[(s->head + i) % PQS_QUEUE_CHUNKS]);
    for (size_t i = 0; s->types && i < s->n_cols; i++)
        duckdb_destroy_logical_type(&s->types[i]);
    free(s->types);
    free(s->sql);
    free(s->abs_path);
    free(s->schema_json);
    free(s->field_ids);
    free(s->elem_ids);
    free(s->metrics);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
    w->stream = NULL;
}

bool lake__pqs_finish(lake__pq_t *w, am_err_t *err)
{
    lake__pqs_t *s = w->stream;
    bool ok = s->started || start(w, err);
    if (ok) {
        stop(s, false);
        ok = !s->failed || copy_error(s, err);
    }
    if (ok) { /* the COPY's thread has stopped: its metrics are the writer's now */
        w->metrics = s->metrics;
        w->metrics_len = s->metrics_len;
        s->metrics = NULL;
    }
    if (!ok)
        stop(s, true);
    destroy(w);
    return ok;
}

void lake__pqs_abort(lake__pq_t *w)
{
    if (!w->stream)
        return;
    stop(w->stream, true);
    destroy(w);
}
