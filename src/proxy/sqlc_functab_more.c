/*
 * proxy/sqlc_functab_more.c: the second part of PostgreSQL's function table (sqlc_functab.c
 * has the first and looks both up): float and numeric statistics, JSON construction and
 * aggregates, variadic text functions, arrays, bytes, enums, the reg* lookups (their emitters
 * in sqlc_fn_lookup.c) and the functions the mirror refuses by name (jsonpath, record-returning
 * ones). Templates call
 * DuckDB's own functions where they answer as PostgreSQL's, else am_* functions
 * (pgfn_more*.c and the other families); emitters write what a template cannot say.
 * Spec: PostgreSQL 15 docs, "Functions and Operators" (chapter 9); pg_proc.dat signatures.
 */
#include "proxy/sqlc_internal.h"

#include <ctype.h>
#include <string.h>

#define B PG_OID_BOOL
#define I2 PG_OID_INT2
#define I4 PG_OID_INT4
#define I8 PG_OID_INT8
#define F4 PG_OID_FLOAT4
#define F8 PG_OID_FLOAT8
#define N PG_OID_NUMERIC
#define T PG_OID_TEXT
#define BY PG_OID_BYTEA
#define IV PG_OID_INTERVAL
#define JS PG_OID_JSON
#define JB PG_OID_JSONB
#define NM PG_OID_NAME
#define ANY PG_OID_ANYELEMENT
#define ARR PG_OID_ANYARRAY
#define ANYV PG_OID_ANY
#define ENM SQLC_ANYENUM
#define TA PG_OID_TEXT_ARRAY
#define I4A PG_OID_INT4_ARRAY
#define JP 4072u /* jsonpath */
#define MONEY PG_OID_MONEY
#define INET PG_OID_INET
#define CIDR PG_OID_CIDR
#define V SQLC_F_VARIADIC

#define F0(name, res, t)                                                                           \
    {                                                                                              \
        name, 0, {0}, res, t, NULL, 0, NULL                                                        \
    }
#define F1(name, a, res, t)                                                                        \
    {                                                                                              \
        name, 1, {a}, res, t, NULL, 0, NULL                                                        \
    }
#define F2(name, a, b, res, t)                                                                     \
    {                                                                                              \
        name, 2, {a, b}, res, t, NULL, 0, NULL                                                     \
    }
#define F3(name, a, b, c, res, t)                                                                  \
    {                                                                                              \
        name, 3, {a, b, c}, res, t, NULL, 0, NULL                                                  \
    }
#define FV(name, n, args, res, t, tv, fl)                                                          \
    {                                                                                              \
        name, n, args, res, t, tv, fl, NULL                                                        \
    }
#define FVE(name, n, args, res, t, tv, fl, fn)                                                     \
    {                                                                                              \
        name, n, args, res, t, tv, fl, fn                                                          \
    }
#define E(name, n, args, res, fl, fn)                                                              \
    {                                                                                              \
        name, n, args, res, NULL, NULL, fl, fn                                                     \
    }
#define AG1(name, a, res, t)                                                                       \
    {                                                                                              \
        name, 1, {a}, res, t, NULL, SQLC_F_AGG, NULL                                               \
    }
#define AG2(name, a, b, res, t)                                                                    \
    {                                                                                              \
        name, 2, {a, b}, res, t, NULL, SQLC_F_AGG, NULL                                            \
    }
#define A(...)                                                                                     \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

/* ---- helpers -------------------------------------------------------------------------------- */

bool sqlc_emit_done(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n, char *sql,
                    proxy_pgtype_ref_t t, sqlc_val_t *out)
{
    (void)c;
    *out = sqlc_val_of(sql, t);
    out->is_const = !(s->flags & (SQLC_F_AGG | SQLC_F_WINDOW | SQLC_F_VOLATILE));
    out->is_volatile = s->flags & SQLC_F_VOLATILE;
    for (size_t i = 0; i < n; i++)
        sqlc_merge_flags(out, &args[i]);
    if (s->flags & SQLC_F_AGG)
        out->is_const = false;
    out->name = s->name;
    return true;
}

/* The modifiers of the aggregate or window call being compiled ("" when none). */
static const sqlc_callmods_t *mods(sqlc_ctx_t *c)
{
    static const sqlc_callmods_t none = {"", "", "", NULL, false};
    return c->mods ? c->mods : &none;
}

/* The text of a constant text argument ('...' literal once coerced), or NULL. */
const char *sqlc_const_text(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    if (v->literal)
        return v->literal;
    const char *s = v->sql;
    size_t len = s ? strlen(s) : 0;
    if (!v->is_const || len < 2 || s[0] != '\'' || s[len - 1] != '\'')
        return NULL;
    am_buf_t b;
    am_buf_init(&b);
    bool ok = true;
    for (size_t i = 1; ok && i + 1 < len; i++) {
        ok = s[i] != '\'' || s[i + 1] == '\'';
        am_buf_putc(&b, s[i]);
        i += s[i] == '\'';
    }
    char *r = ok ? am_arena_strndup(c->arena, b.data ? b.data : "", b.len) : NULL;
    am_buf_destroy(&b);
    return r;
}

static bool refuse(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n, sqlc_val_t *out)
{
    (void)args;
    (void)n;
    (void)out;
    return sqlc_fail(c, "0A000", "function %s is not supported on the mirror", s->name);
}

