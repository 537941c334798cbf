/*
 * util/time.c: clocks, ISO timestamps for logs, LSN text in PostgreSQL's %X/%X form.
 */
#include "util/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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
