/*
 * tests/proxy/test_pgfn_num_float.c: the am_f8_* / am_f4_* / am_int_* / am_i*_in functions give
 * PostgreSQL's float and integer results and errors (overflow, underflow, division by zero,
 * domain errors, input syntax), and am_f8_out/am_f4_out print as float8out/float4out under every
 * extra_float_digits.
 */
#include "pgfn_num_test.h"

#include <math.h>

static const char *const f8v[] = {"0",
                                  "-0",
                                  "1",
                                  "-1",
                                  "0.1",
                                  "2",
                                  "0.5",
                                  "3",
                                  "-2.5",
                                  "2.5",
                                  "1.5",
                                  "123.456",
                                  "1e308",
                                  "-1e308",
                                  "1e-308",
                                  "5e-324",
                                  "1e200",
                                  "1e-200",
                                  "NaN",
                                  "Infinity",
                                  "-Infinity",
                                  "30",
                                  "45",
                                  "60",
                                  "90",
                                  "180",
                                  "270",
                                  "360",
                                  "-45",
                                  "720.5",
                                  "1e10",
                                  "0.75",
                                  "-0.5",
                                  "2147483647.5",
                                  "32767.5",
                                  "-32768.5",
                                  "9.2233720368547758e18",
                                  "-9.2233720368547758e18",
                                  "1e16",
                                  "4.5"};
#define N_F8V (sizeof f8v / sizeof *f8v)

Test(pgfn_num_float, float8_and_float4_arithmetic_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num_float arithmetic");
    static const char *const ops[][3] = {
        {"+", "add", ""}, {"-", "sub", ""}, {"*", "mul", ""}, {"/", "div", ""}};
    for (size_t i = 0; i < N_F8V; i++)
        for (size_t j = 0; j < N_F8V; j++)
            for (size_t k = 0; k < 4; k++) {
                numt_check_own(
                    &t, numt_fmt("SELECT '%s'::float8 %s '%s'::float8", f8v[i], ops[k][0], f8v[j]),
                    numt_fmt("SELECT am_f8_%s('%s'::DOUBLE, '%s'::DOUBLE)", ops[k][1], f8v[i],
                             f8v[j]));
                numt_check_own(&t,
                               numt_fmt("SELECT '%s'::float8::float4 %s '%s'::float8::float4",
                                        f8v[i], ops[k][0], f8v[j]),
                               numt_fmt("SELECT am_f4_%s(am_f8_to_f4('%s'::DOUBLE), "
                                        "am_f8_to_f4('%s'::DOUBLE))",
                                        ops[k][1], f8v[i], f8v[j]));
            }
    numt_check(&t, "SELECT 1::float8 + NULL", "SELECT am_f8_add(1, NULL)");
    numt_close(&t);
}

