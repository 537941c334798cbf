/*
 * source/source_internal.h: what the source module's own .c files share. Not for other
 * modules (they use source.h).
 */
#ifndef AM_SOURCE_INTERNAL_H
#define AM_SOURCE_INTERNAL_H

#include "source/source.h"

#include <pthread.h>
#include <stdio.h>

#include <libpq-fe.h>

/* ---- values (value.c, datetime.c) ------------------------------------------------------- */

#define SOURCE_VALUE_CLIP 64 /* bytes of a bad value quoted in an error message */

/* text as an error message shows it (out >= SOURCE_VALUE_CLIP + 4 bytes): clipped, one line. */
void source__value_shown(const char *text, size_t len, char *out, size_t out_len);
/* Sets 22P02 "invalid input syntax for type <t>: "<text>"" (the value clipped for the log). */
bool source__bad_value(am_err_t *err, am_coltype_t t, const char *text, size_t len);
/* source_value_parse with the array delimiter of a list's element type (',' when 0). */
bool source__parse_value(am_coltype_t t, char delim, const char *text, size_t len,
                         am_arena_t *arena, am_value_t *out, am_err_t *err) AM_MUST_CHECK;

/* The date/time types; infinity as DuckDB's sentinels, 22008 past what they can hold. */
bool source__parse_datetime(am_coltype_t t, const char *text, size_t len, am_value_t *out,
                            am_err_t *err) AM_MUST_CHECK;
/* A one-dimensional array's text into out->items (array.c); 0A000 for more dimensions or a
 * lower bound other than 1. */
bool source__parse_array(am_coltype_t t, char delim, const char *text, size_t len,
                         am_arena_t *arena, am_value_t *out, am_err_t *err) AM_MUST_CHECK;

/* ---- pgoutput decoder (pgoutput.c, pgoutput_change.c, pgoutput_stream.c, spool.c) ------ */

/* One streamed transaction's messages, kept until Stream Commit or Stream Abort. */
typedef struct source_spool source_spool_t;

source_spool_t *source__spool_new(size_t spill_bytes);
void source__spool_free(source_spool_t *sp);
/* Appends one raw pgoutput message made by subtransaction subxid. */
bool source__spool_append(source_spool_t *sp, uint32_t subxid, const uint8_t *msg, size_t len,
                          am_err_t *err) AM_MUST_CHECK;
/* Drops subxid's messages and everything after its first one (ROLLBACK TO SAVEPOINT). */
bool source__spool_abort_sub(source_spool_t *sp, uint32_t subxid, am_err_t *err) AM_MUST_CHECK;
/* Prepares reading from the first message. */
bool source__spool_rewind(source_spool_t *sp, am_err_t *err) AM_MUST_CHECK;
/* Next message (borrowed, valid until the next read); *got false at the end. */
bool source__spool_read(source_spool_t *sp, const uint8_t **msg, size_t *len, bool *got,
                        am_err_t *err) AM_MUST_CHECK;
bool source__spool_spilled(const source_spool_t *sp);

#define SOURCE_SPILL_BYTES_DEFAULT ((size_t)16 * 1024 * 1024)

/* Resolves the column types of a new or changed relation (stream.c: relation.c's query on the
 * SQL connection); false with err fails the Relation message. */
typedef bool (*source_type_resolver_t)(void *ud, source_relation_t *rel, am_err_t *err);

struct source_decoder {
    am_map_t *rels;         /* relid (4 bytes, host order) -> source_relation_t * */
    am_arena_t *arena;      /* the current message's values and arrays; reset per message */
    bool in_txn;            /* between Begin and Commit (or a replayed stream's Begin and Commit) */
    bool in_block;          /* between Stream Start and Stream Stop */
    uint32_t block_xid;     /* top-level xid of the open stream block */
    am_map_t *spools;       /* top-level xid -> source_spool_t *: streamed, not yet committed */
    size_t spill_bytes;     /* a spool moves to a temp file past this many bytes */
    source_spool_t *replay; /* a committed streamed transaction being handed out */
    source_change_t replay_commit;  /* what ends the replay */
    source_type_resolver_t resolve; /* NULL: built-in types only (source_type_map) */
    void *resolve_ud;
    bool binary;         /* the stream sends 'b' columns (source_decoder_set_binary) */
    bool binary_refused; /* a relation had a column binary cannot carry */
};

void source__decoder_set_resolver(source_decoder_t *dec, source_type_resolver_t fn, void *ud);

/* Replaces control characters in err->msg (names from the wire) so it stays one line. */
void source__err_one_line(am_err_t *err);
/* Frees a heap-built relation: its strings, columns and itself. NULL is a no-op. */
void source__relation_free(source_relation_t *rel);
/* Decodes one message whose type byte was already read into type; r holds the rest. */
bool source__decode_dispatch(source_decoder_t *dec, uint8_t type, am_reader_t *r, bool has_xid,
                             source_change_t *out, am_err_t *err) AM_MUST_CHECK;
