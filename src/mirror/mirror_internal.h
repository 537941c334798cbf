/*
 * mirror/mirror_internal.h: shared by the mirror's own files only.
 *
 * A mirrored table is an identity, its source relation id, not a name. Each lake table keeps
 * in its properties the source state it reflects (the "rec": relid, names, columns by attnum
 * with their field ids, identity, storage), so schema changes are told apart by attnum, and a
 * rename or a drop and re-add cannot be mistaken for each other.
 *
 * Two versions of every table exist: the written one (the lake table's newest snapshot, the
 * rec's schema) and the served one (the snapshot the watermark names, described by the
 * served catalog document). They differ while a change is in flight; the watermark switches
 * every table to its written version at once when a catalog document captured from the source
 * agrees with all of them (catalog.c), so a reader never pairs one table's rows with another
 * schema.
 */
#ifndef AM_MIRROR_INTERNAL_H
#define AM_MIRROR_INTERNAL_H

#include <pthread.h>

#include "health/health.h"
#include "lake/lake.h"
#include "mirror/mirror.h"
#include "storage/storage.h"

/* Table properties the mirror keeps. */
#define MIRROR_PROP_SOURCE "arctic-mirror.source"       /* the rec, JSON */
#define MIRROR_PROP_CAUGHT_UP "arctic-mirror.caught-up" /* LSN a copy caught up to */

/* Rows appended to the current batch, kept so an UPDATE with unchanged TOAST values can take
 * them from the row it replaces even before that row reaches a Parquet file. */
typedef struct mirror_pending_file {
    int32_t file;
    /* row i of the batch's data file `file`, values in the batch arena; one more value after
     * the row's: PRESENT when its AM_VALUE_UNCHANGED values are still to come from a committed
     * row (file id in .len, row in .i), NULL when it has none */
    am_value_t **rows;
    size_t n_rows;
    size_t cap;
} mirror_pending_file_t;

/* The source state a lake table reflects. */
typedef struct mirror_rec {
    source_table_state_t st; /* owned */
    int32_t *fields;         /* per st.attrs[i]: its lake field id (0: generated, not kept) */
    char **names;            /* earlier "schema.name"s, oldest first */
    size_t n_names;
    char *spec; /* the configuration entry that brought it in ("public.users", "public.*") */
} mirror_rec_t;

typedef enum mirror_tstate {
    MIRROR_T_ACTIVE = 0, /* bound by relid, applying the stream's changes */
    MIRROR_T_COPY,       /* a worker copies it (new, or again); its changes are the worker's */
    MIRROR_T_DROPPING,   /* dropped at the source: applies what the stream still holds */
    MIRROR_T_DROPPED,    /* not mirrored any more (dropped, or no longer configured); kept */
    MIRROR_T_REFUSED,    /* no replica identity and not insert_only */
} mirror_tstate_t;

typedef struct mirror_worker mirror_worker_t;

/* The identity index's hash table (pkhash.c; layout in pk_internal.h). */
typedef struct mirror_pk mirror_pk_t;
typedef struct mirror_ixfeed mirror_ixfeed_t;

/*
 * An identity index apart from its table: its hash table and the lake files its positions
 * name, as of one snapshot. A checkpoint file holds one (pkfile.c); a reconnect keeps one in
 * memory; either is adopted by a table whose lake has moved on since (pkadopt.c).
 */
typedef struct mirror_pkimage {
    mirror_pk_t *pk;
    int64_t snapshot_id;
    am_lsn_t lsn;
    uint64_t key_sig; /* mirror__index_signature of the table it was made for */
    char **files;     /* data file URI by the file id its positions use; NULL: no such file */
    size_t n_files;
    char **dels; /* the snapshot's delete files */
    size_t n_dels;
} mirror_pkimage_t;

