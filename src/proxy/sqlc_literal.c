/*
 * proxy/sqlc_literal.c: typed literals read at compile time with PostgreSQL's input rules
 * ('42'::int, 'yes'::boolean, '{...}'::uuid, '\x01'::bytea, 'orders'::regclass, enum labels),
 * so a bad literal fails with PostgreSQL's SQLSTATE and message before DuckDB sees anything,
 * as PostgreSQL's planner also folds such casts. Types whose input depends on session settings
 * or needs a full parser (dates, numerics, json) are converted at run time by am_* functions.
 */
#include "proxy/sqlc_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool bad_input(sqlc_ctx_t *c, const char *type, const char *text)
{
    return sqlc_fail(c, "22P02", "invalid input syntax for type %s: \"%s\"", type, text);
}

/* int2in/int4in/int8in: optional spaces, sign, digits, spaces. */
bool sqlc_lit_int(sqlc_ctx_t *c, const char *text, uint32_t oid, sqlc_val_t *out)
{
    const char *tname = oid == PG_OID_INT2 ? "smallint" : oid == PG_OID_INT4 ? "integer" : "bigint";
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return bad_input(c, tname, text);
    uint64_t v = 0;
    bool over = false;
    while (isdigit((unsigned char)*p)) {
        unsigned d = (unsigned)(*p++ - '0');
        if (v > (UINT64_MAX - d) / 10)
            over = true;
        else
            v = v * 10 + d;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return bad_input(c, tname, text);
    uint64_t lim = oid == PG_OID_INT2 ? 32767u : oid == PG_OID_INT4 ? 2147483647u : INT64_MAX;
    if (over || v > lim + (neg ? 1u : 0u))
        return sqlc_fail(c, "22003", "value \"%s\" is out of range for type %s", text, tname);
    const char *duck = oid == PG_OID_INT2 ? "SMALLINT" : oid == PG_OID_INT4 ? "INTEGER" : "BIGINT";
    *out = sqlc_val_of(
        sqlc_printf(c, "CAST(%s%llu AS %s)", neg ? "-" : "", (unsigned long long)v, duck),
        sqlc_type(oid));
    out->is_const = true;
    return true;
}

/* boolin: unique prefixes of true/false/yes/no, on/off (two letters at least), 1/0. */
bool sqlc_lit_bool(sqlc_ctx_t *c, const char *text, sqlc_val_t *out)
{
    int r = proxy__bool_text(text, strlen(text));
    if (r < 0)
        return bad_input(c, "boolean", text);
    *out = sqlc_val_of(sqlc_strdup(c, r ? "true" : "false"), sqlc_type(PG_OID_BOOL));
    out->is_const = true;
    return true;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* uuid_in: optional braces, 32 hex digits, a hyphen allowed after any group of four. */
bool sqlc_lit_uuid(sqlc_ctx_t *c, const char *text, sqlc_val_t *out)
{
    const char *p = text;
    bool brace = *p == '{';
    p += brace;
    char hex[33];
    size_t n = 0;
    while (n < 32) {
        if (hexval(*p) < 0)
            return bad_input(c, "uuid", text);
        hex[n++] = (char)tolower((unsigned char)*p++);
        if (n % 4 == 0 && n < 32 && *p == '-')
            p++;
    }
    hex[32] = '\0';
    if (brace && *p++ != '}')
        return bad_input(c, "uuid", text);
    if (*p)
        return bad_input(c, "uuid", text);
    *out = sqlc_val_of(sqlc_printf(c, "CAST('%.8s-%.4s-%.4s-%.4s-%.12s' AS UUID)", hex, hex + 8,
                                   hex + 12, hex + 16, hex + 20),
                       sqlc_type(PG_OID_UUID));
    out->is_const = true;
    return true;
}

static bool bytea_escape(const char *p, am_buf_t *hex, bool *bad)
{
    static const char digits[] = "0123456789abcdef";
    while (*p) {
        unsigned v;
        if (*p != '\\') {
            v = (unsigned char)*p++;
        } else if (p[1] == '\\') {
            v = '\\';
            p += 2;
        } else if (p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
                   p[3] <= '7') {
            v = (unsigned)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 4;
        } else {
            *bad = true;
            return false;
        }
        am_buf_putc(hex, digits[v >> 4]);
        am_buf_putc(hex, digits[v & 15]);
    }
    return true;
}

/* byteain: "\x" hex (whitespace between pairs allowed) or the escape format. */
bool sqlc_lit_bytea(sqlc_ctx_t *c, const char *text, sqlc_val_t *out)
{
    am_buf_t hex;
    am_buf_init(&hex);
    bool bad = false;
    if (text[0] == '\\' && text[1] == 'x') {
        for (const char *p = text + 2; *p && !bad;) {
            if (isspace((unsigned char)*p)) {
                p++;
                continue;
            }
            /* hex_decode's order of checks: the first digit, the pair's end, the second */
            const char *badc = hexval(p[0]) < 0   ? p
                               : !p[1]            ? NULL
                               : hexval(p[1]) < 0 ? p + 1
                                                  : NULL;
            if (badc || !p[1]) {
                am_buf_destroy(&hex);
                if (!badc)
                    return sqlc_fail(c, "22023", "invalid hexadecimal data: odd number of digits");
                int len = ((unsigned char)*badc & 0xE0) == 0xC0   ? 2
                          : ((unsigned char)*badc & 0xF0) == 0xE0 ? 3
                          : ((unsigned char)*badc & 0xF8) == 0xF0 ? 4
                                                                  : 1;
                return sqlc_fail(c, "22023", "invalid hexadecimal digit: \"%.*s\"", len, badc);
            }
            am_buf_putc(&hex, (char)tolower((unsigned char)p[0]));
            am_buf_putc(&hex, (char)tolower((unsigned char)p[1]));
            p += 2;
        }
        (void)bad;
    } else if (!bytea_escape(text, &hex, &bad)) {
        am_buf_destroy(&hex);
        return bad_input(c, "bytea", text);
    }
    *out = sqlc_val_of(sqlc_printf(c, "from_hex('%s')", hex.data ? hex.data : ""),
                       sqlc_type(PG_OID_BYTEA));
    out->is_const = true;
    am_buf_destroy(&hex);
    return true;
}

/* float4in/float8in: strtod's syntax plus PostgreSQL's spellings of the special values. The
 * value is written back with round-trip digits, so DuckDB reads exactly the same double. */
bool sqlc_lit_float(sqlc_ctx_t *c, const char *text, uint32_t oid, sqlc_val_t *out)
{
    bool f4 = oid == PG_OID_FLOAT4;
    const char *tname = f4 ? "real" : "double precision";
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    char *end = NULL;
    errno = 0;
    double d = f4 ? (double)strtof(p, &end) : strtod(p, &end);
    if (end == p)
        return bad_input(c, tname, text);
    bool range = errno == ERANGE;
    const char *q = end;
    while (isspace((unsigned char)*q))
        q++;
    if (*q)
        return bad_input(c, tname, text);
    /* PostgreSQL accepts denormals; only true overflow or underflow to zero is an error */
    if (range && (isinf(d) || d == 0))
        return sqlc_fail(c, "22003", "\"%s\" is out of range for type %s", text, tname);
    const char *lit = isnan(d)   ? "'NaN'"
                      : isinf(d) ? (d > 0 ? "'Infinity'" : "'-Infinity'")
                                 : sqlc_printf(c, "'%.*g'", f4 ? 9 : 17, d);
    *out =
        sqlc_val_of(sqlc_printf(c, "CAST(%s AS %s)", lit, f4 ? "FLOAT" : "DOUBLE"), sqlc_type(oid));
    out->is_const = true;
    return true;
}

/* stringToQualifiedNameList: dot-separated names, "quoted" kept as is, others lower-cased. */
static size_t split_names(sqlc_ctx_t *c, const char *text, char **parts, size_t max, bool *bad)
{
    size_t n = 0;
    const char *p = text;
    *bad = false;
    while (isspace((unsigned char)*p))
        p++;
    for (;;) {
        am_buf_t b;
        am_buf_init(&b);
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"')
                    p++;
                am_buf_putc(&b, *p);
            }
            *bad = *bad || *p != '"' || b.len == 0;
            p += *p == '"';
        } else {
            for (; *p && *p != '.' && !isspace((unsigned char)*p); p++)
                am_buf_putc(&b, (char)tolower((unsigned char)*p));
            *bad = *bad || b.len == 0;
        }
        if (n < max)
            parts[n] = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
        n++;
        am_buf_destroy(&b);
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '.')
            break;
        p++;
        while (isspace((unsigned char)*p))
            p++;
    }
    *bad = *bad || *p != '\0' || n > max;
    return n;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static const proxy_pgrel_t *find_rel(sqlc_ctx_t *c, char **parts, size_t n)
{
    if (!c->cat)
        return NULL;
    if (n >= 2)
        return proxy__pgcat_rel_find(c->cat, parts[n - 2], parts[n - 1]);
    const proxy_pgrel_t *r = proxy__pgcat_rel_find(c->cat, "pg_catalog", parts[0]);
    for (size_t i = 0; !r && i < c->env_path_n; i++)
        r = proxy__pgcat_rel_find(c->cat, c->env_path[i], parts[0]);
    return r;
}

