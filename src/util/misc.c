/*
 * util/misc.c: randomness, UUIDs, SQL quoting, small file helpers, type names and the stack
 * that is left.
 */
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

void am_random_bytes(void *p, size_t n)
{
    uint8_t *b = p;
    while (n > 0) {
        ssize_t got = getrandom(b, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            am_assert_fail("getrandom", __FILE__, __LINE__);
        }
        b += got;
        n -= (size_t)got;
    }
}

void am_uuid4(char out[37])
{
    uint8_t u[16];
    am_random_bytes(u, sizeof u);
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

int64_t am_random_id53(void)
{
    uint64_t v;
    do {
        am_random_bytes(&v, sizeof v);
        v &= (UINT64_C(1) << 53) - 1;
    } while (v == 0);
    return (int64_t)v;
}

void am_sql_ident_suffix(am_buf_t *b, const char *name, size_t n)
{
    am_buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            am_buf_putc(b, '"');
        am_buf_putc(b, *p);
    }
    if (n != SIZE_MAX)
        am_buf_printf(b, "~%zu", n);
    am_buf_putc(b, '"');
}

void am_sql_ident(am_buf_t *b, const char *name)
{
    am_sql_ident_suffix(b, name, SIZE_MAX);
}

void am_sql_literal(am_buf_t *b, const char *s)
{
    am_buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            am_buf_putc(b, '\'');
        am_buf_putc(b, *p);
    }
    am_buf_putc(b, '\'');
}

bool am_file_read_all(const char *path, am_buf_t *b, am_err_t *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return am_err_errno(err, errno, "could not open \"%s\"", path);
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return am_err_errno(err, e, "could not read \"%s\"", path);
        }
        if (n == 0)
            break;
        am_buf_append(b, chunk, (size_t)n);
    }
    close(fd);
    return true;
}

bool am_mkdir_p(const char *path, am_err_t *err)
{
    char *tmp = am_xstrdup(path);
    size_t len = strlen(tmp);
    for (size_t i = 1; i <= len; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        char saved = tmp[i];
        tmp[i] = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            bool ok = am_err_errno(err, e, "could not create directory \"%s\"", tmp);
            free(tmp);
            return ok;
        }
        tmp[i] = saved;
    }
    free(tmp);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return am_err_set(err, AM_SQLSTATE_IO, "\"%s\" exists and is not a directory", path);
    return true;
}

bool am_remove_tree(const char *path, am_err_t *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? true : am_err_errno(err, errno, "could not stat \"%s\"", path);
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return am_err_errno(err, errno, "could not open directory \"%s\"", path);
        struct dirent *e;
        bool ok = true;
        while (ok && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *child = am_xasprintf("%s/%s", path, e->d_name);
            ok = am_remove_tree(child, err);
            free(child);
        }
        closedir(d);
        if (!ok)
            return false;
        if (rmdir(path) != 0)
            return am_err_errno(err, errno, "could not remove directory \"%s\"", path);
        return true;
    }
    if (unlink(path) != 0 && errno != ENOENT)
        return am_err_errno(err, errno, "could not remove \"%s\"", path);
    return true;
}

bool am_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

const char *am_type_name(am_type_t t)
{
    switch (t) {
    case AM_TYPE_BOOL:
        return "bool";
    case AM_TYPE_INT16:
        return "int16";
    case AM_TYPE_INT32:
        return "int32";
    case AM_TYPE_INT64:
        return "int64";
    case AM_TYPE_FLOAT32:
        return "float32";
    case AM_TYPE_FLOAT64:
        return "float64";
    case AM_TYPE_DECIMAL:
        return "decimal";
    case AM_TYPE_STRING:
        return "string";
    case AM_TYPE_BINARY:
        return "binary";
    case AM_TYPE_DATE:
        return "date";
    case AM_TYPE_TIME:
        return "time";
    case AM_TYPE_TIMESTAMP:
        return "timestamp";
    case AM_TYPE_TIMESTAMPTZ:
        return "timestamptz";
    case AM_TYPE_UUID:
        return "uuid";
    case AM_TYPE_LIST:
        return "list";
    }
    return "unknown";
}

am_coltype_t am_coltype_elem(am_coltype_t list)
{
    AM_ASSERT(list.type == AM_TYPE_LIST);
    return (am_coltype_t){
        .type = list.elem, .precision = list.precision, .scale = list.scale, .elem = 0};
}

bool am_coltype_equal(am_coltype_t a, am_coltype_t b)
{
    if (a.type != b.type)
        return false;
    if (a.type == AM_TYPE_LIST && a.elem != b.elem)
        return false;
    bool decimal =
        a.type == AM_TYPE_DECIMAL || (a.type == AM_TYPE_LIST && a.elem == AM_TYPE_DECIMAL);
    return !decimal || (a.precision == b.precision && a.scale == b.scale);
}

/* The lowest address of this thread's stack, found once per thread (stacks grow down on
 * every platform the mirror builds for). */
static _Thread_local uintptr_t stack_low;
static _Thread_local bool stack_known;

size_t am_stack_left(void)
{
    if (!stack_known) {
        pthread_attr_t attr;
        void *addr = NULL;
        size_t size = 0;
        stack_known = true;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &addr, &size) == 0 && size > 0)
                stack_low = (uintptr_t)addr;
            pthread_attr_destroy(&attr);
        }
    }
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (!stack_low || here <= stack_low)
        return stack_low ? 0 : SIZE_MAX;
    return (size_t)(here - stack_low);
}
