/*
 * mirror/table.c: one mirrored table on the write path. Maps the stream's relation columns to
 * the lake's, and applies inserts, updates, deletes and truncates to the table's open batch
 * while keeping the primary-key index in step. An UPDATE becomes a position delete of the old
 * row plus the new row; unchanged TOAST values are taken from the old row, so no table needs
 * REPLICA IDENTITY FULL.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_ARENA_BLOCK ((size_t)256 * 1024)

bool mirror__table_setup(mirror_table_t *t, lake_table_t *lt, am_err_t *err)
{
    (void)err;
    t->lt = lt;
    size_t n = lake_table_n_columns(lt);
    const lake_column_t *cols = lake_table_columns(lt);
    t->key_cols = am_xcalloc(n, sizeof *t->key_cols);
    t->key_types = am_xcalloc(n, sizeof *t->key_types);
    t->n_key_cols = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cols[i].is_key)
            continue;
        t->key_cols[t->n_key_cols] = i;
        t->key_types[t->n_key_cols++] = cols[i].type.type;
    }
    t->index = am_map_new();
    t->batch_arena = am_arena_new(BATCH_ARENA_BLOCK);
    t->row_buf = am_xcalloc(n ? n : 1, sizeof *t->row_buf);
    am_buf_init(&t->key_buf);
    t->lake_lsn = lake_table_lsn(lt);
    t->relid = 0;
    return true;
}

static void pending_clear(mirror_table_t *t)
{
    for (size_t i = 0; i < t->n_pending; i++)
        free(t->pending[i].rows);
    free(t->pending);
    t->pending = NULL;
    t->n_pending = 0;
}

void mirror__table_discard(mirror_table_t *t)
{
    lake_batch_free(t->batch);
    t->batch = NULL;
    pending_clear(t);
    if (t->batch_arena)
        am_arena_reset(t->batch_arena);
    t->n_changes = 0;
}

void mirror__table_destroy(mirror_table_t *t)
{
    mirror__table_discard(t);
    lake_table_close(t->lt);
    am_map_free(t->index);
    am_arena_free(t->batch_arena);
    am_buf_destroy(&t->key_buf);
    free(t->key_cols);
    free(t->key_types);
    free(t->col_map);
    free(t->row_buf);
    free(t->schema);
    free(t->name);
    memset(t, 0, sizeof *t);
}

static bool same_type(am_coltype_t a, am_coltype_t b)
{
    if (a.type != b.type)
        return false;
    return a.type != AM_TYPE_DECIMAL || (a.precision == b.precision && a.scale == b.scale);
}

bool mirror__table_bind_relation(mirror_table_t *t, const source_relation_t *rel, am_err_t *err)
{
    size_t n = lake_table_n_columns(t->lt);
    const lake_column_t *cols = lake_table_columns(t->lt);
    size_t *map = am_xcalloc(rel->n_cols ? rel->n_cols : 1, sizeof *map);
    size_t matched = 0;
    for (size_t i = 0; i < rel->n_cols; i++) {
        map[i] = SIZE_MAX;
        for (size_t j = 0; j < n; j++) {
            if (strcmp(rel->cols[i].name, cols[j].name) == 0)
                map[i] = j;
        }
        if (map[i] == SIZE_MAX || !same_type(rel->cols[i].type, cols[map[i]].type)) {
            free(map);
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "table %s.%s: column \"%s\" (%s) is not in the mirrored schema; "
                              "schema changes are not supported yet: re-create the slot to "
                              "copy the table again",
                              t->schema, t->name, rel->cols[i].name,
                              am_type_name(rel->cols[i].type.type));
        }
        matched++;
    }
    if (matched != n) {
        free(map);
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "table %s.%s: a column was dropped in PostgreSQL (%zu of %zu remain); "
                          "schema changes are not supported yet",
                          t->schema, t->name, matched, n);
    }
    free(t->col_map);
    t->col_map = map;
    t->n_rel_cols = rel->n_cols;
    t->relid = rel->relid;
    return true;
}

/* Relation-ordered values -> t->row_buf in lake column order. */
static void to_row(mirror_table_t *t, const am_value_t *rel_vals)
{
    size_t n = lake_table_n_columns(t->lt);
    memset(t->row_buf, 0, n * sizeof *t->row_buf);
    for (size_t i = 0; i < t->n_rel_cols; i++)
        t->row_buf[t->col_map[i]] = rel_vals[i];
}

