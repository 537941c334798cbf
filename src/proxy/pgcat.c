/*
 * proxy/pgcat.c: the served catalog model (sql_internal.h): namespaces, relations with their
 * columns, types with enum labels, functions and roles, built from the source's own
 * pg_namespace, pg_class, pg_attribute, pg_type, pg_enum, pg_proc and pg_roles rows that
 * the catalog document holds (pgcat_file.c reads it), with hash maps by OID and by
 * (namespace, name) that pgcat_lookup.c reads. Rows are untrusted: every value is checked and a bad
 * one fails with XX001 naming relation, row and column. Immutable once built; shared by reference
 * count. Must not: talk to DuckDB (pgcat_duck.c does) or resolve SQL names (the analyzer does).
 */
#include "proxy/pgcat_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading typed values out of a relation's text cells ---------------------------------- */

typedef struct cells {
    const proxy_pgcat_frel_t *r;
    size_t row;
    am_err_t *err;
    bool failed; /* sticky: the first bad value set err */
} cells_t;

static bool cell_bad(cells_t *c, int col, const char *what)
{
    const char *v = c->r->cells[c->row * c->r->n_cols + (size_t)col];
    if (!c->failed)
        am_err_set(c->err, PROXY_PGCAT_SQLSTATE,
                   "catalog file: relation %s.%s: row %zu column %s: %s \"%.40s\"", c->r->schema,
                   c->r->name, c->row + 1, c->r->col_names[col], what, v ? v : "NULL");
    c->failed = true;
    return false;
}

static const char *cell_text(cells_t *c, int col)
{
    const char *v = c->r->cells[c->row * c->r->n_cols + (size_t)col];
    if (!v)
        cell_bad(c, col, "unexpected");
    return v ? v : "";
}

/* Decimal integer in [lo, hi], PostgreSQL's output form (optional '-', digits only). */
static int64_t cell_int(cells_t *c, int col, int64_t lo, int64_t hi)
{
    const char *s = cell_text(c, col);
    bool neg = *s == '-';
    const char *p = s + neg;
    int64_t v = 0;
    if (!*p) {
        cell_bad(c, col, "not an integer:");
        return 0;
    }
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_C(1) << 40)) {
            cell_bad(c, col, "not an integer in range:");
            return 0;
        }
        v = v * 10 + (*p - '0');
    }
    v = neg ? -v : v;
    if (v < lo || v > hi) {
        cell_bad(c, col, "out of range:");
        return 0;
    }
    return v;
}

static uint32_t cell_oid(cells_t *c, int col)
{
    return (uint32_t)cell_int(c, col, 0, UINT32_MAX);
}

static bool cell_bool(cells_t *c, int col)
{
    const char *s = cell_text(c, col);
    if ((s[0] != 't' && s[0] != 'f') || s[1])
        cell_bad(c, col, "not a boolean:");
    return s[0] == 't';
}

/* "char": one byte; PostgreSQL prints the zero byte as an empty string. */
static char cell_char(cells_t *c, int col)
{
    const char *s = cell_text(c, col);
    if (s[0] && s[1])
        cell_bad(c, col, "not a \"char\":");
    return s[0];
}

/* Column indexes of the names listed; XX001 naming the first one r lacks. */
static bool columns_of(const proxy_pgcat_frel_t *r, const char *const *names, int *idx, size_t n,
                       am_err_t *err)
{
    for (size_t i = 0; i < n; i++) {
        idx[i] = proxy__pgcat_frel_col(r, names[i]);
        if (idx[i] < 0) {
            am_err_set(err, PROXY_PGCAT_SQLSTATE, "catalog file: relation %s.%s has no column %s",
                       r->schema, r->name, names[i]);
            return false;
        }
    }
    return true;
}

static const proxy_pgcat_frel_t *need(const proxy_pgcat_t *cat, const char *name, am_err_t *err)
{
    const proxy_pgcat_frel_t *r = proxy__pgcat_frel_find(cat, "pg_catalog", name);
    if (!r)
        am_err_set(err, PROXY_PGCAT_SQLSTATE, "catalog file: relation pg_catalog.%s is missing",
                   name);
    return r;
}

/* ---- keys ---------------------------------------------------------------------------------- */

