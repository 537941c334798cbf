/*
 * tests/proxy/test_pgfn_more_num.c: the number functions of pgfn_more_num.c against
 * PostgreSQL: factorial, generate_series over numeric, integer shifts, abs and unary minus,
 * width_bucket over float8 and pg_size_bytes, with their errors.
 */
#include "pgfn_more_test.h"

Test(pgfn_more_num, factorial_matches_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_num factorial");
    static const char *const ks[] = {"-5",  "-1",  "0",   "1",     "2",     "3",
                                     "10",  "20",  "21",  "25",    "50",    "100",
                                     "170", "171", "500", "32177", "32178", "NULL"};
    for (size_t i = 0; i < sizeof ks / sizeof *ks; i++)
        moret_check(
            &t,
            /* computed once each: factorial(32177) takes seconds on both sides */
            numt_fmt("WITH x AS MATERIALIZED (SELECT factorial(%s::int8)::text AS f) "
                     "SELECT md5(f), length(f) FROM x",
                     ks[i]),
            numt_fmt("WITH x AS MATERIALIZED (SELECT am_num_factorial(CAST(%s AS BIGINT)) AS f) "
                     "SELECT md5(f), length(f) FROM x",
                     ks[i]));
    numt_check(&t, "SELECT factorial(25)", "SELECT am_num_factorial(25)");
    numt_close(&t);
}

/* "'1', '2'" -> "'1'::numeric, '2'::numeric" (a static buffer). */
static const char *numeric_args(const char *args)
{
    static char buf[512];
    size_t k = 0;
    bool in = false;
    for (const char *p = args; *p && k + 16 < sizeof buf; p++) {
        buf[k++] = *p;
        if (*p == '\'') {
            if (in) {
                memcpy(buf + k, "::numeric", 9);
                k += 9;
            }
            in = !in;
        }
    }
    buf[k] = '\0';
    return buf;
}

Test(pgfn_more_num, numeric_series_matches_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_num series");
    static const char *const args[] = {
        "'1.0', '2.0', '0.25'",
        "'0.5', '2.0', '0.5'",
        "'1', '3'",
        "'3', '1'",
        "'3', '1', '-1'",
        "'1.5', '3', '0.50'",
        "'-1', '-3', '-0.7'",
        "'0', '0'",
        "'1', '2', '0'",
        "'NaN', '1'",
        "'1', 'NaN'",
        "'1', '2', 'NaN'",
        "'Infinity', '1'",
        "'1', '-Infinity'",
        "'1', '2', 'Infinity'",
        "'1e-20', '3e-20', '1e-20'",
        "'1', '1.0000000000000000001', '0.00000000000000000005'",
        "'99999999999999999999', '100000000000000000002'",
    };
    for (size_t i = 0; i < sizeof args / sizeof *args; i++)
        moret_check(&t,
                    numt_fmt("SELECT coalesce(array_agg(x)::text, '{}') FROM "
                             "generate_series(%s) x",
                             numeric_args(args[i])),
                    numt_fmt("SELECT am_array_out(am_num_series(%s), ',')", args[i]));
    numt_close(&t);
}

