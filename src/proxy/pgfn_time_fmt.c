/*
 * proxy/pgfn_time_fmt.c: to_char for timestamp, timestamptz (in the session zone) and interval
 * with every PostgreSQL 15 datetime template pattern and modifier (FM, TH/th, FX, TM with the
 * C locale's English names, SP accepted and ignored, "quoted text", backslash escapes), and the
 * template parser to_date/to_timestamp share. Pure below the DuckDB glue.
 * Spec: PostgreSQL 15 formatting.c (DCH_keywords, parse_format, DCH_to_char,
 * timestamp_to_char, timestamptz_to_char, interval_to_char), read for behaviour.
 */
#include "proxy/pgfn_time_fmt.h"
#include "proxy/pgfn_time_dt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
static const fmt_key_t keys[] = {
    {"A.D.", 4, FK_A_D, false, FMODE_NONE}, {"A.M.", 4, FK_A_M, false, FMODE_NONE},
    {"AD", 2, FK_AD, false, FMODE_NONE}, {"AM", 2, FK_AM, false, FMODE_NONE},
    {"B.C.", 4, FK_B_C, false, FMODE_NONE}, {"BC", 2, FK_BC, false, FMODE_NONE},
    {"CC", 2, FK_CC, true, FMODE_NONE}, {"DAY", 3, FK_DAY, false, FMODE_NONE},
    {"DDD", 3, FK_DDD, true, FMODE_GREGORIAN}, {"DD", 2, FK_DD, true, FMODE_GREGORIAN},
    {"DY", 2, FK_DY, false, FMODE_NONE}, {"Day", 3, FK_Day, false, FMODE_NONE},
    {"Dy", 2, FK_Dy, false, FMODE_NONE}, {"D", 1, FK_D, true, FMODE_GREGORIAN},
    {"FF1", 3, FK_FF1, true, FMODE_NONE}, {"FF2", 3, FK_FF2, true, FMODE_NONE},
    {"FF3", 3, FK_FF3, true, FMODE_NONE}, {"FF4", 3, FK_FF4, true, FMODE_NONE},
    {"FF5", 3, FK_FF5, true, FMODE_NONE}, {"FF6", 3, FK_FF6, true, FMODE_NONE},
    {"FX", 2, FK_FX, false, FMODE_NONE}, {"HH24", 4, FK_HH24, true, FMODE_NONE},
    {"HH12", 4, FK_HH12, true, FMODE_NONE}, {"HH", 2, FK_HH, true, FMODE_NONE},
    {"IDDD", 4, FK_IDDD, true, FMODE_ISOWEEK}, {"ID", 2, FK_ID, true, FMODE_ISOWEEK},
    {"IW", 2, FK_IW, true, FMODE_ISOWEEK}, {"IYYY", 4, FK_IYYY, true, FMODE_ISOWEEK},
    {"IYY", 3, FK_IYY, true, FMODE_ISOWEEK}, {"IY", 2, FK_IY, true, FMODE_ISOWEEK},
    {"I", 1, FK_I, true, FMODE_ISOWEEK}, {"J", 1, FK_J, true, FMODE_NONE},
    {"MI", 2, FK_MI, true, FMODE_NONE}, {"MM", 2, FK_MM, true, FMODE_GREGORIAN},
    {"MONTH", 5, FK_MONTH, false, FMODE_GREGORIAN}, {"MON", 3, FK_MON, false, FMODE_GREGORIAN},
    {"MS", 2, FK_MS, true, FMODE_NONE}, {"Month", 5, FK_Month, false, FMODE_GREGORIAN},
    {"Mon", 3, FK_Mon, false, FMODE_GREGORIAN}, {"OF", 2, FK_OF, false, FMODE_NONE},
    {"P.M.", 4, FK_P_M, false, FMODE_NONE}, {"PM", 2, FK_PM, false, FMODE_NONE},
    {"Q", 1, FK_Q, true, FMODE_NONE}, {"RM", 2, FK_RM, false, FMODE_GREGORIAN},
    {"SSSSS", 5, FK_SSSS, true, FMODE_NONE}, {"SSSS", 4, FK_SSSS, true, FMODE_NONE},
    {"SS", 2, FK_SS, true, FMODE_NONE}, {"TZH", 3, FK_TZH, false, FMODE_NONE},
    {"TZM", 3, FK_TZM, true, FMODE_NONE}, {"TZ", 2, FK_TZ, false, FMODE_NONE},
    {"US", 2, FK_US, true, FMODE_NONE}, {"WW", 2, FK_WW, true, FMODE_GREGORIAN},
    {"W", 1, FK_W, true, FMODE_GREGORIAN}, {"Y,YYY", 5, FK_Y_YYY, true, FMODE_GREGORIAN},
    {"YYYY", 4, FK_YYYY, true, FMODE_GREGORIAN}, {"YYY", 3, FK_YYY, true, FMODE_GREGORIAN},
    {"YY", 2, FK_YY, true, FMODE_GREGORIAN}, {"Y", 1, FK_Y, true, FMODE_GREGORIAN},
    {"a.d.", 4, FK_a_d, false, FMODE_NONE}, {"a.m.", 4, FK_a_m, false, FMODE_NONE},
    {"ad", 2, FK_ad, false, FMODE_NONE}, {"am", 2, FK_am, false, FMODE_NONE},
    {"b.c.", 4, FK_b_c, false, FMODE_NONE}, {"bc", 2, FK_bc, false, FMODE_NONE},
    {"cc", 2, FK_CC, true, FMODE_NONE}, {"day", 3, FK_day, false, FMODE_NONE},
    {"ddd", 3, FK_DDD, true, FMODE_GREGORIAN}, {"dd", 2, FK_DD, true, FMODE_GREGORIAN},
    {"dy", 2, FK_dy, false, FMODE_NONE}, {"d", 1, FK_D, true, FMODE_GREGORIAN},
    {"ff1", 3, FK_FF1, true, FMODE_NONE}, {"ff2", 3, FK_FF2, true, FMODE_NONE},
    {"ff3", 3, FK_FF3, true, FMODE_NONE}, {"ff4", 3, FK_FF4, true, FMODE_NONE},
    {"ff5", 3, FK_FF5, true, FMODE_NONE}, {"ff6", 3, FK_FF6, true, FMODE_NONE},
    {"fx", 2, FK_FX, false, FMODE_NONE}, {"hh24", 4, FK_HH24, true, FMODE_NONE},
    {"hh12", 4, FK_HH12, true, FMODE_NONE}, {"hh", 2, FK_HH, true, FMODE_NONE},
    {"iddd", 4, FK_IDDD, true, FMODE_ISOWEEK}, {"id", 2, FK_ID, true, FMODE_ISOWEEK},
    {"iw", 2, FK_IW, true, FMODE_ISOWEEK}, {"iyyy", 4, FK_IYYY, true, FMODE_ISOWEEK},
    {"iyy", 3, FK_IYY, true, FMODE_ISOWEEK}, {"iy", 2, FK_IY, true, FMODE_ISOWEEK},
    {"i", 1, FK_I, true, FMODE_ISOWEEK}, {"j", 1, FK_J, true, FMODE_NONE},
    {"mi", 2, FK_MI, true, FMODE_NONE}, {"mm", 2, FK_MM, true, FMODE_GREGORIAN},
    {"month", 5, FK_month, false, FMODE_GREGORIAN}, {"mon", 3, FK_mon, false, FMODE_GREGORIAN},
    {"ms", 2, FK_MS, true, FMODE_NONE}, {"of", 2, FK_OF, false, FMODE_NONE},
    {"p.m.", 4, FK_p_m, false, FMODE_NONE}, {"pm", 2, FK_pm, false, FMODE_NONE},
    {"q", 1, FK_Q, true, FMODE_NONE}, {"rm", 2, FK_rm, false, FMODE_GREGORIAN},
    {"sssss", 5, FK_SSSS, true, FMODE_NONE}, {"ssss", 4, FK_SSSS, true, FMODE_NONE},
    {"ss", 2, FK_SS, true, FMODE_NONE}, {"tzh", 3, FK_TZH, false, FMODE_NONE},
    {"tzm", 3, FK_TZM, true, FMODE_NONE}, {"tz", 2, FK_tz, false, FMODE_NONE},
    {"us", 2, FK_US, true, FMODE_NONE}, {"ww", 2, FK_WW, true, FMODE_GREGORIAN},
    {"w", 1, FK_W, true, FMODE_GREGORIAN}, {"y,yyy", 5, FK_Y_YYY, true, FMODE_GREGORIAN},
    {"yyyy", 4, FK_YYYY, true, FMODE_GREGORIAN}, {"yyy", 3, FK_YYY, true, FMODE_GREGORIAN},
    {"yy", 2, FK_YY, true, FMODE_GREGORIAN}, {"y", 1, FK_Y, true, FMODE_GREGORIAN},
};
/* clang-format on */

