/*
 * proxy/catalog.c: the proxy's DuckDB database. Opens it in memory, registers the am_*
 * functions, locks it down (file access only inside the warehouse, no extensions, settings
 * locked, time zone UTC), and keeps it in step with the lake watermark: the served catalog
 * (the source's own rows, docs/pgface.md section 3) as am_cat tables, and one view per
 * mirrored table, am_data."t<relid>" with columns c<attnum> in their DuckDB representation.
 * A watermark's views and catalog are swapped in one DuckDB transaction, so a query never
 * mixes two source LSNs; the catalog model the compiler resolves names with is swapped with
 * them.
 * Must not: write to the warehouse, or hold refresh_lock anywhere but around a rebuild.
 */
#include "proxy/proxy_internal.h"
#include "proxy/pgfn_internal.h"

#include "lake/lake.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool proxy__duck_exec(duckdb_connection con, const char *sql, am_err_t *err)
{
    duckdb_result r;
    bool ok = duckdb_query(con, sql, &r) == DuckDBSuccess;
    if (!ok)
        proxy__duck_error(err, duckdb_result_error_type(&r), duckdb_result_error(&r));
    duckdb_destroy_result(&r);
    return ok;
}

/* Clients may read the warehouse (through the views) and nothing else on this machine. */
struct proxy_viewstate;
static void vstates_free(struct proxy_viewstate *v, size_t n);

static bool lock_down(proxy_t *p, duckdb_connection con, am_err_t *err)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "SET allowed_directories = [");
    char real[PATH_MAX];
    const char *dirs[2] = {p->warehouse, realpath(p->warehouse, real) ? real : p->warehouse};
    /* the lake names files as Iceberg does, file:///abs/path: allow both spellings */
    for (int i = 0; i < 4; i++) {
        const char *d = dirs[i % 2];
        char *entry =
            am_xasprintf("%s%s%s", i >= 2 ? "file://" : "", d, d[strlen(d) - 1] == '/' ? "" : "/");
        if (i > 0)
            am_buf_puts(&b, ", ");
        am_sql_literal(&b, entry);
        free(entry);
    }
    /* Every time zone computation is ours (am_* with the session's zone): DuckDB's is UTC. */
    am_buf_puts(&b, "]; SET GLOBAL TimeZone = 'UTC'; "
                    "SET enable_external_access = false; "
                    "SET autoinstall_known_extensions = false; "
                    "SET autoload_known_extensions = false; "
                    "SET allow_community_extensions = false; "
                    "SET lock_configuration = true");
    bool ok = proxy__duck_exec(con, b.data, err);
    am_buf_destroy(&b);
    return ok;
}

bool proxy__catalog_open(proxy_t *p, am_err_t *err)
{
    duckdb_config cfg = NULL;
    char *open_err = NULL;
    if (duckdb_create_config(&cfg) != DuckDBSuccess)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot create a config");
    (void)duckdb_set_config(cfg, "autoinstall_known_extensions", "false");
    (void)duckdb_set_config(cfg, "autoload_known_extensions", "false");
    proxy__limits_duck_config(p, cfg);
    bool ok = duckdb_open_ext(NULL, &p->db, cfg, &open_err) == DuckDBSuccess;
    duckdb_destroy_config(&cfg);
    if (!ok) {
        am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: %s", open_err ? open_err : "open failed");
        duckdb_free(open_err);
        p->db = NULL;
        return false;
    }
    duckdb_connection con;
    if (duckdb_connect(p->db, &con) != DuckDBSuccess)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot connect");
    ok = proxy__duck_exec(con,
                          "CREATE SCHEMA am_data; CREATE SCHEMA am_cat; CREATE TABLE "
                          "am_data.am_stats(relid BIGINT, live_rows BIGINT, bytes BIGINT)",
                          err) &&
         proxy__pgfn_register(con, err) && proxy__pgfn_cat_register(con, p, err) &&
         lock_down(p, con, err);
    duckdb_disconnect(&con);
    if (!ok)
        am_err_prefix(err, "proxy: preparing DuckDB");
    return ok;
}