Test(pgfn_more_num, shifts_and_signs_match_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_num shifts");
    static const char *const xs2[] = {"0", "1", "-1", "5", "-5", "32767", "-32768", "12345"};
    static const char *const xs4[] = {"0", "1", "-1", "7", "-7", "2147483647", "-2147483648"};
    static const char *const xs8[] = {
        "0", "1", "-1", "9223372036854775807", "-9223372036854775808", "123456789012"};
    static const int ns[] = {0, 1, 2, 15, 16, 17, 30, 31, 32, 33, 63, 64, 65, -1, -31, 100};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
        for (size_t k = 0; k < sizeof xs2 / sizeof *xs2; k++)
            moret_check(
                &t,
                numt_fmt("SELECT (%s)::int2 << %d, (%s)::int2 >> %d", xs2[k], ns[i], xs2[k], ns[i]),
                numt_fmt("SELECT CAST(am_int_shl(%s, %d, 16) AS SMALLINT), "
                         "CAST(am_int_shr(%s, %d, 16) AS SMALLINT)",
                         xs2[k], ns[i], xs2[k], ns[i]));
        for (size_t k = 0; k < sizeof xs4 / sizeof *xs4; k++)
            moret_check(
                &t,
                numt_fmt("SELECT (%s)::int4 << %d, (%s)::int4 >> %d", xs4[k], ns[i], xs4[k], ns[i]),
                numt_fmt("SELECT CAST(am_int_shl(%s, %d, 32) AS INTEGER), "
                         "CAST(am_int_shr(%s, %d, 32) AS INTEGER)",
                         xs4[k], ns[i], xs4[k], ns[i]));
        for (size_t k = 0; k < sizeof xs8 / sizeof *xs8; k++)
            moret_check(
                &t,
                numt_fmt("SELECT (%s)::int8 << %d, (%s)::int8 >> %d", xs8[k], ns[i], xs8[k], ns[i]),
                numt_fmt("SELECT am_int_shl(%s, %d, 64), am_int_shr(%s, %d, 64)", xs8[k], ns[i],
                         xs8[k], ns[i]));
    }
    static const struct {
        const char *v;
        const char *pgtype;
        int bits;
    } signs[] = {{"-32768", "int2", 16},
                 {"32767", "int2", 16},
                 {"-5", "int2", 16},
                 {"-2147483648", "int4", 32},
                 {"2147483647", "int4", 32},
                 {"0", "int4", 32},
                 {"-9223372036854775808", "int8", 64},
                 {"-3", "int8", 64}};
    for (size_t i = 0; i < sizeof signs / sizeof *signs; i++) {
        moret_check(&t, numt_fmt("SELECT abs((%s)::%s)", signs[i].v, signs[i].pgtype),
                    numt_fmt("SELECT am_int_abs(%s, %d)", signs[i].v, signs[i].bits));
        moret_check(&t, numt_fmt("SELECT -((%s)::%s)", signs[i].v, signs[i].pgtype),
                    numt_fmt("SELECT am_int_neg(%s, %d)", signs[i].v, signs[i].bits));
    }
    numt_close(&t);
}

Test(pgfn_more_num, width_bucket_matches_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_num width_bucket");
    static const char *const args[][4] = {
        {"5", "0", "10", "5"},
        {"-1", "0", "10", "5"},
        {"10", "0", "10", "5"},
        {"11", "0", "10", "5"},
        {"0", "0", "10", "5"},
        {"9.999999", "0", "10", "5"},
        {"5", "10", "0", "5"},
        {"10", "10", "0", "5"},
        {"0", "10", "0", "5"},
        {"-1", "10", "0", "3"},
        {"5", "0", "10", "0"},
        {"5", "0", "10", "-1"},
        {"5", "5", "5", "3"},
        {"NaN", "0", "10", "3"},
        {"1", "NaN", "10", "3"},
        {"1", "0", "Infinity", "3"},
        {"Infinity", "0", "10", "3"},
        {"-Infinity", "0", "10", "3"},
        {"11", "0", "10", "2147483647"},
        {"5.35", "0.024", "10.06", "5"},
        {"1e300", "-1e308", "1e308", "2147483647"},
        {"3", "1", "4", "1000000"},
        {"0.3", "0.1", "0.7", "3"},
        {"-0.3", "-0.1", "-0.7", "7"},
    };
    for (size_t i = 0; i < sizeof args / sizeof *args; i++)
        moret_check(&t,
                    numt_fmt("SELECT width_bucket('%s'::float8, '%s'::float8, '%s'::float8, %s)",
                             args[i][0], args[i][1], args[i][2], args[i][3]),
                    numt_fmt("SELECT am_f8_width_bucket(am_f8_in('%s'), am_f8_in('%s'), "
                             "am_f8_in('%s'), %s)",
                             args[i][0], args[i][1], args[i][2], args[i][3]));
    numt_close(&t);
}

Test(pgfn_more_num, size_bytes_matches_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_num size_bytes");
    static const char *const ins[] = {
        "1",
        "1 bytes",
        "1bytes",
        " 1.5 kB ",
        "1 kb",
        "1 MB",
        "1GB",
        "1 TB",
        "1 PB",
        "1 EB",
        "1 B",
        "-1 kB",
        "+2 MB",
        ".5 kB",
        "5.",
        "1e3",
        "1e3 kB",
        "1E-3 MB",
        "1e",
        "1e kB",
        "1 e5",
        "x",
        "",
        " ",
        "-",
        ".",
        "1..2",
        "1 kB x",
        "9223372036854775807",
        "9223372036854775808",
        "8796093022208 MB",
        "8796093022207 MB",
        "1e400",
        "0.4",
        "0.5",
        "-0.5",
        "1e 5",
        "1e+5",
        "1e-5 PB",
        "\t3 kB\n",
        "1.5 PB",
        "1 kBytes",
    };
    for (size_t i = 0; i < sizeof ins / sizeof *ins; i++)
        moret_check(&t, numt_fmt("SELECT pg_size_bytes('%s')", ins[i]),
                    numt_fmt("SELECT am_size_bytes('%s')", ins[i]));
    numt_close(&t);
}
