/*
 * tests/proxy/test_pgfn_time_conv.c: zone conversions (casts, AT TIME ZONE with names,
 * abbreviations, POSIX strings and intervals), make_*, isfinite, date_bin, overlaps and
 * generate_series against PostgreSQL in several TimeZones.
 */
#include "pgfn_time_test.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const char *const zones[] = {
    "UTC",     "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
    "EST5EDT", "UTC+3",        "-08:00",           "<+03>-3",      "Europe/Moscow"};
static const char *const stamps[] = {
    "2024-03-31 02:30", "2024-10-27 02:30",        "2024-03-10 02:30",    "2024-11-03 01:30",
    "2014-10-26 01:30", "1900-01-01 00:00",        "0001-01-01 00:00 BC", "infinity",
    "-infinity",        "2024-07-01 12:34:56.789", "2024-04-07 01:45",    "2038-03-28 02:30",
    "2100-10-31 01:30", "1970-01-01 00:00",
};

Test(pgfn_time_conv, casts_in_the_session_zone)
{
    tt_t *t = tt_open();
    char a[96];
    for (size_t z = 0; z < N(zones); z++) {
        tt_set(t, zones[z], "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(stamps); i++) {
            snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
            tt_check(t, "$1::timestamp",
                     "am_timestamp_out(am_timestamptz_timestamp($1, {tz}), {ds})", a, NULL);
            tt_check(t, "$1::date", "am_date_out(am_timestamptz_date($1, {tz}), {ds})", a, NULL);
            tt_check(t, "$1::time", "am_time_out(am_timestamptz_time($1, {tz}))", a, NULL);
            tt_check(t, "$1::timetz", "am_timestamptz_timetz($1, {tz})", a, NULL);
            tt_check(t, "isfinite($1)", "am_isfinite($1)", a, NULL);
            snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
            tt_check(t, "$1::timestamptz",
                     "am_timestamptz_out(am_timestamp_timestamptz($1, {tz}), {tz}, {ds})", a, NULL);
            tt_check(t, "$1::date", "am_date_out(am_timestamp_date($1), {ds})", a, NULL);
            tt_check(t, "$1::time", "am_time_out(am_timestamp_time($1))", a, NULL);
            snprintf(a, sizeof a, "date:%s", stamps[i]);
            tt_check(t, "$1::timestamptz",
                     "am_timestamptz_out(am_date_timestamptz($1, {tz}), {tz}, {ds})", a, NULL);
            tt_check(t, "$1::timestamp", "am_timestamp_out(am_date_timestamp($1), {ds})", a, NULL);
        }
    }
    tt_close(t);
}

Test(pgfn_time_conv, at_time_zone)
{
    static const char *const targs[] = {"UTC",
                                        "Europe/Paris",
                                        "america/new_york",
                                        "EST",
                                        "cest",
                                        "PST8PDT",
                                        "UTC+3",
                                        "<+03>-3",
                                        "+05:30",
                                        "z",
                                        "Nowhere/Else",
                                        "-08",
                                        "Australia/Lord_Howe",
                                        "GMT",
                                        "Etc/GMT-14",
                                        "MET",
                                        "CET"};
    static const char *const ivz[] = {"05:30", "-08:00", "00:00:30.5", "1 day", "1 mon", "-03:00"};
    tt_t *t = tt_open();
    char a[96], b[96];
    tt_set(t, "America/New_York", "ISO, MDY", "postgres");
    for (size_t i = 0; i < N(stamps); i++)
        for (size_t k = 0; k < N(targs); k++) {
            snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
            snprintf(b, sizeof b, "text:%s", targs[k]);
            tt_check(t, "$1 AT TIME ZONE $2", "am_timestamp_out(am_timezone($2, $1), {ds})", a, b,
                     NULL);
            snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
            tt_check(t, "$1 AT TIME ZONE $2", "am_timestamptz_out(am_timezone($2, $1), {tz}, {ds})",
                     a, b, NULL);
        }
    for (size_t i = 0; i < N(stamps); i++)
        for (size_t k = 0; k < N(ivz); k++) {
            snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
            snprintf(b, sizeof b, "interval:%s", ivz[k]);
            tt_check(t, "$1 AT TIME ZONE $2", "am_timestamp_out(am_timezone($2, $1, {is}), {ds})",
                     a, b, NULL);
            snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
            tt_check(t, "$1 AT TIME ZONE $2",
                     "am_timestamptz_out(am_timezone($2, $1, {is}), {tz}, {ds})", a, b, NULL);
        }
    tt_close(t);
}

