/*
 * proxy/pgfn_more_bin.c: bytes and escapes of the `more` family (proxy/pgfn_more.h):
 * convert_from / convert_to / convert under the database encoding UTF8 (UTF8, SQL_ASCII and
 * LATIN1 on either side; other encodings are refused), get_byte, set_byte, get_bit, set_bit,
 * bit_count(bytea) and unistr().
 * Spec: PostgreSQL 15 mbutils.c (pg_convert, pg_do_encoding_conversion), wchar.c
 * (pg_utf8_islegal, pg_verify_mbstr, report_invalid_encoding), encnames.c (names),
 * varlena.c (byteaGetByte ... byteaSetBit, bytea_bit_count, unistr).
 */
#include "proxy/pgfn_more.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef enum enc {
    ENC_INVALID,
    ENC_UTF8,
    ENC_SQL_ASCII,
    ENC_LATIN1,
    ENC_OTHER, /* a PostgreSQL encoding the mirror does not convert */
} enc_t;

/* pg_char_to_encoding: the name lowercased with everything but letters and digits removed. */
static enc_t enc_of(const char *s, size_t len, char *clean, size_t cap)
{
    static const char *const others[] = {
        "abc",         "alt",          "big5",        "euccn",        "eucjis2004",  "eucjp",
        "euckr",       "euctw",        "gb18030",     "gbk",          "iso885910",   "iso885913",
        "iso885914",   "iso885915",    "iso885916",   "iso88592",     "iso88593",    "iso88594",
        "iso88595",    "iso88596",     "iso88597",    "iso88598",     "iso88599",    "johab",
        "koi8",        "koi8r",        "koi8u",       "latin10",      "latin2",      "latin3",
        "latin4",      "latin5",       "latin6",      "latin7",       "latin8",      "latin9",
        "mskanji",     "muleinternal", "shiftjis",    "shiftjis2004", "sjis",        "tcvn",
        "tcvn5712",    "uhc",          "vscii",       "win",          "win1250",     "win1251",
        "win1252",     "win1253",      "win1254",     "win1255",      "win1256",     "win1257",
        "win1258",     "win866",       "win874",      "win932",       "win936",      "win949",
        "win950",      "windows1250",  "windows1251", "windows1252",  "windows1253", "windows1254",
        "windows1255", "windows1256",  "windows1257", "windows1258",  "windows866",  "windows874",
        "windows932",  "windows936",   "windows949",  "windows950"};
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < cap; i++)
        if (isalnum((unsigned char)s[i]))
            clean[k++] = (char)tolower((unsigned char)s[i]);
    clean[k] = '\0';
    if (!strcmp(clean, "utf8") || !strcmp(clean, "unicode"))
        return ENC_UTF8;
    if (!strcmp(clean, "sqlascii"))
        return ENC_SQL_ASCII;
    if (!strcmp(clean, "latin1") || !strcmp(clean, "iso88591"))
        return ENC_LATIN1;
    for (size_t i = 0; i < AM_ARRAY_LEN(others); i++)
        if (!strcmp(clean, others[i]))
            return ENC_OTHER;
    return ENC_INVALID;
}

static const char *enc_name(enc_t e)
{
    return e == ENC_UTF8 ? "UTF8" : e == ENC_SQL_ASCII ? "SQL_ASCII" : "LATIN1";
}

static size_t utf8_mblen(unsigned char c)
{
    return (c & 0x80) == 0      ? 1
           : (c & 0xe0) == 0xc0 ? 2
           : (c & 0xf0) == 0xe0 ? 3
           : (c & 0xf8) == 0xf0 ? 4
                                : 1;
}

/* pg_utf8_islegal for a character of n bytes. */
static bool utf8_legal(const unsigned char *s, size_t n)
{
    if (n > 4 || (s[0] >= 0x80 && s[0] < 0xc2) || s[0] > 0xf4)
        return false;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return false;
    if (n < 2)
        return true;
    unsigned char a = s[1];
    switch (s[0]) {
    case 0xe0:
        return a >= 0xa0 && a <= 0xbf;
    case 0xed:
        return a >= 0x80 && a <= 0x9f;
    case 0xf0:
        return a >= 0x90 && a <= 0xbf;
    case 0xf4:
        return a >= 0x80 && a <= 0x8f;
    default:
        return a >= 0x80 && a <= 0xbf;
    }
}