/* row_to_json(record): records only (PostgreSQL's row_to_json takes no other type). */
static bool e_row_to_json(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                          sqlc_val_t *out)
{
    (void)n;
    if (!args[0].rec)
        return sqlc_no_function(c, s->name, args, 1, false);
    char *sql = sqlc_json_text(c, &args[0]);
    if (!sql)
        return false;
    *out = sqlc_val_of(sql, sqlc_type(PG_OID_JSON));
    sqlc_merge_flags(out, &args[0]);
    out->name = s->name;
    return true;
}

static bool refuse_record(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                          sqlc_val_t *out)
{
    (void)args;
    (void)n;
    (void)out;
    return sqlc_fail(c, "0A000", "%s returns records, which the mirror supports only in FROM",
                     s->name);
}

static bool refuse_2d(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                      sqlc_val_t *out)
{
    (void)s;
    (void)args;
    (void)n;
    (void)out;
    return sqlc_fail(c, "0A000", "multidimensional arrays are not supported on the mirror");
}

static bool refuse_money(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                         sqlc_val_t *out)
{
    (void)args;
    (void)n;
    (void)out;
    return sqlc_fail(c, "0A000", "%s(money) is not supported on the mirror", s->name);
}

/* Appends ", text, 'kind'" of v; false when its type has no JSON form here. */
static bool json_pair(sqlc_ctx_t *c, const sqlc_val_t *v, bool first, am_buf_t *b)
{
    const char *kind = sqlc_json_kind(c, v);
    if (!kind)
        return false;
    am_buf_printf(b, "%s%s, ", first ? "" : ", ", sqlc_json_text(c, v));
    am_sql_literal(b, kind);
    return true;
}

/* json_build_object / json_build_array and the jsonb ones: am_<name>(text, kind, ...). */
static bool e_json_build(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                         sqlc_val_t *out)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, "am_%s(", s->name);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++)
        ok = json_pair(c, &args[i], i == 0, &b);
    am_buf_putc(&b, ')');
    char *sql = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return ok && sqlc_emit_done(c, s, args, n, sql, sqlc_type(s->result), out);
}

/* json_extract_path(_text) and the jsonb ones: am_<name>(json, path elements...). */
static bool e_extract_path(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                           sqlc_val_t *out)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, "am_%s(%s", s->name, args[0].sql);
    for (size_t i = 1; i < n; i++)
        am_buf_printf(&b, ", %s", args[i].sql);
    am_buf_putc(&b, ')');
    char *sql = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return sqlc_emit_done(c, s, args, n, sql, sqlc_type(s->result), out);
}

/* json_agg / jsonb_agg: the values' texts gathered by list() in the call's order. */
static bool e_json_agg(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out)
{
    const sqlc_callmods_t *m = mods(c);
    if (m->distinct[0])
        return sqlc_fail(c, "0A000", "%s(DISTINCT ...) is not supported on the mirror", s->name);
    const char *kind = sqlc_json_kind(c, &args[0]);
    if (!kind)
        return false;
    char *sql = sqlc_printf(c, "am_%s_final(list(%s%s)%s, %s)", s->name,
                            sqlc_json_text(c, &args[0]), m->order, m->post, sqlc_literal(c, kind));
    return sqlc_emit_done(c, s, args, n, sql, sqlc_type(s->result), out);
}

/* json_object_agg / jsonb_object_agg: keys and values gathered together, then split. */
static bool e_json_object_agg(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                              sqlc_val_t *out)
{
    const sqlc_callmods_t *m = mods(c);
    if (m->distinct[0])
        return sqlc_fail(c, "0A000", "%s(DISTINCT ...) is not supported on the mirror", s->name);
    const char *kk = sqlc_json_kind(c, &args[0]);
    const char *vk = kk ? sqlc_json_kind(c, &args[1]) : NULL;
    if (!vk)
        return false;
    /* one list() of pairs (DuckDB computes an aggregate written twice once) */
    char *pairs = sqlc_printf(c, "list({'k': %s, 'v': %s}%s)%s", sqlc_json_text(c, &args[0]),
                              sqlc_json_text(c, &args[1]), m->order, m->post);
    char *sql = sqlc_printf(c,
                            "am_%s_final(list_transform(%s, am_p -> am_p.k), %s, "
                            "list_transform(%s, am_p -> am_p.v), %s)",
                            s->name, pairs, sqlc_literal(c, kk), pairs, sqlc_literal(c, vk));
    return sqlc_emit_done(c, s, args, n, sql, sqlc_type(s->result), out);
}

/* ---- text ----------------------------------------------------------------------------------- */

/* format(), concat() and concat_ws(): the arguments after the first `fixed` as their text
 * output. DuckDB's concat skips NULLs and gives '' for none, as PostgreSQL's. */
static bool e_text_variadic(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                            sqlc_val_t *out)
{
    bool format = strcmp(s->name, "format") == 0;
    size_t fixed = strcmp(s->name, "concat") == 0 ? 0 : 1;
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, "%s(", format ? "am_format" : s->name);
    for (size_t i = 0; i < n; i++)
        am_buf_printf(&b, "%s%s", i ? ", " : "",
                      i < fixed ? args[i].sql : sqlc_to_text(c, &args[i]));
    am_buf_putc(&b, ')');
    char *sql = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return sqlc_emit_done(c, s, args, n, sql, sqlc_type(PG_OID_TEXT), out);
}

