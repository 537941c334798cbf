/*
 * proxy/proxy_internal.h: what the proxy's own .c files share. Not for other modules.
 *
 * Threads: struct proxy is shared by the accept thread, the watermark poller, every client
 * thread and whoever calls proxy_refresh(); a proxy_session_t belongs to its client thread.
 */
#ifndef AM_PROXY_INTERNAL_H
#define AM_PROXY_INTERNAL_H

#include "proxy/proxy.h"

#include <pthread.h>
#include <stdatomic.h>

/* duckdb.h declares some functions as f() (no prototype); keep our warnings for our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <duckdb.h>
#pragma GCC diagnostic pop

#define PROXY_SERVER_VERSION "15.0 (Arctic Mirror)"
#define PROXY_SERVER_VERSION_NUM "150000"
#define PROXY_VERSION_STRING                                                                       \
    "PostgreSQL 15.0 (Arctic Mirror) on x86_64-pc-linux-gnu, served by DuckDB 1.4, 64-bit"
#define PROXY_MAX_MSG_LEN (64u * 1024u * 1024u) /* longest frontend message we accept */
#define PROXY_FLUSH_BYTES ((size_t)64 * 1024)   /* send DataRows once this much is queued */
#define PROXY_PROTO_30 196608u
#define PROXY_CODE_SSL 80877103u
#define PROXY_CODE_GSSENC 80877104u
#define PROXY_CODE_CANCEL 80877102u

/* ---- SQLSTATEs the proxy sends beyond util's ---------------------------------------------- */
#define PROXY_SQLSTATE_READ_ONLY "25006"
#define PROXY_SQLSTATE_IN_FAILED_TX "25P02"
#define PROXY_SQLSTATE_PRIVILEGE "42501"
#define PROXY_SQLSTATE_CANCELED "57014"
#define PROXY_SQLSTATE_BAD_PASSWORD "28P01"
#define PROXY_SQLSTATE_NO_DATABASE "3D000"
#define PROXY_SQLSTATE_TOO_MANY "53300"
#define PROXY_SQLSTATE_UNDEFINED_OBJECT "42704"
#define PROXY_SQLSTATE_SHUTDOWN "57P01"

/* ---- wire.c: the only encoder of backend messages, the decoder of frontend ones ---------- */

#define PROXY_STARTUP_MAX_PARAMS 64

typedef struct proxy_startup {
    uint32_t code;       /* PROXY_PROTO_30, PROXY_CODE_SSL, ... */
    uint32_t cancel_pid; /* CancelRequest only */
    uint32_t cancel_key;
    size_t n_params;
    const char *names[PROXY_STARTUP_MAX_PARAMS]; /* borrowed from the packet */
    const char *values[PROXY_STARTUP_MAX_PARAMS];
} proxy_startup_t;

/* body = the packet after its Int32 length. Pointers borrow from body. */
bool proxy__startup_decode(const uint8_t *body, size_t len, proxy_startup_t *out,
                           am_err_t *err) AM_MUST_CHECK;
const char *proxy__startup_param(const proxy_startup_t *st, const char *name);

typedef struct proxy_sasl_initial {
    const char *mechanism;
    const uint8_t *data; /* NULL when the client sent length -1 */
    size_t data_len;
} proxy_sasl_initial_t;
bool proxy__sasl_initial_decode(const uint8_t *body, size_t len, proxy_sasl_initial_t *out,
                                am_err_t *err) AM_MUST_CHECK;

bool proxy__query_decode(const uint8_t *body, size_t len, const char **sql,
                         am_err_t *err) AM_MUST_CHECK;

typedef struct proxy_parse_msg {
    const char *name;
    const char *sql;
    uint16_t n_params;
    uint32_t *param_oids; /* in the arena */
} proxy_parse_msg_t;
bool proxy__parse_decode(const uint8_t *body, size_t len, am_arena_t *arena, proxy_parse_msg_t *out,
                         am_err_t *err) AM_MUST_CHECK;