/* report_invalid_encoding: the bytes of the offending character (at most what is left). */
static bool bad_bytes(enc_t e, const unsigned char *s, size_t left, am_err_t *err)
{
    size_t l = e == ENC_UTF8 ? utf8_mblen(s[0]) : 1;
    l = l < left ? l : left;
    char hex[64] = "";
    size_t k = 0;
    for (size_t i = 0; i < l && i < 8; i++)
        k += (size_t)snprintf(hex + k, sizeof hex - k, "%s0x%02x", i ? " " : "", s[i]);
    return am_err_set(err, "22021", "invalid byte sequence for encoding \"%s\": %s", enc_name(e),
                      hex);
}

/* pg_verify_mbstr: NUL is never valid; UTF8 characters must be legal and complete. */
static bool verify(enc_t e, const char *p, size_t len, am_err_t *err)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80 || e != ENC_UTF8) {
            if (s[i] == 0)
                return bad_bytes(e, s + i, len - i, err);
            i++;
            continue;
        }
        size_t l = utf8_mblen(s[i]);
        if (l > len - i || !utf8_legal(s + i, l))
            return bad_bytes(e, s + i, len - i, err);
        i += l;
    }
    return true;
}

bool proxy__utf8_verify(const char *p, size_t len, am_err_t *err)
{
    return verify(ENC_UTF8, p, len, err);
}

/* LATIN1 bytes -> UTF8. */
static void latin1_to_utf8(const char *p, size_t len, am_buf_t *out)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x80) {
            am_buf_putc(out, (char)c);
        } else {
            am_buf_putc(out, (char)(0xc0 | (c >> 6)));
            am_buf_putc(out, (char)(0x80 | (c & 0x3f)));
        }
    }
}

/* Valid UTF8 -> LATIN1; 22P05 for a character LATIN1 lacks. */
static bool utf8_to_latin1(const char *p, size_t len, am_buf_t *out, am_err_t *err)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < len;) {
        size_t l = utf8_mblen(s[i]);
        if (l == 1) {
            am_buf_putc(out, (char)s[i++]);
            continue;
        }
        if (l == 2 && s[i] <= 0xc3) {
            am_buf_putc(out, (char)(((s[i] & 0x1f) << 6) | (s[i + 1] & 0x3f)));
            i += 2;
            continue;
        }
        char hex[64] = "";
        size_t k = 0;
        for (size_t j = 0; j < l; j++)
            k += (size_t)snprintf(hex + k, sizeof hex - k, "%s0x%02x", j ? " " : "", s[i + j]);
        return am_err_set(err, "22P05",
                          "character with byte sequence %s in encoding \"UTF8\" has no "
                          "equivalent in encoding \"LATIN1\"",
                          hex);
    }
    return true;
}

/* pg_convert(bytes, src, dst), the database encoding being UTF8. */
static bool convert(const char *p, size_t len, const pgfn_more_arg_t *src,
                    const pgfn_more_arg_t *dst, pgfn_more_res_t *res, am_err_t *err)
{
    char cs[64], cd[64];
    enc_t s = src ? enc_of(src->s, src->len, cs, sizeof cs) : ENC_UTF8;
    if (s == ENC_INVALID)
        return am_err_set(err, "22023", "invalid source encoding name \"%.*s\"", (int)src->len,
                          src->s);
    enc_t d = dst ? enc_of(dst->s, dst->len, cd, sizeof cd) : ENC_UTF8;
    if (d == ENC_INVALID)
        return am_err_set(err, "22023", "invalid destination encoding name \"%.*s\"", (int)dst->len,
                          dst->s);
    if (s == ENC_OTHER || d == ENC_OTHER)
        return am_err_set(err, "0A000",
                          "conversion from encoding \"%s\" to \"%s\" is not supported on the "
                          "mirror",
                          src ? cs : "utf8", dst ? cd : "utf8");
    if (!verify(s, p, len, err))
        return false;
    if (s == d || d == ENC_SQL_ASCII) {
        am_buf_append(&res->buf, p, len);
        return true;
    }
    if (s == ENC_SQL_ASCII) {
        am_buf_append(&res->buf, p, len);
        return verify(d, p, len, err);
    }
    if (s == ENC_LATIN1) {
        latin1_to_utf8(p, len, &res->buf);
        return true;
    }
    return utf8_to_latin1(p, len, &res->buf, err);
}

