/*
 * lake/lake.h: Iceberg v2 tables on storage. Schemas and type mapping, Parquet data and
 * position delete files (written through DuckDB with Iceberg field ids), Avro manifests and
 * manifest lists, vN.metadata.json + version-hint.text committed without overwrite, the
 * watermark, and the read-side planner. Knows nothing of PostgreSQL.
 *
 * Threads: a lake_t and its tables and batches belong to one thread (the write path). The
 * read-side functions at the end take only a warehouse path and may run on any thread. A
 * lake_compactor_t (a DuckDB of its own) runs compaction jobs on another thread; the jobs are
 * planned and committed on the table's thread.
 *
 * Layout: <warehouse>/<schema>/<table>/{data,metadata}/..., <warehouse>/_arctic/watermark.json,
 * <warehouse>/_arctic/catalog/NNNNNNNN.json
 */
#ifndef AM_LAKE_H
#define AM_LAKE_H

#include "util/util.h"

typedef struct lake lake_t;
typedef struct lake_table lake_table_t;
typedef struct lake_batch lake_batch_t;

/* Opens (creating if needed) the warehouse directory and a private DuckDB for writing. */
lake_t *lake_open(const char *warehouse, am_err_t *err) AM_MUST_CHECK;
void lake_close(lake_t *lake); /* NULL is a no-op; tables must be closed first */
const char *lake_warehouse(const lake_t *lake);
/* A batch rolls to a new data file once the rows of the open one would take about this many
 * bytes (default 256 MB): how a writer bounds what one transaction holds in DuckDB. At least
 * 1 MB. */
void lake_set_file_bytes(lake_t *lake, int64_t bytes);
/* The most this lake's DuckDB may hold (at least 32 MB; default: DuckDB's, 80% of RAM); past
 * it, it spills to a private directory under $TMPDIR (or /tmp), gone after lake_close. */
bool lake_set_memory_limit(lake_t *lake, int64_t bytes, am_err_t *err) AM_MUST_CHECK;
/* Hands the pages freed allocators keep back to the system: DuckDB's allocator and the C
 * library's (any thread; after a big batch, so the next starts from the budget). */
void lake_release_memory(void);
/* The directory is writable (health check; any thread). */
bool lake_check_writable(const char *warehouse, am_err_t *err) AM_MUST_CHECK;

typedef struct lake_column {
    const char *name;
    am_coltype_t type;
    bool required;    /* NOT NULL in the source */
    bool is_key;      /* part of the primary key: an identifier field when required */
    const char *doc;  /* opaque text kept as the Iceberg field's doc; NULL for none */
    int32_t field_id; /* the Iceberg field id (lake_table_columns fills it); as input to
                         lake_table_set_schema: a current column's id to keep it, 0 for new */
} lake_column_t;

/* A live row's place: which data file of the table (an id the table assigns) and row. */
typedef struct lake_pos {
    int32_t file;
    int64_t row;
} lake_pos_t;

/* File ids stay at or below this (23 bits: the mirror packs a position into 63 bits with a
 * 40-bit row). A batch that would need a higher one fails with 54000 naming the table before
 * it writes the file; lake_table_renumber() gives the ids of removed files back. */
#define LAKE_FILE_ID_MAX ((INT32_C(1) << 23) - 1)
/* Rows of one data file stay below this (40 bits). */
#define LAKE_FILE_ROWS_MAX (INT64_C(1) << 40)

/* NULL + 42P01 if the table has no metadata. The table lives at <schema>/<name>. */
lake_table_t *lake_table_open(lake_t *lake, const char *schema, const char *name,
                              am_err_t *err) AM_MUST_CHECK;
/* The same for a table at location, a directory under the warehouse ("public/orders"): a
 * table keeps the directory it was created in whatever it is called later (the watermark
 * maps names to locations). Two path components, each checked as lake_table_open checks
 * names. */
