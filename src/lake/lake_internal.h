/*
 * lake/lake_internal.h: what the lake's own .c files share; nothing outside src/lake/ includes
 * it. Layers, bottom up: avro (container framing) -> manifest (Iceberg Avro records) ->
 * metadata (vN.metadata.json) -> state (a snapshot's live files) -> parquet/values (DuckDB)
 * -> table/batch/commit/scan/plan (the public API in lake.h).
 */
#ifndef AM_LAKE_INTERNAL_H
#define AM_LAKE_INTERNAL_H

#include "lake/lake.h"

#include <duckdb.h>
#include <jansson.h>

#include "storage/storage.h"

/* A batch rolls to a new data file after this many rows (one Parquet file per ~1M rows), or
 * sooner when the rows' bytes would make the temp table large (wide text rows). */
#define LAKE_ROWS_PER_FILE (INT64_C(1) << 20)
#define LAKE_BYTES_PER_FILE (INT64_C(256) << 20)
#define LAKE_MEMORY_LIMIT_MIN (INT64_C(32) << 20)
/* The metadata JSON, the manifest list and the manifests a plan reads grow with these three
 * up to their caps, and every commit rewrites, and every view refresh re-reads, all of it: at
 * 100 each (Java's defaults) a table's metadata was 100 kB and freshness under 2,000 tps fell
 * by a quarter once a lake reached them (bench/freshness.py after its 1,000 tps run).
 * A commit rewrites the parent's manifests into one per content once there are this many. */
#define LAKE_MERGE_MANIFESTS 20
/* Snapshots kept in the metadata; older ones expire and files only they reach are removed
 * (once file_retention_ms older than the newest commit). The watermark names a table's newest
 * snapshot or one a few commits older, which expiry keeps whatever its age. */
#define LAKE_KEEP_SNAPSHOTS 20
/* Previous metadata files listed in metadata-log; older ones are removed. */
#define LAKE_METADATA_LOG_MAX 20
/* Decoded manifests kept for reuse (mcache.c), in bytes of entries and paths: some 60,000
 * files' entries. */
#define LAKE_MCACHE_BYTES (INT64_C(16) << 20)
/* Rows per Parquet row group: at most LAKE_ROW_GROUP_N, fewer (down to DuckDB's vector size)
 * when the rows are wide: about LAKE_ROW_GROUP_BYTES a group. Every query through the proxy
 * parses the footers (no metadata cache there), whose size grows with the groups: 16,384-row
 * groups cost a 10 ms query about 20%. A power of two, so position spans align with it. */
#define LAKE_ROW_GROUP_N 131072
#define LAKE_ROW_GROUP_MIN 2048
#define LAKE_ROW_GROUP_BYTES (INT64_C(8) << 20)
/* Iceberg's reserved field ids of position delete files (spec, "Position Delete Files"). */
#define LAKE_FIELD_ID_DELETE_PATH 2147483546
#define LAKE_FIELD_ID_DELETE_POS 2147483545
/* Snapshot summary key holding the source LSN a snapshot covers ("16/B374D848"). */
#define LAKE_SUMMARY_LSN "arctic-mirror.lsn"
/* Table property remembering the neutral column types ("int16", "decimal(12,2)", ...). */
#define LAKE_PROP_COLUMN_TYPES "arctic-mirror.column-types"
/* The name read_parquet gives its filename column in our queries (a table may own "filename"). */
#define LAKE_FILENAME_COL "__am_file"
/* Data files are named <uuid>-s<schema id>.parquet: the schema their columns were written
 * with, which says what each field id is called in the file. Files without it predate schema
 * evolution and were written with the table's first schema's names. */
#define LAKE_FILE_SCHEMA_TAG "-s"

struct lake {
    char *warehouse; /* absolute path, no trailing slash */
    storage_t *st;   /* rooted at warehouse */
    duckdb_database db;
    duckdb_connection con;
    uint64_t tmp_seq; /* names temp tables uniquely */
    bool stream_fn;   /* am_stream (pqstream.c) is registered */
    /* LAKE_ROWS_PER_FILE, LAKE_MERGE_MANIFESTS, LAKE_KEEP_SNAPSHOTS, LAKE_METADATA_LOG_MAX:
     * tests lower them to exercise rolling, merging and expiry with few rows and commits */
    int64_t rows_per_file;
    int64_t bytes_per_file; /* LAKE_BYTES_PER_FILE, or the writer's budget (lake_set_file_bytes) */
    char *spill_dir; /* DuckDB's temp_directory (made by DuckDB if it spills); NULL until set */
    size_t merge_manifests;
    size_t keep_snapshots;
    int32_t metadata_log_max;
    int64_t file_retention_ms; /* expiry stamps files instead of removing them when > 0 */
    int32_t file_id_max;       /* LAKE_FILE_ID_MAX (tests lower it) */
    int n_tables;              /* open tables: lake_close asserts none is left */
};

/* A failed fsync (STORAGE_SQLSTATE_SYNC): nothing on disk is known; remove nothing, stop. */
bool lake__err_fatal(const am_err_t *err);

/* ---- avro.c: Avro binary encoding and the object container writer ------------------------ */

void lake__avro_put_long(am_buf_t *b, int64_t v);
void lake__avro_put_bool(am_buf_t *b, bool v);
void lake__avro_put_bytes(am_buf_t *b, const void *p, size_t n);
void lake__avro_put_string(am_buf_t *b, const char *s);
/* ["null", T] unions: branch 0 is null, branch 1 precedes the value. */
void lake__avro_put_null(am_buf_t *b);
void lake__avro_put_some(am_buf_t *b);
/* Optional long; v < 0 writes null (every optional long we write is an id, count or seq). */
void lake__avro_put_opt_long(am_buf_t *b, int64_t v);