typedef struct mirror_table {
    uint32_t relid;
    char *schema; /* the source's name now (what the rec says) */
    char *name;
    char *location;   /* the lake table's directory, fixed at its creation */
    char *spec;       /* the configuration entry that selects it */
    bool insert_only; /* from the configuration */
    bool drop_lake;   /* on_drop: drop */
    mirror_tstate_t state;
    char reason[400]; /* why it is stale, copied, dropped or refused (health, logs) */

    /* the served version: what the watermark names */
    char *served_schema;
    char *served_name;
    int64_t served_snapshot; /* -1: not served yet */
    int64_t visible_unix_us; /* when a watermark last served a new snapshot of it */
    int64_t changed_us;      /* am_mono_us of the last commit that changed rows; 0: none */
    bool idle_planned;       /* a quiet-table compaction was planned since (maintain.c) */
    uint64_t served_fp;      /* fingerprint of its schema in the served catalog; 0 unknown */

    /* the written version */
    lake_table_t *lt;
    mirror_rec_t rec;
    bool has_rec;
    uint64_t write_fp;
    am_lsn_t lake_lsn; /* LSN of the table's last commit: replayed transactions before it skip */

    /* schema change detection */
    bool pending;         /* the catalog differs from the rec: stale until resolved */
    am_lsn_t pending_lsn; /* resolved without a Relation message once the stream passes it */
    am_lsn_t drop_lsn;    /* DROPPING: finished once the stream passes it */
    uint32_t *trunc_xids; /* transactions whose TRUNCATE gave it a new relfilenode */
    size_t n_trunc_xids;
    bool txn_touched;    /* a change of the open transaction was applied */
    int64_t retry_at_us; /* COPY: when a failed worker may start again */

    /* the stream's relation, bound by attnum */
    const source_relation_t *bound; /* the relation col_map was made for; NULL: bind anew */
    int16_t *rel_attnums;           /* relation column i -> attnum */
    size_t *col_map;                /* relation column i -> lake column (SIZE_MAX: none) */
    size_t n_rel_cols;

    /* the index: identity key -> live row(s) */
    mirror_pk_t *pk;         /* key bytes -> packed lake_pos_t(s) (pkhash.c) */
    mirror_ixfeed_t *ixfeed; /* an initial copy's: the thread pk belongs to until synced */
    int64_t index_changes;   /* keys put or taken since the index was last checkpointed */
    bool index_stale;        /* rebuilt, or its key changed: the checkpoint no longer fits */
    char *index_file;        /* the checkpoint the watermark names ("<snapshot>.pkidx"), or NULL */
    char *pub_members;       /* what put it in the publication, as last seen or recorded, or NULL */
    char *index_file_old;    /* the one it replaced, removed once the watermark is durable */
    int64_t index_ckpt_us;   /* am_mono_us of the last checkpoint (or of the load) */
    mirror_pkimage_t *index_image; /* a reconnect's in-memory index, adopted at resume */
    int16_t *key_attnums;          /* the key's attnums */
    size_t *key_cols;              /* lake column numbers of the key, in column order */
    am_coltype_t *key_types;       /* their lake types */
    size_t n_key_cols;
    bool full_identity; /* REPLICA IDENTITY FULL: the key is the whole row, duplicates allowed */

    lake_batch_t *batch; /* changes since the last flush; NULL when none */
    mirror_pending_file_t *pending_files;
    size_t n_pending_files;
    am_arena_t *batch_arena;
    am_value_t *row_buf; /* one row in lake column order */
    am_buf_t key_buf;
    int64_t n_changes; /* rows changed in the current batch */
    int64_t keep_max;  /* bytes of the batch's row copies (pending_keep); 0: no limit */

    mirror_worker_t *worker; /* COPY: the thread copying it */
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
    health_metric_t *lag_seconds;
    health_metric_t *retained_wal_bytes;
    health_metric_t *committed_lsn;
    health_histogram_t *freshness;       /* source commit -> in a published watermark */
    health_histogram_t *flush_duration;  /* a whole flush: table commits, watermark, ack */
    health_histogram_t *commit_duration; /* one table's lake commit */
    health_metric_t *copy_rows;
    health_metric_t *flush_seconds;
    health_metric_t *schema_changes;
    health_metric_t *recopies;
    health_metric_t *compactions;         /* committed */
    health_metric_t *compaction_failures; /* failed runs (retried later) */
    health_metric_t *compacted_rows;
    health_metric_t *compacted_rows_sorted;
    health_metric_t *compaction_seconds; /* run and commit */
} mirror_metrics_t;

