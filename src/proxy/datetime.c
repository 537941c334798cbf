/*
 * proxy/datetime.c: the wire encoder's dates, times, timestamps and intervals in the session's
 * DateStyle and IntervalStyle, those settings, and the session TimeZone, as thin wrappers over the
 * time family's printer and zone engine (pgfn_time.h): one printer, one set of zone rules for the
 * proxy. DuckDB's own TimeZone is locked at UTC for every connection (lock_configuration), so
 * timestamptz values are shifted here.
 */
#include "proxy/proxy_internal.h"
#include "proxy/pgfn_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#define US_PER_DAY INT64_C(86400000000)

struct proxy_tz {
    const proxy_pgtz_t *z; /* borrowed from the zone cache, valid until exit */
};

static proxy_pgdatestyle_t style_of(const proxy_session_t *s)
{
    proxy_pgdatestyle_t ds = {s->date_style, s->date_order};
    return ds;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void proxy__fmt_date(const proxy_session_t *s, int64_t days_1970, am_buf_t *out)
{
    proxy_pgdatestyle_t ds = style_of(s);
    proxy__pg_date_out(proxy__pg_date_from_duck((int32_t)days_1970), &ds, out);
}

void proxy__fmt_time(int64_t us, am_buf_t *out)
{
    proxy__pg_time_out(us, out);
}

void proxy__fmt_timestamp(const proxy_session_t *s, int64_t unix_us, bool has_tz, am_buf_t *out)
{
    if (unix_us == INT64_MAX || unix_us <= -INT64_MAX) {
        am_buf_puts(out, unix_us > 0 ? "infinity" : "-infinity");
        return;
    }
    proxy_pgdatestyle_t ds = style_of(s);
    int64_t pg;
    size_t mark = out->len;
    if (proxy__pg_ts_from_duck(unix_us, &pg) &&
        proxy__pg_ts_out(pg, has_tz && s->tz_zone ? s->tz_zone->z : NULL, &ds, out))
        return;
    out->len = mark;
    /* Beyond PostgreSQL's range (DuckDB may hold such values): fields straight from the
     * calendar, the zone as a plain offset. */
    int32_t offset_s = has_tz ? proxy__tz_offset(s, floor_div(unix_us, 1000000)) : 0;
    int64_t local = unix_us + (int64_t)offset_s * 1000000;
    int64_t days = floor_div(local, US_PER_DAY);
    proxy_pgtm_t tm = {.isdst = 0, .gmtoff = offset_s};
    int32_t fsec;
    proxy__pg_j2date((int)(days + PROXY_PG_UNIX_EPOCH_JDATE), &tm.year, &tm.mon, &tm.mday);
    proxy__pg_time2tm(local - days * US_PER_DAY, &tm, &fsec);
    proxy__pg_encode_datetime(&tm, fsec, has_tz, &ds, out);
}

void proxy__fmt_interval(const proxy_session_t *s, int32_t months, int32_t days, int64_t micros,
                         am_buf_t *out)
{
    proxy_pgiv_t iv = {.month = months, .day = days, .time = micros};
    proxy__pg_interval_out(&iv, s->interval_style, out);
}

/* ---- DateStyle and IntervalStyle ---------------------------------------------------------- */

static const char *const style_names[] = {"Postgres", "ISO", "SQL", "German"};
static const char *const order_names[] = {"YMD", "DMY", "MDY"};

/* One word of a DateStyle value: a style, an order, or DEFAULT; -1 when unknown. */
static int datestyle_word(const char *w, int *style, int *order, bool *have_style, bool *have_order)
{
    static const struct {
        const char *word;
        int style, order;
    } words[] = {
        {"iso", PROXY_PG_ISO_DATES, -1},           {"sql", PROXY_PG_SQL_DATES, -1},
        {"postgres", PROXY_PG_POSTGRES_DATES, -1}, {"german", PROXY_PG_GERMAN_DATES, -1},
        {"ymd", -1, PROXY_PG_DATEORDER_YMD},       {"dmy", -1, PROXY_PG_DATEORDER_DMY},
        {"euro", -1, PROXY_PG_DATEORDER_DMY},      {"european", -1, PROXY_PG_DATEORDER_DMY},
        {"mdy", -1, PROXY_PG_DATEORDER_MDY},       {"us", -1, PROXY_PG_DATEORDER_MDY},
        {"noneuro", -1, PROXY_PG_DATEORDER_MDY},   {"noneuropean", -1, PROXY_PG_DATEORDER_MDY},
    };
    if (strcasecmp(w, "default") == 0) {
        /* the boot value ISO, MDY for whatever was not given yet */
        if (!*have_style)
            *style = PROXY_PG_ISO_DATES;
        if (!*have_order)
            *order = PROXY_PG_DATEORDER_MDY;
        *have_style = *have_order = true;
        return 1;
    }
    for (size_t i = 0; i < AM_ARRAY_LEN(words); i++) {
        if (strcasecmp(w, words[i].word) != 0)
            continue;
        bool is_style = words[i].style >= 0;
        bool *have = is_style ? have_style : have_order;
        int *slot = is_style ? style : order;
        int v = is_style ? words[i].style : words[i].order;
        if (*have && *slot != v)
            return 0; /* conflicting */
        *slot = v;
        *have = true;
        return 1;
    }
    return -1;
}

bool proxy__datestyle_set(proxy_session_t *s, const char *value, char **norm, am_err_t *err)
{
    int style = s->date_style, order = s->date_order;
    bool have_style = false, have_order = false;
    char w[64];
    for (const char *p = value; *p;) {
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ',' && p[n] != ' ' && p[n] != '\t')
            n++;
        if (n == 0)
            break;
        snprintf(w, sizeof w, "%.*s", (int)n, p);
        p += n;
        int rc = datestyle_word(w, &style, &order, &have_style, &have_order);
        if (rc <= 0)
            return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                              "invalid value for parameter \"DateStyle\": \"%s\"\nDETAIL:  %s%s%s",
                              value, rc < 0 ? "Unrecognized key word: \"" : "",
                              rc < 0 ? w : "Conflicting \"datestyle\" specifications.",
                              rc < 0 ? "\"." : "");
    }
    /* German alone implies day before month */
    if (style == PROXY_PG_GERMAN_DATES && have_style && !have_order)
        order = PROXY_PG_DATEORDER_DMY;
    s->date_style = style;
    s->date_order = order;
    *norm = am_xasprintf("%s, %s", style_names[style], order_names[order]);
    return true;
}

