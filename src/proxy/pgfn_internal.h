/*
 * proxy/pgfn_internal.h: PostgreSQL functions DuckDB lacks or answers differently, as C scalar
 * functions registered in the proxy's DuckDB database under names am_* (docs/pgface.md
 * section 4). The SQL emitter (sql_*.c) is their only caller: clients cannot name them.
 * Errors: duckdb_scalar_function_set_error(info, "<SQLSTATE> <message>").
 *
 * Threads: registration runs once, before the database is locked; the functions themselves
 * are pure and run on any DuckDB worker thread.
 */
#ifndef AM_PROXY_PGFN_INTERNAL_H
#define AM_PROXY_PGFN_INTERNAL_H

#include "util/util.h"

/* duckdb.h declares some functions as f() (no prototype); keep our warnings for our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <duckdb.h>
#pragma GCC diagnostic pop

/* Flags of proxy__pgfn_add. */
#define PROXY_PGFN_NULLS 1u    /* called for NULL arguments too (else NULL in -> NULL out) */
#define PROXY_PGFN_VOLATILE 2u /* not constant-folded (random, clock) */

typedef struct proxy_pgfn_def {
    const char *name;      /* am_... */
    duckdb_type ret;       /* DUCKDB_TYPE_VARCHAR, ... (DECIMAL/LIST: use ret_sql) */
    const char *ret_sql;   /* when not NULL: the return type as DuckDB SQL, e.g. "VARCHAR[]" */
    duckdb_type params[8]; /* DUCKDB_TYPE_INVALID ends the list */
    duckdb_type varargs;   /* DUCKDB_TYPE_INVALID: none */
    duckdb_scalar_function_t fn;
    unsigned flags;
} proxy_pgfn_def_t;

/* Registers one function (one overload; call again with the same name for more). */
bool proxy__pgfn_add(duckdb_connection con, const proxy_pgfn_def_t *def,
                     am_err_t *err) AM_MUST_CHECK;
/* DuckDB type from SQL text ("DECIMAL(38,10)", "VARCHAR[]"); destroy it after use. */
duckdb_logical_type proxy__pgfn_type(duckdb_connection con, const char *sql);

/* Reports "<SQLSTATE> <message>" from inside a function. */
void proxy__pgfn_error(duckdb_function_info info, const char *sqlstate, const char *fmt, ...)
    AM_PRINTF(3, 4);

/* A flat copy of a LIST argument's child vector: DuckDB flattens argument vectors but not a
 * list's child, which may be a constant or dictionary vector. Free with duckdb_destroy_vector. */
duckdb_vector proxy__pgfn_flat_child(duckdb_vector list);

/* Every am_* function; each family registers its own in its file. */
bool proxy__pgfn_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_misc_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_time_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_num_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_json_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_text_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_more_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_INTERNAL_H */
