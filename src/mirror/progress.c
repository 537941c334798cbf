/*
 * mirror/progress.c: freshness and lag, the figures that say how far the lake is behind the
 * source. Freshness is measured per transaction, from its commit time at the source (the
 * Begin/Commit message's timestamp) to the moment a published watermark holds it, which is when
 * readers can see it; both clocks are wall clocks, so a source clock ahead of ours reads as 0.
 * Lag counts only what was published to us and is not visible yet: the newest such change's
 * LSN (received, or announced by an open transaction's Begin) minus the durable watermark, and
 * the age of the oldest such transaction. Both are 0 when nothing is pending, however far the
 * server's own WAL end moves through writes to tables nobody publishes. Retained WAL is what
 * the slot keeps on the server: pg_current_wal_lsn() - restart_lsn, read between transactions
 * on the SQL connection every few seconds. Runs on the write path only.
 */
#include "mirror/mirror_internal.h"

#include <math.h>

#define REPORT_US (INT64_C(500) * 1000)
#define SLOT_CHECK_US (INT64_C(5) * 1000 * 1000)

void mirror__progress_metrics(mirror_t *m)
{
    mirror_metrics_t *x = &m->metrics;
    x->lag_bytes = health_metric(
        "arctic_mirror_replication_lag_bytes",
        "Published WAL received or announced and not yet visible: newest pending change LSN minus "
        "the durable watermark; 0 when nothing published is pending.",
        HEALTH_GAUGE, NULL);
    x->lag_seconds = health_metric("arctic_mirror_replication_lag_seconds",
                                   "Age (since its source commit) of the oldest published change "
                                   "not yet visible; 0 when nothing is pending.",
                                   HEALTH_GAUGE, NULL);
    x->retained_wal_bytes =
        health_metric("arctic_mirror_slot_retained_wal_bytes",
                      "WAL the replication slot keeps on the server: current WAL LSN minus the "
                      "slot's restart_lsn.",
                      HEALTH_GAUGE, NULL);
    x->freshness = health_histogram(
        "arctic_mirror_freshness_seconds",
        "Source commit time to visible to queries (the watermark holding it published), per "
        "transaction.",
        NULL, health_seconds_buckets, HEALTH_SECONDS_BUCKETS);
    x->flush_duration =
        health_histogram("arctic_mirror_flush_duration_seconds",
                         "One flush: every changed table's commit, the watermark, the "
                         "acknowledgement.",
                         NULL, health_seconds_buckets, HEALTH_SECONDS_BUCKETS);
    x->commit_duration =
        health_histogram("arctic_mirror_commit_duration_seconds",
                         "One table's Iceberg commit (data and delete files, manifests, metadata).",
                         NULL, health_seconds_buckets, HEALTH_SECONDS_BUCKETS);
}

void mirror__progress_commit(mirror_t *m, am_lsn_t end_lsn, int64_t commit_ts_us)
{
    if (m->n_unseen == m->cap_unseen) {
        m->cap_unseen = m->cap_unseen ? m->cap_unseen * 2 : 256;
        m->unseen = am_xrealloc(m->unseen, m->cap_unseen * sizeof *m->unseen);
    }
    m->unseen[m->n_unseen++] = (mirror_unseen_t){end_lsn, commit_ts_us};
}

void mirror__progress_visible(mirror_t *m, am_lsn_t lsn)
{
    int64_t now = am_now_us();
    size_t kept = 0;
    for (size_t i = 0; i < m->n_unseen; i++) {
        if (m->unseen[i].end_lsn > lsn) {
            m->unseen[kept++] = m->unseen[i];
            continue;
        }
        int64_t d = now - m->unseen[i].commit_ts_us;
        health_histogram_observe(m->metrics.freshness, d > 0 ? (double)d / 1e6 : 0.0);
    }
    m->n_unseen = kept;
}

/* pg_current_wal_lsn() - restart_lsn of the slot; -1 when unknown. */
static int64_t retained_wal(mirror_t *m)
{
    source_slot_info_t info;
    am_lsn_t now = 0;
    am_err_t err = {0};
    if (!m->src || !source_slot_info(m->src, &info, &err) || !info.exists ||
        !source_current_wal_lsn(m->src, &now, &err)) {
        if (err.msg[0])
            am_log_debug("mirror", "slot not read", AM_KV_ERR(&err));
        return -1;
    }
    return now > info.restart_lsn ? (int64_t)(now - info.restart_lsn) : 0;
}

void mirror__progress_report(mirror_t *m, bool force)
{
    int64_t mono = am_mono_us();
    if (!force && mono - m->progress_us < REPORT_US)
        return;
    m->progress_us = mono;
    am_lsn_t newest = m->pending_lsn;
    if (m->in_txn && m->txn_final_lsn > newest)
        newest = m->txn_final_lsn;
    if (m->src && (newest || !source_idle_lsn(m->src))) {
        am_lsn_t received = source_received_lsn(m->src);
        newest = received > newest ? received : newest;
    }
    int64_t lag_bytes = newest > m->watermark_lsn ? (int64_t)(newest - m->watermark_lsn) : 0;
    int64_t oldest_ts = m->n_unseen ? m->unseen[0].commit_ts_us
                        : m->in_txn ? m->txn_commit_ts_us
                                    : 0;
    double lag_s = oldest_ts && lag_bytes > 0 ? (double)(am_now_us() - oldest_ts) / 1e6 : 0;
    lag_s = lag_s > 0 ? lag_s : 0;
    health_metric_set(m->metrics.lag_bytes, (double)lag_bytes);
    health_metric_set(m->metrics.lag_seconds, lag_s);
    int64_t retained = -2;
    if (!m->in_txn && mono - m->slot_checked_us >= SLOT_CHECK_US) {
        m->slot_checked_us = mono;
        retained = retained_wal(m);
        health_metric_set(m->metrics.retained_wal_bytes, (double)retained);
    }
    pthread_mutex_lock(&m->status_lock);
    m->status.wal_end = m->src ? source_wal_end(m->src) : m->status.wal_end;
    m->status.lag_bytes = lag_bytes;
    m->status.lag_seconds = lag_s;
    if (retained != -2)
        m->status.retained_wal_bytes = retained;
    m->status.freshness_p50_s = health_histogram_quantile(m->metrics.freshness, 0.5);
    m->status.freshness_p99_s = health_histogram_quantile(m->metrics.freshness, 0.99);
    pthread_mutex_unlock(&m->status_lock);
}
