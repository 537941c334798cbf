/*
 * config/numbers.c: the keys that hold numbers and switches rather than text: booleans
 * (YAML 1.1's true/false, yes/no, on/off), counts, byte sizes as PostgreSQL writes them
 * ("128MB", "64kB", or plain bytes) and milliseconds, each within its field's range. Same
 * message shape as every key, whether the value came from the file or the environment:
 *   config.yaml:9: key "lake.compaction.max_small_files": expected an integer 2-100000, got "1"
 * Must not: know what the numbers are for.
 */
#include "config/config_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

bool config__kind_is_text(config__kind_t kind)
{
    return kind == CONFIG__STRING || kind == CONFIG__SECRET || kind == CONFIG__IDENT ||
           kind == CONFIG__PATH;
}

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
    case CONFIG__BOOL:
        return "true or false";
    case CONFIG__COUNT:
        (void)snprintf(buf, cap, "an integer %" PRId64 "-%" PRId64, f->min, f->max);
        return buf;
    case CONFIG__MS:
        (void)snprintf(buf, cap, "an integer number of milliseconds %" PRId64 "-%" PRId64, f->min,
                       f->max);
        return buf;
    case CONFIG__BYTES:
        bytes_show(f->min, lo, sizeof lo);
        bytes_show(f->max, hi, sizeof hi);
        (void)snprintf(buf, cap, "a size from %s to %s (bytes, or a number with kB, MB, GB, TB)",
                       lo, hi);
        return buf;
    default:
        return config__kind_expect(f->kind);
    }
}

static bool parse_bool(const char *text, size_t len, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    for (size_t i = 0; i < AM_ARRAY_LEN(yes); i++) {
        if (strlen(yes[i]) == len && strncasecmp(text, yes[i], len) == 0) {
            *out = true;
            return true;
        }
        if (strlen(no[i]) == len && strncasecmp(text, no[i], len) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Decimal digits (no sign), at most 18 of them; *used is how many bytes they took. */
static bool parse_digits(const char *text, size_t len, int64_t *out, size_t *used)
{
    size_t i = 0;
    int64_t v = 0;
    while (i < len && text[i] >= '0' && text[i] <= '9' && i < 18)
        v = v * 10 + (text[i++] - '0');
    if (i == 0 || (i < len && text[i] >= '0' && text[i] <= '9'))
        return false;
    *out = v;
    *used = i;
    return true;
}

static bool parse_int(const char *text, size_t len, int64_t *out)
{
    size_t used = 0;
    return parse_digits(text, len, out, &used) && used == len;
}

/* "128MB", "128 MB", "64kB", "4096": units are powers of 1024, as PostgreSQL's. */
static bool parse_bytes(const char *text, size_t len, int64_t *out)
{
    static const char *const units[] = {"b", "kb", "mb", "gb", "tb"};
    int64_t v = 0;
    size_t i = 0;
    if (!parse_digits(text, len, &v, &i))
        return false;
    while (i < len && text[i] == ' ')
        i++;
    if (i == len) {
        *out = v;
        return true;
    }
    for (size_t u = 0; u < AM_ARRAY_LEN(units); u++) {
        if (len - i != strlen(units[u]) || strncasecmp(text + i, units[u], len - i) != 0)
            continue;
        int shift = 10 * (int)u;
        if (v > (INT64_MAX >> shift))
            return false;
        *out = v << shift;
        return true;
    }
    return false;
}

bool config__number_set(config_t *cfg, const config__field_t *f, const char *text, size_t len,
                        const char *where, am_err_t *err)
{
    char *slot = (char *)cfg + f->offset;
    int64_t v = 0;
    bool b = false, ok;
    if (f->kind == CONFIG__BOOL)
        ok = parse_bool(text, len, &b);
    else if (f->kind == CONFIG__BYTES)
        ok = parse_bytes(text, len, &v) && v >= f->min && v <= f->max;
    else
        ok = parse_int(text, len, &v) && v >= f->min && v <= f->max;
    if (!ok) {
        char shown[72], expect[160];
        config__show(shown, sizeof shown, text, len);
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s, got \"%s\"", where,
                          config__field_expect(f, expect, sizeof expect), shown);
    }
    if (f->kind == CONFIG__BOOL) {
        memcpy(slot, &b, sizeof b);
    } else if (f->kind == CONFIG__COUNT) {
        int n = (int)v;
        memcpy(slot, &n, sizeof n);
    } else {
        memcpy(slot, &v, sizeof v);
    }
    return true;
}
