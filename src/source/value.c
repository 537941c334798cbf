/*
 * source/value.c: built-in PostgreSQL types -> neutral column types, and PostgreSQL text
 * output -> am_value_t for the scalar types (dates and times are in datetime.c, arrays in
 * array.c; domains, enums and arrays are resolved to these in relation.c).
 * Every connection forces DateStyle ISO, IntervalStyle postgres, extra_float_digits 3 and
 * bytea_output hex, so each type has exactly one text form to accept; anything else is 22P02,
 * never a guess. A value PostgreSQL holds but its column type in the lake cannot (numeric NaN
 * in a decimal(p,s)) is an error naming the value, never NULL.
 * Every present value but bytea also keeps its text in s + len, so a column the lake stores as
 * text (tables written before a type had a closer home) takes it verbatim.
 * Hot path of the initial copy: no allocation except for bytea and arrays, no locale-dependent
 * parsing except strtod/strtof on a bounded copy (the process never calls setlocale).
 * Spec: PostgreSQL docs, "Data Types" (output formats), postgres.md §5.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OID_BOOL = 16,
    OID_BYTEA = 17,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_OID = 26,
    OID_XID = 28,
    OID_CID = 29,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_DATE = 1082,
    OID_TIME = 1083,
    OID_TIMESTAMP = 1114,
    OID_TIMESTAMPTZ = 1184,
    OID_NUMERIC = 1700,
    OID_UUID = 2950,
};

static am_coltype_t coltype(am_type_t t)
{
    return (am_coltype_t){.type = t, .precision = 0, .scale = 0};
}

/* numeric(p,s) typmod = ((p << 16) | (s & 0x7ff)) + 4; since 15 s is an 11-bit signed field. */
static am_coltype_t numeric_type(int32_t typmod)
{
    if (typmod < 4)
        return coltype(AM_TYPE_STRING);
    int32_t t = typmod - 4;
    int32_t precision = (t >> 16) & 0xffff;
    int32_t scale = ((t & 0x7ff) ^ 1024) - 1024;
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision)
        return coltype(AM_TYPE_STRING);
    return (am_coltype_t){
        .type = AM_TYPE_DECIMAL, .precision = (int16_t)precision, .scale = (int16_t)scale};
}

am_coltype_t source_type_map(uint32_t type_oid, int32_t typmod)
{
    switch (type_oid) {
    case OID_BOOL:
        return coltype(AM_TYPE_BOOL);
    case OID_INT2:
        return coltype(AM_TYPE_INT16);
    case OID_INT4:
        return coltype(AM_TYPE_INT32);
    case OID_INT8:
    case OID_OID:
    case OID_XID:
    case OID_CID:
        return coltype(AM_TYPE_INT64);
    case OID_FLOAT4:
        return coltype(AM_TYPE_FLOAT32);
    case OID_FLOAT8:
        return coltype(AM_TYPE_FLOAT64);
    case OID_NUMERIC:
        return numeric_type(typmod);
    case OID_DATE:
        return coltype(AM_TYPE_DATE);
    case OID_TIME:
        return coltype(AM_TYPE_TIME);
    case OID_TIMESTAMP:
        return coltype(AM_TYPE_TIMESTAMP);
    case OID_TIMESTAMPTZ:
        return coltype(AM_TYPE_TIMESTAMPTZ);
    case OID_BYTEA:
        return coltype(AM_TYPE_BINARY);
    case OID_UUID:
        return coltype(AM_TYPE_UUID);
    default:
        return coltype(AM_TYPE_STRING);
    }
}

void source__value_shown(const char *text, size_t len, char *out, size_t out_len)
{
    /* messages are one line: control characters of the bad value show as '?' */
    AM_ASSERT(out_len >= SOURCE_VALUE_CLIP + 4);
    size_t n = len > SOURCE_VALUE_CLIP ? SOURCE_VALUE_CLIP : len;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)((unsigned char)text[i] < 0x20 || text[i] == 0x7f ? '?' : text[i]);
    (void)snprintf(out + n, out_len - n, "%s", len > SOURCE_VALUE_CLIP ? "..." : "");
}

bool source__bad_value(am_err_t *err, am_coltype_t t, const char *text, size_t len)
{
    char shown[SOURCE_VALUE_CLIP + 4];
    source__value_shown(text, len, shown, sizeof shown);
    return am_err_set(err, AM_SQLSTATE_BAD_INPUT, "invalid input syntax for type %s: \"%s\"",
                      am_type_name(t.type), shown);
}

