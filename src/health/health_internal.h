/*
 * health/health_internal.h: shared by the .c files of health only: the server object, the
 * snapshot of one run of every check, and the renderers the HTTP routes call.
 */
#ifndef AM_HEALTH_INTERNAL_H
#define AM_HEALTH_INTERNAL_H

#include "health/health.h"

#include <pthread.h>

#ifndef AM_VERSION
#define AM_VERSION "0.1.0-dev" /* the lead's build may pass -DAM_VERSION="..." */
#endif

#define HEALTH__MAX_DETAILS 32
/* Checks run at request time; a burst of scrapes within this window shares one run. */
#define HEALTH__CACHE_US (INT64_C(500) * 1000)
/* What health_report_deadline_us promises a check: answer within this. */
#define HEALTH__CHECK_BUDGET_US (INT64_C(2) * 1000 * 1000)

typedef struct health__detail {
    const char *key;
    bool is_num;
    const char *str; /* NULL renders as JSON null */
    double num;
} health__detail_t;

/* Lives in its snapshot's arena; written by one check on one thread, then read-only. */
struct health_report {
    am_arena_t *arena;
    const char *name; /* the component */
    bool up;
    const char *message; /* one line, "" when the check said nothing */
    health__detail_t details[HEALTH__MAX_DETAILS];
    size_t n_details;
    int64_t deadline_us; /* am_mono_us() by which the check should return */
    bool redact;         /* hide hosts and paths (health_set_detailed false) */
};

/* One run of every check, immutable once published; freed when the last reader lets go. */
typedef struct health__snapshot {
    am_arena_t *arena;
    int64_t taken_us;         /* am_mono_us() */
    health_report_t *reports; /* one per check, in registration order */
    size_t n;
    int refs; /* guarded by health_t.snap_lock */
} health__snapshot_t;

typedef struct health__check {
    char *name;
    health_check_fn fn;
    void *ud;
    bool was_up; /* guarded by run_lock: logs only when a component changes state */
    bool ran;    /* guarded by run_lock */
} health__check_t;

struct health {
    struct MHD_Daemon *daemon;
    char *host;    /* the numeric address to listen on; "127.0.0.1" unless set */
    bool detailed; /* hosts and paths shown; fixed once health_start runs */
    int port;
    health__check_t *checks; /* fixed once health_start runs: HTTP threads read it unlocked */
    size_t n_checks;
    pthread_mutex_t run_lock;  /* serializes check runs (checks may do I/O: by design) */
    pthread_mutex_t snap_lock; /* guards current and the refs of every snapshot */
    health__snapshot_t *current;
};

/* Process start for arctic_mirror_uptime_seconds (first call wins). */
void health__clock_init(void);
double health__uptime_seconds(void);

/* A snapshot no older than HEALTH__CACHE_US, running the checks if needed. Release it. */
health__snapshot_t *health__snapshot_get(health_t *h);
void health__snapshot_release(health_t *h, health__snapshot_t *s);
void health__snapshot_free(health__snapshot_t *s);

/* Bodies of the routes, appended to out. */
bool health__render_status(const health__snapshot_t *s, am_buf_t *out); /* true if all up */
void health__render_detailed(const health__snapshot_t *s, am_buf_t *out);
void health__render_components(const health__snapshot_t *s, am_buf_t *out);

/* health_metric without the name rules of counters and gauges: histogram.c registers its
 * samples (kind HEALTH_HISTOGRAM, names ending _bucket, _sum, _count) through it. */
health_metric_t *health__metric_register(const char *name, const char *help,
                                         health_metric_kind_t kind, const char *labels);

/* Prometheus text helpers shared by metrics.c and checks.c. */
void health__escape_label_value(am_buf_t *out, const char *s);
void health__format_value(double v, char *out, size_t cap);

#endif /* AM_HEALTH_INTERNAL_H */
