/*
 * proxy/sqlc_cast.c: coercions between PostgreSQL types written as DuckDB expressions: typed
 * literals (the type's input function), casts between the types the mirror computes on, and
 * every type's text output. Each conversion is PostgreSQL's: rounding (numeric to int rounds
 * half away from zero, float to int half to even, as DuckDB's casts also do), time zones (the
 * session's, through am_* functions), text forms (output functions, booltext, bpchar's
 * trailing blanks). A cast the mirror cannot make exactly fails with 0A000.
 * Spec: PostgreSQL 15 docs "Type Conversion", pg_cast.dat; docs/pgface.md section 2.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

typedef enum kind {
    K_OTHER = 0,
    K_INT,     /* int2 int4 int8 */
    K_OID,     /* oid xid cid and the reg* types */
    K_FLOAT,   /* float4 float8 */
    K_NUMERIC, /* numeric (DECIMAL or numeric text, see numv) */
    K_TEXT,    /* text varchar bpchar name "char" */
    K_BOOL,
    K_DATE,
    K_TIME,
    K_TIMESTAMP,
    K_TIMESTAMPTZ,
    K_INTERVAL,
    K_TIMETZ,
    K_UUID,
    K_BYTEA,
    K_JSON,
    K_JSONB,
    K_ENUM,
    K_ARRAY,
    K_OPAQUE, /* held as PostgreSQL text, not computed on: inet, money, bit, xml ... */
} kind_t;

static bool is_reg(uint32_t oid)
{
    return oid == PG_OID_REGCLASS || oid == PG_OID_REGTYPE || oid == PG_OID_REGPROC ||
           oid == PG_OID_REGPROCEDURE || oid == PG_OID_REGOPER || oid == PG_OID_REGOPERATOR ||
           oid == PG_OID_REGNAMESPACE || oid == PG_OID_REGROLE || oid == PG_OID_REGCOLLATION;
}

static kind_t kind_of(sqlc_ctx_t *c, uint32_t oid)
{
    switch (oid) {
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_INT8:
        return K_INT;
    case PG_OID_OID:
    case PG_OID_XID:
    case PG_OID_CID:
        return K_OID;
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8:
        return K_FLOAT;
    case PG_OID_NUMERIC:
        return K_NUMERIC;
    case PG_OID_TEXT:
    case PG_OID_VARCHAR:
    case PG_OID_BPCHAR:
    case PG_OID_NAME:
    case PG_OID_CHAR:
        return K_TEXT;
    case PG_OID_BOOL:
        return K_BOOL;
    case PG_OID_DATE:
        return K_DATE;
    case PG_OID_TIME:
        return K_TIME;
    case PG_OID_TIMESTAMP:
        return K_TIMESTAMP;
    case PG_OID_TIMESTAMPTZ:
        return K_TIMESTAMPTZ;
    case PG_OID_INTERVAL:
        return K_INTERVAL;
    case PG_OID_TIMETZ:
        return K_TIMETZ;
    case PG_OID_UUID:
        return K_UUID;
    case PG_OID_BYTEA:
        return K_BYTEA;
    case PG_OID_JSON:
        return K_JSON;
    case PG_OID_JSONB:
        return K_JSONB;
    default:
        break;
    }
    if (is_reg(oid))
        return K_OID;
    if (sqlc_is_array(c, oid))
        return K_ARRAY;
    const proxy_pgtype_t *t = c->cat ? proxy__pgcat_type(c->cat, oid) : NULL;
    if (t && t->typtype == 'e')
        return K_ENUM;
    return K_OPAQUE;
}

char *sqlc_num_text(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    if (v->numv)
        return v->sql;
    /* DuckDB prints DECIMAL(p,p) without its leading zero: numeric_in puts it back */
    if (sqlc_is_array(c, proxy__pgtype_base(c->cat, v->type).oid))
        return sqlc_printf(c, "list_transform(%s, am_e -> am_num_in(CAST(am_e AS VARCHAR)))",
                           v->sql);
    return sqlc_printf(c, "am_num_in(CAST(%s AS VARCHAR))", v->sql);
}

void sqlc_numeric_unify(sqlc_ctx_t *c, sqlc_val_t *vals, size_t n, proxy_pgtype_ref_t t)
{
    if (!sqlc_numv_type(c, t))
        return;
    /* values of one unconstrained numeric keep their own scales (DuckDB would unify the
     * scales of DECIMALs): all become numeric text */
    for (size_t i = 0; i < n; i++) {
        vals[i].sql = sqlc_num_text(c, &vals[i]);
        vals[i].numv = true;
    }
}

bool sqlc_numv_type(sqlc_ctx_t *c, proxy_pgtype_ref_t t)
{
    t = proxy__pgtype_base(c->cat, t);
    /* an array's flag says its elements are numeric text (numeric[] is held as VARCHAR[]) */
    uint32_t elem = sqlc_is_array(c, t.oid) ? proxy__pgtype_elem(c->cat, t.oid) : 0;
    if (elem)
        t = proxy__pgtype_base(c->cat, (proxy_pgtype_ref_t){elem, t.typmod});
    return t.oid == PG_OID_NUMERIC && !proxy__pgtype_numeric_is_decimal(t.typmod);
}

