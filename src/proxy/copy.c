/*
 * proxy/copy.c: COPY (query) TO STDOUT and COPY table [(columns)] TO STDOUT in PostgreSQL's
 * text, csv and binary formats (psql's \copy ... to, pg_dump-style exports, psycopg's copy).
 * The rows come from the same compiled query path as SELECT; each value is the type's text
 * output (or send format for binary), quoted or escaped as COPY does. COPY FROM and COPY to a
 * file are refused in proxy/stmt.c.
 * Spec: PostgreSQL docs "COPY" (File Formats); postgres.md section 4.6 (CopyOutResponse).
 */
#include "proxy/proxy_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct copy_opts {
    int format; /* 0 text, 1 csv, 2 binary */
    bool header;
    char delim;
    char quote;
    char escape;
    const char *null_str;
    const char *const *force_quote; /* column names, or all when force_all */
    size_t n_force;
    bool force_all;
} copy_opts_t;

static const char *opt_str(const PgQuery__DefElem *d)
{
    const PgQuery__Node *a = d->arg;
    if (a && a->node_case == PG_QUERY__NODE__NODE_STRING)
        return a->string->sval;
    /* sval shares a union with the other constants' pointers: only a string's counts */
    if (a && a->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL && a->a_const->sval)
        return a->a_const->sval->sval;
    return NULL;
}

static bool opt_bool(const PgQuery__DefElem *d)
{
    const PgQuery__Node *a = d->arg;
    if (!a)
        return true;
    if (a->node_case == PG_QUERY__NODE__NODE_BOOLEAN)
        return a->boolean->boolval;
    if (a->node_case == PG_QUERY__NODE__NODE_INTEGER)
        return a->integer->ival != 0;
    const char *s = opt_str(d);
    return s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "on") == 0 || strcmp(s, "1") == 0);
}

static bool one_char(const PgQuery__DefElem *d, char *out, am_err_t *err)
{
    const char *s = opt_str(d);
    if (!s || strlen(s) != 1)
        return am_err_set(err, "0A000", "COPY %s must be a single one-byte character", d->defname);
    *out = s[0];
    return true;
}

static bool parse_opt(const PgQuery__DefElem *d, copy_opts_t *o, am_err_t *err)
{
    const char *n = d->defname ? d->defname : "";
    if (!strcmp(n, "format")) {
        const char *f = opt_str(d);
        o->format = f && !strcasecmp(f, "csv") ? 1 : f && !strcasecmp(f, "binary") ? 2 : 0;
        if (f && (o->format != 0 || strcasecmp(f, "text") == 0))
            return true;
        const PgQuery__Node *a = d->arg; /* FORMAT 1: PostgreSQL names the number */
        if (!f && a && a->node_case == PG_QUERY__NODE__NODE_INTEGER)
            return am_err_set(err, "22023", "COPY format \"%d\" not recognized", a->integer->ival);
        if (!f && a && a->node_case == PG_QUERY__NODE__NODE_FLOAT && a->float_->fval)
            f = a->float_->fval;
        return am_err_set(err, "22023", "COPY format \"%s\" not recognized", f ? f : "");
    }
    if (!strcmp(n, "header"))
        return (o->header = opt_bool(d)), true;
    if (!strcmp(n, "delimiter"))
        return one_char(d, &o->delim, err);
    if (!strcmp(n, "quote"))
        return one_char(d, &o->quote, err);
    if (!strcmp(n, "escape"))
        return one_char(d, &o->escape, err);
    if (!strcmp(n, "null"))
        return (o->null_str = opt_str(d)), true;
    if (!strcmp(n, "encoding")) {
        const char *e = opt_str(d);
        return (e && (!strcasecmp(e, "UTF8") || !strcasecmp(e, "UTF-8"))) ||
               am_err_set(err, "0A000", "COPY encoding \"%s\" is not supported on the mirror",
                          e ? e : "");
    }
    if (!strcmp(n, "force_quote")) {
        if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_A_STAR)
            return (o->force_all = true), true;
        return am_err_set(err, "0A000",
                          "FORCE_QUOTE with a column list is not supported on "
                          "the mirror (FORCE_QUOTE * is)");
    }
    return am_err_set(err, "42601", "option \"%s\" not recognized", n);
}

