/*
 * proxy/pgfn_time.h: PostgreSQL 15's date/time semantics in plain C (the `time` family of am_*
 * functions, and the printer the wire encoder uses). Values are converted at the edge, once:
 * DuckDB's µs since 1970 become PostgreSQL's µs since 2000 (PROXY_PG_*), computed with
 * PostgreSQL's rules, and converted back (an answer DuckDB cannot hold is 22008).
 *
 * Time zones (pgtz*.c): IANA names from the system tzdata (/usr/share/zoneinfo, found
 * case-insensitively as PostgreSQL does), POSIX TZ strings with PostgreSQL's sign convention
 * ('UTC+3' is 3 hours WEST, '<+03>-3' east, '-08:00' 8 hours east), and for explicit zone
 * arguments (AT TIME ZONE, date_trunc's zone, make_timestamptz's zone) the fixed-offset
 * abbreviations of PostgreSQL's Default timezone_abbreviations set. Refused with 0A000: POSIX
 * strings with a DST name but no transition rule (PostgreSQL would borrow 'posixrules'), and
 * the Default set's dynamic abbreviations (MSK, ART, ...). Zones are loaded once and cached
 * process-wide (thread-safe); a zone pointer stays valid until exit.
 *
 * Threads: every function here is pure or reads the immutable zone cache; any thread.
 */