Test(pgfn_num_float, float8_functions_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num_float functions");
    static const char *const fns[][2] = {
        {"sqrt", "sqrt"},   {"cbrt", "cbrt"},   {"exp", "exp"},         {"ln", "ln"},
        {"log10", "log10"}, {"log", "log"},     {"sin", "sin"},         {"cos", "cos"},
        {"tan", "tan"},     {"cot", "cot"},     {"asin", "asin"},       {"acos", "acos"},
        {"atan", "atan"},   {"sind", "sind"},   {"cosd", "cosd"},       {"tand", "tand"},
        {"cotd", "cotd"},   {"asind", "asind"}, {"acosd", "acosd"},     {"atand", "atand"},
        {"sinh", "sinh"},   {"cosh", "cosh"},   {"tanh", "tanh"},       {"asinh", "asinh"},
        {"acosh", "acosh"}, {"atanh", "atanh"}, {"degrees", "degrees"}, {"radians", "radians"},
        {"round", "round"}, {"trunc", "trunc"}, {"ceil", "ceil"},       {"floor", "floor"},
        {"sign", "sign"}};
    static const char *const extra[] = {
        "120", "135",   "150",     "210",    "225",  "300",  "315", "-30",  "-90",    "-180",
        "450", "1e300", "-0.9999", "0.9999", "0.25", "-1.5", "710", "-746", "1e-320", "0.5000001"};
    for (size_t f = 0; f < sizeof fns / sizeof *fns; f++) {
        for (size_t i = 0; i < N_F8V + sizeof extra / sizeof *extra; i++) {
            const char *v = i < N_F8V ? f8v[i] : extra[i - N_F8V];
            numt_check_own(&t, numt_fmt("SELECT %s('%s'::float8)", fns[f][0], v),
                           numt_fmt("SELECT am_f8_%s('%s'::DOUBLE)", fns[f][1], v));
        }
    }
    for (size_t i = 0; i < N_F8V; i++)
        for (size_t j = 0; j < N_F8V; j++) {
            numt_check_own(
                &t, numt_fmt("SELECT power('%s'::float8, '%s'::float8)", f8v[i], f8v[j]),
                numt_fmt("SELECT am_f8_pow('%s'::DOUBLE, '%s'::DOUBLE)", f8v[i], f8v[j]));
            numt_check_own(
                &t,
                numt_fmt("SELECT atan2('%s'::float8, '%s'::float8), atan2d('%s'::float8, "
                         "'%s'::float8)",
                         f8v[i], f8v[j], f8v[i], f8v[j]),
                numt_fmt("SELECT am_f8_atan2('%s'::DOUBLE, '%s'::DOUBLE), "
                         "am_f8_atan2d('%s'::DOUBLE, '%s'::DOUBLE)",
                         f8v[i], f8v[j], f8v[i], f8v[j]));
        }
    numt_close(&t);
}

Test(pgfn_num_float, casts_and_integer_division_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num_float casts");
    static const char *const ints[] = {"int2", "int4", "int8"};
    static const char *const bits[] = {"2", "4", "8"};
    for (size_t i = 0; i < N_F8V; i++)
        for (size_t k = 0; k < 3; k++) {
            numt_check_own(&t, numt_fmt("SELECT '%s'::float8::%s", f8v[i], ints[k]),
                           numt_fmt("SELECT am_f8_to_int%s('%s'::DOUBLE)", bits[k], f8v[i]));
            numt_check_own(
                &t, numt_fmt("SELECT '%s'::float8::float4::%s", f8v[i], ints[k]),
                numt_fmt("SELECT am_f4_to_int%s(am_f8_to_f4('%s'::DOUBLE))", bits[k], f8v[i]));
        }
    static const char *const iv[] = {"0",
                                     "1",
                                     "-1",
                                     "7",
                                     "-7",
                                     "3",
                                     "-3",
                                     "32767",
                                     "-32768",
                                     "2147483647",
                                     "-2147483648",
                                     "9223372036854775807",
                                     "-9223372036854775808"};
    static const char *const dtype[] = {"SMALLINT", "INTEGER", "BIGINT"};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < sizeof iv / sizeof *iv; i++)
            for (size_t j = 0; j < sizeof iv / sizeof *iv; j++) {
                /* only pairs that fit the type: the cast itself is not what is tested */
                char *fits = numt_fmt("SELECT '%s'::%s, '%s'::%s", iv[i], ints[k], iv[j], ints[k]);
                char *ok = numt_pg_text(&t, fits);
                free(fits);
                bool skip = strncmp(ok, "ERROR", 5) == 0;
                free(ok);
                if (skip)
                    continue;
                numt_check_own(
                    &t, numt_fmt("SELECT '%s'::%s / '%s'::%s", iv[i], ints[k], iv[j], ints[k]),
                    numt_fmt("SELECT am_int_div%s('%s'::%s, '%s'::%s)", bits[k], iv[i], dtype[k],
                             iv[j], dtype[k]));
                numt_check_own(
                    &t, numt_fmt("SELECT '%s'::%s %% '%s'::%s", iv[i], ints[k], iv[j], ints[k]),
                    numt_fmt("SELECT am_int_mod('%s'::%s, '%s'::%s)", iv[i], dtype[k], iv[j],
                             dtype[k]));
            }
    numt_close(&t);
}