static bool options(const PgQuery__CopyStmt *c, copy_opts_t *o, am_err_t *err)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < c->n_options; i++)
        if (!parse_opt(c->options[i]->def_elem, o, err))
            return false;
    if (!o->delim)
        o->delim = o->format == 1 ? ',' : '\t';
    if (!o->quote)
        o->quote = '"';
    if (!o->escape)
        o->escape = o->quote;
    if (!o->null_str)
        o->null_str = o->format == 1 ? "" : "\\N";
    if (o->header && o->format == 0)
        return am_err_set(err, "0A000", "cannot specify HEADER in TEXT mode on the mirror");
    return true;
}

/* COPY table [(cols)] TO STDOUT reads as SELECT cols FROM table: parsed like any query. */
static PgQuery__ParseResult *table_query(const PgQuery__CopyStmt *c, am_err_t *err)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "SELECT ");
    for (size_t i = 0; i < c->n_attlist; i++) {
        const PgQuery__Node *a = c->attlist[i];
        am_buf_puts(&b, i ? ", " : "");
        am_sql_ident(&b, a->node_case == PG_QUERY__NODE__NODE_STRING ? a->string->sval : "");
    }
    if (!c->n_attlist)
        am_buf_puts(&b, "*");
    am_buf_puts(&b, " FROM ONLY ");
    if (c->relation->schemaname && c->relation->schemaname[0]) {
        am_sql_ident(&b, c->relation->schemaname);
        am_buf_putc(&b, '.');
    }
    am_sql_ident(&b, c->relation->relname);
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(b.data);
    am_buf_destroy(&b);
    PgQuery__ParseResult *tree = NULL;
    if (!r.error)
        tree = pg_query__parse_result__unpack(NULL, r.parse_tree.len,
                                              (const uint8_t *)r.parse_tree.data);
    pg_query_free_protobuf_parse_result(r);
    if (!tree)
        am_err_set(err, AM_SQLSTATE_INTERNAL, "cannot build the COPY query");
    return tree;
}

/* One text-format field: backslash escapes for the delimiter, newlines, tabs, backslash. */
static void text_field(const char *p, size_t n, const copy_opts_t *o, am_buf_t *out)
{
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        /* control characters by their letters first (a tab delimiter included), as COPY does */
        if (ch == '\n' || ch == '\r' || ch == '\t' || ch == '\b' || ch == '\f' || ch == '\v') {
            static const char map[] = {
                ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't', ['\b'] = 'b', ['\f'] = 'f', ['\v'] = 'v'};
            am_buf_putc(out, '\\');
            am_buf_putc(out, map[(unsigned char)ch]);
        } else if (ch == '\\' || ch == o->delim) {
            am_buf_putc(out, '\\');
            am_buf_putc(out, ch);
        } else {
            am_buf_putc(out, ch);
        }
    }
}

/* One CSV field: quoted when it holds the delimiter, quote, CR/LF or equals the NULL text. */
static void csv_field(const char *p, size_t n, const copy_opts_t *o, bool force, am_buf_t *out)
{
    bool q = force || n == 0 || (strlen(o->null_str) == n && !memcmp(p, o->null_str, n));
    for (size_t i = 0; i < n && !q; i++)
        q = p[i] == o->delim || p[i] == o->quote || p[i] == '\n' || p[i] == '\r';
    if (n > 0 && p[0] == '\\' && n == 2 && p[1] == '.')
        q = true; /* \. alone would end the data */
    if (!q) {
        am_buf_append(out, p, n);
        return;
    }
    am_buf_putc(out, o->quote);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == o->quote || p[i] == o->escape)
            am_buf_putc(out, o->escape);
        am_buf_putc(out, p[i]);
    }
    am_buf_putc(out, o->quote);
}

typedef struct copy_run {
    proxy_session_t *s;
    const copy_opts_t *o;
    am_buf_t val;
    uint64_t rows;
} copy_run_t;

static bool forced(const copy_opts_t *o)
{
    return o->force_all;
}

