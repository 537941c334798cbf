/*
 * proxy/sqlc_ordset.c: ordered-set and hypothetical-set aggregates (WITHIN GROUP): percentile_cont
 * over float8 and interval, percentile_disc over any orderable type, each with one fraction or
 * an array of them, mode(), and rank, dense_rank, percent_rank and cume_dist of a hypothetical
 * row. The aggregated values are gathered by DuckDB's list() in the WITHIN GROUP order (through
 * the same sort keys as ORDER BY) and PostgreSQL's final functions are computed on that list,
 * with its interpolation formulas (float8 and interval arithmetic as PostgreSQL's), its
 * percentile checks and its order of them. FILTER applies; OVER is refused as PostgreSQL does.
 * Spec: PostgreSQL 15 orderedsetaggs.c; docs "Aggregate Functions" tables 9.62 and 9.63.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

typedef struct ordset {
    sqlc_val_t x;       /* the WITHIN GROUP value */
    bool desc;          /* its direction */
    bool nulls_first;   /* where its NULLs sort */
    const char *key;    /* what DuckDB compares for PostgreSQL's order of x */
    const char *filter; /* the call's FILTER condition, or NULL */
} ordset_t;

/* The sorted non-NULL values of the group (a list; NULL for no rows). */
static char *sorted_list(sqlc_ctx_t *c, const ordset_t *o)
{
    return sqlc_printf(c, "list(%s ORDER BY %s %s) FILTER (WHERE (%s) IS NOT NULL%s%s%s)", o->x.sql,
                       o->key, o->desc ? "DESC" : "ASC", o->x.sql, o->filter ? " AND (" : "",
                       o->filter ? o->filter : "", o->filter ? ")" : "");
}

/* PostgreSQL's "percentile value %g is not between 0 and 1" for the fraction p. */
static char *pct_error(sqlc_ctx_t *c, const char *p)
{
    return sqlc_printf(c,
                       "error('22003 percentile value ' || CASE WHEN isnan(%s) THEN 'NaN' WHEN "
                       "isinf(%s) THEN CASE WHEN %s > 0 THEN 'Infinity' ELSE '-Infinity' END ELSE "
                       "printf('%%g', %s) END || ' is not between 0 and 1')",
                       p, p, p, p);
}

static char *pct_bad(sqlc_ctx_t *c, const char *p)
{
    return sqlc_printf(c, "(%s < 0 OR %s > 1 OR isnan(%s))", p, p, p);
}

/* The value at fraction p of the sorted list l (n its length, at least 1). */
static char *pct_value(sqlc_ctx_t *c, const char *l, const char *p, bool cont, bool interval)
{
    if (!cont) /* percentile_disc: the first value whose position reaches p */
        return sqlc_printf(c, "%s[greatest(CAST(ceil(%s * CAST(len(%s) AS DOUBLE)) AS BIGINT), 1)]",
                           l, p, l);
    char *rn = sqlc_printf(c, "(%s * CAST(len(%s) - 1 AS DOUBLE))", p, l);
    char *lo = sqlc_printf(c, "%s[CAST(floor(%s) AS BIGINT) + 1]", l, rn);
    char *hi = sqlc_printf(c, "%s[CAST(ceil(%s) AS BIGINT) + 1]", l, rn);
    char *pct = sqlc_printf(c, "(%s - floor(%s))", rn, rn);
    /* float8_lerp and interval_lerp: lo + (hi - lo) * pct */
    char *lerp = interval ? sqlc_printf(c,
                                        "am_interval_pl(%s, am_interval_mul(am_interval_mi(%s, "
                                        "%s), %s))",
                                        lo, hi, lo, pct)
                          : sqlc_printf(c, "(%s + (%s - %s) * %s)", lo, hi, lo, pct);
    return sqlc_printf(c, "CASE WHEN floor(%s) = ceil(%s) THEN %s ELSE %s END", rn, rn, lo, lerp);
}

/* Whether PostgreSQL's function lookup would take a value of type from for a to (float8 or
 * float8[]): an implicit cast, element by element for arrays. */
static bool implicit_to(sqlc_ctx_t *c, proxy_pgtype_ref_t from, uint32_t to)
{
    uint32_t f = proxy__pgtype_base(c->cat, from).oid;
    if (f == PG_OID_UNKNOWN || f == to)
        return true;
    if (to != PG_OID_FLOAT8_ARRAY)
        return sqlc_implicit(c, f, to);
    uint32_t fe = sqlc_is_array(c, f) ? proxy__pgtype_elem(c->cat, f) : 0;
    return fe && sqlc_implicit(c, fe, PG_OID_FLOAT8);
}

