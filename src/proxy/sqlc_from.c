/*
 * proxy/sqlc_from.c: the FROM clause and column references. Relations are found as PostgreSQL
 * finds them (WITH names first, then pg_catalog and the search path, case-sensitive quoted
 * names), and only served ones can be read: a mirrored table (am_data."t<oid>", columns
 * c<attnum>) or a served catalog relation (am_cat."<schema>.<name>"). Joins keep PostgreSQL's
 * USING/NATURAL column merging; functions in FROM are set-returning functions unnested.
 * Spec: PostgreSQL 15 docs "Table Expressions" (7.2), "Column References" (4.2.1).
 */
#include "proxy/sqlc_internal.h"

#include <stdlib.h>
#include <string.h>

static sqlc_rte_t *rte_new(sqlc_ctx_t *c, const char *refname, size_t n_cols)
{
    sqlc_rte_t *r = am_arena_alloc(c->arena, sizeof *r);
    memset(r, 0, sizeof *r);
    r->refname = refname;
    r->cols = am_arena_alloc(c->arena, (n_cols + 1) * sizeof *r->cols);
    memset(r->cols, 0, (n_cols + 1) * sizeof *r->cols);
    r->n_cols = n_cols;
    return r;
}

/* The expression of "SELECT <expr>" as parsed, or NULL; *tree is freed by the caller. */
static const sqlc_node_t *parse_expr(const char *expr, PgQuery__ParseResult **tree)
{
    char *text = am_xasprintf("SELECT %s", expr);
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(text);
    free(text);
    *tree = NULL;
    if (!r.error)
        *tree = pg_query__parse_result__unpack(NULL, r.parse_tree.len,
                                               (const uint8_t *)r.parse_tree.data);
    pg_query_free_protobuf_parse_result(r);
    PgQuery__ParseResult *t = *tree;
    if (!t || t->n_stmts != 1 || !t->stmts[0]->stmt ||
        t->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return NULL;
    const PgQuery__SelectStmt *s = t->stmts[0]->stmt->select_stmt;
    if (s->n_target_list != 1 || s->target_list[0]->node_case != PG_QUERY__NODE__NODE_RES_TARGET)
        return NULL;
    return s->target_list[0]->res_target->val;
}

/* A stored generated column: pgoutput does not send it, so the lake does not hold it. Its
 * expression is immutable and reads only the row's other columns, so it is computed here, in a
 * scope that sees only this relation, and assigned to the column's type as PostgreSQL stored
 * it. An expression the mirror cannot compute refuses the column where a query reads it. */
static void generated_col(sqlc_ctx_t *c, sqlc_rte_t *r, const proxy_pgcol_t *pc, sqlc_col_t *col)
{
    col->refuse = sqlc_printf(c,
                              "generated column \"%s\" of relation \"%s\" cannot be computed "
                              "on the mirror",
                              pc->name, r->relname);
    if (!pc->gen_expr)
        return;
    PgQuery__ParseResult *tree = NULL;
    const sqlc_node_t *n = parse_expr(pc->gen_expr, &tree);
    am_err_t saved = *c->err;
    sqlc_scope_t *outer = c->scope;
    sqlc_scope_t only = {.depth = outer ? outer->depth : 0};
    sqlc_rte_t *rtes[1] = {r};
    only.rtes = rtes;
    only.n_rtes = 1;
    c->scope = &only;
    sqlc_val_t v;
    bool ok = n && sqlc_expr(c, n, &v) && !v.has_agg && !v.has_srf && !v.is_volatile &&
              sqlc_coerce(c, &v, col->type, SQLC_ASSIGNMENT);
    c->scope = outer;
    if (ok) {
        col->sql = sqlc_printf(c, "(%s)", v.sql);
        col->numv = v.numv;
        col->refuse = NULL;
    } else if (c->err->sqlstate[0]) {
        col->refuse = sqlc_printf(c, "%s: %s", col->refuse, c->err->msg);
    }
    *c->err = saved;
    if (tree)
        pg_query__parse_result__free_unpacked(tree, NULL);
}

/* A column that is never NULL in the relation's rows: the primary key's first, else the
 * first NOT NULL one (the oldest, so not one a schema change is still adding). */
static const char *present_col(const proxy_pgrel_t *rel, const sqlc_rte_t *r)
{
    for (size_t i = 0; i < rel->n_cols; i++)
        if (rel->n_pk && rel->cols[i].attnum == rel->pk[0] && rel->cols[i].not_null)
            return r->cols[i].sql;
    for (size_t i = 0; i < rel->n_cols; i++)
        if (rel->cols[i].not_null)
            return r->cols[i].sql;
    return NULL;
}

static void scope_add(sqlc_ctx_t *c, sqlc_rte_t *r)
{
    sqlc_scope_t *s = c->scope;
    sqlc_rte_t **n = am_arena_alloc(c->arena, (s->n_rtes + 1) * sizeof(sqlc_rte_t *));
    if (s->n_rtes)
        memcpy(n, s->rtes, s->n_rtes * sizeof(sqlc_rte_t *));
    n[s->n_rtes++] = r;
    s->rtes = n;
}

/* Alias column names replace the first columns' names, as PostgreSQL's alias clause does. */
static bool apply_alias(sqlc_ctx_t *c, sqlc_rte_t *r, const PgQuery__Alias *a)
{
    if (!a)
        return true;
    r->refname = a->aliasname;
    r->nspname = NULL;
    if (a->n_colnames > r->n_cols)
        return sqlc_fail(c, "42P10",
                         "table \"%s\" has %zu columns available but %zu columns "
                         "specified",
                         a->aliasname, r->n_cols, a->n_colnames);
    for (size_t i = 0; i < a->n_colnames; i++)
        r->cols[i].name = sqlc_str(a->colnames[i]);
    return true;
}

static const proxy_pgrel_t *find_relation(sqlc_ctx_t *c, const PgQuery__RangeVar *rv)
{
    if (!c->cat)
        return NULL;
    if (rv->schemaname && rv->schemaname[0])
        return proxy__pgcat_rel_find(c->cat, rv->schemaname, rv->relname);
    const proxy_pgrel_t *r = proxy__pgcat_rel_find(c->cat, "pg_catalog", rv->relname);
    for (size_t i = 0; !r && i < c->env_path_n; i++)
        r = proxy__pgcat_rel_find(c->cat, c->env_path[i], rv->relname);
    return r;
}

static bool cte_ref(sqlc_ctx_t *c, const PgQuery__RangeVar *rv, sqlc_cte_t *cte, am_buf_t *out)
{
    char *alias = sqlc_alias(c, 'r');
    sqlc_rte_t *r = rte_new(c, rv->relname, cte->n_cols);
    for (size_t i = 0; i < cte->n_cols; i++) {
        r->cols[i] = cte->cols[i];
        r->cols[i].sql = sqlc_printf(c, "%s.%s", alias, cte->cols[i].sql);
    }
    if (!apply_alias(c, r, rv->alias))
        return false;
    am_buf_printf(out, "%s AS %s", cte->duck_name, alias);
    scope_add(c, r);
    return true;
}

static bool range_var(sqlc_ctx_t *c, const PgQuery__RangeVar *rv, am_buf_t *out)
{
    if (rv->catalogname && rv->catalogname[0] &&
        strcmp(rv->catalogname, c->env->database ? c->env->database : "") != 0)
        return sqlc_fail(c, "0A000", "cross-database references are not implemented: \"%s.%s.%s\"",
                         rv->catalogname, rv->schemaname, rv->relname);
    if (!(rv->schemaname && rv->schemaname[0])) {
        sqlc_cte_t *cte = sqlc_cte_find(c, rv->relname);
        if (cte)
            return cte_ref(c, rv, cte, out);
    }
    const proxy_pgrel_t *rel = find_relation(c, rv);
    if (!rel) {
        if (rv->schemaname && rv->schemaname[0])
            return sqlc_fail(c, "42P01", "relation \"%s.%s\" does not exist", rv->schemaname,
                             rv->relname);
        return sqlc_fail(c, "42P01", "relation \"%s\" does not exist", rv->relname);
    }
    if (rel->served == PROXY_REL_MIRRORED && !sqlc_acl_check(c, rel))
        return false;
    char *alias = sqlc_alias(c, 'r');
    /* PostgreSQL reads the children's rows too; the mirror holds each table's own */
    am_buf_t tree;
    am_buf_init(&tree);
    if (rel->served == PROXY_REL_MIRRORED && rel->inherited && rv->inh &&
        !sqlc_inheritance_union(c, rel, alias, &tree)) {
        am_buf_destroy(&tree);
        return false;
    }
    am_buf_t view;
    am_buf_init(&view);
    bool served_view = (rel->served == PROXY_REL_UNSERVED || !rel->duck_name) &&
                       sqlc_served_view(c, rel, alias, &view);
    if (!served_view && (rel->served == PROXY_REL_UNSERVED || !rel->duck_name)) {
        am_buf_destroy(&view);
        am_buf_destroy(&tree);
        return sqlc_fail(c, "0A000", "relation \"%s.%s\" is not available on the mirror",
                         rel->nspname, rel->name);
    }
    sqlc_rte_t *r = rte_new(c, rel->name, rel->n_cols);
    r->nspname = rel->nspname;
    r->relname = rel->name;
    for (size_t i = 0; i < rel->n_cols; i++) {
        const proxy_pgcol_t *pc = &rel->cols[i];
        sqlc_col_t *col = &r->cols[i];
        col->name = pc->name;
        col->type = (proxy_pgtype_ref_t){pc->type_oid, pc->typmod};
        col->relid = rel->oid;
        col->attnum = pc->attnum;
        col->numv = sqlc_numv_type(c, col->type);
        col->sql = rel->served == PROXY_REL_MIRRORED
                       ? sqlc_printf(c, "%s.c%d", alias, pc->attnum)
                       : sqlc_printf(c, "%s.%s", alias, sqlc_ident(c, pc->name));
    }
    for (size_t i = 0; rel->served == PROXY_REL_MIRRORED && i < rel->n_cols; i++)
        if (rel->cols[i].generated)
            generated_col(c, r, &rel->cols[i], &r->cols[i]);
    r->present = present_col(rel, r);
    if (tree.len)
        r->tableoid = sqlc_printf(c, "%s.am_tableoid", alias);
    if (!apply_alias(c, r, rv->alias)) {
        am_buf_destroy(&view);
        am_buf_destroy(&tree);
        return false;
    }
    const char *filter = rel->served == PROXY_REL_CATALOG ? sqlc_acl_filter(c, rel) : "";
    /* FROM ONLY a partitioned table: its rows are all its partitions' */
    if (rel->served == PROXY_REL_MIRRORED && rel->relkind == 'p' && !rv->inh)
        filter = "false";
    if (tree.len)
        am_buf_puts(out, tree.data);
    else if (served_view)
        am_buf_puts(out, view.data);
    else if (filter[0])
        am_buf_printf(out, "(SELECT * FROM %s WHERE %s) AS %s", rel->duck_name, filter, alias);
    else
        am_buf_printf(out, "%s AS %s", rel->duck_name, alias);
    am_buf_destroy(&view);
    am_buf_destroy(&tree);
    scope_add(c, r);
    return true;
}

static bool range_subselect(sqlc_ctx_t *c, const PgQuery__RangeSubselect *rs, am_buf_t *out)
{
    if (!rs->alias)
        return sqlc_fail(c, "42601", "subquery in FROM must have an alias");
    bool saved = c->scope->rtes_hidden;
    c->scope->rtes_hidden = !rs->lateral;
    char *sql = NULL;
    sqlc_target_t *tg = NULL;
    size_t nt = 0;
    bool ok = sqlc_subquery(c, rs->subquery, &sql, &tg, &nt);
    c->scope->rtes_hidden = saved;
    if (!ok)
        return false;
    char *alias = sqlc_alias(c, 'r');
    sqlc_rte_t *r = rte_new(c, rs->alias->aliasname, nt);
    for (size_t i = 0; i < nt; i++) {
        r->cols[i].name = tg[i].name;
        r->cols[i].type = tg[i].val.type;
        r->cols[i].numv = tg[i].val.numv;
        r->cols[i].relid = tg[i].val.relid;
        r->cols[i].attnum = tg[i].val.attnum;
        r->cols[i].rec = tg[i].val.rec;
        r->cols[i].sql = sqlc_printf(c, "%s.%s", alias, tg[i].duck);
    }
    if (!apply_alias(c, r, rs->alias))
        return false;
    am_buf_printf(out, "%s(%s) AS %s", rs->lateral ? "LATERAL " : "", sql, alias);
    scope_add(c, r);
    return true;
}

/* FROM unnest(a1, a2, ...): the arrays side by side, the shorter ones padded with NULLs. */
static bool multi_unnest(sqlc_ctx_t *c, const PgQuery__RangeFunction *rf,
                         const PgQuery__FuncCall *f, am_buf_t *out)
{
    size_t n = f->n_args + (rf->ordinality ? 1 : 0);
    char *alias = sqlc_alias(c, 'r');
    sqlc_rte_t *r = rte_new(c, "unnest", n);
    am_buf_t lists, sel, len;
    am_buf_init(&lists);
    am_buf_init(&sel);
    am_buf_init(&len);
    bool ok = true;
    for (size_t i = 0; ok && i < f->n_args; i++) {
        sqlc_val_t a;
        ok = sqlc_expr(c, f->args[i], &a) && sqlc_resolve_unknown(c, &a);
        uint32_t b = ok ? proxy__pgtype_base(c->cat, a.type).oid : 0;
        if (ok && (!sqlc_is_array(c, b) || b == PG_OID_INT2VECTOR || b == PG_OID_OIDVECTOR))
            ok = sqlc_fail(c, "42883", "function unnest(%s) does not exist",
                           sqlc_type_name(c, a.type));
        if (!ok)
            break;
        r->cols[i].name = "unnest";
        r->cols[i].type = sqlc_type(proxy__pgtype_elem(c->cat, b));
        r->cols[i].numv = a.numv;
        r->cols[i].sql = sqlc_printf(c, "%s.o%zu", alias, i + 1);
        am_buf_printf(&lists, "%s%s AS am_l%zu", i ? ", " : "", a.sql, i + 1);
        am_buf_printf(&sel, "%sam_l%zu[am_i] AS o%zu", i ? ", " : "", i + 1, i + 1);
        am_buf_printf(&len, ", coalesce(len(am_l%zu), 0)", i + 1);
    }
    if (ok && rf->ordinality) {
        r->cols[n - 1].name = "ordinality";
        r->cols[n - 1].type = sqlc_type(PG_OID_INT8);
        r->cols[n - 1].sql = sqlc_printf(c, "%s.o%zu", alias, n);
        am_buf_printf(&sel, ", am_i AS o%zu", n);
    }
    ok = ok && apply_alias(c, r, rf->alias);
    if (ok) {
        am_buf_printf(out,
                      "LATERAL (SELECT %s FROM (SELECT %s) AS am_f, generate_series(1, "
                      "greatest(0%s)) AS am_s(am_i) ORDER BY am_i) AS %s",
                      sel.data, lists.data, len.data, alias);
        scope_add(c, r);
    }
    am_buf_destroy(&lists);
    am_buf_destroy(&sel);
    am_buf_destroy(&len);
    return ok;
}

/* FROM f(...) [WITH ORDINALITY]: the function's list unnested, one column (or its struct's
 * fields), plus ordinality. */
static bool range_function(sqlc_ctx_t *c, const PgQuery__RangeFunction *rf, am_buf_t *out)
{
    if (rf->is_rowsfrom || rf->n_functions != 1 || rf->n_coldeflist > 0)
        return sqlc_fail(c, "0A000",
                         "ROWS FROM and column definition lists are not supported on "
                         "the mirror");
    const PgQuery__List *fl = rf->functions[0]->list;
    const sqlc_node_t *fn = fl && fl->n_items ? fl->items[0] : NULL;
    if (!fn || fn->node_case != PG_QUERY__NODE__NODE_FUNC_CALL)
        return sqlc_fail(c, "0A000", "only function calls are supported in FROM on the mirror");
    const PgQuery__FuncCall *fc = fn->func_call;
    const char *fname = fc->n_funcname ? sqlc_str(fc->funcname[fc->n_funcname - 1]) : NULL;
    if (fname && strcmp(fname, "unnest") == 0 && fc->n_args > 1 &&
        (fc->n_funcname == 1 || strcmp(sqlc_str(fc->funcname[0]), "pg_catalog") == 0))
        return multi_unnest(c, rf, fc, out);
    sqlc_srf_t srf;
    if (!sqlc_srf_call(c, fn->func_call, &srf))
        return false;
    char *alias = sqlc_alias(c, 'r');
    size_t n = srf.n_cols + (rf->ordinality ? 1 : 0);
    sqlc_rte_t *r = rte_new(c, srf.name, n);
    am_buf_t sel;
    am_buf_init(&sel);
    for (size_t i = 0; i < srf.n_cols; i++) {
        r->cols[i].name = srf.cols[i].name;
        r->cols[i].type = srf.cols[i].type;
        r->cols[i].numv = srf.cols[i].numv;
        r->cols[i].sql = sqlc_printf(c, "%s.o%zu", alias, i + 1);
        am_buf_printf(&sel, "%s%s AS o%zu", i ? ", " : "", srf.cols[i].sql, i + 1);
    }
    if (rf->ordinality) {
        r->cols[n - 1].name = "ordinality";
        r->cols[n - 1].type = sqlc_type(PG_OID_INT8);
        r->cols[n - 1].sql = sqlc_printf(c, "%s.o%zu", alias, n);
        am_buf_printf(&sel, ", am_ord AS o%zu", n);
    }
    if (!apply_alias(c, r, rf->alias)) {
        am_buf_destroy(&sel);
        return false;
    }
    /* a single result column is named by the alias when the alias gives no column names */
    if (rf->alias && rf->alias->n_colnames == 0 && srf.n_cols == 1 && srf.scalar)
        r->cols[0].name = rf->alias->aliasname;
    if (srf.series_args)
        am_buf_printf(out,
                      "(SELECT %s FROM (SELECT CAST(generate_series AS %s) AS am_x, "
                      "(generate_series - CAST(%s AS BIGINT)) // CAST(%s AS BIGINT) + 1 AS am_ord "
                      "FROM generate_series(%s)) AS am_g) AS %s",
                      sel.data, srf.cols[0].type.oid == PG_OID_INT4 ? "INTEGER" : "BIGINT",
                      srf.series_start, srf.series_step, srf.series_args, alias);
    else
        am_buf_printf(out,
                      "LATERAL (SELECT %s FROM (SELECT unnest(am_l) AS am_x, "
                      "generate_subscripts(am_l, 1) AS am_ord FROM (SELECT %s AS am_l) AS am_f) "
                      "AS am_g) AS %s",
                      sel.data, srf.list_sql, alias);
    am_buf_destroy(&sel);
    scope_add(c, r);
    return true;
}

/* The column named name among the visible columns of rte (unqualified rules when unq). */
static sqlc_col_t *rte_col(sqlc_rte_t *r, const char *name, bool unq, int *count)
{
    sqlc_col_t *hit = NULL;
    for (size_t i = 0; i < r->n_cols; i++) {
        if (strcmp(r->cols[i].name ? r->cols[i].name : "", name) != 0 || (unq && r->cols[i].hidden))
            continue;
        if (!hit)
            hit = &r->cols[i];
        (*count)++;
    }
    return hit;
}

/* Columns named name in the entries [from, to) of this level: exactly one or an error. */
static sqlc_col_t *side_col(sqlc_ctx_t *c, size_t from, size_t to, const char *name,
                            const char *side)
{
    int count = 0;
    sqlc_col_t *hit = NULL;
    for (size_t i = from; i < to; i++) {
        sqlc_rte_t *r = c->scope->rtes[i];
        if (r->hidden)
            continue;
        sqlc_col_t *h = rte_col(r, name, true, &count);
        hit = hit ? hit : h;
    }
    if (count == 0)
        sqlc_fail(c, "42703", "column \"%s\" specified in USING clause does not exist in %s table",
                  name, side);
    else if (count > 1)
        sqlc_fail(c, "42702", "common column name \"%s\" appears more than once in %s table", name,
                  side);
    return count == 1 ? hit : NULL;
}

static size_t natural_names(sqlc_ctx_t *c, const sqlc_rte_t *l, const sqlc_rte_t *r,
                            const char ***names)
{
    *names = NULL;
    if (!l || !r)
        return 0;
    *names = am_arena_alloc(c->arena, (l->n_cols + 1) * sizeof **names);
    size_t n = 0;
    for (size_t i = 0; i < l->n_cols; i++)
        for (size_t k = 0; k < r->n_cols; k++)
            if (l->cols[i].name && r->cols[k].name && !strcmp(l->cols[i].name, r->cols[k].name)) {
                (*names)[n++] = l->cols[i].name;
                break;
            }
    return n;
}

/* USING/NATURAL: the ON condition and the merged columns, first in the join's column list. */
static bool merge_using(sqlc_ctx_t *c, const PgQuery__JoinExpr *j, size_t l0, size_t mid,
                        size_t end, sqlc_rte_t *jr, const sqlc_rte_t *li, const sqlc_rte_t *ri,
                        am_buf_t *on)
{
    if (!jr)
        return false;
    const char **names = NULL;
    size_t n = 0;
    if (j->is_natural) {
        n = natural_names(c, li, ri, &names);
    } else {
        names = am_arena_alloc(c->arena, (j->n_using_clause + 1) * sizeof *names);
        for (size_t i = 0; i < j->n_using_clause; i++)
            names[n++] = sqlc_str(j->using_clause[i]);
    }
    for (size_t i = 0; i < n; i++) {
        sqlc_col_t *lc = side_col(c, l0, mid, names[i], "left");
        sqlc_col_t *rc = lc ? side_col(c, mid, end, names[i], "right") : NULL;
        if (!rc)
            return false;
        if (lc->refuse || rc->refuse)
            return sqlc_fail(c, "0A000", "%s", lc->refuse ? lc->refuse : rc->refuse);
        sqlc_val_t a = sqlc_val_of((char *)lc->sql, lc->type),
                   b = sqlc_val_of((char *)rc->sql, rc->type), eq, co[2];
        a.numv = lc->numv;
        b.numv = rc->numv;
        /* the merged column has both sides' common type (buildMergedJoinVar), not the
         * operator's input types: posint with integer is integer, smallint with bigint bigint;
         * PostgreSQL looks for it before the operator */
        sqlc_val_t pair[2] = {a, b};
        proxy_pgtype_ref_t ct;
        if (!sqlc_common_type(c, pair, 2, "JOIN/USING", &ct) ||
            !sqlc_operator2(c, "=", &a, &b, &eq, NULL))
            return false;
        am_buf_printf(on, "%s%s", i ? " AND " : "", eq.sql);
        for (int k = 0; k < 2; k++) {
            co[k] = pair[k];
            if (!sqlc_coerce(c, &co[k], ct, SQLC_IMPLICIT))
                return false;
        }
        sqlc_numeric_unify(c, co, 2, ct);
        sqlc_col_t *m = &jr->cols[jr->n_cols++];
        *m = *lc;
        m->type = ct;
        m->numv = co[0].numv || co[1].numv;
        m->hidden = false;
        if (j->jointype == PG_QUERY__JOIN_TYPE__JOIN_RIGHT)
            m->sql = co[1].sql;
        else if (j->jointype == PG_QUERY__JOIN_TYPE__JOIN_FULL)
            m->sql = sqlc_printf(c, "COALESCE(%s, %s)", co[0].sql, co[1].sql);
        else
            m->sql = co[0].sql;
        lc->hidden = rc->hidden = lc->merged = rc->merged = true;
    }
    if (n == 0 && !j->is_natural)
        return sqlc_fail(c, "42601", "USING needs at least one column");
    return true;
}

/* The join's own entry: merged columns, then the rest of the left and right inputs (the
 * columns USING merged were marked hidden in their inputs and are left out). */
static void join_rest(sqlc_rte_t *jr, const sqlc_rte_t *side, bool using)
{
    if (!jr || !side)
        return;
    for (size_t i = 0; i < side->n_cols; i++) {
        if (using && side->cols[i].hidden && side->cols[i].merged)
            continue;
        jr->cols[jr->n_cols] = side->cols[i];
        jr->cols[jr->n_cols].hidden = true; /* found through the input entry, not twice */
        jr->n_cols++;
    }
}

static const char *join_word(PgQuery__JoinType t)
{
    switch (t) {
    case PG_QUERY__JOIN_TYPE__JOIN_LEFT:
        return "LEFT JOIN";
    case PG_QUERY__JOIN_TYPE__JOIN_RIGHT:
        return "RIGHT JOIN";
    case PG_QUERY__JOIN_TYPE__JOIN_FULL:
        return "FULL JOIN";
    default:
        return "JOIN";
    }
}

static bool join_expr(sqlc_ctx_t *c, const PgQuery__JoinExpr *j, am_buf_t *out, sqlc_rte_t **item)
{
    if (j->join_using_alias)
        return sqlc_fail(c, "0A000", "JOIN USING ... AS is not supported on the mirror");
    sqlc_rte_t *li = NULL, *ri = NULL;
    size_t l0 = c->scope->n_rtes;
    am_buf_t lb, rb, on;
    am_buf_init(&lb);
    am_buf_init(&rb);
    am_buf_init(&on);
    bool ok = sqlc_from_item(c, j->larg, &lb, &li);
    size_t mid = c->scope->n_rtes;
    ok = ok && sqlc_from_item(c, j->rarg, &rb, &ri);
    size_t end = c->scope->n_rtes;
    sqlc_rte_t *jr = ok && li && ri ? rte_new(c, NULL, li->n_cols + ri->n_cols) : NULL;
    if (jr)
        jr->n_cols = 0;
    if (ok && (j->is_natural || j->n_using_clause))
        ok = merge_using(c, j, l0, mid, end, jr, li, ri, &on);
    ok = ok && jr;
    if (ok) {
        bool using = j->is_natural || j->n_using_clause;
        join_rest(jr, li, using);
        join_rest(jr, ri, using);
    }
    if (ok && j->quals) {
        sqlc_val_t q;
        ok = sqlc_bool_expr(c, j->quals, "JOIN/ON", &q);
        if (ok)
            am_buf_puts(&on, q.sql);
    }
    /* after ON, whose rows are never the join's fill */
    bool fill_left = j->jointype == PG_QUERY__JOIN_TYPE__JOIN_RIGHT ||
                     j->jointype == PG_QUERY__JOIN_TYPE__JOIN_FULL;
    bool fill_right = j->jointype == PG_QUERY__JOIN_TYPE__JOIN_LEFT ||
                      j->jointype == PG_QUERY__JOIN_TYPE__JOIN_FULL;
    for (size_t i = l0; ok && i < end; i++)
        if (i < mid ? fill_left : fill_right)
            c->scope->rtes[i]->nullable = true;
    if (ok) {
        bool cross = !on.len && j->jointype == PG_QUERY__JOIN_TYPE__JOIN_INNER;
        am_buf_printf(out, "(%s %s %s%s%s)", lb.data, cross ? "CROSS JOIN" : join_word(j->jointype),
                      rb.data, cross ? "" : " ON ", cross ? "" : (on.len ? on.data : "true"));
        if (j->alias) {
            for (size_t i = l0; i < end; i++)
                c->scope->rtes[i]->hidden = true;
            for (size_t i = 0; i < jr->n_cols; i++)
                jr->cols[i].hidden = false;
            ok = apply_alias(c, jr, j->alias);
        }
        scope_add(c, jr);
        *item = jr;
    }
    am_buf_destroy(&lb);
    am_buf_destroy(&rb);
    am_buf_destroy(&on);
    return ok;
}

bool sqlc_from_item(sqlc_ctx_t *c, const sqlc_node_t *n, am_buf_t *out, sqlc_rte_t **item)
{
    if (!sqlc_stack_ok(c))
        return false;
    size_t before = c->scope->n_rtes;
    bool ok;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR:
        ok = range_var(c, n->range_var, out);
        break;
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT:
        ok = range_subselect(c, n->range_subselect, out);
        break;
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION:
        ok = range_function(c, n->range_function, out);
        break;
    case PG_QUERY__NODE__NODE_JOIN_EXPR:
        return join_expr(c, n->join_expr, out, item);
    default:
        return sqlc_fail(c, "0A000", "this kind of FROM item is not supported on the mirror");
    }
    if (ok)
        *item = c->scope->rtes[before];
    return ok;
}

