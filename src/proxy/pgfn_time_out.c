/*
 * proxy/pgfn_time_out.c: dates, times, timestamps and intervals printed as PostgreSQL 15 prints
 * them under every DateStyle (ISO, SQL, Postgres, German; MDY/DMY/YMD) and IntervalStyle
 * (postgres, postgres_verbose, sql_standard, iso_8601). The one printer of the proxy: the wire
 * encoder reaches it through datetime.c. Pure; appends to an am_buf_t.
 * Spec: PostgreSQL's datetime.c EncodeDateOnly/EncodeTimeOnly/EncodeDateTime/EncodeInterval,
 * read for behaviour.
 */
#include "proxy/pgfn_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const month_abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const day_abbr[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static bool next_token(const char **p, char *tok, size_t cap)
{
    while (**p == ',' || **p == ' ' || **p == '\t')
        (*p)++;
    size_t n = 0;
    while (**p && **p != ',' && **p != ' ' && **p != '\t') {
        if (n + 1 < cap)
            tok[n++] = **p;
        (*p)++;
    }
    tok[n] = '\0';
    return n > 0;
}

static bool datestyle_token(const char *t, proxy_pgdatestyle_t *ds, bool *have_style,
                            bool *have_order)
{
    static const struct {
        const char *name;
        int style, order;
    } toks[] = {
        {"ISO", PROXY_PG_ISO_DATES, -1},           {"SQL", PROXY_PG_SQL_DATES, -1},
        {"POSTGRES", PROXY_PG_POSTGRES_DATES, -1}, {"GERMAN", PROXY_PG_GERMAN_DATES, -1},
        {"YMD", -1, PROXY_PG_DATEORDER_YMD},       {"DMY", -1, PROXY_PG_DATEORDER_DMY},
        {"EURO", -1, PROXY_PG_DATEORDER_DMY},      {"EUROPEAN", -1, PROXY_PG_DATEORDER_DMY},
        {"MDY", -1, PROXY_PG_DATEORDER_MDY},       {"US", -1, PROXY_PG_DATEORDER_MDY},
        {"NONEURO", -1, PROXY_PG_DATEORDER_MDY},   {"NONEUROPEAN", -1, PROXY_PG_DATEORDER_MDY},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(toks); i++) {
        if (strcasecmp(t, toks[i].name) != 0)
            continue;
        if (toks[i].style >= 0) {
            if (*have_style && ds->style != toks[i].style)
                return false;
            ds->style = toks[i].style;
            *have_style = true;
            if (ds->style == PROXY_PG_GERMAN_DATES && !*have_order)
                ds->order = PROXY_PG_DATEORDER_DMY;
        } else {
            if (*have_order && ds->order != toks[i].order)
                return false;
            ds->order = toks[i].order;
            *have_order = true;
        }
        return true;
    }
    return false;
}

bool proxy__pg_datestyle_parse(const char *s, proxy_pgdatestyle_t *ds)
{
    ds->style = PROXY_PG_ISO_DATES;
    ds->order = PROXY_PG_DATEORDER_MDY;
    bool have_style = false, have_order = false;
    char tok[32];
    const char *p = s;
    while (next_token(&p, tok, sizeof tok))
        if (!datestyle_token(tok, ds, &have_style, &have_order))
            return false;
    return have_style || have_order;
}

bool proxy__pg_intervalstyle_parse(const char *s, int *style)
{
    static const char *const names[] = {"postgres", "postgres_verbose", "sql_standard", "iso_8601"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *style = i;
            return true;
        }
    return false;
}

static int year_shown(int year)
{
    return year > 0 ? year : -(year - 1);
}

/* Seconds (absolute value) and up to 6 fraction digits without trailing zeros. */
static void put_seconds(int sec, int64_t fsec, bool fillzeros, am_buf_t *out)
{
    am_buf_put_uint(out, (uint64_t)abs(sec), fillzeros ? 2 : 1);
    if (fsec == 0)
        return;
    am_buf_putc(out, '.');
    size_t mark = out->len;
    am_buf_put_uint(out, (uint64_t)llabs(fsec), 6);
    while (out->len > mark + 1 && out->data[out->len - 1] == '0')
        out->len--;
    out->data[out->len] = '\0';
}

