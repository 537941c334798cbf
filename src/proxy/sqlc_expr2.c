/*
 * proxy/sqlc_expr2.c: the compound expressions: CASE, COALESCE, GREATEST/LEAST, ARRAY[...],
 * subscripts, the SQL value functions (CURRENT_DATE, CURRENT_USER ...), subqueries (EXISTS,
 * IN/ANY/ALL, scalar, ARRAY(...)), COLLATE and GROUPING().
 * Spec: PostgreSQL 15 docs "Value Expressions", "Conditional Expressions", "Subquery
 * Expressions"; "Type Conversion" 10.5 for the result types.
 */
#include "proxy/sqlc_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void sqlc_merge_flags(sqlc_val_t *a, const sqlc_val_t *b)
{
    a->is_const = a->is_const && b->is_const;
    a->has_agg = a->has_agg || b->has_agg;
    a->has_srf = a->has_srf || b->has_srf;
    a->is_volatile = a->is_volatile || b->is_volatile;
}

static sqlc_val_t *vals_new(sqlc_ctx_t *c, size_t n)
{
    sqlc_val_t *v = am_arena_alloc(c->arena, (n + 1) * sizeof *v);
    memset(v, 0, (n + 1) * sizeof *v);
    return v;
}

/* The common type of n compiled values; of a CASE's results (the THENs, then the ELSE when
 * has_else is 1; -1 for not a CASE) PostgreSQL picks it from the ELSE first, and a CASE
 * without ELSE has a NULL one, which keeps no typmod. */
static bool list_type(sqlc_ctx_t *c, sqlc_val_t *vals, size_t n, const char *ctx, int has_else,
                      proxy_pgtype_ref_t *t)
{
    if (has_else < 0)
        return sqlc_common_type(c, vals, n, ctx, t);
    sqlc_val_t *ord = vals_new(c, n + 1);
    size_t k = 0;
    ord[k++] = has_else ? vals[n - 1] : sqlc_val_of("NULL", sqlc_type(PG_OID_UNKNOWN));
    for (size_t i = 0; i + (size_t)has_else < n; i++)
        ord[k++] = vals[i];
    return sqlc_case_type(c, ord, k, has_else, t);
}

/* The common type of compiled values, and each coerced to it. */
static bool type_vals(sqlc_ctx_t *c, size_t n, const char *ctx, int has_else, sqlc_val_t *vals,
                      proxy_pgtype_ref_t *t)
{
    if (!list_type(c, vals, n, ctx, has_else, t))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!sqlc_coerce(c, &vals[i], *t, SQLC_IMPLICIT))
            return false;
    sqlc_numeric_unify(c, vals, n, *t);
    return true;
}

/* Compiles n expressions in order, picks their common type, coerces all to it. */
static bool typed_list(sqlc_ctx_t *c, PgQuery__Node **nodes, size_t n, const char *ctx,
                       int has_else, sqlc_val_t *vals, proxy_pgtype_ref_t *t)
{
    for (size_t i = 0; i < n; i++)
        if (!sqlc_expr(c, nodes[i], &vals[i]))
            return false;
    return type_vals(c, n, ctx, has_else, vals, t);
}

static bool common_list(sqlc_ctx_t *c, PgQuery__Node **nodes, size_t n, const char *ctx,
                        sqlc_val_t *vals, proxy_pgtype_ref_t *t)
{
    return typed_list(c, nodes, n, ctx, -1, vals, t);
}

