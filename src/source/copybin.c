/*
 * source/copybin.c: rows of COPY ... TO STDOUT (FORMAT binary) -> am_value_t. Pure: bytes in,
 * values out (fuzzable); the COPY itself runs in copy.c.
 * Columns whose binary form is cheap and exact are decoded here: bool, int2/4/8, float4/8,
 * date, time, timestamp(tz), bytea, the text types, and numeric and uuid (rendered to their
 * exact text output, then parsed as the text path parses them, so both paths give identical
 * values). Every other type is selected as its output function's text by the COPY
 * (source_copybin_select()) and its bytes are parsed as the text path parses them.
 * Hand-written: no C library decodes PostgreSQL's binary COPY.
 * Spec: PostgreSQL docs, "COPY", Binary Format; the types' send functions (int2send ...,
 * numeric_send, date_send, timestamp_send, uuid_send) for the field bytes:
 *   header  "PGCOPY\n\377\r\n\0" | flags u32 (bit 16: OIDs, unsupported) | ext_len u32 | ext
 *   tuple   n_fields i16 | per field: len i32 (-1 = NULL) | len bytes
 *   trailer i16 -1
 *   numeric ndigits i16 | weight i16 | sign u16 | dscale i16 | ndigits x u16 base 10000
 * The server sends the header in the same CopyData message as the first tuple.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PG_EPOCH_DAYS 10957 /* 2000-01-01 - 1970-01-01 */
#define NUMERIC_NEG 0x4000
#define NUMERIC_NAN 0xC000
#define NUMERIC_PINF 0xD000
#define NUMERIC_NINF 0xF000

static const uint8_t signature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};

typedef enum bin_kind {
    BIN_TEXT = 0, /* cast to text in the SELECT: parse the bytes as text output */
    BIN_BOOL,
    BIN_INT2,
    BIN_INT4,
    BIN_INT8,
    BIN_FLOAT4,
    BIN_FLOAT8,
    BIN_DATE,
    BIN_TIME,
    BIN_TIMESTAMP,
    BIN_BYTEA,
    BIN_STRING, /* text, varchar, bpchar, name: the bytes are the text */
    BIN_NUMERIC,
    BIN_UUID,
} bin_kind_t;

/* The kind for the column's type, decoded as its map says (numeric maps to text past 38
 * digits): a switch, since it runs for every field of every row. */
static bin_kind_t kind_of(const source_column_t *col)
{
    am_type_t t = col->type.type;
    switch (col->type_oid) {
    case 16:
        return t == AM_TYPE_BOOL ? BIN_BOOL : BIN_TEXT;
    case 21:
        return t == AM_TYPE_INT16 ? BIN_INT2 : BIN_TEXT;
    case 23:
        return t == AM_TYPE_INT32 ? BIN_INT4 : BIN_TEXT;
    case 20:
        return t == AM_TYPE_INT64 ? BIN_INT8 : BIN_TEXT;
    case 700:
        return t == AM_TYPE_FLOAT32 ? BIN_FLOAT4 : BIN_TEXT;
    case 701:
        return t == AM_TYPE_FLOAT64 ? BIN_FLOAT8 : BIN_TEXT;
    case 1082:
        return t == AM_TYPE_DATE ? BIN_DATE : BIN_TEXT;
    case 1083:
        return t == AM_TYPE_TIME ? BIN_TIME : BIN_TEXT;
    case 1114:
        return t == AM_TYPE_TIMESTAMP ? BIN_TIMESTAMP : BIN_TEXT;
    case 1184:
        return t == AM_TYPE_TIMESTAMPTZ ? BIN_TIMESTAMP : BIN_TEXT;
    case 17:
        return t == AM_TYPE_BINARY ? BIN_BYTEA : BIN_TEXT;
    case 25:   /* text */
    case 1043: /* varchar */
    case 1042: /* bpchar */
    case 19:   /* name */
        return t == AM_TYPE_STRING ? BIN_STRING : BIN_TEXT;
    case 1700:
        return t == AM_TYPE_DECIMAL || t == AM_TYPE_STRING ? BIN_NUMERIC : BIN_TEXT;
    case 2950:
        return t == AM_TYPE_UUID ? BIN_UUID : BIN_TEXT;
    default:
        return BIN_TEXT;
    }
}

