/*
 * proxy/pgfn_more.c: the DuckDB glue and registration of the `more` family (proxy/pgfn_more.h):
 * one runner moves each row's arguments from DuckDB vectors into pgfn_more_arg_t, calls the
 * pure row function and writes its pgfn_more_res_t back; the float aggregates register
 * themselves (pgfn_more_agg.c).
 */
#include "proxy/pgfn_more.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- results ------------------------------------------------------------------------------ */

void pgfn_more_res_init(pgfn_more_res_t *r)
{
    memset(r, 0, sizeof *r);
    am_buf_init(&r->buf);
}

void pgfn_more_res_reset(pgfn_more_res_t *r)
{
    r->null = false;
    am_buf_reset(&r->buf);
    r->i = 0;
    r->d = 0;
    r->b = false;
    r->n_items = 0;
}

void pgfn_more_res_destroy(pgfn_more_res_t *r)
{
    am_buf_destroy(&r->buf);
    free(r->item_off);
    free(r->item_len);
    free(r->item_null);
    memset(r, 0, sizeof *r);
}

static void res_item(pgfn_more_res_t *r, const char *s, size_t len, bool null)
{
    if (r->n_items == r->cap_items) {
        r->cap_items = r->cap_items ? 2 * r->cap_items : 8;
        r->item_off = am_xrealloc(r->item_off, r->cap_items * sizeof *r->item_off);
        r->item_len = am_xrealloc(r->item_len, r->cap_items * sizeof *r->item_len);
        r->item_null = am_xrealloc(r->item_null, r->cap_items * sizeof *r->item_null);
    }
    r->item_off[r->n_items] = r->buf.len;
    r->item_len[r->n_items] = len;
    r->item_null[r->n_items] = null;
    r->n_items++;
    am_buf_append(&r->buf, s, len);
}

void pgfn_more_res_item(pgfn_more_res_t *r, const char *s, size_t len)
{
    res_item(r, s, len, false);
}

void pgfn_more_res_item_null(pgfn_more_res_t *r)
{
    res_item(r, "", 0, true);
}

/* ---- the runner --------------------------------------------------------------------------- */

typedef struct in_col {
    pgfn_more_type_t type;
    void *data;
    uint64_t *validity;
    duckdb_vector child; /* TEXTS: the list's child, flattened (owned) */
    duckdb_string_t *child_data;
    uint64_t *child_validity;
} in_col_t;

static void col_open(duckdb_vector v, pgfn_more_type_t type, in_col_t *c)
{
    memset(c, 0, sizeof *c);
    c->type = type;
    c->data = duckdb_vector_get_data(v);
    c->validity = duckdb_vector_get_validity(v);
    if (type == PGFN_MORE_TEXTS) {
        c->child = proxy__pgfn_flat_child(v);
        c->child_data = duckdb_vector_get_data(c->child);
        c->child_validity = duckdb_vector_get_validity(c->child);
    }
}

static void str_get(duckdb_string_t *s, const char **p, size_t *len)
{
    *len = duckdb_string_t_length(*s);
    *p = duckdb_string_t_data(s);
}

static void list_get(const in_col_t *c, idx_t row, am_arena_t *scratch, pgfn_more_arg_t *a)
{
    const duckdb_list_entry *e = (const duckdb_list_entry *)c->data + row;
    pgfn_more_item_t *items = am_arena_alloc(scratch, (e->length + 1) * sizeof *items);
    for (idx_t k = 0; k < e->length; k++) {
        idx_t ci = e->offset + k;
        items[k].null = c->child_validity && !duckdb_validity_row_is_valid(c->child_validity, ci);
        items[k].s = "";
        items[k].len = 0;
        if (!items[k].null)
            str_get(&c->child_data[ci], &items[k].s, &items[k].len);
    }
    a->items = items;
    a->n_items = e->length;
}

static void arg_get(const in_col_t *c, idx_t row, am_arena_t *scratch, pgfn_more_arg_t *a)
{
    memset(a, 0, sizeof *a);
    a->s = "";
    a->null = c->validity && !duckdb_validity_row_is_valid(c->validity, row);
    if (a->null)
        return;
    switch (c->type) {
    case PGFN_MORE_TEXT:
    case PGFN_MORE_BLOB:
        str_get((duckdb_string_t *)c->data + row, &a->s, &a->len);
        break;
    case PGFN_MORE_I64:
        a->i = ((const int64_t *)c->data)[row];
        break;
    case PGFN_MORE_I32:
        a->i = ((const int32_t *)c->data)[row];
        break;
    case PGFN_MORE_F8:
        a->d = ((const double *)c->data)[row];
        break;
    case PGFN_MORE_BOOL:
        a->b = ((const bool *)c->data)[row];
        break;
    case PGFN_MORE_TEXTS:
        list_get(c, row, scratch, a);
        break;
    default:
        AM_ASSERT(!"pgfn_more: unexpected argument type");
    }
}