void proxy__catalog_close(proxy_t *p)
{
    if (p->db)
        duckdb_close(&p->db);
    for (size_t i = 0; i < p->n_views; i++)
        free(p->view_names[i]);
    free(p->view_names);
    vstates_free(p->vstates, p->n_vstates);
    p->vstates = NULL;
    p->n_vstates = 0;
    p->view_names = NULL;
    p->n_views = 0;
    free(p->applied_wm);
    p->applied_wm = NULL;
    free(p->applied_catalog);
    p->applied_catalog = NULL;
    proxy__pgcat_unref(p->cat);
    p->cat = NULL;
}

proxy_pgcat_t *proxy__catalog_current(proxy_t *p)
{
    pthread_mutex_lock(&p->cat_lock);
    proxy_pgcat_t *c = p->cat ? proxy__pgcat_ref(p->cat) : NULL;
    pthread_mutex_unlock(&p->cat_lock);
    return c;
}

/* ---- views ------------------------------------------------------------------------------- */

static char *wm_signature(const lake_watermark_t *wm)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, AM_LSN_FMT "|%s", AM_LSN_ARGS(wm->lsn), wm->catalog ? wm->catalog : "");
    for (size_t i = 0; i < wm->n_tables; i++)
        am_buf_printf(&b, "|%s.%s=%lld", wm->tables[i].schema, wm->tables[i].name,
                      (long long)wm->tables[i].snapshot_id);
    return am_buf_steal(&b, NULL);
}

/* The table set and catalog file: when they change, the model is built again. */
static char *model_signature(const lake_watermark_t *wm)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, wm->catalog ? wm->catalog : "");
    for (size_t i = 0; i < wm->n_tables; i++)
        am_buf_printf(&b, "|%s.%s", wm->tables[i].schema, wm->tables[i].name);
    return am_buf_steal(&b, NULL);
}

static bool build_model(proxy_t *p, const lake_watermark_t *wm, proxy_pgcat_t **out, am_err_t *err)
{
    *out = NULL;
    if (!wm->catalog)
        return true;
    am_buf_t doc;
    am_buf_init(&doc);
    bool ok = lake_catalog_read(p->warehouse, wm->catalog, &doc, err);
    proxy_pgcat_t *cat = ok ? proxy__pgcat_parse(doc.data ? doc.data : "", doc.len, err) : NULL;
    am_buf_destroy(&doc);
    if (!cat)
        return false;
    for (size_t i = 0; i < wm->n_tables; i++)
        if (!proxy__pgcat_serve(cat, wm->tables[i].schema, wm->tables[i].name))
            am_log_warn("proxy", "mirrored table missing from the catalog",
                        AM_KV_STR("schema", wm->tables[i].schema),
                        AM_KV_STR("table", wm->tables[i].name));
    *out = cat;
    return true;
}

/* One column of a view: the lake's value in the DuckDB representation of its PostgreSQL
 * type. Text-held values (intervals, enums, and arrays or uuids of tables written before
 * those had their own storage) are read with the type's input. */
static void view_col(const proxy_pgcat_t *cat, const proxy_pgcol_t *pc, const lake_read_cols_t *all,
                     const lake_column_t *lc, am_buf_t *b)
{
    proxy_pgtype_ref_t t = {pc->type_oid, pc->typmod};
    am_buf_t repr;
    am_buf_init(&repr);
    proxy__pgtype_duck(cat, t, &repr);
    am_buf_t x;
    am_buf_init(&x);
    am_buf_puts(&x, "q.");
    if (lc)
        lake_phys_name(all->cols, all->n, (size_t)(lc - all->cols), &x);
    char tmp[64];
    if (lc)
        lake_type_duckdb(lc->type, tmp, sizeof tmp);
    const char *from = lc ? tmp : NULL;
    if (!lc)
        am_buf_printf(b, "CAST(NULL AS %s)", repr.data);
    else if (strcmp(from, repr.data) == 0)
        am_buf_puts(b, x.data);
    else if (strcmp(from, "VARCHAR") == 0 && strcmp(repr.data, "INTERVAL") == 0)
        am_buf_printf(b, "am_interval_in(%s, 'postgres')", x.data);
    else if (strcmp(from, "VARCHAR") == 0 && repr.len > 2 &&
             strcmp(repr.data + repr.len - 2, "[]") == 0)
        am_buf_printf(b, "list_transform(am_array_in(%s), am_e -> CAST(am_e AS %.*s))", x.data,
                      (int)repr.len - 2, repr.data);
    else
        am_buf_printf(b, "CAST(%s AS %s)", x.data, repr.data);
    am_buf_destroy(&repr);
    am_buf_destroy(&x);
}