static void key_name(am_buf_t *k, uint32_t nsp_oid, const char *name)
{
    am_buf_reset(k);
    am_buf_append(k, &nsp_oid, sizeof nsp_oid);
    am_buf_puts(k, name);
}

bool proxy__pgcat_find_oid(const am_map_t *m, uint32_t oid, uint64_t *idx)
{
    return m && am_map_get(m, &oid, sizeof oid, idx);
}

bool proxy__pgcat_find_name(const am_map_t *m, uint32_t nsp_oid, const char *name, uint64_t *idx)
{
    if (!m || !name)
        return false;
    am_buf_t k;
    am_buf_init(&k);
    key_name(&k, nsp_oid, name);
    bool found = am_map_get(m, k.data, k.len, idx);
    am_buf_destroy(&k);
    return found;
}

/* Registers entry idx under oid and (nsp_oid, name); XX001 when either is taken. */
static bool index_entry(am_map_t *by_oid, am_map_t *by_name, uint32_t oid, uint32_t nsp_oid,
                        const char *name, size_t idx, const char *what, am_err_t *err)
{
    if (!am_map_put(by_oid, &oid, sizeof oid, idx))
        return am_err_set(err, PROXY_PGCAT_SQLSTATE, "catalog file: %s %u appears twice", what,
                          oid);
    if (!by_name)
        return true;
    am_buf_t k;
    am_buf_init(&k);
    key_name(&k, nsp_oid, name);
    bool fresh = am_map_put(by_name, k.data, k.len, idx);
    am_buf_destroy(&k);
    if (!fresh)
        return am_err_set(err, PROXY_PGCAT_SQLSTATE, "catalog file: %s \"%s\" appears twice", what,
                          name);
    return true;
}

/* ---- namespaces, functions, roles ------------------------------------------------------------ */

/* oid + name (+ namespace) rows of relation rel into a named array with its maps. */
static bool load_named(proxy_pgcat_t *cat, const char *rel, const char *const cols[3],
                       proxy_pgcat_named_t **out, size_t *n_out, am_map_t *by_oid,
                       am_map_t *by_name, am_err_t *err)
{
    const proxy_pgcat_frel_t *r = proxy__pgcat_frel_find(cat, "pg_catalog", rel);
    if (!r)
        return true; /* optional: look-ups then find nothing */
    int idx[3];
    if (!columns_of(r, cols, idx, cols[2] ? 3 : 2, err))
        return false;
    *out = am_arena_alloc(cat->arena, (r->n_rows ? r->n_rows : 1) * sizeof **out);
    cells_t c = {.r = r, .err = err};
    for (c.row = 0; c.row < r->n_rows; c.row++) {
        proxy_pgcat_named_t *e = &(*out)[c.row];
        e->oid = cell_oid(&c, idx[0]);
        e->name = cell_text(&c, idx[1]);
        e->nsp_oid = cols[2] ? cell_oid(&c, idx[2]) : 0;
        if (c.failed || !index_entry(by_oid, by_name, e->oid, 0, e->name, c.row, rel + 3, err))
            return false;
        (*n_out)++;
    }
    return true;
}

static bool load_names(proxy_pgcat_t *cat, am_err_t *err)
{
    static const char *const nsp_cols[3] = {"oid", "nspname", NULL};
    static const char *const proc_cols[3] = {"oid", "proname", "pronamespace"};
    static const char *const role_cols[3] = {"oid", "rolname", NULL};
    if (!need(cat, "pg_namespace", err))
        return false;
    return load_named(cat, "pg_namespace", nsp_cols, &cat->nsps, &cat->n_nsps, cat->nsp_by_oid,
                      cat->nsp_by_name, err) &&
           load_named(cat, "pg_proc", proc_cols, &cat->procs, &cat->n_procs, cat->proc_by_oid, NULL,
                      err) &&
           load_named(cat, "pg_roles", role_cols, &cat->roles, &cat->n_roles, cat->role_by_oid,
                      cat->role_by_name, err);
}

static const char *nsp_of(cells_t *c, const proxy_pgcat_t *cat, int col, uint32_t *nsp_oid)
{
    *nsp_oid = cell_oid(c, col);
    const char *name = proxy__pgcat_nsp_name(cat, *nsp_oid);
    if (!name && !c->failed)
        cell_bad(c, col, "unknown namespace");
    return name ? name : "";
}

/* ---- types ----------------------------------------------------------------------------------- */

