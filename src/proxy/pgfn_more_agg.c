/*
 * proxy/pgfn_more_agg.c: PostgreSQL's float aggregates as DuckDB aggregate functions, with
 * PostgreSQL's transition, combine and final functions so that every digit is the one
 * PostgreSQL prints for the same input order (float arithmetic depends on it):
 *   sum(float4) and sum(float8): float4pl / float8pl from the first input, 22003 "value out
 *     of range: overflow" when finite values give an infinite sum;
 *   avg, var_pop, var_samp, stddev_pop, stddev_samp: float8_accum's (N, Sx, Sxx) with the
 *     Youngs-Cramer update and float8_combine, float8_avg ... float8_stddev_samp;
 *   corr, covar_pop, covar_samp, regr_*: float8_regr_accum's (N, Sx, Sxx, Sy, Syy, Sxy),
 *     float8_regr_combine and the float8_regr_* / float8_corr / float8_covar_* finals.
 * DuckDB combines states in the order it likes (threads, window segment trees); PostgreSQL's
 * combine formulas keep those results within rounding of the sequential ones, and a
 * single-threaded scan (DuckDB's for one row group) is PostgreSQL's sequential order.
 *
 * DuckDB signatures (strict: rows with a NULL argument are skipped; no rows: NULL):
 *   am_f4_sum(FLOAT) -> FLOAT, am_f8_sum(DOUBLE) -> DOUBLE
 *   am_f8_avg / am_f8_var_pop / am_f8_var_samp / am_f8_stddev_pop / am_f8_stddev_samp
 *       (DOUBLE) -> DOUBLE      (float4 arguments are widened to DOUBLE by the caller, exactly
 *       as float4_accum widens them)
 *   am_f8_corr / am_f8_covar_pop / am_f8_covar_samp / am_f8_regr_avgx / _avgy / _intercept /
 *       _r2 / _slope / _sxx / _sxy / _syy (DOUBLE y, DOUBLE x) -> DOUBLE
 *   am_f8_regr_count(DOUBLE y, DOUBLE x) -> BIGINT   (0 for no rows)
 *   am_interval_sum(INTERVAL) -> INTERVAL   sum(interval): interval_pl, field by field (months,
 *       days, microseconds, never normalized), 22008 "interval out of range" on overflow
 * Spec: PostgreSQL 15 src/backend/utils/adt/float.c (float8_accum, float8_combine,
 * float8_regr_accum, float8_regr_combine and their final functions).
 * Threads: update, combine and finalize touch only the states they are given.
 */
#include "proxy/pgfn_more.h"

#include <math.h>
#include <string.h>

typedef enum fagg_kind {
    FA_SUM4,
    FA_SUM8,
    FA_AVG,
    FA_VAR_POP,
    FA_VAR_SAMP,
    FA_SD_POP,
    FA_SD_SAMP,
    FA_CORR,
    FA_COVAR_POP,
    FA_COVAR_SAMP,
    FA_AVGX,
    FA_AVGY,
    FA_INTERCEPT,
    FA_R2,
    FA_SLOPE,
    FA_SXX,
    FA_SXY,
    FA_SYY,
    FA_COUNT,
    FA_ISUM,
} fagg_kind_t;

typedef struct fagg_def {
    const char *name;
    fagg_kind_t kind;
} fagg_def_t;

static const fagg_def_t defs[] = {
    {"am_f4_sum", FA_SUM4},
    {"am_f8_sum", FA_SUM8},
    {"am_f8_avg", FA_AVG},
    {"am_f8_var_pop", FA_VAR_POP},
    {"am_f8_var_samp", FA_VAR_SAMP},
    {"am_f8_stddev_pop", FA_SD_POP},
    {"am_f8_stddev_samp", FA_SD_SAMP},
    {"am_f8_corr", FA_CORR},
    {"am_f8_covar_pop", FA_COVAR_POP},
    {"am_f8_covar_samp", FA_COVAR_SAMP},
    {"am_f8_regr_avgx", FA_AVGX},
    {"am_f8_regr_avgy", FA_AVGY},
    {"am_f8_regr_intercept", FA_INTERCEPT},
    {"am_f8_regr_r2", FA_R2},
    {"am_f8_regr_slope", FA_SLOPE},
    {"am_f8_regr_sxx", FA_SXX},
    {"am_f8_regr_sxy", FA_SXY},
    {"am_f8_regr_syy", FA_SYY},
    {"am_f8_regr_count", FA_COUNT},
    {"am_interval_sum", FA_ISUM},
};

/* One group's state: the sums (sum(float4) keeps its float in f4), or PostgreSQL's
 * transition array N, Sx, Sxx (and Sy, Syy, Sxy for the two-argument aggregates). */
