/*
 * proxy/sqlc_setop.c: the query-level shells around a plain SELECT: WITH [RECURSIVE], VALUES,
 * UNION/INTERSECT/EXCEPT [ALL] with PostgreSQL's column types (select_common_type per column,
 * names from the left), and ORDER BY/LIMIT over their result.
 * Spec: PostgreSQL 15 docs "Combining Queries" (7.4), "VALUES Lists" (7.7), "WITH" (7.8).
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

static sqlc_target_t *targets_new(sqlc_ctx_t *c, size_t n)
{
    sqlc_target_t *t = am_arena_alloc(c->arena, (n + 1) * sizeof *t);
    memset(t, 0, (n + 1) * sizeof *t);
    return t;
}

/* VALUES (...), (...): columns column1..N typed by select_common_type down each column. */
static bool values(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *out,
                   sqlc_target_t **targets, size_t *n_targets)
{
    size_t rows = s->n_values_lists;
    const PgQuery__List *first = s->values_lists[0]->list;
    size_t cols = first ? first->n_items : 0;
    sqlc_val_t *v = am_arena_alloc(c->arena, (rows * cols + 1) * sizeof *v);
    for (size_t r = 0; r < rows; r++) {
        const PgQuery__List *l = s->values_lists[r]->list;
        if (!l || l->n_items != cols)
            return sqlc_fail(c, "42601", "VALUES lists must all be the same length");
        for (size_t k = 0; k < cols; k++)
            if (!sqlc_expr(c, l->items[k], &v[r * cols + k]))
                return false;
    }
    sqlc_target_t *t = targets_new(c, cols);
    sqlc_val_t *col = am_arena_alloc(c->arena, (rows + 1) * sizeof *col);
    for (size_t k = 0; k < cols; k++) {
        for (size_t r = 0; r < rows; r++)
            col[r] = v[r * cols + k];
        proxy_pgtype_ref_t ct;
        if (!sqlc_common_type(c, col, rows, "VALUES", &ct))
            return false;
        for (size_t r = 0; r < rows; r++) {
            if (!sqlc_coerce(c, &v[r * cols + k], ct, SQLC_IMPLICIT))
                return false;
            sqlc_numeric_unify(c, &v[r * cols + k], 1, ct);
        }
        t[k].val = sqlc_val_of(NULL, ct);
        t[k].val.numv = v[k].numv;
        t[k].name = sqlc_printf(c, "column%zu", k + 1);
        t[k].duck = sqlc_printf(c, "o%zu", k + 1);
        t[k].val.sql = sqlc_strdup(c, t[k].duck); /* ORDER BY names the output column */
    }
    am_buf_puts(out, "SELECT * FROM (VALUES ");
    for (size_t r = 0; r < rows; r++) {
        am_buf_puts(out, r ? ", (" : "(");
        for (size_t k = 0; k < cols; k++) {
            const sqlc_val_t *x = &v[r * cols + k];
            /* DuckDB would unify DECIMAL scales across rows; numeric text keeps each value's */
            am_buf_printf(out, "%s%s", k ? ", " : "", x->sql);
        }
        am_buf_putc(out, ')');
    }
    am_buf_puts(out, ") AS am_v(");
    for (size_t k = 0; k < cols; k++)
        am_buf_printf(out, "%so%zu", k ? ", " : "", k + 1);
    am_buf_putc(out, ')');
    *targets = t;
    *n_targets = cols;
    return true;
}

static const char *setop_word(PgQuery__SetOperation op, bool all)
{
    switch (op) {
    case PG_QUERY__SET_OPERATION__SETOP_UNION:
        return all ? "UNION ALL" : "UNION";
    case PG_QUERY__SET_OPERATION__SETOP_INTERSECT:
        return all ? "INTERSECT ALL" : "INTERSECT";
    default:
        return all ? "EXCEPT ALL" : "EXCEPT";
    }
}

