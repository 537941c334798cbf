/*
 * proxy/sqlc_typename.c: TypeName nodes (the target of a cast, a parameter declaration) ->
 * PostgreSQL type and typmod, as PostgreSQL's typenameTypeMod does: SQL-standard spellings come
 * from the grammar as pg_catalog names, other names are looked up on the search path.
 * Spec: PostgreSQL 15 docs "Data Types"; the typmod encodings of varchar, numeric, timestamp,
 * interval and bit (the typmodin functions of src/backend/utils/adt, read for their rules).
 */
#include "proxy/sqlc_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A typmod given as a string, a decimal or a name, as the typmodin functions read their
 * cstring array (ArrayGetIntegerTypmods: pg_strtoint32). */
static bool typmod_text(sqlc_ctx_t *c, const char *text, int32_t *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    while (end && (*end == ' ' || *end == '\t' || *end == '\n'))
        end++;
    if (!end || end == text || *end)
        return sqlc_fail(c, "22P02", "invalid input syntax for type integer: \"%s\"", text);
    if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
        return sqlc_fail(c, "22003", "value \"%s\" is out of range for type integer", text);
    *out = (int32_t)v;
    return true;
}

/* One typmod argument as typenameTypeMod reads it: a constant or a bare name, else NULL. */
static const char *typmod_const(const sqlc_node_t *m, int32_t *ival, bool *is_int)
{
    *is_int = false;
    if (m->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
        const PgQuery__ColumnRef *r = m->column_ref;
        return r->n_fields == 1 && r->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING
                   ? r->fields[0]->string->sval
                   : NULL;
    }
    if (m->node_case != PG_QUERY__NODE__NODE_A_CONST)
        return NULL;
    const PgQuery__AConst *k = m->a_const;
    switch (k->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        *is_int = true;
        *ival = k->ival ? k->ival->ival : 0;
        return "";
    case PG_QUERY__A__CONST__VAL_FVAL:
        return k->fval && k->fval->fval ? k->fval->fval : "";
    case PG_QUERY__A__CONST__VAL_SVAL:
        return k->sval && k->sval->sval ? k->sval->sval : "";
    default:
        return NULL;
    }
}

/* Integer typmod arguments of a TypeName: 42601 for an expression, a parameter or a
 * qualified name, as typenameTypeMod says. */
static bool typmod_args(sqlc_ctx_t *c, const PgQuery__TypeName *tn, int32_t *args, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < tn->n_typmods; i++) {
        bool is_int;
        int32_t v = 0;
        const char *text = typmod_const(tn->typmods[i], &v, &is_int);
        if (!text)
            return sqlc_fail(c, "42601", "type modifiers must be simple constants or identifiers");
        if (!is_int && !typmod_text(c, text, &v))
            return false;
        if (i >= 4) /* no type takes more */
            return sqlc_fail(c, "22023", "invalid type modifier");
        args[(*n)++] = v;
    }
    return true;
}

static bool char_typmod(sqlc_ctx_t *c, const char *tname, const int32_t *a, size_t n, int32_t *tm)
{
    if (n == 0)
        return true;
    if (n > 1)
        return sqlc_fail(c, "22023", "invalid type modifier");
    if (a[0] < 1)
        return sqlc_fail(c, "22023", "length for type %s must be at least 1", tname);
    if (a[0] > 10485760)
        return sqlc_fail(c, "22023", "length for type %s cannot exceed 10485760", tname);
    *tm = a[0] + 4;
    return true;
}

static bool numeric_typmod(sqlc_ctx_t *c, const int32_t *a, size_t n, int32_t *tm)
{
    if (n == 0)
        return true;
    if (n > 2)
        return sqlc_fail(c, "22023", "invalid NUMERIC type modifier");
    if (a[0] < 1 || a[0] > 1000)
        return sqlc_fail(c, "22023", "NUMERIC precision %d must be between 1 and 1000", a[0]);
    int32_t scale = n == 2 ? a[1] : 0;
    if (scale < -1000 || scale > 1000)
        return sqlc_fail(c, "22023", "NUMERIC scale %d must be between -1000 and 1000", scale);
    *tm = (int32_t)((((uint32_t)a[0] << 16) | ((uint32_t)scale & 0x7ff)) + 4);
    return true;
}

/* timestamp(p), time(p): precision 0..6 (PostgreSQL warns and uses 6 above that). */
static bool time_typmod(sqlc_ctx_t *c, const int32_t *a, size_t n, int32_t *tm)
{
    if (n == 0)
        return true;
    if (n > 1)
        return sqlc_fail(c, "22023", "invalid type modifier");
    if (a[0] < 0)
        return sqlc_fail(c, "22023", "TIMESTAMP(%d) precision must not be negative", a[0]);
    *tm = a[0] > 6 ? 6 : a[0];
    return true;
}

