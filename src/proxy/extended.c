/*
 * proxy/extended.c: the extended query protocol: Parse, Bind, Describe, Execute, Close,
 * Sync, Flush; named and unnamed statements and portals; row limits with PortalSuspended;
 * text parameters and binary ones of the common OIDs; text or binary results.
 * A statement keeps its DuckDB prepared statement for Describe; every Bind prepares its own,
 * so two portals of one statement never share bound values.
 * Spec: postgres.md §4.5.
 */
#include "proxy/proxy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct proxy_stmt {
    char *name;
    char *sql;       /* as the client sent it */
    char *rewritten; /* what DuckDB prepares */
    bool session;    /* SET/SHOW/BEGIN...: answered by proxy/session.c at Execute */
    bool empty;
    duckdb_prepared_statement ps;
    char **colnames; /* PostgreSQL's names where DuckDB's differ (proxy/colname.c), or NULL */
    size_t n_cols;
    uint32_t *oids;
    size_t n_params;
    proxy_stmt_t *next;
};

struct proxy_portal {
    char *name;
    char *sql;
    bool session;
    bool empty;
    bool ran; /* a session command runs once */
    proxy_cursor_t cur;
    bool has_cur;
    proxy_portal_t *next;
};

static void stmt_free(proxy_stmt_t *st)
{
    proxy__colnames_free(st->colnames, st->n_cols);
    if (st->ps)
        duckdb_destroy_prepare(&st->ps);
    free(st->name);
    free(st->sql);
    free(st->rewritten);
    free(st->oids);
    free(st);
}

static void portal_free(proxy_portal_t *po)
{
    if (po->has_cur)
        proxy__cursor_close(&po->cur);
    free(po->name);
    free(po->sql);
    free(po);
}

