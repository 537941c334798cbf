/*
 * source/source.h: the PostgreSQL side. The replication connection (libpq,
 * replication=database), publication and slot set-up, the consistent initial copy under the
 * slot's exported snapshot, the pgoutput decoder and standby status feedback.
 * Knows nothing of Iceberg or DuckDB: it hands out relations and neutral am_value_t rows.
 *
 * Threads: a source_t and everything it returns belong to the thread that opened it (the
 * write path); only source_wal_end() and source_flushed_lsn() may be read from any thread.
 * Once its stream starts, a source_t also runs a thread of its own that sends standby status
 * updates whenever none went out for a quarter of wal_sender_timeout (at most 5 s), so an
 * owner busy elsewhere (a long flush or rebuild) keeps its connection; it reports only what
 * source_ack() declared durable, shares the connection under a lock, and is stopped and
 * joined by source_close().
 *
 * Types: each column's type is resolved once per relation on a SQL connection (domains to their
 * base type, enums to text, one-dimensional arrays to lists of their element type; relation.c)
 * with its format_type() text, and mapped to an am_coltype_t (source_type_map).
 * Values: every column arrives in PostgreSQL's text form (DateStyle ISO, IntervalStyle
 * postgres, TimeZone UTC, extra_float_digits 3 are forced on every connection) and is
 * converted once, here, to the am_value_t form of its am_coltype_t. Infinity is kept (as
 * DuckDB's infinities); a value the lake cannot hold exactly (numeric NaN in numeric(p,s), a
 * timestamp past 294247 AD, a multi-dimensional array) is an error naming it, never NULL.
 */
#ifndef AM_SOURCE_H
#define AM_SOURCE_H

#include <stdatomic.h>

#include "util/util.h"

#define SOURCE_MAX_COLUMNS 1600 /* PostgreSQL's MaxHeapAttributeNumber */

typedef struct source_column {
    char *name;
    uint32_t type_oid;
    int32_t typmod;
    am_coltype_t type; /* the resolved type's source_type_map (see above) */
    char *pg_type;     /* format_type(type_oid, typmod), schema-qualified outside pg_catalog
                          ("character varying(10)", "public.mood"); NULL if not resolved */
    char elem_delim;   /* lists: the element type's array delimiter (',' but ';' for box) */
    bool is_key;       /* part of the replica identity (the primary key by default) */
    bool not_null;     /* known from the catalog (initial copy); false from pgoutput */
} source_column_t;

typedef struct source_relation {
    uint32_t relid; /* table OID: stable across ALTER and TRUNCATE */
    char *schema;
    char *name;
    char replident; /* 'd' default, 'f' full, 'i' index, 'n' nothing */
    source_column_t *cols;
    size_t n_cols;
} source_relation_t;

/* Built-in PostgreSQL type -> neutral column type (text for everything without a better home;
 * domains and arrays are resolved before they get here). */
am_coltype_t source_type_map(uint32_t type_oid, int32_t typmod);

/*
 * PostgreSQL text output of one value -> am_value_t of type t. Strings and decimals point into
 * text, or into arena when they had to be rewritten (bytea hex). Fails with 22P02 naming the
 * type and the value when text is malformed.
 */
bool source_value_parse(am_coltype_t t, const char *text, size_t len, am_arena_t *arena,
                        am_value_t *out, am_err_t *err) AM_MUST_CHECK;
/* The same for a value of col (a list's elements split at its element type's delimiter).
 * Lists, arrays of items, live in arena. Unrepresentable values fail as the header says:
 * 22003 (NaN in a decimal), 22008 (timestamp range), 0A000 (array shape). */
bool source_column_parse(const source_column_t *col, const char *text, size_t len,
                         am_arena_t *arena, am_value_t *out, am_err_t *err) AM_MUST_CHECK;

/* ---- pgoutput decoding (pure: bytes in, changes out; fuzzable) ---------------------------- */

