/*
 * proxy/pgfn_num.c: the am_num_* scalar functions (numeric as PostgreSQL text in VARCHAR,
 * docs/pgface.md section 2) over the pure numeric library (pgfn_num.h), the row loop every
 * pgfn_num*.c file shares, and the family's registration.
 *
 * DuckDB signatures (each is the PostgreSQL function or operator named; NULL in, NULL out):
 *   am_num_in(VARCHAR) -> VARCHAR               text::numeric (22P02 on bad text)
 *   am_num_typmod(VARCHAR, INTEGER p, INTEGER s) -> VARCHAR   ::numeric(p,s) (22003)
 *   am_num_add/sub/mul/div/mod(VARCHAR, VARCHAR) -> VARCHAR   + - * / %
 *   am_num_div_trunc(VARCHAR, VARCHAR) -> VARCHAR  div(x, y)
 *   am_num_cmp(VARCHAR, VARCHAR) -> INTEGER      -1/0/1, NaN = NaN > everything
 *   am_num_eq/ne/lt/le/gt/ge(VARCHAR, VARCHAR) -> BOOLEAN   = <> < <= > >=
 *   am_num_neg/abs/sign/ceil/floor/sqrt/exp/ln/log10(VARCHAR) -> VARCHAR
 *                                                 -x abs sign ceil floor sqrt exp ln log
 *   am_num_round/trunc(VARCHAR, INTEGER) -> VARCHAR   round(x, n), trunc(x, n)
 *   am_num_log(VARCHAR b, VARCHAR x), am_num_power(VARCHAR, VARCHAR) -> VARCHAR
 *   am_num_gcd/lcm(VARCHAR, VARCHAR) -> VARCHAR
 *   am_num_scale/min_scale(VARCHAR) -> INTEGER (NULL for NaN, infinities); am_num_trim_scale
 *   am_num_width_bucket(VARCHAR, VARCHAR, VARCHAR, INTEGER) -> INTEGER
 *   am_num_from_int(BIGINT), am_num_from_hugeint(HUGEINT), am_num_from_float8(DOUBLE),
 *   am_num_from_float4(FLOAT) -> VARCHAR        int/float -> numeric casts
 *   am_num_to_int2/int4/int8(VARCHAR) -> SMALLINT/INTEGER/BIGINT, am_num_to_float8/float4
 *   am_num_sortkey(VARCHAR) -> BLOB             memcmp order = numeric order, equal values
 *                                                 (1.0, 1.00) have equal keys
 *   am_num_avg_final(VARCHAR sum, BIGINT count) -> VARCHAR   sum / count (NULL if count = 0)
 * A DECIMAL(p,s) becomes numeric text with CAST(x AS VARCHAR) (same digits, same scale), and
 * numeric text of scale <= s and precision <= p becomes DECIMAL(p,s) exactly with CAST.
 */
#include "proxy/pgfn_num_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the row loop ---------------------------------------------------------------------------- */

typedef struct chunk_args {
    size_t n;
    duckdb_type type[PROXY_NUMFN_MAX_ARGS];
    void *data[PROXY_NUMFN_MAX_ARGS];
    uint64_t *valid[PROXY_NUMFN_MAX_ARGS];
} chunk_args_t;

