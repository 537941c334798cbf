/*
 * proxy/types.c: DuckDB values in PostgreSQL's text output (format 0) and binary send format
 * (format 1), read straight from DuckDB's data chunk vectors. Each PostgreSQL type has one
 * DuckDB representation (docs/pgface.md section 2), so the vector's type decides the form;
 * what only the PostgreSQL type can tell (reg* names, oid widths, numeric text, jsonb) is
 * typeout.c's, which calls this file for the rest.
 * Spec: postgres.md §3 (binary formats) and §5 (OIDs, text output).
 */
#include "proxy/proxy_internal.h"
#include "proxy/pgfn_num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_DATE 1082
#define OID_TIME 1083
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184
#define OID_INTERVAL 1186
#define OID_NUMERIC 1700
#define OID_UUID 2950

static uint32_t scalar_oid(duckdb_type t)
{
    switch (t) {
    case DUCKDB_TYPE_BOOLEAN:
        return OID_BOOL;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_UTINYINT:
        return OID_INT2;
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_USMALLINT:
        return OID_INT4;
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UINTEGER:
        return OID_INT8;
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_DECIMAL:
        return OID_NUMERIC;
    case DUCKDB_TYPE_FLOAT:
        return OID_FLOAT4;
    case DUCKDB_TYPE_DOUBLE:
        return OID_FLOAT8;
    case DUCKDB_TYPE_BLOB:
        return OID_BYTEA;
    case DUCKDB_TYPE_DATE:
        return OID_DATE;
    case DUCKDB_TYPE_TIME:
        return OID_TIME;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
        return OID_TIMESTAMP;
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        return OID_TIMESTAMPTZ;
    case DUCKDB_TYPE_INTERVAL:
        return OID_INTERVAL;
    case DUCKDB_TYPE_UUID:
        return OID_UUID;
    default:
        return OID_TEXT;
    }
}

/* A one-dimensional LIST/ARRAY of a scalar becomes a PostgreSQL array; anything else text. */
static duckdb_logical_type list_child(duckdb_logical_type t)
{
    duckdb_type id = duckdb_get_type_id(t);
    if (id == DUCKDB_TYPE_LIST)
        return duckdb_list_type_child_type(t);
    if (id == DUCKDB_TYPE_ARRAY)
        return duckdb_array_type_child_type(t);
    return NULL;
}

/* ---- numbers ----------------------------------------------------------------------------- */

/* v's digits end at end; returns where they start. */
static char *u128_digits(u128 v, char *end)
{
    char *p = end;
    while (v > UINT64_MAX) { /* 128-bit division only for the digits that need it */
        *--p = (char)('0' + (int)(v % 10));
        v /= 10;
    }
    uint64_t w = (uint64_t)v;
    do {
        *--p = (char)('0' + (int)(w % 10));
        w /= 10;
    } while (w);
    return p;
}

static void put_u128(u128 v, am_buf_t *out)
{
    char tmp[48], *p = u128_digits(v, tmp + sizeof tmp);
    am_buf_append(out, p, (size_t)(tmp + sizeof tmp - p));
}

static void put_i128(i128 v, am_buf_t *out)
{
    if (v < 0) {
        am_buf_putc(out, '-');
        put_u128((u128)0 - (u128)v, out);
    } else {
        put_u128((u128)v, out);
    }
}

/* Decimal at its scale: 150 scale 2 -> "1.50", -5 scale 2 -> "-0.05". */
static void put_decimal(i128 v, int scale, am_buf_t *out)
{
    if (scale == 0) {
        put_i128(v, out);
        return;
    }
    bool neg = v < 0;
    char tmp[48], *end = tmp + sizeof tmp;
    char *p = u128_digits(neg ? (u128)0 - (u128)v : (u128)v, end);
    size_t n = (size_t)(end - p), sc = (size_t)scale;
    if (neg)
        am_buf_putc(out, '-');
    if (n <= sc) {
        am_buf_puts(out, "0.");
        for (size_t i = n; i < sc; i++)
            am_buf_putc(out, '0');
        am_buf_append(out, p, n);
    } else {
        am_buf_append(out, p, n - sc);
        am_buf_putc(out, '.');
        am_buf_append(out, p + n - sc, sc);
    }
}

