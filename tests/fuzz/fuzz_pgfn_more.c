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

#include "fuzz_args.h"
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

static double floating(fz_rd_t *r)
{
    static const double special[] = {NAN,  INFINITY, -INFINITY,    1e308,         -1e308, 5e-324,
                                     -0.0, 1e15,     2147483647.5, -2147483648.5, 0.5};
    uint8_t b = fz_u8(r);
    return b < 200 ? ((double)b - 100) / 8
                   : special[(b - 200) % (sizeof special / sizeof *special)];
}

/* One argument of type t. */
static void arg(fz_rd_t *r, pgfn_more_type_t t, bool strict, pgfn_more_arg_t *a,
                pgfn_more_item_t *items)
{
    memset(a, 0, sizeof *a);
    if (!strict && r->n && r->p[0] == 255) {
        (void)fz_u8(r);
        a->null = true;
        return;
    }
    switch (t) {
    case PGFN_MORE_TEXT:
    case PGFN_MORE_BLOB:
        a->s = fz_str(r, fz_u8(r), t == PGFN_MORE_TEXT, &a->len);
        break;
    case PGFN_MORE_I64:
    case PGFN_MORE_I32:
        a->i =
            fz_int(r, extremes, sizeof extremes / sizeof *extremes, t == PGFN_MORE_I64 ? 64 : 32);
        break;
    case PGFN_MORE_F8:
        a->d = floating(r);
        break;
    case PGFN_MORE_BOOL:
        a->b = fz_u8(r) & 1;
        break;
    default: /* PGFN_MORE_TEXTS */
        a->n_items = fz_u8(r) % (MAX_ITEMS + 1);
        for (size_t i = 0; i < a->n_items; i++) {
            uint8_t len = fz_u8(r);
            items[i] = (pgfn_more_item_t){.null = len == 255};
            if (len != 255)
                items[i].s = fz_str(r, len, true, &items[i].len);
        }
        a->items = items;
        break;
    }
}

FZ_DEFINE_PICK(pick, pgfn_more_def_t, tables, defs)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const pgfn_more_def_t *f = pick(data[0]);
    fz_rd_t r = {data + 1, size - 1, malloc(size), 0};
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