typedef struct fagg_state {
    bool has; /* a sum has its first value */
    float f4;
    double n, sx, sxx, sy, syy, sxy;
    duckdb_interval iv; /* sum(interval) */
} fagg_state_t;

#define OVERFLOW_MSG "22003 value out of range: overflow"
#define IV_OVERFLOW_MSG "22008 interval out of range"

static fagg_kind_t kind_of(duckdb_function_info info)
{
    return ((const fagg_def_t *)duckdb_aggregate_function_get_extra_info(info))->kind;
}

static bool two_args(fagg_kind_t k)
{
    return k >= FA_CORR && k <= FA_COUNT;
}

/* interval_pl: each field added with int4pl's / int8pl's overflow check. */
static bool iv_pl(duckdb_interval *a, duckdb_interval b)
{
    return !__builtin_add_overflow(a->months, b.months, &a->months) &&
           !__builtin_add_overflow(a->days, b.days, &a->days) &&
           !__builtin_add_overflow(a->micros, b.micros, &a->micros);
}

static idx_t state_size(duckdb_function_info info)
{
    (void)info;
    return sizeof(fagg_state_t);
}

static void state_init(duckdb_function_info info, duckdb_aggregate_state state)
{
    (void)info;
    memset(state, 0, sizeof(fagg_state_t));
}

/* float4pl / float8pl: an infinite result from finite operands overflows. */
static bool f4_pl(float a, float b, float *out)
{
    float r = a + b;
    *out = r;
    return !(isinf(r) && !isinf(a) && !isinf(b));
}

static bool f8_pl(double a, double b, double *out)
{
    double r = a + b;
    *out = r;
    return !(isinf(r) && !isinf(a) && !isinf(b));
}

/* float8_accum: false on overflow. */
static bool accum(fagg_state_t *st, double x)
{
    double n0 = st->n, sx0 = st->sx;
    st->n += 1.0;
    st->sx += x;
    if (n0 > 0.0) {
        double tmp = x * st->n - st->sx;
        st->sxx += tmp * tmp / (st->n * n0);
        if (isinf(st->sx) || isinf(st->sxx)) {
            if (!isinf(sx0) && !isinf(x))
                return false;
            st->sxx = NAN;
        }
    } else if (isnan(x) || isinf(x)) {
        st->sxx = NAN;
    }
    return true;
}

static bool regr_overflows(const fagg_state_t *st, double sx0, double sy0, double x, double y)
{
    bool xbad = (isinf(st->sx) || isinf(st->sxx)) && !isinf(sx0) && !isinf(x);
    bool ybad = (isinf(st->sy) || isinf(st->syy)) && !isinf(sy0) && !isinf(y);
    bool xybad = isinf(st->sxy) && !isinf(sx0) && !isinf(x) && !isinf(sy0) && !isinf(y);
    return xbad || ybad || xybad;
}

/* float8_regr_accum (y is the first argument): false on overflow. */
static bool regr_accum(fagg_state_t *st, double y, double x)
{
    double n0 = st->n, sx0 = st->sx, sy0 = st->sy;
    st->n += 1.0;
    st->sx += x;
    st->sy += y;
    if (n0 > 0.0) {
        double tx = x * st->n - st->sx, ty = y * st->n - st->sy;
        double scale = 1.0 / (st->n * n0);
        st->sxx += tx * tx * scale;
        st->syy += ty * ty * scale;
        st->sxy += tx * ty * scale;
        if (isinf(st->sx) || isinf(st->sxx) || isinf(st->sy) || isinf(st->syy) || isinf(st->sxy)) {
            if (regr_overflows(st, sx0, sy0, x, y))
                return false;
            st->sxx = isinf(st->sxx) ? NAN : st->sxx;
            st->syy = isinf(st->syy) ? NAN : st->syy;
            st->sxy = isinf(st->sxy) ? NAN : st->sxy;
        }
        return true;
    }
    if (isnan(x) || isinf(x))
        st->sxx = st->sxy = NAN;
    if (isnan(y) || isinf(y))
        st->syy = st->sxy = NAN;
    return true;
}

static bool row_valid(duckdb_vector v, idx_t r)
{
    uint64_t *m = duckdb_vector_get_validity(v);
    return !m || duckdb_validity_row_is_valid(m, r);
}

