/*
 * proxy/catalog.c: the proxy's DuckDB database. Opens it in memory, adds the PostgreSQL
 * compatibility objects DuckDB lacks (version(), pg_get_userbyid(), a pg_class that shows the
 * mirrored tables as tables ...), locks it down (file access only inside the warehouse, no
 * extension installs or loads, configuration locked), and keeps one view per mirrored table
 * in step with the lake watermark: every view of a watermark is swapped in one DuckDB
 * transaction, so a query never mixes two source LSNs.
 * Must not: write to the warehouse, or hold refresh_lock anywhere but around a rebuild.
 */
#include "proxy/proxy_internal.h"

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

/*
 * PostgreSQL functions and catalog relations DuckDB lacks or answers differently. They live
 * in DuckDB's main schema (its pg_catalog is read-only); proxy/sqltext.c strips every
 * "pg_catalog." qualifier so qualified calls reach them too. The reg* types are plain oids
 * here: enough for psql's \d queries to bind (x::regclass::text shows the number).
 */
static const char *const compat_sql[] = {
    "CREATE OR REPLACE MACRO am_version() AS '" PROXY_VERSION_STRING "'",
    "CREATE OR REPLACE MACRO am_current_schema() AS 'public'",
    "CREATE OR REPLACE MACRO am_current_schemas(implicit) AS "
    "CASE WHEN implicit THEN ['pg_catalog', 'public'] ELSE ['public'] END",
    "CREATE OR REPLACE MACRO pg_encoding_to_char(enc) AS 'UTF8'",
    "CREATE OR REPLACE MACRO pg_table_is_visible(rel) AS rel IN (SELECT oid FROM "
    "pg_catalog.pg_class WHERE relnamespace IN (SELECT oid FROM pg_catalog.pg_namespace "
    "WHERE nspname IN ('public', 'pg_catalog')))",
    "CREATE OR REPLACE MACRO pg_get_indexdef(a, b := 0, c := false) AS NULL::VARCHAR",
    "CREATE OR REPLACE MACRO pg_get_expr(expr, rel, pretty := false) AS NULL::VARCHAR",
    "CREATE TYPE regclass AS BIGINT",
    "CREATE TYPE regtype AS BIGINT",
    "CREATE TYPE regnamespace AS BIGINT",
    "CREATE TYPE regproc AS BIGINT",
    "CREATE TYPE regrole AS BIGINT",
    "CREATE OR REPLACE MACRO pg_is_in_recovery() AS false",
    "CREATE OR REPLACE MACRO pg_postmaster_start_time() AS TIMESTAMPTZ '2000-01-01 00:00:00+00'",
    "CREATE OR REPLACE MACRO pg_backend_pid() AS 0",
    "CREATE OR REPLACE VIEW pg_class AS SELECT * REPLACE (CASE WHEN relkind = 'v' AND "
    "relnamespace IN (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname NOT IN "
    "('main', 'pg_catalog', 'information_schema')) THEN 'r' ELSE relkind END AS relkind), "
    "false AS relforcerowsecurity FROM pg_catalog.pg_class",
    "CREATE OR REPLACE VIEW pg_inherits AS SELECT 0::BIGINT AS inhrelid, 0::BIGINT AS inhparent, "
    "0 AS inhseqno, false AS inhdetachpending WHERE false",
    "CREATE OR REPLACE VIEW pg_policy AS SELECT 0::BIGINT AS oid, ''::VARCHAR AS polname, "
    "0::BIGINT AS polrelid, ''::VARCHAR AS polcmd, true AS polpermissive, "
    "[]::BIGINT[] AS polroles, NULL::VARCHAR AS polqual, NULL::VARCHAR AS polwithcheck "
    "WHERE false",
    "CREATE OR REPLACE VIEW pg_statistic_ext AS SELECT 0::BIGINT AS oid, 0::BIGINT AS stxrelid, "
    "''::VARCHAR AS stxname, 0::BIGINT AS stxnamespace, 0::BIGINT AS stxowner, "
    "[]::INTEGER[] AS stxkeys, []::VARCHAR[] AS stxkind, -1 AS stxstattarget WHERE false",
    "CREATE OR REPLACE MACRO pg_get_statisticsobjdef_columns(oid) AS NULL::VARCHAR",
    "CREATE OR REPLACE VIEW pg_collation AS SELECT 0::BIGINT AS oid, ''::VARCHAR AS collname "
    "WHERE false",
    "CREATE OR REPLACE VIEW pg_publication_namespace AS SELECT 0::BIGINT AS oid, "
    "0::BIGINT AS pnpubid, 0::BIGINT AS pnnspid WHERE false",
    "CREATE OR REPLACE VIEW pg_publication_rel AS SELECT 0::BIGINT AS oid, 0::BIGINT AS prpubid, "
    "0::BIGINT AS prrelid, NULL::VARCHAR AS prqual, NULL::SMALLINT[] AS prattrs WHERE false",
    "CREATE OR REPLACE MACRO pg_relation_is_publishable(rel) AS false",
    "CREATE OR REPLACE MACRO array_upper(arr, dim) AS CASE WHEN dim = 1 AND len(arr) > 0 "
    "THEN len(arr) END",
    /* PostgreSQL's spelling of the types (psql's \d shows them); VARCHAR is text here */
    "CREATE OR REPLACE MACRO format_type(t, m) AS CASE pg_catalog.format_type(t, m) "
    "WHEN 'int8' THEN 'bigint' WHEN 'int4' THEN 'integer' WHEN 'int2' THEN 'smallint' "
    "WHEN 'float8' THEN 'double precision' WHEN 'float4' THEN 'real' WHEN 'bool' THEN 'boolean' "
    "WHEN 'varchar' THEN 'text' WHEN 'timestamp' THEN 'timestamp without time zone' "
    "WHEN 'timestamptz' THEN 'timestamp with time zone' WHEN 'time' THEN "
    "'time without time zone' ELSE pg_catalog.format_type(t, m) END",
    "CREATE OR REPLACE VIEW pg_publication AS SELECT 0::BIGINT AS oid, ''::VARCHAR AS pubname, "
    "false AS puballtables WHERE false",
    "CREATE OR REPLACE VIEW pg_trigger AS SELECT 0::BIGINT AS oid, 0::BIGINT AS tgrelid, "
    "''::VARCHAR AS tgname, false AS tgisinternal WHERE false",
};