static bool case_expr(sqlc_ctx_t *c, const PgQuery__CaseExpr *e, sqlc_val_t *out)
{
    size_t n = e->n_args + 1;
    sqlc_val_t *res = vals_new(c, n), *cond = vals_new(c, n);
    /* each condition, then its result, then the results' common type, as PostgreSQL
     * analyses them: an untyped parameter takes its type from its first use in that order
     * (round(x, $1) ... THEN $1) */
    sqlc_val_t arg = {0};
    if (e->arg) {
        /* CASE x WHEN ...: x is read once in PostgreSQL, untyped it is text; each WHEN
         * repeats it here, so a volatile x would be drawn once per WHEN */
        if (!sqlc_expr(c, e->arg, &arg) || !sqlc_resolve_unknown(c, &arg))
            return false;
        if (arg.is_volatile)
            return sqlc_fail(c, "0A000",
                             "a volatile expression as the operand of CASE is not supported on "
                             "the mirror");
    }
    for (size_t i = 0; i < e->n_args; i++) {
        const PgQuery__CaseWhen *w = e->args[i]->case_when;
        if (e->arg) {
            sqlc_val_t l = arg, r;
            if (!sqlc_expr(c, w->expr, &r) || !sqlc_operator(c, "=", &l, &r, &cond[i]))
                return false;
        } else if (!sqlc_bool_expr(c, w->expr, "CASE/WHEN", &cond[i])) {
            return false;
        }
        if (!sqlc_expr(c, w->result, &res[i]))
            return false;
    }
    size_t nres = e->n_args;
    if (e->defresult && !sqlc_expr(c, e->defresult, &res[nres++]))
        return false;
    proxy_pgtype_ref_t t;
    if (!type_vals(c, nres, "CASE", e->defresult != NULL, res, &t))
        return false;
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "CASE");
    *out = sqlc_val_of(NULL, t);
    out->is_const = true;
    for (size_t i = 0; i < e->n_args; i++) {
        sqlc_merge_flags(out, &cond[i]);
        sqlc_merge_flags(out, &res[i]);
        am_buf_printf(&b, " WHEN %s THEN %s", cond[i].sql, res[i].sql);
    }
    if (e->defresult) {
        am_buf_printf(&b, " ELSE %s", res[nres - 1].sql);
        sqlc_merge_flags(out, &res[nres - 1]);
    }
    am_buf_puts(&b, " END");
    out->sql = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    if (out->has_srf)
        return sqlc_fail(c, "0A000",
                         "set-returning functions are not allowed in CASE\nHINT:  You "
                         "might be able to move the set-returning function into a "
                         "LATERAL FROM item.");
    out->numv = res[0].numv;
    /* named after the ELSE result when that has a strong name */
    if (e->defresult && res[nres - 1].name && !res[nres - 1].name_weak) {
        out->name = res[nres - 1].name;
    } else {
        out->name = "case";
        out->name_weak = true;
    }
    return true;
}

static char *join_vals(sqlc_ctx_t *c, const sqlc_val_t *v, size_t n, sqlc_val_t *flags)
{
    am_buf_t b;
    am_buf_init(&b);
    flags->is_const = true;
    for (size_t i = 0; i < n; i++) {
        am_buf_printf(&b, "%s%s", i ? ", " : "", v[i].sql);
        sqlc_merge_flags(flags, &v[i]);
    }
    char *s = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
    am_buf_destroy(&b);
    return s;
}

static bool coalesce_expr(sqlc_ctx_t *c, const PgQuery__CoalesceExpr *e, sqlc_val_t *out)
{
    sqlc_val_t *v = vals_new(c, e->n_args);
    proxy_pgtype_ref_t t;
    if (!common_list(c, e->args, e->n_args, "COALESCE", v, &t))
        return false;
    *out = sqlc_val_of(NULL, t);
    out->sql = sqlc_printf(c, "COALESCE(%s)", join_vals(c, v, e->n_args, out));
    if (out->has_srf)
        return sqlc_fail(c, "0A000",
                         "set-returning functions are not allowed in COALESCE\nHINT:  "
                         "You might be able to move the set-returning function into "
                         "a LATERAL FROM item.");
    out->numv = v[0].numv;
    out->name = "coalesce";
    return true;
}