typedef struct lake__kv {
    const char *key;
    const char *value;
} lake__kv_t;

typedef struct lake__avro_writer {
    am_buf_t out;    /* the file so far */
    am_buf_t block;  /* records of the block being filled: encode into it */
    int64_t n_block; /* records in block */
    uint8_t sync[16];
} lake__avro_writer_t;

/* Header with avro.schema, avro.codec = deflate and meta (n_meta pairs). */
void lake__avro_writer_init(lake__avro_writer_t *w, const char *schema_json, const lake__kv_t *meta,
                            size_t n_meta);
/* Call after encoding each record into w->block; closes the block when it grows large. */
bool lake__avro_writer_end_record(lake__avro_writer_t *w, am_err_t *err) AM_MUST_CHECK;
/* Closes the last block; the file is then w->out. */
bool lake__avro_writer_finish(lake__avro_writer_t *w, am_err_t *err) AM_MUST_CHECK;
void lake__avro_writer_destroy(lake__avro_writer_t *w);

/* ---- avro_read.c: container reader for untrusted bytes ----------------------------------- */

typedef enum lake__avro_kind {
    LAKE_AVRO_NULL = 0,
    LAKE_AVRO_BOOLEAN,
    LAKE_AVRO_INT,
    LAKE_AVRO_LONG,
    LAKE_AVRO_FLOAT,
    LAKE_AVRO_DOUBLE,
    LAKE_AVRO_BYTES,
    LAKE_AVRO_STRING,
    LAKE_AVRO_FIXED,
    LAKE_AVRO_ENUM,
    LAKE_AVRO_RECORD,
    LAKE_AVRO_ARRAY,
    LAKE_AVRO_MAP,
    LAKE_AVRO_UNION,
} lake__avro_kind_t;

typedef struct lake__avro_schema lake__avro_schema_t;

/* A decoded value; unions are resolved to their branch's value. */
typedef struct lake__avro_value {
    lake__avro_kind_t kind;
    const lake__avro_schema_t *schema; /* records: to find fields by id or name */
    int64_t i;                         /* boolean, int, long, enum */
    double d;                          /* float, double */
    const uint8_t *p;                  /* bytes, string, fixed (borrowed from the file) */
    size_t len;
    struct lake__avro_value *items;      /* record fields, array items, map values */
    const struct lake__avro_value *keys; /* map keys (strings) */
    size_t n;
} lake__avro_value_t;

typedef struct lake__avro_file {
    am_arena_t *arena; /* schema nodes and values */
    json_t *schema_json;
    const lake__avro_schema_t *schema;
    lake__kv_t *meta; /* header metadata; values NUL-terminated copies */
    size_t *meta_len;
    size_t n_meta;
    lake__avro_value_t *records;
    size_t n_records;
} lake__avro_file_t;

/* Decodes a whole container (null or deflate codec). what names the file in errors. */
bool lake__avro_decode(const uint8_t *data, size_t len, const char *what, lake__avro_file_t *out,
                       am_err_t *err) AM_MUST_CHECK;
void lake__avro_file_destroy(lake__avro_file_t *f);
/* Header metadata value or NULL. */
const char *lake__avro_meta_find(const lake__avro_file_t *f, const char *key);
/* Field of a record value: by Iceberg field-id when the schema has them, else by name. */
const lake__avro_value_t *lake__avro_field(const lake__avro_value_t *rec, int32_t field_id,
                                           const char *name);

/* ---- colstats.c: column metrics of a data file -------------------------------------------- */

/* From the result of a COPY ... (RETURN_STATS) of one file written with these columns and
 * field ids: its rows, and its metrics as lake__file_t.metrics; false (no metrics, rows -1)
 * when the result has another shape: metrics are optional, so that is not an error. */
bool lake__colstats_result(duckdb_result *res, const lake_column_t *cols, const int32_t *field_ids,
                           size_t n_cols, int64_t *rows, uint8_t **out, size_t *out_len);
/* The six metric fields of a manifest's data_file record re-encoded as lake__file_t.metrics;
 * NULL when all are null or any is not a map of the spec's shape (then dropped: optional). */
uint8_t *lake__metrics_from_record(const lake__avro_value_t *data_file, size_t *len);

/* ---- manifest.c: manifests and manifest lists -------------------------------------------- */

/* A data or delete file as its manifest entry describes it. */
typedef struct lake__file {
    char *path;      /* absolute URI, byte-identical to the manifest */
    int32_t content; /* 0 data, 1 position deletes */
    int64_t record_count;
    int64_t size;          /* file_size_in_bytes */
    int64_t snapshot_id;   /* -1: null (inherited) */
    int64_t data_seq;      /* -1: null (inherited) */
    int64_t file_seq;      /* -1: null (inherited) */
    int32_t sort_order_id; /* -1: null */
    char *referenced;      /* referenced_data_file or NULL */
    bool live;             /* false once removed (data file ids stay stable) */
    /* the Avro encoding of column_sizes .. upper_bounds (colstats.c); NULL: six nulls */
    uint8_t *metrics;
    size_t metrics_len;
} lake__file_t;

typedef struct lake__entry {
    int32_t status; /* 0 EXISTING, 1 ADDED, 2 DELETED */
    lake__file_t f;
} lake__entry_t;

/* One manifest_file row of a manifest list. */
typedef struct lake__mref {
    char *path;
    int64_t length;
    int32_t spec_id;
    int32_t content; /* 0 data, 1 deletes */
    int64_t seq;
    int64_t min_seq;
    int64_t added_snapshot_id;
    int32_t added_files, existing_files, deleted_files;
    int64_t added_rows, existing_rows, deleted_rows;
} lake__mref_t;

