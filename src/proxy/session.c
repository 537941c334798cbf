/*
 * proxy/session.c: what a PostgreSQL backend answers without running a query: run-time
 * settings (SET, RESET, SHOW, the ParameterStatus reports), the transaction block state
 * (BEGIN, COMMIT, ROLLBACK, savepoints, the 25P02 failed block) and DISCARD/DEALLOCATE;
 * DECLARE/FETCH/MOVE/CLOSE are routed to proxy/cursor.c. The startup packet's parameters and
 * its "options" (-c name=value) become settings too.
 * DuckDB's own settings are locked (proxy/catalog.c); these live per session here and drive
 * the output encoding (TimeZone, extra_float_digits).
 * Spec: PostgreSQL docs "SET", "SHOW", "BEGIN"; postgres.md §4.3-4.4 (reports, tags).
 */
#include "proxy/proxy_internal.h"

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
    {"row_security", "on", false, false},
    {"default_transaction_deferrable", "off", false, false},
    {"timezone_abbreviations", "Default", false, false},
    {"datestyle_order", "MDY", false, true},
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
    st->value = am_xstrdup(d ? d->dflt : "");
    return st;
}

const char *proxy__setting_find(const proxy_session_t *s, const char *name)
{
    for (size_t i = 0; i < s->n_settings; i++)
        if (strcasecmp(s->settings[i].name, name) == 0)
            return s->settings[i].value;
    return NULL;
}

/* Checks and normalises a value; applies the ones that steer encoding. */
static bool apply(proxy_session_t *s, const char *name, const char *value, char **norm,
                  am_err_t *err)
{
    *norm = NULL;
    if (strcasecmp(name, "client_encoding") == 0) {
        if (strcasecmp(value, "UTF8") != 0 && strcasecmp(value, "UTF-8") != 0 &&
            strcasecmp(value, "unicode") != 0)
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "conversion between %s and UTF8 is not supported", value);
        *norm = am_xstrdup("UTF8");
    } else if (strcasecmp(name, "DateStyle") == 0) {
        if (strcasestr(value, "SQL") || strcasestr(value, "German") ||
            strcasestr(value, "Postgres"))
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED, "only DateStyle ISO is supported");
        const char *order = strcasestr(value, "DMY") || strcasestr(value, "European") ? "DMY"
                            : strcasestr(value, "YMD")                                ? "YMD"
                                                                                      : "MDY";
        *norm = am_xasprintf("ISO, %s", order);
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
    } else if ((strcasecmp(name, "IntervalStyle") == 0 && strcasecmp(value, "postgres") != 0) ||
               (strcasecmp(name, "bytea_output") == 0 && strcasecmp(value, "hex") != 0) ||
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
    proxy_setting_t *st = setting_slot(s, name, true);
    free(st->value);
    st->value = norm ? norm : am_xstrdup(value);
    if (report && d && d->reported)
        proxy__wire_param_status(&s->out, d->name, st->value);
    return true;
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
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        (void)setting_slot(s, defs[i].name, true);
    proxy_setting_t *auth = setting_slot(s, "session_authorization", true);
    free(auth->value);
    auth->value = am_xstrdup(s->proxy->user);
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
    proxy__tz_free(s->tz_zone);
    s->tz_zone = NULL;
}

void proxy__session_report_all(proxy_session_t *s)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        if (defs[i].reported)
            proxy__wire_param_status(&s->out, defs[i].name, proxy__setting_find(s, defs[i].name));
}

/* ---- statements -------------------------------------------------------------------------- */

typedef struct words {
    const char *sql;
    size_t len;
    proxy_tok_t t[8]; /* the first tokens */
    size_t n;
    size_t after[8]; /* position after t[i] */
} words_t;

static void words_read(words_t *w, const char *sql, size_t len)
{
    w->sql = sql;
    w->len = len;
    w->n = 0;
    size_t pos = 0;
    while (w->n < AM_ARRAY_LEN(w->t)) {
        pos = proxy__sql_token(sql, len, pos, &w->t[w->n]);
        if (w->t[w->n].kind == PROXY_TOK_END)
            break;
        w->after[w->n++] = pos;
    }
}