static bool ensure_batch(mirror_table_t *t)
{
    if (!t->batch)
        t->batch = lake_batch_new(t->lt);
    return true;
}

static mirror_pending_file_t *pending_find(mirror_table_t *t, int32_t file, bool create)
{
    for (size_t i = 0; i < t->n_pending; i++) {
        if (t->pending[i].file == file)
            return &t->pending[i];
    }
    if (!create)
        return NULL;
    t->pending = am_xrealloc(t->pending, (t->n_pending + 1) * sizeof *t->pending);
    mirror_pending_file_t *p = &t->pending[t->n_pending++];
    memset(p, 0, sizeof *p);
    p->file = file;
    return p;
}

/* Keeps a deep copy of the row just appended at pos (rows arrive in row order per file). */
static void pending_keep(mirror_table_t *t, lake_pos_t pos, const am_value_t *row)
{
    mirror_pending_file_t *p = pending_find(t, pos.file, true);
    if (pos.row != (int64_t)p->n_rows)
        return; /* not sequential: lake_table_fetch_row will be asked instead */
    size_t n = lake_table_n_columns(t->lt);
    am_value_t *copy = am_arena_memdup(t->batch_arena, row, n * sizeof *row);
    for (size_t i = 0; i < n; i++) {
        if (copy[i].kind == AM_VALUE_PRESENT && copy[i].s)
            copy[i].s = am_arena_memdup(t->batch_arena, copy[i].s, copy[i].len);
    }
    if (p->n_rows == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->rows = am_xrealloc(p->rows, p->cap * sizeof(am_value_t *));
    }
    p->rows[p->n_rows++] = copy;
}

static bool append_row(mirror_table_t *t, const am_value_t *row, bool keep_copy, am_err_t *err)
{
    ensure_batch(t);
    lake_pos_t pos;
    if (!lake_batch_append(t->batch, row, &pos, err))
        return false;
    if (t->n_key_cols > 0) {
        mirror__key_encode(&t->key_buf, row, t->key_cols, t->n_key_cols, t->key_types);
        am_map_put(t->index, t->key_buf.data, t->key_buf.len, mirror__pos_pack(pos));
    }
    if (keep_copy)
        pending_keep(t, pos, row);
    t->n_changes++;
    return true;
}

bool mirror__table_insert(mirror_table_t *t, const am_value_t *rel_vals, bool keep_copy,
                          am_err_t *err)
{
    to_row(t, rel_vals);
    /* The initial copy (no copies kept) fills an empty table whose keys are unique. */
    if (t->n_key_cols > 0 && keep_copy) {
        uint64_t packed;
        mirror__key_encode(&t->key_buf, t->row_buf, t->key_cols, t->n_key_cols, t->key_types);
        if (am_map_get(t->index, t->key_buf.data, t->key_buf.len, &packed)) {
            /* a key we hold already: the newer row wins, as PostgreSQL's own state says */
            ensure_batch(t);
            if (!lake_batch_delete(t->batch, mirror__pos_unpack(packed), err))
                return false;
        }
    }
    return append_row(t, t->row_buf, keep_copy, err);
}

/* Fills AM_VALUE_UNCHANGED columns of t->row_buf from the old row at pos. */
static bool fill_unchanged(mirror_table_t *t, lake_pos_t pos, am_err_t *err)
{
    size_t n = lake_table_n_columns(t->lt);
    const am_value_t *old = NULL;
    mirror_pending_file_t *p = pending_find(t, pos.file, false);
    if (p && pos.row < (int64_t)p->n_rows) {
        old = p->rows[pos.row];
    } else {
        am_value_t *fetched = am_arena_alloc(t->batch_arena, n * sizeof *fetched);
        if (!lake_table_fetch_row(t->lt, pos, t->batch_arena, fetched, err))
            return false;
        old = fetched;
    }
    for (size_t i = 0; i < n; i++) {
        if (t->row_buf[i].kind == AM_VALUE_UNCHANGED)
            t->row_buf[i] = old[i];
    }
    return true;
}

