/*
 * proxy/pgtz_rule.c: POSIX TZ strings as PostgreSQL's tzparse reads them, and the offset
 * look-ups of a loaded zone: UTC -> local (pg_localtime) and local -> UTC
 * (DetermineTimeZoneOffset over pg_next_dst_boundary). Pure: no I/O, no locks.
 * Spec: POSIX TZ (IEEE 1003.1 8.3) with PostgreSQL's dialect: an empty std abbreviation is
 * allowed, hours up to 167, rule times may be negative; the year cycle of a rule replaces
 * tzcode's appended transitions (same answers).
 */
#include "proxy/pgtz_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define SECS_PER_DAY INT64_C(86400)

static const char *get_num(const char *p, int *v, int lo, int hi)
{
    if (!p || !isdigit((unsigned char)*p))
        return NULL;
    long n = 0;
    while (isdigit((unsigned char)*p)) {
        n = n * 10 + (*p++ - '0');
        if (n > hi)
            return NULL;
    }
    if (n < lo)
        return NULL;
    *v = (int)n;
    return p;
}

/* [+-]hh[:mm[:ss]] -> seconds (sign applied). */
static const char *get_offset(const char *p, int32_t *secs)
{
    int neg = 0, h, m = 0, s = 0;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    p = get_num(p, &h, 0, 24 * 7 - 1);
    if (p && *p == ':') {
        p = get_num(p + 1, &m, 0, 59);
        if (p && *p == ':')
            p = get_num(p + 1, &s, 0, 60);
    }
    if (!p)
        return NULL;
    *secs = (h * 3600 + m * 60 + s) * (neg ? -1 : 1);
    return p;
}

static const char *get_name(const char *p, char *abbr, size_t cap)
{
    const char *start = p, *end;
    if (*p == '<') {
        start = ++p;
        while (*p && *p != '>')
            p++;
        if (*p != '>')
            return NULL;
        end = p++;
    } else {
        while (*p && !isdigit((unsigned char)*p) && *p != ',' && *p != '-' && *p != '+')
            p++;
        end = p;
    }
    size_t n = (size_t)(end - start) < cap ? (size_t)(end - start) : cap - 1;
    memcpy(abbr, start, n);
    abbr[n] = '\0';
    return p;
}

static const char *get_rule(const char *p, proxy__pgtz_when_t *w)
{
    w->kind = *p;
    if (*p == 'J') {
        p = get_num(p + 1, &w->day, 1, 365);
    } else if (*p == 'M') {
        p = get_num(p + 1, &w->mon, 1, 12);
        p = p && *p == '.' ? get_num(p + 1, &w->week, 1, 5) : NULL;
        p = p && *p == '.' ? get_num(p + 1, &w->day, 0, 6) : NULL;
    } else {
        w->kind = 'D';
        p = get_num(p, &w->day, 0, 365);
    }
    if (!p)
        return NULL;
    w->time_s = 2 * 3600;
    if (*p == '/')
        p = get_offset(p + 1, &w->time_s);
    return p;
}

bool proxy__pgtz_posix_parse(const char *s, proxy__pgtz_posix_t *r, bool *dst_without_rule)
{
    memset(r, 0, sizeof *r);
    *dst_without_rule = false;
    const char *p = get_name(s, r->std_abbr, sizeof r->std_abbr);
    int32_t off;
    if (!p || !*p || !(p = get_offset(p, &off)))
        return false;
    r->std_gmtoff = -off;
    if (!*p)
        return true;
    const char *dn = p;
    p = get_name(p, r->dst_abbr, sizeof r->dst_abbr);
    if (!p || p == dn || (dn[0] == '<' && p == dn + 2))
        return false;
    r->has_dst = true;
    r->dst_gmtoff = r->std_gmtoff + 3600;
    if (*p && *p != ',' && *p != ';') {
        if (!(p = get_offset(p, &off)))
            return false;
        r->dst_gmtoff = -off;
    }
    if (!*p) {
        *dst_without_rule = true;
        return true;
    }
    if (*p != ',' && *p != ';')
        return false;
    p = get_rule(p + 1, &r->start);
    if (!p || (*p != ',' && *p != ';'))
        return false;
    p = get_rule(p + 1, &r->end);
    return p && !*p;
}

