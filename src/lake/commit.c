/*
 * lake/commit.c: one batch -> one Iceberg snapshot, on a filesystem, durable before it
 * returns true. Order (reference/iceberg.md section 8): data files (already synced by
 * batch.c), the position delete file, new manifests, the manifest list (parent manifests
 * copied verbatim plus the new ones), then vN+1.metadata.json published with link(2) so it
 * never replaces another writer's, then version-hint.text. Until the publish, nothing a
 * reader follows has changed: any failure leaves the table at its previous snapshot (and the
 * files this commit wrote are removed). After the publish the commit stands even if the hint
 * update fails: readers and lake__meta_load_dir probe past a lagging hint.
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

#define MAX_CREATED 8

typedef struct commit {
    lake_batch_t *b;
    lake_table_t *t;
    int64_t snap_id;
    int64_t seq;
    int64_t ts_ms;
    char uuid[37];
    int n_manifests;
    lake__state_t next; /* the snapshot being built; installed on success */
    lake__file_t del;   /* the new position delete file (del.path NULL: none) */
    int64_t added_data_files, added_records, added_size;
    int64_t removed_data_files, removed_records, removed_del_files, removed_deletes;
    int64_t removed_size;
    char *created[MAX_CREATED]; /* rel paths written by this commit, removed on failure */
    int n_created;
    bool merge;     /* parent manifests are rewritten into one per content */
    char **expired; /* manifest lists of snapshots this commit expires */
    size_t n_expired;
    char *ml_uri;
    char *meta_text;
} commit_t;

static void created_add(commit_t *c, char *rel)
{
    AM_ASSERT(c->n_created < MAX_CREATED);
    c->created[c->n_created++] = rel;
}

/* Writes bytes under rel (new unique name: published without overwrite) and records it. */
static bool write_new(commit_t *c, char *rel, const am_buf_t *bytes, am_err_t *err)
{
    created_add(c, rel);
    return storage_publish(c->t->lake->st, rel, bytes->data, bytes->len, err);
}

/* ---- position delete file ---------------------------------------------------------------- */

