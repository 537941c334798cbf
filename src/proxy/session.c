/*
 * proxy/session.c: what a PostgreSQL backend answers without running a query: run-time
 * settings (SET, RESET, SHOW, the ParameterStatus reports, SET TRANSACTION's characteristics),
 * all read from the parse tree; the startup packet's parameters and its "options"
 * (-c name=value) become settings too; and the environment the SQL compiler sees. The
 * transaction block is session_tx.c's.
 * DuckDB's own settings are locked (proxy/catalog.c); these live per session here and drive
 * the output encoding (TimeZone, extra_float_digits).
 * Spec: PostgreSQL docs "SET", "SHOW", "BEGIN"; postgres.md §4.3-4.4 (reports, tags).
 */
#include "proxy/proxy_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

typedef struct setting_def {
    const char *name; /* canonical spelling, as SHOW names its column */
    const char *dflt;
    bool reported; /* sent as ParameterStatus */
    bool fixed;    /* SET refused: 55P02 */
} setting_def_t;

static const setting_def_t defs[] = {
    {"application_name", "", true, false},
    {"client_encoding", "UTF8", true, false},
    {"DateStyle", "ISO, MDY", true, false},
    {"default_transaction_read_only", "on", true, false},
    {"in_hot_standby", "off", true, true},
    {"integer_datetimes", "on", true, true},
    {"IntervalStyle", "postgres", true, false},
    {"is_superuser", "off", true, true},
    {"server_encoding", "UTF8", true, true},
    {"server_version", PROXY_SERVER_VERSION, true, true},
    {"session_authorization", "", true, true},
    {"standard_conforming_strings", "on", true, false},
    {"TimeZone", "Etc/UTC", true, false},
    {"extra_float_digits", "1", false, false},
    {"search_path", "\"$user\", public", false, false},
    {"statement_timeout", "0", false, false},
    {"lock_timeout", "0", false, false},
    {"idle_in_transaction_session_timeout", "0", false, false},
    {"default_transaction_isolation", "read committed", false, false},
    {"transaction_isolation", "read committed", false, false},
    {"transaction_read_only", "on", false, false},
    {"server_version_num", PROXY_SERVER_VERSION_NUM, false, true},
    {"bytea_output", "hex", false, false},
    {"client_min_messages", "notice", false, false},
    {"max_identifier_length", "63", false, true},
    {"lc_messages", "C", false, false},
    {"lc_monetary", "C", false, false},
    {"lc_numeric", "C", false, false},
    {"lc_time", "C", false, false},
    {"work_mem", "4MB", false, false},
    {"synchronous_commit", "on", false, false},
    {"jit", "off", false, false},
    /* pg_dump sets these before it reads anything */
    {"synchronize_seqscans", "on", false, false},
    {"quote_all_identifiers", "off", false, false},
    {"row_security", "on", false, false},
    {"default_transaction_deferrable", "off", false, false},
    {"timezone_abbreviations", "Default", false, false},
    {"datestyle_order", "MDY", false, true},
    /* the server's compile-time limits, as PostgreSQL 15 reports them (pgjdbc reads
     * max_index_keys from pg_settings) */
    {"lc_collate", "C.UTF-8", false, true}, /* the source database's, once its catalog is read */
    {"lc_ctype", "C.UTF-8", false, true},
    {"max_index_keys", "32", false, true},
    {"max_function_args", "100", false, true},
    {"block_size", "8192", false, true},
    {"wal_block_size", "8192", false, true},
    {"data_checksums", "off", false, true},
};

static const setting_def_t *def_find(const char *name)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        if (strcasecmp(defs[i].name, name) == 0)
            return &defs[i];
    return NULL;
}

