/*
 * tests/fuzz/fuzz_pgfn_time.c: the time family's functions (proxy/pgfn_time*.c: output,
 * arithmetic, conversions between zones and types, make_*, date_trunc/date_bin, input and
 * to_char/to_timestamp), which any client's SQL reaches through the am_* calls the compiler
 * writes, called here directly on arbitrary PostgreSQL values as the row runner hands them
 * over (dates as days and timestamps as µs since 2000, strings NUL-terminated).
 * Input: u8 picks a definition from the family's tables, in turn; then its arguments by
 * declared type, read from the rest; an integer-like value is a u8 selector: below 100 a
 * small multiple of its unit (30 days, an hour), below 200 that many raw bytes follow
 * (little-endian), else one of the extremes (infinities, the range ends). Dates and timestamps
 * are kept within PostgreSQL's ranges or infinite, as every one the functions get is (the
 * lake's come from PostgreSQL, and the compiler's arithmetic checks its results):
 *   DATE (int32), TIMESTAMP[TZ], BIGINT (int64); TIME a selector within the day;
 *   INTERVAL months, days and µs in turn; INTEGER a selector; DOUBLE u8: below 200
 *   (the value minus 100) / 4, else NaN, infinities and extremes; BOOLEAN u8;
 *   VARCHAR u8 length and that many bytes (units, zones, styles, formats, texts).
 * A function called with NULLs gets one for an argument whose first byte is 255 (consumed).
 * Each call answers, answers NULL or fails with a SQLSTATE and a message; nothing may crash,
 * overflow or leak. Corpus: tests/fuzz/corpus/pgfn_time/ (make_seeds.py).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_args.h"
#include "proxy/pgfn_time_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct table {
    const proxy__treg_t *regs;
    const size_t *n;
} table_t;

static const table_t tables[] = {
    {proxy__time_out_regs, &proxy__time_out_n},     {proxy__time_arith_regs, &proxy__time_arith_n},
    {proxy__time_conv_regs, &proxy__time_conv_n},   {proxy__time_fmt_regs, &proxy__time_fmt_n},
    {proxy__time_fmtin_regs, &proxy__time_fmtin_n}, {proxy__time_in_regs, &proxy__time_in_n},
    {proxy__time_make_regs, &proxy__time_make_n},   {proxy__time_trunc_regs, &proxy__time_trunc_n},
};

#define DAY_US INT64_C(86400000000)

static const int64_t extremes64[] = {
    INT64_MIN,
    INT64_MAX,
    INT64_MIN + 1,
    INT64_MAX - 1,
    INT64_C(-211813488000000000), /* 4714-11-24 BC, PostgreSQL's first timestamp */
    INT64_C(9223371331200000000), /* 294277-01-01, its end */
    INT64_C(-210866803200000000),
    INT64_C(9223371331199999999),
    INT64_C(-946684800000000),
    INT32_MAX,
    INT32_MIN,
    DAY_US,
    -DAY_US};
static const int32_t extremes32[] = {INT32_MIN,  INT32_MAX, INT32_MIN + 1, INT32_MAX - 1,
                                     -2451545,   /* 4713-01-01 BC, the first date */
                                     2145031948, /* 5874898-01-01, past the last */
                                     2145031947, -10957,    1000000,       -1000000};

static int64_t i64(fz_rd_t *r, int64_t unit)
{
    uint8_t b = fz_u8(r);
    if (b < 100)
        return ((int64_t)b - 50) * unit;
    if (b < 200)
        return (int64_t)fz_raw(r, 8);
    return extremes64[(b - 200) % (sizeof extremes64 / sizeof *extremes64)];
}

static int32_t i32(fz_rd_t *r, int32_t unit)
{
    uint8_t b = fz_u8(r);
    if (b < 100)
        return ((int32_t)b - 50) * unit;
    if (b < 200)
        return (int32_t)(uint32_t)fz_raw(r, 4);
    return extremes32[(b - 200) % (sizeof extremes32 / sizeof *extremes32)];
}

