/*
 * lake/orphans.c: what a crash or expiry leaves in a table's directories goes. A commit that
 * dies between writing its files and publishing its metadata leaves Parquet files, manifests
 * and a manifest list nothing references (a manifest list that points at manifests expiry
 * removed later is worse than useless: a validator walking metadata/ reports it broken);
 * expiry stamps the data files it retires instead of removing them (maintain.c); temp files of
 * interrupted writes stay behind. Removed here: Parquet files in data/ and Avro files in
 * metadata/ that no snapshot in the table's metadata reaches, vN.metadata.json older than the
 * metadata log, and temp files (".name.hex.tmp") - each only once its mtime is older than the
 * table's newest commit by min_age_ms, which keeps the files of a commit in flight (and of a
 * running reader, for file retention) safe. Anything else in the directories is left alone.
 * Runs on the table's thread: a commit of this table cannot be in flight meanwhile.
 * Spec: Iceberg "Delete orphan files"; reference/iceberg.md section 10.
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct names {
    char **v;
    size_t n, cap;
} names_t;

static bool name_add(const char *name, void *ud)
{
    names_t *ns = ud;
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 64;
        ns->v = am_xrealloc(ns->v, ns->cap * sizeof *ns->v);
    }
    ns->v[ns->n++] = am_xstrdup(name);
    return true;
}

static void names_free(names_t *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* ---- what the snapshots reach ------------------------------------------------------------ */

static bool read_all(const char *uri, am_buf_t *b, am_err_t *err)
{
    char *path = lake__uri_path(uri);
    bool ok = path ? am_file_read_all(path, b, err)
                   : am_err_set(err, AM_SQLSTATE_UNSUPPORTED, "file \"%s\": not a local file", uri);
    free(path);
    return ok;
}

/* A manifest's live files into set. */
static bool reach_manifest(const char *uri, am_map_t *set, am_err_t *err)
{
    am_buf_t b;
    am_buf_init(&b);
    lake__entry_t *es = NULL;
    size_t n = 0;
    bool ok = read_all(uri, &b, err) &&
              lake__manifest_decode((const uint8_t *)b.data, b.len, uri, &es, &n, err);
    for (size_t i = 0; i < n; i++) {
        if (es[i].status != 2)
            am_map_put(set, es[i].f.path, strlen(es[i].f.path), 1);
        lake__file_destroy(&es[i].f);
    }
    free(es);
    am_buf_destroy(&b);
    return ok;
}

/* A snapshot's manifest list, its manifests (each read once) and their live files. */
static bool reach_snapshot(const char *ml, am_map_t *set, am_err_t *err)
{
    am_map_put(set, ml, strlen(ml), 1);
    am_buf_t b;
    am_buf_init(&b);
    lake__mref_t *refs = NULL;
    size_t n = 0;
    bool ok = read_all(ml, &b, err) &&
              lake__mlist_decode((const uint8_t *)b.data, b.len, ml, &refs, &n, err);
    for (size_t i = 0; i < n; i++) {
        uint64_t seen = 0;
        const char *mp = refs[i].path;
        if (ok && !am_map_get(set, mp, strlen(mp), &seen)) {
            am_map_put(set, mp, strlen(mp), 1);
            ok = reach_manifest(mp, set, err);
        }
        lake__mref_destroy(&refs[i]);
    }
    free(refs);
    am_buf_destroy(&b);
    return ok;
}

static bool reach_all(const lake_table_t *t, am_map_t *set, am_err_t *err)
{
    json_t *snaps = json_object_get(t->meta.root, "snapshots");
    bool ok = true;
    for (size_t i = 0; ok && i < json_array_size(snaps); i++) {
        const char *ml =
            json_string_value(json_object_get(json_array_get(snaps, i), "manifest-list"));
        ok = !ml || reach_snapshot(ml, set, err);
    }
    return ok;
}

/* ---- the sweep ----------------------------------------------------------------------------- */

typedef struct sweep {
    lake_table_t *t;
    am_map_t *reached;
    int64_t cutoff_ms; /* files modified before it may go */
    int64_t removed;
} sweep_t;

