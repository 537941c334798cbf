/*
 * proxy/proxy_internal.h: what the proxy's own .c files share. Not for other modules.
 *
 * Threads: struct proxy is shared by the accept thread, the watermark poller, every client
 * thread and whoever calls proxy_refresh(); a proxy_session_t belongs to its client thread.
 */
#ifndef AM_PROXY_INTERNAL_H
#define AM_PROXY_INTERNAL_H

#include "proxy/proxy.h"
#include "proxy/sql_internal.h"

/* parse tree nodes (pg_query/pg_query.pb-c.h), by reference only */
struct PgQuery__VariableSetStmt;
struct PgQuery__VariableShowStmt;
struct PgQuery__TransactionStmt;
struct PgQuery__FetchStmt;
struct PgQuery__CopyStmt;

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
/* AuthenticationSASL: SCRAM-SHA-256, and first SCRAM-SHA-256-PLUS when plus (over TLS). */
void proxy__wire_auth_sasl(am_buf_t *b, bool plus);
void proxy__wire_param_status(am_buf_t *b, const char *name, const char *value);
void proxy__wire_backend_key(am_buf_t *b, uint32_t pid, uint32_t key);
void proxy__wire_ready(am_buf_t *b, char status);
void proxy__wire_complete(am_buf_t *b, const char *tag);
void proxy__wire_negotiate(am_buf_t *b, uint32_t minor, const char *const *names, size_t n);
void proxy__wire_param_desc(am_buf_t *b, const uint32_t *oids, size_t n);
/* 'E' or 'N'; detail and hint may be NULL. */
void proxy__wire_error(am_buf_t *b, char type, const char *severity, const char *sqlstate,
                       const char *message, const char *detail, const char *hint);
/* Same with the statement position ('P', 1-based characters; 0 = none). */
void proxy__wire_error_at(am_buf_t *b, char type, const char *severity, const char *sqlstate,
                          const char *message, const char *detail, const char *hint, int position);
size_t proxy__wire_rowdesc_begin(am_buf_t *b, uint16_t n_fields);
void proxy__wire_rowdesc_field(am_buf_t *b, const char *name, uint32_t oid, int16_t typlen,
                               int32_t typmod, int16_t format);
void proxy__wire_rowdesc_field_at(am_buf_t *b, const char *name, uint32_t relid, int16_t attnum,
                                  uint32_t oid, int16_t typlen, int32_t typmod, int16_t format);
size_t proxy__wire_datarow_begin(am_buf_t *b, uint16_t n_values);

/* ---- scram.c: SCRAM-SHA-256 server side (RFC 5802/7677 as PostgreSQL speaks it) --------- */

typedef struct proxy_scram_secret {
    uint8_t salt[64];
    size_t salt_len; /* 16 when made here; a verifier's may differ */
    int iterations;
    uint8_t stored_key[32];
    uint8_t server_key[32];
} proxy_scram_secret_t;

/* Random salt, 4096 iterations. An empty password yields a secret no proof matches. */
void proxy__scram_secret_init(proxy_scram_secret_t *sec, const char *password);
/* A verifier as pg_authid.rolpassword holds it:
 * "SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>"; false (28P01
 * class "28000") for anything else (md5, plain text, malformed). */
bool proxy__scram_secret_parse(proxy_scram_secret_t *sec, const char *verifier,
                               am_err_t *err) AM_MUST_CHECK;

typedef struct proxy_scram {
    int state;         /* 0 expect client-first, 1 expect client-final, 2 done */
    bool doomed;       /* unknown user or no password: fail at the end */
    bool tls;          /* over TLS: SCRAM-SHA-256-PLUS was offered */
    bool plus;         /* the client chose SCRAM-SHA-256-PLUS */
    uint8_t cbind[64]; /* tls-server-end-point: the hash of the server's certificate */
    size_t cbind_len;
    char nonce[128];   /* client nonce + server nonce */
    char gs2_b64[160]; /* base64 of gs2 header (+ binding data with PLUS), for c= */
    am_buf_t auth_msg; /* client-first-bare , server-first , (client-final-without-proof) */
    proxy_scram_secret_t secret;
} proxy_scram_t;

/* doomed_key: per-proxy random bytes that give unknown users a stable fake salt. */
void proxy__scram_init(proxy_scram_t *s, const proxy_scram_secret_t *sec, bool user_ok,
                       const char *user, const uint8_t doomed_key[32]);
void proxy__scram_destroy(proxy_scram_t *s);
/* Over TLS (before proxy__scram_first): the mechanism the client chose and the channel
 * binding data (RFC 5929 tls-server-end-point); SCRAM-SHA-256 with "y" is then a downgrade. */
void proxy__scram_set_tls(proxy_scram_t *s, bool plus, const uint8_t *cbind, size_t len);
/* client-first -> server-first appended to out. */
bool proxy__scram_first(proxy_scram_t *s, const uint8_t *data, size_t len, am_buf_t *out,
                        am_err_t *err) AM_MUST_CHECK;
/* client-final -> server-final appended to out; false (28P01) when the proof is wrong. */
bool proxy__scram_final(proxy_scram_t *s, const uint8_t *data, size_t len, am_buf_t *out,
                        am_err_t *err) AM_MUST_CHECK;