void lake__file_destroy(lake__file_t *f);
void lake__file_copy(lake__file_t *dst, const lake__file_t *src);
void lake__mref_destroy(lake__mref_t *m);

/* A manifest's entries as decoded (mcache.c), shared read-only between threads until
 * lake__mcache_release: decoded once per process while the file stays the same. */
typedef struct lake__mcached lake__mcached_t;
bool lake__mcache_get(const char *uri, lake__mcached_t **h, const lake__entry_t **es, size_t *n,
                      am_err_t *err) AM_MUST_CHECK;
void lake__mcache_release(lake__mcached_t *h); /* NULL is a no-op */
void lake__mcache_clear(void);                 /* drops what no caller holds (tests) */

/* schema_json: the table schema object; content 0 data, 1 deletes. */
bool lake__manifest_encode(const lake__entry_t *entries, size_t n, int32_t content,
                           const char *schema_json, int32_t schema_id, am_buf_t *out,
                           am_err_t *err) AM_MUST_CHECK;
/* Entries as written (nulls kept as -1); *content from the manifest metadata. */
bool lake__manifest_decode(const uint8_t *data, size_t len, const char *what,
                           lake__entry_t **entries, size_t *n, am_err_t *err) AM_MUST_CHECK;
bool lake__mlist_encode(const lake__mref_t *refs, size_t n, int64_t snapshot_id, int64_t parent_id,
                        int64_t seq, am_buf_t *out, am_err_t *err) AM_MUST_CHECK;
bool lake__mlist_decode(const uint8_t *data, size_t len, const char *what, lake__mref_t **refs,
                        size_t *n, am_err_t *err) AM_MUST_CHECK;

/* ---- state.c: the live files of one snapshot --------------------------------------------- */

typedef struct lake__state {
    lake__mref_t *mrefs; /* the snapshot's manifest list */
    size_t n_mrefs;
    lake__file_t *data; /* data files; index = lake_pos_t.file; removed ones have live=false */
    size_t n_data;
    lake__file_t *dels; /* live position delete files */
    size_t n_dels;
} lake__state_t;

/* Local path of a file URI ("file:///a/b" -> "/a/b"); NULL for other schemes. Caller frees. */
char *lake__uri_path(const char *uri);
/* Reads the manifest list and manifests (seqs inherited); an empty uri gives an empty state. */
bool lake__state_load(const char *manifest_list_uri, lake__state_t *out,
                      am_err_t *err) AM_MUST_CHECK;
void lake__state_destroy(lake__state_t *s);
void lake__state_push_data(lake__state_t *s, const lake__file_t *f); /* copies f */
void lake__state_push_del(lake__state_t *s, const lake__file_t *f);
void lake__state_push_mref(lake__state_t *s, const lake__mref_t *m);
int64_t lake__state_live_rows(const lake__state_t *s);

/* ---- schema.c: types and schema JSON ----------------------------------------------------- */

/* "long", "decimal(12,2)" into out (>= 48 bytes); a list as "list<int>" (messages only: the
 * schema has lake__type_json). */
void lake__type_iceberg(am_coltype_t t, char *out, size_t out_len);
/* "BIGINT", "DECIMAL(12,2)", "INTEGER[]" into out (>= 48 bytes). */
void lake__type_duckdb(am_coltype_t t, char *out, size_t out_len);
/* An Iceberg primitive type string (no lists). */
bool lake__type_parse_iceberg(const char *s, am_coltype_t *out);
/* Neutral type token for LAKE_PROP_COLUMN_TYPES: "int16", "decimal(12,2)", "list<int16>". */
void lake__type_token(am_coltype_t t, char *out, size_t out_len);
bool lake__type_parse_token(const char *s, size_t len, am_coltype_t *out);
/* The schema field's "type": a primitive string, or a list object with element id elem_id. */
json_t *lake__type_json(am_coltype_t t, int32_t elem_id);
/* The reverse, for primitives and lists of primitives; *elem_id 0 unless a list. */
bool lake__type_parse_json(const json_t *type, am_coltype_t *out, int32_t *elem_id);
/* The same Iceberg type (int16 and int32 are both "int"). */
bool lake__type_same_iceberg(am_coltype_t a, am_coltype_t b);
/* Fresh ids for a new table, as Java assigns them: columns 1..n, then list elements in column
 * order (elem_ids[i] 0 for non-lists). Returns the highest id (last-column-id). */
int32_t lake__ids_assign(const lake_column_t *cols, size_t n, int32_t *field_ids,
                         int32_t *elem_ids);
/* {"type":"struct","schema-id":id,"identifier-field-ids":[...],"fields":[...]}, each field with
 * its doc when it has one. */
json_t *lake__schema_json(const lake_column_t *cols, const int32_t *field_ids,
                          const int32_t *elem_ids, size_t n, int32_t schema_id);
/* The property value for LAKE_PROP_COLUMN_TYPES (caller frees). */
char *lake__column_types_prop(const lake_column_t *cols, size_t n);
/* Table and schema names become directories: no '/', not "." or "..", not empty. */
bool lake__name_check(const char *what, const char *name, am_err_t *err) AM_MUST_CHECK;

/* ---- metadata.c: vN.metadata.json ------------------------------------------------------ */

typedef struct lake__meta {
    json_t *root;    /* the whole document, kept so a commit changes only what it must */
    int32_t version; /* N of vN.metadata.json */
    char *location;
    lake_column_t *cols; /* current schema; names and docs owned */
    int32_t *field_ids;
    int32_t *elem_ids; /* list columns: the element's field id; 0 for the others */
    size_t n_cols;
    int32_t schema_id;
    int32_t last_column_id;
    int64_t last_seq;
    int64_t last_updated_ms;
    int64_t snap_id; /* current snapshot; -1 none */
    int64_t snap_seq;
    char *manifest_list; /* of the current snapshot; NULL none */
    am_lsn_t lsn;        /* LAKE_SUMMARY_LSN of the current snapshot; 0 none */
} lake__meta_t;

