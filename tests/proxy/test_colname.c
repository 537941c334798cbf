/*
 * tests/proxy/test_colname.c: result columns are named as PostgreSQL names them (its
 * FigureColname), not by DuckDB's expression text, through the simple and the extended
 * protocol; aliases fold to lower case unless quoted. Each expected name is what
 * PostgreSQL 15 answers for the same SELECT.
 */
#include "proxy_test.h"

typedef struct name_case {
    const char *expr;
    const char *name;
} name_case_t;

static const name_case_t cases[] = {
    {"count(*)", "count"},
    {"sum(i)", "sum"},
    {"max(i) OVER ()", "max"},
    {"i", "i"},
    {"t.i", "i"},
    {"i::VARCHAR", "i"},
    {"1::INTEGER", "int4"},
    {"'a'::TEXT", "text"},
    {"DATE '2024-01-01'", "date"},
    {"i + 1", "?column?"},
    {"7 / 2", "?column?"},
    {"1", "?column?"},
    {"'x'", "?column?"},
    {"true", "?column?"},
    {"NULL", "?column?"},
    {"i IS NULL", "?column?"},
    {"CASE WHEN i > 1 THEN 'a' END", "case"},
    {"CASE WHEN i > 1 THEN 'a' ELSE s END", "s"},
    {"coalesce(i, 0)", "coalesce"},
    {"ARRAY[1, 2]", "array"},
    {"(SELECT 1 AS one)", "one"},
    {"EXISTS (SELECT 1)", "exists"},
    {"upper(s)", "upper"},
    {"version()", "version"},
    {"current_database()", "current_database"},
    {"i AS Total", "total"},
    {"i AS \"Total\"", "Total"},
    {"I", "i"},
};

static const char *const from = " FROM (SELECT 1 AS i, 'x' AS s) t";

/* Runs SELECT expr FROM ...; with extended, through PQprepare + PQdescribePrepared. */
static void expect_name(PGconn *c, const name_case_t *k, bool extended)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s%s", k->expr, from);
    PGresult *r;
    if (extended) {
        PGresult *p = PQprepare(c, "colname", sql, 0, NULL);
        cr_assert_eq(PQresultStatus(p), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
        PQclear(p);
        r = PQdescribePrepared(c, "colname");
    } else {
        r = PQexec(c, sql);
    }
    ExecStatusType st = PQresultStatus(r);
    cr_assert(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    cr_expect_str_eq(PQfname(r, 0), k->name, "%s (%s): named \"%s\", want \"%s\"", k->expr,
                     extended ? "extended" : "simple", PQfname(r, 0), k->name);
    PQclear(r);
    if (extended)
        PQclear(PQexec(c, "DEALLOCATE colname"));
}

Test(proxy, columns_are_named_as_postgresql_names_them)
{
    pt_proxy_t t = pt_start("colnames");
    PGconn *c = pt_connect(&t);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_name(c, &cases[i], false);
        expect_name(c, &cases[i], true);
    }
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, star_and_union_keep_their_names)
{
    pt_proxy_t t = pt_start("colnames_star");
    PGconn *c = pt_connect(&t);
    PGresult *r = PQexec(c, "SELECT count(*) OVER (), *, i + 1 FROM (SELECT 1 AS i, 2 AS j) t "
                            "UNION ALL SELECT 1, 2, 3, 4");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    const char *want[] = {"count", "i", "j", "?column?"};
    cr_assert_eq(PQnfields(r), 4);
    for (int i = 0; i < 4; i++)
        cr_expect_str_eq(PQfname(r, i), want[i], "column %d: %s", i, PQfname(r, i));
    PQclear(r);
    PQfinish(c);
    pt_stop(&t);
}
