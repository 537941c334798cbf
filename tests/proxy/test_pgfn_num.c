/*
 * tests/proxy/test_pgfn_num.c: the am_num_* scalar functions answer as PostgreSQL's numeric
 * does: the same text (digits and display scale) or the same SQLSTATE and message, for edge
 * values (0, -0, 1e-20, 38- and 100-digit values, NaN, +-Infinity) and seeded random values.
 */
#include "pgfn_num_test.h"

static const char *const inputs[] = {
    " 1.50 ",     "+1",
    "-0",         "-0.000",
    "1e5",        "1E-5",
    ".5",         "5.",
    "-.5e1",      "NaN",
    "nan",        " NAN ",
    "Infinity",   " -Infinity ",
    "inf",        "-inf",
    "+inf",       "infinity",
    "+Infinity",  "-INF",
    "1e+3",       "1e 3",
    "00012.3400", "0e99",
    "1e-1000",    "12345678901234567890.12345678901234567890",
    "abc",        "",
    " ",          "1.2.3",
    "1e",         "1e+",
    "--1",        "+-1",
    "0x10",       "1_000",
    ". 5",        "1 2",
    "5-",         "Infinityx",
    "NaN 1",      "1e400000",
    "1e-20000",   "1e1073741823",
    "\t7\n",      "1,5",
    "١",
};

Test(pgfn_num, input_matches_numeric_in)
{
    numt_t t;
    numt_open(&t, "pgfn_num input");
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
        numt_check_own(&t, numt_fmt("SELECT '%s'::numeric", inputs[i]),
                       numt_fmt("SELECT am_num_in('%s')", inputs[i]));
    numt_rng_t r = {1};
    char buf[256];
    for (int i = 0; i < 200; i++) {
        const char *v = numt_rand_numeric(&r, buf, sizeof buf);
        numt_check_own(&t, numt_fmt("SELECT '%s'::numeric", v),
                       numt_fmt("SELECT am_num_in('%s')", v));
    }
    numt_check(&t, "SELECT NULL::numeric", "SELECT am_num_in(NULL)");
    numt_close(&t);
}

/* + - * and comparisons (which fail only on overflow, alike), then / % div() (division by zero
 * alike), for one pair. */
static void check_pair(numt_t *t, const char *a, const char *b)
{
    numt_check_own(
        t,
        numt_fmt("SELECT x + y, x - y, x * y, CASE WHEN x < y THEN -1 WHEN x = y THEN 0 ELSE 1 "
                 "END, x = y, x <> y, x < y, x <= y, x > y, x >= y FROM (SELECT '%s'::numeric x, "
                 "'%s'::numeric y) s",
                 a, b),
        numt_fmt("SELECT am_num_add(x, y), am_num_sub(x, y), am_num_mul(x, y), am_num_cmp(x, y), "
                 "am_num_eq(x, y), am_num_ne(x, y), am_num_lt(x, y), am_num_le(x, y), "
                 "am_num_gt(x, y), am_num_ge(x, y) FROM (SELECT '%s' x, '%s' y) s",
                 a, b));
    numt_check_own(t,
                   numt_fmt("SELECT x / y, x %% y, div(x, y) FROM (SELECT '%s'::numeric x, "
                            "'%s'::numeric y) s",
                            a, b),
                   numt_fmt("SELECT am_num_div(x, y), am_num_mod(x, y), am_num_div_trunc(x, y) "
                            "FROM (SELECT '%s' x, '%s' y) s",
                            a, b));
}

Test(pgfn_num, arithmetic_matches_on_edges)
{
    numt_t t;
    numt_open(&t, "pgfn_num arithmetic edges");
    for (size_t i = 0; i < NUMT_N_EDGES; i++)
        for (size_t j = 0; j < NUMT_N_EDGES; j++)
            check_pair(&t, numt_edges[i], numt_edges[j]);
    numt_check(&t, "SELECT 1::numeric + NULL", "SELECT am_num_add('1', NULL)");
    numt_check(&t, "SELECT NULL::numeric / 0", "SELECT am_num_div(NULL, '0')");
    numt_close(&t);
}

