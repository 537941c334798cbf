/*
 * proxy/typeout.c: values leave as their PostgreSQL type says: RowDescription's type OID,
 * typmod and length (a domain's base type, as PostgreSQL sends it), and the forms DuckDB's
 * vector alone cannot tell: reg* types print the object's name, oid and xid are 4 bytes in
 * binary, int2vector/oidvector print space-separated, numeric text and jsonb have their own
 * binary forms, types held as PostgreSQL text have no binary form here. The rest is types.c.
 * Spec: postgres.md sections 3 and 5; PostgreSQL's regclassout/regtypeout for names.
 */
#include "proxy/proxy_internal.h"
#include "proxy/pgtype_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Arrays of numeric, jsonb and the string types, and of integers and floats (DuckDB's element
 * may be wider or narrower), go out under the element OID the column's type names, a domain's
 * own, with each element in its base type's form (numeric[] elements are held as text);
 * others as DuckDB's element type. */
static void array_plan(const proxy_pgcat_t *cat, proxy_col_t *c)
{
    c->array_binary = false;
    c->array_elem = 0;
    c->array_send = 0;
    if (c->type != DUCKDB_TYPE_LIST)
        return;
    c->array_elem = proxy__pgtype_elem(cat, c->oid);
    if (!cat)
        return;
    uint32_t elem = proxy__pgtype_base(cat, (proxy_pgtype_ref_t){c->array_elem, -1}).oid;
    c->array_send = elem;
    duckdb_logical_type ct = duckdb_list_type_child_type(c->ltype);
    duckdb_type cid = duckdb_get_type_id(ct);
    duckdb_destroy_logical_type(&ct);
    bool held_as_text = cid == DUCKDB_TYPE_VARCHAR;
    bool sized = elem == PG_OID_INT2 || elem == PG_OID_INT4 || elem == PG_OID_INT8 ||
                 elem == PG_OID_FLOAT4 || elem == PG_OID_FLOAT8;
    /* enum and json elements are sent as their text too (enum_send, json_send), under their
     * own OID */
    const proxy_pgtype_t *et = proxy__pgcat_type(cat, elem);
    bool text_sent = elem == PG_OID_NUMERIC || elem == PG_OID_JSONB || elem == PG_OID_VARCHAR ||
                     elem == PG_OID_BPCHAR || elem == PG_OID_NAME || elem == PG_OID_JSON ||
                     (et && et->typtype == 'e');
    bool enum_held = cid == DUCKDB_TYPE_ENUM && et && et->typtype == 'e';
    c->array_binary = sized || enum_held || (held_as_text && text_sent);
}

void proxy__col_describe(const proxy_pgcat_t *cat, proxy_col_t *c)
{
    c->type = c->ltype ? duckdb_get_type_id(c->ltype) : DUCKDB_TYPE_VARCHAR;
    proxy_pgtype_ref_t b = proxy__pgtype_base(cat, c->pg);
    c->oid = b.oid;
    c->typmod = b.typmod;
    const proxy_pgtype_info_t *bi = proxy__pgtype_builtin(b.oid);
    const proxy_pgtype_t *pt = !bi && cat ? proxy__pgcat_type(cat, b.oid) : NULL;
    c->typlen = -1;
    if (bi)
        c->typlen = bi->len;
    else if (pt)
        c->typlen = pt->len;
    array_plan(cat, c);
}

static bool is_reg(uint32_t oid)
{
    return oid == PG_OID_REGCLASS || oid == PG_OID_REGTYPE || oid == PG_OID_REGPROC ||
           oid == PG_OID_REGPROCEDURE || oid == PG_OID_REGNAMESPACE || oid == PG_OID_REGROLE;
}

/* regclassout & co., with the session's search path for visibility. */
static void reg_text(const proxy_session_t *s, uint32_t type, int64_t oid, am_buf_t *out)
{
    am_arena_t *arena = am_arena_new(1024);
    proxy_path_t pa;
    proxy__session_path(s, arena, &pa);
    proxy__reg_out(s->cat, type, oid, &pa, out);
    am_arena_free(arena);
}