/* A transaction applied to the batches, waiting for a watermark to make it visible. */
typedef struct mirror_unseen {
    am_lsn_t end_lsn;
    int64_t commit_ts_us;
} mirror_unseen_t;

/* One entry of the configuration's table list, copied. */
typedef struct mirror_spec {
    char *schema;
    char *name;
    bool insert_only;
    bool drop_lake;
    bool pattern; /* schema or name holds * or ? */
} mirror_spec_t;

typedef struct mirror_maint mirror_maint_t;

/* A table's index kept in memory across a reconnect, found again by location. */
typedef struct mirror_stash {
    char *location;
    mirror_pkimage_t image;
} mirror_stash_t;

struct mirror {
    mirror_options_t opts;
    lake_maintain_options_t maintain; /* opts.maintain points here */
    mirror_maint_t *maint;            /* the maintenance thread's state (maintain.c); NULL: none */
    char *warehouse;
    lake_t *lake;
    storage_t *store; /* the warehouse, for index checkpoints */
    source_t *src;
    mirror_stash_t *stash; /* indexes kept across a reconnect, until the next start takes them */
    size_t n_stash;
    mirror_spec_t *specs;
    size_t n_specs;
    mirror_table_t **tables; /* every table the mirror knows, dropped ones too */
    size_t n_tables;
    uint32_t *ignored; /* relids in the publication that no configuration entry selects */
    size_t n_ignored;
    bool automatic; /* the publication is FOR ALL TABLES / FOR TABLES IN SCHEMA */
    mirror_metrics_t metrics;

    /* the transaction being received */
    bool in_txn;
    am_lsn_t txn_final_lsn;
    uint32_t txn_xid;
    /* committed but not yet flushed */
    am_lsn_t pending_lsn; /* end_lsn of the last COMMIT applied to the batches; 0 when none */
    int64_t pending_since_us;
    int64_t pending_rows;
    am_lsn_t position;        /* everything before it has been received and applied */
    int64_t txn_commit_ts_us; /* the open transaction's commit time (Begin) */
    mirror_unseen_t *unseen;  /* applied, in no published watermark yet (progress.c) */
    size_t n_unseen, cap_unseen;
    int64_t progress_us; /* am_mono_us of the last progress report */
    int64_t slot_checked_us;
    am_lsn_t watermark_lsn; /* durable */
    int64_t watermark_at_us;
    char *catalog_name; /* the catalog file the next watermark names; NULL before one */
    char *slot_name;    /* recorded in the watermark */
    am_lsn_t slot_lsn;
    bool recopy_all;     /* a copy of every table is in progress (watermark "recopy") */
    char *pub_rows;      /* source_publication_rows as recorded or last seen; NULL: never */
    bool restart_recopy; /* the write path stopped to copy every table: start again at once */
    bool ckpt_deferred;  /* the next watermark names no index checkpoint and writes none */
    bool catalog_dirty;  /* a table's written version changed: try a new catalog */
    bool catalog_fresh;  /* the copy just captured it under its snapshot */
    bool stream_text;    /* binary tuples were refused once: text for the process's life */
    int64_t catalog_tried_us;
    int64_t checked_us;   /* am_mono_us of the last catalog check */
    uint64_t inherits_fp; /* source_inherits_fp at the last check; 0: none seen yet */

    pthread_mutex_t reload_lock; /* guards reload_specs, n_reload_specs */
    mirror_spec_t *reload_specs; /* a SIGHUP's new table list, for the write path to take */
    size_t n_reload_specs;
    bool reload_pending;

    pthread_mutex_t status_lock; /* guards status, table_status, n_table_status */
    mirror_status_t status;
    mirror_table_status_t *table_status;
    size_t n_table_status;
};

/* ---- pkhash.c: the index's table ------------------------------------------------------------ */

/* generic: keys are any bytes; otherwise each key is one present 64-bit value (mirror__
 * key_encode of one integer-stored column: 9 bytes, the first 1), compared as an integer, and
 * a key of another shape turns the table generic. */
