/*
 * lake/dels.c: a batch's deleted positions. They are kept in memory as packed 8-byte positions
 * (file id << 40 | row) up to the batch's share of the write path's budget (a quarter of a data
 * file's bytes, lake_set_file_bytes: a sixteenth of mirror.max_memory); past it they are
 * sorted, deduplicated and written to an unlinked temp file as one run, and the array starts
 * over: an UPDATE of a billion rows needs no 8 GB array. At commit they become one position
 * delete file, sorted by data file URI and then row as the spec requires: sorted where they are
 * when nothing was spilled, else merged from the runs one data file at a time (each run keeps
 * where each file's positions start). DuckDB is not asked to sort: at a small memory limit its
 * DISTINCT and ORDER BY over a million rows ran out of memory where this merge needs a few kB
 * per run.
 * Spec: reference/iceberg.md section 7 (position deletes).
 */
#include "lake/lake_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MEM_MIN 16  /* positions; lake_set_file_bytes keeps real budgets far above */
#define READ_N 4096 /* positions a run's cursor reads at a time */

typedef struct seg {
    uint32_t id;  /* data file id */
    size_t start; /* index of its first position in the run */
    size_t n;
} seg_t;

/* One sorted, duplicate-free run in the spill file. */
typedef struct lake__del_run {
    off_t off;
    size_t n;
    seg_t *segs; /* by id ascending, as the run is sorted */
    size_t n_segs;
} lake__del_run_t;

static size_t mem_max(const lake_batch_t *b)
{
    size_t n = (size_t)(b->t->lake->bytes_per_file / 4) / sizeof *b->dels;
    return n < MEM_MIN ? MEM_MIN : n;
}

static lake_pos_t unpack(uint64_t v)
{
    return (lake_pos_t){.file = (int32_t)(v >> LAKE__POS_ROW_BITS),
                        .row = (int64_t)(v & LAKE__POS_ROW_MASK)};
}

static size_t sort_unique(uint64_t *v, size_t n)
{
    am_sort_u64(v, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[k - 1] != v[i])
            v[k++] = v[i];
    return k;
}

/* An unlinked file under $TMPDIR (or /tmp): nothing to clean up after a crash. */
static int open_spill(am_err_t *err)
{
    /* mkstemp's template: it replaces the six X */
    char *path = am_xasprintf("%s/arctic-mirror-deletes-XXXXXX", lake__tmp_dir());
    int fd = mkstemp(path);
    if (fd < 0)
        am_err_errno(err, errno, "create \"%s\"", path);
    else
        (void)unlink(path);
    free(path);
    return fd;
}

