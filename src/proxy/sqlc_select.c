/*
 * proxy/sqlc_select.c: SELECT as PostgreSQL analyses it: WITH (recursive too), FROM, WHERE,
 * the select list (* expanded here, names as PostgreSQL gives them), GROUP BY (ordinals, output
 * names, grouping sets), HAVING, WINDOW, DISTINCT [ON], ORDER BY (output names and ordinals
 * first, NULLs as the largest value), LIMIT/OFFSET, VALUES and UNION/INTERSECT/EXCEPT with
 * PostgreSQL's result types. Output columns are o1..oN; their PostgreSQL names and types go back
 * to the caller.
 * Spec: PostgreSQL 15 docs "Queries" (chapter 7) and "SELECT".
 */
#include "proxy/sqlc_internal.h"

#include <stdlib.h>
#include <string.h>

sqlc_scope_t *sqlc_scope_push(sqlc_ctx_t *c)
{
    sqlc_scope_t *s = am_arena_alloc(c->arena, sizeof *s);
    memset(s, 0, sizeof *s);
    s->parent = c->scope;
    s->depth = c->scope ? c->scope->depth + 1 : 0;
    c->scope = s;
    return s;
}

void sqlc_scope_pop(sqlc_ctx_t *c)
{
    c->scope = c->scope->parent;
}

sqlc_cte_t *sqlc_cte_find(sqlc_ctx_t *c, const char *name)
{
    for (sqlc_scope_t *s = c->scope; s; s = s->parent)
        for (size_t i = 0; i < s->n_ctes; i++)
            if (strcmp(s->ctes[i]->name, name) == 0)
                return s->ctes[i];
    return NULL;
}

const PgQuery__WindowDef *sqlc_window_find(sqlc_ctx_t *c, const char *name)
{
    for (size_t i = 0; i < c->scope->n_windows; i++)
        if (strcmp(c->scope->windows[i]->name, name) == 0)
            return c->scope->windows[i];
    return NULL;
}

static sqlc_target_t *targets_new(sqlc_ctx_t *c, size_t n)
{
    sqlc_target_t *t = am_arena_alloc(c->arena, (n + 1) * sizeof *t);
    memset(t, 0, (n + 1) * sizeof *t);
    return t;
}

/* ---- the select list ---------------------------------------------------------------------- */

typedef struct tlist {
    sqlc_target_t *items;
    size_t n, cap;
} tlist_t;

static sqlc_target_t *tlist_add(sqlc_ctx_t *c, tlist_t *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        sqlc_target_t *n = targets_new(c, cap);
        if (l->n)
            memcpy(n, l->items, l->n * sizeof *n);
        l->items = n;
        l->cap = cap;
    }
    sqlc_target_t *t = &l->items[l->n++];
    memset(t, 0, sizeof *t);
    return t;
}

static bool add_col(sqlc_ctx_t *c, tlist_t *l, const sqlc_col_t *col)
{
    if (col->refuse)
        return sqlc_fail(c, "0A000", "%s", col->refuse);
    sqlc_target_t *t = tlist_add(c, l);
    t->val = sqlc_val_of((char *)col->sql, col->type);
    t->val.numv = col->numv;
    t->val.relid = col->relid;
    t->val.attnum = col->attnum;
    t->name = col->name;
    return true;
}