/* vN.metadata.json that fell out of the metadata log (older than what the log keeps). */
static bool old_metadata(const lake_table_t *t, const char *name)
{
    char *end = NULL;
    if (name[0] != 'v' || !has_suffix(name, ".metadata.json"))
        return false;
    long v = strtol(name + 1, &end, 10);
    return end && strcmp(end, ".metadata.json") == 0 && v >= 1 &&
           v < (long)t->meta.version - t->lake->metadata_log_max;
}

static bool candidate(const sweep_t *sw, const char *sub, const char *name)
{
    if (name[0] == '.')
        return has_suffix(name, ".tmp");
    bool ours = strcmp(sub, "data") == 0 ? has_suffix(name, ".parquet")
                                         : has_suffix(name, ".avro") || old_metadata(sw->t, name);
    if (!ours)
        return false;
    char *uri = am_xasprintf("%s/%s/%s", sw->t->uri_prefix, sub, name);
    uint64_t v = 0;
    bool reached = am_map_get(sw->reached, uri, strlen(uri), &v);
    free(uri);
    return !reached;
}

static void sweep_dir(sweep_t *sw, const char *sub, const names_t *ns)
{
    lake_t *lake = sw->t->lake;
    for (size_t i = 0; i < ns->n; i++) {
        if (!candidate(sw, sub, ns->v[i]))
            continue;
        char *rel = am_xasprintf("%s/%s/%s", sw->t->rel, sub, ns->v[i]);
        int64_t mtime = 0;
        am_err_t err = {0};
        if (storage_mtime_ms(lake->st, rel, &mtime, &err) && mtime < sw->cutoff_ms) {
            if (storage_remove(lake->st, rel, &err))
                sw->removed++;
            else
                am_log_warn("lake", "could not remove an orphan file", AM_KV_STR("path", rel),
                            AM_KV_ERR(&err));
        }
        free(rel);
    }
}

/* Every path the current snapshot names is spelled under the table's own prefix: otherwise
 * (a warehouse reached through another path) nothing here could be told apart from an orphan. */
static bool paths_ours(const lake_table_t *t, am_err_t *err)
{
    size_t n = strlen(t->uri_prefix);
    const lake__state_t *s = &t->state;
    for (size_t i = 0; i < s->n_data + s->n_dels; i++) {
        const char *p = i < s->n_data ? s->data[i].path : s->dels[i - s->n_data].path;
        if (strncmp(p, t->uri_prefix, n) != 0 || p[n] != '/')
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "file \"%s\" is not under \"%s\": orphan files are not looked for", p,
                              t->uri_prefix);
    }
    return true;
}

bool lake_table_remove_orphans(lake_table_t *t, int64_t min_age_ms, int64_t *n_removed,
                               am_err_t *err)
{
    *n_removed = 0;
    if (!paths_ours(t, err)) {
        am_err_prefix(err, "table %s.%s", t->schema, t->name);
        return false;
    }
    sweep_t sw = {
        .t = t, .reached = am_map_new(), .cutoff_ms = t->meta.last_updated_ms - min_age_ms};
    names_t data = {0}, meta = {0};
    char *data_rel = am_xasprintf("%s/data", t->rel);
    char *meta_rel = am_xasprintf("%s/metadata", t->rel);
    /* listed before the snapshots are read: a file that appears later is newer anyway */
    bool ok = storage_list(t->lake->st, data_rel, name_add, &data, err) &&
              storage_list(t->lake->st, meta_rel, name_add, &meta, err) &&
              reach_all(t, sw.reached, err);
    if (ok) {
        sweep_dir(&sw, "data", &data);
        sweep_dir(&sw, "metadata", &meta);
        *n_removed = sw.removed;
    } else {
        am_err_prefix(err, "table %s.%s: orphan files", t->schema, t->name);
    }
    if (sw.removed > 0)
        am_log_info("lake", "removed orphan files", AM_KV_STR("table", t->rel),
                    AM_KV_I64("files", sw.removed));
    names_free(&data);
    names_free(&meta);
    free(data_rel);
    free(meta_rel);
    am_map_free(sw.reached);
    return ok;
}