typedef enum source_msg {
    SOURCE_MSG_NONE = 0,
    SOURCE_MSG_BEGIN,
    SOURCE_MSG_COMMIT,
    SOURCE_MSG_RELATION,
    SOURCE_MSG_INSERT,
    SOURCE_MSG_UPDATE,
    SOURCE_MSG_DELETE,
    SOURCE_MSG_TRUNCATE,
    SOURCE_MSG_OTHER, /* decoded and ignored: Origin, Type, Message */
} source_msg_t;

typedef struct source_change {
    source_msg_t kind;
    am_lsn_t final_lsn;   /* BEGIN: LSN of the commit record */
    am_lsn_t commit_lsn;  /* COMMIT */
    am_lsn_t end_lsn;     /* COMMIT: acknowledge this one once durable */
    int64_t commit_ts_us; /* BEGIN/COMMIT: Unix microseconds */
    uint32_t xid;         /* BEGIN */
    /* RELATION/INSERT/UPDATE/DELETE: borrowed from the decoder's relation cache */
    const source_relation_t *rel;
    /* UPDATE (only when the key changed, or replica identity FULL) and DELETE; else NULL */
    const am_value_t *old_vals;
    /* INSERT and UPDATE; rel->n_cols entries; UPDATE may hold AM_VALUE_UNCHANGED */
    const am_value_t *new_vals;
    /* TRUNCATE */
    const uint32_t *truncate_relids;
    size_t n_truncate;
} source_change_t;

typedef struct source_decoder source_decoder_t;

source_decoder_t *source_decoder_new(void);
void source_decoder_free(source_decoder_t *dec); /* NULL is a no-op */
/*
 * Decodes one pgoutput message (the payload after the XLogData header). Everything *out
 * points to stays valid until the next call. A malformed message fails with 08P01 naming
 * the message type and what was wrong; the decoder stays usable.
 */
bool source_decoder_decode(source_decoder_t *dec, const uint8_t *msg, size_t len,
                           source_change_t *out, am_err_t *err) AM_MUST_CHECK;
/*
 * The stream was started with binary 'true': columns come as their send function's bytes
 * ('b'), decoded as the initial copy decodes them (source_copybin_field). A Relation message
 * with a column of another type fails with 0A000 and marks the decoder (binary_refused): the
 * caller starts the stream again in text.
 */
void source_decoder_set_binary(source_decoder_t *dec, bool on);
bool source_decoder_binary_refused(const source_decoder_t *dec);
const source_relation_t *source_decoder_relation(const source_decoder_t *dec, uint32_t relid);
/*
 * Streaming of large transactions (protocol 2+): changes inside Stream Start/Stop blocks are
 * kept per transaction (decoded as SOURCE_MSG_OTHER) and dropped on Stream Abort. A Stream
 * Commit decodes as SOURCE_MSG_BEGIN; the transaction's changes and its COMMIT then come from
 * source_decoder_next() while source_decoder_pending() is true, before the next
 * source_decoder_decode(). Same validity rules as source_decoder_decode().
 */
bool source_decoder_pending(const source_decoder_t *dec);
bool source_decoder_next(source_decoder_t *dec, source_change_t *out, am_err_t *err) AM_MUST_CHECK;
/* True inside a transaction, a stream block, or while streamed transactions wait. */
bool source_decoder_busy(const source_decoder_t *dec);
/* A streamed transaction past this many bytes waits in a temp file (default 16 MB). */
void source_decoder_set_spill_bytes(source_decoder_t *dec, size_t bytes);

/* ---- COPY TEXT lines (pure: bytes in, fields out; fuzzable) -------------------------------- */

typedef struct source_copy_field {
    const char *p; /* NULL for SQL NULL (\N) */
    size_t len;
} source_copy_field_t;

/*
 * Splits one line of COPY ... TO STDOUT (TEXT format; a final newline is ignored) into exactly
 * n_fields fields, undoing backslash escapes. Fields with escapes are rewritten into scratch
 * (at least len bytes); the others point into line. Fails with 22P04 naming the problem.
 */
