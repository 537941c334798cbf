/*
 * proxy/limits.c: what one client may hold or take, and the watchdog that enforces the
 * deadlines. Room among connections still authenticating (the one that made least progress,
 * then the oldest, is shut down to make room: a flood of idle sockets cannot keep a real
 * client out); the startup + authentication deadline, counted from accept, not per read;
 * statement_timeout (57014) and a client that hangs up mid-statement, both by
 * duckdb_interrupt, repeated each tick while the statement runs, since DuckDB forgets an
 * interrupt that lands before its query starts; caps on prepared statements and portals
 * (54000); DuckDB's memory and spill limits.
 * Must not: block on a client (the watchdog only polls with a zero timeout and interrupts).
 */
#include "proxy/proxy_internal.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define WATCHDOG_TICK_MS 25
#define WATCH_MAX 1024 /* sockets polled per tick */

/* ---- room for a new connection ------------------------------------------------------------ */

/* Caller holds p->lock. The pending connection to shut: least progress, then oldest. */
static proxy_client_t *pending_victim(proxy_t *p, int *n_pending)
{
    proxy_client_t *victim = NULL;
    *n_pending = 0;
    for (proxy_client_t *c = p->clients; c; c = c->next) {
        int st = atomic_load(&c->stage);
        if (st == PROXY_STAGE_SESSION || c->evicted || atomic_load(&c->done))
            continue;
        (*n_pending)++;
        int vst = victim ? atomic_load(&victim->stage) : 0;
        if (!victim || st < vst || (st == vst && c->accepted_us < victim->accepted_us))
            victim = c;
    }
    return victim;
}

bool proxy__pending_admit(proxy_t *p)
{
    /* every thread counts, sessions and ones shutting down too: a hard bound */
    if (atomic_load(&p->n_threads) >= p->max_clients + 2 * p->max_pending + 16)
        return false;
    pthread_mutex_lock(&p->lock);
    int n_pending = 0;
    proxy_client_t *victim = pending_victim(p, &n_pending);
    if (n_pending >= p->max_pending && victim) {
        victim->evicted = true;
        shutdown(victim->fd, SHUT_RDWR);
        /* at most once a second: a flood of sockets must not flood the log too */
        static int64_t last_log_us;
        int64_t now = am_mono_us();
        if (now - last_log_us >= 1000000) {
            last_log_us = now;
            am_log_warn("proxy", "too many connections authenticating: dropped the least advanced",
                        AM_KV_I64("max_auth_connections", p->max_pending));
        }
    }
    pthread_mutex_unlock(&p->lock);
    return true;
}

/* ---- the watchdog -------------------------------------------------------------------------- */

/* Caller holds p->lock (it keeps c->con alive). */
static void check_client(proxy_t *p, proxy_client_t *c, int64_t now, struct pollfd *pf,
                         proxy_client_t **pc, size_t *n_pf)
{
    int st = atomic_load(&c->stage);
    if (st != PROXY_STAGE_SESSION) {
        if (!c->evicted && now - c->accepted_us > (int64_t)p->auth_timeout_ms * 1000) {
            c->evicted = true; /* the thread sees EOF and ends without a word, as PostgreSQL */
            shutdown(c->fd, SHUT_RDWR);
            /* the client only sees its socket close, so the log says why (at most once a second:
             * a flood of slow sockets must not flood the log) */
            static int64_t last_log_us;
            if (now - last_log_us >= 1000000) {
                last_log_us = now;
                am_log_warn(
                    "proxy", "not authenticated within proxy.auth_timeout: closed",
                    AM_KV_I64("auth_timeout_ms", p->auth_timeout_ms),
                    AM_KV_STR("stage", st == PROXY_STAGE_AUTH ? "authentication" : "startup"));
            }
        }
        return;
    }
    if (!atomic_load(&c->busy) || !c->con)
        return;
    int64_t dl = atomic_load(&c->deadline_us);
    if (dl > 0 && now >= dl)
        atomic_store(&c->timed_out, true);
    if (atomic_load(&c->timed_out) || atomic_load(&c->hung_up))
        duckdb_interrupt(c->con);
    else if (*n_pf < WATCH_MAX) {
        pf[*n_pf] = (struct pollfd){.fd = c->fd, .events = POLLRDHUP};
        pc[(*n_pf)++] = c;
    }
}

static void tick(proxy_t *p, struct pollfd *pf, proxy_client_t **pc)
{
    size_t n = 0;
    int64_t now = am_mono_us();
    pthread_mutex_lock(&p->lock);
    for (proxy_client_t *c = p->clients; c; c = c->next)
        check_client(p, c, now, pf, pc, &n);
    if (n > 0 && poll(pf, n, 0) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (!(pf[i].revents & (POLLRDHUP | POLLHUP | POLLERR)) || !pc[i]->con)
                continue;
            atomic_store(&pc[i]->hung_up, true);
            duckdb_interrupt(pc[i]->con);
        }
    }
    pthread_mutex_unlock(&p->lock);
}

static void *watchdog_main(void *arg)
{
    proxy_t *p = arg;
    struct pollfd *pf = am_xcalloc(WATCH_MAX, sizeof *pf);
    proxy_client_t **pc = am_xcalloc(WATCH_MAX, sizeof(proxy_client_t *));
    while (!atomic_load(&p->stopping)) {
        tick(p, pf, pc);
        am_sleep_ms(WATCHDOG_TICK_MS);
    }
    free(pf);
    free(pc);
    return NULL;
}