static int64_t int_at(duckdb_type t, duckdb_vector vec, idx_t row)
{
    void *d = duckdb_vector_get_data(vec);
    switch (t) {
    case DUCKDB_TYPE_SMALLINT:
        return ((int16_t *)d)[row];
    case DUCKDB_TYPE_INTEGER:
        return ((int32_t *)d)[row];
    case DUCKDB_TYPE_UINTEGER:
        return ((uint32_t *)d)[row];
    case DUCKDB_TYPE_BIGINT:
        return ((int64_t *)d)[row];
    default:
        return 0;
    }
}

/* int2vector / oidvector: elements separated by one space, no braces. */
static void vector_text(duckdb_vector vec, idx_t row, am_buf_t *out)
{
    duckdb_list_entry e = ((duckdb_list_entry *)duckdb_vector_get_data(vec))[row];
    duckdb_vector child = duckdb_list_vector_get_child(vec);
    duckdb_logical_type ct = duckdb_vector_get_column_type(child);
    duckdb_type t = duckdb_get_type_id(ct);
    for (idx_t i = 0; i < e.length; i++)
        am_buf_printf(out, "%s%lld", i ? " " : "", (long long)int_at(t, child, e.offset + i));
    duckdb_destroy_logical_type(&ct);
}

/* An array of reg* values: each element as its name, quoted as array_out quotes. */
static void reg_array_text(const proxy_session_t *s, uint32_t elem, duckdb_vector vec, idx_t row,
                           am_buf_t *out)
{
    duckdb_list_entry e = ((duckdb_list_entry *)duckdb_vector_get_data(vec))[row];
    duckdb_vector child = duckdb_list_vector_get_child(vec);
    duckdb_logical_type ct = duckdb_vector_get_column_type(child);
    duckdb_type t = duckdb_get_type_id(ct);
    duckdb_destroy_logical_type(&ct);
    am_buf_t one;
    am_buf_init(&one);
    am_buf_putc(out, '{');
    for (idx_t i = 0; i < e.length; i++) {
        am_buf_puts(out, i ? "," : "");
        if (!proxy__value_is_valid(child, e.offset + i)) {
            am_buf_puts(out, "NULL");
            continue;
        }
        am_buf_reset(&one);
        reg_text(s, elem, int_at(t, child, e.offset + i), &one);
        bool quote = one.len == 0 || strpbrk(one.data, "{},\"\\ \t\n") != NULL ||
                     (one.len == 4 && strncasecmp(one.data, "NULL", 4) == 0);
        am_buf_puts(out, quote ? "\"" : "");
        for (size_t k = 0; k < one.len; k++) {
            if (one.data[k] == '"' || one.data[k] == '\\')
                am_buf_putc(out, '\\');
            am_buf_putc(out, one.data[k]);
        }
        am_buf_puts(out, quote ? "\"" : "");
    }
    am_buf_putc(out, '}');
    am_buf_destroy(&one);
}

static bool text_override(const proxy_session_t *s, const proxy_col_t *c, duckdb_vector vec,
                          idx_t row, am_buf_t *out)
{
    uint32_t elem = c->array_elem;
    if (elem && is_reg(elem)) {
        reg_array_text(s, elem, vec, row, out);
        return true;
    }
    if (is_reg(c->oid)) {
        reg_text(s, c->oid, int_at(c->type, vec, row), out);
        return true;
    }
    if ((c->oid == PG_OID_INT2VECTOR || c->oid == PG_OID_OIDVECTOR) &&
        c->type == DUCKDB_TYPE_LIST) {
        vector_text(vec, row, out);
        return true;
    }
    return false;
}

