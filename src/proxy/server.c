/*
 * proxy/server.c: the listener, the accept thread, one thread per client, the watermark
 * poller, cancel routing, and an orderly stop. Owns struct proxy's lifecycle.
 * Threads: accept thread (accepts, reaps finished clients, makes room among connections still
 * authenticating), poller (refreshes the views when the watermark changed: woken by inotify
 * as soon as the writer renames a new one into place, and stat()s it every 250 ms besides, in
 * case events are lost or the directory does not exist yet), the watchdog (proxy/limits.c), one
 * thread per client (proxy/conn.c). proxy_stop() sets
 * `stopping`, wakes the accept thread through a pipe and the poller through an eventfd,
 * shuts every client socket down, interrupts every running query, and joins them all.
 */
#include "proxy/proxy_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define POLL_INTERVAL_MS 250

static int bind_listener(const char *host, int port, am_err_t *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char port_s[16];
    snprintf(port_s, sizeof port_s, "%d", port);
    int rc = getaddrinfo(host, port_s, &hints, &res);
    if (rc != 0) {
        am_err_set(err, AM_SQLSTATE_CONFIG, "proxy: listen address \"%s\": %s", host,
                   gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
    int one = 1;
    /* a deep backlog: a flood of connections waits there, not in a refused SYN */
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        am_err_errno(err, e, "proxy: listen on %s:%d", host, port);
        return -1;
    }
    freeaddrinfo(res);
    return fd;
}

int proxy_listen(const char *host, int port, am_err_t *err)
{
    /* a server of a supervisor killed a moment ago may still hold the port */
    int64_t deadline = am_mono_us() + INT64_C(5) * 1000 * 1000;
    for (;;) {
        int fd = bind_listener(host ? host : "127.0.0.1", port, err);
        if (fd >= 0 || am_mono_us() > deadline || !strstr(err->msg, "in use"))
            return fd;
        am_sleep_ms(100);
    }
}

static bool record_port(proxy_t *p, am_err_t *err)
{
    /* The real port matters when port is 0: without it proxy_port() would report 0. */
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl = sizeof ss;
    if (getsockname(p->listen_fd, (struct sockaddr *)&ss, &sl) != 0)
        return am_err_errno(err, errno, "proxy: getsockname");
    p->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                             : ((struct sockaddr_in *)&ss)->sin_port);
    return true;
}

bool proxy__listen(proxy_t *p, int port, am_err_t *err)
{
    p->listen_fd = bind_listener(p->listen_host, port, err);
    return p->listen_fd >= 0 && record_port(p, err);
}

/* Joins and frees clients whose thread has finished (all of them when `all`). */
static void reap(proxy_t *p, bool all)
{
    proxy_client_t *gone = NULL;
    pthread_mutex_lock(&p->lock);
    for (proxy_client_t **pp = &p->clients; *pp;) {
        proxy_client_t *c = *pp;
        if (all || atomic_load(&c->done)) {
            *pp = c->next;
            c->next = gone;
            gone = c;
        } else {
            pp = &c->next;
        }
    }
    pthread_mutex_unlock(&p->lock);
    while (gone) {
        proxy_client_t *c = gone;
        gone = c->next;
        pthread_join(c->thread, NULL);
        close(c->fd);
        free(c);
    }
}

/* A client's thread has at least 8 MB of stack, whatever RLIMIT_STACK made the default: the
 * parser's and the compiler's depth limits (sql_parse.c, sqlc_stack_ok) are sized for it. */
#define CLIENT_STACK ((size_t)8 << 20)

static bool client_thread(proxy_client_t *c)
{
    pthread_attr_t attr;
    size_t size = 0;
    if (pthread_getattr_default_np(&attr) != 0)
        return false;
    bool ok = pthread_attr_getstacksize(&attr, &size) == 0 &&
              (size >= CLIENT_STACK || pthread_attr_setstacksize(&attr, CLIENT_STACK) == 0) &&
              pthread_create(&c->thread, &attr, proxy__client_main, c) == 0;
    pthread_attr_destroy(&attr);
    return ok;
}

