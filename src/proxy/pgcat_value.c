/*
 * proxy/pgcat_value.c: PostgreSQL text output -> DuckDB values, for loading the catalog
 * document's rows into am_cat tables (pgcat_duck.c). The one place these conversions live:
 * bool t/f, integers, oid-like numbers, floats (NaN, Infinity), date and timestamp[tz] in
 * DateStyle ISO (UTC, the source's connection forces both; infinity, BC), bytea hex,
 * 1-D arrays {a,"b c",NULL}, int2vector / oidvector "1 2 3". Every other DuckDB
 * representation (DECIMAL, TIME, INTERVAL, UUID, enums) gets the text and DuckDB's own cast.
 * Hand-written: no library reads PostgreSQL's output forms. Input is untrusted: a bad value
 * is refused with a short reason, never misread.
 * Spec: PostgreSQL docs, "Arrays" (8.15.6 Array Input and Output Syntax), "Date/Time Output".
 */
#include "proxy/pgcat_internal.h"
#include "proxy/pgtype_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)
#define DUCK_DATE_INF INT32_MAX
#define DUCK_TS_INF INT64_MAX

typedef struct scalar {
    bool b;
    int64_t i; /* ints, date (days), timestamps (µs since 1970) */
    double d;
    const char *s; /* text, blob bytes */
    size_t len;
} scalar_t;

static const struct {
    const char *duck;
    proxy_pgcat_kind_t kind;
    duckdb_type type;
} kinds[] = {
    {"BOOLEAN", PROXY_PGCAT_BOOL, DUCKDB_TYPE_BOOLEAN},
    {"SMALLINT", PROXY_PGCAT_INT16, DUCKDB_TYPE_SMALLINT},
    {"INTEGER", PROXY_PGCAT_INT32, DUCKDB_TYPE_INTEGER},
    {"BIGINT", PROXY_PGCAT_INT64, DUCKDB_TYPE_BIGINT},
    {"FLOAT", PROXY_PGCAT_FLOAT, DUCKDB_TYPE_FLOAT},
    {"DOUBLE", PROXY_PGCAT_DOUBLE, DUCKDB_TYPE_DOUBLE},
    {"DATE", PROXY_PGCAT_DATE, DUCKDB_TYPE_DATE},
    {"TIMESTAMP", PROXY_PGCAT_TS, DUCKDB_TYPE_TIMESTAMP},
    {"TIMESTAMPTZ", PROXY_PGCAT_TSTZ, DUCKDB_TYPE_TIMESTAMP_TZ},
    {"BLOB", PROXY_PGCAT_BLOB, DUCKDB_TYPE_BLOB},
    {"VARCHAR", PROXY_PGCAT_TEXT, DUCKDB_TYPE_VARCHAR},
};

static size_t kind_slot(proxy_pgcat_kind_t k)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(kinds); i++)
        if (kinds[i].kind == k)
            return i;
    return AM_ARRAY_LEN(kinds) - 1; /* PROXY_PGCAT_CAST travels as VARCHAR */
}

static proxy_pgcat_kind_t kind_named(const char *duck, size_t len)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(kinds); i++)
        if (strlen(kinds[i].duck) == len && memcmp(kinds[i].duck, duck, len) == 0)
            return kinds[i].kind;
    return PROXY_PGCAT_CAST;
}

void proxy__pgcat_conv_init(proxy_pgcat_conv_t *cv, const proxy_pgcat_t *cat, proxy_pgtype_ref_t t)
{
    memset(cv, 0, sizeof *cv);
    am_buf_t duck;
    am_buf_init(&duck);
    proxy__pgtype_duck(cat, t, &duck);
    size_t len = duck.len;
    cv->list = len > 2 && strcmp(duck.data + len - 2, "[]") == 0;
    cv->kind = kind_named(duck.data, cv->list ? len - 2 : len);
    am_buf_destroy(&duck);
    cv->delim = ',';
    if (!cv->list)
        return;
    uint32_t base = proxy__pgtype_base(cat, t).oid;
    cv->vector = base == PG_OID_INT2VECTOR || base == PG_OID_OIDVECTOR;
    const proxy_pgtype_t *elem = cat ? proxy__pgcat_type(cat, proxy__pgtype_elem(cat, base)) : NULL;
    if (elem && elem->delim)
        cv->delim = elem->delim;
    cv->elem_type = duckdb_create_logical_type(kinds[kind_slot(cv->kind)].type);
}

void proxy__pgcat_conv_destroy(proxy_pgcat_conv_t *cv)
{
    if (cv->elem_type)
        duckdb_destroy_logical_type(&cv->elem_type);
}

/* ---- scalars ----------------------------------------------------------------------------------
 */