static bool f_convert_from(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                           am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    return convert(args[0].s, args[0].len, &args[1], NULL, res, err);
}

static bool f_convert_to(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                         am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    return convert(args[0].s, args[0].len, NULL, &args[1], res, err);
}

static bool f_convert(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    return convert(args[0].s, args[0].len, &args[1], &args[2], res, err);
}

/* ---- bytes and bits ----------------------------------------------------------------------- */

static bool byte_index(int64_t i, size_t len, am_err_t *err)
{
    if (i >= 0 && (uint64_t)i < len)
        return true;
    return am_err_set(err, "2202E", "index %lld out of valid range, 0..%lld", (long long)i,
                      (long long)len - 1);
}

static bool f_get_byte(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                       am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    if (!byte_index(args[1].i, args[0].len, err))
        return false;
    res->i = (unsigned char)args[0].s[args[1].i];
    return true;
}

static bool f_set_byte(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                       am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    if (!byte_index(args[1].i, args[0].len, err))
        return false;
    am_buf_append(&res->buf, args[0].s, args[0].len);
    res->buf.data[args[1].i] = (char)(unsigned char)(args[2].i & 0xff);
    return true;
}

static bool bit_index(int64_t i, size_t len, am_err_t *err)
{
    if (i >= 0 && (uint64_t)i < (uint64_t)len * 8)
        return true;
    return am_err_set(err, "2202E", "index %lld out of valid range, 0..%lld", (long long)i,
                      (long long)len * 8 - 1);
}

static bool f_get_bit(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    if (!bit_index(args[1].i, args[0].len, err))
        return false;
    res->i = ((unsigned char)args[0].s[args[1].i / 8] >> (args[1].i % 8)) & 1;
    return true;
}

static bool f_set_bit(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    if (!bit_index(args[1].i, args[0].len, err))
        return false;
    if (args[2].i != 0 && args[2].i != 1)
        return am_err_set(err, "22023", "new bit must be 0 or 1");
    am_buf_append(&res->buf, args[0].s, args[0].len);
    unsigned char *b = (unsigned char *)res->buf.data + args[1].i / 8;
    unsigned mask = 1u << (args[1].i % 8);
    *b = (unsigned char)(args[2].i ? (*b | mask) : (*b & ~mask));
    return true;
}

static bool f_bit_count(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                        am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    (void)err;
    int64_t bits = 0;
    for (size_t i = 0; i < args[0].len; i++)
        bits += __builtin_popcount((unsigned char)args[0].s[i]);
    res->i = bits;
    return true;
}

/* bytea_substring: from start (1-based, clamped to 1) for len bytes (to the end without one,
 * or when start + len overflows int4). */
static bool f_bytea_substr(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                           am_arena_t *scratch, am_err_t *err)
{
    (void)scratch;
    int64_t len = (int64_t)args[0].len, s = args[1].i;
    int64_t from = s > 1 ? s - 1 : 0, to = len;
    if (n > 2) {
        int64_t l = args[2].i;
        if (l < 0)
            return am_err_set(err, "22011", "negative substring length not allowed");
        int64_t e = s + l;
        if (e <= INT32_MAX)
            to = e < 1 ? 0 : e - 1 < len ? e - 1 : len;
    }
    if (from < to)
        am_buf_append(&res->buf, args[0].s + from, (size_t)(to - from));
    return true;
}

