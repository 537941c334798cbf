/*
 * proxy/pgtz.c: PostgreSQL's time zones (pg_tzset) for the time family (pgfn_time.h): TZif
 * files of the system tzdata, POSIX TZ strings, fixed offsets; the process-wide cache.
 * Must not touch the process's TZ or call localtime(): one zone per call, any thread.
 * Hand-written: no C library reads a named TZif file without the process-wide TZ, and
 * PostgreSQL's own rules (case-insensitive names, empty std abbreviations, the resolution of
 * gaps and overlaps) are not libc's.
 * Spec: RFC 8536 (TZif v2+: 64-bit block and POSIX footer); PostgreSQL's localtime.c (pg_tzset,
 * tzparse, pg_next_dst_boundary) and datetime.c DetermineTimeZoneOffset, read for behaviour.
 *   header: "TZif" ver[1] pad[15] isutcnt istdcnt leapcnt timecnt typecnt charcnt (be32)
 *   v2 body: at[timecnt] be64 | idx[timecnt] u8 | {utoff be32, isdst u8, abbr u8}[typecnt] |
 *            chars | leaps | isstd | isut   then "\n<POSIX TZ>\n"
 */
#include "proxy/pgtz_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TZDIR "/usr/share/zoneinfo"
#define TZ_NAME_MAX 255

typedef struct cache_entry {
    struct cache_entry *next;
    char *key;
    proxy_pgtz_t *z; /* NULL: PostgreSQL rejects the name */
    bool refused;
} cache_entry_t;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry_t *cache_head; /* guarded by cache_lock; entries immortal */

static int64_t be_get(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return n == 4 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}

static void type_set(proxy__pgtz_type_t *t, int32_t gmtoff, bool isdst, const char *abbr,
                     size_t len)
{
    t->gmtoff = gmtoff;
    t->isdst = isdst;
    if (len >= sizeof t->abbr)
        len = sizeof t->abbr - 1;
    memcpy(t->abbr, abbr, len);
    t->abbr[len] = '\0';
}

static bool tzif_counts(const uint8_t *h, size_t len, size_t c[6])
{
    if (len < 44 || memcmp(h, "TZif", 4) != 0)
        return false;
    for (int i = 0; i < 6; i++)
        c[i] = (size_t)(uint32_t)be_get(h + 20 + (ptrdiff_t)4 * i, 4);
    return true;
}

/* The 64-bit block of a v2+ file; z is filled, false when malformed. */
static bool tzif_decode(const uint8_t *p, size_t len, proxy_pgtz_t *z)
{
    size_t c[6];
    if (!tzif_counts(p, len, c) || p[4] < '2')
        return false;
    size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (v1 >= len || !tzif_counts(p + v1, len - v1, c))
        return false;
    size_t timecnt = c[3], typecnt = c[4], chars = c[5];
    size_t body = timecnt * 9 + typecnt * 6 + chars + c[2] * 12 + c[1] + c[0];
    if (typecnt == 0 || typecnt > 256 || body > len - v1 - 44)
        return false;
    const uint8_t *d = p + v1 + 44, *idx = d + timecnt * 8, *types = idx + timecnt;
    const char *abbrs = (const char *)(types + typecnt * 6);
    z->leapcnt = c[2];
    z->ntypes = typecnt;
    z->types = am_xcalloc(typecnt, sizeof *z->types);
    for (size_t i = 0; i < typecnt; i++) {
        const uint8_t *t = types + 6 * i;
        size_t ai = t[5] < chars ? t[5] : chars;
        size_t al = strnlen(abbrs + ai, chars - ai);
        type_set(&z->types[i], (int32_t)be_get(t, 4), t[4] != 0, abbrs + ai, al);
    }
    z->ntrans = timecnt;
    z->at = am_xcalloc(timecnt + 1, sizeof *z->at);
    z->tidx = am_xcalloc(timecnt + 1, 1);
    for (size_t i = 0; i < timecnt; i++) {
        z->at[i] = be_get(d + 8 * i, 8);
        z->tidx[i] = idx[i] < typecnt ? idx[i] : 0;
    }
    const char *foot = (const char *)d + body, *end = (const char *)p + len;
    if (foot < end && *foot == '\n') {
        const char *nl = memchr(foot + 1, '\n', (size_t)(end - foot - 1));
        if (nl && nl > foot + 1) {
            char *s = am_xstrndup(foot + 1, (size_t)(nl - foot - 1));
            bool dst_without_rule = false;
            z->has_rule =
                proxy__pgtz_posix_parse(s, &z->rule, &dst_without_rule) && !dst_without_rule;
            free(s);
        }
    }
    return true;
}