static const char *const months_full[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
static const char *const months_abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const days_full[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
static const char *const days_abbr[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const rm_upper[] = {"XII", "XI", "X",  "IX",  "VIII", "VII",
                                       "VI",  "V",  "IV", "III", "II",   "I"};
static const char *const rm_lower[] = {"xii", "xi", "x",  "ix",  "viii", "vii",
                                       "vi",  "v",  "iv", "iii", "ii",   "i"};

int proxy__fmt_mblen(const char *s)
{
    unsigned char c = (unsigned char)*s;
    int n = (c & 0x80) == 0      ? 1
            : (c & 0xe0) == 0xc0 ? 2
            : (c & 0xf0) == 0xe0 ? 3
            : (c & 0xf8) == 0xf0 ? 4
                                 : 1;
    for (int i = 1; i < n; i++) /* never past the terminator */
        if (s[i] == '\0')
            return i;
    return n;
}

bool proxy__fmt_is_separator(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c > 0x20 && c < 0x7f && !isalnum(c);
}

/* index_seq_search: the first pattern of the group sharing str's first character. */
static const fmt_key_t *key_find(const char *str)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(keys); i++) {
        if (keys[i].name[0] != str[0])
            continue;
        for (; i < AM_ARRAY_LEN(keys) && keys[i].name[0] == str[0]; i++)
            if (strncmp(str, keys[i].name, (size_t)keys[i].len) == 0)
                return &keys[i];
        return NULL;
    }
    return NULL;
}

static int prefix_find(const char *s)
{
    if (strncmp(s, "FM", 2) == 0 || strncmp(s, "fm", 2) == 0)
        return FS_FM;
    if (strncmp(s, "TM", 2) == 0 || strncmp(s, "tm", 2) == 0)
        return FS_TM;
    return 0;
}

static int postfix_find(const char *s)
{
    if (strncmp(s, "TH", 2) == 0)
        return FS_TH;
    if (strncmp(s, "th", 2) == 0)
        return FS_th;
    return strncmp(s, "SP", 2) == 0 ? FS_SP : 0;
}

static void node_char(fmt_node_t *n, int type, const char *s, int len)
{
    n->type = type;
    memcpy(n->ch, s, (size_t)len);
    n->ch[len] = '\0';
    n->key = NULL;
    n->suffix = 0;
}

/* "quoted text": each character a literal; a backslash quotes the next one. */
static const char *quoted(const char *s, fmt_node_t **n)
{
    s++;
    while (*s) {
        if (*s == '"')
            return s + 1;
        if (*s == '\\' && s[1])
            s++;
        int len = proxy__fmt_mblen(s);
        node_char((*n)++, FN_CHAR, s, len);
        s += len;
    }
    return s;
}

fmt_node_t *proxy__fmt_parse(const char *s)
{
    fmt_node_t *nodes = am_xcalloc(strlen(s) + 1, sizeof *nodes), *n = nodes;
    while (*s) {
        int suffix = prefix_find(s);
        if (suffix)
            s += 2;
        const fmt_key_t *k = *s ? key_find(s) : NULL;
        if (k) {
            n->type = FN_ACTION;
            n->key = k;
            s += k->len;
            int post = *s ? postfix_find(s) : 0;
            if (post)
                s += 2;
            n->suffix = suffix | post;
            n++;
        } else if (*s == '"') {
            s = quoted(s, &n);
        } else if (*s) {
            if (*s == '\\' && s[1] == '"') /* outside quotes only \" is special */
                s++;
            int len = proxy__fmt_mblen(s);
            node_char(n++,
                      proxy__fmt_is_separator(s)   ? FN_SEPARATOR
                      : isspace((unsigned char)*s) ? FN_SPACE
                                                   : FN_CHAR,
                      s, len);
            s += len;
        }
    }
    n->type = FN_END;
    return nodes;
}

/* ---- to_char -------------------------------------------------------------------------------- */

typedef struct fmt_tm {
    int sec, min;
    int64_t hour;
    int mday, mon, year, wday, yday;
    int32_t gmtoff, fsec;
    const char *tzn; /* NULL: no zone (timestamp, interval) */
} fmt_tm_t;

static int adjust_year(int year, bool is_interval)
{
    return is_interval ? year : year <= 0 ? -(year - 1) : year;
}

/* str_numth: ST/ND/RD/TH after the digits just printed (teens take TH). */
static void put_th(am_buf_t *out, size_t start, int suffix)
{
    size_t len = out->len - start;
    const char *num = out->data + start;
    char last = '0';
    if (len > 0 && !(len > 1 && num[len - 2] == '1'))
        last = num[len - 1];
    bool up = (suffix & FS_TH) != 0;
    const char *th = last == '1'   ? (up ? "ST" : "st")
                     : last == '2' ? (up ? "ND" : "nd")
                     : last == '3' ? (up ? "RD" : "rd")
                                   : (up ? "TH" : "th");
    am_buf_puts(out, th);
}

static void put_num(am_buf_t *out, const fmt_node_t *n, int width, long long v)
{
    size_t start = out->len;
    am_buf_printf(out, "%0*lld", (n->suffix & FS_FM) ? 0 : width, v);
    if (n->suffix & (FS_TH | FS_th))
        put_th(out, start, n->suffix);
}

/* A name padded to 9 (unless FM), in upper, initial or lower case; TM: unpadded. */
static void put_name(am_buf_t *out, const fmt_node_t *n, const char *name, int kase, bool pad)
{
    char buf[16];
    size_t len = strlen(name);
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (kase > 0)
            buf[i] = (char)toupper(c);
        else if (kase < 0 || i > 0)
            buf[i] = (char)tolower(c);
        else
            buf[i] = (char)c;
    }
    if (pad && !(n->suffix & (FS_FM | FS_TM)))
        am_buf_printf(out, "%-9s", buf);
    else
        am_buf_puts(out, buf);
}

