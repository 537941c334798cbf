/*
 * proxy/sqlc_resolve.c: choosing an operator or function among candidates the way PostgreSQL
 * does (exact match, then implicit coercions, most exact matches, preferred types, the
 * unknown-literal rules), resolving polymorphic arguments, and writing the chosen entry's
 * DuckDB template with its arguments.
 * Spec: PostgreSQL 15 docs "Type Conversion" 10.2 (operators) and 10.3 (functions).
 */
#include "proxy/sqlc_internal.h"

#include <stdlib.h>
#include <string.h>

static bool is_poly(uint32_t t)
{
    return t == PG_OID_ANYELEMENT || t == PG_OID_ANYARRAY || t == SQLC_ANYNONARRAY ||
           t == SQLC_ANYENUM || t == PG_OID_ANY;
}

/* Can argument v go where the signature wants type want (implicitly)? */
static bool accepts(sqlc_ctx_t *c, const sqlc_val_t *v, uint32_t want)
{
    uint32_t have = proxy__pgtype_base(c->cat, v->type).oid;
    if (v->type.oid == PG_OID_UNKNOWN)
        return want != PG_OID_ANYARRAY || true;
    switch (want) {
    case PG_OID_ANY:
    case PG_OID_ANYELEMENT:
        return true;
    case PG_OID_ANYARRAY: /* int2vector and oidvector are arrays to polymorphism */
        return sqlc_is_array(c, have) || have == PG_OID_INT2VECTOR || have == PG_OID_OIDVECTOR;
    case SQLC_ANYNONARRAY:
        return !sqlc_is_array(c, have);
    case SQLC_ANYENUM:
        return v->type.oid != have ? false
                                   : (proxy__pgcat_type(c->cat, have) &&
                                      proxy__pgcat_type(c->cat, have)->typtype == 'e');
    default:
        return have == want || v->type.oid == want || sqlc_implicit(c, have, want);
    }
}

static int exact_matches(sqlc_ctx_t *c, const sqlc_sig_t *s, const sqlc_val_t *args, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += args[i].type.oid != PG_OID_UNKNOWN &&
             proxy__pgtype_base(c->cat, args[i].type).oid == sqlc_sig_arg(s, i);
    return k;
}

static int preferred_matches(sqlc_ctx_t *c, const sqlc_sig_t *s, const sqlc_val_t *args, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += args[i].type.oid != PG_OID_UNKNOWN && !is_poly(sqlc_sig_arg(s, i)) &&
             sqlc_preferred(c, sqlc_sig_arg(s, i));
    return k;
}

/* Keeps cands[i] where score(i) is the maximum; returns the new count. */
static size_t keep_best(const sqlc_sig_t **cands, size_t n, const int *score)
{
    int best = -1;
    for (size_t i = 0; i < n; i++)
        best = score[i] > best ? score[i] : best;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (score[i] == best)
            cands[m++] = cands[i];
    return m;
}

static char sig_category(sqlc_ctx_t *c, uint32_t t)
{
    if (is_poly(t))
        return 'P';
    return sqlc_category(c, t);
}

/* The unknown-literal rule (func_select_candidate): at each unknown position the candidates'
 * types there must share one category, or one of them be of the string category, which then
 * wins; with a preferred type in that category, only preferred ones stay. Where categories
 * conflict (date + unknown: integer, interval, time) nothing is eliminated, and the caller's
 * last rule decides or the call is ambiguous. */
static size_t unknown_rule(sqlc_ctx_t *c, const sqlc_sig_t **cands, size_t n,
                           const sqlc_val_t *args, size_t nargs)
{
    char *cat = am_arena_alloc(c->arena, nargs + 1);
    bool *pref = am_arena_alloc(c->arena, (nargs + 1) * sizeof *pref);
    for (size_t i = 0; i < nargs; i++) {
        cat[i] = 0;
        pref[i] = false;
        if (args[i].type.oid != PG_OID_UNKNOWN)
            continue;
        bool conflict = false;
        for (size_t k = 0; k < n; k++) {
            uint32_t t = sqlc_sig_arg(cands[k], i);
            char tc = sig_category(c, t);
            bool tp = !is_poly(t) && sqlc_preferred(c, t);
            if (!cat[i] || (tc != cat[i] && tc == 'S')) {
                cat[i] = tc;
                pref[i] = tp;
            } else if (tc == cat[i]) {
                pref[i] = pref[i] || tp;
            } else {
                conflict = true;
            }
        }
        if (conflict && cat[i] != 'S')
            return n;
    }
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        bool keep = true;
        for (size_t i = 0; i < nargs && keep; i++) {
            if (args[i].type.oid != PG_OID_UNKNOWN)
                continue;
            uint32_t t = sqlc_sig_arg(cands[k], i);
            keep =
                sig_category(c, t) == cat[i] && (!pref[i] || (!is_poly(t) && sqlc_preferred(c, t)));
        }
        if (keep)
            cands[m++] = cands[k];
    }
    return m ? m : n;
}