static bool w_is(const words_t *w, size_t i, const char *word)
{
    return i < w->n && proxy__tok_is(w->sql, &w->t[i], word);
}

/* Value list from pos: strings unquoted, commas as ", ", the rest verbatim. */
static char *value_text(const char *sql, size_t len, size_t pos)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "");
    for (;;) {
        proxy_tok_t t;
        pos = proxy__sql_token(sql, len, pos, &t);
        if (t.kind == PROXY_TOK_END)
            break;
        if (t.kind == PROXY_TOK_SYMBOL && sql[t.off] == ',')
            am_buf_puts(&b, ", ");
        else if (t.kind == PROXY_TOK_STRING)
            proxy__sql_unquote(sql, &t, &b);
        else
            am_buf_append(&b, sql + t.off, t.len);
    }
    return am_buf_steal(&b, NULL);
}

static char *tok_name(const words_t *w, size_t i)
{
    am_buf_t b;
    am_buf_init(&b);
    if (w->t[i].kind == PROXY_TOK_QIDENT)
        proxy__sql_unquote(w->sql, &w->t[i], &b);
    else
        am_buf_append(&b, w->sql + w->t[i].off, w->t[i].len);
    /* custom.name */
    if (i + 2 < w->n && w->t[i + 1].kind == PROXY_TOK_SYMBOL && w->sql[w->t[i + 1].off] == '.') {
        am_buf_putc(&b, '.');
        am_buf_append(&b, w->sql + w->t[i + 2].off, w->t[i + 2].len);
    }
    return am_buf_steal(&b, NULL);
}

static bool cmd_set(proxy_session_t *s, const words_t *w, am_err_t *err)
{
    size_t i = 1;
    if (w_is(w, i, "SESSION") || w_is(w, i, "LOCAL"))
        i++;
    if (w_is(w, i, "TRANSACTION") || w_is(w, i, "CHARACTERISTICS") || w_is(w, i, "ROLE") ||
        w_is(w, i, "AUTHORIZATION") || w_is(w, i, "CONSTRAINTS")) {
        proxy__wire_complete(&s->out, "SET");
        return true;
    }
    char *name, *value;
    if (w_is(w, i, "TIME") && w_is(w, i + 1, "ZONE")) {
        name = am_xstrdup("TimeZone");
        value = value_text(w->sql, w->len, w->after[i + 1]);
    } else if (w_is(w, i, "SCHEMA") || w_is(w, i, "NAMES")) {
        name = am_xstrdup(w_is(w, i, "SCHEMA") ? "search_path" : "client_encoding");
        value = value_text(w->sql, w->len, w->after[i]);
    } else if (i < w->n) {
        name = tok_name(w, i);
        size_t v = strchr(name, '.') ? i + 3 : i + 1;
        if (!w_is(w, v, "TO") && !(v < w->n && w->t[v].kind == PROXY_TOK_SYMBOL &&
                                   w->t[v].len == 1 && w->sql[w->t[v].off] == '=')) {
            free(name);
            return am_err_set(err, AM_SQLSTATE_SYNTAX, "syntax error in SET statement");
        }
        value = value_text(w->sql, w->len, w->after[v]);
    } else {
        return am_err_set(err, AM_SQLSTATE_SYNTAX, "syntax error at end of input");
    }
    bool ok;
    if (strcasecmp(value, "DEFAULT") == 0) {
        const setting_def_t *d = def_find(name);
        ok = setting_set(s, name, d ? d->dflt : "", false, err);
    } else {
        ok = setting_set(s, name, value, false, err);
    }
    if (ok)
        proxy__wire_complete(&s->out, "SET");
    /* ParameterStatus follows CommandComplete */
    const setting_def_t *d = def_find(name);
    if (ok && d && d->reported)
        proxy__wire_param_status(&s->out, d->name, proxy__setting_find(s, d->name));
    free(name);
    free(value);
    return ok;
}

