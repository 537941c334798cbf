/*
 * tests/proxy/test_pgfn_time_in.c: am_date_in, am_time_in, am_timetz_in, am_timestamp_in and
 * am_timestamptz_in read text exactly as PostgreSQL's input functions do, under several
 * DateStyles and TimeZones, including now/today/... against the PostgreSQL transaction's
 * time; the short forms (no transaction time) must agree or refuse with 0A000. Generated
 * token soup (intervals too) and PostgreSQL's buffer limits.
 */
#include "pgfn_time_test.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const char *const styles[] = {"ISO, MDY", "ISO, DMY",      "ISO, YMD",
                                     "SQL, DMY", "Postgres, MDY", "German, DMY"};
static const char *const zones[] = {"UTC",
                                    "Europe/Paris",
                                    "America/New_York",
                                    "Asia/Kolkata",
                                    "Pacific/Kiritimati",
                                    "Pacific/Pago_Pago",
                                    "<+03>-3",
                                    "UTC+3"};

/* Dates and timestamps, valid and not. */
static const char *const stamps[] = {
    "2024-01-02",
    "2024-1-2",
    "20240102",
    "240102",
    "2024.01.02",
    "1/2/2024",
    "01/02/2024",
    "2/1/24",
    "13/1/2024",
    "1/13/2024",
    "2024/1/2",
    "2024/13/2",
    "Jan 2 2024",
    "2 January 2024",
    "January 2, 2024",
    "Jan-02-2024",
    "02-Jan-2024",
    "2024-Jan-02",
    "24-Jan-02",
    "02-Jan-24",
    "Jan 2, 24",
    "January 2 2024 BC",
    "0044-03-15 BC",
    "44-03-15 BC",
    "0000-01-01",
    "0001-01-01 BC",
    "4714-11-24 BC",
    "4714-11-23 BC",
    "5874897-12-31",
    "5874898-01-01",
    "2024-02-30",
    "2023-02-29",
    "2024-02-29",
    "2024-00-10",
    "2024-12-32",
    "epoch",
    "infinity",
    "-infinity",
    "Infinity",
    " 2024-01-02 ",
    "allballs",
    "J2451187",
    "J2451187.5",
    "j 2451187",
    "J2451187 10:00",
    "2024.032",
    "2024-032",
    "1999-008",
    "19990108",
    "990108",
    "1999.008",
    "99-Jan-08",
    "08-Jan-99",
    "Jan-08-99",
    "08-Jan-1999",
    "January 8, 99 BC",
    "y2024m01d02",
    "y2024m01d02h10mm30s15.5",
    "2024-01-02 on",
    "at 2024-01-02",
    "x",
    "",
    "2024-01-02 garbage",
    "2024-01-02 10:00 +25",
    "1999-01-08 04:05:06",
    "2024-01-02 24:00:00",
    "2024-01-02 24:00:01",
    "2024-01-02 23:59:60",
    "2024-01-02 23:59:60.5",
    "2024-12-31 23:59:60",
    "2024-01-02 25:00",
    "2024-01-02 12:00 am",
    "2024-01-02 12:00 pm",
    "2024-01-02 13:00 pm",
    "2024-01-02 0:00 am",
    "2024-01-02 10:00 PST",
    "2024-01-02 10:00 pdt",
    "2024-01-02 Europe/Paris",
    "2024-01-02 10:00 Europe/Paris",
    "2024-07-02 10:00 europe/paris",
    "2024-01-02 10:00 Nowhere/Zone",
    "Jan 2 10:00:00 2024",
    "Tue Jan 02 10:00:00 2024 PST",
    "Tue Jan 02 10:00:00.5 2024",
    "2024-01-02T10:00:00Z",
    "2024-01-02T10:00:00.123+05:30",
    "2024-01-02T10:00:00.123456789",
    "2024-01-02 10:00 MET DST",
    "2024-01-02 10:00 Europe/Paris DST",
    "2024-01-02 10:00 DST",
    "2024-01-02 040506",
    "20240102T040506",
    "20240102 040506-08",
    "2024-01-02 04:05:06.789-08:00",
    "2024-01-02 04:05:06-0830",
    "2024-01-02 04:05:06 -8",
    "2024-01-02 04:05:06 GMT+8",
    "2024-01-02 04:05:06 UTC+3",
    "2024-01-02 04:05:06 America/New_York",
    "2024-03-10 02:30 America/New_York",
    "2024-11-03 01:30 America/New_York",
    "2024-03-31 02:30",
    "2024-10-27 02:30",
    "2024-01-02 04:05 EST5EDT",
    "2024-01-02 04:05 zulu",
    "2024-01-02 04:05:06 +16",
    "2024-01-02 04:05:06 +15:59:59",
    "2024-01-02 04:05:06 +1:2:3",
    "2024-01-02 04:05:06 -15",
    "Jan 2 2024 10:00 Z",
    "2024-01-02 10:00 AM PM",
    "2024-01-02 10:00 BC AD",
    "February 29 2023",
    "Feb 29 2024",
    "2024 Feb 29",
    "29 Feb 2024",
    "Feb 2024 29",
    "Monday 2024-01-01",
    "2024-01-02 Mon",
    "1/2/3",
    "10/11/12",
    "2024-01-02 10",
    "2024-01-02 10:00:00.",
    "2024-01-02 .5",
    "12.5.2024",
    "2024-01-02 100",
    "2024-01-02 1000",
    "2024-01-02 10000",
    "2024 01 02",
    "2024-01-02 04:05:06 +05 +05",
    "2024-01-02-03",
    "20240102.5",
    "2024-01-02 t 040506",
    "2024-01-02 t",
    "2024-01-02T",
    "2024-01-02 04:05 America/Argentina/Buenos_Aires",
    "1 2 3",
    "99999999999-01-01",
    "2024-99999999999-01",
    "Jan 32 2024",
    "Jan 0 2024",
    "3000000000-01-01",
    "0001-01-01 00:00 BC",
    "2024-01-02 10:00 ut",
    "05/06/07 08:09:10 pm",
};