static int64_t floor_div64(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Unix day of January 1 of year, in 64 bits: rules are evaluated a year past PostgreSQL's
 * last date, where Julian day numbers no longer fit an int. */
static int64_t jan1_days(int64_t year)
{
    int64_t y = year - 1;
    return 365 * y + floor_div64(y, 4) - floor_div64(y, 100) + floor_div64(y, 400) - 719162;
}

/* Seconds from the year's local midnight of Jan 1 to the rule's day. */
static int64_t rule_day_secs(int year, const proxy__pgtz_when_t *w)
{
    bool leap = proxy__pg_leap(year);
    if (w->kind == 'J')
        return (int64_t)(w->day - 1 + (leap && w->day >= 60)) * SECS_PER_DAY;
    if (w->kind == 'D')
        return (int64_t)w->day * SECS_PER_DAY;
    int before = 0; /* days of the year before the month */
    for (int m = 1; m < w->mon; m++)
        before += proxy__pg_mdays(year, m);
    int64_t wday1 = jan1_days(year) + before + 4; /* 1970-01-01 was a Thursday */
    int d = (int)((w->day - (wday1 - floor_div64(wday1, 7) * 7) + 7) % 7);
    for (int i = 1; i < w->week; i++) {
        if (d + 7 >= proxy__pg_mdays(year, w->mon))
            break;
        d += 7;
    }
    return (int64_t)(before + d) * SECS_PER_DAY;
}

typedef struct change {
    int64_t at;
    bool to_dst;
} change_t;

/* The rule's changes in years y-1 .. y+1, ascending. */
static void rule_changes(const proxy__pgtz_posix_t *r, int y, change_t c[6])
{
    for (int i = 0; i < 3; i++) {
        int yy = y - 1 + i;
        int64_t y0 = jan1_days(yy) * SECS_PER_DAY;
        c[(ptrdiff_t)2 * i].at =
            y0 + rule_day_secs(yy, &r->start) + r->start.time_s - r->std_gmtoff;
        c[(ptrdiff_t)2 * i].to_dst = true;
        c[(ptrdiff_t)2 * i + 1].at =
            y0 + rule_day_secs(yy, &r->end) + r->end.time_s - r->dst_gmtoff;
        c[(ptrdiff_t)2 * i + 1].to_dst = false;
    }
    for (int i = 1; i < 6; i++)
        for (int j = i; j > 0 && c[j].at < c[j - 1].at; j--) {
            change_t t = c[j];
            c[j] = c[j - 1];
            c[j - 1] = t;
        }
}

static int year_of(int64_t unix_s)
{
    int64_t days = unix_s / SECS_PER_DAY - (unix_s % SECS_PER_DAY < 0);
    int y, m, d;
    proxy__pg_j2date((int)(days + PROXY_PG_UNIX_EPOCH_JDATE), &y, &m, &d);
    return y;
}

static proxy__pgtz_type_t rule_type(const proxy__pgtz_posix_t *r, bool dst)
{
    proxy__pgtz_type_t t = {.gmtoff = dst ? r->dst_gmtoff : r->std_gmtoff, .isdst = dst};
    memcpy(t.abbr, dst ? r->dst_abbr : r->std_abbr, sizeof t.abbr);
    return t;
}

/* Type in force at t under the rule; *next the first change after t (when not NULL). */
static proxy__pgtz_type_t rule_at(const proxy__pgtz_posix_t *r, int64_t t, change_t *next)
{
    if (!r->has_dst)
        return rule_type(r, false);
    change_t c[6];
    rule_changes(r, year_of(t + r->std_gmtoff), c);
    bool dst = !c[0].to_dst;
    int i = 0;
    while (i < 6 && c[i].at <= t)
        dst = c[i++].to_dst;
    if (next)
        *next = i < 6 ? c[i] : c[5];
    return rule_type(r, dst);
}

static bool after_last(const proxy_pgtz_t *z, int64_t t)
{
    return z->has_rule && (z->ntrans == 0 || t >= z->at[z->ntrans - 1]);
}

/* Index of the last transition <= t (t >= at[0]). */
static size_t trans_find(const proxy_pgtz_t *z, int64_t t)
{
    size_t lo = 0, hi = z->ntrans;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int32_t proxy__pgtz_at_utc(const proxy_pgtz_t *z, int64_t unix_s, int *isdst, const char **abbr)
{
    static _Thread_local proxy__pgtz_type_t rt;
    const proxy__pgtz_type_t *t;
    if (after_last(z, unix_s)) {
        rt = rule_at(&z->rule, unix_s, NULL);
        t = &rt;
    } else if (z->ntrans == 0 || unix_s < z->at[0]) {
        t = &z->types[0];
    } else {
        t = &z->types[z->tidx[trans_find(z, unix_s)]];
    }
    if (isdst)
        *isdst = t->isdst;
    if (abbr)
        *abbr = t->abbr;
    return t->gmtoff;
}

static const proxy__pgtz_type_t *lowest_std(const proxy_pgtz_t *z)
{
    for (size_t i = 0; i < z->ntypes; i++)
        if (!z->types[i].isdst)
            return &z->types[i];
    return &z->types[0];
}

/* pg_next_dst_boundary: 0 when no change follows t (only *before set), 1 otherwise. */
static int next_boundary(const proxy_pgtz_t *z, int64_t t, proxy__pgtz_type_t *before,
                         int64_t *boundary, proxy__pgtz_type_t *after)
{
    if (after_last(z, t)) {
        change_t nx;
        *before = rule_at(&z->rule, t, &nx);
        if (!z->rule.has_dst)
            return 0;
        *boundary = nx.at;
        *after = rule_type(&z->rule, nx.to_dst);
        return 1;
    }
    if (z->ntrans == 0) {
        *before = *lowest_std(z);
        return 0;
    }
    if (t >= z->at[z->ntrans - 1]) {
        *before = z->types[z->tidx[z->ntrans - 1]];
        return 0;
    }
    if (t < z->at[0]) {
        *before = *lowest_std(z);
        *boundary = z->at[0];
        *after = z->types[z->tidx[0]];
        return 1;
    }
    size_t i = trans_find(z, t) + 1;
    *before = z->types[z->tidx[i - 1]];
    *boundary = z->at[i];
    *after = z->types[z->tidx[i]];
    return 1;
}

int32_t proxy__pgtz_at_local(const proxy_pgtz_t *z, int64_t local_s, int *isdst)
{
    proxy__pgtz_type_t before, after;
    int64_t boundary = 0;
    if (next_boundary(z, local_s - SECS_PER_DAY, &before, &boundary, &after) == 0) {
        *isdst = before.isdst;
        return before.gmtoff;
    }
    int64_t bt = local_s - before.gmtoff, at = local_s - after.gmtoff;
    const proxy__pgtz_type_t *use;
    if (bt < boundary && at < boundary)
        use = &before;
    else if (bt >= boundary && at >= boundary)
        use = &after;
    else /* gap: the "before" reading (later instant); overlap: the "after" reading */
        use = bt > at ? &before : &after;
    *isdst = use->isdst;
    return use->gmtoff;
}
