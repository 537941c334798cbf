/*
 * proxy/scram.c: SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (channel binding tls-server-end-point)
 * server side, from a password or a stored verifier. Pure functions on the SASL payloads (no
 * socket): proxy/conn.c moves the bytes. Never logs any of them.
 * Crypto from OpenSSL (PBKDF2, HMAC, SHA-256, random bytes); base64 by hand because OpenSSL's
 * EVP_DecodeBlock neither rejects bad padding nor reports the decoded length.
 * Spec: RFC 5802, RFC 7677, PostgreSQL auth-scram.c as summarised in postgres.md §4.2:
 *   client-first  = gs2-header ("n,," | "y,," | "p=tls-server-end-point,,") bare;
 *                   bare = "n=" user ",r=" cnonce
 *   server-first  = "r=" cnonce snonce ",s=" b64(salt) ",i=" iterations
 *   client-final  = "c=" b64(gs2-header [+ cbind-data with -PLUS]) ",r=" nonce ",p=" b64(proof)
 *   verifier      = "SCRAM-SHA-256$" iterations ":" b64(salt) "$" b64(StoredKey) ":" b64(ServerKey)
 *   AuthMessage   = bare "," server-first "," client-final-without-proof
 *   server-final  = "v=" b64(HMAC(ServerKey, AuthMessage))
 */
#include "proxy/proxy_internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define SCRAM_ITERATIONS 4096

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/* The alphabet plus the pad at index 64, for the encoder only ('=' is not a digit to decode). */
static const char b64_pad[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

static void b64_encode(const uint8_t *p, size_t n, am_buf_t *out)
{
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        am_buf_putc(out, b64_chars[(v >> 18) & 63]);
        am_buf_putc(out, b64_chars[(v >> 12) & 63]);
        am_buf_putc(out, b64_pad[i + 1 < n ? (v >> 6) & 63 : 64]);
        am_buf_putc(out, b64_pad[i + 2 < n ? v & 63 : 64]);
    }
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64_chars, c) : NULL;
    return p ? (int)(p - b64_chars) : -1;
}

/* Strict: length a multiple of 4, padding only at the end. Returns decoded length or -1. */
static long b64_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n % 4 != 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            bool is_pad = s[i + k] == '=' && i + 4 == n && k >= 2;
            if (pad && !is_pad)
                return -1;
            pad += is_pad;
            v[k] = is_pad ? 0 : b64_value(s[i + k]);
            if (v[k] < 0)
                return -1;
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        for (int k = 0; k < 3 - pad; k++) {
            if (o == cap)
                return -1;
            out[o++] = (uint8_t)(w >> (16 - 8 * k));
        }
    }
    return (long)o;
}

static void hmac256(const uint8_t *key, size_t key_len, const void *msg, size_t msg_len,
                    uint8_t out[32])
{
    unsigned int n = 32;
    AM_ASSERT(HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, out, &n) != NULL);
}

static void derive_keys(proxy_scram_secret_t *sec, const char *password)
{
    uint8_t salted[32], client_key[32];
    AM_ASSERT(PKCS5_PBKDF2_HMAC(password, (int)strlen(password), sec->salt, (int)sec->salt_len,
                                sec->iterations, EVP_sha256(), 32, salted) == 1);
    hmac256(salted, 32, "Client Key", 10, client_key);
    SHA256(client_key, 32, sec->stored_key);
    hmac256(salted, 32, "Server Key", 10, sec->server_key);
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(client_key, sizeof client_key);
}

void proxy__scram_secret_init(proxy_scram_secret_t *sec, const char *password)
{
    memset(sec, 0, sizeof *sec);
    sec->iterations = SCRAM_ITERATIONS;
    sec->salt_len = 16;
    am_random_bytes(sec->salt, sec->salt_len);
    derive_keys(sec, password ? password : "");
}

/* Decodes b64 text between p and end into out: exactly want bytes (0 = 1..cap). */
static bool b64_field(const char *p, const char *end, uint8_t *out, size_t cap, size_t want,
                      size_t *got)
{
    long n = b64_decode(p, (size_t)(end - p), out, cap);
    if (n <= 0 || (want && (size_t)n != want))
        return false;
    *got = (size_t)n;
    return true;
}

bool proxy__scram_secret_parse(proxy_scram_secret_t *sec, const char *v, am_err_t *err)
{
    static const char prefix[] = "SCRAM-SHA-256$";
    memset(sec, 0, sizeof *sec);
    const char *colon1 = NULL, *dollar = NULL, *colon2 = NULL;
    if (v && strncmp(v, prefix, sizeof prefix - 1) == 0) {
        v += sizeof prefix - 1;
        colon1 = strchr(v, ':');
        dollar = colon1 ? strchr(colon1, '$') : NULL;
        colon2 = dollar ? strchr(dollar, ':') : NULL;
    }
    char *end = NULL;
    long it = colon1 ? strtol(v, &end, 10) : 0;
    size_t n = 0;
    bool ok = colon2 && end == colon1 && it >= 1 && it <= 10000000 &&
              b64_field(colon1 + 1, dollar, sec->salt, sizeof sec->salt, 0, &sec->salt_len) &&
              b64_field(dollar + 1, colon2, sec->stored_key, 32, 32, &n) &&
              b64_field(colon2 + 1, colon2 + 1 + strlen(colon2 + 1), sec->server_key, 32, 32, &n);
    if (!ok) {
        memset(sec, 0, sizeof *sec);
        return am_err_set(err, "28000", "not a SCRAM-SHA-256 verifier");
    }
    sec->iterations = (int)it;
    return true;
}