static int del_row_cmp(const void *a, const void *b)
{
    const lake__del_row_t *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sorted, duplicate-free (file_path, pos) rows of the batch's deletes; returns the count. */
static size_t delete_rows(commit_t *c, lake__del_row_t **out, am_err_t *err)
{
    lake_batch_t *b = c->b;
    lake__del_row_t *rows = am_xcalloc(b->n_dels + 1, sizeof *rows);
    for (size_t i = 0; i < b->n_dels; i++) {
        rows[i].path = lake__table_file_uri(c->t, b->dels[i].file, b->dels[i].row, err);
        rows[i].pos = b->dels[i].row;
        AM_ASSERT(rows[i].path != NULL); /* lake_batch_delete checked the position */
    }
    qsort(rows, b->n_dels, sizeof *rows, del_row_cmp);
    size_t n = 0;
    for (size_t i = 0; i < b->n_dels; i++)
        if (n == 0 || del_row_cmp(&rows[n - 1], &rows[i]) != 0)
            rows[n++] = rows[i];
    *out = rows;
    return n;
}

static bool write_delete_file(commit_t *c, am_err_t *err)
{
    if (c->b->n_dels == 0)
        return true;
    lake__del_row_t *rows = NULL;
    size_t n = delete_rows(c, &rows, err);
    char uuid[37];
    am_uuid4(uuid);
    char *rel = am_xasprintf("%s/data/%s-deletes.parquet", c->t->rel, uuid);
    created_add(c, rel);
    char *abs = storage_path(c->t->lake->st, rel);
    lake_t *lake = c->t->lake;
    bool ok = lake__pq_write_deletes(lake, rows, n, abs, err) && storage_sync(lake->st, rel, err) &&
              storage_size(lake->st, rel, &c->del.size, err);
    free(abs);
    if (ok) {
        c->del.path = am_xasprintf("%s/data/%s-deletes.parquet", c->t->uri_prefix, uuid);
        c->del.content = 1;
        c->del.record_count = (int64_t)n;
        c->del.sort_order_id = -1;
        c->del.live = true;
        if (strcmp(rows[0].path, rows[n - 1].path) == 0)
            c->del.referenced = am_xstrdup(rows[0].path);
    }
    free(rows);
    return ok;
}

/* ---- manifests --------------------------------------------------------------------------- */

static bool write_manifest(commit_t *c, const lake__entry_t *es, size_t n, int32_t content,
                           am_err_t *err)
{
    am_buf_t bytes;
    am_buf_init(&bytes);
    char *schema = lake__meta_schema_text(&c->t->meta);
    lake__mref_t m = {.spec_id = 0,
                      .content = content,
                      .seq = c->seq,
                      .min_seq = c->seq,
                      .added_snapshot_id = c->snap_id};
    for (size_t i = 0; i < n; i++) {
        if (es[i].status == 1) {
            m.added_files++;
            m.added_rows += es[i].f.record_count;
        } else if (es[i].status == 2) {
            m.deleted_files++;
            m.deleted_rows += es[i].f.record_count;
        } else {
            m.existing_files++;
            m.existing_rows += es[i].f.record_count;
            if (es[i].f.data_seq < m.min_seq)
                m.min_seq = es[i].f.data_seq;
        }
    }
    char *rel = am_xasprintf("%s/metadata/%s-m%d.avro", c->t->rel, c->uuid, c->n_manifests);
    m.path = am_xasprintf("%s/metadata/%s-m%d.avro", c->t->uri_prefix, c->uuid, c->n_manifests++);
    bool ok = lake__manifest_encode(es, n, content, schema, c->t->meta.schema_id, &bytes, err) &&
              write_new(c, rel, &bytes, err);
    m.length = (int64_t)bytes.len;
    if (ok)
        lake__state_push_mref(&c->next, &m);
    free(m.path);
    free(schema);
    am_buf_destroy(&bytes);
    return ok;
}

/* ADDED entries: seqs null (inherited from the manifest list), snapshot id explicit. */
static lake__entry_t added(const lake__file_t *f)
{
    lake__entry_t e = {.status = 1, .f = *f};
    e.f.data_seq = -1;
    e.f.file_seq = -1;
    return e;
}

static bool write_added(commit_t *c, am_err_t *err)
{
    lake_batch_t *b = c->b;
    lake__entry_t *es = am_xcalloc(b->n_files + 1, sizeof *es);
    size_t n = 0;
    for (size_t i = 0; i < b->n_files; i++) {
        const lake__pending_t *p = &b->files[i];
        lake__file_t f = {.path = p->uri,
                          .content = 0,
                          .record_count = p->n_rows,
                          .size = p->size,
                          .snapshot_id = c->snap_id,
                          .data_seq = c->seq,
                          .file_seq = c->seq,
                          .sort_order_id = 0,
                          .live = !p->dropped};
        lake__state_push_data(&c->next, &f); /* keeps ids: index = lake_pos_t.file */
        if (p->dropped)
            continue;
        es[n++] = added(&f);
        c->added_data_files++;
        c->added_records += p->n_rows;
        c->added_size += p->size;
    }
    bool ok = n == 0 || write_manifest(c, es, n, 0, err);
    free(es);
    if (ok && c->del.path) {
        c->del.snapshot_id = c->snap_id;
        c->del.data_seq = c->del.file_seq = c->seq;
        lake__state_push_del(&c->next, &c->del);
        lake__entry_t e = added(&c->del);
        c->added_size += c->del.size;
        ok = write_manifest(c, &e, 1, 1, err);
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
    lake__entry_t *es = am_xcalloc(n + 1, sizeof *es);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!files[i].live)
            continue;
        es[k].status = status;
        es[k++].f = files[i];
        if (status == 0)
            continue;
        es[k - 1].f.snapshot_id = c->snap_id;
        if (content == 0) {
            c->removed_data_files++;
            c->removed_records += files[i].record_count;
        } else {
            c->removed_del_files++;
            c->removed_deletes += files[i].record_count;
        }
        c->removed_size += files[i].size;
    }
    bool ok = k == 0 || write_manifest(c, es, k, content, err);
    free(es);
    return ok;
}

