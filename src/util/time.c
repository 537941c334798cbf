/*
 * util/time.c: clocks, ISO timestamps for logs, LSN text in PostgreSQL's %X/%X form, and the
 * duration and size texts of settings ("10s", "250ms", "512MB").
 */
#include "util/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int64_t am_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t am_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t am_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void am_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

void am_time_format_iso(int64_t unix_us, char *out, size_t out_len)
{
    time_t secs = (time_t)(unix_us / 1000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, out_len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)((unix_us % 1000000) / 1000));
}

bool am_lsn_parse(const char *s, am_lsn_t *out)
{
    char *end = NULL;
    if (!s || !*s)
        return false;
    unsigned long long hi = strtoull(s, &end, 16);
    if (end == s || *end != '/' || hi > 0xffffffffULL)
        return false;
    const char *lo_s = end + 1;
    unsigned long long lo = strtoull(lo_s, &end, 16);
    if (end == lo_s || *end != '\0' || lo > 0xffffffffULL)
        return false;
    *out = ((am_lsn_t)hi << 32) | (am_lsn_t)lo;
    return true;
}

char *am_lsn_format(am_lsn_t lsn, char *out, size_t out_len)
{
    snprintf(out, out_len, AM_LSN_FMT, AM_LSN_ARGS(lsn));
    return out;
}

/* PostgreSQL's GUC units for a time setting whose base unit is the millisecond. */
static const struct {
    const char *unit;
    double ms;
} time_units[] = {{"us", 0.001},  {"ms", 1},      {"s", 1000},
                  {"min", 60000}, {"h", 3600000}, {"d", 86400000}};

bool am_duration_ms_parse(const char *s, int64_t *out)
{
    char *end = NULL;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!((*s >= '0' && *s <= '9') || *s == '.'))
        return false; /* no sign: a negative duration means nothing here */
    double v = strtod(s, &end);
    if (end == s)
        return false;
    while (*end == ' ' || *end == '\t')
        end++;
    double ms = v;
    if (*end) {
        size_t n = strcspn(end, " \t");
        bool found = false;
        for (size_t i = 0; i < sizeof time_units / sizeof time_units[0] && !found; i++) {
            if (strlen(time_units[i].unit) == n && strncmp(end, time_units[i].unit, n) == 0) {
                ms = v * time_units[i].ms;
                found = true;
            }
        }
        end += n;
        while (*end == ' ' || *end == '\t')
            end++;
        if (!found || *end)
            return false;
    }
    if (!(ms >= 0 && ms <= 2147483647.0))
        return false;
    *out = (int64_t)(ms + 0.5);
    return true;
}

static const struct {
    const char *unit;
    uint64_t mult;
} size_units[] = {{"b", 1},          {"kb", 1u << 10},   {"kib", 1u << 10},
                  {"mb", 1u << 20},  {"mib", 1u << 20},  {"gb", 1u << 30},
                  {"gib", 1u << 30}, {"tb", 1ull << 40}, {"tib", 1ull << 40}};

bool am_size_parse(const char *s, uint64_t *out)
{
    char *end = NULL;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    uint64_t mult = *end ? 0 : 1;
    for (size_t i = 0; i < sizeof size_units / sizeof size_units[0] && *end; i++)
        if (strcasecmp(end, size_units[i].unit) == 0)
            mult = size_units[i].mult;
    if (mult == 0 || !(v * (double)mult < 9.0e18))
        return false;
    *out = (uint64_t)(v * (double)mult);
    return true;
}
