/*
 * tests/health/http_client.h: a tiny HTTP/1.0 client over a socket for the health tests, so
 * they see status line, headers and body exactly as sent. Test-only; static inline so each
 * test file that includes it gets its own copy.
 */
#ifndef AM_TEST_HTTP_CLIENT_H
#define AM_TEST_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct http_reply {
    int status;
    char *head; /* status line and headers, NUL-terminated */
    char *body; /* NUL-terminated */
    size_t body_len;
} http_reply_t;

static inline int http_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct timeval tv = {.tv_sec = 20};
    cr_assert(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends method path (plus body if any), reads until the server closes. */
static inline http_reply_t http_request(int port, const char *method, const char *path,
                                        const char *body)
{
    int fd = http_connect(port);
    cr_assert(fd >= 0, "connect to port %d failed", port);
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: %zu"
                     "\r\n\r\n%s",
                     method, path, body ? strlen(body) : 0, body ? body : "");
    cr_assert(n > 0 && (size_t)n < sizeof req);
    cr_assert(send(fd, req, (size_t)n, MSG_NOSIGNAL) == n);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1024 > cap)
            buf = realloc(buf, cap *= 2);
        ssize_t got = recv(fd, buf + len, cap - len - 1, 0);
        cr_assert(got >= 0, "recv from port %d failed or timed out", port);
        if (got == 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    buf[len] = '\0';
    http_reply_t r = {0};
    cr_assert(sscanf(buf, "HTTP/1.%*d %d", &r.status) == 1, "bad reply: %s", buf);
    char *sep = strstr(buf, "\r\n\r\n");
    cr_assert(sep, "no end of headers: %s", buf);
    r.head = strndup(buf, (size_t)(sep - buf) + 2);
    r.body_len = len - (size_t)(sep + 4 - buf);
    r.body = strndup(sep + 4, r.body_len);
    free(buf);
    return r;
}

static inline http_reply_t http_get(int port, const char *path)
{
    return http_request(port, "GET", path, NULL);
}

static inline void http_reply_free(http_reply_t *r)
{
    free(r->head);
    free(r->body);
}

/* Case-insensitive header lookup in r->head; returns a malloc'ed value or NULL. */
static inline char *http_header(const http_reply_t *r, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(r->head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            return strndup(v, strcspn(v, "\r\n"));
        }
    }
    return NULL;
}

#endif
