/*
 * source/conn.c: libpq connections to the source: the conninfo every connection uses (forcing
 * the text forms the value parser expects), opening and closing a source_t, SQL helpers with
 * SQLSTATE-preserving errors, and the small SQL look-ups (WAL position, health ping).
 * Must not: parse replication data (pgoutput*.c, stream.c) or copy tables (copy.c).
 * Spec: libpq "Connection Strings" (keyword='value', \ and ' escaped), postgres.md §1.1.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <stdlib.h>
#include <string.h>

/* Text forms source_value_parse expects, whatever the server or role defaults are. */
#define SOURCE_PG_OPTIONS                                                                          \
    "-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c IntervalStyle=postgres "          \
    "-c bytea_output=hex"

static void put_kv(am_buf_t *b, const char *key, const char *value)
{
    if (!value || !*value)
        return;
    if (b->len)
        am_buf_putc(b, ' ');
    am_buf_puts(b, key);
    am_buf_puts(b, "='");
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '\'')
            am_buf_putc(b, '\\');
        am_buf_putc(b, *p);
    }
    am_buf_putc(b, '\'');
}

char *source_conninfo(const source_options_t *opts, const char *extra)
{
    am_buf_t b;
    am_buf_init(&b);
    char port[16];
    (void)snprintf(port, sizeof port, "%d", opts->port);
    put_kv(&b, "host", opts->host);
    put_kv(&b, "port", opts->port > 0 ? port : NULL);
    put_kv(&b, "user", opts->user);
    put_kv(&b, "password", opts->password);
    put_kv(&b, "dbname", opts->database);
    put_kv(&b, "application_name", "arctic-mirror");
    put_kv(&b, "client_encoding", "UTF8");
    put_kv(&b, "connect_timeout", "10");
    put_kv(&b, "options", SOURCE_PG_OPTIONS);
    if (extra && *extra) {
        am_buf_putc(&b, ' ');
        am_buf_puts(&b, extra);
    }
    return am_buf_steal(&b, NULL);
}

/* libpq text as one line: no trailing newline, inner newlines as spaces. */
static void one_line(const char *in, char *out, size_t out_len)
{
    (void)snprintf(out, out_len, "%s", in ? in : "");
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
}

bool source__pg_err(am_err_t *err, PGconn *c, const PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *text = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!text || !*text)
        text = res ? PQresultErrorMessage(res) : NULL;
    if ((!text || !*text) && c)
        text = PQerrorMessage(c);
    if (!state || strlen(state) != 5 || (c && PQstatus(c) == CONNECTION_BAD))
        state = AM_SQLSTATE_CONNECTION_FAILURE;
    char line[400];
    one_line(text, line, sizeof line);
    return am_err_set(err, state, "%s: libpq: %s", what, line[0] ? line : "unknown error");
}

PGconn *source__connect(const source_options_t *opts, const char *extra, am_err_t *err)
{
    char *ci = source_conninfo(opts, extra);
    PGconn *c = PQconnectdb(ci);
    free(ci);
    if (PQstatus(c) != CONNECTION_OK) {
        source__pg_err(err, c, NULL, extra ? "replication connection" : "connection");
        PQfinish(c);
        return NULL;
    }
    return c;
}

PGresult *source__exec(PGconn *c, const char *sql, int n_params, const char *const *params,
                       ExecStatusType want, am_err_t *err)
{
    PGresult *res =
        n_params ? PQexecParams(c, sql, n_params, NULL, params, NULL, NULL, 0) : PQexec(c, sql);
    if (PQresultStatus(res) == want)
        return res;
    char what[120];
    (void)snprintf(what, sizeof what, "%.100s", sql);
    source__pg_err(err, c, res, what);
    PQclear(res);
    return NULL;
}

static bool check_wal_level(PGconn *c, am_err_t *err)
{
    PGresult *res = source__exec(c, "SHOW wal_level", 0, NULL, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    bool ok = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "logical") == 0;
    if (!ok)
        am_err_set(err, "55000",
                   "wal_level must be logical, the server has \"%s\": set wal_level = logical "
                   "in postgresql.conf and restart PostgreSQL",
                   PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "?");
    PQclear(res);
    return ok;
}