enum {
    T_OID,
    T_NAME,
    T_NSP,
    T_LEN,
    T_TYPE,
    T_CAT,
    T_PREF,
    T_DELIM,
    T_ELEM,
    T_ARRAY,
    T_BASE,
    T_TYPMOD,
    T_RELID,
    T_N
};

static bool load_type(proxy_pgcat_t *cat, cells_t *c, const int *idx, proxy_pgtype_t *t)
{
    t->oid = cell_oid(c, idx[T_OID]);
    t->name = (char *)cell_text(c, idx[T_NAME]);
    t->nspname = nsp_of(c, cat, idx[T_NSP], &t->nsp_oid);
    t->len = (int16_t)cell_int(c, idx[T_LEN], INT16_MIN, INT16_MAX);
    t->typtype = cell_char(c, idx[T_TYPE]);
    t->category = cell_char(c, idx[T_CAT]);
    t->preferred = cell_bool(c, idx[T_PREF]);
    t->delim = cell_char(c, idx[T_DELIM]);
    t->elem = cell_oid(c, idx[T_ELEM]);
    t->array = cell_oid(c, idx[T_ARRAY]);
    t->basetype = cell_oid(c, idx[T_BASE]);
    t->basetypmod = (int32_t)cell_int(c, idx[T_TYPMOD], INT32_MIN, INT32_MAX);
    t->relid = cell_oid(c, idx[T_RELID]);
    return !c->failed;
}

static bool load_types(proxy_pgcat_t *cat, am_err_t *err)
{
    static const char *const cols[T_N] = {"oid",     "typname",     "typnamespace",   "typlen",
                                          "typtype", "typcategory", "typispreferred", "typdelim",
                                          "typelem", "typarray",    "typbasetype",    "typtypmod",
                                          "typrelid"};
    const proxy_pgcat_frel_t *r = need(cat, "pg_type", err);
    int idx[T_N];
    if (!r || !columns_of(r, cols, idx, T_N, err))
        return false;
    cat->types = am_arena_alloc(cat->arena, (r->n_rows ? r->n_rows : 1) * sizeof *cat->types);
    cells_t c = {.r = r, .err = err};
    for (c.row = 0; c.row < r->n_rows; c.row++) {
        proxy_pgtype_t *t = &cat->types[c.row];
        memset(t, 0, sizeof *t);
        if (!load_type(cat, &c, idx, t) || !index_entry(cat->type_by_oid, cat->type_by_name, t->oid,
                                                        t->nsp_oid, t->name, c.row, "type", err))
            return false;
        cat->n_types++;
    }
    return true;
}

typedef struct enum_label {
    uint32_t type;
    double order;
    const char *label;
} enum_label_t;

