/*
 * proxy/sqlc_views.c: system views whose rows are the mirror's own state, not copied rows:
 * pg_settings (this session's settings, in their base units as PostgreSQL lists them) and the
 * table statistics views pg_stat_user_tables / pg_stat_all_tables / pg_statio_user_tables (one
 * row per mirrored table: n_live_tup is the table's exact row count; the mirror keeps no scan
 * counters, so they read zero, and no vacuum or analyze times). Each is written as a VALUES list
 * with the view's own columns, as the source's pg_attribute describes them. Spec: PostgreSQL 15
 * docs 54.24 "pg_settings", 28.2.19 "pg_stat_all_tables".
 */
#include "proxy/sqlc_internal.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- pg_settings -------------------------------------------------------------------------- */

static bool is_ms(const char *name)
{
    return !strcasecmp(name, "statement_timeout") || !strcasecmp(name, "lock_timeout") ||
           !strcasecmp(name, "idle_in_transaction_session_timeout");
}

static bool is_kb(const char *name)
{
    return !strcasecmp(name, "work_mem") || !strcasecmp(name, "maintenance_work_mem");
}

static bool is_bool(const char *name)
{
    static const char *const names[] = {
        "standard_conforming_strings",   "integer_datetimes",     "is_superuser", "in_hot_standby",
        "default_transaction_read_only", "transaction_read_only", "jit",          "row_security",
        "default_transaction_deferrable"};
    for (size_t i = 0; i < AM_ARRAY_LEN(names); i++)
        if (!strcasecmp(names[i], name))
            return true;
    return false;
}

static bool is_int(const char *name)
{
    return !strcasecmp(name, "extra_float_digits") || !strcasecmp(name, "max_identifier_length") ||
           !strcasecmp(name, "server_version_num") || is_ms(name) || is_kb(name);
}

/* "4MB" -> 4096 (kB); false when it does not read as a memory size. */
static bool kb_of(const char *v, int64_t *kb)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v)
        return false;
    while (*end == ' ')
        end++;
    double f = !*end || !strcmp(end, "kB") ? 1
               : !strcmp(end, "MB")        ? 1024
               : !strcmp(end, "GB")        ? 1048576
               : !strcmp(end, "TB")        ? 1073741824.0
               : !strcmp(end, "B")         ? 1.0 / 1024
                                           : -1;
    if (f < 0)
        return false;
    *kb = (int64_t)(x * f + 0.5);
    return true;
}

/* The setting in its base unit, as pg_settings.setting shows it. */
static const char *base_value(sqlc_ctx_t *c, const char *name, const char *value)
{
    int64_t n = 0;
    if (is_ms(name) && am_duration_ms_parse(value, &n))
        return sqlc_printf(c, "%lld", (long long)n);
    if (is_kb(name) && kb_of(value, &n))
        return sqlc_printf(c, "%lld", (long long)n);
    return value;
}

/* With the source's pg_settings copied (am.settings), the descriptive columns come from it. */
static const char *settings_join_col(const char *col)
{
    static const char *const from_source[] = {"category", "short_desc", "extra_desc",
                                              "context",  "vartype",    "unit",
                                              "min_val",  "max_val",    "enumvals"};
    for (size_t i = 0; i < AM_ARRAY_LEN(from_source); i++)
        if (!strcmp(col, from_source[i]))
            return from_source[i];
    return NULL;
}

static const char *settings_cell(sqlc_ctx_t *c, const char *col, const char *name,
                                 const char *value, const char *boot)
{
    if (!strcmp(col, "name"))
        return sqlc_literal(c, name);
    if (!strcmp(col, "setting"))
        return sqlc_literal(c, base_value(c, name, value));
    if (!strcmp(col, "unit"))
        return is_ms(name) ? "'ms'" : is_kb(name) ? "'kB'" : NULL;
    if (!strcmp(col, "vartype"))
        return is_bool(name) ? "'bool'" : is_int(name) ? "'integer'" : "'string'";
    if (!strcmp(col, "context"))
        return "'user'";
    if (!strcmp(col, "source"))
        return strcmp(value, boot) ? "'session'" : "'default'";
    if (!strcmp(col, "boot_val") || !strcmp(col, "reset_val"))
        return sqlc_literal(c, base_value(c, name, boot));
    if (!strcmp(col, "category") || !strcmp(col, "short_desc"))
        return "''";
    if (!strcmp(col, "pending_restart"))
        return "false";
    return NULL;
}

/* ---- the statistics views ----------------------------------------------------------------- */

