/*
 * lake/compact_commit.c: a compaction's "replace" snapshot, on the table's thread, on top of
 * whatever the table committed while the job ran (so it never conflicts with ingest):
 *   - the files the job rewrote must still be live (a truncate or a re-copy removed them:
 *     40001, nothing changes, plan again);
 *   - delete files committed since the job's snapshot that touch a rewritten file are replaced
 *     by one new delete file holding their rows, those on rewritten files translated to the new
 *     files' row positions (lake__cin_map), so no delete is lost;
 *   - one data manifest and one delete manifest list every live file: the new ones ADDED (data
 *     files with the job snapshot's sequence number as their data sequence number, as Java's
 *     rewrite does, so equality deletes committed since would still apply to them), the
 *     replaced ones DELETED, the rest EXISTING with their original sequence numbers;
 *   - the table's file ids are renumbered densely, and a lake_remap_t says where every old
 *     position went (the mirror's key index applies it right after the commit).
 * Spec: Iceberg "Sequence Numbers", "Scan Planning"; reference/iceberg.md sections 6, 7, 10.
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

#define SQLSTATE_CONFLICT STORAGE_SQLSTATE_EXISTS /* 40001: plan again */
#define REMAP_REMOVED (-1)

struct lake_remap {
    size_t n_old;
    int32_t *ids;    /* old id -> new id; REMOVED; or -2 - k for rewritten input k */
    lake__cin_t *in; /* rewritten inputs (their deleted rows owned; paths not kept) */
    size_t n_in;
    int32_t out_base; /* the new id of the job's first output */
    int32_t **sorted; /* the outputs' key orders the inputs point into (owned) */
    size_t n_sorted;
};

typedef struct ccommit {
    lake_table_t *t;
    lake_compact_job_t *job;
    lake__commit_t c;
    am_map_t *rw;       /* rewritten file URI -> index into job->in */
    bool *del_removed;  /* per t->state.dels: replaced by this commit */
    lake__file_t moved; /* the delete file of deletes committed meanwhile (path NULL: none) */
    am_arena_t *arena;
} ccommit_t;

static bool map_has(const am_map_t *m, const char *s, uint64_t *v)
{
    uint64_t ignored;
    return am_map_get(m, s, strlen(s), v ? v : &ignored);
}

/* ---- does the job still apply ------------------------------------------------------------ */

static bool conflict(ccommit_t *cc, const char *what, const char *path, am_err_t *err)
{
    return am_err_set(err, SQLSTATE_CONFLICT,
                      "table %s: the compaction no longer applies: %s \"%s\" is not live any more",
                      cc->t->rel, what, path);
}

static bool still_live(ccommit_t *cc, am_err_t *err)
{
    const lake__state_t *s = &cc->t->state;
    am_map_t *live = am_map_new();
    for (size_t i = 0; i < s->n_data; i++)
        if (s->data[i].live)
            am_map_put(live, s->data[i].path, strlen(s->data[i].path), i);
    for (size_t i = 0; i < s->n_dels; i++)
        am_map_put(live, s->dels[i].path, strlen(s->dels[i].path), s->n_data + i);
    bool ok = true;
    const lake_compact_job_t *job = cc->job;
    for (size_t i = 0; ok && i < job->n_in; i++) {
        const char *p = job->in[i].f.path;
        if (job->in[i].rewrite)
            ok = map_has(live, p, NULL) || conflict(cc, "data file", p, err);
    }
    for (size_t i = 0; ok && i < job->n_dels; i++) {
        const char *p = job->dels[i].f.path;
        if (job->dels[i].consumed)
            ok = map_has(live, p, NULL) || conflict(cc, "delete file", p, err);
    }
    am_map_free(live);
    return ok;
}

/* ---- deletes committed while the job ran ------------------------------------------------- */

typedef struct moved_row {
    uint32_t file; /* index into t->state.dels */
    lake__del_row_t row;
} moved_row_t;