/* GREATEST/LEAST ignore NULLs as DuckDB's do; the values must compare as PostgreSQL's. */
static bool minmax_expr(sqlc_ctx_t *c, const PgQuery__MinMaxExpr *e, sqlc_val_t *out)
{
    bool greatest = e->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST;
    const char *name = greatest ? "greatest" : "least";
    sqlc_val_t *v = vals_new(c, e->n_args);
    proxy_pgtype_ref_t t;
    if (!common_list(c, e->args, e->n_args, greatest ? "GREATEST" : "LEAST", v, &t))
        return false;
    if (!sqlc_orderable(c, t, v[0].numv))
        return false;
    *out = sqlc_val_of(NULL, t);
    const char *list = join_vals(c, v, e->n_args, out);
    const char *ka = sqlc_key_expr(c, "am_a", t, v[0].numv);
    if (strcmp(ka, "am_a") == 0) {
        out->sql = sqlc_printf(c, "%s(%s)", name, list);
    } else {
        /* compared through a sort key; the first of equal values wins, as in PostgreSQL */
        const char *kb = sqlc_key_expr(c, "am_b", t, v[0].numv);
        const char *l = sqlc_printf(c, "list_filter([%s], am_e -> am_e IS NOT NULL)", list);
        out->sql = sqlc_printf(c,
                               "CASE WHEN len(%s) = 0 THEN NULL ELSE list_reduce(%s, (am_a, "
                               "am_b) -> CASE WHEN %s %s %s THEN am_b ELSE am_a END) END",
                               l, l, kb, greatest ? ">" : "<", ka);
    }
    out->numv = v[0].numv;
    out->name = name;
    return true;
}

/* Whether t (a domain's base) is an array type. */
static bool is_array(sqlc_ctx_t *c, proxy_pgtype_ref_t t)
{
    return proxy__pgtype_elem(c->cat, proxy__pgtype_base(c->cat, t).oid) != 0;
}

static bool array_expr(sqlc_ctx_t *c, const PgQuery__AArrayExpr *e, sqlc_val_t *out)
{
    for (size_t i = 0; i < e->n_elements; i++)
        if (e->elements[i]->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR)
            return sqlc_fail(c, "0A000", "multidimensional arrays are not supported on the mirror");
    if (e->n_elements == 0)
        return sqlc_fail(c, "42P18", "cannot determine type of empty array");
    sqlc_val_t *v = vals_new(c, e->n_elements);
    proxy_pgtype_ref_t t;
    if (!common_list(c, e->elements, e->n_elements, "ARRAY", v, &t))
        return false;
    /* a domain (every element of it) makes an array of the domain, as PostgreSQL 11 and later
     * create one for each domain */
    uint32_t arr = proxy__pgtype_array(c->cat, t.oid);
    if (!arr && is_array(c, t)) /* PostgreSQL makes a two-dimensional array of them */
        return sqlc_fail(c, "0A000", "multidimensional arrays are not supported on the mirror");
    if (!arr)
        return sqlc_fail(c, "42704", "could not find array type for data type %s",
                         sqlc_type_name(c, t));
    *out = sqlc_val_of(NULL, (proxy_pgtype_ref_t){arr, t.typmod});
    out->sql = sqlc_printf(c, "[%s]", join_vals(c, v, e->n_elements, out));
    out->numv = v[0].numv;
    out->name = "array";
    return true;
}

/* PostgreSQL subscripts: out of range (zero and negative included) is NULL, slices clamp to the
 * array's bounds; DuckDB counts negative indexes from the end, so they are guarded. int2vector
 * and oidvector count from 0. */
