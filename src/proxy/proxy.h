/*
 * proxy/proxy.h: the PostgreSQL frontend/backend protocol v3 server over the mirrored tables.
 * Startup, SSLRequest (answered 'N' until TLS lands), SCRAM-SHA-256 authentication of the
 * configured user, the simple query protocol, text results with PostgreSQL type OIDs,
 * ErrorResponse with real SQLSTATEs. Queries run in DuckDB over views that lake_read_plan()
 * builds for the snapshots the watermark names; clients can read the mirror and nothing else.
 * Knows nothing of replication.
 *
 * Threads: proxy_start() starts an accept thread and one thread (with its own
 * duckdb_connection) per client. proxy_refresh() may be called from any thread. proxy_stop()
 * sets the stop flag, closes the listener, joins every thread.
 */
#ifndef AM_PROXY_H
#define AM_PROXY_H

#include "util/util.h"

typedef struct proxy_options {
    const char *listen_host; /* "0.0.0.0" when NULL */
    int port;                /* 0 = ephemeral (see proxy_port) */
    const char *user;        /* the one user that may log in */
    const char *password;    /* its password; "" refuses every login */
    const char *database;    /* the database name clients connect to */
    const char *warehouse;   /* where lake_watermark_read() looks */
    int max_clients;         /* 0 = 64; more get FATAL 53300 */
} proxy_options_t;

typedef struct proxy proxy_t;

/* Binds, loads the current watermark (an empty warehouse serves no tables yet), starts. */
proxy_t *proxy_start(const proxy_options_t *opts, am_err_t *err) AM_MUST_CHECK;
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