static bool has_unchanged(const am_value_t *row, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (row[i].kind == AM_VALUE_UNCHANGED)
            return true;
    }
    return false;
}

/* Finds the live row of the key in old_vals (relation order) or, without them, of row_buf. */
static bool find_old(mirror_table_t *t, const am_value_t *old_vals, uint64_t *packed)
{
    if (old_vals) {
        size_t n = lake_table_n_columns(t->lt);
        am_value_t *tmp = am_arena_alloc(t->batch_arena, (n ? n : 1) * sizeof *tmp);
        memset(tmp, 0, n * sizeof *tmp);
        for (size_t i = 0; i < t->n_rel_cols; i++)
            tmp[t->col_map[i]] = old_vals[i];
        mirror__key_encode(&t->key_buf, tmp, t->key_cols, t->n_key_cols, t->key_types);
    } else {
        mirror__key_encode(&t->key_buf, t->row_buf, t->key_cols, t->n_key_cols, t->key_types);
    }
    return am_map_get(t->index, t->key_buf.data, t->key_buf.len, packed);
}

bool mirror__table_update(mirror_table_t *t, const am_value_t *old_vals, const am_value_t *new_vals,
                          am_err_t *err)
{
    if (t->n_key_cols == 0)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "table %s.%s has no primary key: UPDATE cannot be mirrored", t->schema,
                          t->name);
    to_row(t, new_vals);
    size_t n = lake_table_n_columns(t->lt);
    uint64_t packed;
    if (!find_old(t, old_vals, &packed)) {
        if (has_unchanged(t->row_buf, n))
            return am_err_set(err, AM_SQLSTATE_INTERNAL,
                              "table %s.%s: UPDATE of a row the mirror does not hold, with "
                              "unchanged TOAST values it cannot recover",
                              t->schema, t->name);
        am_log_warn("mirror", "update of a row the mirror does not hold, applied as insert",
                    AM_KV_STR("table", t->name));
        return append_row(t, t->row_buf, true, err);
    }
    lake_pos_t pos = mirror__pos_unpack(packed);
    if (has_unchanged(t->row_buf, n) && !fill_unchanged(t, pos, err)) {
        am_err_prefix(err, "table %s.%s: unchanged TOAST value", t->schema, t->name);
        return false;
    }
    ensure_batch(t);
    if (!lake_batch_delete(t->batch, pos, err))
        return false;
    am_map_del(t->index, t->key_buf.data, t->key_buf.len);
    return append_row(t, t->row_buf, true, err);
}

bool mirror__table_delete(mirror_table_t *t, const am_value_t *old_vals, am_err_t *err)
{
    if (t->n_key_cols == 0)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "table %s.%s has no primary key: DELETE cannot be mirrored", t->schema,
                          t->name);
    uint64_t packed;
    if (!old_vals || !find_old(t, old_vals, &packed)) {
        am_log_warn("mirror", "delete of a row the mirror does not hold, ignored",
                    AM_KV_STR("table", t->name));
        return true;
    }
    ensure_batch(t);
    if (!lake_batch_delete(t->batch, mirror__pos_unpack(packed), err))
        return false;
    am_map_del(t->index, t->key_buf.data, t->key_buf.len);
    t->n_changes++;
    return true;
}

void mirror__table_truncate(mirror_table_t *t)
{
    ensure_batch(t);
    lake_batch_truncate(t->batch);
    am_map_clear(t->index);
    pending_clear(t);
    t->n_changes++;
}

bool mirror__table_commit(mirror_table_t *t, am_lsn_t lsn, am_err_t *err)
{
    if (!t->batch)
        return true;
    if (!lake_batch_commit(t->batch, lsn, err)) {
        am_err_prefix(err, "table %s.%s: commit", t->schema, t->name);
        return false;
    }
    t->lake_lsn = lsn;
    lake_batch_free(t->batch);
    t->batch = NULL;
    pending_clear(t);
    am_arena_reset(t->batch_arena);
    t->n_changes = 0;
    return true;
}
