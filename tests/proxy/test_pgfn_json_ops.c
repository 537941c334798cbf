/*
 * tests/proxy/test_pgfn_json_ops.c: jsonb's operators against PostgreSQL 15: @> <@ = <> and
 * the btree order over every pair of a set of documents, ? ?| ?&, ||, - text / int / text[],
 * #-, jsonb_set and jsonb_insert.
 */
#include "pgfn_json_test.h"

static const char *const pair_docs[] = {
    "null",
    "true",
    "false",
    "0",
    "1",
    "1.0",
    "-1",
    "2",
    "1e2",
    "100",
    "0.5",
    "\"\"",
    "\"a\"",
    "\"b\"",
    "\"ab\"",
    "\"ba\"",
    "\"A\"",
    "\"é\"",
    "\"1\"",
    "[]",
    "[1]",
    "[1.0]",
    "[2]",
    "[1,2]",
    "[2,1]",
    "[1,1]",
    "[[1]]",
    "[[1],[2]]",
    "[1,[2,3]]",
    "[[2]]",
    "[\"a\"]",
    "[\"a\",\"b\"]",
    "[null]",
    "[{}]",
    "[{\"a\":1}]",
    "[{\"a\":1,\"b\":2}]",
    "[[]]",
    "[1,\"a\",true,null]",
    "[true]",
    "[false, true]",
    "{}",
    "{\"a\":1}",
    "{\"a\":1.0}",
    "{\"a\":2}",
    "{\"b\":1}",
    "{\"a\":1,\"b\":2}",
    "{\"aa\":1}",
    "{\"a\":[1,2]}",
    "{\"a\":[1]}",
    "{\"a\":{\"b\":1}}",
    "{\"a\":{\"b\":1,\"c\":2}}",
    "{\"a\":{}}",
    "{\"a\":null}",
    "{\"a\":\"x\"}",
    "{\"b\":[]}",
    "{\"a\":[{\"b\":1}]}",
    "{\"a\":[{\"b\":1,\"c\":2}]}",
    "{\"a\":[]}",
    "{\"a\":[[1]]}",
    "{\"b\":\"a\"}",
    "{\"a\":true}",
    "{\"a\":1,\"c\":3}",
};

/* The VALUES list of pair_docs, as jsonb on each side. */
static char *values(bool pg)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "(VALUES ");
    for (size_t i = 0; i < AM_ARRAY_LEN(pair_docs); i++) {
        am_buf_printf(&b, "%s(%zu, %s", i ? ", " : "", i, pg ? "" : "am_jsonb_in(");
        jt_quote(&b, pair_docs[i]);
        am_buf_puts(&b, pg ? "::jsonb)" : "))");
    }
    am_buf_puts(&b, ")");
    return am_buf_steal(&b, NULL);
}

/* Every ordered pair of pair_docs through the expressions, in one query per side. */
static void pairs(jt_t *t, const char *pg_cols, const char *duck_cols)
{
    char *pv = values(true), *dv = values(false);
    const char *pargs[] = {pv, pg_cols}, *dargs[] = {dv, duck_cols};
    char *pq =
        jt_render("SELECT a.i, b.i, #2 FROM #1 a(i, d), #1 b(i, d) ORDER BY 1, 2", pargs, true);
    char *dq =
        jt_render("SELECT a.i, b.i, #2 FROM #1 a(i, d), #1 b(i, d) ORDER BY 1, 2", dargs, false);
    const char *none[] = {NULL};
    jt_case_f(t, pq, dq, none, false);
    t->cases += (int)(AM_ARRAY_LEN(pair_docs) * AM_ARRAY_LEN(pair_docs)) - 1;
    free(pq);
    free(dq);
    free(pv);
    free(dv);
}

Test(pgfn_json_ops, containment_equality_and_order)
{
    jt_t t = jt_open();
    pairs(&t, "(a.d @> b.d)::text, (a.d <@ b.d)::text",
          "am_jsonb_contains(a.d, b.d)::VARCHAR, am_jsonb_contains(b.d, a.d)::VARCHAR");
    pairs(&t, "(a.d = b.d)::text, (a.d <> b.d)::text",
          "am_jsonb_eq(a.d, b.d)::VARCHAR, am_jsonb_ne(a.d, b.d)::VARCHAR");
    pairs(&t, "CASE WHEN a.d < b.d THEN -1 WHEN a.d = b.d THEN 0 ELSE 1 END",
          "am_jsonb_cmp(a.d, b.d)");
    pairs(&t, "(a.d || b.d)::text", "am_jsonb_concat(a.d, b.d)");
    jt_close(&t, "containment, equality, order, concatenation");
}

Test(pgfn_json_ops, sorting_matches_postgres)
{
    jt_t t = jt_open();
    /* the whole ORDER BY, ties broken by position, through the comparison function */
    char *pv = values(true), *dv = values(false);
    const char *pa[] = {pv}, *da[] = {dv};
    char *pq = jt_render("SELECT string_agg(i::text, ',' ORDER BY d, i) FROM #1 v(i, d)", pa, true);
    char *dq = jt_render("SELECT string_agg(i::VARCHAR, ',' ORDER BY r) FROM (SELECT a.i, "
                         "(SELECT count(*) FROM #1 b(i, d) WHERE am_jsonb_cmp(b.d, a.d) < 0 OR "
                         "(am_jsonb_cmp(b.d, a.d) = 0 AND b.i < a.i)) AS r FROM #1 a(i, d))",
                         da, false);
    const char *none[] = {NULL};
    jt_case_f(&t, pq, dq, none, false);
    free(pq);
    free(dq);
    free(pv);
    free(dv);
    jt_close(&t, "sorting");
}

