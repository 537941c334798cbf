/*
 * lake/orphans.c: what a crash or expiry leaves in a table's directories goes. A commit that
 * dies between writing its files and publishing its metadata leaves Parquet files, manifests
 * and a manifest list nothing references (a manifest list that points at manifests expiry
 * removed later is worse than useless: a validator walking metadata/ reports it broken);
 * expiry stamps the files it retires instead of removing them (maintain.c); temp files of
 * interrupted writes stay behind. Removed here: Parquet files in data/ and Avro files in
 * metadata/ that no snapshot in the table's metadata reaches, vN.metadata.json older than the
 * metadata log, and temp files (".name.hex.tmp") - each only once its mtime is older than the
 * table's newest commit by min_age_ms, which keeps the files of a commit in flight (and of a
 * running reader, for file retention) safe. Anything else in the directories is left alone.
 * Runs on the table's thread (lake_table_remove_orphans) or, reading the table from disk, on
 * the compactor's (lake_compactor_sweep) while the table's thread goes on committing: the
 * directories are listed before the metadata is read, so a file a newer commit references
 * that the sweep does not know is younger than that commit and stays. There the margin is at
 * least SWEEP_MARGIN_MIN_MS: a batch in flight wrote its files after the newest commit, but
 * file times come from the kernel's coarse clock, which may trail the commit's timestamp.
 * Spec: Iceberg "Delete orphan files"; reference/iceberg.md section 10.
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

#define SWEEP_MARGIN_MIN_MS 1000 /* off the table's thread: many clock ticks */

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
    lake__mcached_t *h = NULL;
    const lake__entry_t *es = NULL;
    size_t n = 0;
    bool ok = lake__mcache_get(uri, &h, &es, &n, err);
    for (size_t i = 0; i < n; i++)
        if (es[i].status != 2)
            am_map_put(set, es[i].f.path, strlen(es[i].f.path), 1);
    lake__mcache_release(h);
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

/* ---- the sweep ----------------------------------------------------------------------------- */

/* One table, as its thread holds it or as read from disk. */
typedef struct sweep {
    lake_t *lake;
    const char *rel;        /* "<schema>/<name>" */
    const char *uri_prefix; /* "file://<warehouse>/<rel>" */
    const lake__meta_t *m;
    const lake__state_t *cur; /* the current snapshot's live files */
    am_map_t *reached;
    int64_t cutoff_ms; /* files modified before it may go */
    int64_t removed;
} sweep_t;

static bool reach_all(sweep_t *sw, am_err_t *err)
{
    json_t *snaps = json_object_get(sw->m->root, "snapshots");
    bool ok = true;
    for (size_t i = 0; ok && i < json_array_size(snaps); i++) {
        const char *ml =
            json_string_value(json_object_get(json_array_get(snaps, i), "manifest-list"));
        ok = !ml || reach_snapshot(ml, sw->reached, err);
    }
    return ok;
}

/* Every path the current snapshot names is spelled under the table's own prefix: otherwise
 * (a warehouse reached through another path) nothing here could be told apart from an orphan. */
static bool paths_ours(const sweep_t *sw, am_err_t *err)
{
    size_t n = strlen(sw->uri_prefix);
    const lake__state_t *s = sw->cur;
    for (size_t i = 0; i < s->n_data + s->n_dels; i++) {
        const char *p = i < s->n_data ? s->data[i].path : s->dels[i - s->n_data].path;
        if (strncmp(p, sw->uri_prefix, n) != 0 || p[n] != '/')
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "file \"%s\" is not under \"%s\": orphan files are not looked for", p,
                              sw->uri_prefix);
    }
    return true;
}

/* vN.metadata.json that fell out of the metadata log (older than what the log keeps). */
static bool old_metadata(const sweep_t *sw, const char *name)
{
    char *end = NULL;
    if (name[0] != 'v' || !has_suffix(name, ".metadata.json"))
        return false;
    long v = strtol(name + 1, &end, 10);
    return end && strcmp(end, ".metadata.json") == 0 && v >= 1 &&
           v < (long)sw->m->version - sw->lake->metadata_log_max;
}

static bool candidate(const sweep_t *sw, const char *sub, const char *name)
{
    if (name[0] == '.')
        return has_suffix(name, ".tmp");
    bool ours = strcmp(sub, "data") == 0 ? has_suffix(name, ".parquet")
                                         : has_suffix(name, ".avro") || old_metadata(sw, name);
    if (!ours)
        return false;
    char *uri = am_xasprintf("%s/%s/%s", sw->uri_prefix, sub, name);
    uint64_t v = 0;
    bool reached = am_map_get(sw->reached, uri, strlen(uri), &v);
    free(uri);
    return !reached;
}

