/*
 * proxy/sqlc_window.c: a window call's OVER clause as DuckDB text: PARTITION BY and ORDER BY
 * through the same keys as the query's, a named window inlined with its own clauses added, and
 * the frame. ROWS and GROUPS offsets are bigints; RANGE offsets follow PostgreSQL's in_range
 * support (one ORDER BY column, the offset of that function's type), with the key emitted so
 * that DuckDB's bound arithmetic is PostgreSQL's, and refused where it is not. Offsets are
 * checked as PostgreSQL checks them (NULL, negative).
 * Spec: PostgreSQL 15 docs "Window Function Calls" (4.2.8); parse_clause.c transformFrameOffset.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>
#include <strings.h>

/* FRAMEOPTION_* bits of PostgreSQL's WindowDef.frameOptions (nodes/parsenodes.h). */
enum {
    FO_NONDEFAULT = 0x1,
    FO_RANGE = 0x2,
    FO_ROWS = 0x4,
    FO_GROUPS = 0x8,
    FO_BETWEEN = 0x10,
    FO_START_UNB_PREC = 0x20,
    FO_END_UNB_FOLL = 0x100,
    FO_START_CURRENT = 0x200,
    FO_END_CURRENT = 0x400,
    FO_START_OFF_PREC = 0x800,
    FO_END_OFF_PREC = 0x1000,
    FO_START_OFF_FOLL = 0x2000,
    FO_END_OFF_FOLL = 0x4000,
    FO_EXCL_CURRENT = 0x8000,
    FO_EXCL_GROUP = 0x10000,
    FO_EXCL_TIES = 0x20000,
};

/* ---- RANGE with an offset ----------------------------------------------------------------
 * PostgreSQL takes it for one ORDER BY column whose type has an in_range support function,
 * the offset coerced to that function's offset type, and its bounds never overflow. DuckDB
 * computes the bound as key -/+ offset in the key's type: the key is emitted so that this is
 * PostgreSQL's arithmetic (integers widened, dates as timestamps), and the types whose
 * arithmetic differs are refused. */

typedef enum { RANGE_INT, RANGE_FLOAT, RANGE_NUMERIC, RANGE_TIME } range_kind_t;

static bool utc_session(sqlc_ctx_t *c)
{
    static const char *const utc[] = {"UTC",       "Etc/UTC",       "GMT",  "Etc/GMT",
                                      "UCT",       "Etc/UCT",       "Zulu", "Etc/Zulu",
                                      "Universal", "Etc/Universal", "Z"};
    const char *tz = c->env->timezone ? c->env->timezone : "UTC";
    for (size_t i = 0; i < AM_ARRAY_LEN(utc); i++)
        if (strcasecmp(tz, utc[i]) == 0)
            return true;
    return false;
}

/* The window's one ORDER BY key for RANGE with an offset, into b; *kind says which offsets
 * it takes. */
