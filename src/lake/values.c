/*
 * lake/values.c: am_value_t <-> DuckDB vectors, one value at a time, for appending rows
 * (data chunks fed to the appender) and reading them back (scan_keys, fetch_row). The vector's
 * type is always the column's DuckDB type from schema.c, so physical layouts are fixed.
 * Decimals travel as canonical text in am_value_t and as scaled integers in DuckDB; the
 * conversion is here, exact, with no floating point.
 */
#include "lake/lake_internal.h"

#include <string.h>

/* DuckDB stores DECIMAL(p,s) in the smallest of these that holds p digits. */
static int decimal_width(int precision)
{
    return precision <= 4 ? 2 : precision <= 9 ? 4 : precision <= 18 ? 8 : 16;
}

static bool is_word(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

bool lake__decimal_parse(const char *s, size_t len, int precision, int scale, __int128 *out,
                         bool *is_null)
{
    *is_null = false;
    *out = 0;
    size_t i = 0;
    bool neg = len > 0 && s[0] == '-';
    if (len > 0 && (s[0] == '-' || s[0] == '+'))
        i++;
    if (is_word(s + i, len - i, "nan") || is_word(s + i, len - i, "infinity") ||
        is_word(s + i, len - i, "inf")) {
        *is_null = true; /* no Iceberg value: stored as NULL */
        return true;
    }
    int int_digits = 0, frac_digits = 0;
    bool seen_digit = false, dot = false;
    __int128 v = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9')
            return false;
        seen_digit = true;
        if (dot && frac_digits >= scale) {
            if (c != '0')
                return false; /* would lose digits */
            continue;
        }
        if (!dot && v == 0 && c == '0')
            continue; /* leading zeros do not count against precision */
        v = v * 10 + (c - '0');
        if (dot)
            frac_digits++;
        else if (++int_digits > precision - scale)
            return false;
    }
    if (!seen_digit)
        return false;
    for (; frac_digits < scale; frac_digits++)
        v *= 10;
    *out = neg ? -v : v;
    return true;
}

size_t lake__decimal_format(__int128 v, int scale, char *out, size_t out_len)
{
    char digits[48];
    size_t n = 0;
    unsigned __int128 u =
        v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u > 0);
    while (n < (size_t)scale + 1)
        digits[n++] = '0';
    size_t k = 0;
    if (v < 0 && k + 1 < out_len)
        out[k++] = '-';
    while (n > 0 && k + 2 < out_len) {
        out[k++] = digits[--n];
        if (n == (size_t)scale && scale > 0)
            out[k++] = '.';
    }
    out[k] = '\0';
    return k;
}

static bool put_decimal(void *data, const lake_column_t *col, idx_t r, const am_value_t *v,
                        bool *is_null, am_err_t *err)
{
    __int128 d = 0;
    if (!lake__decimal_parse(v->s, v->len, col->type.precision, col->type.scale, &d, is_null))
        return am_err_set(err, AM_SQLSTATE_BAD_INPUT,
                          "column \"%s\": \"%.*s\" is not a valid decimal(%d,%d)", col->name,
                          (int)(v->len > 64 ? 64 : v->len), v->s, col->type.precision,
                          col->type.scale);
    switch (decimal_width(col->type.precision)) {
    case 2:
        ((int16_t *)data)[r] = (int16_t)d;
        break;
    case 4:
        ((int32_t *)data)[r] = (int32_t)d;
        break;
    case 8:
        ((int64_t *)data)[r] = (int64_t)d;
        break;
    default:
        ((duckdb_hugeint *)data)[r].lower = (uint64_t)d;
        ((duckdb_hugeint *)data)[r].upper = (int64_t)(d >> 64);
        break;
    }
    return true;
}

static bool put_int32(void *data, const lake_column_t *col, idx_t r, int64_t i, am_err_t *err)
{
    if (i < INT32_MIN || i > INT32_MAX)
        return am_err_set(err, AM_SQLSTATE_BAD_INPUT, "column \"%s\": %lld is out of range",
                          col->name, (long long)i);
    ((int32_t *)data)[r] = (int32_t)i;
    return true;
}