static proxy_setting_t *setting_slot(proxy_session_t *s, const char *name, bool create)
{
    for (size_t i = 0; i < s->n_settings; i++)
        if (strcasecmp(s->settings[i].name, name) == 0)
            return &s->settings[i];
    if (!create)
        return NULL;
    s->settings = am_xrealloc(s->settings, (s->n_settings + 1) * sizeof *s->settings);
    proxy_setting_t *st = &s->settings[s->n_settings++];
    const setting_def_t *d = def_find(name);
    st->name = am_xstrdup(d ? d->name : name);
    st->value = am_xstrdup(d ? proxy__limits_default(s->proxy, d->name, d->dflt) : "");
    return st;
}

const char *proxy__setting_find(const proxy_session_t *s, const char *name)
{
    for (size_t i = 0; i < s->n_settings; i++)
        if (strcasecmp(s->settings[i].name, name) == 0)
            return s->settings[i].value;
    return NULL;
}

/* A duration GUC (base unit ms) or memory GUC (base unit kB) shown as PostgreSQL shows it: in
 * the largest unit that divides the value. */
static bool is_ms_guc(const char *name)
{
    return strcasecmp(name, "statement_timeout") == 0 || strcasecmp(name, "lock_timeout") == 0 ||
           strcasecmp(name, "idle_in_transaction_session_timeout") == 0;
}

static char *ms_text(int64_t ms)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {{"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}, {"ms", 1}};
    if (ms == 0)
        return am_xstrdup("0");
    for (size_t i = 0; i < AM_ARRAY_LEN(units); i++)
        if (ms % units[i].ms == 0)
            return am_xasprintf("%lld%s", (long long)(ms / units[i].ms), units[i].unit);
    return am_xasprintf("%lldms", (long long)ms);
}

static bool kb_of(const char *v, int64_t *kb)
{
    static const struct {
        const char *unit;
        double kb;
    } units[] = {{"", 1},      {"B", 1.0 / 1024}, {"kB", 1},
                 {"MB", 1024}, {"GB", 1048576},   {"TB", 1073741824.0}};
    char *end;
    double x = strtod(v, &end);
    if (end == v || x < 0)
        return false;
    while (*end == ' ')
        end++;
    for (size_t i = 0; i < AM_ARRAY_LEN(units); i++)
        if (strcmp(end, units[i].unit) == 0 && x * units[i].kb <= 2147483647.0) {
            *kb = (int64_t)(x * units[i].kb + 0.5);
            return true;
        }
    return false;
}

static char *kb_text(int64_t kb)
{
    static const char *const units[] = {"TB", "GB", "MB", "kB"};
    int64_t scale = INT64_C(1073741824);
    for (size_t i = 0; i < AM_ARRAY_LEN(units); i++, scale /= 1024)
        if (kb != 0 && kb % scale == 0)
            return am_xasprintf("%lld%s", (long long)(kb / scale), units[i]);
    return am_xasprintf("%lldkB", (long long)kb);
}

/* Checks and normalises a value; applies the ones that steer encoding. */
static bool apply(proxy_session_t *s, const char *name, const char *value, char **norm,
                  am_err_t *err)
{
    *norm = NULL;
    if (!proxy__limits_setting_check(name, value, err))
        return false;
    if (is_ms_guc(name)) {
        int64_t ms = 0;
        if (am_duration_ms_parse(value, &ms))
            *norm = ms_text(ms);
        return true;
    }
    if (strcasecmp(name, "work_mem") == 0 || strcasecmp(name, "maintenance_work_mem") == 0) {
        int64_t kb = 0;
        if (!kb_of(value, &kb) || kb < 64)
            return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                              "invalid value for parameter \"%s\": \"%s\"", name, value);
        *norm = kb_text(kb);
        return true;
    }
    if (strcasecmp(name, "client_encoding") == 0) {
        if (strcasecmp(value, "UTF8") != 0 && strcasecmp(value, "UTF-8") != 0 &&
            strcasecmp(value, "unicode") != 0)
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "conversion between %s and UTF8 is not supported", value);
        *norm = am_xstrdup("UTF8");
    } else if (strcasecmp(name, "DateStyle") == 0) {
        return proxy__datestyle_set(s, value, norm, err);
    } else if (strcasecmp(name, "IntervalStyle") == 0) {
        return proxy__intervalstyle_set(s, value, norm, err);
    } else if (strcasecmp(name, "TimeZone") == 0) {
        int32_t fixed;
        proxy_tz_t *z;
        if (!proxy__tz_parse(value, &fixed, &z))
            return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                              "invalid value for parameter \"TimeZone\": \"%s\"", value);
        proxy__tz_free(s->tz_zone);
        s->tz_zone = z;
        s->tz_fixed_s = fixed;
    } else if (strcasecmp(name, "extra_float_digits") == 0) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*value == '\0' || *end || v < -15 || v > 3)
            return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                              "invalid value for parameter \"extra_float_digits\": \"%s\"", value);
        s->extra_float_digits = (int)v;
    } else if ((strcasecmp(name, "bytea_output") == 0 && strcasecmp(value, "hex") != 0) ||
               (strcasecmp(name, "standard_conforming_strings") == 0 &&
                strcasecmp(value, "on") != 0 && strcasecmp(value, "true") != 0)) {
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED, "%s = %s is not supported", name, value);
    }
    return true;
}