/* ---- column references -------------------------------------------------------------------- */

static bool col_val(sqlc_ctx_t *c, const sqlc_col_t *col, sqlc_scope_t *level,
                    const sqlc_rte_t *rte, sqlc_val_t *out)
{
    if (col->refuse)
        return sqlc_fail(c, "0A000", "%s", col->refuse);
    level->n_var_refs++;
    *out = sqlc_val_of((char *)sqlc_group_ref(c, level, col, rte), col->type);
    out->numv = col->numv;
    out->rec = col->rec;
    int p = 0, sc = 0;
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, col->type);
    if (b.oid == PG_OID_NUMERIC && !col->numv && proxy__pgtype_numeric_typmod(b.typmod, &p, &sc)) {
        out->dec_p = (uint8_t)p;
        out->dec_s = (uint8_t)sc;
    }
    out->relid = col->relid;
    out->attnum = col->attnum;
    out->name = col->name;
    return true;
}

/* System columns: tableoid is the relation's OID; the others describe heap tuples the mirror
 * does not have. */
static bool system_column(sqlc_ctx_t *c, const sqlc_rte_t *r, const char *name, sqlc_val_t *out,
                          bool *handled)
{
    static const char *const others[] = {"ctid", "xmin", "xmax", "cmin", "cmax"};
    uint32_t relid = r && r->n_cols ? r->cols[0].relid : 0;
    *handled = false;
    if (!relid)
        return false;
    if (strcmp(name, "tableoid") == 0) {
        *handled = true;
        *out = sqlc_val_of(r->tableoid ? r->tableoid : sqlc_printf(c, "CAST(%u AS BIGINT)", relid),
                           sqlc_type(PG_OID_OID));
        out->name = "tableoid";
        out->is_const = false;
        return true;
    }
    for (size_t i = 0; i < AM_ARRAY_LEN(others); i++)
        if (strcmp(name, others[i]) == 0) {
            *handled = true;
            return sqlc_fail(c, "0A000", "system column \"%s\" is not available on the mirror",
                             name);
        }
    return false;
}

