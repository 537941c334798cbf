/*
 * proxy/pgfn_time_series.c: generate_series(timestamp, timestamp, interval) and
 * generate_series(timestamptz, timestamptz, interval) in the session zone, as a LIST the
 * emitter unnests. PostgreSQL's rules: 22023 for a zero step, each next value computed with
 * timestamp(tz)_pl_interval (its errors included), the comparison by interval_cmp's sign.
 * A series longer than SERIES_MAX is refused with 54000 (PostgreSQL would stream it).
 */
#include "proxy/pgfn_time_ops.h"

#include <stdlib.h>
#include <string.h>

#define SERIES_MAX 10000000

typedef struct series_out {
    duckdb_vector list, child;
    idx_t size, cap;
} series_out_t;

static void push(series_out_t *o, int64_t duck_us)
{
    if (o->size == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        (void)duckdb_list_vector_reserve(o->list, o->cap);
        o->child = duckdb_list_vector_get_child(o->list);
    }
    ((int64_t *)duckdb_vector_get_data(o->child))[o->size++] = duck_us;
}

/* One row's series; false with err set. */
static bool series_row(int64_t cur, int64_t finish, const proxy_pgiv_t *step, const proxy_pgtz_t *z,
                       series_out_t *o, am_err_t *err)
{
    __int128 sign = proxy__pg_iv_cmp_value(step);
    if (sign == 0)
        return am_err_set(err, "22023", "step size cannot equal zero");
    for (idx_t n = 0; sign > 0 ? cur <= finish : cur >= finish; n++) {
        int64_t d;
        if (n >= SERIES_MAX)
            return am_err_set(err, "54000", "generate_series: more than %d values", SERIES_MAX);
        if (!proxy__pg_ts_to_duck(cur, &d))
            return am_err_set(err, "22008", "timestamp out of range");
        push(o, d);
        if (!proxy__pg_ts_pl_interval(cur, step, z, &cur))
            return am_err_set(err, "22008", "timestamp out of range");
    }
    return true;
}

static void series_run(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out, bool tz)
{
    idx_t n = duckdb_data_chunk_get_size(in), nargs = tz ? 4 : 3;
    void *data[4];
    uint64_t *valid[4];
    for (idx_t i = 0; i < nargs; i++) {
        duckdb_vector v = duckdb_data_chunk_get_vector(in, i);
        data[i] = duckdb_vector_get_data(v);
        valid[i] = duckdb_vector_get_validity(v);
    }
    series_out_t o = {.list = out, .child = duckdb_list_vector_get_child(out)};
    am_err_t err = {0};
    for (idx_t row = 0; row < n; row++) {
        bool null = false;
        for (idx_t i = 0; i < nargs; i++)
            null |= valid[i] && !duckdb_validity_row_is_valid(valid[i], row);
        duckdb_list_entry *e = (duckdb_list_entry *)duckdb_vector_get_data(out);
        e[row].offset = o.size;
        e[row].length = 0;
        if (null) {
            duckdb_vector_ensure_validity_writable(out);
            duckdb_validity_set_row_invalid(duckdb_vector_get_validity(out), row);
            continue;
        }
        int64_t a, b;
        duckdb_interval iv = ((duckdb_interval *)data[2])[row];
        proxy_pgiv_t step = {.month = iv.months, .day = iv.days, .time = iv.micros};
        const proxy_pgtz_t *z = NULL;
        if (tz) {
            duckdb_string_t *s = &((duckdb_string_t *)data[3])[row];
            char *name = am_xstrndup(duckdb_string_t_data(s), duckdb_string_t_length(*s));
            z = proxy__pgtz_session(name, &err);
            free(name);
        }
        bool ok = (!tz || z) && (proxy__pg_ts_from_duck(((int64_t *)data[0])[row], &a) &&
                                         proxy__pg_ts_from_duck(((int64_t *)data[1])[row], &b)
                                     ? series_row(a, b, &step, z, &o, &err)
                                     : am_err_set(&err, "22008", "timestamp out of range"));
        if (!ok) {
            proxy__pgfn_error(info, err.sqlstate, "%s", err.msg);
            return;
        }
        e = (duckdb_list_entry *)duckdb_vector_get_data(out);
        e[row].length = o.size - e[row].offset;
        (void)duckdb_list_vector_set_size(out, o.size);
    }
    (void)duckdb_list_vector_set_size(out, o.size);
}

static void series_ts(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    series_run(info, in, out, false);
}

static void series_tstz(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    series_run(info, in, out, true);
}

static duckdb_scalar_function series_fn(duckdb_type t, bool tz)
{
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, "am_generate_series");
    duckdb_type params[4] = {t, t, DUCKDB_TYPE_INTERVAL, DUCKDB_TYPE_VARCHAR};
    for (int i = 0; i < (tz ? 4 : 3); i++) {
        duckdb_logical_type lt = duckdb_create_logical_type(params[i]);
        duckdb_scalar_function_add_parameter(f, lt);
        duckdb_destroy_logical_type(&lt);
    }
    duckdb_logical_type el = duckdb_create_logical_type(t);
    duckdb_logical_type lt = duckdb_create_list_type(el);
    duckdb_scalar_function_set_return_type(f, lt);
    duckdb_destroy_logical_type(&lt);
    duckdb_destroy_logical_type(&el);
    duckdb_scalar_function_set_function(f, tz ? series_tstz : series_ts);
    return f;
}

bool proxy__time_reg_series(duckdb_connection con, am_err_t *err)
{
    duckdb_scalar_function_set set = duckdb_create_scalar_function_set("am_generate_series");
    duckdb_scalar_function a = series_fn(DUCKDB_TYPE_TIMESTAMP, false);
    duckdb_scalar_function b = series_fn(DUCKDB_TYPE_TIMESTAMP_TZ, true);
    (void)duckdb_add_scalar_function_to_set(set, a);
    (void)duckdb_add_scalar_function_to_set(set, b);
    duckdb_destroy_scalar_function(&a);
    duckdb_destroy_scalar_function(&b);
    bool ok = duckdb_register_scalar_function_set(con, set) == DuckDBSuccess;
    duckdb_destroy_scalar_function_set(&set);
    if (!ok)
        return am_err_set(err, AM_SQLSTATE_INTERNAL,
                          "duckdb: cannot register function am_generate_series");
    return true;
}