bool source_copytext_split(const char *line, size_t len, char *scratch, source_copy_field_t *fields,
                           size_t n_fields, am_err_t *err) AM_MUST_CHECK;

/* ---- binary COPY rows (pure: bytes in, values out; fuzzable) ------------------------------ */

/* Whether col is decoded from its own binary form; the others are selected as their type's
 * text output and parsed as the text path parses it (arrays, intervals, json, enums, ...). */
bool source_copybin_native(const source_column_t *col);
/* Appends col's expression in the COPY's SELECT list: the column itself when native, else its
 * type's output function's text (format's %s; not ::text, which for bool, inet, bpchar and
 * their domains is a cast that prints differently), NULL kept. */
void source_copybin_select(am_buf_t *sql, const source_column_t *col);
/* The file header at the start of the first CopyData message; *used is its length. 08P01
 * when it is not PostgreSQL's (or rows carry OIDs). */
bool source_copybin_header(const uint8_t *p, size_t len, size_t *used, am_err_t *err) AM_MUST_CHECK;
/*
 * One tuple of binary COPY (p: one CopyData message, the header already skipped) into
 * n_cols values of cols, selected as source_copybin_native says. *end is true for the
 * trailer. Values point into p or into arena (numeric and uuid text, arrays, parsed text), so
 * both must outlive them. They equal source_column_parse's of the text output, except that the
 * fixed-width kinds (bool, integers, floats, date, time, timestamps) carry no text (s NULL).
 * Malformed bytes fail with 08P01 naming the column; values the lake cannot hold fail as
 * source_column_parse does (22008, 22003, ...).
 */
bool source_copybin_row(const source_column_t *cols, size_t n_cols, const uint8_t *p, size_t len,
                        am_arena_t *arena, am_value_t *vals, bool *end,
                        am_err_t *err) AM_MUST_CHECK;
/* One field's binary bytes (not NULL) as source_copybin_row decodes them; 0A000 for a column
 * source_copybin_native refuses (its bytes are not its text). */
bool source_copybin_field(const source_column_t *col, const uint8_t *p, size_t len,
                          am_arena_t *arena, am_value_t *out, am_err_t *err) AM_MUST_CHECK;

/* ---- the connection --------------------------------------------------------------------- */

typedef struct source_table_ref {
    const char *schema;
    const char *name;
} source_table_ref_t;

typedef struct source_options {
    const char *host;
    int port;
    const char *user;
    const char *password;
    const char *database;
    const char *slot;
    const char *publication;
    const source_table_ref_t *tables; /* checked and published by source_open */
    size_t n_tables;
    const bool *insert_only; /* NULL, or per table: publish its inserts and truncates only */
    bool temporary_slot;     /* source_initial_copy creates the slot TEMPORARY (gone with the
                                connection), to copy and catch up one table while the main slot
                                streams */
    size_t spill_bytes;      /* a streamed transaction past this many bytes waits in a temp file
                                until its commit; 0: 16 MB */
    int copy_workers;        /* connections reading the initial copy at once; 0 = the cores */
    int copy_range_pages;    /* pages per CTID range of a split table; 0 = automatic */
    bool binary; /* stream binary tuples (PostgreSQL 14+) when every published column has a type
                    source_copybin_native decodes; text otherwise (source_stream_start) */
} source_options_t;

typedef struct source source_t;

/*
 * Connects (a normal connection for SQL and a replication=database one), checks wal_level,
 * and publishes the configured tables as source_tables_publish does, except that a refused
 * table stays in the table list (copied, described, its changes not published). Connection
 * failures are class 08; missing tables 42P01. The options are copied.
 */
source_t *source_open(const source_options_t *opts, am_err_t *err) AM_MUST_CHECK;

/* ---- which tables, and how they are published -------------------------------------------- */