bool source_copybin_native(const source_column_t *col)
{
    return kind_of(col) != BIN_TEXT;
}

void source_copybin_select(am_buf_t *sql, const source_column_t *col)
{
    if (source_copybin_native(col)) {
        am_sql_ident(sql, col->name);
        return;
    }
    /* num_nulls: a row value of NULL fields is not NULL, but IS NULL says it is */
    am_buf_puts(sql, "CASE WHEN pg_catalog.num_nulls(");
    am_sql_ident(sql, col->name);
    am_buf_puts(sql, ") = 0 THEN pg_catalog.format('%s', ");
    am_sql_ident(sql, col->name);
    am_buf_puts(sql, ") END");
}

bool source_copybin_header(const uint8_t *p, size_t len, size_t *used, am_err_t *err)
{
    am_reader_t r = am_reader_init(p, len);
    const uint8_t *sig = am_read_bytes(&r, sizeof signature);
    uint32_t flags = am_read_u32(&r);
    uint32_t ext = am_read_u32(&r);
    if (r.failed || memcmp(sig, signature, sizeof signature) != 0)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "binary COPY: bad header");
    if (flags & (UINT32_C(1) << 16))
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "binary COPY: rows carry OIDs");
    (void)am_read_bytes(&r, ext);
    if (r.failed)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "binary COPY: header extension of %u bytes past the data", ext);
    *used = len - am_reader_left(&r);
    return true;
}

static int digit_group(const uint8_t *d, int ndigits, int g)
{
    if (g < 0 || g >= ndigits)
        return 0;
    size_t at = 2 * (size_t)g;
    return (d[at] << 8) | d[at + 1];
}

/* A base-10000 digit as four decimal digits; false when it is not one. */
static bool four_digits(int v, char out[4])
{
    if (v < 0 || v > 9999)
        return false;
    for (int i = 3; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
    return true;
}

/* numeric_send's fields -> numeric_out's text (get_str_from_var), in arena; false when
 * malformed. */
static bool numeric_text(const uint8_t *p, size_t len, am_arena_t *arena, char **out, size_t *n)
{
    am_reader_t r = am_reader_init(p, len);
    int16_t ndigits = am_read_i16(&r), weight = am_read_i16(&r);
    uint16_t sign = am_read_u16(&r);
    int16_t dscale = am_read_i16(&r);
    const uint8_t *d = ndigits >= 0 ? am_read_bytes(&r, 2 * (size_t)ndigits) : NULL;
    if (r.failed || !d || dscale < 0 || am_reader_left(&r) != 0)
        return false;
    const char *special = sign == NUMERIC_NAN    ? "NaN"
                          : sign == NUMERIC_PINF ? "Infinity"
                          : sign == NUMERIC_NINF ? "-Infinity"
                                                 : NULL;
    size_t cap = 16 + 4 * (size_t)(weight > 0 ? weight + 1 : 1) + (size_t)dscale + 4;
    char *text = am_arena_alloc(arena, cap);
    size_t k = 0;
    if (special) {
        k = (size_t)snprintf(text, cap, "%s", special);
    } else {
        if (sign != 0 && sign != NUMERIC_NEG)
            return false;
        if (sign == NUMERIC_NEG)
            text[k++] = '-';
        for (int g = 0; g <= (weight > 0 ? weight : 0); g++) {
            int v = g <= weight ? digit_group(d, ndigits, g) : 0;
            char four[4];
            if (!four_digits(v, four))
                return false;
            int skip = 0; /* the first group without its leading zeros */
            while (g == 0 && skip < 3 && four[skip] == '0')
                skip++;
            memcpy(text + k, four + skip, (size_t)(4 - skip));
            k += (size_t)(4 - skip);
        }
        if (dscale > 0)
            text[k++] = '.';
        for (int g = weight + 1, left = dscale; left > 0; g++) {
            char four[4];
            if (!four_digits(digit_group(d, ndigits, g), four))
                return false;
            for (int i = 0; i < 4 && left > 0; i++, left--)
                text[k++] = four[i];
        }
    }
    *out = text;
    *n = k;
    return true;
}

static void uuid_text(const uint8_t *b, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        out[k++] = hex[b[i] >> 4];
        out[k++] = hex[b[i] & 15];
    }
}

