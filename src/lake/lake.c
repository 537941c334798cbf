/*
 * lake/lake.c: the warehouse handle: its storage (rooted at the warehouse directory) and the
 * private in-memory DuckDB that writes Parquet for every table of this lake. One thread.
 */
#include "lake/lake_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

lake_t *lake_open(const char *warehouse, am_err_t *err)
{
    storage_t *st = storage_local_new(warehouse, err);
    if (!st) {
        am_err_prefix(err, "warehouse");
        return NULL;
    }
    if (strpbrk(storage_root(st), "*?[]{}")) {
        /* file paths go into read_parquet, which expands globs and has no escape */
        am_err_set(err, AM_SQLSTATE_CONFIG,
                   "warehouse \"%s\": the characters * ? [ ] { } are not supported",
                   storage_root(st));
        storage_free(st);
        return NULL;
    }
    lake_t *lake = am_xcalloc(1, sizeof *lake);
    lake->st = st;
    lake->warehouse = am_xstrdup(storage_root(st));
    lake->rows_per_file = LAKE_ROWS_PER_FILE;
    lake->bytes_per_file = LAKE_BYTES_PER_FILE;
    lake->merge_manifests = LAKE_MERGE_MANIFESTS;
    lake->keep_snapshots = LAKE_KEEP_SNAPSHOTS;
    lake->metadata_log_max = LAKE_METADATA_LOG_MAX;
    lake->file_id_max = LAKE_FILE_ID_MAX;
    lake_maintain_options_t defaults;
    lake_maintain_defaults(&defaults);
    lake->file_retention_ms = defaults.file_retention_ms;
    char *open_err = NULL;
    if (duckdb_open_ext(NULL, &lake->db, NULL, &open_err) == DuckDBError) {
        am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: open in-memory database: %s",
                   open_err ? open_err : "unknown error");
        duckdb_free(open_err);
        storage_free(st);
        free(lake->warehouse);
        free(lake);
        return NULL;
    }
    if (duckdb_connect(lake->db, &lake->con) == DuckDBError) {
        am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: connect to the in-memory database failed");
        duckdb_close(&lake->db);
        storage_free(st);
        free(lake->warehouse);
        free(lake);
        return NULL;
    }
    /* Our Parquet files never change once written: footers may be cached across queries. */
    if (!lake__duck_exec(lake->con, "SET parquet_metadata_cache = true", err)) {
        lake_close(lake);
        return NULL;
    }
    return lake;
}

void lake_close(lake_t *lake)
{
    if (!lake)
        return;
    AM_ASSERT(lake->n_tables == 0);
    duckdb_disconnect(&lake->con);
    duckdb_close(&lake->db);
    if (lake->spill_dir) {
        am_err_t err = {0};
        if (!am_remove_tree(lake->spill_dir, &err))
            am_log_warn("lake", "could not remove the spill directory", AM_KV_ERR(&err));
        free(lake->spill_dir);
    }
    storage_free(lake->st);
    free(lake->warehouse);
    free(lake);
}

void lake_set_file_bytes(lake_t *lake, int64_t bytes)
{
    lake->bytes_per_file = bytes < (INT64_C(1) << 20) ? INT64_C(1) << 20 : bytes;
}

const char *lake__tmp_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    return tmp && tmp[0] ? tmp : "/tmp";
}

/* Without a limit DuckDB keeps up to 80% of RAM: an ordered COPY buffers whole batches of the
 * rows it writes (a position delete file of a million rows took 130 MB). With one, it holds
 * back, and spills what does not fit to spill_dir, never the working directory (DuckDB's
 * default). DuckDB makes that directory only when it first spills and removes it at close, so
 * a crash leaves one behind only if it came while spilling; the name is unpredictable. */
bool lake_set_memory_limit(lake_t *lake, int64_t bytes, am_err_t *err)
{
    if (bytes < LAKE_MEMORY_LIMIT_MIN)
        bytes = LAKE_MEMORY_LIMIT_MIN;
    if (!lake->spill_dir)
        lake->spill_dir = am_xasprintf("%s/arctic-mirror-lake-%d-%llx", lake__tmp_dir(),
                                       (int)getpid(), (unsigned long long)am_random_id53());
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "SET temp_directory = ");
    am_sql_literal(&sql, lake->spill_dir);
    bool ok = lake__duck_exec(lake->con, sql.data, err);
    am_buf_reset(&sql);
    /* DuckDB's allocator holds on to what a thread or a dropped temp table freed until 128 MB
     * or 512 MB of it pile up: far past a small limit, so a thread's goes back past a quarter
     * of the limit and a dropped table's at once */
    am_buf_printf(&sql,
                  "SET memory_limit = '%lldB'; SET allocator_flush_threshold = '%lldB'; "
                  "SET allocator_bulk_deallocation_flush_threshold = '1MB'",
                  (long long)bytes, (long long)(bytes / 4));
    ok = ok && lake__duck_exec(lake->con, sql.data, err);
    am_buf_destroy(&sql);
    if (!ok)
        am_err_prefix(err, "lake memory limit");
    return ok;
}

/* DuckDB's Linux builds allocate through a bundled jemalloc, which keeps the pages a dropped
 * temp table freed (decayed only on later allocations): after a big transaction the writer sat
 * on 30 MB more than its budget. Its control entry is exported under DuckDB's prefix; weak, so
 * a build without it links and only skips the purge. 4096 is jemalloc's "all arenas". Purging
 * costs page faults when the pages are wanted again (9% of an initial copy's time when done
 * after every file), so only what exceeds slack goes back. */
int duckdb_je_mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
    __attribute__((weak));

static size_t je_stat(const char *name)
{
    size_t v = 0, len = sizeof v;
    return duckdb_je_mallctl(name, &v, &len, NULL, 0) == 0 ? v : 0;
}

void lake__allocator_purge(int64_t slack)
{
    if (!duckdb_je_mallctl)
        return;
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    if (slack > 0) {
        /* the statistics are a snapshot taken at each new epoch */
        (void)duckdb_je_mallctl("epoch", &epoch, &len, &epoch, len);
        size_t resident = je_stat("stats.resident"), active = je_stat("stats.active");
        if (resident <= active || resident - active <= (size_t)slack)
            return;
    }
    (void)duckdb_je_mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
}

void lake_release_memory(void)
{
    lake__allocator_purge(0);
    malloc_trim(0);
}

const char *lake_warehouse(const lake_t *lake)
{
    return lake->warehouse;
}

bool lake_check_writable(const char *warehouse, am_err_t *err)
{
    char *probe =
        am_xasprintf("%s/.health.%016llx", warehouse, (unsigned long long)am_random_id53());
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    bool ok = true;
    if (fd < 0) {
        ok = am_err_errno(err, errno, "warehouse \"%s\" is not writable", warehouse);
    } else {
        if (write(fd, "ok", 2) != 2 || fsync(fd) != 0)
            ok = am_err_errno(err, errno, "warehouse \"%s\": could not write a probe file",
                              warehouse);
        close(fd);
        unlink(probe);
    }
    free(probe);
    return ok;
}

void lake_set_file_retention(lake_t *lake, int64_t ms)
{
    lake->file_retention_ms = ms;
}

bool lake__err_fatal(const am_err_t *err)
{
    return err && strcmp(err->sqlstate, STORAGE_SQLSTATE_SYNC) == 0;
}

void lake__remove_quietly(lake_t *lake, const char *rel)
{
    am_err_t err = {0};
    if (!storage_remove(lake->st, rel, &err))
        am_log_warn("lake", "could not remove an unreferenced file", AM_KV_STR("path", rel),
                    AM_KV_ERR(&err));
}
