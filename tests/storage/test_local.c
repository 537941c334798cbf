/*
 * tests/storage/test_local.c: the local filesystem backend on real files: atomic replace,
 * no-overwrite publish, reads, listing, removal, path checks, and fault injection (the nth
 * write/fsync/rename fails with the armed errno and leaves no half-written target), streaming
 * writes and reads.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/testlib.h"
#include "storage/storage.h"

static storage_t *open_store(const char *test, char **dir)
{
    *dir = amt_tmpdir(test);
    am_err_t err = {0};
    storage_t *st = storage_local_new(*dir, &err);
    cr_assert_not_null(st, "%s", err.msg);
    return st;
}

static char *read_text(storage_t *st, const char *rel)
{
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(storage_read(st, rel, &b, &err), "%s", err.msg);
    char *s = strndup(b.data ? b.data : "", b.len);
    am_buf_destroy(&b);
    return s;
}

/* Entries of dir whose names start with '.' (temp files left behind). */
static bool count_hidden(const char *name, void *ud)
{
    if (name[0] == '.')
        (*(int *)ud)++;
    return true;
}

static int hidden_files(storage_t *st, const char *rel)
{
    int n = 0;
    am_err_t err = {0};
    cr_assert(storage_list(st, rel, count_hidden, &n, &err), "%s", err.msg);
    return n;
}

Test(storage, new_creates_root_and_resolves_it)
{
    char *dir = amt_tmpdir("st_root");
    char *sub = NULL;
    cr_assert(asprintf(&sub, "%s/a/b", dir) > 0);
    am_err_t err = {0};
    storage_t *st = storage_local_new(sub, &err);
    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_str_eq(storage_root(st), sub);
    char *p = storage_path(st, "x/y");
    char *want = NULL;
    cr_assert(asprintf(&want, "%s/x/y", sub) > 0);
    cr_assert_str_eq(p, want);
    free(p);
    free(want);
    storage_free(st);
    storage_free(NULL);
    free(sub);
    free(dir);
}

Test(storage, write_atomic_replaces_and_read_returns_bytes)
{
    char *dir;
    storage_t *st = open_store("st_atomic", &dir);
    am_err_t err = {0};
    cr_assert(storage_mkdirs(st, "m/n", &err), "%s", err.msg);
    cr_assert(storage_write_atomic(st, "m/n/f.txt", "one", 3, &err), "%s", err.msg);
    cr_assert(storage_write_atomic(st, "m/n/f.txt", "second", 6, &err), "%s", err.msg);
    char *s = read_text(st, "m/n/f.txt");
    cr_assert_str_eq(s, "second");
    free(s);
    int64_t size = 0;
    cr_assert(storage_size(st, "m/n/f.txt", &size, &err));
    cr_assert_eq(size, 6);
    cr_assert(storage_exists(st, "m/n/f.txt"));
    cr_assert_not(storage_exists(st, "m/n/g.txt"));
    cr_assert_eq(hidden_files(st, "m/n"), 0, "no temp file is left");
    am_buf_t b;
    am_buf_init(&b);
    cr_assert_not(storage_read(st, "m/n/g.txt", &b, &err));
    cr_assert_str_eq(err.sqlstate, STORAGE_SQLSTATE_MISSING);
    cr_assert_not(storage_size(st, "m/n/g.txt", &size, &err));
    cr_assert_str_eq(err.sqlstate, STORAGE_SQLSTATE_MISSING);
    am_buf_destroy(&b);
    storage_free(st);
    free(dir);
}

Test(storage, publish_never_overwrites)
{
    char *dir;
    storage_t *st = open_store("st_publish", &dir);
    am_err_t err = {0};
    cr_assert(storage_publish(st, "v1.json", "first", 5, &err), "%s", err.msg);
    cr_assert_not(storage_publish(st, "v1.json", "other", 5, &err));
    cr_assert_str_eq(err.sqlstate, STORAGE_SQLSTATE_EXISTS);
    char *s = read_text(st, "v1.json");
    cr_assert_str_eq(s, "first");
    free(s);
    cr_assert_eq(hidden_files(st, ""), 0);
    storage_free(st);
    free(dir);
}

