/*
 * proxy/pgfn.c: registration of the am_* functions (proxy/pgfn_internal.h): the shared
 * plumbing, and the list of families. Each family lives in its own pgfn_<family>.c.
 */
#include "proxy/pgfn_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A primitive type's DuckDB name, or a list of one ("VARCHAR[]", "BIGINT[][]"), built directly:
 * five hundred functions name such return types, and binding each through a prepared statement
 * was most of a proxy's start-up. NULL for anything else. */
static duckdb_logical_type simple_type(const char *sql)
{
    static const struct {
        const char *name;
        duckdb_type type;
    } prims[] = {{"VARCHAR", DUCKDB_TYPE_VARCHAR}, {"BIGINT", DUCKDB_TYPE_BIGINT},
                 {"INTEGER", DUCKDB_TYPE_INTEGER}, {"SMALLINT", DUCKDB_TYPE_SMALLINT},
                 {"BOOLEAN", DUCKDB_TYPE_BOOLEAN}, {"BLOB", DUCKDB_TYPE_BLOB},
                 {"FLOAT", DUCKDB_TYPE_FLOAT},     {"DOUBLE", DUCKDB_TYPE_DOUBLE}};
    size_t len = strlen(sql), lists = 0;
    while (len >= 2 && sql[len - 2] == '[' && sql[len - 1] == ']') {
        len -= 2;
        lists++;
    }
    for (size_t i = 0; i < AM_ARRAY_LEN(prims); i++) {
        if (strlen(prims[i].name) != len || strncmp(prims[i].name, sql, len) != 0)
            continue;
        duckdb_logical_type t = duckdb_create_logical_type(prims[i].type);
        for (size_t k = 0; k < lists; k++) {
            duckdb_logical_type l = duckdb_create_list_type(t);
            duckdb_destroy_logical_type(&t);
            t = l;
        }
        return t;
    }
    return NULL;
}

duckdb_logical_type proxy__pgfn_type(duckdb_connection con, const char *sql)
{
    duckdb_logical_type t = simple_type(sql);
    if (t)
        return t;
    /* DuckDB's C API builds nested and decimal types piecewise; asking DuckDB to bind a NULL
     * of the type gives exactly what its SQL spelling means. */
    char *q = am_xasprintf("SELECT CAST(NULL AS %s)", sql);
    duckdb_prepared_statement ps = NULL;
    if (duckdb_prepare(con, q, &ps) == DuckDBSuccess)
        t = duckdb_prepared_statement_column_logical_type(ps, 0);
    duckdb_destroy_prepare(&ps);
    free(q);
    return t;
}

bool proxy__pgfn_add(duckdb_connection con, const proxy_pgfn_def_t *def, am_err_t *err)
{
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, def->name);
    for (size_t i = 0; i < AM_ARRAY_LEN(def->params) && def->params[i] != DUCKDB_TYPE_INVALID;
         i++) {
        duckdb_logical_type t = duckdb_create_logical_type(def->params[i]);
        duckdb_scalar_function_add_parameter(f, t);
        duckdb_destroy_logical_type(&t);
    }
    if (def->varargs != DUCKDB_TYPE_INVALID) {
        duckdb_logical_type t = duckdb_create_logical_type(def->varargs);
        duckdb_scalar_function_set_varargs(f, t);
        duckdb_destroy_logical_type(&t);
    }
    duckdb_logical_type rt =
        def->ret_sql ? proxy__pgfn_type(con, def->ret_sql) : duckdb_create_logical_type(def->ret);
    if (!rt) {
        duckdb_destroy_scalar_function(&f);
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "function %s: bad return type %s", def->name,
                          def->ret_sql);
    }
    duckdb_scalar_function_set_return_type(f, rt);
    duckdb_destroy_logical_type(&rt);
    duckdb_scalar_function_set_function(f, def->fn);
    if (def->flags & PROXY_PGFN_NULLS)
        duckdb_scalar_function_set_special_handling(f);
    if (def->flags & PROXY_PGFN_VOLATILE)
        duckdb_scalar_function_set_volatile(f);
    bool ok = duckdb_register_scalar_function(con, f) == DuckDBSuccess;
    duckdb_destroy_scalar_function(&f);
    if (!ok)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register function %s",
                          def->name);
    return true;
}

void proxy__pgfn_error(duckdb_function_info info, const char *sqlstate, const char *fmt, ...)
{
    char msg[600];
    int n = snprintf(msg, sizeof msg, "%s ", sqlstate);
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    duckdb_scalar_function_set_error(info, msg);
}

duckdb_vector proxy__pgfn_flat_child(duckdb_vector list)
{
    duckdb_vector child = duckdb_list_vector_get_child(list);
    idx_t n = duckdb_list_vector_get_size(list);
    duckdb_logical_type t = duckdb_vector_get_column_type(child);
    duckdb_vector flat = duckdb_create_vector(t, n ? n : 1);
    duckdb_destroy_logical_type(&t);
    duckdb_selection_vector sel = duckdb_create_selection_vector(n ? n : 1);
    sel_t *ix = duckdb_selection_vector_get_data_ptr(sel);
    for (idx_t i = 0; i < n; i++)
        ix[i] = (sel_t)i;
    duckdb_vector_copy_sel(child, flat, sel, n, 0, 0);
    duckdb_destroy_selection_vector(sel);
    return flat;
}

typedef bool (*family_fn)(duckdb_connection con, am_err_t *err);

/* Families are declared here rather than in the header: only this list calls them. */
static const family_fn families[] = {
    proxy__pgfn_time_register,
    proxy__pgfn_num_register,
    proxy__pgfn_json_register,
    proxy__pgfn_misc_register,
    proxy__pgfn_text_register,
    proxy__pgfn_more_register,
    NULL, /* each family adds its registration function above this line */
};

bool proxy__pgfn_register(duckdb_connection con, am_err_t *err)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(families); i++)
        if (families[i] && !families[i](con, err))
            return false;
    return true;
}
