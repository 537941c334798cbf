/*
 * storage/storage.h: bytes at paths relative to a root. Local filesystem now (fsync, atomic
 * rename, no-overwrite publish with link(2)); S3 later behind the same calls. Knows nothing of
 * Iceberg. A storage_t may be shared by threads: every call is independent, except the fault
 * injection setters, which tests call before use.
 */
#ifndef AM_STORAGE_H
#define AM_STORAGE_H

#include "util/util.h"

/* Commit conflict: the no-overwrite publish found the name taken (another writer won). */
#define STORAGE_SQLSTATE_EXISTS "40001"
/* A read of a missing file. */
#define STORAGE_SQLSTATE_MISSING "58P01"
/* An fsync failed: what the file or directory holds on disk is unknown (the kernel may have
 * dropped the dirty pages and a second fsync would report success), so it is never retried.
 * The write path stops and exits non-zero; a restart begins from the last durable watermark. */
#define STORAGE_SQLSTATE_SYNC "XX000"

typedef struct storage storage_t;

/* Creates root (mkdir -p) if missing and checks it is a writable directory. */
storage_t *storage_local_new(const char *root, am_err_t *err) AM_MUST_CHECK;
void storage_free(storage_t *st); /* NULL is a no-op */

/* Absolute root path without trailing slash (borrowed, valid until storage_free). */
const char *storage_root(const storage_t *st);
/* Absolute path of rel; the caller frees. */
char *storage_path(const storage_t *st, const char *rel);

/* Replace-or-create rel with data: temp file, fsync, rename, fsync the directory. */
bool storage_write_atomic(storage_t *st, const char *rel, const void *data, size_t len,
                          am_err_t *err) AM_MUST_CHECK;
/*
 * Create rel with data only if it does not exist: temp file, fsync, link(2), fsync the
 * directory. A taken name fails with STORAGE_SQLSTATE_EXISTS and leaves the old file intact.
 * When the directory fsync after the link fails (STORAGE_SQLSTATE_SYNC) the name stays: the
 * directory's state on disk is unknown either way, and only a restart may look again.
 */
bool storage_publish(storage_t *st, const char *rel, const void *data, size_t len,
                     am_err_t *err) AM_MUST_CHECK;
/*
 * The same as storage_write_atomic for files too large to build in memory: bytes stream into
 * a temp file beside rel; commit fsyncs it, renames it over rel and fsyncs the directory;
 * abort removes it. Commit and abort free w (abort takes NULL). One thread per writer.
 */
typedef struct storage_writer storage_writer_t;
storage_writer_t *storage_writer_open(storage_t *st, const char *rel, am_err_t *err) AM_MUST_CHECK;
bool storage_writer_write(storage_writer_t *w, const void *data, size_t len,
                          am_err_t *err) AM_MUST_CHECK;
bool storage_writer_commit(storage_writer_t *w, am_err_t *err) AM_MUST_CHECK;
void storage_writer_abort(storage_writer_t *w);
/* Reading a file in pieces: *size is its length; missing fails with STORAGE_SQLSTATE_MISSING.
 * A read past the end fails (58030). One thread per reader. */
typedef struct storage_reader storage_reader_t;
storage_reader_t *storage_reader_open(storage_t *st, const char *rel, int64_t *size,
                                      am_err_t *err) AM_MUST_CHECK;
bool storage_reader_read(storage_reader_t *r, void *data, size_t len, am_err_t *err) AM_MUST_CHECK;
void storage_reader_close(storage_reader_t *r); /* NULL is a no-op */
/* Whole file appended to out; missing fails with STORAGE_SQLSTATE_MISSING. */
bool storage_read(storage_t *st, const char *rel, am_buf_t *out, am_err_t *err) AM_MUST_CHECK;
bool storage_exists(storage_t *st, const char *rel);
bool storage_size(storage_t *st, const char *rel, int64_t *size, am_err_t *err) AM_MUST_CHECK;
/* Last modification time, Unix milliseconds; missing fails with STORAGE_SQLSTATE_MISSING. */
bool storage_mtime_ms(storage_t *st, const char *rel, int64_t *ms, am_err_t *err) AM_MUST_CHECK;
/* Sets rel's modification time to now (its bytes unchanged); missing is fine. */
bool storage_touch(storage_t *st, const char *rel, am_err_t *err) AM_MUST_CHECK;
/* fsync a file some other writer (DuckDB) produced, and its directory. */
bool storage_sync(storage_t *st, const char *rel, am_err_t *err) AM_MUST_CHECK;
bool storage_mkdirs(storage_t *st, const char *rel, am_err_t *err) AM_MUST_CHECK;
/* Names (not paths) of the entries of directory rel, "." and ".." excluded; a missing
 * directory lists nothing. fn returns false to stop. */
bool storage_list(storage_t *st, const char *rel, bool (*fn)(const char *name, void *ud), void *ud,
                  am_err_t *err) AM_MUST_CHECK;
/* Removes a file or a whole tree; missing is fine. */
bool storage_remove(storage_t *st, const char *rel, am_err_t *err) AM_MUST_CHECK;

/*
 * Fault injection for tests: wraps the real backend, never replaces it. The nth (1-based)
 * call of op from now fails with errnum before touching anything; 0 disarms.
 */
typedef enum storage_op {
    STORAGE_OP_WRITE = 0,
    STORAGE_OP_FSYNC,
    STORAGE_OP_RENAME,
    STORAGE_OP_COUNT_,
} storage_op_t;
void storage_fault_arm(storage_t *st, storage_op_t op, int nth, int errnum);

#endif /* AM_STORAGE_H */