typedef struct moved {
    ccommit_t *cc;
    am_map_t *cands; /* delete file URI -> index into t->state.dels */
    moved_row_t *rows;
    size_t n, cap;
} moved_t;

static bool moved_chunk(moved_t *mv, duckdb_data_chunk chunk, am_err_t *err)
{
    duckdb_string_t *files = duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 0));
    duckdb_string_t *paths = duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 1));
    const int64_t *pos = duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 2));
    idx_t n = duckdb_data_chunk_get_size(chunk);
    for (idx_t i = 0; i < n; i++) {
        uint64_t f = 0;
        if (!am_map_get(mv->cands, duckdb_string_t_data(&files[i]),
                        duckdb_string_t_length(files[i]), &f))
            return am_err_set(err, AM_SQLSTATE_INTERNAL, "read an unexpected delete file");
        if (mv->n == mv->cap) {
            mv->cap = mv->cap ? mv->cap * 2 : 64;
            mv->rows = am_xrealloc(mv->rows, mv->cap * sizeof *mv->rows);
        }
        char *path = am_arena_strndup(mv->cc->arena, duckdb_string_t_data(&paths[i]),
                                      duckdb_string_t_length(paths[i]));
        mv->rows[mv->n++] = (moved_row_t){(uint32_t)f, {path, pos[i]}};
    }
    return true;
}

/* Rows of the delete files committed since the job's snapshot that may touch a rewritten file
 * (one naming a single other file cannot). */
static bool moved_read(moved_t *mv, am_err_t *err)
{
    ccommit_t *cc = mv->cc;
    const lake__state_t *s = &cc->t->state;
    am_map_t *base = am_map_new();
    for (size_t i = 0; i < cc->job->n_dels; i++)
        am_map_put(base, cc->job->dels[i].f.path, strlen(cc->job->dels[i].f.path), 1);
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "SELECT filename, file_path, pos FROM read_parquet([");
    for (size_t i = 0; i < s->n_dels; i++) {
        const lake__file_t *d = &s->dels[i];
        if (map_has(base, d->path, NULL) ||
            (d->referenced && !map_has(cc->rw, d->referenced, NULL)))
            continue;
        am_buf_puts(&sql, am_map_count(mv->cands) ? ", " : "");
        am_sql_literal(&sql, d->path);
        am_map_put(mv->cands, d->path, strlen(d->path), i);
    }
    am_buf_puts(&sql, "], filename = true)");
    am_map_free(base);
    bool ok = true;
    duckdb_result res;
    if (am_map_count(mv->cands) > 0 &&
        duckdb_query(cc->t->lake->con, sql.data, &res) != DuckDBError) {
        duckdb_data_chunk chunk;
        while (ok && (chunk = duckdb_fetch_chunk(res)) != NULL) {
            ok = moved_chunk(mv, chunk, err);
            duckdb_destroy_data_chunk(&chunk);
        }
        duckdb_destroy_result(&res);
    } else if (am_map_count(mv->cands) > 0) {
        ok = am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
    }
    am_buf_destroy(&sql);
    return ok;
}

/* The rows of every replaced file, those on rewritten files at their new positions. */
static size_t moved_rows(moved_t *mv, lake__del_row_t **out)
{
    ccommit_t *cc = mv->cc;
    for (size_t i = 0; i < mv->n; i++)
        if (map_has(cc->rw, mv->rows[i].row.path, NULL))
            cc->del_removed[mv->rows[i].file] = true;
    lake__del_row_t *rows = am_xcalloc(mv->n + 1, sizeof *rows);
    size_t k = 0;
    for (size_t i = 0; i < mv->n; i++) {
        if (!cc->del_removed[mv->rows[i].file])
            continue;
        lake__del_row_t r = mv->rows[i].row;
        uint64_t in = 0;
        if (map_has(cc->rw, r.path, &in)) {
            int32_t o = 0;
            /* a row deleted at the job's snapshot already is not in the new file at all */
            if (!lake__cin_map(&cc->job->in[in], r.pos, &o, &r.pos))
                continue;
            r.path = cc->job->out[o].uri;
        }
        rows[k++] = r;
    }
    *out = rows;
    return lake__del_rows_sort(rows, k);
}

