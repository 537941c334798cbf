/*
 * proxy/pgfn_time_dt.h: PostgreSQL 15's datetime input machinery (datetime.c's ParseDateTime,
 * the Decode* family and their tables), shared by pgfn_time_lex.c (tokens), pgfn_time_decode.c
 * (dates, times, numbers), pgfn_time_decode2.c (DecodeDateTime, DecodeTimeOnly),
 * pgfn_time_ivin.c (intervals) and the formatting files. Pure; any thread.
 *
 * Codes and masks keep PostgreSQL's numbering (datetime.h): a field's mask is 1 << its token
 * type, and the decoders combine masks exactly as PostgreSQL's do.
 */
#ifndef AM_PROXY_PGFN_TIME_DT_H
#define AM_PROXY_PGFN_TIME_DT_H

#include "proxy/pgfn_time.h"

#define DT_MAXFIELDS 25   /* MAXDATEFIELDS */
#define DT_MAXDATELEN 128 /* MAXDATELEN */
#define DT_TOKMAXLEN 10   /* tokens compare on their first 10 characters */

/* Field kinds of the tokenizer (DTK_NUMBER .. DTK_SPECIAL). */
enum { DT_F_NUMBER, DT_F_STRING, DT_F_DATE, DT_F_TIME, DT_F_TZ, DT_F_SPECIAL = 6 };

/* DTERR_* codes, and DT_ERR_SET: err already holds the whole error. */
enum {
    DT_ERR_FORMAT = -1,
    DT_ERR_FIELD = -2,
    DT_ERR_MDFIELD = -3,
    DT_ERR_INTERVAL = -4,
    DT_ERR_TZDISP = -5,
    DT_ERR_SET = -6
};

/* Token types; a field's mask bit is DT_M(type). */
enum {
    TK_RESERV = 0,
    TK_MONTH = 1,
    TK_YEAR = 2,
    TK_DAY = 3,
    TK_TZ = 5,
    TK_DTZ = 6,
    TK_DYNTZ = 7,
    TK_IGNORE = 8,
    TK_AMPM = 9,
    TK_HOUR = 10,
    TK_MINUTE = 11,
    TK_SECOND = 12,
    TK_MILLISECOND = 13,
    TK_MICROSECOND = 14,
    TK_DOY = 15,
    TK_DOW = 16,
    TK_UNITS = 17,
    TK_ADBC = 18,
    TK_ISOTIME = 23,
    TK_DTZMOD = 28,
    TK_UNKNOWN = 31
};
#define DT_M(t) ((int)(1u << (t))) /* TK_UNKNOWN sets the sign bit, as PostgreSQL does */
#define DT_DATE_M (DT_M(TK_YEAR) | DT_M(TK_MONTH) | DT_M(TK_DAY))
#define DT_ALLSECS_M (DT_M(TK_SECOND) | DT_M(TK_MILLISECOND) | DT_M(TK_MICROSECOND))
#define DT_TIME_M (DT_M(TK_HOUR) | DT_M(TK_MINUTE) | DT_ALLSECS_M)

/* Values of reserved words and units (DTK_* codes); also the decoders' dtype. */
enum {
    DV_DATE = 2,
    DV_TIME = 3,
    DV_TZ = 4,
    DV_EARLY = 9,
    DV_LATE = 10,
    DV_EPOCH = 11,
    DV_NOW = 12,
    DV_YESTERDAY = 13,
    DV_TODAY = 14,
    DV_TOMORROW = 15,
    DV_ZULU = 16,
    DV_SECOND = 18,
    DV_MINUTE = 19,
    DV_HOUR = 20,
    DV_DAY = 21,
    DV_MONTH = 23,
    DV_YEAR = 25,
    DV_JULIAN = 31,
    DV_DOW = 32,
    DV_DOY = 33,
    DV_ISOYEAR = 36,
    DV_ISODOW = 37
};
enum { DV_AM, DV_PM, DV_HR24 };
enum { DV_AD, DV_BC };

/* ParseDateTime's output: NUL-terminated, lowercased fields in buf. */
typedef struct dt_fields {
    char buf[256 + DT_MAXFIELDS];
    char *field[DT_MAXFIELDS];
    int ftype[DT_MAXFIELDS];
    int nf;
} dt_fields_t;

/* ASCII classes, as PostgreSQL's C-locale ctype calls see them. */
bool proxy__dt_isdigit(int c);
bool proxy__dt_isalpha(int c);
bool proxy__dt_isspace(int c);