/*
 * Registered am_* functions (DuckDB signature -> PostgreSQL). Arguments named zone are the
 * session TimeZone as SHOWn unless marked "explicit" (read as AT TIME ZONE reads a zone);
 * ds / is are DateStyle and IntervalStyle as SHOWn. NULL in -> NULL out unless noted.
 *   am_date_out(DATE, ds) / am_time_out(TIME) / am_timestamp_out(TIMESTAMP, ds) /
 *   am_timestamptz_out(TIMESTAMPTZ, zone, ds) / am_interval_out(INTERVAL, is) -> VARCHAR: output
 *   am_timestamp_pl_interval / _mi_interval(TIMESTAMP, INTERVAL) -> TIMESTAMP: ts +/- interval
 *   am_timestamptz_pl_interval / _mi_interval(TIMESTAMPTZ, INTERVAL, zone) -> TIMESTAMPTZ
 *   am_date_pl_interval / _mi_interval(DATE, INTERVAL) -> TIMESTAMP; am_date_pli / _mii(DATE,
 *   INTEGER) -> DATE; am_date_mi(DATE, DATE) -> INTEGER; am_timestamp_mi(TIMESTAMP, TIMESTAMP),
 *   am_timestamptz_mi(TIMESTAMPTZ, TIMESTAMPTZ) -> INTERVAL (justify_hours'd)
 *   am_interval_pl / _mi(INTERVAL, INTERVAL), am_interval_um(INTERVAL), am_interval_mul /
 *   _div(INTERVAL, DOUBLE) -> INTERVAL; am_interval_cmp(INTERVAL, INTERVAL) -> INTEGER (-1/0/1);
 *   am_interval_sort_key(INTERVAL) -> HUGEINT (µs, months as 30 days: ORDER BY / = / <)
 *   am_justify_hours / _days / _interval(INTERVAL) -> INTERVAL
 *   am_time_pl_interval / _mi_interval(TIME, INTERVAL) -> TIME; am_time_mi(TIME, TIME) -> INTERVAL
 *   am_extract(VARCHAR unit, TIMESTAMP | DATE | TIME | INTERVAL) and (unit, TIMESTAMPTZ, zone),
 *   am_extract_timetz(unit, VARCHAR timetz) -> VARCHAR numeric text: extract(unit from x)
 *   am_date_part(same arguments) / am_date_part_timetz -> DOUBLE: date_part(unit, x)
 *   am_date_trunc(unit, TIMESTAMP) -> TIMESTAMP; (unit, TIMESTAMPTZ, zone) -> TIMESTAMPTZ;
 *   (unit, INTERVAL) -> INTERVAL; am_date_trunc_zone(unit, TIMESTAMPTZ, explicit zone)
 *   am_age(TIMESTAMP, TIMESTAMP), am_age(TIMESTAMPTZ, TIMESTAMPTZ, zone) -> INTERVAL;
 *   am_age_now(TIMESTAMP | TIMESTAMPTZ x, TIMESTAMPTZ transaction_now, zone): age(x)
 *   am_timezone(explicit zone VARCHAR, TIMESTAMPTZ) -> TIMESTAMP, (zone, TIMESTAMP) ->
 *   TIMESTAMPTZ, (INTERVAL, TIMESTAMPTZ | TIMESTAMP, is): AT TIME ZONE / timezone()
 *   am_timestamptz_timestamp / _date / _time / _timetz(TIMESTAMPTZ, zone), am_timestamp_
 *   timestamptz(TIMESTAMP, zone), am_date_timestamptz(DATE, zone), am_timestamp_date /
 *   _time(TIMESTAMP), am_date_timestamp(DATE): the casts
 *   am_make_date(INTEGER x3), am_make_time(INTEGER, INTEGER, DOUBLE), am_make_timestamp(INTEGER
 *   x5, DOUBLE), am_make_timestamptz(INTEGER x5, DOUBLE, zone), am_make_timestamptz_zone(...,
 *   explicit zone), am_make_interval(INTEGER x6, DOUBLE) (the emitter fills defaults)
 *   am_isfinite(DATE | TIMESTAMP | TIMESTAMPTZ | INTERVAL) -> BOOLEAN
 *   am_date_bin(INTERVAL, TIMESTAMP, TIMESTAMP) / (INTERVAL, TIMESTAMPTZ, TIMESTAMPTZ)
 *   am_overlaps(4 x TIMESTAMP | TIMESTAMPTZ | TIME) -> BOOLEAN (SQL NULL rules: called on NULLs)
 *   am_generate_series(TIMESTAMP, TIMESTAMP, INTERVAL) -> TIMESTAMP[],
 *   (TIMESTAMPTZ, TIMESTAMPTZ, INTERVAL, zone) -> TIMESTAMPTZ[]: the emitter unnests
 * Input (typed literals, casts from text, text parameters); now = the transaction's start:
 *   am_date_in(VARCHAR, ds) / (VARCHAR, ds, zone, TIMESTAMPTZ now) -> DATE: date_in
 *   am_time_in(VARCHAR) / (VARCHAR, ds, zone, now) -> TIME: time_in
 *   am_timetz_in(VARCHAR) / (VARCHAR, ds, zone, now) -> VARCHAR: timetz_in, answered as
 *   timetz_out prints it ("10:00:00+02")
 *   am_timestamp_in(VARCHAR, ds) / (VARCHAR, ds, zone, now) -> TIMESTAMP: timestamp_in
 *   am_timestamptz_in(VARCHAR, ds, zone) / (VARCHAR, ds, zone, now) -> TIMESTAMPTZ
 *   am_interval_in(VARCHAR, is [, INTEGER typmod]) -> INTERVAL: interval_in; the typmod's
 *   range reads bare numbers (INTERVAL '1' YEAR) and truncates, its precision rounds
 *   am_interval_scale(INTERVAL, INTEGER typmod), am_timestamp_scale(TIMESTAMP | TIMESTAMPTZ,
 *   INTEGER p), am_time_scale(TIME, INTEGER p), am_timetz_scale(VARCHAR timetz, INTEGER p):
 *   the typmod casts (interval(p), INTERVAL DAY TO SECOND, timestamp(p), time(p), timetz(p))
 *   The shorter forms refuse (0A000) text that needs what they lack: now, today, tomorrow,
 *   yesterday (transaction time); a numeric date whose field order DateStyle decides
 *   (am_time_in/am_timetz_in(VARCHAR)); a timetz without a zone in the text (TimeZone and
 *   the transaction's date).
 * Formatting and parsing by template (TM: the C locale's English names):
 *   am_to_char_ts(TIMESTAMP, fmt), am_to_char_tstz(TIMESTAMPTZ, fmt, zone),
 *   am_to_char_interval(INTERVAL, fmt) -> VARCHAR: to_char (NULL for infinities, empty fmt)
 *   am_to_date(VARCHAR, fmt) -> DATE; am_to_timestamp(VARCHAR, fmt, zone) -> TIMESTAMPTZ:
 *   to_date / to_timestamp(text, text); am_to_timestamp_epoch(DOUBLE) -> TIMESTAMPTZ:
 *   to_timestamp(float8). TM matching non-ASCII input (another locale's case rules) 0A000.
 * Refused, never approximated: results DuckDB cannot hold (beyond 294247 AD) 22008; dynamic
 * abbreviations and leap-second zones 0A000 (in input text: only where the offset is used);
 * series over 10M values 54000; integer overflow where PostgreSQL 15 wraps silently
 * (timestamp - timestamp across ~292000 years, make_interval overflow) 22008 "... out of
 * range".
 */