static bool subscript(sqlc_ctx_t *c, sqlc_val_t *base, const PgQuery__AIndices *ix)
{
    uint32_t b = proxy__pgtype_base(c->cat, base->type).oid;
    uint32_t elem = sqlc_is_array(c, b) ? proxy__pgtype_elem(c->cat, b) : 0;
    int shift = 0;
    if (b == PG_OID_INT2VECTOR || b == PG_OID_OIDVECTOR) {
        elem = b == PG_OID_INT2VECTOR ? PG_OID_INT2 : PG_OID_OID;
        shift = 1;
    }
    if (!elem)
        return sqlc_fail(c, "42804",
                         "cannot subscript type %s because it does not support "
                         "subscripting",
                         sqlc_type_name(c, base->type));
    sqlc_val_t lo = {0}, hi = {0};
    proxy_pgtype_ref_t i4 = sqlc_type(PG_OID_INT4);
    if (ix->lidx && !sqlc_expr(c, ix->lidx, &lo))
        return false;
    if (ix->uidx && !sqlc_expr(c, ix->uidx, &hi))
        return false;
    /* PostgreSQL assigns subscripts to integer: numbers go, text does not */
    if ((ix->lidx && !sqlc_assigns_to_int(c, &lo)) || (ix->uidx && !sqlc_assigns_to_int(c, &hi)))
        return sqlc_fail(c, "42804", "array subscript must have type integer");
    if ((ix->lidx && !sqlc_coerce(c, &lo, i4, SQLC_IMPLICIT)) ||
        (ix->uidx && !sqlc_coerce(c, &hi, i4, SQLC_IMPLICIT)))
        return false;
    if (ix->is_slice) {
        const char *l = ix->lidx ? sqlc_printf(c, "greatest((%s) + %d, 1)", lo.sql, shift) : "1";
        const char *h = ix->uidx ? sqlc_printf(c,
                                               "CASE WHEN (%s) + %d < 1 THEN 0 ELSE (%s) + %d "
                                               "END",
                                               hi.sql, shift, hi.sql, shift)
                                 : "2147483647";
        base->sql = sqlc_printf(c, "list_slice(%s, %s, %s)", base->sql, l, h);
        if (shift) /* a slice of a vector is an ordinary array */
            base->type = (proxy_pgtype_ref_t){proxy__pgtype_array(c->cat, elem), -1};
    } else {
        base->sql = sqlc_printf(c, "%s[CASE WHEN (%s) + %d >= 1 THEN (%s) + %d END]", base->sql,
                                hi.sql, shift, hi.sql, shift);
        base->type = (proxy_pgtype_ref_t){elem, base->type.typmod};
    }
    sqlc_merge_flags(base, &lo);
    sqlc_merge_flags(base, &hi);
    base->relid = 0;
    base->attnum = 0;
    return true;
}

static bool indirection(sqlc_ctx_t *c, const PgQuery__AIndirection *e, sqlc_val_t *out)
{
    if (!sqlc_expr(c, e->arg, out))
        return false;
    for (size_t i = 0; i < e->n_indirection; i++) {
        const sqlc_node_t *ind = e->indirection[i];
        if (ind->node_case == PG_QUERY__NODE__NODE_STRING) {
            if (!sqlc_field_select(c, out, ind->string->sval))
                return false;
            continue;
        }
        if (ind->node_case != PG_QUERY__NODE__NODE_A_INDICES)
            return sqlc_fail(c, "0A000",
                             "this kind of field selection is not supported on the "
                             "mirror");
        if (!subscript(c, out, ind->a_indices))
            return false;
    }
    return true;
}

/* "2026-12-03 11:20:15.123456+00" for a Unix µs instant. */
static char *utc_text(sqlc_ctx_t *c, int64_t us)
{
    time_t s = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    return sqlc_printf(c, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(us % 1000000));
}

const char *sqlc_now_literal(sqlc_ctx_t *c)
{
    return sqlc_printf(c, "CAST('%s' AS TIMESTAMPTZ)", utc_text(c, c->env->tx_start_us));
}

static bool value_function(sqlc_ctx_t *c, const PgQuery__SQLValueFunction *f, sqlc_val_t *out)
{
    const char *now = sqlc_now_literal(c);
    const char *tz = sqlc_literal(c, c->env->timezone ? c->env->timezone : "UTC");
    const char *user = sqlc_literal(c, c->env->user ? c->env->user : "");
    switch (f->op) {
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE:
        *out = sqlc_val_of(sqlc_printf(c, "am_timestamptz_date(%s, %s)", now, tz),
                           sqlc_type(PG_OID_DATE));
        out->name = "current_date";
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N:
        *out = sqlc_val_of(sqlc_strdup(c, now), sqlc_type(PG_OID_TIMESTAMPTZ));
        out->name = "current_timestamp";
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N:
        *out = sqlc_val_of(sqlc_printf(c, "am_timestamptz_timestamp(%s, %s)", now, tz),
                           sqlc_type(PG_OID_TIMESTAMP));
        out->name = "localtimestamp";
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N:
        *out = sqlc_val_of(sqlc_printf(c, "am_timestamptz_time(%s, %s)", now, tz),
                           sqlc_type(PG_OID_TIME));
        out->name = "localtime";
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: {
        static const char *const names[] = {"",
                                            "",
                                            "",
                                            "",
                                            "",
                                            "",
                                            "",
                                            "",
                                            "",
                                            "",
                                            "current_role",
                                            "current_user",
                                            "user",
                                            "session_user"};
        *out = sqlc_val_of(sqlc_strdup(c, user), sqlc_type(PG_OID_NAME));
        out->name = names[f->op];
        break;
    }
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG:
        *out = sqlc_val_of(sqlc_literal(c, c->env->database ? c->env->database : ""),
                           sqlc_type(PG_OID_NAME));
        out->name = "current_catalog";
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA:
        *out = sqlc_val_of(c->env_path_n ? sqlc_literal(c, c->env_path[0])
                                         : sqlc_strdup(c, "CAST(NULL AS VARCHAR)"),
                           sqlc_type(PG_OID_NAME));
        out->name = "current_schema";
        break;
    default:
        return sqlc_fail(c, "0A000",
                         "CURRENT_TIME (time with time zone) is not supported on the "
                         "mirror");
    }
    /* current_timestamp(p), localtimestamp(p), localtime(p): rounded to p digits and typed
     * with that typmod; PostgreSQL reduces a precision above 6 to 6 */
    if (f->op == PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N ||
        f->op == PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N ||
        f->op == PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N) {
        int32_t p = f->typmod < 0 ? 0 : f->typmod > 6 ? 6 : f->typmod;
        if (p < 6)
            out->sql = sqlc_printf(c, "am_time_round(%s, %d)", out->sql, (int)p);
        out->type.typmod = p;
    }
    out->is_const = true;
    return true;
}