static int cmp_label(const void *a, const void *b)
{
    const enum_label_t *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static bool read_labels(const proxy_pgcat_frel_t *r, enum_label_t *labels, am_err_t *err)
{
    static const char *const cols[3] = {"enumtypid", "enumsortorder", "enumlabel"};
    int idx[3];
    if (!columns_of(r, cols, idx, 3, err))
        return false;
    cells_t c = {.r = r, .err = err};
    for (c.row = 0; c.row < r->n_rows && !c.failed; c.row++) {
        enum_label_t *l = &labels[c.row];
        l->type = cell_oid(&c, idx[0]);
        const char *order = cell_text(&c, idx[1]);
        char *end = NULL;
        l->order = strtod(order, &end);
        if (!c.failed && (end == order || *end || l->order != l->order))
            cell_bad(&c, idx[1], "not a number:");
        l->label = cell_text(&c, idx[2]);
    }
    return !c.failed;
}

/* pg_enum rows -> each enum type's labels in enumsortorder order. */
static bool load_enums(proxy_pgcat_t *cat, am_err_t *err)
{
    const proxy_pgcat_frel_t *r = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_enum");
    if (!r || r->n_rows == 0)
        return true;
    enum_label_t *labels = am_xcalloc(r->n_rows, sizeof *labels);
    bool ok = read_labels(r, labels, err);
    if (ok)
        qsort(labels, r->n_rows, sizeof *labels, cmp_label);
    for (size_t i = 0; ok && i < r->n_rows;) {
        size_t j = i;
        while (j < r->n_rows && labels[j].type == labels[i].type)
            j++;
        uint64_t t = 0;
        if (!proxy__pgcat_find_oid(cat->type_by_oid, labels[i].type, &t) ||
            cat->types[t].typtype != 'e') {
            ok = am_err_set(err, PROXY_PGCAT_SQLSTATE,
                            "catalog file: pg_enum: labels of %u, which is not an enum type",
                            labels[i].type);
            break;
        }
        proxy_pgtype_t *type = &cat->types[t];
        type->n_enum_labels = j - i;
        type->enum_labels = am_arena_alloc(cat->arena, (j - i) * sizeof *type->enum_labels);
        for (size_t k = i; k < j; k++)
            type->enum_labels[k - i] = (char *)labels[k].label;
        i = j;
    }
    free(labels);
    return ok;
}

/* Element and domain-base links end within a few steps; a loop (only a damaged file has one)
 * would send the type mapping round forever. */
static bool check_type_chains(const proxy_pgcat_t *cat, am_err_t *err)
{
    for (size_t i = 0; i < cat->n_types; i++) {
        const proxy_pgtype_t *t = &cat->types[i];
        for (int depth = 0; t; depth++) {
            if (depth == 16)
                return am_err_set(err, PROXY_PGCAT_SQLSTATE,
                                  "catalog file: type %u: its element or base types loop",
                                  cat->types[i].oid);
            uint32_t next = 0;
            if (t->typtype == 'd')
                next = t->basetype;
            else if (t->category == 'A' && t->len == -1)
                next = t->elem;
            t = next ? proxy__pgcat_type(cat, next) : NULL;
        }
    }
    return true;
}

/* ---- relations --------------------------------------------------------------------------------
 */

static bool load_class(proxy_pgcat_t *cat, am_err_t *err)
{
    static const char *const cols[4] = {"oid", "relname", "relnamespace", "relkind"};
    const proxy_pgcat_frel_t *r = need(cat, "pg_class", err);
    int idx[4];
    if (!r || !columns_of(r, cols, idx, 4, err))
        return false;
    cat->rels = am_arena_alloc(cat->arena, (r->n_rows ? r->n_rows : 1) * sizeof *cat->rels);
    cells_t c = {.r = r, .err = err};
    for (c.row = 0; c.row < r->n_rows; c.row++) {
        proxy_pgrel_t *rel = &cat->rels[c.row];
        memset(rel, 0, sizeof *rel);
        rel->oid = cell_oid(&c, idx[0]);
        rel->name = (char *)cell_text(&c, idx[1]);
        rel->nspname = nsp_of(&c, cat, idx[2], &rel->nsp_oid);
        rel->relkind = cell_char(&c, idx[3]);
        if (c.failed || !index_entry(cat->rel_by_oid, cat->rel_by_name, rel->oid, rel->nsp_oid,
                                     rel->name, c.row, "relation", err))
            return false;
        cat->n_rels++;
    }
    return true;
}

static int cmp_col(const void *a, const void *b)
{
    const proxy_pgcol_t *x = a, *y = b;
    return (x->attnum > y->attnum) - (x->attnum < y->attnum);
}

enum { A_RELID, A_NAME, A_NUM, A_TYPE, A_TYPMOD, A_NOTNULL, A_DROPPED, A_GENERATED, A_N };

/* One pg_attribute row; *rel NULL when it is not a live user column of a known relation. */
static bool read_attr(proxy_pgcat_t *cat, cells_t *c, const int *idx, proxy_pgrel_t **rel,
                      proxy_pgcol_t *col)
{
    uint64_t i = 0;
    uint32_t relid = cell_oid(c, idx[A_RELID]);
    col->attnum = (int16_t)cell_int(c, idx[A_NUM], INT16_MIN, INT16_MAX);
    bool dropped = cell_bool(c, idx[A_DROPPED]);
    *rel = proxy__pgcat_find_oid(cat->rel_by_oid, relid, &i) && col->attnum > 0 && !dropped
               ? &cat->rels[i]
               : NULL;
    col->name = (char *)cell_text(c, idx[A_NAME]);
    col->type_oid = cell_oid(c, idx[A_TYPE]);
    col->typmod = (int32_t)cell_int(c, idx[A_TYPMOD], INT32_MIN, INT32_MAX);
    col->not_null = cell_bool(c, idx[A_NOTNULL]);
    col->generated = idx[A_GENERATED] >= 0 && cell_text(c, idx[A_GENERATED])[0] == 's';
    col->gen_expr = NULL;
    return !c->failed;
}

/* pg_attribute rows -> each relation's live columns in attnum order (two passes: count, fill). */
static bool load_attributes(proxy_pgcat_t *cat, am_err_t *err)
{
    static const char *const cols[A_N - 1] = {"attrelid",  "attname",    "attnum",      "atttypid",
                                              "atttypmod", "attnotnull", "attisdropped"};
    const proxy_pgcat_frel_t *r = need(cat, "pg_attribute", err);
    int idx[A_N];
    if (!r || !columns_of(r, cols, idx, A_N - 1, err))
        return false;
    idx[A_GENERATED] = proxy__pgcat_frel_col(r, "attgenerated"); /* PostgreSQL 12+ */
    for (int pass = 0; pass < 2; pass++) {
        cells_t c = {.r = r, .err = err};
        for (c.row = 0; c.row < r->n_rows; c.row++) {
            proxy_pgrel_t *rel = NULL;
            proxy_pgcol_t col;
            if (!read_attr(cat, &c, idx, &rel, &col))
                return false;
            if (rel && pass == 0)
                rel->n_cols++;
            else if (rel)
                rel->cols[rel->n_cols++] = col;
        }
        for (size_t i = 0; i < cat->n_rels && pass == 0; i++) {
            proxy_pgrel_t *rel = &cat->rels[i];
            rel->cols =
                am_arena_alloc(cat->arena, (rel->n_cols ? rel->n_cols : 1) * sizeof *rel->cols);
            rel->n_cols = 0;
        }
    }
    return true;
}

/* Tables with inheritance children (pg_inherits; optional), and those children. A partitioned
 * table's rows are all in its own lake table; a plain one's children hold rows of their own. */
static bool load_inherits(proxy_pgcat_t *cat, am_err_t *err)
{
    static const char *const cols[2] = {"inhparent", "inhrelid"};
    const proxy_pgcat_frel_t *r = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_inherits");
    int idx[2];
    if (!r)
        return true;
    if (!columns_of(r, cols, idx, 2, err))
        return false;
    /* two passes: count each parent's children, then fill its array */
    for (int pass = 0; pass < 2; pass++) {
        cells_t c = {.r = r, .err = err};
        for (c.row = 0; c.row < r->n_rows; c.row++) {
            uint64_t i = 0;
            uint32_t parent = cell_oid(&c, idx[0]);
            uint32_t child = cell_oid(&c, idx[1]);
            if (c.failed)
                return false;
            if (!proxy__pgcat_find_oid(cat->rel_by_oid, parent, &i) || cat->rels[i].relkind != 'r')
                continue;
            proxy_pgrel_t *p = &cat->rels[i];
            p->inherited = true;
            if (pass == 0)
                p->n_inh_children++;
            else
                p->inh_children[p->n_inh_children++] = child;
        }
        for (size_t i = 0; pass == 0 && i < cat->n_rels; i++) {
            proxy_pgrel_t *p = &cat->rels[i];
            if (!p->n_inh_children)
                continue;
            p->inh_children = am_arena_alloc(cat->arena, p->n_inh_children * sizeof(uint32_t));
            p->n_inh_children = 0;
        }
    }
    return true;
}

/* The expression of a generated column: its pg_attrdef row's node, as am.expr printed it
 * (not pretty: every operation parenthesized). */
static const char *generation_expr(const proxy_pgcat_t *cat, uint32_t relid, const char *node)
{
    const proxy_pgcat_frel_t *x = proxy__pgcat_frel_find(cat, "am", "expr");
    static const char *const cols[4] = {"relid", "node", "pretty", "def"};
    int idx[4];
    if (!x || !columns_of(x, cols, idx, 4, NULL))
        return NULL;
    for (size_t row = 0; row < x->n_rows; row++) {
        const char *const *cell = &x->cells[row * x->n_cols];
        const char *rel = cell[idx[0]], *n = cell[idx[1]], *pretty = cell[idx[2]];
        if (rel && n && pretty && pretty[0] == 'f' && strcmp(n, node) == 0 &&
            strtoul(rel, NULL, 10) == relid)
            return cell[idx[3]];
    }
    return NULL;
}

/* Generated columns' expressions from pg_attrdef (optional: without them such a column is
 * refused where read). */
static bool load_generation(proxy_pgcat_t *cat, am_err_t *err)
{
    static const char *const cols[3] = {"adrelid", "adnum", "adbin"};
    const proxy_pgcat_frel_t *r = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_attrdef");
    int idx[3];
    if (!r)
        return true;
    if (!columns_of(r, cols, idx, 3, err))
        return false;
    cells_t c = {.r = r, .err = err};
    for (c.row = 0; c.row < r->n_rows; c.row++) {
        uint64_t i = 0;
        uint32_t relid = cell_oid(&c, idx[0]);
        int64_t attnum = cell_int(&c, idx[1], INT16_MIN, INT16_MAX);
        const char *node = cell_text(&c, idx[2]);
        if (c.failed)
            return false;
        if (!proxy__pgcat_find_oid(cat->rel_by_oid, relid, &i))
            continue;
        proxy_pgrel_t *rel = &cat->rels[i];
        for (size_t k = 0; k < rel->n_cols; k++)
            if (rel->cols[k].attnum == attnum && rel->cols[k].generated)
                rel->cols[k].gen_expr = generation_expr(cat, relid, node);
    }
    return true;
}

/* Primary keys from pg_index (indisprimary; indkey is int2vector text "1 3"): the columns a
 * GROUP BY may name to cover the rest of the table (functional dependency). */
static bool load_pkeys(proxy_pgcat_t *cat, am_err_t *err)
{
    static const char *const cols[3] = {"indrelid", "indisprimary", "indkey"};
    const proxy_pgcat_frel_t *r = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_index");
    int idx[3];
    if (!r)
        return true; /* optional: no table then has a primary key */
    if (!columns_of(r, cols, idx, 3, err))
        return false;
    cells_t c = {.r = r, .err = err};
    for (c.row = 0; c.row < r->n_rows; c.row++) {
        uint64_t i = 0;
        uint32_t relid = cell_oid(&c, idx[0]);
        bool primary = cell_bool(&c, idx[1]);
        const char *key = cell_text(&c, idx[2]);
        if (c.failed)
            return false;
        if (!primary || !key || !proxy__pgcat_find_oid(cat->rel_by_oid, relid, &i))
            continue;
        proxy_pgrel_t *rel = &cat->rels[i];
        rel->n_pk = 0;
        for (const char *p = key; *p && rel->n_pk < AM_ARRAY_LEN(rel->pk);) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p || v <= 0 || v > INT16_MAX)
                return am_err_set(err, PROXY_PGCAT_SQLSTATE,
                                  "catalog file: pg_index.indkey \"%s\" is not a column list", key);
            rel->pk[rel->n_pk++] = (int16_t)v;
            p = end;
            while (*p == ' ')
                p++;
        }
    }
    return true;
}