Test(pgfn_num, arithmetic_matches_on_random_values)
{
    numt_t t;
    numt_open(&t, "pgfn_num arithmetic random");
    numt_rng_t r = {2};
    char a[256], b[256];
    for (int i = 0; i < 600; i++)
        check_pair(&t, numt_rand_numeric(&r, a, sizeof a), numt_rand_numeric(&r, b, sizeof b));
    /* scales up to the display limits, big quotients */
    check_pair(&t, "1", "3.000000000000000000000000000000000000000000000000000");
    check_pair(&t, "1e-1000", "7");
    check_pair(&t, "1e100000", "1e100000");
    check_pair(&t, "9e131071", "9e131071");
    numt_close(&t);
}

/* Functions of one argument that cannot fail (except by overflow). */
static void check_unary(numt_t *t, const char *v)
{
    numt_check_own(t,
                   numt_fmt("SELECT -x, abs(x), sign(x), ceil(x), floor(x), trim_scale(x), "
                            "scale(x), min_scale(x) FROM (SELECT '%s'::numeric x) s",
                            v),
                   numt_fmt("SELECT am_num_neg(x), am_num_abs(x), am_num_sign(x), am_num_ceil(x), "
                            "am_num_floor(x), am_num_trim_scale(x), am_num_scale(x), "
                            "am_num_min_scale(x) FROM (SELECT '%s' x) s",
                            v));
    numt_check_own(t, numt_fmt("SELECT sqrt('%s'::numeric)", v),
                   numt_fmt("SELECT am_num_sqrt('%s')", v));
    numt_check_own(t, numt_fmt("SELECT ln('%s'::numeric)", v),
                   numt_fmt("SELECT am_num_ln('%s')", v));
    numt_check_own(t, numt_fmt("SELECT log('%s'::numeric)", v),
                   numt_fmt("SELECT am_num_log10('%s')", v));
    numt_check_own(t, numt_fmt("SELECT exp('%s'::numeric)", v),
                   numt_fmt("SELECT am_num_exp('%s')", v));
}

Test(pgfn_num, unary_functions_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num unary");
    for (size_t i = 0; i < NUMT_N_EDGES; i++)
        check_unary(&t, numt_edges[i]);
    numt_rng_t r = {3};
    char buf[256];
    for (int i = 0; i < 250; i++)
        check_unary(&t, numt_rand_numeric(&r, buf, sizeof buf));
    static const char *const exps[] = {"0.001",
                                       "-0.001",
                                       "1",
                                       "-1",
                                       "2.5",
                                       "10",
                                       "-10",
                                       "100.5",
                                       "-100.5",
                                       "1000",
                                       "6000",
                                       "-6000",
                                       "5999.9",
                                       "-5999.9",
                                       "6001",
                                       "1e-30",
                                       "0.9",
                                       "1.1",
                                       "0.99999999999999999999",
                                       "1.00000000000000000001"};
    for (size_t i = 0; i < sizeof exps / sizeof *exps; i++)
        check_unary(&t, exps[i]);
    numt_close(&t);
}

