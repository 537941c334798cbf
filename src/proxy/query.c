/*
 * proxy/query.c: a read from its parse tree to an open cursor: compiled with the session's
 * environment (proxy/sql_compile.c), prepared in DuckDB, parameters bound. Every parameter
 * reaches DuckDB as PostgreSQL text (binary ones converted by params.c) and is read by the
 * type's input function inside the compiled SQL, so a parameter means what PostgreSQL's input
 * function makes of it.
 */
#include "proxy/pgfn_more.h"
#include "proxy/pgfn_num.h"
#include "proxy/proxy_internal.h"

#include <stdlib.h>
#include <string.h>

bool proxy__query_describe(proxy_session_t *s, const struct PgQuery__Node *node,
                           const uint32_t *param_oids, size_t n_param_oids, proxy_sqlquery_t *out,
                           am_err_t *err)
{
    proxy_sqlenv_t env;
    proxy__session_env(s, &env);
    return proxy__sql_compile(&env, node, param_oids, n_param_oids, out, err);
}

/* Parameter i as the text DuckDB is given: *out stays NULL for SQL NULL. PostgreSQL checks that
 * text is valid in the client encoding (UTF8 here). */
static bool param_text(size_t i, uint32_t oid, const proxy_params_t *pa, char **out, size_t *len,
                       am_err_t *err)
{
    const uint8_t *v = pa->values[i];
    *out = NULL;
    *len = 0;
    if (!v)
        return true;
    size_t n = pa->lens[i] < 0 ? 0 : (size_t)pa->lens[i];
    am_buf_t txt;
    am_buf_init(&txt);
    if (proxy__bind_format(pa->formats, pa->n_formats, i) == 1) {
        if (!proxy__param_binary_text(oid, v, n, &txt, err)) {
            am_buf_destroy(&txt);
            return false;
        }
    } else {
        am_buf_append(&txt, v, n);
    }
    if (!proxy__utf8_verify(txt.data ? txt.data : "", txt.len, err)) {
        am_buf_destroy(&txt);
        return false;
    }
    *len = txt.len;
    *out = txt.data ? txt.data : am_xstrdup("");
    return true;
}

/* The cursor keeps every parameter's text: a widened statement is bound with the same. */
static bool param_texts(proxy_cursor_t *cur, const proxy_sqlquery_t *q, const proxy_params_t *pa,
                        am_err_t *err)
{
    cur->n_args = q->n_params;
    cur->args = am_xcalloc(q->n_params + 1, sizeof *cur->args);
    cur->arg_lens = am_xcalloc(q->n_params + 1, sizeof *cur->arg_lens);
    for (size_t i = 0; i < q->n_params; i++)
        if (!param_text(i, q->param_oids[i], pa, &cur->args[i], &cur->arg_lens[i], err))
            return false;
    return proxy__cursor_bind(cur, cur->ps, err);
}

/* A parameter of one of the commonest types read by the mirror's own input function: 1 read,
 * 0 refused (err set, as PostgreSQL words it), -1 another type (DuckDB reads it). */
static int read_in_c(uint32_t oid, const char *v, size_t n, am_err_t *err)
{
    switch (oid) {
    case PG_OID_INT2: {
        int16_t x;
        return proxy__i16_in(v, n, &x, err);
    }
    case PG_OID_INT4: {
        int32_t x;
        return proxy__i32_in(v, n, &x, err);
    }
    case PG_OID_INT8: {
        int64_t x;
        return proxy__i64_in(v, n, &x, err);
    }
    case PG_OID_FLOAT4: {
        float x;
        return proxy__f4_in(v, n, &x, err);
    }
    case PG_OID_FLOAT8: {
        double x;
        return proxy__f8_in(v, n, &x, err);
    }
    case PG_OID_NUMERIC: {
        am_arena_t *a = am_arena_new(1024);
        proxy_num_t x;
        bool ok = proxy__num_in(a, v, n, &x, err);
        am_arena_free(a);
        return ok;
    }
    case PG_OID_TEXT:
    case PG_OID_VARCHAR:
    case PG_OID_UNKNOWN:
        return 1;
    default:
        return -1;
    }
}

/* Every parameter through its type's input function, now, whatever the plan evaluates later:
 * PostgreSQL fails a Bind whose text its input function refuses. Integers, floats, numeric and
 * text are read here; other types by a statement of their input functions (q->param_check),
 * kept like the others so that a repeated query prepares it once while the views stand (its
 * run costs about as much as a small query). */
