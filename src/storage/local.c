/*
 * storage/local.c: the local filesystem backend of storage.h. Bytes at paths relative to one
 * root directory; knows nothing of Iceberg.
 *
 * Durability: every file is written to a unique temp name beside its target, fsynced, then
 * moved into place (rename(2) to replace, link(2) to publish without overwrite), and the
 * directory is fsynced so the new name survives a crash. A failed fsync is never retried and
 * never "undone" (STORAGE_SQLSTATE_SYNC): after it the kernel may have dropped the dirty pages
 * and cleared the error, so nothing said about the file or directory would be true; the
 * caller stops. A publish whose directory fsync fails keeps its name.
 *
 * Fault injection wraps the real calls: the nth write, fsync or rename/link from arming fails
 * with the armed errno before touching anything (tests prove commits survive it).
 */
#include "storage/storage.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

struct storage {
    char *root;                                /* absolute, no trailing slash */
    _Atomic int fault_left[STORAGE_OP_COUNT_]; /* calls until the fault fires; 0 = disarmed */
    _Atomic int fault_errno[STORAGE_OP_COUNT_];
};

void storage_fault_arm(storage_t *st, storage_op_t op, int nth, int errnum)
{
    AM_ASSERT(op >= 0 && op < STORAGE_OP_COUNT_);
    atomic_store(&st->fault_errno[op], errnum);
    atomic_store(&st->fault_left[op], nth > 0 ? nth : 0);
}

/* True (with errno set to the armed value) when this call of op is the one to fail. */
static bool fault_fires(storage_t *st, storage_op_t op)
{
    int left = atomic_load(&st->fault_left[op]);
    while (left > 0) {
        if (atomic_compare_exchange_weak(&st->fault_left[op], &left, left - 1)) {
            if (left != 1)
                return false;
            errno = atomic_load(&st->fault_errno[op]);
            return true;
        }
    }
    return false;
}

/* Relative paths only, and no "." or ".." components: callers must stay under the root. */
static bool rel_check(const char *rel, am_err_t *err)
{
    if (rel[0] == '/')
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "storage path \"%s\" must be relative", rel);
    const char *p = rel;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                              "storage path \"%s\" has a \".\" or \"..\" component", rel);
        p += n;
        while (*p == '/')
            p++;
    }
    return true;
}

char *storage_path(const storage_t *st, const char *rel)
{
    if (rel[0] == '\0')
        return am_xstrdup(st->root);
    return am_xasprintf("%s/%s", st->root, rel);
}

const char *storage_root(const storage_t *st)
{
    return st->root;
}

/* Directory part of path (the caller frees); "/" for a file at the root of the filesystem. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return am_xstrdup("/");
    return am_xstrndup(path, (size_t)(slash - path));
}

static bool fsync_fd(storage_t *st, int fd, const char *path, am_err_t *err)
{
    if (fault_fires(st, STORAGE_OP_FSYNC) || fsync(fd) != 0)
        return am_err_set(err, STORAGE_SQLSTATE_SYNC,
                          "could not fsync \"%s\": %s (its contents on disk are unknown; "
                          "never retried)",
                          path, strerror(errno));
    return true;
}

static bool fsync_path(storage_t *st, const char *path, bool dir, am_err_t *err)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return am_err_errno(err, errno, "could not open \"%s\"", path);
    bool ok = fsync_fd(st, fd, path, err);
    close(fd);
    return ok;
}

static bool fsync_dir_of(storage_t *st, const char *path, am_err_t *err)
{
    char *dir = dir_of(path);
    bool ok = fsync_path(st, dir, true, err);
    free(dir);
    return ok;
}

static bool write_all(storage_t *st, int fd, const char *path, const void *data, size_t len,
                      am_err_t *err)
{
    if (fault_fires(st, STORAGE_OP_WRITE))
        return am_err_errno(err, errno, "could not write \"%s\"", path);
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return am_err_errno(err, errno, "could not write \"%s\"", path);
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Writes data to a fresh temp file beside path and fsyncs it; returns its path (the caller
 * frees) or NULL with err. */