/* EncodeTimezone: offset east printed +hh[:mm[:ss]]. */
static void put_tz(int32_t gmtoff, am_buf_t *out)
{
    int32_t a = abs(gmtoff);
    am_buf_printf(out, "%c%02d", gmtoff < 0 ? '-' : '+', a / 3600);
    if (a % 60 != 0)
        am_buf_printf(out, ":%02d:%02d", a / 60 % 60, a % 60);
    else if (a % 3600 != 0)
        am_buf_printf(out, ":%02d", a / 60 % 60);
}

/* Two numbers zero-padded to w1 and w2 digits with sep between and after: "07/31/" */
static void put_pair(int a, int w1, char sep, int b, int w2, am_buf_t *out)
{
    am_buf_put_uint(out, (uint64_t)a, (unsigned)w1);
    am_buf_putc(out, sep);
    am_buf_put_uint(out, (uint64_t)b, (unsigned)w2);
    am_buf_putc(out, sep);
}

static void put_date(const proxy_pgtm_t *tm, const proxy_pgdatestyle_t *ds, am_buf_t *out)
{
    unsigned y = (unsigned)year_shown(tm->year);
    bool dmy = ds->order == PROXY_PG_DATEORDER_DMY;
    switch (ds->style) {
    case PROXY_PG_ISO_DATES:
        am_buf_put_uint(out, y, 4);
        am_buf_putc(out, '-');
        am_buf_put_uint(out, (uint64_t)tm->mon, 2);
        am_buf_putc(out, '-');
        am_buf_put_uint(out, (uint64_t)tm->mday, 2);
        return;
    case PROXY_PG_SQL_DATES:
        put_pair(dmy ? tm->mday : tm->mon, 2, '/', dmy ? tm->mon : tm->mday, 2, out);
        break;
    case PROXY_PG_GERMAN_DATES:
        put_pair(tm->mday, 2, '.', tm->mon, 2, out);
        break;
    default:
        put_pair(dmy ? tm->mday : tm->mon, 2, '-', dmy ? tm->mon : tm->mday, 2, out);
        break;
    }
    am_buf_put_uint(out, y, 4);
}

void proxy__pg_date_out(int32_t pg_date, const proxy_pgdatestyle_t *ds, am_buf_t *out)
{
    if (pg_date == PROXY_PG_DATE_NOBEGIN || pg_date == PROXY_PG_DATE_NOEND) {
        am_buf_puts(out, pg_date == PROXY_PG_DATE_NOEND ? "infinity" : "-infinity");
        return;
    }
    proxy_pgtm_t tm = {0};
    proxy__pg_j2date(pg_date + PROXY_PG_EPOCH_JDATE, &tm.year, &tm.mon, &tm.mday);
    put_date(&tm, ds, out);
    if (tm.year <= 0)
        am_buf_puts(out, " BC");
}

void proxy__pg_time_out(int64_t us, am_buf_t *out)
{
    proxy_pgtm_t tm;
    int32_t fsec;
    proxy__pg_time2tm(us, &tm, &fsec);
    put_pair(tm.hour, 2, ':', tm.min, 2, out);
    put_seconds(tm.sec, fsec, true, out);
}

void proxy__pg_timetz_out(int64_t us, int32_t gmtoff, am_buf_t *out)
{
    proxy__pg_time_out(us, out);
    put_tz(gmtoff, out);
}

/* The zone after a SQL/German/Postgres timestamp: the abbreviation, else the offset. */
static void put_tz_named(const proxy_pgtm_t *tm, bool space_before_offset, am_buf_t *out)
{
    if (tm->zone[0] || tm->isdst >= 0) {
        am_buf_printf(out, " %.10s", tm->zone);
        return;
    }
    if (space_before_offset)
        am_buf_putc(out, ' ');
    put_tz(tm->gmtoff, out);
}

