/*
 * proxy/pgfn_cat.c: am_* functions that read the served catalog model: format_type, the output
 * of reg* values (names, schema-qualified when not visible on the search path), visibility
 * tests and pg_get_userbyid. The search path arrives as an argument (the session's, resolved),
 * the catalog from the proxy (the model of the views now shown).
 * Spec: PostgreSQL 15 docs "System Information Functions"; format_type_extended's rules (read
 * in PostgreSQL's source for the spellings, written here from scratch).
 */
#include "proxy/proxy_internal.h"
#include "proxy/pgfn_internal.h"
#include "proxy/pgtype_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef proxy_path_t path_t;

static bool ident_plain(const char *n)
{
    if (!((n[0] >= 'a' && n[0] <= 'z') || n[0] == '_'))
        return false;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$'))
            return false;
    return true;
}

static void put_ident(am_buf_t *b, const char *n)
{
    if (ident_plain(n))
        am_buf_puts(b, n);
    else
        am_sql_ident(b, n);
}

/* Whether a name found in nsp is visible: nsp is searched (pg_catalog first) before any other
 * schema of the path that has the same name (found by has(nsp, name)). */
static bool visible(const path_t *pa, const char *nsp,
                    bool (*has)(const proxy_pgcat_t *, const char *, const char *),
                    const proxy_pgcat_t *cat, const char *name)
{
    if (!strcmp(nsp, "pg_catalog"))
        return true;
    if (has(cat, "pg_catalog", name))
        return false;
    for (size_t i = 0; i < pa->n; i++) {
        if (!strcmp(pa->names[i], nsp))
            return true;
        if (has(cat, pa->names[i], name))
            return false;
    }
    return false;
}

static bool has_type(const proxy_pgcat_t *c, const char *nsp, const char *name)
{
    return proxy__pgcat_type_find(c, nsp, name) != NULL;
}

static bool has_rel(const proxy_pgcat_t *c, const char *nsp, const char *name)
{
    return proxy__pgcat_rel_find(c, nsp, name) != NULL;
}

static void with_mod(am_buf_t *b, const char *name, int32_t typmod, bool mod)
{
    am_buf_puts(b, name);
    if (mod && typmod >= 0)
        am_buf_printf(b, "(%d)", typmod);
}

/* format_type's special spellings; false for a type it does not spell itself. */
static bool special(uint32_t oid, int32_t tm, bool given, am_buf_t *b)
{
    bool mod = given && tm >= 0;
    int p = 0, s = 0;
    switch (oid) {
    case PG_OID_BIT:
        with_mod(b, "bit", tm, mod);
        return true;
    case PG_OID_VARBIT:
        with_mod(b, "bit varying", tm, mod);
        return true;
    case PG_OID_BPCHAR:
        if (mod)
            am_buf_printf(b, "character(%d)", tm - 4);
        else
            am_buf_puts(b, given ? "bpchar" : "character");
        return true;
    case PG_OID_VARCHAR:
        am_buf_puts(b, "character varying");
        if (mod)
            am_buf_printf(b, "(%d)", tm - 4);
        return true;
    case PG_OID_NUMERIC:
        am_buf_puts(b, "numeric");
        if (mod && proxy__pgtype_numeric_typmod(tm, &p, &s))
            am_buf_printf(b, "(%d,%d)", p, s);
        return true;
    case PG_OID_TIME:
    case PG_OID_TIMETZ:
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ: {
        bool ts = oid == PG_OID_TIMESTAMP || oid == PG_OID_TIMESTAMPTZ;
        bool tz = oid == PG_OID_TIMETZ || oid == PG_OID_TIMESTAMPTZ;
        with_mod(b, ts ? "timestamp" : "time", tm, mod);
        am_buf_puts(b, tz ? " with time zone" : " without time zone");
        return true;
    }
    default:
        break;
    }
    const char *sql = proxy__pgtype_sql_name(oid);
    if (sql && oid != PG_OID_TIME && oid != PG_OID_TIMETZ) {
        am_buf_puts(b, sql);
        return true;
    }
    return false;
}