static void spawn(proxy_t *p, int fd)
{
    if (!proxy__pending_admit(p)) {
        close(fd); /* every thread is taken even after making room: shed the newcomer */
        return;
    }
    proxy_client_t *c = am_xcalloc(1, sizeof *c);
    c->proxy = p;
    c->fd = fd;
    c->accepted_us = am_mono_us();
    atomic_init(&c->stage, PROXY_STAGE_CONNECTED);
    atomic_init(&c->deadline_us, 0);
    atomic_init(&c->timed_out, false);
    atomic_init(&c->hung_up, false);
    atomic_init(&c->done, false);
    atomic_init(&c->busy, false);
    pthread_mutex_lock(&p->lock);
    c->pid = p->next_pid++;
    c->next = p->clients;
    p->clients = c;
    pthread_mutex_unlock(&p->lock);
    am_random_bytes(&c->key, sizeof c->key);
    atomic_fetch_add(&p->n_threads, 1);
    if (!client_thread(c)) {
        atomic_fetch_sub(&p->n_threads, 1);
        int64_t none = 0;
        atomic_compare_exchange_strong(&p->spawn_failing_since_us, &none, am_mono_us());
        am_log_error("proxy", "cannot start a client thread");
        c->thread = pthread_self();
        pthread_mutex_lock(&p->lock);
        for (proxy_client_t **pp = &p->clients; *pp; pp = &(*pp)->next)
            if (*pp == c) {
                *pp = c->next;
                break;
            }
        pthread_mutex_unlock(&p->lock);
        close(fd);
        free(c);
        return;
    }
    atomic_store(&p->spawn_failing_since_us, 0);
}

static void *accept_main(void *arg)
{
    proxy_t *p = arg;
    while (!atomic_load(&p->stopping)) {
        struct pollfd pf[2] = {{.fd = p->listen_fd, .events = POLLIN},
                               {.fd = p->wake_pipe[0], .events = POLLIN}};
        int n = poll(pf, 2, 1000);
        reap(p, false);
        if (n <= 0 || !(pf[0].revents & POLLIN))
            continue;
        int fd = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        spawn(p, fd);
    }
    return NULL;
}

/* ---- watermark poller -------------------------------------------------------------------- */