static size_t poly_probe(sqlc_ctx_t *c, const sqlc_sig_t *s, const sqlc_val_t *args, size_t n,
                         sqlc_val_t *probe);

/* When the known arguments all have one type, the unknowns are assumed to be of it: the one
 * candidate that accepts it at their positions (a polymorphic one too, if its arguments then
 * still unify: text[] || 'x' is array || array, as in PostgreSQL's func_select_candidate). */
static const sqlc_sig_t *same_type_rule(sqlc_ctx_t *c, const sqlc_sig_t **cands, size_t n,
                                        const sqlc_val_t *args, size_t nargs)
{
    const sqlc_val_t *known = NULL;
    for (size_t i = 0; i < nargs; i++) {
        if (args[i].type.oid == PG_OID_UNKNOWN)
            continue;
        if (known && proxy__pgtype_base(c->cat, known->type).oid !=
                         proxy__pgtype_base(c->cat, args[i].type).oid)
            return NULL;
        known = &args[i];
    }
    if (!known)
        return NULL;
    sqlc_val_t *as = am_arena_alloc(c->arena, (nargs + 1) * sizeof *as);
    for (size_t i = 0; i < nargs; i++) {
        as[i] = args[i].type.oid == PG_OID_UNKNOWN ? *known : args[i];
        if (args[i].type.oid == PG_OID_UNKNOWN)
            as[i].type = proxy__pgtype_base(c->cat, known->type);
    }
    const sqlc_sig_t *hit = NULL;
    for (size_t k = 0; k < n; k++) {
        bool all = true, poly = false;
        for (size_t i = 0; i < nargs && all; i++) {
            uint32_t want = sqlc_sig_arg(cands[k], i);
            all = want == proxy__pgtype_base(c->cat, as[i].type).oid ||
                  (is_poly(want) && accepts(c, &as[i], want));
            poly = poly || is_poly(want);
        }
        if (all && poly) {
            sqlc_val_t *probe = am_arena_alloc(c->arena, (nargs + 1) * sizeof *probe);
            size_t m = poly_probe(c, cands[k], as, nargs, probe);
            all = m == 0 || sqlc_common_type_exists(c, probe, m);
        }
        if (all && hit)
            return NULL;
        if (all)
            hit = cands[k];
    }
    return hit;
}

const sqlc_sig_t *sqlc_resolve(sqlc_ctx_t *c, const sqlc_sig_t *const *all, size_t n_all,
                               const sqlc_val_t *args, size_t nargs, bool *ambiguous)
{
    *ambiguous = false;
    const sqlc_sig_t **cands = am_arena_alloc(c->arena, (n_all + 1) * sizeof(const sqlc_sig_t *));
    int *score = am_arena_alloc(c->arena, (n_all + 1) * sizeof *score);
    size_t n = 0;
    /* exact match, an unknown taking the other argument's type (operators) */
    for (size_t k = 0; k < n_all; k++) {
        bool exact = true;
        for (size_t i = 0; i < nargs && exact; i++) {
            uint32_t b = proxy__pgtype_base(c->cat, args[i].type).oid;
            if (args[i].type.oid == PG_OID_UNKNOWN) {
                b = 0;
                for (size_t j = 0; j < nargs; j++)
                    if (args[j].type.oid != PG_OID_UNKNOWN)
                        b = proxy__pgtype_base(c->cat, args[j].type).oid;
            }
            exact = b == sqlc_sig_arg(all[k], i);
        }
        if (exact)
            return all[k];
    }
    for (size_t k = 0; k < n_all; k++) {
        bool ok = true, poly = false;
        for (size_t i = 0; i < nargs && ok; i++) {
            ok = accepts(c, &args[i], sqlc_sig_arg(all[k], i));
            poly = poly || is_poly(sqlc_sig_arg(all[k], i));
        }
        /* check_generic_type_consistency: the polymorphic arguments must unify */
        if (ok && poly) {
            sqlc_val_t *probe = am_arena_alloc(c->arena, (nargs + 1) * sizeof *probe);
            size_t m = poly_probe(c, all[k], args, nargs, probe);
            ok = m == 0 || sqlc_common_type_exists(c, probe, m);
        }
        if (ok)
            cands[n++] = all[k];
    }
    if (n <= 1)
        return n ? cands[0] : NULL;
    for (size_t k = 0; k < n; k++)
        score[k] = exact_matches(c, cands[k], args, nargs);
    n = keep_best(cands, n, score);
    for (size_t k = 0; k < n && n > 1; k++)
        score[k] = preferred_matches(c, cands[k], args, nargs);
    if (n > 1)
        n = keep_best(cands, n, score);
    if (n > 1)
        n = unknown_rule(c, cands, n, args, nargs);
    if (n == 1)
        return cands[0];
    const sqlc_sig_t *s = n > 1 ? same_type_rule(c, cands, n, args, nargs) : NULL;
    *ambiguous = !s && n > 1;
    return s;
}

