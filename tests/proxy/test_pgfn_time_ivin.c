/*
 * tests/proxy/test_pgfn_time_ivin.c: am_interval_in reads intervals exactly as PostgreSQL's
 * interval_in does in every IntervalStyle, with and without typmods, and the typmod casts
 * (am_interval_scale, am_timestamp_scale, am_time_scale, am_timetz_scale) round as
 * PostgreSQL's do.
 */
#include "pgfn_time_test.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const char *const intervals[] = {
    "1 year 2 mons 3 days 04:05:06.789",
    "@ 1 hour ago",
    "-1 days +02:00:00",
    "1 day -02:00",
    "P1Y2M3DT4H5M6S",
    "P0001-02-03T04:05:06",
    "1-2",
    "3 4:05:06",
    "1.5 months",
    "1.5 years",
    "1.5 weeks",
    "0.5 days",
    "10 microseconds",
    "1.5 ms",
    "100",
    "1.5",
    "-1.5",
    "1 ago",
    "2 centuries",
    "1 millennium",
    "3 decades",
    "1 qtr",
    "1 day 1 day",
    "",
    "x",
    "P",
    "PT",
    "P1D",
    "PT1H",
    "P1.5Y",
    "P1W",
    "PT1.5S",
    "P1Y-2M",
    "P-1Y",
    "P00010203T040506",
    "P0001-02",
    "P0001",
    "PT04:05",
    "PT040506",
    "178956970 years",
    "178956971 years",
    "2147483647 days",
    "2147483648 days",
    "-2147483648 days",
    "9223372036854 seconds",
    "9223372037 seconds",
    "2562047788 hours",
    "2562047789 hours",
    "-1-2",
    "+1-2",
    "1 +2:03",
    "-1 2:03:04",
    "-1 +2:03:04",
    "@ 1 day 2 hours ago",
    "1 h",
    "1 hr",
    "1 hrs",
    "5 mins",
    "1 week ago",
    "1e3 seconds",
    "1:2",
    "1:2:3.5",
    "-1:2:3",
    "10:00 1.5 days",
    ".5 hours",
    "1. hour",
    "99999999999999999999 seconds",
    "P1e2D",
    "P0x10D",
    "1 month 1 month",
    "1 mon 1 day 1 hour 1 minute 1 second 1 millisecond 1 microsecond",
    "1 day ago 2 hours",
    "1 year 12 months",
    "1-12",
    "1-11",
    "-0-1",
    "1 2",
    "1 2 3",
    "1 day 02:03:04.5 ago",
    "P1Y2M3DT4H5M6.5S",
    "P1.5M",
    "P0.5W",
    "PT0.5H",
    "P1DT",
    "P1H",
    "PT1D",
    "1 year -1 month",
    "  1 day  ",
    "1 days 1 seconds 1 minutes",
    "+1 day",
    "-1 day",
    "- 1 day",
    "1 day -1 hour",
    "0.000001 seconds",
    "0.0000005 seconds",
    "0.0000004 seconds",
    "1.9999999 seconds",
    "1 mon 2.5 days",
    "1.25 days",
    "-1.25 days",
    "2 weeks 3 days",
    "1.5 decades",
    "0.1 millennium",
    "1 @ day",
    "1 days 2:00 ago",
    "12:34:56.789012345",
    "100:00:00",
    "-100:00:00",
    "1 day 100:00",
    "30 days",
    "1 year 1 year",
    "1 usec",
    "1 msec",
    "1 microsecond 1 millisecond",
    "1.5 microseconds",
    "1 dec",
    "1 c",
    "P2Y6M7DT1H30M",
    "P0002-06-07T01:30:00",
    "P0002-06-07T013000",
    "P00020607T013000",
    "PT1H30M",
    "P1Y1Y",
    "P1YT",
    "PT36H",
    "P-1.5Y",
    "P.5D",
    "P1Y 2M",
    "p1y",
    "P1Y2M3W4D",
    "PT-1H-2M-3S",
    "10:00:00.",
    "1 day 10:00 ago",
    "8 hours 30 minutes",
    "1 year 2 months ago",
};

Test(pgfn_time_ivin, styles)
{
    static const char *const istyles[] = {"postgres", "postgres_verbose", "sql_standard",
                                          "iso_8601"};
    tt_t *t = tt_open();
    char lit[256];
    for (size_t s = 0; s < N(istyles); s++) {
        tt_set(t, "UTC", "ISO, MDY", istyles[s]);
        for (size_t i = 0; i < N(intervals); i++) {
            snprintf(lit, sizeof lit, "lit:%s", intervals[i]);
            tt_check(t, "$1::interval", "am_interval_out(am_interval_in($1, {is}), {is})", lit,
                     NULL);
        }
    }
    tt_close(t);
}

