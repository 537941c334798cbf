/*
 * proxy/pgfn_time.c: the time family's DuckDB glue: the generic row runner (DuckDB values <->
 * PostgreSQL values at the edge), registration of every file's functions, and the output
 * functions am_*_out. Computation lives in the pure files (pgfn_time_*.c, pgtz*.c).
 */
#include "proxy/pgfn_time_internal.h"
#include "proxy/pgfn_time_fmt.h"
#include "proxy/pgfn_time_ops.h"

#include <stdlib.h>
#include <string.h>

_Thread_local bool proxy__tv_isnull[8];

static bool arg_read(duckdb_type t, void *data, idx_t row, am_buf_t *strs, size_t *str_off,
                     proxy__tv_t *v, am_err_t *err)
{
    switch (t) {
    case TV_DATE:
        v->i32 = proxy__pg_date_from_duck(((int32_t *)data)[row]);
        return true;
    case TV_TS:
    case TV_TSTZ:
        if (!proxy__pg_ts_from_duck(((int64_t *)data)[row], &v->i64))
            return am_err_set(err, "22008", "timestamp out of range");
        return true;
    case TV_TIME:
    case TV_I8:
        v->i64 = ((int64_t *)data)[row];
        return true;
    case TV_I4:
        v->i32 = ((int32_t *)data)[row];
        return true;
    case TV_F8:
        v->f8 = ((double *)data)[row];
        return true;
    case TV_BOOL:
        v->b = ((bool *)data)[row];
        return true;
    case TV_IV: {
        duckdb_interval iv = ((duckdb_interval *)data)[row];
        v->iv = (proxy_pgiv_t){.month = iv.months, .day = iv.days, .time = iv.micros};
        return true;
    }
    default: {
        duckdb_string_t *s = &((duckdb_string_t *)data)[row];
        *str_off = strs->len;
        am_buf_append(strs, duckdb_string_t_data(s), duckdb_string_t_length(*s));
        am_buf_putc(strs, '\0');
        return true;
    }
    }
}

static bool res_write(duckdb_type t, duckdb_vector out, idx_t row, const proxy__tv_t *v,
                      const am_buf_t *text, am_err_t *err)
{
    void *data = duckdb_vector_get_data(out);
    switch (t) {
    case TV_DATE:
        if (!proxy__pg_date_to_duck(v->i32, &((int32_t *)data)[row]))
            return am_err_set(err, "22008", "date out of range");
        return true;
    case TV_TS:
    case TV_TSTZ:
        if (!proxy__pg_ts_to_duck(v->i64, &((int64_t *)data)[row]))
            return am_err_set(err, "22008", "timestamp out of range");
        return true;
    case TV_TIME:
    case TV_I8:
        ((int64_t *)data)[row] = v->i64;
        return true;
    case TV_I4:
        ((int32_t *)data)[row] = v->i32;
        return true;
    case TV_F8:
        ((double *)data)[row] = v->f8;
        return true;
    case TV_BOOL:
        ((bool *)data)[row] = v->b;
        return true;
    case TV_IV:
        ((duckdb_interval *)data)[row] =
            (duckdb_interval){.months = v->iv.month, .days = v->iv.day, .micros = v->iv.time};
        return true;
    case DUCKDB_TYPE_HUGEINT:
        ((duckdb_hugeint *)data)[row] = v->h;
        return true;
    default:
        duckdb_vector_assign_string_element_len(out, row, text->data, text->len);
        return true;
    }
}

typedef struct run_ctx {
    const proxy__tdef_t *d;
    size_t nargs;
    void *data[8];
    uint64_t *valid[8];
    am_buf_t strs, text;
} run_ctx_t;