void proxy__format_type(const proxy_pgcat_t *cat, uint32_t oid, int32_t typmod, bool given,
                        const path_t *pa, am_buf_t *b)
{
    if (oid == 0) {
        am_buf_putc(b, '-');
        return;
    }
    if (special(oid, typmod, given, b))
        return;
    uint32_t elem = proxy__pgtype_elem(cat, oid);
    if (elem && oid != PG_OID_INT2VECTOR && oid != PG_OID_OIDVECTOR) {
        proxy__format_type(cat, elem, typmod, given, pa, b);
        am_buf_puts(b, "[]");
        return;
    }
    const proxy_pgtype_t *t = cat ? proxy__pgcat_type(cat, oid) : NULL;
    const proxy_pgtype_info_t *bi = proxy__pgtype_builtin(oid);
    if (!t && !bi) {
        am_buf_puts(b, "???");
        return;
    }
    const char *name = t ? t->name : bi->name, *nsp = t ? t->nspname : "pg_catalog";
    if (!visible(pa, nsp, has_type, cat, name)) {
        put_ident(b, nsp);
        am_buf_putc(b, '.');
    }
    put_ident(b, name);
}

/* ---- reg* output and visibility ------------------------------------------------------------ */

static void reg_out(const proxy_pgcat_t *cat, int which, int64_t oid, const path_t *pa, am_buf_t *b)
{
    const char *name = NULL, *nsp = NULL;
    uint32_t nspoid = 0, o = (uint32_t)oid;
    bool (*has)(const proxy_pgcat_t *, const char *, const char *) = has_rel;
    if (which == PG_OID_REGTYPE) {
        /* regtypeout: "-" for 0, the number for a type it does not know */
        if (o != 0 && !(cat && proxy__pgcat_type(cat, o)) && !proxy__pgtype_builtin(o) &&
            !proxy__pgtype_elem(cat, o))
            am_buf_printf(b, "%u", o);
        else
            proxy__format_type(cat, o, -1, false, pa, b);
        return;
    }
    if (oid == 0 && which != PG_OID_REGNAMESPACE && which != PG_OID_REGROLE) {
        am_buf_putc(b, '-');
        return;
    }
    if (cat && which == PG_OID_REGCLASS) {
        const proxy_pgrel_t *r = proxy__pgcat_rel(cat, o);
        name = r ? r->name : NULL;
        nsp = r ? r->nspname : NULL;
    } else if (cat && which == PG_OID_REGPROC) {
        name = proxy__pgcat_proc_name(cat, o, &nspoid);
        nsp = nspoid ? proxy__pgcat_nsp_name(cat, nspoid) : NULL;
        has = NULL;
    } else if (cat && which == PG_OID_REGNAMESPACE) {
        name = proxy__pgcat_nsp_name(cat, o);
    } else if (cat && which == PG_OID_REGROLE) {
        name = proxy__pgcat_role_name(cat, o);
    }
    if (!name) {
        am_buf_printf(b, "%u", o);
        return;
    }
    if (nsp && has && !visible(pa, nsp, has, cat, name)) {
        put_ident(b, nsp);
        am_buf_putc(b, '.');
    } else if (nsp && !has && strcmp(nsp, "pg_catalog") != 0) {
        put_ident(b, nsp);
        am_buf_putc(b, '.');
    }
    put_ident(b, name);
}

void proxy__reg_out(const proxy_pgcat_t *cat, uint32_t type, int64_t oid, const proxy_path_t *pa,
                    am_buf_t *b)
{
    reg_out(cat, (int)type, oid, pa, b);
}

/* ---- the DuckDB glue ------------------------------------------------------------------------- */

enum { F_FORMAT_TYPE = 1, F_TABLE_VISIBLE, F_TYPE_VISIBLE, F_FUNCTION_VISIBLE, F_USERBYID };

typedef struct catfn {
    proxy_t *p;
    int which; /* a reg* type OID or one of F_* */
} catfn_t;