/* A resolved search path (existing schemas, "$user" expanded), for names and visibility. */
typedef struct proxy_path {
    const char *names[32];
    size_t n;
} proxy_path_t;

/* ---- the server: struct proxy and its clients -------------------------------------------- */

typedef struct proxy_client proxy_client_t;
/* proxy_client.stage: where a connection is; only PROXY_STAGE_SESSION counts in n_sessions */
enum { PROXY_STAGE_CONNECTED = 0, PROXY_STAGE_AUTH = 1, PROXY_STAGE_SESSION = 2 };

struct proxy_client {
    proxy_t *proxy;
    int fd;
    int64_t accepted_us;         /* am_mono_us() */
    _Atomic int stage;           /* PROXY_STAGE_* */
    bool evicted;                /* guarded by proxy->lock: shut down to make room, or late */
    _Atomic int64_t deadline_us; /* the running message's statement_timeout; 0 = none */
    atomic_bool timed_out;       /* the watchdog interrupted it for statement_timeout */
    atomic_bool hung_up;         /* the client closed its end while a statement ran */
    pthread_t thread;
    uint32_t pid;
    uint32_t key;
    bool is_session;       /* guarded by proxy->lock: counted in n_clients */
    duckdb_connection con; /* guarded by proxy->lock for cancel; used by the client thread */
    atomic_bool busy;      /* a statement is running: a CancelRequest may interrupt it */
    atomic_bool done;      /* the thread has finished; the accept thread may join it */
    proxy_client_t *next;  /* guarded by proxy->lock */
};

struct proxy_auth;
struct proxy_tls;

struct proxy {
    char *listen_host;
    int max_pending;
    int auth_timeout_ms;
    int statement_timeout_ms;
    int idle_in_tx_timeout_ms;
    int max_prepared;
    int max_portals;
    char *memory_limit; /* DuckDB settings at open; NULL = DuckDB's own */
    char *temp_directory;
    char *max_temp_size;
    struct proxy_auth *auth; /* who may log in (auth.c) */
    struct proxy_tls *tls;   /* NULL when TLS is off (tls.c) */
    pthread_t watchdog_thread;
    bool watchdog_started;
    char *user; /* the configured user ("" with users or an auth query) */
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
    int poll_wake; /* eventfd: proxy_stop wakes the poller's sleep */

    duckdb_database db;
    uint8_t doomed_key[32]; /* immutable after start */

    pthread_mutex_t lock;    /* guards clients, n_sessions, next_pid */
    proxy_client_t *clients; /* guarded by lock */
    int n_sessions;          /* guarded by lock */
    uint32_t next_pid;       /* guarded by lock */
    _Atomic int n_threads;
    _Atomic int64_t spawn_failing_since_us; /* 0: the last client thread started */

    /* Serialises view rebuilds: two DuckDB catalog writers would abort each other. */
    pthread_mutex_t refresh_lock;
    char *applied_wm;  /* guarded by refresh_lock: signature of the views shown */
    char **view_names; /* guarded by refresh_lock: "schema\0name" of every view */
    size_t n_views;    /* guarded by refresh_lock */
    /* guarded by refresh_lock: each view's table, snapshot and relation when it was last
     * written, so that a new watermark rewrites only the views of tables that changed */
    struct proxy_viewstate *vstates;
    size_t n_vstates;
    _Atomic uint64_t visible_lsn;
    _Atomic uint64_t views_gen; /* +2 at every view refresh, odd while one runs */
    char *applied_catalog;      /* guarded by refresh_lock: the catalog file now loaded */
    pthread_mutex_t cat_lock;   /* guards cat */
    struct proxy_pgcat *cat;    /* guarded by cat_lock: the served catalog of the views */
    int64_t start_us;           /* when the proxy started (pg_postmaster_start_time) */
    /* the watermark file as the poller last saw it; poller thread only */
    int64_t wm_mtime_ns;
    int64_t wm_size;
    uint64_t wm_ino;
};

/* server.c */
void proxy__cancel(proxy_t *p, uint32_t pid, uint32_t key);
/* Opens the listening socket (host, port) into p->listen_fd. */
bool proxy__listen(proxy_t *p, int port, am_err_t *err) AM_MUST_CHECK;

/* ---- limits.c: the watchdog and the per-session limits ------------------------------------ */

typedef struct proxy_session proxy_session_t; /* defined below (C11 allows the repeat) */

/* Starts the watchdog thread: authentication deadlines, statement_timeout, clients that hang
 * up mid-statement (interrupted at once). Stops with p->stopping; joined by proxy_stop. */
bool proxy__watchdog_start(proxy_t *p, am_err_t *err) AM_MUST_CHECK;
void proxy__watchdog_join(proxy_t *p);
/* On accept: room among the connections still authenticating, shutting the one that made
 * least progress down when full; false when even that cannot make room (close fd). */
