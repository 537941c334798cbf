/*
 * tests/fuzz/fuzz_client.h: what fuzz_startup.c and fuzz_extended.c share (header-only: the
 * Makefile builds each tests/fuzz/fuzz_*.c on its own). One real proxy per fuzzing process,
 * started on first use over an empty temporary warehouse (no tables: DuckDB in memory with the
 * proxy's functions and catalogs) and served on a Unix socket, so each input runs the server's
 * whole path, accept thread, client thread and watchdog included, with no TCP ports to run out
 * of; and the client side that speaks for the input: framing, TLS, and SCRAM-SHA-256[-PLUS]
 * computed with the real password so an input can get past authentication.
 * The input's bytes reach the proxy only through that socket, as a client's would. Every wait
 * for an answer is bounded: the proxy's authentication deadline, its statement_timeout and
 * the socket's receive timeout, after which hanging up makes the server cancel what runs.
 */
#ifndef AM_FUZZ_CLIENT_H
#define AM_FUZZ_CLIENT_H

#include "proxy/proxy.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define FZ_USER "fuzz"
#define FZ_PASSWORD "fuzz pw"
#define FZ_DB "fuzz"
#define FZ_RECV_TIMEOUT_S 5
#define FZ_UNUSED __attribute__((unused)) /* each target uses part of this file */
#define FZ_MAX_SEND ((size_t)64 * 1024)   /* under the socket's buffer: one send never blocks */

static struct fz_env {
    proxy_t *proxy;
    char *dir;
    struct sockaddr_un addr;
    SSL_CTX *client_ctx;
    uint8_t cbind[EVP_MAX_MD_SIZE]; /* tls-server-end-point of the generated certificate */
    unsigned int cbind_len;
    uint8_t salted[32]; /* SaltedPassword for salt/iterations, computed once */
    uint8_t salt[64];
    size_t salt_len;
    int iterations;
    bool trace; /* FZ_TRACE set: what the server sends goes to stderr, to check seeds */
} fz;

static void fz_die(const char *what)
{
    fprintf(stderr, "fuzz harness: %s\n", what);
    ERR_print_errors_fp(stderr);
    abort();
}

/* A self-signed P-256 certificate signed with SHA-256, so the channel binding is its SHA-256. */
static void fz_make_cert(const char *cert_path, const char *key_path)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    if (!key || !x)
        fz_die("cannot make a key");
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 30);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"fuzz", -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (!X509_sign(x, key, EVP_sha256()) || !X509_digest(x, EVP_sha256(), fz.cbind, &fz.cbind_len))
        fz_die("cannot sign the certificate");
    FILE *fc = fopen(cert_path, "w");
    FILE *fk = fopen(key_path, "w");
    if (!fc || !fk || !PEM_write_X509(fc, x) ||
        !PEM_write_PrivateKey(fk, key, NULL, NULL, 0, NULL, NULL))
        fz_die("cannot write the certificate");
    if (fclose(fc) != 0 || fclose(fk) != 0)
        fz_die("cannot write the certificate");
    X509_free(x);
    EVP_PKEY_free(key);
}

static void fz_stop(void)
{
    proxy_stop(fz.proxy);
    fz.proxy = NULL;
    SSL_CTX_free(fz.client_ctx);
    am_err_t err = {0};
    if (fz.dir && !am_remove_tree(fz.dir, &err))
        fprintf(stderr, "fuzz harness: %s\n", err.msg);
    free(fz.dir);
}

static int fz_listen(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    fz.addr.sun_family = AF_UNIX;
    int n = snprintf(fz.addr.sun_path, sizeof fz.addr.sun_path, "%s/s", fz.dir);
    if (fd < 0 || n >= (int)sizeof fz.addr.sun_path ||
        bind(fd, (struct sockaddr *)&fz.addr, sizeof fz.addr) != 0 || listen(fd, 64) != 0)
        fz_die("cannot listen on a Unix socket");
    return fd;
}

