/*
 * lake/values.c: am_value_t <-> DuckDB vectors, one value at a time, for appending rows
 * (data chunks fed to the appender) and reading them back (scan_keys, fetch_row). The vector's
 * type is always the column's DuckDB type from schema.c, so physical layouts are fixed.
 * Decimals travel as canonical text in am_value_t and as scaled integers in DuckDB; uuids as
 * their canonical text and as DuckDB's hugeint (top bit flipped, so signed order is byte
 * order); lists as item arrays and as DuckDB list entries over a child vector. The
 * conversions are here, exact, with no floating point. NaN and infinity have no decimal: an
 * error (22003), never NULL.
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
                         bool *special)
{
    *special = false;
    *out = 0;
    size_t i = 0;
    bool neg = len > 0 && s[0] == '-';
    if (len > 0 && (s[0] == '-' || s[0] == '+'))
        i++;
    if (is_word(s + i, len - i, "nan") || is_word(s + i, len - i, "infinity") ||
        is_word(s + i, len - i, "inf")) {
        *special = true;
        return false;
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
                        am_err_t *err)
{
    __int128 d = 0;
    bool special = false;
    if (!lake__decimal_parse(v->s, v->len, col->type.precision, col->type.scale, &d, &special))
        return am_err_set(err, special ? "22003" : AM_SQLSTATE_BAD_INPUT,
                          "column \"%s\": \"%.*s\" %s decimal(%d,%d)", col->name,
                          (int)(v->len > 64 ? 64 : v->len), v->s,
                          special ? "cannot be stored as" : "is not a valid", col->type.precision,
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

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 8-4-4-4-12 hex digits -> the 128-bit big-endian value as DuckDB holds it. */
static bool uuid_parse(const char *s, size_t len, duckdb_hugeint *out)
{
    if (len != 36)
        return false;
    uint64_t hi = 0, lo = 0;
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            continue;
        }
        int d = hex_value(s[i]);
        if (d < 0)
            return false;
        if (n++ < 16)
            hi = hi << 4 | (uint64_t)d;
        else
            lo = lo << 4 | (uint64_t)d;
    }
    out->lower = lo;
    out->upper = (int64_t)(hi ^ (UINT64_C(1) << 63));
    return true;
}

static size_t uuid_format(duckdb_hugeint h, char out[37])
{
    static const char digits[] = "0123456789abcdef";
    uint64_t hi = (uint64_t)h.upper ^ (UINT64_C(1) << 63);
    size_t k = 0;
    for (int n = 0; n < 32; n++) {
        if (n == 8 || n == 12 || n == 16 || n == 20)
            out[k++] = '-';
        uint64_t word = n < 16 ? hi : h.lower;
        out[k++] = digits[(word >> (60 - 4 * (n % 16))) & 0xf];
    }
    out[k] = '\0';
    return k;
}

static bool put_uuid(void *data, const lake_column_t *col, idx_t r, const am_value_t *v,
                     am_err_t *err)
{
    if (!uuid_parse(v->s, v->len, &((duckdb_hugeint *)data)[r]))
        return am_err_set(err, AM_SQLSTATE_BAD_INPUT, "column \"%s\": \"%.*s\" is not a uuid",
                          col->name, (int)(v->len > 64 ? 64 : v->len), v->s);
    return true;
}

/* The items go to the list's child vector after what earlier rows of the chunk put there. */
static bool put_list(duckdb_vector vec, const lake_column_t *col, idx_t r, const am_value_t *v,
                     am_err_t *err)
{
    duckdb_list_entry *entries = duckdb_vector_get_data(vec);
    idx_t base = duckdb_list_vector_get_size(vec);
    idx_t n = v ? v->n_items : 0;
    entries[r].offset = base;
    entries[r].length = n;
    if (n == 0)
        return true;
    if (duckdb_list_vector_reserve(vec, base + n) == DuckDBError)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "column \"%s\": duckdb: list of %llu items",
                          col->name, (unsigned long long)n);
    duckdb_vector child = duckdb_list_vector_get_child(vec);
    lake_column_t elem = {.name = col->name, .type = am_coltype_elem(col->type)};
    for (idx_t k = 0; k < n; k++)
        if (!lake__value_put(child, &elem, base + k, &v->items[k], err))
            return false;
    duckdb_list_vector_set_size(vec, base + n);
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

