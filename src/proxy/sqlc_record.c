/*
 * proxy/sqlc_record.c: record values. ROW(a, b) and (a, b), a table's alias as a whole row,
 * (record).field and information_schema._pg_expandarray(array) (pgjdbc's getPrimaryKeys)
 * become DuckDB STRUCTs with keys f1..fn; the field names and PostgreSQL types travel beside
 * them (sqlc_rec_t), so that a field keeps its type and a record prints as record_out does.
 * Spec: PostgreSQL 15 docs 4.2.13 "Row Constructors", 8.16.5 "Using Composite Types in Queries".
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

static sqlc_rec_t *rec_new(sqlc_ctx_t *c, size_t n)
{
    sqlc_rec_t *r = am_arena_alloc(c->arena, sizeof *r);
    r->n = n;
    r->names = am_arena_alloc(c->arena, (n + 1) * sizeof *r->names);
    r->types = am_arena_alloc(c->arena, (n + 1) * sizeof *r->types);
    r->numv = am_arena_alloc(c->arena, (n + 1) * sizeof *r->numv);
    return r;
}

/* {'f1': v1, ...} from n DuckDB expressions. */
static char *struct_of(sqlc_ctx_t *c, const char *const *sql, size_t n)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++)
        am_buf_printf(&b, "%s'f%zu': %s", i ? ", " : "", i + 1, sql[i]);
    am_buf_putc(&b, '}');
    char *s = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return s;
}

bool sqlc_row_expr(sqlc_ctx_t *c, const PgQuery__RowExpr *e, sqlc_val_t *out)
{
    if (e->n_args == 0)
        return sqlc_fail(c, "0A000", "empty row constructors are not supported on the mirror");
    sqlc_rec_t *r = rec_new(c, e->n_args);
    const char **sql = am_arena_alloc(c->arena, e->n_args * sizeof *sql);
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_RECORD));
    out->is_const = true;
    for (size_t i = 0; i < e->n_args; i++) {
        sqlc_val_t v;
        if (!sqlc_expr(c, e->args[i], &v) || !sqlc_resolve_unknown(c, &v))
            return false;
        if (v.has_srf)
            return sqlc_fail(c, "0A000",
                             "set-returning functions in a row constructor are not "
                             "supported on the mirror");
        r->names[i] = sqlc_printf(c, "f%zu", i + 1);
        r->types[i] = v.type;
        r->numv[i] = v.numv;
        sql[i] = v.sql;
        sqlc_merge_flags(out, &v);
    }
    out->sql = struct_of(c, sql, e->n_args);
    out->rec = r;
    out->name = "row";
    return true;
}

/* The composite type PostgreSQL gives a table's rows (pg_type.typrelid), else record. */
static uint32_t rowtype_of(sqlc_ctx_t *c, uint32_t relid)
{
    const proxy_pgrel_t *rel = c->cat && relid ? proxy__pgcat_rel(c->cat, relid) : NULL;
    if (!rel)
        return PG_OID_RECORD;
    const proxy_pgtype_t *t = proxy__pgcat_type_find(c->cat, rel->nspname, rel->name);
    return t && t->relid == relid ? t->oid : PG_OID_RECORD;
}

bool sqlc_whole_row(sqlc_ctx_t *c, const sqlc_rte_t *rte, sqlc_val_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < rte->n_cols; i++)
        n += !rte->cols[i].merged;
    if (n == 0)
        return sqlc_fail(c, "0A000", "a row of no columns is not supported on the mirror");
    sqlc_rec_t *r = rec_new(c, n);
    const char **sql = am_arena_alloc(c->arena, n * sizeof *sql);
    size_t k = 0;
    for (size_t i = 0; i < rte->n_cols; i++) {
        const sqlc_col_t *col = &rte->cols[i];
        if (col->merged)
            continue;
        if (col->refuse)
            return sqlc_fail(c, "0A000", "%s", col->refuse);
        r->names[k] = col->name;
        r->types[k] = col->type;
        r->numv[k] = col->numv;
        sql[k++] = col->sql;
    }
    const char *row = struct_of(c, sql, n);
    if (rte->nullable) {
        /* the filled side of an outer join has a NULL whole row in PostgreSQL, not a row of
         * nulls (row_to_json gives NULL, count(t) does not count it) */
        if (!rte->present)
            return sqlc_fail(c, "0A000",
                             "the whole row of \"%s\", which an outer join can fill with "
                             "nulls, is not supported on the mirror unless it is a table with a "
                             "NOT NULL column",
                             rte->refname ? rte->refname : "?");
        row = sqlc_printf(c, "CASE WHEN %s IS NULL THEN NULL ELSE %s END", rte->present, row);
    }
    *out = sqlc_val_of((char *)row, sqlc_type(rowtype_of(c, rte->cols[0].relid)));
    out->rec = r;
    out->name = rte->refname;
    return true;
}

bool sqlc_field_select(sqlc_ctx_t *c, sqlc_val_t *base, const char *field)
{
    if (!base->rec)
        return sqlc_fail(c, "42809",
                         "column notation .%s applied to type %s, which is not a "
                         "composite type",
                         field, sqlc_type_name(c, base->type));
    for (size_t i = 0; i < base->rec->n; i++)
        if (strcmp(base->rec->names[i], field) == 0) {
            base->sql = sqlc_printf(c, "struct_extract(%s, 'f%zu')", base->sql, i + 1);
            base->type = base->rec->types[i];
            base->numv = base->rec->numv[i];
            base->rec = NULL;
            base->name = field;
            base->relid = 0;
            base->attnum = 0;
            return true;
        }
    return sqlc_fail(c, "42703", "column \"%s\" not found in data type %s", field,
                     sqlc_type_name(c, base->type));
}

/* _pg_expandarray(anyarray) -> SETOF record (x anyelement, n int): each element with its
 * subscript, as the information_schema function PostgreSQL defines in SQL. */
bool sqlc_expandarray(sqlc_ctx_t *c, sqlc_val_t *arr, sqlc_val_t *out)
{
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, arr->type);
    uint32_t elem = proxy__pgtype_elem(c->cat, b.oid);
    if (b.oid == PG_OID_INT2VECTOR || b.oid == PG_OID_OIDVECTOR)
        elem = b.oid == PG_OID_INT2VECTOR ? PG_OID_INT2 : PG_OID_OID;
    if (!elem)
        return sqlc_fail(c, "42883",
                         "function information_schema._pg_expandarray(%s) does not "
                         "exist",
                         sqlc_type_name(c, arr->type));
    sqlc_rec_t *r = rec_new(c, 2);
    r->names[0] = "x";
    r->types[0] = (proxy_pgtype_ref_t){elem, -1};
    r->numv[0] = arr->numv;
    r->names[1] = "n";
    r->types[1] = sqlc_type(PG_OID_INT4);
    r->numv[1] = false;
    *out = sqlc_val_of(sqlc_printf(c,
                                   "unnest(list_transform(generate_series(1, len(%s)), am_i -> "
                                   "{'f1': (%s)[am_i], 'f2': CAST(am_i AS INTEGER)}))",
                                   arr->sql, arr->sql),
                       sqlc_type(PG_OID_RECORD));
    out->rec = r;
    out->has_srf = true;
    out->has_agg = arr->has_agg;
    out->name = "_pg_expandarray";
    return true;
}