static bool write_all(int fd, const void *p, size_t len, off_t off, am_err_t *err)
{
    const char *c = p;
    while (len > 0) {
        ssize_t w = pwrite(fd, c, len, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return am_err_errno(err, w < 0 ? errno : ENOSPC,
                                "write deleted positions to a temp file");
        c += w;
        len -= (size_t)w;
        off += w;
    }
    return true;
}

static bool read_all(int fd, void *p, size_t len, off_t off, am_err_t *err)
{
    char *c = p;
    while (len > 0) {
        ssize_t r = pread(fd, c, len, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return am_err_errno(err, r < 0 ? errno : EIO, "read deleted positions back");
        c += r;
        len -= (size_t)r;
        off += r;
    }
    return true;
}

/* Moves the positions in memory to a new run; on failure the batch is broken. */
static bool spill(lake_batch_t *b, am_err_t *err)
{
    if (b->n_dels == 0)
        return true;
    if (b->spill_fd < 0 && (b->spill_fd = open_spill(err)) < 0) {
        b->broken = true;
        return false;
    }
    size_t n = sort_unique(b->dels, b->n_dels);
    off_t off = 0;
    if (b->n_runs > 0) {
        const lake__del_run_t *prev = &b->runs[b->n_runs - 1];
        off = prev->off + (off_t)(prev->n * sizeof *b->dels);
    }
    if (!write_all(b->spill_fd, b->dels, n * sizeof *b->dels, off, err)) {
        b->broken = true;
        am_err_prefix(err, "table %s.%s", b->t->schema, b->t->name);
        return false;
    }
    b->runs = am_xrealloc(b->runs, (b->n_runs + 1) * sizeof *b->runs);
    lake__del_run_t *r = &b->runs[b->n_runs++];
    *r = (lake__del_run_t){.off = off, .n = n};
    for (size_t i = 0; i < n; i++) {
        uint32_t id = (uint32_t)(b->dels[i] >> LAKE__POS_ROW_BITS);
        if (r->n_segs == 0 || r->segs[r->n_segs - 1].id != id) {
            if ((r->n_segs & (r->n_segs - 1)) == 0)
                r->segs = am_xrealloc(r->segs, (r->n_segs ? r->n_segs * 2 : 1) * sizeof *r->segs);
            r->segs[r->n_segs++] = (seg_t){.id = id, .start = i};
        }
        r->segs[r->n_segs - 1].n++;
    }
    b->n_spilled += b->n_dels;
    b->n_dels = 0;
    return true;
}

bool lake_batch_delete(lake_batch_t *b, lake_pos_t pos, am_err_t *err)
{
    if (!lake__batch_usable(b, err) || !lake__table_file_uri(b->t, pos.file, pos.row, err))
        return false;
    if ((uint64_t)pos.row > LAKE__POS_ROW_MASK)
        return am_err_set(err, "54000",
                          "table %s.%s: row %" PRId64 " of a data file is past the "
                          "most a delete can address",
                          b->t->schema, b->t->name, pos.row);
    if (b->n_dels == b->cap_dels) {
        size_t max = mem_max(b);
        b->cap_dels = b->cap_dels ? b->cap_dels * 2 : 64;
        b->cap_dels = b->cap_dels > max ? max : b->cap_dels;
        b->dels = am_xrealloc(b->dels, b->cap_dels * sizeof *b->dels);
    }
    b->dels[b->n_dels++] = (uint64_t)pos.file << LAKE__POS_ROW_BITS | (uint64_t)pos.row;
    return b->n_dels < mem_max(b) || spill(b, err);
}

int64_t lake_batch_n_deleted(const lake_batch_t *b)
{
    return (int64_t)(b->n_dels + b->n_spilled);
}

void lake__batch_dels_clear(lake_batch_t *b)
{
    if (b->spill_fd >= 0)
        (void)close(b->spill_fd);
    b->spill_fd = -1;
    for (size_t i = 0; i < b->n_runs; i++)
        free(b->runs[i].segs);
    free(b->runs);
    b->runs = NULL;
    b->n_runs = 0;
    b->n_spilled = 0;
    b->n_dels = 0;
}

bool lake_batch_deletes(lake_batch_t *b, lake_pos_t **out, size_t *n, am_err_t *err)
{
    size_t total = b->n_dels;
    for (size_t i = 0; i < b->n_runs; i++)
        total += b->runs[i].n;
    lake_pos_t *all = am_xcalloc(total + 1, sizeof *all);
    uint64_t *buf = am_xmalloc(READ_N * sizeof *buf);
    size_t k = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < b->n_runs; i++)
        for (size_t at = 0; ok && at < b->runs[i].n; at += READ_N) {
            size_t m = b->runs[i].n - at < READ_N ? b->runs[i].n - at : READ_N;
            ok = read_all(b->spill_fd, buf, m * sizeof *buf,
                          b->runs[i].off + (off_t)(at * sizeof *buf), err);
            for (size_t j = 0; ok && j < m; j++)
                all[k++] = unpack(buf[j]);
        }
    free(buf);
    for (size_t i = 0; ok && i < b->n_dels; i++)
        all[k++] = unpack(b->dels[i]);
    if (!ok) {
        free(all);
        return false;
    }
    *out = all;
    *n = k;
    return true;
}

/* ---- the delete file ---------------------------------------------------------------------- */

typedef struct file_uri {
    uint32_t id;
    const char *uri;
} file_uri_t;

static int uri_cmp(const void *a, const void *b)
{
    return strcmp(((const file_uri_t *)a)->uri, ((const file_uri_t *)b)->uri);
}

typedef struct mem_src {
    lake_table_t *t;
    const uint64_t *dels;
} mem_src_t;

static void mem_get(const void *ctx, size_t i, const char **path, int64_t *pos)
{
    const mem_src_t *d = ctx;
    lake_pos_t p = unpack(d->dels[i]);
    *pos = p.row;
    *path = lake__table_file_uri(d->t, p.file, p.row, NULL);
    AM_ASSERT(*path != NULL); /* lake_batch_delete checked the position */
}

/*
 * Sorts and dedupes b->dels in place: each file id is replaced by the rank of its URI among
 * the files deleted from, the keys are sorted where they are (am_sort_u64 allocates nothing),
 * duplicates go and the ranks turn back into file ids. Only the order and count change, so
 * the batch still holds the same set if the commit fails.
 */
static lake__del_src_t mem_sorted(lake_batch_t *b, mem_src_t *d)
{
    lake_table_t *t = b->t;
    size_t n_ids = t->state.n_data + b->n_files;
    uint32_t *rank = am_xcalloc(n_ids + 1, sizeof *rank);
    size_t n_files = 0;
    for (size_t i = 0; i < b->n_dels; i++) {
        uint64_t id = b->dels[i] >> LAKE__POS_ROW_BITS;
        if (rank[id] == 0) {
            rank[id] = 1;
            n_files++;
        }
    }
    file_uri_t *files = am_xcalloc(n_files + 1, sizeof *files);
    size_t k = 0;
    for (size_t id = 0; id < n_ids; id++)
        if (rank[id]) {
            files[k].id = (uint32_t)id;
            files[k++].uri = lake__table_file_uri(t, (int32_t)id, 0, NULL);
        }
    qsort(files, n_files, sizeof *files, uri_cmp);
    for (size_t i = 0; i < n_files; i++)
        rank[files[i].id] = (uint32_t)i;
    /* a rank is below the file count, so it fits where the file id was */
    for (size_t i = 0; i < b->n_dels; i++)
        b->dels[i] = (uint64_t)rank[b->dels[i] >> LAKE__POS_ROW_BITS] << LAKE__POS_ROW_BITS |
                     (b->dels[i] & LAKE__POS_ROW_MASK);
    free(rank);
    b->n_dels = k = sort_unique(b->dels, b->n_dels);
    for (size_t i = 0; i < k; i++)
        b->dels[i] = (uint64_t)files[b->dels[i] >> LAKE__POS_ROW_BITS].id << LAKE__POS_ROW_BITS |
                     (b->dels[i] & LAKE__POS_ROW_MASK);
    free(files);
    *d = (mem_src_t){.t = t, .dels = b->dels};
    return (lake__del_src_t){.n = k, .get = mem_get, .ctx = d};
}

/* A run's positions of one data file, read READ_N at a time. */
typedef struct cursor {
    off_t off;   /* of the next position not yet in buf */
    size_t left; /* positions not yet in buf */
    uint64_t buf[READ_N];
    size_t at, n; /* buf[at..n) not yet merged */
} cursor_t;

static bool cursor_fill(int fd, cursor_t *c, am_err_t *err)
{
    size_t m = c->left < READ_N ? c->left : READ_N;
    if (!read_all(fd, c->buf, m * sizeof *c->buf, c->off, err))
        return false;
    c->off += (off_t)(m * sizeof *c->buf);
    c->left -= m;
    c->at = 0;
    c->n = m;
    return true;
}

/* The positions of one data file from every run that has some, merged, each once. */
static bool merge_file(lake_batch_t *b, lake__del_writer_t *d, cursor_t *cur, const file_uri_t *f,
                       int64_t *n_out, am_err_t *err)
{
    size_t k = 0;
    for (size_t i = 0; i < b->n_runs; i++) {
        const lake__del_run_t *r = &b->runs[i];
        size_t lo = 0, hi = r->n_segs; /* segs go by id: the first not below f's */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (r->segs[mid].id < f->id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == r->n_segs || r->segs[lo].id != f->id)
            continue;
        cur[k] = (cursor_t){.off = r->off + (off_t)(r->segs[lo].start * sizeof(uint64_t)),
                            .left = r->segs[lo].n};
        if (!cursor_fill(b->spill_fd, &cur[k], err))
            return false;
        k++;
    }
    uint64_t last = 0;
    bool any = false;
    for (;;) {
        /* few runs: a linear pick of the smallest head is cheaper than a heap */
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < k; i++)
            if (cur[i].at < cur[i].n &&
                (best == SIZE_MAX || cur[i].buf[cur[i].at] < cur[best].buf[cur[best].at]))
                best = i;
        if (best == SIZE_MAX)
            return true;
        uint64_t v = cur[best].buf[cur[best].at++];
        if (cur[best].at == cur[best].n && cur[best].left > 0 &&
            !cursor_fill(b->spill_fd, &cur[best], err))
            return false;
        if (any && v == last)
            continue;
        any = true;
        last = v;
        if (!lake__del_writer_add(d, f->uri, (int64_t)(v & LAKE__POS_ROW_MASK), err))
            return false;
        (*n_out)++;
    }
}