static int century(const fmt_tm_t *tm, bool is_interval)
{
    if (is_interval)
        return tm->year / 100;
    return tm->year > 0 ? (tm->year - 1) / 100 + 1 : tm->year / 100 - 1;
}

static int iso_year(const fmt_tm_t *tm)
{
    return proxy__pgx_date2isoyear(tm->year, tm->mon, tm->mday);
}

static void put_year(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    int id = n->key->id;
    bool iso = id == FK_IYYY || id == FK_IYY || id == FK_IY || id == FK_I;
    int y = adjust_year(iso ? iso_year(tm) : tm->year, iv);
    bool neg = adjust_year(tm->year, iv) < 0; /* the width follows the calendar year */
    switch (id) {
    case FK_YYYY:
    case FK_IYYY:
        put_num(out, n, neg ? 5 : 4, y);
        break;
    case FK_YYY:
    case FK_IYY:
        put_num(out, n, neg ? 4 : 3, y % 1000);
        break;
    case FK_YY:
    case FK_IY:
        put_num(out, n, neg ? 3 : 2, y % 100);
        break;
    default: {
        size_t start = out->len;
        am_buf_printf(out, "%1d", y % 10);
        if (n->suffix & (FS_TH | FS_th))
            put_th(out, start, n->suffix);
    }
    }
}

