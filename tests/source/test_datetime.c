/*
 * tests/source/test_datetime.c: date, time, timestamp and timestamptz text -> Unix days and
 * microseconds (source/datetime.c), each checked against PostgreSQL's own arithmetic.
 */
#include "source_test.h"

static PGconn *truth_conn(const char *tz)
{
    PGconn *c = amt_pg_connect("postgres");
    amt_pg_exec(c, "SET DateStyle = ISO; SET TimeZone = '%s'", tz);
    return c;
}

static am_value_t parse_text(am_type_t t, const char *text)
{
    am_value_t v;
    am_err_t err = {0};
    cr_assert(source_value_parse((am_coltype_t){.type = t}, text, strlen(text), NULL, &v, &err),
              "%s as %s: %s %s", text, am_type_name(t), err.sqlstate, err.msg);
    return v;
}

/* PostgreSQL prints literal::pgtype; we parse it and compare with PostgreSQL's own count. */
static void check(PGconn *c, am_type_t t, const char *pgtype, const char *literal)
{
    char *text = amt_pg_value(c, "SELECT '%s'::%s::text", literal, pgtype);
    char *want = t == AM_TYPE_DATE
                     ? amt_pg_value(c, "SELECT '%s'::date - '1970-01-01'::date", literal)
                     : amt_pg_value(c, "SELECT (extract(epoch FROM '%s'::%s) * 1000000)::int8",
                                    literal, pgtype);
    am_value_t v = parse_text(t, text);
    cr_assert_eq(v.kind, AM_VALUE_PRESENT, "%s", text);
    cr_assert_eq(v.i, strtoll(want, NULL, 10), "%s (PostgreSQL printed %s): got %lld want %s",
                 literal, text, (long long)v.i, want);
    free(text);
    free(want);
}

Test(source, datetime_dates_match_postgres)
{
    PGconn *c = truth_conn("UTC");
    const char *dates[] = {"1970-01-01",    "2024-03-01",    "2024-02-29",    "2000-02-29",
                           "1969-12-31",    "0001-01-01",    "0044-03-15 BC", "0001-12-31 BC",
                           "0001-02-29 BC", "0005-02-29 BC", "4713-01-01 BC", "9999-12-31",
                           "10000-01-01",   "5874897-12-31"};
    for (size_t i = 0; i < AM_ARRAY_LEN(dates); i++)
        check(c, AM_TYPE_DATE, "date", dates[i]);
    PQfinish(c);
}

Test(source, datetime_timestamps_match_postgres)
{
    PGconn *c = truth_conn("UTC");
    const char *ts[] = {
        "2024-03-01 12:34:56.789",    "1970-01-01 00:00:00",     "1969-12-31 23:59:59.999999",
        "2024-03-01 12:34:56.000001", "0044-03-15 12:00:00 BC",  "4713-01-01 00:00:00 BC",
        "10000-01-01 00:00:00",       "200000-06-30 23:59:59.5", "2000-01-01 00:00:00.1"};
    for (size_t i = 0; i < AM_ARRAY_LEN(ts); i++) {
        check(c, AM_TYPE_TIMESTAMP, "timestamp", ts[i]);
        check(c, AM_TYPE_TIMESTAMPTZ, "timestamptz", ts[i]);
    }
    PQfinish(c);
}

/* Offsets as PostgreSQL prints them in zones with half hours and local mean time. */
Test(source, datetime_timestamptz_offsets_match_postgres)
{
    const char *zones[] = {"Asia/Kolkata", "America/New_York", "America/Sao_Paulo",
                           "Pacific/Chatham", "Europe/Amsterdam"};
    const char *ts[] = {"2024-03-01 12:34:56.789+00", "1900-01-01 00:00:00+00",
                        "1850-06-01 12:00:00+00", "0044-03-15 12:00:00+00 BC",
                        "2024-07-01 00:00:00.5+00"};
    for (size_t z = 0; z < AM_ARRAY_LEN(zones); z++) {
        PGconn *c = truth_conn(zones[z]);
        for (size_t i = 0; i < AM_ARRAY_LEN(ts); i++)
            check(c, AM_TYPE_TIMESTAMPTZ, "timestamptz", ts[i]);
        PQfinish(c);
    }
}

Test(source, datetime_offset_forms)
{
    int64_t base = parse_text(AM_TYPE_TIMESTAMPTZ, "2024-03-01 12:34:56.789+00").i;
    cr_assert_eq(parse_text(AM_TYPE_TIMESTAMPTZ, "2024-03-01 07:34:56.789-05").i, base);
    cr_assert_eq(parse_text(AM_TYPE_TIMESTAMPTZ, "2024-03-01 18:04:56.789+05:30").i, base);
    cr_assert_eq(parse_text(AM_TYPE_TIMESTAMPTZ, "2024-03-01 09:34:56.789-03:00:00").i, base);
    cr_assert_eq(base, INT64_C(1709296496789000));
}

Test(source, datetime_times)
{
    PGconn *c = truth_conn("UTC");
    const char *times[] = {"00:00:00", "12:34:56.789", "23:59:59.999999", "12:00:01.5", "24:00:00"};
    for (size_t i = 0; i < AM_ARRAY_LEN(times); i++)
        check(c, AM_TYPE_TIME, "time", times[i]);
    PQfinish(c);
}

