/*
 * proxy/pgfn_json.c: the json family's DuckDB glue (pgfn_json_glue.h) and its registration.
 * Reads each row's arguments (VARCHAR, integers, BOOLEAN, LIST(VARCHAR)), runs the row
 * function, writes VARCHAR / BOOLEAN / integer / float / LIST(VARCHAR) /
 * LIST(STRUCT(key VARCHAR, value VARCHAR)) results. Knows no JSON.
 */
#include "proxy/pgfn_json_glue.h"

#include <stdlib.h>
#include <string.h>

/* One input column of the current chunk. */
typedef struct jcol {
    duckdb_type type;
    void *data;
    uint64_t *validity;
    duckdb_string_t *child; /* LIST(VARCHAR) */
    uint64_t *child_validity;
    duckdb_vector flat_child; /* a flat copy of the child, destroyed with the chunk */
} jcol_t;

/* The output vector and, for lists, how many child rows are used. */
typedef struct jout {
    duckdb_vector vec;
    duckdb_type type;
    bool pairs; /* LIST(STRUCT(...)) */
    idx_t list_size;
} jout_t;

static duckdb_type vector_type(duckdb_vector v, bool *list_of_struct)
{
    duckdb_logical_type t = duckdb_vector_get_column_type(v);
    duckdb_type id = duckdb_get_type_id(t);
    if (list_of_struct) {
        *list_of_struct = false;
        if (id == DUCKDB_TYPE_LIST) {
            duckdb_logical_type c = duckdb_list_type_child_type(t);
            *list_of_struct = duckdb_get_type_id(c) == DUCKDB_TYPE_STRUCT;
            duckdb_destroy_logical_type(&c);
        }
    }
    duckdb_destroy_logical_type(&t);
    return id;
}

/* DuckDB flattens a function's argument vectors but not a list's child, which may be a
 * constant or dictionary vector (a cast of [NULL, NULL] is): read a flat copy of it. */