/* Per-proxy objects: the user and database names are configuration. */
static bool create_compat(proxy_t *p, duckdb_connection con, am_err_t *err)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(compat_sql); i++)
        if (!proxy__duck_exec(con, compat_sql[i], err))
            return false;
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "CREATE OR REPLACE MACRO pg_get_userbyid(id) AS ");
    am_sql_literal(&b, p->user);
    am_buf_puts(&b, "; CREATE OR REPLACE MACRO am_current_database() AS ");
    am_sql_literal(&b, p->database);
    am_buf_puts(&b, "; CREATE OR REPLACE VIEW pg_roles AS SELECT 10::BIGINT AS oid, ");
    am_sql_literal(&b, p->user);
    am_buf_puts(&b, " AS rolname, false AS rolsuper, false AS rolcreatedb, true AS rolcanlogin, "
                    "-1 AS rolconnlimit; CREATE OR REPLACE VIEW pg_user AS SELECT rolname AS "
                    "usename, oid AS usesysid, false AS usesuper FROM pg_roles");
    /* the one database clients can connect to, with the columns psql's \l reads */
    am_buf_puts(&b, "; CREATE OR REPLACE VIEW pg_database AS SELECT 16384::BIGINT AS oid, ");
    am_sql_literal(&b, p->database);
    am_buf_puts(&b, " AS datname, 10::BIGINT AS datdba, 6 AS encoding, 'c' AS datlocprovider, "
                    "false AS datistemplate, true AS datallowconn, -1 AS datconnlimit, "
                    "'C.UTF-8' AS datcollate, 'C.UTF-8' AS datctype, "
                    "NULL::VARCHAR AS daticulocale, NULL::VARCHAR[] AS datacl, "
                    "0::BIGINT AS dattablespace");
    bool ok = proxy__duck_exec(con, b.data, err);
    am_buf_destroy(&b);
    return ok;
}

/* Clients may read the warehouse (through the views) and nothing else on this machine; the
 * session defaults every connection inherits are set here too, before the lock. */
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
    /* PostgreSQL semantics where DuckDB has a switch for them: int / int truncates, NULLs
     * sort as the largest value (last ascending, first descending), unquoted identifiers fold
     * to lower case (SELECT 1 AS Total names the column "total"). Global, before the lock, so
     * every client connection starts with them. */
    am_buf_puts(&b, "]; SET GLOBAL integer_division = true; "
                    "SET GLOBAL default_null_order = 'nulls_last_on_asc_first_on_desc'; "
                    "SET GLOBAL preserve_identifier_case = false; "
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
    ok = proxy__duck_exec(con, "CREATE SCHEMA IF NOT EXISTS public", err) &&
         create_compat(p, con, err) && lock_down(p, con, err);
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
    p->view_names = NULL;
    p->n_views = 0;
    free(p->applied_wm);
    p->applied_wm = NULL;
}

/* ---- views ------------------------------------------------------------------------------- */

static char *wm_signature(const lake_watermark_t *wm)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, AM_LSN_FMT, AM_LSN_ARGS(wm->lsn));
    for (size_t i = 0; i < wm->n_tables; i++)
        am_buf_printf(&b, "|%s.%s=%lld", wm->tables[i].schema, wm->tables[i].name,
                      (long long)wm->tables[i].snapshot_id);
    return am_buf_steal(&b, NULL);
}

/* Unqualified names find public's tables: DuckDB resolves them in main (search_path is a
 * locked setting), so every public table also gets a view of the same name in main. */
static bool aliased(const char *schema, const char *name)
{
    return strcmp(schema, "public") == 0 && strncmp(name, "pg_", 3) != 0;
}

