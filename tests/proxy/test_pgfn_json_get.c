/*
 * tests/proxy/test_pgfn_json_get.c: -> ->> #> #>> and json(b)_extract_path(_text) against
 * PostgreSQL 15, for json (exact sub-texts, PostgreSQL's streaming quirks) and jsonb.
 */
#include "pgfn_json_test.h"

static const char *const keys[] = {"a", "b", "A", "", "x", "1", "é", "aa", "key with spaces",
                                   "n", "c"};

static const char *const indexes[] = {
    "0", "1", "2", "5", "(-1)", "(-2)", "(-6)", "(-2147483648)", "2147483647", "3"};

static const char *const paths[] = {
    "{}",     "a",           "b|1",     "b|2|c", "a|0",     "0",         "1",   "-1",
    "0|0|0",  "x|1|1",       "b|-1|c",  "a|\\N", " 1",      "+1",        "1 ",  "",
    "4|x",    "5|a",         "c|d",     "a|-1",  "x|-1|-1", "0|0|0|0|0", "2|a", "-2",
    "b|-3|c", "-2147483648", "x|1|1|0", "2|a|5", "\\N",     "c",         "1|0", "b|0x1",
};

static void lookups(jt_t *t, const char *in, const char *doc)
{
    static const char *const ops[][3] = {
        {"SELECT ($1::%T -> $2)::text", "SELECT am_%T_get(am_%T_in($1), $2)", "k"},
        {"SELECT $1::%T ->> $2", "SELECT am_%T_get_text(am_%T_in($1), $2)", "k"},
        {"SELECT ($1::%T -> #2)::text", "SELECT am_%T_idx(am_%T_in($1), #2)", "i"},
        {"SELECT $1::%T ->> #2", "SELECT am_%T_idx_text(am_%T_in($1), #2)", "i"},
        {"SELECT ($1::%T #> @2)::text", "SELECT am_%T_path(am_%T_in($1), @2)", "p"},
        {"SELECT $1::%T #>> @2", "SELECT am_%T_path_text(am_%T_in($1), @2)", "p"},
    };
    for (size_t o = 0; o < AM_ARRAY_LEN(ops); o++) {
        char *pq = jt_typed(ops[o][0], in), *dq = jt_typed(ops[o][1], in);
        char kind = ops[o][2][0];
        const char *const *list = kind == 'k' ? keys : kind == 'i' ? indexes : paths;
        size_t n = kind == 'k'   ? AM_ARRAY_LEN(keys)
                   : kind == 'i' ? AM_ARRAY_LEN(indexes)
                                 : AM_ARRAY_LEN(paths);
        for (size_t i = 0; i < n; i++)
            jt_case(t, pq, dq, doc, list[i], 0, 0);
        free(pq);
        free(dq);
    }
}

Test(pgfn_json_get, json_lookups)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(jt_docs); i++)
        lookups(&t, "json", jt_docs[i]);
    jt_close(&t, "json lookups");
}

Test(pgfn_json_get, jsonb_lookups)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(jt_docs); i++)
        lookups(&t, "jsonb", jt_docs[i]);
    jt_close(&t, "jsonb lookups");
}

/* Documents where json's streaming lookups differ from a tree lookup. */
static const char *const quirky[] = {
    "{\"x\": [1,2,3], \"a\": [4,5]}",
    "{\"a\": [4,5], \"x\": [1,2,3]}",
    "[[1,2,3],[4,5]]",
    "[[1,2,3],[4,5],[6]]",
    "{\"a\":1, \"a\":{\"b\":2}, \"a\":[3]}",
    "{\"a\":{\"b\":1}, \"a\":{\"c\":2}}",
    "{\"a\":\"x\", \"a\":null}",
    "{\"a\":null, \"a\":\"x\"}",
    "[{\"a\":1}, {\"a\":2}]",
    "{\"1\": \"obj\", \"b\": [\"arr0\", \"arr1\"]}",
    "[{\"1\": [5, 6]}, [7, 8]]",
    "  \"str\\u0041\"  ",
    "  12.50  ",
    "  null  ",
    "  true",
    "{\"a\" : [ 1 , { \"b\" : \"c\\n\" } ] }",
};

