/*
 * lake/compact_run.c: the heavy half of a compaction, on the compactor's own thread with its
 * own in-memory DuckDB (one worker thread, a memory limit, spilling under _arctic/tmp), so the
 * write path's DuckDB and thread never wait for it. Reads the position delete files the job
 * needs (deleted rows per data file), writes each group of rewritten files as one new data
 * file (their live rows, in file path then row order, columns by field id under the schema the
 * job was planned with) and the rows of merged delete files that stay as one new delete file;
 * syncs them. Nothing a reader follows changes here: the commit (compact_commit.c) does that.
 *
 * Row positions: in input order a rewritten file's surviving rows follow the survivors of the
 * files before it (files sorted by path, as DuckDB's ORDER BY on the file name sorts them: byte
 * order), so row r of input i is row out_row(i) + r - (rows of i deleted before r) of its
 * output. A table with a primary key has its outputs written sorted by key; the output's
 * sorted map then says which row of the file that input-order row became. The COPY's row count
 * is checked against that arithmetic.
 * Spec: reference/iceberg.md sections 7 (position deletes) and 10 (compaction).
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SQLSTATE_CANCELED "57014"
#define OUT_ROWS_MAX (INT64_C(1) << 30) /* rows of one output: far below LAKE_FILE_ROWS_MAX */

struct lake_compactor {
    lake_t *lake;
    int64_t sort_rows_max; /* an output's key order map is held to an eighth of the memory */
};

lake_compactor_t *lake_compactor_new(const char *warehouse, int64_t memory_bytes, am_err_t *err)
{
    lake_t *lake = lake_open(warehouse, err);
    if (!lake)
        return NULL;
    am_buf_t sql;
    am_buf_init(&sql);
    /* one core and its share of the writer's budget: the write path and the proxy keep the
     * rest; a big rewrite sorts on disk rather than growing */
    if (memory_bytes < LAKE_MEMORY_LIMIT_MIN)
        memory_bytes = LAKE_MEMORY_LIMIT_MIN;
    am_buf_printf(&sql,
                  "SET threads = 1; SET memory_limit = '%lldB'; "
                  "SET allocator_flush_threshold = '%lldB'; SET temp_directory = ",
                  (long long)memory_bytes, (long long)(memory_bytes / 4));
    char *tmp = am_xasprintf("%s/_arctic/tmp", lake->warehouse);
    am_sql_literal(&sql, tmp);
    /* DuckDB makes the spill directory when it first spills (and removes it), but not its
     * parent: a lake the mirror has not stamped yet would fail that sort */
    *strrchr(tmp, '/') = '\0';
    bool ok = am_mkdir_p(tmp, err) && lake__duck_exec(lake->con, sql.data, err);
    free(tmp);
    am_buf_destroy(&sql);
    if (!ok) {
        lake_close(lake);
        return NULL;
    }
    lake_compactor_t *c = am_xcalloc(1, sizeof *c);
    c->lake = lake;
    c->sort_rows_max = memory_bytes / 8 / (int64_t)sizeof(int32_t);
    return c;
}

void lake_compactor_interrupt(lake_compactor_t *c)
{
    duckdb_interrupt(c->lake->con);
}

void lake_compactor_free(lake_compactor_t *c)
{
    if (!c)
        return;
    lake_close(c->lake);
    free(c);
}

bool lake_compactor_sweep(lake_compactor_t *c, const char *location, int64_t min_age_ms,
                          int64_t *n_removed, am_err_t *err)
{
    return lake__sweep_at(c->lake, location, min_age_ms, n_removed, err);
}

/* ---- deleted rows ------------------------------------------------------------------------ */

static void cin_push(lake__cin_t *in, int64_t pos)
{
    if (in->n_dels == in->cap_dels) {
        in->cap_dels = in->cap_dels ? in->cap_dels * 2 : 16;
        in->dels = am_xrealloc(in->dels, in->cap_dels * sizeof *in->dels);
    }
    in->dels[in->n_dels++] = pos;
}

typedef struct del_reader {
    lake_compact_job_t *job;
    am_map_t *paths; /* data file URI -> index into job->in */
    bool fold;       /* only rows on rewritten files count */
} del_reader_t;

