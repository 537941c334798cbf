/*
 * lake/compact.c: deciding what a compaction rewrites, on the table's thread, from the live
 * files it holds in memory (no I/O), and the job object that carries the decision to the
 * compactor's thread (compact_run.c) and back to the commit (compact_commit.c).
 *
 * When: more small data and delete files than max_small_files, or position deletes at least
 * max_deleted_percent of the table's records (and at least min_deletes rows: a small table
 * whose rows all change between flushes would otherwise be rewritten after every flush, each
 * time a commit, a watermark and a view refresh more; its files still merge by count), or
 * (o->idle) the table went quiet with two or more small files that hold at most
 * small_file_bytes in all: then every small file merges, so reads of a quiet table open one
 * file, not a trickle's tail.
 * What, by size tiers (as an LSM tree merges runs): small files sorted by size merge while the
 * next one is at most twice the sum of the smaller ones, so a big file is not rewritten for a
 * few tiny ones and every byte is rewritten O(log n) times; when the tiers would leave more
 * than half the threshold, every small file merges. Deletes on rewritten files are folded into
 * them; small delete files merge into one, keeping only rows on live files that stay. At the
 * deleted-rows threshold every delete file is read, files with at least that share of their
 * rows deleted are rewritten and the rest of the deletes merged. A big delete file left alone
 * may keep rows on files the job rewrote: Iceberg allows such dangling position deletes (no
 * live path matches them), and the next deleted-rows compaction drops them.
 * Spec: Iceberg "Rewrite data files" (replace snapshots), reference/iceberg.md section 10.
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

static int cin_path_cmp(const void *a, const void *b)
{
    return strcmp(((const lake__cin_t *)a)->f.path, ((const lake__cin_t *)b)->f.path);
}

/* Indexes into sizes' items sorted by size ascending. */
typedef struct by_size {
    int64_t size;
    size_t index;
} by_size_t;

static int by_size_cmp(const void *a, const void *b)
{
    const by_size_t *x = a, *y = b;
    return x->size < y->size ? -1 : x->size > y->size;
}

/* How many of the smallest (sorted ascending) merge: each next one at most twice the sum of
 * those before it. 0 when fewer than two would. */
static size_t tier_len(const by_size_t *s, size_t n)
{
    if (n < 2)
        return 0;
    int64_t sum = s[0].size;
    size_t k = 1;
    while (k < n && s[k].size <= 2 * sum)
        sum += s[k++].size;
    return k >= 2 ? k : 0;
}

/* The small data files (sorted by size) and small delete files of the job. */
typedef struct smalls {
    by_size_t *data;
    size_t n_data;
    by_size_t *dels;
    size_t n_dels;
} smalls_t;

static void smalls_collect(const lake_compact_job_t *job, smalls_t *s)
{
    s->data = am_xcalloc(job->n_in + 1, sizeof *s->data);
    s->dels = am_xcalloc(job->n_dels + 1, sizeof *s->dels);
    s->n_data = s->n_dels = 0;
    int64_t small = job->opts.small_file_bytes;
    for (size_t i = 0; i < job->n_in; i++)
        if (job->in[i].f.size < small)
            s->data[s->n_data++] = (by_size_t){job->in[i].f.size, i};
    for (size_t i = 0; i < job->n_dels; i++)
        if (job->dels[i].f.size < small)
            s->dels[s->n_dels++] = (by_size_t){job->dels[i].f.size, i};
    qsort(s->data, s->n_data, sizeof *s->data, by_size_cmp);
    qsort(s->dels, s->n_dels, sizeof *s->dels, by_size_cmp);
}

/* Small files by tiers, or all of them when the tiers leave too many. */
static void select_small(lake_compact_job_t *job)
{
    smalls_t s;
    smalls_collect(job, &s);
    size_t kd = tier_len(s.data, s.n_data), kx = tier_len(s.dels, s.n_dels);
    size_t left = (s.n_data - kd + (kd > 0)) + (s.n_dels - kx + (kx > 0));
    if (s.n_data + s.n_dels > (size_t)job->opts.max_small_files &&
        left > (size_t)job->opts.max_small_files / 2) {
        kd = s.n_data;
        kx = s.n_dels;
    }
    for (size_t i = 0; i < kd; i++)
        job->in[s.data[i].index].rewrite = true;
    for (size_t i = 0; i < kx; i++)
        job->dels[s.dels[i].index].consumed = true;
    free(s.data);
    free(s.dels);
}

static bool rewritten(const lake_compact_job_t *job, const char *path)
{
    lake__cin_t key = {.f = {.path = (char *)path}};
    const lake__cin_t *in = bsearch(&key, job->in, job->n_in, sizeof *job->in, cin_path_cmp);
    return in && in->rewrite;
}

/* Delete files of rewritten files: consumed when they target only rewritten ones, read for
 * folding when they may target several. */
static void select_deletes(lake_compact_job_t *job)
{
    bool any = false;
    for (size_t i = 0; i < job->n_in; i++)
        any |= job->in[i].rewrite;
    for (size_t i = 0; i < job->n_dels; i++) {
        lake__cdel_t *d = &job->dels[i];
        if (job->ratio_mode || (d->f.referenced && rewritten(job, d->f.referenced)))
            d->consumed = true;
        else if (any && !d->f.referenced && !d->consumed)
            d->fold = true;
    }
}

