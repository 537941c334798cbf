/*
 * tests/fuzz/fuzz_pgfn_num.c: the numeric family's kernels (proxy/pgfn_num*.c over pgnum_*.c:
 * numeric input and arithmetic, sqrt/exp/ln/log/power, rounding, typmods, integer and float
 * operators, to_char/to_number), which any client's SQL reaches through the am_num_* / am_f8_*
 * / am_int_* calls the compiler writes, called here directly as the row loop calls them.
 * Input: u8 picks a definition from the three tables, in turn; then its arguments by declared
 * type, read from the rest:
 *   VARCHAR    u8 length and that many bytes; parsed as numeric text (proxy__num_in) unless
 *              the definition takes it raw, and the call is skipped when that fails, as the
 *              row loop fails the row
 *   integers   u8: below 200 the value minus 100, else one of the extremes (within the type)
 *   floats     u8: below 200 (the value minus 100) / 8, else one of the special values
 *   HUGEINT    16 bytes
 * Each call answers or fails with a SQLSTATE and a message; nothing may crash, overflow or
 * leak. Corpus: tests/fuzz/corpus/pgfn_num/ (make_seeds.py: a call of every definition).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_args.h"
#include "proxy/pgfn_num_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct table {
    const proxy_numfn_def_t *defs;
    const size_t *n;
} table_t;

static const table_t tables[] = {
    {proxy__pgfn_num_defs, &proxy__pgfn_num_n},
    {proxy__pgfn_num_float_defs, &proxy__pgfn_num_float_n},
    {proxy__pgfn_num_fmt_defs, &proxy__pgfn_num_fmt_n},
};

static const int64_t int_extremes[] = {INT64_MIN, INT64_MAX, INT32_MIN, INT32_MAX, INT16_MIN,
                                       INT16_MAX, 1000,      1001,      -1001,     16383,
                                       16384,     131072,    -131072};

static double floating(fz_rd_t *r, duckdb_type t)
{
    static const double special[] = {0.0,     -0.0, 1e308, -1e308, 1e-308, 5e-324, 3.4e38,
                                     1.2e-38, 1e15, 1e16,  0.5,    -0.5,   2.5,    1e-5};
    uint8_t b = fz_u8(r);
    double v;
    if (b < 200)
        v = ((double)b - 100) / 8;
    else if (b < 203)
        v = b == 200 ? NAN : b == 201 ? INFINITY : -INFINITY;
    else
        v = special[(b - 203) % (sizeof special / sizeof *special)];
    return t == DUCKDB_TYPE_FLOAT ? (double)(float)v : v;
}

FZ_DEFINE_PICK(pick, proxy_numfn_def_t, tables, defs)

/* Reads argument k; false when the row loop would not call the kernel. */
static bool arg(fz_rd_t *r, const proxy_numfn_def_t *def, size_t k, proxy_numfn_args_t *in)
{
    duckdb_type t = def->params[k];
    switch (t) {
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB: {
        size_t len = fz_u8(r);
        if (len > r->n)
            len = r->n;
        /* a copy of exactly its size, so that ASan sees a read past it */
        char *s = am_arena_alloc(in->arena, len ? len : 1);
        memcpy(s, r->p, len);
        r->p += len;
        r->n -= len;
        in->str[k] = s;
        in->str_len[k] = len;
        am_err_t err = {0};
        return (def->raw & (1u << k)) || t == DUCKDB_TYPE_BLOB ||
               proxy__num_in(in->arena, s, len, &in->num[k], &err);
    }
    case DUCKDB_TYPE_HUGEINT: {
        unsigned __int128 h = 0;
        for (int i = 0; i < 16; i++)
            h = h << 8 | fz_u8(r);
        in->h = (__int128)h;
        return true;
    }
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_FLOAT:
        in->f[k] = floating(r, t);
        return true;
    default:
        in->i[k] = fz_int(r, int_extremes, sizeof int_extremes / sizeof *int_extremes,
                          t == DUCKDB_TYPE_SMALLINT  ? 16
                          : t == DUCKDB_TYPE_INTEGER ? 32
                                                     : 64);
        return true;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const proxy_numfn_def_t *def = pick(data[0]);
    fz_rd_t r = {data + 1, size - 1, NULL, 0};
    proxy_numfn_args_t in = {.arena = am_arena_new((size_t)16 * 1024), .op = def->op};
    bool call = true;
    for (size_t k = 0; call && k < PROXY_NUMFN_MAX_ARGS && def->params[k] != DUCKDB_TYPE_INVALID;
         k++)
        call = arg(&r, def, k, &in);
    if (call) {
        proxy_numfn_out_t out = {0};
        am_err_t err = {0};
        if (!def->fn(&in, &out, &err))
            AM_ASSERT(err.sqlstate[0] != '\0' && err.msg[0] != '\0');
    }
    am_arena_free(in.arena);
    return 0;
}
