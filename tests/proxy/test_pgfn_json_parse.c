/*
 * tests/proxy/test_pgfn_json_parse.c: json and jsonb input (am_json_in, am_jsonb_in) and the
 * jsonb casts, against PostgreSQL 15: accepted text, jsonb's canonical text, and every error
 * with its DETAIL.
 */
#include "pgfn_json_test.h"

static const char *const bad_docs[] = {
    "",
    "  ",
    "x",
    "\"abc",
    "\"a\\x\"",
    "\"\\u12\"",
    "\"\\u12x4\"",
    "[1,2",
    "{\"a\" 1}",
    "{1:1}",
    "[1,]",
    "[1 2]",
    "1 2",
    "{\"a\":1,}",
    "01",
    "1.",
    "1.e5",
    "-",
    "1e",
    "1abc",
    "tru",
    "truex",
    "\"a\tb\"",
    "[1, @]",
    "[1, @@]",
    "[1, é]",
    "[1, éa b]",
    "[1, trueé]",
    "[1, true_x]",
    "{\"a\":1 \"b\"}",
    "{\"a\":1 \"b",
    "{\"a\":1 , \"b",
    "[\"ab\\",
    "[\"ab\\u",
    "[\"ab\\u12",
    "[\"ab\\u12\"]",
    "[\"ab\\é\"]",
    "[\"ab\\x12\"]",
    "{\"a\":1}}",
    "{\"a\":1} x",
    "{\"a\":1} \"x",
    "{\"a\":1}   ,",
    "[1,2]]",
    "[-]",
    "[-a]",
    "[--1]",
    "[-01]",
    "[1.5e+]",
    "[1.5e+x]",
    "[1.5ex]",
    "[1.5.3]",
    "[1e5.3]",
    "[.5]",
    "[+5]",
    "[0x10]",
    "[Infinity]",
    "[NaN]",
    "[True]",
    "[nul]",
    "{\"a\"}",
    "{\"a\":}",
    "{,}",
    "[,]",
    "{\"a\":1,,}",
    "[\"\\u00\"]",
    "\x7f",
    "\f[1]",
    "[1\f,2]",
    "\xef\xbb\xbf[1]",
    "[1,\xc2\xa0 2]",
    "{\"a\":[1,{\"b\":}]}",
    "[\"\n\"]",
    "{\"a\":1 }   x",
    "[1 \"\\u0000\"]",
    "[\"\\u0000\" x]",
    "[1e999999999999]",
    "[\"\\ud800\\ud800\"]",
    "[\"\\ud800\\u0041\"]",
    "[\"\\ud800\\n\"]",
    "[\"\\ud800\\u0000\"]",
    "[\"a\\u0000b\\ud800\"]",
    "[\"\\udd1e\\ud834\"]",
    "{\"a\":\"b\"",
    "{\"a\"",
    "{",
    "[",
    "]",
    "}",
    ":",
    ",",
    "\"",
    "\\",
    "nul",
    "[1e1000000 x]",
    "[1e1000000, \"\\u0000\"]",
    "[1e1000000 \"\\u0000\"]",
};

Test(pgfn_json_parse, json_input_validates_and_keeps_text)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(jt_docs); i++)
        jt_case(&t, "SELECT $1::json::text", "SELECT am_json_in($1)", jt_docs[i], 0, 0, 0);
    for (size_t i = 0; i < AM_ARRAY_LEN(bad_docs); i++)
        jt_case(&t, "SELECT $1::json::text", "SELECT am_json_in($1)", bad_docs[i], 0, 0, 0);
    jt_case(&t, "SELECT NULL::json::text", "SELECT am_json_in(NULL)", 0, 0, 0, 0);
    jt_close(&t, "json input");
}

Test(pgfn_json_parse, jsonb_input_canonicalizes)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(jt_docs); i++) {
        jt_case(&t, "SELECT $1::jsonb::text", "SELECT am_jsonb_in($1)", jt_docs[i], 0, 0, 0);
        /* json -> jsonb, and jsonb -> json */
        jt_case(&t, "SELECT $1::json::jsonb::json::text",
                "SELECT am_jsonb_out_json(am_jsonb_in(am_json_in($1)))", jt_docs[i], 0, 0, 0);
    }
    for (size_t i = 0; i < AM_ARRAY_LEN(bad_docs); i++)
        jt_case(&t, "SELECT $1::jsonb::text", "SELECT am_jsonb_in($1)", bad_docs[i], 0, 0, 0);
    jt_close(&t, "jsonb input");
}