/* One side of a set operation re-projected to the chosen column types. */
static char *recast(sqlc_ctx_t *c, const char *sql, sqlc_target_t *side, const sqlc_target_t *t,
                    size_t n, bool *ok)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "SELECT ");
    for (size_t k = 0; k < n && *ok; k++) {
        sqlc_val_t v = side[k].val;
        v.sql = sqlc_printf(c, "am_s.o%zu", k + 1);
        *ok = sqlc_coerce(c, &v, t[k].val.type, SQLC_IMPLICIT);
        if (*ok && v.numv != t[k].val.numv)
            v.sql = t[k].val.numv
                        ? sqlc_num_text(c, &v)
                        : sqlc_printf(c, "CAST(%s AS %s)", v.sql, sqlc_duck_type(c, t[k].val.type));
        am_buf_printf(&b, "%s%s AS o%zu", k ? ", " : "", v.sql, k + 1);
    }
    am_buf_printf(&b, " FROM (%s) AS am_s", sql);
    char *s = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return s;
}

/* Column k's equality key over the relation alias a (its column itself when it needs none). */
static bool column_key(sqlc_ctx_t *c, const sqlc_target_t *t, size_t k, const char *a,
                       const char **key, bool *keyed)
{
    sqlc_val_t v = t[k].val;
    v.sql = sqlc_printf(c, "%s.o%zu", a, k + 1);
    if (!sqlc_eq_key(c, &v, key))
        return false;
    *keyed = *keyed || *key;
    if (!*key)
        *key = v.sql;
    return true;
}

/* A set operation that compares rows (all but UNION ALL) over a column PostgreSQL compares by
 * value where DuckDB would compare texts (sqlc_eqkey.c): written over the columns' keys, one
 * row of each set of equal rows kept (row_number() pairs the copies of the ALL variants, so
 * that INTERSECT ALL keeps min(m, n) of them and EXCEPT ALL m - n, as PostgreSQL). *done false:
 * no column needs a key. */
static bool keyed_setop(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, const sqlc_target_t *t,
                        size_t n, const char *l2, const char *r2, am_buf_t *out, bool *done)
{
    *done = false;
    bool unite = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION;
    if (unite && s->all)
        return true;
    am_buf_t kx, ky, cond, cols;
    am_buf_init(&kx);
    am_buf_init(&ky);
    am_buf_init(&cond);
    am_buf_init(&cols);
    bool ok = true, keyed = false;
    for (size_t k = 0; ok && k < n; k++) {
        const char *x, *y;
        ok = column_key(c, t, k, "am_x", &x, &keyed) && column_key(c, t, k, "am_y", &y, &keyed);
        if (!ok)
            break;
        am_buf_printf(&kx, "%s%s", k ? ", " : "", x);
        am_buf_printf(&ky, "%s%s", k ? ", " : "", y);
        am_buf_printf(&cond, "%s%s IS NOT DISTINCT FROM %s", k ? " AND " : "", x, y);
        am_buf_printf(&cols, "%sam_x.o%zu", k ? ", " : "", k + 1);
    }
    if (ok && keyed) {
        const char *neg = s->op == PG_QUERY__SET_OPERATION__SETOP_EXCEPT ? "NOT " : "";
        *done = true;
        if (unite)
            am_buf_printf(out, "SELECT DISTINCT ON (%s) %s FROM ((%s) UNION ALL (%s)) AS am_x",
                          kx.data, cols.data, l2, r2);
        else if (!s->all)
            am_buf_printf(out,
                          "SELECT DISTINCT ON (%s) %s FROM (%s) AS am_x WHERE %sEXISTS (SELECT 1 "
                          "FROM (%s) AS am_y WHERE %s)",
                          kx.data, cols.data, l2, neg, r2, cond.data);
        else
            am_buf_printf(out,
                          "SELECT %s FROM (SELECT am_x.*, row_number() OVER (PARTITION BY %s) AS "
                          "am_n FROM (%s) AS am_x) AS am_x WHERE %sEXISTS (SELECT 1 FROM (SELECT "
                          "am_y.*, row_number() OVER (PARTITION BY %s) AS am_n FROM (%s) AS am_y) "
                          "AS am_y WHERE %s AND am_y.am_n = am_x.am_n)",
                          cols.data, kx.data, l2, neg, ky.data, r2, cond.data);
    }
    am_buf_destroy(&kx);
    am_buf_destroy(&ky);
    am_buf_destroy(&cond);
    am_buf_destroy(&cols);
    return ok;
}