static bool sublink_any(sqlc_ctx_t *c, const PgQuery__SubLink *s, const char *sub,
                        sqlc_target_t *tg, sqlc_val_t *out)
{
    const char *op = s->n_oper_name ? sqlc_str(s->oper_name[s->n_oper_name - 1]) : "=";
    if (!op)
        op = "=";
    sqlc_val_t l, r = tg[0].val, cmp;
    if (!sqlc_expr(c, s->testexpr, &l))
        return false;
    r.sql = sqlc_strdup(c, "am_sub.o");
    /* the subquery's column, whatever constant it holds: coercing a NULL constant would write
     * NULL in its place, and bool_or() over outer columns only is the outer query's aggregate */
    r.is_null = false;
    r.is_const = false;
    r.literal = NULL;
    if (!sqlc_operator(c, op ? op : "=", &l, &r, &cmp))
        return false;
    /* the comparison as rewritten for DuckDB, applied to each row of the subquery */
    bool all = s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK;
    out->sql = sqlc_printf(c, "(%s %s (SELECT %s FROM (%s) AS am_sub(o)))", l.sql,
                           all ? "= ALL" : "IN", r.sql, sub);
    if (strcmp(cmp.sql, sqlc_printf(c, "(%s %s %s)", l.sql, op, r.sql)) != 0 ||
        strcmp(op, "=") != 0) {
        /* not a plain equality: quantified comparison through EXISTS keeps NULL semantics */
        out->sql = all ? sqlc_printf(c,
                                     "(SELECT bool_and(%s) IS NOT FALSE AND (count(*) = 0 OR "
                                     "bool_and(%s) IS NOT NULL) FROM (%s) AS am_sub(o))",
                                     cmp.sql, cmp.sql, sub)
                       : sqlc_printf(c,
                                     "(SELECT CASE WHEN bool_or(%s) THEN true WHEN "
                                     "count(*) = 0 THEN false WHEN bool_or(%s IS NULL) THEN "
                                     "NULL ELSE false END FROM (%s) AS am_sub(o))",
                                     cmp.sql, cmp.sql, sub);
    }
    out->type = sqlc_type(PG_OID_BOOL);
    sqlc_merge_flags(out, &l);
    return true;
}

/* (a, b) IN (SELECT x, y ...) and the other row comparisons with a subquery: the columns
 * compared pairwise, = and <> combined as PostgreSQL's row comparison does (AND / OR). */