/* SET name = value; report it when reported. */
static bool setting_set(proxy_session_t *s, const char *name, const char *value, bool report,
                        am_err_t *err)
{
    const setting_def_t *d = def_find(name);
    if (!d && !strchr(name, '.'))
        return am_err_set(err, PROXY_SQLSTATE_UNDEFINED_OBJECT,
                          "unrecognized configuration parameter \"%s\"", name);
    if (d && d->fixed)
        return am_err_set(err, "55P02", "parameter \"%s\" cannot be changed", d->name);
    char *norm = NULL;
    if (!apply(s, name, value, &norm, err))
        return false;
    proxy__txset_touch(s);
    proxy_setting_t *st = setting_slot(s, name, true);
    free(st->value);
    st->value = norm ? norm : am_xstrdup(value);
    s->settings_dirty = true;
    if (report && d && d->reported)
        proxy__wire_param_status(&s->out, d->name, st->value);
    return true;
}

void proxy__setting_restore(proxy_session_t *s, const char *name, const char *value)
{
    const setting_def_t *d = def_find(name);
    proxy_setting_t *st = setting_slot(s, name, false);
    if (!st || (d && d->fixed))
        return;
    char *want = am_xstrdup(value ? value
                            : d   ? proxy__limits_default(s->proxy, d->name, d->dflt)
                                  : "");
    am_err_t e = {0};
    if (strcmp(st->value, want) != 0 && !setting_set(s, name, want, true, &e))
        am_log_warn("proxy", "setting not restored", AM_KV_STR("name", name), AM_KV_ERR(&e));
    free(want);
}

/* One name=value of the startup options; as PostgreSQL does, "--a-b=v" means a_b. */
static void option_set(proxy_session_t *s, const char *nv, bool dashes)
{
    const char *eq = strchr(nv, '=');
    if (!eq || eq == nv)
        return;
    char *name = am_xstrndup(nv, (size_t)(eq - nv));
    for (char *p = name; dashes && *p; p++)
        if (*p == '-')
            *p = '_';
    am_err_t err = {0};
    if (!setting_set(s, name, eq + 1, false, &err))
        am_log_debug("proxy", "startup option ignored", AM_KV_STR("name", name), AM_KV_ERR(&err));
    free(name);
}

/*
 * The startup packet's "options" (libpq's PGOPTIONS / options=) as PostgreSQL splits them
 * (pg_split_opts): words between blanks, a backslash keeps the next character; "-c name=value",
 * "-cname=value" and "--name=value" set a parameter. Other switches mean nothing here.
 */