bool proxy__intervalstyle_set(proxy_session_t *s, const char *value, char **norm, am_err_t *err)
{
    static const char *const names[] = {"postgres", "postgres_verbose", "sql_standard", "iso_8601"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(value, names[i]) == 0) {
            s->interval_style = i;
            *norm = am_xstrdup(names[i]);
            return true;
        }
    return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                      "invalid value for parameter \"IntervalStyle\": \"%s\"\nHINT:  Available "
                      "values: postgres, postgres_verbose, sql_standard, iso_8601.",
                      value);
}

/* ---- TimeZone ---------------------------------------------------------------------------- */

void proxy__tz_free(proxy_tz_t *z)
{
    free(z);
}

bool proxy__tz_parse(const char *name, int32_t *fixed_s, proxy_tz_t **zone)
{
    *zone = NULL;
    *fixed_s = 0;
    am_err_t err = {0};
    const proxy_pgtz_t *z = proxy__pgtz_session(name, &err);
    if (!z)
        return false;
    *zone = am_xcalloc(1, sizeof **zone);
    (*zone)->z = z;
    return true;
}

int32_t proxy__tz_offset(const proxy_session_t *s, int64_t unix_s)
{
    if (!s->tz_zone)
        return s->tz_fixed_s;
    return proxy__pgtz_at_utc(s->tz_zone->z, unix_s, NULL, NULL);
}