bool proxy__pending_admit(proxy_t *p);
/* A message starts/ends: arms the statement deadline from the session's statement_timeout. */
void proxy__limits_message_begin(proxy_session_t *s);
void proxy__limits_message_end(proxy_session_t *s);
/* idle_in_transaction_session_timeout of the session in ms (0 = none). */
int64_t proxy__limits_idle_tx_ms(const proxy_session_t *s);
/* A setting's value at session start and RESET: the configured defaults of the timeouts. */
const char *proxy__limits_default(const proxy_t *p, const char *name, const char *dflt);
/* SET of a limit checked as PostgreSQL checks it (22023); true for every other name. */
bool proxy__limits_setting_check(const char *name, const char *value, am_err_t *err) AM_MUST_CHECK;
/* Before Parse/PREPARE adds name, and before a portal or cursor named name opens: 54000 when
 * the session is at its cap (a name that exists already replaces itself: no new slot). */
bool proxy__limits_prep_room(proxy_session_t *s, const char *name, am_err_t *err) AM_MUST_CHECK;
bool proxy__limits_portal_room(proxy_session_t *s, const char *name, am_err_t *err) AM_MUST_CHECK;
/* DuckDB settings of the server process (memory, spill directory and its cap), at open. */
void proxy__limits_duck_config(const proxy_t *p, duckdb_config cfg);
/* The message of a 57014 the watchdog caused (statement timeout, client gone). */
void proxy__limits_error_text(const proxy_session_t *s, const char *sqlstate, char *msg,
                              size_t cap);

/* ---- tls.c: TLS on the client socket (OpenSSL) -------------------------------------------- */

/* Reads certificate and key (before the sandbox); NULL mode or "disable" leaves p->tls NULL. */
bool proxy__tls_init(proxy_t *p, const char *mode, const char *cert, const char *key,
                     am_err_t *err) AM_MUST_CHECK;
void proxy__tls_free(proxy_t *p);
bool proxy__tls_required(const proxy_t *p);
/* Handshake on s->fd after 'S' was sent; false when it failed (logged, connection ends). */
bool proxy__tls_accept(proxy_session_t *s) AM_MUST_CHECK;
/* Like recv/send on the socket: > 0 bytes, 0 on EOF, -1 on error. */
long proxy__tls_read(proxy_session_t *s, void *p, size_t n);
long proxy__tls_write(proxy_session_t *s, const void *p, size_t n);
void proxy__tls_close(proxy_session_t *s);
/* Decrypted bytes wait in OpenSSL's buffer (poll on the socket would not see them). */
bool proxy__tls_pending(proxy_session_t *s);
/* tls-server-end-point data of the certificate (RFC 5929), for SCRAM-SHA-256-PLUS. */
const uint8_t *proxy__tls_cbind(const proxy_t *p, size_t *len);

/* ---- auth.c: who may log in ---------------------------------------------------------------- */

bool proxy__auth_init(proxy_t *p, const proxy_options_t *o, am_err_t *err) AM_MUST_CHECK;
void proxy__auth_free(proxy_t *p);
/* The secret of user: *found false (and a secret no proof matches) for an unknown user or
 * one without a SCRAM verifier; false + err when the lookup itself failed (source down). */
bool proxy__auth_lookup(proxy_t *p, const char *user, proxy_scram_secret_t *sec, bool *found,
                        am_err_t *err) AM_MUST_CHECK;
const char *proxy__auth_method(const proxy_t *p); /* "auth_query", "users", "single user" */
/* Counts the client as a session; false (53300 sent by the caller) when full. */
bool proxy__session_register(proxy_t *p, proxy_client_t *c);
void proxy__session_unregister(proxy_t *p, proxy_client_t *c);
void proxy__client_set_con(proxy_client_t *c, duckdb_connection con);

/* ---- metrics.c: sessions, statements by outcome, statement duration ----------------------- */

void proxy__metrics_init(void);
/* One statement ended (err NULL: ok; 57014: cancelled) that began at start_us (am_mono_us). */
void proxy__metrics_query(const am_err_t *err, int64_t start_us);
void proxy__metrics_connections(int n);
/* A DuckDB statement was prepared for a query (false) or a kept one taken (true). */
void proxy__metrics_statement(bool kept);

/* ---- catalog.c: the DuckDB database, its lockdown, views over the lake ------------------- */

bool proxy__catalog_open(proxy_t *p, am_err_t *err) AM_MUST_CHECK;
bool proxy__catalog_refresh(proxy_t *p, am_err_t *err) AM_MUST_CHECK;
/* The refresh at start. The writer may commit and expire (keep_snapshots) the snapshot a
 * watermark names while a slow start reads it: under ASan and load a restarted server failed
 * that way at every start for a minute. A failure while the watermark moved on is tried again
 * (up to FIRST_REFRESH_TRIES times); one on a watermark that stood still is the error. */
#define FIRST_REFRESH_TRIES 50
bool proxy__catalog_refresh_first(proxy_t *p, am_err_t *err) AM_MUST_CHECK;
void proxy__catalog_close(proxy_t *p);
/* pgfn_cat.c: format_type, and a reg* value's name as regclassout & co. print it. */
void proxy__format_type(const struct proxy_pgcat *cat, uint32_t oid, int32_t typmod, bool given,
                        const proxy_path_t *pa, am_buf_t *b);
void proxy__reg_out(const struct proxy_pgcat *cat, uint32_t type, int64_t oid,
                    const proxy_path_t *pa, am_buf_t *b);