static void startup_options(proxy_session_t *s, const char *opts)
{
    am_buf_t w;
    am_buf_init(&w);
    bool want_c = false;
    for (const char *p = opts; *p;) {
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        am_buf_reset(&w); /* a word has at least one character: w.data is set below */
        for (; *p && !isspace((unsigned char)*p); p++) {
            if (*p == '\\' && p[1])
                p++;
            am_buf_putc(&w, *p);
        }
        if (want_c)
            option_set(s, w.data, false);
        else if (strncmp(w.data, "-c", 2) == 0 && w.len > 2)
            option_set(s, w.data + 2, false);
        else if (strncmp(w.data, "--", 2) == 0)
            option_set(s, w.data + 2, true);
        want_c = !want_c && strcmp(w.data, "-c") == 0;
    }
    am_buf_destroy(&w);
}

void proxy__session_init(proxy_session_t *s, const proxy_startup_t *st)
{
    s->tx = 'I';
    s->extra_float_digits = 1;
    s->date_style = 1;     /* ISO (PROXY_PG_ISO_DATES) */
    s->date_order = 2;     /* MDY */
    s->interval_style = 0; /* postgres */
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        (void)setting_slot(s, defs[i].name, true);
    proxy_setting_t *auth = setting_slot(s, "session_authorization", true);
    free(auth->value);
    auth->value = am_xstrdup(s->role ? s->role : s->proxy->user);
    for (size_t i = 0; st && i < st->n_params; i++) {
        const char *n = st->names[i];
        if (!strcmp(n, "options"))
            startup_options(s, st->values[i]);
        if (!strcmp(n, "user") || !strcmp(n, "database") || !strcmp(n, "options") ||
            !strcmp(n, "replication") || !strncmp(n, "_pq_.", 5))
            continue;
        am_err_t err = {0};
        if (!setting_set(s, n, st->values[i], false, &err))
            am_log_debug("proxy", "startup parameter ignored", AM_KV_STR("name", n),
                         AM_KV_ERR(&err));
    }
}

void proxy__session_destroy(proxy_session_t *s)
{
    for (size_t i = 0; i < s->n_settings; i++) {
        free(s->settings[i].name);
        free(s->settings[i].value);
    }
    free(s->settings);
    s->settings = NULL;
    s->n_settings = 0;
    proxy__txset_end(s, true);
    proxy__tz_free(s->tz_zone);
    s->tz_zone = NULL;
    free(s->tx_isolation);
    s->tx_isolation = NULL;
    proxy__pgcat_unref(s->cat);
    s->cat = NULL;
}

void proxy__session_report_all(proxy_session_t *s)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        if (defs[i].reported)
            proxy__wire_param_status(&s->out, defs[i].name, proxy__setting_find(s, defs[i].name));
}

/* RESET ALL and DISCARD ALL: the configured default (proxy.statement_timeout ...), as RESET of
 * one name does, else the built-in one. */
static void reset_one(proxy_session_t *s, const setting_def_t *d)
{
    am_err_t e = {0};
    if (d->fixed)
        return;
    char *dflt = am_xstrdup(proxy__limits_default(s->proxy, d->name, d->dflt));
    proxy_setting_t *st = setting_slot(s, d->name, true);
    if (strcmp(st->value, dflt) != 0 && setting_set(s, d->name, dflt, false, &e) && d->reported)
        proxy__wire_param_status(&s->out, d->name, dflt);
    free(dflt);
}

void proxy__session_reset_all(proxy_session_t *s)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        reset_one(s, &defs[i]);
}

/* ---- SET, RESET, SHOW ----------------------------------------------------------------------- */