Test(pgfn_time_ivin, typmods)
{
    static const struct {
        const char *pg;
        int typmod;
    } itm[] = {
        {"interval year", (4 << 16) | 0xFFFF},
        {"interval month", (2 << 16) | 0xFFFF},
        {"interval day", (8 << 16) | 0xFFFF},
        {"interval hour", (1024 << 16) | 0xFFFF},
        {"interval minute", (2048 << 16) | 0xFFFF},
        {"interval second", (4096 << 16) | 0xFFFF},
        {"interval year to month", (6 << 16) | 0xFFFF},
        {"interval day to hour", ((8 | 1024) << 16) | 0xFFFF},
        {"interval day to minute", ((8 | 1024 | 2048) << 16) | 0xFFFF},
        {"interval day to second", ((8 | 1024 | 2048 | 4096) << 16) | 0xFFFF},
        {"interval hour to minute", ((1024 | 2048) << 16) | 0xFFFF},
        {"interval hour to second", ((1024 | 2048 | 4096) << 16) | 0xFFFF},
        {"interval minute to second", ((2048 | 4096) << 16) | 0xFFFF},
        {"interval second(3)", (4096 << 16) | 3},
        {"interval(2)", (0x7FFF << 16) | 2},
        {"interval(0)", (0x7FFF << 16) | 0},
        {"interval day to second(0)", ((8 | 1024 | 2048 | 4096) << 16) | 0},
        {"interval minute to second(1)", ((2048 | 4096) << 16) | 1},
    };
    static const char *const texts[] = {"1",
                                        "1.5",
                                        "-1.5",
                                        "1:2",
                                        "1:2:3.456789",
                                        "1 2:03:04.5678",
                                        "1-2",
                                        "1 year 2 mons 3 days 04:05:06.789",
                                        "-1 day -00:00:00.5",
                                        "100",
                                        "12:34",
                                        "1:2.5",
                                        "P1Y2M3DT4H5M6.789S",
                                        "@ 2 days 3 hours ago",
                                        "0.0000005",
                                        "23:59:59.99",
                                        "-23:59:59.99",
                                        "2147483647 minutes",
                                        "99999999999:00"};
    tt_t *t = tt_open();
    char pg[128], dk[160], lit[128];
    tt_set(t, "UTC", "ISO, MDY", "postgres");
    for (size_t k = 0; k < N(itm); k++)
        for (size_t i = 0; i < N(texts); i++) {
            snprintf(lit, sizeof lit, "lit:%s", texts[i]);
            snprintf(pg, sizeof pg, "$1::%s", itm[k].pg);
            snprintf(dk, sizeof dk, "am_interval_out(am_interval_in($1, {is}, %d), {is})",
                     itm[k].typmod);
            tt_check(t, pg, dk, lit, NULL);
            snprintf(pg, sizeof pg, "($1::interval)::%s", itm[k].pg);
            snprintf(dk, sizeof dk,
                     "am_interval_out(am_interval_scale(am_interval_in($1, {is}), %d), {is})",
                     itm[k].typmod);
            tt_check(t, pg, dk, lit, NULL);
        }
    static const char *const stamps2[] = {"2024-01-02 10:00:00.5",
                                          "2024-01-02 10:00:00.4999995",
                                          "2024-12-31 23:59:59.999999",
                                          "1999-01-01 00:00:00.05 BC",
                                          "infinity",
                                          "2024-01-02 10:00:00.123456"};
    for (int p = 0; p <= 6; p++)
        for (size_t i = 0; i < N(stamps2); i++) {
            snprintf(lit, sizeof lit, "lit:%s", stamps2[i]);
            snprintf(pg, sizeof pg, "($1::timestamp)::timestamp(%d)", p);
            snprintf(dk, sizeof dk,
                     "am_timestamp_out(am_timestamp_scale(am_timestamp_in($1, {ds}), %d), {ds})",
                     p);
            tt_check(t, pg, dk, lit, NULL);
            snprintf(pg, sizeof pg, "($1::timestamptz)::timestamptz(%d)", p);
            snprintf(dk, sizeof dk,
                     "am_timestamptz_out(am_timestamp_scale(am_timestamptz_in($1, {ds}, {tz}), "
                     "%d), {tz}, {ds})",
                     p);
            tt_check(t, pg, dk, lit, NULL);
            snprintf(lit, sizeof lit, "lit:%s",
                     strchr(stamps2[i], ' ') ? strchr(stamps2[i], ' ') + 1 : "23:59:59.9");
            snprintf(pg, sizeof pg, "($1::time)::time(%d)", p);
            snprintf(dk, sizeof dk, "am_time_out(am_time_scale(am_time_in($1), %d))", p);
            tt_check(t, pg, dk, lit, NULL);
            snprintf(pg, sizeof pg, "($1::timetz)::timetz(%d)", p);
            snprintf(dk, sizeof dk,
                     "am_timetz_scale(am_timetz_in($1, {ds}, {tz}, '2024-01-01'::"
                     "TIMESTAMPTZ), %d)",
                     p);
            snprintf(lit, sizeof lit, "lit:%s+05:30",
                     strchr(stamps2[i], ' ') ? strchr(stamps2[i], ' ') + 1 : "23:59:59.9");
            tt_check(t, pg, dk, lit, NULL);
        }
    tt_close(t);
}
