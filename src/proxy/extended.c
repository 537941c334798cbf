/*
 * proxy/extended.c: the extended query protocol: Parse, Bind, Describe, Execute, Close, Sync,
 * Flush over prepared statements (prepare.c) and portals (portal.c); row limits with
 * PortalSuspended; parameters in text or binary; results in text or binary per column.
 * A statement is compiled at Parse for its description and again at Bind with the session's
 * settings and parameter values of that moment.
 * Spec: postgres.md section 4.5.
 */
#include "proxy/proxy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void proxy__extended_reset(proxy_session_t *s)
{
    proxy__portal_drop_all(s);
    (void)proxy__prep_drop(s, NULL);
    proxy__stmt_cache_clear(&s->stmts);
}

static void fail(proxy_session_t *s, const am_err_t *err)
{
    proxy__send_error(s, err);
    proxy__session_fail_tx(s);
    s->skip_to_sync = true;
}

static bool failed_block(proxy_session_t *s, const struct PgQuery__Node *node, am_err_t *err)
{
    if (s->tx != 'E' || proxy__stmt_ends_failed_tx(node))
        return false;
    am_err_set(err, PROXY_SQLSTATE_IN_FAILED_TX,
               "current transaction is aborted, commands ignored until end of transaction block");
    return true;
}

static void msg_parse(proxy_session_t *s, const uint8_t *body, size_t len)
{
    proxy_parse_msg_t m;
    am_err_t err = {0};
    if (!proxy__parse_decode(body, len, s->arena, &m, &err)) {
        fail(s, &err);
        return;
    }
    proxy__session_implicit_begin(s);
    if (!proxy__prep_add(s, m.name, m.sql, m.param_oids, m.n_params, &err)) {
        fail(s, &err);
        return;
    }
    proxy_prep_t *p = proxy__prep_find(s, m.name);
    if (failed_block(s, p->node, &err)) {
        (void)proxy__prep_drop(s, m.name);
        fail(s, &err);
        return;
    }
    proxy__wire_empty(&s->out, '1');
}

static void msg_bind(proxy_session_t *s, const uint8_t *body, size_t len)
{
    proxy_bind_msg_t m;
    am_err_t err = {0};
    if (!proxy__bind_decode(body, len, s->arena, &m, &err)) {
        fail(s, &err);
        return;
    }
    proxy_prep_t *p = proxy__prep_find(s, m.stmt);
    if (!p) {
        am_err_set(&err, "26000", "prepared statement \"%s\" does not exist", m.stmt);
        fail(s, &err);
        return;
    }
    if (m.portal[0] && proxy__portal_find(s, m.portal)) {
        am_err_set(&err, "42P03", "cursor \"%s\" already exists", m.portal);
        fail(s, &err);
        return;
    }
    if (failed_block(s, p->node, &err) || !proxy__limits_portal_room(s, m.portal, &err)) {
        fail(s, &err);
        return;
    }
    proxy__session_implicit_begin(s);
    proxy__portal_drop(s, "");
    proxy__session_stmt_snapshot(s);
    proxy_cursor_t cur;
    bool is_query = p->kind == PROXY_STMT_QUERY;
    if (is_query) {
        proxy_params_t params = {.n = m.n_params,
                                 .values = m.values,
                                 .lens = m.lens,
                                 .formats = m.formats,
                                 .n_formats = m.n_formats};
        if (!proxy__session_read_tx(s, &err) ||
            !proxy__query_open(s, p->node, p->param_oids, p->n_params, &params, &cur, &err)) {
            fail(s, &err);
            return;
        }
        if (!proxy__cursor_set_formats(&cur, m.result_formats, m.n_result_formats, s->cat, &err)) {
            proxy__cursor_close(&cur);
            fail(s, &err);
            return;
        }
    }
    proxy_portal_t *po = proxy__portal_new(s, m.portal);
    po->prep = p;
    p->refs++;
    po->is_query = is_query;
    if (!is_query && m.n_result_formats > 0) {
        po->fetch_formats = am_xcalloc(m.n_result_formats, sizeof *po->fetch_formats);
        memcpy(po->fetch_formats, m.result_formats, m.n_result_formats * sizeof *m.result_formats);
        po->n_fetch_formats = m.n_result_formats;
    }
    po->has_cur = is_query;
    if (is_query)
        po->cur = cur;
    proxy__wire_empty(&s->out, '2');
}