/* The values anyelement must unify: polymorphic element arguments and anyarray elements. */
static size_t poly_probe(sqlc_ctx_t *c, const sqlc_sig_t *s, const sqlc_val_t *args, size_t n,
                         sqlc_val_t *probe)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (sqlc_sig_arg(s, i) == PG_OID_ANYELEMENT || sqlc_sig_arg(s, i) == SQLC_ANYNONARRAY ||
            sqlc_sig_arg(s, i) == SQLC_ANYENUM) {
            probe[m++] = args[i];
        } else if (sqlc_sig_arg(s, i) == PG_OID_ANYARRAY && args[i].type.oid != PG_OID_UNKNOWN) {
            probe[m] = args[i];
            probe[m].type = (proxy_pgtype_ref_t){
                proxy__pgtype_elem(c->cat, proxy__pgtype_base(c->cat, args[i].type).oid),
                args[i].type.typmod};
            m++;
        }
    }
    return m;
}

/* The actual type a polymorphic signature binds anyelement to (the arguments' common type). */
static bool bind_poly(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                      proxy_pgtype_ref_t *elem)
{
    sqlc_val_t *probe = am_arena_alloc(c->arena, (n + 1) * sizeof *probe);
    size_t m = poly_probe(c, s, args, n, probe);
    elem->oid = 0;
    elem->typmod = -1;
    bool any_poly = false, typed = false;
    for (size_t i = 0; i < n; i++)
        any_poly = any_poly || (is_poly(sqlc_sig_arg(s, i)) && sqlc_sig_arg(s, i) != PG_OID_ANY);
    for (size_t i = 0; i < m; i++)
        typed = typed || probe[i].type.oid != PG_OID_UNKNOWN;
    if (any_poly && !typed) {
        /* polymorphic arguments that are all untyped literals, NULLs or parameters: the
         * anycompatible family reads them as text, anyelement has no type to read them with
         * (array_length('{1,2}', 1), lag('a'), to_json(NULL)) */
        if (!(s->flags & SQLC_F_COMPATIBLE))
            return sqlc_fail(c, "42804",
                             "could not determine polymorphic type because input has type "
                             "unknown");
        *elem = sqlc_type(PG_OID_TEXT);
        return true;
    }
    if (m == 0)
        return true;
    return sqlc_common_type(c, probe, m, "polymorphic argument", elem);
}

bool sqlc_apply_sig(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                    proxy_pgtype_ref_t *result)
{
    proxy_pgtype_ref_t elem;
    if (!bind_poly(c, s, args, n, &elem))
        return false;
    uint32_t arr = elem.oid ? proxy__pgtype_array(c->cat, elem.oid) : 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t want = sqlc_sig_arg(s, i);
        proxy_pgtype_ref_t t = sqlc_type(want);
        if (want == PG_OID_ANYELEMENT || want == SQLC_ANYNONARRAY || want == SQLC_ANYENUM)
            t = elem;
        else if (want == PG_OID_ANYARRAY)
            t = (proxy_pgtype_ref_t){arr, elem.typmod};
        else if (want == PG_OID_ANY && args[i].param && args[i].type.oid == PG_OID_UNKNOWN) {
            /* PostgreSQL gives an untyped parameter no type here, and later fails the
             * statement for it (sql_compile.c): concat($1) is 42P18 */
            c->params[args[i].param - 1].any_use = true;
            continue;
        } else if (want == PG_OID_ANY)
            t = args[i].type.oid == PG_OID_UNKNOWN ? sqlc_type(PG_OID_TEXT) : args[i].type;
        /* a vector stays one (the same list): it is not an array starting at 1 */
        uint32_t ab = proxy__pgtype_base(c->cat, args[i].type).oid;
        if (want == PG_OID_ANYARRAY && (ab == PG_OID_INT2VECTOR || ab == PG_OID_OIDVECTOR))
            continue;
        if (t.oid && !sqlc_type_eq(args[i].type, t) &&
            !(proxy__pgtype_base(c->cat, args[i].type).oid == t.oid && t.typmod < 0) &&
            !sqlc_coerce(c, &args[i], t, SQLC_IMPLICIT))
            return false;
    }
    /* an unconstrained numeric element: each value keeps its own scale (numeric text) */
    /* ... and beside an array of them, whose elements are numeric text too */
    size_t n_elem = 0, n_arr = 0;
    for (size_t i = 0; i < n; i++) {
        n_elem += sqlc_sig_arg(s, i) == PG_OID_ANYELEMENT || sqlc_sig_arg(s, i) == SQLC_ANYNONARRAY;
        n_arr += sqlc_sig_arg(s, i) == PG_OID_ANYARRAY;
    }
    if ((n_elem > 1 || (n_elem > 0 && n_arr > 0)) && elem.oid && sqlc_numv_type(c, elem))
        for (size_t i = 0; i < n; i++)
            if (sqlc_sig_arg(s, i) == PG_OID_ANYELEMENT || sqlc_sig_arg(s, i) == SQLC_ANYNONARRAY)
                sqlc_numeric_unify(c, &args[i], 1, elem);
    /* A function's or an operator's result has no typmod in PostgreSQL (exprTypmod is -1 for
     * FuncExpr, OpExpr, Aggref, WindowFunc): max(numeric(10,2)) is plain numeric in a
     * RowDescription. The arguments keep theirs above, for the calls that read them. */
    uint32_t r = s->result;
    if (r == PG_OID_ANYELEMENT)
        *result = (proxy_pgtype_ref_t){elem.oid, -1};
    else if (r == PG_OID_ANYARRAY)
        *result = (proxy_pgtype_ref_t){arr, -1};
    else if (r == SQLC_SAME1)
        *result = (proxy_pgtype_ref_t){args[0].type.oid, -1};
    else
        *result = sqlc_type(r);
    return true;
}

