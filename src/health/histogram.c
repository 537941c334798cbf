/*
 * health/histogram.c: Prometheus histograms over the metric registry. A histogram is a group
 * of registry slots of kind HEALTH_HISTOGRAM: one cumulative counter per bucket
 * (<name>_bucket{...,le="<bound>"}, le="+Inf" last), <name>_sum and <name>_count; metrics.c
 * renders them under one TYPE line. An observation adds 1 to every bucket whose bound it does
 * not exceed, so a scrape reads each bucket as it is stored (a scrape racing an observation may
 * see a bucket ahead of _count by one: Prometheus tolerates that).
 * Spec: Prometheus "Exposition formats", histogram; "histogram_quantile()" for the quantile.
 */
#include "health/health.h"
#include "health/health_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HISTOGRAMS 64
#define MAX_BOUNDS 32

struct health_histogram {
    char *name;
    char *labels;
    double bounds[MAX_BOUNDS];
    size_t n_bounds;
    health_metric_t *buckets[MAX_BOUNDS + 1]; /* the last one is +Inf */
    health_metric_t *sum;
    health_metric_t *count;
};

const double health_seconds_buckets[HEALTH_SECONDS_BUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.175, 0.25,
    0.375, 0.5,    0.75,  1,    2.5,   5,    10,  30,    60,
};

static struct {
    pthread_mutex_t lock; /* guards n and the slots' registration */
    health_histogram_t all[MAX_HISTOGRAMS];
    size_t n;
    health_histogram_t discard; /* registry full or bad input: observations go nowhere */
} hists = {.lock = PTHREAD_MUTEX_INITIALIZER};

static health_metric_t *sample(const char *name, const char *suffix, const char *help,
                               const char *labels, const char *le)
{
    char full[160];
    (void)snprintf(full, sizeof full, "%s%s", name, suffix);
    am_buf_t l;
    am_buf_init(&l);
    am_buf_puts(&l, labels);
    if (le)
        health_label_append(&l, "le", le);
    health_metric_t *m =
        health__metric_register(full, help, HEALTH_HISTOGRAM, l.data ? l.data : "");
    am_buf_destroy(&l);
    return m;
}

static void fill(health_histogram_t *h, const char *help)
{
    for (size_t i = 0; i <= h->n_bounds; i++) {
        char le[40];
        if (i == h->n_bounds)
            (void)snprintf(le, sizeof le, "+Inf");
        else
            health__format_value(h->bounds[i], le, sizeof le);
        h->buckets[i] = sample(h->name, "_bucket", help, h->labels, le);
    }
    h->sum = sample(h->name, "_sum", help, h->labels, NULL);
    h->count = sample(h->name, "_count", help, h->labels, NULL);
}

static health_histogram_t *find_locked(const char *name, const char *labels)
{
    for (size_t i = 0; i < hists.n; i++)
        if (strcmp(hists.all[i].name, name) == 0 && strcmp(hists.all[i].labels, labels) == 0)
            return &hists.all[i];
    return NULL;
}

health_histogram_t *health_histogram(const char *name, const char *help, const char *labels,
                                     const double *bounds, size_t n_bounds)
{
    AM_ASSERT(n_bounds > 0 && n_bounds <= MAX_BOUNDS && strlen(name) < 120);
    for (size_t i = 1; i < n_bounds; i++)
        AM_ASSERT(bounds[i] > bounds[i - 1]);
    if (!labels)
        labels = "";
    pthread_mutex_lock(&hists.lock);
    health_histogram_t *h = find_locked(name, labels);
    if (!h && hists.n == MAX_HISTOGRAMS) {
        am_log_error("health", "histogram registry full, histogram not exported",
                     AM_KV_STR("metric", name), AM_KV_I64("capacity", MAX_HISTOGRAMS));
        h = &hists.discard;
    } else if (!h) {
        h = &hists.all[hists.n];
        h->name = am_xstrdup(name);
        h->labels = am_xstrdup(labels);
        memcpy(h->bounds, bounds, n_bounds * sizeof *bounds);
        h->n_bounds = n_bounds;
        fill(h, help ? help : "");
        hists.n++;
    } else {
        AM_ASSERT(h->n_bounds == n_bounds &&
                  memcmp(h->bounds, bounds, n_bounds * sizeof *bounds) == 0);
    }
    pthread_mutex_unlock(&hists.lock);
    return h;
}

void health_histogram_observe(health_histogram_t *h, double value)
{
    if (h == &hists.discard || isnan(value))
        return;
    size_t first = 0;
    while (first < h->n_bounds && value > h->bounds[first])
        first++;
    for (size_t i = first; i <= h->n_bounds; i++)
        health_metric_add(h->buckets[i], 1);
    health_metric_add(h->sum, value);
    health_metric_add(h->count, 1);
}

double health_histogram_count(const health_histogram_t *h)
{
    if (h == &hists.discard)
        return 0;
    return health_metric_value(h->buckets[h->n_bounds]);
}

double health_histogram_quantile(const health_histogram_t *h, double q)
{
    double total = health_histogram_count(h);
    if (total <= 0)
        return NAN;
    double rank = q * total, below = 0, lower = 0;
    for (size_t i = 0; i < h->n_bounds; i++) {
        double c = health_metric_value(h->buckets[i]);
        if (c >= rank)
            return c > below ? lower + (h->bounds[i] - lower) * (rank - below) / (c - below)
                             : lower;
        lower = h->bounds[i];
        below = c;
    }
    return h->bounds[h->n_bounds - 1]; /* in the +Inf bucket: the highest bound, as Prometheus */
}