static void describe_prep(proxy_session_t *s, const proxy_prep_t *p)
{
    proxy__wire_param_desc(&s->out, p->param_oids, p->n_params);
    if (p->kind == PROXY_STMT_QUERY)
        proxy__rowdesc_send(s, p->desc.cols, p->desc.n_cols, NULL, 0);
    else if (p->kind == PROXY_STMT_UTILITY)
        proxy__stmt_describe_utility(s, p->node);
    else
        proxy__wire_empty(&s->out, 'n');
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
        proxy_prep_t *p = proxy__prep_find(s, name);
        if (!p) {
            am_err_set(&err, "26000", "prepared statement \"%s\" does not exist", name);
            fail(s, &err);
            return;
        }
        describe_prep(s, p);
        return;
    }
    proxy_portal_t *po = proxy__portal_find(s, name);
    if (!po) {
        am_err_set(&err, "34000", "portal \"%s\" does not exist", name);
        fail(s, &err);
        return;
    }
    if (po->has_cur)
        proxy__cursor_rowdesc(s, &po->cur);
    else if (po->prep && po->prep->kind == PROXY_STMT_UTILITY) {
        s->exec_portal = po;
        proxy__stmt_describe_utility(s, po->prep->node);
        s->exec_portal = NULL;
    } else
        proxy__wire_empty(&s->out, 'n');
}

static bool execute_portal(proxy_session_t *s, proxy_portal_t *po, uint32_t max_rows, am_err_t *err)
{
    const struct PgQuery__Node *node = po->prep ? po->prep->node : NULL;
    if (s->tx == 'E' && !proxy__stmt_ends_failed_tx(node))
        return am_err_set(err, PROXY_SQLSTATE_IN_FAILED_TX,
                          "current transaction is aborted, commands ignored until end of "
                          "transaction block");
    if (!po->has_cur) {
        if (!node) {
            proxy__wire_empty(&s->out, 'I');
            return true;
        }
        if (po->ran)
            return am_err_set(err, "55000", "portal \"%s\" cannot be run", po->name);
        po->ran = true;
        s->exec_portal = po;
        bool ok = proxy__stmt_utility(s, node, po->prep->text, false, err);
        s->exec_portal = NULL;
        return ok;
    }
    if (!proxy__session_read_tx(s, err))
        return false;
    bool suspended = false;
    if (!proxy__cursor_fetch(s, &po->cur, max_rows, &suspended, err))
        return false;
    if (suspended) {
        proxy__wire_empty(&s->out, 's');
        return true;
    }
    char tag[64];
    if (po->declared)
        snprintf(tag, sizeof tag, "FETCH %llu", (unsigned long long)po->cur.n_sent);
    else
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
    proxy_portal_t *po = proxy__portal_find(s, name);
    if (!po) {
        am_err_set(&err, "34000", "portal \"%s\" does not exist", name);
        fail(s, &err);
        return;
    }
    proxy__session_implicit_begin(s);
    int64_t start = am_mono_us();
    bool ok = execute_portal(s, po, max_rows, &err);
    proxy__metrics_query(ok ? NULL : &err, start);
    if (!ok)
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
        (void)proxy__prep_drop(s, name);
    else
        proxy__portal_drop(s, name);
    proxy__wire_empty(&s->out, '3');
}

void proxy__extended_message(proxy_session_t *s, char type, const uint8_t *body, size_t len)
{
    if (type == 'S') {
        s->skip_to_sync = false;
        proxy__session_sync(s);
        if (s->tx == 'I')
            proxy__portal_end_tx(s, true);
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