lake_table_t *lake_table_open_at(lake_t *lake, const char *location, am_err_t *err) AM_MUST_CHECK;
/* Writes v1.metadata.json (no snapshot). Fails if the table exists (42P07). Needs at least
 * one column; "file_row_number" and "__am_file" are reserved by the Parquet reader (0A000). */
lake_table_t *lake_table_create(lake_t *lake, const char *schema, const char *name,
                                const lake_column_t *cols, size_t n_cols,
                                am_err_t *err) AM_MUST_CHECK;
lake_table_t *lake_table_create_at(lake_t *lake, const char *location, const lake_column_t *cols,
                                   size_t n_cols, am_err_t *err) AM_MUST_CHECK;
/* Removes the whole table directory (tables no watermark names any more). */
bool lake_table_drop(lake_t *lake, const char *schema, const char *name,
                     am_err_t *err) AM_MUST_CHECK;
bool lake_table_drop_at(lake_t *lake, const char *location, am_err_t *err) AM_MUST_CHECK;
/* Whether a table (its metadata) exists at location. */
bool lake_table_exists_at(const lake_t *lake, const char *location);
void lake_table_close(lake_table_t *t); /* NULL is a no-op */

const char *lake_table_schema(const lake_table_t *t); /* first component of the location */
const char *lake_table_name(const lake_table_t *t);   /* second component */
const char *lake_table_location(const lake_table_t *t);
size_t lake_table_n_columns(const lake_table_t *t);
const lake_column_t *lake_table_columns(const lake_table_t *t); /* borrowed until close */
/*
 * Sets every column's doc (docs[i] for column i, NULL for none; copied) in a metadata-only
 * commit: a new current schema with the same field ids and types, no new snapshot. Nothing is
 * written when the docs are already these. May run while a batch is open.
 */
bool lake_table_set_docs(lake_table_t *t, const char *const *docs, am_err_t *err) AM_MUST_CHECK;
/*
 * Schema evolution by field id. Stages cols as the next commit's current schema: a column
 * with a field_id keeps that field (its name, doc, required flag may change; its type may only
 * widen as Iceberg v2 allows: int -> long, float -> double, decimal(P,S) -> decimal(P',S) with
 * P' >= P), a column with field_id 0 is a new field (last-column-id + 1, plus an element id for
 * a list), fields left out are dropped (their ids are never reused). A field already optional
 * stays optional and new fields are optional (v2 cannot add required ones); identifier fields
 * are the is_key columns that end up required. Files written before keep their columns: reads
 * project each file's fields by id, so a rename or a drop rewrites nothing. 0A000 for a type
 * change Iceberg cannot express, 22023 for an unknown field id or a bad column. The batch must
 * hold no appended rows yet (a truncate may come first: that is how a table is replaced).
 * lake_table_columns() describes the staged schema from here on. The next lake_batch_commit
 * commits it with a snapshot even when the batch has no data change.
 */
bool lake_table_set_schema(lake_table_t *t, const lake_column_t *cols, size_t n_cols,
                           am_err_t *err) AM_MUST_CHECK;
/* Stages a table property for the next commit (value NULL removes it); copied. Like a staged
 * schema, it makes the next lake_batch_commit write a snapshot. */
void lake_table_set_property(lake_table_t *t, const char *key, const char *value);
/* The property as staged or committed (borrowed until the next commit or close), or NULL. */
const char *lake_table_property(const lake_table_t *t, const char *key);
/* Snapshot expiry keeps this snapshot (and the files it reaches) however old it gets: the one
 * a watermark still names while newer commits are not served yet. -1 protects none. */
void lake_table_protect(lake_table_t *t, int64_t snapshot_id);
/* "arctic-mirror.lsn" recorded by the current snapshot; 0 when there is none. */
am_lsn_t lake_table_lsn(const lake_table_t *t);
int64_t lake_table_snapshot_id(const lake_table_t *t); /* -1 when there is none */
int64_t lake_table_live_rows(const lake_table_t *t);   /* records minus position deletes */