/* Sorts each relation's columns and refuses a repeated attnum. */
static bool order_columns(proxy_pgcat_t *cat, am_err_t *err)
{
    for (size_t i = 0; i < cat->n_rels; i++) {
        proxy_pgrel_t *rel = &cat->rels[i];
        if (rel->n_cols > 1)
            qsort(rel->cols, rel->n_cols, sizeof *rel->cols, cmp_col);
        for (size_t k = 1; k < rel->n_cols; k++)
            if (rel->cols[k].attnum == rel->cols[k - 1].attnum)
                return am_err_set(err, PROXY_PGCAT_SQLSTATE,
                                  "catalog file: relation %u has attnum %d twice", rel->oid,
                                  rel->cols[k].attnum);
    }
    return true;
}

static char *quoted_name(am_arena_t *a, const char *schema_prefix, const char *name)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, schema_prefix);
    am_sql_ident(&b, name);
    char *out = am_arena_strdup(a, b.data);
    am_buf_destroy(&b);
    return out;
}

/* pg_catalog and information_schema relations the file carries: served from am_cat, with the
 * columns the file gives them. */
static void mark_catalog_rels(proxy_pgcat_t *cat)
{
    for (size_t i = 0; i < cat->n_rels; i++) {
        proxy_pgrel_t *rel = &cat->rels[i];
        if (strcmp(rel->nspname, "pg_catalog") != 0 &&
            strcmp(rel->nspname, "information_schema") != 0)
            continue;
        const proxy_pgcat_frel_t *f = proxy__pgcat_frel_find(cat, rel->nspname, rel->name);
        if (!f)
            continue;
        char *full = am_xasprintf("%s.%s", f->schema, f->name);
        rel->duck_name = quoted_name(cat->arena, "am_cat.", full);
        free(full);
        rel->served = PROXY_REL_CATALOG;
        rel->n_cols = f->n_cols;
        rel->cols = am_arena_alloc(cat->arena, f->n_cols * sizeof *rel->cols);
        for (size_t k = 0; k < f->n_cols; k++)
            rel->cols[k] = (proxy_pgcol_t){.name = (char *)f->col_names[k],
                                           .attnum = (int16_t)(k + 1),
                                           .type_oid = f->col_types[k],
                                           .typmod = f->col_typmods[k]};
    }
}