/* array_remove, array_replace, array_position(s): elements found by PostgreSQL's equality of
 * their type. Elements with a comparison key (numeric by value, intervals by span, char(n)
 * without padding: DuckDB finds no 23:00:00 in {"1 day -01:00:00"}) are compared by it; the
 * rest by DuckDB's own equality. */
bool sqlc_e_array_find(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out)
{
    proxy_pgtype_ref_t at = proxy__pgtype_base(c->cat, args[0].type);
    proxy_pgtype_ref_t et = {proxy__pgtype_elem(c->cat, at.oid), at.typmod};
    char *var = sqlc_alias(c, 'e');
    bool numeric = proxy__pgtype_base(c->cat, et).oid == PG_OID_NUMERIC;
    const char *k = sqlc_elem_key(c, var, et);
    bool returns_array =
        strcmp(s->name, "array_remove") == 0 || strcmp(s->name, "array_replace") == 0;
    /* a function's result has no typmod (exprTypmod) */
    proxy_pgtype_ref_t rt =
        returns_array ? (proxy_pgtype_ref_t){args[0].type.oid, -1} : sqlc_type(s->result);
    char *sql;
    if (strcmp(k, var) == 0) {
        bool any_numv = false;
        for (size_t i = 0; i < n; i++)
            any_numv = any_numv || args[i].numv;
        sql = sqlc_expand(c, any_numv && s->tmpl_numv ? s->tmpl_numv : s->tmpl, args, n);
    } else {
        const char *kx = sqlc_elem_key(c, args[1].sql, et);
        if (strcmp(s->name, "array_remove") == 0) {
            sql = sqlc_printf(c, "list_filter(%s, %s -> %s IS DISTINCT FROM %s)", args[0].sql, var,
                              k, kx);
        } else if (strcmp(s->name, "array_replace") == 0) {
            /* numeric elements and replacement as one kind, numeric text, where DuckDB would
             * not mix DECIMAL and VARCHAR */
            sql = sqlc_printf(c,
                              "list_transform(%s, %s -> CASE WHEN %s IS NOT DISTINCT FROM %s "
                              "THEN %s ELSE %s END)",
                              numeric ? sqlc_num_text(c, &args[0]) : args[0].sql, var, k, kx,
                              numeric ? sqlc_num_text(c, &args[2]) : args[2].sql, var);
        } else { /* positions: the template over the elements' keys and the needle's */
            sqlc_val_t keyed[3];
            for (size_t i = 0; i < n && i < 3; i++)
                keyed[i] = args[i];
            keyed[0].sql = sqlc_printf(c, "list_transform(%s, %s -> %s)", args[0].sql, var, k);
            keyed[1].sql = (char *)kx;
            sql = sqlc_expand(c, s->tmpl, keyed, n);
        }
    }
    if (!sql || !sqlc_emit_done(c, s, args, n, sql, rt, out))
        return false;
    out->numv =
        returns_array && (args[0].numv || (numeric && strcmp(s->name, "array_replace") == 0));
    return true;
}

/* num_nulls / num_nonnulls ("any" arguments, variadic): each argument's own nullness. */
static bool e_num_nulls(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                        sqlc_val_t *out)
{
    bool nulls = strcmp(s->name, "num_nulls") == 0;
    am_buf_t b;
    am_buf_init(&b);
    am_buf_putc(&b, '(');
    for (size_t i = 0; i < n; i++)
        am_buf_printf(&b, "%sCAST((%s IS %sNULL) AS INTEGER)", i ? " + " : "", args[i].sql,
                      nulls ? "" : "NOT ");
    am_buf_putc(&b, ')');
    char *sql = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return sqlc_emit_done(c, s, args, n, sql, sqlc_type(PG_OID_INT4), out);
}

bool sqlc_textanycat(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                     sqlc_val_t *out)
{
    /* textanycat is "SELECT $1 || $2::text": the cast (true, not t) rather than the output */
    sqlc_val_t a = args[0], b = args[1];
    if (!sqlc_coerce(c, &a, sqlc_type(PG_OID_TEXT), SQLC_EXPLICIT) ||
        !sqlc_coerce(c, &b, sqlc_type(PG_OID_TEXT), SQLC_EXPLICIT))
        return false;
    if (!sqlc_emit_done(c, s, args, n, sqlc_printf(c, "(%s || %s)", a.sql, b.sql),
                        sqlc_type(PG_OID_TEXT), out))
        return false;
    out->name = NULL; /* an operator's column is ?column? */
    return true;
}

/* pg_column_size of a fixed-length type is its length; a varlena's depends on its storage. */
static bool e_column_size(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                          sqlc_val_t *out)
{
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, args[0].type);
    const proxy_pgtype_info_t *bi = proxy__pgtype_builtin(b.oid);
    const proxy_pgtype_t *pt = !bi && c->cat ? proxy__pgcat_type(c->cat, b.oid) : NULL;
    int len = bi ? bi->len : pt ? pt->len : -1;
    if (len <= 0)
        return sqlc_fail(c, "0A000", "pg_column_size() of type %s is not supported on the mirror",
                         sqlc_type_name(c, args[0].type));
    return sqlc_emit_done(
        c, s, args, n,
        sqlc_printf(c, "CASE WHEN (%s) IS NULL THEN NULL ELSE %d END", args[0].sql, len),
        sqlc_type(PG_OID_INT4), out);
}