typedef enum source_publish {
    SOURCE_PUBLISHED = 0,     /* fully: every change (a primary key, an identity index or FULL) */
    SOURCE_PUBLISHED_INSERTS, /* insert_only: in the second publication, inserts and truncates */
    SOURCE_REFUSED,           /* no replica identity and not insert_only: kept out of both */
    SOURCE_REFUSED_UNLOGGED,  /* UNLOGGED: none of its changes reach the WAL; kept out */
} source_publish_t;

static inline bool source_refused(source_publish_t r)
{
    return r >= SOURCE_REFUSED;
}

/*
 * Never breaks the source: checks each table's replica identity before any publication
 * changes (insert_only: NULL, or one flag per table). A table with a primary key, a REPLICA
 * IDENTITY USING INDEX or FULL goes into the publication (created FOR TABLE if missing, altered if
 * it lacks the table). A table without one goes, when insert_only, into "<publication>_ins", which
 * publishes inserts and truncates only, so the application's UPDATE and DELETE keep working;
 * otherwise it is refused, and taken out of the publication if an earlier version had put it there.
 * result[i] says what happened to tables[i]; a missing table fails with 42P01. Replica identity
 * itself is never changed. src's table list (source_initial_copy, source_catalog_capture) becomes
 * the tables not refused.
 */
bool source_tables_publish(source_t *src, const source_table_ref_t *tables, const bool *insert_only,
                           size_t n, source_publish_t *result, am_err_t *err) AM_MUST_CHECK;
/* The publications still publish what the mirror needs of the tables relids (every insert,
 * update, delete and truncate, whole rows, partitions under their root): 55000 naming what
 * is missing and the fix otherwise (someone ran ALTER PUBLICATION). */
bool source_publication_check(source_t *src, const uint32_t *relids, size_t n,
                              am_err_t *err) AM_MUST_CHECK;
/* The message naming a refused table, why (result) and the fixes, for logs and errors. */
void source_refusal_message(const char *schema, const char *name, source_publish_t result,
                            char *out, size_t out_len);

/* One ordinary or partitioned table of the source (not a partition: their changes come under
 * their root). */
typedef struct source_table_id {
    uint32_t relid;
    char *schema;
    char *name;
} source_table_id_t;

/*
 * Every user table whose schema and name match one of the glob pairs (fnmatch: * and ?, no
 * escapes), and, when the publication is FOR ALL TABLES or FOR TABLES IN SCHEMA, every table it
 * publishes (*automatic tells whether it is one). Free with source_table_ids_free.
 */
bool source_tables_match(source_t *src, const source_table_ref_t *globs, size_t n_globs,
                         source_table_id_t **out, size_t *n_out, bool *automatic,
                         am_err_t *err) AM_MUST_CHECK;
void source_table_ids_free(source_table_id_t *ids, size_t n);

/* A fingerprint of the inheritance children (pg_inherits) of those of relids that are plain
 * tables: a query of such a parent reads its children's rows too, and adding or removing a
 * child touches nothing a table state shows. 0 when none has children. */
/* Per relid (in order), what puts it in the mirror's publications: the rows of
 * pg_publication (FOR ALL TABLES), pg_publication_rel and pg_publication_namespace (15+) that
 * name it, as text ("r16423,n2200"; "" when none), malloc'd. Taking a table out and adding it
 * back makes a new row, so a changed text means the publication may have left out its
 * changes for a while, which no replay brings back. */
bool source_publication_members(source_t *src, const uint32_t *relids, size_t n, char **out,
                                am_err_t *err) AM_MUST_CHECK;
/* The mirror's publications as rows: "main=<oid>:<xmin>[,ins=<oid>:<xmin>]" for the one named
 * in postgres.publication and its "_ins" one where they exist, malloc'd. ALTER PUBLICATION
 * ... SET (publish ...), a rename or a new owner rewrites the row (a new xmin), DROP and
 * CREATE make a new oid; adding and dropping tables leaves it. */
bool source_publication_rows(source_t *src, char **out, am_err_t *err) AM_MUST_CHECK;
/* Whether a publication recorded by source_publication_rows is gone or was rewritten in now
 * (one that appeared since, such as the "_ins" one the mirror creates, is no change). */