static const char *const exist_keys[] = {"a", "b", "", "1", "A", "aa", "é", "x", "null", "true"};
static const char *const key_lists[] = {"{}",  "a",       "a|b", "\\N", "a|\\N", "x|y",
                                        "b|x", "\\N|\\N", "1|a", "",    "aa|a|b"};

Test(pgfn_json_ops, existence_and_deletion)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(pair_docs); i++) {
        const char *d = pair_docs[i];
        for (size_t k = 0; k < AM_ARRAY_LEN(exist_keys); k++) {
            jt_case(&t, "SELECT ($1::jsonb ? $2)::text",
                    "SELECT am_jsonb_exists(am_jsonb_in($1), $2)::VARCHAR", d, exist_keys[k], 0, 0);
            jt_case(&t, "SELECT ($1::jsonb - $2)::text",
                    "SELECT am_jsonb_delete(am_jsonb_in($1), $2)", d, exist_keys[k], 0, 0);
        }
        for (size_t k = 0; k < AM_ARRAY_LEN(key_lists); k++) {
            jt_case(&t, "SELECT ($1::jsonb ?| @2)::text",
                    "SELECT am_jsonb_exists_any(am_jsonb_in($1), @2)::VARCHAR", d, key_lists[k], 0,
                    0);
            jt_case(&t, "SELECT ($1::jsonb ?& @2)::text",
                    "SELECT am_jsonb_exists_all(am_jsonb_in($1), @2)::VARCHAR", d, key_lists[k], 0,
                    0);
            jt_case(&t, "SELECT ($1::jsonb - @2)::text",
                    "SELECT am_jsonb_delete_keys(am_jsonb_in($1), @2)", d, key_lists[k], 0, 0);
        }
        static const char *const idx[] = {"0", "1", "(-1)", "(-2)", "5", "(-5)", "(-2147483648)"};
        for (size_t k = 0; k < AM_ARRAY_LEN(idx); k++)
            jt_case(&t, "SELECT ($1::jsonb - #2)::text",
                    "SELECT am_jsonb_delete_idx(am_jsonb_in($1), #2)", d, idx[k], 0, 0);
    }
    jt_close(&t, "existence and deletion");
}

static const char *const edit_docs[] = {
    "1",
    "\"s\"",
    "null",
    "[]",
    "{}",
    "[1,2,3]",
    "{\"a\":1}",
    "{\"a\":[1,2,{\"b\":3}]}",
    "{\"a\":{\"b\":{\"c\":1}},\"d\":[]}",
    "[[1,2],[3,[4,5]]]",
    "[{\"a\":1},{\"a\":2}]",
    "{\"b\":1,\"aa\":2,\"a\":3}",
    "{\"a\":[]}",
    "{\"a\":{}}",
    "[null, {\"x\": [0]}]",
};

static const char *const edit_paths[] = {
    "{}",  "a",     "b",     "x",       "0",           "1",          "-1",    "3",       "-4",
    "9",   "-9",    "a|0",   "a|1",     "a|-1",        "a|2|b",      "a|2|x", "a|5",     "a|-5",
    "a|b", "a|b|c", "a|b|x", "a|b|c|d", "d|0",         "0|0",        "1|1|0", "1|1|-1",  "1|9",
    "0|a", "1|a",   "-1|a",  "x|y",     "\\N",         "a|\\N",      "0|\\N", "x|\\N",   " 1",
    "1 ",  "+1",    "a|x1",  "a|0x1",   "-2147483648", "2147483648", "",      "1|x|\\N", "a|2|\\N",
};

static const char *const new_values[] = {"\"new\"", "{\"n\": [1]}", "null"};

Test(pgfn_json_ops, set_insert_and_delete_path)
{
    jt_t t = jt_open();
    for (size_t i = 0; i < AM_ARRAY_LEN(edit_docs); i++) {
        const char *d = edit_docs[i];
        for (size_t p = 0; p < AM_ARRAY_LEN(edit_paths); p++) {
            const char *path = edit_paths[p];
            jt_case(&t, "SELECT ($1::jsonb #- @2)::text",
                    "SELECT am_jsonb_delete_path(am_jsonb_in($1), @2)", d, path, 0, 0);
            for (size_t v = 0; v < AM_ARRAY_LEN(new_values); v++) {
                const char *nv = new_values[v];
                jt_case(&t, "SELECT jsonb_set($1::jsonb, @2, $3::jsonb)::text",
                        "SELECT am_jsonb_set(am_jsonb_in($1), @2, am_jsonb_in($3))", d, path, nv,
                        0);
                jt_case(&t, "SELECT jsonb_set($1::jsonb, @2, $3::jsonb, #4)::text",
                        "SELECT am_jsonb_set(am_jsonb_in($1), @2, am_jsonb_in($3), #4)", d, path,
                        nv, v == 1 ? "false" : "true");
                jt_case(&t, "SELECT jsonb_insert($1::jsonb, @2, $3::jsonb)::text",
                        "SELECT am_jsonb_insert(am_jsonb_in($1), @2, am_jsonb_in($3))", d, path, nv,
                        0);
                jt_case(&t, "SELECT jsonb_insert($1::jsonb, @2, $3::jsonb, #4)::text",
                        "SELECT am_jsonb_insert(am_jsonb_in($1), @2, am_jsonb_in($3), #4)", d, path,
                        nv, v == 1 ? "false" : "true");
            }
        }
    }
    jt_case(&t, "SELECT jsonb_set('{}', '{a}', NULL)::text",
            "SELECT am_jsonb_set('{}', ['a'], NULL)", 0, 0, 0, 0);
    jt_case(&t, "SELECT jsonb_set('{}', '{a}', '1', NULL)::text",
            "SELECT am_jsonb_set('{}', ['a'], '1', NULL)", 0, 0, 0, 0);
    jt_close(&t, "set, insert, delete path");
}