/* The path argument: a VARCHAR[] whose child was flattened (child); copies live in arena
 * until the row is done. */
static void path_at(duckdb_vector v, duckdb_vector child, idx_t row, am_arena_t *arena, path_t *pa)
{
    pa->n = 0;
    if (!child || !proxy__value_is_valid(v, row))
        return;
    duckdb_list_entry e = ((duckdb_list_entry *)duckdb_vector_get_data(v))[row];
    duckdb_string_t *strs = (duckdb_string_t *)duckdb_vector_get_data(child);
    for (idx_t k = 0; k < e.length && pa->n < AM_ARRAY_LEN(pa->names); k++) {
        if (!proxy__value_is_valid(child, e.offset + k))
            continue;
        duckdb_string_t *s = &strs[e.offset + k];
        pa->names[pa->n++] =
            am_arena_strndup(arena, duckdb_string_t_data(s), duckdb_string_t_length(*s));
    }
}

static int64_t int_at(duckdb_vector v, idx_t row)
{
    return ((int64_t *)duckdb_vector_get_data(v))[row];
}

static void set_null(duckdb_vector out, idx_t row)
{
    duckdb_vector_ensure_validity_writable(out);
    duckdb_validity_set_row_invalid(duckdb_vector_get_validity(out), row);
}

static bool visible_of(const proxy_pgcat_t *cat, int which, uint32_t oid, const path_t *pa)
{
    if (which == F_TABLE_VISIBLE) {
        const proxy_pgrel_t *r = cat ? proxy__pgcat_rel(cat, oid) : NULL;
        return r && visible(pa, r->nspname, has_rel, cat, r->name);
    }
    if (which == F_TYPE_VISIBLE) {
        const proxy_pgtype_t *t = cat ? proxy__pgcat_type(cat, oid) : NULL;
        return t ? visible(pa, t->nspname, has_type, cat, t->name)
                 : proxy__pgtype_builtin(oid) != NULL;
    }
    uint32_t nsp = 0;
    const char *name = cat ? proxy__pgcat_proc_name(cat, oid, &nsp) : NULL;
    const char *nspname = name && cat ? proxy__pgcat_nsp_name(cat, nsp) : NULL;
    return nspname && !strcmp(nspname, "pg_catalog");
}

static void one_row(const catfn_t *fn, const proxy_pgcat_t *cat, duckdb_data_chunk in,
                    duckdb_vector path_child, duckdb_vector out, idx_t row, am_arena_t *arena,
                    am_buf_t *b)
{
    duckdb_vector a0 = duckdb_data_chunk_get_vector(in, 0);
    idx_t ncol = duckdb_data_chunk_get_column_count(in);
    duckdb_vector last = duckdb_data_chunk_get_vector(in, ncol - 1);
    path_t pa;
    path_at(last, path_child, row, arena, &pa);
    am_buf_reset(b);
    if (!proxy__value_is_valid(a0, row)) {
        set_null(out, row);
        return;
    }
    int64_t oid = int_at(a0, row);
    if (fn->which == F_FORMAT_TYPE) {
        duckdb_vector a1 = duckdb_data_chunk_get_vector(in, 1);
        bool given = proxy__value_is_valid(a1, row);
        int32_t tm = given ? ((int32_t *)duckdb_vector_get_data(a1))[row] : -1;
        proxy__format_type(cat, (uint32_t)oid, tm, given, &pa, b);
    } else if (fn->which == F_TABLE_VISIBLE || fn->which == F_TYPE_VISIBLE ||
               fn->which == F_FUNCTION_VISIBLE) {
        if (fn->which == F_TABLE_VISIBLE && (!cat || !proxy__pgcat_rel(cat, (uint32_t)oid))) {
            set_null(out, row); /* PostgreSQL answers NULL for an OID it does not know */
            return;
        }
        ((bool *)duckdb_vector_get_data(out))[row] = visible_of(cat, fn->which, (uint32_t)oid, &pa);
        return;
    } else if (fn->which == F_USERBYID) {
        const char *r = cat ? proxy__pgcat_role_name(cat, (uint32_t)oid) : NULL;
        if (r)
            am_buf_puts(b, r);
        else
            am_buf_printf(b, "unknown (OID=%u)", (uint32_t)oid);
    } else {
        reg_out(cat, fn->which, oid, &pa, b);
    }
    duckdb_vector_assign_string_element_len(out, row, b->data ? b->data : "", b->len);
}

