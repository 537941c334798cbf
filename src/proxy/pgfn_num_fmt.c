/*
 * proxy/pgfn_num_fmt.c: to_char and to_number for numbers as DuckDB functions (pgnum_tochar.c
 * does the work). Each argument type has its own function because PostgreSQL formats each
 * type its own way (int4 EEEE goes through float8, float8 keeps 15 significant digits, ...).
 *
 * DuckDB signatures (NULL in, NULL out):
 *   am_to_char_num(VARCHAR numeric, VARCHAR fmt) -> VARCHAR   to_char(numeric, text)
 *   am_to_char_i4(INTEGER, VARCHAR) -> VARCHAR                 to_char(int4 | int2, text)
 *   am_to_char_i8(BIGINT, VARCHAR) -> VARCHAR                  to_char(int8, text)
 *   am_to_char_f8(DOUBLE, VARCHAR) -> VARCHAR                  to_char(float8, text)
 *   am_to_char_f4(FLOAT, VARCHAR) -> VARCHAR                   to_char(float4, text)
 *   am_to_number(VARCHAR, VARCHAR fmt) -> VARCHAR numeric      to_number(text, text)
 * Locale: PostgreSQL's C conventions ('.', ',', '-', '+', blank currency); the emitter must
 * refuse (0A000) when the source's lc_numeric or lc_monetary is not C, POSIX or C.UTF-8.
 */
#include "proxy/pgfn_num_internal.h"

#include <string.h>

/* op: which argument type (see defs) */
enum { FMT_NUM, FMT_I4, FMT_I8, FMT_F8, FMT_F4 };

static bool k_to_char(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    am_arena_t *a = in->arena;
    const char *fmt = in->str[1];
    size_t n = in->str_len[1];
    char *s = NULL;
    bool ok;
    switch (in->op) {
    case FMT_NUM:
        ok = proxy__num_to_char(a, &in->num[0], fmt, n, &s, e);
        break;
    case FMT_I4:
        ok = proxy__i32_to_char(a, (int32_t)in->i[0], fmt, n, &s, e);
        break;
    case FMT_I8:
        ok = proxy__i64_to_char(a, in->i[0], fmt, n, &s, e);
        break;
    case FMT_F8:
        ok = proxy__f8_to_char(a, in->f[0], fmt, n, &s, e);
        break;
    default:
        ok = proxy__f4_to_char(a, (float)in->f[0], fmt, n, &s, e);
        break;
    }
    if (ok) {
        o->str = s;
        o->len = strlen(s);
    }
    return ok;
}

static bool k_to_number(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    if (proxy__num_to_number(in->arena, in->str[0], in->str_len[0], in->str[1], in->str_len[1],
                             &o->num, e))
        return true;
    o->null = e->sqlstate[0] == '\0'; /* an empty picture gives NULL */
    return o->null;
}

#define V DUCKDB_TYPE_VARCHAR

const proxy_numfn_def_t proxy__pgfn_num_fmt_defs[] = {
    {"am_to_char_num", {V, V}, V, k_to_char, 2u, FMT_NUM},
    {"am_to_char_i4", {DUCKDB_TYPE_INTEGER, V}, V, k_to_char, 2u, FMT_I4},
    {"am_to_char_i8", {DUCKDB_TYPE_BIGINT, V}, V, k_to_char, 2u, FMT_I8},
    {"am_to_char_f8", {DUCKDB_TYPE_DOUBLE, V}, V, k_to_char, 2u, FMT_F8},
    {"am_to_char_f4", {DUCKDB_TYPE_FLOAT, V}, V, k_to_char, 2u, FMT_F4},
    {"am_to_number", {V, V}, V, k_to_number, 3u, 0},
};
const size_t proxy__pgfn_num_fmt_n = AM_ARRAY_LEN(proxy__pgfn_num_fmt_defs);

bool proxy__pgfn_num_fmt_register(duckdb_connection con, am_err_t *err)
{
    return proxy__numfn_register(con, proxy__pgfn_num_fmt_defs, proxy__pgfn_num_fmt_n, err);
}