static void out_null(duckdb_vector out, pgfn_more_type_t rt, idx_t row)
{
    duckdb_vector_ensure_validity_writable(out);
    duckdb_validity_set_row_invalid(duckdb_vector_get_validity(out), row);
    if (rt == PGFN_MORE_TEXTS) {
        duckdb_list_entry *e = (duckdb_list_entry *)duckdb_vector_get_data(out) + row;
        e->offset = duckdb_list_vector_get_size(out);
        e->length = 0;
    }
}

static void out_list(duckdb_vector out, idx_t row, const pgfn_more_res_t *r)
{
    idx_t base = duckdb_list_vector_get_size(out);
    (void)duckdb_list_vector_reserve(out, base + r->n_items);
    duckdb_vector child = duckdb_list_vector_get_child(out);
    for (idx_t k = 0; k < r->n_items; k++) {
        if (r->item_null[k]) {
            duckdb_vector_ensure_validity_writable(child);
            duckdb_validity_set_row_invalid(duckdb_vector_get_validity(child), base + k);
            continue;
        }
        duckdb_vector_assign_string_element_len(child, base + k, r->buf.data + r->item_off[k],
                                                r->item_len[k]);
    }
    (void)duckdb_list_vector_set_size(out, base + r->n_items);
    duckdb_list_entry *e = (duckdb_list_entry *)duckdb_vector_get_data(out) + row;
    e->offset = base;
    e->length = r->n_items;
}

static void out_put(duckdb_vector out, pgfn_more_type_t rt, idx_t row, const pgfn_more_res_t *r)
{
    void *d = duckdb_vector_get_data(out);
    if (r->null) {
        out_null(out, rt, row);
        return;
    }
    switch (rt) {
    case PGFN_MORE_TEXT:
    case PGFN_MORE_BLOB:
        duckdb_vector_assign_string_element_len(out, row, r->buf.data ? r->buf.data : "",
                                                r->buf.len);
        break;
    case PGFN_MORE_I64:
        ((int64_t *)d)[row] = r->i;
        break;
    case PGFN_MORE_I32:
        ((int32_t *)d)[row] = (int32_t)r->i;
        break;
    case PGFN_MORE_F8:
        ((double *)d)[row] = r->d;
        break;
    case PGFN_MORE_BOOL:
        ((bool *)d)[row] = r->b;
        break;
    case PGFN_MORE_TEXTS:
        out_list(out, row, r);
        break;
    default:
        AM_ASSERT(!"pgfn_more: unexpected result type");
    }
}

static void report(duckdb_function_info info, const am_err_t *err)
{
    char msg[600];
    (void)snprintf(msg, sizeof msg, "%s %s", err->sqlstate, err->msg);
    duckdb_scalar_function_set_error(info, msg);
}

/* One row: false after reporting an error. */
static bool run_row(duckdb_function_info info, const pgfn_more_def_t *def, const in_col_t *cols,
                    size_t n, idx_t row, duckdb_vector out, pgfn_more_res_t *res,
                    am_arena_t *scratch)
{
    pgfn_more_arg_t args[PGFN_MORE_MAX_ARGS];
    bool any_null = false;
    am_arena_reset(scratch);
    for (size_t k = 0; k < n; k++) {
        arg_get(&cols[k], row, scratch, &args[k]);
        any_null = any_null || args[k].null;
    }
    if (def->strict && any_null) {
        out_null(out, def->ret, row);
        return true;
    }
    pgfn_more_res_reset(res);
    am_err_t err = {0};
    if (!def->fn(args, n, res, scratch, &err)) {
        report(info, &err);
        return false;
    }
    out_put(out, def->ret, row, res);
    return true;
}