static char *write_temp(storage_t *st, const char *path, const void *data, size_t len,
                        am_err_t *err)
{
    char *dir = dir_of(path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *tmp = am_xasprintf("%s/.%s.%016llx.tmp", dir, base, (unsigned long long)am_random_id53());
    free(dir);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        am_err_errno(err, errno, "could not create \"%s\"", tmp);
        free(tmp);
        return NULL;
    }
    bool ok = write_all(st, fd, tmp, data, len, err) && fsync_fd(st, fd, tmp, err);
    if (close(fd) != 0 && ok)
        ok = am_err_errno(err, errno, "could not close \"%s\"", tmp);
    if (!ok) {
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

bool storage_write_atomic(storage_t *st, const char *rel, const void *data, size_t len,
                          am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    char *path = storage_path(st, rel);
    char *tmp = write_temp(st, path, data, len, err);
    bool ok = tmp != NULL;
    if (tmp && (fault_fires(st, STORAGE_OP_RENAME) || rename(tmp, path) != 0)) {
        ok = am_err_errno(err, errno, "could not rename \"%s\" to \"%s\"", tmp, path);
        unlink(tmp);
    }
    if (ok)
        ok = fsync_dir_of(st, path, err);
    free(tmp);
    free(path);
    return ok;
}

/* ---- streaming -------------------------------------------------------------------------- */

#define WRITER_BUF ((size_t)1 << 20)

struct storage_writer {
    storage_t *st;
    char *path; /* the target */
    char *tmp;  /* the temp file beside it */
    int fd;
    char *buf; /* bytes not yet written */
    size_t len;
};

storage_writer_t *storage_writer_open(storage_t *st, const char *rel, am_err_t *err)
{
    if (!rel_check(rel, err))
        return NULL;
    storage_writer_t *w = am_xcalloc(1, sizeof *w);
    w->st = st;
    w->path = storage_path(st, rel);
    char *dir = dir_of(w->path);
    const char *base = strrchr(w->path, '/') + 1;
    w->tmp = am_xasprintf("%s/.%s.%016llx.tmp", dir, base, (unsigned long long)am_random_id53());
    free(dir);
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        am_err_errno(err, errno, "could not create \"%s\"", w->tmp);
        free(w->tmp);
        w->tmp = NULL;
        storage_writer_abort(w);
        return NULL;
    }
    w->buf = am_xmalloc(WRITER_BUF);
    return w;
}

static bool writer_drain(storage_writer_t *w, am_err_t *err)
{
    bool ok = w->len == 0 || write_all(w->st, w->fd, w->tmp, w->buf, w->len, err);
    w->len = 0;
    return ok;
}

bool storage_writer_write(storage_writer_t *w, const void *data, size_t len, am_err_t *err)
{
    const char *p = data;
    while (len > 0) {
        size_t n = WRITER_BUF - w->len < len ? WRITER_BUF - w->len : len;
        memcpy(w->buf + w->len, p, n);
        w->len += n;
        p += n;
        len -= n;
        if (w->len == WRITER_BUF && !writer_drain(w, err))
            return false;
    }
    return true;
}

bool storage_writer_commit(storage_writer_t *w, am_err_t *err)
{
    bool ok = writer_drain(w, err) && fsync_fd(w->st, w->fd, w->tmp, err);
    if (close(w->fd) != 0 && ok)
        ok = am_err_errno(err, errno, "could not close \"%s\"", w->tmp);
    w->fd = -1;
    if (ok && (fault_fires(w->st, STORAGE_OP_RENAME) || rename(w->tmp, w->path) != 0))
        ok = am_err_errno(err, errno, "could not rename \"%s\" to \"%s\"", w->tmp, w->path);
    else if (ok) {
        free(w->tmp); /* renamed: nothing to remove */
        w->tmp = NULL;
        ok = fsync_dir_of(w->st, w->path, err);
    }
    storage_writer_abort(w);
    return ok;
}

void storage_writer_abort(storage_writer_t *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp)
        unlink(w->tmp);
    free(w->tmp);
    free(w->path);
    free(w->buf);
    free(w);
}

struct storage_reader {
    char *path;
    int fd;
};