/* The session's settings as DuckDB literals, for the am_* functions that depend on them. */
static const char *tz_lit(sqlc_ctx_t *c)
{
    return sqlc_literal(c, c->env->timezone ? c->env->timezone : "UTC");
}

static const char *datestyle_lit(sqlc_ctx_t *c)
{
    return sqlc_literal(c, c->env->datestyle ? c->env->datestyle : "ISO, MDY");
}

static const char *intervalstyle_lit(sqlc_ctx_t *c)
{
    return sqlc_literal(c, c->env->intervalstyle ? c->env->intervalstyle : "postgres");
}

const char *sqlc_path_list(sqlc_ctx_t *c)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "[");
    for (size_t i = 0; i < c->env_path_n; i++) {
        if (i)
            am_buf_puts(&b, ", ");
        am_sql_literal(&b, c->env_path[i]);
    }
    am_buf_puts(&b, "]::VARCHAR[]");
    char *s = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return s;
}

static const char *reg_out_fn(uint32_t oid)
{
    switch (oid) {
    case PG_OID_REGCLASS:
        return "am_regclass_out";
    case PG_OID_REGTYPE:
        return "am_regtype_out";
    case PG_OID_REGPROC:
    case PG_OID_REGPROCEDURE:
        return "am_regproc_out";
    case PG_OID_REGNAMESPACE:
        return "am_regnamespace_out";
    case PG_OID_REGROLE:
        return "am_regrole_out";
    default:
        return NULL;
    }
}

static char *output_elem(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t t, bool numv);

/* PostgreSQL's output function of the value x of type t, as DuckDB VARCHAR. */
static char *output_of(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t t, bool numv)
{
    t = proxy__pgtype_base(c->cat, t);
    if (t.oid == PG_OID_INT2VECTOR || t.oid == PG_OID_OIDVECTOR) /* "1 3": int2vectorout */
        return sqlc_printf(c, "array_to_string(%s, ' ')", x);
    switch (kind_of(c, t.oid)) {
    case K_INT:
    case K_UUID:
    case K_ENUM:
        return sqlc_printf(c, "CAST(%s AS VARCHAR)", x);
    case K_OID: {
        const char *fn = reg_out_fn(t.oid);
        return fn ? sqlc_printf(c, "%s(%s, %s)", fn, x, sqlc_path_list(c))
                  : sqlc_printf(c, "CAST(%s AS VARCHAR)", x);
    }
    case K_FLOAT:
        return sqlc_printf(c, "%s(%s, %d)", t.oid == PG_OID_FLOAT4 ? "am_f4_out" : "am_f8_out", x,
                           c->env->extra_float_digits);
    case K_NUMERIC:
        return numv ? sqlc_strdup(c, x) : sqlc_printf(c, "CAST(%s AS VARCHAR)", x);
    case K_BOOL:
        return sqlc_printf(c, "CASE %s WHEN true THEN 't' WHEN false THEN 'f' END", x);
    case K_DATE:
        return sqlc_printf(c, "am_date_out(%s, %s)", x, datestyle_lit(c));
    case K_TIME:
        return sqlc_printf(c, "am_time_out(%s)", x);
    case K_TIMESTAMP:
        return sqlc_printf(c, "am_timestamp_out(%s, %s)", x, datestyle_lit(c));
    case K_TIMESTAMPTZ:
        return sqlc_printf(c, "am_timestamptz_out(%s, %s, %s)", x, tz_lit(c), datestyle_lit(c));
    case K_INTERVAL:
        return sqlc_printf(c, "am_interval_out(%s, %s)", x, intervalstyle_lit(c));
    case K_BYTEA:
        return sqlc_printf(c, "('\\x' || lower(hex(%s)))", x);
    case K_ARRAY:
        return output_elem(c, x, t, numv);
    default:
        return sqlc_strdup(c, x); /* text-like and text-held types are their own output */
    }
}

/* array_out: element outputs quoted and joined by the element type's delimiter. */
static char *output_elem(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t t, bool numv)
{
    proxy_pgtype_ref_t et = {proxy__pgtype_elem(c->cat, t.oid), t.typmod};
    char *var = sqlc_alias(c, 'e');
    char *inner = output_of(c, var, et, numv);
    return sqlc_printf(c, "am_array_out(list_transform(%s, %s -> %s), ',')", x, var, inner);
}

char *sqlc_elem_texts(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    proxy_pgtype_ref_t et = {proxy__pgtype_elem(c->cat, v->type.oid), v->type.typmod};
    char *var = sqlc_alias(c, 'e');
    char *inner = output_of(c, var, et, v->numv);
    if (strcmp(inner, var) == 0)
        return sqlc_strdup(c, v->sql);
    return sqlc_printf(c, "list_transform(%s, %s -> %s)", v->sql, var, inner);
}

