/*
 * proxy/sqlc_oper.c: operator expressions (A_Expr): binary and prefix operators, IS [NOT]
 * DISTINCT FROM, NULLIF, IN lists, LIKE/ILIKE/SIMILAR TO with ESCAPE, BETWEEN [SYMMETRIC],
 * op ANY/ALL (array), and row comparisons, each reduced to resolved operators as PostgreSQL's
 * transformAExpr does.
 * Spec: PostgreSQL 15 docs "Comparison Functions and Operators", "Pattern Matching", "Row and
 * Array Comparisons"; "Type Conversion" 10.2.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

static const char *op_name(sqlc_ctx_t *c, PgQuery__Node **names, size_t n, bool *ok)
{
    *ok = true;
    if (n == 2) {
        const char *nsp = sqlc_str(names[0]);
        if (!nsp || strcmp(nsp, "pg_catalog") != 0)
            *ok = sqlc_fail(c, "42883", "operator does not exist: %s.%s", nsp ? nsp : "?",
                            sqlc_str(names[1]) ? sqlc_str(names[1]) : "?");
        return sqlc_str(names[1]);
    }
    const char *s = n == 1 ? sqlc_str(names[0]) : NULL;
    if (!s)
        *ok = sqlc_fail(c, "42601", "improper qualified operator name");
    return s;
}

static bool is_ordering(const char *op)
{
    return !strcmp(op, "<") || !strcmp(op, ">") || !strcmp(op, "<=") || !strcmp(op, ">=");
}

/* PostgreSQL's "operator does not exist" with its hint, or 0A000 for types held as text. */
static bool no_operator(sqlc_ctx_t *c, const char *op, const sqlc_val_t *a, const sqlc_val_t *b,
                        bool ambiguous)
{
    const sqlc_val_t *vals[2] = {a, b};
    for (size_t i = 0; i < 2; i++) {
        if (!vals[i] || vals[i]->type.oid == PG_OID_UNKNOWN)
            continue;
        proxy_pgtype_ref_t t = proxy__pgtype_base(c->cat, vals[i]->type);
        const proxy_pgtype_info_t *bi = proxy__pgtype_builtin(t.oid);
        if ((bi && !bi->duck && t.oid != PG_OID_TEXT && t.oid != PG_OID_VARCHAR &&
             t.oid != PG_OID_BPCHAR && t.oid != PG_OID_NAME && t.oid != PG_OID_CHAR &&
             t.oid != PG_OID_NUMERIC && t.oid != PG_OID_JSON && t.oid != PG_OID_JSONB &&
             t.oid != PG_OID_UNKNOWN) ||
            (!bi && !sqlc_is_array(c, t.oid) && sqlc_category(c, t.oid) != 'E'))
            return sqlc_fail(c, "0A000", "operator %s on type %s is not supported on the mirror",
                             op, sqlc_type_name(c, t));
    }
    const char *l = a ? sqlc_type_name(c, a->type) : NULL;
    const char *r = sqlc_type_name(c, b->type);
    if (ambiguous)
        return sqlc_fail(c, "42725", "operator is not unique: %s%s%s %s", l ? l : "", l ? " " : "",
                         op, r);
    return sqlc_fail(c, "42883", "operator does not exist: %s%s%s %s", l ? l : "", l ? " " : "", op,
                     r);
}

/* DECIMAL + - * of known precisions: the result's, or both operands turned to numeric text
 * when it would not fit DuckDB's 38 digits (PostgreSQL's numeric has no such limit). */