/* SELECT * and t.*: the FROM items' columns in order (a USING join's merged ones first). */
static bool expand_star(sqlc_ctx_t *c, const PgQuery__ColumnRef *cr, tlist_t *l)
{
    if (cr->n_fields == 1) {
        if (c->scope->n_items == 0)
            return sqlc_fail(c, "42601", "SELECT * with no tables specified is not valid");
        for (size_t i = 0; i < c->scope->n_items; i++)
            for (size_t k = 0; k < c->scope->items[i]->n_cols; k++)
                if (!add_col(c, l, &c->scope->items[i]->cols[k]))
                    return false;
        return true;
    }
    const char *rel = sqlc_str(cr->fields[cr->n_fields - 2]);
    const char *nsp = cr->n_fields >= 3 ? sqlc_str(cr->fields[cr->n_fields - 3]) : NULL;
    bool amb = false;
    sqlc_rte_t *r = rel ? sqlc_rte_find(c, nsp, rel, &amb) : NULL;
    if (amb)
        return sqlc_fail(c, "42P09", "table reference \"%s\" is ambiguous", rel);
    if (!r)
        return sqlc_fail(c, "42P01", "missing FROM-clause entry for table \"%s\"", rel ? rel : "?");
    for (size_t k = 0; k < r->n_cols; k++)
        if (!add_col(c, l, &r->cols[k]))
            return false;
    return true;
}

static bool is_star(const sqlc_node_t *n)
{
    if (!n || n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF)
        return false;
    const PgQuery__ColumnRef *cr = n->column_ref;
    return cr->n_fields > 0 &&
           cr->fields[cr->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR;
}

static bool select_list(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, tlist_t *l)
{
    c->scope->allow_srf = true;
    for (size_t i = 0; i < s->n_target_list; i++) {
        const PgQuery__ResTarget *rt = s->target_list[i]->res_target;
        if (!rt || !rt->val)
            return sqlc_fail(c, "42601", "syntax error in select list");
        if (is_star(rt->val)) {
            if (!expand_star(c, rt->val->column_ref, l))
                return false;
            continue;
        }
        sqlc_target_t *t = tlist_add(c, l);
        /* an untyped parameter waits for the later clauses (resolve_list_params) */
        if (!sqlc_expr(c, rt->val, &t->val) ||
            !(c->scope->keep_unknown || t->val.param || sqlc_resolve_unknown(c, &t->val)))
            return false;
        t->name = rt->name && rt->name[0] ? rt->name : t->val.name ? t->val.name : "?column?";
    }
    c->scope->allow_srf = false;
    for (size_t i = 0; i < l->n; i++)
        l->items[i].duck = sqlc_printf(c, "o%zu", i + 1);
    c->scope->targets = l->items;
    c->scope->n_targets = l->n;
    return true;
}

/* ---- ORDER BY and GROUP BY items ---------------------------------------------------------- */

/* An ORDER BY or GROUP BY item that names an output column (a bare name or an ordinal);
 * -1 when it is an ordinary expression. */
static int output_ref(sqlc_ctx_t *c, const sqlc_node_t *n, bool name_first, bool *err)
{
    *err = false;
    if (n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        int k = n->a_const->ival ? n->a_const->ival->ival : 0;
        if (k < 1 || (size_t)k > c->scope->n_targets) {
            *err = !sqlc_fail(c, "42P10", "ORDER BY position %d is not in select list", k);
            return -1;
        }
        return k - 1;
    }
    if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || n->column_ref->n_fields != 1 ||
        !sqlc_str(n->column_ref->fields[0]))
        return -1;
    const char *name = sqlc_str(n->column_ref->fields[0]);
    if (!name_first) { /* GROUP BY: an input column of that name wins */
        sqlc_val_t probe;
        am_err_t *saved = c->err, tmp = {0};
        c->err = &tmp;
        bool found = sqlc_expr(c, n, &probe);
        c->err = saved;
        if (found)
            return -1;
    }
    int hit = -1;
    for (size_t i = 0; i < c->scope->n_targets; i++)
        if (c->scope->targets[i].name && strcmp(c->scope->targets[i].name, name) == 0) {
            if (hit >= 0 && name_first) {
                *err = !sqlc_fail(c, "42702", "ORDER BY \"%s\" is ambiguous", name);
                return -1;
            }
            if (hit < 0)
                hit = (int)i;
        }
    return hit;
}