/* PostgreSQL's dates and timestamps: within its range, or one of the infinities. */
static int32_t pg_date(int32_t v)
{
    const int32_t lo = -2451545, hi = 2145031947; /* 4714-11-24 BC .. 5874897-12-31 */
    return v == INT32_MIN || v == INT32_MAX || (v >= lo && v <= hi) ? v : v < lo ? lo : hi;
}

static int64_t pg_ts(int64_t v)
{
    const int64_t lo = INT64_C(-211813488000000000), hi = INT64_C(9223371331199999999);
    return v == INT64_MIN || v == INT64_MAX || (v >= lo && v <= hi) ? v : v < lo ? lo : hi;
}

static double f8(fz_rd_t *r)
{
    static const double special[] = {NAN,  INFINITY, -INFINITY, 1e308, -1e308,
                                     1e15, -1e15,    9.2e18,    0.5,   1e-7};
    uint8_t b = fz_u8(r);
    return b < 200 ? ((double)b - 100) / 4
                   : special[(b - 200) % (sizeof special / sizeof *special)];
}

FZ_DEFINE_PICK(pick, proxy__treg_t, tables, regs)

/* Argument i of type t; strings go to strs (kept NUL-terminated for the call). */
static void arg(fz_rd_t *r, duckdb_type t, char *strs, size_t *used, proxy__tv_t *v)
{
    switch (t) {
    case TV_DATE:
        v->i32 = pg_date(i32(r, 30));
        break;
    case TV_TS:
    case TV_TSTZ:
        v->i64 = pg_ts(i64(r, DAY_US / 24));
        break;
    case TV_TIME: {
        uint8_t b = fz_u8(r);
        v->i64 = b < 200 ? (int64_t)b * 432000000 : (int64_t)(fz_raw(r, 8) % (DAY_US + 1));
        break;
    }
    case TV_I8:
        v->i64 = i64(r, 1);
        break;
    case TV_I4:
        v->i32 = i32(r, 1);
        break;
    case TV_F8:
        v->f8 = f8(r);
        break;
    case TV_BOOL:
        v->b = fz_u8(r) & 1;
        break;
    case TV_IV:
        v->iv.month = i32(r, 1);
        v->iv.day = i32(r, 1);
        v->iv.time = i64(r, DAY_US / 24);
        break;
    default: { /* VARCHAR */
        size_t len = fz_u8(r);
        if (len > r->n)
            len = r->n;
        char *s = strs + *used;
        memcpy(s, r->p, len);
        s[len] = '\0';
        r->p += len;
        r->n -= len;
        *used += len + 1;
        v->s = s;
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const proxy__tdef_t *d = pick(data[0])->def;
    fz_rd_t r = {data + 1, size - 1, NULL, 0};
    char *strs = malloc(size + 8); /* every string and its NUL fit: at most 8 arguments */
    if (!strs)
        return 0;
    size_t used = 0;
    proxy__tv_t a[8], res;
    memset(a, 0, sizeof a);
    memset(&res, 0, sizeof res);
    bool any_null = false;
    for (size_t i = 0; i < 8 && d->params[i] != DUCKDB_TYPE_INVALID; i++) {
        proxy__tv_isnull[i] = (d->flags & PROXY_PGFN_NULLS) && r.n && r.p[0] == 255;
        if (proxy__tv_isnull[i]) {
            (void)fz_u8(&r);
            any_null = true;
            continue;
        }
        arg(&r, d->params[i], strs, &used, &a[i]);
    }
    if (!any_null || (d->flags & PROXY_PGFN_NULLS)) {
        am_buf_t text;
        am_buf_init(&text);
        am_err_t err = {0};
        if (d->fn(a, &res, &text, &err) == PROXY_TV_ERR)
            AM_ASSERT(err.sqlstate[0] != '\0' && err.msg[0] != '\0');
        am_buf_destroy(&text);
    }
    free(strs);
    return 0;
}