/*
 * Calls fn for every live row of the current snapshot with its key columns (is_key columns,
 * in column order) and position: how the mirror rebuilds its primary-key index at start.
 * Values are valid only during the call. fn returns false to stop: the scan then fails with
 * 57014.
 */
bool lake_table_scan_keys(lake_table_t *t,
                          bool (*fn)(void *ud, const am_value_t *key_vals, lake_pos_t pos),
                          void *ud, am_err_t *err) AM_MUST_CHECK;
/* The same for any columns: fn gets the values of columns cols[0..n) (indexes into
 * lake_table_columns()). */
bool lake_table_scan(lake_table_t *t, const size_t *cols, size_t n,
                     bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t pos), void *ud,
                     am_err_t *err) AM_MUST_CHECK;

/* ---- the files behind positions: what an index of positions checks itself against -------- */

/* Data file ids run from 0 to this - 1 (a removed file keeps its id until the table is
 * reopened, compacted or renumbered, which number the files afresh: name files by their
 * URIs). */
size_t lake_table_n_file_ids(const lake_table_t *t);
/* URI of data file id, or NULL when it is not a live file of the current snapshot. Borrowed
 * until the next commit or close. */
const char *lake_table_data_file(const lake_table_t *t, int32_t id);
/* The current snapshot's position delete files, by index (URIs borrowed as above). */
size_t lake_table_n_delete_files(const lake_table_t *t);
const char *lake_table_delete_file(const lake_table_t *t, size_t i);
/* lake_table_scan restricted to the live rows of data files ids (ids not live are skipped). */
bool lake_table_scan_files(lake_table_t *t, const size_t *cols, size_t n, const int32_t *ids,
                           size_t n_ids,
                           bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t pos), void *ud,
                           am_err_t *err) AM_MUST_CHECK;
/* The rows that the position delete files del_uris delete from live data files (only from
 * data files ids when ids is not NULL): their columns cols and positions (rows deleted twice
 * come twice). */
bool lake_table_scan_deleted(lake_table_t *t, const size_t *cols, size_t n,
                             const char *const *del_uris, size_t n_dels, const int32_t *ids,
                             size_t n_ids,
                             bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t pos), void *ud,
                             am_err_t *err) AM_MUST_CHECK;
/* The rows at positions pos of committed data files, deleted or not: their columns cols
 * (each position once, in no particular order). 22023 for a position of no such file. */
bool lake_table_scan_rows(lake_table_t *t, const size_t *cols, size_t n, const lake_pos_t *pos,
                          size_t n_pos, bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t p),
                          void *ud, am_err_t *err) AM_MUST_CHECK;
/* All column values of the row at pos (strings copied into arena). */
bool lake_table_fetch_row(lake_table_t *t, lake_pos_t pos, am_arena_t *arena, am_value_t *out,
                          am_err_t *err) AM_MUST_CHECK;

/* ---- writing: one batch = one Iceberg commit --------------------------------------------- */

lake_batch_t *lake_batch_new(lake_table_t *t);
/* One row of lake_table_n_columns() values (no AM_VALUE_UNCHANGED); *pos is where it lands. */
bool lake_batch_append(lake_batch_t *b, const am_value_t *vals, lake_pos_t *pos,
                       am_err_t *err) AM_MUST_CHECK;
/*
 * lake_batch_append, where vals' AM_VALUE_UNCHANGED columns take the values of the row at from
 * (a row of a committed data file, 22023 otherwise; normally the one this row replaces). They
 * are read for many rows at once, before the data file is written or its rows are read.
 */
bool lake_batch_append_fill(lake_batch_t *b, const am_value_t *vals, lake_pos_t from,
                            lake_pos_t *pos, am_err_t *err) AM_MUST_CHECK;
