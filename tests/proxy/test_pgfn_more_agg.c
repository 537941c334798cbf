/*
 * tests/proxy/test_pgfn_more_agg.c: the float aggregates of pgfn_more_agg.c give PostgreSQL's
 * results digit for digit (same input order): sum(float4/float8), avg and the variance family,
 * corr, covar_* and regr_*, with NULLs, NaN, infinities, overflow errors and groups; and
 * sum(interval) with its field-wise overflow check.
 */
#include "pgfn_more_test.h"

#define F8_PG                                                                                      \
    "sum(v::float8), avg(v::float8), var_pop(v::float8), var_samp(v::float8), "                    \
    "stddev_pop(v::float8), stddev_samp(v::float8)"
#define F4_PG "sum(v::float4), avg(v::float4), variance(v::float4)"
/* per group, in input order (PostgreSQL may sort the rows to group them) */
#define F8_PG_ORD                                                                                  \
    "sum(v::float8 ORDER BY i), avg(v::float8 ORDER BY i), var_pop(v::float8 ORDER BY i), "        \
    "var_samp(v::float8 ORDER BY i), stddev_pop(v::float8 ORDER BY i), "                           \
    "stddev_samp(v::float8 ORDER BY i)"
#define F8_DUCK                                                                                    \
    "am_f8_sum(am_f8_in(v)), am_f8_avg(am_f8_in(v)), am_f8_var_pop(am_f8_in(v)), "                 \
    "am_f8_var_samp(am_f8_in(v)), am_f8_stddev_pop(am_f8_in(v)), "                                 \
    "am_f8_stddev_samp(am_f8_in(v))"
#define F4_DUCK                                                                                    \
    "am_f4_sum(am_f4_in(v)), am_f8_avg(CAST(am_f4_in(v) AS DOUBLE)), "                             \
    "am_f8_var_samp(CAST(am_f4_in(v) AS DOUBLE))"
#define REGR_PG                                                                                    \
    "corr(y::float8, x::float8), covar_pop(y::float8, x::float8), covar_samp(y::float8, "          \
    "x::float8), regr_avgx(y::float8, x::float8), regr_avgy(y::float8, x::float8), "               \
    "regr_count(y::float8, x::float8), regr_intercept(y::float8, x::float8), regr_r2(y::float8, "  \
    "x::float8), regr_slope(y::float8, x::float8), regr_sxx(y::float8, x::float8), "               \
    "regr_sxy(y::float8, x::float8), regr_syy(y::float8, x::float8)"
#define DY "am_f8_in(y)"
#define DX "am_f8_in(x)"
#define REGR_DUCK                                                                                  \
    "am_f8_corr(" DY ", " DX "), am_f8_covar_pop(" DY ", " DX "), am_f8_covar_samp(" DY ", " DX    \
    "), am_f8_regr_avgx(" DY ", " DX "), am_f8_regr_avgy(" DY ", " DX "), am_f8_regr_count(" DY    \
    ", " DX "), am_f8_regr_intercept(" DY ", " DX "), am_f8_regr_r2(" DY ", " DX                   \
    "), am_f8_regr_slope(" DY ", " DX "), am_f8_regr_sxx(" DY ", " DX "), am_f8_regr_sxy(" DY      \
    ", " DX "), am_f8_regr_syy(" DY ", " DX ")"

static const char *rand_float(numt_rng_t *r, char *buf, size_t len)
{
    static const char *const specials[] = {"NaN",   "Infinity", "-Infinity", "0",      "-0",
                                           "1e308", "-1e308",   "3.4e38",    "1e-300", "0.1"};
    if (numt_rand(r) % 25 == 0)
        return specials[numt_rand(r) % (sizeof specials / sizeof *specials)];
    double m = (double)(numt_rand(r) % 2000000) / 1000.0 - 1000.0;
    int e = (int)(numt_rand(r) % 9) - 4;
    snprintf(buf, len, "%.6ge%d", m, e);
    return buf;
}