/* Reads row r's arguments; false if one is NULL (*null) or numeric text is bad (err). */
static bool read_row(const proxy_numfn_def_t *def, const chunk_args_t *c, idx_t r,
                     proxy_numfn_args_t *in, bool *null, am_err_t *err)
{
    *null = false;
    for (size_t k = 0; k < c->n; k++) {
        if (c->valid[k] && !duckdb_validity_row_is_valid(c->valid[k], r)) {
            *null = true;
            return false;
        }
        switch (c->type[k]) {
        case DUCKDB_TYPE_VARCHAR:
        case DUCKDB_TYPE_BLOB: {
            duckdb_string_t *s = &((duckdb_string_t *)c->data[k])[r];
            in->str[k] = duckdb_string_t_data(s);
            in->str_len[k] = duckdb_string_t_length(*s);
            if (!(def->raw & (1u << k)) && c->type[k] == DUCKDB_TYPE_VARCHAR &&
                !proxy__num_in(in->arena, in->str[k], in->str_len[k], &in->num[k], err))
                return false;
            break;
        }
        case DUCKDB_TYPE_SMALLINT:
            in->i[k] = ((int16_t *)c->data[k])[r];
            break;
        case DUCKDB_TYPE_INTEGER:
            in->i[k] = ((int32_t *)c->data[k])[r];
            break;
        case DUCKDB_TYPE_BIGINT:
            in->i[k] = ((int64_t *)c->data[k])[r];
            break;
        case DUCKDB_TYPE_HUGEINT: {
            duckdb_hugeint h = ((duckdb_hugeint *)c->data[k])[r];
            in->h = (__int128)(((unsigned __int128)(uint64_t)h.upper << 64) | h.lower);
            break;
        }
        case DUCKDB_TYPE_DOUBLE:
            in->f[k] = ((double *)c->data[k])[r];
            break;
        default: /* DUCKDB_TYPE_FLOAT */
            in->f[k] = ((float *)c->data[k])[r];
            break;
        }
    }
    return true;
}

static void write_row(duckdb_type ret, duckdb_vector out, idx_t r, proxy_numfn_out_t *o,
                      am_arena_t *a)
{
    void *data = duckdb_vector_get_data(out);
    switch (ret) {
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB: {
        const char *s = o->str ? o->str : proxy__num_out(a, &o->num);
        duckdb_vector_assign_string_element_len(out, r, s, o->str ? o->len : strlen(s));
        break;
    }
    case DUCKDB_TYPE_BOOLEAN:
        ((bool *)data)[r] = o->b;
        break;
    case DUCKDB_TYPE_SMALLINT:
        ((int16_t *)data)[r] = (int16_t)o->i;
        break;
    case DUCKDB_TYPE_INTEGER:
        ((int32_t *)data)[r] = (int32_t)o->i;
        break;
    case DUCKDB_TYPE_BIGINT:
        ((int64_t *)data)[r] = o->i;
        break;
    case DUCKDB_TYPE_DOUBLE:
        ((double *)data)[r] = o->f;
        break;
    default: /* DUCKDB_TYPE_FLOAT */
        ((float *)data)[r] = (float)o->f;
        break;
    }
}

static void numfn_scalar(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector out)
{
    const proxy_numfn_def_t *def = duckdb_scalar_function_get_extra_info(info);
    chunk_args_t c = {0};
    for (; c.n < PROXY_NUMFN_MAX_ARGS && def->params[c.n] != DUCKDB_TYPE_INVALID; c.n++) {
        duckdb_vector v = duckdb_data_chunk_get_vector(input, c.n);
        c.type[c.n] = def->params[c.n];
        c.data[c.n] = duckdb_vector_get_data(v);
        c.valid[c.n] = duckdb_vector_get_validity(v);
    }
    idx_t rows = duckdb_data_chunk_get_size(input);
    duckdb_vector_ensure_validity_writable(out);
    uint64_t *out_valid = duckdb_vector_get_validity(out);
    proxy_numfn_args_t in = {.arena = am_arena_new((size_t)16 * 1024), .op = def->op};
    for (idx_t r = 0; r < rows; r++) {
        am_arena_reset(in.arena);
        am_err_t err = {0};
        proxy_numfn_out_t o = {0};
        bool null;
        bool ok = read_row(def, &c, r, &in, &null, &err) && def->fn(&in, &o, &err);
        if (!ok && !null) {
            proxy__pgfn_error(info, err.sqlstate, "%s", err.msg);
            break;
        }
        if (null || o.null)
            duckdb_validity_set_row_invalid(out_valid, r);
        else
            write_row(def->ret, out, r, &o, in.arena);
    }
    am_arena_free(in.arena);
}