/* The am_* functions that read the served catalog (names of reg* values, format_type ...). */
bool proxy__pgfn_cat_register(duckdb_connection con, proxy_t *p, am_err_t *err) AM_MUST_CHECK;
/* pgcat_macros.c: the DuckDB macros over am_cat tables the compiler's catalog functions call. */
bool proxy__pgcat_macros(const struct proxy_pgcat *cat, duckdb_connection con,
                         am_err_t *err) AM_MUST_CHECK;
/* The served catalog of the views now shown (a reference; NULL before the first one). */
struct proxy_pgcat *proxy__catalog_current(proxy_t *p);
/* Runs sql on con; err gets DuckDB's message. */
bool proxy__duck_exec(duckdb_connection con, const char *sql, am_err_t *err) AM_MUST_CHECK;
/* ---- session.c / conn.c: one client ------------------------------------------------------ */

typedef struct proxy_setting {
    char *name; /* canonical spelling */
    char *value;
} proxy_setting_t;

/* SAVEPOINT: its name and the settings ROLLBACK TO puts back (session_txset.c) */
typedef struct proxy_savepoint {
    char *name;
    proxy_setting_t *values, *locals;
    size_t n_values, n_locals;
} proxy_savepoint_t;

typedef struct proxy_prep proxy_prep_t;
typedef struct proxy_portal proxy_portal_t;

/* stmtcache.c: DuckDB statements kept for the next run of the same compiled SQL */
#define PROXY_STMT_CACHE_SIZE 16
typedef struct proxy_stmt_entry {
    char *sql;               /* the compiled DuckDB SQL */
    struct proxy_pgcat *cat; /* a reference, the cache's cat */
    duckdb_prepared_statement ps;
    uint64_t used; /* clock of its last give: the least recent goes first */
} proxy_stmt_entry_t;
typedef struct proxy_stmt_cache {
    proxy_stmt_entry_t e[PROXY_STMT_CACHE_SIZE];
    size_t n;
    uint64_t clock;
    /* what every entry was bound under: the last take's catalog (compared, not referenced)
     * and views_gen */
    const struct proxy_pgcat *cat;
    uint64_t gen;
} proxy_stmt_cache_t;
/* gen: views_gen read before the statement is looked up or prepared, outside a transaction
 * block only (a block reads the views as of its start, not as of gen). */
/* The kept statement of sql under cat and gen, bindings cleared, now the caller's; NULL when
 * none. Another cat or gen than the last take's drops every kept statement. */
duckdb_prepared_statement proxy__stmt_take(proxy_stmt_cache_t *c, const char *sql,
                                           const struct proxy_pgcat *cat, uint64_t gen);
/* Keeps ps (the least recent goes when full; destroyed unless cat and gen are the last
 * take's and gen is even); takes sql and the reference to cat. */
void proxy__stmt_give(proxy_stmt_cache_t *c, char *sql, struct proxy_pgcat *cat, uint64_t gen,
                      duckdb_prepared_statement ps);
/* Before the connection goes, and on DISCARD PLANS / ALL. */
void proxy__stmt_cache_clear(proxy_stmt_cache_t *c);

typedef struct proxy_session {
    proxy_t *proxy;
    proxy_client_t *client;
    int fd;
    am_buf_t out;
    am_buf_t in;
    bool io_failed;
    duckdb_connection con;
    struct ssl_st *ssl;                /* the TLS connection, NULL in plain text (conn.c, tls.c) */
    char *role;                        /* the authenticated role */
    char tx;                           /* 'I' idle, 'T' in a block, 'E' failed block */
    bool duck_tx;                      /* a DuckDB transaction is open for the block */
    const proxy_portal_t *exec_portal; /* the protocol portal running a FETCH, or NULL */
    uint64_t duck_gen;                 /* proxy views_gen when that transaction began */
    /* the implicit transaction is open: the extended protocol's (until Sync) or a simple query
     * string's (until its end) */
    bool implicit_tx;
    int64_t tx_start_us; /* now() of the current transaction */
    char *tx_isolation;  /* BEGIN ISOLATION LEVEL ... of the block, NULL = the default */
    /* a simple query string of several statements, outside a block, runs as one implicit
     * block: SET TRANSACTION shapes it rather than warning */
    bool implicit_block;
    bool tx_read_only_set;
    proxy_setting_t *settings;
    size_t n_settings;
    /* the transaction's settings layer (session_txset.c): the settings when it began (what
     * ROLLBACK restores), what each SET LOCAL name goes back to at its end, savepoints */
    proxy_setting_t *tx_settings, *local_settings;
    size_t n_tx_settings, n_local_settings;
    proxy_savepoint_t *savepoints;
    size_t n_savepoints;
    bool implicit_failed; /* an error in the implicit transaction: it ends rolled back */
    bool settings_dirty;  /* a setting changed since the last snapshot of them */
    bool tx_open;         /* the settings layer is open (tx_settings taken at the first SET) */
    int extra_float_digits;
    int date_style, date_order; /* DateStyle: PROXY_PG_*_DATES, PROXY_PG_DATEORDER_* */
    int interval_style;         /* IntervalStyle: PROXY_PG_INTSTYLE_* */
    int32_t tz_fixed_s;         /* offset east of UTC when tz_zone is NULL */
    struct proxy_tz *tz_zone;
    struct proxy_pgcat *cat; /* the served catalog this transaction reads (a reference) */
    proxy_prep_t *preps;     /* prepared statements: protocol Parse and SQL PREPARE */
    proxy_portal_t *portals; /* protocol portals and DECLAREd cursors */
    bool skip_to_sync;       /* an extended-protocol error: ignore until Sync */
    am_arena_t *arena;       /* per message */
    proxy_stmt_cache_t stmts;
} proxy_session_t;