char *sqlc_to_text(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    if (v->type.oid == PG_OID_UNKNOWN)
        return v->is_null ? sqlc_strdup(c, "CAST(NULL AS VARCHAR)") : sqlc_strdup(c, v->sql);
    return output_of(c, v->sql, v->type, v->numv);
}

/* ---- the target's typmod (length coercion) ------------------------------------------------ */

static char *length_coerce(sqlc_ctx_t *c, char *x, proxy_pgtype_ref_t to, bool *numv)
{
    int p = 0, s = 0;
    switch (to.oid) {
    case PG_OID_VARCHAR:
        return to.typmod > 4 ? sqlc_printf(c, "left(%s, %d)", x, to.typmod - 4) : x;
    case PG_OID_BPCHAR:
        return to.typmod > 4 ? sqlc_printf(c, "rpad(%s, %d, ' ')", x, to.typmod - 4) : x;
    case PG_OID_NUMERIC:
        if (!proxy__pgtype_numeric_typmod(to.typmod, &p, &s))
            return x;
        if (proxy__pgtype_numeric_is_decimal(to.typmod)) {
            x = *numv ? sqlc_printf(c, "am_num_typmod(%s, %d, %d)", x, p, s) : x;
            *numv = false;
            /* under coalesce, as a narrowing integer cast (cast_number) */
            return sqlc_printf(c, "coalesce(CAST(%s AS DECIMAL(%d,%d)), NULL)", x, p, s);
        }
        if (!*numv)
            x = sqlc_printf(c, "CAST(%s AS VARCHAR)", x);
        *numv = true;
        return sqlc_printf(c, "am_num_typmod(%s, %d, %d)", x, p, s);
    case PG_OID_BIT: /* an explicit cast pads with zeros or cuts, as PostgreSQL's bit() */
        return to.typmod > 0 ? sqlc_printf(c, "rpad(%s, %d, '0')", x, to.typmod) : x;
    case PG_OID_VARBIT:
        return to.typmod > 0 ? sqlc_printf(c, "left(%s, %d)", x, to.typmod) : x;
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ:
    case PG_OID_TIME:
        if (to.typmod < 0 || to.typmod >= 6)
            return x;
        return sqlc_printf(c, "am_time_round(%s, %d)", x, to.typmod);
    case PG_OID_TIMETZ:
        if (to.typmod < 0 || to.typmod >= 6)
            return x;
        return sqlc_printf(c, "am_timetz_scale(%s, %d)", x, to.typmod);
    case PG_OID_INTERVAL:
        return to.typmod < 0 ? x : sqlc_printf(c, "am_interval_scale(%s, %d)", x, to.typmod);
    default:
        return x;
    }
}

/* ---- literals ------------------------------------------------------------------------------ */

static bool literal_text(sqlc_ctx_t *c, sqlc_val_t *v, proxy_pgtype_ref_t t, proxy_pgtype_ref_t b)
{
    const char *s = v->literal;
    if (b.oid == PG_OID_NAME && strlen(s) > 63)
        s = am_arena_strndup(c->arena, s, 63); /* NAMEDATALEN - 1 bytes */
    if (b.oid == PG_OID_CHAR)
        s = am_arena_strndup(c->arena, s, s[0] ? 1 : 0);
    *v = sqlc_val_of(sqlc_literal(c, s), t);
    v->is_const = true;
    return true;
}

static bool literal_enum(sqlc_ctx_t *c, sqlc_val_t *v, proxy_pgtype_ref_t t)
{
    const proxy_pgtype_t *pt = proxy__pgcat_type(c->cat, t.oid);
    for (size_t i = 0; pt && i < pt->n_enum_labels; i++)
        if (strcmp(pt->enum_labels[i], v->literal) == 0) {
            *v = sqlc_val_of(
                sqlc_printf(c, "CAST(%s AS %s)", sqlc_literal(c, v->literal), sqlc_duck_type(c, t)),
                t);
            v->is_const = true;
            return true;
        }
    return sqlc_fail(c, "22P02", "invalid input value for enum %s: \"%s\"", pt ? pt->name : "?",
                     v->literal);
}

static char *input_of(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t b, bool *numv);