static bool setop(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *out,
                  sqlc_target_t **targets, size_t *n_targets)
{
    char *lsql = NULL, *rsql = NULL;
    sqlc_target_t *lt = NULL, *rt = NULL;
    size_t ln = 0, rn = 0;
    c->setop_leaf = true;
    bool lok = sqlc_query(c, s->larg, &lsql, &lt, &ln);
    c->setop_leaf = true;
    bool rok = lok && sqlc_query(c, s->rarg, &rsql, &rt, &rn);
    c->setop_leaf = false;
    if (!lok || !rok)
        return false;
    const char *word = setop_word(s->op, s->all);
    if (ln != rn)
        return sqlc_fail(c, "42601", "each %s query must have the same number of columns", word);
    sqlc_target_t *t = targets_new(c, ln);
    for (size_t k = 0; k < ln; k++) {
        sqlc_val_t pair[2] = {lt[k].val, rt[k].val};
        proxy_pgtype_ref_t ct;
        if (!sqlc_common_type(c, pair, 2, word, &ct))
            return false;
        t[k].val = sqlc_val_of(NULL, ct);
        /* numeric text only where the column stays numeric (or numeric[]): numeric UNION real
         * is real, and its values print as floats */
        uint32_t b = proxy__pgtype_base(c->cat, ct).oid, e = proxy__pgtype_elem(c->cat, b);
        bool numeric = b == PG_OID_NUMERIC ||
                       (e && proxy__pgtype_base(c->cat, sqlc_type(e)).oid == PG_OID_NUMERIC);
        t[k].val.numv = numeric && (lt[k].val.numv || rt[k].val.numv || sqlc_numv_type(c, ct));
        t[k].name = lt[k].name;
        t[k].duck = sqlc_printf(c, "o%zu", k + 1);
        t[k].val.sql = sqlc_strdup(c, t[k].duck); /* ORDER BY names the output column */
    }
    bool ok = true;
    char *l2 = recast(c, lsql, lt, t, ln, &ok);
    char *r2 = ok ? recast(c, rsql, rt, t, ln, &ok) : NULL;
    bool done = false;
    if (!ok || !keyed_setop(c, s, t, ln, l2, r2, out, &done))
        return false;
    if (!done)
        am_buf_printf(out, "(%s) %s (%s)", l2, word, r2);
    *targets = t;
    *n_targets = ln;
    return true;
}

/* WITH: each CTE compiled in order (later ones see earlier ones); RECURSIVE ones see
 * themselves, typed by their non-recursive term. */