static bool reg_oid(sqlc_ctx_t *c, uint32_t oid, uint32_t type, sqlc_val_t *out)
{
    *out = sqlc_val_of(sqlc_printf(c, "CAST(%u AS BIGINT)", oid), sqlc_type(type));
    out->is_const = true;
    return true;
}

bool sqlc_lit_reg(sqlc_ctx_t *c, const char *text, uint32_t oid, sqlc_val_t *out)
{
    if (all_digits(text) || strcmp(text, "-") == 0)
        return reg_oid(c, (uint32_t)strtoul(text, NULL, 10), oid, out);
    char *parts[4];
    bool bad = false;
    size_t n = split_names(c, text, parts, 3, &bad);
    if (oid == PG_OID_REGCLASS) {
        if (bad)
            return sqlc_fail(c, "42602", "invalid name syntax");
        const proxy_pgrel_t *r = find_rel(c, parts, n);
        if (!r)
            return sqlc_fail(c, "42P01", "relation \"%s\" does not exist", text);
        return reg_oid(c, r->oid, oid, out);
    }
    if (oid == PG_OID_REGNAMESPACE) {
        uint32_t nsp = !bad && n == 1 && c->cat ? proxy__pgcat_nsp_find(c->cat, parts[0]) : 0;
        if (bad || n != 1)
            return sqlc_fail(c, "42602", "invalid name syntax");
        if (!nsp)
            return sqlc_fail(c, "3F000", "schema \"%s\" does not exist", parts[0]);
        return reg_oid(c, nsp, oid, out);
    }
    if (oid == PG_OID_REGROLE) {
        uint32_t r = !bad && n == 1 && c->cat ? proxy__pgcat_role_find(c->cat, parts[0]) : 0;
        if (bad || n != 1)
            return sqlc_fail(c, "42602", "invalid name syntax");
        if (!r)
            return sqlc_fail(c, "42704", "role \"%s\" does not exist", parts[0]);
        return reg_oid(c, r, oid, out);
    }
    if (oid == PG_OID_REGTYPE)
        return sqlc_lit_regtype(c, text, out);
    if (oid == PG_OID_REGPROC && !bad && n >= 1 && n <= 2 && c->cat) {
        /* regprocin: a name that must be unique; pg_catalog is on every path */
        uint32_t nsp = n == 2 ? proxy__pgcat_nsp_find(c->cat, parts[0]) : 0;
        if (n == 2 && !nsp)
            return sqlc_fail(c, "3F000", "schema \"%s\" does not exist", parts[0]);
        size_t count = 0;
        uint32_t p = proxy__pgcat_proc_find(c->cat, nsp, parts[n - 1], &count);
        if (count > 1)
            return sqlc_fail(c, "42725", "more than one function named \"%s\"", text);
        if (!p)
            return sqlc_fail(c, "42883", "function \"%s\" does not exist", text);
        return reg_oid(c, p, oid, out);
    }
    return sqlc_fail(c, "0A000", "input of type %s is not supported on the mirror",
                     sqlc_type_name(c, sqlc_type(oid)));
}