mirror_pk_t *mirror__pk_new(bool generic);
void mirror__pk_free(mirror_pk_t *pk); /* NULL is a no-op */
/* Empties the table and returns its memory. */
void mirror__pk_reset(mirror_pk_t *pk, bool generic);
bool mirror__pk_generic(const mirror_pk_t *pk);
/* Room for n keys without growing. */
void mirror__pk_reserve(mirror_pk_t *pk, uint64_t n);
/* key now also names pos (a mirror__pos_pack value), after the positions it names already. */
void mirror__pk_put(mirror_pk_t *pk, const char *key, size_t len, uint64_t pos);
/* Applies queued puts (pk_internal.h: MIRROR_PK_SOON) before the slots are read directly. */
void mirror__pk_settle(mirror_pk_t *pk);
/* The oldest position key names, taken out; false when none. */
bool mirror__pk_take(mirror_pk_t *pk, const char *key, size_t len, uint64_t *pos);
/* Takes out exactly (key, pos); false when key does not name pos. */
bool mirror__pk_remove(mirror_pk_t *pk, const char *key, size_t len, uint64_t pos);
uint64_t mirror__pk_rows(const mirror_pk_t *pk); /* positions held */
size_t mirror__pk_shared(mirror_pk_t *pk);       /* keys naming more than one */
size_t mirror__pk_bytes(mirror_pk_t *pk);        /* heap bytes the table holds */
/* A table read from a file: every slot where its hash puts it, every key record inside its
 * slab, every duplicate list named once, the row count right. False with *why otherwise. */
bool mirror__pk_check(mirror_pk_t *pk, const char **why);
/* Every position becomes fn's answer; MIRROR_PK_GONE (pk_internal.h) takes it out. Returns
 * how many were taken out. fn must not touch pk. */
uint64_t mirror__pk_map(mirror_pk_t *pk, uint64_t (*fn)(void *ud, uint64_t pos), void *ud);

/* ---- index.c: keys and positions ---------------------------------------------------------- */

/* The highest data file id a packed position holds (23 bits; rows have 40). */
#define MIRROR_POS_FILE_MAX ((INT32_C(1) << 23) - 1)

/* Key bytes of the key columns: vals[cols[i]] (cols NULL: vals[i]) of type key_types[i]. */
void mirror__key_encode(am_buf_t *out, const am_value_t *vals, const size_t *cols, size_t n,
                        const am_coltype_t *key_types);
uint64_t mirror__pos_pack(lake_pos_t pos);
lake_pos_t mirror__pos_unpack(uint64_t v);
/* t->key_buf's key now also names pos (after the rows it names already). */
void mirror__index_put(mirror_table_t *t, lake_pos_t pos);
/* The oldest row t->key_buf's key names, taken out of the index; false when none. PostgreSQL
 * lets rows share a key inside a transaction (deferred constraints: two rows swapping keys);
 * the oldest is the one that held it before. */
bool mirror__index_take(mirror_table_t *t, lake_pos_t *pos);
/* Empties the index; its table keys integers when the key is one integer-stored column. */
void mirror__index_clear(mirror_table_t *t);
/* ixfeed.c: from now until mirror__index_sync the index is built on a thread of its own (an
 * initial copy: keys only come in), sized there first for reserve rows (0: as it is);
 * mirror__index_put hands it each key. Without a key or a thread it only reserves. Sync
 * waits until every key handed over is in t->pk, which is the caller's again: every reader
 * of the index, commit and close call it (a no-op when not feeding). */
void mirror__index_feed_begin(mirror_table_t *t, int64_t reserve);
void mirror__index_feed(mirror_ixfeed_t *f, const char *key, size_t len, uint64_t pos);
void mirror__index_sync(mirror_table_t *t);
/* Room for rows keys (an initial copy's estimate). */
void mirror__index_reserve(mirror_table_t *t, int64_t rows);
/* Rows sharing a key with another (0 once every transaction settled, unless FULL). */
size_t mirror__index_shared(mirror_table_t *t);
/* From the lake's live rows, keyed by t->key_cols. */
bool mirror__index_rebuild(mirror_table_t *t, am_err_t *err) AM_MUST_CHECK;
/* What an index's keys are made of: the key columns' field ids and types, FULL or not. An
 * image made for another signature cannot be adopted. */
uint64_t mirror__index_signature(const mirror_table_t *t);

/* ---- pkfile.c: index images and checkpoint files ------------------------------------------ */