#ifndef AM_PROXY_PGFN_TIME_H
#define AM_PROXY_PGFN_TIME_H

#include "util/util.h"

#include <stdbool.h>
#include <stdint.h>

/* PostgreSQL's timestamp: µs since 2000-01-01 00:00; infinities as PostgreSQL stores them. */
#define PROXY_PG_DT_NOBEGIN INT64_MIN
#define PROXY_PG_DT_NOEND INT64_MAX
#define PROXY_PG_DATE_NOBEGIN INT32_MIN
#define PROXY_PG_DATE_NOEND INT32_MAX
#define PROXY_PG_USECS_PER_DAY INT64_C(86400000000)
#define PROXY_PG_USECS_PER_HOUR INT64_C(3600000000)
#define PROXY_PG_USECS_PER_MINUTE INT64_C(60000000)
#define PROXY_PG_USECS_PER_SEC INT64_C(1000000)
#define PROXY_PG_EPOCH_JDATE 2451545 /* date2j(2000, 1, 1) */
#define PROXY_PG_UNIX_EPOCH_JDATE 2440588
#define PROXY_PG_EPOCH_DIFF_US INT64_C(946684800000000) /* 2000-01-01 - 1970-01-01 */
#define PROXY_PG_EPOCH_DIFF_DAYS 10957
/* Valid ranges (PostgreSQL's datatype/timestamp.h): 4714-11-24 BC .. 294276 / 5874897 AD. */
#define PROXY_PG_MIN_TIMESTAMP INT64_C(-211813488000000000)
#define PROXY_PG_END_TIMESTAMP INT64_C(9223371331200000000)
#define PROXY_PG_DATETIME_MIN_JULIAN 0
#define PROXY_PG_DATE_END_JULIAN 2147483494
#define PROXY_PG_TIMESTAMP_END_JULIAN 109203528

/* DateStyle (output style and field order), IntervalStyle. */
enum { PROXY_PG_POSTGRES_DATES, PROXY_PG_ISO_DATES, PROXY_PG_SQL_DATES, PROXY_PG_GERMAN_DATES };
enum { PROXY_PG_DATEORDER_YMD, PROXY_PG_DATEORDER_DMY, PROXY_PG_DATEORDER_MDY };
enum {
    PROXY_PG_INTSTYLE_POSTGRES,
    PROXY_PG_INTSTYLE_POSTGRES_VERBOSE,
    PROXY_PG_INTSTYLE_SQL_STANDARD,
    PROXY_PG_INTSTYLE_ISO_8601
};
typedef struct proxy_pgdatestyle {
    int style; /* PROXY_PG_*_DATES */
    int order; /* PROXY_PG_DATEORDER_* */
} proxy_pgdatestyle_t;

/* A broken-down time as PostgreSQL's pg_tm: year astronomical (0 = 1 BC), mon 1-12. */
typedef struct proxy_pgtm {
    int year, mon, mday, hour, min, sec;
    int wday, yday; /* 0 = Sunday; 1-366 */
    int isdst;      /* 1, 0, or -1 unknown */
    int32_t gmtoff; /* seconds EAST of UTC */
    char zone[16];  /* abbreviation ("CEST", "+03"), "" when none */
} proxy_pgtm_t;

typedef struct proxy_pgiv {
    int64_t time; /* µs */
    int32_t day;
    int32_t month;
} proxy_pgiv_t;

/* ---- time zones (pgtz.c) -------------------------------------------------------------- */
typedef struct proxy_pgtz proxy_pgtz_t;

/* PostgreSQL's pg_tzset(name) (what SET TIME ZONE accepts, numeric forms excluded): NULL when
 * PostgreSQL rejects the name; *refused set (and NULL returned) for names it accepts but the
 * mirror cannot reproduce. Borrowed, valid until exit. */
