/*
 * health/health.h: the HTTP server (libmicrohttpd) for GET /health, /health/detailed and
 * /metrics, and the process-wide metric registry every module writes to.
 *
 * Threads: libmicrohttpd runs its own thread pool; those threads only read metrics and call
 * the registered checks. Checks therefore must be thread-safe and quick (they get a deadline).
 * Metric updates are lock-free atomics (relaxed) and may come from any thread.
 */
#ifndef AM_HEALTH_H
#define AM_HEALTH_H

#include <stdio.h>

#include "util/util.h"

/* ---- metrics ------------------------------------------------------------------------------ */

typedef enum health_metric_kind {
    HEALTH_COUNTER = 0,
    HEALTH_GAUGE = 1,
    HEALTH_HISTOGRAM = 2, /* the samples of a health_histogram_t; not for health_metric */
} health_metric_kind_t;

typedef struct health_metric health_metric_t;

/*
 * Registers (or finds, if name and labels match) a metric. name is Prometheus-style
 * ("arctic_mirror_rows_replicated_total"); labels is NULL or a rendered label set without
 * braces ("op=\"insert\""). The returned pointer lives for the whole process.
 */
health_metric_t *health_metric(const char *name, const char *help, health_metric_kind_t kind,
                               const char *labels);
void health_metric_add(health_metric_t *m, double delta); /* counters and gauges */
void health_metric_set(health_metric_t *m, double value); /* gauges */
double health_metric_value(const health_metric_t *m);
/* Prometheus text exposition of every metric (appended to out), attached registries included. */
void health_metrics_render(am_buf_t *out);
/* Bytes a registry needs in shared memory. */
size_t health_metrics_area_size(void);
/* This process registers and updates its metrics in mem (shared with the supervisor) from now
 * on. Call before any metric is registered; mem may hold a previous process's registry, whose
 * metrics go on. */
void health_metrics_bind(void *mem, size_t len);
/* The supervisor renders mem's metrics too (read-only, checked slot by slot). Before serving. */
void health_metrics_attach(const void *mem, size_t len);
/*
 * Appends key="value" to a label set being built for health_metric, with a comma before it
 * unless b is empty, escaping \ " and newlines in value: use it for run-time values such as
 * table names. A label set health_metric cannot parse is not registered (it logs an error
 * and hands back a metric that is never rendered), so /metrics always stays valid.
 */
void health_label_append(am_buf_t *b, const char *key, const char *value);

/*
 * A Prometheus histogram: name_bucket{labels,le="<bound>"} for each of bounds (ascending;
 * copied) and le="+Inf", name_sum and name_count, rendered under one "# TYPE name histogram".
 * Registers it, or finds it when name and labels match (then bounds must match too). Lives
 * for the whole process; observations are relaxed atomics from any thread.
 */
typedef struct health_histogram health_histogram_t;
health_histogram_t *health_histogram(const char *name, const char *help, const char *labels,
                                     const double *bounds, size_t n_bounds);
void health_histogram_observe(health_histogram_t *h, double value);
/* Observations so far. */
double health_histogram_count(const health_histogram_t *h);
/* Quantile q (0..1) of every observation so far, interpolated inside its bucket as
 * Prometheus' histogram_quantile() does; NaN when there is none. */
double health_histogram_quantile(const health_histogram_t *h, double q);
/* Bounds for durations in seconds, 1 ms to 60 s (HEALTH_SECONDS_BUCKETS of them). */
#define HEALTH_SECONDS_BUCKETS 18
extern const double health_seconds_buckets[HEALTH_SECONDS_BUCKETS];

/* ---- arctic-mirror status ------------------------------------------------------------------ */

/* Prints the state of the mirror whose health server listens on host:port (components, lag,
 * retained WAL, freshness, one line per table) as readable tables. Class 08 when nothing
 * answers there. */
bool health_status_print(FILE *out, const char *host, int port, am_err_t *err) AM_MUST_CHECK;

/* ---- component checks ------------------------------------------------------------------- */

/* What a check reports: a short message plus key/value details for /health/detailed. */
typedef struct health_report health_report_t;
void health_report_str(health_report_t *r, const char *key, const char *value);
void health_report_num(health_report_t *r, const char *key, double value);
void health_report_message(health_report_t *r, const char *fmt, ...) AM_PRINTF(2, 3);
/* The am_mono_us() time by which the check should return (2 s after it started). */
int64_t health_report_deadline_us(const health_report_t *r);

/* Returns true when the component is up. Runs on an HTTP thread. */
typedef bool (*health_check_fn)(void *ud, health_report_t *r);

typedef struct health health_t;

health_t *health_new(void);
/* Call before health_start. name: "postgres", "replication", "duckdb", "iceberg", "config". */
void health_check_add(health_t *h, const char *name, health_check_fn fn, void *ud);
/* With detailed false (the default), /health/detailed and /health leave out what a check
 * reports as "host", "port", "path" or "file", and show "[path]" and "[address]" for file
 * paths and IP addresses in other texts. Call before health_start. */
void health_set_detailed(health_t *h, bool detailed);
/* The numeric address health_start binds (default "127.0.0.1"; "0.0.0.0" for every IPv4
 * interface, "::" for every one). Call before health_start. */
void health_set_host(health_t *h, const char *host);
/* Binds host:port (0 = ephemeral, see health_port) and starts serving. */
bool health_start(health_t *h, int port, am_err_t *err) AM_MUST_CHECK;
int health_port(const health_t *h);
/* Stops serving (waits for in-flight requests) and frees everything. NULL is a no-op. */
void health_free(health_t *h);

#endif /* AM_HEALTH_H */
