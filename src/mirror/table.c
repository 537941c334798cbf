/*
 * mirror/table.c: one mirrored table on the write path. Binds the stream's relation to the
 * lake's columns through attnums and field ids (the rec), never through names, and applies
 * inserts, updates, deletes and truncates to the table's open batch while keeping the identity
 * index in step. An UPDATE becomes a position delete of the old row plus the new row; unchanged
 * TOAST values are taken from the old row (the batch's copy, or the Parquet file), so no table
 * needs REPLICA IDENTITY FULL; a FULL table's old values come with the change.
 * A lake column stored as text where the source type now has a closer home (tables written
 * before it had one: uuid, arrays, domains) keeps its storage and takes the value's PostgreSQL
 * text: the data is never rewritten.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_ARENA_BLOCK ((size_t)256 * 1024)

char *mirror__column_doc(const source_column_t *col)
{
    if (!col->pg_type)
        return NULL;
    return am_xasprintf("pg:%u:%d:%s", col->type_oid, col->typmod, col->pg_type);
}

size_t mirror__table_column(const mirror_table_t *t, int16_t attnum)
{
    int32_t field = t->has_rec ? mirror__rec_field(&t->rec, attnum) : 0;
    if (field == 0 || !t->lt)
        return SIZE_MAX;
    const lake_column_t *cols = lake_table_columns(t->lt);
    for (size_t j = 0; j < lake_table_n_columns(t->lt); j++)
        if (cols[j].field_id == field)
            return j;
    return SIZE_MAX;
}

static int attnum_cmp(const void *a, const void *b)
{
    return *(const int16_t *)a - *(const int16_t *)b;
}

/* The identity key's lake columns from attnums (the rec's or a relation's), in attnum order
 * whatever the order given (an index's column order is not the relation's). */
static void key_from_attnums(mirror_table_t *t, const int16_t *given, size_t n, bool full)
{
    const lake_column_t *cols = lake_table_columns(t->lt);
    int16_t *keep = am_xcalloc(n + 1, sizeof *keep);
    int16_t *attnums = am_xcalloc(n + 1, sizeof *attnums);
    memcpy(attnums, given, n * sizeof *attnums);
    qsort(attnums, n, sizeof *attnums, attnum_cmp);
    t->n_key_cols = 0;
    t->full_identity = full;
    for (size_t i = 0; i < n; i++) {
        size_t c = mirror__table_column(t, attnums[i]);
        if (c == SIZE_MAX)
            continue;
        keep[t->n_key_cols] = attnums[i];
        t->key_cols[t->n_key_cols] = c;
        t->key_types[t->n_key_cols++] = cols[c].type;
    }
    free(attnums);
    free(t->key_attnums);
    t->key_attnums = keep;
}

void mirror__table_reshape(mirror_table_t *t)
{
    size_t n = lake_table_n_columns(t->lt);
    free(t->row_buf);
    t->row_buf = am_xcalloc(n + 1, sizeof *t->row_buf);
    t->key_cols = am_xrealloc(t->key_cols, (n + 1) * sizeof *t->key_cols);
    t->key_types = am_xrealloc(t->key_types, (n + 1) * sizeof *t->key_types);
    size_t k = t->n_key_cols;
    int16_t *attnums = am_xcalloc(k + 1, sizeof *attnums);
    memcpy(attnums, t->key_attnums, k * sizeof *attnums);
    key_from_attnums(t, attnums, k, t->full_identity);
    free(attnums);
}

