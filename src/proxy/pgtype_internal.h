/*
 * proxy/pgtype_internal.h: the built-in PostgreSQL type table (pgtype.c) for the proxy's SQL
 * files. Types not in it come from the served catalog (sql_internal.h).
 */
#ifndef AM_PROXY_PGTYPE_INTERNAL_H
#define AM_PROXY_PGTYPE_INTERNAL_H

#include "proxy/sql_internal.h"

typedef struct proxy_pgtype_info {
    const char *name; /* typname */
    uint32_t oid;
    uint32_t array_oid;
    int16_t len;      /* typlen */
    char category;    /* typcategory */
    bool preferred;   /* typispreferred */
    const char *duck; /* DuckDB representation; NULL = VARCHAR (PostgreSQL text) */
} proxy_pgtype_info_t;

const proxy_pgtype_info_t *proxy__pgtype_builtin(uint32_t oid);
const proxy_pgtype_info_t *proxy__pgtype_builtin_array_of(uint32_t array_oid);
const proxy_pgtype_info_t *proxy__pgtype_builtin_named(const char *typname);
/* Element type of an array type (0 if t is not one); the array type of a type (0 if none). */
uint32_t proxy__pgtype_elem(const proxy_pgcat_t *cat, uint32_t oid);
uint32_t proxy__pgtype_array(const proxy_pgcat_t *cat, uint32_t oid);
/* The SQL-standard spelling format_type uses ("integer", "character varying"); NULL if none. */
const char *proxy__pgtype_sql_name(uint32_t oid);
/* numeric typmod -> precision and scale; false when unconstrained. */
bool proxy__pgtype_numeric_typmod(int32_t typmod, int *precision, int *scale);
/* numeric(p,s) that DuckDB's DECIMAL holds exactly (1 <= p <= 38, 0 <= s <= p). */
bool proxy__pgtype_numeric_is_decimal(int32_t typmod);

#endif /* AM_PROXY_PGTYPE_INTERNAL_H */