static void decimal_result(sqlc_ctx_t *c, const char *op, sqlc_val_t *args, uint8_t *dp,
                           uint8_t *ds)
{
    bool add = !strcmp(op, "+") || !strcmp(op, "-"), mul = !strcmp(op, "*");
    sqlc_val_t *a = &args[0], *b = &args[1];
    if (a->numv || b->numv || (!add && !mul))
        return;
    int p, sc;
    if (a->dec_p && b->dec_p) {
        int ia = a->dec_p - a->dec_s, ib = b->dec_p - b->dec_s;
        sc = mul ? a->dec_s + b->dec_s : (a->dec_s > b->dec_s ? a->dec_s : b->dec_s);
        p = mul ? a->dec_p + b->dec_p : (ia > ib ? ia : ib) + sc + 1;
    } else {
        p = 99; /* unknown sizes: exact arithmetic */
        sc = 0;
    }
    /* DuckDB multiplies two DECIMALs of up to 18 digits in 64 bits (and reports an overflow
     * past them): a wider operand makes it multiply in 128 bits, where a product of at most
     * 38 digits always fits, but at three times the cost. Inside an aggregate's arguments the
     * product stays narrow: the aggregate consumes every row before it yields one, so an
     * overflow comes before any row is sent, and the statement is run again widened (query.c,
     * exec.c). Past 38 digits, numeric text */
    if (mul && p > 18 && p <= 38) {
        if (!c->wide_products && c->scope && c->scope->agg_depth > 0) {
            c->narrowed = true;
        } else {
            int w = a->dec_p > 19 ? a->dec_p : 19;
            a->sql = sqlc_printf(c, "CAST(%s AS DECIMAL(%d,%d))", a->sql, w, a->dec_s);
        }
    }
    if (p <= 38) {
        *dp = (uint8_t)p;
        *ds = (uint8_t)sc;
        return;
    }
    for (int i = 0; i < 2; i++) {
        args[i].sql = sqlc_num_text(c, &args[i]);
        args[i].numv = true;
    }
}

bool sqlc_operator2(sqlc_ctx_t *c, const char *op, sqlc_val_t *a, sqlc_val_t *b, sqlc_val_t *out,
                    sqlc_val_t *coerced)
{
    sqlc_val_t args[2];
    size_t n = 0, n_cands = 0;
    if (a)
        args[n++] = *a;
    args[n++] = *b;
    const sqlc_sig_t *const *cands = sqlc_optab_find(c, op, a == NULL, &n_cands);
    bool ambiguous = false;
    const sqlc_sig_t *s = sqlc_resolve(c, cands, n_cands, args, n, &ambiguous);
    if (!s)
        return no_operator(c, op, a, b, ambiguous);
    proxy_pgtype_ref_t rt;
    if (!sqlc_apply_sig(c, s, args, n, &rt))
        return false;
    if (is_ordering(op) && sqlc_is_string(c, s->args[0]) && !sqlc_default_collation_is_c(c))
        return sqlc_fail(c, "0A000",
                         "comparing text by the database's collation is not "
                         "supported on the mirror (use COLLATE \"C\")");
    if (coerced)
        memcpy(coerced, args, n * sizeof *args);
    if (s->emit)
        return s->emit(c, s, args, n, out);
    uint8_t dp = 0, ds = 0;
    if (n == 2 && rt.oid == PG_OID_NUMERIC && s->tmpl_numv)
        decimal_result(c, op, args, &dp, &ds);
    bool any_numv = false;
    for (size_t i = 0; i < n; i++)
        any_numv = any_numv || args[i].numv;
    const char *tmpl = any_numv && s->tmpl_numv ? s->tmpl_numv : s->tmpl;
    *out = sqlc_val_of(sqlc_expand(c, tmpl, args, n), rt);
    out->dec_p = any_numv ? 0 : dp;
    out->dec_s = any_numv ? 0 : ds;
    out->numv = (s->flags & SQLC_F_NUMV) || (rt.oid == PG_OID_NUMERIC && any_numv && s->tmpl_numv);
    out->is_const = true;
    for (size_t i = 0; i < n; i++)
        sqlc_merge_flags(out, &args[i]);
    return true;
}

bool sqlc_operator(sqlc_ctx_t *c, const char *op, sqlc_val_t *a, sqlc_val_t *b, sqlc_val_t *out)
{
    return sqlc_operator2(c, op, a, b, out, NULL);
}

static bool row_args(const sqlc_node_t *n, PgQuery__Node ***items, size_t *count)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
        *items = n->row_expr->args;
        *count = n->row_expr->n_args;
        return true;
    }
    return false;
}