/* PostgreSQL finds zone files case-insensitively, one path component at a time. */
static char *tzfile_find(const char *name)
{
    if (!*name || name[0] == '/' || strlen(name) > TZ_NAME_MAX)
        return NULL;
    char *path = am_xstrdup(TZDIR);
    const char *p = name;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        bool found = false;
        DIR *dir = (n == 0 || (n <= 2 && p[0] == '.')) ? NULL : opendir(path);
        struct dirent *de;
        while (dir && !found && (de = readdir(dir)) != NULL) {
            if (strlen(de->d_name) != n || strncasecmp(de->d_name, p, n) != 0)
                continue;
            char *next = am_xasprintf("%s/%s", path, de->d_name);
            free(path);
            path = next;
            found = true;
        }
        if (dir)
            closedir(dir);
        if (!found) {
            free(path);
            return NULL;
        }
        p += n + (slash ? 1 : 0);
    }
    return path;
}

static proxy_pgtz_t *tz_new(void)
{
    return am_xcalloc(1, sizeof(proxy_pgtz_t));
}

static void tz_free(proxy_pgtz_t *z)
{
    if (!z)
        return;
    free(z->types);
    free(z->at);
    free(z->tidx);
    free(z);
}

static proxy_pgtz_t *tz_load_file(const char *name)
{
    char *path = tzfile_find(name);
    if (!path)
        return NULL;
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    bool ok = am_file_read_all(path, &b, &err);
    free(path);
    proxy_pgtz_t *z = tz_new();
    if (!ok || !tzif_decode((const uint8_t *)b.data, b.len, z)) {
        tz_free(z);
        z = NULL;
    }
    am_buf_destroy(&b);
    return z;
}

/* A zone from a POSIX string (pg_tzset's fallback); *refused when PostgreSQL would borrow the
 * rules of 'posixrules'. */
static proxy_pgtz_t *tz_from_posix(const char *upper, bool *refused)
{
    proxy__pgtz_posix_t r;
    bool no_rule = false;
    if (upper[0] == ':' || !proxy__pgtz_posix_parse(upper, &r, &no_rule))
        return NULL;
    if (no_rule) {
        *refused = true;
        return NULL;
    }
    proxy_pgtz_t *z = tz_new();
    z->rule = r;
    z->has_rule = r.has_dst;
    z->ntypes = 1;
    z->types = am_xcalloc(1, sizeof *z->types);
    z->at = am_xcalloc(1, sizeof *z->at);
    z->tidx = am_xcalloc(1, 1);
    type_set(&z->types[0], r.std_gmtoff, false, r.std_abbr, strlen(r.std_abbr));
    return z;
}

static proxy_pgtz_t *tz_load(const char *name, bool *refused)
{
    char upper[TZ_NAME_MAX + 1];
    size_t n = strlen(name);
    if (n > TZ_NAME_MAX)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        upper[i] = (char)toupper((unsigned char)name[i]);
    proxy_pgtz_t *z = tz_load_file(upper);
    if (!z)
        return tz_from_posix(upper, refused);
    if (z->leapcnt > 0) { /* PostgreSQL refuses zones counting leap seconds */
        tz_free(z);
        *refused = true;
        return NULL;
    }
    return z;
}

