/*
 * tests/proxy/test_pgfn_json_random.c: generated documents (fixed seed, so every run is the
 * same) through input, lookups, containment and ordering, against PostgreSQL 15. Keys and
 * strings mix escapes, non-ASCII and near-duplicates; numbers mix signs, fractions, exponents
 * and trailing zeros; whitespace varies.
 */
#include "pgfn_json_test.h"

#define N_DOCS 300

typedef struct gen {
    uint64_t state;
    am_buf_t b;
} gen_t;

static unsigned rnd(gen_t *g, unsigned n)
{
    g->state = g->state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((g->state >> 33) % n);
}

static void ws(gen_t *g)
{
    static const char *const spaces[] = {"", "", "", " ", "  ", "\n", "\t", " \r\n "};
    am_buf_puts(&g->b, spaces[rnd(g, AM_ARRAY_LEN(spaces))]);
}

static void gen_string(gen_t *g)
{
    static const char *const parts[] = {
        "a", "b", "ab",  "é", "\\u00e9",        "\\n", "\\\"", "\\\\", "\\/", "\\u0041",
        "A", "",  "\\t", "€", "\\ud83d\\ude00", "x y", "1",    "aa"};
    am_buf_putc(&g->b, '"');
    unsigned n = rnd(g, 3);
    for (unsigned i = 0; i < n; i++)
        am_buf_puts(&g->b, parts[rnd(g, AM_ARRAY_LEN(parts))]);
    am_buf_putc(&g->b, '"');
}

static void gen_number(gen_t *g)
{
    static const char *const ints[] = {"0", "1", "2", "10", "100", "12", "123456789012345678901"};
    static const char *const fracs[] = {"", "", ".0", ".5", ".50", ".05", ".000001", ".1"};
    static const char *const exps[] = {"", "", "", "e0", "e1", "E+2", "e-1", "e-3", "e20", "e-20"};
    if (rnd(g, 3) == 0)
        am_buf_putc(&g->b, '-');
    am_buf_puts(&g->b, ints[rnd(g, AM_ARRAY_LEN(ints))]);
    am_buf_puts(&g->b, fracs[rnd(g, AM_ARRAY_LEN(fracs))]);
    am_buf_puts(&g->b, exps[rnd(g, AM_ARRAY_LEN(exps))]);
}

static void gen_value(gen_t *g, int depth);

static void gen_container(gen_t *g, int depth, bool obj)
{
    unsigned n = rnd(g, 4);
    am_buf_putc(&g->b, obj ? '{' : '[');
    for (unsigned i = 0; i < n; i++) {
        if (i)
            am_buf_putc(&g->b, ',');
        ws(g);
        if (obj) {
            gen_string(g);
            ws(g);
            am_buf_putc(&g->b, ':');
            ws(g);
        }
        gen_value(g, depth + 1);
        ws(g);
    }
    am_buf_putc(&g->b, obj ? '}' : ']');
}

static void gen_value(gen_t *g, int depth)
{
    unsigned k = rnd(g, depth > 3 ? 6 : 8);
    if (k == 0)
        am_buf_puts(&g->b, "null");
    else if (k == 1)
        am_buf_puts(&g->b, rnd(g, 2) ? "true" : "false");
    else if (k == 2 || k == 3)
        gen_number(g);
    else if (k == 4 || k == 5)
        gen_string(g);
    else
        gen_container(g, depth, k == 6);
}

static char **gen_docs(void)
{
    gen_t g = {.state = 20240612};
    char **docs = am_xcalloc(N_DOCS, sizeof *docs);
    for (int i = 0; i < N_DOCS; i++) {
        am_buf_init(&g.b);
        ws(&g);
        if (rnd(&g, 4) == 0)
            gen_value(&g, 0);
        else
            gen_container(&g, 0, rnd(&g, 2));
        ws(&g);
        docs[i] = am_buf_steal(&g.b, NULL);
    }
    return docs;
}

static void free_docs(char **docs)
{
    for (int i = 0; i < N_DOCS; i++)
        free(docs[i]);
    free(docs);
}