/* True when pos is in a data file committed before this batch (lake_batch_append_fill's from). */
bool lake_table_pos_committed(const lake_table_t *t, lake_pos_t pos);
/*
 * Deletes the live row at pos (a file of an earlier commit or of this batch). Repeats within
 * the batch are merged; a row already deleted by an earlier commit is not detected (the
 * caller's key index knows which rows are live) and would skew the snapshot's counts.
 */
bool lake_batch_delete(lake_batch_t *b, lake_pos_t pos, am_err_t *err) AM_MUST_CHECK;
/* Removes every row committed so far (TRUNCATE); rows appended after it stay. */
void lake_batch_truncate(lake_batch_t *b);
/* Until its commit the batch only appends (an initial copy): each data file is written while
 * its rows arrive, by DuckDB on a thread of its own, instead of after them. Taking values
 * from committed rows (lake_batch_append_fill) and reading a row of the file being written
 * fail in such a batch; deletes and truncate work. */
void lake_batch_stream(lake_batch_t *b);
int64_t lake_batch_n_appended(const lake_batch_t *b);
int64_t lake_batch_n_deleted(const lake_batch_t *b);
/* Every position deleted so far (*n of them, repeats possible, any order; caller frees *out):
 * positions past the budget are read back from DuckDB. */
bool lake_batch_deletes(lake_batch_t *b, lake_pos_t **out, size_t *n, am_err_t *err) AM_MUST_CHECK;
/* lake_batch_truncate was called since the batch began (or last committed). */
bool lake_batch_truncated(const lake_batch_t *b);
/*
 * Writes the data and delete files, manifests, manifest list and metadata, and publishes
 * vN+1.metadata.json; durable once it returns true. The snapshot records lsn and the current
 * schema. A batch with no change commits nothing and succeeds, unless a schema or property
 * change is staged: then the snapshot keeps the parent's files (operation "replace"). On failure
 * the table is unchanged and the batch must be freed; 40001 means another writer published that
 * version first (reopen the table). A failed fsync (LAKE_SQLSTATE_SYNC) is different: what is on
 * disk is unknown, nothing is removed, and the caller must stop (a restart reopens the table).
 * After success the batch is empty and may take more changes.
 */
bool lake_batch_commit(lake_batch_t *b, am_lsn_t lsn, am_err_t *err) AM_MUST_CHECK;
void lake_batch_free(lake_batch_t *b); /* NULL is a no-op; discards anything uncommitted */

/* ---- maintenance: compaction, file retention, orphans (compact*.c, maintain.c, orphans.c) ---
 *
 * Compaction rewrites a table's small data files, and files with many deleted rows, into files
 * of about target_file_bytes with their position deletes folded in, and merges small position
 * delete files, as one Iceberg "replace" snapshot (no logical change). The heavy part runs on a
 * thread of its own with a private DuckDB (lake_compactor_t); the table's thread only plans
 * (from memory) and commits (manifests and metadata, plus a delete file for what changed
 * meanwhile). A commit gives back a lake_remap_t: where every row position of the table before
 * it is after it, for whoever keeps positions (the mirror's key index).
 *
 * Retention: a data or delete file that no kept snapshot reaches any more is not removed at
 * once but stamped (its mtime set to now) and left to lake_table_remove_orphans(), which
 * removes unreferenced files only once their mtime is file_retention_ms older than the table's
 * newest commit: a reader that planned an older snapshot (a proxy query) keeps its files for
 * at least that long after the commit that stopped naming them.
 */
/* A commit another writer beat, or a compaction that no longer applies: reload or plan again. */
#define LAKE_SQLSTATE_CONFLICT "40001"
/* A failed fsync (storage's STORAGE_SQLSTATE_SYNC, the same code): nothing about the files is
 * known any more, so nothing is retried or removed; the write path stops and exits non-zero. */
#define LAKE_SQLSTATE_SYNC "XX000"