static proxy_stmt_t **stmt_slot(proxy_session_t *s, const char *name)
{
    proxy_stmt_t **pp = &s->stmts;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

static proxy_portal_t **portal_slot(proxy_session_t *s, const char *name)
{
    proxy_portal_t **pp = &s->portals;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

static void portal_drop(proxy_session_t *s, const char *name)
{
    proxy_portal_t **pp = portal_slot(s, name);
    if (*pp) {
        proxy_portal_t *po = *pp;
        *pp = po->next;
        portal_free(po);
    }
}

bool proxy__extended_deallocate(proxy_session_t *s, const char *name)
{
    if (name) {
        proxy_stmt_t **pp = stmt_slot(s, name);
        if (!*pp)
            return false;
        proxy_stmt_t *st = *pp;
        *pp = st->next;
        stmt_free(st);
        return true;
    }
    while (s->stmts) {
        proxy_stmt_t *st = s->stmts;
        s->stmts = st->next;
        stmt_free(st);
    }
    return true;
}

static void close_portals(proxy_session_t *s)
{
    while (s->portals) {
        proxy_portal_t *po = s->portals;
        s->portals = po->next;
        portal_free(po);
    }
}

void proxy__extended_reset(proxy_session_t *s)
{
    proxy__sqlcur_close_all(s); /* DECLAREd cursors are portals too */
    close_portals(s);
    (void)proxy__extended_deallocate(s, NULL);
}

void proxy__extended_drop_unnamed(proxy_session_t *s)
{
    (void)proxy__extended_deallocate(s, "");
    portal_drop(s, "");
}

static void fail(proxy_session_t *s, const am_err_t *err)
{
    proxy__send_error(s, err);
    proxy__session_fail_tx(s);
    s->skip_to_sync = true;
}

/* ---- Parse ------------------------------------------------------------------------------- */

static bool prepare_stmt(proxy_session_t *s, proxy_stmt_t *st, am_err_t *err)
{
    size_t len = strlen(st->sql), n = 0;
    proxy_span_t *spans = proxy__sql_split(st->sql, len, &n);
    st->empty = n == 0;
    if (n > 1) {
        free(spans);
        return am_err_set(err, AM_SQLSTATE_SYNTAX,
                          "cannot insert multiple commands into a prepared statement");
    }
    bool ok = true;
    if (n == 1) {
        char *one = am_xstrndup(st->sql + spans[0].off, spans[0].len);
        st->session = proxy__session_is_command(one, spans[0].len);
        if (!st->session) {
            am_buf_t rw;
            am_buf_init(&rw);
            proxy__sql_rewrite(one, spans[0].len, &rw);
            st->rewritten = am_buf_steal(&rw, NULL);
            st->ps = proxy__prepare_read(s->con, st->rewritten, err);
            ok = st->ps != NULL;
            if (ok) {
                st->n_cols = duckdb_prepared_statement_column_count(st->ps);
                st->colnames = proxy__colnames(s->con, st->rewritten, st->ps);
            }
        }
        free(st->sql);
        st->sql = one;
    }
    free(spans);
    return ok;
}

static uint32_t duck_param_oid(duckdb_prepared_statement ps, idx_t i)
{
    duckdb_type t = duckdb_param_type(ps, i + 1);
    if (t == DUCKDB_TYPE_INVALID || t == DUCKDB_TYPE_ANY || t == DUCKDB_TYPE_SQLNULL)
        return 25;
    duckdb_logical_type lt = duckdb_create_logical_type(t);
    proxy_col_t c = {.ltype = lt};
    if (t != DUCKDB_TYPE_DECIMAL && t != DUCKDB_TYPE_LIST && t != DUCKDB_TYPE_ENUM &&
        t != DUCKDB_TYPE_STRUCT && t != DUCKDB_TYPE_ARRAY && t != DUCKDB_TYPE_MAP &&
        t != DUCKDB_TYPE_UNION)
        proxy__col_describe(&c);
    else
        c.oid = t == DUCKDB_TYPE_DECIMAL ? 1700 : 25;
    duckdb_destroy_logical_type(&lt);
    return c.oid;
}

static void msg_parse(proxy_session_t *s, const uint8_t *body, size_t len)
{
    proxy_parse_msg_t m;
    am_err_t err = {0};
    if (!proxy__parse_decode(body, len, s->arena, &m, &err)) {
        fail(s, &err);
        return;
    }
    if (m.name[0] && *stmt_slot(s, m.name)) {
        am_err_set(&err, "42P05", "prepared statement \"%s\" already exists", m.name);
        fail(s, &err);
        return;
    }
    if (s->tx == 'E' && !proxy__session_ends_tx(m.sql, strlen(m.sql))) {
        am_err_set(&err, PROXY_SQLSTATE_IN_FAILED_TX,
                   "current transaction is aborted, commands ignored until end of transaction "
                   "block");
        fail(s, &err);
        return;
    }
    if (!m.name[0])
        (void)proxy__extended_deallocate(s, ""); /* the unnamed one is replaced silently */
    proxy_stmt_t *st = am_xcalloc(1, sizeof *st);
    st->name = am_xstrdup(m.name);
    st->sql = am_xstrdup(m.sql);
    if (!prepare_stmt(s, st, &err)) {
        stmt_free(st);
        fail(s, &err);
        return;
    }
    st->n_params = st->ps ? duckdb_nparams(st->ps) : 0;
    st->oids = am_xcalloc(st->n_params + 1, sizeof *st->oids);
    for (size_t i = 0; i < st->n_params; i++)
        st->oids[i] =
            i < m.n_params && m.param_oids[i] ? m.param_oids[i] : duck_param_oid(st->ps, i);
    st->next = s->stmts;
    s->stmts = st;
    proxy__wire_empty(&s->out, '1');
}

/* ---- Bind -------------------------------------------------------------------------------- */

static uint64_t be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* A binary parameter of a common OID, bound with its DuckDB type. */
static bool bind_binary(duckdb_prepared_statement ps, idx_t i, uint32_t oid, const uint8_t *p,
                        int32_t n, am_err_t *err)
{
    duckdb_state st;
    if (oid == 16 && n == 1)
        st = duckdb_bind_boolean(ps, i, p[0] != 0);
    else if (oid == 21 && n == 2)
        st = duckdb_bind_int16(ps, i, (int16_t)be(p, 2));
    else if (oid == 23 && n == 4)
        st = duckdb_bind_int32(ps, i, (int32_t)be(p, 4));
    else if (oid == 20 && n == 8)
        st = duckdb_bind_int64(ps, i, (int64_t)be(p, 8));
    else if (oid == 700 && n == 4) {
        uint32_t b = (uint32_t)be(p, 4);
        float f;
        memcpy(&f, &b, 4);
        st = duckdb_bind_float(ps, i, f);
    } else if (oid == 701 && n == 8) {
        uint64_t b = be(p, 8);
        double d;
        memcpy(&d, &b, 8);
        st = duckdb_bind_double(ps, i, d);
    } else if (oid == 17) {
        st = duckdb_bind_blob(ps, i, p, (idx_t)n);
    } else if (oid == 25 || oid == 1043 || oid == 1042 || oid == 19 || oid == 114) {
        st = duckdb_bind_varchar_length(ps, i, (const char *)p, (idx_t)n);
    } else if (oid == 1082 && n == 4) {
        st = duckdb_bind_date(ps, i, (duckdb_date){(int32_t)be(p, 4) + AM_PG_EPOCH_OFFSET_DAYS});
    } else if ((oid == 1114 || oid == 1184) && n == 8) {
        st = duckdb_bind_timestamp(ps, i,
                                   (duckdb_timestamp){(int64_t)be(p, 8) + AM_PG_EPOCH_OFFSET_US});
    } else {
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "binary parameter $%llu of type %u is not supported; send it as text",
                          (unsigned long long)i, oid);
    }
    if (st != DuckDBSuccess)
        return am_err_set(err, AM_SQLSTATE_BAD_INPUT, "could not bind parameter $%llu",
                          (unsigned long long)i);
    return true;
}

/* Text parameters go in as VARCHAR values cast to the type DuckDB inferred. */
static bool bind_text(duckdb_prepared_statement ps, idx_t i, const uint8_t *p, int32_t n,
                      am_err_t *err)
{
    duckdb_value v = duckdb_create_varchar_length((const char *)p, (idx_t)n);
    bool ok = duckdb_bind_value(ps, i, v) == DuckDBSuccess;
    duckdb_destroy_value(&v);
    if (!ok)
        return am_err_set(err, AM_SQLSTATE_BAD_INPUT, "could not bind parameter $%llu",
                          (unsigned long long)i);
    return true;
}

static bool bind_params(const proxy_stmt_t *st, duckdb_prepared_statement ps,
                        const proxy_bind_msg_t *m, am_err_t *err)
{
    if (m->n_params != st->n_params)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "bind message supplies %u parameters, but prepared statement \"%s\" "
                          "requires %zu",
                          m->n_params, st->name, st->n_params);
    for (uint16_t i = 0; i < m->n_params; i++) {
        int16_t f = proxy__bind_format(m->formats, m->n_formats, i);
        bool ok;
        if (!m->values[i])
            ok = duckdb_bind_null(ps, i + 1) == DuckDBSuccess;
        else if (f == 1)
            ok = bind_binary(ps, i + 1, st->oids[i], m->values[i], m->lens[i], err);
        else
            ok = bind_text(ps, i + 1, m->values[i], m->lens[i], err);
        if (!ok) {
            if (!err || !err->sqlstate[0])
                am_err_set(err, AM_SQLSTATE_BAD_INPUT, "could not bind parameter $%u", i + 1);
            return false;
        }
    }
    return true;
}