Test(source, datetime_infinity_is_duckdbs)
{
    cr_assert_eq(parse_text(AM_TYPE_DATE, "infinity").i, INT32_MAX);
    cr_assert_eq(parse_text(AM_TYPE_DATE, "-infinity").i, -INT32_MAX);
    const am_type_t types[] = {AM_TYPE_TIMESTAMP, AM_TYPE_TIMESTAMPTZ};
    for (size_t i = 0; i < AM_ARRAY_LEN(types); i++) {
        am_value_t v = parse_text(types[i], "infinity");
        cr_assert(v.kind == AM_VALUE_PRESENT && v.i == INT64_MAX);
        v = parse_text(types[i], "-infinity");
        cr_assert(v.kind == AM_VALUE_PRESENT && v.i == -INT64_MAX);
    }
}

static void expect_out_of_range(am_type_t t, const char *text)
{
    am_value_t v;
    am_err_t err = {0};
    cr_assert_not(source_value_parse((am_coltype_t){.type = t}, text, strlen(text), NULL, &v, &err),
                  "%s accepted", text);
    cr_assert_str_eq(err.sqlstate, "22008");
    cr_assert(strstr(err.msg, text) != NULL, "%s", err.msg);
}

/* Exact wherever int64 Unix microseconds reach (BC included); past them an error naming the
 * value (PostgreSQL goes on to 294276 AD), and never a value equal to an infinity. */
Test(source, datetime_range_is_exact_or_an_error)
{
    PGconn *c = truth_conn("UTC");
    check(c, AM_TYPE_TIMESTAMP, "timestamp", "294247-01-10 04:00:54.775806");
    check(c, AM_TYPE_TIMESTAMP, "timestamp", "4713-11-24 00:00:00 BC");
    check(c, AM_TYPE_TIMESTAMPTZ, "timestamptz", "4714-11-24 00:00:00+00 BC");
    check(c, AM_TYPE_DATE, "date", "5874897-12-31");
    check(c, AM_TYPE_DATE, "date", "4714-11-24 BC");
    PQfinish(c);
    expect_out_of_range(AM_TYPE_TIMESTAMP, "294247-01-10 04:00:54.775807");
    expect_out_of_range(AM_TYPE_TIMESTAMP, "294276-12-31 23:59:59.999999");
    expect_out_of_range(AM_TYPE_TIMESTAMPTZ, "294276-12-31 23:59:59.999999+00");
    expect_out_of_range(AM_TYPE_DATE, "9999999-01-01");
}

Test(source, datetime_malformed_is_22P02)
{
    static const struct {
        am_type_t t;
        const char *text;
    } bad[] = {
        {AM_TYPE_DATE, "2024-13-01"},
        {AM_TYPE_DATE, "2024-02-30"},
        {AM_TYPE_DATE, "2023-02-29"},
        {AM_TYPE_DATE, "1900-02-29"},
        {AM_TYPE_DATE, "0000-01-01"},
        {AM_TYPE_DATE, "2024-1-01"},
        {AM_TYPE_DATE, "24-01-01"},
        {AM_TYPE_DATE, "2024-01-01 "},
        {AM_TYPE_DATE, "2024-01-01 AD"},
        {AM_TYPE_DATE, ""},
        {AM_TYPE_DATE, " BC"},
        {AM_TYPE_DATE, "Infinity"},
        {AM_TYPE_TIMESTAMP, "2024-01-01 25:00:00"},
        {AM_TYPE_TIMESTAMP, "2024-01-01 24:00:00"},
        {AM_TYPE_TIMESTAMP, "2024-01-01 12:60:00"},
        {AM_TYPE_TIMESTAMP, "2024-01-01 12:00:00.1234567"},
        {AM_TYPE_TIMESTAMP, "2024-01-01 12:00:00."},
        {AM_TYPE_TIMESTAMP, "2024-01-01T12:00:00"},
        {AM_TYPE_TIMESTAMP, "2024-01-01 12:00:00+00"},
        {AM_TYPE_TIMESTAMP, "2024-01-01"},
        {AM_TYPE_TIMESTAMPTZ, "2024-01-01 12:00:00"},
        {AM_TYPE_TIMESTAMPTZ, "2024-01-01 12:00:00+5"},
        {AM_TYPE_TIMESTAMPTZ, "2024-01-01 12:00:00+05:3"},
        {AM_TYPE_TIMESTAMPTZ, "2024-01-01 12:00:00+05:60"},
        {AM_TYPE_TIMESTAMPTZ, "2024-01-01 12:00:00 UTC"},
        {AM_TYPE_TIME, "24:00:01"},
        {AM_TYPE_TIME, "12:00"},
        {AM_TYPE_TIME, "12:00:00 "},
        {AM_TYPE_TIME, "infinity"},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++) {
        am_value_t v;
        am_err_t err = {0};
        const char *text = bad[i].text;
        cr_assert_not(source_value_parse((am_coltype_t){.type = bad[i].t}, text, strlen(text), NULL,
                                         &v, &err),
                      "\"%s\" accepted as %s", text, am_type_name(bad[i].t));
        cr_assert_str_eq(err.sqlstate, "22P02");
        cr_assert(strstr(err.msg, text) != NULL, "%s", err.msg);
    }
}
