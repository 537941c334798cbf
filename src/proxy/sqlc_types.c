/*
 * proxy/sqlc_types.c: PostgreSQL's type facts the analyzer needs to choose operators,
 * functions and result types as PostgreSQL does: categories and preferred types, which casts
 * happen implicitly, and select_common_type (UNION, CASE, COALESCE, ARRAY[], VALUES).
 * Spec: PostgreSQL 15 docs "Type Conversion" (10.2, 10.5); pg_cast.dat castcontext 'i'.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

char sqlc_category(sqlc_ctx_t *c, uint32_t oid)
{
    const proxy_pgtype_info_t *b = proxy__pgtype_builtin(oid);
    if (b)
        return b->category;
    if (proxy__pgtype_elem(c->cat, oid))
        return 'A';
    const proxy_pgtype_t *t = c->cat ? proxy__pgcat_type(c->cat, oid) : NULL;
    if (t)
        return t->category;
    return 'U';
}

bool sqlc_preferred(sqlc_ctx_t *c, uint32_t oid)
{
    const proxy_pgtype_info_t *b = proxy__pgtype_builtin(oid);
    if (b)
        return b->preferred;
    const proxy_pgtype_t *t = c->cat ? proxy__pgcat_type(c->cat, oid) : NULL;
    return t && t->preferred;
}

bool sqlc_is_string(sqlc_ctx_t *c, uint32_t oid)
{
    (void)c;
    return oid == PG_OID_TEXT || oid == PG_OID_VARCHAR || oid == PG_OID_BPCHAR ||
           oid == PG_OID_NAME || oid == PG_OID_CHAR;
}

bool sqlc_is_array(sqlc_ctx_t *c, uint32_t oid)
{
    return proxy__pgtype_elem(c->cat, oid) != 0 && oid != PG_OID_INT2VECTOR &&
           oid != PG_OID_OIDVECTOR;
}

static bool is_reg(uint32_t oid)
{
    return oid == PG_OID_REGCLASS || oid == PG_OID_REGTYPE || oid == PG_OID_REGPROC ||
           oid == PG_OID_REGPROCEDURE || oid == PG_OID_REGOPER || oid == PG_OID_REGOPERATOR ||
           oid == PG_OID_REGNAMESPACE || oid == PG_OID_REGROLE || oid == PG_OID_REGCOLLATION;
}

/* pg_cast rows with castcontext 'i' among the built-in types the mirror computes on. */
static const struct {
    uint32_t from, to;
} implicit_casts[] = {
    {PG_OID_INT2, PG_OID_INT4},
    {PG_OID_INT2, PG_OID_INT8},
    {PG_OID_INT2, PG_OID_FLOAT4},
    {PG_OID_INT2, PG_OID_FLOAT8},
    {PG_OID_INT2, PG_OID_NUMERIC},
    {PG_OID_INT4, PG_OID_INT8},
    {PG_OID_INT4, PG_OID_FLOAT4},
    {PG_OID_INT4, PG_OID_FLOAT8},
    {PG_OID_INT4, PG_OID_NUMERIC},
    {PG_OID_INT4, PG_OID_OID},
    {PG_OID_INT8, PG_OID_FLOAT4},
    {PG_OID_INT8, PG_OID_FLOAT8},
    {PG_OID_INT8, PG_OID_NUMERIC},
    {PG_OID_INT8, PG_OID_OID},
    {PG_OID_FLOAT4, PG_OID_FLOAT8},
    {PG_OID_NUMERIC, PG_OID_FLOAT4},
    {PG_OID_NUMERIC, PG_OID_FLOAT8},
    {PG_OID_VARCHAR, PG_OID_TEXT},
    {PG_OID_BPCHAR, PG_OID_TEXT},
    {PG_OID_NAME, PG_OID_TEXT},
    {PG_OID_TEXT, PG_OID_NAME},
    {PG_OID_TEXT, PG_OID_VARCHAR},
    {PG_OID_TEXT, PG_OID_BPCHAR},
    {PG_OID_VARCHAR, PG_OID_BPCHAR},
    {PG_OID_BPCHAR, PG_OID_VARCHAR},
    {PG_OID_CHAR, PG_OID_TEXT},
    {PG_OID_VARCHAR, PG_OID_NAME},
    {PG_OID_BPCHAR, PG_OID_NAME},
    {PG_OID_DATE, PG_OID_TIMESTAMP},
    {PG_OID_DATE, PG_OID_TIMESTAMPTZ},
    {PG_OID_TIMESTAMP, PG_OID_TIMESTAMPTZ},
    {PG_OID_TIME, PG_OID_INTERVAL},
    {PG_OID_TIME, PG_OID_TIMETZ},
    {PG_OID_BIT, PG_OID_VARBIT},
    {PG_OID_VARBIT, PG_OID_BIT},
    {PG_OID_CIDR, PG_OID_INET},
    {PG_OID_TEXT, PG_OID_REGCLASS},
    {PG_OID_VARCHAR, PG_OID_REGCLASS},
};