void proxy__scram_init(proxy_scram_t *s, const proxy_scram_secret_t *sec, bool user_ok,
                       const char *user, const uint8_t doomed_key[32])
{
    memset(s, 0, sizeof *s);
    am_buf_init(&s->auth_msg);
    s->secret = *sec;
    s->doomed = !user_ok;
    if (!user_ok) {
        /* PostgreSQL's mock salt: stable per user name, so probing reveals nothing. */
        uint8_t mac[32];
        hmac256(doomed_key, 32, user, strlen(user), mac);
        s->secret.salt_len = 16;
        s->secret.iterations = SCRAM_ITERATIONS;
        memcpy(s->secret.salt, mac, s->secret.salt_len);
        am_random_bytes(s->secret.stored_key, sizeof s->secret.stored_key);
    }
}

void proxy__scram_destroy(proxy_scram_t *s)
{
    am_buf_destroy(&s->auth_msg);
    OPENSSL_cleanse(&s->secret, sizeof s->secret);
}

static bool nonce_ok(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x21 || p[i] > 0x7e || p[i] == ',')
            return false;
    return true;
}

static bool scram_bad(am_err_t *err, const char *what)
{
    return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "malformed SCRAM message: %s", what);
}

void proxy__scram_set_tls(proxy_scram_t *s, bool plus, const uint8_t *cbind, size_t len)
{
    AM_ASSERT(len <= sizeof s->cbind);
    s->tls = true;
    s->plus = plus;
    memcpy(s->cbind, cbind, len);
    s->cbind_len = len;
}

/* The channel-binding flag as PostgreSQL's read_client_first_message checks it. */
static bool parse_cbind_flag(const proxy_scram_t *s, const char *m, size_t len, size_t *off,
                             am_err_t *err)
{
    static const char ep[] = "p=tls-server-end-point,";
    if (len >= 1 && m[0] == 'p') {
        if (!s->plus)
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                              s->tls ? "malformed SCRAM message: the client requires channel "
                                       "binding but selected SCRAM-SHA-256"
                                     : "channel binding is not supported by this server");
        if (len < sizeof ep - 1 || memcmp(m, ep, sizeof ep - 1) != 0)
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                              "unsupported SCRAM channel-binding type");
        *off = sizeof ep - 1;
        return true;
    }
    if (s->plus)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "malformed SCRAM message: channel binding was selected but the client "
                          "sent no binding");
    if (len >= 1 && m[0] == 'y' && s->tls)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "SCRAM channel binding negotiation error: the client supports it but "
                          "thinks the server does not");
    if (len < 2 || (m[0] != 'n' && m[0] != 'y') || m[1] != ',')
        return scram_bad(err, "unexpected channel-binding flag");
    *off = 2;
    return true;
}

/* gs2 header: the binding flag, then an empty authzid (we refuse one). */
static bool parse_gs2(const proxy_scram_t *s, const char *m, size_t len, size_t *bare_off,
                      am_err_t *err)
{
    size_t off = 0;
    if (!parse_cbind_flag(s, m, len, &off, err))
        return false;
    if (off < len && m[off] == 'a')
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "client uses authorization identity, but it is not supported");
    if (off >= len || m[off] != ',')
        return scram_bad(err, "unexpected attribute in client-first-message");
    *bare_off = off + 1;
    return true;
}