Test(pgfn_json_random, input_and_lookups)
{
    jt_t t = jt_open();
    char **docs = gen_docs();
    static const char *const keys[] = {"a", "ab", "é", "A", "", "aa", "b"};
    static const char *const paths[] = {"0", "a", "0|0", "ab|0", "-1", "a|a", "1|b", "é|-1|0"};
    for (int i = 0; i < N_DOCS; i++) {
        const char *d = docs[i];
        jt_case(&t, "SELECT $1::json::text", "SELECT am_json_in($1)", d, 0, 0, 0);
        jt_case(&t, "SELECT $1::jsonb::text", "SELECT am_jsonb_in($1)", d, 0, 0, 0);
        jt_case(&t, "SELECT jsonb_pretty($1::jsonb)", "SELECT am_jsonb_pretty(am_jsonb_in($1))", d,
                0, 0, 0);
        jt_case(&t, "SELECT json_strip_nulls($1::json)::text",
                "SELECT am_json_strip_nulls(am_json_in($1))", d, 0, 0, 0);
        const char *k = keys[i % AM_ARRAY_LEN(keys)], *p = paths[i % AM_ARRAY_LEN(paths)];
        jt_case(&t, "SELECT $1::json ->> $2", "SELECT am_json_get_text(am_json_in($1), $2)", d, k,
                0, 0);
        jt_case(&t, "SELECT ($1::jsonb -> $2)::text", "SELECT am_jsonb_get(am_jsonb_in($1), $2)", d,
                k, 0, 0);
        jt_case(&t, "SELECT ($1::json #> @2)::text", "SELECT am_json_path(am_json_in($1), @2)", d,
                p, 0, 0);
        jt_case(&t, "SELECT $1::jsonb #>> @2", "SELECT am_jsonb_path_text(am_jsonb_in($1), @2)", d,
                p, 0, 0);
        jt_case(&t,
                "SELECT k, v::text FROM json_each($1::json) WITH ORDINALITY t(k, v, n) "
                "ORDER BY n",
                "SELECT e.key, e.value FROM (SELECT unnest(am_json_each(am_json_in($1))) AS e)", d,
                0, 0, 0);
        jt_case(&t, "SELECT jsonb_set($1::jsonb, @2, '[\"new\"]')::text",
                "SELECT am_jsonb_set(am_jsonb_in($1), @2, '[\"new\"]')", d, p, 0, 0);
    }
    free_docs(docs);
    jt_close(&t, "random input and lookups");
}

/* Every pair of generated documents through @>, = and the btree order, in one query each. */
Test(pgfn_json_random, pairs)
{
    jt_t t = jt_open();
    char **docs = gen_docs();
    am_buf_t pv, dv;
    am_buf_init(&pv);
    am_buf_init(&dv);
    am_buf_puts(&pv, "(VALUES ");
    am_buf_puts(&dv, "(VALUES ");
    for (int i = 0; i < N_DOCS; i++) {
        am_buf_printf(&pv, "%s(%d, ", i ? ", " : "", i);
        jt_quote(&pv, docs[i]);
        am_buf_puts(&pv, "::jsonb)");
        am_buf_printf(&dv, "%s(%d, am_jsonb_in(", i ? ", " : "", i);
        jt_quote(&dv, docs[i]);
        am_buf_puts(&dv, "))");
    }
    am_buf_puts(&pv, ")");
    am_buf_puts(&dv, ")");
    const char *pa[] = {pv.data}, *da[] = {dv.data}, *none[] = {NULL};
    char *pq = jt_render("SELECT a.i, b.i, (a.d @> b.d)::text, CASE WHEN a.d < b.d THEN -1 "
                         "WHEN a.d = b.d THEN 0 ELSE 1 END, (a.d || b.d)::text "
                         "FROM #1 a(i, d), #1 b(i, d) ORDER BY 1, 2",
                         pa, true);
    char *dq = jt_render("SELECT a.i, b.i, am_jsonb_contains(a.d, b.d)::VARCHAR, "
                         "am_jsonb_cmp(a.d, b.d), am_jsonb_concat(a.d, b.d) "
                         "FROM #1 a(i, d), #1 b(i, d) ORDER BY 1, 2",
                         da, false);
    jt_case_f(&t, pq, dq, none, false);
    free(pq);
    free(dq);
    t.cases += N_DOCS * N_DOCS * 3 - 1;
    am_buf_destroy(&pv);
    am_buf_destroy(&dv);
    free_docs(docs);
    jt_close(&t, "random pairs");
}
