/*
 * mirror/pkadopt.c: an index made current again without reading the whole table. The lake's
 * own files are the log of what changed since an image was made: data files added (their live
 * rows come in), delete files added (the rows they delete go), data files gone (a truncate, a
 * compaction: their rows go). The same moves take an uncommitted batch back out of an index
 * (a reconnect) and follow a compaction's rewrite. Must not guess: an index that does not end
 * up holding exactly the lake's live row count is dropped and the caller rebuilds it.
 */
#include "mirror/mirror_internal.h"
#include "mirror/pk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the difference between an image's files and the table's ------------------------------ */

typedef struct diff {
    int32_t *to; /* image file id -> table file id, -1: gone */
    size_t n_to;
    int32_t *new_files; /* live table files the image does not know */
    size_t n_new_files;
    const char **new_dels; /* delete files the image does not know (borrowed from the table) */
    size_t n_new_dels;
    size_t n_gone; /* image files no longer live */
} diff_t;

static void diff_build(const mirror_table_t *t, const mirror_pkimage_t *im, diff_t *d)
{
    memset(d, 0, sizeof *d);
    size_t n = lake_table_n_file_ids(t->lt);
    am_map_t *ids = am_map_new();
    for (size_t i = 0; i < n; i++) {
        const char *uri = lake_table_data_file(t->lt, (int32_t)i);
        if (uri)
            am_map_put(ids, uri, strlen(uri), i);
    }
    bool *known = am_xcalloc(n + 1, sizeof *known);
    d->n_to = im->n_files;
    d->to = am_xcalloc(im->n_files + 1, sizeof *d->to);
    for (size_t i = 0; i < im->n_files; i++) {
        uint64_t id = 0;
        d->to[i] = -1;
        if (!im->files[i])
            continue;
        if (am_map_get(ids, im->files[i], strlen(im->files[i]), &id)) {
            d->to[i] = (int32_t)id;
            known[id] = true;
        } else {
            d->n_gone++;
        }
    }
    d->new_files = am_xcalloc(n + 1, sizeof *d->new_files);
    for (size_t i = 0; i < n; i++)
        if (lake_table_data_file(t->lt, (int32_t)i) && !known[i])
            d->new_files[d->n_new_files++] = (int32_t)i;
    am_map_t *dels = am_map_new();
    for (size_t i = 0; i < im->n_dels; i++)
        am_map_put(dels, im->dels[i], strlen(im->dels[i]), 1);
    size_t nd = lake_table_n_delete_files(t->lt);
    d->new_dels = am_xcalloc(nd + 1, sizeof *d->new_dels);
    for (size_t i = 0; i < nd; i++) {
        const char *uri = lake_table_delete_file(t->lt, i);
        if (!am_map_get(dels, uri, strlen(uri), NULL))
            d->new_dels[d->n_new_dels++] = uri;
    }
    am_map_free(dels);
    am_map_free(ids);
    free(known);
}

static void diff_destroy(diff_t *d)
{
    free(d->to);
    free(d->new_files);
    free(d->new_dels);
}

static uint64_t translate(void *ud, uint64_t v)
{
    const diff_t *d = ud;
    lake_pos_t p = mirror__pos_unpack(v);
    if ((size_t)p.file >= d->n_to || d->to[p.file] < 0)
        return MIRROR_PK_GONE;
    p.file = d->to[p.file];
    return mirror__pos_pack(p);
}

/* ---- rows in and out ------------------------------------------------------------------------ */

typedef struct apply {
    mirror_table_t *t;
    int64_t n;
    bool missing; /* a row to take out was not in the index */
} apply_t;

static bool row_in(void *ud, const am_value_t *vals, lake_pos_t pos)
{
    apply_t *a = ud;
    mirror_table_t *t = a->t;
    mirror__key_encode(&t->key_buf, vals, NULL, t->n_key_cols, t->key_types);
    mirror__pk_put(t->pk, t->key_buf.data, t->key_buf.len, mirror__pos_pack(pos));
    a->n++;
    return true;
}

