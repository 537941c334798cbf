/*
 * lake/colstats.c: a data file's column metrics for its manifest entry (column_sizes,
 * value_counts, null_value_counts, lower_bounds, upper_bounds), so that engines reading the
 * manifests (Spark, Trino, PyIceberg, DuckDB's iceberg extension) skip files a filter rules
 * out. They are the statistics DuckDB gathers for the file's footer anyway, returned by the
 * COPY that writes it (RETURN_STATS), per top-level column: lists have none. Metrics are
 * optional in Iceberg, so a column whose statistics are missing or read oddly gets no bounds
 * (never wrong ones: all null, all NaN, a string past 64 bytes, a BC date), and a result of
 * another shape gives no metrics at all; neither fails the write.
 * Kept as the Avro encoding of the six manifest fields, which a manifest rewrite copies as is.
 * Spec: Iceberg table spec "Manifests" (data_file fields 108-110, 125, 128), Appendix D
 * "Single-value serialization".
 */
#include "lake/lake_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longer string bounds are left out: Iceberg allows a truncated lower bound, but an upper
 * bound would need its last character incremented, and long keys rarely prune. */
#define BOUND_MAX 64

typedef enum { B_NONE, B_INT, B_FLOAT, B_DEC, B_BYTES } bkind_t;

typedef struct bound {
    bool set;
    int64_t i;
    double f;
    __int128 d;
    char s[BOUND_MAX];
    size_t len;
} bound_t;

typedef struct colm {
    int32_t id;
    am_coltype_t type;
    int64_t size, values, nulls;
    bool nulls_known;
    bool nans_known; /* a float column DuckDB saw no NaN in: its count is 0 */
    bound_t lo, hi;
} colm_t;

static bkind_t kind_of(am_type_t t)
{
    switch (t) {
    case AM_TYPE_BOOL:
    case AM_TYPE_INT16:
    case AM_TYPE_INT32:
    case AM_TYPE_INT64:
    case AM_TYPE_DATE:
    case AM_TYPE_TIME:
    case AM_TYPE_TIMESTAMP:
    case AM_TYPE_TIMESTAMPTZ:
        return B_INT;
    case AM_TYPE_FLOAT32:
    case AM_TYPE_FLOAT64:
        return B_FLOAT;
    case AM_TYPE_DECIMAL:
        return B_DEC;
    case AM_TYPE_STRING:
        return B_BYTES;
    default: /* uuid, binary: DuckDB prints their statistics in forms not worth trusting */
        return B_NONE;
    }
}

