/*
 * tests/proxy/test_pgfn_time_arith.c: date/time arithmetic (am_timestamp*_pl/mi_interval,
 * am_date_*, am_timestamp*_mi, am_interval_*, am_justify_*, am_time_*) against PostgreSQL,
 * across DST transitions, month ends, leap years, BC dates, infinities and range ends.
 */
#include "pgfn_time_test.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const char *const zones[] = {
    "UTC",   "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "EST5EDT",
    "UTC+3", "-08:00"};
static const char *const stamps[] = {
    "2024-01-31 12:00",
    "2024-02-29 00:00",
    "2023-03-26 02:30",
    "2024-03-31 02:30",
    "2024-10-27 02:30",
    "2024-03-10 02:30",
    "2024-11-03 01:30",
    "2024-03-30 02:30",
    "2024-10-26 02:30:00.5",
    "1999-12-31 23:59:59.999999",
    "0001-01-01 00:00 BC",
    "0001-03-01 00:00 BC",
    "4713-11-24 00:00 BC",
    "200000-06-30 00:00",
    "infinity",
    "-infinity",
    "2024-04-06 02:15",
    "1900-02-28 12:00",
};
static const char *const ivs[] = {
    "1 mon",         "-1 mon",           "1 day",
    "-1 day",        "24 hours",         "1 year",
    "12 mons 1 day", "1 mon -1 day",     "-1 year 2 mons -3 days 04:05:06.7",
    "00:30",         "-00:00:00.000001", "100000 years",
    "2 days 25:00",  "30 mins",          "1 hour",
    "-23:59:59",
};

Test(pgfn_time_arith, timestamp_plus_minus_interval)
{
    tt_t *t = tt_open();
    char a[96], b[96];
    for (size_t i = 0; i < N(stamps); i++)
        for (size_t j = 0; j < N(ivs); j++) {
            snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
            snprintf(b, sizeof b, "interval:%s", ivs[j]);
            tt_check(t, "$1 + $2", "am_timestamp_out(am_timestamp_pl_interval($1, $2), {ds})", a, b,
                     NULL);
            tt_check(t, "$1 - $2", "am_timestamp_out(am_timestamp_mi_interval($1, $2), {ds})", a, b,
                     NULL);
        }
    tt_close(t);
}

