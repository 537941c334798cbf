/*
 * proxy/pgfn_time_internal.h: the DuckDB glue shared by the time family's files. Each am_*
 * function is a pure C function over PostgreSQL values (proxy__tv_t: dates as PostgreSQL
 * days since 2000, timestamps as µs since 2000, strings NUL-terminated); one generic runner
 * converts DuckDB vectors at the edge, row by row.
 */
#ifndef AM_PROXY_PGFN_TIME_INTERNAL_H
#define AM_PROXY_PGFN_TIME_INTERNAL_H

#include "proxy/pgfn_internal.h"
#include "proxy/pgfn_time.h"

typedef union proxy__tv {
    int64_t i64; /* TIMESTAMP, TIMESTAMPTZ (PostgreSQL µs since 2000), TIME, BIGINT */
    int32_t i32; /* DATE (PostgreSQL days since 2000), INTEGER */
    double f8;
    bool b;
    proxy_pgiv_t iv;
    duckdb_hugeint h;
    const char *s; /* VARCHAR in; NUL-terminated, borrowed for the call */
} proxy__tv_t;

enum { PROXY_TV_OK, PROXY_TV_NULL, PROXY_TV_ERR };

/* One row: arguments in, result out (VARCHAR results are appended to *text). Returns
 * PROXY_TV_OK, PROXY_TV_NULL or PROXY_TV_ERR with err set. */
typedef int (*proxy__tfn_t)(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *text, am_err_t *err);

typedef struct proxy__tdef {
    const char *name;
    duckdb_type ret;
    duckdb_type params[8]; /* DUCKDB_TYPE_INVALID ends the list */
    proxy__tfn_t fn;
    unsigned flags; /* PROXY_PGFN_* */
    int null_args;  /* with PROXY_PGFN_NULLS: NULL arguments seen as is_null[] */
} proxy__tdef_t;

typedef struct proxy__treg {
    const proxy__tdef_t *def;
    duckdb_scalar_function_t duck;
} proxy__treg_t;

/* Set by the runner for PROXY_PGFN_NULLS functions: which arguments of this row are NULL. */
extern _Thread_local bool proxy__tv_isnull[8];

void proxy__time_run(const proxy__tdef_t *d, duckdb_function_info info, duckdb_data_chunk in,
                     duckdb_vector out);
bool proxy__time_register(duckdb_connection con, const proxy__treg_t *regs, size_t n,
                          am_err_t *err) AM_MUST_CHECK;

/* One am_* function: its definition and the DuckDB callback that runs it. */
#define PROXY_TDEF(id, name, fn, flags, ret, ...)                                                  \
    static const proxy__tdef_t id##_def = {name, ret, {__VA_ARGS__}, fn, flags, 0};                \
    static void id##_duck(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)      \
    {                                                                                              \
        proxy__time_run(&id##_def, info, in, out);                                                 \
    }
#define PROXY_TREG(id)                                                                             \
    {                                                                                              \
        &id##_def, id##_duck                                                                       \
    }

#define TV_DATE DUCKDB_TYPE_DATE
#define TV_TS DUCKDB_TYPE_TIMESTAMP
#define TV_TSTZ DUCKDB_TYPE_TIMESTAMP_TZ
#define TV_TIME DUCKDB_TYPE_TIME
#define TV_IV DUCKDB_TYPE_INTERVAL
#define TV_TEXT DUCKDB_TYPE_VARCHAR
#define TV_F8 DUCKDB_TYPE_DOUBLE
#define TV_I4 DUCKDB_TYPE_INTEGER
#define TV_I8 DUCKDB_TYPE_BIGINT
#define TV_BOOL DUCKDB_TYPE_BOOLEAN

/* Each file's functions, which its registration reads and the fuzz target
 * (tests/fuzz/fuzz_pgfn_time.c) calls directly. */
extern const proxy__treg_t proxy__time_out_regs[];
extern const size_t proxy__time_out_n;
extern const proxy__treg_t proxy__time_arith_regs[];
extern const size_t proxy__time_arith_n;
extern const proxy__treg_t proxy__time_conv_regs[];
extern const size_t proxy__time_conv_n;
extern const proxy__treg_t proxy__time_fmt_regs[];
extern const size_t proxy__time_fmt_n;
extern const proxy__treg_t proxy__time_fmtin_regs[];
extern const size_t proxy__time_fmtin_n;
extern const proxy__treg_t proxy__time_in_regs[];
extern const size_t proxy__time_in_n;
extern const proxy__treg_t proxy__time_make_regs[];
extern const size_t proxy__time_make_n;
extern const proxy__treg_t proxy__time_trunc_regs[];
extern const size_t proxy__time_trunc_n;

/* Session settings passed as arguments. */
bool proxy__tv_datestyle(const char *s, proxy_pgdatestyle_t *ds, am_err_t *err) AM_MUST_CHECK;
bool proxy__tv_intervalstyle(const char *s, int *style, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_TIME_INTERNAL_H */
