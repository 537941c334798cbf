/*
 * tests/proxy/test_pgfn_time_part.c: am_extract (numeric text), am_date_part (float8),
 * am_date_trunc, am_date_trunc_zone and am_age against PostgreSQL 15 for every unit, in
 * several TimeZones, with BC years, infinities and unknown units.
 */
#include "pgfn_time_test.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const char *const units[] = {"microseconds",
                                    "milliseconds",
                                    "second",
                                    "minute",
                                    "hour",
                                    "day",
                                    "week",
                                    "month",
                                    "quarter",
                                    "year",
                                    "decade",
                                    "century",
                                    "millennium",
                                    "julian",
                                    "isoyear",
                                    "dow",
                                    "isodow",
                                    "doy",
                                    "timezone",
                                    "timezone_hour",
                                    "timezone_minute",
                                    "epoch",
                                    "MONTHS",
                                    "mil",
                                    "y",
                                    "now",
                                    "fortnight",
                                    "jan",
                                    "msecs",
                                    "j",
                                    "mm"};
static const char *const stamps[] = {"2024-01-01 00:00",
                                     "2024-12-30 12:34:56.789",
                                     "2021-01-03 23:59:59.999999",
                                     "2020-12-31 10:00",
                                     "2024-03-31 02:30",
                                     "2024-10-27 02:30:00.5",
                                     "0001-01-01 00:00",
                                     "0001-12-31 23:00 BC",
                                     "0010-06-15 12:00 BC",
                                     "0100-01-01 00:00 BC",
                                     "1000-12-31 00:00",
                                     "2001-01-01 00:00",
                                     "infinity",
                                     "-infinity",
                                     "4713-11-24 00:00 BC",
                                     "2024-02-29 06:07:08.000009"};