const char *sqlc_key_expr(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t t, bool numv)
{
    proxy_pgtype_ref_t base = proxy__pgtype_base(c->cat, t);
    uint32_t elem = sqlc_is_array(c, base.oid) ? proxy__pgtype_elem(c->cat, base.oid) : 0;
    if (elem) {
        /* each element by its own key: numeric text elements would compare as text ({10}
         * before {9}), intervals by DuckDB's fields ({1 day} apart from {24 hours}), bpchar
         * with its padding */
        proxy_pgtype_ref_t et = {elem, base.typmod};
        char *var = sqlc_alias(c, 'e');
        const char *k = sqlc_numv_type(c, et)
                            ? sqlc_printf(c, "am_num_sortkey(CAST(%s AS VARCHAR))", var)
                            : sqlc_key_expr(c, var, et, false);
        return strcmp(k, var) == 0 ? x : sqlc_printf(c, "list_transform(%s, %s -> %s)", x, var, k);
    }
    if (numv)
        return sqlc_printf(c, "am_num_sortkey(%s)", x);
    if (base.oid == PG_OID_INTERVAL)
        return sqlc_printf(c, "am_interval_sort_key(%s)", x);
    if (base.oid == PG_OID_BPCHAR)
        return sqlc_printf(c, "rtrim(%s, ' ')", x);
    /* DuckDB rebuilds a sorted column from its normalised sort key, which turns -0 into 0:
     * sorting on an expression keeps the column's own value */
    if (base.oid == PG_OID_FLOAT4 || base.oid == PG_OID_FLOAT8)
        return sqlc_printf(c, "(%s + 0.0)", x);
    return x;
}

const char *sqlc_elem_key(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t et)
{
    if (proxy__pgtype_base(c->cat, et).oid == PG_OID_NUMERIC)
        return sqlc_printf(c, "am_num_sortkey(CAST(%s AS VARCHAR))", x);
    return sqlc_key_expr(c, x, et, false);
}

/* DuckDB refuses a bare parameter as an ORDER BY, GROUP BY or DISTINCT ON key ("Parameter not
 * supported in ORDER BY clause", an XX000); PostgreSQL sorts or groups by its value, one
 * constant for the whole statement, which a scalar subquery of it is too. */
static const char *param_key(sqlc_ctx_t *c, const char *sql)
{
    size_t n = strlen(sql);
    if (n < 2 || sql[0] != '$' || strspn(sql + 1, "0123456789") != n - 1)
        return sql;
    return sqlc_printf(c, "(SELECT %s)", sql);
}

/* In an aggregate, DuckDB takes a key equal to the argument for the argument itself and
 * rebuilds the value from the sort key; constants compare by value, so the key of -0.0 (0)
 * counts as the argument -0.0 and array_agg(-0.0 ORDER BY -0.0) answered {0}. A constant key
 * read through a subquery stays a key of its own. */
static bool sort_key(sqlc_ctx_t *c, sqlc_val_t *v, bool outputs, am_buf_t *b)
{
    if (!sqlc_orderable(c, v->type, v->numv))
        return false;
    const char *k = sqlc_key_expr(c, v->sql, v->type, v->numv);
    if (!outputs && v->is_const && k[0] != '$')
        k = sqlc_printf(c, "(SELECT %s)", k);
    am_buf_puts(b, param_key(c, k));
    return true;
}

bool sqlc_sort_list(sqlc_ctx_t *c, PgQuery__Node **items, size_t n, bool outputs, am_buf_t *b)
{
    for (size_t i = 0; i < n; i++) {
        const PgQuery__SortBy *sb = items[i]->sort_by;
        if (!sb || sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING)
            return sqlc_fail(c, "0A000", "ORDER BY ... USING is not supported on the mirror");
        sqlc_val_t v;
        bool err = false;
        int k = outputs ? output_ref(c, sb->node, true, &err) : -1;
        if (err)
            return false;
        if (k >= 0)
            v = c->scope->targets[k].val;
        else if (!sqlc_expr(c, sb->node, &v) || !sqlc_resolve_unknown(c, &v))
            return false;
        if (i)
            am_buf_puts(b, ", ");
        if (!sort_key(c, &v, outputs, b))
            return false;
        bool desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
        bool nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                           (sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST && desc);
        am_buf_printf(b, " %s NULLS %s", desc ? "DESC" : "ASC", nulls_first ? "FIRST" : "LAST");
    }
    return true;
}