static bool del_chunk(del_reader_t *r, duckdb_data_chunk chunk, am_err_t *err)
{
    duckdb_vector pv = duckdb_data_chunk_get_vector(chunk, 0);
    duckdb_vector nv = duckdb_data_chunk_get_vector(chunk, 1);
    duckdb_string_t *paths = duckdb_vector_get_data(pv);
    const int64_t *pos = duckdb_vector_get_data(nv);
    uint64_t *pvalid = duckdb_vector_get_validity(pv), *nvalid = duckdb_vector_get_validity(nv);
    idx_t n = duckdb_data_chunk_get_size(chunk);
    for (idx_t i = 0; i < n; i++) {
        if (!duckdb_validity_row_is_valid(pvalid, i) || !duckdb_validity_row_is_valid(nvalid, i))
            return am_err_set(err, "XX001", "a position delete row has a NULL path or position");
        uint64_t k = 0;
        if (!am_map_get(r->paths, duckdb_string_t_data(&paths[i]), duckdb_string_t_length(paths[i]),
                        &k))
            continue; /* dangling: its file is gone already */
        lake__cin_t *in = &r->job->in[k];
        if (!r->fold || in->rewrite)
            cin_push(in, pos[i]);
    }
    return true;
}

static bool stream_deletes(lake_compactor_t *c, del_reader_t *r, const char *sql, am_err_t *err)
{
    duckdb_prepared_statement stmt = NULL;
    if (duckdb_prepare(c->lake->con, sql, &stmt) == DuckDBError) {
        am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_prepare_error(stmt));
        duckdb_destroy_prepare(&stmt);
        return false;
    }
    duckdb_result res;
    bool ok = duckdb_execute_prepared_streaming(stmt, &res) != DuckDBError;
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_fetch_chunk(res)) != NULL) {
        ok = del_chunk(r, chunk, err);
        duckdb_destroy_data_chunk(&chunk);
    }
    if (duckdb_result_error(&res)) /* a failed execute, or an interrupt while streaming */
        ok = am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_result_error(&res));
    duckdb_destroy_result(&res);
    duckdb_destroy_prepare(&stmt);
    return ok;
}

/* Rows of the consumed (fold false) or fold-only (fold true) delete files. */
static bool read_deletes(lake_compactor_t *c, lake_compact_job_t *job, am_map_t *paths, bool fold,
                         am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "SELECT file_path, pos FROM read_parquet([");
    size_t n = 0;
    for (size_t i = 0; i < job->n_dels; i++) {
        const lake__cdel_t *d = &job->dels[i];
        if (fold ? !d->fold : !d->consumed)
            continue;
        am_buf_puts(&sql, n++ ? ", " : "");
        am_sql_literal(&sql, d->f.path);
    }
    am_buf_puts(&sql, "])");
    del_reader_t r = {.job = job, .paths = paths, .fold = fold};
    bool ok = n == 0 || stream_deletes(c, &r, sql.data, err);
    am_buf_destroy(&sql);
    return ok;
}

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted, duplicate-free deleted rows per file; then the deleted-rows selection. */
static void settle_deletes(lake_compact_job_t *job)
{
    for (size_t i = 0; i < job->n_in; i++) {
        lake__cin_t *in = &job->in[i];
        if (in->n_dels > 1) /* dels is NULL when none: qsort's pointer must not be */
            qsort(in->dels, in->n_dels, sizeof *in->dels, i64_cmp);
        size_t k = 0;
        for (size_t j = 0; j < in->n_dels; j++)
            if (k == 0 || in->dels[k - 1] != in->dels[j])
                in->dels[k++] = in->dels[j];
        in->n_dels = k;
        int64_t records = in->f.record_count;
        /* every row deleted: rewriting it removes it (exact: distinct positions) */
        if ((int64_t)k >= records)
            in->rewrite = true;
        if (job->ratio_mode && (int64_t)k * 100 >= records * job->opts.max_deleted_percent)
            in->rewrite = true;
    }
}

static bool load_deletes(lake_compactor_t *c, lake_compact_job_t *job, am_err_t *err)
{
    am_map_t *paths = am_map_new();
    for (size_t i = 0; i < job->n_in; i++)
        am_map_put(paths, job->in[i].f.path, strlen(job->in[i].f.path), i);
    bool ok = read_deletes(c, job, paths, false, err) && read_deletes(c, job, paths, true, err);
    am_map_free(paths);
    if (ok)
        settle_deletes(job);
    return ok;
}

/* ---- grouping and writing ---------------------------------------------------------------- */