Test(pgfn_time_part, extract_and_date_part_timestamps)
{
    static const char *const zones[] = {"UTC",          "Europe/Paris",        "America/New_York",
                                        "Asia/Kolkata", "Australia/Lord_Howe", "UTC+3"};
    tt_t *t = tt_open();
    char a[96], u[64];
    for (size_t z = 0; z < N(zones); z++) {
        tt_set(t, zones[z], "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(stamps); i++)
            for (size_t k = 0; k < N(units); k++) {
                snprintf(u, sizeof u, "lit:%s", units[k]);
                snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
                tt_check(t, "extract($1 from $2)", "am_extract($1, $2, {tz})", u, a, NULL);
                tt_check(t, "date_part($1, $2)", "am_date_part($1, $2, {tz})", u, a, NULL);
                if (z > 0)
                    continue;
                snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
                tt_check(t, "extract($1 from $2)", "am_extract($1, $2)", u, a, NULL);
                tt_check(t, "date_part($1, $2)", "am_date_part($1, $2)", u, a, NULL);
            }
    }
    tt_close(t);
}

Test(pgfn_time_part, extract_dates_times_intervals)
{
    static const char *const dates[] = {"2024-01-01",    "2021-01-03",    "2020-12-31",
                                        "0001-01-01 BC", "0011-01-01 BC", "infinity",
                                        "-infinity",     "5874897-12-31", "2008-12-29"};
    static const char *const times[] = {"00:00", "10:11:12.5", "23:59:59.999999",
                                        "12:00:00.000001"};
    static const char *const timetzs[] = {"10:11:12.5+05:30", "00:00:00-08", "23:59:59+14",
                                          "12:00:00.25-03:30:15"};
    static const char *const ivs[] = {"1 year 2 mons 3 days 04:05:06.789",
                                      "-1 year -2 mons -3 days -04:05:06.789",
                                      "0",
                                      "1 mon",
                                      "100000 years 11 mons",
                                      "-25 years",
                                      "2562047788 hours",
                                      "-00:00:00.5",
                                      "7 mons",
                                      "1234 years"};
    tt_t *t = tt_open();
    char a[96], u[64];
    for (size_t k = 0; k < N(units); k++) {
        snprintf(u, sizeof u, "lit:%s", units[k]);
        for (size_t i = 0; i < N(dates); i++) {
            snprintf(a, sizeof a, "date:%s", dates[i]);
            tt_check(t, "extract($1 from $2)", "am_extract($1, $2)", u, a, NULL);
            tt_check(t, "date_part($1, $2)", "am_date_part($1, $2)", u, a, NULL);
        }
        for (size_t i = 0; i < N(times); i++) {
            snprintf(a, sizeof a, "time:%s", times[i]);
            tt_check(t, "extract($1 from $2)", "am_extract($1, $2)", u, a, NULL);
            tt_check(t, "date_part($1, $2)", "am_date_part($1, $2)", u, a, NULL);
        }
        for (size_t i = 0; i < N(timetzs); i++) {
            snprintf(a, sizeof a, "text:%s", timetzs[i]);
            tt_check(t, "extract($1 from $2::timetz)", "am_extract_timetz($1, $2)", u, a, NULL);
            tt_check(t, "date_part($1, $2::timetz)", "am_date_part_timetz($1, $2)", u, a, NULL);
        }
        for (size_t i = 0; i < N(ivs); i++) {
            snprintf(a, sizeof a, "interval:%s", ivs[i]);
            tt_check(t, "extract($1 from $2)", "am_extract($1, $2)", u, a, NULL);
            tt_check(t, "date_part($1, $2)", "am_date_part($1, $2)", u, a, NULL);
        }
    }
    tt_close(t);
}

Test(pgfn_time_part, date_trunc_every_unit)
{
    static const char *const zones[] = {"UTC", "Europe/Paris", "America/New_York",
                                        "Australia/Lord_Howe", "Asia/Kolkata"};
    static const char *const ivs[] = {"1 year 2 mons 3 days 04:05:06.789",
                                      "-1234 years -7 mons -3 days -04:05:06.789", "0",
                                      "2562047787 hours 59 mins 59.999999 secs"};
    tt_t *t = tt_open();
    char a[96], u[64];
    for (size_t z = 0; z < N(zones); z++) {
        tt_set(t, zones[z], "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(stamps); i++)
            for (size_t k = 0; k < N(units); k++) {
                snprintf(u, sizeof u, "lit:%s", units[k]);
                snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
                tt_check(t, "date_trunc($1, $2)",
                         "am_timestamptz_out(am_date_trunc($1, $2, {tz}), {tz}, {ds})", u, a, NULL);
                tt_check(t, "date_trunc($1, $2, 'America/Sao_Paulo')",
                         "am_timestamptz_out(am_date_trunc_zone($1, $2, 'America/Sao_Paulo'), "
                         "{tz}, {ds})",
                         u, a, NULL);
                if (z > 0)
                    continue;
                snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
                tt_check(t, "date_trunc($1, $2)", "am_timestamp_out(am_date_trunc($1, $2), {ds})",
                         u, a, NULL);
            }
    }
    for (size_t i = 0; i < N(ivs); i++)
        for (size_t k = 0; k < N(units); k++) {
            snprintf(u, sizeof u, "lit:%s", units[k]);
            snprintf(a, sizeof a, "interval:%s", ivs[i]);
            tt_check(t, "date_trunc($1, $2)", "am_interval_out(am_date_trunc($1, $2), {is})", u, a,
                     NULL);
        }
    static const char *const zargs[] = {"EST",          "cest", "Europe/Berlin", "+05:30", "UTC+3",
                                        "Mars/Olympus", "z"};
    for (size_t k = 0; k < N(zargs); k++) {
        snprintf(u, sizeof u, "text:%s", zargs[k]);
        tt_check(t, "date_trunc('day', $1, $2)",
                 "am_timestamptz_out(am_date_trunc_zone('day', $1, $2), {tz}, {ds})",
                 "timestamptz:2024-07-01 23:30+00", u, NULL);
    }
    tt_close(t);
}

Test(pgfn_time_part, age)
{
    static const char *const zones[] = {"UTC", "Europe/Paris", "America/New_York"};
    tt_t *t = tt_open();
    char a[96], b[96];
    for (size_t z = 0; z < N(zones); z++) {
        tt_set(t, zones[z], "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(stamps); i++)
            for (size_t j = 0; j < N(stamps); j++) {
                snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
                snprintf(b, sizeof b, "timestamptz:%s", stamps[j]);
                tt_check(t, "age($1, $2)", "am_interval_out(am_age($1, $2, {tz}), {is})", a, b,
                         NULL);
                if (z > 0)
                    continue;
                snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
                snprintf(b, sizeof b, "timestamp:%s", stamps[j]);
                tt_check(t, "age($1, $2)", "am_interval_out(am_age($1, $2), {is})", a, b, NULL);
            }
        for (size_t i = 0; i < N(stamps); i++) {
            snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
            tt_check(t, "age($1)", "am_interval_out(am_age_now($1, $2, {tz}), {is})", a,
                     "timestamptz:now", NULL);
            snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
            tt_check(t, "age($1)", "am_interval_out(am_age_now($1, $2, {tz}), {is})", a,
                     "timestamptz:now", NULL);
        }
    }
    tt_close(t);
}
