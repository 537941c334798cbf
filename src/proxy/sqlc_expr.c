/*
 * proxy/sqlc_expr.c: expressions. One function per node kind, each checking the node, typing it
 * as PostgreSQL's parse analysis would (transformExpr), naming it as FigureColname would, and
 * writing the DuckDB SQL. A node kind not handled here is not allowed on the mirror.
 * Spec: PostgreSQL 15 docs "Value Expressions", "Type Conversion"; docs/pgface.md.
 */
#include "proxy/sqlc_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A numeric literal as PostgreSQL types it: int4, int8, or numeric with its display scale. */
static bool num_literal(sqlc_ctx_t *c, const char *s, sqlc_val_t *out)
{
    bool plain = s[0] != '\0';
    for (const char *p = s + (s[0] == '-'); *p; p++)
        plain = plain && isdigit((unsigned char)*p);
    if (plain && strlen(s) <= 20) {
        sqlc_val_t v;
        am_err_t *saved = c->err, tmp = {0};
        c->err = &tmp;
        /* an integer the lexer could not take as int4 (2147483648, or -2147483648 negated by
         * the grammar): int4 when it fits after all, else int8, as make_const() decides */
        bool fits = sqlc_lit_int(c, s, PG_OID_INT4, &v) || sqlc_lit_int(c, s, PG_OID_INT8, &v);
        c->err = saved;
        if (fits) {
            *out = v;
            return true;
        }
    }
    /* mantissa digits and exponent -> canonical digits and scale (numeric_in's dscale) */
    am_buf_t digits;
    am_buf_init(&digits);
    const char *p = s;
    bool neg = *p == '-';
    p += neg;
    int scale = 0;
    bool frac = false;
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            frac = true;
            continue;
        }
        am_buf_putc(&digits, *p);
        scale += frac;
    }
    long exp10 = *p ? strtol(p + 1, NULL, 10) : 0;
    if (exp10 > 1000 || exp10 < -1000) {
        am_buf_destroy(&digits);
        return sqlc_fail(c, "22003", "value overflows numeric format");
    }
    scale -= (int)exp10;
    while (scale < 0) {
        am_buf_putc(&digits, '0');
        scale++;
    }
    /* strip leading zeros, keep at least scale + 1 digits */
    size_t lead = 0;
    while (lead + 1 < digits.len && digits.data[lead] == '0' &&
           digits.len - lead > (size_t)scale + 1)
        lead++;
    const char *d = digits.data + lead;
    size_t nd = digits.len - lead;
    while (nd < (size_t)scale + 1) {
        am_buf_t z;
        am_buf_init(&z);
        for (size_t i = nd; i < (size_t)scale + 1; i++)
            am_buf_putc(&z, '0');
        am_buf_append(&z, d, nd);
        d = am_arena_strndup(c->arena, z.data, z.len);
        nd = z.len;
        am_buf_destroy(&z);
    }
    char *text = sqlc_printf(c, "%s%.*s%s%.*s", neg ? "-" : "", (int)(nd - (size_t)scale), d,
                             scale ? "." : "", scale, d + nd - (size_t)scale);
    am_buf_destroy(&digits);
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_NUMERIC));
    out->is_const = true;
    if (nd <= 38) {
        out->sql = sqlc_printf(c, "CAST('%s' AS DECIMAL(%zu,%d))", text, nd, scale);
        out->dec_p = (uint8_t)nd;
        out->dec_s = (uint8_t)scale;
    } else {
        out->sql = sqlc_literal(c, text);
        out->numv = true;
    }
    return true;
}

static bool a_const(sqlc_ctx_t *c, const PgQuery__AConst *k, sqlc_val_t *out)
{
    memset(out, 0, sizeof *out);
    if (k->isnull) {
        *out = sqlc_val_of(sqlc_strdup(c, "NULL"), sqlc_type(PG_OID_UNKNOWN));
        out->is_null = out->is_const = true;
        return true;
    }
    switch (k->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        /* typed: DuckDB would give a bare literal the other operand's width (smallint + 1
         * would overflow at 32767, where PostgreSQL's int2 + int4 is an int4) */
        *out = sqlc_val_of(sqlc_printf(c, "CAST(%d AS INTEGER)", k->ival ? k->ival->ival : 0),
                           sqlc_type(PG_OID_INT4));
        out->is_const = true;
        return true;
    case PG_QUERY__A__CONST__VAL_FVAL:
        return num_literal(c, k->fval && k->fval->fval ? k->fval->fval : "0", out);
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        *out = sqlc_val_of(sqlc_strdup(c, k->boolval && k->boolval->boolval ? "true" : "false"),
                           sqlc_type(PG_OID_BOOL));
        out->is_const = true;
        return true;
    case PG_QUERY__A__CONST__VAL_SVAL: {
        const char *s = k->sval && k->sval->sval ? k->sval->sval : "";
        *out = sqlc_val_of(sqlc_literal(c, s), sqlc_type(PG_OID_UNKNOWN));
        out->literal = sqlc_strdup(c, s);
        out->is_const = true;
        return true;
    }
    default:
        return sqlc_fail(c, "0A000", "bit string constants are not supported on the mirror");
    }
}

