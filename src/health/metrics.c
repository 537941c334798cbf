/*
 * health/metrics.c: the process-wide metric registry and its Prometheus text exposition.
 * Spec: Prometheus "Exposition formats", text format 0.0.4:
 *   # HELP <name> <help, \ and newline escaped>
 *   # TYPE <name> counter|gauge|histogram
 *   <name>{<label>="<value, \ " and newline escaped>",...} <float>
 * HELP and TYPE come once per name, every sample of a name right after them; a histogram's
 * samples (<name>_bucket, _sum, _count) come under its name (histogram.c registers them).
 * Hand-written: no C library in Debian renders this format, and it is a few lines.
 *
 * Registration takes a mutex and only appends; a slot, once counted in n, never changes
 * except for its value, so rendering reads names and labels without the lock. Values are
 * doubles bit-cast into _Atomic uint64_t, updated relaxed (a scrape needs no ordering).
 */
#include "health/health.h"
#include "health/health_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEALTH_MAX_METRICS 1024

struct health_metric {
    const char *name;
    const char *help;
    const char *labels; /* "" when none */
    health_metric_kind_t kind;
    _Atomic uint64_t bits; /* the double's bits */
};

static struct {
    pthread_mutex_t lock; /* guards appends to slots and n */
    health_metric_t slots[HEALTH_MAX_METRICS];
    _Atomic size_t n;        /* published with release once a slot is filled */
    health_metric_t discard; /* handed out when full or labels are bad; never rendered */
    bool warned_full;        /* guarded by lock */
} registry = {.lock = PTHREAD_MUTEX_INITIALIZER, .discard = {.kind = HEALTH_GAUGE}};

static const char *const builtin_names[] = {
    "arctic_mirror_uptime_seconds",
    "arctic_mirror_build_info",
    "arctic_mirror_component_up",
};

static pthread_once_t clock_once = PTHREAD_ONCE_INIT;
static int64_t start_us;

static void clock_start(void)
{
    start_us = am_mono_us();
}

void health__clock_init(void)
{
    pthread_once(&clock_once, clock_start);
}

double health__uptime_seconds(void)
{
    health__clock_init();
    return (double)(am_mono_us() - start_us) / 1e6;
}

/* ---- values ------------------------------------------------------------------------------ */

static uint64_t to_bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

static double from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

void health_metric_add(health_metric_t *m, double delta)
{
    AM_ASSERT(m->kind == HEALTH_GAUGE || delta >= 0); /* a counter never goes down */
    uint64_t old = atomic_load_explicit(&m->bits, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&m->bits, &old, to_bits(from_bits(old) + delta),
                                                  memory_order_relaxed, memory_order_relaxed)) {
    }
}

void health_metric_set(health_metric_t *m, double value)
{
    atomic_store_explicit(&m->bits, to_bits(value), memory_order_relaxed);
}

double health_metric_value(const health_metric_t *m)
{
    /* C11 atomics take a non-const pointer even to load */
    health_metric_t *mm = (health_metric_t *)m;
    return from_bits(atomic_load_explicit(&mm->bits, memory_order_relaxed));
}

/* ---- registration ------------------------------------------------------------------------ */

static bool name_valid(const char *s)
{
    if (!s || !*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == ':'))
            return false;
    }
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* name="value"(,name="value")* with only \\ \" \n escapes inside values. */
static bool labels_valid(const char *s)
{
    while (*s) {
        const char *start = s;
        while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
               (s > start && *s >= '0' && *s <= '9'))
            s++;
        if (s == start || strncmp(start, "__", 2) == 0 || s[0] != '=' || s[1] != '"')
            return false;
        for (s += 2; *s != '"'; s++) {
            if (*s == '\0' || *s == '\n')
                return false;
            if (*s == '\\' && s[1] != '\\' && s[1] != '"' && s[1] != 'n')
                return false;
            if (*s == '\\')
                s++;
        }
        s++;
        if (*s == ',' && s[1] != '\0')
            s++;
        else if (*s != '\0')
            return false;
    }
    return true;
}

/* Caller holds the lock. Same name must mean the same kind: mixing would break the format. */
static health_metric_t *find_locked(const char *name, const char *labels, health_metric_kind_t kind)
{
    size_t n = atomic_load_explicit(&registry.n, memory_order_relaxed);
    for (size_t i = 0; i < n; i++) {
        health_metric_t *m = &registry.slots[i];
        if (strcmp(m->name, name) != 0)
            continue;
        AM_ASSERT(m->kind == kind);
        if (strcmp(m->labels, labels) == 0)
            return m;
    }
    return NULL;
}

static health_metric_t *append_locked(const char *name, const char *help, health_metric_kind_t kind,
                                      const char *labels)
{
    size_t n = atomic_load_explicit(&registry.n, memory_order_relaxed);
    if (n == HEALTH_MAX_METRICS) {
        if (!registry.warned_full)
            am_log_error("health", "metric registry full, metric not exported",
                         AM_KV_STR("metric", name), AM_KV_I64("capacity", HEALTH_MAX_METRICS));
        registry.warned_full = true;
        return &registry.discard;
    }
    health_metric_t *m = &registry.slots[n];
    m->name = am_xstrdup(name);
    m->help = am_xstrdup(help ? help : "");
    m->labels = am_xstrdup(labels);
    m->kind = kind;
    atomic_store_explicit(&m->bits, to_bits(0.0), memory_order_relaxed);
    atomic_store_explicit(&registry.n, n + 1, memory_order_release);
    return m;
}