static bool parse_int(const char *s, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
    size_t i = len > 0 && s[0] == '-';
    if (i == len || len - i > 19)
        return false;
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > (uint64_t)INT64_MAX)
        return false;
    *out = s[0] == '-' ? -(int64_t)v : (int64_t)v;
    return *out >= lo && *out <= hi;
}

static bool parse_float(const char *s, size_t len, double *out)
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp || s[0] == ' ')
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end = NULL;
    errno = 0;
    *out = strtod(tmp, &end);
    /* PostgreSQL refuses overflow, so ERANGE here is underflow to a subnormal: keep it */
    return end == tmp + len && (errno == 0 || errno == ERANGE);
}

/* n digits at *p into *v, advancing; false when fewer are there. */
static bool digits(const char **p, const char *end, int n, int64_t *v)
{
    *v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (*p >= end || **p < '0' || **p > '9')
            return false;
        *v = *v * 10 + (**p - '0');
    }
    return true;
}

static bool expect(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c)
        return false;
    (*p)++;
    return true;
}

/* "HH:MM:SS[.ffffff]" -> µs since midnight. */
static bool parse_clock(const char **p, const char *end, int64_t *us)
{
    int64_t h, mi, sec, frac = 0;
    if (!digits(p, end, 2, &h) || !expect(p, end, ':') || !digits(p, end, 2, &mi) ||
        !expect(p, end, ':') || !digits(p, end, 2, &sec) || h > 24 || mi > 59 || sec > 60)
        return false;
    if (*p < end && **p == '.') {
        (*p)++;
        int n = 0;
        for (; *p < end && **p >= '0' && **p <= '9' && n < 6; (*p)++, n++)
            frac = frac * 10 + (**p - '0');
        if (n == 0)
            return false;
        for (; n < 6; n++)
            frac *= 10;
    }
    *us = ((h * 60 + mi) * 60 + sec) * US_PER_SEC + frac;
    return true;
}

/* "+HH[:MM[:SS]]" -> seconds east of UTC. */
static bool parse_offset(const char **p, const char *end, int64_t *sec)
{
    if (*p >= end || (**p != '+' && **p != '-'))
        return false;
    int sign = **p == '-' ? -1 : 1;
    (*p)++;
    int64_t h, m = 0, s = 0;
    if (!digits(p, end, 2, &h))
        return false;
    if (*p < end && **p == ':' && (!expect(p, end, ':') || !digits(p, end, 2, &m)))
        return false;
    if (*p < end && **p == ':' && (!expect(p, end, ':') || !digits(p, end, 2, &s)))
        return false;
    *sec = sign * ((h * 60 + m) * 60 + s);
    return true;
}