/* regtypein reads a type name with the grammar's type syntax: parse "SELECT NULL::<text>". */
bool sqlc_lit_regtype(sqlc_ctx_t *c, const char *text, sqlc_val_t *out)
{
    char *sql = am_xasprintf("SELECT NULL::%s", text);
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
    free(sql);
    PgQuery__ParseResult *tree = NULL;
    bool ok = false;
    if (!r.error)
        tree = pg_query__parse_result__unpack(NULL, r.parse_tree.len,
                                              (const uint8_t *)r.parse_tree.data);
    pg_query_free_protobuf_parse_result(r);
    const PgQuery__Node *st = tree && tree->n_stmts == 1 ? tree->stmts[0]->stmt : NULL;
    const PgQuery__SelectStmt *sel =
        st && st->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ? st->select_stmt : NULL;
    const PgQuery__Node *tgt = sel && sel->n_target_list == 1 ? sel->target_list[0] : NULL;
    const PgQuery__Node *val =
        tgt && tgt->node_case == PG_QUERY__NODE__NODE_RES_TARGET ? tgt->res_target->val : NULL;
    if (val && val->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
        proxy_pgtype_ref_t t;
        ok = sqlc_typename(c, val->type_cast->type_name, &t) &&
             reg_oid(c, t.oid, PG_OID_REGTYPE, out);
    } else {
        ok = sqlc_fail(c, "42601", "syntax error in type name \"%s\"", text);
    }
    if (tree)
        pg_query__parse_result__free_unpacked(tree, NULL);
    return ok;
}