const proxy_pgtz_t *proxy__pgtz_find(const char *name, bool *refused);
/* The session TimeZone setting as SHOWn: pg_tzset, or err 22023 / 0A000. */
const proxy_pgtz_t *proxy__pgtz_session(const char *setting, am_err_t *err);
/* An explicit zone argument (AT TIME ZONE, timezone(), date_trunc, make_timestamptz):
 * PostgreSQL 15's order, abbreviation first, then pg_tzset; 22023 time zone "x" not
 * recognized, 0A000 for a dynamic abbreviation. */
const proxy_pgtz_t *proxy__pgtz_arg(const char *zone, am_err_t *err);
/* pg_get_timezone_offset: true (offset east set) when every type of z has the same offset. */
bool proxy__pgtz_constant(const proxy_pgtz_t *z, int32_t *gmtoff);
/* A fixed offset zone (seconds east), for INTERVAL zones. */
const proxy_pgtz_t *proxy__pgtz_fixed(int32_t gmtoff);
/* Offset east of UTC in force at unix_s; isdst and abbreviation (borrowed) when not NULL. */
int32_t proxy__pgtz_at_utc(const proxy_pgtz_t *z, int64_t unix_s, int *isdst, const char **abbr);
/* PostgreSQL's DetermineTimeZoneOffset: offset east for a local time (as Unix seconds
 * reckoned in local time), resolving gaps and overlaps as PostgreSQL does. */
int32_t proxy__pgtz_at_local(const proxy_pgtz_t *z, int64_t local_s, int *isdst);
/* Looks up an abbreviation of the Default set (lowercase input): 1 fixed (gmtoff, isdst set),
 * 2 dynamic (refused), 0 unknown. */
int proxy__pgtz_abbrev(const char *lower, int32_t *gmtoff, bool *isdst);

/* ---- calendar and conversions (pgfn_time_core.c) ------------------------------------- */
int proxy__pg_date2j(int year, int month, int day);
void proxy__pg_j2date(int jd, int *year, int *month, int *day);
int proxy__pg_j2day(int jd); /* 0 = Sunday */
bool proxy__pg_leap(int year);
int proxy__pg_mdays(int year, int mon);
/* DuckDB <-> PostgreSQL values; false (22008 out of range) when the other cannot hold it. */
bool proxy__pg_ts_from_duck(int64_t duck_us, int64_t *pg);
bool proxy__pg_ts_to_duck(int64_t pg, int64_t *duck_us);
int32_t proxy__pg_date_from_duck(int32_t duck_days);
bool proxy__pg_date_to_duck(int32_t pg, int32_t *duck_days);
bool proxy__pg_ts_finite(int64_t ts);
bool proxy__pg_ts_valid(int64_t ts);                          /* PostgreSQL's IS_VALID_TIMESTAMP */
bool proxy__pg_date_valid_julian(int year, int mon, int day); /* IS_VALID_JULIAN */
/* timestamp2tm: in zone z (NULL = no zone, timestamp without time zone). False: out of
 * range. */
bool proxy__pg_ts2tm(int64_t ts, const proxy_pgtz_t *z, proxy_pgtm_t *tm, int32_t *fsec);
/* tm2timestamp: local fields and an offset east (0 for timestamp); false out of range. */
bool proxy__pg_tm2ts(const proxy_pgtm_t *tm, int32_t fsec, int32_t gmtoff, int64_t *ts);
/* Offset east for tm's local fields in z (DetermineTimeZoneOffset); sets tm->isdst. */
int32_t proxy__pg_tm_offset(proxy_pgtm_t *tm, const proxy_pgtz_t *z);
/* time2tm-style splitting of µs of a day. */
void proxy__pg_time2tm(int64_t t, proxy_pgtm_t *tm, int32_t *fsec);
/* interval <-> fields (years.. as PostgreSQL's pg_itm). */
typedef struct proxy_pgitm {
    int64_t usec; /* within the second */
    int sec, min;
    int64_t hour;
    int mday, mon, year;
} proxy_pgitm_t;
void proxy__pg_iv2itm(const proxy_pgiv_t *iv, proxy_pgitm_t *itm);
bool proxy__pg_itm2iv(const proxy_pgitm_t *itm, proxy_pgiv_t *iv);