static void view_ddl(am_buf_t *b, const char *schema, const char *name, const char *sql)
{
    am_buf_puts(b, "CREATE SCHEMA IF NOT EXISTS ");
    am_sql_ident(b, schema);
    am_buf_puts(b, ";\nCREATE OR REPLACE VIEW ");
    am_sql_ident(b, schema);
    am_buf_putc(b, '.');
    am_sql_ident(b, name);
    am_buf_printf(b, " AS %s;\n", sql);
    if (aliased(schema, name)) {
        am_buf_puts(b, "CREATE OR REPLACE VIEW main.");
        am_sql_ident(b, name);
        am_buf_puts(b, " AS SELECT * FROM public.");
        am_sql_ident(b, name);
        am_buf_puts(b, ";\n");
    }
}

static bool in_watermark(const lake_watermark_t *wm, const char *schema, const char *name)
{
    for (size_t i = 0; i < wm->n_tables; i++)
        if (!strcmp(wm->tables[i].schema, schema) && !strcmp(wm->tables[i].name, name))
            return true;
    return false;
}

/* DROP VIEW for tables the new watermark no longer names. */
static void drop_gone(const proxy_t *p, const lake_watermark_t *wm, am_buf_t *b)
{
    for (size_t i = 0; i < p->n_views; i++) {
        const char *schema = p->view_names[i], *name = schema + strlen(schema) + 1;
        if (in_watermark(wm, schema, name))
            continue;
        am_buf_puts(b, "DROP VIEW IF EXISTS ");
        am_sql_ident(b, schema);
        am_buf_putc(b, '.');
        am_sql_ident(b, name);
        am_buf_puts(b, ";\n");
        if (aliased(schema, name)) {
            am_buf_puts(b, "DROP VIEW IF EXISTS main.");
            am_sql_ident(b, name);
            am_buf_puts(b, ";\n");
        }
    }
}

static bool build_script(const proxy_t *p, const lake_watermark_t *wm, am_buf_t *script,
                         am_err_t *err)
{
    am_buf_t plan;
    am_buf_init(&plan);
    am_buf_puts(script, "BEGIN TRANSACTION;\n");
    for (size_t i = 0; i < wm->n_tables; i++) {
        const lake_watermark_table_t *t = &wm->tables[i];
        am_buf_reset(&plan);
        if (!lake_read_plan(p->warehouse, t->schema, t->name, t->snapshot_id, &plan, err)) {
            am_err_prefix(err, "proxy: view %s.%s", t->schema, t->name);
            am_buf_destroy(&plan);
            return false;
        }
        view_ddl(script, t->schema, t->name, plan.data ? plan.data : "SELECT 1 WHERE false");
    }
    drop_gone(p, wm, script);
    am_buf_puts(script, "COMMIT;\n");
    am_buf_destroy(&plan);
    return true;
}

static void remember_views(proxy_t *p, const lake_watermark_t *wm, char *sig)
{
    for (size_t i = 0; i < p->n_views; i++)
        free(p->view_names[i]);
    free(p->view_names);
    p->view_names = am_xcalloc(wm->n_tables + 1, sizeof *p->view_names);
    for (size_t i = 0; i < wm->n_tables; i++) {
        size_t ls = strlen(wm->tables[i].schema), ln = strlen(wm->tables[i].name);
        char *v = am_xmalloc(ls + ln + 2);
        memcpy(v, wm->tables[i].schema, ls + 1);
        memcpy(v + ls + 1, wm->tables[i].name, ln + 1);
        p->view_names[i] = v;
    }
    p->n_views = wm->n_tables;
    free(p->applied_wm);
    p->applied_wm = sig;
    atomic_store(&p->visible_lsn, wm->lsn);
}

static bool apply_script(proxy_t *p, const char *script, am_err_t *err)
{
    duckdb_connection con;
    if (duckdb_connect(p->db, &con) != DuckDBSuccess)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: cannot connect");
    bool ok = proxy__duck_exec(con, script, err);
    if (!ok) {
        am_err_t rb = {0};
        if (!proxy__duck_exec(con, "ROLLBACK", &rb))
            am_log_debug("proxy", "rollback after a failed view swap", AM_KV_ERR(&rb));
        am_err_prefix(err, "proxy: swapping views");
    }
    duckdb_disconnect(&con);
    return ok;
}

static bool refresh_locked(proxy_t *p, am_err_t *err)
{
    lake_watermark_t wm;
    bool found = false;
    memset(&wm, 0, sizeof wm);
    if (!lake_watermark_read(p->warehouse, &wm, &found, err))
        return false;
    if (!found) {
        lake_watermark_destroy(&wm);
        return true;
    }
    char *sig = wm_signature(&wm);
    bool ok = true;
    if (!p->applied_wm || strcmp(sig, p->applied_wm) != 0) {
        am_buf_t script;
        am_buf_init(&script);
        ok = build_script(p, &wm, &script, err) && apply_script(p, script.data, err);
        am_buf_destroy(&script);
        if (ok) {
            remember_views(p, &wm, sig);
            sig = NULL;
            char lsn[32];
            am_log_info("proxy", "views refreshed", AM_KV_I64("tables", wm.n_tables),
                        AM_KV_STR("lsn", am_lsn_format(wm.lsn, lsn, sizeof lsn)));
        }
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