static bool check_params(proxy_session_t *s, proxy_cursor_t *cur, const proxy_sqlquery_t *q,
                         bool keep, uint64_t gen, am_err_t *err)
{
    bool in_duckdb = false;
    for (size_t i = 0; i < cur->n_args && i < q->n_params; i++) {
        if (!cur->args[i])
            continue;
        int r = read_in_c(q->param_oids[i], cur->args[i], cur->arg_lens[i], err);
        if (r == 0)
            return false;
        in_duckdb |= r < 0;
    }
    const char *sql = q->param_check;
    if (!sql || !in_duckdb)
        return true;
    duckdb_prepared_statement ps = keep ? proxy__stmt_take(&s->stmts, sql, s->cat, gen) : NULL;
    if (!ps && duckdb_prepare(s->con, sql, &ps) != DuckDBSuccess) {
        /* the statement itself prepared: its own reading of the parameters stands */
        am_log_debug("proxy", "parameter check not prepared", AM_KV_STR("sql", sql),
                     AM_KV_STR("error", duckdb_prepare_error(ps)));
        duckdb_destroy_prepare(&ps);
        return true;
    }
    bool ok = proxy__cursor_bind(cur, ps, err);
    if (ok) {
        duckdb_result r;
        if (duckdb_execute_prepared(ps, &r) != DuckDBSuccess) {
            proxy__duck_error(err, duckdb_result_error_type(&r), duckdb_result_error(&r));
            ok = false;
        }
        duckdb_destroy_result(&r);
    }
    if (keep)
        proxy__stmt_give(&s->stmts, am_xstrdup(sql), s->cat ? proxy__pgcat_ref(s->cat) : NULL, gen,
                         ps);
    else
        duckdb_destroy_prepare(&ps);
    return ok;
}

bool proxy__query_open(proxy_session_t *s, const struct PgQuery__Node *node,
                       const uint32_t *param_oids, size_t n_param_oids,
                       const proxy_params_t *params, proxy_cursor_t *cur, am_err_t *err)
{
    proxy_sqlquery_t q;
    if (!proxy__query_describe(s, node, param_oids, n_param_oids, &q, err))
        return false;
    if (params->n != q.n_params) {
        am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                   "bind message supplies %zu parameters, but prepared statement requires %zu",
                   params->n, q.n_params);
        proxy__sql_query_destroy(&q);
        return false;
    }
    am_log_debug("proxy", "compiled", AM_KV_STR("sql", q.duck_sql));
    /* read before the statement is taken or prepared: see stmtcache.c */
    uint64_t gen = atomic_load(&s->proxy->views_gen);
    /* In a block, DuckDB's transaction reads the views as they were when it took its snapshot,
     * some time after duck_gen was read: those of gen only if no refresh came since. DuckDB
     * takes that snapshot when a statement first reads the catalog, which a kept statement of a
     * plan without a file does not: a REPEATABLE READ block would take it late, from views newer
     * than its first statement's, so such blocks prepare every statement. */
    bool keep = !s->duck_tx || (s->duck_gen == gen && proxy__session_reads_committed(s));
    duckdb_prepared_statement ps =
        keep ? proxy__stmt_take(&s->stmts, q.duck_sql, s->cat, gen) : NULL;
    bool kept = ps != NULL;
    if (!ps && duckdb_prepare(s->con, q.duck_sql, &ps) != DuckDBSuccess) {
        const char *m = duckdb_prepare_error(ps);
        proxy__duck_error(err, DUCKDB_ERROR_INVALID, m);
        am_log_debug("proxy", "duckdb could not prepare", AM_KV_STR("sql", q.duck_sql),
                     AM_KV_ERR(err));
        duckdb_destroy_prepare(&ps);
        proxy__sql_query_destroy(&q);
        return false;
    }
    proxy__metrics_statement(kept);
    proxy__cursor_open(cur, ps, q.cols, q.n_cols, s->cat);
    cur->is_explain = q.is_explain;
    if (keep) {
        cur->cache = &s->stmts;
        cur->cache_sql = q.duck_sql;
        q.duck_sql = NULL;
        cur->cache_cat = s->cat ? proxy__pgcat_ref(s->cat) : NULL;
        cur->cache_gen = gen;
    }
    if (!param_texts(cur, &q, params, err) || !check_params(s, cur, &q, keep, gen, err)) {
        proxy__cursor_close(cur);
        proxy__sql_query_destroy(&q);
        return false;
    }
    cur->con = s->con;
    cur->wide_sql = q.duck_sql_wide;
    q.duck_sql_wide = NULL;
    proxy__sql_query_destroy(&q);
    return true;
}
