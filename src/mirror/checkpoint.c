/*
 * mirror/checkpoint.c: when a table's identity index is written out, under which name, how a
 * start finds it again, and what a reconnect keeps in memory. Files live beside the lake, not
 * in it: _arctic/index/<location>/<snapshot id>.pkidx, outside every table directory (which
 * only Iceberg files may fill). The watermark names each table's checkpoint, so a checkpoint
 * counts only once a durable watermark names it; the one it replaces goes after that.
 * A checkpoint is written right after the flush it describes, when the index has changed by
 * half its rows (at least a million keys) since the last one, or five minutes after a change,
 * so a restart replays at most that much; a failed write is logged and the last one kept.
 * Must not: load anything it cannot verify (pkfile.c, pkadopt.c check; a failure rebuilds).
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_DIR "_arctic/index"
#define CKPT_MIN_CHANGES (INT64_C(1) << 20)
#define CKPT_MAX_AGE_US (INT64_C(300) * 1000 * 1000)

char *mirror__index_dir(const char *location)
{
    return am_xasprintf(INDEX_DIR "/%s", location);
}

static void table_label(const mirror_table_t *t, char *out, size_t len)
{
    snprintf(out, len, "%s.%s", t->schema, t->name);
}

/* ---- writing ------------------------------------------------------------------------------- */

static bool ckpt_due(const mirror_table_t *t, bool all, int64_t now)
{
    if (!t->pk || !t->lt || t->batch || t->n_key_cols == 0 || !t->location)
        return false;
    if (t->state != MIRROR_T_ACTIVE && t->state != MIRROR_T_DROPPING)
        return false;
    if (lake_table_snapshot_id(t->lt) < 0 || (t->index_changes == 0 && !t->index_stale))
        return false;
    if (all || t->index_stale || !t->index_file)
        return true;
    int64_t half = (int64_t)(mirror__pk_rows(t->pk) / 2);
    return t->index_changes >= (half > CKPT_MIN_CHANGES ? half : CKPT_MIN_CHANGES) ||
           now - t->index_ckpt_us >= CKPT_MAX_AGE_US;
}

static char *ckpt_rel(const mirror_table_t *t, const char *name)
{
    char *dir = mirror__index_dir(t->location);
    char *rel = am_xasprintf("%s/%s", dir, name);
    free(dir);
    return rel;
}

/* The file the watermark is about to name instead of t->index_file. */
static void ckpt_rename(mirror_t *m, mirror_table_t *t, char *name)
{
    if (t->index_file && strcmp(t->index_file, name) == 0) {
        free(name); /* the same snapshot again: replaced in place */
        return;
    }
    if (t->index_file_old && t->index_file) {
        /* written since the last durable watermark: no watermark ever named it */
        char *rel = ckpt_rel(t, t->index_file);
        am_err_t err = {0};
        if (!storage_remove(m->store, rel, &err))
            am_log_warn("mirror", "could not remove an index checkpoint", AM_KV_STR("path", rel),
                        AM_KV_ERR(&err));
        free(rel);
        free(t->index_file);
    } else {
        t->index_file_old = t->index_file;
    }
    t->index_file = name;
}

static void ckpt_one(mirror_t *m, mirror_table_t *t, int64_t now)
{
    mirror_pkimage_t im;
    mirror__pkimage_of(t, &im, false);
    char *name = am_xasprintf("%lld.pkidx", (long long)im.snapshot_id);
    char *dir = mirror__index_dir(t->location);
    char *rel = ckpt_rel(t, name);
    char table[300];
    table_label(t, table, sizeof table);
    am_err_t err = {0};
    bool ok = storage_mkdirs(m->store, dir, &err) && mirror__pkfile_write(m->store, rel, &im, &err);
    im.pk = NULL; /* borrowed */
    mirror__pkimage_destroy(&im);
    if (!ok) {
        am_log_warn("mirror", "could not write an index checkpoint, keeping the last one",
                    AM_KV_STR("table", table), AM_KV_STR("path", rel), AM_KV_ERR(&err));
        free(name);
    } else {
        am_log_info("mirror", "identity index checkpointed", AM_KV_STR("table", table),
                    AM_KV_STR("file", name), AM_KV_I64("rows", mirror__pk_rows(t->pk)),
                    AM_KV_I64("bytes", mirror__pk_bytes(t->pk)),
                    AM_KV_I64("changes", t->index_changes),
                    AM_KV_I64("ms", (am_mono_us() - now) / 1000));
        ckpt_rename(m, t, name);
        t->index_changes = 0;
        t->index_stale = false;
        t->index_ckpt_us = now;
    }
    free(rel);
    free(dir);
}

void mirror__checkpoints_write(mirror_t *m, bool all)
{
    if (!m->store)
        return;
    for (size_t i = 0; i < m->n_tables; i++) {
        int64_t now = am_mono_us();
        if (ckpt_due(m->tables[i], all, now))
            ckpt_one(m, m->tables[i], now);
    }
}