static bool move_deletes(ccommit_t *cc, am_err_t *err)
{
    moved_t mv = {.cc = cc, .cands = am_map_new()};
    lake__del_row_t *rows = NULL;
    size_t n = 0;
    bool ok = moved_read(&mv, err);
    if (ok)
        n = moved_rows(&mv, &rows);
    if (ok && n > 0) {
        lake__del_src_t src = lake__del_rows_src(rows, n);
        ok = lake__write_delete_file(&cc->c, &src, &cc->moved, err);
    }
    free(rows);
    free(mv.rows);
    am_map_free(mv.cands);
    return ok;
}

/* ---- manifests ----------------------------------------------------------------------------- */

static void count_removed(lake__commit_t *c, const lake__file_t *f)
{
    if (f->content == 0) {
        c->removed_data_files++;
        c->removed_records += f->record_count;
    } else {
        c->removed_del_files++;
        c->removed_deletes += f->record_count;
    }
    c->removed_size += f->size;
}

/* Status 0 for a file that stays (pushed to the new state), 2 for a replaced one. */
static void entry_put(ccommit_t *cc, lake__entry_t *es, size_t *n, const lake__file_t *f,
                      bool removed)
{
    lake__entry_t *e = &es[(*n)++];
    e->status = removed ? 2 : 0;
    e->f = *f;
    if (removed) {
        e->f.snapshot_id = cc->c.snap_id;
        count_removed(&cc->c, f);
    } else if (f->content == 0) {
        lake__state_push_data(&cc->c.next, f);
    } else {
        lake__state_push_del(&cc->c.next, f);
    }
}

static bool data_manifest(ccommit_t *cc, am_err_t *err)
{
    const lake__state_t *s = &cc->t->state;
    const lake_compact_job_t *job = cc->job;
    lake__commit_t *c = &cc->c;
    lake__entry_t *es = am_xcalloc(s->n_data + job->n_out + 1, sizeof *es);
    size_t n = 0;
    for (size_t i = 0; i < s->n_data; i++)
        if (s->data[i].live)
            entry_put(cc, es, &n, &s->data[i], map_has(cc->rw, s->data[i].path, NULL));
    for (size_t o = 0; o < job->n_out; o++) {
        lake__file_t f = {.path = job->out[o].uri,
                          .record_count = job->out[o].rows,
                          .size = job->out[o].size,
                          .snapshot_id = c->snap_id,
                          .data_seq = job->base_seq,
                          .file_seq = c->seq,
                          .sort_order_id = 0,
                          .live = true,
                          .metrics = job->out[o].metrics,
                          .metrics_len = job->out[o].metrics_len};
        lake__state_push_data(&c->next, &f);
        es[n] = (lake__entry_t){.status = 1, .f = f};
        es[n++].f.file_seq = -1; /* inherited; the data sequence number stays explicit */
        c->added_data_files++;
        c->added_records += f.record_count;
        c->added_size += f.size;
    }
    bool ok = n == 0 || lake__commit_manifest(c, es, n, 0, err);
    free(es);
    return ok;
}

static bool delete_manifest(ccommit_t *cc, am_err_t *err)
{
    const lake__state_t *s = &cc->t->state;
    lake_compact_job_t *job = cc->job;
    lake__commit_t *c = &cc->c;
    lake__entry_t *es = am_xcalloc(s->n_dels + 3, sizeof *es);
    size_t n = 0;
    for (size_t i = 0; i < s->n_dels; i++)
        entry_put(cc, es, &n, &s->dels[i], cc->del_removed[i]);
    lake__file_t merged = {.path = job->merged.uri,
                           .content = 1,
                           .record_count = job->merged.rows,
                           .size = job->merged.size,
                           .snapshot_id = c->snap_id,
                           .data_seq = c->seq,
                           .file_seq = c->seq,
                           .sort_order_id = -1,
                           .referenced = job->merged_ref,
                           .live = true};
    const lake__file_t *added[2] = {job->merged.uri ? &merged : NULL,
                                    cc->moved.path ? &cc->moved : NULL};
    for (size_t i = 0; i < 2; i++) {
        if (!added[i])
            continue;
        lake__state_push_del(&c->next, added[i]);
        es[n++] = lake__entry_added(added[i]);
    }
    if (added[0]) { /* the moved file counted itself when written */
        c->added_del_files++;
        c->added_deletes += merged.record_count;
        c->added_size += merged.size;
    }
    bool ok = n == 0 || lake__commit_manifest(c, es, n, 1, err);
    free(es);
    return ok;
}