/* conn.c */
bool proxy__send(proxy_session_t *s); /* writes out and empties it */
void proxy__maybe_flush(proxy_session_t *s);
void proxy__send_error(proxy_session_t *s, const am_err_t *err);
/* With a 1-based character position in the statement (psql's "LINE 1: ... ^"). */
void proxy__send_error_at(proxy_session_t *s, const am_err_t *err, int position);
void proxy__send_notice(proxy_session_t *s, const char *sqlstate, const char *msg);
void *proxy__client_main(void *arg);

/* session.c: run-time settings; session_tx.c: the transaction block */
void proxy__session_init(proxy_session_t *s, const proxy_startup_t *st);
void proxy__session_destroy(proxy_session_t *s);
void proxy__session_report_all(proxy_session_t *s); /* ParameterStatus after auth */
const char *proxy__setting_find(const proxy_session_t *s, const char *name);
/* SET/RESET/SET LOCAL/SET TRANSACTION ...; sends CommandComplete and ParameterStatus. */
bool proxy__session_set(proxy_session_t *s, const struct PgQuery__VariableSetStmt *v,
                        am_err_t *err) AM_MUST_CHECK;
/* SHOW name | ALL: RowDescription (when describe) and rows; Describe-only when !run. */
bool proxy__session_show(proxy_session_t *s, const struct PgQuery__VariableShowStmt *v,
                         bool describe, bool run, am_err_t *err) AM_MUST_CHECK;
/* SET TRANSACTION / BEGIN characteristics: the block's isolation (or the session default's
 * when session); read-write is refused (25006). */
bool proxy__session_tx_options(proxy_session_t *s, struct PgQuery__Node **opts, size_t n,
                               bool session, am_err_t *err) AM_MUST_CHECK;
/* set_config(name, value, is_local) as SET and SET LOCAL do it (value NULL: the default);
 * *shown is the value current_setting() then shows, malloc'd. */
bool proxy__session_set_config(proxy_session_t *s, const char *name, const char *value,
                               bool is_local, char **shown, am_err_t *err) AM_MUST_CHECK;
/* ParameterStatus of name when it is a reported setting. */
void proxy__session_report(proxy_session_t *s, const char *name);
/* session_setconfig.c: SELECT [pg_catalog.]set_config(...)[, ...] of constants, alone, is
 * run as SET (pg_dump starts with one); set_config anywhere else is refused by the compiler */
bool proxy__setconfig_match(const struct PgQuery__Node *node);
bool proxy__setconfig_run(proxy_session_t *s, const struct PgQuery__Node *node, bool describe,
                          bool run, am_err_t *err) AM_MUST_CHECK;
/* Puts a setting back to value at a transaction's end or a savepoint's rollback (NULL: its
 * default); a reported one that changes sends ParameterStatus. */
void proxy__setting_restore(proxy_session_t *s, const char *name, const char *value);
/* session_txset.c: settings under transactions. begin snapshots them (idempotent within a
 * transaction); set is called before a SET LOCAL and after a session SET inside one; end
 * keeps session SETs on commit and puts every setting back on rollback. */
void proxy__txset_begin(proxy_session_t *s);
/* Before a setting changes: the transaction's snapshot, taken at the first change only (most
 * transactions set nothing, and the extended protocol opens one per Sync). */
void proxy__txset_touch(proxy_session_t *s);
void proxy__txset_end(proxy_session_t *s, bool commit);
void proxy__txset_set(proxy_session_t *s, const char *name, bool local);
void proxy__txset_savepoint(proxy_session_t *s, const char *name);
bool proxy__txset_savepoint_known(proxy_session_t *s, const char *name, am_err_t *err);
bool proxy__txset_rollback_to(proxy_session_t *s, const char *name, am_err_t *err);
bool proxy__txset_release(proxy_session_t *s, const char *name, am_err_t *err);
void proxy__txset_fail(proxy_session_t *s);
/* session_tx.c: BEGIN, COMMIT, ROLLBACK, savepoints. */
bool proxy__session_transaction(proxy_session_t *s, const struct PgQuery__TransactionStmt *t,
                                am_err_t *err) AM_MUST_CHECK;
void proxy__session_reset_all(proxy_session_t *s);
void proxy__session_fail_tx(proxy_session_t *s);
/* A statement outside a block opens the implicit transaction (now(), the catalog) unless it
 * is open; it ends at Sync, or at the end of the simple query string. */
void proxy__session_implicit_begin(proxy_session_t *s);
void proxy__session_sync(proxy_session_t *s);
/* The block (or the session's default) is READ COMMITTED or READ UNCOMMITTED: each statement
 * may read the newest views. */