static void reset_one(proxy_session_t *s, const setting_def_t *d)
{
    am_err_t e = {0};
    if (d->fixed)
        return;
    proxy_setting_t *st = setting_slot(s, d->name, true);
    if (strcmp(st->value, d->dflt) == 0)
        return;
    if (setting_set(s, d->name, d->dflt, false, &e) && d->reported)
        proxy__wire_param_status(&s->out, d->name, d->dflt);
}

void proxy__session_reset_all(proxy_session_t *s)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        reset_one(s, &defs[i]);
}

static bool cmd_reset(proxy_session_t *s, const words_t *w, am_err_t *err)
{
    size_t mark = s->out.len;
    proxy__wire_complete(&s->out, "RESET");
    if (w_is(w, 1, "ALL")) {
        proxy__session_reset_all(s);
    } else if (w->n >= 2) {
        char *name = w_is(w, 1, "TIME") ? am_xstrdup("TimeZone") : tok_name(w, 1);
        const setting_def_t *d = def_find(name);
        if (!d && !strchr(name, '.')) {
            am_err_set(err, PROXY_SQLSTATE_UNDEFINED_OBJECT,
                       "unrecognized configuration parameter \"%s\"", name);
            free(name);
            s->out.len = mark; /* take back the CommandComplete */
            return false;
        }
        if (d)
            reset_one(s, d);
        free(name);
    }
    return true;
}

/* SHOW x: one text column named as the parameter, tag SHOW. */
static void show_rows(proxy_session_t *s, const char *col, const char *const *vals, size_t n_cols,
                      size_t n_rows, bool describe)
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
    for (size_t r = 0; r < n_rows; r++) {
        size_t off = proxy__wire_datarow_begin(&s->out, (uint16_t)n_cols);
        for (size_t c = 0; c < n_cols; c++) {
            const char *v = vals[r * n_cols + c];
            am_buf_put_u32(&s->out, (uint32_t)strlen(v));
            am_buf_puts(&s->out, v);
        }
        proxy__msg_end(&s->out, off);
    }
    proxy__wire_complete(&s->out, "SHOW");
}

static bool cmd_show(proxy_session_t *s, const words_t *w, bool describe, am_err_t *err)
{
    if (w_is(w, 1, "ALL")) {
        const char **vals = am_xcalloc(s->n_settings * 3 + 1, sizeof *vals);
        for (size_t i = 0; i < s->n_settings; i++) {
            vals[3 * i] = s->settings[i].name;
            vals[3 * i + 1] = s->settings[i].value;
            vals[3 * i + 2] = "";
        }
        show_rows(s, NULL, vals, 3, s->n_settings, describe);
        free(vals);
        return true;
    }
    if (w->n < 2)
        return am_err_set(err, AM_SQLSTATE_SYNTAX, "syntax error at end of input");
    char *name;
    if (w_is(w, 1, "TIME") && w_is(w, 2, "ZONE"))
        name = am_xstrdup("TimeZone");
    else if (w_is(w, 1, "TRANSACTION") && w_is(w, 2, "ISOLATION"))
        name = am_xstrdup("transaction_isolation");
    else
        name = tok_name(w, 1);
    const setting_def_t *d = def_find(name);
    const char *v = proxy__setting_find(s, name);
    if (!v) {
        am_err_set(err, PROXY_SQLSTATE_UNDEFINED_OBJECT,
                   "unrecognized configuration parameter \"%s\"", name);
        free(name);
        return false;
    }
    const char *col = d ? d->name : name;
    show_rows(s, strcasecmp(col, name) == 0 ? col : name, &v, 1, 1, describe);
    free(name);
    return true;
}

/* ---- transaction block ------------------------------------------------------------------- */

static bool duck_run(proxy_session_t *s, const char *sql)
{
    am_err_t e = {0};
    if (proxy__duck_exec(s->con, sql, &e))
        return true;
    am_log_debug("proxy", "duckdb transaction command failed", AM_KV_STR("sql", sql),
                 AM_KV_ERR(&e));
    return false;
}

bool proxy__duck_tx_begin(proxy_session_t *s, am_err_t *err)
{
    if (s->duck_tx)
        return true;
    if (!proxy__duck_exec(s->con, "BEGIN TRANSACTION", err))
        return false;
    s->duck_tx = true;
    return true;
}