/* -?[0-9]+ within [min, max]. */
static bool parse_int(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    size_t i = 0;
    bool neg = len > 0 && s[0] == '-';
    if (neg)
        i = 1;
    if (i == len || len - i > 19)
        return false;
    uint64_t v = 0;
    for (; i < len; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    uint64_t limit = neg ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)max;
    if (v > limit)
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static bool is_float_char(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* PostgreSQL's float output: shortest round-trip digits, Infinity, -Infinity, NaN. */
static bool parse_float(const char *s, size_t len, bool single, double *out)
{
    if (len == 8 && memcmp(s, "Infinity", 8) == 0) {
        *out = INFINITY;
        return true;
    }
    if (len == 9 && memcmp(s, "-Infinity", 9) == 0) {
        *out = -INFINITY;
        return true;
    }
    if (len == 3 && memcmp(s, "NaN", 3) == 0) {
        *out = NAN;
        return true;
    }
    char buf[64];
    if (len == 0 || len >= sizeof buf || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_float_char(s[i]))
            return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    *out = single ? (double)strtof(buf, &end) : strtod(buf, &end);
    return end == buf + len && !isinf(*out);
}

/* -?[0-9]+(.[0-9]+)? as numeric_out prints it; *special for NaN and ±Infinity. */
static bool check_decimal(const char *s, size_t len, bool *special)
{
    *special = (len == 3 && memcmp(s, "NaN", 3) == 0) ||
               (len == 8 && memcmp(s, "Infinity", 8) == 0) ||
               (len == 9 && memcmp(s, "-Infinity", 9) == 0);
    if (*special)
        return true;
    size_t i = len > 0 && s[0] == '-' ? 1 : 0;
    size_t int_digits = 0, frac_digits = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        int_digits++;
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            frac_digits++;
        if (frac_digits == 0)
            return false;
    }
    return i == len && int_digits > 0;
}

static int hex_nibble(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* bytea_output = hex: "\x" followed by two hex digits per byte. */
static bool parse_bytea(const char *s, size_t len, am_arena_t *arena, am_value_t *out)
{
    if (len < 2 || s[0] != '\\' || s[1] != 'x' || (len - 2) % 2 != 0)
        return false;
    size_t n = (len - 2) / 2;
    AM_ASSERT(arena != NULL);
    uint8_t *bytes = am_arena_alloc(arena, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        int hi = hex_nibble((unsigned char)s[2 + 2 * i]);
        int lo = hex_nibble((unsigned char)s[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return false;
        bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    out->s = (const char *)bytes;
    out->len = (uint32_t)n;
    return true;
}

static bool parse_integer_type(am_coltype_t t, const char *text, size_t len, am_value_t *out)
{
    switch (t.type) {
    case AM_TYPE_INT16:
        return parse_int(text, len, INT16_MIN, INT16_MAX, &out->i);
    case AM_TYPE_INT32:
        return parse_int(text, len, INT32_MIN, INT32_MAX, &out->i);
    default:
        return parse_int(text, len, INT64_MIN, INT64_MAX, &out->i);
    }
}

/* PostgreSQL's uuid_out: 8-4-4-4-12 lowercase hex digits. */
static bool check_uuid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
        if (hyphen ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

/* numeric(p,s) text; NaN (the one special value numeric(p,s) admits) has no decimal. */
static bool parse_decimal(am_coltype_t t, const char *text, size_t len, am_err_t *err)
{
    bool special = false;
    if (!check_decimal(text, len, &special))
        return source__bad_value(err, t, text, len);
    if (!special)
        return true;
    char shown[SOURCE_VALUE_CLIP + 4];
    source__value_shown(text, len, shown, sizeof shown);
    return am_err_set(err, "22003",
                      "numeric value \"%s\" cannot be stored as decimal(%d,%d): Iceberg decimals "
                      "hold neither NaN nor infinity",
                      shown, t.precision, t.scale);
}

static bool parse_scalar(am_coltype_t t, const char *text, size_t len, am_arena_t *arena,
                         am_value_t *out)
{
    switch (t.type) {
    case AM_TYPE_BOOL:
        out->i = len == 1 && text[0] == 't';
        return len == 1 && (text[0] == 't' || text[0] == 'f');
    case AM_TYPE_INT16:
    case AM_TYPE_INT32:
    case AM_TYPE_INT64:
        return parse_integer_type(t, text, len, out);
    case AM_TYPE_FLOAT32:
    case AM_TYPE_FLOAT64:
        return parse_float(text, len, t.type == AM_TYPE_FLOAT32, &out->f);
    case AM_TYPE_BINARY:
        return parse_bytea(text, len, arena, out);
    case AM_TYPE_UUID:
        return check_uuid(text, len);
    default:
        return true;
    }
}

static bool parse_typed(am_coltype_t t, char delim, const char *text, size_t len, am_arena_t *arena,
                        am_value_t *out, am_err_t *err)
{
    switch (t.type) {
    case AM_TYPE_DATE:
    case AM_TYPE_TIME:
    case AM_TYPE_TIMESTAMP:
    case AM_TYPE_TIMESTAMPTZ:
        return source__parse_datetime(t, text, len, out, err);
    case AM_TYPE_DECIMAL:
        return parse_decimal(t, text, len, err);
    case AM_TYPE_LIST:
        return source__parse_array(t, delim, text, len, arena, out, err);
    default:
        if (!parse_scalar(t, text, len, arena, out))
            return source__bad_value(err, t, text, len);
        return true;
    }
}

bool source__parse_value(am_coltype_t t, char delim, const char *text, size_t len,
                         am_arena_t *arena, am_value_t *out, am_err_t *err)
{
    *out = (am_value_t){.kind = AM_VALUE_PRESENT};
    if (len > UINT32_MAX)
        return am_err_set(err, "54000", "value of type %s is too long: %zu bytes",
                          am_type_name(t.type), len);
    if (!parse_typed(t, delim, text, len, arena, out, err))
        return false;
    if (t.type != AM_TYPE_BINARY) {
        out->s = text;
        out->len = (uint32_t)len;
    }
    return true;
}

bool source_value_parse(am_coltype_t t, const char *text, size_t len, am_arena_t *arena,
                        am_value_t *out, am_err_t *err)
{
    return source__parse_value(t, ',', text, len, arena, out, err);
}

bool source_column_parse(const source_column_t *col, const char *text, size_t len,
                         am_arena_t *arena, am_value_t *out, am_err_t *err)
{
    return source__parse_value(col->type, col->elem_delim, text, len, arena, out, err);
}