json_t *lake__meta_create(const char *location, const lake_column_t *cols, size_t n,
                          int64_t now_ms);

/* One schema of a table's metadata. */
typedef struct lake__schema {
    int32_t id;
    lake_column_t *cols; /* names and docs owned; field_id filled */
    int32_t *elem_ids;   /* list columns: the element's field id; 0 for the others */
    size_t n;
} lake__schema_t;

/* The schema with this schema-id (the current one for -1), parsed from m->root. 42P01 when
 * m has none with that id. */
bool lake__meta_schema(const lake__meta_t *m, int32_t schema_id, lake__schema_t *out,
                       am_err_t *err) AM_MUST_CHECK;
void lake__schema_destroy(lake__schema_t *s);
/* The schema id a data file's columns were written with: its name's LAKE_FILE_SCHEMA_TAG, or
 * for older files the table's lowest schema id. */
int32_t lake__file_schema_id(const lake__meta_t *m, const char *path);
/* Puts a schema (cols with their field ids and elem_ids) into root as schema schema_id, makes
 * it current, sets last-column-id and the column types property. */
void lake__root_put_schema(json_t *root, const lake_column_t *cols, const int32_t *field_ids,
                           const int32_t *elem_ids, size_t n, int32_t schema_id,
                           int32_t last_column_id);
/* The highest schema-id in m->root. */
int32_t lake__meta_max_schema_id(const lake__meta_t *m);
bool lake__meta_parse(const char *text, size_t len, const char *what, lake__meta_t *out,
                      am_err_t *err) AM_MUST_CHECK;
/* lake__meta_parse of a document already in memory; out takes root (freed on failure too). */
bool lake__meta_from_root(json_t *root, const char *what, lake__meta_t *out,
                          am_err_t *err) AM_MUST_CHECK;
void lake__meta_destroy(lake__meta_t *m);
/* Finds and parses the newest vN.metadata.json of table_dir (absolute path): version hint, then
 * probing N+1, N+2... as Java does. 42P01 when the table has none. */
bool lake__meta_load_dir(const char *table_dir, lake__meta_t *out, am_err_t *err) AM_MUST_CHECK;
/* Sequence number and manifest list of snapshot id (borrowed from m). */
bool lake__meta_snapshot_find(const lake__meta_t *m, int64_t id, const char **manifest_list,
                              am_err_t *err) AM_MUST_CHECK;
/* The schema-id snapshot id was committed with (the current one when it names none). */
int32_t lake__meta_snapshot_schema(const lake__meta_t *m, int64_t id);
/* The current schema object as compact JSON (caller frees). */
char *lake__meta_schema_text(const lake__meta_t *m);

typedef struct lake__snap {
    int64_t id;
    int64_t parent_id; /* -1: none */
    int64_t seq;
    int64_t timestamp_ms;
    const char *manifest_list;
    json_t *summary; /* string -> string, borrowed */
} lake__snap_t;

/* A copy of m->root with snapshot s current; prev_uri is m's own metadata file, log_max the
 * metadata-log entries kept. */
json_t *lake__meta_add_snapshot(const lake__meta_t *m, const lake__snap_t *s, const char *prev_uri,
                                size_t log_max);
/* A copy of m->root whose new current schema (schema-id: the highest so far + 1) is cols with
 * m's field ids: a metadata-only change (docs), no snapshot. prev_uri, log_max as above. NULL
 * when the highest schema-id is already INT32_MAX. */
json_t *lake__meta_add_schema(const lake__meta_t *m, const lake_column_t *cols, int64_t now_ms,
                              const char *prev_uri, size_t log_max);

/* ---- maintain.c: snapshot expiry ------------------------------------------------------- */

/* Drops all but the newest keep snapshots from root (the current one always stays, and so
 * does snapshot protect unless it is -1) and their snapshot-log entries; *lists receives the
 * dropped snapshots' manifest lists (caller frees each and the array). */
void lake__meta_expire(json_t *root, size_t keep, int64_t protect, char ***lists, size_t *n_lists);
/* After a commit that expired snapshots with manifest lists lists: retires those lists, the
 * manifests no kept snapshot lists, and the files no kept snapshot reaches (removed at once
 * without a file retention, else stamped for orphans.c). Best effort. */
void lake__expire_files(lake_table_t *t, char *const *lists, size_t n_lists);
/* Retires, as above, the metadata file that just fell out of the metadata log. Best effort. */
void lake__remove_old_metadata(lake_table_t *t);

/* ---- values.c: am_value_t <-> DuckDB vectors --------------------------------------------- */

/* Writes v (of column col) into row r of a data chunk vector whose type is col's DuckDB type. */
bool lake__value_put(duckdb_vector vec, const lake_column_t *col, idx_t r, const am_value_t *v,
                     am_err_t *err) AM_MUST_CHECK;
/* The same with vec's data pointer already known (a writer filling a chunk row by row). */
bool lake__value_put_at(duckdb_vector vec, void *data, const lake_column_t *col, idx_t r,
                        const am_value_t *v, am_err_t *err) AM_MUST_CHECK;
/* Reads row r of a result vector (a column cast to col's DuckDB type) into out; strings point
 * into the vector, decimal and uuid text and lists (items and their strings) go to arena. */
bool lake__value_get(duckdb_vector vec, const lake_column_t *col, idx_t r, am_arena_t *arena,
                     am_value_t *out, am_err_t *err) AM_MUST_CHECK;