static const lake_column_t *lake_col(const lake_read_cols_t *lc, const char *name)
{
    for (size_t i = 0; i < lc->n; i++)
        if (strcmp(lc->cols[i].name, name) == 0)
            return &lc->cols[i];
    return NULL;
}

/* The view's DDL into script and its select list (what its binding depends on besides the
 * files) into sel. */
static bool view_ddl(proxy_t *p, const proxy_pgcat_t *cat, const lake_watermark_table_t *t,
                     am_buf_t *script, am_buf_t *sel, am_buf_t *stats, am_err_t *err)
{
    const proxy_pgrel_t *rel = proxy__pgcat_rel_find(cat, t->schema, t->name);
    if (!rel)
        return true; /* warned when the model was built */
    am_buf_t plan;
    am_buf_init(&plan);
    lake_read_cols_t lc = {0};
    if (!lake_read_plan_at(p->warehouse, t->location, t->snapshot_id, &plan, &lc, err)) {
        am_err_prefix(err, "proxy: view %s.%s", t->schema, t->name);
        am_buf_destroy(&plan);
        return false;
    }
    for (size_t i = 0; i < rel->n_cols; i++) {
        am_buf_puts(sel, i ? ", " : "");
        view_col(cat, &rel->cols[i], &lc, lake_col(&lc, rel->cols[i].name), sel);
        am_buf_printf(sel, " AS c%d", rel->cols[i].attnum);
    }
    if (rel->n_cols == 0)
        am_buf_puts(sel, "NULL AS am_none");
    am_buf_printf(script, "CREATE OR REPLACE VIEW am_data.\"t%u\" AS SELECT %s FROM (%s) AS q;\n",
                  rel->oid, sel->data, plan.data ? plan.data : "SELECT 1 WHERE false");
    /* the snapshot's size: pg_stat_user_tables.n_live_tup, pg_relation_size() */
    am_buf_printf(stats, "%s(%u, %lld, %lld)", stats->len ? ", " : "", rel->oid,
                  (long long)lc.live_rows, (long long)lc.bytes);
    lake_read_cols_destroy(&lc);
    am_buf_destroy(&plan);
    return true;
}

/* DROP VIEW for relations the new catalog no longer serves. */
static void drop_gone(const proxy_t *p, const proxy_pgcat_t *cat, am_buf_t *b)
{
    for (size_t i = 0; i < p->n_views; i++) {
        uint32_t oid = (uint32_t)strtoul(p->view_names[i], NULL, 10);
        const proxy_pgrel_t *r = cat ? proxy__pgcat_rel(cat, oid) : NULL;
        if (!r || r->served != PROXY_REL_MIRRORED)
            am_buf_printf(b, "DROP VIEW IF EXISTS am_data.\"t%u\";\n", oid);
    }
}

static void remember_views(proxy_t *p, const proxy_pgcat_t *cat)
{
    for (size_t i = 0; i < p->n_views; i++)
        free(p->view_names[i]);
    free(p->view_names);
    size_t n = cat ? proxy__pgcat_n_rels(cat) : 0, k = 0;
    p->view_names = am_xcalloc(n + 1, sizeof *p->view_names);
    for (size_t i = 0; i < n; i++) {
        const proxy_pgrel_t *r = proxy__pgcat_rel_at(cat, i);
        if (r->served == PROXY_REL_MIRRORED)
            p->view_names[k++] = am_xasprintf("%u", r->oid);
    }
    p->n_views = k;
}

/* A view DuckDB cannot bind (a type the server cannot read yet) must not take every other
 * table down: its relation is left unserved, with a warning naming it. */