static bool coerce_literal(sqlc_ctx_t *c, sqlc_val_t *v, proxy_pgtype_ref_t t)
{
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, t);
    const char *s = v->literal;
    bool ok = true, numv = false;
    switch (kind_of(c, b.oid)) {
    case K_INT:
        ok = sqlc_lit_int(c, s, b.oid, v);
        break;
    case K_FLOAT:
        ok = sqlc_lit_float(c, s, b.oid, v);
        break;
    case K_BOOL:
        ok = sqlc_lit_bool(c, s, v);
        break;
    case K_UUID:
        ok = sqlc_lit_uuid(c, s, v);
        break;
    case K_BYTEA:
        ok = sqlc_lit_bytea(c, s, v);
        break;
    case K_OID:
        ok = b.oid == PG_OID_OID || b.oid == PG_OID_XID || b.oid == PG_OID_CID
                 ? sqlc_lit_int(c, s, PG_OID_INT8, v)
                 : sqlc_lit_reg(c, s, b.oid, v);
        break;
    case K_TEXT:
        return literal_text(c, v, t, b) && sqlc_coerce(c, v, t, SQLC_EXPLICIT);
    case K_ENUM:
        return literal_enum(c, v, b);
    default: {
        char *x = input_of(c, sqlc_literal(c, s), b, &numv);
        if (!x)
            return false;
        *v = sqlc_val_of(x, b);
        v->numv = numv;
        v->is_const = true;
    }
    }
    if (!ok)
        return false;
    v->type = b;
    v->is_const = true;
    v->sql = length_coerce(c, v->sql, t, &v->numv);
    v->type = t;
    return true;
}

/* ---- run-time conversions ------------------------------------------------------------------ */

/* Text x -> type b by b's input function. NULL + err when the mirror has none. */
static char *input_of(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t b, bool *numv)
{
    *numv = false;
    switch (kind_of(c, b.oid)) {
    case K_INT:
        return sqlc_printf(c, "%s(%s)",
                           b.oid == PG_OID_INT2   ? "am_i2_in"
                           : b.oid == PG_OID_INT4 ? "am_i4_in"
                                                  : "am_i8_in",
                           x);
    case K_FLOAT:
        return sqlc_printf(c, "%s(%s)", b.oid == PG_OID_FLOAT4 ? "am_f4_in" : "am_f8_in", x);
    case K_NUMERIC:
        *numv = true;
        return sqlc_printf(c, "am_num_in(%s)", x);
    case K_BOOL:
        return sqlc_printf(c, "am_bool_in(%s)", x);
    case K_UUID:
        return sqlc_printf(c, "CAST(am_uuid_in(%s) AS UUID)", x);
    case K_BYTEA:
        return sqlc_printf(c, "am_bytea_in(%s)", x);
    /* the four-argument forms read now, today, tomorrow and yesterday at the transaction's
     * start, as PostgreSQL does */
    case K_DATE:
        return sqlc_printf(c, "am_date_in(%s, %s, %s, %s)", x, datestyle_lit(c), tz_lit(c),
                           sqlc_now_literal(c));
    case K_TIME:
        return sqlc_printf(c, "am_time_in(%s, %s, %s, %s)", x, datestyle_lit(c), tz_lit(c),
                           sqlc_now_literal(c));
    case K_TIMESTAMP:
        return sqlc_printf(c, "am_timestamp_in(%s, %s, %s, %s)", x, datestyle_lit(c), tz_lit(c),
                           sqlc_now_literal(c));
    case K_TIMESTAMPTZ:
        return sqlc_printf(c, "am_timestamptz_in(%s, %s, %s, %s)", x, datestyle_lit(c), tz_lit(c),
                           sqlc_now_literal(c));
    case K_INTERVAL:
        return b.typmod >= 0
                   ? sqlc_printf(c, "am_interval_in(%s, %s, %d)", x, intervalstyle_lit(c), b.typmod)
                   : sqlc_printf(c, "am_interval_in(%s, %s)", x, intervalstyle_lit(c));
    case K_TIMETZ:
        return sqlc_printf(c, "am_timetz_in(%s, %s, %s, %s)", x, datestyle_lit(c), tz_lit(c),
                           sqlc_now_literal(c));
    case K_JSON:
        return sqlc_printf(c, "am_json_in(%s)", x);
    case K_JSONB:
        return sqlc_printf(c, "am_jsonb_in(%s)", x);
    case K_TEXT:
        return sqlc_strdup(c, x);
    case K_ENUM:
        return sqlc_printf(c, "CAST(%s AS %s)", x, sqlc_duck_type(c, b));
    case K_OID:
        if (b.oid == PG_OID_OID || b.oid == PG_OID_XID || b.oid == PG_OID_CID)
            return sqlc_printf(c, "am_oid_in(%s)", x);
        if (b.oid == PG_OID_REGCLASS)
            return sqlc_printf(c, "am_regclass_in(%s, %s)", x, sqlc_path_list(c));
        sqlc_fail(c, "0A000",
                  "input of type %s from a value computed at run time is not supported on "
                  "the mirror",
                  sqlc_type_name(c, b));
        return NULL;
    case K_ARRAY: {
        proxy_pgtype_ref_t et = {proxy__pgtype_elem(c->cat, b.oid), b.typmod};
        char *var = sqlc_alias(c, 'e');
        bool en = false;
        char *inner = input_of(c, var, proxy__pgtype_base(c->cat, et), &en);
        *numv = en; /* an array's flag is its elements' */
        return inner ? sqlc_printf(c, "list_transform(am_array_in(%s), %s -> %s)", x, var, inner)
                     : NULL;
    }
    default:
        if (b.oid == PG_OID_INET || b.oid == PG_OID_CIDR)
            return sqlc_printf(c, "%s(%s)", b.oid == PG_OID_INET ? "am_inet_in" : "am_cidr_in", x);
        sqlc_fail(c, "0A000", "input of type %s is not supported on the mirror",
                  sqlc_type_name(c, b));
        return NULL;
    }
}