/* ---- statistics ------------------------------------------------------------------------------ */

/* variance and standard deviation of numeric and integers: numeric text into am_num_*. */
static bool e_num_stat(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out)
{
    static const char *const fns[][2] = {
        {"variance", "am_num_var_samp"},       {"var_samp", "am_num_var_samp"},
        {"var_pop", "am_num_var_pop"},         {"stddev", "am_num_stddev_samp"},
        {"stddev_samp", "am_num_stddev_samp"}, {"stddev_pop", "am_num_stddev_pop"},
    };
    const char *fn = NULL;
    for (size_t i = 0; i < AM_ARRAY_LEN(fns); i++)
        fn = strcmp(fns[i][0], s->name) == 0 ? fns[i][1] : fn;
    const sqlc_callmods_t *m = mods(c);
    /* DISTINCT would compare texts: 1.0 and 1.00 are one numeric value */
    if (m->distinct[0] && args[0].numv)
        return sqlc_fail(c, "0A000", "%s(DISTINCT numeric) is not supported on the mirror",
                         s->name);
    const char *x = args[0].numv ? args[0].sql : sqlc_printf(c, "CAST(%s AS VARCHAR)", args[0].sql);
    char *sql = sqlc_printf(c, "%s(%s%s%s)%s", fn, m->distinct, x, m->order, m->post);
    if (!sqlc_emit_done(c, s, args, n, sql, sqlc_type(PG_OID_NUMERIC), out))
        return false;
    out->numv = true;
    return true;
}

/* ---- the table ------------------------------------------------------------------------------ */

#define STAT_F(name, fn)                                                                           \
    AG1(name, F4, F8, fn "(CAST(%1 AS DOUBLE))"), AG1(name, F8, F8, fn "(%1)"),                    \
        E(name, 1, A(N), N, SQLC_F_AGG | SQLC_F_NUMV, e_num_stat),                                 \
        E(name, 1, A(I2), N, SQLC_F_AGG | SQLC_F_NUMV, e_num_stat),                                \
        E(name, 1, A(I4), N, SQLC_F_AGG | SQLC_F_NUMV, e_num_stat),                                \
        E(name, 1, A(I8), N, SQLC_F_AGG | SQLC_F_NUMV, e_num_stat)
#define REGR(name) AG2(name, F8, F8, F8, "am_f8_" name "(%1, %2)")
#define F8FN(name) F1(name, F8, F8, "am_f8_" name "(%1)")
#define JSONPATH(name, res, fl)                                                                    \
    E(name, 2, A(JB, JP), res, fl, sqlc_refuse_jsonpath),                                          \
        E(name, 3, A(JB, JP, JB), res, fl, sqlc_refuse_jsonpath),                                  \
        E(name, 4, A(JB, JP, JB, B), res, fl, sqlc_refuse_jsonpath)
#define NULL_TREATMENT_ERR                                                                         \
    "error('22023 null_value_treatment must be \"delete_key\", \"return_target\", "                \
    "\"use_json_null\", or \"raise_exception\"')"
#define SET_LAX(create, treat)                                                                     \
    "CASE WHEN %1 IS NULL OR %2 IS NULL OR " create " IS NULL THEN NULL WHEN " treat               \
    " IS NULL THEN " NULL_TREATMENT_ERR                                                            \
    " WHEN %3 IS NOT NULL THEN am_jsonb_set(%1, %2, %3, " create ") WHEN " treat                   \
    " = 'raise_exception' THEN error('22004 JSON value must not be null\n"                         \
    "DETAIL:  Exception was raised because null_value_treatment is \"raise_exception\".\n"         \
    "HINT:  To avoid, either change the null_value_treatment argument or ensure that an SQL "      \
    "NULL is not passed.') WHEN " treat                                                            \
    " = 'use_json_null' THEN am_jsonb_set(%1, %2, 'null', " create ") WHEN " treat                 \
    " = 'delete_key' THEN am_jsonb_delete_path(%1, %2) WHEN " treat                                \
    " = 'return_target' THEN %1 ELSE " NULL_TREATMENT_ERR " END"
#define FILL1                                                                                      \
    "CASE WHEN %2 IS NULL THEN error('22004 dimension array or low bound array cannot be null') "  \
    "WHEN len(%2) > 1 THEN error('0A000 multidimensional arrays are not supported on the "         \
    "mirror') "                                                                                    \
    "WHEN len(%2) = 0 THEN list_filter([%1], am_f -> false) WHEN %2[1] IS NULL THEN "              \
    "error('22004 dimension values cannot be null') WHEN %2[1] < 0 THEN error('2202E array size "  \
    "exceeds the maximum allowed (134217727)') ELSE list_transform(range(%2[1]), am_f -> %1) END"

