/*
 * proxy/pgfn_time_ops.h: pure helpers the time family's files share, and each file's
 * registration function (called by proxy__pgfn_time_register in pgfn_time.c).
 */
#ifndef AM_PROXY_PGFN_TIME_OPS_H
#define AM_PROXY_PGFN_TIME_OPS_H

#include "proxy/pgfn_time_internal.h"

/* timestamp_pl_interval (z NULL) / timestamptz_pl_interval (z the session zone). False: out
 * of range (22008 "timestamp out of range"). */
bool proxy__pg_ts_pl_interval(int64_t ts, const proxy_pgiv_t *iv, const proxy_pgtz_t *z,
                              int64_t *res) AM_MUST_CHECK;
/* date2timestamp: 22008 "date out of range for timestamp". */
bool proxy__pg_date2ts(int32_t d, int64_t *ts, am_err_t *err) AM_MUST_CHECK;
/* interval_justify_hours in place; false: interval out of range. */
bool proxy__pg_justify_hours(proxy_pgiv_t *iv) AM_MUST_CHECK;
/* interval_cmp_value: months as 30 days, days as 24 hours, in µs. */
__int128 proxy__pg_iv_cmp_value(const proxy_pgiv_t *iv);
/* A zone argument as make_timestamptz reads it (parse_sane_timezone): numeric ISO offset,
 * abbreviation, then zone name; offset east for local fields tm. */
bool proxy__pg_sane_zone(const char *zone, proxy_pgtm_t *tm, int32_t *gmtoff,
                         am_err_t *err) AM_MUST_CHECK;
/* DecodeTimezone: "+hh[:mm[:ss]]" / "+hhmm" -> offset east; 0 ok, 1 bad format, 2 out of
 * range. */
int proxy__pg_decode_tz(const char *s, int32_t *gmtoff);

bool proxy__time_reg_arith(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__time_reg_part(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__time_reg_conv(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__time_reg_make(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__time_reg_series(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__time_reg_in(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_TIME_OPS_H */
