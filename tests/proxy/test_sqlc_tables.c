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

static bool function_exists(duckdb_connection con, const char *name)
{
    char *sql = am_xasprintf("SELECT count(*) FROM duckdb_functions() WHERE function_name = '%s'",
                             name);
    duckdb_result r;
    bool ok = duckdb_query(con, sql, &r) == DuckDBSuccess && duckdb_value_int64(&r, 0, 0) > 0;
    duckdb_destroy_result(&r);
    free(sql);
    return ok;
}

/* Names followed by "(" in a template; keywords and casts are not functions. */
static size_t check_template(duckdb_connection con, const char *tmpl, const char *what)
{
    static const char *const not_functions[] = {"CAST", "CASE", "EXISTS", "IN", "NOT", "AND",
                                                "OR", "OVER", "FILTER", "VALUES", "SELECT"};
    size_t missing = 0;
    for (const char *p = tmpl; p && *p; p++) {
        if (!(isalpha((unsigned char)*p) || *p == '_') || (p > tmpl && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '%')))
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
        if (!skip && !function_exists(con, name)) {
            cr_log_error("%s: %s() in \"%s\" does not exist in DuckDB", what, name, tmpl);
            missing++;
        }
        p = e;
    }
    return missing;
}

static size_t check_table(duckdb_connection con, const sqlc_sig_t *t, size_t n, const char *what)
{
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        missing += check_template(con, t[i].tmpl, what);
        missing += check_template(con, t[i].tmpl_numv, what);
    }
    return missing;
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
    size_t n = 0, missing = 0;
    const sqlc_sig_t *t = sqlc_optab_all(&n);
    missing += check_table(con, t, n, "operator");
    t = sqlc_functab_all(&n);
    missing += check_table(con, t, n, "function");
    t = sqlc_funccat_all(&n);
    missing += check_table(con, t, n, "catalog function");
    cr_expect_eq(missing, 0, "%zu templates name functions DuckDB does not have", missing);
    duckdb_disconnect(&con);
    duckdb_close(&db);
}
