/*
 * proxy/sql_compile.c: the entry of the SQL compiler (proxy__sql_compile): a parsed read
 * statement and the session's environment in, the DuckDB statement and PostgreSQL's
 * description of its result out. Resolves the search path as PostgreSQL does (existing
 * schemas only, "$user" for the role's own schema).
 */
#include "proxy/sqlc_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* search_path's value: identifiers separated by commas, "quoted" or folded to lower case. */
static void resolve_path(sqlc_ctx_t *c)
{
    const char *p = c->env->search_path ? c->env->search_path : "\"$user\", public";
    const char **out = am_arena_alloc(c->arena, (strlen(p) / 2 + 2) * sizeof *out);
    size_t n = 0;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (!*p)
            break;
        am_buf_t b;
        am_buf_init(&b);
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"')
                    p++;
                am_buf_putc(&b, *p);
            }
            p += *p == '"';
        } else {
            for (; *p && *p != ',' && *p != ' '; p++)
                am_buf_putc(&b, (char)tolower((unsigned char)*p));
        }
        const char *name = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
        am_buf_destroy(&b);
        if (strcmp(name, "$user") == 0)
            name = c->env->user ? c->env->user : "";
        /* PostgreSQL skips schemas that do not exist; without a catalog only the built-in ones
         * and public exist (as proxy__session_path has it) */
        if (c->cat ? !proxy__pgcat_nsp_find(c->cat, name)
                   : strcmp(name, "public") != 0 && strcmp(name, "pg_catalog") != 0 &&
                         strcmp(name, "information_schema") != 0)
            continue;
        out[n++] = name;
    }
    c->env_path = out;
    c->env_path_n = n;
}