static bool view_binds(duckdb_connection con, const char *ddl, am_err_t *err)
{
    const char *sel = strstr(ddl, " AS SELECT ");
    if (!sel)
        return true;
    duckdb_prepared_statement ps = NULL;
    bool ok = duckdb_prepare(con, sel + 4, &ps) == DuckDBSuccess;
    if (!ok)
        proxy__duck_error(err, DUCKDB_ERROR_INVALID, duckdb_prepare_error(ps));
    duckdb_destroy_prepare(&ps);
    return ok;
}

/* What a view was last written for: a table whose snapshot and relation are unchanged keeps
 * its view (planning reads every manifest of the table) and its size figures; one whose
 * select list is unchanged too is not bound on its own first (only its files changed). */
struct proxy_viewstate {
    char *schema, *name;
    int64_t snapshot;
    uint32_t relid;
    char *stats;
    char *select;
};

typedef struct vstates {
    struct proxy_viewstate *v;
    size_t n;
} vstates_t;

static void vstates_free(struct proxy_viewstate *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].schema);
        free(v[i].name);
        free(v[i].stats);
        free(v[i].select);
    }
    free(v);
}

/* The table's view state for relid (at any snapshot), or NULL. */
static const struct proxy_viewstate *vstate_find(const proxy_t *p, const lake_watermark_table_t *t,
                                                 uint32_t relid)
{
    for (size_t i = 0; i < p->n_vstates; i++) {
        const struct proxy_viewstate *v = &p->vstates[i];
        if (!strcmp(v->schema, t->schema) && !strcmp(v->name, t->name) && v->relid == relid)
            return v;
    }
    return NULL;
}

static void vstate_add(vstates_t *out, const lake_watermark_table_t *t, uint32_t relid,
                       const char *stats, const char *select)
{
    out->v = am_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
    struct proxy_viewstate *v = &out->v[out->n++];
    v->schema = am_xstrdup(t->schema);
    v->name = am_xstrdup(t->name);
    v->snapshot = t->snapshot_id;
    v->relid = relid;
    v->stats = am_xstrdup(stats);
    v->select = select ? am_xstrdup(select) : NULL;
}

/* Every mirrored table's view; one whose SELECT does not bind is left out (a new model marks
 * its relation unserved; an old model keeps the view it had). Only tables whose snapshot
 * changed are planned again, unless the catalog is new. A view whose select list is the one
 * that bound last time is not bound alone first unless bind_all (the script failed without). */
static bool views(proxy_t *p, proxy_pgcat_t *cat, bool new_cat, bool bind_all,
                  const lake_watermark_t *wm, am_buf_t *script, vstates_t *states, am_err_t *err)
{
    duckdb_connection con;
    if (duckdb_connect(p->db, &con) != DuckDBSuccess)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot connect");
    am_buf_t one, sel, stats, st1;
    am_buf_init(&one);
    am_buf_init(&sel);
    am_buf_init(&stats);
    am_buf_init(&st1);
    bool ok = true;
    for (size_t i = 0; ok && cat && i < wm->n_tables; i++) {
        am_buf_reset(&one);
        am_buf_reset(&sel);
        am_buf_reset(&st1);
        const proxy_pgrel_t *rel =
            proxy__pgcat_rel_find(cat, wm->tables[i].schema, wm->tables[i].name);
        const struct proxy_viewstate *prev =
            !new_cat && rel ? vstate_find(p, &wm->tables[i], rel->oid) : NULL;
        if (prev && prev->snapshot == wm->tables[i].snapshot_id) {
            am_buf_printf(&stats, "%s%s", stats.len ? ", " : "", prev->stats);
            vstate_add(states, &wm->tables[i], rel->oid, prev->stats, prev->select);
            continue;
        }
        ok = view_ddl(p, cat, &wm->tables[i], &one, &sel, &st1, err);
        bool bound_before =
            !bind_all && prev && prev->select && sel.data && strcmp(prev->select, sel.data) == 0;
        am_err_t verr = {0};
        if (ok && one.len && !bound_before && !view_binds(con, one.data, &verr)) {
            am_log_warn("proxy", "table not served: its view does not bind",
                        AM_KV_STR("schema", wm->tables[i].schema),
                        AM_KV_STR("table", wm->tables[i].name), AM_KV_ERR(&verr));
            if (new_cat)
                proxy__pgcat_unserve(cat, wm->tables[i].schema, wm->tables[i].name);
            continue;
        }
        if (ok && one.len) {
            am_buf_append(script, one.data, one.len);
            am_buf_printf(&stats, "%s%s", stats.len ? ", " : "", st1.data ? st1.data : "");
            vstate_add(states, &wm->tables[i], rel ? rel->oid : 0, st1.data ? st1.data : "",
                       sel.data);
        }
    }
    if (ok && stats.len)
        am_buf_printf(script,
                      "DELETE FROM am_data.am_stats; INSERT INTO am_data.am_stats VALUES %s;\n",
                      stats.data);
    am_buf_destroy(&one);
    am_buf_destroy(&sel);
    am_buf_destroy(&stats);
    am_buf_destroy(&st1);
    duckdb_disconnect(&con);
    return ok;
}

