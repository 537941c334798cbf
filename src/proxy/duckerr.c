/*
 * proxy/duckerr.c: DuckDB's errors as PostgreSQL's. Our am_* functions and the emitter's
 * error() calls put PostgreSQL's SQLSTATE and message in front ("22012 division by zero");
 * DuckDB's own overflow and conversion errors become PostgreSQL's messages for the same
 * condition; the rest keep DuckDB's first line under the closest SQLSTATE.
 */
#include "proxy/proxy_internal.h"

#include <ctype.h>
#include <stdio.h>
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

/* "... Error: 22012 division by zero": a SQLSTATE we put there ourselves. */
static bool ours(const char *msg, am_err_t *err)
{
    const char *p = strstr(msg, "Error: ");
    p = p ? p + 7 : msg;
    bool digit = false; /* every SQLSTATE we raise has one; "WHERE clause ..." has none */
    for (int i = 0; i < 5; i++) {
        if (!isdigit((unsigned char)p[i]) && !isupper((unsigned char)p[i]))
            return false;
        digit = digit || isdigit((unsigned char)p[i]);
    }
    if (!digit)
        return false;
    if (p[5] != ' ')
        return false;
    char line[sizeof err->msg];
    first_line(p + 6, line, sizeof line);
    char state[6];
    memcpy(state, p, 5);
    state[5] = '\0';
    am_err_set(err, state, "%s", line);
    return true;
}

/* DuckDB names integer widths INT16/INT32/INT64 (and SMALLINT ...) in overflow messages. */
static const char *int_name(const char *msg)
{
    /* a cast's message names its source type first: the destination is what overflowed */
    const char *dest = strstr(msg, "destination type ");
    msg = dest ? dest + strlen("destination type ") : msg;
    if (strstr(msg, "INT16") || strstr(msg, "SMALLINT"))
        return "smallint";
    if (strstr(msg, "INT64") || strstr(msg, "BIGINT"))
        return "bigint";
    if (strstr(msg, "INT32") || strstr(msg, "INTEGER"))
        return "integer";
    return NULL;
}

/* abs() and division name the overflowing value: its width is the integer type's. */
static const char *width_of_min(const char *msg, const char *after)
{
    const char *p = strstr(msg, after);
    if (!p)
        return NULL;
    p += strlen(after);
    return strncmp(p, "-32768", 6) == 0 && !isdigit((unsigned char)p[6])          ? "smallint"
           : strncmp(p, "-2147483648", 11) == 0 && !isdigit((unsigned char)p[11]) ? "integer"
                                                                                  : "bigint";
}

/* DuckDB's texts for what PostgreSQL reports in its own words. */
static bool reworded(const char *msg, am_err_t *err)
{
    static const struct {
        const char *has, *state, *text;
    } map[] = {
        {"More than one row returned by a subquery", "21000",
         "more than one row returned by a subquery used as an expression"},
        {"cannot contain window functions", "42P20", "window functions are not allowed in WHERE"},
        {"Argument for ntile must be greater than zero", "22014",
         "argument of ntile must be greater than zero"},
        {"Invalid RANGE PRECEDING value", "22013",
         "invalid preceding or following size in window function"},
        {"Invalid RANGE FOLLOWING value", "22013",
         "invalid preceding or following size in window function"},
        {"Could not convert string 'NaN' to INT", "0A000", "cannot convert NaN to integer"},
        {"Could not convert string 'Infinity' to INT", "0A000",
         "cannot convert infinity to integer"},
        {"Could not convert string '-Infinity' to INT", "0A000",
         "cannot convert infinity to integer"},
        {"Could not convert string \"NaN\" to DECIMAL", "0A000",
         "NaN and infinity in numeric with a precision are not supported on the mirror"},
        {"Could not convert string \"Infinity\" to DECIMAL", "0A000",
         "NaN and infinity in numeric with a precision are not supported on the mirror"},
        /* DuckDB stops at 1,000 nested expressions, and its parser's stack at about as many
         * nested parentheses, where PostgreSQL goes on to about 4,000: a refusal under
         * PostgreSQL's code for a statement too complex, not DuckDB's advice to SET what a
         * client may not */
        {"Max expression depth limit", "54001",
         "statement is too complex for the mirror: its expressions nest too deeply"},
        {"Parser Error: memory exhausted", "54001",
         "statement is too complex for the mirror: its expressions nest too deeply"},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(map); i++)
        if (strstr(msg, map[i].has)) {
            am_err_set(err, map[i].state, "%s", map[i].text);
            return true;
        }
    const char *w = width_of_min(msg, "Overflow on abs(");
    w = w ? w : width_of_min(msg, "Overflow in division of ");
    if (!w && strstr(msg, "Failed to cast decimal value"))
        w = int_name(msg);
    if (w) {
        am_err_set(err, "22003", "%s out of range", w);
        return true;
    }
    return false;
}