/* Writes tmpl with %1..%9 replaced by the arguments' SQL, %T the TimeZone, %D DateStyle, %I
 * IntervalStyle, %F extra_float_digits, %N1..%N9 an argument as numeric text, %S1..%S9 an
 * argument as PostgreSQL text output, %K1..%K9 what DuckDB compares for an argument's order
 * (sqlc_key_expr), %E1..%E9 an array argument as its elements' output texts,
 * %P the search path list, %W now() as a literal; in aggregate and window templates %< where
 * DISTINCT goes (after an inner call's parenthesis), %> where its ORDER BY goes (before the
 * closing one) and %! where FILTER and OVER go (after it); %% a percent sign. */
char *sqlc_expand(sqlc_ctx_t *c, const char *tmpl, const sqlc_val_t *args, size_t n)
{
    am_buf_t b;
    am_buf_init(&b);
    for (const char *p = tmpl; *p; p++) {
        if (*p != '%' || !p[1]) {
            am_buf_putc(&b, *p);
            continue;
        }
        char k = *++p;
        size_t i = (size_t)(p[1] - '1');
        if (k >= '1' && k <= '9' && (size_t)(k - '1') < n) {
            am_buf_printf(&b, "(%s)", args[k - '1'].sql);
        } else if ((k == 'N' || k == 'S' || k == 'E' || k == 'K') && p[1] >= '1' && p[1] <= '9' &&
                   i < n) {
            const sqlc_val_t *a = &args[i];
            if (k == 'K')
                am_buf_printf(&b, "(%s)", sqlc_key_expr(c, a->sql, a->type, a->numv));
            else if (k == 'S')
                am_buf_puts(&b, sqlc_to_text(c, a));
            else if (k == 'E')
                am_buf_puts(&b, sqlc_elem_texts(c, a));
            else
                am_buf_printf(&b, a->numv ? "(%s)" : "CAST(%s AS VARCHAR)", a->sql);
            p++;
        } else if (k == 'T') {
            am_sql_literal(&b, c->env->timezone ? c->env->timezone : "UTC");
        } else if (k == 'D') {
            am_sql_literal(&b, c->env->datestyle ? c->env->datestyle : "ISO, MDY");
        } else if (k == 'I') {
            am_sql_literal(&b, c->env->intervalstyle ? c->env->intervalstyle : "postgres");
        } else if (k == 'W') {
            am_buf_puts(&b, sqlc_now_literal(c));
        } else if (k == 'P') {
            am_buf_puts(&b, sqlc_path_list(c));
        } else if (k == 'F') {
            am_buf_printf(&b, "%d", c->env->extra_float_digits);
        } else if (k == '<' || k == '>' || k == '!') {
            const sqlc_callmods_t *m = c->mods;
            am_buf_puts(&b, !m ? "" : k == '<' ? m->distinct : k == '>' ? m->order : m->post);
        } else {
            am_buf_putc(&b, k);
        }
    }
    char *s = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
    am_buf_destroy(&b);
    return s;
}
