/*
 * tests/proxy/test_pgfn_num_agg.c: am_num_sum/avg/var_pop/var_samp/stddev_pop/stddev_samp
 * give PostgreSQL's numeric aggregate results (digits and scale), per group, with NULLs, NaN
 * and infinities, and over enough rows that DuckDB combines partial states from its threads.
 */
#include "pgfn_num_test.h"

#define AGGS_PG                                                                                    \
    "sum(v::numeric), avg(v::numeric), var_pop(v::numeric), var_samp(v::numeric), "                \
    "stddev_pop(v::numeric), stddev_samp(v::numeric)"
#define AGGS_DUCK                                                                                  \
    "am_num_sum(v), am_num_avg(v), am_num_var_pop(v), am_num_var_samp(v), "                        \
    "am_num_stddev_pop(v), am_num_stddev_samp(v)"

/* A VALUES list of n rows (g, v): v numeric text or NULL, g in 0..groups-1. */
static char *values_list(numt_rng_t *r, int n, int groups, bool specials)
{
    char *acc = NULL;
    char buf[256];
    for (int i = 0; i < n; i++) {
        const char *v = numt_rand_numeric(r, buf, sizeof buf);
        bool null = numt_rand(r) % 10 == 0;
        if (!specials && (strstr(v, "NaN") || strstr(v, "Inf")))
            v = "1.5";
        char *row = null ? numt_fmt("(%d,NULL)", (int)(numt_rand(r) % (uint64_t)groups))
                         : numt_fmt("(%d,'%s')", (int)(numt_rand(r) % (uint64_t)groups), v);
        char *s = numt_fmt("%s%s%s", acc ? acc : "", acc ? "," : "", row);
        free(row);
        free(acc);
        acc = s;
    }
    return acc;
}

static void check_set(numt_t *t, const char *values)
{
    numt_check_own(t, numt_fmt("SELECT " AGGS_PG " FROM (VALUES %s) s(g, v)", values),
                   numt_fmt("SELECT " AGGS_DUCK " FROM (VALUES %s) s(g, v)", values));
    numt_check_own(
        t, numt_fmt("SELECT g, " AGGS_PG " FROM (VALUES %s) s(g, v) GROUP BY g ORDER BY g", values),
        numt_fmt("SELECT g, " AGGS_DUCK " FROM (VALUES %s) s(g, v) GROUP BY g ORDER BY g", values));
}

Test(pgfn_num_agg, aggregates_match_on_small_sets)
{
    numt_t t;
    numt_open(&t, "pgfn_num_agg small sets");
    static const char *const fixed[] = {
        "(0,'1.5'),(0,'2.25'),(0,NULL),(0,'3')",
        "(0,'1')",
        "(0,NULL)",
        "(0,'NaN'),(0,'1')",
        "(0,'Infinity'),(0,'1')",
        "(0,'Infinity'),(0,'-Infinity')",
        "(0,'-Infinity'),(0,'-Infinity')",
        "(0,'0.000'),(0,'-0')",
        "(0,'1.0'),(0,'1.00'),(0,'1.000')",
        "(0,'99999999999999999999999999999999999999'),(0,'99999999999999999999999999999999999999')",
        "(0,'1e-20'),(0,'3e-20'),(0,'2e-20')",
        "(0,'123456789.123456789'),(1,'-0.5'),(1,'0.5'),(2,'7')",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        check_set(&t, fixed[i]);
    numt_check(&t, "SELECT " AGGS_PG " FROM (VALUES (1, '1')) s(g, v) WHERE false",
               "SELECT " AGGS_DUCK " FROM (VALUES (1, '1')) s(g, v) WHERE false");
    numt_check(&t, "SELECT sum('abc'::numeric)", "SELECT am_num_sum('abc')");
    numt_rng_t r = {21};
    for (int i = 0; i < 60; i++) {
        char *v = values_list(&r, 1 + (int)(numt_rand(&r) % 40), 1 + (int)(numt_rand(&r) % 4),
                              i % 3 == 0);
        check_set(&t, v);
        free(v);
    }
    numt_close(&t);
}

Test(pgfn_num_agg, partial_states_combine_as_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_num_agg combine");
    /* 300000 rows: DuckDB aggregates in several threads and combines their states */
    numt_check(&t,
               "SELECT " AGGS_PG
               " FROM (SELECT ((i::int8 * 7919) % 1000003 - 500000)::numeric / 1000 "
               "AS v FROM generate_series(1, 300000) i) s",
               "SELECT " AGGS_DUCK " FROM (SELECT am_num_div(CAST((i * 7919) % 1000003 - 500000 "
               "AS VARCHAR), '1000') AS v FROM range(1, 300001) t(i)) s");
    numt_check(&t,
               "SELECT i % 7 AS g, " AGGS_PG " FROM (SELECT i, (i::numeric * 1.25) ^ 2 AS v FROM "
               "generate_series(1, 100000) i) s GROUP BY 1 ORDER BY 1",
               "SELECT i % 7 AS g, " AGGS_DUCK " FROM (SELECT i, am_num_power(am_num_mul(CAST(i AS "
               "VARCHAR), '1.25'), '2') AS v FROM range(1, 100001) t(i)) s GROUP BY 1 ORDER BY 1");
    numt_close(&t);
}