/* One row; false with err on error. */
static bool run_row(run_ctx_t *c, idx_t row, duckdb_vector out, am_err_t *err)
{
    proxy__tv_t a[8], r;
    size_t off[8] = {0};
    bool any_null = false;
    am_buf_reset(&c->strs);
    am_buf_reset(&c->text);
    memset(a, 0, sizeof a);
    for (size_t i = 0; i < c->nargs; i++) {
        proxy__tv_isnull[i] = c->valid[i] && !duckdb_validity_row_is_valid(c->valid[i], row);
        any_null |= proxy__tv_isnull[i];
        if (!proxy__tv_isnull[i] &&
            !arg_read(c->d->params[i], c->data[i], row, &c->strs, &off[i], &a[i], err))
            return false;
    }
    for (size_t i = 0; i < c->nargs; i++)
        if (c->d->params[i] == TV_TEXT && !proxy__tv_isnull[i])
            a[i].s = c->strs.data + off[i];
    int rc = PROXY_TV_NULL;
    if (!any_null || (c->d->flags & PROXY_PGFN_NULLS))
        rc = c->d->fn(a, &r, &c->text, err);
    if (rc == PROXY_TV_ERR)
        return false;
    if (rc == PROXY_TV_NULL) {
        duckdb_vector_ensure_validity_writable(out);
        duckdb_validity_set_row_invalid(duckdb_vector_get_validity(out), row);
        return true;
    }
    return res_write(c->d->ret, out, row, &r, &c->text, err);
}

void proxy__time_run(const proxy__tdef_t *d, duckdb_function_info info, duckdb_data_chunk in,
                     duckdb_vector out)
{
    run_ctx_t c = {.d = d};
    while (c.nargs < 8 && d->params[c.nargs] != DUCKDB_TYPE_INVALID) {
        duckdb_vector v = duckdb_data_chunk_get_vector(in, c.nargs);
        c.data[c.nargs] = duckdb_vector_get_data(v);
        c.valid[c.nargs] = duckdb_vector_get_validity(v);
        c.nargs++;
    }
    am_buf_init(&c.strs);
    am_buf_init(&c.text);
    idx_t n = duckdb_data_chunk_get_size(in);
    am_err_t err = {0};
    for (idx_t row = 0; row < n; row++) {
        if (!run_row(&c, row, out, &err)) {
            proxy__pgfn_error(info, err.sqlstate, "%s", err.msg);
            break;
        }
    }
    am_buf_destroy(&c.strs);
    am_buf_destroy(&c.text);
}

static duckdb_scalar_function make_fn(const proxy__treg_t *reg)
{
    const proxy__tdef_t *d = reg->def;
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, d->name);
    for (size_t i = 0; i < AM_ARRAY_LEN(d->params) && d->params[i] != DUCKDB_TYPE_INVALID; i++) {
        duckdb_logical_type t = duckdb_create_logical_type(d->params[i]);
        duckdb_scalar_function_add_parameter(f, t);
        duckdb_destroy_logical_type(&t);
    }
    duckdb_logical_type rt = duckdb_create_logical_type(d->ret);
    duckdb_scalar_function_set_return_type(f, rt);
    duckdb_destroy_logical_type(&rt);
    duckdb_scalar_function_set_function(f, reg->duck);
    if (d->flags & PROXY_PGFN_NULLS)
        duckdb_scalar_function_set_special_handling(f);
    /* DuckDB's interval equality treats 1 day as 24 hours, so two folded interval constants
     * that PostgreSQL tells apart would be merged as one common subexpression: interval
     * results are never folded */
    if ((d->flags & PROXY_PGFN_VOLATILE) || d->ret == DUCKDB_TYPE_INTERVAL)
        duckdb_scalar_function_set_volatile(f);
    return f;
}

/* DuckDB takes the overloads of one name together, as a set (a second registration of a name
 * fails): every overload of a name must be in the same regs[]. */
bool proxy__time_register(duckdb_connection con, const proxy__treg_t *regs, size_t n, am_err_t *err)
{
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(regs[k].def->name, regs[i].def->name) == 0;
        if (seen)
            continue;
        duckdb_scalar_function_set set = duckdb_create_scalar_function_set(regs[i].def->name);
        for (size_t k = i; k < n; k++) {
            if (strcmp(regs[k].def->name, regs[i].def->name) != 0)
                continue;
            duckdb_scalar_function f = make_fn(&regs[k]);
            (void)duckdb_add_scalar_function_to_set(set, f);
            duckdb_destroy_scalar_function(&f);
        }
        bool ok = duckdb_register_scalar_function_set(con, set) == DuckDBSuccess;
        duckdb_destroy_scalar_function_set(&set);
        if (!ok)
            return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register function %s",
                              regs[i].def->name);
    }
    return true;
}