/* Zones, now and today: the transaction's time. */
static const char *const relative[] = {
    "now",
    "today",
    "tomorrow",
    "yesterday",
    "today 10:00",
    "tomorrow 23:59",
    "yesterday PST",
    "now 10:00",
    "today allballs",
    "TODAY Europe/Paris",
    "2024-01-02 now",
    "epoch 10:00",
};

Test(pgfn_time_in, date_timestamp_timestamptz)
{
    tt_t *t = tt_open();
    tt_begin(t);
    for (size_t s = 0; s < N(styles); s++)
        for (size_t z = 0; z < N(zones); z += (s == 0 ? 1 : 3)) {
            tt_set(t, zones[z], styles[s], "postgres");
            char lit[256];
            for (size_t i = 0; i < N(stamps); i++) {
                snprintf(lit, sizeof lit, "lit:%s", stamps[i]);
                tt_check(t, "$1::date", "am_date_out(am_date_in($1, {ds}), {ds})", lit, NULL);
                tt_check(t, "$1::timestamp", "am_timestamp_out(am_timestamp_in($1, {ds}), {ds})",
                         lit, NULL);
                tt_check(t, "$1::timestamptz",
                         "am_timestamptz_out(am_timestamptz_in($1, {ds}, {tz}), {tz}, {ds})", lit,
                         NULL);
            }
            for (size_t i = 0; i < N(relative); i++) {
                snprintf(lit, sizeof lit, "lit:%s", relative[i]);
                tt_check(t, "$1::date", "am_date_out(am_date_in($1, {ds}, {tz}, {now}), {ds})", lit,
                         NULL);
                tt_check(t, "$1::timestamp",
                         "am_timestamp_out(am_timestamp_in($1, {ds}, {tz}, {now}), {ds})", lit,
                         NULL);
                tt_check(t, "$1::timestamptz",
                         "am_timestamptz_out(am_timestamptz_in($1, {ds}, {tz}, {now}), {tz}, "
                         "{ds})",
                         lit, NULL);
            }
        }
    tt_commit(t);
    tt_close(t);
}

/* Beyond the mirror: dynamic zone abbreviations (0A000), years DuckDB cannot hold (22008). */
static const char *const beyond[] = {"2024-01-02 10:00 MSK", "10:00 MSK", "294276-12-31 23:59:59",
                                     "294277-01-01", "200000-01-01 BC"};

