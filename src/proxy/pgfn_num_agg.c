/*
 * proxy/pgfn_num_agg.c: the numeric aggregates as DuckDB aggregate functions over numeric text.
 * Each group's state is PostgreSQL's NumericAggState (pgfn_num.h, proxy_num_agg_t): exact sums
 * with the largest input scale, so combining partial states in any order gives PostgreSQL's
 * answer. The state's digits are heap memory freed by the destructor.
 *
 * DuckDB signatures (NULL inputs are skipped; no input rows: NULL):
 *   am_num_sum(VARCHAR) -> VARCHAR          sum(numeric)
 *   am_num_avg(VARCHAR) -> VARCHAR          avg(numeric): sum / count with select_div_scale
 *   am_num_var_pop/var_samp/stddev_pop/stddev_samp(VARCHAR) -> VARCHAR   (numeric versions;
 *       any NaN or infinity gives NaN; var_samp/stddev_samp of one row: NULL)
 * Threads: states belong to DuckDB's threads; update, combine and finalize touch only the
 * states they are given.
 */
#include "proxy/pgfn_num_internal.h"

#include <stdlib.h>
#include <string.h>

typedef enum agg_kind {
    AGG_SUM,
    AGG_AVG,
    AGG_VAR_POP,
    AGG_VAR_SAMP,
    AGG_SD_POP,
    AGG_SD_SAMP
} agg_kind_t;

typedef struct agg_def {
    const char *name;
    agg_kind_t kind;
} agg_def_t;

static const agg_def_t agg_defs[] = {
    {"am_num_sum", AGG_SUM},           {"am_num_avg", AGG_AVG},
    {"am_num_var_pop", AGG_VAR_POP},   {"am_num_var_samp", AGG_VAR_SAMP},
    {"am_num_stddev_pop", AGG_SD_POP}, {"am_num_stddev_samp", AGG_SD_SAMP},
};

static agg_kind_t kind_of(duckdb_function_info info)
{
    return ((const agg_def_t *)duckdb_aggregate_function_get_extra_info(info))->kind;
}

static idx_t agg_size(duckdb_function_info info)
{
    (void)info;
    return sizeof(proxy_num_agg_t);
}

static void agg_init(duckdb_function_info info, duckdb_aggregate_state state)
{
    agg_kind_t k = kind_of(info);
    proxy__num_agg_init((proxy_num_agg_t *)state, k != AGG_SUM && k != AGG_AVG);
}

static void agg_destroy(duckdb_aggregate_state *states, idx_t count)
{
    for (idx_t i = 0; i < count; i++)
        proxy__num_agg_destroy((proxy_num_agg_t *)states[i]);
}

static void agg_update(duckdb_function_info info, duckdb_data_chunk input,
                       duckdb_aggregate_state *states)
{
    duckdb_vector v = duckdb_data_chunk_get_vector(input, 0);
    duckdb_string_t *data = duckdb_vector_get_data(v);
    uint64_t *valid = duckdb_vector_get_validity(v);
    idx_t rows = duckdb_data_chunk_get_size(input);
    am_arena_t *a = am_arena_new((size_t)16 * 1024);
    for (idx_t r = 0; r < rows; r++) {
        if (valid && !duckdb_validity_row_is_valid(valid, r))
            continue;
        am_arena_reset(a);
        am_err_t err = {0};
        proxy_num_t x;
        if (!proxy__num_in(a, duckdb_string_t_data(&data[r]), duckdb_string_t_length(data[r]), &x,
                           &err)) {
            proxy__numfn_agg_error(info, &err);
            break;
        }
        proxy__num_agg_add((proxy_num_agg_t *)states[r], a, &x);
    }
    am_arena_free(a);
}

static void agg_combine(duckdb_function_info info, duckdb_aggregate_state *source,
                        duckdb_aggregate_state *target, idx_t count)
{
    (void)info;
    am_arena_t *a = am_arena_new((size_t)16 * 1024);
    for (idx_t i = 0; i < count; i++) {
        am_arena_reset(a);
        proxy__num_agg_combine((proxy_num_agg_t *)target[i], a, (proxy_num_agg_t *)source[i]);
    }
    am_arena_free(a);
}

/* One group's result: false with an empty err means NULL. */
static bool agg_result(agg_kind_t k, const proxy_num_agg_t *st, am_arena_t *a, proxy_num_t *out,
                       am_err_t *err)
{
    switch (k) {
    case AGG_SUM:
        return proxy__num_agg_sum(st, a, out, err);
    case AGG_AVG:
        return proxy__num_agg_avg(st, a, out, err);
    case AGG_VAR_POP:
    case AGG_VAR_SAMP:
        return proxy__num_agg_var(st, a, true, k == AGG_VAR_SAMP, out, err);
    default:
        return proxy__num_agg_var(st, a, false, k == AGG_SD_SAMP, out, err);
    }
}

static void agg_finalize(duckdb_function_info info, duckdb_aggregate_state *source,
                         duckdb_vector result, idx_t count, idx_t offset)
{
    agg_kind_t k = kind_of(info);
    duckdb_vector_ensure_validity_writable(result);
    uint64_t *valid = duckdb_vector_get_validity(result);
    am_arena_t *a = am_arena_new((size_t)16 * 1024);
    for (idx_t i = 0; i < count; i++) {
        am_arena_reset(a);
        am_err_t err = {0};
        proxy_num_t out;
        if (agg_result(k, (proxy_num_agg_t *)source[i], a, &out, &err)) {
            const char *s = proxy__num_out(a, &out);
            duckdb_vector_assign_string_element_len(result, offset + i, s, strlen(s));
        } else if (err.sqlstate[0]) {
            proxy__numfn_agg_error(info, &err);
            break;
        } else {
            duckdb_validity_set_row_invalid(valid, offset + i);
        }
    }
    am_arena_free(a);
}

bool proxy__pgfn_num_agg_register(duckdb_connection con, am_err_t *err)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(agg_defs); i++) {
        duckdb_aggregate_function f = duckdb_create_aggregate_function();
        duckdb_aggregate_function_set_name(f, agg_defs[i].name);
        duckdb_logical_type t = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
        duckdb_aggregate_function_add_parameter(f, t);
        duckdb_aggregate_function_set_return_type(f, t);
        duckdb_destroy_logical_type(&t);
        duckdb_aggregate_function_set_functions(f, agg_size, agg_init, agg_update, agg_combine,
                                                agg_finalize);
        duckdb_aggregate_function_set_destructor(f, agg_destroy);
        duckdb_aggregate_function_set_extra_info(f, (void *)&agg_defs[i], NULL);
        bool ok = duckdb_register_aggregate_function(con, f) == DuckDBSuccess;
        duckdb_destroy_aggregate_function(&f);
        if (!ok)
            return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register aggregate %s",
                              agg_defs[i].name);
    }
    return true;
}
