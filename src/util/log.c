/*
 * util/log.c: logfmt lines on stderr, one write(2) per event so threads never interleave.
 * msg is constant; variable data goes in keys; values are quoted when they need it.
 */
#include "util/util.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Atomic int g_level = AM_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

bool am_log_level_parse(const char *s, am_log_level_t *out)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(level_names); i++) {
        if (strcasecmp(s, level_names[i]) == 0) {
            *out = (am_log_level_t)i;
            return true;
        }
    }
    if (strcasecmp(s, "warning") == 0) {
        *out = AM_LOG_WARN;
        return true;
    }
    return false;
}

void am_log_init_from_env(void)
{
    const char *v = getenv("LOG_LEVEL");
    if (!v || !*v)
        return;
    am_log_level_t level;
    if (am_log_level_parse(v, &level)) {
        am_log_set_level(level);
        return;
    }
    am_log_warn("util", "unknown LOG_LEVEL, using info", AM_KV_STR("log_level", v),
                AM_KV_STR("valid", "debug,info,warn,error"));
}

void am_log_set_level(am_log_level_t level)
{
    atomic_store_explicit(&g_level, (int)level, memory_order_relaxed);
}

bool am_log_enabled(am_log_level_t level)
{
    return (int)level >= atomic_load_explicit(&g_level, memory_order_relaxed);
}

static bool needs_quotes(const char *s)
{
    if (!*s)
        return true;
    for (const char *p = s; *p; p++) {
        if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || (unsigned char)*p == 0x7f)
            return true;
    }
    return false;
}

static void put_value(am_buf_t *b, const char *s)
{
    if (!s)
        s = "";
    if (!needs_quotes(s)) {
        am_buf_puts(b, s);
        return;
    }
    am_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\')
            am_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            am_buf_puts(b, "\\n");
        else if (c == '\t')
            am_buf_puts(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            am_buf_printf(b, "\\x%02x", c);
        else
            am_buf_putc(b, (char)c);
    }
    am_buf_putc(b, '"');
}

void am_log_write(am_log_level_t level, const char *component, const char *msg, const am_kv_t *kvs,
                  size_t n_kvs)
{
    char ts[40];
    am_time_format_iso(am_now_us(), ts, sizeof ts);
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, "ts=%s level=%s component=", ts, level_names[level]);
    put_value(&b, component);
    am_buf_puts(&b, " msg=");
    put_value(&b, msg);
    for (size_t i = 1; i < n_kvs; i++) { /* kvs[0] is the macros' placeholder */
        const am_kv_t *kv = &kvs[i];
        am_buf_printf(&b, " %s=", kv->key);
        if (kv->kind == AM_KV_KIND_STR)
            put_value(&b, kv->s);
        else if (kv->kind == AM_KV_KIND_I64)
            am_buf_printf(&b, "%lld", (long long)kv->i);
        else if (kv->kind == AM_KV_KIND_F64)
            am_buf_printf(&b, "%.6g", kv->f);
    }
    am_buf_putc(&b, '\n');
    size_t off = 0;
    while (off < b.len) {
        ssize_t n = write(STDERR_FILENO, b.data + off, b.len - off);
        if (n <= 0)
            break; /* stderr gone: nothing better to do with a log line */
        off += (size_t)n;
    }
    am_buf_destroy(&b);
}