static void put_roman_month(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    if (!tm->mon && !tm->year)
        return;
    int idx;
    if (tm->mon == 0) /* whole years of an interval */
        idx = tm->year >= 0 ? 0 : 11;
    else if (tm->mon < 0) /* -1 is December */
        idx = -1 * (tm->mon + 1);
    else
        idx = 12 - tm->mon;
    const char *s = n->key->id == FK_RM ? rm_upper[idx] : rm_lower[idx];
    am_buf_printf(out, "%*s", (n->suffix & FS_FM) ? 0 : -4, s);
}

static void put_ampm(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    int id = n->key->id;
    bool pm = tm->hour % 24 >= 12;
    switch (id) {
    case FK_A_M:
    case FK_P_M:
        am_buf_puts(out, pm ? "P.M." : "A.M.");
        break;
    case FK_AM:
    case FK_PM:
        am_buf_puts(out, pm ? "PM" : "AM");
        break;
    case FK_a_m:
    case FK_p_m:
        am_buf_puts(out, pm ? "p.m." : "a.m.");
        break;
    default:
        am_buf_puts(out, pm ? "pm" : "am");
    }
}

static void put_era(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    int id = n->key->id;
    bool bc = tm->year <= 0;
    switch (id) {
    case FK_A_D:
    case FK_B_C:
        am_buf_puts(out, bc ? "B.C." : "A.D.");
        break;
    case FK_AD:
    case FK_BC:
        am_buf_puts(out, bc ? "BC" : "AD");
        break;
    case FK_a_d:
    case FK_b_c:
        am_buf_puts(out, bc ? "b.c." : "a.d.");
        break;
    default:
        am_buf_puts(out, bc ? "bc" : "ad");
    }
}