Test(pgfn_num, power_log_gcd_lcm_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num power log gcd lcm");
    static const char *const v[] = {"0",         "-0",
                                    "1",         "-1",
                                    "2",         "-2",
                                    "0.5",       "-0.5",
                                    "10",        "1.5",
                                    "3",         "-3",
                                    "2.25",      "0.001",
                                    "1000",      "1.0001",
                                    "0.99",      "123.456",
                                    "-8",        "1e-10",
                                    "1e10",      "0.123456789012345678901234567890",
                                    "NaN",       "Infinity",
                                    "-Infinity", "12",
                                    "18",        "-4.5",
                                    "4.50"};
    size_t n = sizeof v / sizeof *v;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            numt_check_own(&t, numt_fmt("SELECT power('%s'::numeric, '%s'::numeric)", v[i], v[j]),
                           numt_fmt("SELECT am_num_power('%s', '%s')", v[i], v[j]));
            numt_check_own(&t, numt_fmt("SELECT log('%s'::numeric, '%s'::numeric)", v[i], v[j]),
                           numt_fmt("SELECT am_num_log('%s', '%s')", v[i], v[j]));
            numt_check_own(&t,
                           numt_fmt("SELECT gcd(x, y), lcm(x, y) FROM (SELECT '%s'::numeric x, "
                                    "'%s'::numeric y) s",
                                    v[i], v[j]),
                           numt_fmt("SELECT am_num_gcd('%s', '%s'), am_num_lcm('%s', '%s')", v[i],
                                    v[j], v[i], v[j]));
        }
    static const char *const big[][2] = {
        {"2", "1000"},       {"2", "-1000"},      {"10", "131072"},      {"10", "-16384"},
        {"1.000001", "1e7"}, {"7", "2147483648"}, {"0.5", "2147483647"}, {"3.7", "-2.5"},
        {"100", "0.5"},      {"1e-300", "0.5"},   {"2", "1000000"},      {"2.25", "-1000"}};
    for (size_t i = 0; i < sizeof big / sizeof *big; i++)
        numt_check_own(&t,
                       numt_fmt("SELECT power('%s'::numeric, '%s'::numeric)", big[i][0], big[i][1]),
                       numt_fmt("SELECT am_num_power('%s', '%s')", big[i][0], big[i][1]));
    numt_close(&t);
}

Test(pgfn_num, round_and_trunc_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num round trunc");
    static const int scales[] = {-40, -5, -2, -1, 0, 1, 2, 3, 5, 10, 20, 30};
    numt_rng_t r = {4};
    char buf[256];
    for (size_t k = 0; k < NUMT_N_EDGES + 80; k++) {
        const char *v = k < NUMT_N_EDGES ? numt_edges[k] : numt_rand_numeric(&r, buf, sizeof buf);
        for (size_t s = 0; s < sizeof scales / sizeof *scales; s++)
            numt_check_own(&t,
                           numt_fmt("SELECT round('%s'::numeric, %d), trunc('%s'::numeric, %d)", v,
                                    scales[s], v, scales[s]),
                           numt_fmt("SELECT am_num_round('%s', %d), am_num_trunc('%s', %d)", v,
                                    scales[s], v, scales[s]));
    }
    numt_check(&t, "SELECT round(9.5::numeric, 0), round(-9.5::numeric, 0), round(99.95, 1)",
               "SELECT am_num_round('9.5', 0), am_num_round('-9.5', 0), am_num_round('99.95', 1)");
    numt_check(&t, "SELECT round(5e131071::numeric, -131072)",
               "SELECT am_num_round('5e131071', -131072)");
    numt_close(&t);
}

Test(pgfn_num, typmod_and_decimal_casts_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num typmod");
    static const int pm[][2] = {{1, 0},  {3, 1},   {5, 2},   {10, 0},  {10, 5}, {18, 6},
                                {38, 0}, {38, 10}, {38, 38}, {20, -3}, {3, 5},  {1000, 500}};
    numt_rng_t r = {5};
    char buf[256];
    for (size_t k = 0; k < NUMT_N_EDGES + 60; k++) {
        const char *v = k < NUMT_N_EDGES ? numt_edges[k] : numt_rand_numeric(&r, buf, sizeof buf);
        for (size_t i = 0; i < sizeof pm / sizeof *pm; i++) {
            int p = pm[i][0], s = pm[i][1];
            numt_check_own(&t, numt_fmt("SELECT '%s'::numeric::numeric(%d,%d)", v, p, s),
                           numt_fmt("SELECT am_num_typmod('%s', %d, %d)", v, p, s));
            if (p > 38 || s < 0 || s > p || strstr(v, "NaN") || strstr(v, "Inf"))
                continue;
            /* the emitter's DECIMAL(p,s): CAST of the rounded text is exact (and DuckDB prints
             * DECIMAL(p,p) without the leading 0, which am_num_in reads) */
            numt_check_own(&t, numt_fmt("SELECT '%s'::numeric::numeric(%d,%d)", v, p, s),
                           numt_fmt("SELECT am_num_in(CAST(CAST(am_num_typmod('%s', %d, %d) AS "
                                    "DECIMAL(%d,%d)) AS VARCHAR))",
                                    v, p, s, p, s));
        }
    }
    numt_check(&t, "SELECT 1::numeric(1001, 0)", "SELECT am_num_typmod('1', 1001, 0)");
    numt_check(&t, "SELECT 1::numeric(5, 1001)", "SELECT am_num_typmod('1', 5, 1001)");
    numt_close(&t);
}