/* ---- the model --------------------------------------------------------------------------------
 */

static proxy_pgcat_t *pgcat_new(void)
{
    proxy_pgcat_t *cat = am_xcalloc(1, sizeof *cat);
    atomic_init(&cat->refs, 1);
    cat->arena = am_arena_new((size_t)256 * 1024);
    am_map_t **maps[] = {&cat->frel_by_name, &cat->rel_by_oid,   &cat->rel_by_name,
                         &cat->type_by_oid,  &cat->type_by_name, &cat->nsp_by_oid,
                         &cat->nsp_by_name,  &cat->proc_by_oid,  &cat->role_by_oid,
                         &cat->role_by_name};
    for (size_t i = 0; i < AM_ARRAY_LEN(maps); i++)
        *maps[i] = am_map_new();
    return cat;
}

static void pgcat_free(proxy_pgcat_t *cat)
{
    am_map_t *maps[] = {cat->frel_by_name, cat->rel_by_oid,  cat->rel_by_name, cat->type_by_oid,
                        cat->type_by_name, cat->nsp_by_oid,  cat->nsp_by_name, cat->proc_by_oid,
                        cat->role_by_oid,  cat->role_by_name};
    for (size_t i = 0; i < AM_ARRAY_LEN(maps); i++)
        am_map_free(maps[i]);
    am_arena_free(cat->arena);
    free(cat);
}