bool proxy__scram_first(proxy_scram_t *s, const uint8_t *data, size_t len, am_buf_t *out,
                        am_err_t *err)
{
    const char *m = (const char *)data;
    size_t bare = 0;
    if (s->state != 0 || !data)
        return scram_bad(err, "client-first-message expected");
    if (memchr(m, '\0', len))
        return scram_bad(err, "NUL in client-first-message");
    if (!parse_gs2(s, m, len, &bare, err))
        return false;
    /* c= in client-final: the gs2 header, and with -PLUS the binding data after it */
    am_buf_t raw, gs2;
    am_buf_init(&raw);
    am_buf_init(&gs2);
    am_buf_append(&raw, data, bare);
    if (s->plus)
        am_buf_append(&raw, s->cbind, s->cbind_len);
    b64_encode((const uint8_t *)raw.data, raw.len, &gs2);
    AM_ASSERT(gs2.len < sizeof s->gs2_b64);
    memcpy(s->gs2_b64, gs2.data, gs2.len + 1);
    am_buf_destroy(&gs2);
    am_buf_destroy(&raw);
    /* bare = "n=" user ",r=" nonce [",ext"...]; the user comes from the startup packet. */
    const char *b = m + bare, *end = m + len;
    if (end - b < 2 || memcmp(b, "n=", 2) != 0)
        return scram_bad(err, "expected user name attribute");
    const char *r = memchr(b, ',', (size_t)(end - b));
    if (!r || end - r < 4 || memcmp(r, ",r=", 3) != 0)
        return scram_bad(err, "expected nonce attribute");
    const char *nonce = r + 3;
    const char *nonce_end = memchr(nonce, ',', (size_t)(end - nonce));
    size_t nonce_len = (size_t)((nonce_end ? nonce_end : end) - nonce);
    if (!nonce_ok(nonce, nonce_len) || nonce_len > 64)
        return scram_bad(err, "invalid nonce");
    if (nonce_end && end - nonce_end >= 2 && nonce_end[1] == 'm')
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED, "SCRAM extensions are not supported");
    uint8_t snonce_raw[18];
    am_random_bytes(snonce_raw, sizeof snonce_raw);
    am_buf_t sn;
    am_buf_init(&sn);
    am_buf_append(&sn, nonce, nonce_len);
    b64_encode(snonce_raw, sizeof snonce_raw, &sn);
    AM_ASSERT(sn.len < sizeof s->nonce);
    memcpy(s->nonce, sn.data, sn.len + 1);
    am_buf_destroy(&sn);

    size_t first_off = out->len;
    am_buf_printf(out, "r=%s,s=", s->nonce);
    b64_encode(s->secret.salt, s->secret.salt_len, out);
    am_buf_printf(out, ",i=%d", s->secret.iterations);
    am_buf_reset(&s->auth_msg);
    am_buf_append(&s->auth_msg, b, (size_t)(end - b));
    am_buf_putc(&s->auth_msg, ',');
    am_buf_append(&s->auth_msg, out->data + first_off, out->len - first_off);
    s->state = 1;
    return true;
}

/* Finds ",p=" (the proof is the last attribute) and checks c= and r=. */
static bool parse_final(proxy_scram_t *s, const char *m, size_t len, size_t *proof_off,
                        am_err_t *err)
{
    size_t c_len = strlen(s->gs2_b64);
    if (len < 2 + c_len + 1 || memcmp(m, "c=", 2) != 0 || memcmp(m + 2, s->gs2_b64, c_len) != 0 ||
        m[2 + c_len] != ',')
        return scram_bad(err, "unexpected SCRAM channel-binding attribute in client-final-message");
    const char *r = m + 2 + c_len + 1;
    size_t n_len = strlen(s->nonce);
    const char *end = m + len;
    if ((size_t)(end - r) < 2 + n_len || memcmp(r, "r=", 2) != 0 ||
        memcmp(r + 2, s->nonce, n_len) != 0 || (r + 2 + n_len < end && r[2 + n_len] != ','))
        return scram_bad(err, "nonce does not match");
    size_t min_off = (size_t)(r + 2 + n_len - m) + 3;
    for (size_t i = len; i >= min_off; i--) {
        if (memcmp(m + i - 3, ",p=", 3) == 0) {
            *proof_off = i;
            return true;
        }
    }
    return scram_bad(err, "could not find proof in client-final-message");
}

bool proxy__scram_final(proxy_scram_t *s, const uint8_t *data, size_t len, am_buf_t *out,
                        am_err_t *err)
{
    const char *m = (const char *)data;
    size_t proof_off = 0;
    if (s->state != 1 || !data)
        return scram_bad(err, "client-final-message expected");
    if (memchr(m, '\0', len))
        return scram_bad(err, "NUL in client-final-message");
    if (!parse_final(s, m, len, &proof_off, err))
        return false;
    uint8_t proof[33];
    if (b64_decode(m + proof_off, len - proof_off, proof, sizeof proof) != 32)
        return scram_bad(err, "malformed proof in client-final-message");
    am_buf_putc(&s->auth_msg, ',');
    am_buf_append(&s->auth_msg, m, proof_off - 3);
    s->state = 2;

    uint8_t sig[32], client_key[32], check[32];
    hmac256(s->secret.stored_key, 32, s->auth_msg.data, s->auth_msg.len, sig);
    for (int i = 0; i < 32; i++)
        client_key[i] = proof[i] ^ sig[i];
    SHA256(client_key, 32, check);
    bool ok = CRYPTO_memcmp(check, s->secret.stored_key, 32) == 0 && !s->doomed;
    OPENSSL_cleanse(client_key, sizeof client_key);
    if (!ok)
        return am_err_set(err, PROXY_SQLSTATE_BAD_PASSWORD, "proof mismatch");
    uint8_t server_sig[32];
    hmac256(s->secret.server_key, 32, s->auth_msg.data, s->auth_msg.len, server_sig);
    am_buf_puts(out, "v=");
    b64_encode(server_sig, 32, out);
    return true;
}
