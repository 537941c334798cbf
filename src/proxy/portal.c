/*
 * proxy/portal.c: portals, one namespace for the extended protocol's Bind and SQL DECLARE (as
 * PostgreSQL has it: a DECLAREd cursor can be Described and Executed by the protocol, and a
 * protocol portal FETCHed by SQL), with FETCH, MOVE and CLOSE.
 * A DECLAREd cursor's query runs at DECLARE and its rows are kept materialised: clients run
 * other statements between FETCHes, and a DuckDB connection streams one result at a time.
 * Forward only: a backward move is refused as PostgreSQL refuses it for a NO SCROLL cursor or
 * a protocol portal (55000); other cursors may scroll in PostgreSQL, so on them backward,
 * ABSOLUTE and RELATIVE fetches are not supported (0A000). WITHOUT HOLD cursors close when
 * their block ends; WITH HOLD ones at CLOSE, DISCARD ALL or disconnect (and at ROLLBACK of the
 * block that made them).
 * Spec: PostgreSQL docs "DECLARE", "FETCH", "MOVE", "CLOSE".
 */
#include "proxy/proxy_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CURSOR_OPT_* of PostgreSQL's DeclareCursorStmt.options. */
enum { CURSOR_BINARY = 0x1, CURSOR_SCROLL = 0x2, CURSOR_NO_SCROLL = 0x4, CURSOR_HOLD = 0x20 };

static void portal_free(proxy_portal_t *po)
{
    if (po->has_cur)
        proxy__cursor_close(&po->cur);
    proxy__prep_unref(po->prep);
    free(po->fetch_formats);
    free(po->name);
    free(po);
}

static proxy_portal_t **slot(proxy_session_t *s, const char *name)
{
    proxy_portal_t **pp = &s->portals;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

proxy_portal_t *proxy__portal_find(proxy_session_t *s, const char *name)
{
    return *slot(s, name);
}

proxy_portal_t *proxy__portal_new(proxy_session_t *s, const char *name)
{
    proxy_portal_t *po = am_xcalloc(1, sizeof *po);
    po->name = am_xstrdup(name);
    po->next = s->portals;
    s->portals = po;
    return po;
}

void proxy__portal_drop(proxy_session_t *s, const char *name)
{
    proxy_portal_t **pp = slot(s, name);
    if (*pp) {
        proxy_portal_t *po = *pp;
        *pp = po->next;
        portal_free(po);
    }
}

void proxy__portal_drop_all(proxy_session_t *s)
{
    while (s->portals) {
        proxy_portal_t *po = s->portals;
        s->portals = po->next;
        portal_free(po);
    }
}

void proxy__portal_end_tx(proxy_session_t *s, bool committed)
{
    proxy_portal_t **pp = &s->portals;
    while (*pp) {
        proxy_portal_t *po = *pp;
        bool keep = po->declared && po->hold && !(po->in_block && !committed);
        if (!keep) {
            *pp = po->next;
            portal_free(po);
            continue;
        }
        po->in_block = false;
        pp = &po->next;
    }
}

static bool declare(proxy_session_t *s, const PgQuery__DeclareCursorStmt *d, am_err_t *err)
{
    bool hold = d->options & CURSOR_HOLD;
    if (!d->portalname || !d->portalname[0])
        return am_err_set(err, "34000", "invalid cursor name: must not be empty");
    if (!hold && s->tx == 'I')
        return am_err_set(err, "25P01", "DECLARE CURSOR can only be used in transaction blocks");
    if (*slot(s, d->portalname))
        return am_err_set(err, "42P03", "cursor \"%s\" already exists", d->portalname);
    if (!proxy__limits_portal_room(s, d->portalname, err))
        return false;
    if (!d->query || d->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return am_err_set(err, "42601", "DECLARE CURSOR must be a SELECT");
    if (!proxy__session_read_tx(s, err))
        return false;
    proxy_cursor_t cur;
    proxy_params_t none = {0};
    if (!proxy__query_open(s, d->query, NULL, 0, &none, &cur, err))
        return false;
    int16_t format = d->options & CURSOR_BINARY ? 1 : 0;
    cur.materialize = true;
    if (!proxy__cursor_set_formats(&cur, &format, 1, s->cat, err) ||
        !proxy__cursor_run(&cur, err)) {
        proxy__cursor_close(&cur);
        return false;
    }
    proxy_portal_t *po = proxy__portal_new(s, d->portalname);
    po->cur = cur;
    po->has_cur = po->is_query = po->declared = true;
    po->hold = hold;
    po->no_scroll = d->options & CURSOR_NO_SCROLL;
    po->in_block = s->tx != 'I';
    proxy__wire_complete(&s->out, "DECLARE CURSOR");
    return true;
}

/* Only forward fetches run. A backward move (BACKWARD n > 0, FORWARD n < 0) fails as in
 * PostgreSQL where it cannot scroll; elsewhere PostgreSQL may scroll, which the mirror does
 * not. */
static bool forward_only(const proxy_portal_t *po, const PgQuery__FetchStmt *f, am_err_t *err)
{
    bool fwd = f->direction == PG_QUERY__FETCH_DIRECTION__FETCH_FORWARD;
    if (fwd && f->how_many >= 0)
        return true;
    bool backward =
        fwd || (f->direction == PG_QUERY__FETCH_DIRECTION__FETCH_BACKWARD && f->how_many > 0);
    if (backward && (!po->declared || po->no_scroll))
        return am_err_set(err, "55000", "cursor can only scan forward");
    return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                      "backward, ABSOLUTE and RELATIVE fetches are not supported on the mirror");
}

/* A FETCH run through Bind/Execute answers in the Bind's result formats, not the cursor's
 * own (psycopg's binary server-side cursors); the cursor keeps its own for later FETCHes. */
static bool formats_push(proxy_session_t *s, proxy_cursor_t *cur, int16_t **saved, am_err_t *err)
{
    *saved = NULL;
    const proxy_portal_t *ep = s->exec_portal;
    if (!ep || !ep->fetch_formats)
        return true;
    *saved = am_xcalloc(cur->n_cols + 1, sizeof **saved);
    memcpy(*saved, cur->formats, cur->n_cols * sizeof **saved);
    return proxy__cursor_set_formats(cur, ep->fetch_formats, ep->n_fetch_formats, s->cat, err);
}

static void formats_pop(proxy_cursor_t *cur, int16_t *saved)
{
    if (!saved)
        return;
    memcpy(cur->formats, saved, cur->n_cols * sizeof *saved);
    free(saved);
}

static bool fetch(proxy_session_t *s, const PgQuery__FetchStmt *f, bool describe, am_err_t *err)
{
    proxy_portal_t *po = f->portalname ? *slot(s, f->portalname) : NULL;
    if (!po)
        return am_err_set(err, "34000", "cursor \"%s\" does not exist",
                          f->portalname ? f->portalname : "");
    if (!po->has_cur)
        return am_err_set(err, "55000", "portal \"%s\" cannot be run", po->name);
    if (!forward_only(po, f, err))
        return false;
    if (f->how_many == 0)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "FETCH 0 (the current row again) is not supported on the mirror");
    /* FETCH ALL is how_many = LONG_MAX in PostgreSQL's tree */
    uint64_t n = f->how_many >= INT64_MAX / 2 ? 0 : (uint64_t)f->how_many;
    bool ok;
    if (f->ismove) {
        ok = proxy__cursor_skip(&po->cur, n, err);
    } else {
        bool suspended;
        int16_t *saved = NULL;
        ok = formats_push(s, &po->cur, &saved, err);
        if (ok && describe)
            proxy__cursor_rowdesc(s, &po->cur);
        ok = ok && proxy__cursor_fetch(s, &po->cur, n, &suspended, err);
        formats_pop(&po->cur, saved);
    }
    if (!ok)
        return false;
    char tag[64];
    snprintf(tag, sizeof tag, "%s %llu", f->ismove ? "MOVE" : "FETCH",
             (unsigned long long)po->cur.n_sent);
    proxy__wire_complete(&s->out, tag);
    return true;
}