static lake__cout_t *out_new(lake_compact_job_t *job, int32_t schema_id)
{
    job->out = am_xrealloc(job->out, (job->n_out + 1) * sizeof *job->out);
    lake__cout_t *o = &job->out[job->n_out++];
    memset(o, 0, sizeof *o);
    char uuid[37];
    am_uuid4(uuid);
    o->rel =
        am_xasprintf("%s/data/%s" LAKE_FILE_SCHEMA_TAG "%d.parquet", job->rel, uuid, schema_id);
    o->uri = am_xasprintf("%s/data/%s" LAKE_FILE_SCHEMA_TAG "%d.parquet", job->uri_prefix, uuid,
                          schema_id);
    return o;
}

/* Rewritten files, in path order, into outputs of about target_file_bytes each (a file is
 * never split). */
static void group_outputs(lake_compact_job_t *job, int32_t schema_id)
{
    lake__cout_t *cur = NULL;
    for (size_t i = 0; i < job->n_in; i++) {
        lake__cin_t *in = &job->in[i];
        if (!in->rewrite)
            continue;
        job->stats.files_in++;
        job->stats.rows_in += in->f.record_count;
        job->stats.bytes_in += in->f.size;
        int64_t live = in->f.record_count - (int64_t)in->n_dels;
        if (live <= 0 || in->f.record_count <= 0)
            continue; /* nothing survives: the file just goes */
        int64_t est = in->f.size * live / in->f.record_count;
        if (!cur || (cur->rows > 0 && cur->est_bytes + est > job->opts.target_file_bytes) ||
            cur->rows + live > OUT_ROWS_MAX)
            cur = out_new(job, schema_id);
        in->out = (int32_t)(cur - job->out);
        in->out_row = cur->rows;
        cur->rows += live;
        cur->est_bytes += est;
    }
}

/* " FROM <live rows of output o's input files>" (with d.file_index when indexed), and how wide
 * those files' rows are. */
static bool out_from(const lake_compact_job_t *job, const lake__meta_t *m, size_t o, bool indexed,
                     am_buf_t *sql, int64_t *bytes, int64_t *rows, am_err_t *err)
{
    lake__state_t st;
    memset(&st, 0, sizeof st);
    *bytes = *rows = 0;
    for (size_t i = 0; i < job->n_in; i++)
        if (job->in[i].rewrite && job->in[i].out == (int32_t)o) {
            lake__state_push_data(&st, &job->in[i].f);
            *bytes += job->in[i].f.size;
            *rows += job->in[i].f.record_count;
        }
    for (size_t i = 0; i < job->n_dels; i++)
        if (job->dels[i].consumed || job->dels[i].fold)
            lake__state_push_del(&st, &job->dels[i].f);
    for (size_t i = 0; i < st.n_data; i++)
        st.data[i].live = true;
    am_buf_puts(sql, " FROM ");
    bool ok = indexed ? lake__plan_from_indexed(sql, m, &st, m->cols, m->n_cols, err)
                      : lake__plan_from(sql, m, &st, m->cols, m->n_cols, err);
    lake__state_destroy(&st);
    return ok;
}

/* "d.k1, d.k2, ": the primary key's columns (the Iceberg identifier fields); how many. */
static size_t key_order(const lake__meta_t *m, am_buf_t *sql)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_cols; i++)
        if (m->cols[i].is_key) {
            if (sql) {
                am_buf_puts(sql, "d.");
                lake__phys_name(m->cols, m->n_cols, i, sql);
                am_buf_puts(sql, ", ");
            }
            n++;
        }
    return n;
}

/* Files by path, then row: the order lake__cin_map's arithmetic counts in. The inputs are
 * listed by path, so a file's place in the list orders them as its path does, and an integer
 * sorts for a fraction of what a path costs (a 900,000-row merge's COPY took half the time). */
#define INPUT_ORDER_PATH "d." LAKE_FILENAME_COL ", d.file_row_number"
#define INPUT_ORDER_INDEX "d.file_index, d.file_row_number"
#define INPUT_ORDER(indexed) ((indexed) ? INPUT_ORDER_INDEX : INPUT_ORDER_PATH)

/* Whether output o's input order can be told by d.file_index: its files share one schema (one
 * read_parquet lists them all) and no schema has a field of that name (which would hide it). */