static char *cast_numeric(sqlc_ctx_t *c, const sqlc_val_t *v, kind_t to, proxy_pgtype_ref_t tb,
                          bool *numv)
{
    const char *x = v->sql;
    const char *duck = sqlc_duck_type(c, tb);
    *numv = false;
    /* numeric_int2/4/8: rounding, and PostgreSQL's errors for NaN, infinity and range */
    if (to == K_INT)
        return sqlc_printf(c, "am_num_to_int%d(%s%s%s)",
                           tb.oid == PG_OID_INT2   ? 2
                           : tb.oid == PG_OID_INT4 ? 4
                                                   : 8,
                           v->numv ? "" : "CAST(", x, v->numv ? "" : " AS VARCHAR)");
    if (to == K_OID)
        return v->numv ? sqlc_printf(c, "CAST(am_num_round(%s, 0) AS %s)", x, duck)
                       : sqlc_printf(c, "CAST(%s AS %s)", x, duck);
    if (to == K_FLOAT)
        return sqlc_printf(c, "%s(%s%s%s)",
                           tb.oid == PG_OID_FLOAT4 ? "am_num_to_float4" : "am_num_to_float8",
                           v->numv ? "" : "CAST(", x, v->numv ? "" : " AS VARCHAR)");
    if (to == K_NUMERIC) {
        *numv = v->numv;
        return sqlc_strdup(c, x);
    }
    return NULL;
}

static int int_bytes(uint32_t oid)
{
    return oid == PG_OID_INT2 ? 2 : oid == PG_OID_INT4 ? 4 : 8;
}

static char *cast_number(sqlc_ctx_t *c, const sqlc_val_t *v, kind_t from, kind_t to,
                         proxy_pgtype_ref_t tb, bool *numv)
{
    const char *x = v->sql;
    *numv = false;
    if (from == K_NUMERIC)
        return cast_numeric(c, v, to, tb, numv);
    /* float to integer: rint, then PostgreSQL's range error */
    if (from == K_FLOAT && to == K_INT)
        return sqlc_printf(c, "am_%s_to_int%d(%s)",
                           proxy__pgtype_base(c->cat, v->type).oid == PG_OID_FLOAT4 ? "f4" : "f8",
                           tb.oid == PG_OID_INT2   ? 2
                           : tb.oid == PG_OID_INT4 ? 4
                                                   : 8,
                           x);
    /* A cast that can fail on a value's range (to a narrower integer; to numeric(p,s) in
     * length_coerce) is emitted under coalesce(x, NULL): DuckDB's optimizer drops a cast
     * compared with a constant (CAST(i8 AS INTEGER) = 5 becomes i8 = 5) and with it the error
     * PostgreSQL reports. */
    if (to == K_INT && int_bytes(proxy__pgtype_base(c->cat, v->type).oid) > int_bytes(tb.oid))
        return sqlc_printf(c, "coalesce(CAST(%s AS %s), NULL)", x, sqlc_duck_type(c, tb));
    if (to == K_INT || to == K_OID || to == K_FLOAT)
        return sqlc_printf(c, "CAST(%s AS %s)", x, sqlc_duck_type(c, tb));
    if (to == K_NUMERIC && from == K_FLOAT) {
        *numv = true;
        return sqlc_printf(
            c, "%s(%s)", v->type.oid == PG_OID_FLOAT4 ? "am_num_from_float4" : "am_num_from_float8",
            x);
    }
    if (to == K_NUMERIC) /* integers are exact as DECIMAL(p,0) */
        return sqlc_printf(c, "CAST(%s AS DECIMAL(%d,0))", x,
                           v->type.oid == PG_OID_INT2   ? 5
                           : v->type.oid == PG_OID_INT4 ? 10
                                                        : 19);
    if (to == K_BOOL && v->type.oid == PG_OID_INT4)
        return sqlc_printf(c, "(%s <> 0)", x);
    return NULL;
}