/* Once per process: the proxy (with TLS in mode allow when tls), quiet unless LOG_LEVEL says. */
static void fz_start(bool tls)
{
    if (fz.proxy)
        return;
    fz.trace = getenv("FZ_TRACE") != NULL;
    if (!getenv("LOG_LEVEL"))
        am_log_set_level(AM_LOG_ERROR);
    const char *tmp = getenv("AM_TEST_TMP");
    fz.dir = am_xasprintf("%s/am-fuzz-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(fz.dir))
        fz_die("cannot make a temporary directory");
    char *wh = am_xasprintf("%s/warehouse", fz.dir);
    char *cert = am_xasprintf("%s/cert.pem", fz.dir);
    char *key = am_xasprintf("%s/key.pem", fz.dir);
    if (mkdir(wh, 0700) != 0)
        fz_die("cannot make the warehouse");
    if (tls)
        fz_make_cert(cert, key);
    proxy_options_t o = {.has_listen_fd = true,
                         .listen_fd = fz_listen(),
                         .user = FZ_USER,
                         .password = FZ_PASSWORD,
                         .database = FZ_DB,
                         .warehouse = wh,
                         .auth_timeout_ms = 1000,
                         .statement_timeout_ms = 2000,
                         .memory_limit = "256MB",
                         .tls_mode = tls ? "allow" : NULL,
                         .tls_cert = cert,
                         .tls_key = key};
    am_err_t err = {0};
    fz.proxy = proxy_start(&o, &err);
    if (!fz.proxy)
        fz_die(err.msg);
    fz.client_ctx = SSL_CTX_new(TLS_client_method());
    if (!fz.client_ctx)
        fz_die("cannot make a TLS client context");
    SSL_CTX_set_verify(fz.client_ctx, SSL_VERIFY_NONE, NULL);
    free(wh);
    free(cert);
    free(key);
    signal(SIGPIPE, SIG_IGN); /* SSL_write to a server that hung up */
    atexit(fz_stop);
}

/* ---- one connection ------------------------------------------------------------------------ */

typedef struct fz_conn {
    int fd;
    SSL *ssl;
    bool dead;   /* EOF, an error or the receive timeout: nothing more is read or sent */
    int wait_ms; /* > 0: a read gives up (not dead) when nothing comes for this long */
    am_buf_t in; /* received, not yet consumed */
    size_t in_off;
} fz_conn_t;

static void fz_connect(fz_conn_t *c)
{
    memset(c, 0, sizeof *c);
    am_buf_init(&c->in);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {.tv_sec = FZ_RECV_TIMEOUT_S};
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&fz.addr, sizeof fz.addr) != 0 ||
        setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
        fz_die("cannot connect to the proxy");
}

static void fz_send(fz_conn_t *c, const void *p, size_t n)
{
    for (size_t off = 0; off < n && !c->dead;) {
        long w = c->ssl ? SSL_write(c->ssl, (const char *)p + off, (int)(n - off))
                        : send(c->fd, (const char *)p + off, n - off, MSG_NOSIGNAL);
        if (w > 0)
            off += (size_t)w;
        else
            c->dead = true;
    }
    ERR_clear_error();
}

/* Reads more into c->in; false at EOF, error or timeout. */
static bool fz_fill(fz_conn_t *c)
{
    if (c->dead)
        return false;
    struct pollfd pf = {.fd = c->fd, .events = POLLIN};
    if (c->wait_ms > 0 && !(c->ssl && SSL_pending(c->ssl) > 0) && poll(&pf, 1, c->wait_ms) == 0)
        return false; /* the server waits for more bytes than the script framed, or is slow */
    char buf[16384];
    long r = c->ssl ? SSL_read(c->ssl, buf, sizeof buf) : recv(c->fd, buf, sizeof buf, 0);
    ERR_clear_error();
    if (r <= 0) {
        c->dead = true;
        return false;
    }
    am_buf_append(&c->in, buf, (size_t)r);
    if (fz.trace) {
        fputs("fuzz harness: received ", stderr);
        for (long i = 0; i < r; i++)
            fprintf(stderr, buf[i] >= 0x20 && buf[i] < 0x7f ? "%c" : "\\x%02x", (uint8_t)buf[i]);
        fputc('\n', stderr);
    }
    return true;
}

/* The next byte the server sent (SSLRequest's answer); -1 when none comes. */
static FZ_UNUSED int fz_recv_byte(fz_conn_t *c)
{
    while (c->in.len - c->in_off < 1)
        if (!fz_fill(c))
            return -1;
    return (uint8_t)c->in.data[c->in_off++];
}

/* The next whole backend message; body borrowed until the next receive. */
static bool fz_recv_msg(fz_conn_t *c, char *type, const uint8_t **body, size_t *len)
{
    for (;;) {
        size_t have = c->in.len - c->in_off;
        if (have >= 5) {
            const uint8_t *p = (const uint8_t *)c->in.data + c->in_off;
            uint32_t n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
            if (n < 4)
                return false;
            if (have >= 1 + (size_t)n) {
                *type = (char)p[0];
                *body = p + 5;
                *len = n - 4;
                c->in_off += 1 + n;
                return true;
            }
        }
        if (c->in_off > 0 && c->in_off == c->in.len) {
            am_buf_reset(&c->in);
            c->in_off = 0;
        }
        if (!fz_fill(c))
            return false;
    }
}

/* Everything the server still sends, until it closes. */
static void fz_drain(fz_conn_t *c)
{
    while (fz_fill(c)) {
        am_buf_reset(&c->in);
        c->in_off = 0;
    }
}

