/*
 * proxy/sqlc_fn_lookup.c: functions that answer from the served catalog rather than from a
 * value: enum_first, enum_last and enum_range over an enum's labels in sort order, and the
 * to_reg* lookups (to_regclass, to_regtype, to_regnamespace, to_regrole, to_regproc), which
 * resolve a name through the session's search path and yield NULL where PostgreSQL does.
 * Spec: PostgreSQL 15 docs 9.28 (enum support functions), 9.26 (system information functions).
 */
#include "proxy/sqlc_internal.h"

#include <ctype.h>
#include <string.h>

/* ---- enums ------------------------------------------------------------------------------------
 */

static const proxy_pgtype_t *enum_type(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, v->type);
    return c->cat ? proxy__pgcat_type(c->cat, b.oid) : NULL;
}

static char *enum_label(sqlc_ctx_t *c, const proxy_pgtype_t *t, size_t i)
{
    return sqlc_printf(c, "CAST(%s AS %s)", sqlc_literal(c, t->enum_labels[i]),
                       sqlc_duck_type(c, sqlc_type(t->oid)));
}

/* enum_first / enum_last: the type's first or last label; the argument only gives the type. */
bool sqlc_e_enum_end(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                     sqlc_val_t *out)
{
    const proxy_pgtype_t *t = enum_type(c, &args[0]);
    if (!t || t->typtype != 'e')
        return sqlc_no_function(c, s->name, args, n, false);
    char *sql =
        t->n_enum_labels == 0
            ? sqlc_printf(c, "CAST(error(%s) AS %s)",
                          sqlc_literal(c, sqlc_printf(c, "55000 enum %s contains no values",
                                                      sqlc_type_name(c, args[0].type))),
                          sqlc_duck_type(c, sqlc_type(t->oid)))
            : enum_label(c, t, strcmp(s->name, "enum_first") == 0 ? 0 : t->n_enum_labels - 1);
    bool ok = sqlc_emit_done(c, s, args, 0, sql, sqlc_type(t->oid), out);
    out->is_const = true;
    return ok;
}

/* enum_range(e) and enum_range(lo, hi): labels in order, NULL bounds open. */
bool sqlc_e_enum_range(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out)
{
    const proxy_pgtype_t *t = enum_type(c, &args[0]);
    if (!t || t->typtype != 'e')
        return sqlc_no_function(c, s->name, args, n, false);
    am_buf_t b;
    am_buf_init(&b);
    /* DuckDB's grammar has no array of a schema-qualified type: the elements carry the type */
    am_buf_puts(&b, "[");
    for (size_t i = 0; i < t->n_enum_labels; i++)
        am_buf_printf(&b, "%s%s", i ? ", " : "", enum_label(c, t, i));
    if (t->n_enum_labels == 0)
        am_buf_printf(&b, "CAST(NULL AS %s)", sqlc_duck_type(c, sqlc_type(t->oid)));
    am_buf_puts(&b, "]");
    char *all = t->n_enum_labels
                    ? am_arena_strndup(c->arena, b.data, b.len)
                    : sqlc_printf(c, "list_filter(%.*s, am_l -> false)", (int)b.len, b.data);
    am_buf_destroy(&b);
    char *sql = n == 1 ? all
                       : sqlc_printf(c,
                                     "list_filter(%s, am_l -> ((%s) IS NULL OR am_l >= (%s)) AND "
                                     "((%s) IS NULL OR am_l <= (%s)))",
                                     all, args[0].sql, args[0].sql, args[1].sql, args[1].sql);
    uint32_t arr = proxy__pgtype_array(c->cat, t->oid);
    bool ok = sqlc_emit_done(c, s, args, n, sql, sqlc_type(arr), out);
    out->is_const = n == 1 || (args[0].is_const && args[1].is_const);
    return ok;
}

/* ---- catalog lookups ------------------------------------------------------------------------ */