static bool param_ref(sqlc_ctx_t *c, const PgQuery__ParamRef *p, sqlc_val_t *out)
{
    if (p->number < 1 || p->number > 65535)
        return sqlc_fail(c, "42P02", "there is no parameter $%d", p->number);
    size_t i = (size_t)p->number - 1;
    if (i >= c->n_params) {
        if (i >= c->cap_params) {
            size_t cap = i + 8;
            sqlc_param_t *np = am_arena_alloc(c->arena, cap * sizeof *np);
            memset(np, 0, cap * sizeof *np);
            if (c->n_params)
                memcpy(np, c->params, c->n_params * sizeof *np);
            c->params = np;
            c->cap_params = cap;
        }
        c->n_params = i + 1;
    }
    proxy_pgtype_ref_t t = c->params[i].type;
    if (t.oid == 0) {
        /* an untyped parameter acts like an untyped literal until context decides;
         * sqlc_param_settle() gives it the type it was coerced to */
        *out = sqlc_val_of(sqlc_printf(c, "$%d", p->number), sqlc_type(PG_OID_UNKNOWN));
        out->literal = NULL;
        out->param = p->number;
        return true;
    }
    bool numv = false;
    char *x = sqlc_param_input(c, p->number, t, &numv);
    if (!x)
        return false;
    *out = sqlc_val_of(x, t);
    out->numv = numv;
    return true;
}

static bool type_cast(sqlc_ctx_t *c, const PgQuery__TypeCast *tc, sqlc_val_t *out)
{
    proxy_pgtype_ref_t t;
    /* ARRAY[]::t[]: the cast gives the empty array its type */
    if (tc->arg && tc->arg->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR &&
        tc->arg->a_array_expr->n_elements == 0) {
        if (!sqlc_typename(c, tc->type_name, &t))
            return false;
        if (!proxy__pgtype_elem(c->cat, proxy__pgtype_base(c->cat, t).oid))
            return sqlc_fail(c, "42846", "cannot cast type %s[] to %s", "unknown",
                             sqlc_type_name(c, t));
        *out = sqlc_val_of(sqlc_printf(c, "CAST([] AS %s)", sqlc_duck_type(c, t)), t);
        out->is_const = true;
        out->numv = sqlc_numv_type(c, sqlc_type(proxy__pgtype_elem(c->cat, t.oid)));
        out->name = "array"; /* FigureColname: the ARRAY's name is stronger than a cast's */
        return true;
    }
    if (!sqlc_expr(c, tc->arg, out) || !sqlc_typename(c, tc->type_name, &t))
        return false;
    const char *name = out->name;
    bool weak = out->name_weak;
    if (!sqlc_coerce(c, out, t, SQLC_EXPLICIT))
        return false;
    /* FigureColname: a cast names the column after its type unless the operand has a strong
     * name (a column, a function ...) */
    const PgQuery__TypeName *tn = tc->type_name;
    out->name = name;
    out->name_weak = weak;
    if ((!name || weak) && tn->n_names) {
        out->name = sqlc_str(tn->names[tn->n_names - 1]);
        out->name_weak = true;
    }
    return true;
}

bool sqlc_bool_expr(sqlc_ctx_t *c, const sqlc_node_t *n, const char *clause, sqlc_val_t *out)
{
    if (!sqlc_expr(c, n, out))
        return false;
    if (out->type.oid == PG_OID_UNKNOWN)
        return sqlc_coerce(c, out, sqlc_type(PG_OID_BOOL), SQLC_IMPLICIT);
    if (proxy__pgtype_base(c->cat, out->type).oid != PG_OID_BOOL)
        return sqlc_fail(c, "42804", "argument of %s must be type boolean, not type %s", clause,
                         sqlc_type_name(c, out->type));
    return true;
}