static bool explain(sqlc_ctx_t *c, const PgQuery__ExplainStmt *e, char **sql, sqlc_target_t **t,
                    size_t *n)
{
    bool analyze = false;
    for (size_t i = 0; i < e->n_options; i++) {
        const PgQuery__DefElem *d = e->options[i]->def_elem;
        const char *opt = d ? d->defname : NULL;
        if (opt && strcmp(opt, "analyze") == 0)
            analyze = true;
        else if (opt && strcmp(opt, "verbose") != 0 && strcmp(opt, "costs") != 0)
            return sqlc_fail(c, "0A000", "EXPLAIN option \"%s\" is not supported on the mirror",
                             opt);
    }
    if (!e->query || e->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return sqlc_fail(c, "25006", "cannot execute this statement in a read-only transaction");
    char *inner = NULL;
    sqlc_target_t *it = NULL;
    size_t in = 0;
    if (!sqlc_query(c, e->query->select_stmt, &inner, &it, &in))
        return false;
    *sql = sqlc_printf(c, "EXPLAIN %s%s", analyze ? "ANALYZE " : "", inner);
    *t = am_arena_alloc(c->arena, sizeof **t);
    memset(*t, 0, sizeof **t);
    (*t)->name = "QUERY PLAN";
    (*t)->val = sqlc_val_of(NULL, sqlc_type(PG_OID_TEXT));
    *n = 1;
    return true;
}

/* SELECT of each parameter by its input function; NULL when none can fail (text's cannot).
 * Every $n is named, as DuckDB numbers a statement's parameters by those it sees. */
static char *param_check(sqlc_ctx_t *c)
{
    am_buf_t b;
    am_buf_init(&b);
    bool can_fail = false;
    for (size_t i = 0; i < c->n_params; i++) {
        bool numv = false;
        am_err_t *keep = c->err, ignored = {0};
        c->err = &ignored; /* a type the mirror cannot read failed where it was used */
        const char *x = sqlc_param_input(c, (int)i + 1, c->params[i].type, &numv);
        c->err = keep;
        char self[24];
        snprintf(self, sizeof self, "$%zu", i + 1);
        can_fail |= x && strcmp(x, self) != 0;
        if (x && strcmp(x, self) != 0)
            am_buf_printf(&b, "%s%s", i ? ", " : "SELECT ", x);
        else
            am_buf_printf(&b, "%sCAST(%s AS VARCHAR)", i ? ", " : "SELECT ", self);
    }
    char *sql = can_fail ? am_xstrdup(b.data) : NULL;
    am_buf_destroy(&b);
    return sql;
}

static void fill(sqlc_ctx_t *c, const char *sql, const sqlc_target_t *t, size_t n,
                 proxy_sqlquery_t *out)
{
    out->duck_sql = am_xstrdup(sql);
    out->cols = am_xcalloc(n + 1, sizeof *out->cols);
    out->n_cols = n;
    for (size_t i = 0; i < n; i++) {
        out->cols[i].name = am_xstrdup(t[i].name ? t[i].name : "?column?");
        out->cols[i].type = t[i].val.type;
        out->cols[i].relid = t[i].val.relid;
        out->cols[i].attnum = t[i].val.attnum;
    }
    out->param_oids = am_xcalloc(c->n_params + 1, sizeof *out->param_oids);
    out->n_params = c->n_params;
    for (size_t i = 0; i < c->n_params; i++)
        out->param_oids[i] = c->params[i].type.oid;
    out->param_check = param_check(c);
}

static bool compile_once(const proxy_sqlenv_t *env, const PgQuery__Node *stmt,
                         const uint32_t *param_oids, size_t n_param_oids, bool wide,
                         proxy_sqlquery_t *out, bool *narrowed, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    sqlc_ctx_t c;
    memset(&c, 0, sizeof c);
    c.wide_products = wide;
    c.env = env;
    c.cat = env->cat;
    c.err = err;
    c.arena = am_arena_new(16384);
    resolve_path(&c);
    if (n_param_oids) {
        c.cap_params = n_param_oids;
        c.params = am_arena_alloc(c.arena, n_param_oids * sizeof *c.params);
        c.n_params = n_param_oids;
        for (size_t i = 0; i < n_param_oids; i++)
            c.params[i] = (sqlc_param_t){.type = {param_oids[i], -1}};
    }
    char *sql = NULL;
    sqlc_target_t *t = NULL;
    size_t n = 0;
    bool ok;
    if (stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
        ok = sqlc_query(&c, stmt->select_stmt, &sql, &t, &n);
    } else if (stmt->node_case == PG_QUERY__NODE__NODE_EXPLAIN_STMT) {
        ok = explain(&c, stmt->explain_stmt, &sql, &t, &n);
        out->is_explain = true;
    } else {
        ok = am_err_set(err, "0A000", "statement is not a query");
    }
    /* a parameter that an argument of type "any" saw untyped stays so in PostgreSQL; typed by
     * a later use, its two uses disagree (42P08) */
    for (size_t i = 0; ok && i < c.n_params; i++)
        if (c.params[i].type.oid == 0 || c.params[i].any_use)
            ok = am_err_set(err, c.params[i].type.oid == 0 ? "42P18" : "42P08",
                            "could not determine data type of parameter $%zu", i + 1);
    if (ok)
        fill(&c, sql, t, n, out);
    *narrowed = c.narrowed;
    am_arena_free(c.arena);
    return ok;
}

bool proxy__sql_compile(const proxy_sqlenv_t *env, const PgQuery__Node *stmt,
                        const uint32_t *param_oids, size_t n_param_oids, proxy_sqlquery_t *out,
                        am_err_t *err)
{
    bool narrowed = false;
    if (!compile_once(env, stmt, param_oids, n_param_oids, false, out, &narrowed, err))
        return false;
    if (narrowed) { /* the statement to run again when a narrow product overflows */
        proxy_sqlquery_t wide;
        am_err_t ignored = {0};
        bool again = false;
        if (compile_once(env, stmt, param_oids, n_param_oids, true, &wide, &again, &ignored)) {
            out->duck_sql_wide = wide.duck_sql;
            wide.duck_sql = NULL;
            proxy__sql_query_destroy(&wide);
        }
    }
    return true;
}

void proxy__sql_query_destroy(proxy_sqlquery_t *q)
{
    for (size_t i = 0; i < q->n_cols; i++)
        free(q->cols[i].name);
    free(q->cols);
    free(q->param_oids);
    free(q->duck_sql);
    free(q->duck_sql_wide);
    free(q->param_check);
    memset(q, 0, sizeof *q);
}

bool proxy__sql_typenames(const proxy_sqlenv_t *env, PgQuery__Node *const *names, size_t n,
                          uint32_t *oids, am_err_t *err)
{
    sqlc_ctx_t c;
    memset(&c, 0, sizeof c);
    c.env = env;
    c.cat = env->cat;
    c.err = err;
    c.arena = am_arena_new(4096);
    resolve_path(&c);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        proxy_pgtype_ref_t t;
        ok = names[i]->node_case == PG_QUERY__NODE__NODE_TYPE_NAME &&
             sqlc_typename(&c, names[i]->type_name, &t);
        if (ok)
            oids[i] = t.oid;
    }
    am_arena_free(c.arena);
    return ok;
}
