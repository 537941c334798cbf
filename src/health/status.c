/*
 * health/status.c: `arctic-mirror status`, a running mirror's state as readable tables: the
 * components, lag, retained WAL and freshness, then one line per table (state, rows, the LSN
 * its lake commit holds, when it last became visible). It reads what any operator could:
 * GET /health/detailed (JSON) and GET /metrics (Prometheus text) on the health port.
 * HTTP/1.0 over a plain socket is written by hand: libmicrohttpd only serves, and two GETs of
 * our own server's small bodies need no client library.
 */
#include "health/health.h"
#include "health/health_internal.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_BODY ((size_t)16 * 1024 * 1024)

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static int connect_to(const char *host, int port, am_err_t *err)
{
    char service[16];
    (void)snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE, "could not resolve \"%s\": %s", host,
                   gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE,
                   "nothing answers on %s:%d (is arctic-mirror running with --health-port %d?)",
                   host, port, port);
    return fd;
}

/* GET path; the body (status 200 or 503: /health/detailed answers 503 when unhealthy). */
static bool http_get(const char *host, int port, const char *path, am_buf_t *body, am_err_t *err)
{
    int fd = connect_to(host, port, err);
    if (fd < 0)
        return false;
    am_buf_t req, resp;
    am_buf_init(&req);
    am_buf_init(&resp);
    am_buf_printf(&req, "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
    bool ok = send_all(fd, req.data, req.len);
    char chunk[65536];
    for (ssize_t n; ok && (n = recv(fd, chunk, sizeof chunk, 0)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0 && resp.len + (size_t)n <= MAX_BODY;
        if (ok)
            am_buf_append(&resp, chunk, (size_t)n);
    }
    close(fd);
    am_buf_putc(&resp, '\0');
    const char *sep = ok ? strstr(resp.data, "\r\n\r\n") : NULL;
    int status = 0;
    if (sep && sscanf(resp.data, "HTTP/%*d.%*d %d", &status) == 1 &&
        (status == 200 || status == 503))
        am_buf_puts(body, sep + 4);
    else
        ok = am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE, "GET %s on %s:%d: %s", path, host,
                        port, sep ? "unexpected status" : "no HTTP answer");
    am_buf_destroy(&req);
    am_buf_destroy(&resp);
    return ok;
}

/* The value of sample name{labels} in a Prometheus text body (labels "" for none); NAN when
 * absent. */
static double sample(const char *text, const char *name, const char *labels)
{
    char key[512];
    (void)snprintf(key, sizeof key, *labels ? "\n%s{%s} " : "\n%s%s ", name, labels);
    const char *p = strstr(text, key);
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

/* The quantile of an unlabelled histogram, as health_histogram_quantile computes it. */
static double quantile(const char *text, const char *name, double q)
{
    char bucket[160], count_name[160];
    (void)snprintf(bucket, sizeof bucket, "\n%s_bucket{le=\"", name);
    (void)snprintf(count_name, sizeof count_name, "%s_count", name);
    double count = sample(text, count_name, "");
    if (isnan(count) || count <= 0)
        return NAN;
    double rank = q * count, below = 0, lower = 0;
    for (const char *p = strstr(text, bucket); p; p = strstr(p + 1, bucket)) {
        const char *le = p + strlen(bucket);
        if (strncmp(le, "+Inf", 4) == 0)
            return lower;
        double bound = strtod(le, NULL);
        const char *v = strstr(le, "} ");
        double c = v ? strtod(v + 2, NULL) : 0;
        if (c >= rank)
            return c > below ? lower + (bound - lower) * (rank - below) / (c - below) : lower;
        lower = bound;
        below = c;
    }
    return lower;
}

static const char *str_of(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static double num_of(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void human_bytes(double b, char *out, size_t cap)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    size_t u = 0;
    while (b >= 1024 && u + 1 < AM_ARRAY_LEN(units)) {
        b /= 1024;
        u++;
    }
    (void)snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

static void ms_text(double s, char *out, size_t cap)
{
    if (isnan(s))
        (void)snprintf(out, cap, "-");
    else
        (void)snprintf(out, cap, "%.0f ms", s * 1000);
}

static void print_overview(FILE *out, json_t *root, const char *metrics)
{
    json_t *comps = json_object_get(root, "components");
    json_t *repl = json_object_get(comps, "replication");
    fprintf(out, "status %s, up %.0f s; replication %s at %s (server WAL end %s, %s tuples)\n",
            str_of(root, "status"), num_of(root, "uptime_seconds"), str_of(repl, "phase"),
            str_of(repl, "committed_lsn"), str_of(repl, "server_wal_end"),
            str_of(repl, "tuples")[0] ? str_of(repl, "tuples") : "?");
    char lag[32], retained[32], p50[32], p99[32];
    human_bytes(num_of(repl, "lag_bytes"), lag, sizeof lag);
    double ret = num_of(repl, "retained_wal_bytes");
    if (isnan(ret))
        (void)snprintf(retained, sizeof retained, "-");
    else
        human_bytes(ret, retained, sizeof retained);
    ms_text(quantile(metrics, "arctic_mirror_freshness_seconds", 0.5), p50, sizeof p50);
    ms_text(quantile(metrics, "arctic_mirror_freshness_seconds", 0.99), p99, sizeof p99);
    fprintf(out, "lag %s, %.1f s; slot retains %s of WAL; freshness p50 %s, p99 %s (%.0f txns)\n",
            lag, num_of(repl, "lag_seconds"), retained, p50, p99,
            fmax(0, sample(metrics, "arctic_mirror_freshness_seconds_count", "")));
    fprintf(out, "components:");
    const char *name;
    json_t *c;
    json_object_foreach(comps, name, c)
    {
        fprintf(out, " %s %s", name, json_is_true(json_object_get(c, "up")) ? "up" : "DOWN");
    }
    fprintf(out, "\n\n");
}

/* One line per entry of the replication report's "tables" ("s.t=state, ..."). */
static void print_tables(FILE *out, json_t *root, const char *metrics)
{
    json_t *repl = json_object_get(json_object_get(root, "components"), "replication");
    char *list = am_xstrdup(str_of(repl, "tables"));
    fprintf(out, "%-40s %-10s %14s %18s %12s\n", "table", "state", "rows", "lsn", "visible");
    double now = (double)am_now_us() / 1e6;
    char *save = NULL;
    for (char *e = strtok_r(list, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
        while (*e == ' ')
            e++;
        char *eq = strrchr(e, '=');
        if (!eq)
            continue;
        *eq = '\0';
        am_buf_t l;
        am_buf_init(&l);
        health_label_append(&l, "table", e);
        double rows = sample(metrics, "arctic_mirror_table_rows", l.data);
        double lsn = sample(metrics, "arctic_mirror_table_lsn", l.data);
        double vis = sample(metrics, "arctic_mirror_table_visible_timestamp_seconds", l.data);
        am_buf_destroy(&l);
        char lsn_text[24] = "-", rows_text[24] = "-", vis_text[24] = "-";
        if (!isnan(lsn))
            (void)am_lsn_format((am_lsn_t)lsn, lsn_text, sizeof lsn_text);
        if (!isnan(rows))
            (void)snprintf(rows_text, sizeof rows_text, "%.0f", rows);
        if (!isnan(vis))
            (void)snprintf(vis_text, sizeof vis_text, "%.1f s ago", fmax(0, now - vis));
        fprintf(out, "%-40s %-10s %14s %18s %12s\n", e, eq + 1, rows_text, lsn_text, vis_text);
    }
    free(list);
}

bool health_status_print(FILE *out, const char *host, int port, am_err_t *err)
{
    am_buf_t detailed, metrics;
    am_buf_init(&detailed);
    am_buf_init(&metrics);
    am_buf_putc(&metrics, '\n'); /* every sample then starts after a newline */
    bool ok = http_get(host, port, "/health/detailed", &detailed, err) &&
              http_get(host, port, "/metrics", &metrics, err);
    json_error_t jerr;
    json_t *root = ok ? json_loadb(detailed.data, detailed.len, 0, &jerr) : NULL;
    if (ok && !json_is_object(root))
        ok = am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                        "/health/detailed on %s:%d: not a JSON object", host, port);
    if (ok) {
        print_overview(out, root, metrics.data);
        print_tables(out, root, metrics.data);
    }
    json_decref(root);
    am_buf_destroy(&detailed);
    am_buf_destroy(&metrics);
    return ok;
}