static bool row_out(void *ud, const am_value_t *vals, lake_pos_t pos)
{
    apply_t *a = ud;
    mirror_table_t *t = a->t;
    mirror__key_encode(&t->key_buf, vals, NULL, t->n_key_cols, t->key_types);
    if (!mirror__pk_remove(t->pk, t->key_buf.data, t->key_buf.len, mirror__pos_pack(pos))) {
        a->missing = true;
        return false;
    }
    a->n++;
    return true;
}

/* The index holds exactly the lake's live rows (the count a snapshot's summary keeps). */
static bool count_matches(const mirror_table_t *t, const char *what, am_err_t *err)
{
    int64_t live = lake_table_live_rows(t->lt);
    if ((int64_t)mirror__pk_rows(t->pk) == live)
        return true;
    return am_err_set(err, "XX001", "table %s.%s: %s holds %llu rows, the lake %lld", t->schema,
                      t->name, what, (unsigned long long)mirror__pk_rows(t->pk), (long long)live);
}

static bool catch_up(mirror_table_t *t, const diff_t *d, apply_t *out, apply_t *in, am_err_t *err)
{
    /* rows of files added since are not in the index: the scan of those files skips them */
    int32_t *old = am_xcalloc(d->n_to + 1, sizeof *old);
    size_t n_old = 0;
    for (size_t i = 0; i < d->n_to; i++)
        if (d->to[i] >= 0)
            old[n_old++] = d->to[i];
    bool ok = lake_table_scan_deleted(t->lt, t->key_cols, t->n_key_cols, d->new_dels, d->n_new_dels,
                                      old, n_old, row_out, out, err);
    free(old);
    if (!ok) {
        if (out->missing)
            am_err_set(err, "XX001", "table %s.%s: a row deleted since the checkpoint is not in it",
                       t->schema, t->name);
        return false;
    }
    return lake_table_scan_files(t->lt, t->key_cols, t->n_key_cols, d->new_files, d->n_new_files,
                                 row_in, in, err) &&
           count_matches(t, "the index caught up", err);
}

static void log_adopted(const mirror_table_t *t, const mirror_pkimage_t *im, const diff_t *d,
                        uint64_t dropped, const apply_t *out, const apply_t *in, int64_t start)
{
    char table[300];
    snprintf(table, sizeof table, "%s.%s", t->schema, t->name);
    uint64_t rows = mirror__pk_rows(t->pk);
    size_t bytes = mirror__pk_bytes(t->pk);
    am_log_info("mirror", "identity index caught up", AM_KV_STR("table", table),
                AM_KV_I64("rows", rows), AM_KV_I64("from_snapshot", im->snapshot_id),
                AM_KV_I64("to_snapshot", lake_table_snapshot_id(t->lt)),
                AM_KV_I64("files_gone", d->n_gone), AM_KV_I64("rows_gone", dropped),
                AM_KV_I64("new_delete_files", d->n_new_dels), AM_KV_I64("rows_deleted", out->n),
                AM_KV_I64("new_files", d->n_new_files), AM_KV_I64("rows_added", in->n),
                AM_KV_I64("ms", (am_mono_us() - start) / 1000), AM_KV_I64("bytes", bytes),
                AM_KV_F64("bytes_per_row", rows ? (double)bytes / (double)rows : 0.0));
}

bool mirror__index_adopt(mirror_table_t *t, mirror_pkimage_t *im, am_err_t *err)
{
    mirror__index_sync(t);
    int64_t start = am_mono_us();
    if (im->key_sig != mirror__index_signature(t)) {
        mirror__pkimage_destroy(im);
        return am_err_set(err, "XX001", "table %s.%s: the index was made for another key",
                          t->schema, t->name);
    }
    diff_t d;
    diff_build(t, im, &d);
    mirror__pk_free(t->pk);
    t->pk = im->pk;
    im->pk = NULL;
    uint64_t dropped = mirror__pk_map(t->pk, translate, &d);
    apply_t out = {.t = t}, in = {.t = t};
    bool ok = catch_up(t, &d, &out, &in, err);
    if (ok) {
        log_adopted(t, im, &d, dropped, &out, &in, start);
        t->index_changes = (int64_t)dropped + out.n + in.n;
        t->index_stale = false;
    } else {
        mirror__index_clear(t);
    }
    diff_destroy(&d);
    mirror__pkimage_destroy(im);
    return ok;
}