/* Insert, Update, Delete, Truncate (pgoutput_change.c). */
bool source__decode_insert(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                           source_change_t *out, am_err_t *err) AM_MUST_CHECK;
bool source__decode_update(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                           source_change_t *out, am_err_t *err) AM_MUST_CHECK;
bool source__decode_delete(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                           source_change_t *out, am_err_t *err) AM_MUST_CHECK;
bool source__decode_truncate(source_decoder_t *dec, am_reader_t *r, bool has_xid,
                             source_change_t *out, am_err_t *err) AM_MUST_CHECK;
/* Stream Start/Stop/Commit/Abort and the spooling of changes inside a block
 * (pgoutput_stream.c). */
bool source__stream_start_msg(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                              am_err_t *err) AM_MUST_CHECK;
bool source__stream_stop_msg(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                             am_err_t *err) AM_MUST_CHECK;
bool source__stream_commit_msg(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                               am_err_t *err) AM_MUST_CHECK;
bool source__stream_abort_msg(source_decoder_t *dec, am_reader_t *r, source_change_t *out,
                              am_err_t *err) AM_MUST_CHECK;
bool source__stream_spool_msg(source_decoder_t *dec, const uint8_t *msg, size_t len,
                              source_change_t *out, am_err_t *err) AM_MUST_CHECK;
void source__stream_reset(source_decoder_t *dec);
/* PostgreSQL µs since 2000 -> Unix µs; false when it does not fit. */
bool source__pg_ts_to_unix(int64_t pg_us, int64_t *unix_us);

/* ---- connections (conn.c) --------------------------------------------------------------- */

struct source {
    source_options_t opts;            /* deep copy: every string and the tables array are ours */
    char *conninfo;                   /* for normal (SQL) connections */
    PGconn *sql;                      /* catalog queries, publication set-up, slot look-ups */
    PGconn *repl;                     /* replication=database: slot creation and the stream */
    int server_version;               /* server_version_num */
    source_decoder_t *dec;            /* one per START_REPLICATION: partial streams die with it */
    bool has_ins_pub;                 /* "<publication>_ins" exists: the stream reads it too */
    bool stream_ins_pub;              /* the running stream was started reading it */
    _Atomic bool streaming;           /* repl is in CopyBoth mode */
    char *copy_buf;                   /* the last PQgetCopyData buffer: *out points into it */
    am_lsn_t acked;                   /* highest LSN the caller made durable */
    am_lsn_t ka_wal_end;              /* walEnd of the latest keepalive */
    bool idle;                        /* caller said idle and no change arrived since */
    _Atomic int64_t last_feedback_us; /* am_mono_us of the last standby status update */
    _Atomic uint64_t wal_end;         /* max walEnd seen, any thread reads */
    _Atomic uint64_t flushed;         /* last flush LSN reported, any thread reads */
    _Atomic uint64_t rcv_lsn;         /* highest XLogData dataStart, any thread reads */
    /* the feedback thread (feedback.c): status updates while the owner is busy elsewhere */
    pthread_mutex_t repl_lock; /* every libpq call on repl once the stream has started */
    _Atomic uint64_t report;   /* what a status update reports now (the owner computes it) */
    int64_t feedback_interval_us;
    pthread_t feedback_thread;
    bool feedback_running;
    atomic_bool feedback_stop;
};

/* ---- standby status updates (feedback.c) ------------------------------------------------ */

/* Sends one status update reporting lsn (the caller holds repl_lock). */
bool source__status_send(source_t *src, am_lsn_t lsn, am_err_t *err) AM_MUST_CHECK;
/* Once the stream has started: how often to report (a quarter of the server's
 * wal_sender_timeout, at most 5 s) and the thread that does it. */
void source__feedback_start(source_t *src);
/* Stops and joins the thread (source_close; a no-op when it never started). */
void source__feedback_stop(source_t *src);

/* Opens a connection (extra appended to the conninfo, e.g. "replication=database"). */
PGconn *source__connect(const source_options_t *opts, const char *extra, am_err_t *err);
/* Runs sql with text parameters; NULL (err set from the server's SQLSTATE) unless the result
 * status is want. */
/* relids as an oid[] parameter's text: "{1,2,3}" (malloc'd). */
char *source__oid_array(const uint32_t *relids, size_t n);
PGresult *source__exec(PGconn *c, const char *sql, int n_params, const char *const *params,
                       ExecStatusType want, am_err_t *err) AM_MUST_CHECK;
/* Fills err from a failed result or connection: the server's SQLSTATE, else 08006. */
bool source__pg_err(am_err_t *err, PGconn *c, const PGresult *res, const char *what);

/* rel->schema and rel->name as the catalog has them now (relation.c): fills relid, replident
 * and the columns with their types resolved. 42P01 when there is no such table. */
bool source__relation_read(PGconn *c, source_relation_t *rel, bool *partitioned, int64_t *est_rows,
                           am_err_t *err) AM_MUST_CHECK;