static bool bool_op(sqlc_ctx_t *c, const PgQuery__BoolExpr *b, sqlc_val_t *out)
{
    const char *word = b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR  ? "AND"
                       : b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ? "OR"
                                                                        : "NOT";
    am_buf_t sql;
    am_buf_init(&sql);
    bool flags[4] = {true, false, false, false};
    for (size_t i = 0; i < b->n_args; i++) {
        sqlc_val_t a;
        if (!sqlc_bool_expr(c, b->args[i], word, &a)) {
            am_buf_destroy(&sql);
            return false;
        }
        flags[0] = flags[0] && a.is_const;
        flags[1] = flags[1] || a.has_agg;
        flags[2] = flags[2] || a.has_srf;
        flags[3] = flags[3] || a.is_volatile;
        if (b->boolop == PG_QUERY__BOOL_EXPR_TYPE__NOT_EXPR)
            am_buf_printf(&sql, "(NOT %s)", a.sql);
        else
            am_buf_printf(&sql, "%s%s", i ? sqlc_printf(c, " %s ", word) : "(", a.sql);
    }
    if (b->boolop != PG_QUERY__BOOL_EXPR_TYPE__NOT_EXPR)
        am_buf_putc(&sql, ')');
    *out = sqlc_val_of(am_arena_strndup(c->arena, sql.data, sql.len), sqlc_type(PG_OID_BOOL));
    out->is_const = flags[0];
    out->has_agg = flags[1];
    out->has_srf = flags[2];
    out->is_volatile = flags[3];
    am_buf_destroy(&sql);
    return true;
}

static bool null_test(sqlc_ctx_t *c, const PgQuery__NullTest *t, sqlc_val_t *out)
{
    sqlc_val_t a;
    if (!sqlc_expr(c, t->arg, &a))
        return false;
    /* IS NULL gives an untyped parameter no type: alone it fails the statement (42P18), as
     * an argument of type "any" does (sqlc_apply_sig) */
    if (a.param && a.type.oid == PG_OID_UNKNOWN)
        c->params[a.param - 1].any_use = true;
    else if (!sqlc_resolve_unknown(c, &a))
        return false;
    bool is = t->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NULL;
    *out = sqlc_val_of(sqlc_printf(c, "(%s IS %sNULL)", a.sql, is ? "" : "NOT "),
                       sqlc_type(PG_OID_BOOL));
    if (a.rec) {
        /* a row IS NULL when every field is, IS NOT NULL when none is */
        am_buf_t b;
        am_buf_init(&b);
        am_buf_putc(&b, '(');
        for (size_t i = 0; i < a.rec->n; i++)
            am_buf_printf(&b, "%sstruct_extract(%s, 'f%zu') IS %sNULL", i ? " AND " : "", a.sql,
                          i + 1, is ? "" : "NOT ");
        am_buf_putc(&b, ')');
        out->sql = am_arena_strndup(c->arena, b.data, b.len);
        am_buf_destroy(&b);
    }
    out->is_const = true;
    sqlc_merge_flags(out, &a);
    return true;
}

static bool boolean_test(sqlc_ctx_t *c, const PgQuery__BooleanTest *t, sqlc_val_t *out)
{
    static const char *const forms[] = {
        "", "IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IS NULL", "IS NOT NULL"};
    sqlc_val_t a;
    if (!sqlc_bool_expr(c, t->arg, "IS TRUE", &a))
        return false;
    size_t k = (size_t)t->booltesttype;
    if (k < 1 || k >= AM_ARRAY_LEN(forms))
        return sqlc_fail(c, "42601", "unrecognized boolean test");
    *out = sqlc_val_of(sqlc_printf(c, "(%s %s)", a.sql, forms[k]), sqlc_type(PG_OID_BOOL));
    out->has_agg = a.has_agg;
    return true;
}

bool sqlc_expr(sqlc_ctx_t *c, const sqlc_node_t *n, sqlc_val_t *out)
{
    memset(out, 0, sizeof *out);
    if (!n)
        return sqlc_fail(c, "42601", "missing expression");
    if (!sqlc_stack_ok(c))
        return false;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF:
        return sqlc_column_ref(c, n->column_ref, out);
    case PG_QUERY__NODE__NODE_A_CONST:
        return a_const(c, n->a_const, out);
    case PG_QUERY__NODE__NODE_PARAM_REF:
        return param_ref(c, n->param_ref, out);
    case PG_QUERY__NODE__NODE_TYPE_CAST:
        return type_cast(c, n->type_cast, out);
    case PG_QUERY__NODE__NODE_A_EXPR:
        return sqlc_a_expr(c, n->a_expr, out);
    case PG_QUERY__NODE__NODE_BOOL_EXPR:
        return bool_op(c, n->bool_expr, out);
    case PG_QUERY__NODE__NODE_NULL_TEST:
        return null_test(c, n->null_test, out);
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST:
        return boolean_test(c, n->boolean_test, out);
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        return sqlc_func_call(c, n->func_call, out);
    default:
        return sqlc_expr_more(c, n, out);
    }
}