/* ---- manifest list, summary, metadata ---------------------------------------------------- */

static bool write_manifest_list(commit_t *c, am_err_t *err)
{
    am_buf_t bytes;
    am_buf_init(&bytes);
    char *rel =
        am_xasprintf("%s/metadata/snap-%" PRId64 "-1-%s.avro", c->t->rel, c->snap_id, c->uuid);
    c->ml_uri = am_xasprintf("%s/metadata/snap-%" PRId64 "-1-%s.avro", c->t->uri_prefix, c->snap_id,
                             c->uuid);
    bool ok = lake__mlist_encode(c->next.mrefs, c->next.n_mrefs, c->snap_id, c->t->meta.snap_id,
                                 c->seq, &bytes, err) &&
              write_new(c, rel, &bytes, err);
    am_buf_destroy(&bytes);
    return ok;
}

static void put_count(json_t *summary, const char *key, int64_t v, bool always)
{
    if (v == 0 && !always)
        return;
    char s[24];
    (void)snprintf(s, sizeof s, "%" PRId64, v);
    json_object_set_new(summary, key, json_string(s));
}

static void put_totals(json_t *summary, const lake__state_t *s)
{
    int64_t files = 0, records = 0, size = 0, deletes = 0;
    for (size_t i = 0; i < s->n_data; i++) {
        if (!s->data[i].live)
            continue;
        files++;
        records += s->data[i].record_count;
        size += s->data[i].size;
    }
    for (size_t i = 0; i < s->n_dels; i++) {
        deletes += s->dels[i].record_count;
        size += s->dels[i].size;
    }
    put_count(summary, "total-data-files", files, true);
    put_count(summary, "total-delete-files", (int64_t)s->n_dels, true);
    put_count(summary, "total-records", records, true);
    put_count(summary, "total-files-size", size, true);
    put_count(summary, "total-position-deletes", deletes, true);
    put_count(summary, "total-equality-deletes", 0, true);
}

/* Java's row-delta naming: only inserts append, only removals delete, both overwrite. */
static json_t *summary_new(const commit_t *c, am_lsn_t lsn)
{
    bool adds = c->added_data_files > 0;
    bool removes = c->del.path || c->removed_data_files > 0 || c->removed_del_files > 0;
    json_t *s = json_object();
    /* no data change at all: a schema or properties change, which Java would not snapshot;
     * we do, so a watermark can name the table with its new schema */
    json_object_set_new(s, "operation",
                        json_string(!removes && !adds ? "replace"
                                    : !removes        ? "append"
                                    : !adds           ? "delete"
                                                      : "overwrite"));
    put_count(s, "added-data-files", c->added_data_files, false);
    put_count(s, "added-records", c->added_records, false);
    put_count(s, "added-files-size", c->added_size, false);
    put_count(s, "added-delete-files", c->del.path ? 1 : 0, false);
    put_count(s, "added-position-delete-files", c->del.path ? 1 : 0, false);
    put_count(s, "added-position-deletes", c->del.path ? c->del.record_count : 0, false);
    put_count(s, "deleted-data-files", c->removed_data_files, false);
    put_count(s, "deleted-records", c->removed_records, false);
    put_count(s, "removed-delete-files", c->removed_del_files, false);
    put_count(s, "removed-position-delete-files", c->removed_del_files, false);
    put_count(s, "removed-position-deletes", c->removed_deletes, false);
    put_count(s, "removed-files-size", c->removed_size, false);
    put_count(s, "changed-partition-count", 1, true);
    put_totals(s, &c->next);
    char text[32];
    (void)snprintf(text, sizeof text, AM_LSN_FMT, AM_LSN_ARGS(lsn));
    json_object_set_new(s, LAKE_SUMMARY_LSN, json_string(text));
    json_object_set_new(s, "engine-name", json_string("arctic-mirror"));
    return s;
}