typedef struct proxy_bind_msg {
    const char *portal;
    const char *stmt;
    uint16_t n_formats;
    int16_t *formats; /* in the arena */
    uint16_t n_params;
    const uint8_t **values; /* NULL entry = SQL NULL; bytes borrowed from body */
    int32_t *lens;
    uint16_t n_result_formats;
    int16_t *result_formats;
} proxy_bind_msg_t;
bool proxy__bind_decode(const uint8_t *body, size_t len, am_arena_t *arena, proxy_bind_msg_t *out,
                        am_err_t *err) AM_MUST_CHECK;

/* Format code i of a Bind list: none = all text, one = for all, else one each (missing = text). */
int16_t proxy__bind_format(const int16_t *formats, size_t n, size_t i);

/* Describe and Close: 'S' or 'P' plus a name. */
bool proxy__target_decode(const uint8_t *body, size_t len, char *kind, const char **name,
                          am_err_t *err) AM_MUST_CHECK;
bool proxy__execute_decode(const uint8_t *body, size_t len, const char **portal, uint32_t *max_rows,
                           am_err_t *err) AM_MUST_CHECK;

/* Encoders: each appends one whole message. */
size_t proxy__msg_begin(am_buf_t *b, char type); /* returns the length offset */
void proxy__msg_end(am_buf_t *b, size_t len_off);
void proxy__wire_empty(am_buf_t *b, char type); /* '1' '2' '3' 'n' 's' 'I' */
void proxy__wire_auth(am_buf_t *b, uint32_t code, const void *data, size_t len);
void proxy__wire_auth_sasl(am_buf_t *b);
void proxy__wire_param_status(am_buf_t *b, const char *name, const char *value);
void proxy__wire_backend_key(am_buf_t *b, uint32_t pid, uint32_t key);
void proxy__wire_ready(am_buf_t *b, char status);
void proxy__wire_complete(am_buf_t *b, const char *tag);
void proxy__wire_negotiate(am_buf_t *b, uint32_t minor, const char *const *names, size_t n);
void proxy__wire_param_desc(am_buf_t *b, const uint32_t *oids, size_t n);
/* 'E' or 'N'; detail and hint may be NULL. */
void proxy__wire_error(am_buf_t *b, char type, const char *severity, const char *sqlstate,
                       const char *message, const char *detail, const char *hint);
size_t proxy__wire_rowdesc_begin(am_buf_t *b, uint16_t n_fields);
void proxy__wire_rowdesc_field(am_buf_t *b, const char *name, uint32_t oid, int16_t typlen,
                               int32_t typmod, int16_t format);
size_t proxy__wire_datarow_begin(am_buf_t *b, uint16_t n_values);

/* ---- scram.c: SCRAM-SHA-256 server side (RFC 5802/7677 as PostgreSQL speaks it) --------- */

typedef struct proxy_scram_secret {
    uint8_t salt[16];
    int iterations;
    uint8_t stored_key[32];
    uint8_t server_key[32];
} proxy_scram_secret_t;

/* Random salt, 4096 iterations. An empty password yields a secret no proof matches. */
void proxy__scram_secret_init(proxy_scram_secret_t *sec, const char *password);

typedef struct proxy_scram {
    int state;         /* 0 expect client-first, 1 expect client-final, 2 done */
    bool doomed;       /* unknown user or no password: fail at the end */
    char nonce[128];   /* client nonce + server nonce */
    char gs2_b64[16];  /* base64 of the gs2 header the client sent, for c= */
    am_buf_t auth_msg; /* client-first-bare , server-first , (client-final-without-proof) */
    proxy_scram_secret_t secret;
} proxy_scram_t;

/* doomed_key: per-proxy random bytes that give unknown users a stable fake salt. */
void proxy__scram_init(proxy_scram_t *s, const proxy_scram_secret_t *sec, bool user_ok,
                       const char *user, const uint8_t doomed_key[32]);