static FZ_UNUSED bool fz_tls_connect(fz_conn_t *c)
{
    c->ssl = SSL_new(fz.client_ctx);
    if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_connect(c->ssl) != 1) {
        ERR_clear_error();
        c->dead = true;
        return false;
    }
    return true;
}

static void fz_close(fz_conn_t *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        ERR_clear_error();
    }
    close(c->fd);
    am_buf_destroy(&c->in);
}

/* Type byte, Int32 length counting itself, body. */
static void fz_put_msg(am_buf_t *b, char type, const void *body, size_t len)
{
    am_buf_putc(b, type);
    am_buf_put_u32(b, (uint32_t)len + 4);
    am_buf_append(b, body, len);
}

/* ---- SCRAM-SHA-256, the client's side (RFC 5802) -------------------------------------------- */

typedef struct fz_scram {
    am_buf_t gs2;          /* gs2 header of the client-first sent ("n,," ...) */
    am_buf_t first_bare;   /* client-first-message-bare */
    am_buf_t server_first; /* as received */
    bool have_server_first;
} fz_scram_t;

static void fz_scram_init(fz_scram_t *s)
{
    memset(s, 0, sizeof *s);
    am_buf_init(&s->gs2);
    am_buf_init(&s->first_bare);
    am_buf_init(&s->server_first);
}

static void fz_scram_destroy(fz_scram_t *s)
{
    am_buf_destroy(&s->gs2);
    am_buf_destroy(&s->first_bare);
    am_buf_destroy(&s->server_first);
}

/* client-first = gs2 header (up to its second comma) + bare. */
static void fz_scram_first(fz_scram_t *s, const char *m, size_t n)
{
    const char *c1 = memchr(m, ',', n);
    const char *c2 = c1 ? memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - m)) : NULL;
    size_t gs2_len = c2 ? (size_t)(c2 + 1 - m) : 0;
    am_buf_reset(&s->gs2);
    am_buf_reset(&s->first_bare);
    am_buf_append(&s->gs2, m, gs2_len);
    am_buf_append(&s->first_bare, m + gs2_len, n - gs2_len);
}

static void fz_b64(const uint8_t *p, size_t n, am_buf_t *out)
{
    size_t off = out->len;
    am_buf_reserve(out, 4 * ((n + 2) / 3) + 1);
    int w = EVP_EncodeBlock((unsigned char *)out->data + off, p, (int)n);
    out->len = off + (size_t)w;
    out->data[out->len] = '\0';
}

/* The value of attribute "k=" in a server-first message, up to the next comma. */
static const char *fz_attr(const char *m, char k, size_t *n)
{
    for (const char *p = m; p && *p; p = strchr(p, ',')) {
        p += *p == ',';
        if (p[0] == k && p[1] == '=') {
            *n = strcspn(p + 2, ",");
            return p + 2;
        }
    }
    return NULL;
}

/* SaltedPassword for the server-first's salt and iteration count (one PBKDF2 per process). */
static bool fz_salted(const char *server_first, uint8_t salted[32])
{
    size_t s_len = 0, i_len = 0;
    const char *s = fz_attr(server_first, 's', &s_len);
    const char *i = fz_attr(server_first, 'i', &i_len);
    uint8_t salt[96];
    if (!s || !i || s_len == 0 || s_len % 4 != 0 || s_len / 4 * 3 > sizeof salt)
        return false;
    int n = EVP_DecodeBlock(salt, (const unsigned char *)s, (int)s_len);
    n -= (s[s_len - 1] == '=') + (s[s_len - 2] == '=');
    int iterations = atoi(i);
    if (n <= 0 || (size_t)n > sizeof fz.salt || iterations < 1 || iterations > 100000)
        return false;
    if (fz.salt_len != (size_t)n || memcmp(fz.salt, salt, (size_t)n) != 0 ||
        fz.iterations != iterations) {
        if (PKCS5_PBKDF2_HMAC(FZ_PASSWORD, (int)strlen(FZ_PASSWORD), salt, n, iterations,
                              EVP_sha256(), 32, fz.salted) != 1)
            return false;
        memcpy(fz.salt, salt, (size_t)n);
        fz.salt_len = (size_t)n;
        fz.iterations = iterations;
    }
    memcpy(salted, fz.salted, 32);
    return true;
}

/* client-final: c= (gs2 header, plus the channel binding data when cbind), r= the server's
 * nonce, extra attributes as given, then p= the proof for FZ_PASSWORD (a bit flipped when
 * wrong_proof). False when no server-first came to build it from. */