/* to_regclass(text) and friends: the name resolved now, NULL when nothing has it. */
bool sqlc_e_to_reg(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n, sqlc_val_t *out)
{
    if (args[0].is_null)
        return sqlc_emit_done(c, s, args, n, sqlc_strdup(c, "CAST(NULL AS BIGINT)"),
                              sqlc_type(s->result), out);
    const char *text = sqlc_const_text(c, &args[0]);
    if (!text)
        return sqlc_fail(c, "0A000",
                         "%s() of a value computed at run time is not supported on "
                         "the mirror",
                         s->name);
    sqlc_val_t v;
    if (!sqlc_lit_reg(c, text, s->result, &v)) {
        static const char *const missing[] = {"42P01", "3F000", "42704", "42883"};
        bool absent = false;
        for (size_t i = 0; i < AM_ARRAY_LEN(missing); i++)
            absent = absent || strcmp(c->err->sqlstate, missing[i]) == 0;
        if (!absent)
            return false;
        memset(c->err, 0, sizeof *c->err);
        v = sqlc_val_of(sqlc_strdup(c, "CAST(NULL AS BIGINT)"), sqlc_type(s->result));
    }
    return sqlc_emit_done(c, s, args, n, v.sql, sqlc_type(s->result), out);
}

/* An identifier of a function name as stringToQualifiedNameList reads it, lower-cased; NULL
 * for anything quoted or unusual (refused: the mirror does not reproduce those rules). */
static char *plain_ident(sqlc_ctx_t *c, const char *s, size_t len)
{
    if (len == 0 || len > 63 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return NULL;
    char *out = am_arena_strndup(c->arena, s, len);
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)out[i]) && out[i] != '_' && out[i] != '$')
            return NULL;
        out[i] = (char)tolower((unsigned char)out[i]);
    }
    return out;
}

/* to_regproc(text): the served catalog has pg_catalog's functions only, so the answer is exact
 * when the name is pg_catalog-qualified, or unqualified and overloaded there (NULL either way
 * a user function adds). */
bool sqlc_e_to_regproc(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out)
{
    if (args[0].is_null)
        return sqlc_emit_done(c, s, args, n, sqlc_strdup(c, "CAST(NULL AS BIGINT)"),
                              sqlc_type(s->result), out);
    const char *text = sqlc_const_text(c, &args[0]);
    const char *dot = text ? strchr(text, '.') : NULL;
    char *nsp = dot ? plain_ident(c, text, (size_t)(dot - text)) : NULL;
    char *name = text ? plain_ident(c, dot ? dot + 1 : text, strlen(dot ? dot + 1 : text)) : NULL;
    bool other_nsp = nsp && strcmp(nsp, "pg_catalog") != 0;
    if (!c->cat || !name || (dot && !nsp) || (other_nsp && proxy__pgcat_nsp_find(c->cat, nsp) != 0))
        return sqlc_fail(c, "0A000",
                         "to_regproc() of this name is not supported on the mirror: "
                         "the mirror knows pg_catalog's functions only");
    if (other_nsp) /* no such schema */
        return sqlc_emit_done(c, s, args, n, sqlc_strdup(c, "CAST(NULL AS BIGINT)"),
                              sqlc_type(s->result), out);
    const char *lit = sqlc_literal(c, name);
    const char *pick = nsp ? "CASE WHEN count(*) = 1 THEN min(oid) END"
                           : "CASE WHEN count(*) >= 2 THEN CAST(NULL AS BIGINT) ELSE "
                             "error('0A000 to_regproc() of this name is not supported on the "
                             "mirror: the mirror knows pg_catalog''s functions only') END";
    char *sql = sqlc_printf(c,
                            "(SELECT %s FROM am_cat.\"pg_catalog.pg_proc\" WHERE proname = %s AND "
                            "pronamespace = 11)",
                            pick, lit);
    return sqlc_emit_done(c, s, args, n, sql, sqlc_type(s->result), out);
}
