/*
 * proxy/pgfn_num_internal.h: the DuckDB glue shared by the pgfn_num*.c files. One row loop
 * (proxy__numfn_run) reads a chunk's arguments into C values, calls a kernel per row and
 * writes its result, so each am_* function is a kernel plus a table entry. Strict: a NULL
 * argument gives NULL without calling the kernel.
 */
#ifndef AM_PROXY_PGFN_NUM_INTERNAL_H
#define AM_PROXY_PGFN_NUM_INTERNAL_H

#include "proxy/pgfn_internal.h"
#include "proxy/pgfn_num.h"

#define PROXY_NUMFN_MAX_ARGS 4

/* One row's arguments: a VARCHAR argument is parsed as numeric text into num[] unless the
 * definition says raw (then it is in str[]/str_len[]); integers widen into i[], floats into
 * f[], HUGEINT into h. */
typedef struct proxy_numfn_args {
    am_arena_t *arena; /* reset per row */
    int op;            /* the definition's op, for kernels shared by several functions */
    proxy_num_t num[PROXY_NUMFN_MAX_ARGS];
    int64_t i[PROXY_NUMFN_MAX_ARGS];
    double f[PROXY_NUMFN_MAX_ARGS];
    __int128 h;
    const char *str[PROXY_NUMFN_MAX_ARGS];
    size_t str_len[PROXY_NUMFN_MAX_ARGS];
} proxy_numfn_args_t;

/* The kernel's result, read according to the function's return type: VARCHAR takes num
 * (numeric text) unless str is set, BLOB and text take str/len, integers i, floats f. */
typedef struct proxy_numfn_out {
    bool null;
    proxy_num_t num;
    int64_t i;
    double f;
    bool b;
    const char *str;
    size_t len;
} proxy_numfn_out_t;

typedef bool (*proxy_numfn_kernel_t)(proxy_numfn_args_t *in, proxy_numfn_out_t *out, am_err_t *err);

typedef struct proxy_numfn_def {
    const char *name;
    duckdb_type params[PROXY_NUMFN_MAX_ARGS]; /* DUCKDB_TYPE_INVALID ends the list */
    duckdb_type ret;
    proxy_numfn_kernel_t fn;
    unsigned raw; /* bit k: VARCHAR argument k is plain text, not numeric text */
    int op;       /* passed to the kernel in proxy_numfn_args_t.op */
} proxy_numfn_def_t;

/* Registers each definition as a scalar function (the definitions must outlive con). */
bool proxy__numfn_register(duckdb_connection con, const proxy_numfn_def_t *defs, size_t n,
                           am_err_t *err) AM_MUST_CHECK;
/* "<SQLSTATE> <message>" for an aggregate (proxy__pgfn_error's twin). */
void proxy__numfn_agg_error(duckdb_function_info info, const am_err_t *err);

/* The scalar definitions of each part, which their registration reads and the fuzz target
 * (tests/fuzz/fuzz_pgfn_num.c) calls directly. */
extern const proxy_numfn_def_t proxy__pgfn_num_defs[];
extern const size_t proxy__pgfn_num_n;
extern const proxy_numfn_def_t proxy__pgfn_num_float_defs[];
extern const size_t proxy__pgfn_num_float_n;
extern const proxy_numfn_def_t proxy__pgfn_num_fmt_defs[];
extern const size_t proxy__pgfn_num_fmt_n;

/* The families' parts (pgfn_num_float.c, pgfn_num_agg.c, pgfn_num_fmt.c). */
bool proxy__pgfn_num_float_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_num_agg_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__pgfn_num_fmt_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_NUM_INTERNAL_H */
