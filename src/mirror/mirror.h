/*
 * mirror/mirror.h: the write path. Turns the source's stream of changes into lake commits:
 * decides between the initial copy and resuming, keeps the identity index (key -> data file
 * and row), applies inserts, updates (old TOAST values included), deletes and truncates to one
 * batch per table, flushes at transaction boundaries, writes the watermark and only then
 * acknowledges the LSN to PostgreSQL. Tables are identities (source relation ids): schema
 * changes evolve their Iceberg schema by field id or copy them again while the others stream;
 * renames follow them; tables come (configuration, patterns, publications) and go (dropped,
 * kept in the lake). Knows nothing of the wire protocol or HTTP.
 *
 * Threads: mirror_run() is the write path and runs on the caller's thread until stop is set or
 * a fatal error; connection failures (SQLSTATE class 08) are retried with backoff inside it.
 * A table being copied while the others stream has a thread of its own (worker.c), which stops
 * and is joined with the write path. One maintenance thread (maintain.c) rewrites files for
 * compaction and sweeps orphan files; the write path plans its jobs and commits them between
 * flushes, so the primary-key index follows every commit at once. It is interrupted and joined
 * when the write path stops or restarts. mirror_status(), mirror_table_statuses() and
 * mirror_reload() may be called from any thread.
 */
#ifndef AM_MIRROR_H
#define AM_MIRROR_H

#include <stdatomic.h>

#include "health/health.h"
#include "lake/lake.h"
#include "source/source.h"
#include "util/util.h"

/* One entry of the configuration's table list. */
typedef struct mirror_table_spec {
    const char *schema; /* a name, or a pattern with * and ? */
    const char *name;
    bool insert_only; /* a table without replica identity: mirror inserts and truncates */
    bool drop_lake;   /* on_drop: drop (remove the Iceberg table when the source drops it) */
} mirror_table_spec_t;

typedef struct mirror_options {
    source_options_t source; /* copied, strings included; its tables are the specs when specs
                                is NULL */
    const mirror_table_spec_t *specs; /* copied */
    size_t n_specs;
    bool resnapshot_on_slot_loss; /* slot lost, or behind the lake: copy everything again */
    int catalog_check_ms;         /* how often the source catalog is compared; 0 = 1000 */
    const char *warehouse;
    int flush_interval_ms;  /* longest a committed change waits before a flush; 0 = 1000 */
    int idle_flush_ms;      /* flush once the stream is this quiet; 0 = 20 */
    int64_t flush_max_rows; /* flush when a batch holds this many changed rows; 0 = 200000 */
    /* compaction, file retention and orphan sweeps; copied; NULL: lake_maintain_defaults() */
    const lake_maintain_options_t *maintain;
    /* The write path's memory budget in bytes (0 = 256 MB), per table being written: a data
     * file being filled holds at most a quarter of it in DuckDB, then rolls to the next, and
     * DuckDB as a whole at most half (at least 32 MB; then it spills to a temp directory); row
     * copies kept for unchanged TOAST values take at most a quarter (past it they are read back
     * from the lake); a streamed transaction past an eighth waits in a temp file until its
     * commit. Not in it: the identity index (at most 28 bytes per row of an integer key) and
     * the batch's delete positions (16 bytes per deleted or updated row). */
    int64_t max_memory;
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
    /* published changes received and not yet visible: 0 when none is pending */
    int64_t lag_bytes;          /* from the durable watermark to the newest such change */
    double lag_seconds;         /* age of the oldest such change (its source commit time) */
    int64_t retained_wal_bytes; /* WAL the slot keeps on the server (-1: unknown) */
    double freshness_p50_s;     /* source commit -> visible, over the whole run (NaN: none) */
    double freshness_p99_s;
    char tuples[8]; /* the running stream's: "binary" or "text"; "" before it starts */
    char last_error[256];
} mirror_status_t;

void mirror_status(const mirror_t *m, mirror_status_t *out);
const char *mirror_phase_name(mirror_phase_t phase);

typedef struct mirror_table_status {
    char table[132]; /* "schema.name" as the source calls it now */
    char state[16];  /* "streaming", "stale", "copying", "dropped", "refused" */
    char detail[400];
} mirror_table_status_t;

/* Each table's state, at most cap of them; returns how many there are. Any thread. */
size_t mirror_table_statuses(const mirror_t *m, mirror_table_status_t *out, size_t cap);
/* Reports the tables on r: "tables" (each "schema.name=state"), "tables_stale",
 * "tables_copying", and the detail of every table that is not streaming. Any thread. */
void mirror_report_tables(const mirror_t *m, health_report_t *r);
/* A new table list (SIGHUP): tables it adds start mirroring (each with its own copy); tables
 * it no longer has stop at the next start. Copied; the write path takes it at its next step.
 * Any thread. */
void mirror_reload(mirror_t *m, const mirror_table_spec_t *specs, size_t n);

#endif /* AM_MIRROR_H */