static bool range_order(sqlc_ctx_t *c, const PgQuery__WindowDef *ord, range_kind_t *kind,
                        proxy_pgtype_ref_t *key_type, am_buf_t *b)
{
    if (ord->n_order_clause != 1)
        return sqlc_fail(c, "42P20",
                         "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY "
                         "column");
    const PgQuery__SortBy *sb = ord->order_clause[0]->sort_by;
    if (!sb || sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING)
        return sqlc_fail(c, "0A000", "ORDER BY ... USING is not supported on the mirror");
    sqlc_val_t v;
    if (!sqlc_expr(c, sb->node, &v) || !sqlc_resolve_unknown(c, &v))
        return false;
    proxy_pgtype_ref_t t = proxy__pgtype_base(c->cat, v.type);
    *key_type = t;
    const char *key = v.sql;
    switch (t.oid) {
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_INT8:
        *kind = RANGE_INT;
        key = sqlc_printf(c, "CAST(%s AS HUGEINT)", v.sql);
        break;
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8:
        *kind = RANGE_FLOAT; /* in_range(float4, float4, float8) computes in float8 */
        key = sqlc_printf(c, "CAST(%s AS DOUBLE)", v.sql);
        break;
    case PG_OID_NUMERIC:
        if (v.numv) /* held as its text: no precision, or more than 38 digits */
            return sqlc_fail(c, "0A000",
                             "RANGE with offset PRECEDING/FOLLOWING over numeric without a "
                             "precision of at most 38 digits is not supported on the mirror");
        *kind = RANGE_NUMERIC;
        break;
    case PG_OID_DATE:
        *kind = RANGE_TIME; /* in_range(date, date, interval) adds to the timestamp */
        key = sqlc_printf(c, "CAST(%s AS TIMESTAMP)", v.sql);
        break;
    case PG_OID_TIMESTAMP:
        *kind = RANGE_TIME;
        break;
    case PG_OID_TIMESTAMPTZ:
        /* DuckDB adds days and months in UTC, PostgreSQL in the session's time zone */
        if (!utc_session(c))
            return sqlc_fail(c, "0A000",
                             "RANGE with offset PRECEDING/FOLLOWING over timestamp with time "
                             "zone is supported on the mirror only with TimeZone UTC");
        *kind = RANGE_TIME;
        break;
    case PG_OID_TIME:
    case PG_OID_TIMETZ:
    case PG_OID_INTERVAL:
        return sqlc_fail(c, "0A000",
                         "RANGE with offset PRECEDING/FOLLOWING over %s is not supported on the "
                         "mirror",
                         sqlc_type_name(c, t));
    default:
        return sqlc_fail(c, "0A000",
                         "RANGE with offset PRECEDING/FOLLOWING is not supported for column type "
                         "%s",
                         sqlc_type_name(c, t));
    }
    bool desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    bool nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                       (sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST && desc);
    am_buf_printf(b, " ORDER BY %s %s NULLS %s", key, desc ? "DESC" : "ASC",
                  nulls_first ? "FIRST" : "LAST");
    return true;
}

/* A quoted offset of a numeric key ('1.5'): a DECIMAL of its own digits (numeric_in's
 * answer, held as DuckDB computes the bound with a DECIMAL key). */
static bool decimal_literal(sqlc_ctx_t *c, sqlc_val_t *v)
{
    const char *p = v->literal;
    while (*p == ' ')
        p++;
    const char *start = p;
    if (*p == '+' || *p == '-')
        p++;
    int whole = 0, frac = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        whole++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            frac++;
    const char *end = p;
    while (*p == ' ')
        p++;
    if (*p || whole + frac == 0) /* exponents, NaN, Infinity, not a number at all */
        return sqlc_fail(c, "0A000",
                         "RANGE with offset PRECEDING/FOLLOWING by '%s' is not supported on the "
                         "mirror (only digits with an optional point and sign)",
                         v->literal);
    if (whole + frac > 38)
        return sqlc_fail(c, "0A000",
                         "RANGE with offset PRECEDING/FOLLOWING by a numeric of more than 38 "
                         "digits is not supported on the mirror");
    char *text = am_arena_strndup(c->arena, start, (size_t)(end - start));
    *v = sqlc_val_of(
        sqlc_printf(c, "CAST(%s AS DECIMAL(%d,%d))", sqlc_literal(c, text), whole + frac, frac),
        sqlc_type(PG_OID_NUMERIC));
    v->is_const = true;
    return true;
}

/* The offset of a RANGE bound, coerced to the type in_range takes for the key. */
static bool range_offset(sqlc_ctx_t *c, range_kind_t kind, proxy_pgtype_ref_t key_type,
                         sqlc_val_t *v)
{
    proxy_pgtype_ref_t want = kind == RANGE_INT       ? key_type
                              : kind == RANGE_FLOAT   ? sqlc_type(PG_OID_FLOAT8)
                              : kind == RANGE_NUMERIC ? sqlc_type(PG_OID_NUMERIC)
                                                      : sqlc_type(PG_OID_INTERVAL);
    if (v->type.oid == PG_OID_UNKNOWN && kind == RANGE_NUMERIC && v->literal)
        return decimal_literal(c, v);
    if (v->type.oid == PG_OID_UNKNOWN)
        return sqlc_coerce(c, v, want, SQLC_IMPLICIT);
    uint32_t o = proxy__pgtype_base(c->cat, v->type).oid;
    if (kind == RANGE_NUMERIC && o == PG_OID_NUMERIC && v->numv)
        return sqlc_fail(c, "0A000",
                         "RANGE with offset PRECEDING/FOLLOWING by a numeric without a precision "
                         "is not supported on the mirror");
    bool integer = o == PG_OID_INT2 || o == PG_OID_INT4 || o == PG_OID_INT8;
    bool ok = kind == RANGE_INT ? integer
              : kind == RANGE_FLOAT
                  ? integer || o == PG_OID_FLOAT4 || o == PG_OID_FLOAT8 || o == PG_OID_NUMERIC
              : kind == RANGE_NUMERIC ? integer || o == PG_OID_NUMERIC
                                      : o == PG_OID_INTERVAL;
    if (!ok)
        return sqlc_fail(c, "0A000",
                         "RANGE with offset PRECEDING/FOLLOWING is not supported for column type "
                         "%s and offset type %s",
                         sqlc_type_name(c, key_type), sqlc_type_name(c, v->type));
    return kind != RANGE_FLOAT || sqlc_coerce(c, v, want, SQLC_IMPLICIT);
}