/* "YYYY-MM-DD" at *p (years of four or more digits), advancing *p. */
static bool read_date(const char **p, int64_t *days)
{
    char *end;
    errno = 0;
    long long y = strtoll(*p, &end, 10);
    if (errno || end - *p < 4 || *end != '-' || y < 1)
        return false;
    int m = 0, d = 0;
    if (end[1] < '0' || end[1] > '9' || end[2] < '0' || end[2] > '9' || end[3] != '-' ||
        end[4] < '0' || end[4] > '9' || end[5] < '0' || end[5] > '9')
        return false;
    m = (end[1] - '0') * 10 + (end[2] - '0');
    d = (end[4] - '0') * 10 + (end[5] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    *days = am_days_from_civil(y, m, d);
    *p = end + 6;
    return true;
}

/* "HH:MM:SS[.ffffff]" at *p, advancing it. */
static bool read_time(const char **p, int64_t *us)
{
    const char *s = *p;
    for (int i = 0; i < 8; i++)
        if (i == 2 || i == 5 ? s[i] != ':' : (s[i] < '0' || s[i] > '9'))
            return false;
    int64_t h = (s[0] - '0') * 10 + (s[1] - '0'), mi = (s[3] - '0') * 10 + (s[4] - '0'),
            se = (s[6] - '0') * 10 + (s[7] - '0');
    if (h > 24 || mi > 59 || se > 59)
        return false;
    s += 8;
    int64_t frac = 0;
    int digits = 0;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            if (++digits <= 6)
                frac = frac * 10 + (*s - '0');
    /* more than microseconds would be cut, and a cut upper bound is too low */
    if ((digits == 0 && s[-1] == '.') || digits > 6)
        return false;
    for (; digits < 6; digits++)
        frac *= 10;
    *us = ((h * 60 + mi) * 60 + se) * INT64_C(1000000) + frac;
    *p = s;
    return true;
}

/* DuckDB's printed statistic as the value the lake stores (am_value_t's i). */
static bool read_int(am_type_t t, const char *s, int64_t *out)
{
    if (t == AM_TYPE_BOOL) {
        if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
            return false;
        *out = s[0] == 't';
        return true;
    }
    bool date = t == AM_TYPE_DATE, ts = t == AM_TYPE_TIMESTAMP || t == AM_TYPE_TIMESTAMPTZ;
    if ((date || ts) && (strcmp(s, "infinity") == 0 || strcmp(s, "-infinity") == 0)) {
        bool neg = s[0] == '-';
        *out = date ? (neg ? AM_DATE_NEG_INFINITY : AM_DATE_INFINITY)
                    : (neg ? AM_TS_NEG_INFINITY : AM_TS_INFINITY);
        return true;
    }
    if (date) {
        return read_date(&s, out) && *s == '\0';
    }
    if (t == AM_TYPE_TIME) {
        return read_time(&s, out) && *s == '\0';
    }
    if (ts) {
        int64_t days, us;
        if (!read_date(&s, &days) || *s++ != ' ' || !read_time(&s, &us))
            return false;
        if (t == AM_TYPE_TIMESTAMPTZ && strcmp(s, "+00") != 0)
            return false;
        if (t == AM_TYPE_TIMESTAMP && *s != '\0')
            return false;
        *out = days * INT64_C(86400000000) + us;
        return true;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

/* "-123.45" with exactly scale digits after the point as an unscaled integer. */
static bool read_dec(const char *s, int scale, __int128 *out)
{
    bool neg = *s == '-';
    s += neg;
    __int128 v = 0;
    int after = -1, digits = 0;
    for (; *s; s++) {
        if (*s == '.' && after < 0) {
            after = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || ++digits > 38)
            return false;
        v = v * 10 + (*s - '0');
        after += after >= 0;
    }
    if (digits == 0 || (after < 0 ? 0 : after) != scale)
        return false;
    *out = neg ? -v : v;
    return true;
}

static bool read_bound(const colm_t *c, const char *s, size_t len, bound_t *b)
{
    switch (kind_of(c->type.type)) {
    case B_INT:
        return read_int(c->type.type, s, &b->i);
    case B_FLOAT: {
        char *end;
        b->f = strtod(s, &end);
        return end != s && *end == '\0' && !isnan(b->f);
    }
    case B_DEC:
        return read_dec(s, c->type.scale, &b->d);
    case B_BYTES:
        if (len > BOUND_MAX)
            return false;
        memcpy(b->s, s, len);
        b->len = len;
        return true;
    default:
        return false;
    }
}

/* <0, 0, >0 as Iceberg orders the type (strings: unsigned bytes, shorter first on a tie). */
static int cmp_bound(bkind_t k, const bound_t *a, const bound_t *b)
{
    switch (k) {
    case B_INT:
        return (a->i > b->i) - (a->i < b->i);
    case B_FLOAT:
        return (a->f > b->f) - (a->f < b->f);
    case B_DEC:
        return (a->d > b->d) - (a->d < b->d);
    default: {
        int r = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
        return r ? r : (a->len > b->len) - (a->len < b->len);
    }
    }
}

static void put_le(am_buf_t *b, uint64_t v, int n)
{
    uint8_t x[8];
    for (int i = 0; i < n; i++)
        x[i] = (uint8_t)(v >> (8 * i));
    lake__avro_put_bytes(b, x, (size_t)n);
}

/* Appendix D: ints and dates 4 bytes, longs, times and timestamps 8, little-endian; floats
 * IEEE little-endian; decimals the unscaled value big-endian in the fewest bytes; strings
 * UTF-8. */
static void put_bound(am_buf_t *b, const colm_t *c, const bound_t *v, bool lower)
{
    am_type_t t = c->type.type;
    switch (kind_of(t)) {
    case B_INT:
        if (t == AM_TYPE_BOOL)
            put_le(b, (uint64_t)v->i, 1);
        else if (t == AM_TYPE_INT16 || t == AM_TYPE_INT32 || t == AM_TYPE_DATE)
            put_le(b, (uint64_t)(uint32_t)(int32_t)v->i, 4);
        else
            put_le(b, (uint64_t)v->i, 8);
        return;
    case B_FLOAT: {
        /* -0.0 and 0.0 are equal to a filter: a zero bound must cover both */
        double f = v->f == 0 ? (lower ? -0.0 : 0.0) : v->f;
        if (t == AM_TYPE_FLOAT32) {
            float x = (float)f;
            uint32_t bits;
            memcpy(&bits, &x, 4);
            put_le(b, bits, 4);
        } else {
            uint64_t bits;
            memcpy(&bits, &f, 8);
            put_le(b, bits, 8);
        }
        return;
    }
    case B_DEC: {
        uint8_t be[16];
        unsigned __int128 u = (unsigned __int128)v->d;
        for (int i = 15; i >= 0; i--, u >>= 8)
            be[i] = (uint8_t)u;
        int start = 0; /* drop bytes that only repeat the sign of the next one */
        while (start < 15 && ((be[start] == 0 && !(be[start + 1] & 0x80)) ||
                              (be[start] == 0xff && (be[start + 1] & 0x80))))
            start++;
        lake__avro_put_bytes(b, be + start, (size_t)(16 - start));
        return;
    }
    default:
        lake__avro_put_bytes(b, v->s, v->len);
        return;
    }
}

/* The six metric fields, in the manifest's order. */
enum { M_SIZES, M_VALUES, M_NULLS, M_NANS, M_LOWER, M_UPPER, M_COUNT };

static bool has_metric(const colm_t *c, int which)
{
    switch (which) {
    case M_NULLS:
        return c->nulls_known;
    case M_NANS:
        return c->nans_known;
    case M_LOWER:
    case M_UPPER:
        return c->lo.set;
    default:
        return true;
    }
}

/* One map field: null when no column has the entry, else an array of {key, value} records. */
static void put_map(am_buf_t *b, const colm_t *cs, size_t n, int which)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += has_metric(&cs[i], which);
    if (k == 0) {
        lake__avro_put_null(b);
        return;
    }
    lake__avro_put_some(b);
    lake__avro_put_long(b, (int64_t)k);
    for (size_t i = 0; i < n; i++) {
        const colm_t *c = &cs[i];
        if (!has_metric(c, which))
            continue;
        lake__avro_put_long(b, c->id);
        if (which == M_LOWER || which == M_UPPER)
            put_bound(b, c, which == M_LOWER ? &c->lo : &c->hi, which == M_LOWER);
        else
            lake__avro_put_long(b, which == M_SIZES    ? c->size
                                   : which == M_VALUES ? c->values
                                   : which == M_NULLS  ? c->nulls
                                                       : 0); /* NaNs: known only when none */
    }
    lake__avro_put_long(b, 0);
}

/* A VARCHAR vector's value, or NULL. */
static const char *str_at(duckdb_vector v, idx_t i, size_t *len)
{
    uint64_t *valid = duckdb_vector_get_validity(v);
    if (valid && !duckdb_validity_row_is_valid(valid, i))
        return NULL;
    duckdb_string_t *s = (duckdb_string_t *)duckdb_vector_get_data(v) + i;
    *len = duckdb_string_t_length(*s);
    return duckdb_string_t_data(s);
}

/* One column's statistics (a MAP(VARCHAR, VARCHAR): null_count, column_size_bytes, min, max)
 * folded into its metrics; values count every row of the file. */
static void fold(colm_t *c, int64_t rows, duckdb_vector keys, duckdb_vector vals,
                 duckdb_list_entry e)
{
    c->values = rows;
    c->nulls_known = false;
    const char *lo = NULL, *hi = NULL;
    size_t lo_len = 0, hi_len = 0;
    for (idx_t j = e.offset; j < e.offset + e.length; j++) {
        size_t kl = 0, vl = 0;
        const char *k = str_at(keys, j, &kl), *v = str_at(vals, j, &vl);
        if (!k || !v)
            continue;
        char num[32];
        bool small = vl < sizeof num;
        if (small) {
            memcpy(num, v, vl);
            num[vl] = '\0';
        }
        if (kl == 10 && memcmp(k, "null_count", 10) == 0 && small) {
            c->nulls = strtoll(num, NULL, 10);
            c->nulls_known = true;
        } else if (kl == 7 && memcmp(k, "has_nan", 7) == 0) {
            c->nans_known = vl == 5 && memcmp(v, "false", 5) == 0;
        } else if (kl == 17 && memcmp(k, "column_size_bytes", 17) == 0 && small) {
            c->size = strtoll(num, NULL, 10);
        } else if (kl == 3 && memcmp(k, "min", 3) == 0) {
            lo = v;
            lo_len = vl;
        } else if (kl == 3 && memcmp(k, "max", 3) == 0) {
            hi = v;
            hi_len = vl;
        }
    }
    bkind_t kind = kind_of(c->type.type);
    if (!lo || !hi || kind == B_NONE || lo_len > BOUND_MAX || hi_len > BOUND_MAX)
        return; /* all null or all NaN, or a type whose bounds are not written */
    char lb[BOUND_MAX + 1], hb[BOUND_MAX + 1];
    memcpy(lb, lo, lo_len);
    lb[lo_len] = '\0';
    memcpy(hb, hi, hi_len);
    hb[hi_len] = '\0';
    bound_t l = {0}, h = {0};
    if (!read_bound(c, lb, lo_len, &l) || !read_bound(c, hb, hi_len, &h) ||
        cmp_bound(kind, &l, &h) > 0)
        return;
    c->lo = l;
    c->hi = h;
    c->lo.set = c->hi.set = true;
}

/* The name a column has in the file, as RETURN_STATS names it: in double quotes. */
static char *stats_key(const lake_column_t *cols, size_t n, size_t i)
{
    am_buf_t b;
    am_buf_init(&b);
    lake__phys_name(cols, n, i, &b);
    char *key = b.data && b.data[0] == '"' ? am_xstrdup(b.data) : am_xasprintf("\"%s\"", b.data);
    am_buf_destroy(&b);
    return key;
}

bool lake__colstats_result(duckdb_result *res, const lake_column_t *cols, const int32_t *field_ids,
                           size_t n_cols, int64_t *rows, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    *rows = -1;
    /* filename, count (UBIGINT), file_size_bytes, footer_size_bytes, column_statistics */
    duckdb_type ct =
        duckdb_column_count(res) >= 2 ? duckdb_column_type(res, 1) : DUCKDB_TYPE_INVALID;
    if (ct != DUCKDB_TYPE_UBIGINT && ct != DUCKDB_TYPE_BIGINT)
        return false;
    duckdb_data_chunk ch = duckdb_fetch_chunk(*res);
    if (!ch)
        return false;
    if (duckdb_data_chunk_get_size(ch) != 1) {
        duckdb_destroy_data_chunk(&ch);
        return false;
    }
    *rows = ((int64_t *)duckdb_vector_get_data(duckdb_data_chunk_get_vector(ch, 1)))[0];
    if (duckdb_column_count(res) < 5 || duckdb_column_type(res, 4) != DUCKDB_TYPE_MAP) {
        duckdb_destroy_data_chunk(&ch);
        return false;
    }
    duckdb_vector map = duckdb_data_chunk_get_vector(ch, 4);
    duckdb_list_entry cols_e = ((duckdb_list_entry *)duckdb_vector_get_data(map))[0];
    duckdb_vector entries = duckdb_list_vector_get_child(map);
    duckdb_vector names = duckdb_struct_vector_get_child(entries, 0);
    duckdb_vector stats = duckdb_struct_vector_get_child(entries, 1);
    duckdb_list_entry *stats_e = duckdb_vector_get_data(stats);
    duckdb_vector stat = duckdb_list_vector_get_child(stats);
    duckdb_vector skeys = duckdb_struct_vector_get_child(stat, 0);
    duckdb_vector svals = duckdb_struct_vector_get_child(stat, 1);
    colm_t *cs = am_xcalloc(n_cols + 1, sizeof *cs);
    size_t n = 0;
    for (size_t i = 0; i < n_cols; i++) {
        if (cols[i].type.type == AM_TYPE_LIST) /* metrics are per element, not kept */
            continue;
        char *key = stats_key(cols, n_cols, i);
        size_t key_len = strlen(key);
        for (idx_t k = cols_e.offset; k < cols_e.offset + cols_e.length; k++) {
            size_t len = 0;
            const char *name = str_at(names, k, &len);
            if (name && len == key_len && memcmp(name, key, len) == 0) {
                cs[n] = (colm_t){.id = field_ids[i], .type = cols[i].type};
                fold(&cs[n++], *rows, skeys, svals, stats_e[k]);
                break;
            }
        }
        free(key);
    }
    duckdb_destroy_data_chunk(&ch);
    if (n > 0) {
        am_buf_t b;
        am_buf_init(&b);
        for (int which = 0; which < M_COUNT; which++)
            put_map(&b, cs, n, which);
        *out = (uint8_t *)b.data;
        *out_len = b.len;
    }
    free(cs);
    return *out != NULL;
}

/* One metric field of a read manifest, appended as put_map writes it. */
static bool copy_map(am_buf_t *b, const lake__avro_value_t *df, const char *name, int32_t id,
                     int32_t kid, int32_t vid, bool bytes, bool *any)
{
    const lake__avro_value_t *v = lake__avro_field(df, id, name);
    if (!v || v->kind == LAKE_AVRO_NULL) {
        lake__avro_put_null(b);
        return true;
    }
    if (v->kind != LAKE_AVRO_ARRAY)
        return false;
    *any = true;
    lake__avro_put_some(b);
    if (v->n > 0)
        lake__avro_put_long(b, (int64_t)v->n);
    for (size_t i = 0; i < v->n; i++) {
        const lake__avro_value_t *it = &v->items[i];
        if (it->kind != LAKE_AVRO_RECORD)
            return false;
        const lake__avro_value_t *key = lake__avro_field(it, kid, "key");
        const lake__avro_value_t *val = lake__avro_field(it, vid, "value");
        if (!key || key->kind != LAKE_AVRO_INT || !val)
            return false;
        lake__avro_put_long(b, key->i);
        if (bytes) {
            if (val->kind != LAKE_AVRO_BYTES)
                return false;
            lake__avro_put_bytes(b, val->p, val->len);
        } else {
            if (val->kind != LAKE_AVRO_LONG && val->kind != LAKE_AVRO_INT)
                return false;
            lake__avro_put_long(b, val->i);
        }
    }
    lake__avro_put_long(b, 0);
    return true;
}

uint8_t *lake__metrics_from_record(const lake__avro_value_t *df, size_t *len)
{
    static const struct {
        const char *name;
        int32_t id, kid, vid;
        bool bytes;
    } maps[] = {
        {"column_sizes", 108, 117, 118, false},      {"value_counts", 109, 119, 120, false},
        {"null_value_counts", 110, 121, 122, false}, {"nan_value_counts", 137, 138, 139, false},
        {"lower_bounds", 125, 126, 127, true},       {"upper_bounds", 128, 129, 130, true}};
    *len = 0;
    am_buf_t b;
    am_buf_init(&b);
    bool ok = true, any = false;
    for (size_t i = 0; ok && i < AM_ARRAY_LEN(maps); i++)
        ok = copy_map(&b, df, maps[i].name, maps[i].id, maps[i].kid, maps[i].vid, maps[i].bytes,
                      &any);
    if (!ok || !any) {
        am_buf_destroy(&b);
        return NULL;
    }
    *len = b.len;
    return (uint8_t *)b.data;
}