static const char *stats_cell(sqlc_ctx_t *c, const proxy_pgcol_t *col, const proxy_pgrel_t *t)
{
    if (!strcmp(col->name, "relid"))
        return sqlc_printf(c, "%u", t->oid);
    if (!strcmp(col->name, "schemaname"))
        return sqlc_literal(c, t->nspname);
    if (!strcmp(col->name, "relname"))
        return sqlc_literal(c, t->name);
    /* the mirror knows each table's exact row count (its snapshot's live rows) */
    if (!strcmp(col->name, "n_live_tup"))
        return sqlc_printf(c, "(SELECT live_rows FROM am_data.am_stats WHERE relid = %u)", t->oid);
    return col->type_oid == PG_OID_INT8 ? "0" : NULL;
}

static bool is_stats_view(const char *name)
{
    return !strcmp(name, "pg_stat_user_tables") || !strcmp(name, "pg_stat_all_tables") ||
           !strcmp(name, "pg_statio_user_tables") || !strcmp(name, "pg_statio_all_tables");
}

/* ---- the VALUES list ---------------------------------------------------------------------- */

static void cell(sqlc_ctx_t *c, am_buf_t *b, const proxy_pgcol_t *col, const char *v)
{
    proxy_pgtype_ref_t t = {col->type_oid, col->typmod};
    am_buf_printf(b, "CAST(%s AS %s)", v ? v : "NULL", sqlc_duck_type(c, t));
}

static void columns(sqlc_ctx_t *c, am_buf_t *b, const proxy_pgrel_t *rel)
{
    am_buf_puts(b, ") AS am_v(");
    for (size_t k = 0; k < rel->n_cols; k++)
        am_buf_printf(b, "%s%s", k ? ", " : "", sqlc_ident(c, rel->cols[k].name));
    am_buf_puts(b, ")");
}

bool sqlc_served_view(sqlc_ctx_t *c, const proxy_pgrel_t *rel, const char *alias, am_buf_t *out)
{
    if (!rel->nspname || strcmp(rel->nspname, "pg_catalog") != 0 || rel->n_cols == 0)
        return false;
    bool settings = !strcmp(rel->name, "pg_settings");
    if (!settings && !is_stats_view(rel->name))
        return false;
    am_buf_t b;
    am_buf_init(&b);
    bool joined = settings && proxy__pgcat_has(c->cat, "am", "settings");
    if (joined) {
        /* the session's rows joined to the source's descriptions */
        am_buf_puts(&b, "(SELECT ");
        for (size_t k = 0; k < rel->n_cols; k++) {
            const char *src = settings_join_col(rel->cols[k].name);
            const char *id = sqlc_ident(c, rel->cols[k].name);
            if (src)
                am_buf_printf(&b, "%scoalesce(am_s.%s, am_v.%s) AS %s", k ? ", " : "", src, id, id);
            else
                am_buf_printf(&b, "%sam_v.%s AS %s", k ? ", " : "", id, id);
        }
        am_buf_puts(&b, " FROM (SELECT * FROM (VALUES ");
    } else {
        am_buf_puts(&b, "(SELECT * FROM (VALUES ");
    }
    size_t rows = 0;
    const char *name, *value, *boot;
    for (size_t i = 0; settings && c->env->setting_at &&
                       c->env->setting_at(c->env->setting_ud, i, &name, &value, &boot);
         i++, rows++) {
        am_buf_puts(&b, rows ? ", (" : "(");
        for (size_t k = 0; k < rel->n_cols; k++) {
            am_buf_puts(&b, k ? ", " : "");
            cell(c, &b, &rel->cols[k], settings_cell(c, rel->cols[k].name, name, value, boot));
        }
        am_buf_putc(&b, ')');
    }
    size_t n = !settings && c->cat ? proxy__pgcat_n_rels(c->cat) : 0;
    for (size_t i = 0; i < n; i++) {
        const proxy_pgrel_t *t = proxy__pgcat_rel_at(c->cat, i);
        if (t->served != PROXY_REL_MIRRORED || sqlc_acl_hidden(c, t->oid))
            continue;
        am_buf_puts(&b, rows++ ? ", (" : "(");
        for (size_t k = 0; k < rel->n_cols; k++) {
            am_buf_puts(&b, k ? ", " : "");
            cell(c, &b, &rel->cols[k], stats_cell(c, &rel->cols[k], t));
        }
        am_buf_putc(&b, ')');
    }
    if (rows == 0) { /* VALUES needs a row: one that WHERE false removes */
        am_buf_puts(&b, "(");
        for (size_t k = 0; k < rel->n_cols; k++) {
            am_buf_puts(&b, k ? ", " : "");
            cell(c, &b, &rel->cols[k], NULL);
        }
        am_buf_puts(&b, ")");
    }
    columns(c, &b, rel);
    am_buf_puts(&b, rows == 0 ? " WHERE false)" : ")");
    if (joined)
        am_buf_puts(&b, " AS am_v LEFT JOIN am_cat.\"am.settings\" AS am_s ON am_s.name = "
                        "am_v.name)");
    am_buf_printf(out, "%s AS %s", b.data, alias);
    am_buf_destroy(&b);
    return true;
}