bool proxy__session_reads_committed(const proxy_session_t *s);
bool proxy__duck_tx_begin(proxy_session_t *s, am_err_t *err) AM_MUST_CHECK;
/* The DuckDB transaction a query about to run reads in, begun when its statements share one. */
bool proxy__session_read_tx(proxy_session_t *s, am_err_t *err) AM_MUST_CHECK;
/* Starts the statement's transaction context when none is open: now(), the catalog. */
/* A statement of a READ COMMITTED block starts: the newest catalog and views (session.c). */
void proxy__session_stmt_snapshot(proxy_session_t *s);
void proxy__session_stmt_begin(proxy_session_t *s);
/* The session's search path resolved (strings in arena). */
void proxy__session_path(const proxy_session_t *s, am_arena_t *arena, proxy_path_t *out);
/* The compiler's view of the session (valid until the session's settings change). */
void proxy__session_env(proxy_session_t *s, struct proxy_sqlenv *env);

/* tz.c: the TimeZone setting */
typedef struct proxy_tz proxy_tz_t;
/* PostgreSQL's TimeZone setting (check_timezone: a number is hours east, else pg_tzset: IANA
 * names, POSIX strings); *zone is set, *fixed_s 0. False when PostgreSQL would reject it. */
bool proxy__tz_parse(const char *name, int32_t *fixed_s, proxy_tz_t **zone) AM_MUST_CHECK;
void proxy__tz_free(proxy_tz_t *z);
int32_t proxy__tz_offset(const proxy_session_t *s, int64_t unix_s);

/* datetime.c: PostgreSQL's ISO output (DateStyle ISO, IntervalStyle postgres) */
void proxy__fmt_date(const proxy_session_t *s, int64_t days_1970, am_buf_t *out);
void proxy__fmt_time(int64_t us, am_buf_t *out);
/* With has_tz the value is shifted by offset_s and the offset printed (+00, -05, +05:30). */
void proxy__fmt_timestamp(const proxy_session_t *s, int64_t unix_us, bool has_tz, am_buf_t *out);
void proxy__fmt_interval(const proxy_session_t *s, int32_t months, int32_t days, int64_t micros,
                         am_buf_t *out);
/* SET DateStyle / IntervalStyle as PostgreSQL checks and normalises them (22023). */
bool proxy__datestyle_set(proxy_session_t *s, const char *value, char **norm,
                          am_err_t *err) AM_MUST_CHECK;
bool proxy__intervalstyle_set(proxy_session_t *s, const char *value, char **norm,
                              am_err_t *err) AM_MUST_CHECK;

/* duckerr.c: DuckDB's errors as PostgreSQL's */
void proxy__duck_error(am_err_t *err, duckdb_error_type type, const char *msg);

/* ---- types.c: values as PostgreSQL text and binary, by their PostgreSQL type ------------ */

typedef struct proxy_col {
    char *name;
    duckdb_logical_type ltype;
    duckdb_type type;
    proxy_pgtype_ref_t pg; /* the PostgreSQL type (a domain's base type already) */
    uint32_t oid;          /* RowDescription: type, typmod, typlen, table and column */
    int16_t typlen;
    int32_t typmod;
    uint32_t relid;
    int16_t attnum;
    duckdb_vector vec; /* the column in the cursor's current chunk (looked up once a chunk) */
    /* A LIST column whose binary form is array_send with PostgreSQL's element (set by
     * proxy__col_describe, so that a value's encoding looks nothing up) */
    bool array_binary;
    uint32_t array_elem; /* in array_send's header: a domain's own OID, as PostgreSQL's */
    uint32_t array_send; /* whose send function encodes each element: a domain's base */
} proxy_col_t;

/* Fills oid, typlen, typmod from pg (and base type) for RowDescription. */
void proxy__col_describe(const struct proxy_pgcat *cat, proxy_col_t *c);
/* Appends Int32 length + the value as text (format 0) or binary (format 1), or -1 for NULL
 * (returns false then); false with err->sqlstate set when binary is not available. */
bool proxy__value_encode(const proxy_session_t *s, const proxy_col_t *col, duckdb_vector vec,
                         idx_t row, int16_t format, am_buf_t *out);
bool proxy__value_is_valid(duckdb_vector vec, idx_t row);
/* types.c: by the DuckDB vector's type alone (typeout.c's fallback). */
/* A LIST value as array_send with elem_oid in its header and each element as send_oid's send
 * function writes it (they differ for a domain's array); text-held numeric and jsonb elements
 * in their binary forms, others in their DuckDB type's (the Int32 length is not written
 * here). */
void proxy__duck_array_binary(const proxy_session_t *s, duckdb_logical_type lt, duckdb_vector vec,
                              idx_t row, uint32_t elem_oid, uint32_t send_oid, am_buf_t *out);
bool proxy__duck_value_encode(const proxy_session_t *s, duckdb_logical_type t, duckdb_vector vec,
                              idx_t row, int16_t format, am_buf_t *out);
/* An integer or float held in a DuckDB type of another width than pg_oid's (int2, int4,
 * int8, float4, float8) in the width PostgreSQL's send function writes: an int4 result that
 * DuckDB computed as BIGINT is 4 bytes. False when pg_oid is none of those or t no number. */
bool proxy__pg_width_binary(uint32_t pg_oid, duckdb_type t, duckdb_vector vec, idx_t row,
                            am_buf_t *out);
/* numeric's binary send format from its text ("-12.50", "NaN", "Infinity"). */
void proxy__numeric_binary(const char *txt, size_t n, am_buf_t *out);
/* The types whose binary form the proxy can send (Bind refuses the rest, 0A000). */
bool proxy__type_has_binary(const struct proxy_pgcat *cat, uint32_t oid);