static bool bind_portal(proxy_session_t *s, const proxy_stmt_t *st, const proxy_bind_msg_t *m,
                        proxy_portal_t *po, am_err_t *err)
{
    po->session = st->session;
    po->empty = st->empty;
    po->sql = am_xstrdup(st->sql);
    if (st->session || st->empty)
        return true;
    duckdb_prepared_statement ps = proxy__prepare_read(s->con, st->rewritten, err);
    if (!ps)
        return false;
    if (!bind_params(st, ps, m, err)) {
        duckdb_destroy_prepare(&ps);
        return false;
    }
    if (!proxy__cursor_open(&po->cur, ps, err))
        return false;
    po->has_cur = true;
    if (po->cur.n_cols == st->n_cols)
        proxy__cursor_rename(&po->cur, st->colnames);
    proxy__cursor_set_formats(&po->cur, m->result_formats, m->n_result_formats);
    return true;
}

static void msg_bind(proxy_session_t *s, const uint8_t *body, size_t len)
{
    proxy_bind_msg_t m;
    am_err_t err = {0};
    if (!proxy__bind_decode(body, len, s->arena, &m, &err)) {
        fail(s, &err);
        return;
    }
    proxy_stmt_t *st = *stmt_slot(s, m.stmt);
    if (!st) {
        am_err_set(&err, "26000", "prepared statement \"%s\" does not exist", m.stmt);
        fail(s, &err);
        return;
    }
    if (m.portal[0] && *portal_slot(s, m.portal)) {
        am_err_set(&err, "42P03", "cursor \"%s\" already exists", m.portal);
        fail(s, &err);
        return;
    }
    portal_drop(s, "");
    proxy_portal_t *po = am_xcalloc(1, sizeof *po);
    po->name = am_xstrdup(m.portal);
    if (!bind_portal(s, st, &m, po, &err)) {
        portal_free(po);
        fail(s, &err);
        return;
    }
    po->next = s->portals;
    s->portals = po;
    proxy__wire_empty(&s->out, '2');
}

/* ---- Describe, Execute, Close ------------------------------------------------------------ */