/* Decimal text -> unscaled integer at scale; false for text that is no number or does not fit
 * (*special: it is NaN or an infinity, which no decimal holds). */
bool lake__decimal_parse(const char *s, size_t len, int precision, int scale, __int128 *out,
                         bool *special);
/* Canonical text with exactly scale fraction digits into out (>= 48 bytes); returns length. */
size_t lake__decimal_format(__int128 v, int scale, char *out, size_t out_len);

/* ---- parquet.c: Parquet files through DuckDB --------------------------------------------- */

bool lake__duck_exec(duckdb_connection con, const char *sql, am_err_t *err) AM_MUST_CHECK;

/* One data file being filled: a temp table with an ordinal column, appended chunk by chunk. */
typedef struct lake__pq {
    lake_t *lake;
    const lake_column_t *cols; /* borrowed from the table */
    size_t n_cols;
    char table[40];
    duckdb_appender app;
    duckdb_data_chunk chunk;
    duckdb_vector *vecs; /* chunk's vectors (0: the ordinal) and their data, n_cols + 1 each */
    void **data;
    idx_t chunk_rows;
    int64_t n_rows;
    int64_t n_bytes; /* approximate size of the rows so far */
    bool open;
    struct lake__pqs *stream; /* pqstream.c: written while the rows arrive (no temp table) */
    int64_t pushed_bytes;     /* n_bytes of the rows already handed to the stream */
    uint8_t *metrics;         /* of the file lake__pq_finish wrote (colstats.c): the caller's */
    size_t metrics_len;
} lake__pq_t;
typedef struct lake__pqs lake__pqs_t;

bool lake__pq_begin(lake__pq_t *w, lake_t *lake, const lake_column_t *cols, size_t n,
                    am_err_t *err) AM_MUST_CHECK;
/* A file written to abs_path while its rows are appended, by a COPY on a thread of its own
 * (pqstream.c): nothing can query it before lake__pq_finish, which ignores its arguments. */
bool lake__pq_begin_stream(lake__pq_t *w, lake_t *lake, const lake_column_t *cols, size_t n,
                           const char *abs_path, const int32_t *field_ids, const int32_t *elem_ids,
                           const char *schema_json, am_err_t *err) AM_MUST_CHECK;
bool lake__pq_append(lake__pq_t *w, const am_value_t *vals, am_err_t *err) AM_MUST_CHECK;
/* Pushes buffered rows into the temp table (so it can be queried). */
bool lake__pq_flush(lake__pq_t *w, am_err_t *err) AM_MUST_CHECK;
/* COPY ordered by ordinal to abs_path with field ids (elem_ids: list element ids, 0 or NULL
 * when none) and, unless NULL, the Iceberg schema JSON as the "iceberg.schema" key-value
 * metadata; then drops the temp table. */
bool lake__pq_finish(lake__pq_t *w, const char *abs_path, const int32_t *field_ids,
                     const int32_t *elem_ids, const char *schema_json, am_err_t *err) AM_MUST_CHECK;
void lake__pq_abort(lake__pq_t *w); /* drops the temp table; no-op when not open */
/* DuckDB's type for a lake type (parquet.c). */
duckdb_logical_type lake__pq_logical_type(am_coltype_t t);
/* COPY (SELECT the columns of w renamed as in the file FROM from) TO abs_path (options). */
void lake__pq_copy_sql(const lake__pq_t *w, const char *from, const char *abs_path,
                       const int32_t *field_ids, const int32_t *elem_ids, const char *schema_json,
                       int64_t group_rows, am_buf_t *sql);
/* pqstream.c: the stream of w (keeps copies of the file's options); a full chunk handed over
 * (the stream's from then on, also on failure); the end (waits for the COPY); giving up. */
bool lake__pqs_open(lake__pq_t *w, const char *abs_path, const int32_t *field_ids,
                    const int32_t *elem_ids, const char *schema_json, am_err_t *err) AM_MUST_CHECK;
bool lake__pqs_push(lake__pq_t *w, duckdb_data_chunk c, int64_t bytes, am_err_t *err) AM_MUST_CHECK;
bool lake__pqs_finish(lake__pq_t *w, am_err_t *err) AM_MUST_CHECK;
void lake__pqs_abort(lake__pq_t *w);
/* Rows per row group for rows of about bytes / rows bytes each. */
int64_t lake__pq_group_rows(int64_t bytes, int64_t rows);
/* The same for a file of exactly rows rows: no group larger than the file needs (DuckDB sizes
 * a column's write state by the group). */
int64_t lake__pq_file_group_rows(int64_t bytes, int64_t rows);
/* Where the writer's scratch files go: $TMPDIR, else /tmp (lake.c). */
const char *lake__tmp_dir(void);
/* Purges DuckDB's allocator (lake.c) when it keeps more than slack bytes it does not use
 * (slack 0: always): after dropping a temp table of LAKE_PURGE_BYTES or more. */
void lake__allocator_purge(int64_t slack);
#define LAKE_PURGE_BYTES (INT64_C(1) << 20)
/* The options of a COPY ... TO a data file of cols: " (FORMAT parquet, ROW_GROUP_SIZE
 * group_rows, FIELD_IDS {..}[, KV_METADATA {"iceberg.schema": ..}])". */
void lake__pq_copy_options(am_buf_t *sql, const lake_column_t *cols, size_t n,
                           const int32_t *field_ids, const int32_t *elem_ids,
                           const char *schema_json, int64_t group_rows);

typedef struct lake__del_row {
    const char *path; /* data file URI */
    int64_t pos;
} lake__del_row_t;

/* By path, then pos. */
int lake__del_row_cmp(const void *a, const void *b);
/* Sorts rows and drops duplicates; returns the new count. */
size_t lake__del_rows_sort(lake__del_row_t *rows, size_t n);