bool sqlc_implicit(sqlc_ctx_t *c, uint32_t from, uint32_t to)
{
    if (from == to || from == PG_OID_UNKNOWN)
        return true;
    proxy_pgtype_ref_t fb = proxy__pgtype_base(c->cat, sqlc_type(from));
    if (fb.oid != from)
        return sqlc_implicit(c, fb.oid, to); /* a domain coerces as its base type */
    if ((from == PG_OID_OID && is_reg(to)) || (is_reg(from) && to == PG_OID_OID))
        return true;
    if ((from == PG_OID_INT4 || from == PG_OID_INT8 || from == PG_OID_INT2) && is_reg(to))
        return true;
    for (size_t i = 0; i < AM_ARRAY_LEN(implicit_casts); i++)
        if (implicit_casts[i].from == from && implicit_casts[i].to == to)
            return true;
    /* pseudo types that accept anything the functions table uses */
    if (to == PG_OID_ANYELEMENT || to == PG_OID_ANY)
        return true;
    if (to == PG_OID_ANYARRAY)
        return sqlc_is_array(c, from);
    return false;
}

bool sqlc_assigns_to_int(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    uint32_t b = proxy__pgtype_base(c->cat, v->type).oid;
    return b == PG_OID_UNKNOWN || sqlc_category(c, b) == 'N';
}

/* select_common_type: values all of one type (the first value's, not unknown) have that type,
 * a domain included; otherwise domains count as their base types, and the first known type's
 * category rules apply: a preferred type or one the current candidate casts to implicitly (but
 * not back) wins. select_common_typmod: a typmod is kept when every value has the common type
 * and that typmod. */
static bool common_type(sqlc_ctx_t *c, const sqlc_val_t *vals, size_t n, const char *context,
                        const char *const coerce_ctx[2], bool quiet, proxy_pgtype_ref_t *out)
{
    bool all_same = n > 0 && vals[0].type.oid != PG_OID_UNKNOWN;
    for (size_t i = 1; all_same && i < n; i++)
        all_same = vals[i].type.oid == vals[0].type.oid;
    proxy_pgtype_ref_t p = all_same ? vals[0].type : sqlc_type(PG_OID_UNKNOWN);
    for (size_t i = 0; !all_same && i < n; i++) {
        proxy_pgtype_ref_t t = proxy__pgtype_base(c->cat, vals[i].type);
        if (t.oid == PG_OID_UNKNOWN || t.oid == p.oid)
            continue;
        if (p.oid == PG_OID_UNKNOWN) {
            p = t;
            continue;
        }
        if (sqlc_category(c, p.oid) != sqlc_category(c, t.oid))
            return !quiet && sqlc_fail(c, "42804", "%s types %s and %s cannot be matched", context,
                                       sqlc_type_name(c, p), sqlc_type_name(c, t));
        if (!sqlc_preferred(c, p.oid) && sqlc_implicit(c, p.oid, t.oid) &&
            !sqlc_implicit(c, t.oid, p.oid))
            p = t;
    }
    if (p.oid == PG_OID_UNKNOWN)
        p = sqlc_type(PG_OID_TEXT);
    p.typmod = n > 0 ? vals[0].type.typmod : -1;
    for (size_t i = 0; i < n; i++)
        if (vals[i].type.oid != p.oid || vals[i].type.typmod != p.typmod)
            p.typmod = -1;
    for (size_t i = 0; i < n; i++)
        if (vals[i].type.oid != p.oid && !sqlc_implicit(c, vals[i].type.oid, p.oid))
            return !quiet && sqlc_fail(c, "42846", "%s could not convert type %s to %s",
                                       coerce_ctx ? coerce_ctx[i > 0] : context,
                                       sqlc_type_name(c, vals[i].type), sqlc_type_name(c, p));
    *out = p;
    return true;
}