/* One SET argument as the GUC value text (flatten_set_variable_args). */
static void arg_text(const PgQuery__Node *a, bool quote_ident_list, am_buf_t *b)
{
    if (a->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
        a = a->type_cast->arg; /* SET TIME ZONE INTERVAL '...' */
    if (a->node_case != PG_QUERY__NODE__NODE_A_CONST) {
        am_buf_puts(b, "?");
        return;
    }
    const PgQuery__AConst *k = a->a_const;
    switch (k->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        am_buf_printf(b, "%d", k->ival ? k->ival->ival : 0);
        break;
    case PG_QUERY__A__CONST__VAL_FVAL:
        am_buf_puts(b, k->fval && k->fval->fval ? k->fval->fval : "0");
        break;
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        am_buf_puts(b, k->boolval && k->boolval->boolval ? "on" : "off");
        break;
    case PG_QUERY__A__CONST__VAL_SVAL: {
        const char *v = k->sval && k->sval->sval ? k->sval->sval : "";
        bool plain = v[0] != '\0';
        for (const char *p = v; *p && plain; p++)
            plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9' && p != v) || *p == '_';
        if (quote_ident_list && !plain)
            am_sql_ident(b, v);
        else
            am_buf_puts(b, v);
        break;
    }
    default:
        break;
    }
}

static char *args_text(const PgQuery__VariableSetStmt *v)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "");
    bool list = v->name && strcasecmp(v->name, "search_path") == 0;
    for (size_t i = 0; i < v->n_args; i++) {
        if (i)
            am_buf_puts(&b, ", ");
        arg_text(v->args[i], list, &b);
    }
    return am_buf_steal(&b, NULL);
}

static const char *canonical(const char *name)
{
    if (strcasecmp(name, "timezone") == 0)
        return "TimeZone";
    const setting_def_t *d = def_find(name);
    return d ? d->name : name;
}

/* SET TRANSACTION / SESSION CHARACTERISTICS AS TRANSACTION: isolation kept for SHOW; read
 * write refused as on a standby. */
bool proxy__session_tx_options(proxy_session_t *s, PgQuery__Node **opts, size_t n, bool session,
                               am_err_t *err)
{
    for (size_t i = 0; i < n; i++) {
        const PgQuery__DefElem *d = opts[i]->def_elem;
        if (!d || !d->defname)
            continue;
        const PgQuery__Node *arg = d->arg;
        if (strcmp(d->defname, "transaction_isolation") == 0 && arg &&
            arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL && arg->a_const->sval) {
            const char *lvl = arg->a_const->sval->sval;
            if (session) {
                if (!setting_set(s, "default_transaction_isolation", lvl, false, err))
                    return false;
            } else {
                free(s->tx_isolation);
                s->tx_isolation = am_xstrdup(lvl);
            }
        } else if (strcmp(d->defname, "transaction_read_only") == 0 && arg &&
                   arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                   arg->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL && arg->a_const->ival &&
                   arg->a_const->ival->ival == 0) {
            return am_err_set(err, PROXY_SQLSTATE_READ_ONLY,
                              "cannot set transaction read-write mode on the mirror");
        }
    }
    return true;
}

bool proxy__session_set(proxy_session_t *s, const PgQuery__VariableSetStmt *v, am_err_t *err)
{
    switch (v->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
        proxy__wire_complete(&s->out, "RESET");
        proxy__session_reset_all(s);
        return true;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI: {
        bool session = v->name && strcmp(v->name, "SESSION CHARACTERISTICS") == 0;
        /* outside a block there is no transaction for it to shape: PostgreSQL warns and
         * sets nothing */
        if (!session && s->tx == 'I' && !s->implicit_block)
            proxy__send_notice(s, "25P01",
                               "SET TRANSACTION can only be used in transaction blocks");
        else if (!proxy__session_tx_options(s, v->args, v->n_args, session, err))
            return false;
        proxy__wire_complete(&s->out, "SET");
        return true;
    }
    default:
        break;
    }
    const char *name = v->name ? v->name : "";
    if (!strcasecmp(name, "role") || !strcasecmp(name, "session_authorization"))
        return am_err_set(err, PROXY_SQLSTATE_PRIVILEGE,
                          "permission denied to set %s on the mirror", name);
    const char *cname = canonical(name);
    bool reset = v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ||
                 v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT;
    const setting_def_t *d = def_find(cname);
    char *value = reset ? am_xstrdup(d ? proxy__limits_default(s->proxy, d->name, d->dflt) : "")
                        : args_text(v);
    /* a string of several statements is a block of its own (PostgreSQL's implicit block):
     * SET LOCAL holds to its end; the extended protocol's implicit transaction is no block */
    bool block = s->tx != 'I' || s->implicit_block;
    if (v->is_local && !block)
        proxy__send_notice(s, "25P01", "SET LOCAL can only be used in transaction blocks");
    if (v->is_local && block)
        proxy__txset_set(s, cname, true);
    bool ok = (v->is_local && !block) || setting_set(s, cname, value, false, err);
    free(value);
    if (!ok)
        return false;
    if (!v->is_local)
        proxy__txset_set(s, cname, false);
    proxy__wire_complete(
        &s->out, reset && v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ? "RESET" : "SET");
    /* ParameterStatus follows CommandComplete */
    if (d && d->reported)
        proxy__wire_param_status(&s->out, d->name, proxy__setting_find(s, d->name));
    return true;
}