/* percentile_cont / percentile_disc with one fraction or an array of them. */
static bool percentile(sqlc_ctx_t *c, bool cont, sqlc_val_t *frac, ordset_t *o, sqlc_val_t *out)
{
    bool interval = proxy__pgtype_base(c->cat, o->x.type).oid == PG_OID_INTERVAL;
    /* an untyped '{...}' is a float8 to the lookup (the preferred type), as PostgreSQL reads
     * it: 22P02 */
    bool multi = sqlc_is_array(c, proxy__pgtype_base(c->cat, frac->type).oid);
    /* the function lookup: a fraction or a sort key no implicit cast takes is no match (a text
     * key would otherwise be read as float8 row by row) */
    if (!implicit_to(c, frac->type, multi ? PG_OID_FLOAT8_ARRAY : PG_OID_FLOAT8) ||
        (cont && !interval && !implicit_to(c, o->x.type, PG_OID_FLOAT8)))
        return sqlc_fail(c, "42883",
                         "function %s(%s, %s) does not exist\nHINT:  No function matches the "
                         "given name and argument types. You might need to add explicit type "
                         "casts.",
                         cont ? "percentile_cont" : "percentile_disc",
                         sqlc_type_name(c, frac->type), sqlc_type_name(c, o->x.type));
    if (cont && !interval && !sqlc_coerce(c, &o->x, sqlc_type(PG_OID_FLOAT8), SQLC_IMPLICIT))
        return false;
    if (!sqlc_orderable(c, o->x.type, o->x.numv))
        return false;
    o->key = sqlc_key_expr(c, o->x.sql, o->x.type, o->x.numv);
    proxy_pgtype_ref_t ft = sqlc_type(multi ? PG_OID_FLOAT8_ARRAY : PG_OID_FLOAT8);
    if (!sqlc_coerce(c, frac, ft, SQLC_IMPLICIT))
        return false;
    char *l = sorted_list(c, o);
    char *f = frac->sql, *sql;
    if (!multi) {
        sql = sqlc_printf(c,
                          "CASE WHEN (%s) IS NULL THEN NULL WHEN %s THEN %s WHEN coalesce(len(%s), "
                          "0) = 0 THEN NULL ELSE %s END",
                          f, pct_bad(c, f), pct_error(c, f), l, pct_value(c, l, f, cont, interval));
    } else {
        char *first_bad = sqlc_printf(c, "list_filter(%s, am_q -> %s)[1]", f, pct_bad(c, "am_q"));
        sql = sqlc_printf(c,
                          "CASE WHEN (%s) IS NULL OR coalesce(len(%s), 0) = 0 THEN NULL WHEN "
                          "len(list_filter(%s, am_q -> %s)) > 0 THEN %s ELSE list_transform(%s, "
                          "am_q -> CASE WHEN am_q IS NULL THEN NULL ELSE %s END) END",
                          f, l, f, pct_bad(c, "am_q"), pct_error(c, first_bad), f,
                          pct_value(c, l, "am_q", cont, interval));
    }
    proxy_pgtype_ref_t rt = {o->x.type.oid, -1}; /* an aggregate's result has no typmod */
    if (multi)
        rt = (proxy_pgtype_ref_t){proxy__pgtype_array(c->cat, proxy__pgtype_base(c->cat, rt).oid),
                                  -1};
    *out = sqlc_val_of(sql, rt);
    out->numv = o->x.numv;
    return true;
}

/* mode(): the most frequent value; ties go to the first in sort order, as PostgreSQL scans. */
static bool mode(sqlc_ctx_t *c, ordset_t *o, sqlc_val_t *out)
{
    if (!sqlc_orderable(c, o->x.type, o->x.numv))
        return false;
    o->key = sqlc_key_expr(c, o->x.sql, o->x.type, o->x.numv);
    char *l = sorted_list(c, o);
    *out = sqlc_val_of(sqlc_printf(c, "list_extract(%s, am_mode_index(%s))", l, l),
                       (proxy_pgtype_ref_t){o->x.type.oid, -1});
    out->numv = o->x.numv;
    return true;
}

/* A row's place relative to the hypothetical value v in the WITHIN GROUP order. */
static char *sorts_before(sqlc_ctx_t *c, const ordset_t *o, const char *kv)
{
    return sqlc_printf(c,
                       "(CASE WHEN (%s) IS NULL AND (%s) IS NULL THEN false WHEN (%s) IS NULL "
                       "THEN %s WHEN (%s) IS NULL THEN %s ELSE %s %s %s END)",
                       o->key, kv, o->key, o->nulls_first ? "true" : "false", kv,
                       o->nulls_first ? "false" : "true", o->key, o->desc ? ">" : "<", kv);
}

static char *counted(sqlc_ctx_t *c, const ordset_t *o, const char *what, const char *cond)
{
    return sqlc_printf(c, "%s FILTER (WHERE %s%s%s%s)", what, cond, o->filter ? " AND (" : "",
                       o->filter ? o->filter : "", o->filter ? ")" : "");
}