/*
 * PostgreSQL 12+ float output: the shortest digits that read back to the same value, in
 * exponent form when the exponent is below -4 or at least 15 (float8) / 6 (float4).
 */
/* float4out/float8out exactly (pgfn_num.c reproduces PostgreSQL's shortest-text rules). */
static void put_float(double v, bool is_float4, int extra_digits, am_buf_t *out)
{
    char tmp[64];
    size_t n = is_float4 ? proxy__f4_out((float)v, extra_digits, tmp)
                         : proxy__f8_out(v, extra_digits, tmp);
    am_buf_append(out, tmp, n);
}

/* ---- strings and blobs ------------------------------------------------------------------- */

static const char *str_data(duckdb_string_t *s, uint32_t *len)
{
    *len = duckdb_string_t_length(*s);
    return duckdb_string_t_data(s);
}

static void put_bytea_hex(const uint8_t *p, size_t n, am_buf_t *out)
{
    static const char hex[] = "0123456789abcdef";
    am_buf_puts(out, "\\x");
    am_buf_reserve(out, n * 2);
    for (size_t i = 0; i < n; i++) {
        am_buf_putc(out, hex[p[i] >> 4]);
        am_buf_putc(out, hex[p[i] & 15]);
    }
}

static void put_uuid(duckdb_hugeint h, am_buf_t *out)
{
    /* DuckDB flips the top bit so UUIDs sort as unsigned. */
    uint64_t hi = (uint64_t)h.upper ^ (UINT64_C(1) << 63), lo = h.lower;
    am_buf_printf(out, "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(hi >> 32),
                  (unsigned long long)(hi >> 16 & 0xffff), (unsigned long long)(hi & 0xffff),
                  (unsigned long long)(lo >> 48), (unsigned long long)(lo & 0xffffffffffffULL));
}

static i128 hugeint_value(duckdb_hugeint h)
{
    return (i128)((u128)(uint64_t)h.upper << 64 | h.lower);
}

static i128 decimal_raw(duckdb_logical_type t, const void *data, idx_t row)
{
    switch (duckdb_decimal_internal_type(t)) {
    case DUCKDB_TYPE_SMALLINT:
        return ((const int16_t *)data)[row];
    case DUCKDB_TYPE_INTEGER:
        return ((const int32_t *)data)[row];
    case DUCKDB_TYPE_BIGINT:
        return ((const int64_t *)data)[row];
    default:
        return hugeint_value(((const duckdb_hugeint *)data)[row]);
    }
}

static int64_t ts_micros(duckdb_type t, int64_t v)
{
    if (v == INT64_MAX || v <= -INT64_MAX)
        return v;
    if (t == DUCKDB_TYPE_TIMESTAMP_S)
        return v * 1000000;
    if (t == DUCKDB_TYPE_TIMESTAMP_MS)
        return v * 1000;
    if (t == DUCKDB_TYPE_TIMESTAMP_NS)
        return v / 1000 - (v % 1000 < 0 ? 1 : 0); /* floor: -1 ns is in the microsecond -1 */
    return v;
}

/* DuckDB's date infinities are +-INT32_MAX, PostgreSQL's INT32_MAX and INT32_MIN. DuckDB's
 * earliest finite days lie near -INT32_MAX: shifted to 2000-01-01 they would pass INT32_MIN,
 * so they clamp (no PostgreSQL date is that old anyway). */
static int32_t pg_date_binary(int32_t d)
{
    if (d >= INT32_MAX)
        return INT32_MAX;
    if (d <= -INT32_MAX)
        return INT32_MIN;
    int64_t pg = (int64_t)d - AM_PG_EPOCH_OFFSET_DAYS;
    return pg <= -INT32_MAX ? -INT32_MAX + 1 : (int32_t)pg;
}

bool proxy__value_is_valid(duckdb_vector vec, idx_t row)
{
    uint64_t *validity = duckdb_vector_get_validity(vec);
    return !validity || duckdb_validity_row_is_valid(validity, row);
}

