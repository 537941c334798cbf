/*
 * proxy/pgfn_num_float.c: the am_f8_* / am_f4_* / am_int_* / am_i*_in functions: PostgreSQL's
 * float and integer operators with its errors where DuckDB would return inf, NaN or wrap, its
 * text input rules and its float text output (pgnum_float.c, pgnum_fltio.c do the work).
 *
 * DuckDB signatures (NULL in, NULL out):
 *   am_f8_add/sub/mul/div(DOUBLE, DOUBLE) -> DOUBLE    float8 + - * /  (22003, 22012)
 *   am_f4_add/sub/mul/div(FLOAT, FLOAT) -> FLOAT        float4 + - * /
 *   am_f8_<fn>(DOUBLE) -> DOUBLE for fn in sqrt cbrt exp ln log10 log (= log10, as log(float8))
 *     sin cos tan cot asin acos atan sind cosd tand cotd asind acosd atand sinh cosh tanh asinh
 *     acosh atanh degrees radians round (rint: half to even) trunc ceil floor sign
 *   am_f8_pow/atan2/atan2d(DOUBLE, DOUBLE) -> DOUBLE    power(), atan2(), atan2d()
 *   am_f8_to_int2/int4/int8(DOUBLE), am_f4_to_int2/int4/int8(FLOAT) -> SMALLINT/INTEGER/BIGINT
 *                                                       float -> int casts (rint, 22003)
 *   am_f8_to_f4(DOUBLE) -> FLOAT                        float8 -> float4 cast (22003)
 *   am_int_div2/div4/div8(SMALLINT/INTEGER/BIGINT x2) -> same   int / int (22012, 22003)
 *   am_int_mod(SMALLINT/INTEGER/BIGINT x2) -> same      int % int (22012; MIN % -1 = 0)
 *   am_i2_in/am_i4_in/am_i8_in(VARCHAR) -> SMALLINT/INTEGER/BIGINT   text::int2/int4/int8
 *   am_f4_in/am_f8_in(VARCHAR) -> FLOAT/DOUBLE          text::float4/float8
 *   am_f8_out(DOUBLE, INTEGER extra_float_digits), am_f4_out(FLOAT, INTEGER) -> VARCHAR
 *                                                       float8out / float4out
 */
#include "proxy/pgfn_num_internal.h"

#include <string.h>

static bool k_f8_binary(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__f8_binary((proxy_f8_fn_t)in->op, in->f[0], in->f[1], &o->f, e);
}

static bool k_f8_unary(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__f8_unary((proxy_f8_fn_t)in->op, in->f[0], &o->f, e);
}

static bool k_f4_binary(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    float r = 0;
    bool ok = proxy__f4_binary((proxy_f8_fn_t)in->op, (float)in->f[0], (float)in->f[1], &r, e);
    o->f = r;
    return ok;
}

static bool k_f8_to_f4(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    float r = 0;
    bool ok = proxy__f8_to_f4(in->f[0], &r, e);
    o->f = r;
    return ok;
}

/* op = result bits (16, 32, 64) */
static bool k_f8_to_int(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__f8_to_int(in->f[0], in->op, &o->i, e);
}

static bool k_f4_to_int(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__f4_to_int((float)in->f[0], in->op, &o->i, e);
}

static bool k_int_div(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__int_div(in->i[0], in->i[1], in->op, &o->i, e);
}

static bool k_int_mod(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__int_mod(in->i[0], in->i[1], in->op, &o->i, e);
}

static bool k_int_in(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    if (in->op == 16) {
        int16_t v = 0;
        bool ok = proxy__i16_in(in->str[0], in->str_len[0], &v, e);
        o->i = v;
        return ok;
    }
    if (in->op == 32) {
        int32_t v = 0;
        bool ok = proxy__i32_in(in->str[0], in->str_len[0], &v, e);
        o->i = v;
        return ok;
    }
    return proxy__i64_in(in->str[0], in->str_len[0], &o->i, e);
}

static bool k_f8_in(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__f8_in(in->str[0], in->str_len[0], &o->f, e);
}

static bool k_f4_in(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    float v = 0;
    bool ok = proxy__f4_in(in->str[0], in->str_len[0], &v, e);
    o->f = v;
    return ok;
}

/* op 8: float8out, op 4: float4out */
static bool k_float_out(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    char *buf = am_arena_alloc(in->arena, PROXY_FLOAT_OUT_LEN);
    o->len = in->op == 8 ? proxy__f8_out(in->f[0], (int)in->i[1], buf)
                         : proxy__f4_out((float)in->f[0], (int)in->i[1], buf);
    o->str = buf;
    return true;
}