void proxy__scram_destroy(proxy_scram_t *s);
/* client-first -> server-first appended to out. */
bool proxy__scram_first(proxy_scram_t *s, const uint8_t *data, size_t len, am_buf_t *out,
                        am_err_t *err) AM_MUST_CHECK;
/* client-final -> server-final appended to out; false (28P01) when the proof is wrong. */
bool proxy__scram_final(proxy_scram_t *s, const uint8_t *data, size_t len, am_buf_t *out,
                        am_err_t *err) AM_MUST_CHECK;

/* ---- sqltext.c: tokens and statement boundaries of PostgreSQL-flavoured SQL -------------- */

typedef enum proxy_tok_kind {
    PROXY_TOK_END = 0,
    PROXY_TOK_WORD,   /* keyword or bare identifier */
    PROXY_TOK_QIDENT, /* "quoted identifier" (with quotes) */
    PROXY_TOK_STRING, /* '...', E'...', $$...$$ (with delimiters) */
    PROXY_TOK_NUMBER,
    PROXY_TOK_PARAM, /* $1 */
    PROXY_TOK_SYMBOL /* one or more operator characters, or one punctuation character */
} proxy_tok_kind_t;

typedef struct proxy_tok {
    proxy_tok_kind_t kind;
    size_t off; /* into the text */
    size_t len;
} proxy_tok_t;

/* Skips blanks and comments from pos; returns the position after the token. */
size_t proxy__sql_token(const char *sql, size_t len, size_t pos, proxy_tok_t *tok);
bool proxy__tok_is(const char *sql, const proxy_tok_t *tok, const char *word);

typedef struct proxy_span {
    size_t off;
    size_t len;
} proxy_span_t;
/* Statements between top-level ';' with their tokens trimmed; empty ones skipped. Caller frees. */
proxy_span_t *proxy__sql_split(const char *sql, size_t len, size_t *n_out);
/* Unquotes a string token ('a''b', E'a\'b', $$x$$) into out. */
void proxy__sql_unquote(const char *sql, const proxy_tok_t *tok, am_buf_t *out);
/* Rewrites PostgreSQL catalog spellings DuckDB lacks (pg_catalog.f, OPERATOR(pg_catalog.~)). */
void proxy__sql_rewrite(const char *sql, size_t len, am_buf_t *out);

/* ---- the server: struct proxy and its clients -------------------------------------------- */

typedef struct proxy_client proxy_client_t;
struct proxy_client {
    proxy_t *proxy;
    int fd;
    pthread_t thread;
    uint32_t pid;
    uint32_t key;
    bool is_session;       /* guarded by proxy->lock: counted in n_clients */
    duckdb_connection con; /* guarded by proxy->lock for cancel; used by the client thread */
    atomic_bool busy;      /* a statement is running: a CancelRequest may interrupt it */
    atomic_bool done;      /* the thread has finished; the accept thread may join it */
    proxy_client_t *next;  /* guarded by proxy->lock */
};

struct proxy {
    char *listen_host;
    char *user;
    char *password;
    char *database;
    char *warehouse;
    int max_clients;
    int port;
    int listen_fd;
    int wake_pipe[2]; /* written by proxy_stop to wake the accept thread */
    atomic_bool stopping;
    pthread_t accept_thread;
    pthread_t poll_thread;
    bool poll_started;
    bool accept_started;
    pthread_mutex_t poll_lock; /* with poll_cond: the poller's sleep, woken by proxy_stop */
    pthread_cond_t poll_cond;

    duckdb_database db;
    proxy_scram_secret_t secret; /* immutable after start */
    uint8_t doomed_key[32];      /* immutable after start */

    pthread_mutex_t lock;    /* guards clients, n_sessions, next_pid */
    proxy_client_t *clients; /* guarded by lock */
    int n_sessions;          /* guarded by lock */
    uint32_t next_pid;       /* guarded by lock */
    _Atomic int n_threads;