storage_reader_t *storage_reader_open(storage_t *st, const char *rel, int64_t *size, am_err_t *err)
{
    if (!rel_check(rel, err))
        return NULL;
    char *path = storage_path(st, rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (errno == ENOENT)
            am_err_set(err, STORAGE_SQLSTATE_MISSING, "could not open \"%s\": no such file", path);
        else
            am_err_errno(err, errno, "could not open \"%s\"", path);
        if (fd >= 0)
            close(fd);
        free(path);
        return NULL;
    }
    storage_reader_t *r = am_xcalloc(1, sizeof *r);
    r->path = path;
    r->fd = fd;
    *size = (int64_t)sb.st_size;
    return r;
}

bool storage_reader_read(storage_reader_t *r, void *data, size_t len, am_err_t *err)
{
    char *p = data;
    while (len > 0) {
        ssize_t n = read(r->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return am_err_errno(err, errno, "could not read \"%s\"", r->path);
        if (n == 0)
            return am_err_set(err, AM_SQLSTATE_IO, "could not read \"%s\": the file ended early",
                              r->path);
        p += n;
        len -= (size_t)n;
    }
    return true;
}

void storage_reader_close(storage_reader_t *r)
{
    if (!r)
        return;
    close(r->fd);
    free(r->path);
    free(r);
}

/* link(2) tmp to path; EEXIST becomes STORAGE_SQLSTATE_EXISTS (another writer won). */
static bool link_noreplace(storage_t *st, const char *tmp, const char *path, am_err_t *err)
{
    if (!fault_fires(st, STORAGE_OP_RENAME) && link(tmp, path) == 0)
        return true;
    if (errno == EEXIST)
        return am_err_set(err, STORAGE_SQLSTATE_EXISTS, "could not publish \"%s\": already exists",
                          path);
    return am_err_errno(err, errno, "could not link \"%s\" to \"%s\"", tmp, path);
}

bool storage_publish(storage_t *st, const char *rel, const void *data, size_t len, am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    char *path = storage_path(st, rel);
    char *tmp = write_temp(st, path, data, len, err);
    bool ok = tmp != NULL;
    if (tmp) {
        ok = link_noreplace(st, tmp, path, err);
        unlink(tmp);
        free(tmp);
    }
    /* Not known durable: the name stays (unlinking would be a second guess at a directory
     * whose state on disk is unknown); the caller stops on STORAGE_SQLSTATE_SYNC. */
    if (ok)
        ok = fsync_dir_of(st, path, err);
    free(path);
    return ok;
}

bool storage_read(storage_t *st, const char *rel, am_buf_t *out, am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    char *path = storage_path(st, rel);
    bool ok = true;
    if (!am_path_exists(path))
        ok = am_err_set(err, STORAGE_SQLSTATE_MISSING, "could not open \"%s\": no such file", path);
    else
        ok = am_file_read_all(path, out, err);
    free(path);
    return ok;
}

bool storage_exists(storage_t *st, const char *rel)
{
    if (!rel_check(rel, NULL))
        return false;
    char *path = storage_path(st, rel);
    struct stat sb;
    bool found = stat(path, &sb) == 0;
    free(path);
    return found;
}

bool storage_size(storage_t *st, const char *rel, int64_t *size, am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    char *path = storage_path(st, rel);
    struct stat sb;
    bool ok = true;
    if (stat(path, &sb) != 0)
        ok = errno == ENOENT ? am_err_set(err, STORAGE_SQLSTATE_MISSING,
                                          "could not stat \"%s\": no such file", path)
                             : am_err_errno(err, errno, "could not stat \"%s\"", path);
    else
        *size = (int64_t)sb.st_size;
    free(path);
    return ok;
}

bool storage_mtime_ms(storage_t *st, const char *rel, int64_t *ms, am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    char *path = storage_path(st, rel);
    struct stat sb;
    bool ok = true;
    if (stat(path, &sb) != 0)
        ok = errno == ENOENT ? am_err_set(err, STORAGE_SQLSTATE_MISSING,
                                          "could not stat \"%s\": no such file", path)
                             : am_err_errno(err, errno, "could not stat \"%s\"", path);
    else
        *ms = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
    free(path);
    return ok;
}

bool storage_touch(storage_t *st, const char *rel, am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    char *path = storage_path(st, rel);
    bool ok = utimensat(AT_FDCWD, path, NULL, 0) == 0 || errno == ENOENT ||
              am_err_errno(err, errno, "could not touch \"%s\"", path);
    free(path);
    return ok;
}

bool storage_sync(storage_t *st, const char *rel, am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    char *path = storage_path(st, rel);
    bool ok = fsync_path(st, path, false, err) && fsync_dir_of(st, path, err);
    free(path);
    return ok;
}

/* mkdir one level; a new directory is made durable by fsyncing its parent. */
static bool mkdir_one(storage_t *st, const char *path, am_err_t *err)
{
    if (mkdir(path, 0755) == 0)
        return fsync_dir_of(st, path, err);
    if (errno != EEXIST)
        return am_err_errno(err, errno, "could not create directory \"%s\"", path);
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return am_err_set(err, AM_SQLSTATE_IO, "\"%s\" exists and is not a directory", path);
    return true;
}

/* mkdir -p of an absolute path, starting after the first `skip` bytes (already present). */
static bool mkdirs_abs(storage_t *st, const char *abs, size_t skip, am_err_t *err)
{
    char *tmp = am_xstrdup(abs);
    size_t len = strlen(tmp);
    bool ok = true;
    for (size_t i = skip + 1; ok && i <= len; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        char saved = tmp[i];
        tmp[i] = '\0';
        if (tmp[i - 1] != '/')
            ok = mkdir_one(st, tmp, err);
        tmp[i] = saved;
    }
    free(tmp);
    return ok;
}

bool storage_mkdirs(storage_t *st, const char *rel, am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    if (rel[0] == '\0')
        return true;
    char *path = storage_path(st, rel);
    bool ok = mkdirs_abs(st, path, strlen(st->root), err);
    free(path);
    return ok;
}

bool storage_list(storage_t *st, const char *rel, bool (*fn)(const char *name, void *ud), void *ud,
                  am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    char *path = storage_path(st, rel);
    DIR *d = opendir(path);
    if (!d) {
        bool ok = errno == ENOENT
                      ? true
                      : am_err_errno(err, errno, "could not open directory \"%s\"", path);
        free(path);
        return ok;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!fn(e->d_name, ud))
            break;
    }
    closedir(d);
    free(path);
    return true;
}

