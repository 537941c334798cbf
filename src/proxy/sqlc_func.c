/*
 * proxy/sqlc_func.c: function calls: resolution among the functions the mirror has
 * (sqlc_functab.c), aggregates with DISTINCT, ORDER BY, FILTER and WITHIN GROUP, window calls
 * (their OVER clause: sqlc_window.c), and set-returning functions (a LIST unnested, in the
 * select list or in FROM).
 * Spec: PostgreSQL 15 docs "Function Calls" (4.2.6), "Aggregate Expressions" (4.2.7), "Window
 * Function Calls" (4.2.8), "Type Conversion" 10.3.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

static const char *func_name(sqlc_ctx_t *c, const PgQuery__FuncCall *f, bool *ok)
{
    *ok = true;
    if (f->n_funcname == 2) {
        const char *nsp = sqlc_str(f->funcname[0]);
        const char *fn = sqlc_str(f->funcname[1]);
        bool expand =
            nsp && fn && !strcmp(nsp, "information_schema") && !strcmp(fn, "_pg_expandarray");
        if (!expand && (!nsp || strcmp(nsp, "pg_catalog") != 0)) {
            *ok = sqlc_fail(c, "42883", "function %s.%s does not exist", nsp ? nsp : "?",
                            sqlc_str(f->funcname[1]) ? sqlc_str(f->funcname[1]) : "?");
            return NULL;
        }
    } else if (f->n_funcname != 1) {
        *ok = sqlc_fail(c, "42601", "improper qualified name (too many dotted names)");
        return NULL;
    }
    return sqlc_str(f->funcname[f->n_funcname - 1]);
}

/* Functions callable with named arguments (name => value): their parameters in order, with
 * the default of each trailing one (NULL: required). */
static const struct {
    const char *fn;
    const char *params[8];
    const char *defaults[8];
} named_fns[] = {
    {"make_interval",
     {"years", "months", "weeks", "days", "hours", "mins", "secs"},
     {"0", "0", "0", "0", "0", "0", "0.0"}},
};

static bool named_args(sqlc_ctx_t *c, const PgQuery__FuncCall *f, const char *fn, sqlc_val_t **argv,
                       size_t *n)
{
    size_t k = 0;
    while (k < AM_ARRAY_LEN(named_fns) && strcmp(named_fns[k].fn, fn) != 0)
        k++;
    if (k == AM_ARRAY_LEN(named_fns))
        return sqlc_fail(c, "0A000", "named arguments of %s are not supported on the mirror", fn);
    const sqlc_node_t *given[8] = {0};
    size_t np = 0;
    while (np < 8 && named_fns[k].params[np])
        np++;
    for (size_t i = 0; i < f->n_args; i++) {
        const sqlc_node_t *a = f->args[i];
        size_t at = i;
        if (a->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) {
            const char *nm = a->named_arg_expr->name;
            for (at = 0; at < np && strcmp(named_fns[k].params[at], nm ? nm : "") != 0; at++)
                ;
            if (at == np)
                return sqlc_fail(c, "42883", "function %s(%s => ...) does not exist", fn,
                                 nm ? nm : "?");
            a = a->named_arg_expr->arg;
        }
        if (at >= np || given[at])
            return sqlc_fail(c, "42601", "argument name \"%s\" used more than once",
                             at < np ? named_fns[k].params[at] : "?");
        given[at] = a;
    }
    *n = 0;
    sqlc_val_t *args = *argv = am_arena_alloc(c->arena, (np + 1) * sizeof *args);
    for (size_t i = 0; i < np; i++) {
        if (given[i]) {
            if (!sqlc_expr(c, given[i], &args[(*n)++]))
                return false;
            continue;
        }
        bool frac = strchr(named_fns[k].defaults[i], '.') != NULL;
        args[*n] = sqlc_val_of(
            sqlc_printf(c, "CAST(%s AS %s)", named_fns[k].defaults[i], frac ? "DOUBLE" : "INTEGER"),
            sqlc_type(frac ? PG_OID_FLOAT8 : PG_OID_INT4));
        args[(*n)++].is_const = true;
    }
    return true;
}