static bool sublink_row(sqlc_ctx_t *c, const PgQuery__SubLink *s, const char *sub,
                        sqlc_target_t *tg, size_t nt, sqlc_val_t *out)
{
    const PgQuery__RowExpr *row = s->testexpr->row_expr;
    const char *op = s->n_oper_name ? sqlc_str(s->oper_name[s->n_oper_name - 1]) : "=";
    if (!op)
        op = "=";
    if (!op || (strcmp(op, "=") != 0 && strcmp(op, "<>") != 0))
        return sqlc_fail(c, "0A000",
                         "row comparison with a subquery by %s is not supported on "
                         "the mirror",
                         op ? op : "?");
    if (row->n_args != nt)
        return sqlc_fail(c, "42601",
                         row->n_args < nt ? "subquery has too many columns"
                                          : "subquery has too few columns");
    am_buf_t b;
    am_buf_init(&b);
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_BOOL));
    for (size_t i = 0; i < nt; i++) {
        sqlc_val_t l, r = tg[i].val, cmp;
        r.sql = sqlc_printf(c, "am_sub.%s", tg[i].duck);
        r.rec = NULL;
        r.is_null = false; /* a column, as in sublink_any */
        r.is_const = false;
        r.literal = NULL;
        if (!sqlc_expr(c, row->args[i], &l) || !sqlc_operator(c, op, &l, &r, &cmp)) {
            am_buf_destroy(&b);
            return false;
        }
        am_buf_printf(&b, "%s%s", i ? (op[0] == '=' ? " AND " : " OR ") : "", cmp.sql);
        sqlc_merge_flags(out, &l);
    }
    char *cmp = sqlc_printf(c, "(%s)", b.data);
    am_buf_destroy(&b);
    bool all = s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK;
    out->sql = all ? sqlc_printf(c,
                                 "(SELECT bool_and(%s) IS NOT FALSE AND (count(*) = 0 OR "
                                 "bool_and(%s) IS NOT NULL) FROM (%s) AS am_sub)",
                                 cmp, cmp, sub)
                   : sqlc_printf(c,
                                 "(SELECT CASE WHEN bool_or(%s) THEN true WHEN count(*) = 0 "
                                 "THEN false WHEN bool_or(%s IS NULL) THEN NULL ELSE false END "
                                 "FROM (%s) AS am_sub)",
                                 cmp, cmp, sub);
    out->is_const = false;
    return true;
}

static bool sublink(sqlc_ctx_t *c, const PgQuery__SubLink *s, sqlc_val_t *out)
{
    char *sub = NULL;
    sqlc_target_t *tg = NULL;
    size_t nt = 0;
    if (!sqlc_subquery(c, s->subselect, &sub, &tg, &nt))
        return false;
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_BOOL));
    switch (s->sub_link_type) {
    case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK:
        out->sql = sqlc_printf(c, "(EXISTS (%s))", sub);
        out->name = "exists";
        return true;
    case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK:
    case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK:
    case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK:
    case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK:
        break;
    default:
        return sqlc_fail(c, "0A000", "this kind of subquery is not supported on the mirror");
    }
    const sqlc_node_t *te = s->testexpr;
    if ((s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK ||
         s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK) &&
        te && te->node_case == PG_QUERY__NODE__NODE_ROW_EXPR)
        return sublink_row(c, s, sub, tg, nt, out);
    if (nt != 1)
        return sqlc_fail(c, "42601",
                         nt > 1 ? "subquery must return only one column"
                                : "subquery must return a column");
    if (s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK) {
        *out = tg[0].val;
        out->sql = sqlc_printf(c, "(%s)", sub);
        /* the subquery's aggregates and set-returning functions are its own */
        out->has_agg = false;
        out->has_srf = false;
        out->relid = 0;
        out->attnum = 0;
        out->name = tg[0].name;
        out->is_const = false;
        return true;
    }
    if (s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK) {
        uint32_t arr = proxy__pgtype_array(c->cat, tg[0].val.type.oid);
        if (!arr && is_array(c, tg[0].val.type))
            return sqlc_fail(c, "0A000", "multidimensional arrays are not supported on the mirror");
        if (!arr)
            return sqlc_fail(c, "42704", "could not find array type for data type %s",
                             sqlc_type_name(c, tg[0].val.type));
        *out = sqlc_val_of(sqlc_printf(c,
                                       "(SELECT coalesce(list(am_sub.o ORDER BY am_sub.n), []) "
                                       "FROM (SELECT %s AS o, row_number() OVER () AS n "
                                       "FROM (%s) AS am_q) AS am_sub)",
                                       tg[0].duck, sub),
                           (proxy_pgtype_ref_t){arr, tg[0].val.type.typmod});
        out->numv = tg[0].val.numv;
        out->name = "array";
        return true;
    }
    return sublink_any(c, s, sub, tg, out);
}