static bool wm_changed(proxy_t *p)
{
    char *path = am_xasprintf("%s/_arctic/watermark.json", p->warehouse);
    struct stat st;
    bool exists = stat(path, &st) == 0;
    free(path);
    int64_t mt = exists ? (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec : 0;
    int64_t size = exists ? (int64_t)st.st_size : -1;
    uint64_t ino = exists ? (uint64_t)st.st_ino : 0;
    bool changed = mt != p->wm_mtime_ns || size != p->wm_size || ino != p->wm_ino;
    p->wm_mtime_ns = mt;
    p->wm_size = size;
    p->wm_ino = ino;
    return changed && exists;
}

/* An inotify watch on <warehouse>/_arctic (created by the writer's first watermark), or -1. */
static int wm_watch(const proxy_t *p)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return -1;
    char *dir = am_xasprintf("%s/_arctic", p->warehouse);
    int wd = inotify_add_watch(fd, dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE);
    free(dir);
    if (wd < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void drain(int fd)
{
    char buf[4096];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

static void *poll_main(void *arg)
{
    proxy_t *p = arg;
    int watch = -1;
    while (!atomic_load(&p->stopping)) {
        if (watch < 0)
            watch = wm_watch(p);
        struct pollfd fds[2] = {{.fd = p->poll_wake, .events = POLLIN},
                                {.fd = watch, .events = POLLIN}};
        int n = poll(fds, watch >= 0 ? 2 : 1, POLL_INTERVAL_MS);
        if (n > 0 && watch >= 0 && (fds[1].revents & POLLIN))
            drain(watch);
        if (n > 0 && watch >= 0 && (fds[1].revents & (POLLERR | POLLHUP | POLLNVAL))) {
            close(watch); /* the directory went away (a new warehouse): watch it again */
            watch = -1;
        }
        if (atomic_load(&p->stopping) || !wm_changed(p))
            continue;
        am_err_t err = {0};
        if (!proxy__catalog_refresh(p, &err)) {
            am_log_warn("proxy", "view refresh failed; keeping the previous views",
                        AM_KV_ERR(&err));
            p->wm_mtime_ns = -1; /* try again at the next tick */
        }
    }
    if (watch >= 0)
        close(watch);
    return NULL;
}

/* ---- sessions and cancel ----------------------------------------------------------------- */

bool proxy__session_register(proxy_t *p, proxy_client_t *c)
{
    pthread_mutex_lock(&p->lock);
    bool ok = p->n_sessions < p->max_clients;
    if (ok) {
        p->n_sessions++;
        c->is_session = true;
        atomic_store(&c->stage, PROXY_STAGE_SESSION);
        proxy__metrics_connections(p->n_sessions);
    }
    pthread_mutex_unlock(&p->lock);
    return ok;
}

void proxy__session_unregister(proxy_t *p, proxy_client_t *c)
{
    pthread_mutex_lock(&p->lock);
    if (c->is_session) {
        p->n_sessions--;
        proxy__metrics_connections(p->n_sessions);
    }
    c->is_session = false;
    pthread_mutex_unlock(&p->lock);
}

void proxy__client_set_con(proxy_client_t *c, duckdb_connection con)
{
    pthread_mutex_lock(&c->proxy->lock);
    c->con = con;
    pthread_mutex_unlock(&c->proxy->lock);
}

void proxy__cancel(proxy_t *p, uint32_t pid, uint32_t key)
{
    /* duckdb_interrupt only sets a flag: safe under the lock, which keeps con alive. */
    pthread_mutex_lock(&p->lock);
    for (proxy_client_t *c = p->clients; c; c = c->next)
        if (c->pid == pid && c->key == key && c->con && atomic_load(&c->busy))
            duckdb_interrupt(c->con);
    pthread_mutex_unlock(&p->lock);
}

/* ---- public API -------------------------------------------------------------------------- */

static char *dup_or_null(const char *v)
{
    return v && *v ? am_xstrdup(v) : NULL;
}

static proxy_t *proxy_alloc(const proxy_options_t *o)
{
    proxy_t *p = am_xcalloc(1, sizeof *p);
    p->listen_host = am_xstrdup(o->listen_host ? o->listen_host : "127.0.0.1");
    p->user = am_xstrdup(o->user ? o->user : "");
    p->database = am_xstrdup(o->database);
    p->warehouse = am_xstrdup(o->warehouse);
    p->max_clients = o->max_clients > 0 ? o->max_clients : 100;
    p->max_pending = o->max_pending > 0 ? o->max_pending : 32;
    p->auth_timeout_ms = o->auth_timeout_ms > 0 ? o->auth_timeout_ms : 60000;
    p->statement_timeout_ms = o->statement_timeout_ms;
    p->idle_in_tx_timeout_ms = o->idle_in_tx_timeout_ms;
    p->max_prepared = o->max_prepared > 0 ? o->max_prepared : 1000;
    p->max_portals = o->max_portals > 0 ? o->max_portals : 100;
    p->memory_limit = dup_or_null(o->memory_limit);
    p->temp_directory = dup_or_null(o->temp_directory);
    p->max_temp_size = dup_or_null(o->max_temp_directory_size);
    p->listen_fd = -1;
    p->wake_pipe[0] = p->wake_pipe[1] = -1;
    atomic_init(&p->stopping, false);
    atomic_init(&p->n_threads, 0);
    atomic_init(&p->spawn_failing_since_us, 0);
    atomic_init(&p->visible_lsn, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_mutex_init(&p->refresh_lock, NULL);
    pthread_mutex_init(&p->cat_lock, NULL);
    p->start_us = am_now_us();
    p->poll_wake = -1;
    uint32_t r;
    am_random_bytes(&r, sizeof r);
    p->next_pid = 1000 + r % 100000;
    am_random_bytes(p->doomed_key, sizeof p->doomed_key);
    return p;
}

/* Everything read from files (certificate, key) before the sandbox; DuckDB after it, so its
 * threads are born inside it. */
static bool prepare(proxy_t *p, const proxy_options_t *o, am_err_t *err)
{
    if (o->has_listen_fd) {
        p->listen_fd = o->listen_fd;
        if (!record_port(p, err))
            return false;
    } else if (!proxy__listen(p, o->port, err)) {
        return false;
    }
    proxy__metrics_init();
    if (!proxy__tls_init(p, o->tls_mode, o->tls_cert, o->tls_key, err) ||
        !proxy__auth_init(p, o, err))
        return false;
    if (o->seal && !o->seal(o->seal_ud, err))
        return false;
    (void)wm_changed(p); /* the state the first refresh reads */
    return proxy__catalog_open(p, err) && proxy__catalog_refresh_first(p, err);
}

static bool start_threads(proxy_t *p, am_err_t *err)
{
    if (pipe2(p->wake_pipe, O_CLOEXEC) != 0)
        return am_err_errno(err, errno, "proxy: pipe");
    if (!proxy__watchdog_start(p, err))
        return false;
    if (pthread_create(&p->accept_thread, NULL, accept_main, p) != 0)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "proxy: cannot start the accept thread");
    p->accept_started = true;
    p->poll_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->poll_wake >= 0 && pthread_create(&p->poll_thread, NULL, poll_main, p) == 0)
        p->poll_started = true;
    else
        am_log_warn("proxy", "no watermark poller: views change only on proxy_refresh");
    return true;
}

proxy_t *proxy_start(const proxy_options_t *opts, am_err_t *err)
{
    if (!opts || !opts->database || !opts->warehouse || !*opts->warehouse ||
        (!opts->user && !opts->n_users && !opts->auth_conninfo)) {
        am_err_set(err, AM_SQLSTATE_CONFIG, "proxy: users, database and warehouse are required");
        if (opts && opts->has_listen_fd)
            close(opts->listen_fd);
        return NULL;
    }
    proxy_t *p = proxy_alloc(opts);
    if (!prepare(p, opts, err) || !start_threads(p, err)) {
        proxy_stop(p);
        return NULL;
    }
    am_log_info("proxy", "listening", AM_KV_STR("host", p->listen_host), AM_KV_I64("port", p->port),
                AM_KV_STR("tls", opts->tls_mode ? opts->tls_mode : "disable"),
                AM_KV_STR("users", proxy__auth_method(p)));
    return p;
}

int proxy_port(const proxy_t *p)
{
    return p->port;
}

bool proxy_refresh(proxy_t *p, am_err_t *err)
{
    return proxy__catalog_refresh(p, err);
}

am_lsn_t proxy_visible_lsn(const proxy_t *p)
{
    return atomic_load(&((proxy_t *)p)->visible_lsn);
}

bool proxy_check(proxy_t *p, am_err_t *err)
{
    duckdb_connection con;
    if (duckdb_connect(p->db, &con) != DuckDBSuccess)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "proxy: duckdb: cannot connect");
    bool ok = proxy__duck_exec(con, "SELECT 1", err);
    duckdb_disconnect(&con);
    return ok;
}

int64_t proxy_spawn_failing_us(const proxy_t *p)
{
    int64_t since = atomic_load(&((proxy_t *)p)->spawn_failing_since_us);
    return since ? am_mono_us() - since : 0;
}

int proxy_n_pending(const proxy_t *p)
{
    proxy_t *mp = (proxy_t *)p;
    int n = 0;
    pthread_mutex_lock(&mp->lock);
    for (proxy_client_t *c = mp->clients; c; c = c->next)
        n += atomic_load(&c->stage) != PROXY_STAGE_SESSION && !atomic_load(&c->done);
    pthread_mutex_unlock(&mp->lock);
    return n;
}

int proxy_n_clients(const proxy_t *p)
{
    proxy_t *mp = (proxy_t *)p;
    pthread_mutex_lock(&mp->lock);
    int n = mp->n_sessions;
    pthread_mutex_unlock(&mp->lock);
    return n;
}

static void stop_threads(proxy_t *p)
{
    atomic_store(&p->stopping, true);
    if (p->wake_pipe[1] >= 0 && write(p->wake_pipe[1], "x", 1) < 0)
        am_log_debug("proxy", "wake pipe write failed");
    uint64_t one = 1;
    if (p->poll_wake >= 0 && write(p->poll_wake, &one, sizeof one) < 0)
        am_log_debug("proxy", "poller wake failed");
    if (p->accept_started)
        pthread_join(p->accept_thread, NULL);
    if (p->poll_started)
        pthread_join(p->poll_thread, NULL);
    proxy__watchdog_join(p);
    /* DuckDB forgets an interrupt that lands before its query starts, so one call can miss:
     * keep interrupting until every client thread has seen the shutdown and finished. */
    for (bool all_done = false; !all_done;) {
        all_done = true;
        pthread_mutex_lock(&p->lock);
        for (proxy_client_t *c = p->clients; c; c = c->next) {
            shutdown(c->fd, SHUT_RDWR);
            if (c->con)
                duckdb_interrupt(c->con);
            all_done &= atomic_load(&c->done);
        }
        pthread_mutex_unlock(&p->lock);
        if (!all_done)
            am_sleep_ms(20);
    }
    reap(p, true);
}

void proxy_stop(proxy_t *p)
{
    if (!p)
        return;
    stop_threads(p);
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    for (int i = 0; i < 2; i++)
        if (p->wake_pipe[i] >= 0)
            close(p->wake_pipe[i]);
    proxy__catalog_close(p);
    proxy__tls_free(p);
    proxy__auth_free(p);
    pthread_mutex_destroy(&p->lock);
    pthread_mutex_destroy(&p->refresh_lock);
    pthread_mutex_destroy(&p->cat_lock);
    if (p->poll_wake >= 0)
        close(p->poll_wake);
    free(p->listen_host);
    free(p->user);
    free(p->database);
    free(p->memory_limit);
    free(p->temp_directory);
    free(p->max_temp_size);
    free(p->warehouse);
    free(p);
}