static bool publish_metadata(commit_t *c, am_lsn_t lsn, am_err_t *err)
{
    lake_table_t *t = c->t;
    json_t *summary = summary_new(c, lsn);
    lake__snap_t s = {.id = c->snap_id,
                      .parent_id = t->meta.snap_id,
                      .seq = c->seq,
                      .timestamp_ms = c->ts_ms,
                      .manifest_list = c->ml_uri,
                      .summary = summary};
    char *prev = am_xasprintf("%s/metadata/v%d.metadata.json", t->uri_prefix, t->meta.version);
    json_t *root = lake__meta_add_snapshot(&t->meta, &s, prev, (size_t)t->lake->metadata_log_max);
    lake__table_apply_staged(t, root);
    lake__meta_expire(root, t->lake->keep_snapshots, t->protect_id, &c->expired, &c->n_expired);
    c->meta_text = json_dumps(root, JSON_COMPACT);
    AM_ASSERT(c->meta_text != NULL);
    json_decref(root);
    json_decref(summary);
    free(prev);
    return lake__meta_publish(t, c->meta_text, err);
}

bool lake__meta_publish(lake_table_t *t, const char *text, am_err_t *err)
{
    char *rel = am_xasprintf("%s/metadata/v%d.metadata.json", t->rel, t->meta.version + 1);
    am_err_t e = {0};
    bool ok = storage_publish(t->lake->st, rel, text, strlen(text), &e);
    if (!ok && strcmp(e.sqlstate, STORAGE_SQLSTATE_EXISTS) == 0)
        am_err_set(err, STORAGE_SQLSTATE_EXISTS, "another writer committed version %d first",
                   t->meta.version + 1);
    else if (!ok && err)
        *err = e;
    free(rel);
    return ok;
}

void lake__hint_update(lake_table_t *t)
{
    char *rel = am_xasprintf("%s/metadata/version-hint.text", t->rel);
    char digits[16];
    int n = snprintf(digits, sizeof digits, "%d", t->meta.version + 1);
    am_err_t err = {0};
    if (!storage_write_atomic(t->lake->st, rel, digits, (size_t)n, &err))
        am_log_warn("lake", "could not update version hint", AM_KV_STR("path", rel),
                    AM_KV_ERR(&err));
    free(rel);
}

void lake__meta_install(lake_table_t *t, const char *text)
{
    lake__meta_t m;
    am_err_t err = {0};
    bool parsed = lake__meta_parse(text, strlen(text), "(new)", &m, &err);
    AM_ASSERT(parsed); /* we just wrote it */
    m.version = t->meta.version + 1;
    if (!t->staged_schema && m.n_cols == t->meta.n_cols) {
        /* the columns are the same: keep the array lake_table_columns() handed out, with the
         * docs of the new version */
        lake_column_t *cols = m.cols;
        m.cols = t->meta.cols;
        t->meta.cols = cols;
        for (size_t i = 0; i < m.n_cols; i++) {
            const char *doc = m.cols[i].doc;
            m.cols[i].doc = cols[i].doc;
            cols[i].doc = doc;
        }
    }
    lake__meta_destroy(&t->meta);
    t->meta = m;
    t->staged_schema = false;
    if (t->staged_props)
        json_decref(t->staged_props);
    t->staged_props = NULL;
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
    return b->n_dels > 0 || (b->truncate && has_live(&b->t->state));
}