Test(pgfn_time_in, refusals_beyond_the_mirror)
{
    tt_t *t = tt_open();
    tt_begin(t);
    t->allow_refusal = t->allow_range = true;
    char lit[256];
    for (size_t z = 0; z < N(zones); z++) {
        tt_set(t, zones[z], "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(beyond); i++) {
            snprintf(lit, sizeof lit, "lit:%s", beyond[i]);
            tt_check(t, "$1::date", "am_date_out(am_date_in($1, {ds}), {ds})", lit, NULL);
            tt_check(t, "$1::timestamp", "am_timestamp_out(am_timestamp_in($1, {ds}), {ds})", lit,
                     NULL);
            tt_check(t, "$1::timestamptz",
                     "am_timestamptz_out(am_timestamptz_in($1, {ds}, {tz}), {tz}, {ds})", lit,
                     NULL);
            tt_check(t, "$1::timetz", "am_timetz_in($1, {ds}, {tz}, {now})", lit, NULL);
        }
    }
    tt_commit(t);
    tt_close(t);
}

Test(pgfn_time_in, short_forms_refuse_what_they_cannot_know)
{
    tt_t *t = tt_open();
    tt_begin(t);
    t->allow_refusal = true;
    tt_set(t, "Europe/Paris", "ISO, MDY", "postgres");
    char lit[256];
    for (size_t i = 0; i < N(relative); i++) {
        snprintf(lit, sizeof lit, "lit:%s", relative[i]);
        tt_check(t, "$1::date", "am_date_out(am_date_in($1, {ds}), {ds})", lit, NULL);
        tt_check(t, "$1::timestamp", "am_timestamp_out(am_timestamp_in($1, {ds}), {ds})", lit,
                 NULL);
        tt_check(t, "$1::timestamptz",
                 "am_timestamptz_out(am_timestamptz_in($1, {ds}, {tz}), {tz}, {ds})", lit, NULL);
    }
    tt_commit(t);
    tt_close(t);
}

static const char *const times[] = {
    "04:05:06.789",
    "04:05",
    "040506",
    "04:05 PM",
    "04:05 AM",
    "12:00 AM",
    "12:00 PM",
    "24:00:00",
    "24:00:00.000001",
    "23:59:60",
    "23:59:60.5",
    "23:59:59.9999999",
    "allballs",
    "T040506",
    "T04:05:06",
    "2024-01-02 04:05:06",
    "04:05:06 PST",
    "04:05:06-08",
    "04:05:06+8",
    "04:05:06 Europe/Paris",
    "2024-07-02 04:05 Europe/Paris",
    "04:05:06 UTC",
    "04:05:06 GMT",
    "04:05:06 Asia/Kolkata",
    "1:2:3",
    "25:00",
    "4:60",
    "x",
    "",
    "04:05:06.5.5",
    "4:5:6.",
    "040506.789",
    "0405",
    "12.5",
    "z",
    "04:05:06 z",
    "10:00 Etc/GMT+5",
    "h04mm05s06",
    "1/2/2024 10:00",
    "2024-01-02 10:00",
    "10:00 2024-01-02",
    "10:00 MET DST",
    "10:00 DST",
    "10:00 PST DST",
    "10:00 +05:30",
    "10:00 -15:59",
    "10:00 +16",
    "10:00 UTC+3",
    "10:00 Jan",
    "10:00 Monday",
    "today",
    "epoch",
    "10:00 BC",
    "04:05:06.123456789",
    "4:5",
    "1:2:3.4",
    "04:05:06 America/New_York",
    "2024-01-02 04:05:06 America/New_York",
    "Jan 2 2024 04:05",
    "20240102T040506",
    "040506-08",
    "2024-01-02 040506-08",
    "10:00 zulu",
    "allballs PST",
    "11:59:59.9999995 PM",
    "0:0:0",
    "10 h",
    "10:00 +5",
    "05:06 am pm",
    "10:00 Europe/Nowhere",
};

Test(pgfn_time_in, time_and_timetz)
{
    tt_t *t = tt_open();
    tt_begin(t);
    char lit[256];
    for (size_t z = 0; z < N(zones); z++) {
        tt_set(t, zones[z], z % 2 ? "ISO, DMY" : "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(times); i++) {
            snprintf(lit, sizeof lit, "lit:%s", times[i]);
            tt_check(t, "$1::time", "am_time_out(am_time_in($1, {ds}, {tz}, {now}))", lit, NULL);
            tt_check(t, "$1::timetz", "am_timetz_in($1, {ds}, {tz}, {now})", lit, NULL);
            tt_check(t, "$1::time", "am_time_out(am_time_in($1, {ds}, {tz}, {now}))", lit, NULL);
        }
        tt_check(t, "'now'::time", "am_time_out(am_time_in('now', {ds}, {tz}, {now}))", NULL);
        tt_check(t, "'now'::timetz", "am_timetz_in('now', {ds}, {tz}, {now})", NULL);
    }
    t->allow_refusal = true;
    tt_set(t, "America/New_York", "ISO, MDY", "postgres");
    for (size_t i = 0; i < N(times); i++) {
        snprintf(lit, sizeof lit, "lit:%s", times[i]);
        tt_check(t, "$1::time", "am_time_out(am_time_in($1))", lit, NULL);
        tt_check(t, "$1::timetz", "am_timetz_in($1)", lit, NULL);
    }
    tt_commit(t);
    tt_close(t);
}