bool proxy__session_set_config(proxy_session_t *s, const char *name, const char *value,
                               bool is_local, char **shown, am_err_t *err)
{
    if (!strcasecmp(name, "role") || !strcasecmp(name, "session_authorization"))
        return am_err_set(err, PROXY_SQLSTATE_PRIVILEGE,
                          "permission denied to set %s on the mirror", name);
    const char *cname = canonical(name);
    const setting_def_t *d = def_find(cname);
    /* outside a block a local value lasts only as long as the statement: shown, then undone */
    bool block = s->tx != 'I' || s->implicit_block;
    const char *was = proxy__setting_find(s, cname);
    char *old = am_xstrdup(was ? was : d ? proxy__limits_default(s->proxy, d->name, d->dflt) : "");
    char *v = am_xstrdup(value ? value
                         : d   ? proxy__limits_default(s->proxy, d->name, d->dflt)
                               : "");
    if (is_local && block)
        proxy__txset_set(s, cname, true);
    bool ok = setting_set(s, cname, v, false, err);
    if (ok) {
        *shown = am_xstrdup(proxy__setting_find(s, cname));
        am_err_t e = {0};
        if (is_local && !block)
            (void)setting_set(s, cname, old, false, &e);
        else if (!is_local)
            proxy__txset_set(s, cname, false);
    }
    free(v);
    free(old);
    return ok;
}

void proxy__session_report(proxy_session_t *s, const char *name)
{
    const setting_def_t *d = def_find(canonical(name));
    if (d && d->reported)
        proxy__wire_param_status(&s->out, d->name, proxy__setting_find(s, d->name));
}

/* SHOW x: one text column named as the parameter, tag SHOW. */
static void show_rows(proxy_session_t *s, const char *col, const char *const *vals, size_t n_cols,
                      size_t n_rows, bool describe, bool run)
{
    if (describe) {
        size_t off = proxy__wire_rowdesc_begin(&s->out, (uint16_t)n_cols);
        for (size_t c = 0; c < n_cols; c++)
            proxy__wire_rowdesc_field(&s->out,
                                      n_cols == 1 ? col
                                      : c == 0    ? "name"
                                      : c == 1    ? "setting"
                                                  : "description",
                                      25, -1, -1, 0);
        proxy__msg_end(&s->out, off);
    }
    for (size_t r = 0; run && r < n_rows; r++) {
        size_t off = proxy__wire_datarow_begin(&s->out, (uint16_t)n_cols);
        for (size_t c = 0; c < n_cols; c++) {
            const char *v = vals[r * n_cols + c];
            am_buf_put_u32(&s->out, (uint32_t)strlen(v));
            am_buf_puts(&s->out, v);
        }
        proxy__msg_end(&s->out, off);
    }
    if (run)
        proxy__wire_complete(&s->out, "SHOW");
}