/* A row comparison being built: = and <> pairwise (AND / OR), ordering lexicographic, as
 * PostgreSQL's row compare: the first pair not equal decides, a NULL there makes it NULL. */
typedef struct rowcmp {
    const char *op, *strict; /* strict: < for <=, > for >= (every pair but the last) */
    bool eq, ne;
    am_buf_t sql, prefix;
} rowcmp_t;

static void rowcmp_init(sqlc_ctx_t *c, const char *op, rowcmp_t *rc, sqlc_val_t *out)
{
    *rc = (rowcmp_t){.op = op, .eq = !strcmp(op, "="), .ne = !strcmp(op, "<>")};
    rc->strict = strlen(op) > 1 && op[1] == '=' ? sqlc_printf(c, "%c", op[0]) : op;
    am_buf_init(&rc->sql);
    am_buf_init(&rc->prefix);
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_BOOL));
    out->is_const = true;
}

/* Pair i of n: x op y. */
static bool rowcmp_pair(sqlc_ctx_t *c, rowcmp_t *rc, size_t i, size_t n, sqlc_val_t x, sqlc_val_t y,
                        sqlc_val_t *out)
{
    sqlc_val_t x2 = x, y2 = y, cmp = {0}, e = {0};
    if (!rc->eq && !rc->ne && !is_ordering(rc->op)) {
        /* PostgreSQL looks the operator up for the pair first (42883 when there is none) */
        if (!sqlc_operator(c, rc->op, &x, &y, &cmp))
            return false;
        return sqlc_fail(c, "0A000",
                         "could not determine interpretation of row comparison operator %s\nHINT:  "
                         "Row comparison operators must be associated with btree operator "
                         "families.",
                         rc->op);
    }
    if (rc->eq || rc->ne) {
        if (!sqlc_operator(c, rc->op, &x, &y, &cmp))
            return false;
        am_buf_printf(&rc->sql, "%s%s", i ? (rc->eq ? " AND " : " OR ") : "(", cmp.sql);
    } else {
        const char *this_op = i + 1 == n ? rc->op : rc->strict;
        if (!sqlc_operator(c, this_op, &x, &y, &cmp) || !sqlc_operator(c, "=", &x2, &y2, &e))
            return false;
        am_buf_printf(&rc->sql, "%s(%s%s)", i ? " OR " : "(",
                      rc->prefix.data ? rc->prefix.data : "", cmp.sql);
        am_buf_printf(&rc->prefix, "%s AND ", e.sql);
    }
    sqlc_merge_flags(out, &cmp);
    return true;
}

static bool rowcmp_end(sqlc_ctx_t *c, rowcmp_t *rc, bool ok, sqlc_val_t *out)
{
    am_buf_putc(&rc->sql, ')');
    out->sql = am_arena_strndup(c->arena, rc->sql.data, rc->sql.len);
    am_buf_destroy(&rc->sql);
    am_buf_destroy(&rc->prefix);
    return ok;
}

/* (a, b) op (SELECT x, y ...): PostgreSQL's ROWCOMPARE sublink. The subquery yields at most one
 * row (more is 21000, as for any scalar subquery), none makes the comparison NULL: the pairs
 * are compared inside a scalar subquery over it, which gives both. */