static bool copy_row(void *ud, proxy_cursor_t *c, idx_t row)
{
    copy_run_t *r = ud;
    const copy_opts_t *o = r->o;
    am_buf_t *out = &r->s->out;
    size_t off = proxy__msg_begin(out, 'd');
    if (o->format == 2)
        am_buf_put_u16(out, (uint16_t)c->n_cols);
    for (size_t i = 0; i < c->n_cols; i++) {
        am_buf_reset(&r->val);
        bool present = proxy__value_encode(r->s, &c->cols[i], c->cols[i].vec, row,
                                           (int16_t)(o->format == 2 ? 1 : 0), &r->val);
        if (o->format == 2) {
            am_buf_append(out, r->val.data, r->val.len); /* length-prefixed already */
            continue;
        }
        if (i)
            am_buf_putc(out, o->delim);
        if (!present) {
            am_buf_puts(out, o->null_str);
            continue;
        }
        const char *p = r->val.data + 4;
        size_t n = r->val.len - 4;
        if (o->format == 1)
            csv_field(p, n, o, forced(o), out);
        else
            text_field(p, n, o, out);
    }
    if (o->format != 2)
        am_buf_putc(out, '\n');
    proxy__msg_end(out, off);
    r->rows++;
    if (out->len >= PROXY_FLUSH_BYTES)
        proxy__maybe_flush(r->s);
    return !r->s->io_failed;
}

static void copy_start(proxy_session_t *s, const proxy_cursor_t *cur, const copy_opts_t *o)
{
    am_buf_t *out = &s->out;
    size_t off = proxy__msg_begin(out, 'H');
    am_buf_put_u8(out, o->format == 2 ? 1 : 0);
    am_buf_put_u16(out, (uint16_t)cur->n_cols);
    for (size_t i = 0; i < cur->n_cols; i++)
        am_buf_put_u16(out, o->format == 2 ? 1 : 0);
    proxy__msg_end(out, off);
    if (o->format == 2) {
        off = proxy__msg_begin(out, 'd');
        am_buf_append(out, "PGCOPY\n\377\r\n\0", 11);
        am_buf_put_u32(out, 0);
        am_buf_put_u32(out, 0);
        proxy__msg_end(out, off);
    } else if (o->header) {
        off = proxy__msg_begin(out, 'd');
        for (size_t i = 0; i < cur->n_cols; i++) {
            if (i)
                am_buf_putc(out, o->delim);
            csv_field(cur->cols[i].name, strlen(cur->cols[i].name), o, forced(o), out);
        }
        am_buf_putc(out, '\n');
        proxy__msg_end(out, off);
    }
}

bool proxy__copy_out(proxy_session_t *s, const PgQuery__CopyStmt *c, am_err_t *err)
{
    copy_opts_t o;
    if (!options(c, &o, err))
        return false;
    PgQuery__ParseResult *tree = NULL;
    const PgQuery__Node *node = c->query;
    if (!node) {
        if (!c->relation)
            return am_err_set(err, "42601", "COPY needs a table or a query");
        tree = table_query(c, err);
        if (!tree)
            return false;
        node = tree->stmts[0]->stmt;
    }
    proxy_cursor_t cur;
    proxy_params_t none = {0};
    bool ok =
        proxy__session_read_tx(s, err) && proxy__query_open(s, node, NULL, 0, &none, &cur, err);
    if (tree)
        pg_query__parse_result__free_unpacked(tree, NULL);
    if (!ok)
        return false;
    int16_t f = o.format == 2 ? 1 : 0;
    if (!proxy__cursor_set_formats(&cur, &f, 1, s->cat, err)) {
        proxy__cursor_close(&cur);
        return false;
    }
    copy_start(s, &cur, &o);
    copy_run_t run = {.s = s, .o = &o};
    am_buf_init(&run.val);
    ok = proxy__cursor_rows(s, &cur, copy_row, &run, err);
    am_buf_destroy(&run.val);
    proxy__cursor_close(&cur);
    if (!ok)
        return false;
    if (o.format == 2) {
        size_t off = proxy__msg_begin(&s->out, 'd');
        am_buf_put_u16(&s->out, 0xFFFF);
        proxy__msg_end(&s->out, off);
    }
    proxy__wire_empty(&s->out, 'c');
    char tag[48];
    snprintf(tag, sizeof tag, "COPY %llu", (unsigned long long)run.rows);
    proxy__wire_complete(&s->out, tag);
    return true;
}