proxy_pgcat_t *proxy__pgcat_parse(const char *json, size_t len, am_err_t *err)
{
    proxy_pgcat_t *cat = pgcat_new();
    bool ok = proxy__pgcat_file_parse(cat, json, len, err) && load_names(cat, err) &&
              load_types(cat, err) && check_type_chains(cat, err) && load_enums(cat, err) &&
              load_class(cat, err) && load_attributes(cat, err) && order_columns(cat, err) &&
              load_pkeys(cat, err) && load_generation(cat, err) && load_inherits(cat, err);
    if (!ok) {
        pgcat_free(cat);
        return NULL;
    }
    mark_catalog_rels(cat);
    return cat;
}

bool proxy__pgcat_serve(proxy_pgcat_t *cat, const char *nspname, const char *relname)
{
    proxy_pgrel_t *rel = (proxy_pgrel_t *)proxy__pgcat_rel_find(cat, nspname, relname);
    if (!rel)
        return false;
    char name[16];
    (void)snprintf(name, sizeof name, "t%u", rel->oid);
    rel->served = PROXY_REL_MIRRORED;
    rel->duck_name = quoted_name(cat->arena, "am_data.", name);
    return true;
}

void proxy__pgcat_unserve(proxy_pgcat_t *cat, const char *nspname, const char *relname)
{
    proxy_pgrel_t *rel = (proxy_pgrel_t *)proxy__pgcat_rel_find(cat, nspname, relname);
    if (rel && rel->served == PROXY_REL_MIRRORED) {
        rel->served = PROXY_REL_UNSERVED;
        rel->duck_name = NULL;
    }
}

proxy_pgcat_t *proxy__pgcat_ref(proxy_pgcat_t *cat)
{
    atomic_fetch_add_explicit(&cat->refs, 1, memory_order_relaxed);
    return cat;
}

void proxy__pgcat_unref(proxy_pgcat_t *cat)
{
    if (cat && atomic_fetch_sub_explicit(&cat->refs, 1, memory_order_acq_rel) == 1)
        pgcat_free(cat);
}