/* Texts for the integer and float input functions. */
static const char *const texts[] = {" 12 ",
                                    "+5",
                                    "-0",
                                    "32767",
                                    "32768",
                                    "-32768",
                                    "-32769",
                                    "abc",
                                    "",
                                    "  ",
                                    "1.5",
                                    "1e3",
                                    "  -2147483648 ",
                                    "2147483648",
                                    "9223372036854775807",
                                    "9223372036854775808",
                                    "-9223372036854775808",
                                    "0x10",
                                    "12 3",
                                    "99999999999999999999x",
                                    "--1",
                                    "+",
                                    "\t42\n",
                                    "007",
                                    " NaN ",
                                    "nan",
                                    "-inf",
                                    "Infinity",
                                    "infinity",
                                    "-INFINITY",
                                    "+inf",
                                    "1e400",
                                    "-1e400",
                                    "1e-400",
                                    "1e-310",
                                    "1e39",
                                    "1e-46",
                                    "1e-40",
                                    "3.4028236e38",
                                    "0x1p3",
                                    "1e",
                                    "+.5",
                                    "5.",
                                    "nan(123)",
                                    "1.7976931348623157e308",
                                    "1.7976931348623159e308",
                                    "4.9e-324",
                                    "2.4e-324",
                                    "Infinityx",
                                    "1,5"};

Test(pgfn_num_float, text_input_matches)
{
    numt_t t;
    numt_open(&t, "pgfn_num_float input");
    static const char *const types[][2] = {
        {"int2", "i2"}, {"int4", "i4"}, {"int8", "i8"}, {"float4", "f4"}, {"float8", "f8"}};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        for (size_t k = 0; k < sizeof types / sizeof *types; k++)
            numt_check_own(&t, numt_fmt("SELECT '%s'::%s", texts[i], types[k][0]),
                           numt_fmt("SELECT am_%s_in('%s')", types[k][1], texts[i]));
    numt_close(&t);
}

/* Random doubles of every exponent, as exact %.17g text. */
static void random_double(numt_rng_t *r, char *buf, size_t len)
{
    double v;
    do {
        uint64_t bits = (numt_rand(r) << 40) ^ (numt_rand(r) << 20) ^ numt_rand(r);
        memcpy(&v, &bits, sizeof v);
    } while (isnan(v) || isinf(v));
    if (numt_rand(r) % 4 == 0)
        v = (double)(int64_t)(numt_rand(r) % 100000000000000000ULL) / (numt_rand(r) % 2 ? 1 : 1000);
    snprintf(buf, len, "%.17g", v);
}

Test(pgfn_num_float, float_output_matches_every_extra_float_digits)
{
    numt_t t;
    numt_open(&t, "pgfn_num_float output");
    static const int efd[] = {1, 0, -15, -3, 2, 3};
    numt_rng_t r = {31};
    char buf[64];
    for (int i = 0; i < 600 + (int)N_F8V; i++) {
        if (i < (int)N_F8V)
            snprintf(buf, sizeof buf, "%s", f8v[i]);
        else
            random_double(&r, buf, sizeof buf);
        int e = efd[i % 6];
        numt_check_own(&t, numt_fmt("SET extra_float_digits = %d; SELECT '%s'::float8", e, buf),
                       numt_fmt("SELECT am_f8_out('%s'::DOUBLE, %d)", buf, e));
        numt_check_own(&t,
                       numt_fmt("SET extra_float_digits = %d; SELECT '%s'::float8::float4", e, buf),
                       numt_fmt("SELECT am_f4_out(am_f8_to_f4('%s'::DOUBLE), %d)", buf, e));
    }
    numt_check(&t, "SET extra_float_digits = 1; SELECT 3.5630257447752232e16::float8",
               "SELECT am_f8_out(3.5630257447752232e16::DOUBLE, 1)");
    numt_close(&t);
}
