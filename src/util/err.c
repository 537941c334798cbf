/*
 * util/err.c: am_err_t, the one error convention, plus the assertion and out-of-memory exits,
 * and the crash tests' fault points.
 */
#include "util/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void am_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "level=error component=util msg=\"assertion failed\" expr=\"%s\" at=%s:%d\n",
            expr, file, line);
    abort();
}

void am_fault_point(const char *name)
{
    const char *want = getenv("AM_FAULT");
    if (!want || strcmp(want, name) != 0)
        return;
    am_log_warn("util", "fault point reached: killing the process", AM_KV_STR("point", name));
    raise(SIGKILL);
}

bool am_err_set(am_err_t *err, const char *sqlstate, const char *fmt, ...)
{
    if (!err)
        return false;
    snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate ? sqlstate : AM_SQLSTATE_INTERNAL);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return false;
}

void am_err_prefix(am_err_t *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* built by hand: the message is cut at the end on purpose when it overflows */
    char old[sizeof err->msg];
    memcpy(old, err->msg, sizeof old);
    size_t plen = strlen(prefix), olen = strnlen(old, sizeof old - 1), cap = sizeof err->msg - 1;
    size_t n = 0;
    memcpy(err->msg, prefix, plen < cap ? plen : cap);
    n = plen < cap ? plen : cap;
    for (const char *sep = ": "; *sep && n < cap; sep++)
        err->msg[n++] = *sep;
    size_t take = olen < cap - n ? olen : cap - n;
    memcpy(err->msg + n, old, take);
    err->msg[n + take] = '\0';
}

bool am_err_errno(am_err_t *err, int errnum, const char *fmt, ...)
{
    if (!err)
        return false;
    char ctx[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof ctx, fmt, ap);
    va_end(ap);
    const char *state =
        (errnum == ENOSPC || errnum == EDQUOT) ? AM_SQLSTATE_DISK_FULL : AM_SQLSTATE_IO;
    return am_err_set(err, state, "%s: %s", ctx, strerror(errnum));
}

static AM_NORETURN void oom(size_t n)
{
    fprintf(stderr, "level=error component=util msg=\"out of memory\" bytes=%zu\n", n);
    abort();
}

void *am_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *am_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *am_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *am_xstrdup(const char *s)
{
    return am_xstrndup(s, strlen(s));
}

char *am_xstrndup(const char *s, size_t n)
{
    char *p = am_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *am_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom(0);
    return s;
}