/* ROWS and GROUPS count rows or peer groups: the offset becomes a bigint as an assignment
 * would make it (numbers round), anything else is refused. */
static bool rows_offset(sqlc_ctx_t *c, int opts, sqlc_val_t *v)
{
    const char *mode = opts & FO_ROWS ? "ROWS" : "GROUPS";
    uint32_t o = proxy__pgtype_base(c->cat, v->type).oid;
    if (o != PG_OID_UNKNOWN && o != PG_OID_INT2 && o != PG_OID_INT4 && o != PG_OID_INT8 &&
        o != PG_OID_NUMERIC && o != PG_OID_FLOAT4 && o != PG_OID_FLOAT8)
        return sqlc_fail(c, "42804", "argument of %s must be type bigint, not type %s", mode,
                         sqlc_type_name(c, v->type));
    return sqlc_coerce(c, v, sqlc_type(PG_OID_INT8), SQLC_ASSIGNMENT);
}

typedef struct range_ctx {
    bool on;
    range_kind_t kind;
    proxy_pgtype_ref_t key_type;
} range_ctx_t;

static bool frame_bound(sqlc_ctx_t *c, int opts, bool start, const sqlc_node_t *off,
                        const range_ctx_t *r, am_buf_t *b)
{
    if (opts & (start ? FO_START_UNB_PREC : 0x40)) {
        am_buf_puts(b, "UNBOUNDED PRECEDING");
    } else if (opts & (start ? 0x80 : FO_END_UNB_FOLL)) {
        am_buf_puts(b, "UNBOUNDED FOLLOWING");
    } else if (opts & (start ? FO_START_CURRENT : FO_END_CURRENT)) {
        am_buf_puts(b, "CURRENT ROW");
    } else {
        sqlc_val_t v;
        int refs = c->scope->n_var_refs;
        if (!off || !sqlc_expr(c, off, &v))
            return false;
        /* PostgreSQL computes the offset once per partition: no row's value can go in */
        const char *mode = opts & FO_ROWS ? "ROWS" : opts & FO_GROUPS ? "GROUPS" : "RANGE";
        if (v.has_agg)
            return sqlc_fail(c, "42803", "aggregate functions are not allowed in window %s", mode);
        if (c->scope->n_var_refs != refs)
            return sqlc_fail(c, "42P10", "argument of %s must not contain variables", mode);
        if (r->on ? !range_offset(c, r->kind, r->key_type, &v) : !rows_offset(c, opts, &v))
            return false;
        bool prec = opts & (start ? FO_START_OFF_PREC : FO_END_OFF_PREC);
        /* PostgreSQL checks the offset once per partition (DuckDB takes NULL as 0 and counts
         * a negative ROWS offset as an empty frame); a negative RANGE offset DuckDB refuses
         * itself (duckerr.c words it) */
        const char *which = start ? "starting" : "ending";
        const char *x =
            r->on ? sqlc_printf(c, "COALESCE(%s, error('22004 frame %s offset must not be null'))",
                                v.sql, which)
                  : sqlc_printf(c,
                                "CASE WHEN %s IS NULL THEN error('22004 frame %s offset must not "
                                "be null') WHEN %s < 0 THEN error('22013 frame %s offset must "
                                "not be negative') ELSE %s END",
                                v.sql, which, v.sql, which, v.sql);
        am_buf_printf(b, "%s %s", x, prec ? "PRECEDING" : "FOLLOWING");
    }
    return true;
}