static bool runs_write(void *ctx, const char *abs_path, int64_t *n, const char **first,
                       const char **last, am_err_t *err)
{
    lake_batch_t *b = ctx;
    /* every data file some run deletes from, in URI order */
    size_t n_ids = b->t->state.n_data + b->n_files, n_files = 0;
    bool *seen = am_xcalloc(n_ids + 1, sizeof *seen);
    for (size_t i = 0; i < b->n_runs; i++)
        for (size_t s = 0; s < b->runs[i].n_segs; s++)
            seen[b->runs[i].segs[s].id] = true;
    file_uri_t *files = am_xcalloc(n_ids + 1, sizeof *files);
    for (size_t id = 0; id < n_ids; id++)
        if (seen[id]) {
            files[n_files].id = (uint32_t)id;
            files[n_files++].uri = lake__table_file_uri(b->t, (int32_t)id, 0, NULL);
        }
    free(seen);
    qsort(files, n_files, sizeof *files, uri_cmp);
    cursor_t *cur = am_xcalloc(b->n_runs + 1, sizeof *cur);
    lake__del_writer_t d;
    bool ok = lake__del_writer_begin(&d, abs_path, err);
    *n = 0;
    for (size_t i = 0; ok && i < n_files; i++)
        ok = merge_file(b, &d, cur, &files[i], n, err);
    free(cur);
    free(files);
    if (!ok) {
        lake__del_writer_abort(&d);
        return false;
    }
    *first = d.first;
    *last = d.last;
    return lake__del_writer_finish(&d, err);
}

bool lake__batch_write_deletes(lake__commit_t *c, lake_batch_t *b, lake__file_t *out, am_err_t *err)
{
    if (b->n_runs == 0) {
        mem_src_t d;
        lake__del_src_t src = mem_sorted(b, &d);
        return lake__write_delete_file(c, &src, out, err);
    }
    if (!spill(b, err))
        return false;
    /* everything is in the runs now: the array's share goes back for the merge */
    free(b->dels);
    b->dels = NULL;
    b->cap_dels = 0;
    lake__del_src_t src = {.write = runs_write, .write_ctx = b};
    return lake__write_delete_file(c, &src, out, err);
}