static bool group_item(sqlc_ctx_t *c, const sqlc_node_t *n, bool in_set, am_buf_t *b);

static bool group_set(sqlc_ctx_t *c, const PgQuery__GroupingSet *g, am_buf_t *b)
{
    static const char *const kinds[] = {"", "()", "", "ROLLUP", "CUBE", "GROUPING SETS"};
    if (g->kind == PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY) {
        am_buf_puts(b, "()");
        return true;
    }
    size_t k = (size_t)g->kind;
    am_buf_printf(b, "%s(", k < AM_ARRAY_LEN(kinds) ? kinds[k] : "");
    for (size_t i = 0; i < g->n_content; i++) {
        if (i)
            am_buf_puts(b, ", ");
        if (!group_item(c, g->content[i], true, b))
            return false;
    }
    am_buf_putc(b, ')');
    return true;
}

static bool group_item(sqlc_ctx_t *c, const sqlc_node_t *n, bool in_set, am_buf_t *b)
{
    if (n->node_case == PG_QUERY__NODE__NODE_GROUPING_SET)
        return group_set(c, n->grouping_set, b);
    if (n->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
        am_buf_putc(b, '(');
        for (size_t i = 0; i < n->row_expr->n_args; i++) {
            if (i)
                am_buf_puts(b, ", ");
            if (!group_item(c, n->row_expr->args[i], in_set, b))
                return false;
        }
        am_buf_putc(b, ')');
        return true;
    }
    bool err = false;
    int k = output_ref(c, n, false, &err);
    if (err)
        return false;
    sqlc_val_t v;
    if (k >= 0)
        v = c->scope->targets[k].val;
    else if (!sqlc_expr(c, n, &v) || !sqlc_resolve_unknown(c, &v))
        return false;
    if (v.has_agg)
        return sqlc_fail(c, "42803", "aggregate functions are not allowed in GROUP BY");
    const char *key;
    if (!sqlc_eq_key(c, &v, &key))
        return false;
    sqlc_group_item(c, v.sql);
    /* an item without a column of this level is one group whatever its key */
    if (!key || !strstr(v.sql, sqlc_printf(c, "\001%d\003", c->scope->depth))) {
        am_buf_puts(b, param_key(c, v.sql));
        return true;
    }
    c->scope->gsets = c->scope->gsets || in_set;
    am_buf_puts(b, sqlc_group_by_key(c, v.sql, key));
    return true;
}

/* ---- the plain SELECT ----------------------------------------------------------------------- */

static bool from_clause(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *b)
{
    sqlc_scope_t *sc = c->scope;
    sc->items = am_arena_alloc(c->arena, (s->n_from_clause + 1) * sizeof(sqlc_rte_t *));
    for (size_t i = 0; i < s->n_from_clause; i++) {
        am_buf_puts(b, i ? ", " : " FROM ");
        sqlc_rte_t *item = NULL;
        if (!sqlc_from_item(c, s->from_clause[i], b, &item))
            return false;
        sc->items[sc->n_items++] = item;
    }
    return true;
}

static void window_defs(sqlc_ctx_t *c, const PgQuery__SelectStmt *s)
{
    c->scope->windows = am_arena_alloc(c->arena, (s->n_window_clause + 1) * sizeof(void *));
    for (size_t i = 0; i < s->n_window_clause; i++)
        c->scope->windows[c->scope->n_windows++] = s->window_clause[i]->window_def;
}

/* WHERE after the select list, as PostgreSQL analyses them: an untyped parameter takes its
 * type from its first use in that order. Its column references are plain, not the grouping
 * check's markers. */