bool storage_remove(storage_t *st, const char *rel, am_err_t *err)
{
    if (!rel_check(rel, err))
        return false;
    if (rel[0] == '\0')
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "refusing to remove the storage root");
    char *path = storage_path(st, rel);
    struct stat sb;
    bool existed = lstat(path, &sb) == 0;
    bool ok = am_remove_tree(path, err) && (!existed || fsync_dir_of(st, path, err));
    free(path);
    return ok;
}

/* The root must take new files: create and remove a probe. */
static bool probe_writable(const char *root, am_err_t *err)
{
    char *probe = am_xasprintf("%s/.probe.%016llx", root, (unsigned long long)am_random_id53());
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        bool ok = am_err_errno(err, errno, "directory \"%s\" is not writable", root);
        free(probe);
        return ok;
    }
    close(fd);
    unlink(probe);
    free(probe);
    return true;
}

storage_t *storage_local_new(const char *root, am_err_t *err)
{
    if (!root || !*root) {
        am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER, "storage root is empty");
        return NULL;
    }
    if (!am_mkdir_p(root, err))
        return NULL;
    char *abs = realpath(root, NULL);
    if (!abs) {
        am_err_errno(err, errno, "could not resolve \"%s\"", root);
        return NULL;
    }
    if (!probe_writable(abs, err)) {
        free(abs);
        return NULL;
    }
    storage_t *st = am_xcalloc(1, sizeof *st);
    st->root = am_xstrdup(abs);
    free(abs);
    for (int i = 0; i < STORAGE_OP_COUNT_; i++) {
        atomic_init(&st->fault_left[i], 0);
        atomic_init(&st->fault_errno[i], 0);
    }
    return st;
}

void storage_free(storage_t *st)
{
    if (!st)
        return;
    free(st->root);
    free(st);
}