/* Types with a collation: the string category but "char", and arrays of them. */
static bool collatable(sqlc_ctx_t *c, proxy_pgtype_ref_t t)
{
    uint32_t b = proxy__pgtype_base(c->cat, t).oid;
    uint32_t e = sqlc_is_array(c, b) ? proxy__pgtype_elem(c->cat, b) : 0;
    if (e)
        b = proxy__pgtype_base(c->cat, sqlc_type(e)).oid;
    return b == PG_OID_UNKNOWN || (b != PG_OID_CHAR && sqlc_category(c, b) == 'S');
}

static bool collate(sqlc_ctx_t *c, const PgQuery__CollateClause *cc, sqlc_val_t *out)
{
    const char *name = cc->n_collname ? sqlc_str(cc->collname[cc->n_collname - 1]) : NULL;
    if (!sqlc_expr(c, cc->arg, out))
        return false;
    /* ORDER BY 1 COLLATE "C" sorts by the constant 1, which has no collation */
    if (!collatable(c, out->type))
        return sqlc_fail(c, "42804", "collations are not supported by type %s",
                         sqlc_type_name(c, out->type));
    /* DuckDB compares bytes: exactly PostgreSQL's "C" and "POSIX" collations */
    if (name && (strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0 ||
                 (strcmp(name, "default") == 0 && sqlc_default_collation_is_c(c))))
        return true;
    return sqlc_fail(c, "0A000", "collation \"%s\" is not supported on the mirror (only \"C\")",
                     name ? name : "?");
}

/* The level a GROUPING() argument belongs to: that of its columns (an outer query's, from a
 * subquery), whose references are marked "\001<depth>\003..." (sqlc_group.c). */
static int grouping_level(const sqlc_ctx_t *c, const char *sql)
{
    const char *m = strchr(sql, '\001');
    return m && m[1] >= '0' && m[1] <= '9' ? atoi(m + 1) : c->scope->depth;
}

static bool grouping(sqlc_ctx_t *c, const PgQuery__GroupingFunc *g, sqlc_val_t *out)
{
    sqlc_val_t *v = vals_new(c, g->n_args);
    for (size_t i = 0; i < g->n_args; i++)
        if (!sqlc_expr(c, g->args[i], &v[i]))
            return false;
    /* each argument framed "\006<depth>:...\006": the level's GROUP BY, compiled later,
     * may group it by an equality key, which GROUPING() must then name (sqlc_group.c) */
    for (size_t i = 0; i < g->n_args; i++)
        v[i].sql = sqlc_printf(c, "\006%d:%s\006", grouping_level(c, v[i].sql), v[i].sql);
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_INT4));
    out->sql = sqlc_printf(c, "CAST(grouping(%s) AS INTEGER)", join_vals(c, v, g->n_args, out));
    out->has_agg = true;
    out->name = "grouping";
    return true;
}

bool sqlc_expr_more(sqlc_ctx_t *c, const sqlc_node_t *n, sqlc_val_t *out)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CASE_EXPR:
        return case_expr(c, n->case_expr, out);
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        return coalesce_expr(c, n->coalesce_expr, out);
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        return minmax_expr(c, n->min_max_expr, out);
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
        return array_expr(c, n->a_array_expr, out);
    case PG_QUERY__NODE__NODE_A_INDIRECTION:
        return indirection(c, n->a_indirection, out);
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
        return value_function(c, n->sqlvalue_function, out);
    case PG_QUERY__NODE__NODE_SUB_LINK:
        return sublink(c, n->sub_link, out);
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
        return collate(c, n->collate_clause, out);
    case PG_QUERY__NODE__NODE_GROUPING_FUNC:
        return grouping(c, n->grouping_func, out);
    case PG_QUERY__NODE__NODE_ROW_EXPR:
        return sqlc_row_expr(c, n->row_expr, out);
    default:
        return sqlc_fail(c, "0A000", "this kind of expression is not supported on the mirror");
    }
}