bool source_publication_rows_changed(const char *recorded, const char *now);
bool source_inherits_fp(source_t *src, const uint32_t *relids, size_t n, uint64_t *fp,
                        am_err_t *err) AM_MUST_CHECK;

/* When schema.name is a partition: true with *root_out its partitioned root as
 * "schema.name" (free it); otherwise true with *root_out NULL. */
bool source_partition_root(source_t *src, const char *schema, const char *name, char **root_out,
                           am_err_t *err) AM_MUST_CHECK;

/* ---- the catalog's view of a table: what schema changes are detected against ------------ */

typedef struct source_attr {
    int16_t attnum;
    char *name;
    uint32_t type_oid;
    int32_t typmod;
    bool not_null;
    bool has_missing;   /* rows older than the column read a value PostgreSQL fills in */
    bool generated;     /* not published, not copied */
    char *default_expr; /* pg_get_expr of its DEFAULT, or NULL */
    /* A user-defined type (enum, domain, composite, or an array of one): compact JSON
     * [[schema, name, labels, attributes], ...], the column's type first, then the types under
     * it (domains' base types, arrays' elements, composites' attributes' types); labels are an
     * enum's [[label oid, label], ...] in sort order, attributes a composite's [[name, type
     * oid, typmod], ...], else null. ALTER TYPE changes none of the column's own catalog rows,
     * yet can change the text of its values (RENAME VALUE, ADD or DROP ATTRIBUTE) or what the
     * served catalog must know (ADD VALUE, a renamed type). NULL for built-in types, and in
     * records written before it was kept. */
    char *type_ident;
} source_attr_t;

/* The table or one partition below it: a new relfilenode means new contents (a rewrite, a
 * TRUNCATE); xmin tells which transaction last changed its pg_class row. */
typedef struct source_storage {
    uint32_t relid;
    uint32_t relfilenode;
    uint32_t xmin;
} source_storage_t;

typedef struct source_table_state {
    uint32_t relid;
    char *schema;
    char *name;
    char relkind;     /* 'r' ordinary, 'p' partitioned */
    char persistence; /* 'p' permanent, 'u' unlogged (its changes never reach the WAL) */
    char replident;   /* 'd', 'i', 'f', 'n' */
    int16_t *key;     /* the replica identity's attnums (FULL: every published column); none
                         when the table has no identity */
    size_t n_key;
    source_attr_t *attrs; /* every column not dropped, attnum order */
    size_t n_attrs;
    source_storage_t *storage; /* the table and its partitions, by relid */
    size_t n_storage;
} source_table_state_t;

/*
 * The current state of each of relids (on the SQL connection; nothing is installed on the
 * source). A relid with no ordinary or partitioned table left is absent from *out (dropped).
 * *after_lsn: pg_current_wal_insert_lsn() taken after the states were read, so every change
 * they show was committed before it. Free with source_table_states_free.
 */
bool source_table_states(source_t *src, const uint32_t *relids, size_t n,
                         source_table_state_t **out, size_t *n_out, am_lsn_t *after_lsn,
                         am_err_t *err) AM_MUST_CHECK;
void source_table_states_free(source_table_state_t *states, size_t n);
/*
 * The same, read in one snapshot that sees transaction xid (a 32-bit xid of the stream's
 * Begin) committed: logical decoding may deliver a transaction a moment before other sessions
 * see it, and the catalog read for its Relation message must not be older than it. Waits (a
 * few ms at a time, up to wait_ms) for that; 55P03 when it never comes.
 */
bool source_table_states_seeing(source_t *src, uint32_t xid, int wait_ms, const uint32_t *relids,
                                size_t n, source_table_state_t **out, size_t *n_out,
                                am_err_t *err) AM_MUST_CHECK;
/* Waits the same way until transaction xid is visible to a new snapshot on the SQL connection
 * (0, or a server older than 13, returns at once): the catalog reads that follow see it. */
