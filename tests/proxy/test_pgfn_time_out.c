/*
 * tests/proxy/test_pgfn_time_out.c: am_date_out, am_time_out, am_timestamp_out,
 * am_timestamptz_out and am_interval_out print exactly what PostgreSQL prints under every
 * DateStyle, IntervalStyle and a range of TimeZones.
 */
#include "pgfn_time_test.h"

static const char *const zones[] = {
    "UTC",   "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "EST5EDT",
    "UTC+3", "-08:00",       "<+03>-3",          "europe/paris", "America/St_Johns",    "PST8PDT"};
static const char *const styles[] = {"ISO, MDY",    "ISO, DMY",      "SQL, MDY",
                                     "SQL, DMY",    "Postgres, MDY", "Postgres, DMY",
                                     "German, DMY", "Postgres, YMD"};
static const char *const stamps[] = {
    "2024-03-31 01:59:59.999999+00",
    "2024-03-31 02:30:00+02",
    "2024-10-27 00:30:00+00",
    "2024-10-27 01:30:00+00",
    "2024-03-10 07:30:00+00",
    "2024-11-03 06:30:00+00",
    "2000-02-29 12:00:00.5+00",
    "1999-12-31 23:59:59.123456+00",
    "1900-01-01 00:00:00+00",
    "1850-06-01 12:00:00+00",
    "0044-03-15 12:00:00+00 BC",
    "4713-11-24 00:00:00+00 BC",
    "infinity",
    "-infinity",
    "2200-07-01 12:00:00+00",
    "1970-01-01 00:00:00+00",
    "2038-01-19 03:14:08+00",
    "9999-12-31 23:59:59+00",
    "2024-04-07 15:30:00+00",
    "2024-10-06 15:45:00+00",
    "1937-06-30 12:00:00+00",
};

Test(pgfn_time_out, timestamptz_every_zone_and_style)
{
    tt_t *t = tt_open();
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++)
        for (size_t s = 0; s < sizeof styles / sizeof *styles; s++) {
            tt_set(t, zones[z], styles[s], "postgres");
            for (size_t i = 0; i < sizeof stamps / sizeof *stamps; i++) {
                char a[80];
                snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
                tt_check(t, "$1", "am_timestamptz_out($1, {tz}, {ds})", a, NULL);
            }
        }
    tt_close(t);
}

Test(pgfn_time_out, timestamp_date_time_every_style)
{
    static const char *const ts[] = {"2024-02-29 13:14:15.678",
                                     "0001-01-01 00:00:00",
                                     "0001-12-31 23:59:59 BC",
                                     "4713-11-24 00:00:00 BC",
                                     "294246-12-31 23:59:59.999999",
                                     "infinity",
                                     "-infinity",
                                     "1999-01-08 04:05:06.000001",
                                     "2024-07-04 00:00:00.1"};
    static const char *const dates[] = {"2024-02-29",    "0001-01-01",    "0001-12-31 BC",
                                        "4713-11-24 BC", "5874897-12-31", "infinity",
                                        "-infinity",     "1999-01-08",    "0099-05-05"};
    static const char *const times[] = {"00:00:00", "23:59:59.999999", "12:34:56.5",
                                        "01:02:03.000100", "13:00"};
    tt_t *t = tt_open();
    for (size_t s = 0; s < sizeof styles / sizeof *styles; s++) {
        tt_set(t, "Europe/Paris", styles[s], "postgres");
        char a[80];
        for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
            snprintf(a, sizeof a, "timestamp:%s", ts[i]);
            tt_check(t, "$1", "am_timestamp_out($1, {ds})", a, NULL);
        }
        for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
            snprintf(a, sizeof a, "date:%s", dates[i]);
            tt_check(t, "$1", "am_date_out($1, {ds})", a, NULL);
        }
        for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
            snprintf(a, sizeof a, "time:%s", times[i]);
            tt_check(t, "$1", "am_time_out($1)", a, NULL);
        }
    }
    tt_close(t);
}

Test(pgfn_time_out, interval_every_style)
{
    static const char *const ivs[] = {
        "0",
        "1 year 2 mons 3 days 04:05:06.789",
        "-1 year -2 mons +3 days -04:05:06",
        "1 day -00:00:01",
        "-1 day",
        "1 mon -1 day",
        "-1 mon",
        "00:00:00.000001",
        "-00:00:00.5",
        "1 sec",
        "-1 sec",
        "100 years",
        "-178000000 years",
        "2562047788 hours 54.775807 secs",
        "-2562047788:00:54.775807",
        "1 day 1 sec",
        "3 mons -3 days",
        "-3 mons 3 days -00:00:01",
        "1-2",
        "-1-2",
        "4 5:06:07",
        "-4 -5:06:07",
        "@ 1 min ago",
        "45 min",
        "1.5 years",
        "-0.5 day",
        "23:59:59.999999",
    };
    static const char *const istyles[] = {"postgres", "postgres_verbose", "sql_standard",
                                          "iso_8601"};
    tt_t *t = tt_open();
    for (size_t s = 0; s < 4; s++) {
        tt_set(t, "UTC", "ISO, MDY", istyles[s]);
        for (size_t i = 0; i < sizeof ivs / sizeof *ivs; i++) {
            char a[80];
            snprintf(a, sizeof a, "interval:%s", ivs[i]);
            tt_check(t, "$1", "am_interval_out($1, {is})", a, NULL);
        }
    }
    tt_close(t);
}
