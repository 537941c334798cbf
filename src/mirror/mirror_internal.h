/*
 * mirror/mirror_internal.h: shared by the mirror's own files only.
 */
#ifndef AM_MIRROR_INTERNAL_H
#define AM_MIRROR_INTERNAL_H

#include <pthread.h>

#include "health/health.h"
#include "lake/lake.h"
#include "mirror/mirror.h"

/* Rows appended to the current batch, kept so an UPDATE with unchanged TOAST values can take
 * them from the row it replaces even before that row reaches a Parquet file. */
typedef struct mirror_pending_file {
    int32_t file;
    am_value_t **rows; /* row i of the batch's data file `file`; values live in the batch arena */
    size_t n_rows;
    size_t cap;
} mirror_pending_file_t;

typedef struct mirror_table {
    char *schema;
    char *name;
    lake_table_t *lt;
    am_map_t *index;         /* encoded key -> packed lake_pos_t of the live row */
    size_t *key_cols;        /* lake column numbers of the key, in column order */
    am_coltype_t *key_types; /* their lake types */
    size_t n_key_cols;
    am_lsn_t lake_lsn; /* LSN of the table's last commit: replayed transactions before it skip */
    int64_t wm_snapshot_id; /* the snapshot the durable watermark names (-1: none yet) */
    uint32_t relid;         /* from the stream's Relation message; 0 until seen */
    size_t *col_map;        /* relation column i -> lake column (SIZE_MAX: not in the lake) */
    size_t n_rel_cols;
    lake_batch_t *batch; /* changes since the last flush; NULL when none */
    mirror_pending_file_t *pending;
    size_t n_pending;
    am_arena_t *batch_arena;
    am_value_t *row_buf; /* one row in lake column order */
    am_buf_t key_buf;
    int64_t n_changes; /* rows changed in the current batch */
} mirror_table_t;

typedef struct mirror_metrics {
    health_metric_t *rows_insert;
    health_metric_t *rows_update;
    health_metric_t *rows_delete;
    health_metric_t *truncates;
    health_metric_t *transactions;
    health_metric_t *flushes;
    health_metric_t *errors;
    health_metric_t *lag_bytes;
    health_metric_t *committed_lsn;
    health_metric_t *copy_rows;
    health_metric_t *flush_seconds;
} mirror_metrics_t;

struct mirror {
    mirror_options_t opts;
    char *warehouse;
    source_table_ref_t *table_refs;
    lake_t *lake;
    source_t *src;
    mirror_table_t *tables;
    size_t n_tables;
    mirror_metrics_t metrics;

    /* the transaction being received */
    bool in_txn;
    am_lsn_t txn_final_lsn;
    /* committed but not yet flushed */
    am_lsn_t pending_lsn; /* end_lsn of the last COMMIT applied to the batches; 0 when none */
    int64_t pending_since_us;
    int64_t pending_rows;
    am_lsn_t watermark_lsn; /* durable */
    char *catalog_name;     /* the catalog file the next watermark names; NULL before one */

    pthread_mutex_t status_lock; /* guards status */
    mirror_status_t status;
};

/* index.c: keys and positions */
/* Key bytes of the key columns: vals[cols[i]] (cols NULL: vals[i]) of type key_types[i]. */
void mirror__key_encode(am_buf_t *out, const am_value_t *vals, const size_t *cols, size_t n,
                        const am_coltype_t *key_types);
uint64_t mirror__pos_pack(lake_pos_t pos);
lake_pos_t mirror__pos_unpack(uint64_t v);
bool mirror__index_rebuild(mirror_table_t *t, am_err_t *err) AM_MUST_CHECK;

/* table.c: per-table state and applying changes */
bool mirror__table_setup(mirror_table_t *t, lake_table_t *lt, am_err_t *err) AM_MUST_CHECK;
/* The lake doc recording a source column's PostgreSQL type, "pg:<oid>:<typmod>:<format_type>"
 * (caller frees), or NULL when its type was not resolved. */
char *mirror__column_doc(const source_column_t *col);
/* Each lake column's doc from the same-named column of rel, in a metadata-only commit when
 * one differs (tables written before docs existed get theirs so). Storage is never changed. */
bool mirror__table_sync_docs(mirror_table_t *t, const source_relation_t *rel,
                             am_err_t *err) AM_MUST_CHECK;
/* Opens t's lake table to resume it: docs from src's catalog (sync_docs), setup, index. */
bool mirror__table_resume(mirror_table_t *t, lake_t *lake, source_t *src,
                          am_err_t *err) AM_MUST_CHECK;
void mirror__table_destroy(mirror_table_t *t);
bool mirror__table_bind_relation(mirror_table_t *t, const source_relation_t *rel,
                                 am_err_t *err) AM_MUST_CHECK;
bool mirror__table_insert(mirror_table_t *t, const am_value_t *rel_vals, bool keep_copy,
                          am_err_t *err) AM_MUST_CHECK;
bool mirror__table_update(mirror_table_t *t, const am_value_t *old_vals, const am_value_t *new_vals,
                          am_err_t *err) AM_MUST_CHECK;
bool mirror__table_delete(mirror_table_t *t, const am_value_t *old_vals,
                          am_err_t *err) AM_MUST_CHECK;
void mirror__table_truncate(mirror_table_t *t);
bool mirror__table_commit(mirror_table_t *t, am_lsn_t lsn, am_err_t *err) AM_MUST_CHECK;
void mirror__table_discard(mirror_table_t *t);

/* copy.c: the initial copy */
bool mirror__initial_copy(mirror_t *m, am_err_t *err) AM_MUST_CHECK;

/* run.c */
void mirror__set_phase(mirror_t *m, mirror_phase_t phase);
void mirror__set_error(mirror_t *m, const am_err_t *err);
bool mirror__write_watermark(mirror_t *m, am_lsn_t lsn, am_err_t *err) AM_MUST_CHECK;
/* The durable watermark again (same LSN, same table snapshots), naming catalog_name. */
bool mirror__rewrite_watermark(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
/*
 * Captures the source's catalog and, if it differs from the one catalog_name holds (apart
 * from its LSN), publishes it and, when a watermark exists, rewrites the watermark to name it.
 * Callable at any transaction boundary: it never claims data that is not durable.
 */
bool mirror__catalog_refresh(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
mirror_table_t *mirror__table_find(mirror_t *m, const char *schema, const char *name);
mirror_table_t *mirror__table_by_relid(mirror_t *m, uint32_t relid);
/* Closes the source, the lake and every table's state (names stay). */
void mirror__teardown(mirror_t *m);

#endif /* AM_MIRROR_INTERNAL_H */