/* interval [fields] [(p)]: the grammar gives the field mask first, then the precision. */
static bool interval_typmod(sqlc_ctx_t *c, const int32_t *a, size_t n, int32_t *tm)
{
    if (n == 0)
        return true;
    int32_t range = a[0], prec = n > 1 ? a[1] : 0xFFFF;
    if (n > 2 || prec < 0)
        return sqlc_fail(c, "22023", "invalid INTERVAL type modifier");
    if (prec != 0xFFFF && prec > 6)
        prec = 6;
    if (range == 0x7FFF && prec == 0xFFFF)
        return true;
    *tm = (int32_t)(((uint32_t)range << 16) | ((uint32_t)prec & 0xFFFF));
    return true;
}

static bool apply_typmod(sqlc_ctx_t *c, uint32_t oid, const PgQuery__TypeName *tn, int32_t *tm)
{
    int32_t a[4];
    size_t n = 0;
    *tm = -1;
    if (!typmod_args(c, tn, a, &n))
        return false;
    switch (oid) {
    case PG_OID_VARCHAR:
        return char_typmod(c, "varchar", a, n, tm);
    case PG_OID_BPCHAR:
        return char_typmod(c, "char", a, n, tm);
    case PG_OID_BIT:
    case PG_OID_VARBIT:
        if (n > 1)
            return sqlc_fail(c, "22023", "invalid type modifier");
        if (n == 1 && a[0] < 1)
            return sqlc_fail(c, "22023", "length for type %s must be at least 1",
                             oid == PG_OID_BIT ? "bit" : "varbit");
        if (n == 1 && a[0] > 10485760) /* MaxAttrSize */
            return sqlc_fail(c, "22023", "length for type %s cannot exceed 10485760",
                             oid == PG_OID_BIT ? "bit" : "varbit");
        if (n == 1)
            *tm = a[0];
        return true;
    case PG_OID_NUMERIC:
        return numeric_typmod(c, a, n, tm);
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ:
    case PG_OID_TIME:
    case PG_OID_TIMETZ:
        return time_typmod(c, a, n, tm);
    case PG_OID_INTERVAL:
        return interval_typmod(c, a, n, tm);
    default:
        return n == 0 || sqlc_fail(c, "42601", "type modifier is not allowed for type \"%s\"",
                                   sqlc_type_name(c, sqlc_type(oid)));
    }
}

/* Looks a type name up: pg_catalog first (PostgreSQL searches it before the path), then the
 * schemas of the search path, or exactly the schema given. */
static uint32_t lookup(sqlc_ctx_t *c, const char *nsp, const char *name)
{
    if (!nsp || strcmp(nsp, "pg_catalog") == 0) {
        const proxy_pgtype_info_t *b = proxy__pgtype_builtin_named(name);
        if (b)
            return b->oid;
    }
    if (!c->cat)
        return 0;
    if (nsp) {
        const proxy_pgtype_t *t = proxy__pgcat_type_find(c->cat, nsp, name);
        return t ? t->oid : 0;
    }
    const proxy_pgtype_t *t = proxy__pgcat_type_find(c->cat, "pg_catalog", name);
    for (size_t i = 0; !t && i < c->env_path_n; i++)
        t = proxy__pgcat_type_find(c->cat, c->env_path[i], name);
    return t ? t->oid : 0;
}

bool sqlc_typename(sqlc_ctx_t *c, const PgQuery__TypeName *tn, proxy_pgtype_ref_t *out)
{
    if (tn->pct_type || tn->setof)
        return sqlc_fail(c, "0A000", "%%TYPE and SETOF are not supported on the mirror");
    const char *parts[3] = {NULL, NULL, NULL};
    if (tn->n_names < 1 || tn->n_names > 3)
        return sqlc_fail(c, "42601", "improper qualified name (too many dotted names)");
    for (size_t i = 0; i < tn->n_names; i++)
        parts[i] = sqlc_str(tn->names[i]);
    const char *name = parts[tn->n_names - 1];
    const char *nsp = tn->n_names >= 2 ? parts[tn->n_names - 2] : NULL;
    uint32_t oid = name ? lookup(c, nsp, name) : 0;
    if (!oid)
        return sqlc_fail(c, "42704", "type \"%s%s%s\" does not exist", nsp ? nsp : "",
                         nsp ? "." : "", name ? name : "?");
    int32_t tm = -1;
    if (!apply_typmod(c, oid, tn, &tm))
        return false;
    if (tn->n_array_bounds > 0) {
        uint32_t arr = proxy__pgtype_array(c->cat, oid);
        if (!arr)
            return sqlc_fail(c, "42704", "could not find array type for data type %s",
                             sqlc_type_name(c, sqlc_type(oid)));
        oid = arr;
    }
    *out = (proxy_pgtype_ref_t){oid, tm};
    return true;
}