void mirror__pkimage_destroy(mirror_pkimage_t *im); /* NULL is a no-op */
/* t's index as of its lake table's current snapshot (t's batch committed): the table is
 * borrowed, or taken out of t when take (t->pk then NULL). */
void mirror__pkimage_of(mirror_table_t *t, mirror_pkimage_t *out, bool take);
/*
 * A checkpoint file, written whole or not at all (storage_writer): a header (magic, version,
 * lengths, its own hash), the body (file lists, the hash table's shards as they are in memory,
 * duplicate lists) and a trailer hashing the body.
 */
bool mirror__pkfile_write(storage_t *st, const char *rel, const mirror_pkimage_t *im,
                          am_err_t *err) AM_MUST_CHECK;
/* Reads a checkpoint; anything torn, truncated, foreign or inconsistent fails with XX001
 * naming what (the caller rebuilds instead). */
bool mirror__pkfile_read(storage_t *st, const char *rel, mirror_pkimage_t *out,
                         am_err_t *err) AM_MUST_CHECK;
/* The same over bytes read by fn (len bytes into p, false at the end); size is the file's
 * length. Fuzzed (tests/fuzz/fuzz_pkfile.c). */
bool mirror__pkfile_decode(bool (*fn)(void *ud, void *p, size_t len), void *ud, uint64_t size,
                           mirror_pkimage_t *out, am_err_t *err) AM_MUST_CHECK;
/* The body hash a checkpoint's trailer holds (the fuzz target fixes it up with this). */
uint64_t mirror__pkfile_hash(const void *p, size_t len);

/* ---- pkadopt.c: an index catching up with its lake, undoing a batch, following a rewrite -- */

/*
 * Makes im (taken; destroyed either way) t's index, caught up with t's lake table: positions
 * move to t's file ids, rows of files that are gone go, rows that delete files added since
 * delete go, rows of data files added since come; then the index must hold exactly the lake's
 * live row count. False (t's index empty, err saying why) when anything does not fit: the
 * caller rebuilds. Costs O(rows in files added since, plus index size for the id pass).
 */
bool mirror__index_adopt(mirror_table_t *t, mirror_pkimage_t *im, am_err_t *err) AM_MUST_CHECK;
/* Takes the uncommitted batch's changes back out of t's index (rows of new files go, rows it
 * deleted from committed files come back), so the index describes the last commit again. A
 * batch that truncated cannot be undone (0A000). */
bool mirror__index_rollback(mirror_table_t *t, am_err_t *err) AM_MUST_CHECK;

/*
 * The one call through which the index follows a change of row positions made by the lake (a
 * compaction's "replace" commit, a renumbering of file ids, both installed in t->lt): every
 * position it holds is translated by r. The write path calls it right after the lake change,
 * before it applies anything else or writes a checkpoint, so no change and no checkpoint ever
 * meets a position of the files before it. Checked before anything changes: a position r does
 * not keep means the index and the lake disagree: XX000, the index left as it was (the write
 * path stops and the next start loads or rebuilds it). Rows moved into new files count as
 * index changes (the checkpoint policy). Write path thread only.
 */
bool mirror__index_remap(mirror_table_t *t, const lake_remap_t *r, am_err_t *err) AM_MUST_CHECK;

/* ---- checkpoint.c: when index checkpoints are written, named, found and removed ---------- */

/* "_arctic/index/<location>" (caller frees). */
char *mirror__index_dir(const char *location);
/* Before a watermark: writes a checkpoint of each table whose index changed enough since its
 * last one (every changed table when all), naming it in t->index_file. A failed write keeps
 * the previous checkpoint and is logged. */
void mirror__checkpoints_write(mirror_t *m, bool all);
/* After a durable watermark: the checkpoints it no longer names are removed. */
void mirror__checkpoints_after_watermark(mirror_t *m);
/* t's index at resume: the reconnect's image, else the checkpoint the watermark names, each
 * caught up with the lake; else rebuilt from the lake. store may be NULL (rebuild). */
bool mirror__index_load(mirror_table_t *t, storage_t *store, am_err_t *err) AM_MUST_CHECK;
/* Before a reconnect's teardown: every streaming table's index, its open batch undone, kept
 * in m->stash. */
