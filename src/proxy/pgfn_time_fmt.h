/*
 * proxy/pgfn_time_fmt.h: PostgreSQL's datetime template patterns (formatting.c's DCH part),
 * shared by pgfn_time_fmt.c (the template parser and to_char) and pgfn_time_fmtin.c
 * (to_date, to_timestamp). Pure.
 */
#ifndef AM_PROXY_PGFN_TIME_FMT_H
#define AM_PROXY_PGFN_TIME_FMT_H

#include "proxy/pgfn_time_internal.h"

/* Pattern ids: PostgreSQL's DCH_poz order. Lower-case spellings that print the same share
 * the upper-case id (as "cc", "ddd", "ms" do in PostgreSQL). */
enum {
    FK_A_D,
    FK_A_M,
    FK_AD,
    FK_AM,
    FK_B_C,
    FK_BC,
    FK_CC,
    FK_DAY,
    FK_DDD,
    FK_DD,
    FK_DY,
    FK_Day,
    FK_Dy,
    FK_D,
    FK_FF1,
    FK_FF2,
    FK_FF3,
    FK_FF4,
    FK_FF5,
    FK_FF6,
    FK_FX,
    FK_HH24,
    FK_HH12,
    FK_HH,
    FK_IDDD,
    FK_ID,
    FK_IW,
    FK_IYYY,
    FK_IYY,
    FK_IY,
    FK_I,
    FK_J,
    FK_MI,
    FK_MM,
    FK_MONTH,
    FK_MON,
    FK_MS,
    FK_Month,
    FK_Mon,
    FK_OF,
    FK_P_M,
    FK_PM,
    FK_Q,
    FK_RM,
    FK_SSSSS,
    FK_SSSS,
    FK_SS,
    FK_TZH,
    FK_TZM,
    FK_TZ,
    FK_US,
    FK_WW,
    FK_W,
    FK_Y_YYY,
    FK_YYYY,
    FK_YYY,
    FK_YY,
    FK_Y,
    FK_a_d,
    FK_a_m,
    FK_ad,
    FK_am,
    FK_b_c,
    FK_bc,
    FK_day,
    FK_dy,
    FK_month,
    FK_mon,
    FK_p_m,
    FK_pm,
    FK_rm,
    FK_tz,
    FK_COUNT
};

/* FromCharDateMode */
enum { FMODE_NONE, FMODE_GREGORIAN, FMODE_ISOWEEK };

typedef struct fmt_key {
    const char *name;
    int len, id;
    bool is_digit;
    int date_mode;
} fmt_key_t;

enum { FN_END = 1, FN_ACTION, FN_CHAR, FN_SEPARATOR, FN_SPACE };

/* Suffixes: FM and TM before a pattern, TH / th / SP after it. */
#define FS_FM 0x01
#define FS_TH 0x02
#define FS_th 0x04
#define FS_SP 0x08
#define FS_TM 0x10

typedef struct fmt_node {
    int type;   /* FN_* */
    char ch[5]; /* FN_CHAR / FN_SEPARATOR / FN_SPACE: one (UTF-8) character */
    int suffix; /* FS_* */
    const fmt_key_t *key;
} fmt_node_t;

/* parse_format: an array of nodes ending with FN_END; free() it. */
fmt_node_t *proxy__fmt_parse(const char *fmt);
/* Bytes of the UTF-8 character at s (pg_mblen; 1 for a stray byte). */
int proxy__fmt_mblen(const char *s);
/* is_separator_char: ASCII printable, not a letter or digit. */
bool proxy__fmt_is_separator(const char *s);

/* to_date / to_timestamp (pgfn_time_fmtin.c). */
bool proxy__time_reg_fmt(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;
bool proxy__time_reg_fmtin(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_TIME_FMT_H */