static bool row_subquery(sqlc_ctx_t *c, const char *op, PgQuery__Node **li, size_t ln,
                         const PgQuery__SubLink *s, sqlc_val_t *out)
{
    char *sub = NULL;
    sqlc_target_t *tg = NULL;
    size_t nt = 0;
    if (!sqlc_subquery(c, s->subselect, &sub, &tg, &nt))
        return false;
    if (nt != ln)
        return sqlc_fail(
            c, "42601", nt > ln ? "subquery has too many columns" : "subquery has too few columns");
    rowcmp_t rc;
    rowcmp_init(c, op, &rc, out);
    bool ok = true;
    for (size_t i = 0; i < ln && ok; i++) {
        sqlc_val_t x = {0}, y = tg[i].val;
        y.sql = sqlc_printf(c, "am_sub.%s", tg[i].duck);
        y.rec = NULL;
        y.is_null = false; /* the subquery's column, whatever constant it holds */
        y.is_const = false;
        y.literal = NULL;
        ok = sqlc_expr(c, li[i], &x);
        /* inside the subquery an aggregate or a window would run over its rows (OVER is how
         * the compiler writes every window call) */
        if (ok && (x.has_agg || strstr(x.sql, " OVER (")))
            ok = sqlc_fail(c, "0A000",
                           "row comparison of an aggregate or window function with a subquery "
                           "is not supported on the mirror");
        ok = ok && rowcmp_pair(c, &rc, i, ln, x, y, out);
    }
    if (!rowcmp_end(c, &rc, ok, out))
        return false;
    out->sql = sqlc_printf(c, "(SELECT %s FROM (%s) AS am_sub)", out->sql, sub);
    out->is_const = false;
    return true;
}

/* (a, b) op (c, d), and (a, b) op (SELECT ...). */
static bool row_compare(sqlc_ctx_t *c, const char *op, const sqlc_node_t *l, const sqlc_node_t *r,
                        sqlc_val_t *out)
{
    PgQuery__Node **li, **ri;
    size_t ln, rn;
    if (row_args(l, &li, &ln) && r && r->node_case == PG_QUERY__NODE__NODE_SUB_LINK &&
        r->sub_link->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK)
        return row_subquery(c, op, li, ln, r->sub_link, out);
    if (!row_args(l, &li, &ln) || !row_args(r, &ri, &rn))
        return sqlc_fail(c, "0A000",
                         "row comparison with a non-row is not supported on the mirror");
    if (ln != rn)
        return sqlc_fail(c, "42601", "unequal number of entries in row expressions");
    rowcmp_t rc;
    rowcmp_init(c, op, &rc, out);
    bool ok = true;
    for (size_t i = 0; i < ln && ok; i++) {
        sqlc_val_t x = {0}, y = {0};
        ok = sqlc_expr(c, li[i], &x) && sqlc_expr(c, ri[i], &y) &&
             rowcmp_pair(c, &rc, i, ln, x, y, out);
    }
    return rowcmp_end(c, &rc, ok, out);
}

static bool binary(sqlc_ctx_t *c, const PgQuery__AExpr *e, sqlc_val_t *out)
{
    bool ok;
    const char *op = op_name(c, e->name, e->n_name, &ok);
    if (!ok)
        return false;
    if (e->lexpr && (e->lexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR ||
                     (e->rexpr && e->rexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR)))
        return row_compare(c, op, e->lexpr, e->rexpr, out);
    sqlc_val_t l, r;
    if (e->lexpr && !sqlc_expr(c, e->lexpr, &l))
        return false;
    if (!sqlc_expr(c, e->rexpr, &r))
        return false;
    return sqlc_operator(c, op, e->lexpr ? &l : NULL, &r, out);
}

/* IS [NOT] DISTINCT FROM through the resolved "=" (so bpchar, numeric text compare right). */
static bool distinct(sqlc_ctx_t *c, const PgQuery__AExpr *e, bool is_not, sqlc_val_t *out)
{
    sqlc_val_t l = {0}, r = {0}, eq = {0}, args[2] = {{0}};
    if (!sqlc_expr(c, e->lexpr, &l) || !sqlc_expr(c, e->rexpr, &r) ||
        !sqlc_operator2(c, "=", &l, &r, &eq, args))
        return false;
    const char *a = args[0].sql, *b = args[1].sql;
    *out = eq;
    out->sql = sqlc_printf(c,
                           "(CASE WHEN %s IS NULL AND %s IS NULL THEN %s WHEN %s IS NULL OR %s "
                           "IS NULL THEN %s ELSE %s(%s) END)",
                           a, b, is_not ? "true" : "false", a, b, is_not ? "false" : "true",
                           is_not ? "" : "NOT ", eq.sql);
    return true;
}