static void run(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    const catfn_t *fn = duckdb_scalar_function_get_extra_info(info);
    proxy_pgcat_t *cat = proxy__catalog_current(fn->p);
    am_arena_t *arena = am_arena_new(4096);
    am_buf_t b;
    am_buf_init(&b);
    idx_t n = duckdb_data_chunk_get_size(in);
    /* every function but am_userbyid takes the search path last */
    duckdb_vector path_child = NULL;
    if (fn->which != F_USERBYID) {
        duckdb_vector last =
            duckdb_data_chunk_get_vector(in, duckdb_data_chunk_get_column_count(in) - 1);
        path_child = proxy__pgfn_flat_child(last);
    }
    for (idx_t row = 0; row < n; row++) {
        one_row(fn, cat, in, path_child, out, row, arena, &b);
        am_arena_reset(arena);
    }
    if (path_child)
        duckdb_destroy_vector(&path_child);
    am_buf_destroy(&b);
    am_arena_free(arena);
    proxy__pgcat_unref(cat);
}

static bool add(duckdb_connection con, proxy_t *p, const char *name, int which, bool typmod,
                bool boolean, am_err_t *err)
{
    catfn_t *fn = am_xcalloc(1, sizeof *fn);
    fn->p = p;
    fn->which = which;
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, name);
    duckdb_logical_type i8 = duckdb_create_logical_type(DUCKDB_TYPE_BIGINT);
    duckdb_logical_type i4 = duckdb_create_logical_type(DUCKDB_TYPE_INTEGER);
    duckdb_logical_type vc = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    duckdb_logical_type vl = duckdb_create_list_type(vc);
    duckdb_logical_type bo = duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN);
    duckdb_scalar_function_add_parameter(f, i8);
    if (typmod)
        duckdb_scalar_function_add_parameter(f, i4);
    if (which != F_USERBYID)
        duckdb_scalar_function_add_parameter(f, vl);
    duckdb_scalar_function_set_return_type(f, boolean ? bo : vc);
    duckdb_scalar_function_set_function(f, run);
    duckdb_scalar_function_set_special_handling(f);
    duckdb_scalar_function_set_extra_info(f, fn, free);
    bool ok = duckdb_register_scalar_function(con, f) == DuckDBSuccess;
    duckdb_destroy_scalar_function(&f);
    duckdb_logical_type *all[] = {&i8, &i4, &vc, &vl, &bo};
    for (size_t i = 0; i < AM_ARRAY_LEN(all); i++)
        duckdb_destroy_logical_type(all[i]);
    return ok || am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot register %s", name);
}

bool proxy__pgfn_cat_register(duckdb_connection con, proxy_t *p, am_err_t *err)
{
    return add(con, p, "am_format_type", F_FORMAT_TYPE, true, false, err) &&
           add(con, p, "am_regclass_out", PG_OID_REGCLASS, false, false, err) &&
           add(con, p, "am_regtype_out", PG_OID_REGTYPE, false, false, err) &&
           add(con, p, "am_regproc_out", PG_OID_REGPROC, false, false, err) &&
           add(con, p, "am_regnamespace_out", PG_OID_REGNAMESPACE, false, false, err) &&
           add(con, p, "am_regrole_out", PG_OID_REGROLE, false, false, err) &&
           add(con, p, "am_table_is_visible", F_TABLE_VISIBLE, false, true, err) &&
           add(con, p, "am_type_is_visible", F_TYPE_VISIBLE, false, true, err) &&
           add(con, p, "am_function_is_visible", F_FUNCTION_VISIBLE, false, true, err) &&
           add(con, p, "am_userbyid", F_USERBYID, false, false, err);
}
