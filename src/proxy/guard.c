/*
 * proxy/guard.c: the gate between clients and DuckDB. Only reads (SELECT and EXPLAIN of a
 * SELECT) are prepared for execution; writes, DDL, ATTACH, COPY, INSTALL/LOAD, PRAGMA, SET,
 * CALL are refused before anything runs. Also maps DuckDB errors to PostgreSQL SQLSTATEs.
 * The DuckDB database is locked down as well (proxy/catalog.c): this is the first wall, the
 * lockdown the second.
 */
#include "proxy/proxy_internal.h"

#include <string.h>

/* First line of DuckDB's message; the rest (LINE 1: ..., Did you mean) is left out. */
static void first_line(const char *msg, char *out, size_t cap)
{
    size_t n = strcspn(msg, "\n");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, msg, n);
    out[n] = '\0';
}

static const char *catalog_state(const char *msg)
{
    if (strstr(msg, "Function with name") || strstr(msg, "Macro Function"))
        return "42883";
    if (strstr(msg, "Schema with name"))
        return "3F000";
    if (strstr(msg, "with name") || strstr(msg, "does not exist"))
        return AM_SQLSTATE_UNDEFINED_TABLE;
    return PROXY_SQLSTATE_UNDEFINED_OBJECT;
}

static const char *binder_state(const char *msg)
{
    if (strstr(msg, "function") || strstr(msg, "Function"))
        return "42883";
    if (strstr(msg, "column") || strstr(msg, "Column"))
        return "42703";
    if (strstr(msg, "GROUP BY") || strstr(msg, "aggregate"))
        return "42803";
    return "42601";
}

void proxy__duck_error(am_err_t *err, duckdb_error_type type, const char *msg)
{
    if (!msg)
        msg = "unknown DuckDB error";
    const char *state = AM_SQLSTATE_INTERNAL;
    switch (type) {
    case DUCKDB_ERROR_PARSER:
    case DUCKDB_ERROR_SYNTAX:
        state = AM_SQLSTATE_SYNTAX;
        break;
    case DUCKDB_ERROR_CATALOG:
        state = catalog_state(msg);
        break;
    case DUCKDB_ERROR_BINDER:
        state = binder_state(msg);
        break;
    case DUCKDB_ERROR_CONVERSION:
    case DUCKDB_ERROR_INVALID_INPUT:
        state = AM_SQLSTATE_BAD_INPUT;
        break;
    case DUCKDB_ERROR_OUT_OF_RANGE:
        state = "22003";
        break;
    case DUCKDB_ERROR_DIVIDE_BY_ZERO:
        state = "22012";
        break;
    case DUCKDB_ERROR_INTERRUPT:
        if (err)
            am_err_set(err, PROXY_SQLSTATE_CANCELED, "canceling statement due to user request");
        return;
    case DUCKDB_ERROR_PERMISSION:
        state = PROXY_SQLSTATE_PRIVILEGE;
        break;
    case DUCKDB_ERROR_NOT_IMPLEMENTED:
        state = AM_SQLSTATE_UNSUPPORTED;
        break;
    case DUCKDB_ERROR_OUT_OF_MEMORY:
        state = "53200";
        break;
    case DUCKDB_ERROR_MISMATCH_TYPE:
        state = "42804";
        break;
    case DUCKDB_ERROR_IO:
        state = AM_SQLSTATE_IO;
        break;
    default:
        break;
    }
    char line[400];
    first_line(msg, line, sizeof line);
    am_err_set(err, state, "%s", line);
}