static void run(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector out)
{
    const pgfn_more_def_t *def = duckdb_scalar_function_get_extra_info(info);
    size_t n = (size_t)duckdb_data_chunk_get_column_count(input);
    in_col_t cols[PGFN_MORE_MAX_ARGS];
    for (size_t k = 0; k < n; k++)
        col_open(duckdb_data_chunk_get_vector(input, k), def->params[k], &cols[k]);
    am_arena_t *scratch = am_arena_new((size_t)16 * 1024);
    pgfn_more_res_t res;
    pgfn_more_res_init(&res);
    idx_t rows = duckdb_data_chunk_get_size(input);
    for (idx_t r = 0; r < rows; r++)
        if (!run_row(info, def, cols, n, r, out, &res, scratch))
            break;
    pgfn_more_res_destroy(&res);
    am_arena_free(scratch);
    for (size_t k = 0; k < n; k++)
        if (cols[k].child)
            duckdb_destroy_vector(&cols[k].child);
}

/* ---- registration ------------------------------------------------------------------------- */

static duckdb_logical_type type_of(duckdb_connection con, pgfn_more_type_t t)
{
    switch (t) {
    case PGFN_MORE_TEXT:
        return duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    case PGFN_MORE_BLOB:
        return duckdb_create_logical_type(DUCKDB_TYPE_BLOB);
    case PGFN_MORE_I64:
        return duckdb_create_logical_type(DUCKDB_TYPE_BIGINT);
    case PGFN_MORE_I32:
        return duckdb_create_logical_type(DUCKDB_TYPE_INTEGER);
    case PGFN_MORE_F8:
        return duckdb_create_logical_type(DUCKDB_TYPE_DOUBLE);
    case PGFN_MORE_BOOL:
        return duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN);
    default:
        return proxy__pgfn_type(con, "VARCHAR[]");
    }
}

/* One overload of def's name, added to set. */
static bool add_def(duckdb_connection con, duckdb_scalar_function_set set,
                    const pgfn_more_def_t *def, am_err_t *err)
{
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, def->name);
    for (size_t k = 0; k < PGFN_MORE_MAX_ARGS && def->params[k] != PGFN_MORE_END; k++) {
        duckdb_logical_type t = type_of(con, def->params[k]);
        duckdb_scalar_function_add_parameter(f, t);
        duckdb_destroy_logical_type(&t);
    }
    duckdb_logical_type rt = type_of(con, def->ret);
    duckdb_scalar_function_set_return_type(f, rt);
    duckdb_destroy_logical_type(&rt);
    duckdb_scalar_function_set_function(f, run);
    duckdb_scalar_function_set_extra_info(f, (void *)def, NULL);
    if (!def->strict)
        duckdb_scalar_function_set_special_handling(f);
    bool ok = duckdb_add_scalar_function_to_set(set, f) == DuckDBSuccess;
    duckdb_destroy_scalar_function(&f);
    return ok ||
           am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: duplicate overload of %s", def->name);
}

/* Overloads of one name are adjacent in a table and go to DuckDB as one function set. */
static bool add_table(duckdb_connection con, const pgfn_more_def_t *defs, size_t n, am_err_t *err)
{
    for (size_t i = 0; i < n;) {
        duckdb_scalar_function_set set = duckdb_create_scalar_function_set(defs[i].name);
        bool ok = true;
        size_t j = i;
        for (; ok && j < n && strcmp(defs[j].name, defs[i].name) == 0; j++)
            ok = add_def(con, set, &defs[j], err);
        if (ok && duckdb_register_scalar_function_set(con, set) != DuckDBSuccess)
            ok = am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register function %s",
                            defs[i].name);
        duckdb_destroy_scalar_function_set(&set);
        if (!ok)
            return false;
        i = j;
    }
    return true;
}

bool proxy__pgfn_more_register(duckdb_connection con, am_err_t *err)
{
    const struct {
        const pgfn_more_def_t *defs;
        size_t n;
    } files[] = {
        {proxy__pgfn_more_num_defs, proxy__pgfn_more_num_n},
        {proxy__pgfn_more_bin_defs, proxy__pgfn_more_bin_n},
        {proxy__pgfn_more_json_defs, proxy__pgfn_more_json_n},
        {proxy__pgfn_more_inet_defs, proxy__pgfn_more_inet_n},
    };
    for (size_t f = 0; f < AM_ARRAY_LEN(files); f++)
        if (!add_table(con, files[f].defs, files[f].n, err))
            return false;
    return proxy__pgfn_more_agg_register(con, err);
}