static bool frame(sqlc_ctx_t *c, const PgQuery__WindowDef *w, const range_ctx_t *r, am_buf_t *b)
{
    int o = w->frame_options;
    if (!(o & FO_NONDEFAULT))
        return true;
    am_buf_puts(b, o & FO_ROWS ? " ROWS " : o & FO_GROUPS ? " GROUPS " : " RANGE ");
    if (o & FO_BETWEEN)
        am_buf_puts(b, "BETWEEN ");
    if (!frame_bound(c, o, true, w->start_offset, r, b))
        return false;
    if (o & FO_BETWEEN) {
        am_buf_puts(b, " AND ");
        if (!frame_bound(c, o, false, w->end_offset, r, b))
            return false;
    }
    if (o & FO_EXCL_CURRENT)
        am_buf_puts(b, " EXCLUDE CURRENT ROW");
    else if (o & FO_EXCL_GROUP)
        am_buf_puts(b, " EXCLUDE GROUP");
    else if (o & FO_EXCL_TIES)
        am_buf_puts(b, " EXCLUDE TIES");
    return true;
}

static bool expr_list(sqlc_ctx_t *c, PgQuery__Node **items, size_t n, const char *head, am_buf_t *b)
{
    for (size_t i = 0; i < n; i++) {
        sqlc_val_t v;
        if (!sqlc_expr(c, items[i], &v) || !sqlc_resolve_unknown(c, &v) ||
            !sqlc_orderable(c, v.type, v.numv))
            return false;
        /* partitions are PostgreSQL's equal values: compared through the same keys as ORDER BY */
        am_buf_printf(b, "%s%s", i ? ", " : head, sqlc_key_expr(c, v.sql, v.type, v.numv));
    }
    return true;
}

/* OVER (...) as DuckDB text: a named window is inlined, its own clauses added. */
bool sqlc_over_clause(sqlc_ctx_t *c, const PgQuery__WindowDef *w, am_buf_t *b)
{
    if (c->scope->in_window)
        return sqlc_fail(c, "42P20", "window functions are not allowed in window definitions");
    const PgQuery__WindowDef *base = NULL;
    const char *ref = w->refname && w->refname[0] ? w->refname
                      : (w->name && w->name[0] && !w->n_partition_clause && !w->n_order_clause &&
                         !(w->frame_options & FO_NONDEFAULT))
                          ? w->name
                          : NULL;
    if (ref && ref[0]) {
        base = sqlc_window_find(c, ref);
        if (!base)
            return sqlc_fail(c, "42704", "window \"%s\" does not exist", ref);
    }
    bool allow_srf = c->scope->allow_srf;
    c->scope->in_window = true;
    c->scope->allow_srf = false;
    am_buf_puts(b, " OVER (");
    const PgQuery__WindowDef *part = base && base->n_partition_clause ? base : w;
    bool ok = expr_list(c, part->partition_clause, part->n_partition_clause, "PARTITION BY ", b);
    const PgQuery__WindowDef *ord = base && base->n_order_clause ? base : w;
    const PgQuery__WindowDef *fr = w->frame_options & FO_NONDEFAULT ? w : base ? base : w;
    int fo = fr->frame_options;
    range_ctx_t r = {
        .on = (fo & FO_NONDEFAULT) && (fo & FO_RANGE) &&
              (fo & (FO_START_OFF_PREC | FO_START_OFF_FOLL | FO_END_OFF_PREC | FO_END_OFF_FOLL))};
    if (ok && r.on) {
        ok = range_order(c, ord, &r.kind, &r.key_type, b);
    } else if (ok && ord->n_order_clause) {
        am_buf_puts(b, " ORDER BY ");
        ok = sqlc_sort_list(c, ord->order_clause, ord->n_order_clause, false, b);
    }
    ok = ok && frame(c, fr, &r, b);
    am_buf_putc(b, ')');
    c->scope->in_window = false;
    c->scope->allow_srf = allow_srf;
    return ok;
}
