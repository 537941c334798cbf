/*
 * mirror/mirror.h: the write path. Turns the source's stream of changes into lake commits:
 * decides between the initial copy and resuming, keeps the primary-key index (key -> data file
 * and row), applies inserts, updates (old TOAST values included), deletes and truncates to one
 * batch per table, flushes at transaction boundaries, writes the watermark and only then
 * acknowledges the LSN to PostgreSQL. Knows nothing of the wire protocol or HTTP.
 *
 * Threads: mirror_run() is the write path and runs on the caller's thread until stop is set or
 * a fatal error; connection failures (SQLSTATE class 08) are retried with backoff inside it.
 * mirror_status() may be called from any thread.
 */
#ifndef AM_MIRROR_H
#define AM_MIRROR_H

#include <stdatomic.h>

#include "source/source.h"
#include "util/util.h"

typedef struct mirror_options {
    source_options_t source; /* copied, strings included */
    const char *warehouse;
    int flush_interval_ms;  /* longest a committed change waits before a flush; 0 = 1000 */
    int idle_flush_ms;      /* flush once the stream is this quiet; 0 = 20 */
    int64_t flush_max_rows; /* flush when a batch holds this many changed rows; 0 = 200000 */
    /* Called on the write path after each durable watermark (e.g. to refresh the proxy). */
    void (*on_watermark)(void *ud, am_lsn_t lsn);
    void *on_watermark_ud;
} mirror_options_t;

typedef struct mirror mirror_t;

mirror_t *mirror_new(const mirror_options_t *opts);
void mirror_free(mirror_t *m); /* NULL is a no-op */

/* Runs the write path until *stop is true (returns true) or a fatal error (false + err). */
bool mirror_run(mirror_t *m, atomic_bool *stop, am_err_t *err) AM_MUST_CHECK;

typedef enum mirror_phase {
    MIRROR_STARTING = 0,
    MIRROR_COPYING,
    MIRROR_STREAMING,
    MIRROR_RECONNECTING,
    MIRROR_STOPPED,
    MIRROR_FAILED,
} mirror_phase_t;

typedef struct mirror_status {
    mirror_phase_t phase;
    am_lsn_t committed_lsn; /* the durable watermark */
    am_lsn_t wal_end;       /* the server's latest walEnd seen */
    int64_t last_flush_unix_us;
    char last_error[256];
} mirror_status_t;

void mirror_status(const mirror_t *m, mirror_status_t *out);
const char *mirror_phase_name(mirror_phase_t phase);

#endif /* AM_MIRROR_H */
