/*
 * proxy/proxy.h: the PostgreSQL frontend/backend protocol v3 server over the mirrored tables.
 * Startup, SSLRequest (TLS 1.2+ with the configured certificate), SCRAM-SHA-256 and
 * SCRAM-SHA-256-PLUS of the source's roles (auth query), a static list or the configured
 * user, resource limits (connections, authentication deadline, statement and
 * idle-in-transaction timeouts, prepared statements, portals), the simple and extended query
 * protocols, text results with PostgreSQL type OIDs,
 * ErrorResponse with real SQLSTATEs. Queries run in DuckDB over views that lake_read_plan()
 * builds for the snapshots the watermark names; clients can read the mirror and nothing else.
 * Knows nothing of replication.
 *
 * Threads: proxy_start() starts an accept thread, a watermark poller, a watchdog (timeouts,
 * clients that hung up) and one thread (with its own duckdb_connection) per client. proxy_refresh()
 * may be called from any thread. proxy_stop() sets the stop flag, closes the listener, joins every
 * thread.
 */
#ifndef AM_PROXY_H
#define AM_PROXY_H

#include "util/util.h"

/* A role of proxy.users: its name and SCRAM verifier (pg_authid.rolpassword form). */
typedef struct proxy_user {
    const char *name;
    const char *verifier;
} proxy_user_t;

typedef struct proxy_options {
    const char *listen_host; /* "127.0.0.1" when NULL */
    int port;                /* 0 = ephemeral (see proxy_port) */
    bool has_listen_fd;      /* serve listen_fd (bound and listening; taken) instead */
    int listen_fd;
    /* Who may log in, the first that is set: an auth query on the source (auth_user), a
     * static list (users), else the one user with password ("" refuses every login). */
    const char *user;
    const char *password;
    const proxy_user_t *users;
    size_t n_users;
    const char *auth_conninfo;  /* libpq conninfo of the lookup role; NULL = no auth query */
    const char *auth_query;     /* $1 = user name -> (name, rolpassword) */
    const char *database;       /* the database name clients connect to */
    const char *warehouse;      /* where lake_watermark_read() looks */
    int max_clients;            /* authenticated sessions; 0 = 100; more get FATAL 53300 */
    int max_pending;            /* connections still authenticating; 0 = 32 */
    int auth_timeout_ms;        /* startup + authentication in all; 0 = 60000 */
    int statement_timeout_ms;   /* sessions' default statement_timeout; 0 = none */
    int idle_in_tx_timeout_ms;  /* sessions' default idle_in_transaction_session_timeout */
    int max_prepared;           /* prepared statements per session; 0 = 1000 */
    int max_portals;            /* portals and cursors per session; 0 = 100 */
    const char *memory_limit;   /* DuckDB memory_limit ("2GB"); NULL = DuckDB's default */
    const char *temp_directory; /* DuckDB's spill directory; NULL = none */
    const char *max_temp_directory_size; /* NULL = DuckDB's default */
    const char *tls_mode;                /* "disable" (NULL), "allow", "require" */
    const char *tls_cert;                /* PEM files, read at start */
    const char *tls_key;
    /* Called once the certificate is read and before DuckDB starts a thread or a client is
     * served (the server's sandbox); false stops proxy_start with err. */
    bool (*seal)(void *ud, am_err_t *err);
    void *seal_ud;
} proxy_options_t;

typedef struct proxy proxy_t;

/* Binds, loads the current watermark (an empty warehouse serves no tables yet), starts. */
proxy_t *proxy_start(const proxy_options_t *opts, am_err_t *err) AM_MUST_CHECK;
/* A bound, listening socket for host:port (the supervisor holds it across server restarts);
 * retries for a few seconds while the address is still in use. -1 + err on failure. */
int proxy_listen(const char *host, int port, am_err_t *err);
/* Connections still in startup or authentication. */
int proxy_n_pending(const proxy_t *p);
/* How long no client thread could be started (every attempt since failed), 0 when the last
 * attempt succeeded: a process that cannot start threads (its address space or the system's
 * thread limit exhausted) serves nobody until it is replaced. */
int64_t proxy_spawn_failing_us(const proxy_t *p);
int proxy_port(const proxy_t *p);
/* Re-reads the watermark and swaps every view at once if it changed. */
bool proxy_refresh(proxy_t *p, am_err_t *err) AM_MUST_CHECK;
/* LSN of the watermark the views currently show. */
am_lsn_t proxy_visible_lsn(const proxy_t *p);
/* DuckDB answers SELECT 1 (health check; any thread). */
bool proxy_check(proxy_t *p, am_err_t *err) AM_MUST_CHECK;
int proxy_n_clients(const proxy_t *p);
void proxy_stop(proxy_t *p); /* NULL is a no-op; frees p */

#endif /* AM_PROXY_H */