void proxy__session_end_tx(proxy_session_t *s)
{
    proxy__sqlcur_end_tx(s, false);
    if (s->duck_tx)
        (void)duck_run(s, "ROLLBACK");
    s->duck_tx = false;
    s->tx = 'I';
}

void proxy__session_fail_tx(proxy_session_t *s)
{
    if (s->tx != 'I')
        s->tx = 'E';
}

static bool cmd_begin(proxy_session_t *s, am_err_t *err)
{
    if (s->tx != 'I') {
        proxy__send_notice(s, "25001", "there is already a transaction in progress");
    } else {
        if (!proxy__duck_tx_begin(s, err))
            return false;
        s->tx = 'T';
    }
    proxy__wire_complete(&s->out, "BEGIN");
    return true;
}

static bool cmd_end(proxy_session_t *s, bool commit)
{
    const char *tag = commit && s->tx != 'E' ? "COMMIT" : "ROLLBACK";
    if (s->tx == 'I')
        proxy__send_notice(s, "25P01", "there is no transaction in progress");
    if (s->duck_tx)
        (void)duck_run(s, s->tx == 'T' && commit ? "COMMIT" : "ROLLBACK");
    proxy__sqlcur_end_tx(s, s->tx == 'T' && commit);
    s->duck_tx = false;
    s->tx = 'I';
    proxy__wire_complete(&s->out, tag);
    return true;
}

static bool cmd_savepoint(proxy_session_t *s, const words_t *w, am_err_t *err)
{
    bool rollback_to = w_is(w, 0, "ROLLBACK");
    const char *what = rollback_to               ? "ROLLBACK TO SAVEPOINT"
                       : w_is(w, 0, "SAVEPOINT") ? "SAVEPOINT"
                                                 : "RELEASE SAVEPOINT";
    if (s->tx == 'I')
        return am_err_set(err, "25P01", "%s can only be used in transaction blocks", what);
    if (rollback_to && s->tx == 'E') {
        /* Nothing was written: a fresh DuckDB transaction is the state before the savepoint. */
        if (s->duck_tx)
            (void)duck_run(s, "ROLLBACK");
        s->duck_tx = false;
        if (!proxy__duck_tx_begin(s, err))
            return false;
        s->tx = 'T';
    }
    proxy__wire_complete(&s->out, rollback_to               ? "ROLLBACK"
                                  : w_is(w, 0, "SAVEPOINT") ? "SAVEPOINT"
                                                            : "RELEASE");
    return true;
}