static bool fixed_len(const source_column_t *col, size_t len, size_t want, am_err_t *err)
{
    if (len == want)
        return true;
    return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                      "binary COPY: column %s: %zu bytes, expected %zu", col->name, len, want);
}

/* PostgreSQL's text output of a timestamp (UTC for timestamptz), for messages: days to a
 * civil date as in H. Hinnant's "chrono-Compatible Low-Level Date Algorithms". */
static void stamp_text(int64_t pg_us, bool tz, char *out, size_t cap)
{
    int64_t day_us = INT64_C(86400000000);
    int64_t days = pg_us / day_us, tod = pg_us % day_us;
    if (tod < 0) {
        tod += day_us;
        days--;
    }
    int64_t z = days + PG_EPOCH_DAYS + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    int64_t secs = tod / 1000000, frac = tod % 1000000;
    int n = snprintf(out, cap, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", (long long)y,
                     (long long)m, (long long)d, (long long)(secs / 3600),
                     (long long)(secs / 60 % 60), (long long)(secs % 60));
    if (frac && n > 0 && (size_t)n < cap)
        n += snprintf(out + n, cap - (size_t)n, ".%06lld", (long long)frac);
    if (tz && n > 0 && (size_t)n < cap)
        (void)snprintf(out + n, cap - (size_t)n, "+00");
}

/* The stamp kinds: PostgreSQL's infinities are its integer extremes. */
static bool stamp(const source_column_t *col, int64_t pg_us, am_value_t *out, am_err_t *err)
{
    if (pg_us == INT64_MAX || pg_us == INT64_MIN) {
        out->i = pg_us == INT64_MAX ? AM_TS_INFINITY : AM_TS_NEG_INFINITY;
        return true;
    }
    if (source__pg_ts_to_unix(pg_us, &out->i) && out->i < AM_TS_INFINITY &&
        out->i > AM_TS_NEG_INFINITY)
        return true;
    char text[64];
    stamp_text(pg_us, col->type.type == AM_TYPE_TIMESTAMPTZ, text, sizeof text);
    return am_err_set(err, "22008",
                      "column %s: %s \"%s\" is out of the range the lake can hold (DuckDB and "
                      "Iceberg count microseconds since 1970 in 64 bits: up to 294247-01-10 "
                      "04:00:54.775806)",
                      col->name, am_type_name(col->type.type), text);
}

static bool decode_fixed(const source_column_t *col, bin_kind_t kind, am_reader_t *f, size_t len,
                         am_value_t *out, am_err_t *err)
{
    static const size_t sizes[] = {
        [BIN_BOOL] = 1,   [BIN_INT2] = 2, [BIN_INT4] = 4, [BIN_INT8] = 8,     [BIN_FLOAT4] = 4,
        [BIN_FLOAT8] = 8, [BIN_DATE] = 4, [BIN_TIME] = 8, [BIN_TIMESTAMP] = 8};
    if (!fixed_len(col, len, sizes[kind], err))
        return false;
    switch (kind) {
    case BIN_BOOL:
        out->i = am_read_u8(f) != 0;
        return true;
    case BIN_INT2:
        out->i = am_read_i16(f);
        return true;
    case BIN_INT4:
        out->i = am_read_i32(f);
        return true;
    case BIN_FLOAT4: {
        uint32_t bits = am_read_u32(f);
        float v;
        memcpy(&v, &bits, sizeof v);
        out->f = isnan(v) ? NAN : v; /* float4out prints every NaN as "NaN" */
        return true;
    }
    case BIN_FLOAT8: {
        uint64_t bits = am_read_u64(f);
        memcpy(&out->f, &bits, sizeof out->f);
        if (isnan(out->f))
            out->f = NAN;
        return true;
    }
    case BIN_DATE: {
        int32_t days = am_read_i32(f);
        out->i = days == INT32_MAX   ? AM_DATE_INFINITY
                 : days == INT32_MIN ? AM_DATE_NEG_INFINITY
                                     : (int64_t)days + PG_EPOCH_DAYS;
        return true;
    }
    case BIN_TIMESTAMP:
        return stamp(col, am_read_i64(f), out, err);
    default: /* BIN_INT8, BIN_TIME */
        out->i = am_read_i64(f);
        return true;
    }
}

