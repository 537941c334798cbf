/*
 * tests/fuzz/fuzz_pgdatetime.c: PostgreSQL's datetime text input and its template
 * formatter/parser (proxy/pgfn_time_*.c) on arbitrary text, as clients send it in literals,
 * casts and text parameters. Byte 0 picks the function and its settings; the rest is the
 * text, then (after a NUL) a to_char/to_date/to_timestamp template. Each call answers or fails
 * with a SQLSTATE and a message. Nothing may crash, overflow or leak.
 * Corpus: literals of every input form, templates with every pattern.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/pgfn_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const am_err_t *err)
{
    AM_ASSERT(ok || (strlen(err->sqlstate) == 5 && err->msg[0] != '\0'));
}

static void inputs(int sel, const char *text, const proxy_pgdtin_t *c)
{
    am_err_t err = {0};
    int32_t d, off;
    int64_t v;
    proxy_pgiv_t iv;
    switch (sel % 6) {
    case 0:
        check(proxy__pg_date_in(text, c, &d, &err), &err);
        break;
    case 1:
        check(proxy__pg_time_in(text, c, &v, &err), &err);
        break;
    case 2:
        check(proxy__pg_timetz_in(text, c, &v, &off, &err), &err);
        break;
    case 3:
        check(proxy__pg_timestamp_in(text, c, &v, &err), &err);
        break;
    case 4:
        check(proxy__pg_timestamptz_in(text, c, &v, &err), &err);
        break;
    default: /* intervals, in every style, with and without a typmod */
        check(proxy__pg_interval_in(text, sel % 4, sel & 8 ? ((6144 << 16) | 2) : -1, &iv, &err),
              &err);
    }
}

static void templates(int sel, const char *text, const char *fmt, const proxy_pgtz_t *z)
{
    am_err_t err = {0};
    am_buf_t out;
    am_buf_init(&out);
    bool is_null;
    int32_t d;
    int64_t ts;
    proxy_pgiv_t iv = {.month = -14, .day = 3, .time = -INT64_C(3723000456)};
    switch (sel % 4) {
    case 0:
        check(proxy__pg_to_char_ts(INT64_C(-63075600000000), sel & 4 ? z : NULL, fmt, &out,
                                   &is_null, &err),
              &err);
        break;
    case 1:
        check(proxy__pg_to_char_interval(&iv, fmt, &out, &is_null, &err), &err);
        break;
    case 2:
        check(proxy__pg_to_date(text, fmt, &d, &err), &err);
        break;
    default:
        check(proxy__pg_to_timestamp(text, fmt, z, &ts, &err), &err);
    }
    am_buf_destroy(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    int sel = data[0];
    char *text = malloc(size), *fmt;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    fmt = text + strlen(text) + (strlen(text) + 1 < size - 1 ? 1 : 0);
    bool refused;
    const proxy_pgtz_t *z =
        proxy__pgtz_find(sel & 16 ? "America/New_York" : "Europe/Paris", &refused);
    AM_ASSERT(z);
    proxy_pgdtin_t c = {
        .order = (sel >> 5) % 3, .zone = z, .has_now = true, .now = INT64_C(788918400000000)};
    if (sel & 128)
        templates(sel, text, fmt, z);
    else
        inputs(sel, text, &c);
    free(text);
    return 0;
}