static duckdb_scalar_function make_function(const proxy_numfn_def_t *def)
{
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, def->name);
    for (size_t k = 0; k < PROXY_NUMFN_MAX_ARGS && def->params[k] != DUCKDB_TYPE_INVALID; k++) {
        duckdb_logical_type t = duckdb_create_logical_type(def->params[k]);
        duckdb_scalar_function_add_parameter(f, t);
        duckdb_destroy_logical_type(&t);
    }
    duckdb_logical_type rt = duckdb_create_logical_type(def->ret);
    duckdb_scalar_function_set_return_type(f, rt);
    duckdb_destroy_logical_type(&rt);
    duckdb_scalar_function_set_function(f, numfn_scalar);
    duckdb_scalar_function_set_extra_info(f, (void *)def, NULL);
    return f;
}

/* Definitions sharing a name (adjacent in the table) become one function set: overloads. */
static bool register_overloads(duckdb_connection con, const proxy_numfn_def_t *defs, size_t n)
{
    if (n == 1) {
        duckdb_scalar_function f = make_function(defs);
        bool ok = duckdb_register_scalar_function(con, f) == DuckDBSuccess;
        duckdb_destroy_scalar_function(&f);
        return ok;
    }
    duckdb_scalar_function_set set = duckdb_create_scalar_function_set(defs[0].name);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        duckdb_scalar_function f = make_function(&defs[i]);
        ok = duckdb_add_scalar_function_to_set(set, f) == DuckDBSuccess;
        duckdb_destroy_scalar_function(&f);
    }
    ok = ok && duckdb_register_scalar_function_set(con, set) == DuckDBSuccess;
    duckdb_destroy_scalar_function_set(&set);
    return ok;
}

bool proxy__numfn_register(duckdb_connection con, const proxy_numfn_def_t *defs, size_t n,
                           am_err_t *err)
{
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && strcmp(defs[j].name, defs[i].name) == 0; j++)
            ;
        if (!register_overloads(con, defs + i, j - i))
            return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register function %s",
                              defs[i].name);
    }
    return true;
}

void proxy__numfn_agg_error(duckdb_function_info info, const am_err_t *err)
{
    char msg[600];
    (void)snprintf(msg, sizeof msg, "%s %s", err->sqlstate, err->msg);
    duckdb_aggregate_function_set_error(info, msg);
}

/* ---- kernels --------------------------------------------------------------------------------- */

#define A (in->arena)
#define X (&in->num[0])
#define Y (&in->num[1])

static bool k_in(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->num = *X;
    return true;
}

static bool k_typmod(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_typmod(A, X, (int)in->i[1], (int)in->i[2], &o->num, NULL, e);
}

static bool k_add(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_add(A, X, Y, &o->num, e);
}

static bool k_sub(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_sub(A, X, Y, &o->num, e);
}

static bool k_mul(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_mul(A, X, Y, &o->num, e);
}

static bool k_div(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_div(A, X, Y, &o->num, e);
}

static bool k_mod(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_mod(A, X, Y, &o->num, e);
}

static bool k_div_trunc(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_div_trunc(A, X, Y, &o->num, e);
}

static bool k_log(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_log(A, X, Y, &o->num, e);
}

static bool k_power(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_power(A, X, Y, &o->num, e);
}

static bool k_gcd(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_gcd(A, X, Y, &o->num, e);
}

static bool k_lcm(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_lcm(A, X, Y, &o->num, e);
}

static bool k_cmp(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->i = proxy__num_cmp(X, Y);
    return true;
}

static bool k_eq(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->b = proxy__num_cmp(X, Y) == 0;
    return true;
}

static bool k_ne(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->b = proxy__num_cmp(X, Y) != 0;
    return true;
}

static bool k_lt(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->b = proxy__num_cmp(X, Y) < 0;
    return true;
}

static bool k_le(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->b = proxy__num_cmp(X, Y) <= 0;
    return true;
}

static bool k_gt(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->b = proxy__num_cmp(X, Y) > 0;
    return true;
}

static bool k_ge(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->b = proxy__num_cmp(X, Y) >= 0;
    return true;
}

static bool k_neg(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    proxy__num_neg(X, &o->num);
    return true;
}

