/*
 * proxy/session_setconfig.c: SELECT set_config(name, value, is_local) run as SET. pg_dump
 * opens with SELECT pg_catalog.set_config('search_path', '', false), and tools set their
 * per-transaction values the same way. A SELECT of nothing but set_config calls over constants
 * is answered here (each call in turn, one text column per call, as PostgreSQL evaluates a
 * target list); set_config anywhere else (beside a FROM, over a column or a parameter) stays
 * refused by the compiler, since DuckDB cannot set a session's settings row by row.
 * Spec: PostgreSQL docs "System Administration Functions" (set_config).
 */
#include "proxy/proxy_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *node_str(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string ? n->string->sval : NULL;
}

/* A constant argument: a literal, perhaps cast to text or boolean. */
static const PgQuery__AConst *const_arg(const PgQuery__Node *n)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast->type_name) {
        const PgQuery__TypeName *t = n->type_cast->type_name;
        const char *tn = t->n_names ? node_str(t->names[t->n_names - 1]) : NULL;
        if (!tn || t->n_array_bounds || t->n_typmods ||
            (strcmp(tn, "text") != 0 && strcmp(tn, "bool") != 0 && strcmp(tn, "varchar") != 0))
            return NULL;
        n = n->type_cast->arg;
    }
    if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST)
        return NULL;
    const PgQuery__AConst *k = n->a_const;
    if (k->isnull || k->val_case == PG_QUERY__A__CONST__VAL_SVAL ||
        k->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL)
        return k;
    return NULL;
}

static const PgQuery__FuncCall *set_config_call(const PgQuery__Node *n)
{
    if (!n || n->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !n->res_target->val ||
        n->res_target->val->node_case != PG_QUERY__NODE__NODE_FUNC_CALL)
        return NULL;
    const PgQuery__FuncCall *f = n->res_target->val->func_call;
    const char *fn = f->n_funcname ? node_str(f->funcname[f->n_funcname - 1]) : NULL;
    bool qualified_ok = f->n_funcname == 1 || (f->n_funcname == 2 && node_str(f->funcname[0]) &&
                                               strcmp(node_str(f->funcname[0]), "pg_catalog") == 0);
    if (!fn || strcmp(fn, "set_config") != 0 || !qualified_ok || f->n_args != 3 || f->n_agg_order ||
        f->agg_filter || f->over || f->agg_star || f->agg_distinct || f->func_variadic ||
        f->agg_within_group)
        return NULL;
    for (size_t i = 0; i < 3; i++) {
        const PgQuery__AConst *k = const_arg(f->args[i]);
        if (!k || (i < 2 && !k->isnull && k->val_case != PG_QUERY__A__CONST__VAL_SVAL))
            return NULL;
    }
    return f;
}

bool proxy__setconfig_match(const PgQuery__Node *node)
{
    if (!node || node->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return false;
    const PgQuery__SelectStmt *st = node->select_stmt;
    if (st->n_distinct_clause || st->into_clause || st->n_from_clause || st->where_clause ||
        st->n_group_clause || st->having_clause || st->n_window_clause || st->n_values_lists ||
        st->n_sort_clause || st->limit_offset || st->limit_count || st->n_locking_clause ||
        st->with_clause || st->op != PG_QUERY__SET_OPERATION__SETOP_NONE || !st->n_target_list)
        return false;
    for (size_t i = 0; i < st->n_target_list; i++)
        if (!set_config_call(st->target_list[i]))
            return false;
    return true;
}

static bool call_args(const PgQuery__FuncCall *f, const char **name, const char **value,
                      bool *local, am_err_t *err)
{
    const PgQuery__AConst *k[3];
    for (size_t i = 0; i < 3; i++)
        k[i] = const_arg(f->args[i]);
    *name = k[0]->isnull ? NULL : k[0]->sval->sval;
    *value = k[1]->isnull ? NULL : k[1]->sval->sval;
    *local = false;
    if (!*name)
        return am_err_set(err, "22004", "SET requires parameter name");
    if (k[2]->isnull)
        return true;
    if (k[2]->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL) {
        *local = k[2]->boolval && k[2]->boolval->boolval;
        return true;
    }
    int b = proxy__bool_text(k[2]->sval->sval, strlen(k[2]->sval->sval));
    *local = b == 1;
    if (b < 0)
        return am_err_set(err, AM_SQLSTATE_BAD_INPUT,
                          "invalid input syntax for type boolean: \"%s\"", k[2]->sval->sval);
    return true;
}

bool proxy__setconfig_run(proxy_session_t *s, const PgQuery__Node *node, bool describe, bool run,
                          am_err_t *err)
{
    const PgQuery__SelectStmt *st = node->select_stmt;
    size_t n = st->n_target_list;
    char **shown = am_xcalloc(n + 1, sizeof *shown);
    const char **names = am_xcalloc(n + 1, sizeof *names);
    bool ok = true;
    /* a statement outside any transaction is one: a later call's error undoes the earlier */
    bool own = run && !s->tx_open;
    if (own)
        proxy__txset_begin(s);
    for (size_t i = 0; ok && run && i < n; i++) {
        const char *value;
        bool local;
        ok = call_args(set_config_call(st->target_list[i]), &names[i], &value, &local, err) &&
             proxy__session_set_config(s, names[i], value, local, &shown[i], err);
    }
    if (own)
        proxy__txset_end(s, ok);
    if (ok && describe) {
        size_t off = proxy__wire_rowdesc_begin(&s->out, (uint16_t)n);
        for (size_t i = 0; i < n; i++) {
            const char *col = st->target_list[i]->res_target->name;
            proxy__wire_rowdesc_field(&s->out, col && *col ? col : "set_config", 25, -1, -1, 0);
        }
        proxy__msg_end(&s->out, off);
    }
    if (ok && run) {
        size_t off = proxy__wire_datarow_begin(&s->out, (uint16_t)n);
        for (size_t i = 0; i < n; i++) {
            am_buf_put_u32(&s->out, (uint32_t)strlen(shown[i]));
            am_buf_puts(&s->out, shown[i]);
        }
        proxy__msg_end(&s->out, off);
        proxy__wire_complete(&s->out, "SELECT 1");
        /* ParameterStatus follows CommandComplete */
        for (size_t i = 0; i < n; i++)
            proxy__session_report(s, names[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(shown[i]);
    free(shown);
    free(names);
    return ok;
}