/* Resolves every column's type (domains, arrays, format_type) with one query on c. */
bool source__types_resolve(PGconn *c, source_relation_t *rel, am_err_t *err) AM_MUST_CHECK;

/* source_tables_publish for the configured tables; a refused one fails with 55000
 * (publication.c). */
bool source__publication_setup(source_t *src, am_err_t *err) AM_MUST_CHECK;
/* "<publication>_ins", cut to fit 63 bytes. */
void source__ins_publication(const char *publication, char *out, size_t out_len);
/* Frees opts->tables and their strings (conn.c). */
void source__tables_free(source_options_t *opts);
/* source_table_states on connection c, without the LSN (tables.c). */
bool source__table_states_on(PGconn *c, const uint32_t *relids, size_t n,
                             source_table_state_t **out, size_t *n_out,
                             am_err_t *err) AM_MUST_CHECK;

/* BEGIN REPEATABLE READ READ ONLY and SET TRANSACTION SNAPSHOT snapshot (copy.c). */
bool source__snapshot_import(PGconn *c, const char *snapshot, am_err_t *err) AM_MUST_CHECK;

/* ---- the catalog document (catalog.c, catalog_rels.c) ----------------------------------- */

/* One relation of the document: SELECT <from's columns> FROM from [WHERE where] ORDER BY
 * order, with the seven oid[] parameters catalog_rels.c describes. */
typedef struct source_catalog_rel {
    const char *schema;
    const char *name;
    const char *from;
    const char *where; /* NULL: every row */
    const char *order;
} source_catalog_rel_t;

extern const source_catalog_rel_t source__catalog_rels[];
extern const size_t source__n_catalog_rels;

/* Appends the document captured on c, which must already be inside the transaction whose
 * snapshot the document reflects; lsn is the LSN it records. */
bool source__catalog_capture_on(source_t *src, PGconn *c, am_lsn_t lsn, am_buf_t *out,
                                am_err_t *err) AM_MUST_CHECK;

/* ---- the initial copy: planning and delivery (copy.c), reader threads (copyread.c) -------- */

#define COPY_QUEUE_BLOCKS 4 /* blocks a table's queue holds before its readers wait */
#define SOURCE_COPY_STOPPED                                                                        \
    "57014" /* a reader noticed the copy stopping (not itself a failure)                           \
             */

/* Decoded rows of one table: the raw messages and the values in one arena. */
typedef struct source_copy_block {
    struct source_copy_block *next;
    am_arena_t *arena;
    am_value_t *vals; /* n_rows x the table's n_cols */
    size_t cap_vals;
    size_t n_rows;
} source_copy_block_t;

typedef struct source_copy_table {
    const source_table_ref_t *ref;
    source_relation_t *rel; /* read under the snapshot */
    bool partitioned;
    int64_t est_rows;
    int64_t pages;
    source_table_state_t *state; /* NULL unless the sink wants it */
    size_t n_state;
    /* guarded by source_copy_t.lock */
    source_copy_block_t *head, *tail;
    size_t n_queued;
    size_t jobs_left;
} source_copy_table_t;

/* A table, or its pages [lo_page, hi_page) by CTID (hi_page -1: to the end). */
typedef struct source_copy_job {
    size_t table;
    int64_t lo_page;
    int64_t hi_page;
} source_copy_job_t;

typedef struct source_copy {
    source_t *src;
    const char *snapshot;
    source_copy_table_t *tables;
    size_t n_tables;
    source_copy_job_t *jobs;
    size_t n_jobs;
    int n_readers;
    pthread_t *threads;
    size_t n_threads;
    pthread_mutex_t lock; /* guards next_job, every table's queue and jobs_left, failed, err */
    pthread_cond_t cond;  /* broadcast on every change of those */
    size_t next_job;
    source_copy_block_t *free_blocks; /* guarded by lock: recycled blocks */
    size_t n_free;
    atomic_bool stop;
    bool failed;
    am_err_t err; /* the first failure */
} source_copy_t;

/* Starts cp->n_readers threads taking cp->jobs; false (and cp failed) if one cannot start. */
bool source__copy_readers_start(source_copy_t *cp, am_err_t *err) AM_MUST_CHECK;
/* Sets stop, wakes and joins every reader. */
void source__copy_readers_stop(source_copy_t *cp);
/* Records the copy's first failure and stops it. */
void source__copy_fail(source_copy_t *cp, const am_err_t *err);
/* Recycles b (or frees it when enough are kept); any thread. */
void source__copy_block_free(source_copy_t *cp, source_copy_block_t *b);
/* Frees the recycled blocks (after the readers stopped). */
void source__copy_blocks_release(source_copy_t *cp);

/* Creates the slot with an exported snapshot (slot.c). */
bool source__slot_create(source_t *src, am_lsn_t *consistent_point, char *snapshot,
                         size_t snapshot_len, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_SOURCE_INTERNAL_H */