static bool put_present(duckdb_vector vec, const lake_column_t *col, idx_t r, const am_value_t *v,
                        bool *is_null, am_err_t *err)
{
    void *data = duckdb_vector_get_data(vec);
    switch (col->type.type) {
    case AM_TYPE_BOOL:
        ((bool *)data)[r] = v->i != 0;
        return true;
    case AM_TYPE_INT16:
    case AM_TYPE_INT32:
    case AM_TYPE_DATE:
        return put_int32(data, col, r, v->i, err);
    case AM_TYPE_INT64:
    case AM_TYPE_TIME:
    case AM_TYPE_TIMESTAMP:
    case AM_TYPE_TIMESTAMPTZ:
        ((int64_t *)data)[r] = v->i;
        return true;
    case AM_TYPE_FLOAT32:
        ((float *)data)[r] = (float)v->f;
        return true;
    case AM_TYPE_FLOAT64:
        ((double *)data)[r] = v->f;
        return true;
    case AM_TYPE_DECIMAL:
        return put_decimal(data, col, r, v, is_null, err);
    case AM_TYPE_STRING:
    case AM_TYPE_BINARY:
        duckdb_vector_assign_string_element_len(vec, r, v->s, v->len);
        return true;
    }
    return am_err_set(err, AM_SQLSTATE_INTERNAL, "column \"%s\": unknown type", col->name);
}

bool lake__value_put(duckdb_vector vec, const lake_column_t *col, idx_t r, const am_value_t *v,
                     am_err_t *err)
{
    bool is_null = v->kind == AM_VALUE_NULL;
    if (v->kind == AM_VALUE_UNCHANGED)
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "column \"%s\": an unchanged value must be resolved before append",
                          col->name);
    if (!is_null && !put_present(vec, col, r, v, &is_null, err))
        return false;
    if (is_null) {
        duckdb_vector_ensure_validity_writable(vec);
        duckdb_validity_set_row_invalid(duckdb_vector_get_validity(vec), r);
        return true;
    }
    uint64_t *validity = duckdb_vector_get_validity(vec);
    if (validity)
        duckdb_validity_set_row_validity(validity, r, true);
    return true;
}

static __int128 get_decimal(const void *data, int precision, idx_t r)
{
    switch (decimal_width(precision)) {
    case 2:
        return ((const int16_t *)data)[r];
    case 4:
        return ((const int32_t *)data)[r];
    case 8:
        return ((const int64_t *)data)[r];
    default: {
        const duckdb_hugeint *h = &((const duckdb_hugeint *)data)[r];
        return (__int128)(((unsigned __int128)(uint64_t)h->upper << 64) | h->lower);
    }
    }
}

bool lake__value_get(duckdb_vector vec, const lake_column_t *col, idx_t r, am_arena_t *arena,
                     am_value_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    uint64_t *validity = duckdb_vector_get_validity(vec);
    if (validity && !duckdb_validity_row_is_valid(validity, r))
        return true; /* AM_VALUE_NULL */
    out->kind = AM_VALUE_PRESENT;
    void *data = duckdb_vector_get_data(vec);
    switch (col->type.type) {
    case AM_TYPE_BOOL:
        out->i = ((bool *)data)[r] ? 1 : 0;
        return true;
    case AM_TYPE_INT16:
    case AM_TYPE_INT32:
    case AM_TYPE_DATE:
        out->i = ((int32_t *)data)[r];
        return true;
    case AM_TYPE_INT64:
    case AM_TYPE_TIME:
    case AM_TYPE_TIMESTAMP:
    case AM_TYPE_TIMESTAMPTZ:
        out->i = ((int64_t *)data)[r];
        return true;
    case AM_TYPE_FLOAT32:
        out->f = ((float *)data)[r];
        return true;
    case AM_TYPE_FLOAT64:
        out->f = ((double *)data)[r];
        return true;
    case AM_TYPE_DECIMAL: {
        char text[64];
        size_t n = lake__decimal_format(get_decimal(data, col->type.precision, r), col->type.scale,
                                        text, sizeof text);
        out->s = am_arena_strndup(arena, text, n);
        out->len = (uint32_t)n;
        return true;
    }
    case AM_TYPE_STRING:
    case AM_TYPE_BINARY: {
        duckdb_string_t *st = &((duckdb_string_t *)data)[r];
        out->len = duckdb_string_t_length(*st);
        out->s = duckdb_string_t_data(st);
        return true;
    }
    }
    return am_err_set(err, AM_SQLSTATE_INTERNAL, "column \"%s\": unknown type", col->name);
}