typedef struct lake_maintain_options {
    bool compact;              /* compaction on */
    int64_t target_file_bytes; /* data files are written up to about this size */
    int64_t small_file_bytes;  /* data and delete files below this size are small */
    int max_small_files;       /* compact once a table has more small files than this */
    int max_deleted_percent;   /* ... or once this share of its rows is deleted */
    /* ... and at least this many rows (0: LAKE_COMPACT_MIN_DELETES). A small hot table is
     * over any share after every flush, and rewriting it then costs more than reading a few
     * thousand deleted positions does */
    int64_t min_deletes;
    int64_t file_retention_ms; /* removed files stay at least this long (0: removed at once) */
    int64_t orphan_check_ms;   /* how often unreferenced files are looked for */
    /* set per plan by the caller: the table has gone quiet, so its small files and delete
     * files are folded into one when together they are small (one file to open per read) */
    bool idle;
} lake_maintain_options_t;

#define LAKE_COMPACT_MIN_DELETES 4096
/* 128 MB target, 32 MB small, 32 small files, 10 % (4096 rows), 10 minutes' retention, check
 * every 5. */
void lake_maintain_defaults(lake_maintain_options_t *o);
/* Whether o holds usable values (the ranges config validates); 22023 naming the field. */
bool lake_maintain_check(const lake_maintain_options_t *o, am_err_t *err) AM_MUST_CHECK;
/* The file retention expiry applies to this lake's tables from now on. */
void lake_set_file_retention(lake_t *lake, int64_t ms);

typedef struct lake_compact_job lake_compact_job_t;
typedef struct lake_compactor lake_compactor_t;
typedef struct lake_remap lake_remap_t;

/*
 * The table's thread. The rewrite t's current snapshot needs under o (over the small-file or
 * the deleted-rows threshold), as a job that no longer depends on t; NULL when none is due.
 */
lake_compact_job_t *lake_compact_plan(lake_table_t *t, const lake_maintain_options_t *o);
/* The table location (schema/name directory) the job rewrites; borrowed. */
const char *lake_compact_job_location(const lake_compact_job_t *job);

/* A private in-memory DuckDB (one worker thread, at most memory_bytes (at least 32 MB),
 * spilling under the warehouse's _arctic/tmp) and storage for running jobs; used by one
 * thread at a time. */
lake_compactor_t *lake_compactor_new(const char *warehouse, int64_t memory_bytes,
                                     am_err_t *err) AM_MUST_CHECK;
/* Any thread: makes a running lake_compact_run fail with 57014 soon. */
void lake_compactor_interrupt(lake_compactor_t *c);
void lake_compactor_free(lake_compactor_t *c); /* NULL is a no-op */
/*
 * The compactor's thread: reads the job's files at its snapshot and writes the new data files
 * (and a merged delete file), synced, under the table's data/ directory; computes where each
 * surviving row lands. Touches nothing a reader follows. A failed fsync fails with
 * STORAGE_SQLSTATE_SYNC ("XX000"), which the caller must treat as fatal.
 */
bool lake_compact_run(lake_compactor_t *c, lake_compact_job_t *job, am_err_t *err) AM_MUST_CHECK;
/*
 * The table's thread, with no batch open on t: commits the job as a "replace" snapshot on top
 * of whatever t has committed since the job was planned. Deletes committed meanwhile on the
 * files the job rewrote are translated to the new files' row positions (a new delete file in
 * the same snapshot), so none is lost. *remap (free with lake_remap_free) then maps every row
 * position of t before the commit to after it; file ids are renumbered densely. 40001 when the
 * job no longer applies (a truncate or another compaction removed its files): nothing changed,
 * plan again. Other failures are a commit's (STORAGE_SQLSTATE_SYNC fatal).
 */
bool lake_compact_commit(lake_table_t *t, lake_compact_job_t *job, lake_remap_t **remap,
                         am_err_t *err) AM_MUST_CHECK;
/* Removes the files the job wrote unless it was committed. NULL is a no-op. */
void lake_compact_job_free(lake_compact_job_t *job);