static bool where_clause(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *tail)
{
    if (!s->where_clause)
        return true;
    bool mark = c->scope->mark_refs;
    c->scope->mark_refs = false;
    sqlc_val_t w;
    bool ok = sqlc_bool_expr(c, s->where_clause, "WHERE", &w);
    c->scope->mark_refs = mark;
    if (!ok)
        return false;
    if (w.has_agg)
        return sqlc_fail(c, "42803", "aggregate functions are not allowed in WHERE");
    am_buf_printf(tail, " WHERE %s", w.sql);
    return true;
}

/* The select list's untyped parameters are text unless a later clause typed them
 * (PostgreSQL's resolveTargetListUnknowns, after every other clause). */
static bool resolve_list_params(sqlc_ctx_t *c, tlist_t *l)
{
    if (c->scope->keep_unknown) /* a set operation's branch: the other branches decide */
        return true;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].val.param && l->items[i].val.type.oid == PG_OID_UNKNOWN &&
            !sqlc_resolve_unknown(c, &l->items[i].val))
            return false;
    return true;
}

static bool group_having(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *b)
{
    if (s->n_group_clause) {
        am_buf_puts(b, s->group_distinct ? " GROUP BY DISTINCT " : " GROUP BY ");
        for (size_t i = 0; i < s->n_group_clause; i++) {
            if (i)
                am_buf_puts(b, ", ");
            if (!group_item(c, s->group_clause[i], false, b))
                return false;
        }
    }
    if (s->having_clause) {
        sqlc_val_t h;
        c->scope->grouped = true;
        if (!sqlc_bool_expr(c, s->having_clause, "HAVING", &h))
            return false;
        am_buf_printf(b, " HAVING %s", h.sql);
    }
    return true;
}

static bool is_plain_distinct(const PgQuery__SelectStmt *s);

static bool distinct_clause(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *b)
{
    if (!s->n_distinct_clause)
        return true;
    /* DISTINCT is one NULL entry; DISTINCT ON lists expressions. Either compares through
     * equality keys (sqlc_eqkey.c): a plain DISTINCT with a keyed column becomes DISTINCT ON
     * every column, which keeps one row of each set of equal ones as PostgreSQL does. */
    am_buf_t on;
    am_buf_init(&on);
    bool ok = true, keyed = false;
    if (is_plain_distinct(s)) {
        for (size_t i = 0; ok && i < c->scope->n_targets; i++) {
            const char *key;
            ok = sqlc_eq_key(c, &c->scope->targets[i].val, &key);
            keyed = keyed || key;
            am_buf_printf(&on, "%s%s", i ? ", " : "",
                          key ? key : param_key(c, c->scope->targets[i].val.sql));
        }
    } else {
        keyed = true;
        for (size_t i = 0; ok && i < s->n_distinct_clause; i++) {
            bool err = false;
            int k = output_ref(c, s->distinct_clause[i], true, &err);
            sqlc_val_t v;
            ok = !err && (k >= 0 ||
                          (sqlc_expr(c, s->distinct_clause[i], &v) && sqlc_resolve_unknown(c, &v)));
            if (ok && k >= 0)
                v = c->scope->targets[k].val;
            const char *key = NULL;
            ok = ok && sqlc_eq_key(c, &v, &key);
            if (ok)
                am_buf_printf(&on, "%s%s", i ? ", " : "", key ? key : param_key(c, v.sql));
        }
    }
    if (ok && keyed)
        am_buf_printf(b, "DISTINCT ON (%s) ", on.data);
    else if (ok)
        am_buf_puts(b, "DISTINCT ");
    am_buf_destroy(&on);
    return ok;
}

