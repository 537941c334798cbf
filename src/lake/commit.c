/*
 * lake/commit.c: one batch -> one Iceberg snapshot, on a filesystem, durable before it
 * returns true. Order (reference/iceberg.md section 8): data files (already synced by
 * batch.c), the position delete file, new manifests, the manifest list (parent manifests
 * copied verbatim plus the new ones), then vN+1.metadata.json published without overwrite
 * (snapshot.c builds and publishes; any failure before the publish leaves the table at its
 * previous snapshot and removes the files this commit wrote).
 * Once a snapshot lists lake->merge_manifests manifests, the commit rewrites the parent's into
 * one per content (EXISTING entries), as Java's manifest merging does; snapshots beyond
 * lake->keep_snapshots expire with the commit (maintain.c removes what only they reached).
 * Spec: Iceberg table spec "Snapshots", "Manifests", "Sequence Numbers"; reference sections 6-8.
 */
#include "lake/lake_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct commit {
    lake__commit_t c;
    lake_batch_t *b;
    lake__file_t del; /* the new position delete file (del.path NULL: none) */
    bool merge;       /* parent manifests are rewritten into one per content */
} commit_t;

/* ---- position delete file ---------------------------------------------------------------- */

int lake__del_row_cmp(const void *a, const void *b)
{
    const lake__del_row_t *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

size_t lake__del_rows_sort(lake__del_row_t *rows, size_t n)
{
    qsort(rows, n, sizeof *rows, lake__del_row_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || lake__del_row_cmp(&rows[k - 1], &rows[i]) != 0)
            rows[k++] = rows[i];
    return k;
}

static void rows_get(const void *ctx, size_t i, const char **path, int64_t *pos)
{
    const lake__del_row_t *r = (const lake__del_row_t *)ctx + i;
    *path = r->path;
    *pos = r->pos;
}

lake__del_src_t lake__del_rows_src(const lake__del_row_t *rows, size_t n)
{
    return (lake__del_src_t){.n = n, .get = rows_get, .ctx = rows};
}

bool lake__write_delete_file(lake__commit_t *c, const lake__del_src_t *src, lake__file_t *out,
                             am_err_t *err)
{
    char uuid[37];
    am_uuid4(uuid);
    lake_table_t *t = c->t;
    char *rel = am_xasprintf("%s/data/%s-deletes.parquet", t->rel, uuid);
    lake__commit_created(c, rel);
    char *abs = storage_path(t->lake->st, rel);
    memset(out, 0, sizeof *out);
    int64_t n = (int64_t)src->n, pos = 0;
    const char *first = NULL, *last = NULL;
    bool ok = (src->write ? src->write(src->write_ctx, abs, &n, &first, &last, err)
                          : lake__pq_write_deletes(src, abs, err)) &&
              storage_sync(t->lake->st, rel, err) &&
              storage_size(t->lake->st, rel, &out->size, err);
    free(abs);
    if (!ok)
        return false;
    if (!src->write) {
        src->get(src->ctx, 0, &first, &pos);
        src->get(src->ctx, src->n - 1, &last, &pos);
    }
    out->path = am_xasprintf("%s/data/%s-deletes.parquet", t->uri_prefix, uuid);
    out->content = 1;
    out->record_count = n;
    out->sort_order_id = -1;
    out->snapshot_id = c->snap_id;
    out->data_seq = out->file_seq = c->seq;
    out->live = true;
    if (first && last && strcmp(first, last) == 0) /* a writer that names none: not one file */
        out->referenced = am_xstrdup(first);
    c->added_del_files++;
    c->added_deletes += out->record_count;
    c->added_size += out->size;
    return true;
}

static bool write_delete_file(commit_t *c, am_err_t *err)
{
    if (lake_batch_n_deleted(c->b) == 0)
        return true;
    return lake__batch_write_deletes(&c->c, c->b, &c->del, err);
}

/* ---- manifests --------------------------------------------------------------------------- */

static bool write_added(commit_t *c, am_err_t *err)
{
    lake_batch_t *b = c->b;
    lake__commit_t *k = &c->c;
    lake__entry_t *es = am_xcalloc(b->n_files + 1, sizeof *es);
    size_t n = 0;
    for (size_t i = 0; i < b->n_files; i++) {
        const lake__pending_t *p = &b->files[i];
        lake__file_t f = {.path = p->uri,
                          .content = 0,
                          .record_count = p->n_rows,
                          .size = p->size,
                          .snapshot_id = k->snap_id,
                          .data_seq = k->seq,
                          .file_seq = k->seq,
                          .sort_order_id = 0,
                          .live = !p->dropped,
                          .metrics = p->metrics,
                          .metrics_len = p->metrics_len};
        lake__state_push_data(&k->next, &f); /* keeps ids: index = lake_pos_t.file */
        if (p->dropped)
            continue;
        es[n++] = lake__entry_added(&f);
        k->added_data_files++;
        k->added_records += p->n_rows;
        k->added_size += p->size;
    }
    bool ok = n == 0 || lake__commit_manifest(k, es, n, 0, err);
    free(es);
    if (ok && c->del.path) {
        lake__state_push_del(&k->next, &c->del);
        lake__entry_t e = lake__entry_added(&c->del);
        ok = lake__commit_manifest(k, &e, 1, 1, err);
    }
    return ok;
}

/*
 * Every live file of the parent in one new manifest per content: status 2 (DELETED, by this
 * snapshot) for a truncate, status 0 (EXISTING, as they were) when merging manifests. Seqs stay
 * the originals, written out explicitly as the spec requires for both.
 */
static bool write_rewritten(commit_t *c, const lake__file_t *files, size_t n, int32_t content,
                            int32_t status, am_err_t *err)
{
    lake__commit_t *k = &c->c;
    lake__entry_t *es = am_xcalloc(n + 1, sizeof *es);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!files[i].live)
            continue;
        es[m].status = status;
        es[m++].f = files[i];
        if (status == 0)
            continue;
        es[m - 1].f.snapshot_id = k->snap_id;
        if (content == 0) {
            k->removed_data_files++;
            k->removed_records += files[i].record_count;
        } else {
            k->removed_del_files++;
            k->removed_deletes += files[i].record_count;
        }
        k->removed_size += files[i].size;
    }
    bool ok = m == 0 || lake__commit_manifest(k, es, m, content, err);
    free(es);
    return ok;
}