bool proxy__tv_datestyle(const char *s, proxy_pgdatestyle_t *ds, am_err_t *err)
{
    if (!proxy__pg_datestyle_parse(s, ds))
        return am_err_set(err, "22023", "invalid value for parameter \"DateStyle\": \"%s\"", s);
    return true;
}

bool proxy__tv_intervalstyle(const char *s, int *style, am_err_t *err)
{
    if (!proxy__pg_intervalstyle_parse(s, style))
        return am_err_set(err, "22023", "invalid value for parameter \"IntervalStyle\": \"%s\"", s);
    return true;
}

/* ---- output functions ------------------------------------------------------------------- */

static int date_out(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *text, am_err_t *err)
{
    (void)r;
    proxy_pgdatestyle_t ds;
    if (!proxy__tv_datestyle(a[1].s, &ds, err))
        return PROXY_TV_ERR;
    proxy__pg_date_out(a[0].i32, &ds, text);
    return PROXY_TV_OK;
}

static int time_out(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *text, am_err_t *err)
{
    (void)r, (void)err;
    proxy__pg_time_out(a[0].i64, text);
    return PROXY_TV_OK;
}

static int ts_out(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *text, am_err_t *err)
{
    (void)r;
    proxy_pgdatestyle_t ds;
    if (!proxy__tv_datestyle(a[1].s, &ds, err))
        return PROXY_TV_ERR;
    if (!proxy__pg_ts_out(a[0].i64, NULL, &ds, text))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int tstz_out(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *text, am_err_t *err)
{
    (void)r;
    proxy_pgdatestyle_t ds;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[1].s, err);
    if (!z || !proxy__tv_datestyle(a[2].s, &ds, err))
        return PROXY_TV_ERR;
    if (!proxy__pg_ts_out(a[0].i64, z, &ds, text))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int interval_out(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *text, am_err_t *err)
{
    (void)r;
    int style;
    if (!proxy__tv_intervalstyle(a[1].s, &style, err))
        return PROXY_TV_ERR;
    proxy__pg_interval_out(&a[0].iv, style, text);
    return PROXY_TV_OK;
}

PROXY_TDEF(date_out, "am_date_out", date_out, 0, TV_TEXT, TV_DATE, TV_TEXT)
PROXY_TDEF(time_out, "am_time_out", time_out, 0, TV_TEXT, TV_TIME)
PROXY_TDEF(ts_out, "am_timestamp_out", ts_out, 0, TV_TEXT, TV_TS, TV_TEXT)
PROXY_TDEF(tstz_out, "am_timestamptz_out", tstz_out, 0, TV_TEXT, TV_TSTZ, TV_TEXT, TV_TEXT)
PROXY_TDEF(iv_out, "am_interval_out", interval_out, 0, TV_TEXT, TV_IV, TV_TEXT)

const proxy__treg_t proxy__time_out_regs[] = {
    PROXY_TREG(date_out), PROXY_TREG(time_out), PROXY_TREG(ts_out),
    PROXY_TREG(tstz_out), PROXY_TREG(iv_out),
};
const size_t proxy__time_out_n = AM_ARRAY_LEN(proxy__time_out_regs);

bool proxy__pgfn_time_register(duckdb_connection con, am_err_t *err)
{
    return proxy__time_register(con, proxy__time_out_regs, proxy__time_out_n, err) &&
           proxy__time_reg_arith(con, err) && proxy__time_reg_part(con, err) &&
           proxy__time_reg_conv(con, err) && proxy__time_reg_make(con, err) &&
           proxy__time_reg_series(con, err) && proxy__time_reg_in(con, err) &&
           proxy__time_reg_fmt(con, err) && proxy__time_reg_fmtin(con, err);
}