static bool order_indexed(const lake_compact_job_t *job, const lake__meta_t *m, size_t o)
{
    int32_t sid = -1;
    for (size_t i = 0; i < job->n_in; i++) {
        if (!job->in[i].rewrite || job->in[i].out != (int32_t)o)
            continue;
        int32_t f = lake__file_schema_id(m, job->in[i].f.path);
        if (sid >= 0 && f != sid)
            return false;
        sid = f;
    }
    size_t i, j;
    json_t *schema, *field;
    json_array_foreach(json_object_get(m->root, "schemas"), i, schema)
    {
        json_array_foreach(json_object_get(schema, "fields"), j, field)
        {
            const char *name = json_string_value(json_object_get(field, "name"));
            if (!name || strcasecmp(name, "file_index") == 0)
                return false;
        }
    }
    return true;
}

/* COPY (live rows of output o's files, by key when its sorted order is set, else in input
 * order) TO its file, with the table's field ids. */
static bool copy_sql(const lake_compact_job_t *job, const lake__meta_t *m, size_t o, bool indexed,
                     am_buf_t *sql, am_err_t *err)
{
    int64_t bytes = 0, rows = 0; /* of the inputs: how wide the rows are */
    am_buf_puts(sql, "COPY (SELECT ");
    lake__plan_project(sql, m->cols, m->n_cols);
    if (!out_from(job, m, o, indexed, sql, &bytes, &rows, err))
        return false;
    am_buf_puts(sql, " ORDER BY ");
    if (job->out[o].sorted)
        (void)key_order(m, sql);
    am_buf_puts(sql, INPUT_ORDER(indexed));
    am_buf_puts(sql, ") TO ");
    char *abs = am_xasprintf("%s/%s", job->root, job->out[o].rel);
    am_sql_literal(sql, abs);
    free(abs);
    char *schema = lake__meta_schema_text(m);
    lake__pq_copy_options(sql, m->cols, m->n_cols, m->field_ids, m->elem_ids, schema,
                          lake__pq_file_group_rows(bytes, rows));
    free(schema);
    return true;
}

typedef struct order_reader {
    const lake_compact_job_t *job;
    const lake__cout_t *out;
    bool indexed;    /* rows name their file by its place in the list, else by path */
    am_map_t *paths; /* output o's input paths -> index into job->in */
    size_t *listed;  /* indexed: the list's files, as indexes into job->in */
    size_t n_listed;
    int32_t *to;
    int64_t n;   /* rows read: the next row's place in key order */
    size_t last; /* the input of the row before: rows of one file come in runs */
} order_reader_t;

/* The input (index into job->in) row i of the chunk's first column names. */
static bool order_input(order_reader_t *r, duckdb_vector v, idx_t i, size_t *in, am_err_t *err)
{
    if (r->indexed) {
        uint64_t k = ((const uint64_t *)duckdb_vector_get_data(v))[i];
        if (k >= r->n_listed)
            return am_err_set(err, "XX001", "sorting \"%s\" by key: a row of file %llu of %zu",
                              r->out->uri, (unsigned long long)k, r->n_listed);
        *in = r->listed[k];
        return true;
    }
    duckdb_string_t *paths = duckdb_vector_get_data(v);
    const char *path = duckdb_string_t_data(&paths[i]);
    uint32_t len = duckdb_string_t_length(paths[i]);
    const char *last = r->job->in[r->last].f.path;
    uint64_t k = r->last; /* rows of one file often come in runs */
    if ((strlen(last) != len || memcmp(last, path, len) != 0) &&
        !am_map_get(r->paths, path, len, &k))
        return am_err_set(err, "XX001", "sorting \"%s\" by key: a row of \"%.*s\", not an input",
                          r->out->uri, (int)len, path);
    *in = r->last = (size_t)k;
    return true;
}

static bool order_chunk(order_reader_t *r, duckdb_data_chunk chunk, am_err_t *err)
{
    duckdb_vector fv = duckdb_data_chunk_get_vector(chunk, 0);
    const int64_t *rows = duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 1));
    idx_t k = duckdb_data_chunk_get_size(chunk);
    for (idx_t i = 0; i < k; i++, r->n++) {
        size_t in = 0;
        if (!order_input(r, fv, i, &in, err))
            return false;
        int32_t o = -1;
        int64_t pre = -1;
        if (r->n >= r->out->rows || !lake__cin_map(&r->job->in[in], rows[i], &o, &pre) ||
            o != r->out - r->job->out || pre < 0 || pre >= r->out->rows || r->to[pre] >= 0)
            return am_err_set(err, "XX001",
                              "sorting \"%s\" by key: row %lld of \"%s\" does not map to one row "
                              "of %lld",
                              r->out->uri, (long long)rows[i], r->job->in[in].f.path,
                              (long long)r->out->rows);
        r->to[pre] = (int32_t)r->n;
    }
    return true;
}

