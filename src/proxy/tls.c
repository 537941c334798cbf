/*
 * proxy/tls.c: TLS on client sockets with OpenSSL: one server context (TLS 1.2 or newer,
 * certificate chain and key read once at start, before the sandbox closes the filesystem),
 * the handshake after SSLRequest is answered 'S', reads and writes for proxy/conn.c, and the
 * tls-server-end-point channel binding data SCRAM-SHA-256-PLUS needs.
 * Spec: postgres.md §4.1 (SSLRequest); RFC 5929 §4.1: the certificate's hash with its signature
 * algorithm's digest, SHA-256 when that is MD5 or SHA-1 (PostgreSQL be-secure-openssl.c).
 */
#include "proxy/proxy_internal.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

struct proxy_tls {
    SSL_CTX *ctx;
    bool required;
    uint8_t cbind[EVP_MAX_MD_SIZE];
    size_t cbind_len;
};

static bool ssl_fail(am_err_t *err, const char *what, const char *path)
{
    char buf[256] = "";
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    ERR_clear_error();
    return am_err_set(err, AM_SQLSTATE_CONFIG, "proxy: TLS: %s \"%s\": openssl: %s", what,
                      path ? path : "", buf);
}

static bool end_point_hash(struct proxy_tls *t, am_err_t *err)
{
    X509 *cert = SSL_CTX_get0_certificate(t->ctx);
    int md_nid = NID_undef, pk_nid = NID_undef;
    if (!cert || !OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid))
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "proxy: TLS: cannot tell the certificate's signature algorithm");
    const EVP_MD *md =
        md_nid == NID_md5 || md_nid == NID_sha1 ? EVP_sha256() : EVP_get_digestbynid(md_nid);
    unsigned int n = 0;
    if (!md || !X509_digest(cert, md, t->cbind, &n))
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "proxy: TLS: cannot hash the certificate for channel binding");
    t->cbind_len = n;
    return true;
}

bool proxy__tls_init(proxy_t *p, const char *mode, const char *cert, const char *key, am_err_t *err)
{
    if (!mode || strcmp(mode, "disable") == 0)
        return true;
    struct proxy_tls *t = am_xcalloc(1, sizeof *t);
    p->tls = t;
    t->required = strcmp(mode, "require") == 0;
    t->ctx = SSL_CTX_new(TLS_server_method());
    if (!t->ctx)
        return ssl_fail(err, "context", NULL);
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(t->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
    if (SSL_CTX_use_certificate_chain_file(t->ctx, cert) != 1)
        return ssl_fail(err, "certificate", cert);
    if (SSL_CTX_use_PrivateKey_file(t->ctx, key, SSL_FILETYPE_PEM) != 1)
        return ssl_fail(err, "private key", key);
    if (SSL_CTX_check_private_key(t->ctx) != 1)
        return ssl_fail(err, "key does not match certificate", cert);
    return end_point_hash(t, err);
}

void proxy__tls_free(proxy_t *p)
{
    if (!p->tls)
        return;
    SSL_CTX_free(p->tls->ctx);
    free(p->tls);
    p->tls = NULL;
}

bool proxy__tls_required(const proxy_t *p)
{
    return p->tls && p->tls->required;
}

const uint8_t *proxy__tls_cbind(const proxy_t *p, size_t *len)
{
    *len = p->tls ? p->tls->cbind_len : 0;
    return p->tls ? p->tls->cbind : NULL;
}

bool proxy__tls_accept(proxy_session_t *s)
{
    SSL *ssl = SSL_new(s->proxy->tls->ctx);
    if (!ssl || SSL_set_fd(ssl, s->fd) != 1) {
        SSL_free(ssl);
        return false;
    }
    s->ssl = ssl;
    int rc = SSL_accept(ssl);
    if (rc != 1) {
        char buf[256] = "";
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        ERR_clear_error();
        am_log_info("proxy", "TLS handshake failed", AM_KV_STR("err", buf));
        return false;
    }
    return true;
}

long proxy__tls_read(proxy_session_t *s, void *p, size_t n)
{
    int r = SSL_read(s->ssl, p, n > 1u << 30 ? 1 << 30 : (int)n);
    if (r > 0)
        return r;
    int e = SSL_get_error(s->ssl, r);
    ERR_clear_error();
    return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

long proxy__tls_write(proxy_session_t *s, const void *p, size_t n)
{
    int r = SSL_write(s->ssl, p, n > 1u << 30 ? 1 << 30 : (int)n);
    if (r > 0)
        return r;
    ERR_clear_error();
    return -1;
}

void proxy__tls_close(proxy_session_t *s)
{
    if (!s->ssl)
        return;
    if (!s->io_failed)
        (void)SSL_shutdown(s->ssl);
    ERR_clear_error();
    SSL_free(s->ssl);
    s->ssl = NULL;
}

bool proxy__tls_pending(proxy_session_t *s)
{
    return s->ssl && SSL_pending(s->ssl) > 0;
}
