/*
 * proxy/cursor.c: SQL cursors: DECLARE name CURSOR FOR <read>, FETCH, MOVE and CLOSE, as
 * psycopg2's named cursors (and other server-side cursor users) send them, over the simple or
 * the extended protocol. proxy/session.c routes these statements here.
 * A cursor's query runs at DECLARE, in the block's DuckDB transaction, and its rows are kept
 * materialised rather than streamed: clients run other statements between FETCHes, and a
 * DuckDB connection streams only one result at a time.
 * Forward only: FETCH [NEXT | n | ALL | FORWARD [n | ALL]] [FROM | IN] name; backward, FIRST,
 * LAST, ABSOLUTE and RELATIVE are refused (55000) as PostgreSQL refuses them for a NO SCROLL
 * cursor. WITHOUT HOLD cursors close when their block ends; WITH HOLD ones at CLOSE, DISCARD
 * ALL or disconnect (and at ROLLBACK of the block that declared them).
 * Spec: PostgreSQL docs "DECLARE", "FETCH", "MOVE", "CLOSE".
 */
#include "proxy/proxy_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct proxy_sqlcursor {
    char *name;
    bool hold;
    bool in_block; /* declared in the current block: a ROLLBACK takes it even WITH HOLD */
    proxy_cursor_t cur;
    proxy_sqlcursor_t *next;
};

#define MAX_TOKS 16

typedef struct toks {
    const char *sql;
    size_t len;
    proxy_tok_t t[MAX_TOKS];
    size_t after[MAX_TOKS]; /* position after t[i] */
    size_t n;
} toks_t;

static void toks_read(toks_t *w, const char *sql, size_t len)
{
    w->sql = sql;
    w->len = len;
    w->n = 0;
    size_t pos = 0;
    while (w->n < MAX_TOKS) {
        pos = proxy__sql_token(sql, len, pos, &w->t[w->n]);
        if (w->t[w->n].kind == PROXY_TOK_END)
            break;
        w->after[w->n++] = pos;
    }
}

static bool t_is(const toks_t *w, size_t i, const char *word)
{
    return i < w->n && w->t[i].kind == PROXY_TOK_WORD && proxy__tok_is(w->sql, &w->t[i], word);
}

/* A cursor name as PostgreSQL reads it: "Quoted" kept, bare folded to lower case. */
static char *name_at(const toks_t *w, size_t i)
{
    if (i >= w->n || (w->t[i].kind != PROXY_TOK_WORD && w->t[i].kind != PROXY_TOK_QIDENT))
        return NULL;
    am_buf_t b;
    am_buf_init(&b);
    if (w->t[i].kind == PROXY_TOK_QIDENT) {
        proxy__sql_unquote(w->sql, &w->t[i], &b);
    } else {
        for (size_t k = 0; k < w->t[i].len; k++)
            am_buf_putc(&b, (char)tolower((unsigned char)w->sql[w->t[i].off + k]));
    }
    return am_buf_steal(&b, NULL);
}

/* Always false, visibly to the analyzer (which cannot look into am_err_set). */
static bool syntax_error(const toks_t *w, size_t i, am_err_t *err)
{
    if (i >= w->n)
        am_err_set(err, AM_SQLSTATE_SYNTAX, "syntax error at end of input");
    else
        am_err_set(err, AM_SQLSTATE_SYNTAX, "syntax error at or near \"%.*s\"", (int)w->t[i].len,
                   w->sql + w->t[i].off);
    return false;
}