Test(storage, relative_paths_only)
{
    char *dir;
    storage_t *st = open_store("st_paths", &dir);
    am_err_t err = {0};
    cr_assert_not(storage_write_atomic(st, "/etc/x", "a", 1, &err));
    cr_assert_str_eq(err.sqlstate, AM_SQLSTATE_INVALID_PARAMETER);
    cr_assert_not(storage_publish(st, "a/../../x", "a", 1, &err));
    cr_assert_not(storage_mkdirs(st, "./a", &err));
    cr_assert_not(storage_remove(st, "", &err), "the root itself cannot be removed");
    cr_assert_not(storage_exists(st, "../x"));
    storage_free(st);
    free(dir);
}

static bool collect(const char *name, void *ud)
{
    am_buf_t *b = ud;
    am_buf_printf(b, "%s,", name);
    return true;
}

Test(storage, list_remove_and_sync)
{
    char *dir;
    storage_t *st = open_store("st_list", &dir);
    am_err_t err = {0};
    cr_assert(storage_mkdirs(st, "t/data", &err));
    cr_assert(storage_write_atomic(st, "t/data/a", "1", 1, &err));
    am_buf_t names;
    am_buf_init(&names);
    cr_assert(storage_list(st, "t", collect, &names, &err));
    cr_assert_str_eq(names.data, "data,");
    am_buf_reset(&names);
    cr_assert(storage_list(st, "missing", collect, &names, &err), "a missing dir lists nothing");
    cr_assert_eq(names.len, 0);
    am_buf_destroy(&names);
    cr_assert(storage_sync(st, "t/data/a", &err), "%s", err.msg);
    cr_assert_not(storage_sync(st, "t/data/zz", &err));
    cr_assert(storage_remove(st, "t", &err), "%s", err.msg);
    cr_assert_not(storage_exists(st, "t"));
    cr_assert(storage_remove(st, "t", &err), "removing a missing path is fine");
    cr_assert(storage_remove(st, "no/such/dir", &err), "even under missing dirs: %s", err.msg);
    storage_free(st);
    free(dir);
}

Test(storage, nth_write_fails_with_errno_and_leaves_nothing)
{
    char *dir;
    storage_t *st = open_store("st_fault_write", &dir);
    am_err_t err = {0};
    storage_fault_arm(st, STORAGE_OP_WRITE, 2, ENOSPC);
    cr_assert(storage_write_atomic(st, "a", "1", 1, &err), "the first write succeeds");
    cr_assert_not(storage_write_atomic(st, "b", "2", 1, &err));
    cr_assert_str_eq(err.sqlstate, AM_SQLSTATE_DISK_FULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "No space left") != NULL, "%s", err.msg);
    cr_assert_not(storage_exists(st, "b"));
    cr_assert(storage_write_atomic(st, "c", "3", 1, &err), "the fault fires once");
    cr_assert_eq(hidden_files(st, ""), 0);
    storage_free(st);
    free(dir);
}

