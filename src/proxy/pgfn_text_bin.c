/*
 * proxy/pgfn_text_bin.c: PostgreSQL 15's chr(), ascii(), to_hex(), md5(), sha224/256/384/512()
 * and encode()/decode() (base64, hex, escape) as row functions of the `text` family
 * (proxy/pgfn_text.h). Digests by OpenSSL's EVP interface.
 * Spec: PostgreSQL 15 documentation, "Binary String Functions and Operators"; base64 lines of
 * 76 characters, decoder errors and hints as PostgreSQL's encode.c reports them (observed).
 */
#include "proxy/pgfn_text_internal.h"

#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

static bool row_chr(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    int64_t v = a[0].i;
    if (v < 0)
        return am_err_set(err, "22023", "character number must be positive");
    if (v == 0)
        return am_err_set(err, "54000", "null character not permitted");
    if (v > 0x10ffff)
        return am_err_set(err, "54000", "requested character too large for encoding: %lld",
                          (long long)v);
    if (v >= 0xd800 && v <= 0xdfff)
        return am_err_set(err, "54000", "requested character not valid for encoding: %lld",
                          (long long)v);
    pgfn_text_put_cp(&res->buf, (uint32_t)v);
    return true;
}

static bool row_ascii(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    (void)err;
    res->i = a[0].len == 0 ? 0 : (int64_t)pgfn_text_decode(a[0].s, a[0].len);
    return true;
}

static bool row_to_hex(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    (void)err;
    uint64_t v = (uint64_t)a[0].i;
    if (a[0].int_bits < 64)
        v &= (UINT64_C(1) << 32) - 1;
    am_buf_printf(&res->buf, "%llx", (unsigned long long)v);
    return true;
}

static const char hexdig[] = "0123456789abcdef";

static void put_hex(am_buf_t *b, const unsigned char *p, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        am_buf_putc(b, hexdig[p[k] >> 4]);
        am_buf_putc(b, hexdig[p[k] & 15]);
    }
}

static bool digest(const EVP_MD *md, const pgfn_text_arg_t *a, unsigned char *out,
                   unsigned *out_len, am_err_t *err)
{
    if (EVP_Digest(a->s, a->len, out, out_len, md, NULL) != 1)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "openssl: digest failed");
    return true;
}

static bool row_md5(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (!digest(EVP_md5(), &a[0], d, &dl, err))
        return false;
    put_hex(&res->buf, d, dl);
    return true;
}

static bool sha(const EVP_MD *md, const pgfn_text_arg_t *a, pgfn_text_res_t *res, am_err_t *err)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (!digest(md, &a[0], d, &dl, err))
        return false;
    am_buf_append(&res->buf, d, dl);
    return true;
}

static bool row_sha224(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    return sha(EVP_sha224(), a, res, err);
}

static bool row_sha256(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    return sha(EVP_sha256(), a, res, err);
}

static bool row_sha384(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    return sha(EVP_sha384(), a, res, err);
}

static bool row_sha512(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    return sha(EVP_sha512(), a, res, err);
}

/* ---- encode / decode ---------------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64pad[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

static void base64_encode(const unsigned char *p, size_t len, am_buf_t *b)
{
    size_t line = 0;
    for (size_t k = 0; k < len; k += 3) {
        uint32_t v = (uint32_t)p[k] << 16;
        if (k + 1 < len)
            v |= (uint32_t)p[k + 1] << 8;
        if (k + 2 < len)
            v |= p[k + 2];
        am_buf_putc(b, b64[(v >> 18) & 63]);
        am_buf_putc(b, b64[(v >> 12) & 63]);
        am_buf_putc(b, b64pad[k + 1 < len ? (v >> 6) & 63 : 64]);
        am_buf_putc(b, b64pad[k + 2 < len ? v & 63 : 64]);
        line += 4;
        /* PostgreSQL ends a line after each complete group that reaches 76 characters, the
         * last one included; a final partial group never ends one. */
        if (k + 3 <= len && line >= 76) {
            am_buf_putc(b, '\n');
            line = 0;
        }
    }
}

static int b64_value(char c)
{
    const char *q = c ? strchr(b64, c) : NULL;
    return q ? (int)(q - b64) : -1;
}

static bool b64_end_error(am_err_t *err)
{
    return am_err_set(err, "22023", "invalid base64 end sequence");
}

