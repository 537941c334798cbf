/*
 * proxy/datetime.c: the wire encoder's dates, times, timestamps and intervals (DateStyle ISO,
 * IntervalStyle postgres) and the session TimeZone, as thin wrappers over the time family's
 * printer and zone engine (pgfn_time.h): one printer, one set of zone rules for the proxy.
 * DuckDB's own TimeZone is locked at UTC for every connection (lock_configuration), so
 * timestamptz values are shifted here.
 */
#include "proxy/proxy_internal.h"
#include "proxy/pgfn_time.h"

#include <stdlib.h>
#include <string.h>

#define US_PER_DAY INT64_C(86400000000)

static const proxy_pgdatestyle_t iso = {PROXY_PG_ISO_DATES, PROXY_PG_DATEORDER_MDY};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void proxy__fmt_date(int64_t days_1970, am_buf_t *out)
{
    proxy__pg_date_out(proxy__pg_date_from_duck((int32_t)days_1970), &iso, out);
}

void proxy__fmt_time(int64_t us, am_buf_t *out)
{
    proxy__pg_time_out(us, out);
}

void proxy__fmt_timestamp(int64_t unix_us, bool has_tz, int32_t offset_s, am_buf_t *out)
{
    if (unix_us == INT64_MAX || unix_us <= -INT64_MAX) {
        am_buf_puts(out, unix_us > 0 ? "infinity" : "-infinity");
        return;
    }
    /* Fields straight from the calendar: DuckDB may hold values PostgreSQL's range lacks. */
    int64_t local = unix_us + (has_tz ? (int64_t)offset_s * 1000000 : 0);
    int64_t days = floor_div(local, US_PER_DAY);
    proxy_pgtm_t tm = {.isdst = 0, .gmtoff = offset_s};
    int32_t fsec;
    proxy__pg_j2date((int)(days + PROXY_PG_UNIX_EPOCH_JDATE), &tm.year, &tm.mon, &tm.mday);
    proxy__pg_time2tm(local - days * US_PER_DAY, &tm, &fsec);
    proxy__pg_encode_datetime(&tm, fsec, has_tz, &iso, out);
}

void proxy__fmt_interval(int32_t months, int32_t days, int64_t micros, am_buf_t *out)
{
    proxy_pgiv_t iv = {.month = months, .day = days, .time = micros};
    proxy__pg_interval_out(&iv, PROXY_PG_INTSTYLE_POSTGRES, out);
}

/* ---- TimeZone ---------------------------------------------------------------------------- */

struct proxy_tz {
    const proxy_pgtz_t *z; /* borrowed from the zone cache, valid until exit */
};

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