static char *cast_time(sqlc_ctx_t *c, const char *x, kind_t from, kind_t to)
{
    static const struct {
        kind_t from, to;
        const char *fn;
        bool zone;
    } casts[] = {
        {K_DATE, K_TIMESTAMP, "am_date_timestamp", false},
        {K_DATE, K_TIMESTAMPTZ, "am_date_timestamptz", true},
        {K_TIMESTAMP, K_TIMESTAMPTZ, "am_timestamp_timestamptz", true},
        {K_TIMESTAMPTZ, K_TIMESTAMP, "am_timestamptz_timestamp", true},
        {K_TIMESTAMPTZ, K_DATE, "am_timestamptz_date", true},
        {K_TIMESTAMPTZ, K_TIME, "am_timestamptz_time", true},
        {K_TIMESTAMPTZ, K_TIMETZ, "am_timestamptz_timetz", true},
        {K_TIMESTAMP, K_DATE, "am_timestamp_date", false},
        {K_TIMESTAMP, K_TIME, "am_timestamp_time", false},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(casts); i++)
        if (casts[i].from == from && casts[i].to == to)
            return casts[i].zone ? sqlc_printf(c, "%s(%s, %s)", casts[i].fn, x, tz_lit(c))
                                 : sqlc_printf(c, "%s(%s)", casts[i].fn, x);
    /* timetz is held as its text: the time is what precedes the zone's sign (timetz_time) */
    if (from == K_TIMETZ && to == K_TIME)
        return sqlc_printf(c, "am_time_in(regexp_extract(%s, '^[^+-]+'))", x);
    if (from == K_TIME && to == K_INTERVAL)
        return sqlc_printf(c, "to_microseconds(CAST(epoch_us(%s) AS BIGINT))", x);
    return NULL;
}

/* int4 -> oid is binary-coercible (negative values wrap); int8 -> oid checks the range. */
static char *int_to_oid(sqlc_ctx_t *c, const char *x, uint32_t from)
{
    if (from == PG_OID_INT8)
        return sqlc_printf(c,
                           "(CASE WHEN (%s) < 0 OR (%s) > 4294967295 THEN "
                           "error('22003 OID out of range') ELSE CAST(%s AS BIGINT) END)",
                           x, x, x);
    return sqlc_printf(c, "(CAST(%s AS BIGINT) & 4294967295)", x);
}

/* oid -> int4 is binary-coercible: OIDs above 2^31 read as negative numbers. */
static char *oid_to_int(sqlc_ctx_t *c, const char *x, uint32_t to)
{
    if (to == PG_OID_INT4)
        return sqlc_printf(c,
                           "CAST(CASE WHEN (%s) > 2147483647 THEN (%s) - 4294967296 ELSE (%s) "
                           "END AS INTEGER)",
                           x, x, x);
    return NULL; /* oid -> int2 has no cast in PostgreSQL */
}

static char *jsonb_cast(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t tb, bool *numv)
{
    static const struct {
        uint32_t oid;
        const char *fn;
    } fns[] = {{PG_OID_INT2, "am_jsonb_to_int2"},     {PG_OID_INT4, "am_jsonb_to_int4"},
               {PG_OID_INT8, "am_jsonb_to_int8"},     {PG_OID_FLOAT4, "am_jsonb_to_float4"},
               {PG_OID_FLOAT8, "am_jsonb_to_float8"}, {PG_OID_NUMERIC, "am_jsonb_to_numeric"},
               {PG_OID_BOOL, "am_jsonb_to_bool"}};
    for (size_t i = 0; i < AM_ARRAY_LEN(fns); i++)
        if (fns[i].oid == tb.oid) {
            *numv = tb.oid == PG_OID_NUMERIC;
            return sqlc_printf(c, "%s(%s)", fns[i].fn, x);
        }
    return NULL;
}