bool source_xid_await_visible(source_t *src, uint32_t xid, int wait_ms,
                              am_err_t *err) AM_MUST_CHECK;
const source_table_state_t *source_table_state_find(const source_table_state_t *states, size_t n,
                                                    uint32_t relid);

/* ---- the replication slot ------------------------------------------------------------------ */

typedef struct source_slot_info {
    bool exists;
    am_lsn_t confirmed_flush; /* where the server resumes it */
    am_lsn_t restart_lsn;
    char wal_status[16]; /* "reserved", "extended", "unreserved", "lost" ("" before 13) */
    bool active;
} source_slot_info_t;

bool source_slot_info(source_t *src, source_slot_info_t *out, am_err_t *err) AM_MUST_CHECK;
void source_close(source_t *src); /* NULL is a no-op */

/*
 * The table's columns as the source's catalog describes them now, typed as the initial copy
 * and the stream type them (the order pgoutput uses: attnum, no dropped or generated columns).
 * 42P01 when there is no such table. Free with source_relation_free().
 */
source_relation_t *source_describe(source_t *src, const char *schema, const char *name,
                                   am_err_t *err) AM_MUST_CHECK;
void source_relation_free(source_relation_t *rel); /* NULL is a no-op */

/* A same-named slot that is not a pgoutput slot of this database fails with 55000. */
bool source_slot_exists(source_t *src, bool *exists, am_err_t *err) AM_MUST_CHECK;
/* Drops the slot if it exists (a missing one is fine); it must not be streaming (55006). */
bool source_slot_drop(source_t *src, am_err_t *err) AM_MUST_CHECK;

/* Where the initial copy's rows go. Each callback returns false (err set) to abort the copy. */
typedef struct source_copy_sink {
    /* Called once, right after the slot exists and before any table_begin: every row of the
     * copy is as of this LSN, and streaming starts here. */
    bool (*slot_created)(void *ud, am_lsn_t consistent_point, am_err_t *err);
    /* Called once after the last table_end, with the catalog document
     * (source_catalog_capture) taken under the copy's snapshot and recording the consistent
     * point as its LSN; valid only during the call. NULL: no catalog is captured. */
    bool (*catalog)(void *ud, const char *json, size_t len, am_err_t *err);
    /* est_rows comes from pg_class.reltuples (-1 when unknown). */
    bool (*table_begin)(void *ud, const source_relation_t *rel, int64_t est_rows, am_err_t *err);
    /* rel->n_cols values, valid only during the call. */
    bool (*row)(void *ud, const am_value_t *vals, am_err_t *err);
    bool (*table_end)(void *ud, const source_relation_t *rel, int64_t n_rows, am_err_t *err);
    /* Called before each table_begin with the table's state (source_table_states) under the
     * copy's snapshot; valid only during the call. NULL: not read. */
    bool (*table_state)(void *ud, const source_table_state_t *st, am_err_t *err);
} source_copy_sink_t;

/*
 * Creates the slot with an exported snapshot and copies every configured table under it,
 * table by table, logging rows, rows/s and ETA as it goes. *consistent_point is where
 * streaming must start. Fails with 42710 if the slot already exists. A failed copy (a sink
 * callback, a connection, a bad value) drops the new slot again, so the next attempt starts
 * clean. Blocks while CREATE_REPLICATION_SLOT waits for running transactions to end.
 */
bool source_initial_copy(source_t *src, const source_copy_sink_t *sink, void *ud,
                         am_lsn_t *consistent_point, am_err_t *err) AM_MUST_CHECK;

/* START_REPLICATION from start_lsn with the highest proto_version the server speaks, reading
 * the publication and, when it exists, "<publication>_ins". */
bool source_stream_start(source_t *src, am_lsn_t start_lsn, am_err_t *err) AM_MUST_CHECK;
/* The running stream asked for binary tuples and met a relation they cannot carry (the error
 * source_next returned, 0A000): start it again with opts.binary false. */