/* ---- generated inputs: token soup from a fixed seed, the same cases every run ------------- */

static uint32_t rnd_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static const char *rnd_pick(uint32_t *s, const char *const *a, size_t n)
{
    return a[rnd_next(s) % n];
}

static const char *const g_nums[] = {
    "1",        "01",     "12",   "31", "2024",    "99",      "0",    "13",      "123",
    "20240102", "24",     "60",   "59", "366",     "1.5",     ".5",   "00",      "007",
    "7",        "040506", "29",   "02", "2451187", "100000",  "1999", "12.30",   "0.001",
    "2000",     "30",     "9999", "5",  "366.5",   "1234567", "23",   "2024.06", "1.000001"};
static const char *const g_seps[] = {"-", "/", ".", ":", " ", ",", "T", "  ", " ", " ", "-", ":"};
static const char *const g_words[] = {"jan",
                                      "January",
                                      "feb",
                                      "Mon",
                                      "monday",
                                      "am",
                                      "pm",
                                      "AM",
                                      "bc",
                                      "ad",
                                      "BC",
                                      "PST",
                                      "pdt",
                                      "EST",
                                      "UTC",
                                      "Z",
                                      "zulu",
                                      "GMT",
                                      "Europe/Paris",
                                      "America/New_York",
                                      "Asia/Kolkata",
                                      "UTC+3",
                                      "GMT-2",
                                      "EST5EDT",
                                      "today",
                                      "now",
                                      "epoch",
                                      "infinity",
                                      "-infinity",
                                      "allballs",
                                      "tomorrow",
                                      "yesterday",
                                      "J",
                                      "y",
                                      "m",
                                      "d",
                                      "h",
                                      "mm",
                                      "s",
                                      "t",
                                      "dst",
                                      "at",
                                      "on",
                                      "xyz",
                                      "dow",
                                      "julian",
                                      "sept",
                                      "thursday",
                                      "+05:30",
                                      "-08",
                                      "+1",
                                      "-0830",
                                      "cest",
                                      "MET",
                                      "Etc/GMT+5"};
static const char *const g_ivwords[] = {
    "day",          "days", "hour", "year", "mons", "min",   "sec",   "week", "decade", "century",
    "millennium",   "ms",   "us",   "ago",  "@",    "years", "hours", "mon",  "months", "qtr",
    "microseconds", "h",    "m",    "s",    "y",    "d",     "w",     "mils", "secs",   "x"};
static const char *const g_ivnums[] = {
    "1",          "-1",    "+2",         "1.5",    "-1.5",  "0",      "100",
    "1-2",        "-1-2",  "10:00",      "-10:00", "1:2:3", "+3:04",  ".5",
    "2147483647", "12.25", "00:00:00.5", "P1Y",    "PT1H",  "P1DT2H", "P0001-02-03"};

static void gen_datetime(uint32_t *s, char *out, size_t cap)
{
    size_t len = 0;
    int k = 1 + (int)(rnd_next(s) % 6);
    out[0] = '\0';
    for (int i = 0; i < k && len + 40 < cap; i++) {
        const char *piece =
            rnd_next(s) % 3 ? rnd_pick(s, g_nums, N(g_nums)) : rnd_pick(s, g_words, N(g_words));
        const char *sep = i ? rnd_pick(s, g_seps, N(g_seps)) : "";
        len += (size_t)snprintf(out + len, cap - len, "%s%s", sep, piece);
    }
}

static void gen_interval(uint32_t *s, char *out, size_t cap)
{
    size_t len = 0;
    int k = 1 + (int)(rnd_next(s) % 5);
    out[0] = '\0';
    for (int i = 0; i < k && len + 40 < cap; i++) {
        const char *piece = rnd_next(s) % 2 ? rnd_pick(s, g_ivnums, N(g_ivnums))
                                            : rnd_pick(s, g_ivwords, N(g_ivwords));
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", piece);
    }
}