static void commit_init(commit_t *c, lake_batch_t *b)
{
    memset(c, 0, sizeof *c);
    c->b = b;
    c->t = b->t;
    const char *unused = NULL;
    do
        c->snap_id = am_random_id53();
    while (lake__meta_snapshot_find(&c->t->meta, c->snap_id, &unused, NULL));
    c->seq = c->t->meta.last_seq + 1;
    c->ts_ms = am_now_us() / 1000;
    if (c->ts_ms < c->t->meta.last_updated_ms)
        c->ts_ms = c->t->meta.last_updated_ms; /* Java rejects a log that goes back in time */
    am_uuid4(c->uuid);
}

/* The parent's files (ids kept) and manifests, minus what a truncate removes. */
static void inherit_parent(commit_t *c)
{
    const lake__state_t *s = &c->t->state;
    bool truncate = c->b->truncate;
    for (size_t i = 0; i < s->n_data; i++) {
        lake__state_push_data(&c->next, &s->data[i]);
        c->next.data[i].live = s->data[i].live && !truncate;
    }
    if (truncate)
        return;
    for (size_t i = 0; i < s->n_dels; i++)
        lake__state_push_del(&c->next, &s->dels[i]);
    /* Java's commit.manifest.min-count-to-merge: keeps lists (and planning) short */
    c->merge = s->n_mrefs >= c->t->lake->merge_manifests;
    for (size_t i = 0; !c->merge && i < s->n_mrefs; i++)
        /* a manifest with only DELETED entries lists nothing live: drop it, as Java does */
        if (s->mrefs[i].added_files + s->mrefs[i].existing_files > 0)
            lake__state_push_mref(&c->next, &s->mrefs[i]);
}

static bool commit_files(commit_t *c, am_lsn_t lsn, am_err_t *err)
{
    const lake__state_t *s = &c->t->state;
    inherit_parent(c);
    if (!write_delete_file(c, err) || !write_added(c, err))
        return false;
    bool rewrite = c->b->truncate || c->merge;
    int32_t status = c->b->truncate ? 2 : 0;
    if (rewrite && (!write_rewritten(c, s->data, s->n_data, 0, status, err) ||
                    !write_rewritten(c, s->dels, s->n_dels, 1, status, err)))
        return false;
    return write_manifest_list(c, err) && publish_metadata(c, lsn, err);
}

static void commit_install(commit_t *c)
{
    lake_table_t *t = c->t;
    lake__meta_install(t, c->meta_text);
    lake__state_destroy(&t->state);
    t->state = c->next;
    memset(&c->next, 0, sizeof c->next);
}

static void commit_destroy(commit_t *c, bool failed)
{
    for (int i = 0; i < c->n_created; i++) {
        if (failed)
            lake__remove_quietly(c->t->lake, c->created[i]);
        free(c->created[i]);
    }
    for (size_t i = 0; i < c->n_expired; i++)
        free(c->expired[i]);
    free(c->expired);
    lake__state_destroy(&c->next);
    lake__file_destroy(&c->del);
    free(c->ml_uri);
    free(c->meta_text);
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
    commit_t c;
    commit_init(&c, b);
    bool ok = commit_files(&c, lsn, err);
    if (!ok) {
        b->broken = true;
        am_err_prefix(err, "table %s.%s: commit", t->schema, t->name);
        commit_destroy(&c, true);
        return false;
    }
    lake__hint_update(t);
    commit_install(&c);
    lake__expire_files(t, c.expired, c.n_expired);
    lake__remove_old_metadata(t);
    am_log_debug("lake", "committed snapshot", AM_KV_STR("table", t->rel),
                 AM_KV_I64("snapshot_id", c.snap_id), AM_KV_I64("sequence", c.seq),
                 AM_KV_I64("added_records", c.added_records),
                 AM_KV_I64("deleted_positions", c.del.record_count));
    commit_destroy(&c, false);
    lake__batch_reset(b);
    return true;
}
