/*
 * tests/health/test_histogram.c: histograms over the registry (health/histogram.c): cumulative
 * buckets, _sum and _count under one TYPE line, quantiles as Prometheus computes them, and
 * promtool accepting the text. Each Criterion test runs in its own process (empty registry).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/testlib.h"
#include "health/health.h"

static char *render(void)
{
    am_buf_t b;
    am_buf_init(&b);
    health_metrics_render(&b);
    size_t len = 0;
    return am_buf_steal(&b, &len);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static const double bounds[] = {0.125, 0.5, 1}; /* exact in binary: exact sums */

Test(histogram, buckets_are_cumulative_with_sum_and_count)
{
    health_histogram_t *h = health_histogram("am_test_delay_seconds", "Delay.", NULL, bounds, 3);
    health_histogram_observe(h, 0.0625);
    health_histogram_observe(h, 0.125); /* on a bound: counted in that bucket (le) */
    health_histogram_observe(h, 0.75);
    health_histogram_observe(h, 9);
    char *text = render();
    cr_assert(strstr(text, "# TYPE am_test_delay_seconds histogram\n"), "%s", text);
    cr_assert_eq(count(text, "# TYPE am_test_delay_seconds"), 1, "%s", text);
    cr_assert(strstr(text, "am_test_delay_seconds_bucket{le=\"0.125\"} 2\n"), "%s", text);
    cr_assert(strstr(text, "am_test_delay_seconds_bucket{le=\"0.5\"} 2\n"), "%s", text);
    cr_assert(strstr(text, "am_test_delay_seconds_bucket{le=\"1\"} 3\n"), "%s", text);
    cr_assert(strstr(text, "am_test_delay_seconds_bucket{le=\"+Inf\"} 4\n"), "%s", text);
    cr_assert(strstr(text, "am_test_delay_seconds_count 4\n"), "%s", text);
    cr_assert(strstr(text, "am_test_delay_seconds_sum 9.9375\n"), "%s", text);
    cr_assert_float_eq(health_histogram_count(h), 4, 1e-12);
    free(text);
}

Test(histogram, labels_and_promtool)
{
    health_histogram_t *a =
        health_histogram("am_test_query_seconds", "Query time.", "kind=\"a\"", bounds, 3);
    health_histogram_t *b =
        health_histogram("am_test_query_seconds", "Query time.", "kind=\"b\"", bounds, 3);
    cr_assert_neq(a, b);
    cr_assert_eq(health_histogram("am_test_query_seconds", "Query time.", "kind=\"a\"", bounds, 3),
                 a, "the same name and labels find the same histogram");
    health_histogram_observe(a, 0.3);
    health_histogram_observe(b, 2);
    health_metric_add(health_metric("am_test_other_total", "Other.", HEALTH_COUNTER, NULL), 1);
    char *text = render();
    cr_assert(strstr(text, "am_test_query_seconds_bucket{kind=\"a\",le=\"0.5\"} 1\n"), "%s", text);
    cr_assert(strstr(text, "am_test_query_seconds_bucket{kind=\"b\",le=\"0.5\"} 0\n"), "%s", text);
    cr_assert(strstr(text, "am_test_query_seconds_count{kind=\"b\"} 1\n"), "%s", text);
    cr_assert_eq(count(text, "# TYPE am_test_query_seconds histogram"), 1, "%s", text);
    char *dir = amt_tmpdir("promtool");
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/metrics.txt", dir) > 0);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    cr_assert(fputs(text, f) >= 0);
    cr_assert(fclose(f) == 0);
    cr_assert_eq(amt_system("promtool check metrics < '%s'", path), 0, "%s", text);
    free(path);
    free(dir);
    free(text);
}

Test(histogram, quantile_interpolates_inside_buckets)
{
    health_histogram_t *h = health_histogram("am_test_q_seconds", "Q.", NULL, bounds, 3);
    cr_assert(isnan(health_histogram_quantile(h, 0.5)), "no observation: NaN");
    for (int i = 0; i < 4; i++)
        health_histogram_observe(h, 0.2); /* all in (0.125, 0.5] */
    /* rank 2 of 4 in a bucket spanning 0.125..0.5 holding all 4: 0.125 + 0.375 * 2/4 */
    cr_assert_float_eq(health_histogram_quantile(h, 0.5), 0.3125, 1e-9);
    health_histogram_observe(h, 50); /* past the last bound: the quantile stops there */
    cr_assert_float_eq(health_histogram_quantile(h, 0.99), 1, 1e-9);
}

Test(histogram, seconds_buckets_ascend)
{
    for (size_t i = 1; i < HEALTH_SECONDS_BUCKETS; i++)
        cr_assert_gt(health_seconds_buckets[i], health_seconds_buckets[i - 1]);
    health_histogram_t *h = health_histogram("am_test_s_seconds", "S.", NULL,
                                             health_seconds_buckets, HEALTH_SECONDS_BUCKETS);
    health_histogram_observe(h, 0.2);
    cr_assert_float_eq(health_histogram_count(h), 1, 1e-12);
}

/* The supervisor renders its children's registries (shared pages) beside its own: a histogram
 * observed in a child comes under one TYPE line with the same family's samples from others. */
Test(histogram, families_span_attached_registries)
{
    size_t size = health_metrics_area_size();
    void *child = calloc(1, size), *parent = calloc(1, size);
    health_metrics_bind(child, size);
    health_histogram_t *h =
        health_histogram("am_test_fresh_seconds", "Freshness.", "role=\"writer\"", bounds, 3);
    health_histogram_observe(h, 0.25);
    health_metrics_bind(parent, size);
    health_metrics_attach(child, size);
    health_histogram_t *p =
        health_histogram("am_test_fresh_seconds", "Freshness.", "role=\"super\"", bounds, 3);
    health_histogram_observe(p, 2);
    char *text = render();
    cr_assert_eq(count(text, "# TYPE am_test_fresh_seconds histogram\n"), 1, "%s", text);
    cr_assert_eq(count(text, "# TYPE am_test_fresh_seconds"), 1, "%s", text);
    cr_assert(strstr(text, "am_test_fresh_seconds_bucket{role=\"writer\",le=\"0.5\"} 1\n"), "%s",
              text);
    cr_assert(strstr(text, "am_test_fresh_seconds_bucket{role=\"super\",le=\"+Inf\"} 1\n"), "%s",
              text);
    cr_assert(strstr(text, "am_test_fresh_seconds_count{role=\"writer\"} 1\n"), "%s", text);
    free(text);
}
