/*
 * proxy/pgtz_internal.h: the zone object shared by pgtz.c (loading, cache), pgtz_rule.c
 * (POSIX rules, offset look-ups) and pgtz_abbrev.c. Immutable once cached.
 */
#ifndef AM_PROXY_PGTZ_INTERNAL_H
#define AM_PROXY_PGTZ_INTERNAL_H

#include "proxy/pgfn_time.h"

typedef struct proxy__pgtz_type {
    int32_t gmtoff; /* seconds east */
    bool isdst;
    char abbr[16];
} proxy__pgtz_type_t;

/* One POSIX transition rule: 'J' n (1-365, no Feb 29), 'D' n (0-365), 'M' m.w.d. */
typedef struct proxy__pgtz_when {
    char kind;
    int day, week, mon;
    int32_t time_s; /* local time of day of the change, may exceed a day or be negative */
} proxy__pgtz_when_t;

typedef struct proxy__pgtz_posix {
    char std_abbr[16], dst_abbr[16];
    int32_t std_gmtoff, dst_gmtoff; /* seconds east */
    bool has_dst;
    proxy__pgtz_when_t start, end;
} proxy__pgtz_posix_t;

struct proxy_pgtz {
    size_t ntypes;
    proxy__pgtz_type_t *types;
    size_t ntrans;
    int64_t *at;   /* Unix seconds, ascending */
    uint8_t *tidx; /* type in force from at[i] */
    size_t leapcnt;
    bool has_rule; /* rule governs times from the last transition on (or all, if none) */
    proxy__pgtz_posix_t rule;
};

/* A POSIX TZ string in PostgreSQL's dialect (empty std abbreviation allowed, offsets west
 * positive). *dst_without_rule when it names DST but gives no rule. */
bool proxy__pgtz_posix_parse(const char *s, proxy__pgtz_posix_t *r, bool *dst_without_rule);

#endif /* AM_PROXY_PGTZ_INTERNAL_H */
