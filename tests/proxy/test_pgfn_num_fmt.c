/*
 * tests/proxy/test_pgfn_num_fmt.c: am_to_char_* and am_to_number give PostgreSQL's to_char and
 * to_number results for numeric, int4, int8, float4 and float8 over many pictures (the ones
 * PostgreSQL's own regression tests use and more), including its picture errors.
 */
#include "pgfn_num_test.h"

static const char *const pictures[] = {
    "9999999999999999.999999999999999", "FM9999999999999999.999999999999999",
    "9G999G999G999G999G999", "FM9G999G999G999G999G999", "9,999,999.99", "FM9,999,999.99",
    "9G999G999G999G999G999D999G999", "999", "FM999", "FM999.", "FM999.9", "9999MI", "9999PL",
    "9999SG", "S9999", "9999S", "FMS9999", "L9999", "9999PR", "FM9999PR", "00000", "FM00000",
    "0000.00", "9999.99", "FM9999.99", "9.9EEEE", "99.9999EEEE", "9.999EEEE", "9999V99",
    "FM9999V99", "99V999", "RN", "FMRN", "rn", "FMrn", "999TH", "999th", "FM999TH", "999thPR",
    "\"foo\"999\"bar\"", "f\"ool\"999", "f\"\\ool\"999", "f\\\"oo999", "f\\oo999",
    "99999 \"text\" 9999 \"9999\" 999 \"\\\"text between quote marks\\\"\" 9999", "SG0000.0000",
    "PL999.999", "MI999", "9.99", ".99", "0.99", "FM0.99", "B9999", "D99", "9D99", "FM9D99", "C99",
    "SP999", "99E", "9 9 9", "9999.99S", "S9999.99", "FMS0000.00", "999,999.99PR", "FM999,999.99PR",
    "", "0999999999999999", "FM0999999999999999.999909999999999",
    "FM9999999990999999.099999999999999", "FM9999999999999999.000", "L9999999999999999.099999",
    "MI99.99", "S0999999999999999.999999999999999", "SG9999999999999999th", "FMS 9 9 9 . 9 9",
    "FM9999999999D9999900000000000000000", "999999SG9999", "RNth", "SGRN", "9SG", "PL9", "éà9.9ü",
    "0099.0990", "9,9,9", "FM9,9,9", "TH", "9999S.99", "99PR.99",
    /* pictures PostgreSQL rejects */
    "EEEE9", "9.9EEEE9", "S9S", "MI9PR", "99.9.9", "99V9.9", "9PR9", "0PR0", "9.9V9", "PR9",
    "FM9EEEE", "RN9EEEE", "9EEEEEEEE", "S9MI", "S9PL", "S9SG", "9.9D9"};
#define N_PICTURES (sizeof pictures / sizeof *pictures)

/* SQL text of a picture: quotes doubled. */
static char *sql_text(const char *s)
{
    char *out = malloc(strlen(s) * 2 + 1), *p = out;
    cr_assert(out);
    for (; *s; s++) {
        if (*s == '\'')
            *p++ = '\'';
        *p++ = *s;
    }
    *p = '\0';
    return out;
}

static void check_to_char(numt_t *t, const char *pg_value, const char *duck_fn,
                          const char *duck_value)
{
    for (size_t i = 0; i < N_PICTURES; i++) {
        char *pic = sql_text(pictures[i]);
        numt_check_own(t, numt_fmt("SELECT to_char(%s, '%s')", pg_value, pic),
                       numt_fmt("SELECT %s(%s, '%s')", duck_fn, duck_value, pic));
        free(pic);
    }
}

Test(pgfn_num_fmt, to_char_numeric_matches)
{
    numt_t t;
    numt_open(&t, "pgfn_num_fmt to_char numeric");
    static const char *const v[] = {"0",
                                    "-0",
                                    "1",
                                    "-1",
                                    "0.5",
                                    "-0.5",
                                    "1234.5678",
                                    "-1234.5678",
                                    "12",
                                    "13",
                                    "111",
                                    "101",
                                    "3999",
                                    "4000",
                                    "1e20",
                                    "-1e-20",
                                    "NaN",
                                    "Infinity",
                                    "-Infinity",
                                    "0.000001",
                                    "999.995",
                                    "9.995",
                                    "99.95",
                                    "-4.2",
                                    "123456789012345678901234567890",
                                    "485",
                                    "2.5",
                                    "-34338492.215397047",
                                    "4.31",
                                    "-24926804.04504742",
                                    "7799461.4119",
                                    "16397.038491",
                                    "93901.57763026",
                                    "-83028485",
                                    "74881",
                                    "-0.0000000000012"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char *pg = numt_fmt("'%s'::numeric", v[i]);
        char *duck = numt_fmt("'%s'", v[i]);
        check_to_char(&t, pg, "am_to_char_num", duck);
        free(pg);
        free(duck);
    }
    numt_check(&t, "SELECT to_char(NULL::numeric, '999')", "SELECT am_to_char_num(NULL, '999')");
    numt_close(&t);
}