static void put_zone(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    int a = abs(tm->gmtoff);
    char sign = tm->gmtoff >= 0 ? '+' : '-';
    switch (n->key->id) {
    case FK_tz:
        for (const char *p = tm->tzn; p && *p; p++)
            am_buf_putc(out, (char)tolower((unsigned char)*p));
        break;
    case FK_TZ:
        if (tm->tzn)
            am_buf_puts(out, tm->tzn);
        break;
    case FK_TZH:
        am_buf_printf(out, "%c%02d", sign, a / 3600);
        break;
    case FK_TZM:
        am_buf_printf(out, "%02d", a % 3600 / 60);
        break;
    default: /* OF */
        am_buf_printf(out, "%c%0*d", sign, (n->suffix & FS_FM) ? 0 : 2, a / 3600);
        if (a % 3600 != 0)
            am_buf_printf(out, ":%02d", a % 3600 / 60);
    }
}

/* Patterns that need a calendar date: refused for intervals. */
static bool date_only(int id)
{
    switch (id) {
    case FK_tz:
    case FK_TZ:
    case FK_TZH:
    case FK_TZM:
    case FK_OF:
    case FK_A_D:
    case FK_B_C:
    case FK_AD:
    case FK_BC:
    case FK_a_d:
    case FK_b_c:
    case FK_ad:
    case FK_bc:
    case FK_MONTH:
    case FK_Month:
    case FK_month:
    case FK_MON:
    case FK_Mon:
    case FK_mon:
    case FK_DAY:
    case FK_Day:
    case FK_day:
    case FK_DY:
    case FK_Dy:
    case FK_dy:
    case FK_D:
    case FK_ID:
        return true;
    default:
        return false;
    }
}