static void options_copy(source_options_t *dst, const source_options_t *src)
{
    *dst = *src;
    dst->host = src->host ? am_xstrdup(src->host) : NULL;
    dst->user = src->user ? am_xstrdup(src->user) : NULL;
    dst->password = src->password ? am_xstrdup(src->password) : NULL;
    dst->database = src->database ? am_xstrdup(src->database) : NULL;
    dst->slot = am_xstrdup(src->slot ? src->slot : "");
    dst->publication = am_xstrdup(src->publication ? src->publication : "");
    source_table_ref_t *tables = am_xcalloc(src->n_tables ? src->n_tables : 1, sizeof *tables);
    bool *ins = am_xcalloc(src->n_tables ? src->n_tables : 1, sizeof *ins);
    for (size_t i = 0; i < src->n_tables; i++) {
        tables[i].schema = am_xstrdup(src->tables[i].schema ? src->tables[i].schema : "public");
        tables[i].name = am_xstrdup(src->tables[i].name);
        ins[i] = src->insert_only && src->insert_only[i];
    }
    dst->tables = tables;
    dst->insert_only = ins;
}

void source__tables_free(source_options_t *o)
{
    for (size_t i = 0; i < o->n_tables && o->tables; i++) {
        free((char *)o->tables[i].schema);
        free((char *)o->tables[i].name);
    }
    free((source_table_ref_t *)o->tables);
    free((bool *)o->insert_only);
    o->tables = NULL;
    o->insert_only = NULL;
    o->n_tables = 0;
}

static void options_free(source_options_t *o)
{
    free((char *)o->host);
    free((char *)o->user);
    free((char *)o->password);
    free((char *)o->database);
    free((char *)o->slot);
    free((char *)o->publication);
    source__tables_free(o);
}

source_t *source_open(const source_options_t *opts, am_err_t *err)
{
    source_t *src = am_xcalloc(1, sizeof *src);
    options_copy(&src->opts, opts);
    atomic_init(&src->wal_end, 0);
    atomic_init(&src->flushed, 0);
    atomic_init(&src->report, 0);
    atomic_init(&src->streaming, false);
    atomic_init(&src->last_feedback_us, 0);
    atomic_init(&src->feedback_stop, false);
    pthread_mutex_init(&src->repl_lock, NULL);
    src->sql = source__connect(&src->opts, NULL, err);
    if (!src->sql || !check_wal_level(src->sql, err))
        goto fail;
    src->server_version = PQserverVersion(src->sql);
    if (!source__publication_setup(src, err))
        goto fail;
    src->repl = source__connect(&src->opts, "replication=database", err);
    if (!src->repl)
        goto fail;
    return src;
fail:
    source_close(src);
    return NULL;
}

void source_close(source_t *src)
{
    if (!src)
        return;
    source__feedback_stop(src);
    if (src->copy_buf)
        PQfreemem(src->copy_buf);
    source_decoder_free(src->dec);
    if (src->repl)
        PQfinish(src->repl);
    if (src->sql)
        PQfinish(src->sql);
    options_free(&src->opts);
    pthread_mutex_destroy(&src->repl_lock);
    free(src);
}

bool source_current_wal_lsn(source_t *src, am_lsn_t *lsn, am_err_t *err)
{
    PGresult *res = source__exec(src->sql, "SELECT pg_catalog.pg_current_wal_lsn()::text", 0, NULL,
                                 PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    bool ok = PQntuples(res) == 1 && am_lsn_parse(PQgetvalue(res, 0, 0), lsn);
    if (!ok)
        am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "pg_current_wal_lsn: unexpected answer");
    PQclear(res);
    return ok;
}

bool source_ping(const source_options_t *opts, int64_t *latency_us, am_err_t *err)
{
    PGconn *c = source__connect(opts, NULL, err);
    if (!c)
        return false;
    int64_t start = am_mono_us();
    PGresult *res = source__exec(c, "SELECT 1", 0, NULL, PGRES_TUPLES_OK, err);
    *latency_us = am_mono_us() - start;
    bool ok = res != NULL;
    /* a health check reports every failure as class 08: the source is unreachable */
    if (!ok && err && strncmp(err->sqlstate, "08", 2) != 0)
        (void)snprintf(err->sqlstate, sizeof err->sqlstate, "%s", AM_SQLSTATE_CONNECTION_FAILURE);
    PQclear(res);
    PQfinish(c);
    return ok;
}