/* ---- the remap ----------------------------------------------------------------------------- */

static lake_remap_t *remap_new(size_t n_old)
{
    lake_remap_t *r = am_xcalloc(1, sizeof *r);
    r->n_old = n_old;
    r->ids = am_xcalloc(n_old + 1, sizeof *r->ids);
    return r;
}

/* From the table's state before the commit: kept files in order, then the outputs. */
static lake_remap_t *remap_build(ccommit_t *cc)
{
    const lake__state_t *s = &cc->t->state;
    lake_remap_t *r = remap_new(s->n_data);
    r->in = am_xcalloc(cc->job->n_in + 1, sizeof *r->in);
    int32_t next = 0;
    for (size_t i = 0; i < s->n_data; i++) {
        uint64_t k = 0;
        if (!s->data[i].live) {
            r->ids[i] = REMAP_REMOVED;
        } else if (map_has(cc->rw, s->data[i].path, &k)) {
            lake__cin_t *in = &cc->job->in[k];
            r->in[r->n_in] = (lake__cin_t){.f = {.record_count = in->f.record_count},
                                           .dels = in->dels,
                                           .n_dels = in->n_dels,
                                           .out = in->out,
                                           .out_row = in->out_row,
                                           .sorted = in->sorted};
            in->dels = NULL; /* the remap owns them now */
            in->n_dels = in->cap_dels = 0;
            r->ids[i] = -2 - (int32_t)r->n_in++;
        } else {
            r->ids[i] = next++;
        }
    }
    r->out_base = next;
    /* the job may go first: what the inputs point into moves here */
    r->sorted = am_xcalloc(cc->job->n_out + 1, sizeof *r->sorted);
    for (size_t o = 0; o < cc->job->n_out; o++)
        if (cc->job->out[o].sorted) {
            r->sorted[r->n_sorted++] = cc->job->out[o].sorted;
            cc->job->out[o].sorted = NULL;
        }
    return r;
}

bool lake_remap_pos(const lake_remap_t *r, lake_pos_t *pos)
{
    if (pos->file < 0 || (size_t)pos->file >= r->n_old)
        return false;
    int32_t v = r->ids[pos->file];
    if (v >= 0) {
        pos->file = v;
        return true;
    }
    if (v == REMAP_REMOVED)
        return false;
    const lake__cin_t *in = &r->in[-2 - v];
    int32_t out = 0;
    int64_t row = 0;
    if (!lake__cin_map(in, pos->row, &out, &row))
        return false;
    pos->file = r->out_base + out;
    pos->row = row;
    return true;
}

bool lake_remap_rewritten(const lake_remap_t *r, int32_t file)
{
    return file >= 0 && (size_t)file < r->n_old && r->ids[file] <= -2;
}

void lake_remap_free(lake_remap_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_in; i++)
        free(r->in[i].dels);
    for (size_t i = 0; i < r->n_sorted; i++)
        free(r->sorted[i]);
    free(r->sorted);
    free(r->in);
    free(r->ids);
    free(r);
}

lake_remap_t *lake_table_renumber(lake_table_t *t)
{
    AM_ASSERT(t->batch == NULL); /* pending files take ids after the committed ones */
    lake__state_t *s = &t->state;
    lake_remap_t *r = remap_new(s->n_data);
    size_t next = 0;
    for (size_t i = 0; i < s->n_data; i++) {
        if (!s->data[i].live) {
            r->ids[i] = REMAP_REMOVED;
            lake__file_destroy(&s->data[i]);
            continue;
        }
        r->ids[i] = (int32_t)next;
        s->data[next++] = s->data[i];
    }
    s->n_data = next;
    return r;
}