Test(pgfn_num_fmt, to_char_integers_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num_fmt to_char int");
    static const char *const v[] = {"0",      "1",          "-1",          "12",  "-12",
                                    "123456", "3999",       "4000",        "125", "1250",
                                    "-125",   "2147483647", "-2147483648", "485", "13"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char *pg = numt_fmt("'%s'::int4", v[i]);
        char *duck = numt_fmt("'%s'::INTEGER", v[i]);
        check_to_char(&t, pg, "am_to_char_i4", duck);
        free(pg);
        free(duck);
        pg = numt_fmt("'%s'::int8", v[i]);
        duck = numt_fmt("'%s'::BIGINT", v[i]);
        check_to_char(&t, pg, "am_to_char_i8", duck);
        free(pg);
        free(duck);
    }
    static const char *const big[] = {"9223372036854775807", "-9223372036854775808",
                                      "4567890123456789", "-4567890123456789"};
    for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
        char *pg = numt_fmt("'%s'::int8", big[i]);
        char *duck = numt_fmt("'%s'::BIGINT", big[i]);
        check_to_char(&t, pg, "am_to_char_i8", duck);
        free(pg);
        free(duck);
    }
    numt_close(&t);
}

Test(pgfn_num_fmt, to_char_floats_match)
{
    numt_t t;
    numt_open(&t, "pgfn_num_fmt to_char float");
    static const char *const v[] = {"0",
                                    "-0",
                                    "1.5",
                                    "-1.5",
                                    "1234.5678",
                                    "1e20",
                                    "1e-20",
                                    "123456789012.345",
                                    "NaN",
                                    "Infinity",
                                    "-Infinity",
                                    "0.1",
                                    "2.5",
                                    "125",
                                    "-34338492.215397047",
                                    "1.7976931348623157e308",
                                    "3999.4",
                                    "0.0005",
                                    "99.995",
                                    "1e15",
                                    "-4.2"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char *pg = numt_fmt("'%s'::float8", v[i]);
        char *duck = numt_fmt("'%s'::DOUBLE", v[i]);
        check_to_char(&t, pg, "am_to_char_f8", duck);
        free(pg);
        free(duck);
        if (strcmp(v[i], "1.7976931348623157e308") == 0)
            continue;
        pg = numt_fmt("'%s'::float4", v[i]);
        duck = numt_fmt("'%s'::FLOAT", v[i]);
        check_to_char(&t, pg, "am_to_char_f4", duck);
        free(pg);
        free(duck);
    }
    numt_close(&t);
}

/* to_number cases: PostgreSQL's regression tests and more. */
static const char *const number_cases[][2] = {
    {"-34,338,492", "99G999G999"},
    {"-34,338,492.654,878", "99G999G999D999G999"},
    {"<564646.654564>", "999999.999999PR"},
    {"0.00001-", "9.999999S"},
    {"5.01-", "FM9.999999S"},
    {"5.01-", "FM9.999999MI"},
    {"5 4 4 4 4 8 . 7 8", "9 9 9 9 9 9 . 9 9"},
    {".01", "FM9.99"},
    {".0", "99999999.99999999"},
    {"0", "99.99"},
    {".-01", "S99.99"},
    {".01-", "99.99S"},
    {" . 0 1-", " 9 9 . 9 9 S"},
    {"34,50", "999,99"},
    {"123,000", "999G"},
    {"123456", "999G999"},
    {"$1234.56", "L9,999.99"},
    {"$1234.56", "L99,999.99"},
    {"$1,234.56", "L99,999.99"},
    {"1234.56", "L99,999.99"},
    {"1,234.56", "L99,999.99"},
    {"42nd", "99th"},
    {"123456", "99999V99"},
    {"12.5", "99V9"},
    {"", "9"},
    {"abc", "999"},
    {"1e5", "9999"},
    {"12345", "99"},
    {"-1", "9"},
    {"1", ""},
    {"1", "RN"},
    {"1", "9EEEE"},
    {"1.23456", "9.99"},
    {"-", "9"},
    {"+7", "S9"},
    {"7+", "9S"},
    {"7-", "9MI"},
    {"-7", "MI9"},
    {"+7", "PL9"},
    {"1,2,3", "9,9,9"},
    {"1 2 3", "FM9,9,9"},
    {"12.3456", "FM99.99"},
    {"  123  ", "999"},
    {"éà12", "éà99"},
    {"99999999999999999999.99", "99999999999999999999.99"},
    {"0.5", "0.0"},
    {"5", "0"},
    {"1,234", "9G999"},
    {"(12)", "99PR"},
    {"<12>", "99PR"},
    {"12", "S99S"},
};

Test(pgfn_num_fmt, to_number_matches)
{
    numt_t t;
    numt_open(&t, "pgfn_num_fmt to_number");
    for (size_t i = 0; i < sizeof number_cases / sizeof *number_cases; i++)
        numt_check_own(
            &t, numt_fmt("SELECT to_number('%s', '%s')", number_cases[i][0], number_cases[i][1]),
            numt_fmt("SELECT am_to_number('%s', '%s')", number_cases[i][0], number_cases[i][1]));
    /* to_number reads what to_char wrote */
    for (size_t i = 0; i < N_PICTURES; i++) {
        if (strchr(pictures[i], 'E') || strchr(pictures[i], 'R') || strchr(pictures[i], 'r') ||
            strchr(pictures[i], 'e'))
            continue;
        char *pic = sql_text(pictures[i]);
        numt_check_own(
            &t, numt_fmt("SELECT to_number(to_char(-1234.5678::numeric, '%s'), '%s')", pic, pic),
            numt_fmt("SELECT am_to_number(am_to_char_num('-1234.5678', '%s'), '%s')", pic, pic));
        free(pic);
    }
    numt_close(&t);
}