static bool limit_clause(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *b)
{
    if (s->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES)
        return sqlc_fail(c, "0A000", "FETCH ... WITH TIES is not supported on the mirror");
    const sqlc_node_t *parts[2] = {s->limit_count, s->limit_offset};
    const char *words[2] = {" LIMIT ", " OFFSET "};
    for (int i = 0; i < 2; i++) {
        if (!parts[i])
            continue;
        if (parts[i]->node_case == PG_QUERY__NODE__NODE_A_CONST && parts[i]->a_const->isnull)
            continue; /* LIMIT ALL / LIMIT NULL */
        /* ival shares a union with the other constants' pointers: only an integer's counts */
        if (parts[i]->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            parts[i]->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL &&
            parts[i]->a_const->ival && parts[i]->a_const->ival->ival < 0)
            return sqlc_fail(c, i == 0 ? "2201W" : "2201X", "%s must not be negative",
                             i == 0 ? "LIMIT" : "OFFSET");
        sqlc_val_t v;
        if (!sqlc_expr(c, parts[i], &v))
            return false;
        if (!sqlc_assigns_to_int(c, &v))
            return sqlc_fail(c, "42804", "argument of %s must be type bigint, not type %s",
                             i == 0 ? "LIMIT" : "OFFSET", sqlc_type_name(c, v.type));
        if (!sqlc_coerce(c, &v, sqlc_type(PG_OID_INT8), SQLC_IMPLICIT))
            return false;
        am_buf_printf(b, "%s%s", words[i], v.sql);
    }
    return true;
}

static bool plain_select(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *out, tlist_t *l)
{
    am_buf_t from, tail, list;
    am_buf_init(&from);
    am_buf_init(&tail);
    am_buf_init(&list);
    bool ok = from_clause(c, s, &from);
    window_defs(c, s);
    /* from here to ORDER BY, column references go through the grouping check */
    c->scope->mark_refs = true;
    ok = ok && select_list(c, s, l) && where_clause(c, s, &tail) && group_having(c, s, &tail) &&
         resolve_list_params(c, l);
    for (size_t i = 0; ok && i < l->n; i++)
        am_buf_printf(&list, "%s%s AS %s", i ? ", " : "", l->items[i].val.sql, l->items[i].duck);
    if (ok && l->n == 0)
        am_buf_puts(&list, "NULL AS am_none");
    if (ok) {
        am_buf_puts(out, "SELECT ");
        ok = distinct_clause(c, s, out);
    }
    if (ok)
        am_buf_printf(out, "%s%s%s", list.data, from.data ? from.data : "",
                      tail.data ? tail.data : "");
    am_buf_destroy(&from);
    am_buf_destroy(&tail);
    am_buf_destroy(&list);
    return ok;
}

/* ORDER BY and LIMIT of this level: over output columns only for VALUES and set operations. */
bool sqlc_order_limit(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *b, bool shell)
{
    if (s->n_sort_clause) {
        am_buf_puts(b, " ORDER BY ");
        if (shell) {
            /* only output columns can be named after a set operation */
            for (size_t i = 0; i < s->n_sort_clause; i++) {
                const PgQuery__SortBy *sb = s->sort_clause[i]->sort_by;
                bool err = false;
                if (sb && output_ref(c, sb->node, true, &err) < 0 && !err)
                    return sqlc_fail(c, "0A000",
                                     "invalid UNION/INTERSECT/EXCEPT ORDER BY clause\n"
                                     "DETAIL:  Only result column names can be used, "
                                     "not expressions or functions.");
                if (err)
                    return false;
            }
            am_buf_t tmp;
            am_buf_init(&tmp);
            bool ok = sqlc_sort_list(c, s->sort_clause, s->n_sort_clause, true, &tmp);
            if (ok) {
                /* the shell orders the union's own columns o1..oN */
                am_buf_puts(b, tmp.data);
            }
            am_buf_destroy(&tmp);
            if (!ok)
                return false;
        } else if (s->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES &&
                   !s->limit_offset && s->limit_count) {
            /* FETCH FIRST n ROWS WITH TIES: the rows whose rank in this order is at most n */
            am_buf_t keys;
            am_buf_init(&keys);
            sqlc_val_t n;
            bool ok = sqlc_sort_list(c, s->sort_clause, s->n_sort_clause, true, &keys) &&
                      sqlc_expr(c, s->limit_count, &n);
            if (ok && !sqlc_assigns_to_int(c, &n))
                ok = sqlc_fail(c, "42804", "argument of LIMIT must be type bigint, not type %s",
                               sqlc_type_name(c, n.type));
            ok = ok && sqlc_coerce(c, &n, sqlc_type(PG_OID_INT8), SQLC_IMPLICIT);
            if (ok) {
                b->len -= strlen(" ORDER BY ");
                b->data[b->len] = '\0';
                am_buf_printf(b, " QUALIFY rank() OVER (ORDER BY %s) <= %s ORDER BY %s", keys.data,
                              n.sql, keys.data);
            }
            am_buf_destroy(&keys);
            return ok;
        } else if (!sqlc_sort_list(c, s->sort_clause, s->n_sort_clause, true, b)) {
            return false;
        }
    }
    return limit_clause(c, s, b);
}