bool mirror__table_setup(mirror_table_t *t, lake_table_t *lt, am_err_t *err)
{
    (void)err;
    t->lt = lt;
    size_t n = lake_table_n_columns(lt);
    const lake_column_t *cols = lake_table_columns(lt);
    t->key_cols = am_xcalloc(n + 1, sizeof *t->key_cols);
    t->key_types = am_xcalloc(n + 1, sizeof *t->key_types);
    t->n_key_cols = 0;
    if (t->has_rec) {
        key_from_attnums(t, t->rec.st.key, t->rec.st.n_key, t->rec.st.replident == 'f');
    } else { /* written before the rec existed: the lake's identifier fields */
        for (size_t i = 0; i < n; i++) {
            if (!cols[i].is_key)
                continue;
            t->key_cols[t->n_key_cols] = i;
            t->key_types[t->n_key_cols++] = cols[i].type;
        }
    }
    t->pk = mirror__pk_new(true);
    mirror__index_clear(t); /* the table's mode follows the key just found */
    t->batch_arena = am_arena_new(BATCH_ARENA_BLOCK);
    t->row_buf = am_xcalloc(n + 1, sizeof *t->row_buf);
    am_buf_init(&t->key_buf);
    t->lake_lsn = lake_table_lsn(lt);
    t->bound = NULL;
    return true;
}

static void pending_clear(mirror_table_t *t)
{
    for (size_t i = 0; i < t->n_pending_files; i++)
        free(t->pending_files[i].rows);
    free(t->pending_files);
    t->pending_files = NULL;
    t->n_pending_files = 0;
}

void mirror__table_discard(mirror_table_t *t)
{
    mirror__index_sync(t);
    lake_batch_free(t->batch);
    t->batch = NULL;
    pending_clear(t);
    if (t->batch_arena)
        am_arena_reset(t->batch_arena);
    t->n_changes = 0;
}

void mirror__table_close(mirror_table_t *t)
{
    mirror__table_discard(t); /* syncs the index first */
    lake_table_close(t->lt);
    t->lt = NULL;
    mirror__pk_free(t->pk);
    t->pk = NULL;
    mirror__pkimage_destroy(t->index_image);
    free(t->index_image);
    t->index_image = NULL;
    am_arena_free(t->batch_arena);
    t->batch_arena = NULL;
    am_buf_destroy(&t->key_buf);
    free(t->key_cols);
    free(t->key_types);
    free(t->col_map);
    free(t->rel_attnums);
    free(t->row_buf);
    free(t->key_attnums);
    t->key_attnums = NULL;
    t->key_cols = t->col_map = NULL;
    t->rel_attnums = NULL;
    t->key_types = NULL;
    t->row_buf = NULL;
    t->bound = NULL;
    t->n_key_cols = t->n_rel_cols = 0;
}

void mirror__table_destroy(mirror_table_t *t)
{
    mirror__copy_stop(t);
    mirror__table_close(t);
    if (t->has_rec)
        mirror__rec_destroy(&t->rec);
    free(t->schema);
    free(t->name);
    free(t->location);
    free(t->spec);
    free(t->served_schema);
    free(t->served_name);
    free(t->trunc_xids);
    free(t->index_file);
    free(t->pub_members);
    free(t->index_file_old);
    memset(t, 0, sizeof *t);
}

/* The lake column can hold the source column's values: the same type, a type Iceberg widened
 * it to, or text storage from before the source type had a closer home (every value but bytea
 * carries its text). */
static bool storable(am_coltype_t lake, am_coltype_t src)
{
    if (am_coltype_equal(lake, src))
        return true;
    if (lake.type == AM_TYPE_STRING)
        return src.type != AM_TYPE_BINARY;
    if (lake.type == AM_TYPE_LIST && src.type == AM_TYPE_LIST)
        return storable(am_coltype_elem(lake), am_coltype_elem(src));
    switch (lake.type) {
    case AM_TYPE_INT32:
        return src.type == AM_TYPE_INT16;
    case AM_TYPE_INT64:
        return src.type == AM_TYPE_INT16 || src.type == AM_TYPE_INT32;
    case AM_TYPE_FLOAT64:
        return src.type == AM_TYPE_FLOAT32;
    case AM_TYPE_DECIMAL:
        return src.type == AM_TYPE_DECIMAL && src.scale == lake.scale &&
               src.precision <= lake.precision;
    default:
        return false;
    }
}