/* ParseDateTime with a work buffer of buflen bytes (the caller's type decides it). */
int proxy__dt_parse(const char *s, size_t buflen, dt_fields_t *f);
/* DecodeSpecial: datetktbl's type (TK_*) of a lowercase word, value in *val. */
int proxy__dt_special(const char *low, int *val);
/* DecodeTimezoneAbbrev over the Default set: TK_TZ, TK_DTZ (*east set), TK_DYNTZ, TK_UNKNOWN. */
int proxy__dt_abbrev(const char *low, int *east);
/* DecodeTimezone: "+hh[:mm[:ss]]" / "+hhmm" -> seconds WEST (PostgreSQL's tz). */
int proxy__dt_decode_tz(const char *s, int *tz_west);
/* ParseFraction / ParseFractionalSecond on ".ddd". */
int proxy__dt_fraction(const char *cp, double *frac);
int proxy__dt_fsec(const char *cp, int32_t *fsec);
/* strtoint / strtoi64: false on ERANGE; *end after the digits (as strtol). */
bool proxy__dt_strtoint(const char *s, char **end, int *v);
bool proxy__dt_strtoi64(const char *s, char **end, int64_t *v);

/* date2j / j2date / date2isoweek & co. with PostgreSQL's exact integer arithmetic, including
 * its wrap-around (PostgreSQL builds with -fwrapv) for out-of-range fields. */
int proxy__pgx_date2j(int y, int m, int d);
void proxy__pgx_j2date(int jd, int *y, int *m, int *d);
int proxy__pgx_j2day(int jd);
int proxy__pgx_isoweek2j(int year, int week);
int proxy__pgx_date2isoweek(int year, int mon, int mday);
int proxy__pgx_date2isoyear(int year, int mon, int mday);
int proxy__pgx_date2isoyearday(int year, int mon, int mday);

/* What the decoders know of the session; see proxy_pgdtin_t. */
typedef struct dt_state {
    const proxy_pgdtin_t *ctx;
    bool want_tz;        /* the caller uses the offset (timestamptz, timetz) */
    const char *missing; /* a setting the text needed but the caller did not give */
    am_err_t *err;
} dt_state_t;

/* DecodeDate / DecodeNumber / DecodeNumberField / DecodeTime / ValidateDate. */
int proxy__dt_date(dt_state_t *st, char *str, int fmask, int *tmask, bool *is2digits,
                   proxy_pgtm_t *tm);
int proxy__dt_number(dt_state_t *st, int flen, char *str, bool textmonth, int fmask, int *tmask,
                     proxy_pgtm_t *tm, int32_t *fsec, bool *is2digits);
int proxy__dt_number_field(int len, char *str, int fmask, int *tmask, proxy_pgtm_t *tm,
                           int32_t *fsec, bool *is2digits);
int proxy__dt_time(const char *str, int *tmask, proxy_pgtm_t *tm, int32_t *fsec);
/* DecodeTimeCommon: hours may exceed int; mm_ss (INTERVAL MINUTE TO SECOND) reads "a:b" as
 * minutes and seconds. */
int proxy__dt_time_common(const char *str, bool mm_ss, int *tmask, int64_t *hour, int *min,
                          int *sec, int32_t *fsec);
int proxy__dt_validate(int fmask, bool isjulian, bool is2digits, bool bc, proxy_pgtm_t *tm);
bool proxy__dt_time_overflows(int hour, int min, int sec, int32_t fsec);
/* The transaction time in the session zone (GetCurrentTimeUsec); records what is missing. */
void proxy__dt_now(dt_state_t *st, proxy_pgtm_t *tm, int32_t *fsec, int *tz_west);
/* Offset WEST for local fields in zone z (DetermineTimeZoneOffset). */
int proxy__dt_zone_offset(proxy_pgtm_t *tm, const proxy_pgtz_t *z);

/* DecodeDateTime / DecodeTimeOnly: 0 or a DT_ERR_*; *dtype DV_DATE, DV_TIME, DV_EARLY, ... */
int proxy__dt_decode_datetime(dt_state_t *st, dt_fields_t *f, int *dtype, proxy_pgtm_t *tm,
                              int32_t *fsec, int *tz_west);
int proxy__dt_decode_timeonly(dt_state_t *st, dt_fields_t *f, int *dtype, proxy_pgtm_t *tm,
                              int32_t *fsec, int *tz_west);

/* DateTimeParseError into err; returns false. */
bool proxy__dt_error(int dterr, const char *str, const char *type, am_err_t *err);

#endif /* AM_PROXY_PGFN_TIME_DT_H */