typedef struct lake_compact_stats {
    int64_t files_in;    /* data files rewritten */
    int64_t deletes_in;  /* delete files merged or folded away */
    int64_t files_out;   /* data + delete files written */
    int64_t rows_in;     /* records of the rewritten files */
    int64_t rows_out;    /* rows written to the new data files */
    int64_t rows_sorted; /* of those, rows of files written sorted by primary key */
    int64_t bytes_in;
    int64_t bytes_out;
    int64_t run_us;    /* lake_compact_run */
    int64_t commit_us; /* lake_compact_commit */
} lake_compact_stats_t;
void lake_compact_job_stats(const lake_compact_job_t *job, lake_compact_stats_t *out);

/* Translates pos, a row position of the table before the change that made r, to the same
 * row's position after it; false when that row is not there (deleted, or its file removed). */
bool lake_remap_pos(const lake_remap_t *r, lake_pos_t *pos);
/* Whether the rows of file (an id before the change) moved into files the change wrote (a
 * compaction's outputs), not just to another id. */
bool lake_remap_rewritten(const lake_remap_t *r, int32_t file);
void lake_remap_free(lake_remap_t *r); /* NULL is a no-op */

/* Gives removed files' ids back: live files get ids 0..n-1. t has no open batch. The remap
 * translates old positions (caller frees). */
lake_remap_t *lake_table_renumber(lake_table_t *t);
/* Data and delete files of t as its current snapshot lists them (live ones). */
size_t lake_table_live_files(const lake_table_t *t);

/*
 * The table's thread, with no job of t's outstanding: removes what crashed commits and
 * expiry left in t's data/ and metadata/ directories: Parquet and Avro files no snapshot in t's
 * metadata reaches, metadata files older than the metadata log, temp files; only those whose
 * mtime is older than t's newest commit by min_age_ms. *n_removed counts them.
 */
bool lake_table_remove_orphans(lake_table_t *t, int64_t min_age_ms, int64_t *n_removed,
                               am_err_t *err) AM_MUST_CHECK;
/* The same on the compactor's thread for the table at location (lake_table_location), read
 * from disk, while the table's thread goes on committing (what a commit adds meanwhile is
 * younger than the margin, here at least a second); no job of c's may be written and not yet
 * committed. */
bool lake_compactor_sweep(lake_compactor_t *c, const char *location, int64_t min_age_ms,
                          int64_t *n_removed, am_err_t *err) AM_MUST_CHECK;

/* ---- the watermark: one LSN and the snapshot of every table, written atomically ---------- */

typedef struct lake_watermark_table {
    char *schema; /* the name readers know the table by */
    char *name;
    int64_t snapshot_id; /* -1: table exists, no snapshot yet */
    char *location;      /* its directory under the warehouse; "<schema>/<name>" when absent */
    uint32_t relid;      /* the source's id for the table; 0 when unknown */
    char *fp;            /* opaque to the lake: the writer's fingerprint of the served schema */
    char *state;         /* opaque to the lake: NULL, or what the writer is doing to it */
    char *index;         /* opaque to the lake: NULL, or the writer's index checkpoint of it */
    char *publication;   /* opaque to the lake: NULL, or what put it in the publication */
} lake_watermark_table_t;

typedef struct lake_watermark {
    am_lsn_t lsn;
    int64_t written_at_ms;
    lake_watermark_table_t *tables; /* served: readers plan each at its snapshot */
    size_t n_tables;
    lake_watermark_table_t *gone; /* no longer served (dropped at the source, ...), kept */
    size_t n_gone;
    char *catalog;      /* "NNNNNNNN.json" (lake_catalog_write's name) or NULL when none */
    char *slot;         /* the replication slot the lake follows; NULL when not recorded */
    am_lsn_t slot_lsn;  /* where that slot started (its consistent point) */
    bool recopy;        /* every table is being copied again into new snapshots */
    char *publications; /* opaque to the lake: NULL, or the writer's record of its publications */
} lake_watermark_t;