static bool overflow(const char *msg, am_err_t *err)
{
    if (reworded(msg, err))
        return true;
    bool range = strstr(msg, "Overflow in") || strstr(msg, "out of range");
    if (!range)
        return false;
    const char *what = strstr(msg, "DECIMAL") ? "numeric field overflow"
                       : strstr(msg, "FLOAT") || strstr(msg, "DOUBLE")
                           ? "value out of range: overflow"
                           : NULL;
    const char *n = what ? NULL : int_name(msg);
    if (!what && !n)
        return false;
    if (what)
        am_err_set(err, "22003", "%s", what);
    else
        am_err_set(err, "22003", "%s out of range", n);
    return true;
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
    if (strstr(msg, "GROUP BY") || strstr(msg, "aggregate"))
        return "42803";
    if (strstr(msg, "function") || strstr(msg, "Function"))
        return "42883";
    if (strstr(msg, "column") || strstr(msg, "Column"))
        return "42703";
    return "42601";
}

static const char *state_of(duckdb_error_type type, const char *msg)
{
    switch (type) {
    case DUCKDB_ERROR_PARSER:
    case DUCKDB_ERROR_SYNTAX:
        return AM_SQLSTATE_SYNTAX;
    case DUCKDB_ERROR_CATALOG:
        return catalog_state(msg);
    case DUCKDB_ERROR_BINDER:
        return binder_state(msg);
    case DUCKDB_ERROR_CONVERSION:
    case DUCKDB_ERROR_INVALID_INPUT:
        return AM_SQLSTATE_BAD_INPUT;
    case DUCKDB_ERROR_OUT_OF_RANGE:
        return "22003";
    case DUCKDB_ERROR_DIVIDE_BY_ZERO:
        return "22012";
    case DUCKDB_ERROR_PERMISSION:
        return PROXY_SQLSTATE_PRIVILEGE;
    case DUCKDB_ERROR_NOT_IMPLEMENTED:
        return AM_SQLSTATE_UNSUPPORTED;
    case DUCKDB_ERROR_OUT_OF_MEMORY:
        return "53200";
    case DUCKDB_ERROR_MISMATCH_TYPE:
        return "42804";
    case DUCKDB_ERROR_IO:
        return AM_SQLSTATE_IO;
    default:
        return AM_SQLSTATE_INTERNAL;
    }
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
        {"Out of Memory Error", DUCKDB_ERROR_OUT_OF_MEMORY},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(kinds); i++)
        if (strncmp(msg, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
            return kinds[i].type;
    return DUCKDB_ERROR_INVALID;
}

void proxy__duck_error(am_err_t *err, duckdb_error_type type, const char *msg)
{
    if (!msg)
        msg = "unknown DuckDB error";
    if (type == DUCKDB_ERROR_INVALID)
        type = type_from_text(msg);
    if (type == DUCKDB_ERROR_INTERRUPT || strstr(msg, "INTERRUPT Error")) {
        am_err_set(err, PROXY_SQLSTATE_CANCELED, "canceling statement due to user request");
        return;
    }
    if (ours(msg, err) || overflow(msg, err))
        return;
    char line[400];
    first_line(msg, line, sizeof line);
    am_err_set(err, state_of(type, msg), "%s", line);
}