static const cache_entry_t *cache_get(const char *key, bool fixed, int32_t gmtoff)
{
    pthread_mutex_lock(&cache_lock);
    cache_entry_t *e = cache_head;
    while (e && strcasecmp(e->key, key) != 0)
        e = e->next;
    pthread_mutex_unlock(&cache_lock);
    if (e)
        return e;
    /* Load outside the lock (file I/O); a racing loader's copy is simply dropped. */
    cache_entry_t *ne = am_xcalloc(1, sizeof *ne);
    ne->key = am_xstrdup(key);
    if (fixed) {
        ne->z = tz_new();
        ne->z->ntypes = 1;
        ne->z->types = am_xcalloc(1, sizeof *ne->z->types);
        ne->z->at = am_xcalloc(1, sizeof *ne->z->at);
        ne->z->tidx = am_xcalloc(1, 1);
        ne->z->types[0].gmtoff = gmtoff;
    } else {
        ne->z = tz_load(key, &ne->refused);
    }
    if (!ne->z) { /* misses are not kept: clients send any names they like */
        static const cache_entry_t rejected = {0}, refused = {.refused = true};
        bool was_refused = ne->refused;
        free(ne->key);
        free(ne);
        return was_refused ? &refused : &rejected;
    }
    pthread_mutex_lock(&cache_lock);
    for (e = cache_head; e && strcasecmp(e->key, key) != 0; e = e->next)
        ;
    if (!e) {
        ne->next = cache_head;
        cache_head = ne;
        e = ne;
        ne = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    if (ne) {
        tz_free(ne->z);
        free(ne->key);
        free(ne);
    }
    return e;
}

const proxy_pgtz_t *proxy__pgtz_find(const char *name, bool *refused)
{
    *refused = false;
    if (!*name || strlen(name) > TZ_NAME_MAX)
        return NULL;
    const cache_entry_t *e = cache_get(name, false, 0);
    *refused = e->refused;
    return e->z;
}

const proxy_pgtz_t *proxy__pgtz_fixed(int32_t gmtoff)
{
    char key[32];
    snprintf(key, sizeof key, "\001%ld", (long)gmtoff);
    return cache_get(key, true, gmtoff)->z;
}

const proxy_pgtz_t *proxy__pgtz_session(const char *setting, am_err_t *err)
{
    bool refused;
    char *end;
    double hours = strtod(setting, &end);
    /* check_timezone: a plain number is hours EAST (SQL sign), unlike POSIX strings */
    if (end != setting && *end == '\0' && !isspace((unsigned char)*setting)) {
        if (!(hours >= -168 && hours <= 168))
            return am_err_set(err, "22023", "invalid value for parameter \"TimeZone\": \"%s\"",
                              setting),
                   NULL;
        /* pg_tzset_offset: the POSIX spelling, so the abbreviation is PostgreSQL's ("-08") */
        long west = -(long)(hours * 3600), a = west < 0 ? -west : west;
        char off[32], name[80];
        int n = snprintf(off, sizeof off, "%02ld", a / 3600);
        if (a % 3600 != 0)
            n += snprintf(off + n, sizeof off - (size_t)n, ":%02ld", a / 60 % 60);
        if (a % 60 != 0)
            snprintf(off + n, sizeof off - (size_t)n, ":%02ld", a % 60);
        snprintf(name, sizeof name, west > 0 ? "<-%s>+%s" : "<+%s>-%s", off, off);
        return proxy__pgtz_find(name, &refused);
    }
    const proxy_pgtz_t *z = proxy__pgtz_find(setting, &refused);
    if (z)
        return z;
    if (refused)
        am_err_set(err, "0A000", "time zone \"%s\" is not supported on the mirror", setting);
    else
        am_err_set(err, "22023", "invalid value for parameter \"TimeZone\": \"%s\"", setting);
    return NULL;
}

const proxy_pgtz_t *proxy__pgtz_arg(const char *zone, am_err_t *err)
{
    char low[64];
    size_t n = strlen(zone);
    if (n < sizeof low) { /* PostgreSQL truncates identifiers at 63 bytes: longer is no abbrev */
        for (size_t i = 0; i <= n; i++)
            low[i] = (char)tolower((unsigned char)zone[i]);
        int32_t off;
        bool isdst;
        int kind = proxy__pgtz_abbrev(low, &off, &isdst);
        if (kind == 1)
            return proxy__pgtz_fixed(off);
        if (kind == 2) {
            am_err_set(err, "0A000", "time zone abbreviation \"%s\" is not supported on the mirror",
                       zone);
            return NULL;
        }
    }
    bool refused;
    const proxy_pgtz_t *z = proxy__pgtz_find(zone, &refused);
    if (z)
        return z;
    if (refused)
        am_err_set(err, "0A000", "time zone \"%s\" is not supported on the mirror", zone);
    else
        am_err_set(err, "22023", "time zone \"%s\" not recognized", zone);
    return NULL;
}

bool proxy__pgtz_constant(const proxy_pgtz_t *z, int32_t *gmtoff)
{
    int32_t off = z->types[0].gmtoff;
    for (size_t i = 1; i < z->ntypes; i++)
        if (z->types[i].gmtoff != off)
            return false;
    /* PostgreSQL counts the footer rule's types with the file's */
    if (z->has_rule &&
        (z->rule.std_gmtoff != off || (z->rule.has_dst && z->rule.dst_gmtoff != off)))
        return false;
    *gmtoff = off;
    return true;
}