static void sweep_dir(sweep_t *sw, const char *sub, const names_t *ns)
{
    for (size_t i = 0; i < ns->n; i++) {
        if (!candidate(sw, sub, ns->v[i]))
            continue;
        char *rel = am_xasprintf("%s/%s/%s", sw->rel, sub, ns->v[i]);
        int64_t mtime = 0;
        am_err_t err = {0};
        if (storage_mtime_ms(sw->lake->st, rel, &mtime, &err) && mtime < sw->cutoff_ms) {
            if (storage_remove(sw->lake->st, rel, &err))
                sw->removed++;
            else
                am_log_warn("lake", "could not remove an orphan file", AM_KV_STR("path", rel),
                            AM_KV_ERR(&err));
        }
        free(rel);
    }
}

static bool sweep_run(sweep_t *sw, const names_t *data, const names_t *meta, int64_t min_age_ms,
                      am_err_t *err)
{
    sw->cutoff_ms = sw->m->last_updated_ms - min_age_ms;
    sw->reached = am_map_new();
    bool ok = paths_ours(sw, err) && reach_all(sw, err);
    if (ok) {
        sweep_dir(sw, "data", data);
        sweep_dir(sw, "metadata", meta);
    }
    if (sw->removed > 0)
        am_log_info("lake", "removed orphan files", AM_KV_STR("table", sw->rel),
                    AM_KV_I64("files", sw->removed));
    am_map_free(sw->reached);
    return ok;
}

/* The names in the table's data/ and metadata/ directories. */
static bool list_dirs(lake_t *lake, const char *rel, names_t *data, names_t *meta, am_err_t *err)
{
    char *data_rel = am_xasprintf("%s/data", rel);
    char *meta_rel = am_xasprintf("%s/metadata", rel);
    bool ok = storage_list(lake->st, data_rel, name_add, data, err) &&
              storage_list(lake->st, meta_rel, name_add, meta, err);
    free(data_rel);
    free(meta_rel);
    return ok;
}

bool lake_table_remove_orphans(lake_table_t *t, int64_t min_age_ms, int64_t *n_removed,
                               am_err_t *err)
{
    sweep_t sw = {.lake = t->lake,
                  .rel = t->rel,
                  .uri_prefix = t->uri_prefix,
                  .m = &t->meta,
                  .cur = &t->state};
    names_t data = {0}, meta = {0};
    bool ok = list_dirs(t->lake, t->rel, &data, &meta, err) &&
              sweep_run(&sw, &data, &meta, min_age_ms, err);
    *n_removed = sw.removed;
    if (!ok)
        am_err_prefix(err, "table %s.%s: orphan files", t->schema, t->name);
    names_free(&data);
    names_free(&meta);
    return ok;
}

bool lake__sweep_at(lake_t *lake, const char *location, int64_t min_age_ms, int64_t *n_removed,
                    am_err_t *err)
{
    *n_removed = 0;
    names_t data = {0}, meta = {0};
    lake__meta_t m;
    lake__state_t cur;
    memset(&m, 0, sizeof m);
    memset(&cur, 0, sizeof cur);
    char *dir = storage_path(lake->st, location);
    char *prefix = am_xasprintf("file://%s", dir);
    sweep_t sw = {.lake = lake, .rel = location, .uri_prefix = prefix, .m = &m, .cur = &cur};
    int64_t margin_ms = min_age_ms > SWEEP_MARGIN_MIN_MS ? min_age_ms : SWEEP_MARGIN_MIN_MS;
    /* listed first: what a commit adds after it is younger than the metadata read next */
    bool ok = list_dirs(lake, location, &data, &meta, err) && lake__meta_load_dir(dir, &m, err) &&
              lake__state_load(m.manifest_list, &cur, err) &&
              sweep_run(&sw, &data, &meta, margin_ms, err);
    *n_removed = sw.removed;
    if (!ok)
        am_err_prefix(err, "table at %s: orphan files", location);
    lake__state_destroy(&cur);
    if (m.root)
        lake__meta_destroy(&m);
    names_free(&data);
    names_free(&meta);
    free(prefix);
    free(dir);
    return ok;
}