/* One conversion between base types; NULL when the mirror has none (err not yet set). */
static char *convert(sqlc_ctx_t *c, const sqlc_val_t *v, proxy_pgtype_ref_t tb, bool as_cast,
                     bool *numv)
{
    proxy_pgtype_ref_t fb = proxy__pgtype_base(c->cat, v->type);
    kind_t from = kind_of(c, fb.oid), to = kind_of(c, tb.oid);
    *numv = false;
    if (to == K_TEXT) {
        if (from == K_TEXT)
            return fb.oid == PG_OID_BPCHAR && tb.oid != PG_OID_BPCHAR
                       ? sqlc_printf(c, "rtrim(%s, ' ')", v->sql)
                       : sqlc_strdup(c, v->sql);
        if (from == K_BOOL && as_cast)
            return sqlc_printf(c, "CASE %s WHEN true THEN 'true' WHEN false THEN 'false' END",
                               v->sql);
        /* text(inet) always shows the netmask, inet's output only when it is not a host's */
        if (fb.oid == PG_OID_INET)
            return sqlc_printf(c,
                               "CASE WHEN contains(%s, '/') THEN %s WHEN contains(%s, ':') "
                               "THEN %s || '/128' ELSE %s || '/32' END",
                               v->sql, v->sql, v->sql, v->sql, v->sql);
        return output_of(c, v->sql, fb, v->numv);
    }
    if (from == K_TEXT)
        return input_of(c, v->sql, tb, numv);
    /* int2vector and oidvector count from 0: as arrays PostgreSQL prints "[0:1]={...}", a
     * lower bound the mirror's arrays do not keep; the other way round is exact */
    if ((tb.oid == PG_OID_INT2VECTOR && fb.oid == proxy__pgtype_array(c->cat, PG_OID_INT2)) ||
        (tb.oid == PG_OID_OIDVECTOR && fb.oid == proxy__pgtype_array(c->cat, PG_OID_OID)))
        return sqlc_strdup(c, v->sql);
    if ((fb.oid == PG_OID_INT2VECTOR || fb.oid == PG_OID_OIDVECTOR) && to == K_ARRAY) {
        sqlc_fail(c, "0A000",
                  "casting %s to an array is not supported on the mirror: the array "
                  "would start at subscript 0",
                  sqlc_type_name(c, v->type));
        return NULL;
    }
    /* money is held as its text: no arithmetic, so no conversions to or from numbers */
    if (fb.oid == PG_OID_MONEY || tb.oid == PG_OID_MONEY) {
        sqlc_fail(c, "0A000",
                  "casting %s to %s is not supported on the mirror (money is held as "
                  "its text)",
                  sqlc_type_name(c, v->type), sqlc_type_name(c, tb));
        return NULL;
    }
    /* bit strings are held as their text ('0' and '1'): bit and bit varying become each
     * other as they are (the length coercion follows); their integer casts are not computed */
    if (sqlc_is_bits(fb.oid) && sqlc_is_bits(tb.oid))
        return sqlc_strdup(c, v->sql);
    if ((sqlc_is_bits(fb.oid) && (tb.oid == PG_OID_INT4 || tb.oid == PG_OID_INT8)) ||
        (sqlc_is_bits(tb.oid) && (fb.oid == PG_OID_INT4 || fb.oid == PG_OID_INT8))) {
        sqlc_fail(c, "0A000",
                  "casting %s to %s is not supported on the mirror (bit strings are held as "
                  "their text)",
                  sqlc_type_name(c, v->type), sqlc_type_name(c, tb));
        return NULL;
    }
    /* cidr -> inet keeps the bits but prints as inet; inet -> cidr drops the host bits */
    if (fb.oid == PG_OID_CIDR && tb.oid == PG_OID_INET)
        return sqlc_printf(c, "am_inet_in(%s)", v->sql);
    if (fb.oid == PG_OID_INET && tb.oid == PG_OID_CIDR)
        return sqlc_printf(c, "am_inet_network(%s)", v->sql);
    if (from == K_INT && to == K_OID)
        return int_to_oid(c, v->sql, fb.oid);
    if (from == K_OID && to == K_INT && tb.oid != PG_OID_INT8)
        return oid_to_int(c, v->sql, tb.oid);
    if ((from == K_INT || from == K_FLOAT || from == K_NUMERIC || from == K_OID) &&
        (to == K_INT || to == K_FLOAT || to == K_NUMERIC || to == K_OID || to == K_BOOL))
        return cast_number(c, v, from == K_OID ? K_INT : from, to, tb, numv);
    if (from == K_BOOL && to == K_INT && tb.oid == PG_OID_INT4)
        return sqlc_printf(c, "CAST(%s AS INTEGER)", v->sql);
    /* jsonb's explicit casts to numbers and bool (22023 for another kind of value) */
    if (from == K_JSONB && as_cast &&
        (to == K_INT || to == K_FLOAT || to == K_NUMERIC || to == K_BOOL))
        return jsonb_cast(c, v->sql, tb, numv);
    if (from == K_JSON && to == K_JSONB)
        return sqlc_printf(c, "am_jsonb_in(%s)", v->sql);
    if (from == K_JSONB && to == K_JSON)
        return sqlc_strdup(c, v->sql);
    if (from == K_ARRAY && to == K_ARRAY) {
        sqlc_val_t e =
            sqlc_val_of(sqlc_alias(c, 'e'), sqlc_type(proxy__pgtype_elem(c->cat, fb.oid)));
        e.numv = v->numv;
        proxy_pgtype_ref_t et = {proxy__pgtype_elem(c->cat, tb.oid), tb.typmod};
        bool en = false;
        char *inner = convert(c, &e, proxy__pgtype_base(c->cat, et), as_cast, &en);
        *numv = en;
        return inner ? sqlc_printf(c, "list_transform(%s, %s -> %s)", v->sql, e.sql, inner) : NULL;
    }
    return cast_time(c, v->sql, from, to);
}

char *sqlc_param_input(sqlc_ctx_t *c, int number, proxy_pgtype_ref_t t, bool *numv)
{
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, t);
    char *x = input_of(c, sqlc_printf(c, "$%d", number), b, numv);
    return x ? length_coerce(c, x, t, numv) : NULL;
}

