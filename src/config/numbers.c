/*
 * config/numbers.c: what a number key accepts, said with its range, and byte sizes kept as
 * numbers (CONFIG__BYTES: "128MB", "512 kB" or plain bytes, units powers of 1024 as
 * PostgreSQL's, within the field's range). Same message shape as every key, whether the value
 * came from the file or the environment:
 *   config.yaml:9: key "lake.compaction.max_small_files": expected an integer 2-100000, got "1"
 * Must not: know what the numbers are for.
 */
#include "config/config_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* 134217728 -> "128MB": the largest unit that divides it. */
static void bytes_show(int64_t v, char *out, size_t cap)
{
    static const char *const units[] = {"TB", "GB", "MB", "kB"};
    for (size_t i = 0; i < AM_ARRAY_LEN(units); i++) {
        int64_t unit = INT64_C(1) << (10 * (4 - (int)i));
        if (v >= unit && v % unit == 0) {
            (void)snprintf(out, cap, "%" PRId64 "%s", v / unit, units[i]);
            return;
        }
    }
    (void)snprintf(out, cap, "%" PRId64 "B", v);
}

const char *config__field_expect(const config__field_t *f, char *buf, size_t cap)
{
    char lo[32], hi[32];
    switch (f->kind) {
    case CONFIG__INT:
        (void)snprintf(buf, cap, "an integer %" PRId64 "-%" PRId64, f->lo, f->hi);
        return buf;
    case CONFIG__MS:
        if (f->hi <= 0)
            break;
        (void)snprintf(buf, cap,
                       "a duration of %" PRId64 "-%" PRId64
                       " ms such as 250ms, 10s or 5min (a bare number is milliseconds)",
                       f->lo, f->hi);
        return buf;
    case CONFIG__BYTES:
        bytes_show(f->lo, lo, sizeof lo);
        bytes_show(f->hi, hi, sizeof hi);
        (void)snprintf(buf, cap, "a size from %s to %s (bytes, or a number with kB, MB, GB, TB)",
                       lo, hi);
        return buf;
    default:
        break;
    }
    return config__kind_expect(f->kind);
}

bool config__bytes_set(config_t *cfg, const config__field_t *f, const char *text, size_t len,
                       const char *where, am_err_t *err)
{
    char buf[48];
    uint64_t v = 0;
    bool ok = len > 0 && len < sizeof buf && !memchr(text, '\0', len);
    if (ok) {
        memcpy(buf, text, len);
        buf[len] = '\0';
        ok = am_size_parse(buf, &v) && v >= (uint64_t)f->lo && v <= (uint64_t)f->hi;
    }
    if (!ok) {
        char shown[72], expect[160];
        config__show(shown, sizeof shown, text, len);
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s, got \"%s\"", where,
                          config__field_expect(f, expect, sizeof expect), shown);
    }
    int64_t bytes = (int64_t)v;
    memcpy((char *)cfg + f->offset, &bytes, sizeof bytes);
    return true;
}