static bool update_one(fagg_kind_t k, fagg_state_t *st, duckdb_vector a, duckdb_vector b, idx_t r)
{
    if (k == FA_COUNT) { /* int8inc_float8_float8: a count, never an overflow */
        st->n += 1.0;
        return true;
    }
    if (k == FA_ISUM) {
        duckdb_interval x = ((const duckdb_interval *)duckdb_vector_get_data(a))[r];
        bool ok = !st->has || iv_pl(&st->iv, x);
        if (!st->has)
            st->iv = x;
        st->has = true;
        return ok;
    }
    if (k == FA_SUM4) {
        float x = ((const float *)duckdb_vector_get_data(a))[r];
        bool ok = !st->has || f4_pl(st->f4, x, &x);
        st->f4 = x;
        st->has = true;
        return ok;
    }
    double x = ((const double *)duckdb_vector_get_data(a))[r];
    if (k == FA_SUM8) {
        bool ok = !st->has || f8_pl(st->sx, x, &x);
        st->sx = x;
        st->has = true;
        return ok;
    }
    if (!two_args(k))
        return accum(st, x);
    return regr_accum(st, x, ((const double *)duckdb_vector_get_data(b))[r]);
}

static void agg_update(duckdb_function_info info, duckdb_data_chunk input,
                       duckdb_aggregate_state *states)
{
    fagg_kind_t k = kind_of(info);
    duckdb_vector a = duckdb_data_chunk_get_vector(input, 0);
    duckdb_vector b = two_args(k) ? duckdb_data_chunk_get_vector(input, 1) : NULL;
    idx_t rows = duckdb_data_chunk_get_size(input);
    for (idx_t r = 0; r < rows; r++) {
        if (!row_valid(a, r) || (b && !row_valid(b, r)))
            continue;
        if (!update_one(k, (fagg_state_t *)states[r], a, b, r)) {
            duckdb_aggregate_function_set_error(info,
                                                k == FA_ISUM ? IV_OVERFLOW_MSG : OVERFLOW_MSG);
            return;
        }
    }
}

/* float8_combine, extended to the regression sums as float8_regr_combine; t is the first
 * state. False on overflow. */
static bool combine_acc(fagg_state_t *t, const fagg_state_t *s, bool regr)
{
    if (s->n == 0.0)
        return true;
    if (t->n == 0.0) {
        *t = *s;
        return true;
    }
    double n1 = t->n, n2 = s->n, n = n1 + n2;
    double dx = t->sx / n1 - s->sx / n2;
    double sxx = t->sxx + s->sxx + n1 * n2 * dx * dx / n;
    bool ok = f8_pl(t->sx, s->sx, &t->sx) && !(isinf(sxx) && !isinf(t->sxx) && !isinf(s->sxx));
    t->sxx = sxx;
    if (regr) {
        double dy = t->sy / n1 - s->sy / n2;
        double syy = t->syy + s->syy + n1 * n2 * dy * dy / n;
        double sxy = t->sxy + s->sxy + n1 * n2 * dx * dy / n;
        ok = ok && f8_pl(t->sy, s->sy, &t->sy);
        ok = ok && !(isinf(syy) && !isinf(t->syy) && !isinf(s->syy));
        ok = ok && !(isinf(sxy) && !isinf(t->sxy) && !isinf(s->sxy));
        t->syy = syy;
        t->sxy = sxy;
    }
    t->n = n;
    return ok;
}

static bool combine_one(fagg_kind_t k, fagg_state_t *t, const fagg_state_t *s)
{
    if (k == FA_COUNT) {
        t->n += s->n;
        return true;
    }
    if (k == FA_SUM4 || k == FA_SUM8 || k == FA_ISUM) {
        if (!s->has)
            return true;
        if (!t->has) {
            *t = *s;
            return true;
        }
        return k == FA_SUM4   ? f4_pl(t->f4, s->f4, &t->f4)
               : k == FA_ISUM ? iv_pl(&t->iv, s->iv)
                              : f8_pl(t->sx, s->sx, &t->sx);
    }
    return combine_acc(t, s, two_args(k));
}

static void agg_combine(duckdb_function_info info, duckdb_aggregate_state *source,
                        duckdb_aggregate_state *target, idx_t count)
{
    fagg_kind_t k = kind_of(info);
    for (idx_t i = 0; i < count; i++)
        if (!combine_one(k, (fagg_state_t *)target[i], (const fagg_state_t *)source[i])) {
            duckdb_aggregate_function_set_error(info,
                                                k == FA_ISUM ? IV_OVERFLOW_MSG : OVERFLOW_MSG);
            return;
        }
}