/* Scalars in text form. Returns false if t is not a scalar this function knows. */
static bool scalar_text(const proxy_session_t *s, duckdb_logical_type lt, duckdb_type t, void *data,
                        idx_t row, am_buf_t *out)
{
    switch (t) {
    case DUCKDB_TYPE_BOOLEAN:
        am_buf_putc(out, ((bool *)data)[row] ? 't' : 'f');
        return true;
    case DUCKDB_TYPE_TINYINT:
        am_buf_put_int(out, ((int8_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_SMALLINT:
        am_buf_put_int(out, ((int16_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_INTEGER:
        am_buf_put_int(out, ((int32_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_BIGINT:
        am_buf_put_int(out, ((int64_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_UTINYINT:
        am_buf_put_uint(out, ((uint8_t *)data)[row], 1);
        return true;
    case DUCKDB_TYPE_USMALLINT:
        am_buf_put_uint(out, ((uint16_t *)data)[row], 1);
        return true;
    case DUCKDB_TYPE_UINTEGER:
        am_buf_put_uint(out, ((uint32_t *)data)[row], 1);
        return true;
    case DUCKDB_TYPE_UBIGINT:
        am_buf_put_uint(out, ((uint64_t *)data)[row], 1);
        return true;
    case DUCKDB_TYPE_HUGEINT:
        put_i128(hugeint_value(((duckdb_hugeint *)data)[row]), out);
        return true;
    case DUCKDB_TYPE_UHUGEINT: {
        duckdb_uhugeint u = ((duckdb_uhugeint *)data)[row];
        put_u128((u128)u.upper << 64 | u.lower, out);
        return true;
    }
    case DUCKDB_TYPE_DECIMAL:
        put_decimal(decimal_raw(lt, data, row), duckdb_decimal_scale(lt), out);
        return true;
    case DUCKDB_TYPE_FLOAT:
        put_float(((float *)data)[row], true, s->extra_float_digits, out);
        return true;
    case DUCKDB_TYPE_DOUBLE:
        put_float(((double *)data)[row], false, s->extra_float_digits, out);
        return true;
    default:
        return false;
    }
}

static bool temporal_text(const proxy_session_t *s, duckdb_type t, void *data, idx_t row,
                          am_buf_t *out)
{
    switch (t) {
    case DUCKDB_TYPE_DATE:
        proxy__fmt_date(s, ((int32_t *)data)[row], out);
        return true;
    case DUCKDB_TYPE_TIME:
        proxy__fmt_time(((int64_t *)data)[row], out);
        return true;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
        proxy__fmt_timestamp(s, ts_micros(t, ((int64_t *)data)[row]), false, out);
        return true;
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        proxy__fmt_timestamp(s, ((int64_t *)data)[row], true, out);
        return true;
    case DUCKDB_TYPE_INTERVAL: {
        duckdb_interval iv = ((duckdb_interval *)data)[row];
        proxy__fmt_interval(s, iv.months, iv.days, iv.micros, out);
        return true;
    }
    default:
        return false;
    }
}

static void put_enum(duckdb_logical_type lt, void *data, idx_t row, am_buf_t *out)
{
    idx_t idx;
    switch (duckdb_enum_internal_type(lt)) {
    case DUCKDB_TYPE_UTINYINT:
        idx = ((uint8_t *)data)[row];
        break;
    case DUCKDB_TYPE_USMALLINT:
        idx = ((uint16_t *)data)[row];
        break;
    default:
        idx = ((uint32_t *)data)[row];
        break;
    }
    char *v = duckdb_enum_dictionary_value(lt, idx);
    if (v)
        am_buf_puts(out, v);
    duckdb_free(v);
}

static void value_text(const proxy_session_t *s, duckdb_logical_type lt, duckdb_vector vec,
                       idx_t row, am_buf_t *out);

/* Array/record element quoting: empty, NULL-looking, or containing {}(),"\ or blanks. */
static void put_elem(const char *p, size_t n, bool is_record, am_buf_t *out)
{
    const char *special = is_record ? "(),\"\\ \t\n\r\f\v" : "{},\"\\ \t\n\r\f\v";
    bool quote = n == 0 || (!is_record && n == 4 && strncasecmp(p, "NULL", 4) == 0);
    for (size_t i = 0; !quote && i < n; i++)
        quote = p[i] != '\0' && strchr(special, p[i]) != NULL;
    if (!quote) {
        am_buf_append(out, p, n);
        return;
    }
    am_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        /* array_out escapes with a backslash, record_out doubles the character */
        if (p[i] == '"' || p[i] == '\\') {
            char esc = '\\';
            if (is_record)
                esc = p[i];
            am_buf_putc(out, esc);
        }
        am_buf_putc(out, p[i]);
    }
    am_buf_putc(out, '"');
}

/* {a,b,NULL}; nested lists print nested braces without quotes. */
static void list_text(const proxy_session_t *s, duckdb_logical_type lt, duckdb_vector vec,
                      idx_t row, am_buf_t *out)
{
    duckdb_logical_type ct = list_child(lt);
    duckdb_vector child;
    idx_t off, n;
    if (duckdb_get_type_id(lt) == DUCKDB_TYPE_LIST) {
        duckdb_list_entry e = ((duckdb_list_entry *)duckdb_vector_get_data(vec))[row];
        child = duckdb_list_vector_get_child(vec);
        off = e.offset;
        n = e.length;
    } else {
        n = duckdb_array_type_array_size(lt);
        child = duckdb_array_vector_get_child(vec);
        off = row * n;
    }
    duckdb_type cid = duckdb_get_type_id(ct);
    bool nested = cid == DUCKDB_TYPE_LIST || cid == DUCKDB_TYPE_ARRAY;
    am_buf_t el;
    am_buf_init(&el);
    am_buf_putc(out, '{');
    for (idx_t i = 0; i < n; i++) {
        if (i > 0)
            am_buf_putc(out, ',');
        if (!proxy__value_is_valid(child, off + i)) {
            am_buf_puts(out, "NULL");
            continue;
        }
        am_buf_reset(&el);
        value_text(s, ct, child, off + i, &el);
        if (nested)
            am_buf_append(out, el.data, el.len);
        else
            put_elem(el.data ? el.data : "", el.len, false, out);
    }
    am_buf_putc(out, '}');
    am_buf_destroy(&el);
    duckdb_destroy_logical_type(&ct);
}

/* (1,"a b",) as PostgreSQL prints a record; NULL fields are empty. */
static void struct_text(const proxy_session_t *s, duckdb_logical_type lt, duckdb_vector vec,
                        idx_t row, am_buf_t *out)
{
    idx_t n = duckdb_struct_type_child_count(lt);
    am_buf_t el;
    am_buf_init(&el);
    am_buf_putc(out, '(');
    for (idx_t i = 0; i < n; i++) {
        if (i > 0)
            am_buf_putc(out, ',');
        duckdb_vector child = duckdb_struct_vector_get_child(vec, i);
        if (!proxy__value_is_valid(child, row))
            continue;
        duckdb_logical_type ct = duckdb_struct_type_child_type(lt, i);
        am_buf_reset(&el);
        value_text(s, ct, child, row, &el);
        put_elem(el.data ? el.data : "", el.len, true, out);
        duckdb_destroy_logical_type(&ct);
    }
    am_buf_putc(out, ')');
    am_buf_destroy(&el);
}

static void value_text(const proxy_session_t *s, duckdb_logical_type lt, duckdb_vector vec,
                       idx_t row, am_buf_t *out)
{
    duckdb_type t = duckdb_get_type_id(lt);
    void *data = duckdb_vector_get_data(vec);
    if (scalar_text(s, lt, t, data, row, out) || temporal_text(s, t, data, row, out))
        return;
    uint32_t len;
    const char *p;
    switch (t) {
    case DUCKDB_TYPE_VARCHAR:
        p = str_data(&((duckdb_string_t *)data)[row], &len);
        am_buf_append(out, p, len);
        return;
    case DUCKDB_TYPE_BLOB:
        p = str_data(&((duckdb_string_t *)data)[row], &len);
        put_bytea_hex((const uint8_t *)p, len, out);
        return;
    case DUCKDB_TYPE_UUID:
        put_uuid(((duckdb_hugeint *)data)[row], out);
        return;
    case DUCKDB_TYPE_ENUM:
        put_enum(lt, data, row, out);
        return;
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY:
        list_text(s, lt, vec, row, out);
        return;
    case DUCKDB_TYPE_STRUCT:
        struct_text(s, lt, vec, row, out);
        return;
    default:
        /* proxy/exec.c casts every other type to VARCHAR before it reaches here */
        am_buf_printf(out, "(unsupported DuckDB type %d)", (int)t);
        return;
    }
}

/* ---- binary send format ------------------------------------------------------------------ */

static void put_be(am_buf_t *out, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--)
        am_buf_putc(out, (char)(v >> (8 * i)));
}

/* numeric send format from canonical decimal text ("-12.50"): base-10000 digit groups. */
void proxy__numeric_binary(const char *txt, size_t n, am_buf_t *out)
{
    if ((n == 3 && !memcmp(txt, "NaN", 3)) || (n == 8 && !memcmp(txt, "Infinity", 8)) ||
        (n == 9 && !memcmp(txt, "-Infinity", 9))) {
        put_be(out, 0, 2);
        put_be(out, 0, 2);
        put_be(out, txt[0] == 'N' ? 0xC000 : txt[0] == 'I' ? 0xD000 : 0xF000, 2);
        /* numeric_send reads the display scale out of the special value's header bits: 32 for
         * either infinity (0x1000 of 0xD000/0xF000 under the short format's scale mask), 0 for
         * NaN; clients that compare bytes see PostgreSQL's */
        put_be(out, txt[0] == 'N' ? 0 : 32, 2);
        return;
    }
    bool neg = n > 0 && txt[0] == '-';
    const char *p = txt + neg, *end = txt + n;
    const char *dot = memchr(p, '.', (size_t)(end - p));
    const char *ie = dot ? dot : end;
    while (p < ie && *p == '0')
        p++;
    size_t ni = (size_t)(ie - p), nf = dot ? (size_t)(end - dot - 1) : 0;
    size_t gi = (ni + 3) / 4, gf = (nf + 3) / 4;
    uint16_t *g = am_xcalloc(gi + gf + 1, sizeof *g);
    for (size_t i = 0; i < ni; i++) {
        size_t pos = (4 * gi - ni) + i; /* digit index counted from the left, padded */
        g[pos / 4] = (uint16_t)(g[pos / 4] * 10 + (p[i] - '0'));
    }
    for (size_t i = 0; i < nf; i++)
        g[gi + i / 4] = (uint16_t)(g[gi + i / 4] * 10 + (dot[1 + i] - '0'));
    for (size_t i = nf; i < gf * 4; i++)
        g[gi + i / 4] = (uint16_t)(g[gi + i / 4] * 10);
    size_t first = 0, last = gi + gf;
    int weight = (int)gi - 1;
    while (first < last && g[first] == 0) {
        first++;
        weight--;
    }
    while (last > first && g[last - 1] == 0)
        last--;
    if (first == last)
        weight = 0;
    put_be(out, last - first, 2);
    put_be(out, (uint16_t)(int16_t)weight, 2);
    put_be(out, first < last && neg ? 0x4000 : 0, 2);
    put_be(out, nf, 2);
    for (size_t i = first; i < last; i++)
        put_be(out, g[i], 2);
    free(g);
}

static int64_t pg_ts(int64_t unix_us)
{
    if (unix_us == INT64_MAX)
        return INT64_MAX;
    if (unix_us <= -INT64_MAX)
        return INT64_MIN;
    return unix_us - AM_PG_EPOCH_OFFSET_US;
}

static bool value_binary(const proxy_session_t *s, duckdb_logical_type lt, duckdb_vector vec,
                         idx_t row, am_buf_t *out);

/* The value of a DuckDB integer vector's row, and the width PostgreSQL's smallest integer
 * type that holds every value of that DuckDB type has (unsigned ones need the next size). */
static bool duck_int(duckdb_type t, const void *d, idx_t row, int64_t *v, int *width)
{
    switch (t) {
    case DUCKDB_TYPE_TINYINT:
        *v = (int64_t)((const int8_t *)d)[row];
        *width = 2;
        return true;
    case DUCKDB_TYPE_SMALLINT:
        *v = ((const int16_t *)d)[row];
        *width = 2;
        return true;
    case DUCKDB_TYPE_UTINYINT:
        *v = ((const uint8_t *)d)[row];
        *width = 2;
        return true;
    case DUCKDB_TYPE_INTEGER:
        *v = ((const int32_t *)d)[row];
        *width = 4;
        return true;
    case DUCKDB_TYPE_USMALLINT:
        *v = ((const uint16_t *)d)[row];
        *width = 4;
        return true;
    case DUCKDB_TYPE_BIGINT:
        *v = ((const int64_t *)d)[row];
        *width = 8;
        return true;
    case DUCKDB_TYPE_UINTEGER:
        *v = ((const uint32_t *)d)[row];
        *width = 8;
        return true;
    default:
        return false;
    }
}

bool proxy__pg_width_binary(uint32_t pg_oid, duckdb_type t, duckdb_vector vec, idx_t row,
                            am_buf_t *out)
{
    const void *d = duckdb_vector_get_data(vec);
    int width = pg_oid == PG_OID_INT2   ? 2
                : pg_oid == PG_OID_INT4 ? 4
                : pg_oid == PG_OID_INT8 ? 8
                                        : 0;
    int64_t v;
    int duck_width;
    if (width) {
        if (!duck_int(t, d, row, &v, &duck_width))
            return false;
        put_be(out, (uint64_t)v, width);
        return true;
    }
    if (pg_oid == PG_OID_FLOAT4 && t == DUCKDB_TYPE_DOUBLE) {
        float f = (float)((const double *)d)[row];
        uint32_t bits;
        memcpy(&bits, &f, 4);
        put_be(out, bits, 4);
        return true;
    }
    if (pg_oid == PG_OID_FLOAT8 && t == DUCKDB_TYPE_FLOAT) {
        double f = ((const float *)d)[row];
        uint64_t bits;
        memcpy(&bits, &f, 8);
        put_be(out, bits, 8);
        return true;
    }
    return false;
}

void proxy__duck_array_binary(const proxy_session_t *s, duckdb_logical_type lt, duckdb_vector vec,
                              idx_t row, uint32_t elem_oid, uint32_t send_oid, am_buf_t *out)
{
    duckdb_logical_type ct = list_child(lt);
    duckdb_vector child;
    idx_t off, n;
    if (duckdb_get_type_id(lt) == DUCKDB_TYPE_LIST) {
        duckdb_list_entry e = ((duckdb_list_entry *)duckdb_vector_get_data(vec))[row];
        child = duckdb_list_vector_get_child(vec);
        off = e.offset;
        n = e.length;
    } else {
        n = duckdb_array_type_array_size(lt);
        child = duckdb_array_vector_get_child(vec);
        off = row * n;
    }
    bool has_null = false;
    for (idx_t i = 0; i < n; i++)
        has_null |= !proxy__value_is_valid(child, off + i);
    put_be(out, n > 0 ? 1 : 0, 4);
    put_be(out, has_null, 4);
    put_be(out, elem_oid, 4);
    if (n > 0) {
        put_be(out, n, 4);
        put_be(out, 1, 4);
    }
    for (idx_t i = 0; i < n; i++) {
        if (!proxy__value_is_valid(child, off + i)) {
            put_be(out, UINT32_MAX, 4);
            continue;
        }
        size_t len_off = out->len;
        put_be(out, 0, 4);
        bool text_held = duckdb_get_type_id(ct) == DUCKDB_TYPE_VARCHAR;
        if (text_held && send_oid == PG_OID_NUMERIC) { /* numeric text -> numeric_send */
            am_buf_t txt;
            am_buf_init(&txt);
            value_text(s, ct, child, off + i, &txt);
            proxy__numeric_binary(txt.data ? txt.data : "", txt.len, out);
            am_buf_destroy(&txt);
        } else if (text_held && send_oid == PG_OID_JSONB) { /* jsonb_send: version 1, text */
            put_be(out, 1, 1);
            value_text(s, ct, child, off + i, out);
        } else if (!proxy__pg_width_binary(send_oid, duckdb_get_type_id(ct), child, off + i, out) &&
                   !value_binary(s, ct, child, off + i, out)) {
            value_text(s, ct, child, off + i, out);
        }
        am_buf_set_u32(out, len_off, (uint32_t)(out->len - len_off - 4));
    }
    duckdb_destroy_logical_type(&ct);
}

static bool int_binary(duckdb_type t, void *data, idx_t row, am_buf_t *out)
{
    if (t == DUCKDB_TYPE_BOOLEAN) {
        put_be(out, ((bool *)data)[row], 1);
        return true;
    }
    int64_t v;
    int width;
    if (!duck_int(t, data, row, &v, &width))
        return false;
    put_be(out, (uint64_t)v, width);
    return true;
}

static bool value_binary(const proxy_session_t *s, duckdb_logical_type lt, duckdb_vector vec,
                         idx_t row, am_buf_t *out)
{
    duckdb_type t = duckdb_get_type_id(lt);
    void *data = duckdb_vector_get_data(vec);
    if (int_binary(t, data, row, out))
        return true;
    switch (t) {
    case DUCKDB_TYPE_FLOAT: {
        uint32_t bits;
        memcpy(&bits, &((float *)data)[row], 4);
        put_be(out, bits, 4);
        return true;
    }
    case DUCKDB_TYPE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &((double *)data)[row], 8);
        put_be(out, bits, 8);
        return true;
    }
    case DUCKDB_TYPE_DECIMAL:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_UBIGINT: {
        am_buf_t txt;
        am_buf_init(&txt);
        scalar_text(s, lt, t, data, row, &txt);
        proxy__numeric_binary(txt.data, txt.len, out);
        am_buf_destroy(&txt);
        return true;
    }
    case DUCKDB_TYPE_DATE:
        put_be(out, (uint32_t)pg_date_binary(((int32_t *)data)[row]), 4);
        return true;
    case DUCKDB_TYPE_TIME:
        put_be(out, (uint64_t)((int64_t *)data)[row], 8);
        return true;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        put_be(out, (uint64_t)pg_ts(ts_micros(t, ((int64_t *)data)[row])), 8);
        return true;
    case DUCKDB_TYPE_INTERVAL: {
        duckdb_interval iv = ((duckdb_interval *)data)[row];
        put_be(out, (uint64_t)iv.micros, 8);
        put_be(out, (uint32_t)iv.days, 4);
        put_be(out, (uint32_t)iv.months, 4);
        return true;
    }
    case DUCKDB_TYPE_UUID: {
        duckdb_hugeint h = ((duckdb_hugeint *)data)[row];
        put_be(out, (uint64_t)h.upper ^ (UINT64_C(1) << 63), 8);
        put_be(out, h.lower, 8);
        return true;
    }
    case DUCKDB_TYPE_BLOB:
    case DUCKDB_TYPE_VARCHAR: {
        uint32_t len;
        const char *p = str_data(&((duckdb_string_t *)data)[row], &len);
        am_buf_append(out, p, len);
        return true;
    }
    default:
        return false;
    }
}

bool proxy__duck_value_encode(const proxy_session_t *s, duckdb_logical_type t, duckdb_vector vec,
                              idx_t row, int16_t format, am_buf_t *out)
{
    if (!proxy__value_is_valid(vec, row)) {
        put_be(out, UINT32_MAX, 4);
        return false;
    }
    size_t len_off = out->len;
    put_be(out, 0, 4);
    bool done = false;
    if (format == 1) {
        duckdb_type id = duckdb_get_type_id(t);
        if (id == DUCKDB_TYPE_LIST || id == DUCKDB_TYPE_ARRAY) {
            duckdb_logical_type ct = list_child(t);
            uint32_t elem = scalar_oid(duckdb_get_type_id(ct));
            proxy__duck_array_binary(s, t, vec, row, elem, elem, out);
            duckdb_destroy_logical_type(&ct);
            done = true;
        } else {
            done = value_binary(s, t, vec, row, out);
        }
    }
    if (!done)
        value_text(s, t, vec, row, out);
    am_buf_set_u32(out, len_off, (uint32_t)(out->len - len_off - 4));
    return true;
}