bool proxy__watchdog_start(proxy_t *p, am_err_t *err)
{
    if (pthread_create(&p->watchdog_thread, NULL, watchdog_main, p) != 0)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "proxy: cannot start the watchdog thread");
    p->watchdog_started = true;
    return true;
}

void proxy__watchdog_join(proxy_t *p)
{
    if (p->watchdog_started)
        pthread_join(p->watchdog_thread, NULL);
    p->watchdog_started = false;
}

/* ---- timeouts ------------------------------------------------------------------------------ */

static int64_t setting_ms(const proxy_session_t *s, const char *name)
{
    const char *v = proxy__setting_find(s, name);
    int64_t ms = 0;
    return v && am_duration_ms_parse(v, &ms) ? ms : 0;
}

void proxy__limits_message_begin(proxy_session_t *s)
{
    int64_t ms = setting_ms(s, "statement_timeout");
    atomic_store(&s->client->timed_out, false);
    atomic_store(&s->client->deadline_us, ms > 0 ? am_mono_us() + ms * 1000 : 0);
}

void proxy__limits_message_end(proxy_session_t *s)
{
    atomic_store(&s->client->deadline_us, 0);
}

int64_t proxy__limits_idle_tx_ms(const proxy_session_t *s)
{
    return setting_ms(s, "idle_in_transaction_session_timeout");
}

static void ms_text(int ms, char *out, size_t cap)
{
    if (ms % 1000 == 0)
        snprintf(out, cap, "%ds", ms / 1000);
    else
        snprintf(out, cap, "%dms", ms);
}

const char *proxy__limits_default(const proxy_t *p, const char *name, const char *dflt)
{
    /* one buffer per proxy would race between sessions: these few texts are per call site */
    static _Thread_local char buf[32];
    if (strcasecmp(name, "statement_timeout") == 0 && p->statement_timeout_ms > 0) {
        ms_text(p->statement_timeout_ms, buf, sizeof buf);
        return buf;
    }
    if (strcasecmp(name, "idle_in_transaction_session_timeout") == 0 &&
        p->idle_in_tx_timeout_ms > 0) {
        ms_text(p->idle_in_tx_timeout_ms, buf, sizeof buf);
        return buf;
    }
    return dflt;
}

bool proxy__limits_setting_check(const char *name, const char *value, am_err_t *err)
{
    if (strcasecmp(name, "statement_timeout") != 0 &&
        strcasecmp(name, "idle_in_transaction_session_timeout") != 0 &&
        strcasecmp(name, "lock_timeout") != 0)
        return true;
    int64_t ms = 0;
    if (am_duration_ms_parse(value, &ms))
        return true;
    return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                      "invalid value for parameter \"%s\": \"%s\"", name, value);
}

void proxy__limits_error_text(const proxy_session_t *s, const char *sqlstate, char *msg, size_t cap)
{
    if (strcmp(sqlstate, PROXY_SQLSTATE_CANCELED) != 0 || !s->client)
        return;
    if (atomic_load(&s->client->timed_out))
        snprintf(msg, cap, "canceling statement due to statement timeout");
    else if (atomic_load(&s->client->hung_up))
        snprintf(msg, cap, "canceling statement because the client closed the connection");
}

/* ---- prepared statements and portals -------------------------------------------------------- */

bool proxy__limits_prep_room(proxy_session_t *s, const char *name, am_err_t *err)
{
    size_t n = 0;
    for (const proxy_prep_t *p = s->preps; p; p = p->next) {
        if (name && strcmp(p->name, name) == 0)
            return true;
        n++;
    }
    if (n < (size_t)s->proxy->max_prepared)
        return true;
    return am_err_set(err, "54000",
                      "too many prepared statements: this session holds %zu (limit "
                      "proxy.max_prepared_statements = %d); DEALLOCATE or Close some",
                      n, s->proxy->max_prepared);
}

bool proxy__limits_portal_room(proxy_session_t *s, const char *name, am_err_t *err)
{
    size_t n = 0;
    for (const proxy_portal_t *p = s->portals; p; p = p->next) {
        if (name && strcmp(p->name, name) == 0)
            return true;
        n++;
    }
    if (n < (size_t)s->proxy->max_portals)
        return true;
    return am_err_set(err, "54000",
                      "too many open portals and cursors: this session holds %zu (limit "
                      "proxy.max_portals = %d); CLOSE some",
                      n, s->proxy->max_portals);
}

/* ---- DuckDB --------------------------------------------------------------------------------- */

void proxy__limits_duck_config(const proxy_t *p, duckdb_config cfg)
{
    const struct {
        const char *name;
        const char *value;
    } opts[] = {{"memory_limit", p->memory_limit},
                {"temp_directory", p->temp_directory},
                {"max_temp_directory_size", p->max_temp_size}};
    for (size_t i = 0; i < AM_ARRAY_LEN(opts); i++) {
        if (opts[i].value && duckdb_set_config(cfg, opts[i].name, opts[i].value) != DuckDBSuccess)
            am_log_warn("proxy", "DuckDB refused a setting", AM_KV_STR("name", opts[i].name),
                        AM_KV_STR("value", opts[i].value));
    }
}
