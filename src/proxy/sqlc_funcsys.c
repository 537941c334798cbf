/*
 * proxy/sqlc_funcsys.c: functions answered from the session rather than computed by DuckDB:
 * version(), now() and friends (the transaction's start, as PostgreSQL), current_setting(),
 * current_database(), current_schema(s), pg_backend_pid(), pg_typeof(), to_json(b).
 */
#include "proxy/sqlc_internal.h"
#include "proxy/proxy_internal.h"

#include <string.h>
#include <time.h>

static char *utc_lit(sqlc_ctx_t *c, int64_t us)
{
    time_t s = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    return sqlc_printf(c, "CAST('%04d-%02d-%02d %02d:%02d:%02d.%06d+00' AS TIMESTAMPTZ)",
                       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                       tm.tm_sec, (int)(us % 1000000));
}

static bool done(sqlc_ctx_t *c, sqlc_val_t *out, char *sql, uint32_t type, const char *name)
{
    (void)c;
    *out = sqlc_val_of(sql, sqlc_type(type));
    out->is_const = true;
    out->name = name;
    return true;
}

static bool e_version(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)a;
    (void)n;
    return done(c, out, sqlc_literal(c, PROXY_VERSION_STRING), PG_OID_TEXT, s->name);
}

static bool e_now(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)a;
    (void)n;
    if (strcmp(s->name, "clock_timestamp") == 0) {
        *out = sqlc_val_of(sqlc_strdup(c, "CAST(get_current_timestamp() AS TIMESTAMPTZ)"),
                           sqlc_type(PG_OID_TIMESTAMPTZ));
        out->is_volatile = true;
        out->name = s->name;
        return true;
    }
    int64_t us =
        strcmp(s->name, "statement_timestamp") == 0 ? c->env->stmt_start_us : c->env->tx_start_us;
    return done(c, out, utc_lit(c, us), PG_OID_TIMESTAMPTZ, s->name);
}

static bool e_database(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)a;
    (void)n;
    return done(c, out, sqlc_literal(c, c->env->database ? c->env->database : ""), PG_OID_NAME,
                s->name);
}

static bool e_schema(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)a;
    (void)n;
    return done(c, out,
                c->env_path_n ? sqlc_literal(c, c->env_path[0])
                              : sqlc_strdup(c, "CAST(NULL AS VARCHAR)"),
                PG_OID_NAME, s->name);
}

/* current_schemas(include_implicit): pg_catalog first when asked, as PostgreSQL lists it. */
static bool e_schemas(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)n;
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "CASE WHEN ");
    am_buf_puts(&b, a[0].sql);
    for (int implicit = 1; implicit >= 0; implicit--) {
        am_buf_puts(&b, implicit ? " THEN [" : " ELSE [");
        bool first = true, has_cat = false;
        for (size_t i = 0; i < c->env_path_n; i++)
            has_cat = has_cat || !strcmp(c->env_path[i], "pg_catalog");
        if (implicit && !has_cat) {
            am_buf_puts(&b, "'pg_catalog'");
            first = false;
        }
        for (size_t i = 0; i < c->env_path_n; i++) {
            am_buf_puts(&b, first ? "" : ", ");
            am_sql_literal(&b, c->env_path[i]);
            first = false;
        }
        am_buf_puts(&b, "]::VARCHAR[]");
    }
    am_buf_puts(&b, " END");
    *out = sqlc_val_of(am_arena_strndup(c->arena, b.data, b.len), sqlc_type(PG_OID_NAME_ARRAY));
    out->name = s->name;
    am_buf_destroy(&b);
    return true;
}

static bool e_pid(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)a;
    (void)n;
    return done(c, out, sqlc_printf(c, "CAST(%u AS INTEGER)", c->env->backend_pid), PG_OID_INT4,
                s->name);
}

/* current_setting(expr): every setting of the session, chosen by the name's value. */
static bool setting_by_value(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n,
                             sqlc_val_t *out)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, "CASE lower(%s)", a[0].sql);
    const char *name, *value, *boot;
    for (size_t i = 0;
         c->env->setting_at && c->env->setting_at(c->env->setting_ud, i, &name, &value, &boot);
         i++) {
        const char *shown = c->env->setting ? c->env->setting(c->env->setting_ud, name) : value;
        char *lower = sqlc_strdup(c, name);
        for (char *p = lower; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        am_buf_printf(&b, " WHEN %s THEN %s", sqlc_literal(c, lower),
                      sqlc_literal(c, shown ? shown : value));
    }
    /* a CASE needs a WHEN: one that never matches, when no setting is known (found by
     * fuzz_sqlc, which compiles without a session) */
    am_buf_puts(&b, " WHEN NULL THEN NULL");
    bool missing_ok = n > 1 && strcmp(a[1].sql, "true") == 0;
    if (missing_ok)
        am_buf_puts(&b, " ELSE CAST(NULL AS VARCHAR) END");
    else
        am_buf_printf(&b,
                      " ELSE error('42704 unrecognized configuration parameter \"' || %s || "
                      "'\"') END",
                      a[0].sql);
    *out = sqlc_val_of(am_arena_strndup(c->arena, b.data, b.len), sqlc_type(PG_OID_TEXT));
    am_buf_destroy(&b);
    out->name = s->name;
    sqlc_merge_flags(out, &a[0]);
    return true;
}

