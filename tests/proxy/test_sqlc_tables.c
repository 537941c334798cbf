/*
 * tests/proxy/test_sqlc_tables.c: the SQL compiler's tables of PostgreSQL operators and
 * functions only name DuckDB functions that exist: every am_* in a template is registered
 * (pgfn_*.c) or created with the catalog (pgcat_macros.c), every other name is DuckDB's own.
 */
#include <criterion/criterion.h>

#include "proxy/proxy_internal.h"
#include "proxy/pgfn_internal.h"
#include "proxy/sqlc_internal.h"

#include <ctype.h>
#include <string.h>

/* Every function name DuckDB knows, fetched once: duckdb_functions() is slow per call. */
static char **known;
static size_t n_known;

static void load_known(duckdb_connection con)
{
    duckdb_result r;
    cr_assert_eq(duckdb_query(con, "SELECT DISTINCT function_name FROM duckdb_functions()", &r),
                 DuckDBSuccess);
    n_known = (size_t)duckdb_row_count(&r);
    known = am_xcalloc(n_known, sizeof *known);
    for (size_t i = 0; i < n_known; i++)
        known[i] = duckdb_value_varchar(&r, 0, i);
    duckdb_destroy_result(&r);
}

static bool function_exists(const char *name)
{
    for (size_t i = 0; i < n_known; i++)
        if (strcmp(known[i], name) == 0)
            return true;
    return false;
}

/* Names followed by "(" in a template; keywords and casts are not functions. */
static size_t check_template(const char *tmpl, const char *what)
{
    /* keywords, type names and window functions (DuckDB lists no window functions) */
    static const char *const not_functions[] = {
        "CAST",       "CASE", "EXISTS",      "IN",           "NOT",       "AND",
        "OR",         "OVER", "FILTER",      "VALUES",       "SELECT",    "DECIMAL",
        "row_number", "rank", "dense_rank",  "percent_rank", "cume_dist", "ntile",
        "lag",        "lead", "first_value", "last_value",   "nth_value"};
    size_t missing = 0;
    for (const char *p = tmpl; p && *p; p++) {
        if (!(isalpha((unsigned char)*p) || *p == '_') ||
            (p > tmpl && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '%')))
            continue;
        const char *e = p;
        while (isalnum((unsigned char)*e) || *e == '_')
            e++;
        if (*e != '(')
            continue;
        char name[64];
        size_t n = (size_t)(e - p) < sizeof name - 1 ? (size_t)(e - p) : sizeof name - 1;
        memcpy(name, p, n);
        name[n] = '\0';
        bool skip = false;
        for (size_t i = 0; i < AM_ARRAY_LEN(not_functions); i++)
            skip = skip || strcmp(name, not_functions[i]) == 0;
        if (!skip && !function_exists(name)) {
            cr_log_error("%s: %s() in \"%s\" does not exist in DuckDB", what, name, tmpl);
            missing++;
        }
        p = e;
    }
    return missing;
}

static size_t check_table(const sqlc_sig_t *t, size_t n, const char *what)
{
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        missing += check_template(t[i].tmpl, what);
        missing += check_template(t[i].tmpl_numv, what);
    }
    return missing;
}

static size_t check_marks(const sqlc_sig_t *t, size_t n, const char *what);

/* check run over every table of operators and functions; the sum of what it counted. */
static size_t each_table(size_t (*check)(const sqlc_sig_t *, size_t, const char *))
{
    const sqlc_sig_t *(*const all[])(size_t *) = {sqlc_optab_all, sqlc_functab_all,
                                                  sqlc_functab_more_all, sqlc_funccat_all};
    const char *const what[] = {"operator", "function", "function", "catalog function"};
    size_t sum = 0;
    for (size_t i = 0; i < AM_ARRAY_LEN(all); i++) {
        size_t n = 0;
        const sqlc_sig_t *t = all[i](&n);
        sum += check(t, n, what[i]);
    }
    return sum;
}

Test(proxy_sqlc, every_template_names_an_existing_function)
{
    duckdb_database db;
    duckdb_connection con;
    cr_assert_eq(duckdb_open(NULL, &db), DuckDBSuccess);
    cr_assert_eq(duckdb_connect(db, &con), DuckDBSuccess);
    am_err_t err = {0};
    cr_assert(proxy__pgfn_register(con, &err), "%s", err.msg);
    cr_assert(proxy__pgfn_cat_register(con, NULL, &err), "%s", err.msg);
    cr_assert(proxy__duck_exec(con, "CREATE SCHEMA am_cat", &err), "%s", err.msg);
    cr_assert(proxy__pgcat_macros(NULL, con, &err), "%s", err.msg);
    load_known(con);
    size_t missing = each_table(check_table);
    cr_expect_eq(missing, 0, "%zu templates name functions DuckDB does not have", missing);
    for (size_t i = 0; i < n_known; i++)
        duckdb_free(known[i]);
    free(known);
    duckdb_disconnect(&con);
    duckdb_close(&db);
}

/* The compiler places DISTINCT, ORDER BY, FILTER and OVER itself unless the template marks
 * their places (%! after the call): an entry whose numeric-text template marked them
 * differently from its other one dropped them (avg(numeric) FILTER (...) averaged every row). */
static size_t check_marks(const sqlc_sig_t *t, size_t n, const char *what)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (!t[i].tmpl || !t[i].tmpl_numv)
            continue;
        if ((strstr(t[i].tmpl, "%!") != NULL) != (strstr(t[i].tmpl_numv, "%!") != NULL)) {
            cr_log_error("%s %s: \"%s\" and \"%s\" place modifiers differently", what, t[i].name,
                         t[i].tmpl, t[i].tmpl_numv);
            bad++;
        }
    }
    return bad;
}

Test(proxy_sqlc, both_templates_of_an_entry_place_modifiers_alike)
{
    size_t bad = each_table(check_marks);
    cr_expect_eq(bad, 0, "%zu entries place DISTINCT/ORDER BY/FILTER/OVER differently", bad);
}