/* The final functions of the one-argument aggregates; false = NULL. */
static bool final_acc(fagg_kind_t k, const fagg_state_t *st, double *out)
{
    switch (k) {
    case FA_AVG:
        *out = st->sx / st->n;
        return st->n != 0.0;
    case FA_VAR_POP:
        *out = st->sxx / st->n;
        return st->n != 0.0;
    case FA_VAR_SAMP:
        *out = st->sxx / (st->n - 1.0);
        return st->n > 1.0;
    case FA_SD_POP:
        *out = sqrt(st->sxx / st->n);
        return st->n != 0.0;
    default:
        *out = sqrt(st->sxx / (st->n - 1.0));
        return st->n > 1.0;
    }
}

/* The final functions of the regression aggregates; false = NULL. */
static bool final_regr(fagg_kind_t k, const fagg_state_t *st, double *out)
{
    if (st->n < 1.0)
        return false;
    switch (k) {
    case FA_CORR:
        *out = st->sxy / sqrt(st->sxx * st->syy);
        return st->sxx != 0 && st->syy != 0;
    case FA_COVAR_POP:
        *out = st->sxy / st->n;
        return true;
    case FA_COVAR_SAMP:
        *out = st->sxy / (st->n - 1.0);
        return st->n >= 2.0;
    case FA_AVGX:
        *out = st->sx / st->n;
        return true;
    case FA_AVGY:
        *out = st->sy / st->n;
        return true;
    case FA_INTERCEPT:
        *out = (st->sy - st->sx * st->sxy / st->sxx) / st->n;
        return st->sxx != 0;
    case FA_R2:
        *out = st->syy == 0 ? 1.0 : (st->sxy * st->sxy) / (st->sxx * st->syy);
        return st->sxx != 0;
    case FA_SLOPE:
        *out = st->sxy / st->sxx;
        return st->sxx != 0;
    case FA_SXX:
        *out = st->sxx;
        return true;
    case FA_SXY:
        *out = st->sxy;
        return true;
    default:
        *out = st->syy;
        return true;
    }
}

static void agg_finalize(duckdb_function_info info, duckdb_aggregate_state *source,
                         duckdb_vector result, idx_t count, idx_t offset)
{
    fagg_kind_t k = kind_of(info);
    duckdb_vector_ensure_validity_writable(result);
    uint64_t *valid = duckdb_vector_get_validity(result);
    void *data = duckdb_vector_get_data(result);
    for (idx_t i = 0; i < count; i++) {
        const fagg_state_t *st = (const fagg_state_t *)source[i];
        double d = 0;
        bool has;
        if (k == FA_COUNT) {
            ((int64_t *)data)[offset + i] = (int64_t)st->n;
            continue;
        }
        if (k == FA_SUM4) {
            ((float *)data)[offset + i] = st->f4;
            has = st->has;
        } else if (k == FA_ISUM) {
            ((duckdb_interval *)data)[offset + i] = st->iv;
            has = st->has;
        } else {
            has = k == FA_SUM8  ? (d = st->sx, st->has)
                  : two_args(k) ? final_regr(k, st, &d)
                                : final_acc(k, st, &d);
            ((double *)data)[offset + i] = d;
        }
        if (!has)
            duckdb_validity_set_row_invalid(valid, offset + i);
    }
}

static bool register_one(duckdb_connection con, const fagg_def_t *def, am_err_t *err)
{
    duckdb_aggregate_function f = duckdb_create_aggregate_function();
    duckdb_aggregate_function_set_name(f, def->name);
    duckdb_logical_type t = duckdb_create_logical_type(def->kind == FA_SUM4   ? DUCKDB_TYPE_FLOAT
                                                       : def->kind == FA_ISUM ? DUCKDB_TYPE_INTERVAL
                                                                              : DUCKDB_TYPE_DOUBLE);
    duckdb_aggregate_function_add_parameter(f, t);
    if (two_args(def->kind))
        duckdb_aggregate_function_add_parameter(f, t);
    duckdb_logical_type rt =
        def->kind == FA_COUNT ? duckdb_create_logical_type(DUCKDB_TYPE_BIGINT) : t;
    duckdb_aggregate_function_set_return_type(f, rt);
    if (rt != t)
        duckdb_destroy_logical_type(&rt);
    duckdb_destroy_logical_type(&t);
    duckdb_aggregate_function_set_functions(f, state_size, state_init, agg_update, agg_combine,
                                            agg_finalize);
    duckdb_aggregate_function_set_extra_info(f, (void *)def, NULL);
    bool ok = duckdb_register_aggregate_function(con, f) == DuckDBSuccess;
    duckdb_destroy_aggregate_function(&f);
    return ok ||
           am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register aggregate %s", def->name);
}

bool proxy__pgfn_more_agg_register(duckdb_connection con, am_err_t *err)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        if (!register_one(con, &defs[i], err))
            return false;
    return true;
}