/* rank, dense_rank, percent_rank, cume_dist of a hypothetical row with value v. */
static bool hypothetical(sqlc_ctx_t *c, const char *name, sqlc_val_t *v, ordset_t *o,
                         sqlc_val_t *out)
{
    sqlc_val_t pair[2] = {*v, o->x};
    proxy_pgtype_ref_t t;
    if (!sqlc_common_type(c, pair, 2, "WITHIN GROUP", &t) ||
        !sqlc_coerce(c, &pair[0], t, SQLC_IMPLICIT) || !sqlc_coerce(c, &pair[1], t, SQLC_IMPLICIT))
        return false;
    sqlc_numeric_unify(c, pair, 2, t);
    if (!sqlc_orderable(c, t, pair[1].numv))
        return false;
    o->x = pair[1];
    o->key = sqlc_key_expr(c, o->x.sql, t, o->x.numv);
    const char *kv = sqlc_key_expr(c, pair[0].sql, t, pair[0].numv);
    char *before = sorts_before(c, o, kv);
    char *peer = sqlc_printf(c, "(%s IS NOT DISTINCT FROM %s)", o->key, kv);
    char *rows = counted(c, o, "count(*)", "true");
    char *rank = sqlc_printf(c, "(%s + 1)", counted(c, o, "count(*)", before));
    char *sql;
    if (strcmp(name, "rank") == 0) {
        sql = rank;
    } else if (strcmp(name, "dense_rank") == 0) {
        /* distinct values before, a NULL group being one of them */
        char *nulls =
            counted(c, o, "bool_or(true)", sqlc_printf(c, "%s AND (%s) IS NULL", before, o->key));
        sql =
            sqlc_printf(c, "(%s + CASE WHEN %s THEN 1 ELSE 0 END + 1)",
                        counted(c, o, sqlc_printf(c, "count(DISTINCT %s)", o->key), before), nulls);
    } else if (strcmp(name, "percent_rank") == 0) {
        sql = sqlc_printf(c,
                          "CASE WHEN %s = 0 THEN CAST(0 AS DOUBLE) ELSE CAST(%s - 1 AS DOUBLE) / "
                          "CAST(%s AS DOUBLE) END",
                          rows, rank, rows);
    } else {
        sql = sqlc_printf(c, "CAST(%s + 1 AS DOUBLE) / CAST(%s + 1 AS DOUBLE)",
                          counted(c, o, "count(*)", sqlc_printf(c, "(%s OR %s)", before, peer)),
                          rows);
    }
    bool dbl = strcmp(name, "percent_rank") == 0 || strcmp(name, "cume_dist") == 0;
    *out = sqlc_val_of(dbl ? sql : sqlc_printf(c, "CAST(%s AS BIGINT)", sql),
                       sqlc_type(dbl ? PG_OID_FLOAT8 : PG_OID_INT8));
    return true;
}

/* The FILTER condition inside m->post (" FILTER (WHERE cond)"), or NULL. */
static const char *filter_of(sqlc_ctx_t *c, const sqlc_callmods_t *m)
{
    static const char head[] = " FILTER (WHERE ";
    if (!m || strncmp(m->post, head, sizeof head - 1) != 0)
        return NULL;
    size_t len = strlen(m->post) - (sizeof head - 1);
    return am_arena_strndup(c->arena, m->post + sizeof head - 1, len > 0 ? len - 1 : 0);
}

bool sqlc_within_group(sqlc_ctx_t *c, const PgQuery__FuncCall *f, const char *name,
                       sqlc_val_t *args, size_t n, sqlc_val_t *out)
{
    if (f->over)
        return sqlc_fail(c, "0A000", "OVER is not supported for ordered-set aggregate %s", name);
    if (f->n_agg_order != 1)
        return sqlc_fail(c, "0A000",
                         "WITHIN GROUP with %zu sort keys is not supported on the "
                         "mirror",
                         f->n_agg_order);
    const PgQuery__SortBy *sb = f->agg_order[0]->sort_by;
    ordset_t o = {0};
    if (!sqlc_expr(c, sb->node, &o.x))
        return false;
    /* mode and percentile_disc take anyelement: an untyped literal or NULL has no type */
    if (o.x.type.oid == PG_OID_UNKNOWN &&
        (strcmp(name, "mode") == 0 || strcmp(name, "percentile_disc") == 0))
        return sqlc_fail(c, "42804",
                         "could not determine polymorphic type because input has type unknown");
    if (!sqlc_resolve_unknown(c, &o.x))
        return false;
    o.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    o.nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                    (sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST && o.desc);
    o.filter = filter_of(c, c->mods);
    bool ok;
    if ((strcmp(name, "percentile_cont") == 0 || strcmp(name, "percentile_disc") == 0) && n == 1)
        ok = percentile(c, strcmp(name, "percentile_cont") == 0, &args[0], &o, out);
    else if (strcmp(name, "mode") == 0 && n == 0)
        ok = mode(c, &o, out);
    else if ((strcmp(name, "rank") == 0 || strcmp(name, "dense_rank") == 0 ||
              strcmp(name, "percent_rank") == 0 || strcmp(name, "cume_dist") == 0) &&
             n == 1)
        ok = hypothetical(c, name, &args[0], &o, out);
    else
        return sqlc_fail(c, "0A000", "%s WITHIN GROUP is not supported on the mirror", name);
    if (!ok)
        return false;
    sqlc_merge_flags(out, &o.x);
    for (size_t i = 0; i < n; i++)
        sqlc_merge_flags(out, &args[i]);
    return true;
}