static duckdb_vector flat_copy(duckdb_vector child, idx_t n)
{
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

static void col_init(jcol_t *c, duckdb_vector v)
{
    c->type = vector_type(v, NULL);
    c->data = duckdb_vector_get_data(v);
    c->validity = duckdb_vector_get_validity(v);
    c->child = NULL;
    c->child_validity = NULL;
    c->flat_child = NULL;
    if (c->type == DUCKDB_TYPE_LIST) {
        c->flat_child = flat_copy(duckdb_list_vector_get_child(v), duckdb_list_vector_get_size(v));
        c->child = duckdb_vector_get_data(c->flat_child);
        c->child_validity = duckdb_vector_get_validity(c->flat_child);
    }
}

static proxy_json_str_t str_of(duckdb_string_t *s)
{
    proxy_json_str_t r = {duckdb_string_t_data(s), duckdb_string_t_length(*s)};
    return r;
}

static void read_list(const jcol_t *c, idx_t row, jarg_t *a, am_arena_t *arena)
{
    duckdb_list_entry e = ((duckdb_list_entry *)c->data)[row];
    a->n = (size_t)e.length;
    a->list = am_arena_alloc(arena, (a->n ? a->n : 1) * sizeof *a->list);
    for (size_t k = 0; k < a->n; k++) {
        idx_t j = e.offset + k;
        if (c->child_validity && !duckdb_validity_row_is_valid(c->child_validity, j))
            a->list[k] = (proxy_json_str_t){NULL, 0};
        else
            a->list[k] = str_of(&c->child[j]);
    }
}

/* Reads row of every column into args; true if any is NULL. */
static bool read_row(const jcol_t *cols, size_t n, idx_t row, jarg_t *args, am_arena_t *arena)
{
    bool any_null = false;
    for (size_t i = 0; i < n; i++) {
        const jcol_t *c = &cols[i];
        jarg_t *a = &args[i];
        memset(a, 0, sizeof *a);
        a->null = c->validity && !duckdb_validity_row_is_valid(c->validity, row);
        a->is_list = c->type == DUCKDB_TYPE_LIST;
        any_null |= a->null;
        if (a->null)
            continue;
        switch (c->type) {
        case DUCKDB_TYPE_VARCHAR:
            a->s = str_of(&((duckdb_string_t *)c->data)[row]);
            break;
        case DUCKDB_TYPE_BOOLEAN:
            a->b = ((bool *)c->data)[row];
            break;
        case DUCKDB_TYPE_SMALLINT:
            a->i = ((int16_t *)c->data)[row];
            break;
        case DUCKDB_TYPE_INTEGER:
            a->i = ((int32_t *)c->data)[row];
            break;
        case DUCKDB_TYPE_BIGINT:
            a->i = ((int64_t *)c->data)[row];
            break;
        case DUCKDB_TYPE_LIST:
            read_list(c, row, a, arena);
            break;
        default:
            AM_ASSERT(!"unexpected argument type");
        }
    }
    return any_null;
}

void proxy__jfn_push(jcall_t *c, const char *s, size_t len)
{
    jelem_t e = {.off = c->text.len, .len = len, .null = s == NULL};
    if (s)
        am_buf_append(&c->text, s, len);
    am_buf_append(&c->elems, &e, sizeof e);
}

void proxy__jfn_push_out(jcall_t *c)
{
    proxy__jfn_push(c, c->out.data ? c->out.data : "", c->out.len);
    am_buf_reset(&c->out);
}

proxy_json_t *proxy__jfn_json(jcall_t *c, size_t i, unsigned flags)
{
    return proxy__json_parse(c->args[i].s.p, c->args[i].s.len, flags, c->arena, &c->err);
}

static void set_string(duckdb_vector v, idx_t row, const jelem_t *e, const am_buf_t *text)
{
    if (e->null) {
        duckdb_vector_ensure_validity_writable(v);
        duckdb_validity_set_row_invalid(duckdb_vector_get_validity(v), row);
    } else {
        duckdb_vector_assign_string_element_len(v, row, text->data ? text->data + e->off : "",
                                                e->len);
    }
}

static void write_list(jout_t *o, idx_t row, const jcall_t *c)
{
    const jelem_t *el = (const jelem_t *)c->elems.data;
    size_t n_el = c->elems.len / sizeof(jelem_t), n = o->pairs ? n_el / 2 : n_el;
    if (duckdb_list_vector_reserve(o->vec, o->list_size + n) != DuckDBSuccess)
        AM_ASSERT(!"duckdb: cannot grow a list");
    duckdb_vector child = duckdb_list_vector_get_child(o->vec);
    for (size_t k = 0; k < n; k++) {
        idx_t at = o->list_size + k;
        if (!o->pairs) {
            set_string(child, at, &el[k], &c->text);
            continue;
        }
        set_string(duckdb_struct_vector_get_child(child, 0), at, &el[2 * k], &c->text);
        set_string(duckdb_struct_vector_get_child(child, 1), at, &el[2 * k + 1], &c->text);
    }
    duckdb_list_entry *entries = duckdb_vector_get_data(o->vec);
    entries[row].offset = o->list_size;
    entries[row].length = n;
    o->list_size += n;
    if (duckdb_list_vector_set_size(o->vec, o->list_size) != DuckDBSuccess)
        AM_ASSERT(!"duckdb: cannot size a list");
}

static void write_result(jout_t *o, idx_t row, const jcall_t *c)
{
    if (c->null) {
        duckdb_vector_ensure_validity_writable(o->vec);
        duckdb_validity_set_row_invalid(duckdb_vector_get_validity(o->vec), row);
        if (o->type == DUCKDB_TYPE_LIST)
            ((duckdb_list_entry *)duckdb_vector_get_data(o->vec))[row] =
                (duckdb_list_entry){o->list_size, 0};
        return;
    }
    void *d = duckdb_vector_get_data(o->vec);
    switch (o->type) {
    case DUCKDB_TYPE_VARCHAR:
        duckdb_vector_assign_string_element_len(o->vec, row, c->out.data ? c->out.data : "",
                                                c->out.len);
        break;
    case DUCKDB_TYPE_BOOLEAN:
        ((bool *)d)[row] = c->b;
        break;
    case DUCKDB_TYPE_SMALLINT:
        ((int16_t *)d)[row] = (int16_t)c->i;
        break;
    case DUCKDB_TYPE_INTEGER:
        ((int32_t *)d)[row] = (int32_t)c->i;
        break;
    case DUCKDB_TYPE_BIGINT:
        ((int64_t *)d)[row] = c->i;
        break;
    case DUCKDB_TYPE_FLOAT:
        ((float *)d)[row] = (float)c->d;
        break;
    case DUCKDB_TYPE_DOUBLE:
        ((double *)d)[row] = c->d;
        break;
    default:
        write_list(o, row, c);
    }
}

/* "<SQLSTATE> <message>[\nDETAIL: <detail>][\nHINT: <hint>]" */
static void report(duckdb_function_info info, const proxy_json_err_t *e)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, "%s %s", e->sqlstate, e->msg ? e->msg : "");
    if (e->detail)
        am_buf_printf(&b, "\nDETAIL: %s", e->detail);
    if (e->hint)
        am_buf_printf(&b, "\nHINT: %s", e->hint);
    duckdb_scalar_function_set_error(info, b.data);
    am_buf_destroy(&b);
}