/* Durable once it returns true; then catalog files it does not name are pruned (the newest
 * few stay, for readers of the previous watermarks). */
bool lake_watermark_write(lake_t *lake, const lake_watermark_t *wm, am_err_t *err) AM_MUST_CHECK;
/* A watermark document's text (untrusted bytes) into wm; false, wm empty, when it is not one. */
bool lake_watermark_parse(const char *text, size_t len, lake_watermark_t *wm) AM_MUST_CHECK;
/* *found is false (and wm empty) when the warehouse has no watermark yet. Any thread. */
bool lake_watermark_read(const char *warehouse, lake_watermark_t *wm, bool *found,
                         am_err_t *err) AM_MUST_CHECK;
void lake_watermark_destroy(lake_watermark_t *wm);

/* ---- catalog documents: opaque bytes the watermark names ---------------------------------- */

/*
 * Publishes json as _arctic/catalog/<next free number>.json (atomic, fsynced, never
 * overwriting) and returns its name "NNNNNNNN.json" in *name_out (the caller frees).
 */
bool lake_catalog_write(lake_t *lake, const char *json, size_t len, char **name_out,
                        am_err_t *err) AM_MUST_CHECK;
/*
 * Appends the catalog file name to out. Any thread. name is untrusted: only NNNNNNNN.json is
 * accepted (22023); a missing file fails with 58P01.
 */
bool lake_catalog_read(const char *warehouse, const char *name, am_buf_t *out,
                       am_err_t *err) AM_MUST_CHECK;

/* ---- read side (any thread) -------------------------------------------------------------- */

/*
 * Appends to sql a DuckDB SELECT yielding the table's rows at snapshot_id: its live data
 * files read with read_parquet, minus its position deletes, columns named and typed as in the
 * schema that snapshot was committed with (the current one for -1); each file's columns are
 * found by field id, so renamed, dropped and added columns read right. Works for a table with no
 * data files (no rows, right columns). Each commit expires snapshots older than the table's newest
 * 100 (and removes files only they reached): an expired or unknown snapshot_id fails with 42P01.
 */
bool lake_read_plan(const char *warehouse, const char *schema, const char *name,
                    int64_t snapshot_id, am_buf_t *sql, am_err_t *err) AM_MUST_CHECK;
/* The columns as the plan names and types them. */
typedef struct lake_read_cols {
    lake_column_t *cols; /* names owned */
    size_t n;
    int64_t live_rows; /* of the snapshot planned */
    int64_t bytes;     /* its live data and delete files' sizes */
} lake_read_cols_t;
/* lake_read_plan, also giving the columns (free with lake_read_cols_destroy; cols may be NULL). */
bool lake_read_plan_cols(const char *warehouse, const char *schema, const char *name,
                         int64_t snapshot_id, am_buf_t *sql, lake_read_cols_t *cols,
                         am_err_t *err) AM_MUST_CHECK;
void lake_read_cols_destroy(lake_read_cols_t *c); /* NULL is a no-op */
/* The quoted name column i has in a read plan's output: DuckDB compares names ignoring case,
 * so of names differing only in case the later ones are "name~<position>". */
void lake_phys_name(const lake_column_t *cols, size_t n, size_t i, am_buf_t *out);
/* lake_read_plan for the table at location (lake_table_open_at): the snapshot's own schema
 * names and types the columns. */
bool lake_read_plan_at(const char *warehouse, const char *location, int64_t snapshot_id,
                       am_buf_t *sql, lake_read_cols_t *cols, am_err_t *err) AM_MUST_CHECK;
/* The DuckDB type a column of type t is read as ("INTEGER", "DECIMAL(10,2)", "VARCHAR[]"). */
void lake_type_duckdb(am_coltype_t t, char *out, size_t out_len);

#endif /* AM_LAKE_H */