static bool with_clause(sqlc_ctx_t *c, const PgQuery__WithClause *w, am_buf_t *out)
{
    sqlc_scope_t *sc = c->scope;
    sc->ctes = am_arena_alloc(c->arena, (w->n_ctes + 1) * sizeof(sqlc_cte_t *));
    am_buf_puts(out, w->recursive ? "WITH RECURSIVE " : "WITH ");
    for (size_t i = 0; i < w->n_ctes; i++) {
        const PgQuery__CommonTableExpr *cte = w->ctes[i]->common_table_expr;
        if (cte->search_clause || cte->cycle_clause)
            return sqlc_fail(c, "0A000", "SEARCH and CYCLE are not supported on the mirror");
        if (!cte->ctequery || cte->ctequery->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
            return sqlc_fail(c, "25006",
                             "cannot execute a data-modifying WITH query in a "
                             "read-only transaction");
        sqlc_cte_t *q = am_arena_alloc(c->arena, sizeof *q);
        memset(q, 0, sizeof *q);
        q->name = cte->ctename;
        q->duck_name = sqlc_alias(c, 'q');
        char *sql = NULL;
        sqlc_target_t *t = NULL;
        size_t n = 0;
        if (!sqlc_cte_body(c, w->recursive, q, cte, &sql, &t, &n))
            return false;
        if (cte->n_aliascolnames > n)
            return sqlc_fail(c, "42P10",
                             "WITH query \"%s\" has %zu columns available but %zu "
                             "columns specified",
                             q->name, n, cte->n_aliascolnames);
        sqlc_cte_set_cols(c, q, t, n, cte);
        sc->ctes[sc->n_ctes++] = q;
        am_buf_printf(out, "%s%s AS (%s)", i ? ", " : "", q->duck_name, sql);
    }
    am_buf_putc(out, ' ');
    return true;
}

void sqlc_cte_set_cols(sqlc_ctx_t *c, sqlc_cte_t *q, const sqlc_target_t *t, size_t n,
                       const PgQuery__CommonTableExpr *cte)
{
    q->cols = am_arena_alloc(c->arena, (n + 1) * sizeof *q->cols);
    memset(q->cols, 0, (n + 1) * sizeof *q->cols);
    q->n_cols = n;
    for (size_t k = 0; k < n; k++) {
        q->cols[k].name = k < cte->n_aliascolnames ? sqlc_str(cte->aliascolnames[k]) : t[k].name;
        q->cols[k].type = t[k].val.type;
        q->cols[k].numv = t[k].val.numv;
        q->cols[k].sql = t[k].duck;
    }
}

/* A recursive CTE: the non-recursive term first (it fixes the types), then the whole union
 * with the CTE visible. */
/* A recursive term's unconstrained numeric columns grow past any DECIMAL: both terms give them
 * as numeric text (each value keeps its scale, as PostgreSQL's numeric). */
static char *numv_recast(sqlc_ctx_t *c, char *sql, sqlc_target_t *t, size_t n)
{
    bool any = false;
    for (size_t k = 0; k < n; k++)
        any = any || (!t[k].val.numv && sqlc_numv_type(c, t[k].val.type));
    if (!any)
        return sql;
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "SELECT ");
    for (size_t k = 0; k < n; k++) {
        sqlc_val_t v = t[k].val;
        v.sql = sqlc_printf(c, "am_r.%s", t[k].duck);
        const char *x = v.sql;
        if (!v.numv && sqlc_numv_type(c, v.type)) {
            x = sqlc_num_text(c, &v);
            t[k].val.numv = true;
        }
        am_buf_printf(&b, "%s%s AS %s", k ? ", " : "", x, t[k].duck);
    }
    am_buf_printf(&b, " FROM (%s) AS am_r", sql);
    char *r = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return r;
}