    /* Serialises view rebuilds: two DuckDB catalog writers would abort each other. */
    pthread_mutex_t refresh_lock;
    char *applied_wm;  /* guarded by refresh_lock: signature of the views shown */
    char **view_names; /* guarded by refresh_lock: "schema\0name" of every view */
    size_t n_views;    /* guarded by refresh_lock */
    _Atomic uint64_t visible_lsn;
    /* the watermark file as the poller last saw it; poller thread only */
    int64_t wm_mtime_ns;
    int64_t wm_size;
    uint64_t wm_ino;
};

/* server.c */
void proxy__cancel(proxy_t *p, uint32_t pid, uint32_t key);
/* Counts the client as a session; false (53300 sent by the caller) when full. */
bool proxy__session_register(proxy_t *p, proxy_client_t *c);
void proxy__session_unregister(proxy_t *p, proxy_client_t *c);
void proxy__client_set_con(proxy_client_t *c, duckdb_connection con);

/* ---- catalog.c: the DuckDB database, its lockdown, views over the lake ------------------- */

bool proxy__catalog_open(proxy_t *p, am_err_t *err) AM_MUST_CHECK;
bool proxy__catalog_refresh(proxy_t *p, am_err_t *err) AM_MUST_CHECK;
void proxy__catalog_close(proxy_t *p);
/* Runs sql on con; err gets DuckDB's message. */
bool proxy__duck_exec(duckdb_connection con, const char *sql, am_err_t *err) AM_MUST_CHECK;

/* ---- session.c / conn.c: one client ------------------------------------------------------ */

typedef struct proxy_setting {
    char *name; /* lower case */
    char *value;
} proxy_setting_t;

typedef struct proxy_stmt proxy_stmt_t;
typedef struct proxy_portal proxy_portal_t;
typedef struct proxy_sqlcursor proxy_sqlcursor_t;

typedef struct proxy_session {
    proxy_t *proxy;
    proxy_client_t *client;
    int fd;
    am_buf_t out;
    am_buf_t in;
    bool io_failed;
    duckdb_connection con;
    char tx;      /* 'I' idle, 'T' in a block, 'E' failed block */
    bool duck_tx; /* a DuckDB transaction is open for the block */
    proxy_setting_t *settings;
    size_t n_settings;
    int extra_float_digits;
    int32_t tz_fixed_s; /* offset east of UTC when tz_zone is NULL */
    struct proxy_tz *tz_zone;
    proxy_stmt_t *stmts;           /* extended protocol: prepared statements */
    proxy_portal_t *portals;       /* extended protocol: portals */
    proxy_sqlcursor_t *sqlcursors; /* DECLARE ... CURSOR (proxy/cursor.c) */
    bool skip_to_sync;             /* an extended-protocol error: ignore until Sync */
    am_arena_t *arena;             /* per message */
} proxy_session_t;

/* conn.c */
bool proxy__send(proxy_session_t *s); /* writes out and empties it */
void proxy__maybe_flush(proxy_session_t *s);
void proxy__send_error(proxy_session_t *s, const am_err_t *err);
void proxy__send_notice(proxy_session_t *s, const char *sqlstate, const char *msg);
void *proxy__client_main(void *arg);

/* session.c: settings, SET/SHOW/RESET/BEGIN/COMMIT/... answered without DuckDB */
void proxy__session_init(proxy_session_t *s, const proxy_startup_t *st);
void proxy__session_destroy(proxy_session_t *s);
void proxy__session_report_all(proxy_session_t *s); /* ParameterStatus after auth */
const char *proxy__setting_find(const proxy_session_t *s, const char *name);
/*
 * If sql is a connection-level command, answers it (CommandComplete or rows) and returns true.
 * *handled is false for statements that go to DuckDB. Errors fill err.
 */
bool proxy__session_command(proxy_session_t *s, const char *sql, size_t len, bool *handled,
                            bool describe_rows, am_err_t *err) AM_MUST_CHECK;