/* Types whose binary form the mirror can send (checked at Bind, before any row). */
bool proxy__type_has_binary(const proxy_pgcat_t *cat, uint32_t oid)
{
    const proxy_pgtype_info_t *b = proxy__pgtype_builtin(oid);
    if (!b) {
        /* a domain's array sends each element with its base type's send function */
        uint32_t elem = proxy__pgtype_elem(cat, oid);
        if (elem)
            elem = proxy__pgtype_base(cat, (proxy_pgtype_ref_t){elem, -1}).oid;
        /* array elements go out by their DuckDB type: not the ones whose binary form is
         * rebuilt from text (timetz, inet, money, bit); numeric and jsonb are (types.c) */
        if (elem)
            return proxy__type_has_binary(cat, elem) && elem != PG_OID_TIMETZ &&
                   elem != PG_OID_INET && elem != PG_OID_CIDR && elem != PG_OID_MONEY &&
                   elem != PG_OID_BIT && elem != PG_OID_VARBIT;
        const proxy_pgtype_t *t = cat ? proxy__pgcat_type(cat, oid) : NULL;
        return t && t->typtype == 'e';
    }
    if (b->duck || is_reg(oid))
        return oid != PG_OID_INT2VECTOR && oid != PG_OID_OIDVECTOR;
    return oid == PG_OID_TEXT || oid == PG_OID_VARCHAR || oid == PG_OID_BPCHAR ||
           oid == PG_OID_NAME || oid == PG_OID_JSON || oid == PG_OID_JSONB || oid == PG_OID_XML ||
           oid == PG_OID_NUMERIC || oid == PG_OID_CHAR || oid == PG_OID_UNKNOWN ||
           oid == PG_OID_TIMETZ || oid == PG_OID_INET || oid == PG_OID_CIDR ||
           oid == PG_OID_MONEY || oid == PG_OID_BIT || oid == PG_OID_VARBIT;
}

/* timetz's text "hh:mm:ss[.ffffff]+hh[:mm[:ss]]" as timetz_send: µs of day, seconds west. */
static bool timetz_binary(const char *p, size_t n, am_buf_t *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    int h = 0, m = 0, sec = 0, used = 0;
    if (sscanf(buf, "%d:%d:%d%n", &h, &m, &sec, &used) != 3)
        return false;
    int64_t us = ((int64_t)h * 3600 + (int64_t)m * 60 + sec) * 1000000;
    const char *q = buf + used;
    if (*q == '.') {
        int64_t scale = 100000;
        for (q++; *q >= '0' && *q <= '9'; q++, scale /= 10)
            us += (*q - '0') * scale;
    }
    if (*q != '+' && *q != '-')
        return false;
    int sign = *q == '-' ? -1 : 1, zh = 0, zm = 0, zs = 0;
    if (sscanf(q + 1, "%d:%d:%d", &zh, &zm, &zs) < 1)
        return false;
    int32_t east = sign * (zh * 3600 + zm * 60 + zs);
    am_buf_put_u32(out, (uint32_t)((uint64_t)us >> 32));
    am_buf_put_u32(out, (uint32_t)us);
    am_buf_put_u32(out, (uint32_t)(-east));
    return true;
}

/* inet/cidr text as inet_send: family (2 IPv4, 3 IPv6), bits, is_cidr, length, address. */
static bool inet_binary(const char *p, size_t n, bool cidr, am_buf_t *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    unsigned char addr[16];
    bool v6 = strchr(buf, ':') != NULL;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1)
        return false;
    int max = v6 ? 128 : 32;
    int bits = slash ? atoi(slash + 1) : max;
    if (bits < 0 || bits > max)
        return false;
    am_buf_put_u8(out, v6 ? 3 : 2);
    am_buf_put_u8(out, (uint8_t)bits);
    am_buf_put_u8(out, cidr ? 1 : 0);
    am_buf_put_u8(out, v6 ? 16 : 4);
    am_buf_append(out, (const char *)addr, v6 ? 16 : 4);
    return true;
}

