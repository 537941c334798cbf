/*
 * tests/fuzz/fuzz_pgfn_more.c: the `more` family's row functions (proxy/pgfn_more_*.c:
 * factorial, numeric series, integer shifts, pg_size_bytes, convert/unistr and bytea bits,
 * json_object, inet and cidr input, output and operators), which any client's SQL reaches
 * through the am_* calls the compiler writes, called here directly on arbitrary arguments.
 * Input: u8 picks a definition from the family's tables, in turn; then its arguments by
 * declared type, read from the rest:
 *   VARCHAR, BLOB  u8 length and that many bytes (a VARCHAR made valid UTF-8, as DuckDB's
 *                  are: a byte that starts no valid sequence becomes '?')
 *   BIGINT ...     u8: below 200 the value minus 100, else one of the extremes
 *   DOUBLE         u8: below 200 (the value minus 100) / 8, else NaN, infinities, extremes
 *   BOOLEAN        u8, odd is true
 *   VARCHAR[]      u8 count (at most 16) of VARCHARs, each NULL when its length byte is 255
 * A function that is not strict gets NULL for an argument whose first byte is 255 (consumed).
 * Each call answers or fails with a SQLSTATE and a message; nothing may crash, overflow or
 * leak. Corpus: tests/fuzz/corpus/pgfn_more/ (make_seeds.py: a call of every definition).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "proxy/pgfn_more.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS PGFN_MORE_MAX_ARGS
#define MAX_ITEMS 16

typedef struct table {
    const pgfn_more_def_t *defs;
    const size_t *n;
} table_t;

static const table_t tables[] = {
    {proxy__pgfn_more_num_defs, &proxy__pgfn_more_num_n},
    {proxy__pgfn_more_bin_defs, &proxy__pgfn_more_bin_n},
    {proxy__pgfn_more_json_defs, &proxy__pgfn_more_json_n},
    {proxy__pgfn_more_inet_defs, &proxy__pgfn_more_inet_n},
};

static const int64_t extremes[] = {
    INT64_MIN, INT64_MAX, INT32_MIN, INT32_MAX, (int64_t)INT32_MAX + 1,
    INT16_MIN, INT16_MAX, 1000,      65536,     1114111,
    1114112,   55296,     -1000,     1 << 20};

typedef struct rd {
    const uint8_t *p;
    size_t n;
    uint8_t *strs; /* every string read, in one block the size of the input */
    size_t used;
} rd_t;

static uint8_t u8(rd_t *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

/* Bytes in a valid UTF-8 sequence starting at p (n available), or 0. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xc2 && c <= 0xdf   ? 2
                 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4
                                          : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) || (c == 0xf0 && p[1] < 0x90) ||
        (c == 0xf4 && p[1] >= 0x90))
        return 0; /* overlong, a surrogate, past U+10FFFF */
    return len;
}

/* A string of len bytes from the input, kept for the call. */
static const char *str(rd_t *r, size_t len, bool text, size_t *out_len)
{
    if (len > r->n)
        len = r->n;
    uint8_t *s = r->strs + r->used;
    memcpy(s, r->p, len);
    r->p += len;
    r->n -= len;
    r->used += len;
    for (size_t i = 0; text && i < len;) {
        size_t k = utf8_seq(s + i, len - i);
        if (!k) {
            s[i] = '?';
            k = 1;
        }
        i += k;
    }
    *out_len = len;
    return (const char *)s;
}

static int64_t integer(rd_t *r, int bits)
{
    uint8_t b = u8(r);
    int64_t v =
        b < 200 ? (int64_t)b - 100 : extremes[(b - 200) % (sizeof extremes / sizeof *extremes)];
    if (bits == 32 && (v < INT32_MIN || v > INT32_MAX))
        v = v < 0 ? INT32_MIN : INT32_MAX;
    if (bits == 16 && (v < INT16_MIN || v > INT16_MAX))
        v = v < 0 ? INT16_MIN : INT16_MAX;
    return v;
}

static double floating(rd_t *r)
{
    static const double special[] = {NAN,  INFINITY, -INFINITY,    1e308,         -1e308, 5e-324,
                                     -0.0, 1e15,     2147483647.5, -2147483648.5, 0.5};
    uint8_t b = u8(r);
    return b < 200 ? ((double)b - 100) / 8
                   : special[(b - 200) % (sizeof special / sizeof *special)];
}

/* One argument of type t. */
static void arg(rd_t *r, pgfn_more_type_t t, bool strict, pgfn_more_arg_t *a,
                pgfn_more_item_t *items)
{
    memset(a, 0, sizeof *a);
    if (!strict && r->n && r->p[0] == 255) {
        (void)u8(r);
        a->null = true;
        return;
    }
    switch (t) {
    case PGFN_MORE_TEXT:
    case PGFN_MORE_BLOB:
        a->s = str(r, u8(r), t == PGFN_MORE_TEXT, &a->len);
        break;
    case PGFN_MORE_I64:
    case PGFN_MORE_I32:
        a->i = integer(r, t == PGFN_MORE_I64 ? 64 : 32);
        break;
    case PGFN_MORE_F8:
        a->d = floating(r);
        break;
    case PGFN_MORE_BOOL:
        a->b = u8(r) & 1;
        break;
    default: /* PGFN_MORE_TEXTS */
        a->n_items = u8(r) % (MAX_ITEMS + 1);
        for (size_t i = 0; i < a->n_items; i++) {
            uint8_t len = u8(r);
            items[i] = (pgfn_more_item_t){.null = len == 255};
            if (len != 255)
                items[i].s = str(r, len, true, &items[i].len);
        }
        a->items = items;
        break;
    }
}

static const pgfn_more_def_t *pick(unsigned k)
{
    size_t total = 0;
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        total += *tables[i].n;
    k %= (unsigned)total;
    for (size_t i = 0;; i++) {
        if (k < *tables[i].n)
            return &tables[i].defs[k];
        k -= (unsigned)*tables[i].n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const pgfn_more_def_t *f = pick(data[0]);
    rd_t r = {data + 1, size - 1, malloc(size), 0};
    if (!r.strs)
        return 0;
    static pgfn_more_arg_t args[MAX_ARGS];
    static pgfn_more_item_t items[MAX_ARGS][MAX_ITEMS];
    size_t n = 0;
    for (; n < PGFN_MORE_MAX_ARGS && f->params[n] != PGFN_MORE_END; n++)
        arg(&r, f->params[n], f->strict, &args[n], items[n]);
    pgfn_more_res_t res;
    pgfn_more_res_init(&res);
    am_arena_t *scratch = am_arena_new((size_t)16 * 1024);
    am_err_t err = {0};
    if (!f->fn(args, n, &res, scratch, &err))
        AM_ASSERT(err.sqlstate[0] != '\0' && err.msg[0] != '\0');
    am_arena_free(scratch);
    pgfn_more_res_destroy(&res);
    free(r.strs);
    return 0;
}