/* ---- output (pgfn_time_out.c) ---------------------------------------------------------- */
/* DateStyle / IntervalStyle setting text -> values; false if PostgreSQL rejects it. */
bool proxy__pg_datestyle_parse(const char *s, proxy_pgdatestyle_t *ds);
bool proxy__pg_intervalstyle_parse(const char *s, int *style);
void proxy__pg_date_out(int32_t pg_date, const proxy_pgdatestyle_t *ds, am_buf_t *out);
void proxy__pg_time_out(int64_t us, am_buf_t *out);
/* timetz: µs of day and offset east. */
void proxy__pg_timetz_out(int64_t us, int32_t gmtoff, am_buf_t *out);
/* timestamp (z NULL) or timestamptz shown in zone z. False only when out of range. */
bool proxy__pg_ts_out(int64_t ts, const proxy_pgtz_t *z, const proxy_pgdatestyle_t *ds,
                      am_buf_t *out) AM_MUST_CHECK;
void proxy__pg_interval_out(const proxy_pgiv_t *iv, int style, am_buf_t *out);
/* EncodeDateTime from fields (print_tz: with tm's gmtoff and zone). */
void proxy__pg_encode_datetime(const proxy_pgtm_t *tm, int32_t fsec, bool print_tz,
                               const proxy_pgdatestyle_t *ds, am_buf_t *out);

/* ---- input (pgfn_time_in.c over the decoders pgfn_time_lex/decode/decode2/ivin.c) -------- */
/* The session state text input depends on. A member left unknown (order -1, zone NULL,
 * has_now false) is never guessed: input that needs it fails with 0A000. */
typedef struct proxy_pgdtin {
    int order;                /* DateStyle's field order PROXY_PG_DATEORDER_*, or -1 */
    const proxy_pgtz_t *zone; /* the session TimeZone, or NULL */
    bool has_now;
    int64_t now; /* the transaction's start (PostgreSQL µs), for now/today/... */
} proxy_pgdtin_t;

/* date_in, time_in, timetz_in, timestamp_in, timestamptz_in (ctx->zone required),
 * interval_in (IntervalStyle style): PostgreSQL 15's text input, errors with its SQLSTATE and
 * message (22007 invalid input syntax, 22008 field value / date / timestamp out of range,
 * 22009 time zone displacement, 22015 interval field, 22023 time zone not recognized). */
bool proxy__pg_date_in(const char *s, const proxy_pgdtin_t *ctx, int32_t *pg_date,
                       am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_time_in(const char *s, const proxy_pgdtin_t *ctx, int64_t *us,
                       am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_timetz_in(const char *s, const proxy_pgdtin_t *ctx, int64_t *us, int32_t *gmtoff,
                         am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_timestamp_in(const char *s, const proxy_pgdtin_t *ctx, int64_t *ts,
                            am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_timestamptz_in(const char *s, const proxy_pgdtin_t *ctx, int64_t *ts,
                              am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_interval_in(const char *s, int style, int32_t typmod, proxy_pgiv_t *iv,
                           am_err_t *err) AM_MUST_CHECK;
/* to_char of a timestamp (z NULL) or timestamptz shown in zone z, of an interval: *is_null
 * for an empty template or an infinite timestamp. to_date / to_timestamp(text, text), the
 * latter in zone z. Errors as PostgreSQL's (22007, 22008, 22009, 0A000). */
bool proxy__pg_to_char_ts(int64_t ts, const proxy_pgtz_t *z, const char *fmt, am_buf_t *out,
                          bool *is_null, am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_to_char_interval(const proxy_pgiv_t *iv, const char *fmt, am_buf_t *out,
                                bool *is_null, am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_to_date(const char *s, const char *fmt, int32_t *pg_date,
                       am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_to_timestamp(const char *s, const char *fmt, const proxy_pgtz_t *z, int64_t *ts,
                            am_err_t *err) AM_MUST_CHECK;
/* Typmods (-1: none): AdjustIntervalForTypmod (22023 bad precision, XX000 bad range),
 * AdjustTimestampForTypmod (22023), AdjustTimeForTypmod. */
bool proxy__pg_interval_scale(proxy_pgiv_t *iv, int32_t typmod, am_err_t *err) AM_MUST_CHECK;
bool proxy__pg_timestamp_scale(int64_t *ts, int32_t typmod, am_err_t *err) AM_MUST_CHECK;
void proxy__pg_time_scale(int64_t *us, int32_t typmod);

#endif /* AM_PROXY_PGFN_TIME_H */