bool sqlc_coerce(sqlc_ctx_t *c, sqlc_val_t *v, proxy_pgtype_ref_t t, sqlc_ccontext_t how)
{
    /* a domain's CHECK and NOT NULL constraints live in the source's catalog as expressions
     * the mirror does not evaluate: values already of the domain (its columns) pass, new
     * ones are refused rather than let through unchecked */
    const proxy_pgtype_t *dom = c->cat ? proxy__pgcat_type(c->cat, t.oid) : NULL;
    if (proxy__pgtype_base(c->cat, t).oid != t.oid && v->type.oid != t.oid &&
        !(v->is_null && how != SQLC_EXPLICIT) &&
        /* information_schema's unconstrained domains (sql_identifier, character_data ...) */
        !(dom && dom->nspname && strcmp(dom->nspname, "information_schema") == 0 &&
          strcmp(dom->name, "cardinal_number") != 0 && strcmp(dom->name, "yes_or_no") != 0))
        return sqlc_fail(c, "0A000",
                         "converting a value to domain %s is not supported on the "
                         "mirror: its constraints are not checked here",
                         sqlc_type_name(c, t));
    if (v->is_null) {
        v->sql = sqlc_printf(c, "CAST(NULL AS %s)", sqlc_duck_type(c, t));
        v->type = t;
        v->numv = sqlc_numv_type(c, t);
        return true;
    }
    if (v->type.oid == PG_OID_UNKNOWN && v->param) {
        /* an untyped $n takes the type its context gives it, as PostgreSQL infers it; a use
         * that was untyped when written and is now given another type than a use in between
         * gave it is PostgreSQL's 42P08 */
        proxy_pgtype_ref_t had = c->params[v->param - 1].type;
        if (had.oid && had.oid != t.oid)
            return sqlc_fail(c, "42P08",
                             "inconsistent types deduced for parameter $%d\nDETAIL:  %s versus %s",
                             v->param, sqlc_type_name(c, had), sqlc_type_name(c, t));
        c->params[v->param - 1].type = t;
        /* parameters arrive as PostgreSQL text: read them with the type's input function */
        proxy_pgtype_ref_t pb = proxy__pgtype_base(c->cat, t);
        bool pnumv = false;
        char *x = input_of(c, sqlc_printf(c, "$%d", v->param), pb, &pnumv);
        if (!x)
            return false;
        v->sql = length_coerce(c, x, t, &pnumv);
        v->type = t;
        v->numv = pnumv;
        v->param = 0;
        return true;
    }
    if (v->type.oid == PG_OID_UNKNOWN)
        return coerce_literal(c, v, t);
    proxy_pgtype_ref_t tb = proxy__pgtype_base(c->cat, t);
    proxy_pgtype_ref_t fb = proxy__pgtype_base(c->cat, v->type);
    /* int2vector::int2[] and oidvector::oid[] are binary coercions in PostgreSQL: the array
     * keeps lower bound 0. The value stays the vector here, whose subscripts, bounds and
     * generate_subscripts count from 0 the same way (it prints as the vector does) */
    if ((fb.oid == PG_OID_INT2VECTOR && tb.oid == proxy__pgtype_array(c->cat, PG_OID_INT2)) ||
        (fb.oid == PG_OID_OIDVECTOR && tb.oid == proxy__pgtype_array(c->cat, PG_OID_OID)))
        return true;
    bool numv = v->numv;
    char *x = v->sql;
    if (fb.oid != tb.oid) {
        x = convert(c, v, tb, how == SQLC_EXPLICIT, &numv);
        if (!x) /* convert may have said why already */
            return !c->err->sqlstate[0] &&
                   sqlc_fail(c, "42846", "cannot cast type %s to %s", sqlc_type_name(c, v->type),
                             sqlc_type_name(c, t));
    }
    if (how == SQLC_EXPLICIT || (tb.oid == PG_OID_NUMERIC && tb.typmod >= 0))
        x = length_coerce(c, x, tb, &numv);
    /* a DECIMAL's size for the arithmetic on it (sqlc_oper.c): the typmod's, an integer's */
    int p = 0, sc = 0;
    if (tb.oid == PG_OID_NUMERIC && !numv && fb.oid != tb.oid)
        v->dec_p = v->dec_s = 0;
    if (tb.oid == PG_OID_NUMERIC && !numv && proxy__pgtype_numeric_typmod(tb.typmod, &p, &sc) &&
        proxy__pgtype_numeric_is_decimal(tb.typmod)) {
        v->dec_p = (uint8_t)p;
        v->dec_s = (uint8_t)sc;
    } else if (tb.oid == PG_OID_NUMERIC && !numv && fb.oid != tb.oid) {
        v->dec_p = fb.oid == PG_OID_INT2   ? 5
                   : fb.oid == PG_OID_INT4 ? 10
                   : fb.oid == PG_OID_INT8 ? 19
                                           : 0;
        v->dec_s = 0;
    }
    v->sql = x;
    v->type = t;
    v->numv = numv;
    v->relid = 0;
    v->attnum = 0;
    return true;
}

bool sqlc_resolve_unknown(sqlc_ctx_t *c, sqlc_val_t *v)
{
    if (v->type.oid != PG_OID_UNKNOWN)
        return true;
    return sqlc_coerce(c, v, sqlc_type(PG_OID_TEXT), SQLC_IMPLICIT);
}