static bool put_present(duckdb_vector vec, void *data, const lake_column_t *col, idx_t r,
                        const am_value_t *v, am_err_t *err)
{
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
        return put_decimal(data, col, r, v, err);
    case AM_TYPE_STRING:
    case AM_TYPE_BINARY:
        duckdb_vector_assign_string_element_len(vec, r, v->s, v->len);
        return true;
    case AM_TYPE_UUID:
        return put_uuid(data, col, r, v, err);
    case AM_TYPE_LIST:
        return put_list(vec, col, r, v, err);
    }
    return am_err_set(err, AM_SQLSTATE_INTERNAL, "column \"%s\": unknown type", col->name);
}

bool lake__value_put(duckdb_vector vec, const lake_column_t *col, idx_t r, const am_value_t *v,
                     am_err_t *err)
{
    return lake__value_put_at(vec, duckdb_vector_get_data(vec), col, r, v, err);
}

bool lake__value_put_at(duckdb_vector vec, void *data, const lake_column_t *col, idx_t r,
                        const am_value_t *v, am_err_t *err)
{
    bool is_null = v->kind == AM_VALUE_NULL;
    if (v->kind == AM_VALUE_UNCHANGED)
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "column \"%s\": an unchanged value must be resolved before append",
                          col->name);
    if (!is_null && !put_present(vec, data, col, r, v, err))
        return false;
    if (is_null) {
        if (col->type.type == AM_TYPE_LIST) /* a null list still takes an (empty) entry */
            (void)put_list(vec, col, r, NULL, err);
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

static bool get_text(void *data, const lake_column_t *col, idx_t r, am_arena_t *arena,
                     am_value_t *out)
{
    char text[64];
    size_t n = 0;
    if (col->type.type == AM_TYPE_UUID)
        n = uuid_format(((const duckdb_hugeint *)data)[r], text);
    else
        n = lake__decimal_format(get_decimal(data, col->type.precision, r), col->type.scale, text,
                                 sizeof text);
    out->s = am_arena_strndup(arena, text, n);
    out->len = (uint32_t)n;
    return true;
}

/* Items go to arena, strings included: a list is read whole or not at all. */
static bool get_list(duckdb_vector vec, const lake_column_t *col, idx_t r, am_arena_t *arena,
                     am_value_t *out, am_err_t *err)
{
    duckdb_list_entry e = ((const duckdb_list_entry *)duckdb_vector_get_data(vec))[r];
    if (e.length > UINT32_MAX)
        return am_err_set(err, "54000", "column \"%s\": list of %llu items", col->name,
                          (unsigned long long)e.length);
    duckdb_vector child = duckdb_list_vector_get_child(vec);
    lake_column_t elem = {.name = col->name, .type = am_coltype_elem(col->type)};
    am_value_t *items = am_arena_alloc(arena, (e.length ? e.length : 1) * sizeof *items);
    for (idx_t k = 0; k < e.length; k++) {
        am_value_t *it = &items[k];
        if (!lake__value_get(child, &elem, e.offset + k, arena, it, err))
            return false;
        bool borrowed = elem.type.type == AM_TYPE_STRING || elem.type.type == AM_TYPE_BINARY;
        if (it->kind == AM_VALUE_PRESENT && borrowed)
            it->s = am_arena_memdup(arena, it->s ? it->s : "", it->len);
    }
    out->items = items;
    out->n_items = (uint32_t)e.length;
    return true;
}

static bool get_present(duckdb_vector vec, const lake_column_t *col, idx_t r, am_arena_t *arena,
                        am_value_t *out, am_err_t *err)
{
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
    case AM_TYPE_DECIMAL:
    case AM_TYPE_UUID:
        return get_text(data, col, r, arena, out);
    case AM_TYPE_STRING:
    case AM_TYPE_BINARY: {
        duckdb_string_t *st = &((duckdb_string_t *)data)[r];
        out->len = duckdb_string_t_length(*st);
        out->s = duckdb_string_t_data(st);
        return true;
    }
    case AM_TYPE_LIST:
        return get_list(vec, col, r, arena, out, err);
    }
    return am_err_set(err, AM_SQLSTATE_INTERNAL, "column \"%s\": unknown type", col->name);
}

bool lake__value_get(duckdb_vector vec, const lake_column_t *col, idx_t r, am_arena_t *arena,
                     am_value_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    uint64_t *validity = duckdb_vector_get_validity(vec);
    if (validity && !duckdb_validity_row_is_valid(validity, r))
        return true; /* AM_VALUE_NULL */
    out->kind = AM_VALUE_PRESENT;
    return get_present(vec, col, r, arena, out, err);
}
