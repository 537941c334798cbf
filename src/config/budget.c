/*
 * config/budget.c: the keys that bound the write path's flush cadence and memory:
 * mirror.flush_interval (a duration, read by am_duration_ms_parse: "250ms", "1s", "2min"; bare
 * is milliseconds), mirror.flush_rows (a row count) and mirror.max_memory (a size, read by
 * am_size_parse: "64MB", "1GB", "512kB", powers of 1024; bare is bytes). Each has an
 * environment override (MIRROR_FLUSH_INTERVAL, MIRROR_FLUSH_ROWS, MIRROR_MAX_MEMORY) checked
 * the same way and named in its message:
 *   config.yaml:9: key "mirror.max_memory": expected a size from 16MB to 1TB ("256MB", "1GB"),
 *   got "2"
 * Must not: know what the write path does with them.
 */
#include "config/config.h"
#include "config/config_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INTERVAL_MIN_MS 10
#define INTERVAL_MAX_MS 3600000
#define ROWS_MAX INT64_C(1000000000)
#define MEMORY_MIN (INT64_C(16) << 20)
#define MEMORY_MAX (INT64_C(1) << 40)

#define EXPECT_INTERVAL "a duration from 10ms to 1h (\"250ms\", \"1s\")"
#define EXPECT_ROWS "an integer from 1 to 1000000000"
#define EXPECT_MEMORY "a size from 16MB to 1TB (\"256MB\", \"1GB\")"

/* s (len bytes) as a C string in buf (cap bytes); false when it does not fit or holds a NUL. */
static bool terminated(const char *s, size_t len, char *buf, size_t cap)
{
    if (len == 0 || len >= cap || memchr(s, '\0', len))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return true;
}

static bool parse_interval(const char *s, size_t len, int64_t *out)
{
    char buf[48];
    return terminated(s, len, buf, sizeof buf) && am_duration_ms_parse(buf, out) &&
           *out >= INTERVAL_MIN_MS && *out <= INTERVAL_MAX_MS;
}

static bool parse_rows(const char *s, size_t len, int64_t *out)
{
    char buf[48];
    if (!terminated(s, len, buf, sizeof buf) || buf[0] < '0' || buf[0] > '9')
        return false;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end || v < 1 || v > ROWS_MAX)
        return false;
    *out = v;
    return true;
}

static bool parse_memory(const char *s, size_t len, int64_t *out)
{
    char buf[48];
    uint64_t v = 0;
    if (!terminated(s, len, buf, sizeof buf) || !am_size_parse(buf, &v) ||
        v < (uint64_t)MEMORY_MIN || v > (uint64_t)MEMORY_MAX)
        return false;
    *out = (int64_t)v;
    return true;
}

static bool bad(const char *where, const char *expected, const char *s, size_t len, am_err_t *err)
{
    char shown[72];
    config__show(shown, sizeof shown, s, len);
    return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s, got \"%s\"", where, expected,
                      shown);
}

bool config__budget_set(config_t *cfg, const char *key, const char *s, size_t len,
                        const char *where, bool *handled, am_err_t *err)
{
    int64_t v = 0;
    *handled = true;
    if (strcmp(key, "flush_interval") == 0) {
        if (!parse_interval(s, len, &v))
            return bad(where, EXPECT_INTERVAL, s, len, err);
        cfg->mirror.flush_interval_ms = (int)v;
        return true;
    }
    if (strcmp(key, "flush_rows") == 0) {
        if (!parse_rows(s, len, &v))
            return bad(where, EXPECT_ROWS, s, len, err);
        cfg->mirror.flush_rows = v;
        return true;
    }
    if (strcmp(key, "max_memory") == 0) {
        if (!parse_memory(s, len, &v))
            return bad(where, EXPECT_MEMORY, s, len, err);
        cfg->mirror.max_memory = v;
        return true;
    }
    *handled = false;
    return true;
}

static const struct {
    const char *key;
    const char *env;
} envs[] = {{"flush_interval", "MIRROR_FLUSH_INTERVAL"},
            {"flush_rows", "MIRROR_FLUSH_ROWS"},
            {"max_memory", "MIRROR_MAX_MEMORY"}};

bool config__budget_finish(config_t *cfg, bool apply_env, am_err_t *err)
{
    for (size_t i = 0; apply_env && i < AM_ARRAY_LEN(envs); i++) {
        const char *v = getenv(envs[i].env);
        if (!v)
            continue;
        char where[96];
        snprintf(where, sizeof where, "environment variable %s", envs[i].env);
        bool handled = false;
        if (!config__budget_set(cfg, envs[i].key, v, strlen(v), where, &handled, err))
            return false;
    }
    if (cfg->mirror.flush_interval_ms == 0)
        cfg->mirror.flush_interval_ms = CONFIG_FLUSH_INTERVAL_MS;
    if (cfg->mirror.flush_rows == 0)
        cfg->mirror.flush_rows = CONFIG_FLUSH_ROWS;
    if (cfg->mirror.max_memory == 0)
        cfg->mirror.max_memory = CONFIG_MAX_MEMORY;
    return true;
}