/* numeric -> int2/int4/int8/float8/float4 */
static void check_from_numeric(numt_t *t, const char *v)
{
    static const char *const to[] = {"int2", "int4", "int8", "float8", "float4"};
    for (size_t i = 0; i < sizeof to / sizeof *to; i++)
        numt_check_own(t, numt_fmt("SELECT '%s'::numeric::%s", v, to[i]),
                       numt_fmt("SELECT am_num_to_%s('%s')", to[i], v));
}

/* int8 / int128 / float8 / float4 -> numeric */
static void check_to_numeric(numt_t *t)
{
    static const char *const ints[] = {
        "0",     "1",        "-1",    "9223372036854775807", "-9223372036854775808",
        "10000", "99990000", "-12345"};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        numt_check_own(t, numt_fmt("SELECT '%s'::int8::numeric", ints[i]),
                       numt_fmt("SELECT am_num_from_int('%s'::BIGINT)", ints[i]));
        numt_check_own(t, numt_fmt("SELECT '%s'::numeric", ints[i]),
                       numt_fmt("SELECT am_num_from_hugeint('%s'::HUGEINT)", ints[i]));
    }
    numt_check(t, "SELECT '-170141183460469231731687303715884105728'::numeric",
               "SELECT am_num_from_hugeint('-170141183460469231731687303715884105728'::HUGEINT)");
    static const char *const floats[] = {"0",
                                         "-0",
                                         "1",
                                         "0.1",
                                         "1e-20",
                                         "-1.5e300",
                                         "1e15",
                                         "1e16",
                                         "123456789012345678",
                                         "0.30000000000000004",
                                         "3.4028235e38",
                                         "1e-310",
                                         "NaN",
                                         "Infinity",
                                         "-Infinity",
                                         "2.5",
                                         "-1234.5678",
                                         "7.038531e-26",
                                         "1.17549435e-38",
                                         "16777217"};
    for (size_t i = 0; i < sizeof floats / sizeof *floats; i++) {
        numt_check_own(t, numt_fmt("SELECT '%s'::float8::numeric", floats[i]),
                       numt_fmt("SELECT am_num_from_float8('%s'::DOUBLE)", floats[i]));
        numt_check_own(t, numt_fmt("SELECT '%s'::float8::float4::numeric", floats[i]),
                       numt_fmt("SELECT am_num_from_float4(am_f8_to_f4('%s'::DOUBLE))", floats[i]));
    }
}

Test(pgfn_num, conversions_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num conversions");
    numt_rng_t r = {6};
    char buf[256];
    for (size_t k = 0; k < NUMT_N_EDGES + 120; k++)
        check_from_numeric(&t, k < NUMT_N_EDGES ? numt_edges[k]
                                                : numt_rand_numeric(&r, buf, sizeof buf));
    check_to_numeric(&t);
    /* DECIMAL -> numeric text is a plain CAST */
    numt_check(&t, "SELECT 1.50::numeric(10,2), -0.05::numeric(10,2), 0::numeric(5,3)",
               "SELECT CAST(1.50::DECIMAL(10,2) AS VARCHAR), CAST(-0.05::DECIMAL(10,2) AS "
               "VARCHAR), CAST(0::DECIMAL(5,3) AS VARCHAR)");
    numt_check(&t, "SELECT '12345678901234567890.123'::numeric(38,3)",
               "SELECT CAST('12345678901234567890.123'::DECIMAL(38,3) AS VARCHAR)");
    numt_close(&t);
}