static bool bind_error(const mirror_table_t *t, const source_column_t *col, am_coltype_t lake,
                       am_err_t *err)
{
    char type[64], stored[64];
    lake_type_duckdb(col->type, type, sizeof type);
    lake_type_duckdb(lake, stored, sizeof stored);
    return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                      "table %s.%s: column \"%s\" (%s, read as %s) cannot be stored in its lake "
                      "column of type %s",
                      t->schema, t->name, col->name, col->pg_type ? col->pg_type : "?", type,
                      stored);
}

bool mirror__table_bind(mirror_table_t *t, const source_relation_t *rel, const int16_t *attnums,
                        am_lsn_t settle_lsn, am_err_t *err)
{
    const lake_column_t *cols = lake_table_columns(t->lt);
    size_t *map = am_xcalloc(rel->n_cols + 1, sizeof *map);
    int16_t *keys = am_xcalloc(rel->n_cols + 1, sizeof *keys);
    size_t n_keys = 0;
    for (size_t i = 0; i < rel->n_cols; i++) {
        map[i] = mirror__table_column(t, attnums[i]);
        if (map[i] != SIZE_MAX && !storable(cols[map[i]].type, rel->cols[i].type)) {
            am_coltype_t stored = cols[map[i]].type;
            free(map);
            free(keys);
            return bind_error(t, &rel->cols[i], stored, err);
        }
        if (rel->cols[i].is_key)
            keys[n_keys++] = attnums[i];
    }
    /* the identity the stream's old tuples carry: when it moved, the index follows it */
    size_t old_n = t->n_key_cols;
    size_t *old_cols = am_xcalloc(old_n + 1, sizeof *old_cols);
    memcpy(old_cols, t->key_cols, old_n * sizeof *old_cols);
    bool old_full = t->full_identity;
    key_from_attnums(t, keys, n_keys, rel->replident == 'f');
    bool moved = old_n != t->n_key_cols || old_full != t->full_identity ||
                 memcmp(old_cols, t->key_cols, old_n * sizeof *old_cols) != 0;
    free(old_cols);
    free(keys);
    free(t->col_map);
    free(t->rel_attnums);
    t->col_map = map;
    t->rel_attnums = am_xcalloc(rel->n_cols + 1, sizeof *t->rel_attnums);
    memcpy(t->rel_attnums, attnums, rel->n_cols * sizeof *attnums);
    t->n_rel_cols = rel->n_cols;
    t->bound = rel;
    if (!moved)
        return true;
    am_log_info("mirror", "identity changed: rebuilding the index", AM_KV_STR("schema", t->schema),
                AM_KV_STR("table", t->name), AM_KV_I64("key_columns", t->n_key_cols),
                AM_KV_STR("full", t->full_identity ? "yes" : "no"));
    bool settled = false;
    if (!mirror__table_settle(t, settle_lsn, &settled, err))
        return false;
    if (!settled)
        return am_err_set(err, "55000",
                          "table %s.%s: its replica identity changed inside a transaction that "
                          "had already changed it",
                          t->schema, t->name);
    return mirror__index_rebuild(t, err);
}

/* Relation-ordered values -> out in lake column order (NULL where the relation has none). */
static void to_row(const mirror_table_t *t, const am_value_t *rel_vals, am_value_t *out)
{
    size_t n = lake_table_n_columns(t->lt);
    memset(out, 0, n * sizeof *out);
    for (size_t i = 0; i < t->n_rel_cols; i++)
        if (t->col_map[i] != SIZE_MAX)
            out[t->col_map[i]] = rel_vals[i];
}

static void ensure_batch(mirror_table_t *t)
{
    if (!t->batch)
        t->batch = lake_batch_new(t->lt);
}