static void put_month_name(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    if (!tm->mon)
        return;
    int id = n->key->id;
    bool full = id == FK_MONTH || id == FK_Month || id == FK_month;
    int kase = (id == FK_MONTH || id == FK_MON) ? 1 : (id == FK_month || id == FK_mon) ? -1 : 0;
    const char *name = full ? months_full[tm->mon - 1] : months_abbr[tm->mon - 1];
    put_name(out, n, name, kase, full);
}

static void put_day_name(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    int id = n->key->id;
    bool full = id == FK_DAY || id == FK_Day || id == FK_day;
    int kase = (id == FK_DAY || id == FK_DY) ? 1 : (id == FK_day || id == FK_dy) ? -1 : 0;
    const char *name = full ? days_full[tm->wday] : days_abbr[tm->wday];
    put_name(out, n, name, kase, full);
}

static void put_fraction(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    int32_t fsec = tm->fsec;
    static const int div[] = {100000, 10000, 1000, 100, 10, 1};
    int digits = n->key->id == FK_MS ? 3 : n->key->id == FK_US ? 6 : n->key->id - FK_FF1 + 1;
    size_t start = out->len;
    am_buf_printf(out, "%0*d", digits, (int)(fsec / div[digits - 1]));
    if (n->suffix & (FS_TH | FS_th))
        put_th(out, start, n->suffix);
}

static void put_hour(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    int width = tm->hour >= 0 ? 2 : 3;
    if (n->key->id == FK_HH24) {
        put_num(out, n, width, tm->hour);
        return;
    }
    int64_t h = tm->hour % 12; /* a 12-hour clock, intervals too */
    put_num(out, n, width, h == 0 ? 12 : h);
}

static void put_time_field(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)iv;
    switch (n->key->id) {
    case FK_MI:
        put_num(out, n, tm->min >= 0 ? 2 : 3, tm->min);
        break;
    case FK_SS:
        put_num(out, n, tm->sec >= 0 ? 2 : 3, tm->sec);
        break;
    default: { /* SSSS */
        size_t start = out->len;
        int64_t secs = tm->hour * 3600 + (int64_t)tm->min * 60 + tm->sec;
        am_buf_printf(out, "%lld", (long long)secs);
        if (n->suffix & (FS_TH | FS_th))
            put_th(out, start, n->suffix);
    }
    }
}

static void put_plain(am_buf_t *out, const fmt_node_t *n, long long v)
{
    size_t start = out->len;
    am_buf_printf(out, "%lld", v);
    if (n->suffix & (FS_TH | FS_th))
        put_th(out, start, n->suffix);
}

static void put_date_field(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    switch (n->key->id) {
    case FK_MM:
        put_num(out, n, tm->mon >= 0 ? 2 : 3, tm->mon);
        break;
    case FK_DDD:
        put_num(out, n, 3, tm->yday);
        break;
    case FK_IDDD:
        put_num(out, n, 3, proxy__pgx_date2isoyearday(tm->year, tm->mon, tm->mday));
        break;
    case FK_DD:
        put_num(out, n, 2, tm->mday);
        break;
    case FK_D:
        put_plain(out, n, tm->wday + 1);
        break;
    case FK_ID:
        put_plain(out, n, tm->wday == 0 ? 7 : tm->wday);
        break;
    case FK_WW: /* int arithmetic that wraps, as PostgreSQL's (an interval's yday) */
        put_num(out, n, 2, (int32_t)((uint32_t)tm->yday - 1u) / 7 + 1);
        break;
    case FK_IW:
        put_num(out, n, 2, proxy__pgx_date2isoweek(tm->year, tm->mon, tm->mday));
        break;
    case FK_W:
        put_plain(out, n, (int32_t)((uint32_t)tm->mday - 1u) / 7 + 1);
        break;
    case FK_J:
        put_plain(out, n, proxy__pgx_date2j(tm->year, tm->mon, tm->mday));
        break;
    case FK_Q:
        if (tm->mon)
            put_plain(out, n, (tm->mon - 1) / 3 + 1);
        break;
    default: { /* CC */
        int c = century(tm, iv);
        if (c <= 99 && c >= -99)
            put_num(out, n, c >= 0 ? 2 : 3, c);
        else
            put_plain(out, n, c);
    }
    }
}