Test(pgfn_num, width_bucket_matches)
{
    numt_t t;
    numt_open(&t, "pgfn_num width_bucket");
    static const char *const ops[] = {"-1",  "0",        "0.5",       "1",
                                      "5",   "9.99",     "10",        "11",
                                      "NaN", "Infinity", "-Infinity", "3.333333333333333333333"};
    static const char *const bounds[][2] = {{"0", "10"},      {"10", "0"},       {"1", "1"},
                                            {"0", "NaN"},     {"0", "Infinity"}, {"-5.5", "5.5"},
                                            {"0", "0.000001"}};
    static const int counts[] = {1, 3, 10, 0, -1, 2147483647};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        for (size_t j = 0; j < sizeof bounds / sizeof *bounds; j++)
            for (size_t k = 0; k < sizeof counts / sizeof *counts; k++)
                numt_check_own(
                    &t,
                    numt_fmt("SELECT width_bucket('%s'::numeric, '%s'::numeric, '%s'::numeric, %d)",
                             ops[i], bounds[j][0], bounds[j][1], counts[k]),
                    numt_fmt("SELECT am_num_width_bucket('%s', '%s', '%s', %d)", ops[i],
                             bounds[j][0], bounds[j][1], counts[k]));
    numt_close(&t);
}

Test(pgfn_num, sortkey_orders_and_groups_as_numeric)
{
    numt_t t;
    numt_open(&t, "pgfn_num sortkey");
    numt_rng_t r = {7};
    char buf[256];
    char *values = NULL;
    for (size_t k = 0; k < NUMT_N_EDGES + 300; k++) {
        const char *v = k < NUMT_N_EDGES ? numt_edges[k] : numt_rand_numeric(&r, buf, sizeof buf);
        char *s = numt_fmt("%s%s('%s')", values ? values : "", values ? "," : "", v);
        free(values);
        values = s;
    }
    /* equal values (1, 1.0, 1.00, -0, 0.000) order by their text to make the order total */
    char *all = numt_fmt("%s,('1.0'),('1.00'),('0.000'),('-0.0'),('NaN'),('2.50'),('2.5')", values);
    free(values);
    values = all;
    numt_check_own(&t,
                   numt_fmt("SELECT string_agg(v, ',' ORDER BY v::numeric, v COLLATE \"C\") FROM "
                            "(VALUES %s) t(v)",
                            values),
                   numt_fmt("SELECT string_agg(v, ',' ORDER BY am_num_sortkey(v), v) FROM "
                            "(VALUES %s) t(v)",
                            values));
    numt_check_own(&t,
                   numt_fmt("SELECT count(DISTINCT v::numeric), min(v::numeric), max(v::numeric) "
                            "FROM (VALUES %s) t(v)",
                            values),
                   numt_fmt("SELECT count(DISTINCT am_num_sortkey(v)), arg_min(v, "
                            "am_num_sortkey(v)), arg_max(v, am_num_sortkey(v)) FROM (VALUES %s) "
                            "t(v)",
                            values));
    free(values);
    numt_close(&t);
}

Test(pgfn_num, avg_final_divides_as_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_num avg_final");
    static const char *const sets[] = {"1,2,2",
                                       "1,2",
                                       "-7,1,1",
                                       "2147483647,2147483647,1",
                                       "0",
                                       "1,1,1,1,1,1,1",
                                       "-9223372036854775808,-1"};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        numt_check_own(&t, numt_fmt("SELECT avg(v) FROM unnest(ARRAY[%s]::int8[]) v", sets[i]),
                       numt_fmt("SELECT am_num_avg_final(CAST(sum(v::HUGEINT) AS VARCHAR), "
                                "count(v)) FROM unnest([%s]::BIGINT[]) t(v)",
                                sets[i]));
        numt_check_own(
            &t, numt_fmt("SELECT avg(v) FROM unnest(ARRAY[%s]::int8[]) v WHERE false", sets[i]),
            numt_fmt("SELECT am_num_avg_final(CAST(sum(v) AS VARCHAR), count(v)) FROM "
                     "unnest([%s]::BIGINT[]) t(v) WHERE false",
                     sets[i]));
    }
    numt_check(&t, "SELECT avg(v) FROM unnest(ARRAY[1.50, 2.25, 3.333]::numeric(10,3)[]) v",
               "SELECT am_num_avg_final(CAST(sum(v) AS VARCHAR), count(v)) FROM "
               "unnest([1.50, 2.25, 3.333]::DECIMAL(10,3)[]) t(v)");
    numt_close(&t);
}