static bool k_abs(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    proxy__num_abs(X, &o->num);
    return true;
}

static bool k_sign(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    proxy__num_sign(X, &o->num);
    return true;
}

static bool k_ceil(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_ceil(A, X, &o->num, e);
}

static bool k_floor(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_floor(A, X, &o->num, e);
}

static bool k_sqrt(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_sqrt(A, X, &o->num, e);
}

static bool k_exp(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_exp(A, X, &o->num, e);
}

static bool k_ln(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_ln(A, X, &o->num, e);
}

static bool k_log10(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    proxy_num_t ten;
    proxy__num_from_i64(A, 10, &ten);
    return proxy__num_log(A, &ten, X, &o->num, e);
}

static bool k_round(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_round(A, X, (int32_t)in->i[1], &o->num, e);
}

static bool k_trunc(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_trunc(A, X, (int32_t)in->i[1], &o->num, e);
}

static bool k_scale(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    int32_t v = 0;
    o->null = !proxy__num_scale(X, &v);
    o->i = v;
    return true;
}

static bool k_min_scale(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    int32_t v = 0;
    o->null = !proxy__num_min_scale(X, &v);
    o->i = v;
    return true;
}

static bool k_trim_scale(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    proxy__num_trim_scale(X, &o->num);
    return true;
}

static bool k_width_bucket(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    int32_t v = 0;
    bool ok = proxy__num_width_bucket(A, X, Y, &in->num[2], (int32_t)in->i[3], &v, e);
    o->i = v;
    return ok;
}

static bool k_from_int(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    proxy__num_from_i64(A, in->i[0], &o->num);
    return true;
}

static bool k_from_hugeint(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    proxy__num_from_i128(A, in->h, &o->num);
    return true;
}

static bool k_from_f8(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    proxy__num_from_f8(A, in->f[0], &o->num);
    return true;
}

static bool k_from_f4(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    proxy__num_from_f4(A, (float)in->f[0], &o->num);
    return true;
}

static bool k_to_int2(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    int16_t v = 0;
    bool ok = proxy__num_to_i16(A, X, &v, e);
    o->i = v;
    return ok;
}

static bool k_to_int4(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    int32_t v = 0;
    bool ok = proxy__num_to_i32(A, X, &v, e);
    o->i = v;
    return ok;
}

static bool k_to_int8(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_to_i64(A, X, &o->i, e);
}

static bool k_to_f8(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    return proxy__num_to_f8(A, X, &o->f, e);
}

static bool k_to_f4(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    float v = 0;
    bool ok = proxy__num_to_f4(A, X, &v, e);
    o->f = v;
    return ok;
}

static bool k_sortkey(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    (void)e;
    o->str = (const char *)proxy__num_sortkey(A, X, &o->len);
    return true;
}

static bool k_avg_final(proxy_numfn_args_t *in, proxy_numfn_out_t *o, am_err_t *e)
{
    if (in->i[1] == 0) {
        o->null = true;
        return true;
    }
    proxy_num_t n;
    proxy__num_from_i64(A, in->i[1], &n);
    return proxy__num_div(A, X, &n, &o->num, e);
}

#undef A
#undef X
#undef Y

/* ---- registration ---------------------------------------------------------------------------- */

#define V DUCKDB_TYPE_VARCHAR
#define I DUCKDB_TYPE_INTEGER
#define BI DUCKDB_TYPE_BIGINT

