/*
 * proxy/metrics.c: what the proxy tells /metrics: open client sessions, statements by outcome
 * (ok, error, cancelled) and their duration, from the message that carried them (a Query
 * string, an Execute) to the last row handed to the socket buffer; DuckDB statements prepared
 * for a query or kept from the session's last run of it (stmtcache.c). Registered once per
 * process (health's registry is process-wide); updated from every client thread.
 */
#include "proxy/proxy_internal.h"

#include "health/health.h"

#include <pthread.h>
#include <string.h>

static struct {
    pthread_once_t once;
    health_metric_t *connections;
    health_metric_t *ok;
    health_metric_t *error;
    health_metric_t *cancelled;
    health_histogram_t *duration;
    health_metric_t *prepared;
    health_metric_t *kept;
} pm = {.once = PTHREAD_ONCE_INIT};

static void registry_init(void)
{
    const char *q = "arctic_mirror_proxy_queries_total";
    const char *q_help = "Statements the proxy answered, by outcome (ok, error, cancelled).";
    pm.connections = health_metric("arctic_mirror_proxy_connections",
                                   "Client sessions open on the proxy.", HEALTH_GAUGE, NULL);
    pm.ok = health_metric(q, q_help, HEALTH_COUNTER, "outcome=\"ok\"");
    pm.error = health_metric(q, q_help, HEALTH_COUNTER, "outcome=\"error\"");
    pm.cancelled = health_metric(q, q_help, HEALTH_COUNTER, "outcome=\"cancelled\"");
    const char *st = "arctic_mirror_proxy_statements_total";
    const char *st_help = "DuckDB statements the proxy ran: prepared for the query, or kept from "
                          "the session's last run of the same SQL under the same views.";
    pm.prepared = health_metric(st, st_help, HEALTH_COUNTER, "plan=\"prepared\"");
    pm.kept = health_metric(st, st_help, HEALTH_COUNTER, "plan=\"kept\"");
    pm.duration = health_histogram("arctic_mirror_proxy_query_duration_seconds",
                                   "Statement time in the proxy, from its message to its last row.",
                                   NULL, health_seconds_buckets, HEALTH_SECONDS_BUCKETS);
}

void proxy__metrics_init(void)
{
    pthread_once(&pm.once, registry_init);
}

void proxy__metrics_query(const am_err_t *err, int64_t start_us)
{
    proxy__metrics_init();
    health_metric_t *outcome = pm.ok;
    if (err && strcmp(err->sqlstate, "57014") == 0)
        outcome = pm.cancelled;
    else if (err)
        outcome = pm.error;
    health_metric_add(outcome, 1);
    health_histogram_observe(pm.duration, (double)(am_mono_us() - start_us) / 1e6);
}

void proxy__metrics_connections(int n)
{
    proxy__metrics_init();
    health_metric_set(pm.connections, n);
}

void proxy__metrics_statement(bool kept)
{
    proxy__metrics_init();
    health_metric_add(kept ? pm.kept : pm.prepared, 1);
}