/* ---- unistr ------------------------------------------------------------------------------- */

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* The escape at s[i] (a backslash): its code point and length; 0 length when it is none. */
static size_t escape_at(const char *s, size_t len, size_t i, uint32_t *cp)
{
    size_t skip = 1, digits = 4;
    if (i + 1 < len && s[i + 1] == '+') {
        skip = 2;
        digits = 6;
    } else if (i + 1 < len && s[i + 1] == 'u') {
        skip = 2;
    } else if (i + 1 < len && s[i + 1] == 'U') {
        skip = 2;
        digits = 8;
    }
    if (i + skip + digits > len)
        return 0;
    uint32_t v = 0;
    for (size_t k = 0; k < digits; k++) {
        int h = hexval(s[i + skip + k]);
        if (h < 0)
            return 0;
        v = v * 16 + (uint32_t)h;
    }
    *cp = v;
    return skip + digits;
}

static bool unistr_bad_escape(am_err_t *err)
{
    return am_err_set(err, "42601",
                      "invalid Unicode escape\nHINT:  Unicode escapes must be "
                      "\\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.");
}

static bool unistr_bad_pair(am_err_t *err)
{
    return am_err_set(err, "42601", "invalid Unicode surrogate pair");
}

static bool f_unistr(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                     am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    const char *s = args[0].s;
    size_t len = args[0].len;
    uint32_t high = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] != '\\' || (i + 1 < len && s[i + 1] == '\\')) {
            if (high)
                return unistr_bad_pair(err);
            am_buf_putc(&res->buf, s[i]);
            i += s[i] == '\\' ? 2 : 1;
            continue;
        }
        uint32_t cp = 0;
        size_t l = escape_at(s, len, i, &cp);
        if (l == 0)
            return unistr_bad_escape(err);
        if (cp == 0 || cp > 0x10ffff)
            return am_err_set(err, "22023", "invalid Unicode code point: %04X", (unsigned)cp);
        i += l;
        bool is_high = cp >= 0xd800 && cp <= 0xdbff, is_low = cp >= 0xdc00 && cp <= 0xdfff;
        if (high) {
            if (!is_low)
                return unistr_bad_pair(err);
            cp = 0x10000 + ((high - 0xd800) << 10) + (cp - 0xdc00);
            high = 0;
        } else if (is_high) {
            high = cp;
            continue;
        } else if (is_low) {
            return unistr_bad_pair(err);
        }
        char u[4];
        size_t k = 0;
        if (cp < 0x80) {
            u[k++] = (char)cp;
        } else if (cp < 0x800) {
            u[k++] = (char)(0xc0 | (cp >> 6));
            u[k++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            u[k++] = (char)(0xe0 | (cp >> 12));
            u[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            u[k++] = (char)(0x80 | (cp & 0x3f));
        } else {
            u[k++] = (char)(0xf0 | (cp >> 18));
            u[k++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            u[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            u[k++] = (char)(0x80 | (cp & 0x3f));
        }
        am_buf_append(&res->buf, u, k);
    }
    return high ? unistr_bad_pair(err) : true;
}

#define T PGFN_MORE_TEXT
#define BL PGFN_MORE_BLOB
#define I8 PGFN_MORE_I64
#define I4 PGFN_MORE_I32

const pgfn_more_def_t proxy__pgfn_more_bin_defs[] = {
    {"am_convert_from", T, {BL, T}, f_convert_from, true},
    {"am_convert_to", BL, {T, T}, f_convert_to, true},
    {"am_convert", BL, {BL, T, T}, f_convert, true},
    {"am_get_byte", I4, {BL, I4}, f_get_byte, true},
    {"am_set_byte", BL, {BL, I4, I4}, f_set_byte, true},
    {"am_get_bit", I4, {BL, I8}, f_get_bit, true},
    {"am_set_bit", BL, {BL, I8, I4}, f_set_bit, true},
    {"am_bytea_bit_count", I8, {BL}, f_bit_count, true},
    {"am_bytea_substr", BL, {BL, I4}, f_bytea_substr, true},
    {"am_bytea_substr", BL, {BL, I4, I4}, f_bytea_substr, true},
    {"am_unistr", T, {T}, f_unistr, true},
};
const size_t proxy__pgfn_more_bin_n = AM_ARRAY_LEN(proxy__pgfn_more_bin_defs);