Test(pgfn_time_arith, timestamptz_plus_minus_interval_in_zones)
{
    tt_t *t = tt_open();
    char a[96], b[96];
    for (size_t z = 0; z < N(zones); z++) {
        tt_set(t, zones[z], "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(stamps); i++)
            for (size_t j = 0; j < N(ivs); j++) {
                snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
                snprintf(b, sizeof b, "interval:%s", ivs[j]);
                tt_check(t, "$1 + $2",
                         "am_timestamptz_out(am_timestamptz_pl_interval($1, $2, {tz}), {tz}, "
                         "{ds})",
                         a, b, NULL);
                tt_check(t, "$1 - $2",
                         "am_timestamptz_out(am_timestamptz_mi_interval($1, $2, {tz}), {tz}, "
                         "{ds})",
                         a, b, NULL);
            }
    }
    tt_close(t);
}

Test(pgfn_time_arith, differences)
{
    tt_t *t = tt_open();
    char a[96], b[96];
    tt_set(t, "Europe/Paris", "ISO, MDY", "postgres");
    for (size_t i = 0; i < N(stamps); i++)
        for (size_t j = 0; j < N(stamps); j += 2) {
            snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
            snprintf(b, sizeof b, "timestamp:%s", stamps[j]);
            tt_check(t, "$1 - $2", "am_interval_out(am_timestamp_mi($1, $2), {is})", a, b, NULL);
            snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
            snprintf(b, sizeof b, "timestamptz:%s", stamps[j]);
            tt_check(t, "$1 - $2", "am_interval_out(am_timestamptz_mi($1, $2), {is})", a, b, NULL);
        }
    tt_close(t);
}

Test(pgfn_time_arith, dates)
{
    static const char *const dates[] = {"2024-01-31",    "2024-02-29",    "2023-02-28",
                                        "0001-01-01 BC", "4713-11-24 BC", "5874897-12-31",
                                        "infinity",      "-infinity",     "1970-01-01"};
    static const char *const ints[] = {"0",           "1",          "-1",     "365",
                                       "-2147483648", "2147483647", "1000000"};
    tt_t *t = tt_open();
    char a[96], b[96];
    for (size_t i = 0; i < N(dates); i++) {
        snprintf(a, sizeof a, "date:%s", dates[i]);
        for (size_t j = 0; j < N(ints); j++) {
            snprintf(b, sizeof b, "int4:%s", ints[j]);
            tt_check(t, "$1 + $2", "am_date_out(am_date_pli($1, $2), {ds})", a, b, NULL);
            tt_check(t, "$1 - $2", "am_date_out(am_date_mii($1, $2), {ds})", a, b, NULL);
        }
        for (size_t j = 0; j < N(dates); j++) {
            snprintf(b, sizeof b, "date:%s", dates[j]);
            tt_check(t, "$1 - $2", "am_date_mi($1, $2)", a, b, NULL);
        }
        for (size_t j = 0; j < N(ivs); j++) {
            snprintf(b, sizeof b, "interval:%s", ivs[j]);
            tt_check(t, "$1 + $2", "am_timestamp_out(am_date_pl_interval($1, $2), {ds})", a, b,
                     NULL);
            tt_check(t, "$1 - $2", "am_timestamp_out(am_date_mi_interval($1, $2), {ds})", a, b,
                     NULL);
        }
    }
    tt_close(t);
}

Test(pgfn_time_arith, intervals)
{
    static const char *const more[] = {"178000000 years",  "-178000000 years", "2147483647 days",
                                       "-2147483648 days", "2562047788 hours", "1 mon 15 days",
                                       "29 days 23:00",    "30 days",          "1 mon",
                                       "720:00:00"};
    static const char *const factors[] = {"0",     "1",           "-1",   "0.5",  "1.5",
                                          "3.7",   "-0.25",       "1e-7", "1e10", "'nan'",
                                          "'inf'", "0.333333333", "7"};
    tt_t *t = tt_open();
    char a[96], b[96];
    for (size_t i = 0; i < N(ivs) + N(more); i++) {
        const char *x = i < N(ivs) ? ivs[i] : more[i - N(ivs)];
        snprintf(a, sizeof a, "interval:%s", x);
        tt_check(t, "justify_hours($1)", "am_interval_out(am_justify_hours($1), {is})", a, NULL);
        tt_check(t, "justify_days($1)", "am_interval_out(am_justify_days($1), {is})", a, NULL);
        tt_check(t, "justify_interval($1)", "am_interval_out(am_justify_interval($1), {is})", a,
                 NULL);
        tt_check(t, "-$1", "am_interval_out(am_interval_um($1), {is})", a, NULL);
        for (size_t j = 0; j < N(factors); j++) {
            snprintf(b, sizeof b, "float8:%s", factors[j][0] == '\'' ? "nan" : factors[j]);
            if (strcmp(factors[j], "'inf'") == 0)
                snprintf(b, sizeof b, "float8:Infinity");
            tt_check(t, "$1 * $2", "am_interval_out(am_interval_mul($1, $2), {is})", a, b, NULL);
            tt_check(t, "$1 / $2", "am_interval_out(am_interval_div($1, $2), {is})", a, b, NULL);
        }
        for (size_t j = 0; j < N(more); j++) {
            snprintf(b, sizeof b, "interval:%s", more[j]);
            tt_check(t, "$1 + $2", "am_interval_out(am_interval_pl($1, $2), {is})", a, b, NULL);
            tt_check(t, "$1 - $2", "am_interval_out(am_interval_mi($1, $2), {is})", a, b, NULL);
            tt_check(t, "CASE WHEN $1 < $2 THEN -1 WHEN $1 > $2 THEN 1 ELSE 0 END",
                     "am_interval_cmp($1, $2)", a, b, NULL);
        }
    }
    tt_close(t);
}

Test(pgfn_time_arith, times)
{
    static const char *const times[] = {"00:00", "23:59:59.999999", "12:00", "01:30:00.5"};
    tt_t *t = tt_open();
    char a[96], b[96];
    for (size_t i = 0; i < N(times); i++) {
        snprintf(a, sizeof a, "time:%s", times[i]);
        for (size_t j = 0; j < N(ivs); j++) {
            snprintf(b, sizeof b, "interval:%s", ivs[j]);
            tt_check(t, "$1 + $2", "am_time_out(am_time_pl_interval($1, $2))", a, b, NULL);
            tt_check(t, "$1 - $2", "am_time_out(am_time_mi_interval($1, $2))", a, b, NULL);
        }
        for (size_t j = 0; j < N(times); j++) {
            snprintf(b, sizeof b, "time:%s", times[j]);
            tt_check(t, "$1 - $2", "am_interval_out(am_time_mi($1, $2), {is})", a, b, NULL);
        }
    }
    tt_close(t);
}