static void jcall_reset(jcall_t *c)
{
    am_arena_reset(c->arena);
    c->null = false;
    am_buf_reset(&c->out);
    am_buf_reset(&c->text);
    am_buf_reset(&c->elems);
    memset(&c->err, 0, sizeof c->err);
}

void proxy__jfn_run(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output,
                    jrow_fn fn, unsigned flags)
{
    size_t n_cols = (size_t)duckdb_data_chunk_get_column_count(input);
    idx_t n_rows = duckdb_data_chunk_get_size(input);
    jcol_t *cols = am_xcalloc(n_cols ? n_cols : 1, sizeof *cols);
    jarg_t *args = am_xcalloc(n_cols ? n_cols : 1, sizeof *args);
    for (size_t i = 0; i < n_cols; i++)
        col_init(&cols[i], duckdb_data_chunk_get_vector(input, i));
    jout_t o = {.vec = output, .list_size = 0};
    o.type = vector_type(output, &o.pairs);
    jcall_t c = {.n_args = n_cols, .args = args, .arena = am_arena_new(0)};
    am_buf_init(&c.out);
    am_buf_init(&c.text);
    am_buf_init(&c.elems);
    for (idx_t row = 0; row < n_rows; row++) {
        jcall_reset(&c);
        bool any_null = read_row(cols, n_cols, row, args, c.arena);
        if (any_null && !(flags & JFN_NULLS)) {
            c.null = true;
        } else if (!fn(&c)) {
            report(info, &c.err);
            break;
        }
        write_result(&o, row, &c);
    }
    am_buf_destroy(&c.out);
    am_buf_destroy(&c.text);
    am_buf_destroy(&c.elems);
    am_arena_free(c.arena);
    for (size_t i = 0; i < n_cols; i++)
        if (cols[i].flat_child)
            duckdb_destroy_vector(&cols[i].flat_child);
    free(args);
    free(cols);
}

static bool add_type(duckdb_connection con, const char *sql, duckdb_scalar_function f, int what)
{
    duckdb_logical_type t = proxy__pgfn_type(con, sql);
    if (!t)
        return false;
    if (what == 0)
        duckdb_scalar_function_add_parameter(f, t);
    else if (what == 1)
        duckdb_scalar_function_set_varargs(f, t);
    else
        duckdb_scalar_function_set_return_type(f, t);
    duckdb_destroy_logical_type(&t);
    return true;
}

static duckdb_scalar_function make_fn(duckdb_connection con, const jfn_def_t *d)
{
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, d->name);
    bool ok = add_type(con, d->ret, f, 2);
    for (size_t i = 0; ok && i < AM_ARRAY_LEN(d->params) && d->params[i]; i++)
        ok = add_type(con, d->params[i], f, 0);
    if (ok && d->varargs)
        ok = add_type(con, d->varargs, f, 1);
    duckdb_scalar_function_set_function(f, d->fn);
    if (d->flags & PROXY_PGFN_NULLS)
        duckdb_scalar_function_set_special_handling(f);
    if (!ok)
        duckdb_destroy_scalar_function(&f);
    return f;
}

/* The overloads of one name (defs[0..n)) as one DuckDB function set. */
static bool add_set(duckdb_connection con, const jfn_def_t *defs, size_t n)
{
    duckdb_scalar_function_set set = duckdb_create_scalar_function_set(defs[0].name);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        duckdb_scalar_function f = make_fn(con, &defs[i]);
        ok = f && duckdb_add_scalar_function_to_set(set, f) == DuckDBSuccess;
        duckdb_destroy_scalar_function(&f);
    }
    ok = ok && duckdb_register_scalar_function_set(con, set) == DuckDBSuccess;
    duckdb_destroy_scalar_function_set(&set);
    return ok;
}

bool proxy__jfn_add_all(duckdb_connection con, const jfn_def_t *defs, size_t n, am_err_t *err)
{
    for (size_t i = 0; i < n;) {
        size_t k = i + 1;
        while (k < n && strcmp(defs[k].name, defs[i].name) == 0)
            k++;
        if (!add_set(con, defs + i, k - i))
            return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register function %s",
                              defs[i].name);
        i = k;
    }
    return true;
}

bool proxy__pgfn_json_register(duckdb_connection con, am_err_t *err)
{
    return proxy__pgfn_json_get_register(con, err) && proxy__pgfn_json_ops_register(con, err) &&
           proxy__pgfn_json_funcs_register(con, err) && proxy__pgfn_json_build_register(con, err);
}