void proxy__pg_encode_datetime(const proxy_pgtm_t *tm, int32_t fsec, bool print_tz,
                               const proxy_pgdatestyle_t *ds, am_buf_t *out)
{
    if (tm->isdst < 0)
        print_tz = false;
    if (ds->style == PROXY_PG_POSTGRES_DATES) {
        int wday = proxy__pg_j2day(proxy__pg_date2j(tm->year, tm->mon, tm->mday));
        am_buf_printf(out, "%s ", day_abbr[wday]);
        if (ds->order == PROXY_PG_DATEORDER_DMY)
            am_buf_printf(out, "%02d %s", tm->mday, month_abbr[tm->mon - 1]);
        else
            am_buf_printf(out, "%s %02d", month_abbr[tm->mon - 1], tm->mday);
        am_buf_printf(out, " %02d:%02d:", tm->hour, tm->min);
        put_seconds(tm->sec, fsec, true, out);
        am_buf_printf(out, " %04d", year_shown(tm->year));
        if (print_tz)
            put_tz_named(tm, true, out);
    } else {
        put_date(tm, ds, out);
        am_buf_putc(out, ' ');
        put_pair(tm->hour, 2, ':', tm->min, 2, out);
        put_seconds(tm->sec, fsec, true, out);
        if (print_tz && ds->style == PROXY_PG_ISO_DATES)
            put_tz(tm->gmtoff, out);
        else if (print_tz)
            put_tz_named(tm, false, out);
    }
    if (tm->year <= 0)
        am_buf_puts(out, " BC");
}

bool proxy__pg_ts_out(int64_t ts, const proxy_pgtz_t *z, const proxy_pgdatestyle_t *ds,
                      am_buf_t *out)
{
    if (!proxy__pg_ts_finite(ts)) {
        am_buf_puts(out, ts == PROXY_PG_DT_NOEND ? "infinity" : "-infinity");
        return true;
    }
    proxy_pgtm_t tm;
    int32_t fsec;
    if (!proxy__pg_ts2tm(ts, z, &tm, &fsec))
        return false;
    proxy__pg_encode_datetime(&tm, fsec, z != NULL, ds, out);
    return true;
}

/* ---- intervals ---------------------------------------------------------------------------- */

static void pg_part(int64_t v, const char *unit, bool *is_zero, bool *is_before, am_buf_t *out)
{
    if (v == 0)
        return;
    am_buf_printf(out, "%s%s%lld %s%s", *is_zero ? "" : " ", (*is_before && v > 0) ? "+" : "",
                  (long long)v, unit, v != 1 ? "s" : "");
    *is_before = v < 0;
    *is_zero = false;
}

static void verbose_part(int64_t v, const char *unit, bool *is_zero, bool *is_before, am_buf_t *out)
{
    if (v == 0)
        return;
    if (*is_zero) { /* the first nonzero part decides "ago" */
        *is_before = v < 0;
        v = llabs(v);
    } else if (*is_before) {
        v = -v;
    }
    am_buf_printf(out, " %lld %s%s", (long long)v, unit, v == 1 ? "" : "s");
    *is_zero = false;
}

static void iso_part(int64_t v, char unit, am_buf_t *out)
{
    if (v != 0)
        am_buf_printf(out, "%lld%c", (long long)v, unit);
}

static void out_sql_standard(const proxy_pgitm_t *m, am_buf_t *out)
{
    int64_t year = m->year, mon = m->mon, mday = m->mday, hour = m->hour, min = m->min,
            sec = m->sec, fsec = m->usec;
    bool neg = year < 0 || mon < 0 || mday < 0 || hour < 0 || min < 0 || sec < 0 || fsec < 0;
    bool pos = year > 0 || mon > 0 || mday > 0 || hour > 0 || min > 0 || sec > 0 || fsec > 0;
    bool has_ym = year != 0 || mon != 0;
    bool has_dt = mday != 0 || hour != 0 || min != 0 || sec != 0 || fsec != 0;
    bool standard = !(neg && pos) && !(has_ym && has_dt);
    if (neg && standard) {
        am_buf_putc(out, '-');
        year = -year, mon = -mon, mday = -mday, hour = -hour, min = -min, sec = -sec;
        fsec = -fsec;
    }
    if (!neg && !pos) {
        am_buf_putc(out, '0');
    } else if (!standard) {
        am_buf_printf(out, "%c%lld-%lld %c%lld %c%lld:%02lld:", (year < 0 || mon < 0) ? '-' : '+',
                      (long long)llabs(year), (long long)llabs(mon), mday < 0 ? '-' : '+',
                      (long long)llabs(mday),
                      (hour < 0 || min < 0 || sec < 0 || fsec < 0) ? '-' : '+',
                      (long long)llabs(hour), (long long)llabs(min));
        put_seconds((int)sec, fsec, true, out);
    } else if (has_ym) {
        am_buf_printf(out, "%lld-%lld", (long long)year, (long long)mon);
    } else if (mday != 0) {
        am_buf_printf(out, "%lld %lld:%02lld:", (long long)mday, (long long)hour, (long long)min);
        put_seconds((int)sec, fsec, true, out);
    } else {
        am_buf_printf(out, "%lld:%02lld:", (long long)hour, (long long)min);
        put_seconds((int)sec, fsec, true, out);
    }
}

