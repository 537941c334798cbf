/*
 * proxy/pgfn_text.c: the DuckDB glue of the `text` family (proxy/pgfn_text.h): one runner
 * moves each row's arguments from DuckDB vectors into pgfn_text_arg_t, calls the family's
 * pure row function, and writes its pgfn_text_res_t back (VARCHAR, BLOB, BOOLEAN, integers,
 * VARCHAR[] and VARCHAR[][]). Also the result helpers and UTF-8 helpers the family shares.
 * Registration of the family's functions lives in pgfn_text_reg.c.
 */
#include "proxy/pgfn_text.h"
#include "proxy/pgfn_text_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- results ------------------------------------------------------------------------------ */

void pgfn_text_res_init(pgfn_text_res_t *r)
{
    memset(r, 0, sizeof *r);
    am_buf_init(&r->buf);
}

void pgfn_text_res_reset(pgfn_text_res_t *r)
{
    r->null = false;
    am_buf_reset(&r->buf);
    r->i = 0;
    r->b = false;
    r->n_items = 0;
    r->n_groups = 0;
}

void pgfn_text_res_destroy(pgfn_text_res_t *r)
{
    am_buf_destroy(&r->buf);
    free(r->item_off);
    free(r->item_len);
    free(r->item_null);
    free(r->group_end);
    memset(r, 0, sizeof *r);
}

static void res_grow_items(pgfn_text_res_t *r)
{
    if (r->n_items < r->cap_items)
        return;
    r->cap_items = r->cap_items ? 2 * r->cap_items : 8;
    r->item_off = am_xrealloc(r->item_off, r->cap_items * sizeof *r->item_off);
    r->item_len = am_xrealloc(r->item_len, r->cap_items * sizeof *r->item_len);
    r->item_null = am_xrealloc(r->item_null, r->cap_items * sizeof *r->item_null);
}

void pgfn_text_res_item(pgfn_text_res_t *r, const char *s, size_t len)
{
    res_grow_items(r);
    r->item_off[r->n_items] = r->buf.len;
    r->item_len[r->n_items] = len;
    r->item_null[r->n_items] = false;
    r->n_items++;
    am_buf_append(&r->buf, s, len);
}

void pgfn_text_res_item_null(pgfn_text_res_t *r)
{
    res_grow_items(r);
    r->item_off[r->n_items] = r->buf.len;
    r->item_len[r->n_items] = 0;
    r->item_null[r->n_items] = true;
    r->n_items++;
}

void pgfn_text_res_group_end(pgfn_text_res_t *r)
{
    if (r->n_groups == r->cap_groups) {
        r->cap_groups = r->cap_groups ? 2 * r->cap_groups : 8;
        r->group_end = am_xrealloc(r->group_end, r->cap_groups * sizeof *r->group_end);
    }
    r->group_end[r->n_groups++] = r->n_items;
}

/* ---- UTF-8 -------------------------------------------------------------------------------- */

size_t pgfn_text_u8len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        return 2;
    if ((c & 0xf0) == 0xe0)
        return 3;
    if ((c & 0xf8) == 0xf0)
        return 4;
    return 1;
}

size_t pgfn_text_nchars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

size_t pgfn_text_char_off(const char *s, size_t len, size_t n)
{
    size_t off = 0;
    while (n > 0 && off < len) {
        off += pgfn_text_u8len((unsigned char)s[off]);
        n--;
    }
    return off < len ? off : len;
}