bool source_stream_binary_refused(const source_t *src);
/* The running stream asked for binary tuples (opts.binary, and every published column's type
 * decodes from binary). */
bool source_stream_is_binary(const source_t *src);
/* The stream does not read a publication that exists now ("<publication>_ins" created after
 * it started): it must start again to see its tables' changes. */
bool source_stream_stale(const source_t *src);
/* The stream's latest description of relid (valid until the next source_next), or NULL. */
const source_relation_t *source_relation_find(const source_t *src, uint32_t relid);
/* The latest keepalive's walEnd when the decoder holds nothing (no open or waiting
 * transaction): every transaction committed before it has been delivered. 0 otherwise. */
am_lsn_t source_idle_lsn(const source_t *src);

/*
 * Waits up to timeout_ms for the next change. *got is false on timeout. Answers keepalives and
 * sends standby status when due (as the feedback thread does between calls), reporting
 * source_ack()'s LSN as flushed.
 * Everything *out points to stays valid until the next call.
 */
bool source_next(source_t *src, int timeout_ms, source_change_t *out, bool *got,
                 am_err_t *err) AM_MUST_CHECK;

/*
 * Everything up to lsn is durable downstream: report it as flushed from now on (never moves
 * back). When idle (no open transaction, all received changes durable) the source reports the
 * server's latest walEnd instead, so WAL of unrelated activity is not pinned.
 */
void source_ack(source_t *src, am_lsn_t lsn, bool idle);
/* Sends a standby status update now. */
bool source_send_feedback(source_t *src, am_err_t *err) AM_MUST_CHECK;

/* Latest walEnd the server reported (for lag); any thread. */
am_lsn_t source_wal_end(const source_t *src);
/* Highest LSN of a change the server sent (XLogData dataStart): unlike walEnd, it moves only
 * with WAL that decoded into messages for the publication; any thread. */
am_lsn_t source_received_lsn(const source_t *src);
/* LSN last reported as flushed; any thread. */
am_lsn_t source_flushed_lsn(const source_t *src);

/*
 * The source's own catalog rows for the mirrored tables as one JSON document
 * (docs/pgface.md section 3), appended to json_out: pg_catalog tables, system and
 * information_schema views as the source computes them, and the am.* texts of its catalog
 * functions. Runs read-only on the SQL connection in one REPEATABLE READ transaction and
 * records pg_current_wal_lsn() as its LSN; callable at any transaction boundary of the
 * stream. Needs only SELECT on the tables. A missing table fails with 42P01.
 */
bool source_catalog_capture(source_t *src, am_buf_t *json_out, am_err_t *err) AM_MUST_CHECK;
/* The same for the tables relids (those that still exist), plus their states
 * (source_table_states) read in the same transaction, so document and states are one moment. */
bool source_catalog_capture_rels(source_t *src, const uint32_t *relids, size_t n,
                                 am_buf_t *json_out, source_table_state_t **states,
                                 size_t *n_states, am_err_t *err) AM_MUST_CHECK;
/* Two catalog documents are the same apart from their LSN (false for anything else). */
bool source_catalog_same(const char *a, size_t a_len, const char *b, size_t b_len);

/* pg_current_wal_lsn() on the source's SQL connection (lag = this - acknowledged LSN). */
bool source_current_wal_lsn(source_t *src, am_lsn_t *lsn, am_err_t *err) AM_MUST_CHECK;

/*
 * Health check: opens a short normal connection of its own, runs SELECT 1, closes it.
 * Safe from any thread (touches no source_t). Failures are class 08.
 */
bool source_ping(const source_options_t *opts, int64_t *latency_us, am_err_t *err) AM_MUST_CHECK;

/* Connection string (libpq keyword=value) for these options, quoting values; caller frees.
 * extra is appended verbatim ("replication=database") or NULL. */
char *source_conninfo(const source_options_t *opts, const char *extra);

#endif /* AM_SOURCE_H */