/* SELECT DISTINCT ... ORDER BY: the sort keys must be output columns (42P10); DuckDB sorts the
 * distinct rows of a subquery, by the same keys as any ORDER BY. */
static bool distinct_order(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *out, size_t start)
{
    char *inner = am_arena_strndup(c->arena, out->data + start, out->len - start);
    out->len = start;
    out->data[start] = '\0';
    am_buf_printf(out, "SELECT * FROM (%s) AS am_d ORDER BY ", inner);
    sqlc_scope_t *sc = c->scope;
    for (size_t i = 0; i < s->n_sort_clause; i++) {
        const PgQuery__SortBy *sb = s->sort_clause[i]->sort_by;
        if (!sb || sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING)
            return sqlc_fail(c, "0A000", "ORDER BY ... USING is not supported on the mirror");
        bool err = false;
        int k = output_ref(c, sb->node, true, &err);
        if (err)
            return false;
        sqlc_val_t v;
        if (k < 0) {
            if (!sqlc_expr(c, sb->node, &v))
                return false;
            for (size_t t = 0; t < sc->n_targets && k < 0; t++)
                if (strcmp(sc->targets[t].val.sql, v.sql) == 0)
                    k = (int)t;
        }
        if (k < 0 || !sc->targets)
            return sqlc_fail(c, "42P10",
                             "for SELECT DISTINCT, ORDER BY expressions must appear "
                             "in select list");
        const sqlc_target_t *t = &sc->targets[k];
        if (!sqlc_orderable(c, t->val.type, t->val.numv))
            return false;
        bool desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
        bool nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                           (sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST && desc);
        am_buf_printf(
            out, "%s%s %s NULLS %s", i ? ", " : "",
            sqlc_key_expr(c, sqlc_printf(c, "am_d.%s", t->duck), t->val.type, t->val.numv),
            desc ? "DESC" : "ASC", nulls_first ? "FIRST" : "LAST");
    }
    return limit_clause(c, s, out);
}

static bool is_plain_distinct(const PgQuery__SelectStmt *s)
{
    return s->n_distinct_clause == 1 &&
           (!s->distinct_clause[0] ||
            s->distinct_clause[0]->node_case == PG_QUERY__NODE__NODE__NOT_SET);
}

bool sqlc_plain(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *out, sqlc_target_t **targets,
                size_t *n_targets)
{
    tlist_t l = {0};
    size_t start = out->len;
    bool ok = plain_select(c, s, out, &l);
    if (ok && is_plain_distinct(s) && s->n_sort_clause)
        ok = distinct_order(c, s, out, start);
    else if (ok)
        ok = sqlc_order_limit(c, s, out, false);
    if (!ok || !sqlc_group_finalize(c, out, start))
        return false;
    *targets = l.items ? l.items : targets_new(c, 0);
    *n_targets = l.n;
    return true;
}