bool proxy__session_show(proxy_session_t *s, const PgQuery__VariableShowStmt *v, bool describe,
                         bool run, am_err_t *err)
{
    const char *name = v->name ? v->name : "";
    if (strcasecmp(name, "all") == 0) {
        const char **vals = am_xcalloc(s->n_settings * 3 + 1, sizeof *vals);
        for (size_t i = 0; i < s->n_settings; i++) {
            vals[3 * i] = s->settings[i].name;
            vals[3 * i + 1] = s->settings[i].value;
            vals[3 * i + 2] = "";
        }
        show_rows(s, NULL, vals, 3, s->n_settings, describe, run);
        free(vals);
        return true;
    }
    const char *cname = canonical(name);
    const char *val = proxy__setting_find(s, cname);
    if (!strcasecmp(cname, "transaction_isolation"))
        val = s->tx_isolation && (s->tx != 'I' || s->implicit_block)
                  ? s->tx_isolation
                  : proxy__setting_find(s, "default_transaction_isolation");
    if (!val)
        return am_err_set(err, PROXY_SQLSTATE_UNDEFINED_OBJECT,
                          "unrecognized configuration parameter \"%s\"", name);
    show_rows(s, cname, &val, 1, 1, describe, run);
    return true;
}

/* ---- the compiler's view ------------------------------------------------------------------- */

static const char *env_setting(void *ud, const char *name)
{
    proxy_session_t *s = ud;
    if (strcasecmp(name, "transaction_isolation") == 0)
        return s->tx_isolation && (s->tx != 'I' || s->implicit_block)
                   ? s->tx_isolation
                   : proxy__setting_find(s, "default_transaction_isolation");
    return proxy__setting_find(s, canonical(name));
}

static bool env_setting_at(void *ud, size_t i, const char **name, const char **value,
                           const char **boot)
{
    const proxy_session_t *s = ud;
    if (i >= s->n_settings)
        return false;
    *name = s->settings[i].name;
    *value = s->settings[i].value;
    const setting_def_t *d = def_find(*name);
    *boot = d ? proxy__limits_default(s->proxy, d->name, d->dflt) : *value;
    return true;
}

void proxy__session_env(proxy_session_t *s, proxy_sqlenv_t *env)
{
    memset(env, 0, sizeof *env);
    env->cat = s->cat;
    env->search_path = proxy__setting_find(s, "search_path");
    env->user = s->role ? s->role : s->proxy->user;
    env->database = s->proxy->database;
    env->timezone = proxy__setting_find(s, "TimeZone");
    env->datestyle = proxy__setting_find(s, "DateStyle");
    env->intervalstyle = proxy__setting_find(s, "IntervalStyle");
    env->extra_float_digits = s->extra_float_digits;
    env->backend_pid = s->client ? s->client->pid : 0;
    env->tx_start_us = s->tx_start_us ? s->tx_start_us : am_now_us();
    env->stmt_start_us = am_now_us();
    env->server_start_us = s->proxy->start_us;
    env->server_port = s->proxy->port;
    env->setting = env_setting;
    env->setting_at = env_setting_at;
    env->setting_ud = s;
}

/* search_path as PostgreSQL resolves it: "$user" is the role's schema, missing schemas skip. */
void proxy__session_path(const proxy_session_t *s, am_arena_t *arena, proxy_path_t *out)
{
    const char *p = proxy__setting_find(s, "search_path");
    out->n = 0;
    while (p && *p && out->n < AM_ARRAY_LEN(out->names)) {
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
        const char *name = am_arena_strndup(arena, b.data ? b.data : "", b.len);
        am_buf_destroy(&b);
        if (!strcmp(name, "$user"))
            name = s->role ? s->role : s->proxy->user;
        /* schemas that do not exist are skipped; without a catalog only the built-in ones
         * and public exist */
        if (s->cat ? !proxy__pgcat_nsp_find(s->cat, name)
                   : strcmp(name, "public") != 0 && strcmp(name, "pg_catalog") != 0 &&
                         strcmp(name, "information_schema") != 0)
            continue;
        out->names[out->n++] = name;
    }
}
