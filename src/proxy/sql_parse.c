/*
 * proxy/sql_parse.c: client SQL through PostgreSQL 15's own grammar (libpg_query, Debian's
 * libpg-query-dev): comments, E'' and U&'' strings, dollar quoting, several statements in one
 * Query message and $n parameters are read exactly as PostgreSQL reads them. The tree comes
 * back as protobuf-c structs (pg_query/pg_query.pb-c.h) that the compiler walks.
 * Must not: look at the text itself; every decision is made on the tree.
 */
#include "proxy/pgfn_more.h"
#include "proxy/sql_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * The tree's nesting, counted on the serialized bytes before protobuf-c unpacks them. The
 * unpacking recurses at every nested message and checks nothing, and a left-deep chain
 * (1+1+...+1, x::int::int..., UNION after UNION) is as deep as the text is long: a few kB of
 * SQL would overflow the client thread's stack. PostgreSQL refuses such a query with 54001
 * (at about 4,000 operators with its 2 MB max_stack_depth); so does the proxy, at
 * MAX_TREE_DEPTH messages, about 3,500 operators (two messages a level: a Node and what it
 * holds), which leaves the unpacking more than a third of an 8 MB stack spare. The walk is a
 * loop over an explicit stack, guided by the message descriptors; bytes it cannot read are
 * left to the unpacking to refuse.
 */
#define MAX_TREE_DEPTH 7000

typedef struct {
    const ProtobufCMessageDescriptor *desc;
    size_t end;
} pb_frame_t;

static bool pb_varint(const uint8_t *p, size_t end, size_t *pos, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 64 && *pos < end; shift += 7) {
        uint8_t b = p[(*pos)++];
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

/* False when the tree nests deeper than MAX_TREE_DEPTH messages. */
static bool tree_depth_ok(const uint8_t *p, size_t len)
{
    pb_frame_t *st = am_xcalloc(MAX_TREE_DEPTH + 1, sizeof *st);
    size_t top = 0, pos = 0;
    bool ok = true;
    st[0] = (pb_frame_t){&pg_query__parse_result__descriptor, len};
    for (;;) {
        if (pos >= st[top].end) {
            if (top == 0)
                break;
            pos = st[top--].end;
            continue;
        }
        size_t end = st[top].end;
        uint64_t tag, n;
        if (!pb_varint(p, end, &pos, &tag))
            break;
        switch (tag & 7) {
        case 0:
            if (!pb_varint(p, end, &pos, &n))
                goto done;
            continue;
        case 1:
            pos += 8;
            continue;
        case 5:
            pos += 4;
            continue;
        case 2:
            break;
        default:
            goto done;
        }
        if (!pb_varint(p, end, &pos, &n) || n > end - pos)
            goto done;
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
            st[top].desc, (unsigned)(tag >> 3 > UINT32_MAX ? 0 : tag >> 3));
        if (f && f->type == PROTOBUF_C_TYPE_MESSAGE && f->descriptor) {
            if (top + 1 > MAX_TREE_DEPTH) {
                ok = false;
                goto done;
            }
            st[++top] = (pb_frame_t){f->descriptor, pos + (size_t)n};
        } else {
            pos += (size_t)n;
        }
    }
done:
    free(st);
    return ok;
}

/*
 * libpg_query itself recurses once a level when it writes its tree out (at 20,000-40,000
 * levels of a left-deep chain it overflows an 8 MB stack before returning anything). A tree
 * cannot be deeper than the query has tokens other than names, constants and commas, so a
 * query with few of those is parsed on the client thread; one with more (a long OR chain or
 * VALUES list, or something hostile) on a thread whose stack is sized by that count, a kB a
 * level, up to MAX_PARSE_LEVELS, past which it is refused as too deep, as PostgreSQL refuses
 * far shallower trees. Short texts cannot hold many tokens and are not scanned.
 */
#define DIRECT_PARSE_BYTES 10000
#define DIRECT_PARSE_LEVELS 10000
#define MAX_PARSE_LEVELS 64000
#define PARSE_STACK_PER_LEVEL 1024

/* An upper bound of the tree's depth from libpg_query's scanner (which does not recurse); 0
 * when the text does not scan (the parse fails at the same place, before it builds a tree). */
