/*
 * proxy/sqlc_eqkey.c: what DuckDB must compare where PostgreSQL uses a type's equality to
 * decide that two values are the same: GROUP BY, DISTINCT [ON], an aggregate's DISTINCT,
 * UNION / INTERSECT / EXCEPT. DuckDB compares the values it holds; for most types that is
 * PostgreSQL's equality, but a few are held as text PostgreSQL compares by value: numeric text
 * (1.0 and 1.00 are one value, and a group shows one of its rows' texts, as PostgreSQL's does),
 * jsonb whose numbers differ only in scale, intervals of one span, char(n) apart from its
 * padding, and arrays and records of those. json has no
 * equality at all: PostgreSQL fails (42883), and so does the mirror.
 * Spec: PostgreSQL 15 docs 9.3 (numeric equality ignores scale), 8.14.4 (jsonb equality).
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

static bool key_of(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t t, bool numv,
                   const sqlc_rec_t *rec, int depth, const char **key)
{
    *key = NULL;
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, t);
    uint32_t elem = sqlc_is_array(c, b.oid) ? proxy__pgtype_elem(c->cat, b.oid) : 0;
    if (elem) {
        proxy_pgtype_ref_t et = {elem, b.typmod};
        bool et_numv = sqlc_numv_type(c, et);
        /* an array's numv flag is not kept everywhere; its elements of unconstrained numeric
         * are numeric text, or DECIMALs whose VARCHAR is the same text */
        const char *elem_sql = et_numv && !numv ? sqlc_printf(c, "CAST(am_q%d AS VARCHAR)", depth)
                                                : sqlc_printf(c, "am_q%d", depth);
        const char *inner;
        if (!key_of(c, elem_sql, et, numv || et_numv, NULL, depth + 1, &inner))
            return false;
        if (inner)
            *key = sqlc_printf(c, "list_transform(%s, am_q%d -> %s)", x, depth, inner);
        return true;
    }
    if (numv) {
        *key = sqlc_printf(c, "am_num_sortkey(%s)", x);
        return true;
    }
    if (b.oid == PG_OID_JSON)
        return sqlc_fail(c, "42883", "could not identify an equality operator for type json");
    if (b.oid == PG_OID_JSONB) {
        *key = sqlc_printf(c, "am_jsonb_eqkey(%s)", x);
        return true;
    }
    /* intervals are equal by their span (1 day -01:00:00 and 23:00:00 are one value; DuckDB
     * compares days and microseconds apart), char(n) without its padding */
    if (b.oid == PG_OID_INTERVAL) {
        *key = sqlc_printf(c, "am_interval_sort_key(%s)", x);
        return true;
    }
    if (b.oid == PG_OID_BPCHAR) {
        *key = sqlc_printf(c, "rtrim(%s, ' ')", x);
        return true;
    }
    if (!rec)
        return true;
    /* a record: the struct of its fields' keys, when one of them needs one */
    am_buf_t s;
    am_buf_init(&s);
    bool keyed = false, ok = true;
    for (size_t i = 0; ok && i < rec->n; i++) {
        const char *f = sqlc_printf(c, "struct_extract(%s, 'f%zu')", x, i + 1);
        const char *fk;
        ok = key_of(c, f, rec->types[i], rec->numv[i], NULL, depth + 1, &fk);
        keyed = keyed || (ok && fk);
        am_buf_printf(&s, "%sf%zu := %s", i ? ", " : "", i + 1, fk ? fk : f);
    }
    if (ok && keyed)
        *key = sqlc_printf(c, "struct_pack(%s)", s.data);
    am_buf_destroy(&s);
    return ok;
}

bool sqlc_eq_key(sqlc_ctx_t *c, const sqlc_val_t *v, const char **key)
{
    return key_of(c, v->sql, v->type, v->numv, v->rec, 0, key);
}