static const char *const numbers[] = {
    "0",
    "-0",
    "0.0",
    "-0.000",
    "1",
    "-1",
    "1.5",
    "2.5",
    "-1.5",
    "-2.5",
    "0.5",
    "-0.5",
    "0.49999",
    "1e0",
    "1E0",
    "1e+0",
    "1e-0",
    "10e-1",
    "1.23e1",
    "1.234e1",
    "1.2345e2",
    "123e-5",
    "5e-324",
    "1e-400",
    "4e-320",
    "1.7976931348623157e308",
    "1.8e308",
    "3.4028235e38",
    "3.5e38",
    "1e-45",
    "1e-46",
    "32767",
    "32768",
    "-32768",
    "-32769",
    "32767.4",
    "32767.5",
    "-32768.5",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "2147483647.49",
    "2147483647.5",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "9223372036854775807.5",
    "99999999999999999999999",
    "1e19",
    "0.1",
    "0.2",
    "0.30000000000000004",
    "123456789.123456789",
    "1e131071",
    "1e131072",
    "1e-16383",
    "1e-16384",
    "0.00e-16381",
    "0.00e-16382",
    "0e131072",
    "0e1073741822",
    "0e1073741823",
    "0e-1073741822",
    "1e1073741823",
    "9.9e131071",
    "1.5e-16383",
    "1000000000000000000000000000000000000000000.5",
    "-0.0000000000000000000000000000001",
};

static const char *const cast_others[] = {
    "\"1\"", "true", "false", "null", "[1]", "{\"a\": 1}", "[]", "{}", "\"true\"",
};

static void casts(jt_t *t, const char *doc)
{
    static const char *const types[][2] = {
        {"numeric", "am_jsonb_to_numeric"}, {"int2", "am_jsonb_to_int2"},
        {"int4", "am_jsonb_to_int4"},       {"int8", "am_jsonb_to_int8"},
        {"bool", "am_jsonb_to_bool"},
    };
    for (size_t k = 0; k < AM_ARRAY_LEN(types); k++) {
        const char *args[] = {doc, types[k][0], types[k][1]};
        jt_case_f(t, "SELECT ($1::jsonb::#2)::text", "SELECT #3(am_jsonb_in($1))::VARCHAR", args,
                  false);
    }
    const char *f8[] = {doc, "float8", "am_jsonb_to_float8"};
    jt_case_f(t, "SELECT $1::jsonb::#2", "SELECT #3(am_jsonb_in($1))", f8, true);
    const char *f4[] = {doc, "float4", "am_jsonb_to_float4"};
    jt_case_f(t, "SELECT $1::jsonb::#2::float8", "SELECT #3(am_jsonb_in($1))::DOUBLE", f4, true);
}

Test(pgfn_json_parse, jsonb_numbers_and_casts)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(numbers); i++) {
        jt_case(&t, "SELECT $1::jsonb::text", "SELECT am_jsonb_in($1)", numbers[i], 0, 0, 0);
        char *neg = am_xasprintf("[%s, -%s]", numbers[i], numbers[i][0] == '-' ? "0" : numbers[i]);
        jt_case(&t, "SELECT $1::jsonb::text", "SELECT am_jsonb_in($1)", neg, 0, 0, 0);
        free(neg);
        casts(&t, numbers[i]);
    }
    for (size_t i = 0; i < AM_ARRAY_LEN(cast_others); i++)
        casts(&t, cast_others[i]);
    jt_close(&t, "jsonb numbers and casts");
}

static char *nested(int depth, const char *open, const char *mid, const char *close)
{
    am_buf_t b;
    am_buf_init(&b);
    for (int i = 0; i < depth; i++)
        am_buf_puts(&b, open);
    am_buf_puts(&b, mid);
    for (int i = 0; i < depth; i++)
        am_buf_puts(&b, close);
    return am_buf_steal(&b, NULL);
}

Test(pgfn_json_parse, deep_nesting_up_to_the_limit)
{
    jt_t t = jt_open();
    static const int depths[] = {100, 1000, PROXY_JSON_MAX_DEPTH};
    for (size_t i = 0; i < AM_ARRAY_LEN(depths); i++) {
        char *a = nested(depths[i], "[", "1", "]");
        char *o = nested(depths[i], "{\"a\": ", "null", "}");
        jt_case(&t, "SELECT md5($1::jsonb::text)", "SELECT md5(am_jsonb_in($1))", a, 0, 0, 0);
        jt_case(&t, "SELECT md5($1::json::text)", "SELECT md5(am_json_in($1))", o, 0, 0, 0);
        jt_case(&t, "SELECT md5($1::jsonb::text)", "SELECT md5(am_jsonb_in($1))", o, 0, 0, 0);
        free(a);
        free(o);
    }
    jt_close(&t, "deep nesting");
}

/* Deeper than the limit the mirror refuses with PostgreSQL's stack-depth error, where
 * PostgreSQL itself (max_stack_depth 2MB) would still answer up to about 10000 levels. */
Test(pgfn_json_parse, too_deep_is_refused)
{
    jt_t t = jt_open();
    char *a = nested(PROXY_JSON_MAX_DEPTH + 1, "[", "", "]");
    char *q = am_xasprintf("SELECT am_jsonb_in('%s')", a);
    char *r = jt_duck(&t, q, false);
    cr_expect(strncmp(r, "ERROR 54001 stack depth limit exceeded", 38) == 0, "%s", r);
    free(r);
    free(q);
    free(a);
    jt_close(&t, "too deep");
}