/* The rows of a position delete file, sorted by path then pos, read one at a time: a batch's
 * millions of deletes need no (path, pos) array beside its own positions. */
typedef struct lake__del_src {
    size_t n;
    void (*get)(const void *ctx, size_t i, const char **path, int64_t *pos);
    const void *ctx;
    /* instead of n and get: writes the file at abs itself, with its row count and the first
     * and last rows' paths (dels.c: positions moved to DuckDB) */
    bool (*write)(void *ctx, const char *abs, int64_t *n, const char **first, const char **last,
                  am_err_t *err);
    void *write_ctx;
} lake__del_src_t;

/* A source over an array of rows (borrowed). */
lake__del_src_t lake__del_rows_src(const lake__del_row_t *rows, size_t n);

/* A position delete file written row by row (pqdel.c), rows sorted by path then pos (paths
 * borrowed until finish, compared by pointer first). Begin creates the file; finish writes the
 * rest and closes it (not synced) and frees; abort removes the file and frees. */
#define LAKE_DEL_GROUP_ROWS (INT64_C(1) << 20)
typedef struct lake__del_group {
    int64_t n_rows, path_dict_off, path_data_off, path_len, pos_off, pos_len;
} lake__del_group_t;
typedef struct lake__del_writer {
    int fd;
    char *path;
    am_buf_t out, scratch; /* bytes not yet written; the page being built */
    int64_t off_drained;   /* file offset where out begins */
    int64_t group_rows;    /* rows a row group holds (tests make it small) */
    const char **dict;     /* the group's distinct paths, one RLE run each */
    int64_t *counts;
    size_t n_dict, cap_dict;
    int64_t *pos, n_group, n_rows, cap_pos;
    lake__del_group_t *groups;
    size_t n_groups;
    const char *first, *last; /* paths of the first and last rows so far */
} lake__del_writer_t;
bool lake__del_writer_begin(lake__del_writer_t *d, const char *abs_path,
                            am_err_t *err) AM_MUST_CHECK;
bool lake__del_writer_add(lake__del_writer_t *d, const char *path, int64_t pos,
                          am_err_t *err) AM_MUST_CHECK;
bool lake__del_writer_finish(lake__del_writer_t *d, am_err_t *err) AM_MUST_CHECK;
void lake__del_writer_abort(lake__del_writer_t *d);

/* A position delete file (file_path, pos) from a non-empty source. */
bool lake__pq_write_deletes(const lake__del_src_t *src, const char *abs_path,
                            am_err_t *err) AM_MUST_CHECK;

/* ---- plan.c: SQL over live files --------------------------------------------------------- */

/* Projection list: CAST(d."col" AS TYPE) AS "col", ... for cols (n) */
void lake__plan_project(am_buf_t *sql, const lake_column_t *cols, size_t n);
/* Only the columns whose positions are in pick (n_pick of them), in that order. */
void lake__plan_project_pick(am_buf_t *sql, const lake_column_t *cols, size_t n, const size_t *pick,
                             size_t n_pick);
/* The quoted Parquet column name of cols[i] (see schema.c: case collisions get a suffix). */
void lake__phys_name(const lake_column_t *cols, size_t n, size_t i, am_buf_t *out);
/* FROM clause over data files minus deletes, aliased d, with d.__am_file and
 * d.file_row_number available; only live data files. Each file's fields are found by field id
 * and named as cols (with their field_id) name them; a field a file lacks reads NULL. */
bool lake__plan_from(am_buf_t *sql, const lake__meta_t *m, const lake__state_t *s,
                     const lake_column_t *cols, size_t n, am_err_t *err) AM_MUST_CHECK;
/* The same with d.file_index too: the file's place among s's live files of its schema, so an
 * order for files of one schema only, and DuckDB's only when no schema has a field of that
 * name (a real column hides the virtual one). */
bool lake__plan_from_indexed(am_buf_t *sql, const lake__meta_t *m, const lake__state_t *s,
                             const lake_column_t *cols, size_t n, am_err_t *err) AM_MUST_CHECK;
/* The select list reading cols from the data file at path (alias d), by field id. */
bool lake__plan_file_columns(am_buf_t *sql, const lake__meta_t *m, const char *path,
                             const lake_column_t *cols, size_t n, am_err_t *err) AM_MUST_CHECK;
/* Number of live data files. */
size_t lake__plan_n_live(const lake__state_t *s);

/* ---- snapshot.c: building one new snapshot (commit.c, compact_commit.c) ------------------- */

#define LAKE__MAX_CREATED 8

typedef struct lake__commit {
    lake_table_t *t;
    int64_t snap_id;
    int64_t seq;
    int64_t ts_ms;
    char uuid[37];
    int n_manifests;
    lake__state_t next;    /* the snapshot being built; installed by lake__commit_finish */
    const char *operation; /* NULL: named from what changed (Java's row-delta naming) */
    int64_t added_data_files, added_records, added_size, added_del_files, added_deletes;
    int64_t removed_data_files, removed_records, removed_del_files, removed_deletes;
    int64_t removed_size;
    char *created[LAKE__MAX_CREATED]; /* rel paths written by this commit, removed on failure */
    int n_created;
    char **expired; /* manifest lists of snapshots this commit expires */
    size_t n_expired;
    char *ml_uri;
    char *meta_text;
    json_t *meta_root; /* the document meta_text holds, installed at finish */
} lake__commit_t;