/* DateStyle ISO date or timestamp[tz] -> days (date) or µs since 1970 UTC (timestamps). */
static bool parse_datetime(const char *s, size_t len, proxy_pgcat_kind_t k, int64_t *out)
{
    bool date = k == PROXY_PGCAT_DATE;
    if (len == 8 && memcmp(s, "infinity", 8) == 0) {
        *out = date ? DUCK_DATE_INF : DUCK_TS_INF;
        return true;
    }
    if (len == 9 && memcmp(s, "-infinity", 9) == 0) {
        *out = date ? -DUCK_DATE_INF : -DUCK_TS_INF;
        return true;
    }
    const char *p = s, *end = s + len;
    int64_t y = 0, m, d, clock = 0, off = 0;
    int n = 0;
    for (; p < end && *p >= '0' && *p <= '9' && n < 6; p++, n++)
        y = y * 10 + (*p - '0');
    if (n < 4 || !expect(&p, end, '-') || !digits(&p, end, 2, &m) || !expect(&p, end, '-') ||
        !digits(&p, end, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    if (!date && (!expect(&p, end, ' ') || !parse_clock(&p, end, &clock)))
        return false;
    if (k == PROXY_PGCAT_TSTZ && !parse_offset(&p, end, &off))
        return false;
    if (end - p == 3 && memcmp(p, " BC", 3) == 0) {
        y = 1 - y; /* 1 BC is year 0 */
        p = end;
    }
    if (p != end)
        return false;
    int64_t days = am_days_from_civil(y, m, d);
    *out = date ? days : days * US_PER_DAY + clock - off * US_PER_SEC;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* bytea_output = hex ("\x0a1b"), which the source's connections force. */
static bool parse_bytea(const char *s, size_t len, am_buf_t *scratch, scalar_t *v)
{
    if (len < 2 || s[0] != '\\' || s[1] != 'x' || len % 2 != 0)
        return false;
    size_t at = scratch->len;
    for (size_t i = 2; i < len; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        am_buf_putc(scratch, (char)(hi << 4 | lo));
    }
    v->s = scratch->data + at;
    v->len = scratch->len - at;
    return true;
}

static bool parse_scalar(proxy_pgcat_kind_t k, const char *s, size_t len, am_buf_t *scratch,
                         scalar_t *v)
{
    v->s = s;
    v->len = len;
    switch (k) {
    case PROXY_PGCAT_BOOL:
        v->b = len == 1 && s[0] == 't';
        return len == 1 && (s[0] == 't' || s[0] == 'f');
    case PROXY_PGCAT_INT16:
        return parse_int(s, len, INT16_MIN, INT16_MAX, &v->i);
    case PROXY_PGCAT_INT32:
        return parse_int(s, len, INT32_MIN, INT32_MAX, &v->i);
    case PROXY_PGCAT_INT64:
        return parse_int(s, len, INT64_MIN + 1, INT64_MAX, &v->i);
    case PROXY_PGCAT_FLOAT:
    case PROXY_PGCAT_DOUBLE:
        return parse_float(s, len, &v->d);
    case PROXY_PGCAT_DATE:
    case PROXY_PGCAT_TS:
    case PROXY_PGCAT_TSTZ:
        return parse_datetime(s, len, k, &v->i);
    case PROXY_PGCAT_BLOB:
        return parse_bytea(s, len, scratch, v);
    default:
        return true;
    }
}

static duckdb_state append_scalar(duckdb_appender app, proxy_pgcat_kind_t k, const scalar_t *v)
{
    switch (k) {
    case PROXY_PGCAT_BOOL:
        return duckdb_append_bool(app, v->b);
    case PROXY_PGCAT_INT16:
        return duckdb_append_int16(app, (int16_t)v->i);
    case PROXY_PGCAT_INT32:
        return duckdb_append_int32(app, (int32_t)v->i);
    case PROXY_PGCAT_INT64:
        return duckdb_append_int64(app, v->i);
    case PROXY_PGCAT_FLOAT:
        return duckdb_append_float(app, (float)v->d);
    case PROXY_PGCAT_DOUBLE:
        return duckdb_append_double(app, v->d);
    case PROXY_PGCAT_DATE:
        return duckdb_append_date(app, (duckdb_date){(int32_t)v->i});
    case PROXY_PGCAT_TS:
    case PROXY_PGCAT_TSTZ:
        return duckdb_append_timestamp(app, (duckdb_timestamp){v->i});
    case PROXY_PGCAT_BLOB:
        return duckdb_append_blob(app, v->s, v->len);
    default:
        return duckdb_append_varchar_length(app, v->s, v->len);
    }
}

static duckdb_value value_of(proxy_pgcat_kind_t k, const scalar_t *v)
{
    switch (k) {
    case PROXY_PGCAT_BOOL:
        return duckdb_create_bool(v->b);
    case PROXY_PGCAT_INT16:
        return duckdb_create_int16((int16_t)v->i);
    case PROXY_PGCAT_INT32:
        return duckdb_create_int32((int32_t)v->i);
    case PROXY_PGCAT_INT64:
        return duckdb_create_int64(v->i);
    case PROXY_PGCAT_FLOAT:
        return duckdb_create_float((float)v->d);
    case PROXY_PGCAT_DOUBLE:
        return duckdb_create_double(v->d);
    case PROXY_PGCAT_DATE:
        return duckdb_create_date((duckdb_date){(int32_t)v->i});
    case PROXY_PGCAT_TS:
        return duckdb_create_timestamp((duckdb_timestamp){v->i});
    case PROXY_PGCAT_TSTZ:
        return duckdb_create_timestamp_tz((duckdb_timestamp){v->i});
    case PROXY_PGCAT_BLOB:
        return duckdb_create_blob((const uint8_t *)v->s, v->len);
    default:
        return duckdb_create_varchar_length(v->s, v->len);
    }
}

/* ---- arrays and vectors ------------------------------------------------------------------------
 */

typedef struct elem {
    size_t off; /* into the scratch buffer */
    size_t len;
    bool null;
} elem_t;

typedef struct elems {
    elem_t *v;
    size_t n;
    size_t cap;
} elems_t;

static void elems_push(elems_t *e, size_t off, size_t len, bool null)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->v = am_xrealloc(e->v, e->cap * sizeof *e->v);
    }
    e->v[e->n++] = (elem_t){off, len, null};
}

/* One element of an array's text at *p: quoted ("..." with \ escapes) or bare (trimmed;
 * NULL unquoted is SQL NULL); its unescaped text goes to scratch. */
static bool array_elem(const char **p, const char *end, char delim, am_buf_t *scratch, elems_t *out)
{
    size_t at = scratch->len;
    bool quoted = **p == '"';
    if (quoted) {
        for ((*p)++; *p < end && **p != '"'; (*p)++) {
            if (**p == '\\' && ++(*p) >= end)
                return false;
            am_buf_putc(scratch, **p);
        }
        if (!expect(p, end, '"'))
            return false;
    } else {
        for (; *p < end && **p != delim && **p != '}'; (*p)++) {
            if (**p == '"' || **p == '{' || (**p == '\\' && ++(*p) >= end))
                return false;
            am_buf_putc(scratch, **p);
        }
        while (scratch->len > at && scratch->data[scratch->len - 1] == ' ')
            scratch->len--;
    }
    size_t len = scratch->len - at;
    if (len == 0 && !quoted)
        return false;
    bool null = !quoted && len == 4 && strncasecmp(scratch->data + at, "NULL", 4) == 0;
    elems_push(out, at, len, null);
    return true;
}

/* "{a,b}" (one dimension, lower bound 1) -> elements; refuses anything else. */
static bool split_array(const char *s, size_t len, char delim, am_buf_t *scratch, elems_t *out)
{
    const char *p = s, *end = s + len;
    if (!expect(&p, end, '{'))
        return false;
    if (p < end && *p == '}')
        return p + 1 == end;
    for (;;) {
        while (p < end && *p == ' ')
            p++;
        if (p >= end || !array_elem(&p, end, delim, scratch, out))
            return false;
        while (p < end && *p == ' ')
            p++;
        if (p < end && *p == '}')
            return p + 1 == end;
        if (!expect(&p, end, delim))
            return false;
    }
}

/* int2vector / oidvector: numbers separated by single spaces; "" is empty. */
static bool split_vector(const char *s, size_t len, am_buf_t *scratch, elems_t *out)
{
    size_t start = 0;
    for (size_t i = 0; i <= len && len > 0; i++) {
        if (i < len && s[i] != ' ')
            continue;
        if (i == start)
            return false;
        size_t at = scratch->len;
        am_buf_append(scratch, s + start, i - start);
        elems_push(out, at, i - start, false);
        start = i + 1;
    }
    return true;
}

/* The elements as DuckDB values (NULL entries for SQL NULL are null values). */
static bool list_values(const proxy_pgcat_conv_t *cv, const am_buf_t *texts, const elems_t *el,
                        duckdb_value *vals)
{
    am_buf_t tmp; /* a blob element's bytes; the value copies them */
    am_buf_init(&tmp);
    bool ok = true;
    for (size_t i = 0; ok && i < el->n; i++) {
        scalar_t v;
        am_buf_reset(&tmp);
        if (el->v[i].null)
            vals[i] = duckdb_create_null_value();
        else if ((ok = parse_scalar(cv->kind, texts->data + el->v[i].off, el->v[i].len, &tmp, &v)))
            vals[i] = value_of(cv->kind, &v);
    }
    am_buf_destroy(&tmp);
    return ok;
}

static bool append_list(duckdb_appender app, const proxy_pgcat_conv_t *cv, const char *text,
                        size_t len, am_buf_t *scratch, const char **why)
{
    elems_t el = {0};
    am_buf_reset(scratch);
    bool ok = cv->vector ? split_vector(text, len, scratch, &el)
                         : split_array(text, len, cv->delim, scratch, &el);
    *why = "not a one-dimensional array:";
    duckdb_value *vals = am_xcalloc(el.n ? el.n : 1, sizeof(duckdb_value));
    if (ok && !list_values(cv, scratch, &el, vals)) {
        ok = false;
        *why = "bad array element:";
    }
    if (ok) {
        duckdb_value list = duckdb_create_list_value(cv->elem_type, vals, el.n);
        ok = list && duckdb_append_value(app, list) == DuckDBSuccess;
        *why = "rejected by DuckDB:";
        duckdb_destroy_value(&list);
    }
    for (size_t i = 0; i < el.n; i++)
        if (vals[i])
            duckdb_destroy_value(&vals[i]);
    free(vals);
    free(el.v);
    return ok;
}

bool proxy__pgcat_append(duckdb_appender app, const proxy_pgcat_conv_t *cv, const char *text,
                         am_buf_t *scratch, const char **why)
{
    if (!text)
        return duckdb_append_null(app) == DuckDBSuccess;
    size_t len = strlen(text);
    if (cv->list)
        return append_list(app, cv, text, len, scratch, why);
    scalar_t v;
    am_buf_reset(scratch);
    *why = "invalid value:";
    if (!parse_scalar(cv->kind, text, len, scratch, &v))
        return false;
    *why = "rejected by DuckDB:";
    return append_scalar(app, cv->kind, &v) == DuckDBSuccess;
}