static bool find_unqualified(sqlc_ctx_t *c, const char *name, sqlc_val_t *out)
{
    for (sqlc_scope_t *s = c->scope; s; s = s->parent) {
        if (s->rtes_hidden)
            continue;
        int count = 0;
        sqlc_col_t *hit = NULL;
        const sqlc_rte_t *hit_rte = NULL;
        for (size_t i = 0; i < s->n_rtes; i++) {
            if (s->rtes[i]->hidden)
                continue;
            sqlc_col_t *h = rte_col(s->rtes[i], name, true, &count);
            if (h && !hit)
                hit_rte = s->rtes[i];
            hit = hit ? hit : h;
        }
        if (count > 1)
            return sqlc_fail(c, "42702", "column reference \"%s\" is ambiguous", name);
        if (hit)
            return col_val(c, hit, s, hit_rte, out);
    }
    /* a FROM item's name alone: its whole row */
    for (sqlc_scope_t *ws = c->scope; ws; ws = ws->parent) {
        if (ws->rtes_hidden)
            continue;
        for (size_t i = 0; i < ws->n_rtes; i++)
            if (!ws->rtes[i]->hidden && ws->rtes[i]->refname &&
                strcmp(ws->rtes[i]->refname, name) == 0) {
                ws->n_var_refs++;
                return sqlc_whole_row(c, ws->rtes[i], out);
            }
    }
    /* a system column of the one relation in FROM */
    sqlc_scope_t *s = c->scope;
    if (s && s->n_rtes == 1) {
        bool handled = false;
        s->n_var_refs++;
        bool ok = system_column(c, s->rtes[0], name, out, &handled);
        if (handled)
            return ok;
    }
    return sqlc_fail(c, "42703", "column \"%s\" does not exist", name);
}