static bool nullif(sqlc_ctx_t *c, const PgQuery__AExpr *e, sqlc_val_t *out)
{
    sqlc_val_t l = {0}, r = {0}, eq = {0}, args[2] = {{0}};
    if (!sqlc_expr(c, e->lexpr, &l) || !sqlc_expr(c, e->rexpr, &r) ||
        !sqlc_operator2(c, "=", &l, &r, &eq, args))
        return false;
    *out = args[0];
    /* the value as the = operator took it: a domain's as its base type */
    uint32_t base = proxy__pgtype_base(c->cat, out->type).oid;
    if (base != out->type.oid)
        out->type = (proxy_pgtype_ref_t){base, -1};
    out->sql = sqlc_printf(c, "(CASE WHEN %s THEN NULL ELSE %s END)", eq.sql, args[0].sql);
    out->name = "nullif";
    out->relid = 0;
    out->attnum = 0;
    sqlc_merge_flags(out, &eq);
    return true;
}

static bool in_list(sqlc_ctx_t *c, const PgQuery__AExpr *e, sqlc_val_t *out)
{
    bool ok;
    const char *op = op_name(c, e->name, e->n_name, &ok);
    if (!ok)
        return false;
    const PgQuery__List *list =
        e->rexpr && e->rexpr->node_case == PG_QUERY__NODE__NODE_LIST ? e->rexpr->list : NULL;
    if (!list || list->n_items == 0)
        return sqlc_fail(c, "42601", "syntax error in IN list");
    bool neg = strcmp(op, "<>") == 0;
    am_buf_t b;
    am_buf_init(&b);
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_BOOL));
    out->is_const = true;
    for (size_t i = 0; i < list->n_items; i++) {
        sqlc_val_t l = {0}, r = {0}, cmp = {0};
        bool row = e->lexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR;
        ok = row ? row_compare(c, op, e->lexpr, list->items[i], &cmp)
                 : sqlc_expr(c, e->lexpr, &l) && sqlc_expr(c, list->items[i], &r) &&
                       sqlc_operator(c, op, &l, &r, &cmp);
        if (!ok) {
            am_buf_destroy(&b);
            return false;
        }
        am_buf_printf(&b, "%s%s", i ? (neg ? " AND " : " OR ") : "(", cmp.sql);
        sqlc_merge_flags(out, &cmp);
    }
    am_buf_putc(&b, ')');
    out->sql = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return true;
}

/* LIKE/ILIKE/SIMILAR TO: the grammar wraps an ESCAPE clause as like_escape(pattern, esc) or
 * similar_to_escape(pattern[, esc]). */
static bool pattern_match(sqlc_ctx_t *c, const PgQuery__AExpr *e, sqlc_val_t *out)
{
    bool ok;
    const char *op = op_name(c, e->name, e->n_name, &ok);
    if (!ok)
        return false;
    const sqlc_node_t *rx = e->rexpr;
    const PgQuery__FuncCall *f =
        rx && rx->node_case == PG_QUERY__NODE__NODE_FUNC_CALL ? rx->func_call : NULL;
    const char *fname = f && f->n_funcname ? sqlc_str(f->funcname[f->n_funcname - 1]) : NULL;
    bool similar = e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR;
    bool ilike = e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE;
    if (!similar && !ilike && !(fname && strcmp(fname, "like_escape") == 0))
        return binary(c, e, out);
    const char *wrapper = similar ? "similar_to_escape" : "like_escape";
    if (!(fname && strcmp(fname, wrapper) == 0))
        f = NULL; /* ILIKE without ESCAPE: the pattern is the right operand itself */
    sqlc_val_t l, p, esc = {0};
    proxy_pgtype_ref_t text = sqlc_type(PG_OID_TEXT);
    const sqlc_node_t *pat = f && f->n_args > 0 ? f->args[0] : rx;
    if (!sqlc_expr(c, e->lexpr, &l) || !sqlc_coerce(c, &l, text, SQLC_IMPLICIT) ||
        !sqlc_expr(c, pat, &p) || !sqlc_coerce(c, &p, text, SQLC_IMPLICIT))
        return false;
    bool has_esc = f && f->n_args > 1;
    if (has_esc && (!sqlc_expr(c, f->args[1], &esc) || !sqlc_coerce(c, &esc, text, SQLC_IMPLICIT)))
        return false;
    bool neg = op[0] == '!';
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_BOOL));
    if (similar)
        out->sql = sqlc_printf(c, "(%sam_similar_match(%s, %s, %s))", neg ? "NOT " : "", l.sql,
                               p.sql, has_esc ? esc.sql : "'\\'");
    else if (ilike && sqlc_ctype_unicode(c))
        /* under C.UTF-8 PostgreSQL folds case as Unicode does: DuckDB's ilike agrees */
        out->sql = sqlc_printf(c, "(%silike_escape(%s, %s, %s))", neg ? "NOT " : "", l.sql, p.sql,
                               has_esc ? esc.sql : "'\\'");
    else /* PostgreSQL's LIKE: DuckDB's like_escape differs on escape strings (pgfn_text.h);
          * ILIKE of non-ASCII text under another locale is refused there */
        out->sql = sqlc_printf(c, "(%sam_like(%s, %s, %s, %s))", neg ? "NOT " : "", l.sql, p.sql,
                               has_esc ? esc.sql : "'\\'", ilike ? "true" : "false");
    out->is_const = l.is_const && p.is_const;
    sqlc_merge_flags(out, &l);
    return true;
}

