/*
 * proxy/pgfn_text_reg.c: registers the `text` family (proxy/pgfn_text.h) in DuckDB. Each
 * family file lists its functions in a pgfn_text_fn_t table; one DuckDB callback serves them
 * all, finding its row function in the function's extra info.
 */
#include "proxy/pgfn_text_internal.h"

#include <string.h>

static void text_fn_call(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector out)
{
    const pgfn_text_fn_t *f = duckdb_scalar_function_get_extra_info(info);
    proxy__pgfn_text_run(info, input, out, f->fn, f->strict);
}

static bool add_type(duckdb_connection con, const pgfn_text_fn_t *f, const char *sql,
                     duckdb_logical_type *t, am_err_t *err)
{
    *t = proxy__pgfn_type(con, sql);
    if (!*t)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "function %s: bad type %s", f->name, sql);
    return true;
}

/* One overload of f's name, added to set. */
static bool add_one(duckdb_connection con, duckdb_scalar_function_set set, const pgfn_text_fn_t *f,
                    am_err_t *err)
{
    duckdb_scalar_function sf = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(sf, f->name);
    duckdb_logical_type t = NULL;
    bool ok = true;
    for (size_t i = 0; ok && i < PGFN_TEXT_MAX_ARGS && f->params[i]; i++) {
        ok = add_type(con, f, f->params[i], &t, err);
        if (ok)
            duckdb_scalar_function_add_parameter(sf, t);
        duckdb_destroy_logical_type(&t);
    }
    if (ok && f->varargs) {
        ok = add_type(con, f, f->varargs, &t, err);
        if (ok)
            duckdb_scalar_function_set_varargs(sf, t);
        duckdb_destroy_logical_type(&t);
    }
    if (ok && (ok = add_type(con, f, f->ret, &t, err)))
        duckdb_scalar_function_set_return_type(sf, t);
    duckdb_destroy_logical_type(&t);
    if (ok) {
        duckdb_scalar_function_set_function(sf, text_fn_call);
        duckdb_scalar_function_set_extra_info(sf, (void *)f, NULL);
        if (!f->strict)
            duckdb_scalar_function_set_special_handling(sf);
        ok = duckdb_add_scalar_function_to_set(set, sf) == DuckDBSuccess;
        if (!ok)
            am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: duplicate overload of %s", f->name);
    }
    duckdb_destroy_scalar_function(&sf);
    return ok;
}

/* Registers every function of the table; overloads of one name are adjacent and go to DuckDB
 * as one function set. */
static bool add_table(duckdb_connection con, const pgfn_text_fn_t *fns, size_t n, am_err_t *err)
{
    for (size_t i = 0; i < n;) {
        duckdb_scalar_function_set set = duckdb_create_scalar_function_set(fns[i].name);
        bool ok = true;
        size_t j = i;
        for (; ok && j < n && strcmp(fns[j].name, fns[i].name) == 0; j++)
            ok = add_one(con, set, &fns[j], err);
        if (ok && duckdb_register_scalar_function_set(con, set) != DuckDBSuccess)
            ok = am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register function %s",
                            fns[i].name);
        duckdb_destroy_scalar_function_set(&set);
        if (!ok)
            return false;
        i = j;
    }
    return true;
}

bool proxy__pgfn_text_register(duckdb_connection con, am_err_t *err)
{
    return add_table(con, proxy__pgfn_text_str_fns, proxy__pgfn_text_str_n, err) &&
           add_table(con, proxy__pgfn_text_fmt_fns, proxy__pgfn_text_fmt_n, err) &&
           add_table(con, proxy__pgfn_text_bin_fns, proxy__pgfn_text_bin_n, err) &&
           add_table(con, proxy__pgfn_text_array_fns, proxy__pgfn_text_array_n, err) &&
           add_table(con, proxy__pgfn_text_like_fns, proxy__pgfn_text_like_n, err) &&
           add_table(con, proxy__pgfn_regex_fns, proxy__pgfn_regex_n, err) &&
           add_table(con, proxy__pgfn_regex_similar_fns, proxy__pgfn_regex_similar_n, err);
}