#define D DUCKDB_TYPE_DOUBLE
#define F DUCKDB_TYPE_FLOAT
#define S DUCKDB_TYPE_SMALLINT
#define I DUCKDB_TYPE_INTEGER
#define B DUCKDB_TYPE_BIGINT
#define V DUCKDB_TYPE_VARCHAR
#define F8U(name, fn)                                                                              \
    {                                                                                              \
        "am_f8_" name, {D}, D, k_f8_unary, 0, PROXY_F8_##fn                                        \
    }

const proxy_numfn_def_t proxy__pgfn_num_float_defs[] = {
    {"am_f8_add", {D, D}, D, k_f8_binary, 0, PROXY_F8_ADD},
    {"am_f8_sub", {D, D}, D, k_f8_binary, 0, PROXY_F8_SUB},
    {"am_f8_mul", {D, D}, D, k_f8_binary, 0, PROXY_F8_MUL},
    {"am_f8_div", {D, D}, D, k_f8_binary, 0, PROXY_F8_DIV},
    {"am_f8_pow", {D, D}, D, k_f8_binary, 0, PROXY_F8_POW},
    {"am_f8_atan2", {D, D}, D, k_f8_binary, 0, PROXY_F8_ATAN2},
    {"am_f8_atan2d", {D, D}, D, k_f8_binary, 0, PROXY_F8_ATAN2D},
    {"am_f4_add", {F, F}, F, k_f4_binary, 0, PROXY_F8_ADD},
    {"am_f4_sub", {F, F}, F, k_f4_binary, 0, PROXY_F8_SUB},
    {"am_f4_mul", {F, F}, F, k_f4_binary, 0, PROXY_F8_MUL},
    {"am_f4_div", {F, F}, F, k_f4_binary, 0, PROXY_F8_DIV},
    F8U("sqrt", SQRT),
    F8U("cbrt", CBRT),
    F8U("exp", EXP),
    F8U("ln", LN),
    F8U("log10", LOG10),
    F8U("log", LOG10),
    F8U("sin", SIN),
    F8U("cos", COS),
    F8U("tan", TAN),
    F8U("cot", COT),
    F8U("asin", ASIN),
    F8U("acos", ACOS),
    F8U("atan", ATAN),
    F8U("sind", SIND),
    F8U("cosd", COSD),
    F8U("tand", TAND),
    F8U("cotd", COTD),
    F8U("asind", ASIND),
    F8U("acosd", ACOSD),
    F8U("atand", ATAND),
    F8U("sinh", SINH),
    F8U("cosh", COSH),
    F8U("tanh", TANH),
    F8U("asinh", ASINH),
    F8U("acosh", ACOSH),
    F8U("atanh", ATANH),
    F8U("degrees", DEGREES),
    F8U("radians", RADIANS),
    F8U("round", ROUND),
    F8U("trunc", TRUNC),
    F8U("ceil", CEIL),
    F8U("floor", FLOOR),
    F8U("sign", SIGN),
    {"am_f8_to_int2", {D}, S, k_f8_to_int, 0, 16},
    {"am_f8_to_int4", {D}, I, k_f8_to_int, 0, 32},
    {"am_f8_to_int8", {D}, B, k_f8_to_int, 0, 64},
    {"am_f8_to_f4", {D}, F, k_f8_to_f4, 0, 0},
    {"am_f4_to_int2", {F}, S, k_f4_to_int, 0, 16},
    {"am_f4_to_int4", {F}, I, k_f4_to_int, 0, 32},
    {"am_f4_to_int8", {F}, B, k_f4_to_int, 0, 64},
    {"am_int_div2", {S, S}, S, k_int_div, 0, 16},
    {"am_int_div4", {I, I}, I, k_int_div, 0, 32},
    {"am_int_div8", {B, B}, B, k_int_div, 0, 64},
    {"am_int_mod", {S, S}, S, k_int_mod, 0, 16},
    {"am_int_mod", {I, I}, I, k_int_mod, 0, 32},
    {"am_int_mod", {B, B}, B, k_int_mod, 0, 64},
    {"am_i2_in", {V}, S, k_int_in, 1, 16},
    {"am_i4_in", {V}, I, k_int_in, 1, 32},
    {"am_i8_in", {V}, B, k_int_in, 1, 64},
    {"am_f8_in", {V}, D, k_f8_in, 1, 0},
    {"am_f4_in", {V}, F, k_f4_in, 1, 0},
    {"am_f8_out", {D, I}, V, k_float_out, 0, 8},
    {"am_f4_out", {F, I}, V, k_float_out, 0, 4},
};
const size_t proxy__pgfn_num_float_n = AM_ARRAY_LEN(proxy__pgfn_num_float_defs);

bool proxy__pgfn_num_float_register(duckdb_connection con, am_err_t *err)
{
    return proxy__numfn_register(con, proxy__pgfn_num_float_defs, proxy__pgfn_num_float_n, err);
}