void mirror__index_stash(mirror_t *m);
/* The stash entry for location moves to t->index_image (nothing when there is none). */
void mirror__stash_take(mirror_t *m, mirror_table_t *t);
void mirror__stash_clear(mirror_t *m);

/* ---- rec.c: the source state a lake table reflects ----------------------------------------- */

void mirror__rec_destroy(mirror_rec_t *r);
void mirror__state_copy(source_table_state_t *dst, const source_table_state_t *src);
void mirror__rec_copy(mirror_rec_t *dst, const mirror_rec_t *src);
/* st copied; fields from rel order: the i-th published attr gets fields[i]. */
void mirror__rec_from_state(mirror_rec_t *r, const source_table_state_t *st, const int32_t *fields,
                            size_t n_fields);
char *mirror__rec_encode(const mirror_rec_t *r);
bool mirror__rec_decode(const char *json, mirror_rec_t *out, am_err_t *err) AM_MUST_CHECK;
/* What the served catalog shows of the table: its names and published columns (attnum, name,
 * type, typmod). */
uint64_t mirror__state_fp(const source_table_state_t *st);
/* The attr with attnum, or NULL. */
const source_attr_t *mirror__state_attr(const source_table_state_t *st, int16_t attnum,
                                        size_t *index);
/* The field id the rec gives attnum (0: none). */
int32_t mirror__rec_field(const mirror_rec_t *r, int16_t attnum);
/* Same columns, types, identity, storage and names. */
bool mirror__state_equal(const source_table_state_t *a, const source_table_state_t *b);

/* ---- table.c: per-table state and applying changes ----------------------------------------- */

/* The lake column doc recording a source column's PostgreSQL type,
 * "pg:<oid>:<typmod>:<format_type>" (caller frees), or NULL when its type was not resolved. */
char *mirror__column_doc(const source_column_t *col);
/* Takes lt (open, its rec read from its properties by the caller into t->rec): index
 * structures, key columns from the rec's identity, lake LSN. */
bool mirror__table_setup(mirror_table_t *t, lake_table_t *lt, am_err_t *err) AM_MUST_CHECK;
/* Closes t's lake table and forgets its index, batch and binding (names and rec stay). */
void mirror__table_close(mirror_table_t *t);
void mirror__table_destroy(mirror_table_t *t);
/* After a schema change: buffers sized by the column count follow, the key's columns are
 * found again by attnum. */
void mirror__table_reshape(mirror_table_t *t);
/* The lake column holding attnum, or SIZE_MAX. */
size_t mirror__table_column(const mirror_table_t *t, int16_t attnum);
/* Binds rel's columns to lake columns through attnums (rel column i is attnums[i]); the
 * identity key becomes rel's identity columns. A key change settles (at settle_lsn) and
 * rebuilds the index; 55000 when the open transaction already changed the table. 0A000 when a
 * value's type cannot be stored. */
bool mirror__table_bind(mirror_table_t *t, const source_relation_t *rel, const int16_t *attnums,
                        am_lsn_t settle_lsn, am_err_t *err) AM_MUST_CHECK;
bool mirror__table_insert(mirror_table_t *t, const am_value_t *rel_vals, bool keep_copy,
                          am_err_t *err) AM_MUST_CHECK;
bool mirror__table_update(mirror_table_t *t, const am_value_t *old_vals, const am_value_t *new_vals,
                          am_err_t *err) AM_MUST_CHECK;
bool mirror__table_delete(mirror_table_t *t, const am_value_t *old_vals,
                          am_err_t *err) AM_MUST_CHECK;
void mirror__table_truncate(mirror_table_t *t);
/* Commits the batch at lsn (nothing when it is empty, unless a schema or property is
 * staged). */
bool mirror__table_commit(mirror_table_t *t, am_lsn_t lsn, am_err_t *err) AM_MUST_CHECK;
void mirror__table_discard(mirror_table_t *t);
/* Commits what t holds at lsn when the open transaction has not touched it, so its lake
 * schema can change; false without err when it has. */
bool mirror__table_settle(mirror_table_t *t, am_lsn_t lsn, bool *settled,
                          am_err_t *err) AM_MUST_CHECK;