static void put_y_yyy(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    int y = adjust_year(tm->year, iv), i = y / 1000;
    size_t start = out->len;
    am_buf_printf(out, "%d,%03d", i, y - i * 1000);
    if (n->suffix & (FS_TH | FS_th))
        put_th(out, start, n->suffix);
}

typedef void (*put_fn)(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv);

static void put_nothing(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    (void)out, (void)n, (void)tm, (void)iv; /* FX: a to_date/to_timestamp modifier */
}

/* The printer of each pattern; the rest are put_date_field's. */
static const put_fn printers[FK_COUNT] = {
    [FK_A_M] = put_ampm,         [FK_P_M] = put_ampm,         [FK_AM] = put_ampm,
    [FK_PM] = put_ampm,          [FK_a_m] = put_ampm,         [FK_p_m] = put_ampm,
    [FK_am] = put_ampm,          [FK_pm] = put_ampm,          [FK_HH] = put_hour,
    [FK_HH12] = put_hour,        [FK_HH24] = put_hour,        [FK_MI] = put_time_field,
    [FK_SS] = put_time_field,    [FK_SSSS] = put_time_field,  [FK_FF1] = put_fraction,
    [FK_FF2] = put_fraction,     [FK_FF3] = put_fraction,     [FK_FF4] = put_fraction,
    [FK_FF5] = put_fraction,     [FK_FF6] = put_fraction,     [FK_MS] = put_fraction,
    [FK_US] = put_fraction,      [FK_tz] = put_zone,          [FK_TZ] = put_zone,
    [FK_TZH] = put_zone,         [FK_TZM] = put_zone,         [FK_OF] = put_zone,
    [FK_A_D] = put_era,          [FK_B_C] = put_era,          [FK_AD] = put_era,
    [FK_BC] = put_era,           [FK_a_d] = put_era,          [FK_b_c] = put_era,
    [FK_ad] = put_era,           [FK_bc] = put_era,           [FK_MONTH] = put_month_name,
    [FK_Month] = put_month_name, [FK_month] = put_month_name, [FK_MON] = put_month_name,
    [FK_Mon] = put_month_name,   [FK_mon] = put_month_name,   [FK_DAY] = put_day_name,
    [FK_Day] = put_day_name,     [FK_day] = put_day_name,     [FK_DY] = put_day_name,
    [FK_Dy] = put_day_name,      [FK_dy] = put_day_name,      [FK_Y_YYY] = put_y_yyy,
    [FK_YYYY] = put_year,        [FK_YYY] = put_year,         [FK_YY] = put_year,
    [FK_Y] = put_year,           [FK_IYYY] = put_year,        [FK_IYY] = put_year,
    [FK_IY] = put_year,          [FK_I] = put_year,           [FK_RM] = put_roman_month,
    [FK_rm] = put_roman_month,   [FK_FX] = put_nothing,
};

static void put_action(am_buf_t *out, const fmt_node_t *n, const fmt_tm_t *tm, bool iv)
{
    put_fn f = printers[n->key->id];
    (f ? f : put_date_field)(out, n, tm, iv);
}

/* DCH_to_char; false (22007) for a calendar pattern applied to an interval. */
static bool to_char(const char *fmt, const fmt_tm_t *tm, bool iv, am_buf_t *out, am_err_t *err)
{
    fmt_node_t *nodes = proxy__fmt_parse(fmt);
    bool ok = true;
    for (const fmt_node_t *n = nodes; n->type != FN_END; n++) {
        if (n->type != FN_ACTION) {
            am_buf_puts(out, n->ch);
            continue;
        }
        if (iv && date_only(n->key->id)) {
            ok = am_err_set(err, "22007", "invalid format specification for an interval value");
            break;
        }
        put_action(out, n, tm, iv);
    }
    free(nodes);
    return ok;
}