const proxy_numfn_def_t proxy__pgfn_num_defs[] = {
    {"am_num_in", {V}, V, k_in, 0, 0},
    {"am_num_typmod", {V, I, I}, V, k_typmod, 0, 0},
    {"am_num_add", {V, V}, V, k_add, 0, 0},
    {"am_num_sub", {V, V}, V, k_sub, 0, 0},
    {"am_num_mul", {V, V}, V, k_mul, 0, 0},
    {"am_num_div", {V, V}, V, k_div, 0, 0},
    {"am_num_mod", {V, V}, V, k_mod, 0, 0},
    {"am_num_div_trunc", {V, V}, V, k_div_trunc, 0, 0},
    {"am_num_log", {V, V}, V, k_log, 0, 0},
    {"am_num_power", {V, V}, V, k_power, 0, 0},
    {"am_num_gcd", {V, V}, V, k_gcd, 0, 0},
    {"am_num_lcm", {V, V}, V, k_lcm, 0, 0},
    {"am_num_cmp", {V, V}, I, k_cmp, 0, 0},
    {"am_num_eq", {V, V}, DUCKDB_TYPE_BOOLEAN, k_eq, 0, 0},
    {"am_num_ne", {V, V}, DUCKDB_TYPE_BOOLEAN, k_ne, 0, 0},
    {"am_num_lt", {V, V}, DUCKDB_TYPE_BOOLEAN, k_lt, 0, 0},
    {"am_num_le", {V, V}, DUCKDB_TYPE_BOOLEAN, k_le, 0, 0},
    {"am_num_gt", {V, V}, DUCKDB_TYPE_BOOLEAN, k_gt, 0, 0},
    {"am_num_ge", {V, V}, DUCKDB_TYPE_BOOLEAN, k_ge, 0, 0},
    {"am_num_neg", {V}, V, k_neg, 0, 0},
    {"am_num_abs", {V}, V, k_abs, 0, 0},
    {"am_num_sign", {V}, V, k_sign, 0, 0},
    {"am_num_ceil", {V}, V, k_ceil, 0, 0},
    {"am_num_floor", {V}, V, k_floor, 0, 0},
    {"am_num_sqrt", {V}, V, k_sqrt, 0, 0},
    {"am_num_exp", {V}, V, k_exp, 0, 0},
    {"am_num_ln", {V}, V, k_ln, 0, 0},
    {"am_num_log10", {V}, V, k_log10, 0, 0},
    {"am_num_round", {V, I}, V, k_round, 0, 0},
    {"am_num_trunc", {V, I}, V, k_trunc, 0, 0},
    {"am_num_scale", {V}, I, k_scale, 0, 0},
    {"am_num_min_scale", {V}, I, k_min_scale, 0, 0},
    {"am_num_trim_scale", {V}, V, k_trim_scale, 0, 0},
    {"am_num_width_bucket", {V, V, V, I}, I, k_width_bucket, 0, 0},
    {"am_num_from_int", {BI}, V, k_from_int, 0, 0},
    {"am_num_from_hugeint", {DUCKDB_TYPE_HUGEINT}, V, k_from_hugeint, 0, 0},
    {"am_num_from_float8", {DUCKDB_TYPE_DOUBLE}, V, k_from_f8, 0, 0},
    {"am_num_from_float4", {DUCKDB_TYPE_FLOAT}, V, k_from_f4, 0, 0},
    {"am_num_to_int2", {V}, DUCKDB_TYPE_SMALLINT, k_to_int2, 0, 0},
    {"am_num_to_int4", {V}, I, k_to_int4, 0, 0},
    {"am_num_to_int8", {V}, BI, k_to_int8, 0, 0},
    {"am_num_to_float8", {V}, DUCKDB_TYPE_DOUBLE, k_to_f8, 0, 0},
    {"am_num_to_float4", {V}, DUCKDB_TYPE_FLOAT, k_to_f4, 0, 0},
    {"am_num_sortkey", {V}, DUCKDB_TYPE_BLOB, k_sortkey, 0, 0},
    {"am_num_avg_final", {V, BI}, V, k_avg_final, 0, 0},
};
const size_t proxy__pgfn_num_n = AM_ARRAY_LEN(proxy__pgfn_num_defs);

#undef V
#undef I
#undef BI

bool proxy__pgfn_num_register(duckdb_connection con, am_err_t *err)
{
    return proxy__numfn_register(con, proxy__pgfn_num_defs, proxy__pgfn_num_n, err) &&
           proxy__pgfn_num_float_register(con, err) && proxy__pgfn_num_agg_register(con, err) &&
           proxy__pgfn_num_fmt_register(con, err);
}
