/*
 * proxy/pgfn_misc.c: the small am_* functions the SQL compiler needs that belong to no larger
 * family: boolin, uuid_in and byteain for text read at run time, mode() over a sorted list,
 * the precision of timestamp(p) and time(p), and pg_size_pretty.
 * Spec: PostgreSQL 15's boolin, uuid_in, byteain, mode(), timestamp typmods, pg_size_pretty.
 */
#include "proxy/pgfn_internal.h"
#include "proxy/sql_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool valid(duckdb_vector v, idx_t row)
{
    uint64_t *m = duckdb_vector_get_validity(v);
    return !m || duckdb_validity_row_is_valid(m, row);
}

static const char *text_at(duckdb_vector v, idx_t row, size_t *len)
{
    duckdb_string_t *s = (duckdb_string_t *)duckdb_vector_get_data(v) + row;
    *len = duckdb_string_t_length(*s);
    return duckdb_string_t_data(s);
}

static void set_null(duckdb_vector out, idx_t row)
{
    duckdb_vector_ensure_validity_writable(out);
    duckdb_validity_set_row_invalid(duckdb_vector_get_validity(out), row);
}

int proxy__bool_text(const char *p, size_t n)
{
    while (n && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    static const struct {
        const char *word;
        size_t min;
        int val;
    } words[] = {{"true", 1, 1}, {"false", 1, 0}, {"yes", 1, 1}, {"no", 1, 0},
                 {"on", 2, 1},   {"off", 2, 0},   {"1", 1, 1},   {"0", 1, 0}};
    for (size_t i = 0; i < AM_ARRAY_LEN(words); i++)
        if (n >= words[i].min && n <= strlen(words[i].word) &&
            strncasecmp(p, words[i].word, n) == 0)
            return words[i].val;
    return -1;
}

static void f_bool_in(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    duckdb_vector a = duckdb_data_chunk_get_vector(in, 0);
    bool *res = duckdb_vector_get_data(out);
    for (idx_t r = 0; r < duckdb_data_chunk_get_size(in); r++) {
        if (!valid(a, r)) {
            set_null(out, r);
            continue;
        }
        size_t n;
        const char *p = text_at(a, r, &n);
        int b = proxy__bool_text(p, n);
        if (b < 0) {
            proxy__pgfn_error(info, "22P02", "invalid input syntax for type boolean: \"%.*s\"",
                              (int)(n > 200 ? 200 : n), p);
            return;
        }
        res[r] = b == 1;
    }
}

/* oidin: base-10 digits around optional white space; negative values down to -2^31 wrap. */
static int oid_of(const char *p, size_t n, int64_t *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return n == 0 ? -1 : -2 + (int)(strspn(p, " \t\n\r\f\v+-0123456789") != n);
    memcpy(buf, p, n);
    buf[n] = '\0';
    errno = 0;
    char *end;
    unsigned long v = strtoul(buf, &end, 10);
    if (end == buf)
        return -1;
    bool range = errno == ERANGE;
    while (*end && isspace((unsigned char)*end))
        end++;
    if (*end)
        return -1;
    if (range || (v != (unsigned long)(uint32_t)v && v != (unsigned long)(long)(int32_t)v))
        return -2;
    *out = (int64_t)(uint32_t)v;
    return 0;
}

static void f_oid_in(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    duckdb_vector a = duckdb_data_chunk_get_vector(in, 0);
    int64_t *res = duckdb_vector_get_data(out);
    for (idx_t r = 0; r < duckdb_data_chunk_get_size(in); r++) {
        if (!valid(a, r)) {
            set_null(out, r);
            continue;
        }
        size_t n;
        const char *p = text_at(a, r, &n);
        int rc = oid_of(p, n, &res[r]);
        if (rc == -1) {
            proxy__pgfn_error(info, "22P02", "invalid input syntax for type oid: \"%.*s\"",
                              (int)(n > 400 ? 400 : n), p);
            return;
        }
        if (rc == -2) {
            proxy__pgfn_error(info, "22003", "value \"%.*s\" is out of range for type oid",
                              (int)(n > 400 ? 400 : n), p);
            return;
        }
    }
}

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* uuid_in: optional braces, 32 hex digits, a hyphen allowed after any group of four. */
static bool uuid_text(const char *p, size_t n, char out[37])
{
    size_t i = 0, k = 0;
    bool brace = n && p[0] == '{';
    i += brace;
    char hex[32];
    while (k < 32) {
        if (i >= n || hexval(p[i]) < 0)
            return false;
        hex[k++] = (char)tolower((unsigned char)p[i++]);
        if (k % 4 == 0 && k < 32 && i < n && p[i] == '-')
            i++;
    }
    if (brace && (i >= n || p[i++] != '}'))
        return false;
    if (i != n)
        return false;
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
    return true;
}

static void f_uuid_in(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    duckdb_vector a = duckdb_data_chunk_get_vector(in, 0);
    for (idx_t r = 0; r < duckdb_data_chunk_get_size(in); r++) {
        if (!valid(a, r)) {
            set_null(out, r);
            continue;
        }
        size_t n;
        const char *p = text_at(a, r, &n);
        char u[37];
        if (!uuid_text(p, n, u)) {
            proxy__pgfn_error(info, "22P02", "invalid input syntax for type uuid: \"%.*s\"",
                              (int)(n > 200 ? 200 : n), p);
            return;
        }
        duckdb_vector_assign_string_element(out, r, u);
    }
}

/* byteain: "\x" hex (blanks between pairs allowed) or the escape format. */
static bool bytea_decode(const char *p, size_t n, am_buf_t *out, const char **why)
{
    if (n >= 2 && p[0] == '\\' && p[1] == 'x') {
        for (size_t i = 2; i < n;) {
            if (isspace((unsigned char)p[i])) {
                i++;
                continue;
            }
            if (i + 1 >= n || hexval(p[i]) < 0 || hexval(p[i + 1]) < 0) {
                *why = hexval(p[i]) < 0 ? "hex" : "odd";
                return false;
            }
            am_buf_putc(out, (char)(hexval(p[i]) * 16 + hexval(p[i + 1])));
            i += 2;
        }
        return true;
    }
    for (size_t i = 0; i < n;) {
        if (p[i] != '\\') {
            am_buf_putc(out, p[i++]);
        } else if (i + 1 < n && p[i + 1] == '\\') {
            am_buf_putc(out, '\\');
            i += 2;
        } else if (i + 3 < n && p[i + 1] >= '0' && p[i + 1] <= '3' && p[i + 2] >= '0' &&
                   p[i + 2] <= '7' && p[i + 3] >= '0' && p[i + 3] <= '7') {
            am_buf_putc(out,
                        (char)((p[i + 1] - '0') * 64 + (p[i + 2] - '0') * 8 + (p[i + 3] - '0')));
            i += 4;
        } else {
            *why = "escape";
            return false;
        }
    }
    return true;
}

static void f_bytea_in(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    duckdb_vector a = duckdb_data_chunk_get_vector(in, 0);
    am_buf_t b;
    am_buf_init(&b);
    for (idx_t r = 0; r < duckdb_data_chunk_get_size(in); r++) {
        if (!valid(a, r)) {
            set_null(out, r);
            continue;
        }
        size_t n;
        const char *p = text_at(a, r, &n), *why = NULL;
        am_buf_reset(&b);
        if (!bytea_decode(p, n, &b, &why)) {
            if (!strcmp(why, "escape"))
                proxy__pgfn_error(info, "22P02", "invalid input syntax for type bytea");
            else if (!strcmp(why, "odd"))
                proxy__pgfn_error(info, "22023", "invalid hexadecimal data: odd number of digits");
            else
                proxy__pgfn_error(info, "22023", "invalid hexadecimal digit");
            break;
        }
        duckdb_vector_assign_string_element_len(out, r, b.data ? b.data : "", b.len);
    }
    am_buf_destroy(&b);
}

/* Width of a fixed-size element, 0 for strings, -1 for what mode cannot compare. */
static int elem_width(duckdb_type t)
{
    switch (t) {
    case DUCKDB_TYPE_BOOLEAN:
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_UTINYINT:
        return 1;
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_USMALLINT:
        return 2;
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DATE:
        return 4;
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        return 8;
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UUID:
    case DUCKDB_TYPE_INTERVAL:
        return 16;
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB:
        return 0;
    default:
        return -1;
    }
}

static bool same_elem(duckdb_vector child, int w, idx_t a, idx_t b)
{
    if (w > 0)
        return memcmp((char *)duckdb_vector_get_data(child) + (size_t)w * a,
                      (char *)duckdb_vector_get_data(child) + (size_t)w * b, (size_t)w) == 0;
    size_t na, nb;
    const char *pa = text_at(child, a, &na), *pb = text_at(child, b, &nb);
    return na == nb && memcmp(pa, pb, na) == 0;
}

/* mode() over a sorted list: the 1-based position of the first value of the longest run, so
 * ties go to the first in sort order as PostgreSQL's mode() returns; NULL for an empty list. */
static void f_mode_index(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    duckdb_vector a = duckdb_data_chunk_get_vector(in, 0);
    duckdb_vector child = proxy__pgfn_flat_child(a);
    duckdb_logical_type ct = duckdb_vector_get_column_type(child);
    duckdb_type t = duckdb_get_type_id(ct);
    /* a DECIMAL is its internal integer: equal values of one column's scale are equal bytes */
    int w = elem_width(t == DUCKDB_TYPE_DECIMAL ? duckdb_decimal_internal_type(ct) : t);
    duckdb_destroy_logical_type(&ct);
    if (w < 0) {
        duckdb_destroy_vector(&child);
        proxy__pgfn_error(info, "0A000", "mode() of this type is not supported on the mirror");
        return;
    }
    int32_t *res = duckdb_vector_get_data(out);
    for (idx_t r = 0; r < duckdb_data_chunk_get_size(in); r++) {
        duckdb_list_entry e = ((duckdb_list_entry *)duckdb_vector_get_data(a))[r];
        if (!valid(a, r) || e.length == 0) {
            set_null(out, r);
            continue;
        }
        idx_t best = 0, best_len = 0, start = 0;
        for (idx_t i = 1; i <= e.length; i++) {
            if (i < e.length && same_elem(child, w, e.offset + i, e.offset + start))
                continue;
            if (i - start > best_len) {
                best_len = i - start;
                best = start;
            }
            start = i;
        }
        res[r] = (int32_t)best + 1;
    }
    duckdb_destroy_vector(&child);
}

/* timestamp(p), time(p): microseconds rounded to p digits, half away from zero. */
static void f_time_round(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    (void)info;
    duckdb_vector a = duckdb_data_chunk_get_vector(in, 0);
    duckdb_vector p = duckdb_data_chunk_get_vector(in, 1);
    const int64_t *v = duckdb_vector_get_data(a);
    const int32_t *prec = duckdb_vector_get_data(p);
    int64_t *res = duckdb_vector_get_data(out);
    for (idx_t r = 0; r < duckdb_data_chunk_get_size(in); r++) {
        if (!valid(a, r) || !valid(p, r)) {
            set_null(out, r);
            continue;
        }
        int64_t x = v[r], scale = 1;
        for (int k = prec[r]; k < 6; k++)
            scale *= 10;
        if (x == INT64_MAX || x <= -INT64_MAX || scale == 1) {
            res[r] = x; /* infinities stay */
            continue;
        }
        res[r] = x >= 0 ? (x + scale / 2) / scale * scale : -((-x + scale / 2) / scale * scale);
    }
}

/* pg_size_pretty(bigint): a unit is used while the value is below its limit (10240 bytes, then
 * 20479 of each larger unit); the value carries one extra bit below the unit so the last step
 * rounds half away from zero. */
static void size_pretty(int64_t size, char *buf, size_t n)
{
    static const struct {
        const char *name;
        int64_t limit;
        bool round;
        int bits;
    } units[] = {{"bytes", INT64_C(10240), false, 0}, {"kB", INT64_C(20479), true, 10},
                 {"MB", INT64_C(20479), true, 20},    {"GB", INT64_C(20479), true, 30},
                 {"TB", INT64_C(20479), true, 40},    {"PB", INT64_C(20479), true, 50}};
    for (size_t u = 0; u < AM_ARRAY_LEN(units); u++) {
        bool last = u + 1 == AM_ARRAY_LEN(units);
        int64_t mag = size < 0 ? -(size + 1) + 1 : size;
        if (last || mag < units[u].limit) {
            if (units[u].round)
                size = (size + (size < 0 ? -1 : 1)) / 2;
            snprintf(buf, n, "%lld %s", (long long)size, units[u].name);
            return;
        }
        int bits = units[u + 1].bits - units[u].bits - (units[u + 1].round ? 1 : 0) +
                   (units[u].round ? 1 : 0);
        size /= (int64_t)1 << bits;
    }
}

static void f_size_pretty(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    (void)info;
    duckdb_vector a = duckdb_data_chunk_get_vector(in, 0);
    const int64_t *v = duckdb_vector_get_data(a);
    for (idx_t r = 0; r < duckdb_data_chunk_get_size(in); r++) {
        if (!valid(a, r)) {
            set_null(out, r);
            continue;
        }
        char buf[48];
        size_pretty(v[r], buf, sizeof buf);
        duckdb_vector_assign_string_element(out, r, buf);
    }
}

bool proxy__pgfn_misc_register(duckdb_connection con, am_err_t *err)
{
    const proxy_pgfn_def_t defs[] = {
        {"am_bool_in",
         DUCKDB_TYPE_BOOLEAN,
         NULL,
         {DUCKDB_TYPE_VARCHAR},
         DUCKDB_TYPE_INVALID,
         f_bool_in,
         0},
        {"am_uuid_in",
         DUCKDB_TYPE_VARCHAR,
         NULL,
         {DUCKDB_TYPE_VARCHAR},
         DUCKDB_TYPE_INVALID,
         f_uuid_in,
         0},
        {"am_oid_in",
         DUCKDB_TYPE_BIGINT,
         NULL,
         {DUCKDB_TYPE_VARCHAR},
         DUCKDB_TYPE_INVALID,
         f_oid_in,
         0},
        {"am_bytea_in",
         DUCKDB_TYPE_BLOB,
         NULL,
         {DUCKDB_TYPE_VARCHAR},
         DUCKDB_TYPE_INVALID,
         f_bytea_in,
         0},
        {"am_mode_index",
         DUCKDB_TYPE_INTEGER,
         NULL,
         {DUCKDB_TYPE_ANY},
         DUCKDB_TYPE_INVALID,
         f_mode_index,
         0},
        {"am_size_pretty",
         DUCKDB_TYPE_VARCHAR,
         NULL,
         {DUCKDB_TYPE_BIGINT},
         DUCKDB_TYPE_INVALID,
         f_size_pretty,
         0},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(defs); i++)
        if (!proxy__pgfn_add(con, &defs[i], err))
            return false;
    /* one overload per temporal type: a function set */
    static const duckdb_type kinds[] = {DUCKDB_TYPE_TIMESTAMP, DUCKDB_TYPE_TIMESTAMP_TZ,
                                        DUCKDB_TYPE_TIME};
    duckdb_scalar_function_set set = duckdb_create_scalar_function_set("am_time_round");
    for (size_t i = 0; i < AM_ARRAY_LEN(kinds); i++) {
        duckdb_scalar_function f = duckdb_create_scalar_function();
        duckdb_scalar_function_set_name(f, "am_time_round");
        duckdb_logical_type t = duckdb_create_logical_type(kinds[i]);
        duckdb_logical_type i4 = duckdb_create_logical_type(DUCKDB_TYPE_INTEGER);
        duckdb_scalar_function_add_parameter(f, t);
        duckdb_scalar_function_add_parameter(f, i4);
        duckdb_scalar_function_set_return_type(f, t);
        duckdb_scalar_function_set_function(f, f_time_round);
        (void)duckdb_add_scalar_function_to_set(set, f);
        duckdb_destroy_scalar_function(&f);
        duckdb_destroy_logical_type(&t);
        duckdb_destroy_logical_type(&i4);
    }
    bool ok = duckdb_register_scalar_function_set(con, set) == DuckDBSuccess;
    duckdb_destroy_scalar_function_set(&set);
    return ok || am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register am_time_round");
}