/* A new snapshot id, sequence number and timestamp on top of t's current snapshot. */
void lake__commit_init(lake__commit_t *c, lake_table_t *t);
/* Records a file the commit wrote (takes rel): removed if the commit fails. */
void lake__commit_created(lake__commit_t *c, char *rel);
/* An ADDED entry: seqs null (inherited from the manifest list), snapshot id explicit. */
lake__entry_t lake__entry_added(const lake__file_t *f);
/* Writes a manifest of entries (content 0 data, 1 deletes) and lists it in c->next. */
bool lake__commit_manifest(lake__commit_t *c, const lake__entry_t *es, size_t n, int32_t content,
                           am_err_t *err) AM_MUST_CHECK;
/* A position delete file of src's rows (sorted, at least one) as this commit's, synced; *out
 * is filled (caller destroys) and counted as added. */
bool lake__write_delete_file(lake__commit_t *c, const lake__del_src_t *src, lake__file_t *out,
                             am_err_t *err) AM_MUST_CHECK;
/* The manifest list of c->next, then vN+1.metadata.json (recording lsn, expiring old
 * snapshots) published without overwrite. */
bool lake__commit_publish(lake__commit_t *c, am_lsn_t lsn, am_err_t *err) AM_MUST_CHECK;
/* After the publish: the hint, then c->next and the new metadata installed in the table, then
 * expiry. False only for a failed fsync of the hint (the commit is installed anyway). */
bool lake__commit_finish(lake__commit_t *c, am_err_t *err) AM_MUST_CHECK;
/* failed: the commit was not published; the files it wrote are removed. */
void lake__commit_destroy(lake__commit_t *c, bool failed);

/* ---- table.c / batch.c / commit.c --------------------------------------------------------- */

typedef struct lake__pending {
    char *uri;      /* file:///... */
    char *rel;      /* relative to the warehouse */
    int64_t n_rows; /* rows written (or being written, for the open file) */
    int64_t size;
    bool written;     /* the Parquet file exists */
    bool dropped;     /* truncated away before commit */
    uint8_t *metrics; /* colstats.c, once written */
    size_t metrics_len;
} lake__pending_t;

struct lake_table {
    lake_t *lake;
    char *schema;
    char *name;
    char *rel;        /* "<schema>/<name>" under the warehouse */
    char *uri_prefix; /* "file://<warehouse>/<schema>/<name>" */
    lake__meta_t meta;
    lake__state_t state;
    lake_batch_t *batch;                  /* the open batch, if any */
    duckdb_prepared_statement fetch_stmt; /* fetch_row's statement for fetch_uri, or NULL */
    char *fetch_uri;
    bool staged_schema;   /* meta's columns (and schema_id) are a schema not committed yet */
    json_t *staged_props; /* properties to set at the next commit (null values remove) */
    int64_t protect_id;   /* snapshot expiry keeps; -1 none */
    int64_t fill_avg;     /* fill.c: recent bytes of unchanged values per row filled; 0 none */
};

/* A batch's deletes take 8 bytes each: file ids stay below 2^23 (file_id_max) and a data file
 * holds fewer than 2^40 rows. */
#define LAKE__POS_ROW_BITS 40
#define LAKE__POS_ROW_MASK ((UINT64_C(1) << LAKE__POS_ROW_BITS) - 1)

/* A row of the open data file (row) to take the values of its mask's columns from the committed
 * row at from (packed like dels); mask indexes fill_masks, in units of the table's mask words. */
typedef struct lake__fill {
    uint64_t from;
    int64_t row;
    size_t mask;
} lake__fill_t;

struct lake_batch {
    lake_table_t *t;
    lake__pq_t pq;          /* the data file being filled (pq.open) */
    lake__pending_t *files; /* new data files; id = t->state.n_data + index */
    size_t n_files;
    uint64_t *dels; /* dels.c: positions packed: file id << LAKE__POS_ROW_BITS | row */
    size_t n_dels;
    size_t cap_dels;
    int spill_fd; /* dels.c: sorted runs of positions moved out of dels; -1 none */
    struct lake__del_run *runs;
    size_t n_runs;
    size_t n_spilled;
    bool truncate;
    bool broken; /* a data file failed to write: only lake_batch_free remains */
    bool stream; /* lake_batch_stream: only appends until commit, files written as rows come */
    int64_t n_appended;
    lake__fill_t *fills; /* fill.c: rows of the open file still to take unchanged values */
    size_t n_fills;
    size_t cap_fills;
    uint64_t *fill_masks;
    am_value_t *fill_row; /* scratch: the row appended, unchanged values as NULL */
    int64_t fill_guess;   /* bytes the open file's estimate counts for rows not filled yet */
    size_t n_fill_row;
};

/* After a successful commit the batch is empty again (and may be reused). */
void lake__batch_reset(lake_batch_t *b);
/* The batch does not stream its files (lake_batch_stream); else an error saying so. */
bool lake__batch_not_streamed(const lake_batch_t *b, am_err_t *err) AM_MUST_CHECK;
/* The batch may take changes (no data file failed to write); else an error saying so. */
bool lake__batch_usable(const lake_batch_t *b, am_err_t *err) AM_MUST_CHECK;
/* dels.c: forgets every deleted position (and the DuckDB table holding moved ones). */
void lake__batch_dels_clear(lake_batch_t *b);
/* dels.c: the batch's deletes (at least one) as c's position delete file, as
 * lake__write_delete_file describes it. */
bool lake__batch_write_deletes(lake__commit_t *c, lake_batch_t *b, lake__file_t *out,
                               am_err_t *err) AM_MUST_CHECK;
/* Opens the next data file of b (its temp table). */
bool lake__batch_start_file(lake_batch_t *b, am_err_t *err) AM_MUST_CHECK;
/* fill.c: gives the open file's rows appended by lake_batch_append_fill their values (before
 * the temp table is read or written out); on failure the batch is broken. */