size_t lake_table_live_files(const lake_table_t *t)
{
    return lake__plan_n_live(&t->state) + t->state.n_dels;
}

/* ---- the commit ---------------------------------------------------------------------------- */

static bool commit_build(ccommit_t *cc, am_err_t *err)
{
    lake_compact_job_t *job = cc->job;
    for (size_t i = 0; i < job->n_in; i++)
        if (job->in[i].rewrite)
            am_map_put(cc->rw, job->in[i].f.path, strlen(job->in[i].f.path), i);
    if (!still_live(cc, err))
        return false;
    const lake__state_t *s = &cc->t->state;
    for (size_t i = 0; i < s->n_dels; i++)
        for (size_t j = 0; j < job->n_dels; j++)
            if (job->dels[j].consumed && strcmp(job->dels[j].f.path, s->dels[i].path) == 0)
                cc->del_removed[i] = true;
    return move_deletes(cc, err) && data_manifest(cc, err) && delete_manifest(cc, err) &&
           lake__commit_publish(&cc->c, cc->t->meta.lsn, err);
}

static void ccommit_destroy(ccommit_t *cc, bool failed)
{
    lake__commit_destroy(&cc->c, failed);
    lake__file_destroy(&cc->moved);
    am_map_free(cc->rw);
    free(cc->del_removed);
    am_arena_free(cc->arena);
}

bool lake_compact_commit(lake_table_t *t, lake_compact_job_t *job, lake_remap_t **remap,
                         am_err_t *err)
{
    *remap = NULL;
    AM_ASSERT(job->written && !job->keep_files && strcmp(job->rel, t->rel) == 0);
    if (t->batch || lake__table_staged(t))
        return am_err_set(err, SQLSTATE_CONFLICT,
                          "table %s: a batch or a schema change is pending: commit it first",
                          t->rel);
    int64_t start = am_mono_us();
    ccommit_t cc = {
        .t = t, .job = job, .rw = am_map_new(), .arena = am_arena_new((size_t)64 * 1024)};
    cc.del_removed = am_xcalloc(t->state.n_dels + 1, sizeof *cc.del_removed);
    lake__commit_init(&cc.c, t);
    cc.c.operation = "replace";
    if (!commit_build(&cc, err)) {
        bool fatal = lake__err_fatal(err);
        job->keep_files = fatal; /* after a failed fsync nothing on disk is known */
        am_err_prefix(err, "table %s: compaction commit", t->rel);
        ccommit_destroy(&cc, !fatal);
        return false;
    }
    job->keep_files = true;
    am_fault_point("compact-committed");
    *remap = remap_build(&cc);
    bool ok = lake__commit_finish(&cc.c, err);
    job->stats.commit_us = am_mono_us() - start;
    am_log_info(
        "lake", "compacted", AM_KV_STR("table", t->rel), AM_KV_I64("snapshot_id", cc.c.snap_id),
        AM_KV_I64("files_in", job->stats.files_in), AM_KV_I64("deletes_in", job->stats.deletes_in),
        AM_KV_I64("files_out", job->stats.files_out),
        AM_KV_I64("moved_deletes", cc.moved.record_count), AM_KV_I64("rows", job->stats.rows_out),
        AM_KV_I64("rows_sorted", job->stats.rows_sorted),
        AM_KV_I64("bytes_in", job->stats.bytes_in), AM_KV_I64("bytes_out", job->stats.bytes_out),
        AM_KV_I64("run_ms", job->stats.run_us / 1000),
        AM_KV_I64("commit_ms", job->stats.commit_us / 1000));
    ccommit_destroy(&cc, false);
    if (!ok)
        am_err_prefix(err, "table %s: compaction commit", t->rel);
    return ok;
}