static proxy_sqlcursor_t **slot(proxy_session_t *s, const char *name)
{
    proxy_sqlcursor_t **pp = &s->sqlcursors;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

static void unlink_free(proxy_sqlcursor_t **pp)
{
    proxy_sqlcursor_t *c = *pp;
    *pp = c->next;
    proxy__cursor_close(&c->cur);
    free(c->name);
    free(c);
}

static proxy_sqlcursor_t *find(proxy_session_t *s, const char *name, am_err_t *err)
{
    proxy_sqlcursor_t *c = *slot(s, name);
    if (!c)
        am_err_set(err, "34000", "cursor \"%s\" does not exist", name);
    return c;
}

bool proxy__sqlcur_is_command(const char *sql, size_t len)
{
    toks_t w;
    toks_read(&w, sql, len);
    return t_is(&w, 0, "DECLARE") || t_is(&w, 0, "FETCH") || t_is(&w, 0, "MOVE") ||
           t_is(&w, 0, "CLOSE");
}

/* ---- DECLARE ----------------------------------------------------------------------------- */

typedef struct declare_opts {
    bool binary;
    bool hold;
    size_t query_off; /* the query after FOR */
} declare_opts_t;

/* DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR [WITH[OUT] HOLD] FOR */
static bool declare_parse(const toks_t *w, declare_opts_t *o, am_err_t *err)
{
    static const char *const noise[] = {"ASENSITIVE", "INSENSITIVE", "NO", "SCROLL", "CURSOR"};
    memset(o, 0, sizeof *o);
    for (size_t i = 2; i < w->n; i++) {
        if (t_is(w, i, "FOR")) {
            o->query_off = w->after[i];
            return true;
        }
        if (t_is(w, i, "BINARY")) {
            o->binary = true;
            continue;
        }
        if ((t_is(w, i, "WITH") || t_is(w, i, "WITHOUT")) && t_is(w, i + 1, "HOLD")) {
            o->hold = t_is(w, i, "WITH");
            i++;
            continue;
        }
        bool known = false;
        for (size_t k = 0; k < AM_ARRAY_LEN(noise); k++)
            known = known || t_is(w, i, noise[k]);
        if (!known)
            return syntax_error(w, i, err);
    }
    return syntax_error(w, w->n, err);
}

/* Prepares the read (through the guard), names its columns, runs it to completion. */
static bool declare_open(proxy_session_t *s, const char *query, bool binary, proxy_cursor_t *cur,
                         am_err_t *err)
{
    am_buf_t rw;
    am_buf_init(&rw);
    proxy__sql_rewrite(query, strlen(query), &rw);
    duckdb_prepared_statement ps = proxy__prepare_read(s->con, rw.data, err);
    char **names = ps ? proxy__colnames(s->con, rw.data, ps) : NULL;
    am_buf_destroy(&rw);
    if (!ps)
        return false;
    size_t n_names = duckdb_prepared_statement_column_count(ps);
    bool ok = proxy__cursor_open(cur, ps, err);
    if (ok) {
        proxy__cursor_rename(cur, names);
        int16_t format = binary ? 1 : 0;
        proxy__cursor_set_formats(cur, &format, 1);
        cur->materialize = true;
        ok = proxy__cursor_run(cur, err);
        if (!ok)
            proxy__cursor_close(cur);
    }
    proxy__colnames_free(names, n_names);
    return ok;
}

static bool cmd_declare(proxy_session_t *s, const toks_t *w, am_err_t *err)
{
    declare_opts_t o;
    char *name = name_at(w, 1);
    if (!name)
        return syntax_error(w, 1, err);
    bool ok = declare_parse(w, &o, err);
    if (ok && !o.hold && s->tx == 'I')
        ok = am_err_set(err, "25P01", "DECLARE CURSOR can only be used in transaction blocks");
    if (ok && *slot(s, name))
        ok = am_err_set(err, "42P03", "cursor \"%s\" already exists", name);
    if (ok && s->tx == 'T')
        ok = proxy__duck_tx_begin(s, err);
    proxy_sqlcursor_t *c = NULL;
    if (ok) {
        c = am_xcalloc(1, sizeof *c);
        char *query = am_xstrndup(w->sql + o.query_off, w->len - o.query_off);
        ok = declare_open(s, query, o.binary, &c->cur, err);
        free(query);
    }
    if (!ok) {
        free(c);
        free(name);
        return false;
    }
    c->name = name;
    c->hold = o.hold;
    c->in_block = s->tx != 'I';
    c->next = s->sqlcursors;
    s->sqlcursors = c;
    proxy__wire_complete(&s->out, "DECLARE CURSOR");
    return true;
}

/* ---- FETCH and MOVE ---------------------------------------------------------------------- */

typedef struct fetch_req {
    uint64_t count; /* 0 = ALL */
    char *name;
} fetch_req_t;

/* The count of "n", "+n" or "-n" at *i; false when there is none. */
static bool fetch_count(const toks_t *w, size_t *i, int64_t *n)
{
    bool neg = false;
    if (*i < w->n && w->t[*i].kind == PROXY_TOK_SYMBOL && w->t[*i].len == 1 &&
        (w->sql[w->t[*i].off] == '-' || w->sql[w->t[*i].off] == '+')) {
        neg = w->sql[w->t[*i].off] == '-';
        (*i)++;
    }
    if (*i >= w->n || w->t[*i].kind != PROXY_TOK_NUMBER)
        return false;
    char digits[32];
    size_t len = w->t[*i].len < sizeof digits - 1 ? w->t[*i].len : sizeof digits - 1;
    memcpy(digits, w->sql + w->t[*i].off, len);
    digits[len] = '\0';
    char *end;
    long long v = strtoll(digits, &end, 10);
    if (*end != '\0')
        return false;
    *n = neg ? -v : v;
    (*i)++;
    return true;
}

/* am_err_set, seen to return false (the analyzer cannot look into util). */
static bool refuse(am_err_t *err, const char *sqlstate, const char *msg)
{
    am_err_set(err, sqlstate, "%s", msg);
    return false;
}

/* [direction] [FROM | IN] name: forward directions only. */
static bool fetch_parse(const toks_t *w, fetch_req_t *r, am_err_t *err)
{
    static const char *const backward[] = {"PRIOR",    "FIRST",    "LAST",
                                           "ABSOLUTE", "RELATIVE", "BACKWARD"};
    size_t i = 1;
    int64_t n = 1;
    r->count = 1;
    r->name = NULL;
    for (size_t k = 0; k < AM_ARRAY_LEN(backward); k++)
        if (t_is(w, i, backward[k]))
            return refuse(err, "55000", "cursor can only scan forward");
    if (t_is(w, i, "NEXT")) {
        i++;
    } else if (t_is(w, i, "ALL")) {
        r->count = 0;
        i++;
    } else {
        bool forward = t_is(w, i, "FORWARD");
        i += forward;
        if (forward && t_is(w, i, "ALL")) {
            r->count = 0;
            i++;
        } else if (fetch_count(w, &i, &n)) {
            if (n < 0)
                return refuse(err, "55000", "cursor can only scan forward");
            if (n == 0)
                return refuse(err, AM_SQLSTATE_UNSUPPORTED,
                              "FETCH 0 (the current row again) is not supported");
            r->count = (uint64_t)n;
        }
    }
    if (t_is(w, i, "FROM") || t_is(w, i, "IN"))
        i++;
    r->name = name_at(w, i);
    if (r->name && i + 1 == w->n)
        return true;
    size_t bad = r->name ? i + 1 : i;
    free(r->name);
    r->name = NULL;
    return syntax_error(w, bad, err);
}

static bool cmd_fetch(proxy_session_t *s, const toks_t *w, bool describe, am_err_t *err)
{
    bool move = t_is(w, 0, "MOVE");
    fetch_req_t r;
    if (!fetch_parse(w, &r, err))
        return false;
    proxy_sqlcursor_t *c = find(s, r.name, err);
    free(r.name);
    if (!c)
        return false;
    bool ok;
    if (move) {
        ok = proxy__cursor_skip(&c->cur, r.count, err);
    } else {
        bool suspended;
        if (describe)
            proxy__cursor_rowdesc(s, &c->cur);
        ok = proxy__cursor_fetch(s, &c->cur, r.count, &suspended, err);
    }
    if (!ok)
        return false;
    char tag[64];
    snprintf(tag, sizeof tag, "%s %llu", move ? "MOVE" : "FETCH",
             (unsigned long long)c->cur.n_sent);
    proxy__wire_complete(&s->out, tag);
    return true;
}

/* ---- CLOSE and the end of a block -------------------------------------------------------- */

static bool cmd_close(proxy_session_t *s, const toks_t *w, am_err_t *err)
{
    if (t_is(w, 1, "ALL") && w->n == 2) {
        proxy__sqlcur_close_all(s);
        proxy__wire_complete(&s->out, "CLOSE CURSOR ALL");
        return true;
    }
    char *name = name_at(w, 1);
    if (!name || w->n != 2) {
        size_t bad = name ? 2 : 1;
        free(name);
        return syntax_error(w, bad, err);
    }
    bool ok = find(s, name, err) != NULL;
    if (ok)
        unlink_free(slot(s, name));
    free(name);
    if (ok)
        proxy__wire_complete(&s->out, "CLOSE CURSOR");
    return ok;
}

bool proxy__sqlcur_command(proxy_session_t *s, const char *sql, size_t len, bool describe_rows,
                           am_err_t *err)
{
    toks_t w;
    toks_read(&w, sql, len);
    if (t_is(&w, 0, "DECLARE"))
        return cmd_declare(s, &w, err);
    if (t_is(&w, 0, "FETCH") || t_is(&w, 0, "MOVE"))
        return cmd_fetch(s, &w, describe_rows, err);
    return cmd_close(s, &w, err);
}

void proxy__sqlcur_describe(proxy_session_t *s, const char *sql, size_t len)
{
    toks_t w;
    toks_read(&w, sql, len);
    fetch_req_t r;
    am_err_t err = {0};
    proxy_sqlcursor_t *c = NULL;
    if (t_is(&w, 0, "FETCH") && fetch_parse(&w, &r, &err)) {
        c = *slot(s, r.name);
        free(r.name);
    }
    if (c)
        proxy__cursor_rowdesc(s, &c->cur);
    else
        proxy__wire_empty(&s->out, 'n');
}

void proxy__sqlcur_end_tx(proxy_session_t *s, bool committed)
{
    proxy_sqlcursor_t **pp = &s->sqlcursors;
    while (*pp) {
        if (!(*pp)->hold || ((*pp)->in_block && !committed)) {
            unlink_free(pp);
            continue;
        }
        (*pp)->in_block = false;
        pp = &(*pp)->next;
    }
}

void proxy__sqlcur_close_all(proxy_session_t *s)
{
    while (s->sqlcursors)
        unlink_free(&s->sqlcursors);
}