bool lake__batch_fill(lake_batch_t *b, am_err_t *err) AM_MUST_CHECK;
void lake__batch_fill_free(lake_batch_t *b);
/* scan.c: runs sql and calls fn with each chunk of its result. */
bool lake__scan_query(duckdb_connection con, const char *sql,
                      bool (*fn)(void *ud, duckdb_data_chunk chunk, am_err_t *err), void *ud,
                      am_err_t *err) AM_MUST_CHECK;
/* Fills, then writes the open data file of b to Parquet and syncs it. */
bool lake__batch_close_file(lake_batch_t *b, am_err_t *err) AM_MUST_CHECK;
/* URI of data file id (committed or pending in the open batch), or NULL with err. */
const char *lake__table_file_uri(lake_table_t *t, int32_t id, int64_t row, am_err_t *err);
/* Drops fetch_row's cached statement. */
void lake__table_fetch_forget(lake_table_t *t);
/* At least one column, names usable and unique, types known (table.c). */
bool lake__columns_check(const lake_column_t *cols, size_t n, am_err_t *err) AM_MUST_CHECK;
/* Whether a schema or properties wait for the next commit. */
bool lake__table_staged(const lake_table_t *t);
/* Puts the staged schema and properties into root (a copy of the metadata being committed). */
void lake__table_apply_staged(const lake_table_t *t, json_t *root);
/* Publishes text as v(N+1).metadata.json without overwrite (40001-like STORAGE_SQLSTATE_EXISTS
 * when another writer got there first); then the hint, then the parsed text installed as the
 * table's metadata (the column array stays, docs updated). */
bool lake__meta_publish(lake_table_t *t, const char *text, am_err_t *err) AM_MUST_CHECK;
/* version-hint.text for the version after t's; a failure is logged and harmless, except a
 * failed fsync (false). */
bool lake__hint_update(lake_table_t *t, am_err_t *err) AM_MUST_CHECK;
/* Installs the parsed text as the table's metadata; staged changes are now committed. */
void lake__meta_install(lake_table_t *t, const char *text);
/* The same from the document the commit wrote (taken, not copied): no parse of its text. */
void lake__meta_install_root(lake_table_t *t, json_t *root);
/* Best-effort removal of a file written by an abandoned commit. */
void lake__remove_quietly(lake_t *lake, const char *rel);

/* ---- compact.c / compact_run.c / compact_commit.c: compaction -------------------------------- */

/* A live data file of the job's snapshot. */
typedef struct lake__cin {
    lake__file_t f;
    bool rewrite;  /* the job rewrites it */
    bool small;    /* below small_file_bytes */
    int64_t *dels; /* rewrite: its rows deleted at the job's snapshot, ascending (run) */
    size_t n_dels, cap_dels;
    int32_t out;     /* rewrite: the output its surviving rows go to; -1: none survives */
    int64_t out_row; /* the output row its first surviving row lands on, before the key sort */
    const int32_t *sorted; /* rewrite: its output's lake__cout_t.sorted (not owned) */
} lake__cin_t;

/* A live delete file of the job's snapshot. */
typedef struct lake__cdel {
    lake__file_t f;
    bool consumed; /* removed by the replace: its rows folded in or moved to the merged file */
    bool fold;     /* read for rows on rewritten files only (those stay in it, dangling) */
} lake__cdel_t;

/* A file the job writes. */
typedef struct lake__cout {
    char *rel; /* relative to the warehouse */
    char *uri;
    int64_t rows;
    int64_t size;
    int64_t est_bytes; /* while grouping */
    uint8_t *metrics;  /* colstats.c, once written */
    size_t metrics_len;
    /* Written sorted by primary key: the row each row lands on, indexed by its row in input
     * order (files by path, then row); NULL when written in input order. */
    int32_t *sorted;
} lake__cout_t;

struct lake_compact_job {
    char *root;       /* the warehouse directory */
    char *rel;        /* "<schema>/<name>" */
    char *uri_prefix; /* "file://<warehouse>/<schema>/<name>" */
    char *meta_text;  /* the table's metadata when planned (schemas by id) */
    int64_t base_snap;
    int64_t base_seq;
    lake_maintain_options_t opts;
    bool ratio_mode; /* the deleted-rows threshold: every delete file is read and consumed */
    lake__cin_t *in; /* every live data file, sorted by path */
    size_t n_in;
    lake__cdel_t *dels; /* every live delete file */
    size_t n_dels;
    lake__cout_t *out; /* new data files */
    size_t n_out;
    lake__cout_t merged; /* the merged delete file (rel NULL: none) */
    char *merged_ref;    /* its only target, or NULL */
    bool written;        /* run succeeded: outputs exist and are synced */
    bool keep_files;     /* committed (or a failed fsync): the outputs are never removed */
    lake_compact_stats_t stats;
};

/* Rewritten input i's row r after the rewrite: *out_file an index into job->out; false when
 * the row was deleted at the job's snapshot. */
bool lake__cin_map(const lake__cin_t *in, int64_t row, int32_t *out_file, int64_t *out_row);

/* ---- orphans.c ------------------------------------------------------------------------------ */

/* lake_table_remove_orphans for the table at location, read from disk through lake. */
bool lake__sweep_at(lake_t *lake, const char *location, int64_t min_age_ms, int64_t *n_removed,
                    am_err_t *err) AM_MUST_CHECK;

/* ---- catalog.c ----------------------------------------------------------------------------- */

/* name is exactly [0-9]{8}\.json. */
bool lake__catalog_name_ok(const char *name);
/* Removes catalog files other than keep and the newest few (after a durable watermark). */
void lake__catalog_prune(lake_t *lake, const char *keep);

#endif /* AM_LAKE_INTERNAL_H */