/* The lake columns of a relation read under state st (rel: published columns in attnum order,
 * types resolved); fields: the rec of the table being replaced (NULL: all new). Caller frees
 * the array and each doc. */
lake_column_t *mirror__lake_columns(const source_relation_t *rel, const source_table_state_t *st,
                                    const mirror_rec_t *old, int32_t *fields_out);
void mirror__lake_columns_free(lake_column_t *cols, size_t n);

/* ---- evolve.c: schema changes ------------------------------------------------------------- */

/*
 * The source's catalog may have moved on from t's rec: compares them (rel: the Relation
 * message that came, or NULL when the stream passed the change without one) and either
 * changes the lake schema in place (renames, drops, additions with no value for old rows,
 * widenings PostgreSQL made without a rewrite, NOT NULL, defaults, identity, the table's
 * name) or starts a copy of the table again (a rewrite, new contents, what Iceberg cannot
 * express, or a relation that fits the catalog more than one way). Binds rel when given.
 */
bool mirror__table_evaluate(mirror_t *m, mirror_table_t *t, const source_relation_t *rel,
                            am_err_t *err) AM_MUST_CHECK;

/* ---- worker.c: copying one table while the others stream ----------------------------------- */

/* Starts copying t (new, or again into new snapshots of its lake table) under a temporary
 * slot's snapshot, then catching it up from that slot until it is ahead of the main stream. */
void mirror__copy_start(mirror_t *m, mirror_table_t *t, const char *why);
/* Main stream's side: a change of t (in COPY) in the transaction ending at final_lsn is
 * skipped; true when the worker has handed t over and t must take it instead (after
 * mirror__copy_poll adopted it). */
void mirror__copy_skipped(mirror_table_t *t, am_lsn_t final_lsn);
/* Adopts a finished copy (opens its lake table, rebuilds its index), restarts a failed one
 * after a pause. *changed when t became active. */
bool mirror__copy_poll(mirror_t *m, mirror_table_t *t, bool *changed, am_err_t *err) AM_MUST_CHECK;
/* Stops and joins t's worker (teardown, drops). */
void mirror__copy_stop(mirror_table_t *t);

/* ---- tables.c: which tables, how they come and go ------------------------------------------ */

mirror_table_t *mirror__table_by_relid(mirror_t *m, uint32_t relid);
mirror_table_t *mirror__table_add(mirror_t *m, uint32_t relid, const char *schema, const char *name,
                                  const mirror_spec_t *spec);
/* The configuration entry selecting a table of that name (explicit entries first). */
const mirror_spec_t *mirror__spec_match(const mirror_t *m, const char *schema, const char *name);
/* A free lake location for a new table: "<schema>/<name>", or "<schema>/<name>~<relid>" when
 * another table holds that directory. */
char *mirror__location_for(mirror_t *m, uint32_t relid, const char *schema, const char *name);
/* Compares the catalog with every table's rec, finds dropped and new tables (a short timer's
 * cheap query on the SQL connection). */