bool sqlc_cte_body(sqlc_ctx_t *c, bool recursive, sqlc_cte_t *q,
                   const PgQuery__CommonTableExpr *cte, char **sql, sqlc_target_t **t, size_t *n)
{
    const PgQuery__SelectStmt *s = cte->ctequery->select_stmt;
    if (!recursive || s->op != PG_QUERY__SET_OPERATION__SETOP_UNION)
        return sqlc_query(c, s, sql, t, n);
    char *lsql = NULL;
    if (!sqlc_query(c, s->larg, &lsql, t, n))
        return false;
    lsql = numv_recast(c, lsql, *t, *n);
    sqlc_cte_set_cols(c, q, *t, *n, cte);
    sqlc_scope_t *sc = c->scope;
    sqlc_cte_t **saved = sc->ctes;
    size_t saved_n = sc->n_ctes;
    sqlc_cte_t **tmp = am_arena_alloc(c->arena, (saved_n + 1) * sizeof(sqlc_cte_t *));
    if (saved_n)
        memcpy(tmp, saved, saved_n * sizeof(sqlc_cte_t *));
    tmp[saved_n] = q;
    sc->ctes = tmp;
    sc->n_ctes = saved_n + 1;
    char *rsql = NULL;
    sqlc_target_t *rt = NULL;
    size_t rn = 0;
    bool ok = sqlc_query(c, s->rarg, &rsql, &rt, &rn);
    sc->ctes = saved;
    sc->n_ctes = saved_n;
    if (!ok)
        return false;
    for (size_t k = 0; k < rn; k++)
        if (rt[k].val.has_agg)
            return sqlc_fail(c, "42P19",
                             "aggregate functions are not allowed in a recursive "
                             "query's recursive term");
    if (rn != *n)
        return sqlc_fail(c, "42601", "each UNION query must have the same number of columns");
    for (size_t k = 0; k < rn; k++)
        if (proxy__pgtype_base(c->cat, rt[k].val.type).oid !=
            proxy__pgtype_base(c->cat, (*t)[k].val.type).oid)
            return sqlc_fail(c, "42804",
                             "recursive query \"%s\" column %zu has type %s in "
                             "non-recursive term but type %s overall",
                             q->name, k + 1, sqlc_type_name(c, (*t)[k].val.type),
                             sqlc_type_name(c, rt[k].val.type));
    rsql = numv_recast(c, rsql, rt, rn);
    *sql = sqlc_printf(c, "(%s) %s (%s)", lsql, s->all ? "UNION ALL" : "UNION", rsql);
    return true;
}

/* A query level: WITH, then VALUES / set operation / plain SELECT, then ORDER BY and LIMIT
 * when they apply to a set operation or VALUES (a plain SELECT places its own). */
bool sqlc_query(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, char **sql, sqlc_target_t **targets,
                size_t *n_targets)
{
    if (!s)
        return sqlc_fail(c, "42601", "missing query");
    if (!sqlc_stack_ok(c))
        return false;
    if (s->into_clause)
        return sqlc_fail(c, "25006", "cannot execute SELECT INTO in a read-only transaction");
    if (s->n_locking_clause)
        return sqlc_fail(c, "25006", "cannot execute SELECT FOR UPDATE in a read-only transaction");
    sqlc_scope_push(c)->keep_unknown = c->setop_leaf;
    c->setop_leaf = false;
    am_buf_t b;
    am_buf_init(&b);
    bool ok = !s->with_clause || with_clause(c, s->with_clause, &b);
    bool shell = s->op != PG_QUERY__SET_OPERATION__SETOP_NONE || s->n_values_lists;
    am_buf_t body;
    am_buf_init(&body);
    if (ok && s->op != PG_QUERY__SET_OPERATION__SETOP_NONE)
        ok = setop(c, s, &body, targets, n_targets);
    else if (ok && s->n_values_lists)
        ok = values(c, s, &body, targets, n_targets);
    else if (ok)
        ok = sqlc_plain(c, s, &body, targets, n_targets);
    if (ok && shell) {
        c->scope->targets = *targets;
        c->scope->n_targets = *n_targets;
        if (s->n_sort_clause || s->limit_count || s->limit_offset) {
            /* DuckDB orders a set operation only by its plain columns: order the result of
             * a subquery, where sort keys may be expressions of them */
            char *inner = am_arena_strndup(c->arena, body.data ? body.data : "", body.len);
            am_buf_reset(&body);
            am_buf_printf(&body, "SELECT * FROM (%s) AS am_u", inner);
        }
        ok = sqlc_order_limit(c, s, &body, true);
    }
    if (ok)
        am_buf_puts(&b, body.data);
    *sql = ok ? am_arena_strndup(c->arena, b.data, b.len) : NULL;
    am_buf_destroy(&b);
    am_buf_destroy(&body);
    sqlc_scope_pop(c);
    return ok;
}

bool sqlc_subquery(sqlc_ctx_t *c, const sqlc_node_t *n, char **sql, sqlc_target_t **targets,
                   size_t *n_targets)
{
    if (!n || n->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return sqlc_fail(c, "0A000", "only SELECT subqueries are supported on the mirror");
    return sqlc_query(c, n->select_stmt, sql, targets, n_targets);
}