uint32_t pgfn_text_decode(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = pgfn_text_u8len(u[0]);
    if (n > len || n == 1)
        return u[0];
    uint32_t cp = u[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (u[i] & 0x3f);
    return cp;
}

void pgfn_text_put_cp(am_buf_t *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xc0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xe0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        t[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        t[0] = (char)(0xf0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        t[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    am_buf_append(b, t, n);
}

/* ---- the runner --------------------------------------------------------------------------- */

typedef struct in_col {
    duckdb_type type;
    void *data;
    uint64_t *validity;
    /* VARCHAR[] */
    duckdb_string_t *child_data;
    uint64_t *child_validity;
    duckdb_vector flat_child; /* owned: the list's child, flattened */
} in_col_t;

static void col_open(duckdb_vector v, in_col_t *c)
{
    duckdb_logical_type t = duckdb_vector_get_column_type(v);
    c->type = duckdb_get_type_id(t);
    duckdb_destroy_logical_type(&t);
    c->data = duckdb_vector_get_data(v);
    c->validity = duckdb_vector_get_validity(v);
    c->child_data = NULL;
    c->child_validity = NULL;
    c->flat_child = NULL;
    if (c->type == DUCKDB_TYPE_LIST) {
        c->flat_child = proxy__pgfn_flat_child(v);
        c->child_data = duckdb_vector_get_data(c->flat_child);
        c->child_validity = duckdb_vector_get_validity(c->flat_child);
    }
}

static void str_get(duckdb_string_t *s, const char **p, size_t *len)
{
    *len = duckdb_string_t_length(*s);
    *p = duckdb_string_t_data(s);
}

/* Items of row's list; scratch grows as needed and is reused across rows. */
static void list_get(const in_col_t *c, idx_t row, pgfn_text_item_t **scratch, size_t *cap,
                     pgfn_text_arg_t *a)
{
    const duckdb_list_entry *e = (const duckdb_list_entry *)c->data + row;
    if (e->length > *cap) {
        *cap = e->length;
        *scratch = am_xrealloc(*scratch, *cap * sizeof **scratch);
    }
    for (idx_t k = 0; k < e->length; k++) {
        idx_t ci = e->offset + k;
        pgfn_text_item_t *it = &(*scratch)[k];
        it->null = c->child_validity && !duckdb_validity_row_is_valid(c->child_validity, ci);
        it->s = "";
        it->len = 0;
        if (!it->null)
            str_get(&c->child_data[ci], &it->s, &it->len);
    }
    a->items = *scratch;
    a->n_items = e->length;
}

/* Per-column list items, reused across rows. */
typedef struct scratch {
    pgfn_text_item_t **items;
    size_t *cap;
} scratch_t;

static void arg_get(const in_col_t *c, idx_t row, scratch_t *sc, size_t k, pgfn_text_arg_t *a)
{
    memset(a, 0, sizeof *a);
    a->s = "";
    a->null = c->validity && !duckdb_validity_row_is_valid(c->validity, row);
    if (a->null)
        return;
    switch (c->type) {
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB:
        str_get((duckdb_string_t *)c->data + row, &a->s, &a->len);
        break;
    case DUCKDB_TYPE_BIGINT:
        a->i = ((const int64_t *)c->data)[row];
        a->int_bits = 64;
        break;
    case DUCKDB_TYPE_INTEGER:
        a->i = ((const int32_t *)c->data)[row];
        a->int_bits = 32;
        break;
    case DUCKDB_TYPE_SMALLINT:
        a->i = ((const int16_t *)c->data)[row];
        a->int_bits = 16;
        break;
    case DUCKDB_TYPE_BOOLEAN:
        a->b = ((const bool *)c->data)[row];
        break;
    case DUCKDB_TYPE_LIST:
        list_get(c, row, &sc->items[k], &sc->cap[k], a);
        break;
    default:
        AM_ASSERT(!"pgfn_text: unexpected argument type");
    }
}

static void out_list(duckdb_vector out, idx_t row, const pgfn_text_res_t *r, size_t from, size_t to)
{
    idx_t base = duckdb_list_vector_get_size(out);
    idx_t n = to - from;
    (void)duckdb_list_vector_reserve(out, base + n);
    duckdb_vector child = duckdb_list_vector_get_child(out);
    for (idx_t k = 0; k < n; k++) {
        size_t it = from + k;
        if (r->item_null[it]) {
            duckdb_vector_ensure_validity_writable(child);
            duckdb_validity_set_row_invalid(duckdb_vector_get_validity(child), base + k);
            continue;
        }
        duckdb_vector_assign_string_element_len(child, base + k, r->buf.data + r->item_off[it],
                                                r->item_len[it]);
    }
    (void)duckdb_list_vector_set_size(out, base + n);
    duckdb_list_entry *e = (duckdb_list_entry *)duckdb_vector_get_data(out) + row;
    e->offset = base;
    e->length = n;
}

static void out_list2(duckdb_vector out, idx_t row, const pgfn_text_res_t *r)
{
    idx_t base = duckdb_list_vector_get_size(out);
    (void)duckdb_list_vector_reserve(out, base + r->n_groups);
    (void)duckdb_list_vector_set_size(out, base + r->n_groups);
    duckdb_vector child = duckdb_list_vector_get_child(out);
    size_t from = 0;
    for (size_t g = 0; g < r->n_groups; g++) {
        out_list(child, base + g, r, from, r->group_end[g]);
        from = r->group_end[g];
    }
    duckdb_list_entry *e = (duckdb_list_entry *)duckdb_vector_get_data(out) + row;
    e->offset = base;
    e->length = r->n_groups;
}

static void out_set_null(duckdb_vector out, idx_t row)
{
    duckdb_vector_ensure_validity_writable(out);
    duckdb_validity_set_row_invalid(duckdb_vector_get_validity(out), row);
}

static void out_put(duckdb_vector out, duckdb_type rt, bool nested, idx_t row,
                    const pgfn_text_res_t *r)
{
    if (r->null) {
        out_set_null(out, row);
        if (rt == DUCKDB_TYPE_LIST) {
            duckdb_list_entry *e = (duckdb_list_entry *)duckdb_vector_get_data(out) + row;
            e->offset = duckdb_list_vector_get_size(out);
            e->length = 0;
        }
        return;
    }
    void *d = duckdb_vector_get_data(out);
    switch (rt) {
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB:
        duckdb_vector_assign_string_element_len(out, row, r->buf.data, r->buf.len);
        break;
    case DUCKDB_TYPE_BOOLEAN:
        ((bool *)d)[row] = r->b;
        break;
    case DUCKDB_TYPE_BIGINT:
        ((int64_t *)d)[row] = r->i;
        break;
    case DUCKDB_TYPE_INTEGER:
        ((int32_t *)d)[row] = (int32_t)r->i;
        break;
    case DUCKDB_TYPE_LIST:
        if (nested)
            out_list2(out, row, r);
        else
            out_list(out, row, r, 0, r->n_items);
        break;
    default:
        AM_ASSERT(!"pgfn_text: unexpected result type");
    }
}

static duckdb_type out_type(duckdb_vector out, bool *nested)
{
    duckdb_logical_type t = duckdb_vector_get_column_type(out);
    duckdb_type id = duckdb_get_type_id(t);
    *nested = false;
    if (id == DUCKDB_TYPE_LIST) {
        duckdb_logical_type ct = duckdb_list_type_child_type(t);
        *nested = duckdb_get_type_id(ct) == DUCKDB_TYPE_LIST;
        duckdb_destroy_logical_type(&ct);
    }
    duckdb_destroy_logical_type(&t);
    return id;
}

static bool any_null(const pgfn_text_arg_t *args, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (args[k].null)
            return true;
    return false;
}

static void scratch_free(scratch_t *sc, size_t n_cols)
{
    for (size_t k = 0; k < n_cols; k++)
        free(sc->items[k]);
    free(sc->items);
    free(sc->cap);
}

void proxy__pgfn_text_run(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector out,
                          pgfn_text_row_fn fn, bool strict)
{
    /* varargs (format) may bring any number of columns */
    size_t n_cols = duckdb_data_chunk_get_column_count(input);
    idx_t n_rows = duckdb_data_chunk_get_size(input);
    in_col_t *cols = am_xcalloc(n_cols + 1, sizeof *cols);
    for (size_t k = 0; k < n_cols; k++)
        col_open(duckdb_data_chunk_get_vector(input, k), &cols[k]);
    bool nested;
    duckdb_type rt = out_type(out, &nested);
    scratch_t sc = {am_xcalloc(n_cols + 1, sizeof(pgfn_text_item_t *)),
                    am_xcalloc(n_cols + 1, sizeof(size_t))};
    pgfn_text_arg_t *args = am_xcalloc(n_cols + 1, sizeof *args);
    pgfn_text_res_t res;
    pgfn_text_res_init(&res);
    am_err_t err = {0};
    for (idx_t row = 0; row < n_rows; row++) {
        for (size_t k = 0; k < n_cols; k++)
            arg_get(&cols[k], row, &sc, k, &args[k]);
        pgfn_text_res_reset(&res);
        if (strict && any_null(args, n_cols)) {
            res.null = true;
        } else if (!fn(args, n_cols, &res, &err)) {
            proxy__pgfn_error(info, err.sqlstate, "%s", err.msg);
            break;
        }
        out_put(out, rt, nested, row, &res);
    }
    pgfn_text_res_destroy(&res);
    scratch_free(&sc, n_cols);
    free(args);
    for (size_t k = 0; k < n_cols; k++)
        if (cols[k].flat_child)
            duckdb_destroy_vector(&cols[k].flat_child);
    free(cols);
}
