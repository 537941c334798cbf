/*
 * lake/maintain.c: snapshot expiry as part of every commit, so a table that commits every few
 * seconds keeps a bounded metadata file and does not fill the disk: only the newest
 * LAKE_KEEP_SNAPSHOTS snapshots stay in the metadata, and after the commit is durable the
 * files that only expired snapshots reached go (their manifest lists, manifests no kept
 * snapshot lists, data and delete files no kept snapshot has live), as well as metadata files
 * older than the metadata log. None of them is removed at once when the lake has a file
 * retention: they are stamped (mtime = now) and lake_table_remove_orphans (orphans.c) removes
 * them once the retention has passed, so a reader that read an older metadata file (a proxy
 * query started before the commit; Spark, Trino or DuckDB planning a scan while the writer
 * commits every 100 ms, 20 snapshots being 2 s) still finds its manifest list, manifests and
 * files. Removal is best effort: a failure is logged, never fails the commit (such leftovers
 * are orphans, which orphans.c finds).
 *
 * Why comparing with the oldest kept snapshot is enough: a manifest is listed by a contiguous
 * run of snapshots (copied forward until a merge or truncate drops it), and a file is live in
 * a contiguous run too (paths are never reused). So a manifest or file of an expired snapshot
 * that the oldest kept snapshot does not have is reached by no kept snapshot.
 * Spec: Iceberg "Snapshot Expiration"; reference/iceberg.md section 10.
 */
#include "lake/lake_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lake__meta_expire(json_t *root, size_t keep, int64_t protect, char ***lists, size_t *n_lists)
{
    *lists = NULL;
    *n_lists = 0;
    json_t *snaps = json_object_get(root, "snapshots");
    size_t n = json_array_size(snaps);
    if (n <= keep)
        return;
    size_t drop = n - keep;
    *lists = am_xcalloc(drop, sizeof(char *));
    json_t *log = json_object_get(root, "snapshot-log");
    /* snapshots are appended in commit order: the oldest come first */
    for (size_t i = 0, k = 0; i < drop; i++) {
        json_t *snap = json_array_get(snaps, k);
        json_int_t id = json_integer_value(json_object_get(snap, "snapshot-id"));
        if (protect >= 0 && id == protect) {
            k++; /* a watermark names it: it stays, the next oldest goes */
            continue;
        }
        const char *ml = json_string_value(json_object_get(snap, "manifest-list"));
        if (ml)
            (*lists)[(*n_lists)++] = am_xstrdup(ml);
        json_array_remove(snaps, k);
        for (size_t e = 0; e < json_array_size(log); e++) {
            json_t *entry = json_array_get(log, e);
            if (json_integer_value(json_object_get(entry, "snapshot-id")) == id)
                json_array_remove(log, e--);
        }
    }
}

/* The path relative to the warehouse of a URI under it, or NULL (never remove others' files). */
static const char *warehouse_rel(const lake_t *lake, const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *path = uri + 7;
    size_t n = strlen(lake->warehouse);
    if (strncmp(path, lake->warehouse, n) != 0 || path[n] != '/' || strstr(path, "/../"))
        return NULL;
    return path + n + 1;
}

/* A file no kept snapshot reaches (relative to the warehouse): removed now, or stamped for
 * the sweep. */
static void retire_rel(lake_t *lake, const char *rel)
{
    if (lake->file_retention_ms <= 0) {
        lake__remove_quietly(lake, rel);
        return;
    }
    am_err_t err = {0};
    if (!storage_touch(lake->st, rel, &err))
        am_log_warn("lake", "could not stamp an unreferenced file", AM_KV_STR("path", rel),
                    AM_KV_ERR(&err));
}

static void retire_uri(lake_t *lake, const char *uri)
{
    const char *rel = warehouse_rel(lake, uri);
    if (rel)
        retire_rel(lake, rel);
}

/* What the oldest kept snapshot reaches: its manifests and its live files. */
typedef struct kept {
    am_map_t *manifests;
    am_map_t *files;
    am_map_t *done; /* manifests of expired snapshots already handled */
} kept_t;

static bool kept_load(kept_t *k, const char *ml, am_err_t *err)
{
    lake__state_t s;
    if (!lake__state_load(ml, &s, err))
        return false;
    for (size_t i = 0; i < s.n_mrefs; i++)
        am_map_put(k->manifests, s.mrefs[i].path, strlen(s.mrefs[i].path), 1);
    for (size_t i = 0; i < s.n_data; i++)
        am_map_put(k->files, s.data[i].path, strlen(s.data[i].path), 1);
    for (size_t i = 0; i < s.n_dels; i++)
        am_map_put(k->files, s.dels[i].path, strlen(s.dels[i].path), 1);
    lake__state_destroy(&s);
    return true;
}

static bool reached(const am_map_t *set, const char *s)
{
    uint64_t v;
    return am_map_get(set, s, strlen(s), &v);
}