static bool cmd_discard(proxy_session_t *s, const words_t *w, am_err_t *err)
{
    if (!w_is(w, 1, "ALL")) {
        char tag[32];
        snprintf(tag, sizeof tag, "DISCARD %.*s", w->n > 1 ? (int)w->t[1].len : 0,
                 w->n > 1 ? w->sql + w->t[1].off : "");
        for (char *p = tag; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        proxy__wire_complete(&s->out, tag);
        return true;
    }
    if (s->tx != 'I')
        return am_err_set(err, "25001", "DISCARD ALL cannot run inside a transaction block");
    proxy__wire_complete(&s->out, "DISCARD ALL");
    proxy__session_reset_all(s);
    proxy__extended_reset(s);
    return true;
}

static bool cmd_deallocate(proxy_session_t *s, const words_t *w, am_err_t *err)
{
    size_t i = w_is(w, 1, "PREPARE") ? 2 : 1;
    if (w_is(w, i, "ALL")) {
        (void)proxy__extended_deallocate(s, NULL);
        proxy__wire_complete(&s->out, "DEALLOCATE ALL");
        return true;
    }
    if (i >= w->n)
        return am_err_set(err, AM_SQLSTATE_SYNTAX, "syntax error at end of input");
    char *name = tok_name(w, i);
    bool ok = proxy__extended_deallocate(s, name);
    if (!ok)
        am_err_set(err, "26000", "prepared statement \"%s\" does not exist", name);
    free(name);
    if (ok)
        proxy__wire_complete(&s->out, "DEALLOCATE");
    return ok;
}

bool proxy__session_ends_tx(const char *sql, size_t len)
{
    words_t w;
    words_read(&w, sql, len);
    return w_is(&w, 0, "COMMIT") || w_is(&w, 0, "END") || w_is(&w, 0, "ABORT") ||
           w_is(&w, 0, "ROLLBACK");
}

static bool is_rollback_to(const words_t *w)
{
    if (!w_is(w, 0, "ROLLBACK"))
        return false;
    size_t i = (w_is(w, 1, "WORK") || w_is(w, 1, "TRANSACTION")) ? 2 : 1;
    return w_is(w, i, "TO");
}

static bool dispatch(proxy_session_t *s, const words_t *w, bool describe, am_err_t *err)
{
    if (w_is(w, 0, "SET"))
        return cmd_set(s, w, err);
    if (w_is(w, 0, "RESET"))
        return cmd_reset(s, w, err);
    if (w_is(w, 0, "SHOW"))
        return cmd_show(s, w, describe, err);
    if (w_is(w, 0, "BEGIN") || (w_is(w, 0, "START") && w_is(w, 1, "TRANSACTION")))
        return cmd_begin(s, err);
    if (is_rollback_to(w) || w_is(w, 0, "SAVEPOINT") || w_is(w, 0, "RELEASE"))
        return cmd_savepoint(s, w, err);
    if (w_is(w, 0, "COMMIT") || w_is(w, 0, "END"))
        return cmd_end(s, true);
    if (w_is(w, 0, "ROLLBACK") || w_is(w, 0, "ABORT"))
        return cmd_end(s, false);
    if (w_is(w, 0, "DISCARD"))
        return cmd_discard(s, w, err);
    if (w_is(w, 0, "DEALLOCATE"))
        return cmd_deallocate(s, w, err);
    return proxy__sqlcur_command(s, w->sql, w->len, describe, err);
}

static bool is_session_word(const words_t *w)
{
    static const char *const first[] = {
        "SET",       "RESET",   "SHOW",    "BEGIN",      "COMMIT",  "END",   "ROLLBACK", "ABORT",
        "SAVEPOINT", "RELEASE", "DISCARD", "DEALLOCATE", "DECLARE", "FETCH", "MOVE",     "CLOSE"};
    if (w_is(w, 0, "START"))
        return w_is(w, 1, "TRANSACTION");
    for (size_t i = 0; i < AM_ARRAY_LEN(first); i++)
        if (w_is(w, 0, first[i]))
            return true;
    return false;
}

bool proxy__session_is_command(const char *sql, size_t len)
{
    words_t w;
    words_read(&w, sql, len);
    return is_session_word(&w);
}

bool proxy__session_command(proxy_session_t *s, const char *sql, size_t len, bool *handled,
                            bool describe_rows, am_err_t *err)
{
    words_t w;
    words_read(&w, sql, len);
    *handled = is_session_word(&w);
    if (!*handled)
        return true;
    return dispatch(s, &w, describe_rows, err);
}

bool proxy__session_describe(proxy_session_t *s, const char *sql, size_t len)
{
    words_t w;
    words_read(&w, sql, len);
    if (!is_session_word(&w))
        return false;
    if (w_is(&w, 0, "FETCH")) {
        proxy__sqlcur_describe(s, sql, len);
        return true;
    }
    if (!w_is(&w, 0, "SHOW")) {
        proxy__wire_empty(&s->out, 'n');
        return true;
    }
    char *name = w_is(&w, 1, "ALL") ? NULL : w.n > 1 ? tok_name(&w, 1) : am_xstrdup("?");
    const setting_def_t *d = name ? def_find(name) : NULL;
    size_t off = proxy__wire_rowdesc_begin(&s->out, name ? 1 : 3);
    if (name)
        proxy__wire_rowdesc_field(&s->out, d ? d->name : name, 25, -1, -1, 0);
    for (int i = 0; !name && i < 3; i++)
        proxy__wire_rowdesc_field(&s->out,
                                  i == 0   ? "name"
                                  : i == 1 ? "setting"
                                           : "description",
                                  25, -1, -1, 0);
    proxy__msg_end(&s->out, off);
    free(name);
    return true;
}