/* Extended protocol Describe of a session command: 'T' for SHOW, 'n' otherwise; false when
 * sql is not one. */
bool proxy__session_describe(proxy_session_t *s, const char *sql, size_t len);
void proxy__session_reset_all(proxy_session_t *s);
bool proxy__session_is_command(const char *sql, size_t len);
/* Whether sql is ROLLBACK/COMMIT-like (allowed in a failed block). */
bool proxy__session_ends_tx(const char *sql, size_t len);
void proxy__session_fail_tx(proxy_session_t *s);
void proxy__session_end_tx(proxy_session_t *s);

/* tz.c: the TimeZone setting */
typedef struct proxy_tz proxy_tz_t;
/* PostgreSQL's TimeZone setting (check_timezone: a number is hours east, else pg_tzset: IANA
 * names, POSIX strings); *zone is set, *fixed_s 0. False when PostgreSQL would reject it. */
bool proxy__tz_parse(const char *name, int32_t *fixed_s, proxy_tz_t **zone) AM_MUST_CHECK;
void proxy__tz_free(proxy_tz_t *z);
int32_t proxy__tz_offset(const proxy_session_t *s, int64_t unix_s);

/* datetime.c: PostgreSQL's ISO output (DateStyle ISO, IntervalStyle postgres) */
void proxy__fmt_date(int64_t days_1970, am_buf_t *out);
void proxy__fmt_time(int64_t us, am_buf_t *out);
/* With has_tz the value is shifted by offset_s and the offset printed (+00, -05, +05:30). */
void proxy__fmt_timestamp(int64_t unix_us, bool has_tz, int32_t offset_s, am_buf_t *out);
void proxy__fmt_interval(int32_t months, int32_t days, int64_t micros, am_buf_t *out);

/* ---- guard.c: only reads reach DuckDB ---------------------------------------------------- */

/* Parses and prepares one statement; refuses (25006/42501) anything but a read. */
duckdb_prepared_statement proxy__guard_prepare(duckdb_connection con, const char *sql,
                                               am_err_t *err);
/* Parse check only (no binding): false with 42601 when sql does not parse. */
bool proxy__guard_parses(duckdb_connection con, const char *sql, am_err_t *err) AM_MUST_CHECK;
/* DuckDB error text and type -> err with a PostgreSQL SQLSTATE. */
void proxy__duck_error(am_err_t *err, duckdb_error_type type, const char *msg);

/* ---- types.c: DuckDB values as PostgreSQL text and binary -------------------------------- */

typedef struct proxy_col {
    char *name;
    duckdb_logical_type ltype;
    duckdb_type type;
    uint32_t oid;
    int16_t typlen;
    int32_t typmod;
} proxy_col_t;

void proxy__col_describe(proxy_col_t *c); /* oid, typlen, typmod from ltype */
/* Types the text encoder handles (the rest are cast to VARCHAR by the query wrapper). */
bool proxy__type_supported(duckdb_logical_type t);
/* Appends Int32 length + row's value of vec as text (format 0) or binary (format 1), or -1 for
 * NULL (returns false then). */
bool proxy__value_encode(const proxy_session_t *s, duckdb_logical_type t, duckdb_vector vec,
                         idx_t row, int16_t format, am_buf_t *out);
bool proxy__value_is_valid(duckdb_vector vec, idx_t row);

/* ---- exec.c: running one statement and streaming its rows -------------------------------- */

typedef struct proxy_cursor {
    duckdb_prepared_statement ps; /* owned */
    duckdb_result result;
    bool has_result;
    duckdb_data_chunk chunk;
    idx_t chunk_row;
    idx_t chunk_size;
    proxy_col_t *cols;
    size_t n_cols;
    int16_t *formats; /* per column, owned */
    uint64_t n_sent;  /* rows sent by the current Execute */
    bool done;
    bool materialize; /* run to completion first (SQL cursors), not streamed */
    duckdb_statement_type stype;
} proxy_cursor_t;