/* A VALUES list of n rows (g, v, x): texts or NULL. */
static char *values_list(numt_rng_t *r, int n, int groups, bool specials)
{
    char *acc = NULL;
    for (int i = 0; i < n; i++) {
        char b1[64], b2[64];
        const char *v = rand_float(r, b1, sizeof b1), *x = rand_float(r, b2, sizeof b2);
        if (!specials && (strchr(v, 'N') || strchr(v, 'I') || strstr(v, "e30") || strstr(v, "e38")))
            v = "2.5";
        if (!specials && (strchr(x, 'N') || strchr(x, 'I') || strstr(x, "e30") || strstr(x, "e38")))
            x = "-1.25";
        char *vv = numt_rand(r) % 12 == 0 ? strdup("NULL") : numt_fmt("'%s'", v);
        char *xx = numt_rand(r) % 12 == 0 ? strdup("NULL") : numt_fmt("'%s'", x);
        char *row = numt_fmt("(%d,%s,%s)", (int)(numt_rand(r) % (uint64_t)groups), vv, xx);
        char *s = numt_fmt("%s%s%s", acc ? acc : "", acc ? "," : "", row);
        free(vv);
        free(xx);
        free(row);
        free(acc);
        acc = s;
    }
    return acc;
}

static void check_set(numt_t *t, const char *values)
{
    moret_check(t, numt_fmt("SELECT " F8_PG " FROM (VALUES %s) s(g, v, x)", values),
                numt_fmt("SELECT " F8_DUCK " FROM (VALUES %s) s(g, v, x)", values));
    moret_check(t, numt_fmt("SELECT " F4_PG " FROM (VALUES %s) s(g, v, x)", values),
                numt_fmt("SELECT " F4_DUCK " FROM (VALUES %s) s(g, v, x)", values));
    moret_check(t, numt_fmt("SELECT " REGR_PG " FROM (VALUES %s) s(g, y, x)", values),
                numt_fmt("SELECT " REGR_DUCK " FROM (VALUES %s) s(g, y, x)", values));
    moret_check(t,
                numt_fmt("SELECT g, " F8_PG_ORD
                         " FROM (SELECT *, row_number() OVER () AS i FROM (VALUES "
                         "%s) s0(g, v, x)) s GROUP BY g ORDER BY g",
                         values),
                numt_fmt("SELECT g, " F8_DUCK " FROM (VALUES %s) s(g, v, x) GROUP BY g ORDER BY g",
                         values));
}