static bool between(sqlc_ctx_t *c, const PgQuery__AExpr *e, sqlc_val_t *out)
{
    const PgQuery__List *list =
        e->rexpr && e->rexpr->node_case == PG_QUERY__NODE__NODE_LIST ? e->rexpr->list : NULL;
    if (!list || list->n_items != 2)
        return sqlc_fail(c, "42601", "syntax error in BETWEEN");
    bool neg = e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN ||
               e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
    bool sym = e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM ||
               e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
    sqlc_val_t a[4], lo[2], hi[2];
    for (int k = 0; k < (sym ? 2 : 1); k++) {
        const sqlc_node_t *low = list->items[k], *high = list->items[1 - k];
        if (!sqlc_expr(c, e->lexpr, &a[2 * (size_t)k]) ||
            !sqlc_expr(c, e->lexpr, &a[2 * (size_t)k + 1]) || !sqlc_expr(c, low, &lo[k]) ||
            !sqlc_expr(c, high, &hi[k]))
            return false;
        sqlc_val_t x = lo[k], y = hi[k];
        if (!sqlc_operator(c, neg ? "<" : ">=", &a[2 * (size_t)k], &x, &lo[k]) ||
            !sqlc_operator(c, neg ? ">" : "<=", &a[2 * (size_t)k + 1], &y, &hi[k]))
            return false;
    }
    const char *join = neg ? "OR" : "AND";
    char *one = sqlc_printf(c, "(%s %s %s)", lo[0].sql, join, hi[0].sql);
    if (sym)
        one = sqlc_printf(c, "(%s %s (%s %s %s))", one, neg ? "AND" : "OR", lo[1].sql, join,
                          hi[1].sql);
    *out = sqlc_val_of(one, sqlc_type(PG_OID_BOOL));
    out->is_const = true;
    sqlc_merge_flags(out, &lo[0]);
    sqlc_merge_flags(out, &hi[0]);
    return true;
}