static sqlc_rte_t *rte_find_at(sqlc_ctx_t *c, const char *nsp, const char *rel, bool *ambiguous,
                               sqlc_scope_t **level)
{
    *ambiguous = false;
    for (sqlc_scope_t *s = c->scope; s; s = s->parent) {
        if (s->rtes_hidden)
            continue;
        sqlc_rte_t *hit = NULL;
        for (size_t i = 0; i < s->n_rtes; i++) {
            sqlc_rte_t *r = s->rtes[i];
            if (r->hidden || !r->refname || strcmp(r->refname, rel) != 0)
                continue;
            if (nsp && (!r->nspname || strcmp(r->nspname, nsp) != 0))
                continue;
            if (hit)
                *ambiguous = true;
            hit = r;
        }
        if (hit) {
            *level = s;
            return hit;
        }
    }
    return NULL;
}

sqlc_rte_t *sqlc_rte_find(sqlc_ctx_t *c, const char *nsp, const char *rel, bool *ambiguous)
{
    sqlc_scope_t *level = NULL;
    return rte_find_at(c, nsp, rel, ambiguous, &level);
}

bool sqlc_column_ref(sqlc_ctx_t *c, const PgQuery__ColumnRef *cr, sqlc_val_t *out)
{
    const char *f[4] = {NULL, NULL, NULL, NULL};
    if (cr->n_fields < 1 || cr->n_fields > 4)
        return sqlc_fail(c, "42601", "improper qualified name (too many dotted names)");
    for (size_t i = 0; i < cr->n_fields; i++) {
        if (cr->fields[i]->node_case == PG_QUERY__NODE__NODE_A_STAR)
            return sqlc_fail(c, "0A000", "row expansion via \"*\" is not supported here");
        f[i] = sqlc_str(cr->fields[i]);
    }
    size_t n = cr->n_fields;
    if (n == 1)
        return find_unqualified(c, f[0], out);
    if (n == 4 && strcmp(f[0], c->env->database ? c->env->database : "") != 0)
        return sqlc_fail(c, "0A000", "cross-database references are not implemented: %s.%s.%s.%s",
                         f[0], f[1], f[2], f[3]);
    const char *nsp = n >= 3 ? f[n - 3] : NULL, *rel = f[n - 2], *col = f[n - 1];
    bool amb = false;
    sqlc_scope_t *level = c->scope;
    sqlc_rte_t *r = rte_find_at(c, nsp, rel, &amb, &level);
    if (amb)
        return sqlc_fail(c, "42P09", "table reference \"%s\" is ambiguous", rel);
    if (!r) {
        /* a relation in FROM under an alias: PostgreSQL names the alias */
        for (sqlc_scope_t *ws = c->scope; ws; ws = ws->parent)
            for (size_t i = 0; i < ws->n_rtes; i++)
                if (ws->rtes[i]->relname && ws->rtes[i]->refname &&
                    strcmp(ws->rtes[i]->relname, rel) == 0 &&
                    strcmp(ws->rtes[i]->refname, rel) != 0)
                    return sqlc_fail(
                        c, "42P01",
                        "invalid reference to FROM-clause entry for table \"%s\"\n"
                        "HINT:  Perhaps you meant to reference the table alias \"%s\".",
                        rel, ws->rtes[i]->refname);
        return sqlc_fail(c, "42P01", "missing FROM-clause entry for table \"%s\"", rel);
    }
    int count = 0;
    sqlc_col_t *hit = rte_col(r, col, false, &count);
    if (!hit) {
        bool handled = false;
        level->n_var_refs++;
        bool ok = system_column(c, r, col, out, &handled);
        if (handled)
            return ok;
        return sqlc_fail(c, "42703", "column %s.%s does not exist", rel, col);
    }
    return col_val(c, hit, level, r, out);
}
