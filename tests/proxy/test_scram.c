/*
 * tests/proxy/test_scram.c: the SCRAM-SHA-256 server against a client computed here with
 * OpenSSL as RFC 5802 says: the right password is accepted and the server signature
 * verifies; a wrong one, an unknown user, a changed nonce, channel binding are refused.
 */
#include "proxy_test.h"

#include "proxy/proxy_internal.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

static void hmac(const uint8_t *k, size_t kl, const void *m, size_t ml, uint8_t out[32])
{
    unsigned int n = 32;
    HMAC(EVP_sha256(), k, (int)kl, m, ml, out, &n);
}

static size_t unb64(const char *s, uint8_t *out)
{
    return (size_t)EVP_DecodeBlock(out, (const unsigned char *)s, (int)strlen(s));
}

/* Runs the exchange as a client with password pw; returns whether the server accepted. */
static bool exchange(const char *server_pw, const char *client_pw, bool user_ok, bool tamper_nonce,
                     am_err_t *err)
{
    proxy_scram_secret_t sec;
    proxy__scram_secret_init(&sec, server_pw);
    uint8_t doomed[32] = {1};
    proxy_scram_t s;
    proxy__scram_init(&s, &sec, user_ok, "someone", doomed);
    const char *first = "n,,n=,r=clientnonce123";
    am_buf_t sf, fin, sfinal;
    am_buf_init(&sf);
    am_buf_init(&fin);
    am_buf_init(&sfinal);
    cr_assert(proxy__scram_first(&s, (const uint8_t *)first, strlen(first), &sf, err), "%s",
              err->msg);
    /* r=<nonce>,s=<salt>,i=4096 */
    char nonce[128], salt_b64[64];
    int iter = 0;
    cr_assert_eq(sscanf(sf.data, "r=%127[^,],s=%63[^,],i=%d", nonce, salt_b64, &iter), 3, "%s",
                 sf.data);
    cr_expect_eq(iter, 4096);
    cr_expect(strncmp(nonce, "clientnonce123", 14) == 0);
    uint8_t salt[48];
    size_t salt_len = unb64(salt_b64, salt) - 2; /* 16 bytes, padded to 18 by DecodeBlock */
    uint8_t salted[32], ck[32], sk[32], stored[32], sig[32], proof[32];
    PKCS5_PBKDF2_HMAC(client_pw, (int)strlen(client_pw), salt, (int)salt_len, iter, EVP_sha256(),
                      32, salted);
    hmac(salted, 32, "Client Key", 10, ck);
    SHA256(ck, 32, stored);
    hmac(salted, 32, "Server Key", 10, sk);
    if (tamper_nonce)
        nonce[strlen(nonce) - 1] ^= 1;
    char without_proof[256];
    snprintf(without_proof, sizeof without_proof, "c=biws,r=%s", nonce);
    char auth[512];
    snprintf(auth, sizeof auth, "%s,%s,%s", first + 3, sf.data, without_proof);
    hmac(stored, 32, auth, strlen(auth), sig);
    for (int i = 0; i < 32; i++)
        proof[i] = ck[i] ^ sig[i];
    unsigned char proof_b64[64];
    EVP_EncodeBlock(proof_b64, proof, 32);
    am_buf_printf(&fin, "%s,p=%s", without_proof, proof_b64);
    bool ok = proxy__scram_final(&s, (const uint8_t *)fin.data, fin.len, &sfinal, err);
    if (ok) {
        uint8_t want[32];
        unsigned char want_b64[64];
        hmac(sk, 32, auth, strlen(auth), want);
        EVP_EncodeBlock(want_b64, want, 32);
        cr_expect(strncmp(sfinal.data, "v=", 2) == 0 &&
                      strcmp(sfinal.data + 2, (const char *)want_b64) == 0,
                  "server signature %s", sfinal.data);
    }
    proxy__scram_destroy(&s);
    am_buf_destroy(&sf);
    am_buf_destroy(&fin);
    am_buf_destroy(&sfinal);
    return ok;
}

Test(proxy, scram_accepts_the_right_password)
{
    am_err_t err = {0};
    cr_expect(exchange("pencil", "pencil", true, false, &err), "%s", err.msg);
}

Test(proxy, scram_refuses_wrong_password_unknown_user_and_bad_nonce)
{
    am_err_t err = {0};
    cr_expect_not(exchange("pencil", "pen", true, false, &err));
    cr_expect_str_eq(err.sqlstate, "28P01");
    am_err_t e2 = {0};
    cr_expect_not(exchange("pencil", "pencil", false, false, &e2));
    cr_expect_str_eq(e2.sqlstate, "28P01");
    am_err_t e3 = {0};
    cr_expect_not(exchange("pencil", "pencil", true, true, &e3));
    cr_expect_str_eq(e3.sqlstate, "08P01");
}

Test(proxy, scram_refuses_channel_binding_and_authzid)
{
    proxy_scram_secret_t sec;
    proxy__scram_secret_init(&sec, "x");
    uint8_t doomed[32] = {0};
    const char *bad[] = {"p=tls-server-end-point,,n=,r=abc",
                         "n,a=admin,n=,r=abc",
                         "n,,n=,r=",
                         "n,,n=,r=a,b",
                         "x,,n=,r=abc",
                         "n,,r=abc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        proxy_scram_t s;
        proxy__scram_init(&s, &sec, true, "u", doomed);
        am_buf_t out;
        am_buf_init(&out);
        am_err_t err = {0};
        bool ok = proxy__scram_first(&s, (const uint8_t *)bad[i], strlen(bad[i]), &out, &err);
        cr_expect_not(ok && i != 3, "%s accepted", bad[i]);
        am_buf_destroy(&out);
        proxy__scram_destroy(&s);
    }
}