/* guard_prepare, then a VARCHAR cast around columns of types types.c cannot print. */
duckdb_prepared_statement proxy__prepare_read(duckdb_connection con, const char *sql,
                                              am_err_t *err);
/* Columns of a prepared statement (for RowDescription before execution); takes ps. */
bool proxy__cursor_open(proxy_cursor_t *c, duckdb_prepared_statement ps,
                        am_err_t *err) AM_MUST_CHECK;
void proxy__cursor_set_formats(proxy_cursor_t *c, const int16_t *f, size_t n);
void proxy__cursor_rowdesc(proxy_session_t *s, const proxy_cursor_t *c);
/* Runs the statement if needed and sends up to max_rows DataRows (0 = all); *suspended when more.
 */
bool proxy__cursor_fetch(proxy_session_t *s, proxy_cursor_t *c, uint64_t max_rows, bool *suspended,
                         am_err_t *err) AM_MUST_CHECK;
/* Runs the statement now if it has not run yet. */
bool proxy__cursor_run(proxy_cursor_t *c, am_err_t *err) AM_MUST_CHECK;
/* Like fetch, but sends nothing (MOVE); n_sent counts the rows passed over. */
bool proxy__cursor_skip(proxy_cursor_t *c, uint64_t max_rows, am_err_t *err) AM_MUST_CHECK;
void proxy__cursor_tag(const proxy_cursor_t *c, char *tag, size_t tag_len);
void proxy__cursor_close(proxy_cursor_t *c);

/* colname.c: PostgreSQL's names for result columns */

/*
 * Per result column of ps (prepared from sql), the name PostgreSQL would give it where DuckDB's
 * differs (count(*) -> count, x::int -> x, a + b -> ?column?); NULL entries keep DuckDB's.
 * NULL when every name stands or the parse tree cannot be lined up with the columns.
 * Free with proxy__colnames_free(names, column count).
 */
char **proxy__colnames(duckdb_connection con, const char *sql, duckdb_prepared_statement ps);
void proxy__colnames_free(char **names, size_t n);
/* Applies names (one per column of c, from proxy__colnames; NULL is a no-op). */
void proxy__cursor_rename(proxy_cursor_t *c, char *const *names);

/* simple.c */
void proxy__simple_query(proxy_session_t *s, const char *sql);
/* Runs one DuckDB-bound statement (already rewritten) end to end, as Simple Query does. */
bool proxy__run_statement(proxy_session_t *s, const char *sql, am_err_t *err) AM_MUST_CHECK;
bool proxy__duck_tx_begin(proxy_session_t *s, am_err_t *err) AM_MUST_CHECK;

/* cursor.c: DECLARE, FETCH, MOVE, CLOSE */

bool proxy__sqlcur_is_command(const char *sql, size_t len);
/* Runs one of them; describe_rows sends a RowDescription before FETCHed rows (simple query). */
bool proxy__sqlcur_command(proxy_session_t *s, const char *sql, size_t len, bool describe_rows,
                           am_err_t *err) AM_MUST_CHECK;
/* Extended protocol Describe: the cursor's RowDescription for FETCH, NoData otherwise. */
void proxy__sqlcur_describe(proxy_session_t *s, const char *sql, size_t len);
/* The transaction block ends: WITHOUT HOLD cursors close, and on rollback the block's own. */
void proxy__sqlcur_end_tx(proxy_session_t *s, bool committed);
void proxy__sqlcur_close_all(proxy_session_t *s);

/* extended.c */
void proxy__extended_message(proxy_session_t *s, char type, const uint8_t *body, size_t len);
void proxy__extended_reset(proxy_session_t *s); /* DISCARD ALL, disconnect */
void proxy__extended_drop_unnamed(proxy_session_t *s);
bool proxy__extended_deallocate(proxy_session_t *s, const char *name); /* NULL = all */

#endif /* AM_PROXY_INTERNAL_H */