Test(pgfn_time_in, generated_inputs)
{
    tt_t *t = tt_open();
    tt_begin(t);
    t->allow_refusal = true; /* zones PostgreSQL completes from 'posixrules' ("est5edt/12") */
    uint32_t seed = 20240102;
    char text[256], lit[300];
    for (int round = 0; round < 3; round++) {
        tt_set(t, zones[round * 2], styles[round], "postgres");
        for (int i = 0; i < 400; i++) {
            gen_datetime(&seed, text, sizeof text);
            snprintf(lit, sizeof lit, "lit:%s", text);
            tt_check(t, "$1::date", "am_date_out(am_date_in($1, {ds}, {tz}, {now}), {ds})", lit,
                     NULL);
            tt_check(t, "$1::timestamp",
                     "am_timestamp_out(am_timestamp_in($1, {ds}, {tz}, {now}), {ds})", lit, NULL);
            tt_check(t, "$1::timestamptz",
                     "am_timestamptz_out(am_timestamptz_in($1, {ds}, {tz}, {now}), {tz}, {ds})",
                     lit, NULL);
            tt_check(t, "$1::time", "am_time_out(am_time_in($1, {ds}, {tz}, {now}))", lit, NULL);
            tt_check(t, "$1::timetz", "am_timetz_in($1, {ds}, {tz}, {now})", lit, NULL);
        }
    }
    static const char *const istyles[] = {"postgres", "sql_standard", "iso_8601"};
    for (int round = 0; round < 3; round++) {
        tt_set(t, "UTC", "ISO, MDY", istyles[round]);
        for (int i = 0; i < 400; i++) {
            gen_interval(&seed, text, sizeof text);
            snprintf(lit, sizeof lit, "lit:%s", text);
            tt_check(t, "$1::interval", "am_interval_out(am_interval_in($1, {is}), {is})", lit,
                     NULL);
        }
    }
    tt_commit(t);
    tt_close(t);
}

/* PostgreSQL's work buffers: 129 bytes for date and time, 153 for timestamps, 256 for
 * intervals; at most 25 fields. */
Test(pgfn_time_in, buffer_limits)
{
    tt_t *t = tt_open();
    tt_set(t, "UTC", "ISO, MDY", "postgres");
    char text[400], lit[420];
    for (int n = 100; n <= 140; n += 4) {
        for (int kind = 0; kind < 4; kind++) {
            int len = 0;
            if (kind == 0) /* a long fraction */
                len = snprintf(text, sizeof text, "2024-01-02 10:00:00.");
            else if (kind == 1) /* a long word */
                len = snprintf(text, sizeof text, "2024-01-02 10:00 ");
            else if (kind == 2) /* many short fields */
                len = snprintf(text, sizeof text, "2024-01-02");
            else
                len = snprintf(text, sizeof text, "1 day");
            for (int i = 0; i < n - 20 && len + 3 < (int)sizeof text; i++)
                len += snprintf(text + len, sizeof text - (size_t)len, "%s",
                                kind == 0   ? "0"
                                : kind == 1 ? "a"
                                : kind == 2 ? (i % 2 ? "," : " ")
                                            : (i % 8 ? "0" : " "));
            snprintf(lit, sizeof lit, "lit:%s", text);
            tt_check(t, "$1::date", "am_date_out(am_date_in($1, {ds}), {ds})", lit, NULL);
            tt_check(t, "$1::timestamp", "am_timestamp_out(am_timestamp_in($1, {ds}), {ds})", lit,
                     NULL);
            tt_check(t, "$1::time", "am_time_out(am_time_in($1))", lit, NULL);
            tt_check(t, "$1::interval", "am_interval_out(am_interval_in($1, {is}), {is})", lit,
                     NULL);
        }
    }
    static const char *const many[] = {
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25",
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26",
        "1 day 1 day 1 day 1 day 1 day 1 day 1 day 1 day 1 day 1 day 1 day 1 day 1 day",
        "2024-01-02 10:00 on on on on on on on on on on on on on on on on on on on on on on",
        "2024-01-02 10:00 on on on on on on on on on on on on on on on on on on on on on on on",
    };
    for (size_t i = 0; i < N(many); i++) {
        snprintf(lit, sizeof lit, "lit:%s", many[i]);
        tt_check(t, "$1::date", "am_date_out(am_date_in($1, {ds}), {ds})", lit, NULL);
        tt_check(t, "$1::interval", "am_interval_out(am_interval_in($1, {is}), {is})", lit, NULL);
    }
    tt_close(t);
}