/* money text in the C locale ("-$1,234.56") as cash_send: the amount in cents. */
static bool money_binary(const char *p, size_t n, am_buf_t *out)
{
    int64_t v = 0;
    bool neg = false, digit = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '-' || p[i] == '(')
            neg = true;
        else if (p[i] >= '0' && p[i] <= '9') {
            v = v * 10 + (p[i] - '0');
            digit = true;
        }
    }
    if (!digit)
        return false;
    uint64_t u = (uint64_t)(neg ? -v : v);
    am_buf_put_u32(out, (uint32_t)(u >> 32));
    am_buf_put_u32(out, (uint32_t)u);
    return true;
}

/* bit/varbit text ("1011") as bit_send: the length in bits, then the bits, first bit high. */
static bool bits_binary(const char *p, size_t n, am_buf_t *out)
{
    am_buf_put_u32(out, (uint32_t)n);
    for (size_t i = 0; i < n; i += 8) {
        uint8_t byte = 0;
        for (size_t k = 0; k < 8; k++)
            if (i + k < n && p[i + k] == '1')
                byte |= (uint8_t)(0x80 >> k);
        am_buf_put_u8(out, byte);
    }
    return true;
}

static bool binary_override(const proxy_session_t *s, const proxy_col_t *c, duckdb_vector vec,
                            idx_t row, am_buf_t *out)
{
    if (c->oid == PG_OID_OID || c->oid == PG_OID_XID || c->oid == PG_OID_CID || is_reg(c->oid)) {
        am_buf_put_u32(out, (uint32_t)int_at(c->type, vec, row));
        return true;
    }
    if (proxy__pg_width_binary(c->oid, c->type, vec, row, out))
        return true;
    if (c->type == DUCKDB_TYPE_LIST) {
        if (!c->array_binary)
            return false;
        proxy__duck_array_binary(s, c->ltype, vec, row, c->array_elem, c->array_send, out);
        return true;
    }
    if (c->type != DUCKDB_TYPE_VARCHAR)
        return false;
    duckdb_string_t *str = (duckdb_string_t *)duckdb_vector_get_data(vec) + row;
    const char *p = duckdb_string_t_data(str);
    size_t n = duckdb_string_t_length(*str);
    if (c->oid == PG_OID_NUMERIC) {
        proxy__numeric_binary(p, n, out);
        return true;
    }
    if (c->oid == PG_OID_JSONB) {
        am_buf_put_u8(out, 1);
        am_buf_append(out, p, n);
        return true;
    }
    if (c->oid == PG_OID_CHAR) {
        am_buf_append(out, p, n ? 1 : 0);
        return true;
    }
    if (c->oid == PG_OID_TIMETZ)
        return timetz_binary(p, n, out);
    if (c->oid == PG_OID_INET || c->oid == PG_OID_CIDR)
        return inet_binary(p, n, c->oid == PG_OID_CIDR, out);
    if (c->oid == PG_OID_MONEY)
        return money_binary(p, n, out);
    if (c->oid == PG_OID_BIT || c->oid == PG_OID_VARBIT)
        return bits_binary(p, n, out);
    return false;
}

bool proxy__value_encode(const proxy_session_t *s, const proxy_col_t *c, duckdb_vector vec,
                         idx_t row, int16_t format, am_buf_t *out)
{
    if (!proxy__value_is_valid(vec, row)) {
        am_buf_put_u32(out, UINT32_MAX);
        return false;
    }
    size_t len_off = out->len;
    am_buf_put_u32(out, 0);
    bool done =
        format == 1 ? binary_override(s, c, vec, row, out) : text_override(s, c, vec, row, out);
    if (!done) {
        out->len = len_off;
        return proxy__duck_value_encode(s, c->ltype, vec, row, format, out);
    }
    am_buf_set_u32(out, len_off, (uint32_t)(out->len - len_off - 4));
    return true;
}