/* Prepare errors carry only text: recover the type from DuckDB's "<Kind> Error:" prefix. */
static duckdb_error_type type_from_text(const char *msg)
{
    static const struct {
        const char *prefix;
        duckdb_error_type type;
    } kinds[] = {
        {"Parser Error", DUCKDB_ERROR_PARSER},
        {"Catalog Error", DUCKDB_ERROR_CATALOG},
        {"Binder Error", DUCKDB_ERROR_BINDER},
        {"Conversion Error", DUCKDB_ERROR_CONVERSION},
        {"Permission Error", DUCKDB_ERROR_PERMISSION},
        {"Not implemented Error", DUCKDB_ERROR_NOT_IMPLEMENTED},
        {"Invalid Input Error", DUCKDB_ERROR_INVALID_INPUT},
        {"Out of Range Error", DUCKDB_ERROR_OUT_OF_RANGE},
        {"INTERRUPT Error", DUCKDB_ERROR_INTERRUPT},
    };
    for (size_t i = 0; msg && i < AM_ARRAY_LEN(kinds); i++)
        if (strncmp(msg, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
            return kinds[i].type;
    return DUCKDB_ERROR_INVALID;
}

static bool refuse(duckdb_statement_type t, am_err_t *err)
{
    switch (t) {
    case DUCKDB_STATEMENT_TYPE_SELECT:
    case DUCKDB_STATEMENT_TYPE_EXPLAIN:
        return true;
    case DUCKDB_STATEMENT_TYPE_INSERT:
    case DUCKDB_STATEMENT_TYPE_UPDATE:
    case DUCKDB_STATEMENT_TYPE_DELETE:
    case DUCKDB_STATEMENT_TYPE_CREATE:
    case DUCKDB_STATEMENT_TYPE_CREATE_FUNC:
    case DUCKDB_STATEMENT_TYPE_ALTER:
    case DUCKDB_STATEMENT_TYPE_DROP:
    case DUCKDB_STATEMENT_TYPE_COPY:
    case DUCKDB_STATEMENT_TYPE_EXPORT:
    case DUCKDB_STATEMENT_TYPE_ANALYZE:
    case DUCKDB_STATEMENT_TYPE_VACUUM:
    case DUCKDB_STATEMENT_TYPE_ATTACH:
    case DUCKDB_STATEMENT_TYPE_DETACH:
        return am_err_set(err, PROXY_SQLSTATE_READ_ONLY,
                          "cannot execute this statement in a read-only transaction: "
                          "the mirror serves reads only");
    default:
        return am_err_set(err, PROXY_SQLSTATE_PRIVILEGE,
                          "permission denied: only SELECT and EXPLAIN may run on the mirror");
    }
}

/* Start of the statement an EXPLAIN wraps: past EXPLAIN, ANALYZE, VERBOSE and (options). */
static size_t explain_inner(const char *sql, size_t len)
{
    proxy_tok_t t;
    size_t pos = proxy__sql_token(sql, len, 0, &t);
    for (;;) {
        size_t next = proxy__sql_token(sql, len, pos, &t);
        if (proxy__tok_is(sql, &t, "ANALYZE") || proxy__tok_is(sql, &t, "ANALYSE") ||
            proxy__tok_is(sql, &t, "VERBOSE")) {
            pos = next;
            continue;
        }
        if (t.kind == PROXY_TOK_SYMBOL && sql[t.off] == '(') {
            int depth = 0;
            do {
                if (t.kind == PROXY_TOK_SYMBOL && sql[t.off] == '(')
                    depth++;
                if (t.kind == PROXY_TOK_SYMBOL && sql[t.off] == ')')
                    depth--;
                pos = next;
                next = proxy__sql_token(sql, len, pos, &t);
            } while (depth > 0 && t.kind != PROXY_TOK_END);
            continue;
        }
        return t.off;
    }
}

static duckdb_prepared_statement prepare_one(duckdb_connection con, const char *sql, bool inner,
                                             am_err_t *err);

/* EXPLAIN ANALYZE runs its statement: what it wraps must pass the guard on its own. */
static bool explain_ok(duckdb_connection con, const char *sql, am_err_t *err)
{
    size_t off = explain_inner(sql, strlen(sql));
    duckdb_prepared_statement ps = prepare_one(con, sql + off, true, err);
    if (!ps)
        return false;
    duckdb_statement_type t = duckdb_prepared_statement_type(ps);
    duckdb_destroy_prepare(&ps);
    if (t != DUCKDB_STATEMENT_TYPE_SELECT)
        return refuse(t == DUCKDB_STATEMENT_TYPE_EXPLAIN ? DUCKDB_STATEMENT_TYPE_CALL : t, err);
    return true;
}

/* Refuses by the leading keyword before DuckDB binds anything (binding COPY or ATTACH would
 * already touch the filesystem checks). The statement type check after prepare still runs. */
static bool keyword_ok(const char *sql, am_err_t *err)
{
    static const char *const writes[] = {"INSERT",     "UPDATE",  "DELETE",   "MERGE",  "CREATE",
                                         "ALTER",      "DROP",    "COPY",     "EXPORT", "IMPORT",
                                         "ATTACH",     "DETACH",  "TRUNCATE", "VACUUM", "ANALYZE",
                                         "CHECKPOINT", "COMMENT", "UPSERT",   "REPLACE"};
    static const char *const others[] = {"INSTALL", "LOAD",       "FORCE", "PRAGMA",
                                         "CALL",    "SET",        "RESET", "PREPARE",
                                         "EXECUTE", "DEALLOCATE", "USE",   "UPDATE_EXTENSIONS"};
    proxy_tok_t t;
    (void)proxy__sql_token(sql, strlen(sql), 0, &t);
    for (size_t i = 0; i < AM_ARRAY_LEN(writes); i++)
        if (proxy__tok_is(sql, &t, writes[i]))
            return refuse(DUCKDB_STATEMENT_TYPE_INSERT, err);
    for (size_t i = 0; i < AM_ARRAY_LEN(others); i++)
        if (proxy__tok_is(sql, &t, others[i]))
            return refuse(DUCKDB_STATEMENT_TYPE_CALL, err);
    return true;
}

static duckdb_prepared_statement prepare_one(duckdb_connection con, const char *sql, bool inner,
                                             am_err_t *err)
{
    if (!keyword_ok(sql, err))
        return NULL;
    duckdb_extracted_statements ex = NULL;
    duckdb_prepared_statement ps = NULL;
    idx_t n = duckdb_extract_statements(con, sql, &ex);
    if (n == 0) {
        const char *m = duckdb_extract_statements_error(ex);
        proxy__duck_error(err, m ? type_from_text(m) : DUCKDB_ERROR_PARSER,
                          m ? m : "empty statement");
        goto out;
    }
    if (n > 1) {
        am_err_set(err, AM_SQLSTATE_SYNTAX,
                   "cannot insert multiple commands into a prepared statement");
        goto out;
    }
    if (duckdb_prepare_extracted_statement(con, ex, 0, &ps) != DuckDBSuccess) {
        const char *m = duckdb_prepare_error(ps);
        proxy__duck_error(err, type_from_text(m), m);
        duckdb_destroy_prepare(&ps);
        goto out;
    }
    duckdb_statement_type t = duckdb_prepared_statement_type(ps);
    if (!refuse(t, err) ||
        (!inner && t == DUCKDB_STATEMENT_TYPE_EXPLAIN && !explain_ok(con, sql, err)))
        duckdb_destroy_prepare(&ps);
out:
    duckdb_destroy_extracted(&ex);
    return ps;
}

duckdb_prepared_statement proxy__guard_prepare(duckdb_connection con, const char *sql,
                                               am_err_t *err)
{
    return prepare_one(con, sql, false, err);
}

bool proxy__guard_parses(duckdb_connection con, const char *sql, am_err_t *err)
{
    duckdb_extracted_statements ex = NULL;
    idx_t n = duckdb_extract_statements(con, sql, &ex);
    bool ok = n > 0;
    if (!ok) {
        const char *m = duckdb_extract_statements_error(ex);
        proxy__duck_error(err, DUCKDB_ERROR_PARSER, m ? m : "empty statement");
    }
    duckdb_destroy_extracted(&ex);
    return ok;
}