health_metric_t *health_metric(const char *name, const char *help, health_metric_kind_t kind,
                               const char *labels)
{
    /* Names and kinds are constants in our code: a bad one is a bug, found by any test. */
    AM_ASSERT(kind == HEALTH_GAUGE || (kind == HEALTH_COUNTER && ends_with(name, "_total")));
    return health__metric_register(name, help, kind, labels);
}

health_metric_t *health__metric_register(const char *name, const char *help,
                                         health_metric_kind_t kind, const char *labels)
{
    AM_ASSERT(name_valid(name));
    for (size_t i = 0; i < AM_ARRAY_LEN(builtin_names); i++)
        AM_ASSERT(strcmp(name, builtin_names[i]) != 0);
    health__clock_init();
    if (!labels)
        labels = "";
    if (!labels_valid(labels)) {
        am_log_error("health", "bad metric labels, metric not exported", AM_KV_STR("metric", name),
                     AM_KV_STR("labels", labels));
        return &registry.discard;
    }
    pthread_mutex_lock(&registry.lock);
    health_metric_t *m = find_locked(name, labels, kind);
    if (!m)
        m = append_locked(name, help, kind, labels);
    pthread_mutex_unlock(&registry.lock);
    return m;
}

void health_label_append(am_buf_t *b, const char *key, const char *value)
{
    if (b->len > 0)
        am_buf_putc(b, ',');
    am_buf_puts(b, key);
    am_buf_puts(b, "=\"");
    health__escape_label_value(b, value ? value : "");
    am_buf_putc(b, '"');
}

/* ---- rendering --------------------------------------------------------------------------- */

void health__escape_label_value(am_buf_t *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            am_buf_puts(out, "\\\\");
        else if (*s == '"')
            am_buf_puts(out, "\\\"");
        else if (*s == '\n')
            am_buf_puts(out, "\\n");
        else
            am_buf_putc(out, *s);
    }
}

static void escape_help(am_buf_t *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            am_buf_puts(out, "\\\\");
        else if (*s == '\n')
            am_buf_puts(out, "\\n");
        else
            am_buf_putc(out, *s);
    }
}

void health__format_value(double v, char *out, size_t cap)
{
    if (isnan(v))
        snprintf(out, cap, "NaN");
    else if (isinf(v))
        snprintf(out, cap, "%s", v > 0 ? "+Inf" : "-Inf");
    else if (v == floor(v) && fabs(v) < 9007199254740992.0) /* 2^53: exact as an integer */
        snprintf(out, cap, "%.0f", v);
    else
        snprintf(out, cap, "%.17g", v);
}

static void render_header(am_buf_t *out, const char *name, const char *help,
                          health_metric_kind_t kind)
{
    static const char *const kinds[] = {"counter", "gauge", "histogram"};
    am_buf_printf(out, "# HELP %s ", name);
    escape_help(out, help);
    am_buf_printf(out, "\n# TYPE %s %s\n", name, kinds[kind]);
}

/* The name HELP and TYPE give m: a histogram's samples share their histogram's. */
static size_t family_len(const health_metric_t *m)
{
    size_t n = strlen(m->name);
    if (m->kind != HEALTH_HISTOGRAM)
        return n;
    static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
    for (size_t i = 0; i < AM_ARRAY_LEN(suffixes); i++)
        if (ends_with(m->name, suffixes[i]))
            return n - strlen(suffixes[i]);
    return n;
}

static bool same_family(const health_metric_t *a, const health_metric_t *b)
{
    size_t n = family_len(a);
    return n == family_len(b) && strncmp(a->name, b->name, n) == 0;
}

static void render_sample(am_buf_t *out, const health_metric_t *m)
{
    char value[40];
    health__format_value(health_metric_value(m), value, sizeof value);
    if (*m->labels)
        am_buf_printf(out, "%s{%s} %s\n", m->name, m->labels, value);
    else
        am_buf_printf(out, "%s %s\n", m->name, value);
}

static void render_builtins(am_buf_t *out)
{
    char value[40];
    health__format_value(health__uptime_seconds(), value, sizeof value);
    render_header(out, "arctic_mirror_uptime_seconds", "Seconds since the process started.",
                  HEALTH_GAUGE);
    am_buf_printf(out, "arctic_mirror_uptime_seconds %s\n", value);
    render_header(out, "arctic_mirror_build_info", "Build information; the value is always 1.",
                  HEALTH_GAUGE);
    am_buf_puts(out, "arctic_mirror_build_info{version=\"");
    health__escape_label_value(out, AM_VERSION);
    am_buf_puts(out, "\"} 1\n");
}

void health_metrics_render(am_buf_t *out)
{
    render_builtins(out);
    size_t n = atomic_load_explicit(&registry.n, memory_order_acquire);
    for (size_t i = 0; i < n; i++) {
        const health_metric_t *m = &registry.slots[i];
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = !same_family(&registry.slots[j], m);
        if (!first)
            continue;
        char *family = am_xstrndup(m->name, family_len(m));
        render_header(out, family, m->help, m->kind);
        free(family);
        for (size_t j = i; j < n; j++) {
            if (same_family(&registry.slots[j], m))
                render_sample(out, &registry.slots[j]);
        }
    }
}
