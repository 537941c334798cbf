/*
 * proxy/pgfn_time_part.h: PostgreSQL's date/time units (extract, date_part, date_trunc) shared
 * by pgfn_time_part.c and pgfn_time_trunc.c. Pure.
 */
#ifndef AM_PROXY_PGFN_TIME_PART_H
#define AM_PROXY_PGFN_TIME_PART_H

#include "proxy/pgfn_time_internal.h"

/* Unit values; MICROSEC..HOUR come first (date refuses them). */
enum {
    PU_NONE,
    PU_MICROSEC,
    PU_MILLISEC,
    PU_SECOND,
    PU_MINUTE,
    PU_HOUR,
    PU_DAY,
    PU_WEEK,
    PU_MONTH,
    PU_QUARTER,
    PU_YEAR,
    PU_DECADE,
    PU_CENTURY,
    PU_MILLENNIUM,
    PU_JULIAN,
    PU_ISOYEAR,
    PU_DOW,
    PU_ISODOW,
    PU_DOY,
    PU_TZ,
    PU_TZ_HOUR,
    PU_TZ_MINUTE,
    PU_EPOCH
};
/* Kinds of a unit word: PostgreSQL's UNITS, RESERV, any other known word, unknown. */
enum { PROXY_UT_UNKNOWN, PROXY_UT_UNITS, PROXY_UT_RESERV, PROXY_UT_OTHER };

/* An extract/date_part answer: numeric text and float8 from the same fields. */
enum {
    PROXY_PART_INT,
    PROXY_PART_SCALED,
    PROXY_PART_SCALED128,
    PROXY_PART_JULIAN,
    PROXY_PART_NULL,
    PROXY_PART_INF
};
typedef struct proxy_pgpart {
    int kind;
    int64_t v;    /* INT value; SCALED numerator; JULIAN µs of the day; INF sign */
    __int128 big; /* SCALED128 numerator */
    int scale;    /* SCALED: v / 10^scale, printed with scale digits */
    int jd;       /* JULIAN: day number */
    double f;     /* date_part's float8, computed as PostgreSQL computes it */
} proxy_pgpart_t;

/* Lowercases and truncates a unit name as PostgreSQL does (63 bytes). */
void proxy__pg_units_lower(const char *units, char *low, size_t cap);
/* DecodeUnits (special: then DecodeSpecial); returns PROXY_UT_*, sets *val (PU_*). */
int proxy__pg_decode_units(const char *low, bool special, int *val);
/* 0A000 "unit ... not supported for type T" or 22023 "... not recognized ...". */
int proxy__pg_unit_err(am_err_t *err, bool supported_kind, const char *low, const char *type);
int proxy__pg_isoweek(int year, int mon, int mday);

int proxy__pg_part_ts(const char *units, int64_t ts, const proxy_pgtz_t *z, proxy_pgpart_t *p,
                      am_err_t *err);
int proxy__pg_part_date(const char *units, int32_t d, proxy_pgpart_t *p, am_err_t *err);
int proxy__pg_part_time(const char *units, int64_t t, const int32_t *gmtoff, proxy_pgpart_t *p,
                        am_err_t *err);
int proxy__pg_part_interval(const char *units, const proxy_pgiv_t *iv, proxy_pgpart_t *p,
                            am_err_t *err);
/* timetz text as PostgreSQL prints it -> µs of the day and offset east. */
bool proxy__pg_timetz_canon(const char *s, int64_t *us, int32_t *gmtoff);

#endif /* AM_PROXY_PGFN_TIME_PART_H */