/* timestamp (z NULL) or timestamptz in zone z: PROXY_TV_NULL for infinities. */
bool proxy__pg_to_char_ts(int64_t ts, const proxy_pgtz_t *z, const char *fmt, am_buf_t *out,
                          bool *is_null, am_err_t *err)
{
    *is_null = !*fmt || !proxy__pg_ts_finite(ts);
    if (*is_null)
        return true;
    proxy_pgtm_t t;
    int32_t fsec;
    if (!proxy__pg_ts2tm(ts, z, &t, &fsec))
        return am_err_set(err, "22008", "timestamp out of range");
    int jd = proxy__pgx_date2j(t.year, t.mon, t.mday);
    fmt_tm_t tm = {.sec = t.sec,
                   .min = t.min,
                   .hour = t.hour,
                   .mday = t.mday,
                   .mon = t.mon,
                   .year = t.year,
                   .wday = (jd + 1) % 7,
                   .yday = jd - proxy__pgx_date2j(t.year, 1, 1) + 1,
                   .gmtoff = z ? t.gmtoff : 0,
                   .fsec = fsec,
                   .tzn = z ? t.zone : NULL};
    return to_char(fmt, &tm, false, out, err);
}

bool proxy__pg_to_char_interval(const proxy_pgiv_t *iv, const char *fmt, am_buf_t *out,
                                bool *is_null, am_err_t *err)
{
    *is_null = !*fmt;
    if (*is_null)
        return true;
    proxy_pgitm_t m;
    proxy__pg_iv2itm(iv, &m);
    fmt_tm_t tm = {.sec = m.sec,
                   .min = m.min,
                   .hour = m.hour,
                   .mday = m.mday,
                   .mon = m.mon,
                   .year = m.year,
                   .fsec = (int32_t)m.usec};
    /* yday approximates the span in days (months of 30), in int as PostgreSQL computes it */
    uint32_t months = (uint32_t)tm.year * 12u + (uint32_t)tm.mon;
    tm.yday = (int32_t)(months * 30u + (uint32_t)tm.mday);
    return to_char(fmt, &tm, true, out, err);
}

static int tv_result(bool ok, bool is_null)
{
    return !ok ? PROXY_TV_ERR : is_null ? PROXY_TV_NULL : PROXY_TV_OK;
}

static int to_char_ts(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)r;
    bool is_null = false;
    bool ok = proxy__pg_to_char_ts(a[0].i64, NULL, a[1].s, t, &is_null, err);
    return tv_result(ok, is_null);
}

static int to_char_tstz(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)r;
    bool is_null = false;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
    bool ok = z && proxy__pg_to_char_ts(a[0].i64, z, a[1].s, t, &is_null, err);
    return tv_result(ok, is_null);
}

static int to_char_iv(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)r;
    bool is_null = false;
    bool ok = proxy__pg_to_char_interval(&a[0].iv, a[1].s, t, &is_null, err);
    return tv_result(ok, is_null);
}

PROXY_TDEF(tc_ts, "am_to_char_ts", to_char_ts, 0, TV_TEXT, TV_TS, TV_TEXT)
PROXY_TDEF(tc_tstz, "am_to_char_tstz", to_char_tstz, 0, TV_TEXT, TV_TSTZ, TV_TEXT, TV_TEXT)
PROXY_TDEF(tc_iv, "am_to_char_interval", to_char_iv, 0, TV_TEXT, TV_IV, TV_TEXT)

const proxy__treg_t proxy__time_fmt_regs[] = {PROXY_TREG(tc_ts), PROXY_TREG(tc_tstz),
                                              PROXY_TREG(tc_iv)};
const size_t proxy__time_fmt_n = AM_ARRAY_LEN(proxy__time_fmt_regs);

bool proxy__time_reg_fmt(duckdb_connection con, am_err_t *err)
{
    return proxy__time_register(con, proxy__time_fmt_regs, proxy__time_fmt_n, err);
}