/* Fills to[r], for output o's row r in input order, with the row it takes sorted by key (then
 * input order: a total order, so the COPY's ORDER BY writes exactly that). One sort of the
 * keys and row ids; each row's input-order place comes from lake__cin_map's arithmetic. */
static bool read_order(lake_compactor_t *c, const lake__meta_t *m, const lake_compact_job_t *job,
                       size_t o, bool indexed, int32_t *to, am_err_t *err)
{
    /* rows name their input by its place in the list, or by path: one lookup or the other */
    order_reader_t r = {.job = job,
                        .out = &job->out[o],
                        .indexed = indexed,
                        .paths = indexed ? NULL : am_map_new(),
                        .listed = indexed ? am_xcalloc(job->n_in + 1, sizeof *r.listed) : NULL,
                        .to = to};
    for (size_t i = 0; i < job->n_in; i++) {
        if (!job->in[i].rewrite || job->in[i].out != (int32_t)o)
            continue;
        r.last = i;
        if (indexed)
            r.listed[r.n_listed++] = i;
        else
            am_map_put(r.paths, job->in[i].f.path, strlen(job->in[i].f.path), i);
    }
    for (int64_t i = 0; i < r.out->rows; i++)
        to[i] = -1;
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "SELECT ");
    am_buf_puts(&sql, INPUT_ORDER(indexed));
    int64_t bytes = 0, rows = 0;
    bool ok = out_from(job, m, o, indexed, &sql, &bytes, &rows, err);
    am_buf_puts(&sql, " ORDER BY ");
    (void)key_order(m, &sql);
    am_buf_puts(&sql, INPUT_ORDER(indexed));
    duckdb_prepared_statement stmt = NULL;
    if (ok && duckdb_prepare(c->lake->con, sql.data, &stmt) == DuckDBError)
        ok = am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_prepare_error(stmt));
    am_buf_destroy(&sql);
    if (ok) {
        duckdb_result res;
        ok = duckdb_execute_prepared_streaming(stmt, &res) != DuckDBError;
        duckdb_data_chunk chunk;
        while (ok && (chunk = duckdb_fetch_chunk(res)) != NULL) {
            ok = order_chunk(&r, chunk, err);
            duckdb_destroy_data_chunk(&chunk);
        }
        if (duckdb_result_error(&res)) /* a failed execute, or an interrupt while streaming */
            ok = am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
    }
    duckdb_destroy_prepare(&stmt);
    am_map_free(r.paths);
    free(r.listed);
    if (ok && r.n != r.out->rows)
        ok = am_err_set(err, "XX001", "sorting \"%s\" by key: %lld rows, expected %lld", r.out->uri,
                        (long long)r.n, (long long)r.out->rows);
    return ok;
}

/*
 * Whether output o is written sorted by primary key, so that its row groups' bounds are
 * narrow and a key range skips the rest (flushes append in commit order: updated rows land
 * far from their neighbours). Sets out->sorted, and the inputs' pointers to it, when sorting
 * moves any row; a table without a key, or an output whose order map would take more than
 * the compactor's share, stays in input order.
 */
static bool sort_order(lake_compactor_t *c, lake_compact_job_t *job, const lake__meta_t *m,
                       size_t o, bool indexed, am_err_t *err)
{
    lake__cout_t *out = &job->out[o];
    if (key_order(m, NULL) == 0 || out->rows < 2 || out->rows > c->sort_rows_max)
        return true;
    int32_t *to = am_xcalloc((size_t)out->rows, sizeof *to);
    if (!read_order(c, m, job, o, indexed, to, err)) {
        free(to);
        return false;
    }
    int64_t r = 0;
    while (r < out->rows && to[r] == r)
        r++;
    if (r == out->rows) { /* in key order already (keys that grow) */
        free(to);
        return true;
    }
    out->sorted = to;
    for (size_t i = 0; i < job->n_in; i++)
        if (job->in[i].rewrite && job->in[i].out == (int32_t)o)
            job->in[i].sorted = to;
    job->stats.rows_sorted += out->rows;
    return true;
}