static size_t depth_bound(const char *sql)
{
    PgQueryScanResult r = pg_query_scan(sql);
    size_t bound = 0;
    PgQuery__ScanResult *scan =
        r.error ? NULL
                : pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
    pg_query_free_scan_result(r);
    if (!scan)
        return 0;
    for (size_t i = 0; i < scan->n_tokens; i++) {
        switch (scan->tokens[i]->token) {
        case PG_QUERY__TOKEN__IDENT:
        case PG_QUERY__TOKEN__UIDENT:
        case PG_QUERY__TOKEN__FCONST:
        case PG_QUERY__TOKEN__SCONST:
        case PG_QUERY__TOKEN__USCONST:
        case PG_QUERY__TOKEN__BCONST:
        case PG_QUERY__TOKEN__XCONST:
        case PG_QUERY__TOKEN__ICONST:
        case PG_QUERY__TOKEN__PARAM:
        case PG_QUERY__TOKEN__ASCII_44: /* , */
        case PG_QUERY__TOKEN__ASCII_59: /* ; */
        case PG_QUERY__TOKEN__SQL_COMMENT:
        case PG_QUERY__TOKEN__C_COMMENT:
            break;
        default:
            bound++;
        }
    }
    pg_query__scan_result__free_unpacked(scan, NULL);
    return bound;
}

typedef struct {
    const char *sql;
    PgQueryProtobufParseResult result;
} parse_job_t;

static void *parse_main(void *arg)
{
    parse_job_t *job = arg;
    job->result = pg_query_parse_protobuf(job->sql);
    return NULL;
}

/* pg_query_parse_protobuf, on a stack deep enough for the tree the text can make. */
static bool parse_safely(const char *sql, PgQueryProtobufParseResult *r, am_err_t *err)
{
    memset(r, 0, sizeof *r);
    size_t bound = strlen(sql) <= DIRECT_PARSE_BYTES ? 0 : depth_bound(sql);
    if (bound <= DIRECT_PARSE_LEVELS) {
        *r = pg_query_parse_protobuf(sql);
        return true;
    }
    if (bound > MAX_PARSE_LEVELS) {
        (void)am_err_set(err, "54001", "stack depth limit exceeded");
        return false;
    }
    parse_job_t job = {.sql = sql};
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) != 0) {
        (void)am_err_set(err, "53200", "out of memory: cannot start a thread to parse a query");
        return false;
    }
    bool started =
        pthread_attr_setstacksize(&attr, bound * PARSE_STACK_PER_LEVEL + ((size_t)1 << 20)) == 0 &&
        pthread_create(&th, &attr, parse_main, &job) == 0;
    pthread_attr_destroy(&attr);
    if (!started) {
        (void)am_err_set(err, "53200", "out of memory: cannot start a thread to parse a query");
        return false;
    }
    pthread_join(th, NULL);
    *r = job.result;
    return true;
}

/* Statement text of stmts[i]: stmt_len 0 means "to the end of the string". */
static char *stmt_text(const char *sql, const PgQuery__RawStmt *rs)
{
    size_t len = strlen(sql), off = (size_t)rs->stmt_location;
    if (rs->stmt_location < 0 || off > len)
        off = len;
    size_t n = rs->stmt_len > 0 ? (size_t)rs->stmt_len : len - off;
    if (n > len - off)
        n = len - off;
    while (n > 0 && (sql[off] == ' ' || sql[off] == '\n' || sql[off] == '\t' || sql[off] == '\r')) {
        off++;
        n--;
    }
    return am_xstrndup(sql + off, n);
}

bool proxy__sql_parse(const char *sql, proxy_sqlparse_t *out, int *position, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    *position = 0;
    /* PostgreSQL checks the encoding of a message's string before anything reads it */
    if (!proxy__utf8_verify(sql, strlen(sql), err))
        return false;
    PgQueryProtobufParseResult r;
    if (!parse_safely(sql, &r, err))
        return false;
    if (r.error) {
        *position = r.error->cursorpos;
        am_err_set(err, AM_SQLSTATE_SYNTAX, "%s",
                   r.error->message ? r.error->message : "syntax error");
        pg_query_free_protobuf_parse_result(r);
        return false;
    }
    if (!tree_depth_ok((const uint8_t *)r.parse_tree.data, r.parse_tree.len)) {
        pg_query_free_protobuf_parse_result(r);
        return am_err_set(err, "54001", "stack depth limit exceeded");
    }
    out->tree =
        pg_query__parse_result__unpack(NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
    pg_query_free_protobuf_parse_result(r);
    if (!out->tree)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "libpg_query: cannot read its parse tree");
    out->stmts = am_xcalloc(out->tree->n_stmts + 1, sizeof *out->stmts);
    for (size_t i = 0; i < out->tree->n_stmts; i++) {
        const PgQuery__RawStmt *rs = out->tree->stmts[i];
        if (!rs || !rs->stmt)
            continue;
        out->stmts[out->n_stmts].node = rs->stmt;
        out->stmts[out->n_stmts].text = stmt_text(sql, rs);
        out->n_stmts++;
    }
    return true;
}

void proxy__sql_parse_destroy(proxy_sqlparse_t *p)
{
    for (size_t i = 0; i < p->n_stmts; i++)
        free(p->stmts[i].text);
    free(p->stmts);
    if (p->tree)
        pg_query__parse_result__free_unpacked(p->tree, NULL);
    memset(p, 0, sizeof *p);
}
