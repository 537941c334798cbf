/*
 * proxy/pgfn_num_fmt.c: to_char and to_number for numbers (placeholder while being written).
 */
#include "proxy/pgfn_num_internal.h"

bool proxy__pgfn_num_fmt_register(duckdb_connection con, am_err_t *err)
{
    (void)con;
    (void)err;
    return true;
}
