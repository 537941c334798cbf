/*
 * mirror/table.c: one mirrored table on the write path. Maps the stream's relation columns to
 * the lake's (recording each column's PostgreSQL type as the lake field's doc), and applies
 * inserts, updates, deletes and truncates to the table's open batch while keeping the
 * primary-key index in step. An UPDATE becomes a position delete of the old row plus the new
 * row; unchanged TOAST values are taken from the old row, so no table needs REPLICA IDENTITY
 * FULL. A lake column stored as text where the source type now has a closer home (tables
 * written before it had one: uuid, arrays, domains) keeps its storage and takes the value's
 * PostgreSQL text: the data is never rewritten.
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
    t->key_types = am_xcalloc(n ? n : 1, sizeof *t->key_types);
    t->n_key_cols = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cols[i].is_key)
            continue;
        t->key_cols[t->n_key_cols] = i;
        t->key_types[t->n_key_cols++] = cols[i].type;
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

/* The lake column can hold the source column's values: the same type, or text storage from
 * before the source type had a closer home (every value but bytea carries its text). */
static bool storable(am_coltype_t lake, am_coltype_t src)
{
    return am_coltype_equal(lake, src) ||
           (lake.type == AM_TYPE_STRING && src.type != AM_TYPE_BINARY);
}

char *mirror__column_doc(const source_column_t *col)
{
    if (!col->pg_type)
        return NULL;
    return am_xasprintf("pg:%u:%d:%s", col->type_oid, col->typmod, col->pg_type);
}

static bool same_doc(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool mirror__table_sync_docs(mirror_table_t *t, const source_relation_t *rel, am_err_t *err)
{
    size_t n = lake_table_n_columns(t->lt);
    const lake_column_t *cols = lake_table_columns(t->lt);
    const char **docs = am_xcalloc(n ? n : 1, sizeof *docs);
    char **owned = am_xcalloc(n ? n : 1, sizeof *owned);
    int64_t changed = 0;
    for (size_t j = 0; j < n; j++) {
        docs[j] = cols[j].doc;
        for (size_t i = 0; i < rel->n_cols && !owned[j]; i++)
            if (strcmp(rel->cols[i].name, cols[j].name) == 0)
                owned[j] = mirror__column_doc(&rel->cols[i]);
        if (owned[j] && !same_doc(owned[j], docs[j])) {
            docs[j] = owned[j];
            changed++;
        }
    }
    bool ok = changed == 0 || lake_table_set_docs(t->lt, docs, err);
    if (ok && changed > 0)
        am_log_info("mirror", "recorded the PostgreSQL types of columns",
                    AM_KV_STR("schema", t->schema), AM_KV_STR("table", t->name),
                    AM_KV_I64("columns", changed));
    for (size_t j = 0; j < n; j++)
        free(owned[j]);
    free(owned);
    free(docs);
    return ok;
}

bool mirror__table_resume(mirror_table_t *t, lake_t *lake, source_t *src, am_err_t *err)
{
    lake_table_t *lt = lake_table_open(lake, t->schema, t->name, err);
    if (!lt)
        return false;
    if (!mirror__table_setup(t, lt, err))
        return false;
    const lake_column_t *cols = lake_table_columns(lt);
    bool undocumented = false;
    for (size_t i = 0; i < lake_table_n_columns(lt); i++)
        undocumented |= cols[i].doc == NULL;
    if (undocumented) {
        /* written before docs existed: the catalog says what the types are (storage stays) */
        source_relation_t *rel = source_describe(src, t->schema, t->name, err);
        bool ok = rel && mirror__table_sync_docs(t, rel, err);
        source_relation_free(rel);
        if (!ok)
            return false;
    }
    return mirror__index_rebuild(t, err);
}

static bool bind_error(const mirror_table_t *t, const source_column_t *col, am_err_t *err)
{
    char type[64];
    if (col->type.type == AM_TYPE_LIST)
        (void)snprintf(type, sizeof type, "list of %s", am_type_name(col->type.elem));
    else
        (void)snprintf(type, sizeof type, "%s", am_type_name(col->type.type));
    return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                      "table %s.%s: column \"%s\" (%s, stored as %s) is not in the mirrored "
                      "schema; schema changes are not supported yet: re-create the slot to "
                      "copy the table again",
                      t->schema, t->name, col->name, col->pg_type ? col->pg_type : "?", type);
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
        if (map[i] == SIZE_MAX || !storable(cols[map[i]].type, rel->cols[i].type)) {
            free(map);
            return bind_error(t, &rel->cols[i], err);
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
    if (!mirror__table_sync_docs(t, rel, err)) {
        free(map);
        return false;
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

/* A deep copy of v into arena: its text or bytes, and a list's items with theirs. */
static void value_keep(am_arena_t *arena, am_value_t *v)
{
    if (v->kind != AM_VALUE_PRESENT)
        return;
    if (v->s)
        v->s = am_arena_memdup(arena, v->s, v->len);
    if (v->n_items == 0)
        return;
    am_value_t *items = am_arena_memdup(arena, v->items, v->n_items * sizeof *items);
    for (uint32_t i = 0; i < v->n_items; i++)
        value_keep(arena, &items[i]);
    v->items = items;
}

/* Keeps a deep copy of the row just appended at pos (rows arrive in row order per file). */
static void pending_keep(mirror_table_t *t, lake_pos_t pos, const am_value_t *row)
{
    mirror_pending_file_t *p = pending_find(t, pos.file, true);
    if (pos.row != (int64_t)p->n_rows)
        return; /* not sequential: lake_table_fetch_row will be asked instead */
    size_t n = lake_table_n_columns(t->lt);
    am_value_t *copy = am_arena_memdup(t->batch_arena, row, n * sizeof *row);
    for (size_t i = 0; i < n; i++)
        value_keep(t->batch_arena, &copy[i]);
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