static const char *const quirky_paths[] = {
    "{}",  "a|-1", "1|-1", "1|-3",  "-1|-1", "-1",  "a",     "a|b",  "a|c",  "a|0", "0|a",
    "1|a", "1",    "b|1",  "0|1|1", "1|-2",  "2|0", "a|1|b", "-2|0", "0|-1", "1|0",
};

Test(pgfn_json_get, json_streaming_quirks)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(quirky); i++) {
        for (size_t p = 0; p < AM_ARRAY_LEN(quirky_paths); p++) {
            jt_case(&t, "SELECT ($1::json #> @2)::text", "SELECT am_json_path(am_json_in($1), @2)",
                    quirky[i], quirky_paths[p], 0, 0);
            jt_case(&t, "SELECT $1::json #>> @2", "SELECT am_json_path_text(am_json_in($1), @2)",
                    quirky[i], quirky_paths[p], 0, 0);
            jt_case(&t, "SELECT ($1::jsonb #> @2)::text",
                    "SELECT am_jsonb_path(am_jsonb_in($1), @2)", quirky[i], quirky_paths[p], 0, 0);
        }
        for (size_t k = 0; k < AM_ARRAY_LEN(indexes); k++)
            jt_case(&t, "SELECT ($1::json -> #2)::text", "SELECT am_json_idx(am_json_in($1), #2)",
                    quirky[i], indexes[k], 0, 0);
        for (size_t k = 0; k < AM_ARRAY_LEN(keys); k++)
            jt_case(&t, "SELECT $1::json ->> $2", "SELECT am_json_get_text(am_json_in($1), $2)",
                    quirky[i], keys[k], 0, 0);
    }
    jt_close(&t, "json streaming quirks");
}

Test(pgfn_json_get, extract_path_variadic)
{
    jt_t t = jt_open();
    static const char *const ins[] = {"json", "jsonb"};
    for (size_t k = 0; k < 2; k++) {
        const char *in = ins[k];
        for (size_t i = 0; i < AM_ARRAY_LEN(quirky); i++) {
            const char *d = quirky[i];
            char *p1 = jt_typed("SELECT %T_extract_path($1::%T, $2)::text", in);
            char *d1 = jt_typed("SELECT am_%T_extract_path(am_%T_in($1), $2)", in);
            char *p2 = jt_typed("SELECT %T_extract_path_text($1::%T, $2, $3)", in);
            char *d2 = jt_typed("SELECT am_%T_extract_path_text(am_%T_in($1), $2, $3)", in);
            jt_case(&t, p1, d1, d, "a", 0, 0);
            jt_case(&t, p1, d1, d, "1", 0, 0);
            jt_case(&t, p1, d1, d, NULL, 0, 0);
            jt_case(&t, p2, d2, d, "a", "b", 0);
            jt_case(&t, p2, d2, d, "1", "-1", 0);
            jt_case(&t, p2, d2, d, "0", "a", 0);
            jt_case(&t, p2, d2, d, "a", NULL, 0);
            free(p1);
            free(d1);
            free(p2);
            free(d2);
        }
    }
    jt_case(&t, "SELECT (NULL::json -> 'a')::text", "SELECT am_json_get(NULL, 'a')", 0, 0, 0, 0);
    jt_case(&t, "SELECT ('{}'::jsonb -> NULL::text)::text", "SELECT am_jsonb_get('{}', NULL)", 0, 0,
            0, 0);
    jt_case(&t, "SELECT ('[1]'::jsonb #> NULL)::text", "SELECT am_jsonb_path('[1]', NULL)", 0, 0, 0,
            0);
    jt_close(&t, "extract_path");
}