static bool close_portal(proxy_session_t *s, const PgQuery__ClosePortalStmt *c, am_err_t *err)
{
    if (!c->portalname || !c->portalname[0]) {
        proxy_portal_t **pp = &s->portals;
        while (*pp) {
            proxy_portal_t *po = *pp;
            if (po->declared) {
                *pp = po->next;
                portal_free(po);
            } else {
                pp = &po->next;
            }
        }
        proxy__wire_complete(&s->out, "CLOSE CURSOR ALL");
        return true;
    }
    if (!*slot(s, c->portalname))
        return am_err_set(err, "34000", "cursor \"%s\" does not exist", c->portalname);
    proxy__portal_drop(s, c->portalname);
    proxy__wire_complete(&s->out, "CLOSE CURSOR");
    return true;
}

bool proxy__portal_sql(proxy_session_t *s, const PgQuery__Node *node, bool describe, am_err_t *err)
{
    switch (node->node_case) {
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
        return declare(s, node->declare_cursor_stmt, err);
    case PG_QUERY__NODE__NODE_FETCH_STMT:
        return fetch(s, node->fetch_stmt, describe, err);
    default:
        return close_portal(s, node->close_portal_stmt, err);
    }
}

void proxy__portal_describe_fetch(proxy_session_t *s, const PgQuery__FetchStmt *f)
{
    proxy_portal_t *po = f->portalname ? *slot(s, f->portalname) : NULL;
    if (!po || !po->has_cur) {
        proxy__wire_empty(&s->out, 'n');
        return;
    }
    am_err_t err = {0};
    int16_t *saved = NULL;
    /* a format the cursor cannot give fails at Execute, where an error can be reported */
    if (formats_push(s, &po->cur, &saved, &err))
        proxy__cursor_rowdesc(s, &po->cur);
    else
        proxy__wire_empty(&s->out, 'n');
    formats_pop(&po->cur, saved);
}
