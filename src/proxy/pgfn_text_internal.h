/*
 * proxy/pgfn_text_internal.h: shared by the `text` family's own files (pgfn_text*.c,
 * pgfn_regex*.c) only: the runner and the row functions each file defines.
 */
#ifndef AM_PROXY_PGFN_TEXT_INTERNAL_H
#define AM_PROXY_PGFN_TEXT_INTERNAL_H

#include "proxy/pgfn_internal.h"
#include "proxy/pgfn_text.h"

#define PGFN_TEXT_MAX_ARGS 8

/* Runs fn on every row of input, writing out; strict: NULL in any argument gives NULL. */
void proxy__pgfn_text_run(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector out,
                          pgfn_text_row_fn fn, bool strict);

/* Each family file exports its row functions through a table the registration reads. */
typedef struct pgfn_text_fn {
    const char *name;
    const char *ret;                        /* DuckDB SQL type */
    const char *params[PGFN_TEXT_MAX_ARGS]; /* DuckDB SQL types; NULL ends */
    const char *varargs;                    /* NULL: none */
    pgfn_text_row_fn fn;
    bool strict;
} pgfn_text_fn_t;

extern const pgfn_text_fn_t proxy__pgfn_text_str_fns[];
extern const size_t proxy__pgfn_text_str_n;
extern const pgfn_text_fn_t proxy__pgfn_text_fmt_fns[];
extern const size_t proxy__pgfn_text_fmt_n;
extern const pgfn_text_fn_t proxy__pgfn_text_bin_fns[];
extern const size_t proxy__pgfn_text_bin_n;
extern const pgfn_text_fn_t proxy__pgfn_text_like_fns[];
extern const size_t proxy__pgfn_text_like_n;
extern const pgfn_text_fn_t proxy__pgfn_text_array_fns[];
extern const size_t proxy__pgfn_text_array_n;

/* 54000 "requested length too large" (PostgreSQL's check of a result's size); false. */
bool proxy__pgfn_text_too_long(am_err_t *err);
/* True when a result of n bytes fits PostgreSQL's 1 GB limit on a value. */
bool proxy__pgfn_text_fits(uint64_t n);

#endif /* AM_PROXY_PGFN_TEXT_INTERNAL_H */