/* One manifest of an expired snapshot that no kept snapshot lists: its files, then itself. */
static void expire_manifest(lake_t *lake, kept_t *k, const lake__mref_t *m)
{
    lake__mcached_t *h = NULL;
    const lake__entry_t *es = NULL;
    size_t n = 0;
    am_err_t err = {0};
    bool ok = lake__mcache_get(m->path, &h, &es, &n, &err);
    for (size_t i = 0; i < n; i++)
        if (es[i].status != 2 && !reached(k->files, es[i].f.path))
            retire_uri(lake, es[i].f.path);
    lake__mcache_release(h);
    if (ok)
        retire_uri(lake, m->path);
    else
        am_log_warn("lake", "could not read an expired manifest", AM_KV_STR("path", m->path),
                    AM_KV_ERR(&err));
}

static void expire_list(lake_t *lake, kept_t *k, const char *ml)
{
    char *path = lake__uri_path(ml);
    am_buf_t b;
    am_buf_init(&b);
    lake__mref_t *refs = NULL;
    size_t n = 0;
    am_err_t err = {0};
    bool ok = path && am_file_read_all(path, &b, &err) &&
              lake__mlist_decode((const uint8_t *)b.data, b.len, ml, &refs, &n, &err);
    for (size_t i = 0; i < n; i++) {
        const char *mp = refs[i].path;
        if (!reached(k->manifests, mp) && am_map_put(k->done, mp, strlen(mp), 1))
            expire_manifest(lake, k, &refs[i]);
        lake__mref_destroy(&refs[i]);
    }
    free(refs);
    am_buf_destroy(&b);
    free(path);
    if (ok)
        retire_uri(lake, ml);
    else if (err.msg[0])
        am_log_warn("lake", "could not read an expired manifest list", AM_KV_STR("path", ml),
                    AM_KV_ERR(&err));
}

void lake__expire_files(lake_table_t *t, char *const *lists, size_t n_lists)
{
    if (n_lists == 0)
        return;
    /* what stays reachable: the oldest snapshot of the kept run, and a protected older one */
    json_t *snaps = json_object_get(t->meta.root, "snapshots");
    kept_t k = {.manifests = am_map_new(), .files = am_map_new(), .done = am_map_new()};
    am_err_t err = {0};
    bool ok = true, run_seen = false;
    for (size_t i = 0; ok && i < json_array_size(snaps) && !run_seen; i++) {
        json_t *snap = json_array_get(snaps, i);
        const char *ml = json_string_value(json_object_get(snap, "manifest-list"));
        bool protected_one =
            json_integer_value(json_object_get(snap, "snapshot-id")) == t->protect_id &&
            t->protect_id >= 0;
        run_seen = !protected_one;
        ok = ml && kept_load(&k, ml, &err);
    }
    if (ok) {
        for (size_t i = 0; i < n_lists; i++)
            expire_list(t->lake, &k, lists[i]);
        am_log_debug("lake", "expired snapshots", AM_KV_STR("table", t->rel),
                     AM_KV_I64("snapshots", n_lists));
    } else {
        am_log_warn("lake", "could not expire snapshots: kept snapshot unreadable",
                    AM_KV_STR("table", t->rel), AM_KV_ERR(&err));
    }
    am_map_free(k.manifests);
    am_map_free(k.files);
    am_map_free(k.done);
}

void lake__remove_old_metadata(lake_table_t *t)
{
    int32_t old = t->meta.version - t->lake->metadata_log_max - 1;
    if (old < 1)
        return;
    char *rel = am_xasprintf("%s/metadata/v%d.metadata.json", t->rel, old);
    if (storage_exists(t->lake->st, rel))
        retire_rel(t->lake, rel);
    free(rel);
}

/* ---- options --------------------------------------------------------------------------- */

void lake_maintain_defaults(lake_maintain_options_t *o)
{
    *o = (lake_maintain_options_t){.compact = true,
                                   .target_file_bytes = INT64_C(128) << 20,
                                   .small_file_bytes = INT64_C(32) << 20,
                                   .max_small_files = 32,
                                   .max_deleted_percent = 10,
                                   .min_deletes = LAKE_COMPACT_MIN_DELETES,
                                   .file_retention_ms = INT64_C(10) * 60 * 1000,
                                   .orphan_check_ms = INT64_C(5) * 60 * 1000};
}

bool lake_maintain_check(const lake_maintain_options_t *o, am_err_t *err)
{
    const char *bad =
        o->target_file_bytes < (INT64_C(1) << 20) ? "target_file_bytes"
        : o->small_file_bytes < 1 || o->small_file_bytes > o->target_file_bytes ? "small_file_bytes"
        : o->max_small_files < 2                                                ? "max_small_files"
        : o->max_deleted_percent < 1 || o->max_deleted_percent > 100 ? "max_deleted_percent"
        : o->file_retention_ms < 0                                   ? "file_retention_ms"
        : o->orphan_check_ms < 1                                     ? "orphan_check_ms"
                                                                     : NULL;
    if (!bad)
        return true;
    return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER, "maintenance option %s is out of range",
                      bad);
}
