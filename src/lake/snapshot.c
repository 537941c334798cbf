/*
 * lake/snapshot.c: building one new snapshot of a table, whatever made it (a batch's commit in
 * commit.c, a compaction in compact_commit.c): new manifests, the manifest list, the summary,
 * vN+1.metadata.json published with link(2) so it never replaces another writer's, then
 * version-hint.text, then the new metadata and live files installed in the table. Until the
 * publish nothing a reader follows has changed: any failure before it leaves the table at its
 * previous snapshot, and lake__commit_destroy removes the files the commit wrote. After the
 * publish the commit stands even if the hint update fails (readers probe past a lagging hint),
 * except for a failed fsync, which the caller must treat as fatal.
 * Snapshots beyond lake->keep_snapshots expire with the commit (maintain.c).
 * Spec: Iceberg table spec "Snapshots", "Manifests", "Sequence Numbers"; reference sections 6-8.
 */
#include "lake/lake_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lake__commit_init(lake__commit_t *c, lake_table_t *t)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    const char *unused = NULL;
    do
        c->snap_id = am_random_id53();
    while (lake__meta_snapshot_find(&t->meta, c->snap_id, &unused, NULL));
    c->seq = t->meta.last_seq + 1;
    c->ts_ms = am_now_us() / 1000;
    if (c->ts_ms < t->meta.last_updated_ms)
        c->ts_ms = t->meta.last_updated_ms; /* Java rejects a log that goes back in time */
    am_uuid4(c->uuid);
}

void lake__commit_created(lake__commit_t *c, char *rel)
{
    AM_ASSERT(c->n_created < LAKE__MAX_CREATED);
    c->created[c->n_created++] = rel;
}

/* Writes bytes under rel (new unique name: published without overwrite) and records it. */
static bool write_new(lake__commit_t *c, char *rel, const am_buf_t *bytes, am_err_t *err)
{
    lake__commit_created(c, rel);
    return storage_publish(c->t->lake->st, rel, bytes->data, bytes->len, err);
}

lake__entry_t lake__entry_added(const lake__file_t *f)
{
    lake__entry_t e = {.status = 1, .f = *f};
    e.f.data_seq = -1;
    e.f.file_seq = -1;
    return e;
}

/* The manifest_file row's counts and min_sequence_number for entries es. */
static void mref_counts(lake__mref_t *m, const lake__entry_t *es, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const lake__file_t *f = &es[i].f;
        if (es[i].status == 1) {
            m->added_files++;
            m->added_rows += f->record_count;
        } else if (es[i].status == 2) {
            m->deleted_files++;
            m->deleted_rows += f->record_count;
        } else {
            m->existing_files++;
            m->existing_rows += f->record_count;
        }
        /* an ADDED entry may carry its data sequence number (a compaction's files) */
        if (es[i].status != 2 && f->data_seq >= 0 && f->data_seq < m->min_seq)
            m->min_seq = f->data_seq;
    }
}

bool lake__commit_manifest(lake__commit_t *c, const lake__entry_t *es, size_t n, int32_t content,
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
    mref_counts(&m, es, n);
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

/* ---- manifest list, summary, metadata ---------------------------------------------------- */

static bool write_manifest_list(lake__commit_t *c, am_err_t *err)
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

/* Java's row-delta naming unless the commit names its operation: only inserts append, only
 * removals delete, both overwrite. */
static const char *operation(const lake__commit_t *c)
{
    if (c->operation)
        return c->operation;
    bool adds = c->added_data_files > 0;
    bool removes = c->added_del_files > 0 || c->removed_data_files > 0 || c->removed_del_files > 0;
    /* no data change at all: a schema or properties change, which Java would not snapshot;
     * we do, so a watermark can name the table with its new schema */
    return !removes && !adds ? "replace" : !removes ? "append" : !adds ? "delete" : "overwrite";
}

static json_t *summary_new(const lake__commit_t *c, am_lsn_t lsn)
{
    json_t *s = json_object();
    json_object_set_new(s, "operation", json_string(operation(c)));
    put_count(s, "added-data-files", c->added_data_files, false);
    put_count(s, "added-records", c->added_records, false);
    put_count(s, "added-files-size", c->added_size, false);
    put_count(s, "added-delete-files", c->added_del_files, false);
    put_count(s, "added-position-delete-files", c->added_del_files, false);
    put_count(s, "added-position-deletes", c->added_deletes, false);
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

static bool publish_metadata(lake__commit_t *c, am_lsn_t lsn, am_err_t *err)
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
    c->meta_root = root; /* installed at finish as it is: parsing the text back costs more */
    json_decref(summary);
    free(prev);
    return lake__meta_publish(t, c->meta_text, err);
}

bool lake__commit_publish(lake__commit_t *c, am_lsn_t lsn, am_err_t *err)
{
    return write_manifest_list(c, err) && publish_metadata(c, lsn, err);
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

bool lake__hint_update(lake_table_t *t, am_err_t *err)
{
    char *rel = am_xasprintf("%s/metadata/version-hint.text", t->rel);
    char digits[16];
    int n = snprintf(digits, sizeof digits, "%d", t->meta.version + 1);
    am_err_t e = {0};
    bool ok = storage_write_atomic(t->lake->st, rel, digits, (size_t)n, &e);
    if (!ok)
        am_log_warn("lake", "could not update version hint", AM_KV_STR("path", rel), AM_KV_ERR(&e));
    free(rel);
    /* a lagging hint is harmless; a failed fsync is not (nothing on disk is known any more) */
    if (!ok && strcmp(e.sqlstate, STORAGE_SQLSTATE_SYNC) == 0) {
        if (err)
            *err = e;
        return false;
    }
    return true;
}

void lake__meta_install(lake_table_t *t, const char *text)
{
    json_t *root = json_loads(text, 0, NULL);
    AM_ASSERT(root != NULL); /* we just wrote it */
    lake__meta_install_root(t, root);
}

void lake__meta_install_root(lake_table_t *t, json_t *root)
{
    lake__meta_t m;
    am_err_t err = {0};
    bool parsed = lake__meta_from_root(root, "(new)", &m, &err);
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

bool lake__commit_finish(lake__commit_t *c, am_err_t *err)
{
    lake_table_t *t = c->t;
    bool hinted = lake__hint_update(t, err);
    lake__meta_install_root(t, c->meta_root);
    c->meta_root = NULL;
    lake__state_destroy(&t->state);
    t->state = c->next;
    memset(&c->next, 0, sizeof c->next);
    if (!hinted)
        return false;
    lake__expire_files(t, c->expired, c->n_expired);
    lake__remove_old_metadata(t);
    return true;
}

void lake__commit_destroy(lake__commit_t *c, bool failed)
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
    free(c->ml_uri);
    free(c->meta_text);
    if (c->meta_root)
        json_decref(c->meta_root);
}