static const sqlc_sig_t more[] = {
    /* ---- float and numeric statistics ---- */
    AG1("sum", F4, F4, "am_f4_sum(%1)"),
    AG1("sum", F8, F8, "am_f8_sum(%1)"),
    E("sum", 1, A(MONEY), MONEY, SQLC_F_AGG, refuse_money),
    E("avg", 1, A(MONEY), MONEY, SQLC_F_AGG, refuse_money),
    AG1("avg", F4, F8, "am_f8_avg(CAST(%1 AS DOUBLE))"),
    AG1("avg", F8, F8, "am_f8_avg(%1)"),
    AG1("avg", IV, IV,
        "am_interval_div(am_interval_sum(%<%1%>)%!, CAST(count(%<%1%>)%! AS DOUBLE))"),
    STAT_F("variance", "am_f8_var_samp"),
    STAT_F("var_samp", "am_f8_var_samp"),
    STAT_F("var_pop", "am_f8_var_pop"),
    STAT_F("stddev", "am_f8_stddev_samp"),
    STAT_F("stddev_samp", "am_f8_stddev_samp"),
    STAT_F("stddev_pop", "am_f8_stddev_pop"),
    REGR("corr"),
    REGR("covar_pop"),
    REGR("covar_samp"),
    REGR("regr_avgx"),
    REGR("regr_avgy"),
    AG2("regr_count", F8, F8, I8, "am_f8_regr_count(%1, %2)"),
    REGR("regr_intercept"),
    REGR("regr_r2"),
    REGR("regr_slope"),
    REGR("regr_sxx"),
    REGR("regr_sxy"),
    REGR("regr_syy"),
    AG1("bit_and", I2, I2, "bit_and(%1)"),
    AG1("bit_or", I2, I2, "bit_or(%1)"),
    AG1("bit_xor", I2, I2, "bit_xor(%1)"),
    AG1("bit_xor", I4, I4, "bit_xor(%1)"),
    AG1("bit_xor", I8, I8, "bit_xor(%1)"),
    E("array_agg", 1, A(ARR), ARR, SQLC_F_AGG, refuse_2d),
    E("json_agg", 1, A(ANY), JS, SQLC_F_AGG, e_json_agg),
    E("jsonb_agg", 1, A(ANY), JB, SQLC_F_AGG, e_json_agg),
    E("json_object_agg", 2, A(ANYV, ANYV), JS, SQLC_F_AGG, e_json_object_agg),
    E("jsonb_object_agg", 2, A(ANYV, ANYV), JB, SQLC_F_AGG, e_json_object_agg),
    /* ---- math ---- */
    FV("factorial", 1, A(I8), N, "am_num_factorial(%1)", NULL, SQLC_F_NUMV),
    FV("min_scale", 1, A(N), I4, "am_num_min_scale(%N1)", NULL, 0),
    FV("trim_scale", 1, A(N), N, "am_num_trim_scale(%N1)", NULL, SQLC_F_NUMV),
    FV("log10", 1, A(N), N, "am_num_log10(%N1)", NULL, SQLC_F_NUMV),
    FV("gcd", 2, A(N, N), N, "am_num_gcd(%N1, %N2)", NULL, SQLC_F_NUMV),
    FV("lcm", 2, A(N, N), N, "am_num_lcm(%N1, %N2)", NULL, SQLC_F_NUMV),
    FV("width_bucket", 4, A(N, N, N, I4), I4, "am_num_width_bucket(%N1, %N2, %N3, %4)", NULL, 0),
    FV("width_bucket", 4, A(F8, F8, F8, I4), I4, "am_f8_width_bucket(%1, %2, %3, %4)", NULL, 0),
    F8FN("cot"),
    F8FN("sind"),
    F8FN("cosd"),
    F8FN("tand"),
    F8FN("cotd"),
    F8FN("asind"),
    F8FN("acosd"),
    F8FN("atand"),
    F8FN("sinh"),
    F8FN("cosh"),
    F8FN("tanh"),
    F8FN("asinh"),
    F8FN("acosh"),
    F8FN("atanh"),
    F2("atan2d", F8, F8, F8, "am_f8_atan2d(%1, %2)"),
    {"generate_series",
     2,
     {N, N},
     N,
     "am_num_series(%N1, %N2)",
     NULL,
     SQLC_F_SRF | SQLC_F_NUMV,
     NULL},
    {"generate_series",
     3,
     {N, N, N},
     N,
     "am_num_series(%N1, %N2, %N3)",
     NULL,
     SQLC_F_SRF | SQLC_F_NUMV,
     NULL},
    /* ---- text and bytes ---- */
    E("format", 2, A(T, ANYV), T, V, e_text_variadic),
    F1("format", T, T, "am_format(%1)"),
    E("concat", 1, A(ANYV), T, V, e_text_variadic),
    E("num_nulls", 1, A(ANYV), I4, V, e_num_nulls),
    E("num_nonnulls", 1, A(ANYV), I4, V, e_num_nulls),
    E("concat_ws", 2, A(T, ANYV), T, V, e_text_variadic),
    F1("unistr", T, T, "am_unistr(%1)"),
    F1("normalize", T, T, "nfc_normalize(%1)"),
    F2("normalize", T, T, T,
       "CASE WHEN %1 IS NULL OR %2 IS NULL THEN NULL WHEN upper(%2) = 'NFC' THEN nfc_normalize(%1) "
       "WHEN upper(%2) IN ('NFD', 'NFKC', 'NFKD') THEN error('0A000 normalization forms other "
       "than NFC are not supported on the mirror') ELSE error('22023 invalid normalization form: ' "
       "|| %2) END"),
    F1("is_normalized", T, B, "(nfc_normalize(%1) = %1)"),
    F2("is_normalized", T, T, B,
       "CASE WHEN %1 IS NULL OR %2 IS NULL THEN NULL WHEN upper(%2) = 'NFC' THEN nfc_normalize(%1) "
       "= %1 WHEN upper(%2) IN ('NFD', 'NFKC', 'NFKD') THEN error('0A000 normalization forms "
       "other than NFC are not supported on the mirror') ELSE error('22023 invalid normalization "
       "form: ' || %2) END"),
    F1("to_ascii", T, T,
       "CAST(CASE WHEN %1 IS NOT NULL THEN error('0A000 encoding conversion from UTF8 to ASCII "
       "not supported') END AS VARCHAR)"),
    E("to_ascii", 2, A(T, NM), T, 0, refuse),
    E("to_ascii", 2, A(T, I4), T, 0, refuse),
    F2("convert_from", BY, NM, T, "am_convert_from(%1, %2)"),
    F2("convert_to", T, NM, BY, "am_convert_to(%1, %2)"),
    F3("convert", BY, NM, NM, BY, "am_convert(%1, %2, %3)"),
    F2("get_byte", BY, I4, I4, "am_get_byte(%1, %2)"),
    F3("set_byte", BY, I4, I4, BY, "am_set_byte(%1, %2, %3)"),
    F2("get_bit", BY, I8, I4, "am_get_bit(%1, %2)"),
    F3("set_bit", BY, I8, I4, BY, "am_set_bit(%1, %2, %3)"),
    F1("bit_count", BY, I8, "am_bytea_bit_count(%1)"),
    F2("substring", BY, I4, BY, "am_bytea_substr(%1, %2)"),
    F3("substring", BY, I4, I4, BY, "am_bytea_substr(%1, %2, %3)"),
    F2("substr", BY, I4, BY, "am_bytea_substr(%1, %2)"),
    F3("substr", BY, I4, I4, BY, "am_bytea_substr(%1, %2, %3)"),
    E("pg_column_size", 1, A(ANYV), I4, 0, e_column_size),
    {"regexp_replace", 4, {T, T, T, I4}, T, "am_regexp_replace(%1, %2, %3, %4)", NULL, 0, NULL},
    {"regexp_replace",
     5,
     {T, T, T, I4, I4},
     T,
     "am_regexp_replace(%1, %2, %3, %4, %5)",
     NULL,
     0,
     NULL},
    {"regexp_replace",
     6,
     {T, T, T, I4, I4, T},
     T,
     "am_regexp_replace(%1, %2, %3, %4, %5, %6)",
     NULL,
     0,
     NULL},
    F3("regexp_count", T, T, I4, I4, "am_regexp_count(%1, %2, %3)"),
    {"regexp_count", 4, {T, T, I4, T}, I4, "am_regexp_count(%1, %2, %3, %4)", NULL, 0, NULL},
    F2("regexp_instr", T, T, I4, "am_regexp_instr(%1, %2)"),
    F3("regexp_instr", T, T, I4, I4, "am_regexp_instr(%1, %2, %3)"),
    {"regexp_instr", 4, {T, T, I4, I4}, I4, "am_regexp_instr(%1, %2, %3, %4)", NULL, 0, NULL},
    {"regexp_instr",
     5,
     {T, T, I4, I4, I4},
     I4,
     "am_regexp_instr(%1, %2, %3, %4, %5)",
     NULL,
     0,
     NULL},
    {"regexp_instr",
     6,
     {T, T, I4, I4, I4, T},
     I4,
     "am_regexp_instr(%1, %2, %3, %4, %5, %6)",
     NULL,
     0,
     NULL},
    {"regexp_instr",
     7,
     {T, T, I4, I4, I4, T, I4},
     I4,
     "am_regexp_instr(%1, %2, %3, %4, %5, %6, %7)",
     NULL,
     0,
     NULL},
    F3("regexp_substr", T, T, I4, T, "am_regexp_substr(%1, %2, %3)"),
    {"regexp_substr", 4, {T, T, I4, I4}, T, "am_regexp_substr(%1, %2, %3, %4)", NULL, 0, NULL},
    {"regexp_substr",
     5,
     {T, T, I4, I4, T},
     T,
     "am_regexp_substr(%1, %2, %3, %4, %5)",
     NULL,
     0,
     NULL},
    {"regexp_substr",
     6,
     {T, T, I4, I4, T, I4},
     T,
     "am_regexp_substr(%1, %2, %3, %4, %5, %6)",
     NULL,
     0,
     NULL},
    {"string_to_table", 3, {T, T, T}, T, "am_string_to_array(%1, %2, %3)", NULL, SQLC_F_SRF, NULL},
    /* ---- arrays ---- */
    FVE("array_replace", 3, A(ARR, ANY, ANY), ARR,
        "list_transform(%1, am_e -> CASE WHEN am_e IS NOT DISTINCT FROM %2 THEN %3 ELSE am_e END)",
        "list_transform(%1, am_e -> CASE WHEN (am_e IS NULL AND %2 IS NULL) OR am_num_cmp(am_e, "
        "%2) = 0 THEN %3 ELSE am_e END)",
        SQLC_F_COMPATIBLE, sqlc_e_array_find),
    FVE("array_position", 3, A(ARR, ANY, I4), I4,
        "CASE WHEN %1 IS NULL THEN NULL WHEN %2 IS NULL AND NOT list_contains(list_transform(%1, "
        "am_n -> am_n IS NULL), true) THEN NULL WHEN %3 IS NULL THEN error('22004 initial "
        "position must not be null') ELSE CAST(list_position(list_slice(%1, greatest(%3, 1), "
        "len(%1)), %2) + "
        "greatest(%3, 1) - 1 AS INTEGER) END",
        "CASE WHEN %1 IS NULL THEN NULL WHEN %2 IS NULL AND NOT list_contains(list_transform(%1, "
        "am_n -> am_n IS NULL), true) THEN NULL WHEN %3 IS NULL THEN error('22004 initial "
        "position must not be null') ELSE CAST(list_position(list_transform(list_slice(%1, "
        "greatest(%3, 1), "
        "len(%1)), am_e -> (am_e IS NULL AND %2 IS NULL) OR am_num_cmp(am_e, %2) = 0), true) + "
        "greatest(%3, 1) - 1 AS INTEGER) END",
        SQLC_F_COMPATIBLE, sqlc_e_array_find),
    FVE("array_positions", 2, A(ARR, ANY), I4A,
        "CAST(list_filter(list_transform(%1, (am_e, am_i) -> CASE WHEN am_e IS NOT DISTINCT FROM "
        "%2 THEN am_i END), am_p -> am_p IS NOT NULL) AS INTEGER[])",
        "CAST(list_filter(list_transform(%1, (am_e, am_i) -> CASE WHEN (am_e IS NULL AND %2 IS "
        "NULL) OR am_num_cmp(am_e, %2) = 0 THEN am_i END), am_p -> am_p IS NOT NULL) AS "
        "INTEGER[])",
        SQLC_F_COMPATIBLE, sqlc_e_array_find),
    F1("array_dims", ARR, T, "CASE WHEN len(%1) > 0 THEN '[1:' || len(%1) || ']' END"),
    F2("trim_array", ARR, I4, ARR,
       "CASE WHEN %2 < 0 OR %2 > len(%1) THEN error('2202E number of elements to trim must be "
       "between 0 and ' || len(%1)) ELSE list_slice(%1, 1, len(%1) - %2) END"),
    F2("array_fill", ANY, I4A, ARR, FILL1),
    F3("array_fill", ANY, I4A, I4A, ARR,
       "CASE WHEN %2 IS NULL OR %3 IS NULL THEN error('22004 dimension array or low bound array "
       "cannot be null') WHEN len(%2) <> len(%3) THEN error('2202E wrong number of array "
       "subscripts') WHEN len(list_filter(%3, am_b -> am_b IS DISTINCT FROM 1)) > 0 THEN "
       "error('0A000 arrays with lower bounds other than 1 are not supported on the mirror') "
       "ELSE " FILL1 " END"),
    /* ---- json ---- */
    F3("jsonb_set", JB, TA, JB, JB, "am_jsonb_set(%1, %2, %3)"),
    {"jsonb_set", 4, {JB, TA, JB, B}, JB, "am_jsonb_set(%1, %2, %3, %4)", NULL, 0, NULL},
    F3("jsonb_insert", JB, TA, JB, JB, "am_jsonb_insert(%1, %2, %3)"),
    {"jsonb_insert", 4, {JB, TA, JB, B}, JB, "am_jsonb_insert(%1, %2, %3, %4)", NULL, 0, NULL},
    F3("jsonb_set_lax", JB, TA, JB, JB, SET_LAX("true", "'use_json_null'")),
    {"jsonb_set_lax", 4, {JB, TA, JB, B}, JB, SET_LAX("%4", "'use_json_null'"), NULL, 0, NULL},
    {"jsonb_set_lax", 5, {JB, TA, JB, B, T}, JB, SET_LAX("%4", "%5"), NULL, 0, NULL},
    F1("jsonb_strip_nulls", JB, JB, "am_jsonb_strip_nulls(%1)"),
    F1("json_strip_nulls", JS, JS, "am_json_strip_nulls(%1)"),
    F1("json_object", TA, JS, "am_json_object(%1)"),
    F2("json_object", TA, TA, JS, "am_json_object(%1, %2)"),
    F1("jsonb_object", TA, JB, "am_jsonb_object(%1)"),
    F2("jsonb_object", TA, TA, JB, "am_jsonb_object(%1, %2)"),
    F0("json_build_object", JS, "am_json_build_object()"),
    F0("jsonb_build_object", JB, "am_jsonb_build_object()"),
    F0("json_build_array", JS, "am_json_build_array()"),
    F0("jsonb_build_array", JB, "am_jsonb_build_array()"),
    E("json_build_object", 1, A(ANYV), JS, V, e_json_build),
    E("jsonb_build_object", 1, A(ANYV), JB, V, e_json_build),
    E("json_build_array", 1, A(ANYV), JS, V, e_json_build),
    E("jsonb_build_array", 1, A(ANYV), JB, V, e_json_build),
    E("json_extract_path", 2, A(JS, T), JS, V, e_extract_path),
    E("json_extract_path_text", 2, A(JS, T), T, V, e_extract_path),
    E("jsonb_extract_path", 2, A(JB, T), JB, V, e_extract_path),
    E("jsonb_extract_path_text", 2, A(JB, T), T, V, e_extract_path),
    JSONPATH("jsonb_path_exists", B, 0),
    JSONPATH("jsonb_path_match", B, 0),
    JSONPATH("jsonb_path_query_array", JB, 0),
    JSONPATH("jsonb_path_query_first", JB, 0),
    JSONPATH("jsonb_path_query", JB, SQLC_F_SRF),
    JSONPATH("jsonb_path_exists_tz", B, 0),
    JSONPATH("jsonb_path_match_tz", B, 0),
    JSONPATH("jsonb_path_query_array_tz", JB, 0),
    JSONPATH("jsonb_path_query_first_tz", JB, 0),
    JSONPATH("jsonb_path_query_tz", JB, SQLC_F_SRF),
    E("row_to_json", 1, A(ANY), JS, 0, e_row_to_json),
    E("set_config", 3, A(T, T, B), T, 0, refuse),
    E("jsonb_populate_record", 2, A(ANY, JB), ANY, 0, refuse),
    E("json_populate_record", 2, A(ANY, JS), ANY, 0, refuse),
    E("jsonb_populate_recordset", 2, A(ANY, JB), ANY, SQLC_F_SRF, refuse),
    E("json_populate_recordset", 2, A(ANY, JS), ANY, SQLC_F_SRF, refuse),
    E("jsonb_each", 1, A(JB), PG_OID_RECORD, SQLC_F_SRF, refuse_record),
    E("jsonb_each_text", 1, A(JB), PG_OID_RECORD, SQLC_F_SRF, refuse_record),
    E("json_each", 1, A(JS), PG_OID_RECORD, SQLC_F_SRF, refuse_record),
    E("json_each_text", 1, A(JS), PG_OID_RECORD, SQLC_F_SRF, refuse_record),
    /* ---- enums ---- */
    E("enum_first", 1, A(ENM), ANY, 0, sqlc_e_enum_end),
    E("enum_last", 1, A(ENM), ANY, 0, sqlc_e_enum_end),
    E("enum_range", 1, A(ENM), ARR, 0, sqlc_e_enum_range),
    E("enum_range", 2, A(ENM, ENM), ARR, 0, sqlc_e_enum_range),
    /* ---- inet and cidr (held as their output text) ---- */
    F1("host", INET, T, "am_inet_host(%1)"),
    F1("text", INET, T, "am_inet_text(%1)"),
    F1("masklen", INET, I4, "am_inet_masklen(%1)"),
    F1("family", INET, I4, "am_inet_family(%1)"),
    F1("network", INET, CIDR, "am_inet_network(%1)"),
    F1("broadcast", INET, INET, "am_inet_broadcast(%1)"),
    F1("netmask", INET, INET, "am_inet_netmask(%1)"),
    F1("hostmask", INET, INET, "am_inet_hostmask(%1)"),
    F1("abbrev", INET, T, "am_inet_abbrev(%1)"),
    F1("abbrev", CIDR, T, "am_cidr_abbrev(%1)"),
    F2("set_masklen", INET, I4, INET, "am_inet_set_masklen(%1, %2)"),
    F2("set_masklen", CIDR, I4, CIDR, "am_cidr_set_masklen(%1, %2)"),
    F2("inet_same_family", INET, INET, B, "am_inet_same_family(%1, %2)"),
    F2("inet_merge", INET, INET, CIDR, "am_inet_merge(%1, %2)"),
    /* ---- system ---- */
    E("to_regclass", 1, A(T), PG_OID_REGCLASS, 0, sqlc_e_to_reg),
    E("to_regtype", 1, A(T), PG_OID_REGTYPE, 0, sqlc_e_to_reg),
    E("to_regnamespace", 1, A(T), PG_OID_REGNAMESPACE, 0, sqlc_e_to_reg),
    E("to_regrole", 1, A(T), PG_OID_REGROLE, 0, sqlc_e_to_reg),
    E("to_regproc", 1, A(T), PG_OID_REGPROC, 0, sqlc_e_to_regproc),
    E("to_regprocedure", 1, A(T), PG_OID_REGPROCEDURE, 0, refuse),
    E("to_regoper", 1, A(T), PG_OID_REGOPER, 0, refuse),
    E("to_regoperator", 1, A(T), PG_OID_REGOPERATOR, 0, refuse),
    E("to_regcollation", 1, A(T), PG_OID_REGCOLLATION, 0, refuse),
    F1("pg_size_bytes", T, I8, "am_size_bytes(%1)"),
    F0("txid_current_if_assigned", I8, "CAST(NULL AS BIGINT)"),
};

static bool arity_fits(const sqlc_sig_t *s, size_t nargs)
{
    return (s->flags & SQLC_F_VARIADIC) ? nargs >= s->nargs : nargs == s->nargs;
}

size_t sqlc_functab_more_find(const char *name, size_t nargs, const sqlc_sig_t **out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < AM_ARRAY_LEN(more) && k < max; i++)
        if (arity_fits(&more[i], nargs) && strcmp(more[i].name, name) == 0)
            out[k++] = &more[i];
    return k;
}

bool sqlc_functab_more_is_agg(const char *name)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(more); i++)
        if ((more[i].flags & SQLC_F_AGG) && strcmp(more[i].name, name) == 0)
            return true;
    return false;
}

const sqlc_sig_t *sqlc_functab_more_all(size_t *n)
{
    *n = AM_ARRAY_LEN(more);
    return more;
}
