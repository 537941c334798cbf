/*
 * proxy/pgfn_json_glue.h: the thin DuckDB layer of the json family (pgfn_json*.c only).
 * proxy__jfn_run reads one DuckDB chunk row by row into a jcall_t, calls a row function that
 * knows nothing of DuckDB, and writes its result (or its error) back. The DuckDB type of each
 * argument and of the result is read from the vectors themselves.
 */
#ifndef AM_PROXY_PGFN_JSON_GLUE_H
#define AM_PROXY_PGFN_JSON_GLUE_H

#include "proxy/pgfn_internal.h"
#include "proxy/pgfn_json.h"

typedef struct jarg {
    bool null;
    bool is_list;           /* the column is a LIST */
    proxy_json_str_t s;     /* VARCHAR */
    int64_t i;              /* INTEGER, BIGINT, SMALLINT */
    bool b;                 /* BOOLEAN */
    size_t n;               /* LIST(VARCHAR): elements ... */
    proxy_json_str_t *list; /* ... in the row's arena; p NULL for a NULL element */
} jarg_t;

/* One element of a list result (offsets into jcall_t.text). */
typedef struct jelem {
    size_t off, len;
    bool null;
} jelem_t;

typedef struct jcall {
    size_t n_args;
    const jarg_t *args;
    am_arena_t *arena; /* reset after every row */
    /* result: text in out, or i / d / b by the function's DuckDB type; null for SQL NULL */
    bool null;
    am_buf_t out;
    int64_t i;
    double d;
    bool b;
    /* list results: push elements (LIST(VARCHAR)) or key/value pairs (LIST(STRUCT)) */
    am_buf_t text;
    am_buf_t elems; /* jelem_t */
    proxy_json_err_t err;
} jcall_t;

typedef bool (*jrow_fn)(jcall_t *c);

#define JFN_STRICT 0u
#define JFN_NULLS 1u /* the row function sees NULL arguments */

void proxy__jfn_run(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output,
                    jrow_fn fn, unsigned flags);

/* Appends one list element (s NULL: SQL NULL) to the row's list result. */
void proxy__jfn_push(jcall_t *c, const char *s, size_t len);
/* Same, with the text taken from c->out (which is then emptied). */
void proxy__jfn_push_out(jcall_t *c);

/* Parses argument i (json: flags as proxy__json_parse) or fails the row. */
proxy_json_t *proxy__jfn_json(jcall_t *c, size_t i, unsigned flags);

/* Defines the DuckDB entry point name running row function fn. */
#define JFN_DEFINE(name, fn, flags)                                                                \
    static void name(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output)     \
    {                                                                                              \
        proxy__jfn_run(info, input, output, fn, flags);                                            \
    }

/* Registration, one per topic file. */
bool proxy__pgfn_json_get_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_json_ops_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_json_funcs_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_json_build_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
/* A function signature in DuckDB SQL type names: proxy_pgfn_def_t cannot state LIST or STRUCT
 * parameters. */
typedef struct jfn_def {
    const char *name;
    const char *ret;       /* "VARCHAR", "VARCHAR[]", "STRUCT(key VARCHAR, value VARCHAR)[]" */
    const char *params[5]; /* NULL ends the list */
    const char *varargs;   /* NULL: none */
    duckdb_scalar_function_t fn;
    unsigned flags; /* PROXY_PGFN_NULLS: DuckDB calls the function for NULL arguments too */
} jfn_def_t;

/* Registers every def of a table. */
bool proxy__jfn_add_all(duckdb_connection con, const jfn_def_t *defs, size_t n,
                        am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_JSON_GLUE_H */