/* ---- the commit -------------------------------------------------------------------------- */

static bool has_live(const lake__state_t *s)
{
    for (size_t i = 0; i < s->n_data; i++)
        if (s->data[i].live)
            return true;
    return s->n_dels > 0;
}

static bool has_changes(const lake_batch_t *b)
{
    for (size_t i = 0; i < b->n_files; i++)
        if (!b->files[i].dropped && b->files[i].n_rows > 0)
            return true;
    return lake_batch_n_deleted(b) > 0 || (b->truncate && has_live(&b->t->state));
}

/* The parent's files (ids kept) and manifests, minus what a truncate removes. */
static void inherit_parent(commit_t *c)
{
    lake__commit_t *k = &c->c;
    const lake__state_t *s = &k->t->state;
    bool truncate = c->b->truncate;
    for (size_t i = 0; i < s->n_data; i++) {
        lake__state_push_data(&k->next, &s->data[i]);
        k->next.data[i].live = s->data[i].live && !truncate;
    }
    if (truncate)
        return;
    for (size_t i = 0; i < s->n_dels; i++)
        lake__state_push_del(&k->next, &s->dels[i]);
    /* Java's commit.manifest.min-count-to-merge: keeps lists (and planning) short */
    c->merge = s->n_mrefs >= k->t->lake->merge_manifests;
    for (size_t i = 0; !c->merge && i < s->n_mrefs; i++)
        /* a manifest with only DELETED entries lists nothing live: drop it, as Java does */
        if (s->mrefs[i].added_files + s->mrefs[i].existing_files > 0)
            lake__state_push_mref(&k->next, &s->mrefs[i]);
}

static bool commit_files(commit_t *c, am_lsn_t lsn, am_err_t *err)
{
    const lake__state_t *s = &c->c.t->state;
    inherit_parent(c);
    if (!write_delete_file(c, err) || !write_added(c, err))
        return false;
    bool rewrite = c->b->truncate || c->merge;
    int32_t status = c->b->truncate ? 2 : 0;
    if (rewrite && (!write_rewritten(c, s->data, s->n_data, 0, status, err) ||
                    !write_rewritten(c, s->dels, s->n_dels, 1, status, err)))
        return false;
    return lake__commit_publish(&c->c, lsn, err);
}

/* After a failed fsync the batch's files may be part of what is on disk: none is removed. */
static void keep_files(lake_batch_t *b)
{
    for (size_t i = 0; i < b->n_files; i++)
        b->files[i].written = false;
}

bool lake_batch_commit(lake_batch_t *b, am_lsn_t lsn, am_err_t *err)
{
    lake_table_t *t = b->t;
    if (b->broken)
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "table %s.%s: the batch failed earlier and must be freed", t->schema,
                          t->name);
    if (!lake__batch_close_file(b, err))
        return false;
    if (!has_changes(b) && !lake__table_staged(t)) {
        lake__batch_reset(b);
        return true;
    }
    commit_t c = {.b = b};
    lake__commit_init(&c.c, t);
    if (!commit_files(&c, lsn, err)) {
        b->broken = true;
        bool fatal = lake__err_fatal(err);
        if (fatal)
            keep_files(b);
        am_err_prefix(err, "table %s.%s: commit", t->schema, t->name);
        lake__commit_destroy(&c.c, !fatal);
        lake__file_destroy(&c.del);
        return false;
    }
    bool finished = lake__commit_finish(&c.c, err);
    am_log_debug("lake", "committed snapshot", AM_KV_STR("table", t->rel),
                 AM_KV_I64("snapshot_id", c.c.snap_id), AM_KV_I64("sequence", c.c.seq),
                 AM_KV_I64("added_records", c.c.added_records),
                 AM_KV_I64("deleted_positions", c.del.record_count));
    lake__commit_destroy(&c.c, false);
    lake__file_destroy(&c.del);
    lake__batch_reset(b);
    if (!finished)
        am_err_prefix(err, "table %s.%s: commit", t->schema, t->name);
    return finished;
}
