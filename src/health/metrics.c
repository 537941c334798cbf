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
 * A child process keeps its registry in a shared mapping the supervisor made
 * (health_metrics_bind); the supervisor renders its own and every attached one, samples of a
 * name from every process together, after checking each slot it reads.
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
#define REGISTRY_MAGIC UINT64_C(0x414d4d4554524943) /* "AMMETRIC" */

/* Fixed arrays, no pointers: a registry may live in memory another process reads. */
struct health_metric {
    char name[96];
    char help[224];
    char labels[256]; /* "" when none */
    health_metric_kind_t kind;
    _Atomic uint64_t bits; /* the double's bits */
};

typedef struct registry {
    uint64_t magic;
    pthread_mutex_t lock; /* guards appends to slots and n; only the owning process takes it */
    _Atomic size_t n;     /* published with release once a slot is filled */
    bool warned_full;     /* guarded by lock */
    health_metric_t slots[HEALTH_MAX_METRICS];
} registry_t;

static registry_t own = {.magic = REGISTRY_MAGIC, .lock = PTHREAD_MUTEX_INITIALIZER};
static registry_t *registry = &own;                      /* set once, before any thread registers */
static health_metric_t discard = {.kind = HEALTH_GAUGE}; /* full or bad labels; never rendered */

/* Other processes' registries this one renders (the supervisor's children). */
#define HEALTH_MAX_ATTACHED 4
static const registry_t *attached[HEALTH_MAX_ATTACHED];
static _Atomic size_t n_attached;

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
    size_t n = atomic_load_explicit(&registry->n, memory_order_relaxed);
    for (size_t i = 0; i < n; i++) {
        health_metric_t *m = &registry->slots[i];
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
    size_t n = atomic_load_explicit(&registry->n, memory_order_relaxed);
    if (n == HEALTH_MAX_METRICS) {
        if (!registry->warned_full)
            am_log_error("health", "metric registry full, metric not exported",
                         AM_KV_STR("metric", name), AM_KV_I64("capacity", HEALTH_MAX_METRICS));
        registry->warned_full = true;
        return &discard;
    }
    health_metric_t *m = &registry->slots[n];
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->help, sizeof m->help, "%s", help ? help : "");
    snprintf(m->labels, sizeof m->labels, "%s", labels);
    m->kind = kind;
    atomic_store_explicit(&m->bits, to_bits(0.0), memory_order_relaxed);
    atomic_store_explicit(&registry->n, n + 1, memory_order_release);
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
    AM_ASSERT(strlen(name) < sizeof discard.name);
    if (!labels_valid(labels) || strlen(labels) >= sizeof discard.labels) {
        am_log_error("health", "bad metric labels, metric not exported", AM_KV_STR("metric", name),
                     AM_KV_STR("labels", labels));
        return &discard;
    }
    pthread_mutex_lock(&registry->lock);
    health_metric_t *m = find_locked(name, labels, kind);
    if (!m)
        m = append_locked(name, help, kind, labels);
    pthread_mutex_unlock(&registry->lock);
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

/* The length of the name HELP and TYPE give m: a histogram's samples share their
 * histogram's. Bounded: m may be a slot of another process's registry, not yet checked. */
static size_t family_len(const health_metric_t *m)
{
    size_t n = strnlen(m->name, sizeof m->name);
    if (m->kind != HEALTH_HISTOGRAM)
        return n;
    static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
    for (size_t i = 0; i < AM_ARRAY_LEN(suffixes); i++) {
        size_t k = strlen(suffixes[i]);
        if (n >= k && memcmp(m->name + n - k, suffixes[i], k) == 0)
            return n - k;
    }
    return n;
}