static lake_compact_job_t *job_new(lake_table_t *t, const lake_maintain_options_t *o)
{
    lake_compact_job_t *job = am_xcalloc(1, sizeof *job);
    job->root = am_xstrdup(t->lake->warehouse);
    job->rel = am_xstrdup(t->rel);
    job->uri_prefix = am_xstrdup(t->uri_prefix);
    job->meta_text = json_dumps(t->meta.root, JSON_COMPACT);
    AM_ASSERT(job->meta_text != NULL);
    job->base_snap = t->meta.snap_id;
    job->base_seq = t->meta.snap_seq;
    job->opts = *o;
    const lake__state_t *s = &t->state;
    job->in = am_xcalloc(s->n_data + 1, sizeof *job->in);
    for (size_t i = 0; i < s->n_data; i++) {
        if (!s->data[i].live)
            continue;
        lake__cin_t *in = &job->in[job->n_in++];
        lake__file_copy(&in->f, &s->data[i]);
        in->out = -1;
    }
    qsort(job->in, job->n_in, sizeof *job->in, cin_path_cmp);
    job->dels = am_xcalloc(s->n_dels + 1, sizeof *job->dels);
    for (size_t i = 0; i < s->n_dels; i++)
        lake__file_copy(&job->dels[job->n_dels++].f, &s->dels[i]);
    return job;
}

/* Whether the job changes anything worth a snapshot. */
static bool job_useful(const lake_compact_job_t *job)
{
    size_t rewrite = 0, consumed = 0;
    for (size_t i = 0; i < job->n_in; i++)
        rewrite += job->in[i].rewrite;
    for (size_t i = 0; i < job->n_dels; i++)
        consumed += job->dels[i].consumed;
    return job->ratio_mode || rewrite >= 2 || consumed >= 2 || (rewrite == 1 && consumed >= 1);
}

/* The bytes of the live small data and delete files. */
static int64_t small_bytes(const lake__state_t *s, const lake_maintain_options_t *o)
{
    int64_t n = 0;
    for (size_t i = 0; i < s->n_data; i++)
        if (s->data[i].live && s->data[i].size < o->small_file_bytes)
            n += s->data[i].size;
    for (size_t i = 0; i < s->n_dels; i++)
        if (s->dels[i].size < o->small_file_bytes)
            n += s->dels[i].size;
    return n;
}

lake_compact_job_t *lake_compact_plan(lake_table_t *t, const lake_maintain_options_t *o)
{
    const lake__state_t *s = &t->state;
    if (!o->compact || t->batch || lake__table_staged(t) || t->meta.snap_id < 0)
        return NULL;
    int64_t records = 0, deletes = 0, n_small = 0;
    for (size_t i = 0; i < s->n_data; i++) {
        if (!s->data[i].live)
            continue;
        records += s->data[i].record_count;
        n_small += s->data[i].size < o->small_file_bytes;
    }
    for (size_t i = 0; i < s->n_dels; i++) {
        deletes += s->dels[i].record_count;
        n_small += s->dels[i].size < o->small_file_bytes;
    }
    bool by_count = n_small > o->max_small_files;
    int64_t min_deletes = o->min_deletes > 0 ? o->min_deletes : LAKE_COMPACT_MIN_DELETES;
    bool by_ratio = deletes >= min_deletes && deletes * 100 >= records * o->max_deleted_percent;
    bool by_idle = o->idle && n_small >= 2 && small_bytes(s, o) <= o->small_file_bytes;
    if (!by_count && !by_ratio && !by_idle)
        return NULL;
    lake_compact_job_t *job = job_new(t, o);
    job->ratio_mode = by_ratio;
    if (by_idle && !by_count && !by_ratio)
        job->opts.max_small_files = 1; /* select_small takes every small file */
    select_small(job);
    select_deletes(job);
    if (!job_useful(job)) {
        lake_compact_job_free(job);
        return NULL;
    }
    return job;
}

const char *lake_compact_job_location(const lake_compact_job_t *job)
{
    return job->rel;
}

void lake_compact_job_stats(const lake_compact_job_t *job, lake_compact_stats_t *out)
{
    *out = job->stats;
}

bool lake__cin_map(const lake__cin_t *in, int64_t row, int32_t *out_file, int64_t *out_row)
{
    size_t lo = 0, hi = in->n_dels;
    while (lo < hi) { /* the number of deleted rows before row */
        size_t mid = lo + (hi - lo) / 2;
        if (in->dels[mid] < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    if ((lo < in->n_dels && in->dels[lo] == row) || in->out < 0 || row < 0 ||
        row >= in->f.record_count)
        return false;
    *out_file = in->out;
    *out_row = in->out_row + row - (int64_t)lo;
    if (in->sorted)
        *out_row = in->sorted[*out_row];
    return true;
}

/* An output's file, if it may exist, unless the commit took it. */
static void out_remove(const char *warehouse_root, lake__cout_t *o, bool keep)
{
    if (o->rel && !keep) {
        char *abs = am_xasprintf("%s/%s", warehouse_root, o->rel);
        am_err_t err = {0};
        if (!am_remove_tree(abs, &err))
            am_log_warn("lake", "could not remove a compaction's file", AM_KV_STR("path", abs),
                        AM_KV_ERR(&err));
        free(abs);
    }
    free(o->rel);
    free(o->uri);
    free(o->metrics);
    free(o->sorted);
    memset(o, 0, sizeof *o);
}

void lake_compact_job_free(lake_compact_job_t *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->n_out; i++)
        out_remove(job->root, &job->out[i], job->keep_files);
    out_remove(job->root, &job->merged, job->keep_files);
    for (size_t i = 0; i < job->n_in; i++) {
        lake__file_destroy(&job->in[i].f);
        free(job->in[i].dels);
    }
    for (size_t i = 0; i < job->n_dels; i++)
        lake__file_destroy(&job->dels[i].f);
    free(job->in);
    free(job->dels);
    free(job->out);
    free(job->merged_ref);
    free(job->root);
    free(job->rel);
    free(job->uri_prefix);
    free(job->meta_text);
    free(job);
}