bool mirror__tables_membership(mirror_t *m, const char *when, am_err_t *err) AM_MUST_CHECK;
bool mirror__tables_check(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
/* Resolves what the stream has passed: pending changes, drops. */
bool mirror__tables_resolve(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
/* After a durable watermark that no longer names them: dropped tables' lake directories go
 * (on_drop: drop). */
void mirror__tables_after_watermark(mirror_t *m);
/* A Relation message for a relid no table has: a table to start mirroring, or one the
 * configuration leaves out (logged once). */
bool mirror__relation_unknown(mirror_t *m, const source_relation_t *rel,
                              am_err_t *err) AM_MUST_CHECK;
bool mirror__relid_ignored(const mirror_t *m, uint32_t relid);
/* Takes a SIGHUP's table list. */
bool mirror__tables_reload(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
/* Publishes the table statuses for mirror_table_statuses (status_lock). */
void mirror__tables_publish_status(mirror_t *m);
void mirror__table_set_state(mirror_t *m, mirror_table_t *t, mirror_tstate_t state,
                             const char *reason);
/* Starts mirroring tables the configuration now selects and the start left out. */
bool mirror__tables_discover(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
void mirror__specs_free(mirror_spec_t *specs, size_t n);
mirror_spec_t *mirror__specs_copy(const mirror_table_spec_t *specs, size_t n);

/* ---- maintain.c: compaction, file ids, orphan files ------------------------------------------ */

/* After a start: the lake's file retention and the maintenance thread (compaction when on,
 * and orphan sweeps, the first at the next step). */
bool mirror__maint_start(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
/* Interrupts and joins the maintenance thread; a job not committed goes with its files. */
void mirror__maint_stop(mirror_t *m);
/*
 * Between transactions, every batch committed (after a flush's commits, or idle): commits a
 * finished compaction and remaps its table's index, renumbers file ids running high, hands the
 * thread its next work (an orphan sweep when due, else a compaction a table needs). *changed
 * when a table got a new snapshot (the watermark should name it). A failed fsync anywhere, the
 * maintenance thread's included, fails with LAKE_SQLSTATE_SYNC: fatal.
 */
bool mirror__maint_step(mirror_t *m, bool *changed, am_err_t *err) AM_MUST_CHECK;

/* ---- start.c: what a start finds ----------------------------------------------------------- */

/* Opens t's lake table (t->location) to resume it: docs recorded for tables written before
 * docs existed, its rec (made from st, the catalog now, for tables written before recs), index
 * loaded (mirror__index_load; store NULL: rebuilt), the served version protected. A table in
 * COPY is only read (its copy starts later). */
bool mirror__table_resume(mirror_table_t *t, lake_t *lake, storage_t *store, source_t *src,
                          const source_table_state_t *st, am_err_t *err) AM_MUST_CHECK;

/* Opens lake and source, decides between the first copy, a copy of every table again (slot
 * lost or behind the lake) and resuming, and starts the stream. */
bool mirror__start(mirror_t *m, am_err_t *err) AM_MUST_CHECK;

/* ---- copy.c: copying every table under the main slot's snapshot ----------------------------- */

/* Every table in m->tables not refused, into new lake tables or new snapshots of existing
 * ones; the watermark written at the end switches to all of them at once. */
bool mirror__initial_copy(mirror_t *m, am_err_t *err) AM_MUST_CHECK;

/* ---- progress.c: freshness and lag ------------------------------------------------------ */

void mirror__progress_metrics(mirror_t *m);
/* A transaction ending at end_lsn, committed at the source at commit_ts_us, was applied. */
void mirror__progress_commit(mirror_t *m, am_lsn_t end_lsn, int64_t commit_ts_us);
/* A watermark at lsn was published (readers see it): every transaction it holds is visible. */
void mirror__progress_visible(mirror_t *m, am_lsn_t lsn);
/* Lag in bytes and seconds (0 when nothing published is pending), the slot's retained WAL
 * (between transactions: it queries the source), for /metrics and mirror_status; at most
 * every 500 ms unless force. */
void mirror__progress_report(mirror_t *m, bool force);

/* ---- run.c, stream.c ---------------------------------------------------------------------- */

void mirror__set_phase(mirror_t *m, mirror_phase_t phase);
void mirror__set_error(mirror_t *m, const am_err_t *err);
/* Writes the watermark at lsn: each table's served snapshot (its newest when its written
 * version is the served catalog's), the catalog, the slot. */
bool mirror__write_watermark(mirror_t *m, am_lsn_t lsn, am_err_t *err) AM_MUST_CHECK;
/* Commits every table's batch at the last applied transaction's end and writes the watermark
 * there; acknowledges it. */
bool mirror__flush(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
/*
 * Captures the source's catalog with every served table's state in one transaction; when
 * every table's written version agrees with it, publishes it (unless equal to the current one
 * apart from its LSN) and rewrites the watermark naming it with each table's newest snapshot.
 * Otherwise keeps the current one: the tables that changed stay at their served version.
 * Callable at any transaction boundary: it never claims data that is not durable.
 */
bool mirror__catalog_refresh(mirror_t *m, am_err_t *err) AM_MUST_CHECK;
/* Closes the source, the lake and every table's state (identities and names stay). */
void mirror__teardown(mirror_t *m);
char *mirror__fp_text(uint64_t fp); /* caller frees */
uint64_t mirror__fp_parse(const char *s);

#endif /* AM_MIRROR_INTERNAL_H */