/* current_setting(name [, missing_ok]): settings are per session, known now. */
static bool e_setting(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    if (!a[0].literal && !(a[0].is_const && a[0].sql[0] == '\''))
        return setting_by_value(c, s, a, n, out);
    const char *name = a[0].literal;
    char *tmp = NULL;
    if (!name) { /* a coerced literal: '...' */
        size_t len = strlen(a[0].sql);
        tmp = am_arena_strndup(c->arena, a[0].sql + 1, len >= 2 ? len - 2 : 0);
        name = tmp;
    }
    const char *v = c->env->setting ? c->env->setting(c->env->setting_ud, name) : NULL;
    bool missing_ok = n > 1 && strcmp(a[1].sql, "true") == 0;
    if (!v && !missing_ok)
        return sqlc_fail(c, "42704", "unrecognized configuration parameter \"%s\"", name);
    return done(c, out, v ? sqlc_literal(c, v) : sqlc_strdup(c, "CAST(NULL AS VARCHAR)"),
                PG_OID_TEXT, s->name);
}

static bool e_typeof(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)n;
    /* the argument is still evaluated (its aggregates, set-returning functions and errors
     * count), as PostgreSQL evaluates it */
    char *t = sqlc_printf(c, "CAST(%u AS BIGINT)", a[0].type.oid);
    if (a[0].type.oid == PG_OID_UNKNOWN || a[0].is_null)
        return done(c, out, t, PG_OID_REGTYPE, s->name);
    bool ok =
        done(c, out, sqlc_printf(c, "CASE WHEN (%s) IS NULL THEN %s ELSE %s END", a[0].sql, t, t),
             PG_OID_REGTYPE, s->name);
    sqlc_merge_flags(out, &a[0]);
    return ok;
}

static bool e_recovery(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)a;
    (void)n;
    (void)out;
    return sqlc_fail(c, "25006", "cannot execute %s() on the mirror: it is read-only", s->name);
}

static bool e_start_time(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n,
                         sqlc_val_t *out)
{
    (void)a;
    (void)n;
    return done(c, out, utc_lit(c, c->env->server_start_us), PG_OID_TIMESTAMPTZ, s->name);
}

static bool e_port(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)a;
    (void)n;
    return done(c, out, sqlc_printf(c, "CAST(%d AS INTEGER)", c->env->server_port), PG_OID_INT4,
                s->name);
}

static bool e_to_json(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *a, size_t n, sqlc_val_t *out)
{
    (void)n;
    bool b = strcmp(s->name, "to_jsonb") == 0;
    const char *kind = sqlc_json_kind(c, &a[0]);
    if (!kind)
        return false;
    *out = sqlc_val_of(sqlc_printf(c, "%s(%s, %s)", b ? "am_to_jsonb" : "am_to_json",
                                   sqlc_json_text(c, &a[0]), sqlc_literal(c, kind)),
                       sqlc_type(b ? PG_OID_JSONB : PG_OID_JSON));
    sqlc_merge_flags(out, &a[0]);
    out->name = s->name;
    return true;
}

static const struct {
    const char *name;
    sqlc_emit_fn fn;
} emitters[] = {
    {"version", e_version},
    {"now", e_now},
    {"transaction_timestamp", e_now},
    {"statement_timestamp", e_now},
    {"clock_timestamp", e_now},
    {"current_database", e_database},
    {"current_schema", e_schema},
    {"current_schemas", e_schemas},
    {"pg_backend_pid", e_pid},
    {"current_setting", e_setting},
    {"pg_typeof", e_typeof},
    {"txid_current", e_recovery},
    {"pg_postmaster_start_time", e_start_time},
    {"inet_server_port", e_port},
    {"to_json", e_to_json},
    {"to_jsonb", e_to_json},
};

bool sqlc_funcsys_emit(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out)
{
    for (size_t k = 0; k < AM_ARRAY_LEN(emitters); k++)
        if (strcmp(emitters[k].name, s->name) == 0)
            return emitters[k].fn(c, s, args, n, out);
    return sqlc_fail(c, "0A000", "function %s is not supported on the mirror", s->name);
}