bool sqlc_common_type(sqlc_ctx_t *c, sqlc_val_t *vals, size_t n, const char *context,
                      proxy_pgtype_ref_t *out)
{
    return common_type(c, vals, n, context, NULL, false, out);
}

bool sqlc_case_type(sqlc_ctx_t *c, const sqlc_val_t *vals, size_t n, bool has_else,
                    proxy_pgtype_ref_t *out)
{
    static const char *const with_else[2] = {"CASE/ELSE", "CASE/WHEN"};
    static const char *const without[2] = {"CASE/WHEN", "CASE/WHEN"};
    return common_type(c, vals, n, "CASE", has_else ? with_else : without, false, out);
}

bool sqlc_common_type_exists(sqlc_ctx_t *c, const sqlc_val_t *vals, size_t n)
{
    proxy_pgtype_ref_t out;
    return common_type(c, vals, n, "", NULL, true, &out);
}

bool sqlc_ctype_unicode(sqlc_ctx_t *c)
{
    const char *coll = c->cat ? proxy__pgcat_collate(c->cat) : NULL;
    return coll && (!strcmp(coll, "C.UTF-8") || !strcmp(coll, "C.utf8"));
}

bool sqlc_default_collation_is_c(sqlc_ctx_t *c)
{
    const char *coll = c->cat ? proxy__pgcat_collate(c->cat) : NULL;
    return !coll || !strcmp(coll, "C") || !strcmp(coll, "POSIX") || !strcmp(coll, "C.UTF-8") ||
           !strcmp(coll, "C.utf8");
}

/* Ordering the mirror gives exactly as PostgreSQL: numbers, dates and times, bool, uuid,
 * bytea, enums (by declared order), arrays of those, numeric text through its sort key,
 * text in the C collation, bpchar without its padding. */
bool sqlc_orderable(sqlc_ctx_t *c, proxy_pgtype_ref_t t, bool numv)
{
    (void)numv;
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, t);
    uint32_t elem = sqlc_is_array(c, b.oid) ? proxy__pgtype_elem(c->cat, b.oid) : 0;
    if (elem)
        return sqlc_orderable(c, proxy__pgtype_base(c->cat, sqlc_type(elem)), false);
    switch (sqlc_category(c, b.oid)) {
    case 'N':
    case 'D':
    case 'B':
    case 'E':
        return b.oid != PG_OID_MONEY && b.oid != PG_OID_TIMETZ
                   ? true
                   : sqlc_fail(c, "0A000",
                               "ordering values of type %s is not supported on the "
                               "mirror",
                               sqlc_type_name(c, t));
    case 'T':
        return true;
    case 'S':
        return sqlc_default_collation_is_c(c) ||
               sqlc_fail(c, "0A000",
                         "ordering text by the database's collation is not "
                         "supported on the mirror (use COLLATE \"C\")");
    default:
        break;
    }
    if (b.oid == PG_OID_UUID || b.oid == PG_OID_BYTEA || b.oid == PG_OID_BOOL)
        return true;
    if (b.oid == PG_OID_JSON)
        return sqlc_fail(c, "42883", "could not identify an ordering operator for type json");
    return sqlc_fail(c, "0A000", "ordering values of type %s is not supported on the mirror",
                     sqlc_type_name(c, t));
}