/* A value rendered as text first (numeric, uuid) or sent as text: parsed as the text path
 * parses it. text must live as long as the value (arena). */
static bool as_text(const source_column_t *col, const char *text, size_t len, am_arena_t *arena,
                    am_value_t *out, am_err_t *err)
{
    if (!source_column_parse(col, text, len, arena, out, err)) {
        am_err_prefix(err, "column %s", col->name);
        return false;
    }
    return true;
}

static bool decode_field(const source_column_t *col, bin_kind_t kind, const uint8_t *p, size_t len,
                         am_arena_t *arena, am_value_t *out, am_err_t *err)
{
    am_reader_t f = am_reader_init(p, len);
    *out = (am_value_t){.kind = AM_VALUE_PRESENT};
    switch (kind) {
    case BIN_TEXT:
    case BIN_STRING:
        return as_text(col, (const char *)p, len, arena, out, err);
    case BIN_BYTEA:
        out->s = (const char *)p;
        out->len = (uint32_t)len;
        return true;
    case BIN_UUID: {
        char *text = am_arena_alloc(arena, 36);
        if (!fixed_len(col, len, 16, err))
            return false;
        uuid_text(p, text);
        return as_text(col, text, 36, arena, out, err);
    }
    case BIN_NUMERIC: {
        char *text = NULL;
        size_t n = 0;
        if (!numeric_text(p, len, arena, &text, &n))
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                              "binary COPY: column %s: malformed numeric (%zu bytes)", col->name,
                              len);
        return as_text(col, text, n, arena, out, err);
    }
    default:
        return decode_fixed(col, kind, &f, len, out, err);
    }
}

bool source_copybin_field(const source_column_t *col, const uint8_t *p, size_t len,
                          am_arena_t *arena, am_value_t *out, am_err_t *err)
{
    bin_kind_t kind = kind_of(col);
    if (kind == BIN_TEXT)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "column %s: no binary decoder for type %u (%s)", col->name, col->type_oid,
                          col->pg_type ? col->pg_type : am_type_name(col->type.type));
    return decode_field(col, kind, p, len, arena, out, err);
}

bool source_copybin_row(const source_column_t *cols, size_t n_cols, const uint8_t *p, size_t len,
                        am_arena_t *arena, am_value_t *vals, bool *end, am_err_t *err)
{
    am_reader_t r = am_reader_init(p, len);
    int16_t n = am_read_i16(&r);
    *end = n == -1;
    if (*end)
        return am_reader_done(&r, "binary COPY trailer", err);
    if (r.failed || n < 0 || (size_t)n != n_cols)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "binary COPY: a tuple of %d fields, expected %zu", n, n_cols);
    for (size_t i = 0; i < n_cols; i++) {
        int32_t flen = am_read_i32(&r);
        if (flen == -1) {
            vals[i] = (am_value_t){.kind = AM_VALUE_NULL};
            continue;
        }
        const uint8_t *field = flen >= 0 ? am_read_bytes(&r, (size_t)flen) : NULL;
        if (r.failed || !field)
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                              "binary COPY: column %s: field of %d bytes past the tuple",
                              cols[i].name, flen);
        if (!decode_field(&cols[i], kind_of(&cols[i]), field, (size_t)flen, arena, &vals[i], err))
            return false;
    }
    return am_reader_done(&r, "binary COPY tuple", err);
}