static mirror_pending_file_t *pending_find(mirror_table_t *t, int32_t file, bool create)
{
    for (size_t i = 0; i < t->n_pending_files; i++) {
        if (t->pending_files[i].file == file)
            return &t->pending_files[i];
    }
    if (!create)
        return NULL;
    t->pending_files =
        am_xrealloc(t->pending_files, (t->n_pending_files + 1) * sizeof *t->pending_files);
    mirror_pending_file_t *p = &t->pending_files[t->n_pending_files++];
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

/* Keeps a deep copy of the row just appended at pos (rows arrive in row order per file), with
 * the committed row its unchanged values come from (from, or NULL). */
static void pending_keep(mirror_table_t *t, lake_pos_t pos, const am_value_t *row,
                         const lake_pos_t *from)
{
    mirror_pending_file_t *p = pending_find(t, pos.file, true);
    if (pos.row != (int64_t)p->n_rows)
        return; /* not sequential: lake_table_fetch_row will be asked instead */
    if (t->keep_max > 0 && (int64_t)am_arena_used(t->batch_arena) >= t->keep_max)
        return; /* the budget is spent: later rows are read back from the lake */
    size_t n = lake_table_n_columns(t->lt);
    am_value_t *copy = am_arena_alloc(t->batch_arena, (n + 1) * sizeof *copy);
    memcpy(copy, row, n * sizeof *row);
    for (size_t i = 0; i < n; i++)
        value_keep(t->batch_arena, &copy[i]);
    copy[n] =
        from ? (am_value_t){.kind = AM_VALUE_PRESENT, .i = from->row, .len = (uint32_t)from->file}
             : (am_value_t){.kind = AM_VALUE_NULL};
    if (p->n_rows == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->rows = am_xrealloc(p->rows, p->cap * sizeof(am_value_t *));
    }
    p->rows[p->n_rows++] = copy;
}

/* Appends row (its unchanged values, if any, taken from the committed row at from). */
static bool append_row(mirror_table_t *t, const am_value_t *row, bool keep_copy,
                       const lake_pos_t *from, am_err_t *err)
{
    ensure_batch(t);
    lake_pos_t pos;
    if (!(from ? lake_batch_append_fill(t->batch, row, *from, &pos, err)
               : lake_batch_append(t->batch, row, &pos, err)))
        return false;
    if (t->n_key_cols > 0) {
        mirror__key_encode(&t->key_buf, row, t->key_cols, t->n_key_cols, t->key_types);
        mirror__index_put(t, pos);
    }
    if (keep_copy)
        pending_keep(t, pos, row, from);
    t->n_changes++;
    return true;
}

bool mirror__table_insert(mirror_table_t *t, const am_value_t *rel_vals, bool keep_copy,
                          am_err_t *err)
{
    to_row(t, rel_vals, t->row_buf);
    /* a key held already stays: within a transaction PostgreSQL may let two rows share it
     * (deferred constraints); the later UPDATE or DELETE takes the older one */
    return append_row(t, t->row_buf, keep_copy, NULL, err);
}

/* The kept copy of the batch's row at pos, or NULL. */
static const am_value_t *kept_row(mirror_table_t *t, lake_pos_t pos)
{
    mirror_pending_file_t *p = pending_find(t, pos.file, false);
    if (!p || pos.row >= (int64_t)p->n_rows)
        return NULL;
    return p->rows[pos.row];
}

/* Fills AM_VALUE_UNCHANGED columns of t->row_buf from old (lake order), or from the old row at
 * pos when old is NULL. A committed row is not read now: *from is set to the committed row the
 * append takes the values still missing from (lake_batch_append_fill reads many rows' at once):
 * pos itself, or the row a kept copy's own missing values come from. */
static bool fill_unchanged(mirror_table_t *t, lake_pos_t pos, const am_value_t *old,
                           lake_pos_t *from, bool *defer, am_err_t *err)
{
    size_t n = lake_table_n_columns(t->lt);
    *defer = false;
    if (!old && (old = kept_row(t, pos)) != NULL && old[n].kind == AM_VALUE_PRESENT) {
        *from = (lake_pos_t){.file = (int32_t)old[n].len, .row = old[n].i};
        *defer = true; /* what the copy lacks comes from the row it took its own from */
    } else if (!old && lake_table_pos_committed(t->lt, pos)) {
        *from = pos;
        *defer = true;
        return true;
    } else if (!old) {
        am_value_t *fetched = am_arena_alloc(t->batch_arena, (n + 1) * sizeof *fetched);
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

/* The old values in lake order (old_vals) or NULL; the key of the row to replace is put in
 * t->key_buf: from the old values, or without them from the new row (key unchanged). */
static am_value_t *old_row(mirror_table_t *t, const am_value_t *old_vals)
{
    if (!old_vals) {
        mirror__key_encode(&t->key_buf, t->row_buf, t->key_cols, t->n_key_cols, t->key_types);
        return NULL;
    }
    size_t n = lake_table_n_columns(t->lt);
    am_value_t *tmp = am_arena_alloc(t->batch_arena, (n + 1) * sizeof *tmp);
    to_row(t, old_vals, tmp);
    mirror__key_encode(&t->key_buf, tmp, t->key_cols, t->n_key_cols, t->key_types);
    return tmp;
}

bool mirror__table_update(mirror_table_t *t, const am_value_t *old_vals, const am_value_t *new_vals,
                          am_err_t *err)
{
    if (t->n_key_cols == 0)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "table %s.%s has no replica identity: UPDATE cannot be mirrored",
                          t->schema, t->name);
    to_row(t, new_vals, t->row_buf);
    size_t n = lake_table_n_columns(t->lt);
    am_value_t *old = old_row(t, old_vals);
    lake_pos_t pos;
    if (!mirror__index_take(t, &pos)) {
        if (has_unchanged(t->row_buf, n))
            return am_err_set(err, AM_SQLSTATE_INTERNAL,
                              "table %s.%s: UPDATE of a row the mirror does not hold, with "
                              "unchanged TOAST values it cannot recover",
                              t->schema, t->name);
        am_log_warn("mirror", "update of a row the mirror does not hold, applied as insert",
                    AM_KV_STR("schema", t->schema), AM_KV_STR("table", t->name));
        return append_row(t, t->row_buf, true, NULL, err);
    }
    /* a FULL identity's old tuple is complete: its values are the unchanged ones */
    bool defer = false;
    lake_pos_t from = pos;
    if (has_unchanged(t->row_buf, n) &&
        !fill_unchanged(t, pos, t->full_identity ? old : NULL, &from, &defer, err)) {
        am_err_prefix(err, "table %s.%s: unchanged TOAST value", t->schema, t->name);
        return false;
    }
    ensure_batch(t);
    if (!lake_batch_delete(t->batch, pos, err))
        return false;
    return append_row(t, t->row_buf, true, defer ? &from : NULL, err);
}

bool mirror__table_delete(mirror_table_t *t, const am_value_t *old_vals, am_err_t *err)
{
    if (t->n_key_cols == 0)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "table %s.%s has no replica identity: DELETE cannot be mirrored",
                          t->schema, t->name);
    lake_pos_t pos;
    bool found = false;
    if (old_vals) {
        (void)old_row(t, old_vals); /* puts the key in t->key_buf */
        found = mirror__index_take(t, &pos);
    }
    if (!found) {
        am_log_warn("mirror", "delete of a row the mirror does not hold, ignored",
                    AM_KV_STR("schema", t->schema), AM_KV_STR("table", t->name));
        return true;
    }
    ensure_batch(t);
    if (!lake_batch_delete(t->batch, pos, err))
        return false;
    t->n_changes++;
    return true;
}

void mirror__table_truncate(mirror_table_t *t)
{
    ensure_batch(t);
    lake_batch_truncate(t->batch);
    mirror__index_clear(t);
    pending_clear(t);
    t->n_changes++;
}

bool mirror__table_commit(mirror_table_t *t, am_lsn_t lsn, am_err_t *err)
{
    mirror__index_sync(t); /* the copy's keys are all in before its rows are */
    if (!t->lt || !t->batch)
        return true;
    bool changed = lake_batch_n_appended(t->batch) > 0 || lake_batch_n_deleted(t->batch) > 0 ||
                   lake_batch_truncated(t->batch);
    /* no change comes into this batch any more, so its row copies go before the commit writes
     * the last data file and the delete file: a failed commit restarts from the watermark */
    pending_clear(t);
    am_arena_reset(t->batch_arena);
    if (!lake_batch_commit(t->batch, lsn, err)) {
        am_err_prefix(err, "table %s.%s: commit", t->schema, t->name);
        return false;
    }
    if (changed) {
        t->changed_us = am_mono_us();
        t->idle_planned = false;
    }
    if (lake_table_snapshot_id(t->lt) >= 0)
        t->lake_lsn = lake_table_lsn(t->lt);
    if (!t->full_identity && mirror__index_shared(t) > 0)
        am_log_warn("mirror", "keys still shared by several rows after a commit",
                    AM_KV_STR("schema", t->schema), AM_KV_STR("table", t->name),
                    AM_KV_I64("keys", mirror__index_shared(t)));
    lake_batch_free(t->batch);
    t->batch = NULL;
    t->n_changes = 0;
    return true;
}

bool mirror__table_settle(mirror_table_t *t, am_lsn_t lsn, bool *settled, am_err_t *err)
{
    *settled = !t->txn_touched;
    if (!*settled || !t->batch)
        return true;
    return mirror__table_commit(t, lsn > t->lake_lsn ? lsn : t->lake_lsn, err);
}

/* ---- lake columns for a new or replaced table --------------------------------------------- */

/* Iceberg identifier fields are the primary key's or identity index's columns (NOT NULL);
 * REPLICA IDENTITY FULL keys rows by every column, nullable ones too: no identifier. */
static bool is_identifier(const source_table_state_t *st, int16_t attnum)
{
    if (st->replident == 'f')
        return false;
    for (size_t i = 0; i < st->n_key; i++)
        if (st->key[i] == attnum)
            return true;
    return false;
}

lake_column_t *mirror__lake_columns(const source_relation_t *rel, const source_table_state_t *st,
                                    const mirror_rec_t *old, int32_t *fields_out)
{
    lake_column_t *cols = am_xcalloc(rel->n_cols + 1, sizeof *cols);
    size_t k = 0;
    for (size_t a = 0; a < st->n_attrs && k < rel->n_cols; a++) {
        const source_attr_t *attr = &st->attrs[a];
        if (attr->generated)
            continue;
        const source_column_t *c = &rel->cols[k];
        cols[k] = (lake_column_t){.name = c->name,
                                  .type = c->type,
                                  .required = attr->not_null,
                                  .is_key = is_identifier(st, attr->attnum),
                                  .doc = mirror__column_doc(c)};
        /* the same column keeps its field id when the lake can widen it in place */
        size_t oi = 0;
        const source_attr_t *prev = old ? mirror__state_attr(&old->st, attr->attnum, &oi) : NULL;
        if (prev && old->fields[oi] > 0 && prev->type_oid == attr->type_oid &&
            prev->typmod == attr->typmod)
            cols[k].field_id = old->fields[oi];
        if (fields_out)
            fields_out[k] = cols[k].field_id;
        k++;
    }
    return cols;
}

void mirror__lake_columns_free(lake_column_t *cols, size_t n)
{
    for (size_t i = 0; cols && i < n; i++)
        free((char *)cols[i].doc);
    free(cols);
}
