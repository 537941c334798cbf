/*
 * tests/proxy/test_sqltext.c: statement splitting respects quotes, dollar quotes and
 * comments; string tokens unquote; catalog spellings are rewritten outside strings only;
 * a set-returning function in FROM gets its column named after its alias.
 */
#include "proxy_test.h"

#include "proxy/proxy_internal.h"

static void expect_split(const char *sql, size_t want_n, const char *const *want)
{
    size_t n = 0;
    proxy_span_t *s = proxy__sql_split(sql, strlen(sql), &n);
    cr_expect_eq(n, want_n, "%s: %zu statements, want %zu", sql, n, want_n);
    for (size_t i = 0; i < n && i < want_n; i++) {
        char *got = strndup(sql + s[i].off, s[i].len);
        cr_expect_str_eq(got, want[i]);
        free(got);
    }
    free(s);
}

Test(proxy, split_respects_quotes_and_comments)
{
    const char *a[] = {"SELECT 'a;b'", "SELECT \"x;y\"", "SELECT $$;$$", "SELECT $t$ $$; $t$"};
    expect_split("SELECT 'a;b'; SELECT \"x;y\";SELECT $$;$$;SELECT $t$ $$; $t$;", 4, a);
    const char *b[] = {"SELECT 1", "SELECT E'\\';'"};
    expect_split("-- c;\nSELECT 1 /* ; /* nested; */ */; SELECT E'\\';'", 2, b);
    expect_split(" ; ;\n-- only a comment\n", 0, NULL);
    const char *c[] = {"SELECT a$b FROM t"};
    expect_split("SELECT a$b FROM t", 1, c);
    const char *d[] = {"SELECT 'unterminated; still"};
    expect_split("SELECT 'unterminated; still", 1, d);
}

Test(proxy, unquote_string_tokens)
{
    const char *cases[][2] = {{"'it''s'", "it's"},
                              {"E'a\\'b\\n'", "a'b\n"},
                              {"$$x'y$$", "x'y"},
                              {"$q$a$$b$q$", "a$$b"},
                              {"\"Quoted\"\"Id\"", "Quoted\"Id"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        proxy_tok_t t;
        (void)proxy__sql_token(cases[i][0], strlen(cases[i][0]), 0, &t);
        am_buf_t b;
        am_buf_init(&b);
        proxy__sql_unquote(cases[i][0], &t, &b);
        cr_expect_str_eq(b.data ? b.data : "", cases[i][1]);
        am_buf_destroy(&b);
    }
}

Test(proxy, rewrite_catalog_spellings_outside_strings)
{
    const char *in = "SELECT pg_catalog.pg_get_userbyid(c.relowner), version(), "
                     "'pg_catalog.version()' FROM pg_catalog.pg_class c WHERE c.relname "
                     "OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default";
    am_buf_t b;
    am_buf_init(&b);
    proxy__sql_rewrite(in, strlen(in), &b);
    cr_expect(strstr(b.data, "pg_catalog.pg_get_userbyid") == NULL, "%s", b.data);
    cr_expect(strstr(b.data, "am_version ()") != NULL || strstr(b.data, "am_version") != NULL, "%s",
              b.data);
    cr_expect(strstr(b.data, "'pg_catalog.version()'") != NULL, "string changed: %s", b.data);
    cr_expect(strstr(b.data, "OPERATOR") == NULL && strstr(b.data, "COLLATE") == NULL, "%s",
              b.data);
    cr_expect(strstr(b.data, " ~ ") != NULL, "%s", b.data);
    am_buf_destroy(&b);
}

/* Blanks are left out of the comparison: the rewriter pads what it replaces. */
static char *no_blanks(const char *s)
{
    char *out = am_xstrdup(s), *w = out;
    for (const char *p = s; *p; p++)
        if (*p != ' ')
            *w++ = *p;
    *w = '\0';
    return out;
}

static void expect_rewrite(const char *in, const char *want)
{
    am_buf_t b;
    am_buf_init(&b);
    proxy__sql_rewrite(in, strlen(in), &b);
    char *got = no_blanks(b.data), *exp = no_blanks(want);
    cr_expect_str_eq(got, exp, "rewrite of %s: %s", in, b.data);
    free(got);
    free(exp);
    am_buf_destroy(&b);
}

Test(proxy, rewrite_drops_every_pg_catalog_qualifier)
{
    expect_rewrite("SELECT x::pg_catalog.regtype::pg_catalog.text FROM pg_catalog.pg_type",
                   "SELECT x::regtype::text FROM pg_type");
    expect_rewrite("SELECT pg_catalog.array_to_string(a, ',') FROM \"pg_catalog\".t",
                   "SELECT array_to_string(a, ',') FROM \"pg_catalog\".t");
}

Test(proxy, rewrite_names_the_column_of_a_function_in_from)
{
    expect_rewrite("SELECT a[s] FROM pg_catalog.generate_series(0, 3) s, t",
                   "SELECT a[s] FROM generate_series(0, 3) s(s), t");
    expect_rewrite("SELECT x FROM t JOIN unnest(t.a) AS x ON true",
                   "SELECT x FROM t JOIN unnest(t.a) AS x(x) ON true");
    /* not in a select list, not with a column list, not without an alias */
    expect_rewrite("SELECT generate_series(1, 2) s FROM t",
                   "SELECT generate_series(1, 2) s FROM t");
    expect_rewrite("SELECT * FROM generate_series(1, 2) s(a)",
                   "SELECT * FROM generate_series(1, 2) s(a)");
    expect_rewrite("SELECT * FROM generate_series(1, 2) WHERE true",
                   "SELECT * FROM generate_series(1, 2) WHERE true");
    expect_rewrite("SELECT (SELECT 1 FROM t), generate_series(1, 2) g FROM u",
                   "SELECT (SELECT 1 FROM t), generate_series(1, 2) g FROM u");
}

Test(proxy, rewrite_makes_float_double_precision)
{
    expect_rewrite(
        "SELECT 1/3::float, CAST(x AS FLOAT), x::float[], float(x), x AS float FROM t",
        "SELECT 1/3::DOUBLE, CAST(x AS DOUBLE), x::DOUBLE[], float(x), x AS float FROM t");
    expect_rewrite("SELECT 'a::float', x::float4, x::float(24) FROM t",
                   "SELECT 'a::float', x::float4, x::float(24) FROM t");
}
