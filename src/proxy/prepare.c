/*
 * proxy/prepare.c: prepared statements, one namespace for the extended protocol's Parse and
 * SQL PREPARE (as PostgreSQL has it: a PREPAREd statement can be bound by the protocol and
 * vice versa), with EXECUTE and DEALLOCATE. A statement keeps its parse tree and the
 * description compiled at preparation (parameter and result types); each execution compiles
 * again with the session's settings of that moment, as PostgreSQL re-plans.
 * Spec: PostgreSQL docs "PREPARE", "EXECUTE", "DEALLOCATE"; postgres.md section 4.5.
 */
#include "proxy/proxy_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdlib.h>
#include <string.h>

static void prep_free(proxy_prep_t *p)
{
    proxy__sql_parse_destroy(&p->parse);
    if (p->owned)
        pg_query__node__free_unpacked(p->owned, NULL);
    proxy__sql_query_destroy(&p->desc);
    free(p->param_oids);
    free(p->name);
    free(p->text);
    free(p);
}

void proxy__prep_unref(proxy_prep_t *p)
{
    if (p && --p->refs == 0)
        prep_free(p);
}

static proxy_prep_t **slot(proxy_session_t *s, const char *name)
{
    proxy_prep_t **pp = &s->preps;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

proxy_prep_t *proxy__prep_find(proxy_session_t *s, const char *name)
{
    return *slot(s, name);
}

bool proxy__prep_drop(proxy_session_t *s, const char *name)
{
    if (name) {
        proxy_prep_t **pp = slot(s, name);
        if (!*pp)
            return false;
        proxy_prep_t *p = *pp;
        *pp = p->next;
        proxy__prep_unref(p);
        return true;
    }
    while (s->preps) {
        proxy_prep_t *p = s->preps;
        s->preps = p->next;
        proxy__prep_unref(p);
    }
    return true;
}

/* Classifies and, for a query, compiles once for its description and parameter types. */
static bool describe(proxy_session_t *s, proxy_prep_t *p, const uint32_t *oids, size_t n,
                     am_err_t *err)
{
    if (!proxy__stmt_kind(p->node, &p->kind, err))
        return false;
    if (p->kind == PROXY_STMT_QUERY) {
        proxy__session_stmt_begin(s);
        if (!proxy__query_describe(s, p->node, oids, n, &p->desc, err))
            return false;
        p->n_params = p->desc.n_params;
        p->param_oids = am_xcalloc(p->n_params + 1, sizeof *p->param_oids);
        memcpy(p->param_oids, p->desc.param_oids, p->n_params * sizeof *p->param_oids);
        return true;
    }
    p->n_params = n;
    p->param_oids = am_xcalloc(n + 1, sizeof *p->param_oids);
    if (n)
        memcpy(p->param_oids, oids, n * sizeof *oids);
    return true;
}

static void link_new(proxy_session_t *s, proxy_prep_t *p)
{
    if (!p->name[0])
        (void)proxy__prep_drop(s, ""); /* the unnamed statement is replaced silently */
    p->refs = 1;
    p->next = s->preps;
    s->preps = p;
}

bool proxy__prep_add(proxy_session_t *s, const char *name, const char *text,
                     const uint32_t *param_oids, size_t n_param_oids, am_err_t *err)
{
    if (name[0] && *slot(s, name))
        return am_err_set(err, "42P05", "prepared statement \"%s\" already exists", name);
    if (!proxy__limits_prep_room(s, name, err))
        return false;
    proxy_prep_t *p = am_xcalloc(1, sizeof *p);
    p->name = am_xstrdup(name);
    p->text = am_xstrdup(text);
    int pos = 0;
    bool ok = proxy__sql_parse(text, &p->parse, &pos, err);
    if (ok && p->parse.n_stmts > 1)
        ok = am_err_set(err, AM_SQLSTATE_SYNTAX,
                        "cannot insert multiple commands into a prepared statement");
    if (ok) {
        p->node = p->parse.n_stmts ? p->parse.stmts[0].node : NULL;
        ok = describe(s, p, param_oids, n_param_oids, err);
    }
    if (!ok) {
        prep_free(p);
        return false;
    }
    link_new(s, p);
    return true;
}

/* PREPARE name [(types)] AS query: the query node is copied out of the statement's tree. */
static bool sql_prepare(proxy_session_t *s, const PgQuery__PrepareStmt *ps, const char *text,
                        am_err_t *err)
{
    if (!ps->name || !ps->name[0])
        return am_err_set(err, "42P05", "invalid statement name");
    if (*slot(s, ps->name))
        return am_err_set(err, "42P05", "prepared statement \"%s\" already exists", ps->name);
    if (!proxy__limits_prep_room(s, ps->name, err))
        return false;
    uint32_t *oids = am_xcalloc(ps->n_argtypes + 1, sizeof *oids);
    proxy_sqlenv_t env;
    proxy__session_stmt_begin(s);
    proxy__session_env(s, &env);
    bool ok = proxy__sql_typenames(&env, ps->argtypes, ps->n_argtypes, oids, err);
    proxy_prep_t *p = NULL;
    if (ok) {
        p = am_xcalloc(1, sizeof *p);
        p->name = am_xstrdup(ps->name);
        p->text = am_xstrdup(text);
        p->from_sql = true;
        size_t len = pg_query__node__get_packed_size(ps->query);
        uint8_t *buf = am_xmalloc(len + 1);
        pg_query__node__pack(ps->query, buf);
        p->owned = pg_query__node__unpack(NULL, len, buf);
        free(buf);
        p->node = p->owned;
        ok = p->owned && describe(s, p, oids, ps->n_argtypes, err);
        if (!ok && !err->sqlstate[0])
            am_err_set(err, AM_SQLSTATE_INTERNAL, "cannot copy the prepared query");
    }
    free(oids);
    if (!ok) {
        if (p)
            prep_free(p);
        return false;
    }
    if (p->kind != PROXY_STMT_QUERY) {
        prep_free(p);
        return am_err_set(err, AM_SQLSTATE_SYNTAX,
                          "only SELECT and VALUES can be prepared on "
                          "the mirror");
    }
    link_new(s, p);
    proxy__wire_complete(&s->out, "PREPARE");
    return true;
}

/* EXECUTE's arguments: constants (optionally cast) become the parameters' text. */
static bool execute_args(const PgQuery__ExecuteStmt *e, char **vals, am_err_t *err)
{
    for (size_t i = 0; i < e->n_params; i++) {
        const PgQuery__Node *a = e->params[i];
        if (a->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
            a = a->type_cast->arg;
        if (a->node_case != PG_QUERY__NODE__NODE_A_CONST)
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "EXECUTE arguments must be constants on the mirror");
        const PgQuery__AConst *k = a->a_const;
        if (k->isnull)
            vals[i] = NULL;
        else if (k->val_case == PG_QUERY__A__CONST__VAL_IVAL)
            vals[i] = am_xasprintf("%d", k->ival ? k->ival->ival : 0);
        else if (k->val_case == PG_QUERY__A__CONST__VAL_FVAL)
            vals[i] = am_xstrdup(k->fval ? k->fval->fval : "0");
        else if (k->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL)
            vals[i] = am_xstrdup(k->boolval && k->boolval->boolval ? "t" : "f");
        else
            vals[i] = am_xstrdup(k->sval && k->sval->sval ? k->sval->sval : "");
    }
    return true;
}

static bool sql_execute(proxy_session_t *s, const PgQuery__ExecuteStmt *e, bool describe_rows,
                        am_err_t *err)
{
    proxy_prep_t *p = e->name ? *slot(s, e->name) : NULL;
    if (!p)
        return am_err_set(err, "26000", "prepared statement \"%s\" does not exist",
                          e->name ? e->name : "");
    if (e->n_params != p->n_params)
        return am_err_set(err, "42601",
                          "wrong number of parameters for prepared statement "
                          "\"%s\"",
                          p->name);
    char **vals = am_xcalloc(e->n_params + 1, sizeof *vals);
    int32_t *lens = am_xcalloc(e->n_params + 1, sizeof *lens);
    bool ok = execute_args(e, vals, err);
    for (size_t i = 0; i < e->n_params; i++)
        lens[i] = vals[i] ? (int32_t)strlen(vals[i]) : -1;
    proxy_params_t params = {
        .n = e->n_params, .values = (const uint8_t *const *)vals, .lens = lens};
    proxy_cursor_t cur;
    ok = ok && proxy__session_read_tx(s, err);
    ok = ok && proxy__query_open(s, p->node, p->param_oids, p->n_params, &params, &cur, err);
    for (size_t i = 0; i < e->n_params; i++)
        free(vals[i]);
    free(vals);
    free(lens);
    if (!ok)
        return false;
    bool suspended;
    if (describe_rows)
        proxy__cursor_rowdesc(s, &cur);
    ok = proxy__cursor_fetch(s, &cur, 0, &suspended, err);
    if (ok) {
        char tag[64];
        proxy__cursor_tag(&cur, tag, sizeof tag);
        proxy__wire_complete(&s->out, tag);
    }
    proxy__cursor_close(&cur);
    return ok;
}

bool proxy__prep_sql(proxy_session_t *s, const PgQuery__Node *node, const char *text,
                     bool describe_rows, am_err_t *err)
{
    if (node->node_case == PG_QUERY__NODE__NODE_PREPARE_STMT)
        return sql_prepare(s, node->prepare_stmt, text, err);
    if (node->node_case == PG_QUERY__NODE__NODE_EXECUTE_STMT)
        return sql_execute(s, node->execute_stmt, describe_rows, err);
    const PgQuery__DeallocateStmt *d = node->deallocate_stmt;
    if (!d->name || !d->name[0]) {
        (void)proxy__prep_drop(s, NULL);
        proxy__wire_complete(&s->out, "DEALLOCATE ALL");
        return true;
    }
    if (!proxy__prep_drop(s, d->name))
        return am_err_set(err, "26000", "prepared statement \"%s\" does not exist", d->name);
    proxy__wire_complete(&s->out, "DEALLOCATE");
    return true;
}