static bool same_family(const health_metric_t *a, const health_metric_t *b)
{
    size_t n = family_len(a);
    return n == family_len(b) && memcmp(a->name, b->name, n) == 0;
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

/* A slot as this process may trust it: copied, NUL-terminated, checked (another process's
 * registry is only ever read, and a bad slot is skipped, never rendered). */
static bool slot_copy(const health_metric_t *src, health_metric_t *dst)
{
    memcpy(dst->name, src->name, sizeof dst->name);
    memcpy(dst->help, src->help, sizeof dst->help);
    memcpy(dst->labels, src->labels, sizeof dst->labels);
    dst->name[sizeof dst->name - 1] = dst->help[sizeof dst->help - 1] =
        dst->labels[sizeof dst->labels - 1] = '\0';
    dst->kind =
        src->kind == HEALTH_COUNTER || src->kind == HEALTH_HISTOGRAM ? src->kind : HEALTH_GAUGE;
    atomic_store_explicit(
        &dst->bits, atomic_load_explicit(&((health_metric_t *)src)->bits, memory_order_relaxed),
        memory_order_relaxed);
    return name_valid(dst->name) && labels_valid(dst->labels);
}

static size_t registry_n(const registry_t *r)
{
    if (r->magic != REGISTRY_MAGIC)
        return 0;
    size_t n = atomic_load_explicit(&((registry_t *)r)->n, memory_order_acquire);
    return n > HEALTH_MAX_METRICS ? HEALTH_MAX_METRICS : n;
}

/* Whether m's family was rendered already: in an earlier registry or earlier in this one. */
static bool family_seen(const registry_t *const *regs, size_t ri, size_t si,
                        const health_metric_t *m)
{
    for (size_t r = 0; r <= ri; r++) {
        size_t n = r == ri ? si : registry_n(regs[r]);
        for (size_t i = 0; i < n; i++)
            if (same_family(&regs[r]->slots[i], m))
                return true;
    }
    return false;
}

static void render_family(am_buf_t *out, const registry_t *const *regs, size_t n_regs,
                          const health_metric_t *first)
{
    char *family = am_xstrndup(first->name, family_len(first));
    render_header(out, family, first->help, first->kind);
    free(family);
    for (size_t r = 0; r < n_regs; r++) {
        size_t n = registry_n(regs[r]);
        for (size_t i = 0; i < n; i++) {
            health_metric_t m;
            if (slot_copy(&regs[r]->slots[i], &m) && same_family(&m, first))
                render_sample(out, &m);
        }
    }
}

void health_metrics_render(am_buf_t *out)
{
    render_builtins(out);
    const registry_t *regs[HEALTH_MAX_ATTACHED + 1] = {registry};
    size_t n_regs = 1 + atomic_load_explicit(&n_attached, memory_order_acquire);
    for (size_t r = 1; r < n_regs; r++)
        regs[r] = attached[r - 1];
    for (size_t r = 0; r < n_regs; r++) {
        size_t n = registry_n(regs[r]);
        for (size_t i = 0; i < n; i++) {
            health_metric_t m;
            if (!slot_copy(&regs[r]->slots[i], &m) || family_seen(regs, r, i, &m))
                continue;
            render_family(out, regs, n_regs, &m);
        }
    }
}

/* ---- registries in shared memory ---------------------------------------------------------- */

size_t health_metrics_area_size(void)
{
    return sizeof(registry_t);
}

void health_metrics_bind(void *mem, size_t len)
{
    AM_ASSERT(len >= sizeof(registry_t));
    registry_t *r = mem;
    /* The area may hold the registry of this role's previous process: keep its slots (so
     * counters go on), but its lock may have died held. */
    if (r->magic != REGISTRY_MAGIC) {
        memset(r, 0, sizeof *r);
        r->magic = REGISTRY_MAGIC;
    }
    pthread_mutex_init(&r->lock, NULL);
    r->warned_full = false;
    if (atomic_load(&r->n) > HEALTH_MAX_METRICS)
        atomic_store(&r->n, 0);
    registry = r;
}

void health_metrics_attach(const void *mem, size_t len)
{
    AM_ASSERT(len >= sizeof(registry_t));
    size_t n = atomic_load(&n_attached);
    AM_ASSERT(n < HEALTH_MAX_ATTACHED);
    attached[n] = mem;
    atomic_store_explicit(&n_attached, n + 1, memory_order_release);
}