static bool run_tx(proxy_t *p, bool (*fn)(void *, duckdb_connection, am_err_t *), void *ud,
                   am_err_t *err)
{
    duckdb_connection con;
    if (duckdb_connect(p->db, &con) != DuckDBSuccess)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot connect");
    bool ok = proxy__duck_exec(con, "BEGIN TRANSACTION", err) && fn(ud, con, err) &&
              proxy__duck_exec(con, "COMMIT", err);
    if (!ok) {
        am_err_t rb = {0};
        if (!proxy__duck_exec(con, "ROLLBACK", &rb))
            am_log_debug("proxy", "rollback after a failed swap", AM_KV_ERR(&rb));
    }
    duckdb_disconnect(&con);
    return ok;
}

static bool load_catalog(void *ud, duckdb_connection con, am_err_t *err)
{
    const proxy_pgcat_t *cat = ud;
    return proxy__pgcat_duck_load(cat, con, err) && proxy__pgcat_macros(cat, con, err);
}

static bool run_script(void *ud, duckdb_connection con, am_err_t *err)
{
    const am_buf_t *script = ud;
    return !script->len || proxy__duck_exec(con, script->data, err);
}

/* The catalog's tables (when new) in one transaction, then every view and drop in another:
 * a query sees all tables at one watermark; the catalog may lead its views by a moment. */
static bool swap_views(proxy_t *p, proxy_pgcat_t *cat, bool new_cat, bool bind_all,
                       const lake_watermark_t *wm, am_buf_t *script, vstates_t *states,
                       am_err_t *err)
{
    if (!views(p, cat, new_cat, bind_all, wm, script, states, err))
        return false;
    drop_gone(p, cat, script);
    return run_tx(p, run_script, script, err);
}

static bool apply(proxy_t *p, proxy_pgcat_t *cat, bool new_cat, const lake_watermark_t *wm,
                  am_err_t *err)
{
    bool ok = true;
    am_buf_t script;
    am_buf_init(&script);
    vstates_t states = {0};
    am_err_t first = {0};
    if (ok && !swap_views(p, cat, new_cat, false, wm, &script, &states, &first)) {
        /* a view not bound alone (its select list bound before) may be what failed: bind
         * each alone, so that only a table that cannot bind is left out */
        am_log_debug("proxy", "views failed as a whole; binding each", AM_KV_ERR(&first));
        vstates_free(states.v, states.n);
        states = (vstates_t){0};
        am_buf_reset(&script);
        ok = swap_views(p, cat, new_cat, true, wm, &script, &states, err);
    }
    if (ok) { /* the views DuckDB now has */
        vstates_free(p->vstates, p->n_vstates);
        p->vstates = states.v;
        p->n_vstates = states.n;
    } else {
        vstates_free(states.v, states.n);
        am_err_prefix(err, "proxy: swapping views");
    }
    am_buf_destroy(&script);
    return ok;
}

/* When the watermark now has the model msig, it replaces *wm (and *sig). */
static void newer_watermark(const proxy_t *p, const char *msig, lake_watermark_t *wm, char **sig)
{
    lake_watermark_t now;
    memset(&now, 0, sizeof now);
    bool found = false;
    am_err_t e = {0};
    char *nsig = NULL;
    if (lake_watermark_read(p->warehouse, &now, &found, &e) && found) {
        nsig = model_signature(&now);
        if (strcmp(nsig, msig) == 0) {
            lake_watermark_destroy(wm);
            *wm = now;
            memset(&now, 0, sizeof now);
            free(*sig);
            *sig = wm_signature(wm);
        }
    }
    free(nsig);
    lake_watermark_destroy(&now);
}