/* The call's arguments compiled into *args (arena memory, room for one more). */
static bool compile_args(sqlc_ctx_t *c, const PgQuery__FuncCall *f, sqlc_val_t **args, size_t *n)
{
    for (size_t i = 0; i < f->n_args; i++)
        if (f->args[i]->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) {
            const char *fn = sqlc_str(f->funcname[f->n_funcname - 1]);
            return named_args(c, f, fn ? fn : "", args, n);
        }
    *n = f->n_args;
    *args = am_arena_alloc(c->arena, (f->n_args + 1) * sizeof **args);
    if (f->n_args > SQLC_FUNC_MAX_ARGS)
        return sqlc_fail(c, "54023", "cannot pass more than %d arguments to a function",
                         SQLC_FUNC_MAX_ARGS);
    for (size_t i = 0; i < f->n_args; i++) {
        if (f->args[i]->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR)
            return sqlc_fail(c, "0A000",
                             "named function arguments are not supported on the "
                             "mirror");
        if (!sqlc_expr(c, f->args[i], &(*args)[i]))
            return false;
    }
    return true;
}

/* PostgreSQL 15's functions that take bit or bit varying (pg_proc), which the mirror does
 * not compute: it holds bit strings as their text. */
static bool bit_function(sqlc_ctx_t *c, const char *name, const sqlc_val_t *args, size_t n)
{
    static const char *const names[] = {
        "get_bit",   "set_bit",  "bit_count", "bit_length", "length",       "octet_length",
        "overlay",   "position", "substring", "bit_and",    "bit_or",       "bit_xor",
        "int4",      "int8",     "bit",       "varbit",     "bitand",       "bitor",
        "bitxor",    "bitnot",   "bitcat",    "bitcmp",     "biteq",        "bitne",
        "bitlt",     "bitle",    "bitgt",     "bitge",      "bitshiftleft", "bitshiftright",
        "varbitcmp", "varbiteq", "varbitne",  "varbitlt",   "varbitle",     "varbitgt",
        "varbitge"};
    bool bits = false;
    for (size_t i = 0; i < n; i++)
        bits = bits || sqlc_is_bits(proxy__pgtype_base(c->cat, args[i].type).oid);
    for (size_t i = 0; bits && i < AM_ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

bool sqlc_no_function(sqlc_ctx_t *c, const char *name, const sqlc_val_t *args, size_t n,
                      bool ambiguous)
{
    am_buf_t b;
    am_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        am_buf_printf(&b, "%s%s", i ? ", " : "", sqlc_type_name(c, args[i].type));
    bool bits = !ambiguous && bit_function(c, name, args, n);
    bool r = bits ? sqlc_fail(c, "0A000",
                              "function %s(%s) is not supported on the mirror (bit strings are "
                              "held as their text)",
                              name, b.data ? b.data : "")
             : ambiguous
                 ? sqlc_fail(c, "42725",
                             "function %s(%s) is not unique\nHINT:  Could not choose a best "
                             "candidate function. You might need to add explicit type casts.",
                             name, b.data ? b.data : "")
                 : sqlc_fail(c, "42883",
                             "function %s(%s) does not exist\nHINT:  No function matches the "
                             "given name and argument types. You might need to add explicit "
                             "type casts.",
                             name, b.data ? b.data : "");
    am_buf_destroy(&b);
    return r;
}

/* Resolves and writes a call of name on args (already compiled). */
bool sqlc_call(sqlc_ctx_t *c, const char *name, sqlc_val_t *args, size_t n, unsigned want,
               const sqlc_sig_t **sig_out, sqlc_val_t *out)
{
    size_t nc = 0;
    const sqlc_sig_t *const *cands = sqlc_functab_find(c, name, n, &nc);
    bool ambiguous = false;
    const sqlc_sig_t *s = sqlc_resolve(c, cands, nc, args, n, &ambiguous);
    if (!s)
        return sqlc_no_function(c, name, args, n, ambiguous);
    if (sig_out)
        *sig_out = s;
    if ((want & SQLC_F_AGG) && !(s->flags & (SQLC_F_AGG | SQLC_F_WINDOW)))
        return sqlc_fail(c, "42809", "%s is not an aggregate function", name);
    proxy_pgtype_ref_t rt;
    if (!sqlc_apply_sig(c, s, args, n, &rt))
        return false;
    if (s->emit)
        return s->emit(c, s, args, n, out);
    if (!s->tmpl)
        return sqlc_funcsys_emit(c, s, args, n, out);
    bool any_numv = false;
    for (size_t i = 0; i < n; i++)
        any_numv = any_numv || args[i].numv;
    const char *tmpl = any_numv && s->tmpl_numv ? s->tmpl_numv : s->tmpl;
    *out = sqlc_val_of(sqlc_expand(c, tmpl, args, n), rt);
    bool poly_result =
        s->result == PG_OID_ANYELEMENT || s->result == SQLC_SAME1 || s->result == PG_OID_ANYARRAY;
    /* numeric text in, numeric text out: a numeric, or a numeric[]'s elements */
    uint32_t rb = proxy__pgtype_base(c->cat, rt).oid;
    uint32_t re = sqlc_is_array(c, rb) ? proxy__pgtype_elem(c->cat, rb) : 0;
    bool numeric = rb == PG_OID_NUMERIC ||
                   (re && proxy__pgtype_base(c->cat, sqlc_type(re)).oid == PG_OID_NUMERIC);
    out->numv = (s->flags & SQLC_F_NUMV) || (numeric && any_numv && (s->tmpl_numv || poly_result));
    out->is_const = !(s->flags & (SQLC_F_VOLATILE | SQLC_F_AGG | SQLC_F_WINDOW));
    out->is_volatile = s->flags & SQLC_F_VOLATILE;
    for (size_t i = 0; i < n; i++)
        sqlc_merge_flags(out, &args[i]);
    out->name = name;
    return true;
}

/* A template without %! markers is one call "f(...)": DISTINCT after its first parenthesis,
 * ORDER BY before its last, FILTER and OVER after it. */
static bool mods_default(sqlc_ctx_t *c, const sqlc_callmods_t *m, sqlc_val_t *out)
{
    size_t len = strlen(out->sql);
    char *open = strchr(out->sql, '(');
    if (len == 0 || out->sql[len - 1] != ')' || !open)
        return sqlc_fail(c, "0A000",
                         "DISTINCT, ORDER BY, FILTER or OVER are not supported for "
                         "this function on the mirror");
    out->sql =
        sqlc_printf(c, "%.*s%s%.*s%s)%s", (int)(open - out->sql + 1), out->sql, m->distinct,
                    (int)(len - 1 - (size_t)(open - out->sql + 1)), open + 1, m->order, m->post);
    return true;
}

static bool srf_refused(sqlc_ctx_t *c)
{
    return sqlc_fail(c, "0A000", "set-returning functions are not allowed %s",
                     c->scope->in_window ? "in window definitions" : "here");
}

/* The modifiers of an aggregate or window call as DuckDB text; over is " OVER (...)" or "". */
static bool call_mods(sqlc_ctx_t *c, const PgQuery__FuncCall *f, const char *over,
                      sqlc_callmods_t *m)
{
    m->distinct = f->agg_distinct ? "DISTINCT " : "";
    m->order = "";
    m->post = over;
    m->filter = NULL;
    m->filter_volatile = false;
    if (f->n_agg_order) {
        am_buf_t b;
        am_buf_init(&b);
        am_buf_puts(&b, " ORDER BY ");
        bool ok = sqlc_sort_list(c, f->agg_order, f->n_agg_order, false, &b);
        m->order = am_arena_strndup(c->arena, b.data, b.len);
        am_buf_destroy(&b);
        if (!ok)
            return false;
    }
    if (f->agg_filter) {
        /* FILTER reads the aggregate's input rows: its columns are aggregated, not grouped */
        sqlc_val_t w;
        if (!sqlc_bool_expr(c, f->agg_filter, "FILTER", &w))
            return false;
        m->post = sqlc_printf(c, " FILTER (WHERE %s)%s", w.sql, over);
        m->filter = w.sql;
        m->filter_volatile = w.is_volatile;
    }
    return true;
}

/* PostgreSQL computes an aggregate's arguments only for the rows its FILTER keeps, so that
 * sum(a / b) FILTER (WHERE b <> 0) divides by no zero; DuckDB computes them for every row.
 * Each argument is guarded by the condition as well (the FILTER still decides which rows
 * count). Not with a volatile condition, which would be drawn twice. */
static void filter_args(sqlc_ctx_t *c, const sqlc_callmods_t *m, sqlc_val_t *args, size_t n)
{
    const char *filter = m->filter;
    if (!filter || m->filter_volatile)
        return;
    for (size_t i = 0; i < n; i++)
        if (!args[i].is_const)
            args[i].sql = sqlc_printf(c, "(CASE WHEN %s THEN %s END)", filter, args[i].sql);
}

/* An aggregate's DISTINCT compares through equality keys (sqlc_eqkey.c). count() only
 * counts, so it counts the keys; any other aggregate would compute on one of the equal
 * values' texts, which PostgreSQL leaves to its plan: refused. An unknown argument (a literal,
 * a parameter) is sorted as text, as PostgreSQL's count(DISTINCT $1) types it. */
static bool distinct_args(sqlc_ctx_t *c, const char *name, sqlc_val_t *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *key;
        if (!sqlc_resolve_unknown(c, &args[i]) || !sqlc_eq_key(c, &args[i], &key))
            return false;
        if (!key)
            continue;
        if (strcmp(name, "count") != 0)
            return sqlc_fail(c, "0A000",
                             "%s(DISTINCT ...) of %s values is not supported on the mirror", name,
                             sqlc_type_name(c, args[i].type));
        args[i].sql = (char *)key;
        args[i].numv = false;
    }
    return true;
}

/* Aggregates whose result shows the order of their input. */
static bool order_shows(const char *name)
{
    static const char *const names[] = {"array_agg",       "string_agg",      "json_agg",
                                        "jsonb_agg",       "json_object_agg", "jsonb_object_agg",
                                        "json_agg_strict", "jsonb_agg_strict"};
    for (size_t i = 0; i < AM_ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* PostgreSQL makes an aggregate's input DISTINCT by sorting it on the arguments, so
 * array_agg(DISTINCT x) comes out in x's order; DuckDB's comes out in hash order. DuckDB takes
 * an ORDER BY with DISTINCT only over the arguments' own expressions, so the order is theirs
 * (after the FILTER guard), for the types DuckDB sorts as PostgreSQL does (floats too: of -0
 * and 0, which DISTINCT makes one, PostgreSQL keeps either). Constants and parameters do not
 * order. */
static bool distinct_order(sqlc_ctx_t *c, const char *name, const sqlc_val_t *args, size_t n,
                           sqlc_callmods_t *m)
{
    am_buf_t b;
    am_buf_init(&b);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const char *x = args[i].sql;
        size_t len = strlen(x);
        bool param = len > 1 && x[0] == '$' && strspn(x + 1, "0123456789") == len - 1;
        if (args[i].is_const || param)
            continue;
        uint32_t base = proxy__pgtype_base(c->cat, args[i].type).oid;
        ok = sqlc_orderable(c, args[i].type, args[i].numv);
        if (ok && base != PG_OID_FLOAT4 && base != PG_OID_FLOAT8 &&
            strcmp(sqlc_key_expr(c, x, args[i].type, args[i].numv), x) != 0)
            ok = sqlc_fail(c, "0A000",
                           "%s(DISTINCT ...) of %s values without ORDER BY is not supported on "
                           "the mirror: add ORDER BY",
                           name, sqlc_type_name(c, args[i].type));
        if (ok)
            am_buf_printf(&b, "%s%s ASC NULLS LAST", b.len ? ", " : " ORDER BY ", x);
    }
    if (ok && b.len)
        m->order = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return ok;
}

/* An aggregate, or a window function (over set): its arguments are at this query level for a
 * window, inside the aggregate otherwise. */
static bool modified_call(sqlc_ctx_t *c, const PgQuery__FuncCall *f, const char *name, bool agg,
                          const char *over, sqlc_val_t *out)
{
    bool windowed = over[0] != '\0';
    if (agg && !windowed && c->scope->agg_depth > 0)
        return sqlc_fail(c, "42803", "aggregate function calls cannot be nested");
    if (agg && !windowed)
        c->scope->agg_depth++;
    sqlc_val_t *args = NULL;
    size_t n = 0;
    const sqlc_sig_t *sig = NULL;
    sqlc_callmods_t m;
    bool ok = (f->agg_star || compile_args(c, f, &args, &n)) && call_mods(c, f, over, &m);
    if (ok && f->agg_distinct && !f->agg_within_group)
        ok = distinct_args(c, name, args, n);
    if (ok && !f->agg_within_group)
        filter_args(c, &m, args, n);
    if (ok && f->agg_distinct && !f->n_agg_order && !f->agg_within_group && !windowed &&
        order_shows(name))
        ok = distinct_order(c, name, args, n, &m);
    for (size_t i = 0; ok && i < n; i++)
        if (args[i].has_srf)
            ok = sqlc_fail(c, "0A000",
                           "%s function calls cannot contain set-returning function calls\nHINT:  "
                           "You might be able to move the set-returning function into a LATERAL "
                           "FROM item.",
                           agg && !windowed ? "aggregate" : "window");
    if (ok && f->agg_within_group) {
        const sqlc_callmods_t *saved = c->mods;
        c->mods = &m; /* its FILTER (sqlc_ordset.c) */
        ok = sqlc_within_group(c, f, name, args, n, out);
        c->mods = saved;
    } else if (ok) {
        const sqlc_callmods_t *saved = c->mods;
        c->mods = &m;
        ok =
            sqlc_call(c, f->agg_star ? "count(*)" : name, args, n, agg ? SQLC_F_AGG : 0, &sig, out);
        c->mods = saved;
        /* emitters and marked templates place the modifiers themselves */
        bool marked = ok && sig && (sig->emit || (sig->tmpl && strstr(sig->tmpl, "%!")));
        if (ok && !marked && (m.distinct[0] || m.order[0] || m.post[0]))
            ok = mods_default(c, &m, out);
    }
    if (agg && !windowed)
        c->scope->agg_depth--;
    if (!ok)
        return false;
    out->name = name;
    out->has_agg = agg && !windowed;
    out->is_const = false;
    return true;
}

bool sqlc_func_call(sqlc_ctx_t *c, const PgQuery__FuncCall *f, sqlc_val_t *out)
{
    bool ok;
    const char *name = func_name(c, f, &ok);
    if (!ok)
        return false;
    if (f->func_variadic)
        return sqlc_fail(c, "0A000", "VARIADIC arguments are not supported on the mirror");
    bool agg = f->agg_star || f->agg_distinct || f->n_agg_order || f->agg_filter ||
               f->agg_within_group || sqlc_functab_is_agg(c, name);
    if (agg || f->over) {
        bool saved = c->scope->grouped;
        const char *over = "";
        if (f->over) {
            am_buf_t b;
            am_buf_init(&b);
            bool over_ok = sqlc_over_clause(c, f->over, &b);
            over = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
            am_buf_destroy(&b);
            if (!over_ok)
                return false;
        }
        if (!modified_call(c, f, name, agg, over, out))
            return false;
        c->scope->grouped = saved || (agg && !f->over);
        return true;
    }
    sqlc_val_t *args = NULL;
    size_t n = 0;
    const sqlc_sig_t *sig = NULL;
    if (strcmp(name, "_pg_expandarray") == 0 && f->n_funcname == 2) {
        if (!compile_args(c, f, &args, &n))
            return false;
        if (n != 1)
            return sqlc_no_function(c, "information_schema._pg_expandarray", args, n, false);
        if (!c->scope->allow_srf)
            return srf_refused(c);
        return sqlc_expandarray(c, &args[0], out);
    }
    if (!compile_args(c, f, &args, &n) || !sqlc_call(c, name, args, n, 0, &sig, out))
        return false;
    if (sig && (sig->flags & (SQLC_F_AGG | SQLC_F_WINDOW)))
        return sqlc_fail(c, "42809", "window function %s requires an OVER clause", name);
    if (sig && (sig->flags & SQLC_F_SRF)) {
        if (!c->scope->allow_srf)
            return srf_refused(c);
        out->sql = sqlc_printf(c, "unnest(%s)", out->sql);
        out->has_srf = true;
        out->is_const = false;
    }
    return true;
}

/* Set-returning functions whose rows have several columns (or a named one): the template makes
 * a LIST of STRUCTs whose fields are the columns; arg is the one argument's type (0: none). */
typedef struct multi_srf {
    const char *name;
    uint64_t arg; /* a type OID (64 bits: the initializers' order without padding) */
    const char *tmpl;
    size_t n;
    const char *fields[5];
    uint32_t types[6];
} multi_srf_t;

static const multi_srf_t multi_srfs[] = {
    {"jsonb_each",
     PG_OID_JSONB,
     "am_jsonb_each(%s)",
     2,
     {"key", "value"},
     {PG_OID_TEXT, PG_OID_JSONB}},
    {"jsonb_each_text",
     PG_OID_JSONB,
     "am_jsonb_each_text(%s)",
     2,
     {"key", "value"},
     {PG_OID_TEXT, PG_OID_TEXT}},
    {"json_each", PG_OID_JSON, "am_json_each(%s)", 2, {"key", "value"}, {PG_OID_TEXT, PG_OID_JSON}},
    {"json_each_text",
     PG_OID_JSON,
     "am_json_each_text(%s)",
     2,
     {"key", "value"},
     {PG_OID_TEXT, PG_OID_TEXT}},
    /* the source's own keyword list, copied with the catalog */
    {"pg_get_keywords",
     0,
     "am_keywords()",
     5,
     {"word", "catcode", "barelabel", "catdesc", "baredesc"},
     {PG_OID_TEXT, PG_OID_CHAR, PG_OID_BOOL, PG_OID_TEXT, PG_OID_TEXT}},
    {"pg_partition_tree",
     PG_OID_REGCLASS,
     "am_partition_tree(%s)",
     4,
     {"relid", "parentrelid", "isleaf", "level"},
     {PG_OID_REGCLASS, PG_OID_REGCLASS, PG_OID_BOOL, PG_OID_INT4}},
};

/* A set-returning function's one column is named by its OUT parameter, else by the function. */
static const char *srf_column_name(const char *fn)
{
    static const char *const named[][2] = {
        {"pg_partition_ancestors", "relid"},    {"jsonb_array_elements", "value"},
        {"jsonb_array_elements_text", "value"}, {"json_array_elements", "value"},
        {"json_array_elements_text", "value"},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(named); i++)
        if (strcmp(named[i][0], fn) == 0)
            return named[i][1];
    return fn;
}

static bool multi_srf_call(sqlc_ctx_t *c, const multi_srf_t *m, sqlc_val_t *args, size_t n,
                           sqlc_srf_t *out)
{
    if (n != (m->arg ? 1u : 0u))
        return sqlc_no_function(c, m->name, args, n, false);
    if (m->arg && !sqlc_coerce(c, &args[0], sqlc_type(m->arg), SQLC_IMPLICIT))
        return false;
    const char *hole = strstr(m->tmpl, "%s");
    out->list_sql = hole && n > 0 ? sqlc_printf(c, "%.*s%s%s", (int)(hole - m->tmpl), m->tmpl,
                                                args[0].sql, hole + 2)
                                  : sqlc_strdup(c, m->tmpl);
    out->n_cols = m->n;
    out->cols = am_arena_alloc(c->arena, (m->n + 1) * sizeof *out->cols);
    memset(out->cols, 0, (m->n + 1) * sizeof *out->cols);
    for (size_t k = 0; k < m->n; k++) {
        out->cols[k].name = m->fields[k];
        out->cols[k].type = sqlc_type(m->types[k]);
        out->cols[k].sql = sqlc_printf(c, "am_x.%s", m->fields[k]);
    }
    return true;
}

bool sqlc_srf_call(sqlc_ctx_t *c, const PgQuery__FuncCall *f, sqlc_srf_t *out)
{
    bool ok;
    const char *name = func_name(c, f, &ok);
    if (!ok)
        return false;
    memset(out, 0, sizeof *out);
    out->name = name;
    sqlc_val_t *args = NULL;
    size_t n = 0;
    if (!compile_args(c, f, &args, &n))
        return false;
    for (size_t i = 0; i < AM_ARRAY_LEN(multi_srfs); i++)
        if (strcmp(multi_srfs[i].name, name) == 0)
            return multi_srf_call(c, &multi_srfs[i], args, n, out);
    const sqlc_sig_t *sig = NULL;
    sqlc_val_t v;
    if (!sqlc_call(c, name, args, n, 0, &sig, &v))
        return false;
    if (!(sig->flags & SQLC_F_SRF)) {
        /* a scalar function in FROM is one row holding its value */
        v.sql = sqlc_printf(c, "[%s]", v.sql);
    }
    out->list_sql = v.sql;
    out->n_cols = 1;
    out->scalar = true;
    out->cols = am_arena_alloc(c->arena, 2 * sizeof *out->cols);
    memset(out->cols, 0, 2 * sizeof *out->cols);
    /* a single OUT parameter names the column; otherwise the function does */
    out->cols[0].name = srf_column_name(name);
    out->cols[0].type = v.type;
    out->cols[0].numv = v.numv;
    out->cols[0].sql = "am_x";
    uint32_t rt = v.type.oid;
    bool consts = n >= 2 && n <= 3;
    for (size_t i = 0; i < n; i++)
        consts = consts && args[i].is_const;
    if (strcmp(name, "generate_series") == 0 && consts &&
        (rt == PG_OID_INT4 || rt == PG_OID_INT8)) {
        const char *step = n == 3 ? args[2].sql : "1";
        out->series_start = args[0].sql;
        out->series_step = step;
        out->series_args =
            sqlc_printf(c,
                        "CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(CASE WHEN (%s) = 0 THEN "
                        "error('22023 step size cannot equal zero') ELSE %s END AS BIGINT)",
                        args[0].sql, args[1].sql, step, step);
    }
    return true;
}
