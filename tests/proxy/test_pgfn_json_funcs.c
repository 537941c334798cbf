/*
 * tests/proxy/test_pgfn_json_funcs.c: json(b)_typeof, _array_length, _object_keys,
 * _array_elements(_text), _each(_text), _strip_nulls and jsonb_pretty against PostgreSQL 15
 * on every document of the corpus; set-returning functions compare row by row.
 */
#include "pgfn_json_test.h"

static const char *const extra_docs[] = {
    "[1, \"\\u0000\"]",
    "{\"a\": [1, \"\\u0000\"]}",
    "[{\"a\": \"\\u0000\"}]",
    "{\"a\": \"x\", \"b\": \"\\ud800\"}",
    "[\"\\ud800\", 1]",
    "{\"a\": null, \"b\": [null, {\"c\": null}], \"d\": {\"e\": null}}",
    "[null, [null], {\"a\": null}]",
    "{\"\\u00e9\\n\": \"v\\t\", \"k\": \"\\/\"}",
    "{\"a\" : 1 , \"b\" : [ 1 , 2 ] , \"c\" : { } }",
    "[ \"x\" , 1.50 , 1e2 , true , null , [ ] , { } ]",
    "{\"b\": 1, \"a\": 2, \"b\": 3}",
    "[[[]], [{}], {\"a\": [[{}]]}]",
    "\"top\\u0041\"",
    "[1e1000]",
};

static void per_doc(jt_t *t, const char *in, const char *d)
{
    static const char *const scalar_fns[][2] = {
        {"SELECT %T_typeof($1::%T)", "SELECT am_%T_typeof(am_%T_in($1))"},
        {"SELECT %T_array_length($1::%T)", "SELECT am_%T_array_length(am_%T_in($1))"},
        {"SELECT %T_strip_nulls($1::%T)::text", "SELECT am_%T_strip_nulls(am_%T_in($1))"},
        {"SELECT x FROM %T_object_keys($1::%T) WITH ORDINALITY t(x, n) ORDER BY n",
         "SELECT unnest(am_%T_object_keys(am_%T_in($1)))"},
        {"SELECT x::text FROM %T_array_elements($1::%T) WITH ORDINALITY t(x, n) ORDER BY n",
         "SELECT unnest(am_%T_array_elements(am_%T_in($1)))"},
        {"SELECT x FROM %T_array_elements_text($1::%T) WITH ORDINALITY t(x, n) ORDER BY n",
         "SELECT unnest(am_%T_array_elements_text(am_%T_in($1)))"},
        {"SELECT k, v::text FROM %T_each($1::%T) WITH ORDINALITY t(k, v, n) ORDER BY n",
         "SELECT e.key, e.value FROM (SELECT unnest(am_%T_each(am_%T_in($1))) AS e)"},
        {"SELECT k, v FROM %T_each_text($1::%T) WITH ORDINALITY t(k, v, n) ORDER BY n",
         "SELECT e.key, e.value FROM (SELECT unnest(am_%T_each_text(am_%T_in($1))) AS e)"},
    };
    for (size_t f = 0; f < AM_ARRAY_LEN(scalar_fns); f++) {
        char *pq = jt_typed(scalar_fns[f][0], in), *dq = jt_typed(scalar_fns[f][1], in);
        jt_case(t, pq, dq, d, 0, 0, 0);
        free(pq);
        free(dq);
    }
}

Test(pgfn_json_funcs, json_functions)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(jt_docs); i++)
        per_doc(&t, "json", jt_docs[i]);
    for (size_t i = 0; i < AM_ARRAY_LEN(extra_docs); i++)
        per_doc(&t, "json", extra_docs[i]);
    jt_close(&t, "json functions");
}

Test(pgfn_json_funcs, jsonb_functions)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(jt_docs); i++) {
        per_doc(&t, "jsonb", jt_docs[i]);
        jt_case(&t, "SELECT jsonb_pretty($1::jsonb)", "SELECT am_jsonb_pretty(am_jsonb_in($1))",
                jt_docs[i], 0, 0, 0);
    }
    for (size_t i = 0; i < AM_ARRAY_LEN(extra_docs); i++) {
        per_doc(&t, "jsonb", extra_docs[i]);
        jt_case(&t, "SELECT jsonb_pretty($1::jsonb)", "SELECT am_jsonb_pretty(am_jsonb_in($1))",
                extra_docs[i], 0, 0, 0);
    }
    jt_case(&t, "SELECT jsonb_typeof(NULL)", "SELECT am_jsonb_typeof(NULL)", 0, 0, 0, 0);
    jt_case(&t, "SELECT x FROM json_object_keys(NULL) x",
            "SELECT unnest(am_json_object_keys(NULL))", 0, 0, 0, 0);
    jt_close(&t, "jsonb functions");
}