static bool refresh_locked(proxy_t *p, am_err_t *err)
{
    lake_watermark_t wm;
    bool found = false;
    memset(&wm, 0, sizeof wm);
    if (!lake_watermark_read(p->warehouse, &wm, &found, err))
        return false;
    char *sig = found ? wm_signature(&wm) : NULL;
    bool ok = true;
    if (found && (!p->applied_wm || strcmp(sig, p->applied_wm) != 0)) {
        char *msig = model_signature(&wm);
        bool new_cat = !p->applied_catalog || strcmp(msig, p->applied_catalog) != 0;
        proxy_pgcat_t *cat = NULL;
        if (new_cat)
            ok = build_model(p, &wm, &cat, err);
        else
            cat = proxy__catalog_current(p);
        if (ok) { /* odd while the views change: a statement kept from before waits (stmtcache.c) */
            atomic_fetch_add(&p->views_gen, 1);
            if (new_cat && cat) {
                ok = run_tx(p, load_catalog, cat, err);
                /* loading the catalog takes seconds on a slow start, in which the writer may
                 * commit and expire the snapshots wm names: plan the views at the watermark
                 * of now, when it still has this catalog and table set */
                if (ok)
                    newer_watermark(p, msig, &wm, &sig);
            }
            ok = ok && apply(p, cat, new_cat, &wm, err);
            atomic_fetch_add(&p->views_gen, 1);
        }
        if (ok) {
            remember_views(p, cat);
            pthread_mutex_lock(&p->cat_lock);
            proxy_pgcat_t *old = p->cat;
            p->cat = cat ? proxy__pgcat_ref(cat) : NULL;
            pthread_mutex_unlock(&p->cat_lock);
            proxy__pgcat_unref(old);
            free(p->applied_wm);
            p->applied_wm = sig;
            sig = NULL;
            free(p->applied_catalog);
            p->applied_catalog = msig;
            msig = NULL;
            atomic_store(&p->visible_lsn, wm.lsn);
            char lsn[32];
            am_log_info("proxy", "views refreshed", AM_KV_I64("tables", wm.n_tables),
                        AM_KV_STR("lsn", am_lsn_format(wm.lsn, lsn, sizeof lsn)),
                        AM_KV_STR("catalog", wm.catalog ? wm.catalog : "none"));
        }
        proxy__pgcat_unref(cat);
        free(msig);
    }
    free(sig);
    lake_watermark_destroy(&wm);
    return ok;
}

bool proxy__catalog_refresh(proxy_t *p, am_err_t *err)
{
    pthread_mutex_lock(&p->refresh_lock);
    bool ok = refresh_locked(p, err);
    pthread_mutex_unlock(&p->refresh_lock);
    return ok;
}

/* The watermark's signature now; NULL when there is none or it cannot be read. */
static char *wm_now(const proxy_t *p)
{
    lake_watermark_t wm;
    memset(&wm, 0, sizeof wm);
    bool found = false;
    am_err_t e = {0};
    char *sig =
        lake_watermark_read(p->warehouse, &wm, &found, &e) && found ? wm_signature(&wm) : NULL;
    lake_watermark_destroy(&wm);
    return sig;
}

bool proxy__catalog_refresh_first(proxy_t *p, am_err_t *err)
{
    for (int attempt = 1;; attempt++) {
        char *before = wm_now(p);
        bool ok = proxy__catalog_refresh(p, err);
        char *after = ok ? NULL : wm_now(p);
        bool moved = before && after && strcmp(before, after) != 0;
        free(before);
        free(after);
        if (ok || !moved || attempt == FIRST_REFRESH_TRIES)
            return ok;
        am_log_info("proxy", "the watermark moved on during the first view refresh; again",
                    AM_KV_ERR(err), AM_KV_I64("attempt", attempt));
        *err = (am_err_t){0};
    }
}