static bool base64_decode(const char *s, size_t len, am_buf_t *b, am_err_t *err)
{
    uint32_t acc = 0;
    int pos = 0, end = 0;
    for (size_t k = 0; k < len; k++) {
        char c = s[k];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        int v = 0;
        if (c == '=') {
            /* end sequence: "=" is allowed only in the 3rd and 4th place of a group */
            if (!end) {
                if (pos == 2)
                    end = 1;
                else if (pos == 3)
                    end = 2;
                else
                    return am_err_set(err, "22023",
                                      "unexpected \"=\" while decoding base64 sequence");
            }
        } else {
            v = b64_value(c);
            if (v < 0)
                return am_err_set(err, "22023",
                                  "invalid symbol \"%.*s\" found while decoding base64 sequence",
                                  (int)pgfn_text_u8len((unsigned char)c), s + k);
        }
        acc = (acc << 6) | (uint32_t)v;
        if (++pos == 4) {
            am_buf_putc(b, (char)(acc >> 16));
            if (end == 0 || end > 1)
                am_buf_putc(b, (char)(acc >> 8));
            if (end == 0 || end > 2)
                am_buf_putc(b, (char)acc);
            acc = 0;
            pos = 0;
        }
    }
    if (pos != 0)
        return b64_end_error(err);
    return true;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool hex_bad(const char *s, size_t k, am_err_t *err)
{
    return am_err_set(err, "22023", "invalid hexadecimal digit: \"%.*s\"",
                      (int)pgfn_text_u8len((unsigned char)s[k]), s + k);
}

static bool hex_decode(const char *s, size_t len, am_buf_t *b, am_err_t *err)
{
    size_t k = 0;
    while (k < len) {
        if (s[k] == ' ' || s[k] == '\n' || s[k] == '\t' || s[k] == '\r') {
            k++;
            continue;
        }
        int hi = hex_value(s[k]);
        if (hi < 0)
            return hex_bad(s, k, err);
        if (++k >= len)
            return am_err_set(err, "22023", "invalid hexadecimal data: odd number of digits");
        int lo = hex_value(s[k]);
        if (lo < 0)
            return hex_bad(s, k, err);
        am_buf_putc(b, (char)(hi << 4 | lo));
        k++;
    }
    return true;
}

static void escape_encode(const unsigned char *p, size_t len, am_buf_t *b)
{
    for (size_t k = 0; k < len; k++) {
        if (p[k] == '\\')
            am_buf_puts(b, "\\\\");
        else if (p[k] == 0 || p[k] >= 0x80)
            am_buf_printf(b, "\\%03o", p[k]);
        else
            am_buf_putc(b, (char)p[k]);
    }
}

static bool is_oct(char c, char hi)
{
    return c >= '0' && c <= hi;
}

static bool escape_decode(const char *s, size_t len, am_buf_t *b, am_err_t *err)
{
    for (size_t k = 0; k < len;) {
        if (s[k] != '\\') {
            am_buf_putc(b, s[k++]);
        } else if (k + 3 < len && is_oct(s[k + 1], '3') && is_oct(s[k + 2], '7') &&
                   is_oct(s[k + 3], '7')) {
            am_buf_putc(b,
                        (char)((s[k + 1] - '0') << 6 | (s[k + 2] - '0') << 3 | (s[k + 3] - '0')));
            k += 4;
        } else if (k + 1 < len && s[k + 1] == '\\') {
            am_buf_putc(b, '\\');
            k += 2;
        } else {
            return am_err_set(err, "22P02", "invalid input syntax for type %s", "bytea");
        }
    }
    return true;
}

static bool unknown_encoding(const pgfn_text_arg_t *f, am_err_t *err)
{
    return am_err_set(err, "22023", "unrecognized encoding: \"%.*s\"", (int)f->len, f->s);
}

static bool is_format(const pgfn_text_arg_t *f, const char *name)
{
    return f->len == strlen(name) && strncasecmp(f->s, name, f->len) == 0;
}

static bool row_encode(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    const unsigned char *p = (const unsigned char *)a[0].s;
    if (is_format(&a[1], "base64"))
        base64_encode(p, a[0].len, &res->buf);
    else if (is_format(&a[1], "hex"))
        put_hex(&res->buf, p, a[0].len);
    else if (is_format(&a[1], "escape"))
        escape_encode(p, a[0].len, &res->buf);
    else
        return unknown_encoding(&a[1], err);
    return true;
}

static bool row_decode(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    if (is_format(&a[1], "base64"))
        return base64_decode(a[0].s, a[0].len, &res->buf, err);
    if (is_format(&a[1], "hex"))
        return hex_decode(a[0].s, a[0].len, &res->buf, err);
    if (is_format(&a[1], "escape"))
        return escape_decode(a[0].s, a[0].len, &res->buf, err);
    return unknown_encoding(&a[1], err);
}

#define T "VARCHAR"
#define B "BLOB"

const pgfn_text_fn_t proxy__pgfn_text_bin_fns[] = {
    {"am_chr", T, {"BIGINT"}, NULL, row_chr, true},
    {"am_ascii", "BIGINT", {T}, NULL, row_ascii, true},
    {"am_to_hex", T, {"BIGINT"}, NULL, row_to_hex, true},
    {"am_to_hex", T, {"INTEGER"}, NULL, row_to_hex, true},
    {"am_md5", T, {T}, NULL, row_md5, true},
    {"am_md5_bytea", T, {B}, NULL, row_md5, true},
    {"am_sha224", B, {B}, NULL, row_sha224, true},
    {"am_sha256", B, {B}, NULL, row_sha256, true},
    {"am_sha384", B, {B}, NULL, row_sha384, true},
    {"am_sha512", B, {B}, NULL, row_sha512, true},
    {"am_encode", T, {B, T}, NULL, row_encode, true},
    {"am_decode", B, {T, T}, NULL, row_decode, true},
};
const size_t proxy__pgfn_text_bin_n = AM_ARRAY_LEN(proxy__pgfn_text_bin_fns);