Test(pgfn_time_conv, make_functions)
{
    static const int dates[][3] = {
        {2024, 2, 29}, {2023, 2, 29},    {-44, 3, 15},    {0, 1, 1},         {2024, 13, 1},
        {2024, 4, 31}, {-4713, 11, 24},  {-4714, 11, 24}, {5874897, 12, 31}, {5874898, 1, 1},
        {1, 1, 1},     {294246, 12, 31}, {2024, 0, 10}};
    static const char *const times[][3] = {
        {"10", "11", "12.5"},       {"24", "0", "0"},     {"24", "0", "0.5"},
        {"23", "59", "59.9999999"}, {"-1", "0", "0"},     {"12", "60", "0"},
        {"12", "0", "60"},          {"12", "0", "'nan'"}, {"0", "0", "1e-7"}};
    static const char *const mzones[] = {"Europe/Paris",    "+05:30", "-0330",   "EST", "+16", "5",
                                         "America/Nowhere", "UTC+3",  "+1:30:15"};
    tt_t *t = tt_open();
    char pg[256], dk[256];
    tt_set(t, "Europe/Paris", "ISO, MDY", "postgres");
    for (size_t i = 0; i < N(dates); i++) {
        snprintf(pg, sizeof pg, "make_date(%d, %d, %d)", dates[i][0], dates[i][1], dates[i][2]);
        snprintf(dk, sizeof dk, "am_date_out(am_make_date(%d, %d, %d), {ds})", dates[i][0],
                 dates[i][1], dates[i][2]);
        tt_check(t, pg, dk, NULL);
        for (size_t j = 0; j < N(times); j++) {
            const char *sec = strcmp(times[j][2], "'nan'") == 0 ? "'nan'::float8" : times[j][2];
            const char *dsec = strcmp(times[j][2], "'nan'") == 0 ? "'nan'::DOUBLE" : times[j][2];
            snprintf(pg, sizeof pg, "make_timestamp(%d, %d, %d, %s, %s, %s)", dates[i][0],
                     dates[i][1], dates[i][2], times[j][0], times[j][1], sec);
            snprintf(dk, sizeof dk,
                     "am_timestamp_out(am_make_timestamp(%d, %d, %d, %s, %s, %s), {ds})",
                     dates[i][0], dates[i][1], dates[i][2], times[j][0], times[j][1], dsec);
            tt_check(t, pg, dk, NULL);
            snprintf(pg, sizeof pg, "make_timestamptz(%d, %d, %d, %s, %s, %s)", dates[i][0],
                     dates[i][1], dates[i][2], times[j][0], times[j][1], sec);
            snprintf(dk, sizeof dk,
                     "am_timestamptz_out(am_make_timestamptz(%d, %d, %d, %s, %s, %s, {tz}), {tz}, "
                     "{ds})",
                     dates[i][0], dates[i][1], dates[i][2], times[j][0], times[j][1], dsec);
            tt_check(t, pg, dk, NULL);
            if (i == 0) {
                snprintf(pg, sizeof pg, "make_time(%s, %s, %s)", times[j][0], times[j][1], sec);
                snprintf(dk, sizeof dk, "am_time_out(am_make_time(%s, %s, %s))", times[j][0],
                         times[j][1], dsec);
                tt_check(t, pg, dk, NULL);
            }
        }
    }
    for (size_t k = 0; k < N(mzones); k++) {
        char b[64];
        snprintf(b, sizeof b, "text:%s", mzones[k]);
        tt_check(t, "make_timestamptz(2024, 3, 31, 2, 30, 0, $1)",
                 "am_timestamptz_out(am_make_timestamptz_zone(2024, 3, 31, 2, 30, 0, $1), {tz}, "
                 "{ds})",
                 b, NULL);
        tt_check(t, "make_timestamptz(2024, 10, 27, 2, 30, 0, $1)",
                 "am_timestamptz_out(am_make_timestamptz_zone(2024, 10, 27, 2, 30, 0, $1), {tz}, "
                 "{ds})",
                 b, NULL);
    }
    static const char *const mi[] = {
        "1, 2, 3, 4, 5, 6, 7.5",         "0, 0, 0, 0, 0, 0, 0",
        "-1, 0, 0, -1, 0, 0, -0.000001", "178956970, 7, 0, 0, 0, 0, 0",
        "0, 0, 0, 0, 2562047, 0, 0",     "0, 0, 0, 0, 0, 0, 'nan'::float8",
        "0, 0, 0, 0, 0, 0, -1e3"};
    for (size_t k = 0; k < N(mi); k++) {
        snprintf(pg, sizeof pg, "make_interval(%s)", mi[k]);
        snprintf(dk, sizeof dk, "am_interval_out(am_make_interval(%s), {is})", mi[k]);
        for (char *p = strstr(dk, "float8"); p; p = strstr(p, "float8"))
            memcpy(p, "DOUBLE", 6);
        tt_check(t, pg, dk, NULL);
    }
    tt_close(t);
}