Test(storage, fsync_and_rename_faults)
{
    char *dir;
    storage_t *st = open_store("st_fault_sync", &dir);
    am_err_t err = {0};
    storage_fault_arm(st, STORAGE_OP_FSYNC, 1, EIO);
    cr_assert_not(storage_publish(st, "p", "x", 1, &err));
    cr_assert_str_eq(err.sqlstate, STORAGE_SQLSTATE_SYNC, "a failed fsync is fatal: %s", err.msg);
    cr_assert(strstr(err.msg, "never retried") != NULL, "%s", err.msg);
    cr_assert_not(storage_exists(st, "p"));
    /* publish: file fsync, then directory fsync after link: failing it is fatal, and the name
     * stays (the directory's state on disk is unknown: no second guess) */
    storage_fault_arm(st, STORAGE_OP_FSYNC, 2, EIO);
    cr_assert_not(storage_publish(st, "p2", "x", 1, &err));
    cr_assert_str_eq(err.sqlstate, STORAGE_SQLSTATE_SYNC, "%s", err.msg);
    cr_assert(storage_exists(st, "p2"), "a failed directory fsync does not undo the link");
    storage_fault_arm(st, STORAGE_OP_RENAME, 1, EXDEV);
    cr_assert_not(storage_publish(st, "p", "x", 1, &err));
    cr_assert_not(storage_exists(st, "p"));
    cr_assert(storage_write_atomic(st, "w", "old", 3, &err));
    storage_fault_arm(st, STORAGE_OP_RENAME, 1, EIO);
    cr_assert_not(storage_write_atomic(st, "w", "new", 3, &err));
    char *s = read_text(st, "w");
    cr_assert_str_eq(s, "old", "a failed replace keeps the old bytes");
    free(s);
    storage_fault_arm(st, STORAGE_OP_FSYNC, 1, EIO);
    storage_fault_arm(st, STORAGE_OP_FSYNC, 0, 0); /* disarmed */
    cr_assert(storage_publish(st, "p", "x", 1, &err), "%s", err.msg);
    cr_assert_eq(hidden_files(st, ""), 0);
    storage_free(st);
    free(dir);
}

Test(storage, writer_streams_into_place_and_reader_reads_pieces)
{
    char *dir;
    storage_t *st = open_store("st_stream", &dir);
    am_err_t err = {0};
    cr_assert(storage_write_atomic(st, "big", "old", 3, &err));
    storage_writer_t *w = storage_writer_open(st, "big", &err);
    cr_assert_not_null(w, "%s", err.msg);
    size_t n = (size_t)3 << 20; /* past the writer's buffer */
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 31 + (i >> 16));
    cr_assert(storage_writer_write(w, data, 10, &err), "%s", err.msg);
    cr_assert(storage_writer_write(w, data + 10, n - 10, &err), "%s", err.msg);
    char *s = read_text(st, "big");
    cr_assert_str_eq(s, "old", "nothing replaced before commit");
    free(s);
    cr_assert(storage_writer_commit(w, &err), "%s", err.msg);
    cr_assert_eq(hidden_files(st, ""), 0);

    int64_t size = 0;
    storage_reader_t *r = storage_reader_open(st, "big", &size, &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(size, (int64_t)n);
    char *back = malloc(n);
    cr_assert(storage_reader_read(r, back, 7, &err), "%s", err.msg);
    cr_assert(storage_reader_read(r, back + 7, n - 7, &err), "%s", err.msg);
    cr_assert(memcmp(back, data, n) == 0);
    cr_assert_not(storage_reader_read(r, back, 1, &err), "a read past the end fails");
    cr_assert(strstr(err.msg, "ended early") != NULL, "%s", err.msg);
    storage_reader_close(r);
    cr_assert_null(storage_reader_open(st, "none", &size, &err));
    cr_assert_str_eq(err.sqlstate, STORAGE_SQLSTATE_MISSING);

    w = storage_writer_open(st, "big", &err);
    cr_assert_not_null(w, "%s", err.msg);
    cr_assert(storage_writer_write(w, "x", 1, &err));
    storage_writer_abort(w);
    storage_fault_arm(st, STORAGE_OP_FSYNC, 1, EIO);
    w = storage_writer_open(st, "big", &err);
    cr_assert_not_null(w, "%s", err.msg);
    cr_assert(storage_writer_write(w, "y", 1, &err));
    cr_assert_not(storage_writer_commit(w, &err));
    cr_assert_eq(hidden_files(st, ""), 0, "abort and a failed commit leave no temp file");
    r = storage_reader_open(st, "big", &size, &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(size, (int64_t)n, "the committed file stays");
    storage_reader_close(r);
    free(back);
    free(data);
    storage_free(st);
    free(dir);
}