/* ---- exec.c: one DuckDB statement and the streaming of its rows ------------------------- */

typedef struct proxy_cursor {
    duckdb_prepared_statement ps; /* owned */
    /* owned, or NULL: the statement with its DECIMAL products in 128 bits, run instead when
     * ps reports a 64-bit product overflow before any row passed. Prepared only then: a
     * prepare binds and plans the whole statement, and few statements ever overflow. */
    char *wide_sql;
    duckdb_connection con; /* the session's, for wide_sql */
    char **args;           /* owned: each parameter's text as bound, NULL for SQL NULL */
    size_t *arg_lens;
    size_t n_args;
    duckdb_result result;
    bool has_result;
    duckdb_data_chunk chunk;
    idx_t chunk_row;
    idx_t chunk_size;
    proxy_col_t *cols;
    size_t n_cols;
    int16_t *formats; /* per column, owned */
    uint64_t n_sent;  /* rows sent by the current Execute */
    uint64_t n_total; /* rows passed so far (FETCH/MOVE tags) */
    bool done;
    bool materialize; /* run to completion first (SQL cursors), not streamed */
    bool is_explain;
    /* Where ps goes back at close (NULL: destroyed): cache_sql (owned) is what it was
     * prepared from, cache_cat (a reference) and cache_gen what it was bound under. */
    proxy_stmt_cache_t *cache;
    char *cache_sql;
    struct proxy_pgcat *cache_cat;
    uint64_t cache_gen;
    /* a reference: columns DuckDB typed only once bound are described again by it */
    struct proxy_pgcat *cat;
} proxy_cursor_t;

/* Takes ps; columns described by the compiler's cols. */
void proxy__cursor_open(proxy_cursor_t *c, duckdb_prepared_statement ps,
                        const struct proxy_sqlcol *cols, size_t n_cols,
                        const struct proxy_pgcat *cat);
/* Binds the cursor's parameter texts to ps (its own, or the widened statement). */
bool proxy__cursor_bind(const proxy_cursor_t *c, duckdb_prepared_statement ps,
                        am_err_t *err) AM_MUST_CHECK;
/* Result formats per Bind's rules; 0A000 when binary is asked of a type without one here. */
bool proxy__cursor_set_formats(proxy_cursor_t *c, const int16_t *f, size_t n,
                               const struct proxy_pgcat *cat, am_err_t *err) AM_MUST_CHECK;
void proxy__cursor_rowdesc(proxy_session_t *s, const proxy_cursor_t *c);
/* Runs the statement if needed and sends up to max_rows DataRows (0 = all); *suspended when more.
 */
bool proxy__cursor_fetch(proxy_session_t *s, proxy_cursor_t *c, uint64_t max_rows, bool *suspended,
                         am_err_t *err) AM_MUST_CHECK;
bool proxy__cursor_run(proxy_cursor_t *c, am_err_t *err) AM_MUST_CHECK;
/* Like fetch, but sends nothing (MOVE); n_sent counts the rows passed over. */
bool proxy__cursor_skip(proxy_cursor_t *c, uint64_t max_rows, am_err_t *err) AM_MUST_CHECK;
void proxy__cursor_tag(const proxy_cursor_t *c, char *tag, size_t tag_len);
/* Runs the statement and calls fn for every row (c->chunk holds it); fn false stops (57014 if
 * the client went away). */
bool proxy__cursor_rows(proxy_session_t *s, proxy_cursor_t *c,
                        bool (*fn)(void *ud, proxy_cursor_t *c, idx_t row), void *ud,
                        am_err_t *err) AM_MUST_CHECK;
void proxy__cursor_close(proxy_cursor_t *c);
/* Sends a RowDescription for compiled columns (Describe of a statement). */
void proxy__rowdesc_send(proxy_session_t *s, const struct proxy_sqlcol *cols, size_t n,
                         const int16_t *formats, size_t n_formats);

/* ---- query.c: a read statement from tree to open cursor ---------------------------------- */

/* Compiles node (SELECT/VALUES/EXPLAIN) with the session's environment, prepares it in
 * DuckDB and binds the parameters (PostgreSQL text or binary, of the given types). */
typedef struct proxy_params {
    size_t n;
    const uint8_t *const *values; /* NULL entry = SQL NULL */
    const int32_t *lens;
    const int16_t *formats; /* per Bind's format list rules */
    size_t n_formats;
} proxy_params_t;
bool proxy__query_open(proxy_session_t *s, const struct PgQuery__Node *node,
                       const uint32_t *param_oids, size_t n_param_oids,
                       const proxy_params_t *params, proxy_cursor_t *cur,
                       am_err_t *err) AM_MUST_CHECK;
/* Compiles only (Parse, Describe): the result description and the parameter types. */
bool proxy__query_describe(proxy_session_t *s, const struct PgQuery__Node *node,
                           const uint32_t *param_oids, size_t n_param_oids,
                           struct proxy_sqlquery *out, am_err_t *err) AM_MUST_CHECK;

/* params.c: a binary parameter as PostgreSQL text of its type (then read by its input). */
bool proxy__param_binary_text(uint32_t oid, const uint8_t *p, size_t len, am_buf_t *out,
                              am_err_t *err) AM_MUST_CHECK;