Test(pgfn_more_agg, float_aggregates_match_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_agg floats");
    static const char *const fixed[] = {
        "(0,'1.5','2'),(0,'2.25','3'),(0,NULL,'1'),(0,'3',NULL)",
        "(0,'1','1')",
        "(0,NULL,NULL)",
        "(0,'NaN','1'),(0,'1','2')",
        "(0,'1','NaN'),(0,'1','2'),(0,'3','4')",
        "(0,'Infinity','1'),(0,'1','2')",
        "(0,'Infinity','1'),(0,'-Infinity','2')",
        "(0,'1','Infinity'),(0,'2','1')",
        "(0,'0.1','0.2'),(0,'0.2','0.4'),(0,'0.3','0.6000001')",
        "(0,'5','5'),(0,'5','5'),(0,'5','5')",
        "(0,'5','1'),(0,'6','1')",
        "(0,'1','5'),(0,'1','6')",
        "(0,'-0','-0')",
        "(0,'1e-300','1e-300'),(0,'2e-300','3e-300')",
        "(0,'3.4e38','1'),(0,'3.4e38','1')",
        "(0,'1e308','1'),(0,'1e308','1')",
        "(0,'1e200','1e200'),(0,'-1e200','1e200')",
        "(0,'1e160','1'),(0,'-1e160','2'),(0,'1e160','3')",
        "(0,'1e308','1e308'),(0,'Infinity','1')",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        check_set(&t, fixed[i]);
    numt_check(&t, "SELECT " F8_PG " FROM (VALUES (1, '1', '1')) s(g, v, x) WHERE false",
               "SELECT " F8_DUCK " FROM (VALUES (1, '1', '1')) s(g, v, x) WHERE false");
    numt_check(&t, "SELECT " REGR_PG " FROM (VALUES (1, '1', '1')) s(g, y, x) WHERE false",
               "SELECT " REGR_DUCK " FROM (VALUES (1, '1', '1')) s(g, y, x) WHERE false");
    numt_rng_t r = {7};
    for (int i = 0; i < 80; i++) {
        char *v = values_list(&r, 1 + (int)(numt_rand(&r) % 40), 1 + (int)(numt_rand(&r) % 3),
                              i % 4 == 0);
        check_set(&t, v);
        free(v);
    }
    numt_close(&t);
}

Test(pgfn_more_agg, long_sequences_keep_postgresql_rounding)
{
    numt_t t;
    numt_open(&t, "pgfn_more_agg sequences");
    static const char *const exprs[][2] = {
        {"i::float8 * 0.1::float8", "CAST(i AS DOUBLE) * CAST('0.1' AS DOUBLE)"},
        {"1.0::float8 / i", "1.0 / CAST(i AS DOUBLE)"},
        {"sin(i)", "sin(CAST(i AS DOUBLE))"},
        {"i::float8 * 1e15::float8 + 0.3::float8",
         "CAST(i AS DOUBLE) * CAST('1e15' AS DOUBLE) + CAST('0.3' AS DOUBLE)"},
        {"(i % 7)::float8 * 1e-5::float8", "CAST(i % 7 AS DOUBLE) * CAST('1e-5' AS DOUBLE)"},
    };
    for (size_t k = 0; k < sizeof exprs / sizeof *exprs; k++) {
        moret_check(&t,
                    numt_fmt("SELECT sum(v), avg(v), var_samp(v), stddev_pop(v), sum(v::real), "
                             "corr(v, i::float8), regr_slope(v, i::float8), "
                             "regr_intercept(v, i::float8), covar_samp(v, i::float8) FROM "
                             "(SELECT i, (%s)::float8 AS v FROM generate_series(1, 5000) i) s",
                             exprs[k][0]),
                    numt_fmt("SELECT am_f8_sum(v), am_f8_avg(v), am_f8_var_samp(v), "
                             "am_f8_stddev_pop(v), am_f4_sum(CAST(v AS FLOAT)), am_f8_corr(v, "
                             "CAST(i AS DOUBLE)), am_f8_regr_slope(v, CAST(i AS DOUBLE)), "
                             "am_f8_regr_intercept(v, CAST(i AS DOUBLE)), am_f8_covar_samp(v, "
                             "CAST(i AS DOUBLE)) FROM (SELECT i, CAST(%s AS DOUBLE) AS v FROM "
                             "range(1, 5001) t(i)) s",
                             exprs[k][1]));
    }
    numt_close(&t);
}

Test(pgfn_more_agg, interval_sum_adds_fields_and_checks_overflow)
{
    numt_t t;
    numt_open(&t, "pgfn_more_agg interval");
    static const char *const sets[] = {
        "('1 day'),('25 hours'),(NULL)",
        "('1 mon'),('30 days'),('-1 mon 2 days 3:04:05.5')",
        "(NULL)",
        "('2147483647 days'),('1 day')",
        "('-2147483647 mons'),('-1 mon'),('-1 mon')",
        "('2562047788 hours'),('2562047788 hours'),('2562047788 hours'),('2562047788 hours')",
        "('1 year 2 mons'),('-3 days -04:00')",
    };
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        moret_check(
            &t,
            numt_fmt("SELECT sum(v::interval), avg(v::interval) FROM (VALUES %s) s(v)", sets[i]),
            numt_fmt("SELECT am_interval_out(am_interval_sum(am_interval_in(v, "
                     "'postgres')), 'postgres'), am_interval_out(am_interval_div("
                     "am_interval_sum(am_interval_in(v, 'postgres')), CAST(count(v) "
                     "AS DOUBLE)), 'postgres') FROM (VALUES %s) s(v)",
                     sets[i]));
    }
    numt_close(&t);
}