static void describe_stmt(proxy_session_t *s, proxy_stmt_t *st)
{
    proxy__wire_param_desc(&s->out, st->oids, st->n_params);
    if (st->session) {
        (void)proxy__session_describe(s, st->sql, strlen(st->sql));
    } else if (st->empty || !st->ps) {
        proxy__wire_empty(&s->out, 'n');
    } else {
        proxy_cursor_t c;
        am_err_t err = {0};
        duckdb_prepared_statement ps = st->ps;
        if (proxy__cursor_open(&c, ps, &err)) {
            proxy__cursor_rename(&c, st->colnames);
            proxy__cursor_rowdesc(s, &c);
            c.ps = NULL; /* the statement keeps it */
            proxy__cursor_close(&c);
        }
    }
}

static void msg_describe(proxy_session_t *s, const uint8_t *body, size_t len)
{
    char kind;
    const char *name;
    am_err_t err = {0};
    if (!proxy__target_decode(body, len, &kind, &name, &err)) {
        fail(s, &err);
        return;
    }
    if (kind == 'S') {
        proxy_stmt_t *st = *stmt_slot(s, name);
        if (!st) {
            am_err_set(&err, "26000", "prepared statement \"%s\" does not exist", name);
            fail(s, &err);
            return;
        }
        describe_stmt(s, st);
        return;
    }
    proxy_portal_t *po = *portal_slot(s, name);
    if (!po) {
        am_err_set(&err, "34000", "portal \"%s\" does not exist", name);
        fail(s, &err);
        return;
    }
    if (po->has_cur)
        proxy__cursor_rowdesc(s, &po->cur);
    else if (!po->session || !proxy__session_describe(s, po->sql, strlen(po->sql)))
        proxy__wire_empty(&s->out, 'n');
}

static bool execute_portal(proxy_session_t *s, proxy_portal_t *po, uint32_t max_rows, am_err_t *err)
{
    if (s->tx == 'E' && !(po->session && proxy__session_ends_tx(po->sql, strlen(po->sql))))
        return am_err_set(err, PROXY_SQLSTATE_IN_FAILED_TX,
                          "current transaction is aborted, commands ignored until end of "
                          "transaction block");
    if (po->empty) {
        proxy__wire_empty(&s->out, 'I');
        return true;
    }
    if (po->session) {
        bool handled;
        if (po->ran) {
            proxy__wire_complete(&s->out, "SHOW");
            return true;
        }
        po->ran = true;
        return proxy__session_command(s, po->sql, strlen(po->sql), &handled, false, err);
    }
    if (s->tx == 'T' && !proxy__duck_tx_begin(s, err))
        return false;
    bool suspended = false;
    if (!proxy__cursor_fetch(s, &po->cur, max_rows, &suspended, err))
        return false;
    if (suspended) {
        proxy__wire_empty(&s->out, 's');
        return true;
    }
    char tag[64];
    proxy__cursor_tag(&po->cur, tag, sizeof tag);
    proxy__wire_complete(&s->out, tag);
    return true;
}

static void msg_execute(proxy_session_t *s, const uint8_t *body, size_t len)
{
    const char *name;
    uint32_t max_rows;
    am_err_t err = {0};
    if (!proxy__execute_decode(body, len, &name, &max_rows, &err)) {
        fail(s, &err);
        return;
    }
    proxy_portal_t *po = *portal_slot(s, name);
    if (!po) {
        am_err_set(&err, "34000", "portal \"%s\" does not exist", name);
        fail(s, &err);
        return;
    }
    if (!execute_portal(s, po, max_rows, &err))
        fail(s, &err);
}

static void msg_close(proxy_session_t *s, const uint8_t *body, size_t len)
{
    char kind;
    const char *name;
    am_err_t err = {0};
    if (!proxy__target_decode(body, len, &kind, &name, &err)) {
        fail(s, &err);
        return;
    }
    if (kind == 'S')
        (void)proxy__extended_deallocate(s, name);
    else
        portal_drop(s, name);
    proxy__wire_empty(&s->out, '3');
}

void proxy__extended_message(proxy_session_t *s, char type, const uint8_t *body, size_t len)
{
    if (type == 'S') {
        s->skip_to_sync = false;
        if (s->tx == 'I')
            close_portals(s); /* the implicit transaction ends: its portals go with it */
        proxy__wire_ready(&s->out, s->tx);
        return;
    }
    if (s->skip_to_sync)
        return;
    switch (type) {
    case 'P':
        msg_parse(s, body, len);
        break;
    case 'B':
        msg_bind(s, body, len);
        break;
    case 'D':
        msg_describe(s, body, len);
        break;
    case 'E':
        msg_execute(s, body, len);
        break;
    case 'C':
        msg_close(s, body, len);
        break;
    case 'H':
        break; /* proxy/conn.c sends what is pending */
    default: {
        am_err_t err = {0};
        am_err_set(&err, AM_SQLSTATE_UNSUPPORTED, "function call messages are not supported");
        fail(s, &err);
        break;
    }
    }
}