/* ---- stmt.c: what a statement is, and running one ----------------------------------------- */

typedef enum proxy_stmt_kind {
    PROXY_STMT_EMPTY = 0,
    PROXY_STMT_QUERY,   /* SELECT, VALUES, TABLE, EXPLAIN: compiled to DuckDB */
    PROXY_STMT_UTILITY, /* answered by the proxy: SET, SHOW, BEGIN, DECLARE, COPY TO STDOUT ... */
} proxy_stmt_kind_t;

/* Classifies node, refusing what the mirror does not run with PostgreSQL's SQLSTATE. */
bool proxy__stmt_kind(const struct PgQuery__Node *node, proxy_stmt_kind_t *kind,
                      am_err_t *err) AM_MUST_CHECK;
/* Whether node ends a failed transaction block (COMMIT, ROLLBACK [TO SAVEPOINT]). */
bool proxy__stmt_ends_failed_tx(const struct PgQuery__Node *node);
/* Runs a utility statement; describe sends a RowDescription before rows (simple protocol). */
bool proxy__stmt_utility(proxy_session_t *s, const struct PgQuery__Node *node, const char *text,
                         bool describe, am_err_t *err) AM_MUST_CHECK;
/* Describe of a utility statement: RowDescription (SHOW, FETCH, EXECUTE) or NoData. */
void proxy__stmt_describe_utility(proxy_session_t *s, const struct PgQuery__Node *node);

/* simple.c */
void proxy__simple_query(proxy_session_t *s, const char *sql);

/* prepare.c: prepared statements, shared by Parse and SQL PREPARE (as PostgreSQL shares them) */
struct proxy_prep {
    char *name;
    char *text;
    proxy_sqlparse_t parse;           /* owned: zero or one statement (Parse) */
    struct PgQuery__Node *owned;      /* owned: PREPARE's query, copied out of its tree */
    const struct PgQuery__Node *node; /* NULL for an empty query */
    proxy_stmt_kind_t kind;
    uint32_t *param_oids;
    size_t n_params;
    proxy_sqlquery_t desc; /* queries: the description compiled at Parse */
    bool from_sql;         /* made by PREPARE */
    int refs;              /* the list holds one; each portal one more */
    proxy_prep_t *next;
};
/* Parses and describes text as statement name (Parse); false + err (nothing added). */
bool proxy__prep_add(proxy_session_t *s, const char *name, const char *text,
                     const uint32_t *param_oids, size_t n_param_oids, am_err_t *err) AM_MUST_CHECK;
proxy_prep_t *proxy__prep_find(proxy_session_t *s, const char *name);
bool proxy__prep_drop(proxy_session_t *s, const char *name); /* NULL = all; false if absent */
void proxy__prep_unref(proxy_prep_t *p);
/* PREPARE, EXECUTE, DEALLOCATE */
bool proxy__prep_sql(proxy_session_t *s, const struct PgQuery__Node *node, const char *text,
                     bool describe, am_err_t *err) AM_MUST_CHECK;

/* portal.c: portals: the extended protocol's and DECLAREd cursors (one namespace) */
struct proxy_portal {
    char *name;
    proxy_prep_t *prep; /* a reference; NULL for DECLARE */
    bool is_query;
    proxy_cursor_t cur;
    bool has_cur;
    bool ran;               /* a utility statement runs once */
    bool declared;          /* DECLARE ... CURSOR */
    bool hold;              /* WITH HOLD */
    bool no_scroll;         /* NO SCROLL: backward moves fail as in PostgreSQL */
    bool in_block;          /* declared in the current block: a ROLLBACK takes it even WITH HOLD */
    int16_t *fetch_formats; /* Bind's result formats of a utility portal (a FETCH), owned */
    size_t n_fetch_formats;
    proxy_portal_t *next;
};
proxy_portal_t *proxy__portal_find(proxy_session_t *s, const char *name);
proxy_portal_t *proxy__portal_new(proxy_session_t *s, const char *name);
void proxy__portal_drop(proxy_session_t *s, const char *name);
void proxy__portal_drop_all(proxy_session_t *s);
/* The block ends: WITHOUT HOLD cursors close, and on rollback the block's own; protocol
 * portals close with their transaction. */
void proxy__portal_end_tx(proxy_session_t *s, bool committed);
/* DECLARE, FETCH, MOVE, CLOSE */
bool proxy__portal_sql(proxy_session_t *s, const struct PgQuery__Node *node, bool describe,
                       am_err_t *err) AM_MUST_CHECK;
void proxy__portal_describe_fetch(proxy_session_t *s, const struct PgQuery__FetchStmt *f);

/* copy.c: COPY (query) TO STDOUT and COPY table TO STDOUT in text, csv and binary */
bool proxy__copy_out(proxy_session_t *s, const struct PgQuery__CopyStmt *c,
                     am_err_t *err) AM_MUST_CHECK;

/* extended.c */
void proxy__extended_message(proxy_session_t *s, char type, const uint8_t *body, size_t len);
void proxy__extended_reset(proxy_session_t *s); /* DISCARD ALL, disconnect */

#endif /* AM_PROXY_INTERNAL_H */