Test(pgfn_time_conv, date_bin_overlaps_series)
{
    static const char *const strides[] = {"15 minutes", "1 day", "1 hour 30 mins",  "0",
                                          "-1 hour",    "1 mon", "00:00:00.000001", "7 days"};
    static const char *const origins[] = {"2001-01-01", "2024-07-01 12:00", "infinity",
                                          "1900-01-01 00:07"};
    tt_t *t = tt_open();
    char a[96], b[96], c[96];
    tt_set(t, "Europe/Paris", "ISO, MDY", "postgres");
    for (size_t i = 0; i < N(stamps); i++)
        for (size_t s = 0; s < N(strides); s++)
            for (size_t o = 0; o < N(origins); o++) {
                snprintf(a, sizeof a, "interval:%s", strides[s]);
                snprintf(b, sizeof b, "timestamp:%s", stamps[i]);
                snprintf(c, sizeof c, "timestamp:%s", origins[o]);
                tt_check(t, "date_bin($1, $2, $3)",
                         "am_timestamp_out(am_date_bin($1, $2, $3), {ds})", a, b, c, NULL);
                snprintf(b, sizeof b, "timestamptz:%s", stamps[i]);
                snprintf(c, sizeof c, "timestamptz:%s", origins[o]);
                tt_check(t, "date_bin($1, $2, $3)",
                         "am_timestamptz_out(am_date_bin($1, $2, $3), {tz}, {ds})", a, b, c, NULL);
            }
    static const char *const ov[][4] = {
        {"2024-01-01", "2024-01-10", "2024-01-05", "2024-01-20"},
        {"2024-01-10", "2024-01-01", "2024-01-05", "2024-01-20"},
        {"2024-01-01", "2024-01-05", "2024-01-05", "2024-01-20"},
        {"2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01"},
        {"2024-01-01", NULL, "2024-01-05", "2024-01-20"},
        {NULL, "2024-01-10", "2024-01-05", NULL},
        {NULL, NULL, "2024-01-05", "2024-01-20"},
        {"2024-01-05", NULL, "2024-01-01", "2024-01-02"},
        {"2024-01-05", "2024-01-06", "2024-01-01", NULL},
        {"2024-01-01", NULL, "2024-01-01", "2024-01-03"},
        {"2024-01-03", "2024-01-09", "2024-01-01", "2024-01-04"},
    };
    for (size_t i = 0; i < N(ov); i++) {
        char v[4][64];
        for (int k = 0; k < 4; k++)
            snprintf(v[k], sizeof v[k], ov[i][k] ? "timestamp:%s" : "null:NULL::timestamp",
                     ov[i][k]);
        tt_check(t, "($1, $2) OVERLAPS ($3, $4)", "am_overlaps($1, $2, $3, $4)", v[0], v[1], v[2],
                 v[3], NULL);
    }
    static const char *const series[][3] = {{"2024-03-30 02:30", "2024-04-02", "1 day"},
                                            {"2024-10-26 02:30", "2024-10-29", "1 day"},
                                            {"2024-03-31 00:00", "2024-03-31 05:00", "1 hour"},
                                            {"2024-01-31", "2024-06-30", "1 mon"},
                                            {"2024-01-01", "2023-12-01", "-1 week"},
                                            {"2024-01-01", "2024-02-01", "0"},
                                            {"2024-01-02", "2024-01-01", "1 day"},
                                            {"2024-01-01", "2024-01-01", "30 days -720 hours"},
                                            {"2024-01-01", "2024-01-02", "1 mon -30 days"}};
    for (size_t i = 0; i < N(series); i++) {
        snprintf(a, sizeof a, "timestamp:%s", series[i][0]);
        snprintf(b, sizeof b, "timestamp:%s", series[i][1]);
        snprintf(c, sizeof c, "interval:%s", series[i][2]);
        tt_check(
            t, "coalesce((SELECT string_agg(x::text, ',') FROM generate_series($1, $2, $3) x), '')",
            "coalesce(array_to_string(list_transform(am_generate_series($1, $2, $3), x -> "
            "am_timestamp_out(x, {ds})), ','), '')",
            a, b, c, NULL);
        snprintf(a, sizeof a, "timestamptz:%s", series[i][0]);
        snprintf(b, sizeof b, "timestamptz:%s", series[i][1]);
        tt_check(
            t, "coalesce((SELECT string_agg(x::text, ',') FROM generate_series($1, $2, $3) x), '')",
            "coalesce(array_to_string(list_transform(am_generate_series($1, $2, $3, {tz}), "
            "x -> am_timestamptz_out(x, {tz}, {ds})), ','), '')",
            a, b, c, NULL);
    }
    tt_close(t);
}
