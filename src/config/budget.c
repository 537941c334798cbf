/*
 * config/budget.c: the keys that bound the write path's flush cadence and memory:
 * mirror.flush_interval (a duration: "250ms", "1s", "2min"; a bare number is milliseconds),
 * mirror.flush_rows (a row count) and mirror.max_memory (a size: "64MB", "1GB", "512kB"; a
 * bare number is bytes), each with an environment override (MIRROR_FLUSH_INTERVAL,
 * MIRROR_FLUSH_ROWS, MIRROR_MAX_MEMORY) checked the same way and named in its message:
 *   config.yaml:9: key "mirror.max_memory": expected a size from 16MB to 1TB ("256MB", "1GB"),
 *   got "2"
 * Must not: know what the write path does with them.
 */
#include "config/config.h"
#include "config/config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INTERVAL_MIN_MS 10
#define INTERVAL_MAX_MS 3600000
#define ROWS_MAX INT64_C(1000000000)
#define MEMORY_MIN (INT64_C(16) << 20)
#define MEMORY_MAX (INT64_C(1) << 40)

#define EXPECT_INTERVAL "a duration from 10ms to 1h (\"250ms\", \"1s\")"
#define EXPECT_ROWS "an integer from 1 to 1000000000"
#define EXPECT_MEMORY "a size from 16MB to 1TB (\"256MB\", \"1GB\")"

typedef struct unit {
    const char *name;
    int64_t factor;
} unit_t;

static const unit_t plain[] = {{"", 1}};
static const unit_t time_units[] = {
    {"", 1}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}};
static const unit_t size_units[] = {{"", 1},
                                    {"B", 1},
                                    {"kB", INT64_C(1) << 10},
                                    {"MB", INT64_C(1) << 20},
                                    {"GB", INT64_C(1) << 30},
                                    {"TB", INT64_C(1) << 40}};

/* Digits, optional spaces, then one of units (case-insensitive); *out = number * factor, at
 * most max. */
static bool parse_scaled(const char *s, size_t len, const unit_t *units, size_t n_units,
                         int64_t max, int64_t *out)
{
    size_t i = 0;
    int64_t v = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > max)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (i == 0 || i > 13)
        return false;
    while (i < len && s[i] == ' ')
        i++;
    for (size_t u = 0; u < n_units; u++) {
        if (len - i != strlen(units[u].name) || strncasecmp(s + i, units[u].name, len - i) != 0)
            continue;
        if (v > max / units[u].factor)
            return false;
        *out = v * units[u].factor;
        return true;
    }
    return false;
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
        if (!parse_scaled(s, len, time_units, AM_ARRAY_LEN(time_units), INTERVAL_MAX_MS, &v) ||
            v < INTERVAL_MIN_MS)
            return bad(where, EXPECT_INTERVAL, s, len, err);
        cfg->mirror.flush_interval_ms = (int)v;
        return true;
    }
    if (strcmp(key, "flush_rows") == 0) {
        if (!parse_scaled(s, len, plain, AM_ARRAY_LEN(plain), ROWS_MAX, &v) || v < 1)
            return bad(where, EXPECT_ROWS, s, len, err);
        cfg->mirror.flush_rows = v;
        return true;
    }
    if (strcmp(key, "max_memory") == 0) {
        if (!parse_scaled(s, len, size_units, AM_ARRAY_LEN(size_units), MEMORY_MAX, &v) ||
            v < MEMORY_MIN)
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