/* ---- taking a batch back out ---------------------------------------------------------------- */

static uint64_t drop_uncommitted(void *ud, uint64_t v)
{
    int32_t first = *(const int32_t *)ud;
    return mirror__pos_unpack(v).file >= first ? MIRROR_PK_GONE : v;
}

bool mirror__index_rollback(mirror_table_t *t, am_err_t *err)
{
    mirror__index_sync(t);
    if (!t->batch || !t->pk || t->n_key_cols == 0)
        return true;
    if (lake_batch_truncated(t->batch))
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "table %s.%s: an uncommitted TRUNCATE is not taken back out of the index",
                          t->schema, t->name);
    /* the batch's files take ids after the committed ones */
    int32_t first = (int32_t)lake_table_n_file_ids(t->lt);
    (void)mirror__pk_map(t->pk, drop_uncommitted, &first);
    lake_pos_t *back = NULL;
    size_t n = 0, k = 0;
    if (!lake_batch_deletes(t->batch, &back, &n, err))
        return false;
    for (size_t i = 0; i < n; i++)
        if (back[i].file < first)
            back[k++] = back[i];
    apply_t in = {.t = t};
    bool ok = lake_table_scan_rows(t->lt, t->key_cols, t->n_key_cols, back, k, row_in, &in, err) &&
              count_matches(t, "the index without its batch", err);
    free(back);
    return ok;
}

/* ---- following a rewrite -------------------------------------------------------------------- */

/*
 * A checkpoint is not rewritten after each compaction: one whose snapshot predates a replace
 * snapshot stays correct to adopt, because adopt matches files by URI, never by id or
 * snapshot. The compaction's inputs are files gone (their rows go, whatever ids renumbering
 * gave them), its outputs files added (their live rows come in by a scan), a delete file it
 * merged or moved is new (rows it names that the image already took out are missing: adopt
 * fails and the index is rebuilt). Output names are fresh UUIDs, so an old name never comes
 * back meaning other rows. What a late checkpoint costs is that scan of the outputs: the rows
 * moved into them count as index changes, so the checkpoint policy (half the rows, or five
 * minutes, or a clean stop) writes the next one, after this remap, when that scan grows big.
 * Positions only renumbered cost adopt nothing and do not count.
 */
typedef struct remap {
    const lake_remap_t *r;
    int64_t lost;  /* entries naming a row the lake no longer has */
    int64_t moved; /* entries moved into files the rewrite wrote */
    lake_pos_t first_lost;
} remap_t;

static uint64_t remap_check(void *ud, uint64_t v)
{
    remap_t *r = ud;
    lake_pos_t p = mirror__pos_unpack(v);
    lake_pos_t to = p;
    if (!lake_remap_pos(r->r, &to) && r->lost++ == 0)
        r->first_lost = p;
    return v;
}

static uint64_t remap_apply(void *ud, uint64_t v)
{
    remap_t *r = ud;
    lake_pos_t p = mirror__pos_unpack(v);
    bool moved = lake_remap_rewritten(r->r, p.file);
    bool kept = lake_remap_pos(r->r, &p);
    AM_ASSERT(kept); /* remap_check found every position kept */
    r->moved += moved;
    return mirror__pos_pack(p);
}

bool mirror__index_remap(mirror_table_t *t, const lake_remap_t *r, am_err_t *err)
{
    mirror__index_sync(t);
    if (!t->pk)
        return true;
    remap_t m = {.r = r};
    (void)mirror__pk_map(t->pk, remap_check, &m); /* every callback returns v: nothing moves */
    if (m.lost > 0)
        return am_err_set(err, AM_SQLSTATE_INTERNAL,
                          "table %s.%s: the index names %lld rows the lake no longer has (the "
                          "first at file %d row %lld); the index was left as it was",
                          t->schema, t->name, (long long)m.lost, m.first_lost.file,
                          (long long)m.first_lost.row);
    (void)mirror__pk_map(t->pk, remap_apply, &m);
    t->index_changes += m.moved;
    return true;
}
