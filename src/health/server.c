/*
 * health/server.c: the HTTP side, on libmicrohttpd: one internal polling thread plus a thread
 * per connection (at most HEALTH_MAX_CONNECTIONS), all stopped and joined by health_free.
 *   GET /health           200 "ok\n", or 503 naming each failing component and why
 *   GET /health/detailed  application/json: status, uptime_seconds, components{...}
 *   GET /metrics          Prometheus text format 0.0.4
 * Other paths 404, other methods 405 (HEAD is GET without a body, as MHD does it).
 * The listening socket is bound here rather than by MHD so a bind failure reports errno.
 */
#include "health/health.h"
#include "health/health_internal.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEALTH_MAX_CONNECTIONS 32
#define HEALTH_CONNECTION_TIMEOUT_S 10

typedef struct route {
    const char *path;
    const char *content_type;
    /* Fills out, returns the status code. */
    unsigned (*render)(health_t *h, am_buf_t *out);
} route_t;

static unsigned route_health(health_t *h, am_buf_t *out)
{
    health__snapshot_t *s = health__snapshot_get(h);
    bool ok = health__render_status(s, out);
    health__snapshot_release(h, s);
    return ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
}

/* 200 either way: the JSON says what is down; monitors that want a code use /health. */
static unsigned route_detailed(health_t *h, am_buf_t *out)
{
    health__snapshot_t *s = health__snapshot_get(h);
    health__render_detailed(s, out);
    health__snapshot_release(h, s);
    return MHD_HTTP_OK;
}

static unsigned route_metrics(health_t *h, am_buf_t *out)
{
    health__snapshot_t *s = health__snapshot_get(h);
    health_metrics_render(out);
    health__render_components(s, out);
    health__snapshot_release(h, s);
    return MHD_HTTP_OK;
}

static const route_t routes[] = {
    {"/health", "text/plain; charset=utf-8", route_health},
    {"/health/detailed", "application/json", route_detailed},
    {"/metrics", "text/plain; version=0.0.4; charset=utf-8", route_metrics},
};

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status,
                               const char *content_type, const am_buf_t *body, bool allow)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        body->len, body->len ? body->data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    bool ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) &&
              MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") &&
              (!allow || MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD"));
    enum MHD_Result rc = ok ? MHD_queue_response(conn, status, resp) : MHD_NO;
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)req_cls;
    health_t *h = cls;
    const route_t *r = NULL;
    for (size_t i = 0; i < AM_ARRAY_LEN(routes) && !r; i++) {
        if (strcmp(url, routes[i].path) == 0)
            r = &routes[i];
    }
    am_buf_t body;
    am_buf_init(&body);
    enum MHD_Result rc;
    const char *text = "text/plain; charset=utf-8";
    if (!r) {
        am_buf_puts(&body, "not found\n");
        rc = respond(conn, MHD_HTTP_NOT_FOUND, text, &body, false);
    } else if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
               strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        am_buf_puts(&body, "method not allowed\n");
        rc = respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED, text, &body, true);
    } else {
        unsigned status = r->render(h, &body);
        rc = respond(conn, status, r->content_type, &body, false);
    }
    am_buf_destroy(&body);
    return rc;
}

/* ---- lifecycle --------------------------------------------------------------------------- */

health_t *health_new(void)
{
    health__clock_init();
    health_t *h = am_xcalloc(1, sizeof *h);
    pthread_mutex_init(&h->run_lock, NULL);
    pthread_mutex_init(&h->snap_lock, NULL);
    return h;
}

void health_check_add(health_t *h, const char *name, health_check_fn fn, void *ud)
{
    AM_ASSERT(!h->daemon); /* HTTP threads read checks without a lock */
    AM_ASSERT(name && *name && fn);
    for (size_t i = 0; i < h->n_checks; i++)
        AM_ASSERT(strcmp(h->checks[i].name, name) != 0);
    h->checks = am_xrealloc(h->checks, (h->n_checks + 1) * sizeof *h->checks);
    h->checks[h->n_checks++] = (health__check_t){.name = am_xstrdup(name), .fn = fn, .ud = ud};
}

void health_set_detailed(health_t *h, bool detailed)
{
    AM_ASSERT(!h->daemon);
    h->detailed = detailed;
}

void health_set_host(health_t *h, const char *host)
{
    AM_ASSERT(!h->daemon);
    free(h->host);
    h->host = am_xstrdup(host && *host ? host : "127.0.0.1");
}

/* The listening socket on host:port (a numeric address), or -1 with err. */
static int listen_on(const char *host, int port, am_err_t *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST};
    struct addrinfo *res = NULL;
    char port_s[16];
    snprintf(port_s, sizeof port_s, "%d", port);
    int rc = getaddrinfo(host, port_s, &hints, &res);
    if (rc != 0) {
        am_err_set(err, AM_SQLSTATE_CONFIG, "health: listen address \"%s\": %s", host,
                   gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 64) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        am_err_errno(err, e, "health: could not listen on %s:%d", host, port);
        return -1;
    }
    freeaddrinfo(res);
    return fd;
}

bool health_start(health_t *h, int port, am_err_t *err)
{
    AM_ASSERT(!h->daemon);
    if (port < 0 || port > 65535)
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER, "health: port %d is outside 0-65535",
                          port);
    if (!h->host)
        health_set_host(h, NULL);
    int fd = listen_on(h->host, port, err);
    if (fd < 0)
        return false;
    h->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO, 0, NULL,
        NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)HEALTH_MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)HEALTH_CONNECTION_TIMEOUT_S, MHD_OPTION_END);
    if (!h->daemon) {
        close(fd);
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "health: libmicrohttpd failed to start");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? (int)info->port : port;
    am_log_info("health", "serving /health, /health/detailed and /metrics",
                AM_KV_STR("host", h->host), AM_KV_I64("port", h->port),
                AM_KV_I64("checks", h->n_checks));
    return true;
}

int health_port(const health_t *h)
{
    return h->port;
}

void health_free(health_t *h)
{
    if (!h)
        return;
    if (h->daemon)
        MHD_stop_daemon(h->daemon); /* joins every connection thread, closes the socket */
    health__snapshot_free(h->current);
    for (size_t i = 0; i < h->n_checks; i++)
        free(h->checks[i].name);
    free(h->checks);
    free(h->host);
    pthread_mutex_destroy(&h->run_lock);
    pthread_mutex_destroy(&h->snap_lock);
    free(h);
}