static void out_iso(const proxy_pgitm_t *m, am_buf_t *out)
{
    if (m->year == 0 && m->mon == 0 && m->mday == 0 && m->hour == 0 && m->min == 0 && m->sec == 0 &&
        m->usec == 0) {
        am_buf_puts(out, "PT0S");
        return;
    }
    am_buf_putc(out, 'P');
    iso_part(m->year, 'Y', out);
    iso_part(m->mon, 'M', out);
    iso_part(m->mday, 'D', out);
    if (m->hour != 0 || m->min != 0 || m->sec != 0 || m->usec != 0)
        am_buf_putc(out, 'T');
    iso_part(m->hour, 'H', out);
    iso_part(m->min, 'M', out);
    if (m->sec != 0 || m->usec != 0) {
        if (m->sec < 0 || m->usec < 0)
            am_buf_putc(out, '-');
        put_seconds(m->sec, m->usec, false, out);
        am_buf_putc(out, 'S');
    }
}

static void out_postgres(const proxy_pgitm_t *m, am_buf_t *out)
{
    bool is_zero = true, is_before = false;
    pg_part(m->year, "year", &is_zero, &is_before, out);
    pg_part(m->mon, "mon", &is_zero, &is_before, out);
    pg_part(m->mday, "day", &is_zero, &is_before, out);
    if (!is_zero && m->hour == 0 && m->min == 0 && m->sec == 0 && m->usec == 0)
        return;
    bool minus = m->hour < 0 || m->min < 0 || m->sec < 0 || m->usec < 0;
    am_buf_printf(out, "%s%s%02lld:%02d:", is_zero ? "" : " ", minus ? "-" : (is_before ? "+" : ""),
                  (long long)llabs(m->hour), abs(m->min));
    put_seconds(m->sec, m->usec, true, out);
}

static void out_verbose(const proxy_pgitm_t *m, am_buf_t *out)
{
    bool is_zero = true, is_before = false;
    am_buf_putc(out, '@');
    verbose_part(m->year, "year", &is_zero, &is_before, out);
    verbose_part(m->mon, "mon", &is_zero, &is_before, out);
    verbose_part(m->mday, "day", &is_zero, &is_before, out);
    verbose_part(m->hour, "hour", &is_zero, &is_before, out);
    verbose_part(m->min, "min", &is_zero, &is_before, out);
    if (m->sec != 0 || m->usec != 0) {
        am_buf_putc(out, ' ');
        if (m->sec < 0 || (m->sec == 0 && m->usec < 0)) {
            if (is_zero)
                is_before = true;
            else if (!is_before)
                am_buf_putc(out, '-');
        } else if (is_before) {
            am_buf_putc(out, '-');
        }
        put_seconds(m->sec, m->usec, false, out);
        am_buf_printf(out, " sec%s", (abs(m->sec) != 1 || m->usec != 0) ? "s" : "");
        is_zero = false;
    }
    if (is_zero)
        am_buf_puts(out, " 0");
    if (is_before)
        am_buf_puts(out, " ago");
}

void proxy__pg_interval_out(const proxy_pgiv_t *iv, int style, am_buf_t *out)
{
    proxy_pgitm_t m;
    proxy__pg_iv2itm(iv, &m);
    switch (style) {
    case PROXY_PG_INTSTYLE_SQL_STANDARD:
        out_sql_standard(&m, out);
        break;
    case PROXY_PG_INTSTYLE_ISO_8601:
        out_iso(&m, out);
        break;
    case PROXY_PG_INTSTYLE_POSTGRES:
        out_postgres(&m, out);
        break;
    default:
        out_verbose(&m, out);
        break;
    }
}