/* x op ANY/ALL (array): one comparison per element with PostgreSQL's NULL rules. */
static bool any_all(sqlc_ctx_t *c, const PgQuery__AExpr *e, bool all, sqlc_val_t *out)
{
    bool ok;
    const char *op = op_name(c, e->name, e->n_name, &ok);
    sqlc_val_t l, arr;
    if (!ok || !sqlc_expr(c, e->lexpr, &l) || !sqlc_expr(c, e->rexpr, &arr))
        return false;
    if (arr.type.oid == PG_OID_UNKNOWN) {
        uint32_t at = l.type.oid != PG_OID_UNKNOWN
                          ? proxy__pgtype_array(c->cat, proxy__pgtype_base(c->cat, l.type).oid)
                          : PG_OID_TEXT_ARRAY;
        if (!at || !sqlc_coerce(c, &arr, sqlc_type(at), SQLC_IMPLICIT))
            return sqlc_fail(c, "42809", "op ANY/ALL (array) requires array on right side");
    }
    uint32_t elem = proxy__pgtype_elem(c->cat, proxy__pgtype_base(c->cat, arr.type).oid);
    if (!elem)
        return sqlc_fail(c, "42809", "op ANY/ALL (array) requires array on right side");
    char *var = sqlc_alias(c, 'e');
    sqlc_val_t ev = sqlc_val_of(var, (proxy_pgtype_ref_t){elem, arr.type.typmod});
    ev.numv = arr.numv;
    sqlc_val_t cmp = {0}, co[2] = {{0}};
    if (!sqlc_operator2(c, op, &l, &ev, &cmp, co))
        return false;
    *out = sqlc_val_of(NULL, sqlc_type(PG_OID_BOOL));
    bool eq = !strcmp(op, "=") && !all, ne = !strcmp(op, "<>") && all;
    if (!cmp.sql || !co[0].sql || !co[1].sql) /* operator2 sets all three when it succeeds */
        return sqlc_fail(c, "XX000", "internal error: comparison without SQL");
    bool plain = !strcmp(cmp.sql, sqlc_printf(c, "((%s) %s (%s))", co[0].sql, op, co[1].sql)) &&
                 !strcmp(co[1].sql, var) &&
                 !strcmp(sqlc_key_expr(c, co[0].sql, co[0].type, co[0].numv), co[0].sql);
    if ((eq || ne) && plain) {
        /* = ANY / <> ALL on DuckDB-native equality: list_contains, with PostgreSQL's NULL rules
         * (no subquery and no lambda: both fail in some places, e.g. an outer join's ON) */
        const char *x = co[0].sql, *a = arr.sql;
        out->sql = sqlc_printf(c,
                               "(CASE WHEN %s IS NULL THEN NULL WHEN len(%s) = 0 THEN %s WHEN "
                               "list_contains(%s, %s) THEN %s WHEN %s IS NULL OR "
                               "list_count(%s) < len(%s) THEN NULL ELSE %s END)",
                               a, a, eq ? "false" : "true", a, x, eq ? "true" : "false", x, a, a,
                               eq ? "false" : "true");
    } else {
        /* the comparison with each element, in a subquery over the array */
        const char *sub = sqlc_printf(c, "(SELECT %s AS am_c FROM unnest(%s) AS am_u(%s))", cmp.sql,
                                      arr.sql, var);
        out->sql = all ? sqlc_printf(c,
                                     "(CASE WHEN %s IS NULL THEN NULL ELSE (SELECT CASE WHEN "
                                     "count(*) = 0 THEN true WHEN bool_or(NOT am_c) THEN false "
                                     "WHEN bool_or(am_c IS NULL) THEN NULL ELSE true END FROM "
                                     "%s AS am_s) END)",
                                     arr.sql, sub)
                       : sqlc_printf(c,
                                     "(CASE WHEN %s IS NULL THEN NULL ELSE (SELECT CASE WHEN "
                                     "bool_or(am_c) THEN true WHEN bool_or(am_c IS NULL) THEN "
                                     "NULL ELSE false END FROM %s AS am_s) END)",
                                     arr.sql, sub);
    }
    out->type = sqlc_type(PG_OID_BOOL);
    sqlc_merge_flags(out, &l);
    sqlc_merge_flags(out, &arr);
    return true;
}

bool sqlc_a_expr(sqlc_ctx_t *c, const PgQuery__AExpr *e, sqlc_val_t *out)
{
    switch (e->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP:
        return binary(c, e, out);
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
        return any_all(c, e, false, out);
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL:
        return any_all(c, e, true, out);
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
        return distinct(c, e, false, out);
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT:
        return distinct(c, e, true, out);
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF:
        return nullif(c, e, out);
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN:
        return in_list(c, e, out);
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR:
        return pattern_match(c, e, out);
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM:
        return between(c, e, out);
    default:
        return sqlc_fail(c, "0A000", "this operator form is not supported on the mirror");
    }
}