void mirror__checkpoints_after_watermark(mirror_t *m)
{
    for (size_t i = 0; m->store && i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        char *rel = NULL;
        if (t->index_file_old) {
            rel = ckpt_rel(t, t->index_file_old);
        } else if (t->state == MIRROR_T_DROPPED && t->index_file && t->location) {
            rel = mirror__index_dir(t->location); /* not mirrored any more: no index to keep */
            free(t->index_file);
            t->index_file = NULL;
        }
        free(t->index_file_old);
        t->index_file_old = NULL;
        am_err_t err = {0};
        if (rel && !storage_remove(m->store, rel, &err))
            am_log_warn("mirror", "could not remove an index checkpoint", AM_KV_STR("path", rel),
                        AM_KV_ERR(&err));
        free(rel);
    }
}

/* ---- loading --------------------------------------------------------------------------------- */

typedef struct strays {
    storage_t *st;
    const char *dir;
    const char *keep;
} strays_t;

static bool remove_stray(const char *name, void *ud)
{
    const strays_t *s = ud;
    if (s->keep && strcmp(name, s->keep) == 0)
        return true;
    char *rel = am_xasprintf("%s/%s", s->dir, name);
    am_err_t err = {0};
    if (!storage_remove(s->st, rel, &err))
        am_log_warn("mirror", "could not remove a leftover index file", AM_KV_STR("path", rel),
                    AM_KV_ERR(&err));
    free(rel);
    return true;
}

/* Checkpoints a crash left behind (written, never named by a watermark). */
static void remove_strays(storage_t *st, const mirror_table_t *t)
{
    char *dir = mirror__index_dir(t->location);
    strays_t s = {st, dir, t->index_file};
    am_err_t err = {0};
    if (!storage_list(st, dir, remove_stray, &s, &err))
        am_log_warn("mirror", "could not list index checkpoints", AM_KV_STR("path", dir),
                    AM_KV_ERR(&err));
    free(dir);
}

static bool load_file(mirror_table_t *t, storage_t *store, am_err_t *err)
{
    char *rel = ckpt_rel(t, t->index_file);
    mirror_pkimage_t im;
    bool ok = mirror__pkfile_read(store, rel, &im, err) && mirror__index_adopt(t, &im, err);
    free(rel);
    return ok;
}

bool mirror__index_load(mirror_table_t *t, storage_t *store, am_err_t *err)
{
    char table[300];
    table_label(t, table, sizeof table);
    mirror_pkimage_t *kept = t->index_image;
    t->index_image = NULL;
    am_err_t e = {0};
    bool ok = false;
    if (kept && t->n_key_cols > 0) {
        ok = mirror__index_adopt(t, kept, &e);
        if (!ok)
            am_log_warn("mirror", "the index kept across the reconnect does not fit, loading",
                        AM_KV_STR("table", table), AM_KV_ERR(&e));
    }
    mirror__pkimage_destroy(kept);
    free(kept);
    if (!ok && store && t->index_file && t->n_key_cols > 0) {
        ok = load_file(t, store, &e);
        if (!ok)
            am_log_warn("mirror", "index checkpoint unusable, rebuilding from the lake",
                        AM_KV_STR("table", table), AM_KV_STR("file", t->index_file), AM_KV_ERR(&e));
    }
    if (store && t->location)
        remove_strays(store, t);
    t->index_ckpt_us = am_mono_us();
    return ok || mirror__index_rebuild(t, err);
}

/* ---- a reconnect ------------------------------------------------------------------------------
 */

static void stash_push(mirror_t *m, const char *location, mirror_pkimage_t *im)
{
    m->stash = am_xrealloc(m->stash, (m->n_stash + 1) * sizeof *m->stash);
    m->stash[m->n_stash].location = am_xstrdup(location);
    m->stash[m->n_stash++].image = *im;
}

void mirror__index_stash(mirror_t *m)
{
    size_t kept = 0;
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        if (t->index_image && t->location) { /* taken by a start that failed before resume */
            stash_push(m, t->location, t->index_image);
            free(t->index_image);
            t->index_image = NULL;
            continue;
        }
        bool streaming = t->state == MIRROR_T_ACTIVE || t->state == MIRROR_T_DROPPING;
        if (!streaming || !t->pk || !t->lt || !t->location || t->n_key_cols == 0)
            continue;
        char table[300];
        table_label(t, table, sizeof table);
        am_err_t err = {0};
        if (!mirror__index_rollback(t, &err)) {
            am_log_warn("mirror", "index not kept across the reconnect", AM_KV_STR("table", table),
                        AM_KV_ERR(&err));
            continue;
        }
        mirror_pkimage_t im;
        mirror__pkimage_of(t, &im, true);
        stash_push(m, t->location, &im);
        kept++;
    }
    if (kept)
        am_log_info("mirror", "identity indexes kept in memory across the reconnect",
                    AM_KV_I64("tables", kept));
}

void mirror__stash_take(mirror_t *m, mirror_table_t *t)
{
    for (size_t i = 0; t->location && i < m->n_stash; i++) {
        if (strcmp(m->stash[i].location, t->location) != 0)
            continue;
        t->index_image = am_xmalloc(sizeof *t->index_image);
        *t->index_image = m->stash[i].image;
        free(m->stash[i].location);
        m->stash[i] = m->stash[--m->n_stash];
        return;
    }
}

void mirror__stash_clear(mirror_t *m)
{
    for (size_t i = 0; i < m->n_stash; i++) {
        free(m->stash[i].location);
        mirror__pkimage_destroy(&m->stash[i].image);
    }
    free(m->stash);
    m->stash = NULL;
    m->n_stash = 0;
}