static bool fz_scram_final(fz_scram_t *s, bool cbind, const void *extra, size_t extra_len,
                           bool wrong_proof, am_buf_t *out)
{
    size_t r_len = 0;
    const char *r = s->have_server_first ? fz_attr(s->server_first.data, 'r', &r_len) : NULL;
    uint8_t salted[32], client_key[32], stored[32], sig[32];
    unsigned int n = 32;
    if (!r || !fz_salted(s->server_first.data, salted))
        return false;
    am_buf_t c;
    am_buf_init(&c);
    am_buf_append(&c, s->gs2.data ? s->gs2.data : "", s->gs2.len);
    if (cbind)
        am_buf_append(&c, fz.cbind, fz.cbind_len);
    am_buf_puts(out, "c=");
    fz_b64((const uint8_t *)(c.data ? c.data : ""), c.len, out);
    am_buf_puts(out, ",r=");
    am_buf_append(out, r, r_len);
    am_buf_append(out, extra, extra_len);
    am_buf_reset(&c);
    am_buf_append(&c, s->first_bare.data ? s->first_bare.data : "", s->first_bare.len);
    am_buf_printf(&c, ",%s,", s->server_first.data);
    am_buf_append(&c, out->data, out->len);
    HMAC(EVP_sha256(), salted, 32, (const unsigned char *)"Client Key", 10, client_key, &n);
    SHA256(client_key, 32, stored);
    HMAC(EVP_sha256(), stored, 32, (const unsigned char *)c.data, c.len, sig, &n);
    for (int k = 0; k < 32; k++)
        client_key[k] ^= sig[k];
    client_key[0] ^= wrong_proof ? 1 : 0;
    am_buf_puts(out, ",p=");
    fz_b64(client_key, 32, out);
    am_buf_destroy(&c);
    return true;
}

/* After a SASLInitialResponse: messages until AuthenticationSASLContinue (kept), an error or
 * the end. */
static void fz_await_server_first(fz_conn_t *c, fz_scram_t *s)
{
    char type;
    const uint8_t *body;
    size_t len;
    while (fz_recv_msg(c, &type, &body, &len)) {
        if (type == 'E')
            return;
        if (type != 'R' || len < 4 || body[3] != 11)
            continue;
        am_buf_reset(&s->server_first);
        am_buf_append(&s->server_first, body + 4, len - 4);
        s->have_server_first = !memchr(body + 4, '\0', len - 4);
        return;
    }
}

/* Messages until ReadyForQuery (true), an error or the end (false). */
static bool fz_await_ready(fz_conn_t *c)
{
    char type;
    const uint8_t *body;
    size_t len;
    while (fz_recv_msg(c, &type, &body, &len)) {
        if (type == 'Z')
            return true;
        if (type == 'E')
            return false;
    }
    return false;
}

static void fz_send_startup(fz_conn_t *c, const void *body, size_t len)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_put_u32(&b, (uint32_t)len + 4);
    am_buf_append(&b, body, len);
    fz_send(c, b.data, b.len);
    am_buf_destroy(&b);
}

/* SASLInitialResponse: mechanism, then the client-first message with its Int32 length. */
static void fz_send_sasl_first(fz_conn_t *c, fz_scram_t *s, const char *mech, const char *first,
                               size_t first_len)
{
    am_buf_t body, msg;
    am_buf_init(&body);
    am_buf_init(&msg);
    am_buf_append(&body, mech, strlen(mech) + 1);
    am_buf_put_u32(&body, (uint32_t)first_len);
    am_buf_append(&body, first, first_len);
    fz_put_msg(&msg, 'p', body.data, body.len);
    fz_scram_first(s, first, first_len);
    fz_send(c, msg.data, msg.len);
    am_buf_destroy(&body);
    am_buf_destroy(&msg);
    fz_await_server_first(c, s);
}

/* A whole login as FZ_USER to FZ_DB; false if the proxy refused it. */
static FZ_UNUSED bool fz_login(fz_conn_t *c)
{
    static const char startup[] = "\x00\x03\x00\x00user\0" FZ_USER "\0database\0" FZ_DB "\0";
    static const char first[] = "n,,n=,r=fuzzclientnonce";
    fz_send_startup(c, startup, sizeof startup); /* the literal's own NUL ends the list */
    fz_scram_t s;
    fz_scram_init(&s);
    fz_send_sasl_first(c, &s, "SCRAM-SHA-256", first, sizeof first - 1);
    am_buf_t final, msg;
    am_buf_init(&final);
    am_buf_init(&msg);
    bool ok = fz_scram_final(&s, false, "", 0, false, &final);
    if (ok) {
        fz_put_msg(&msg, 'p', final.data, final.len);
        fz_send(c, msg.data, msg.len);
        ok = fz_await_ready(c);
    }
    am_buf_destroy(&final);
    am_buf_destroy(&msg);
    fz_scram_destroy(&s);
    return ok;
}

#endif /* AM_FUZZ_CLIENT_H */