static bool write_output(lake_compactor_t *c, lake_compact_job_t *job, const lake__meta_t *m,
                         size_t o, am_err_t *err)
{
    bool indexed = order_indexed(job, m, o);
    if (!sort_order(c, job, m, o, indexed, err))
        return false;
    am_buf_t sql;
    am_buf_init(&sql);
    bool ok = copy_sql(job, m, o, indexed, &sql, err);
    duckdb_result res;
    if (ok && duckdb_query(c->lake->con, sql.data, &res) == DuckDBError) {
        ok = am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
    } else if (ok) {
        lake__cout_t *done = &job->out[o];
        int64_t rows = -1;
        (void)lake__colstats_result(&res, m->cols, m->field_ids, m->n_cols, &rows, &done->metrics,
                                    &done->metrics_len);
        duckdb_destroy_result(&res);
        if (rows != job->out[o].rows)
            ok = am_err_set(err, "XX001",
                            "wrote %lld rows to \"%s\", expected %lld from the delete files",
                            (long long)rows, job->out[o].uri, (long long)job->out[o].rows);
    }
    am_buf_destroy(&sql);
    lake__cout_t *out = &job->out[o];
    ok = ok && storage_sync(c->lake->st, out->rel, err) &&
         storage_size(c->lake->st, out->rel, &out->size, err);
    if (ok) {
        job->stats.rows_out += out->rows;
        job->stats.bytes_out += out->size;
        job->stats.files_out++;
    }
    return ok;
}

/* Deleted rows of files that stay, from the consumed delete files, as one delete file. */
static bool write_merged(lake_compactor_t *c, lake_compact_job_t *job, am_err_t *err)
{
    size_t n = 0;
    for (size_t i = 0; i < job->n_in; i++)
        n += job->in[i].rewrite ? 0 : job->in[i].n_dels;
    for (size_t i = 0; i < job->n_dels; i++)
        if (job->dels[i].consumed) {
            job->stats.deletes_in++;
            job->stats.bytes_in += job->dels[i].f.size;
        }
    if (n == 0)
        return true;
    lake__del_row_t *rows = am_xcalloc(n, sizeof *rows);
    size_t k = 0;
    for (size_t i = 0; i < job->n_in; i++)
        for (size_t j = 0; !job->in[i].rewrite && j < job->in[i].n_dels; j++)
            rows[k++] = (lake__del_row_t){job->in[i].f.path, job->in[i].dels[j]};
    char uuid[37];
    am_uuid4(uuid);
    job->merged.rel = am_xasprintf("%s/data/%s-deletes.parquet", job->rel, uuid);
    job->merged.uri = am_xasprintf("%s/data/%s-deletes.parquet", job->uri_prefix, uuid);
    job->merged.rows = (int64_t)n;
    if (strcmp(rows[0].path, rows[n - 1].path) == 0)
        job->merged_ref = am_xstrdup(rows[0].path);
    char *abs = storage_path(c->lake->st, job->merged.rel);
    lake__del_src_t src = lake__del_rows_src(rows, n);
    bool ok = lake__pq_write_deletes(&src, abs, err) &&
              storage_sync(c->lake->st, job->merged.rel, err) &&
              storage_size(c->lake->st, job->merged.rel, &job->merged.size, err);
    free(abs);
    free(rows);
    if (ok) {
        job->stats.files_out++;
        job->stats.bytes_out += job->merged.size;
    }
    return ok;
}

bool lake_compact_run(lake_compactor_t *c, lake_compact_job_t *job, am_err_t *err)
{
    AM_ASSERT(!job->written && job->n_out == 0);
    int64_t start = am_mono_us();
    lake__meta_t m;
    if (!lake__meta_parse(job->meta_text, strlen(job->meta_text), job->rel, &m, err))
        return false;
    bool ok = load_deletes(c, job, err);
    if (ok)
        group_outputs(job, m.schema_id);
    for (size_t o = 0; ok && o < job->n_out; o++)
        ok = write_output(c, job, &m, o, err);
    ok = ok && write_merged(c, job, err);
    lake__meta_destroy(&m);
    if (!ok) {
        /* DuckDB reports an interrupt as "INTERRUPT Error: Interrupted!" */
        if (err && strstr(err->msg, "nterrupt"))
            am_err_set(err, SQLSTATE_CANCELED, "compaction of %s interrupted", job->rel);
        else
            am_err_prefix(err, "compact %s", job->rel);
        return false;
    }
    job->written = true;
    job->stats.run_us = am_mono_us() - start;
    am_fault_point("compact-files-written");
    return true;
}
