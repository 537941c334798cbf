/*
 * tests/proxy/proxy_test.h: helpers the proxy tests share (header-only: the test build
 * compiles only tests/<module>/test_*.c). A proxy on an ephemeral port over a temp
 * warehouse, libpq connections to it, one-value queries; a source database mirrored into a
 * warehouse as the writer does it (pt_mirror_*); results compared with PostgreSQL's own.
 */
#ifndef AM_PROXY_TEST_H
#define AM_PROXY_TEST_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lake/lake.h"
#include "proxy/proxy.h"
#include "source/source.h"
#include "../support/testlib.h"

#define PT_UNUSED __attribute__((unused))
#define PT_USER "reader"
#define PT_PASSWORD "s3cret pw"
#define PT_DB "mirror"

typedef struct pt_proxy {
    proxy_t *p;
    char *warehouse;
    bool own_warehouse; /* pt_stop removes it */
    const char *user;   /* who may log in (borrowed) */
    const char *password;
    const char *database;
} pt_proxy_t;

static PT_UNUSED pt_proxy_t pt_start_on(const char *warehouse, const char *user,
                                        const char *password, const char *database, int max_clients)
{
    pt_proxy_t t = {
        .warehouse = strdup(warehouse), .user = user, .password = password, .database = database};
    proxy_options_t o = {.listen_host = "127.0.0.1",
                         .port = 0,
                         .user = user,
                         .password = password,
                         .database = database,
                         .warehouse = warehouse,
                         .max_clients = max_clients};
    am_err_t err = {0};
    t.p = proxy_start(&o, &err);
    cr_assert_not_null(t.p, "proxy_start: %s %s", err.sqlstate, err.msg);
    cr_assert_gt(proxy_port(t.p), 0);
    return t;
}

/* A proxy over an empty temp warehouse: no watermark, so no catalog and no tables. */
static PT_UNUSED pt_proxy_t pt_start_max(const char *test, int max_clients)
{
    char *wh = amt_tmpdir(test);
    pt_proxy_t t = pt_start_on(wh, PT_USER, PT_PASSWORD, PT_DB, max_clients);
    t.own_warehouse = true;
    free(wh);
    return t;
}

static PT_UNUSED pt_proxy_t pt_start(const char *test)
{
    return pt_start_max(test, 0);
}

static PT_UNUSED void pt_stop(pt_proxy_t *t)
{
    proxy_stop(t->p);
    t->p = NULL;
    am_err_t err = {0};
    if (t->own_warehouse)
        cr_assert(am_remove_tree(t->warehouse, &err), "%s", err.msg);
    free(t->warehouse);
    t->warehouse = NULL;
}

/* conninfo for the proxy; extra is appended ("" for none). Caller frees. */
static PT_UNUSED char *pt_conninfo(const pt_proxy_t *t, const char *extra)
{
    char *ci = NULL;
    if (asprintf(&ci,
                 "host=127.0.0.1 port=%d user=%s password='%s' dbname=%s sslmode=prefer "
                 "connect_timeout=10 %s",
                 proxy_port(t->p), t->user, t->password, t->database, extra) < 0)
        cr_assert_fail("out of memory");
    return ci;
}

static PT_UNUSED PGconn *pt_connect_extra(const pt_proxy_t *t, const char *extra)
{
    char *ci = pt_conninfo(t, extra);
    PGconn *c = PQconnectdb(ci);
    free(ci);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "connect to proxy: %s", PQerrorMessage(c));
    return c;
}

static PT_UNUSED PGconn *pt_connect(const pt_proxy_t *t)
{
    return pt_connect_extra(t, "");
}

/* Runs sql that must return rows or a command; first value of the first row (caller frees). */
static PT_UNUSED char *pt_value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        cr_assert_fail("proxy query failed: %s\n  %s", sql, PQerrorMessage(c));
    char *v = NULL;
    if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static PT_UNUSED void pt_expect_value(PGconn *c, const char *sql, const char *want)
{
    char *v = pt_value(c, sql);
    cr_expect_str_eq(v ? v : "(null)", want, "%s -> %s, want %s", sql, v ? v : "(null)", want);
    free(v);
}

/* Runs sql that must succeed (a command, or rows that are ignored). */
static PT_UNUSED void pt_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    cr_expect(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s %s", sql, PQresStatus(st),
              PQerrorMessage(c));
    PQclear(r);
}

/* Runs sql that must fail with sqlstate. */
static PT_UNUSED void pt_expect_error(PGconn *c, const char *sql, const char *sqlstate)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    const char *got = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    cr_expect(st == PGRES_FATAL_ERROR && got && strcmp(got, sqlstate) == 0,
              "%s: want error %s, got status %s sqlstate %s: %s", sql, sqlstate, PQresStatus(st),
              got ? got : "-", PQerrorMessage(c));
    PQclear(r);
}

/* ---- the truth: the same statement on the suite's PostgreSQL ------------------------------- */

/* A connection to db on the test server with the session defaults the proxy reports:
 * PostgreSQL's own, but read-only, and TimeZone (which follows the server's machine) UTC. */
static PT_UNUSED PGconn *pt_pg_connect(const char *db)
{
    PGconn *c = amt_pg_connect(db);
    amt_pg_exec(c, "SET TimeZone = 'Etc/UTC'; SET default_transaction_read_only = on");
    return c;
}

static PT_UNUSED const char *pt_field(const PGresult *r, int field)
{
    const char *v = PQresultErrorField(r, field);
    return v ? v : "";
}

static PT_UNUSED void pt_expect_same_columns(const char *what, PGresult *px, PGresult *pg)
{
    for (int f = 0; f < PQnfields(px); f++) {
        cr_expect_str_eq(PQfname(px, f), PQfname(pg, f), "%s: column %d named %s, PostgreSQL %s",
                         what, f, PQfname(px, f), PQfname(pg, f));
        cr_expect_eq(PQftype(px, f), PQftype(pg, f), "%s: column %s type %u, PostgreSQL %u", what,
                     PQfname(pg, f), PQftype(px, f), PQftype(pg, f));
        cr_expect_eq(PQfmod(px, f), PQfmod(pg, f), "%s: column %s typmod %d, PostgreSQL %d", what,
                     PQfname(pg, f), PQfmod(px, f), PQfmod(pg, f));
        cr_expect_eq(PQfformat(px, f), PQfformat(pg, f), "%s: column %s format %d, PostgreSQL %d",
                     what, PQfname(pg, f), PQfformat(px, f), PQfformat(pg, f));
    }
}

static PT_UNUSED void pt_expect_same_rows(const char *what, PGresult *px, PGresult *pg)
{
    int nr = PQntuples(px);
    cr_expect_eq(nr, PQntuples(pg), "%s: %d rows, PostgreSQL %d", what, nr, PQntuples(pg));
    for (int r = 0; r < nr && r < PQntuples(pg); r++) {
        for (int f = 0; f < PQnfields(px); f++) {
            bool xn = PQgetisnull(px, r, f), gn = PQgetisnull(pg, r, f);
            int xl = PQgetlength(px, r, f), gl = PQgetlength(pg, r, f);
            bool same = xn == gn && xl == gl &&
                        memcmp(PQgetvalue(px, r, f), PQgetvalue(pg, r, f), (size_t)xl) == 0;
            cr_expect(same, "%s: row %d column %s: %s, PostgreSQL %s", what, r, PQfname(pg, f),
                      xn ? "NULL" : PQgetvalue(px, r, f), gn ? "NULL" : PQgetvalue(pg, r, f));
        }
    }
}

/* Two results of what: same status; for errors the same SQLSTATE and message; else the same
 * command tag, columns (names, type OIDs, typmods, formats) and rows (bytes and NULLs). */
static PT_UNUSED void pt_expect_same_result(const char *what, PGresult *px, PGresult *pg)
{
    ExecStatusType a = PQresultStatus(px), b = PQresultStatus(pg);
    cr_expect_eq(a, b, "%s: status %s (%s), PostgreSQL %s (%s)", what, PQresStatus(a),
                 PQresultErrorMessage(px), PQresStatus(b), PQresultErrorMessage(pg));
    if (a != b)
        return;
    if (a == PGRES_FATAL_ERROR) {
        cr_expect_str_eq(pt_field(px, PG_DIAG_SQLSTATE), pt_field(pg, PG_DIAG_SQLSTATE),
                         "%s: SQLSTATE %s, PostgreSQL %s", what, pt_field(px, PG_DIAG_SQLSTATE),
                         pt_field(pg, PG_DIAG_SQLSTATE));
        cr_expect_str_eq(
            pt_field(px, PG_DIAG_MESSAGE_PRIMARY), pt_field(pg, PG_DIAG_MESSAGE_PRIMARY),
            "%s: message \"%s\", PostgreSQL \"%s\"", what, pt_field(px, PG_DIAG_MESSAGE_PRIMARY),
            pt_field(pg, PG_DIAG_MESSAGE_PRIMARY));
        return;
    }
    cr_expect_str_eq(PQcmdStatus(px), PQcmdStatus(pg), "%s: tag %s, PostgreSQL %s", what,
                     PQcmdStatus(px), PQcmdStatus(pg));
    cr_expect_eq(PQnfields(px), PQnfields(pg), "%s: %d columns, PostgreSQL %d", what, PQnfields(px),
                 PQnfields(pg));
    if (PQnfields(px) != PQnfields(pg))
        return;
    pt_expect_same_columns(what, px, pg);
    pt_expect_same_rows(what, px, pg);
}

/* sql (simple protocol) on the proxy and on PostgreSQL gives the same result. */
static PT_UNUSED void pt_expect_same(PGconn *px, PGconn *pg, const char *sql)
{
    PGresult *a = PQexec(px, sql), *b = PQexec(pg, sql);
    pt_expect_same_result(sql, a, b);
    PQclear(a);
    PQclear(b);
}

/* sql through the extended protocol (text parameters, results in format) on both. */
static PT_UNUSED void pt_expect_same_params(PGconn *px, PGconn *pg, const char *sql, int n_params,
                                            const char *const *values, int format)
{
    PGresult *a = PQexecParams(px, sql, n_params, NULL, values, NULL, NULL, format);
    PGresult *b = PQexecParams(pg, sql, n_params, NULL, values, NULL, NULL, format);
    pt_expect_same_result(sql, a, b);
    PQclear(a);
    PQclear(b);
}

/* ---- a mirrored source database ------------------------------------------------------------ */

/*
 * A fresh source database db, its tables copied into a temp warehouse the way the writer
 * (src/mirror) does it: the catalog captured by source_catalog_capture and published by
 * lake_catalog_write; one lake table per mirrored relation, created from source_describe
 * (each column's PostgreSQL type in its doc, as mirror/table.c records it), filled with the
 * rows as PostgreSQL prints them under the source's forced settings and read by
 * source_column_parse; then a watermark naming every table's snapshot and the catalog.
 */
typedef struct pt_mirror {
    char *db;
    char *warehouse;
    source_t *src;
    lake_t *lake;
    PGconn *pg;    /* SQL on db with the settings the source forces on its connections */
    char *catalog; /* the catalog file the watermarks name */
    size_t n_tables;
    source_table_ref_t *tables;
    source_relation_t **rels;
    lake_table_t **lts;
    am_lsn_t lsn; /* the last watermark's */
} pt_mirror_t;

static PT_UNUSED am_lsn_t pt_mirror_wal_lsn(pt_mirror_t *m)
{
    char *v = amt_pg_value(m->pg, "SELECT pg_current_wal_lsn()");
    am_lsn_t lsn = 0;
    cr_assert(v && am_lsn_parse(v, &lsn), "pg_current_wal_lsn: %s", v ? v : "NULL");
    free(v);
    return lsn;
}

/* Captures the source's catalog now and publishes it; the next watermark names it. */
static PT_UNUSED void pt_mirror_capture(pt_mirror_t *m)
{
    am_buf_t doc;
    am_buf_init(&doc);
    am_err_t err = {0};
    cr_assert(source_catalog_capture(m->src, &doc, &err), "catalog capture: %s %s", err.sqlstate,
              err.msg);
    char *name = NULL;
    cr_assert(lake_catalog_write(m->lake, doc.data, doc.len, &name, &err), "catalog write: %s",
              err.msg);
    am_buf_destroy(&doc);
    free(m->catalog);
    m->catalog = name;
}

/* One table's rows as the source reads them now, in one lake commit recording lsn: a
 * TRUNCATE of what the lake held, then every row (how the writer applies a source TRUNCATE
 * followed by inserts). */
static PT_UNUSED void pt_mirror_copy_table(pt_mirror_t *m, size_t i, am_lsn_t lsn)
{
    const source_relation_t *rel = m->rels[i];
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "SELECT ");
    for (size_t c = 0; c < rel->n_cols; c++) {
        am_buf_puts(&sql, c ? ", " : "");
        am_sql_ident(&sql, rel->cols[c].name);
    }
    am_buf_puts(&sql, " FROM ");
    am_sql_ident(&sql, rel->schema);
    am_buf_puts(&sql, ".");
    am_sql_ident(&sql, rel->name);
    PGresult *res = PQexec(m->pg, sql.data);
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s: %s", sql.data, PQerrorMessage(m->pg));
    am_buf_destroy(&sql);
    lake_batch_t *b = lake_batch_new(m->lts[i]);
    lake_batch_truncate(b);
    am_arena_t *arena = am_arena_new(64 * 1024);
    am_value_t *vals = calloc(rel->n_cols ? rel->n_cols : 1, sizeof *vals);
    am_err_t err = {0};
    for (int r = 0; r < PQntuples(res); r++) {
        for (size_t c = 0; c < rel->n_cols; c++) {
            vals[c] = (am_value_t){.kind = AM_VALUE_NULL};
            if (PQgetisnull(res, r, (int)c))
                continue;
            const char *text = PQgetvalue(res, r, (int)c);
            cr_assert(source_column_parse(&rel->cols[c], text, strlen(text), arena, &vals[c], &err),
                      "%s.%s row %d: %s", rel->name, rel->cols[c].name, r, err.msg);
        }
        lake_pos_t pos;
        cr_assert(lake_batch_append(b, vals, &pos, &err), "append to %s: %s", rel->name, err.msg);
        am_arena_reset(arena);
    }
    cr_assert(lake_batch_commit(b, lsn, &err), "commit %s: %s", rel->name, err.msg);
    lake_batch_free(b);
    free(vals);
    am_arena_free(arena);
    PQclear(res);
}

/* Copies every table again and writes a watermark at the source's current WAL position. */
static PT_UNUSED void pt_mirror_sync(pt_mirror_t *m)
{
    am_lsn_t lsn = pt_mirror_wal_lsn(m);
    lake_watermark_table_t *wt = calloc(m->n_tables ? m->n_tables : 1, sizeof *wt);
    for (size_t i = 0; i < m->n_tables; i++) {
        pt_mirror_copy_table(m, i, lsn);
        wt[i] = (lake_watermark_table_t){.schema = (char *)m->tables[i].schema,
                                         .name = (char *)m->tables[i].name,
                                         .snapshot_id = lake_table_snapshot_id(m->lts[i])};
    }
    lake_watermark_t wm = {.lsn = lsn,
                           .written_at_ms = am_now_us() / 1000,
                           .tables = wt,
                           .n_tables = m->n_tables,
                           .catalog = m->catalog};
    am_err_t err = {0};
    cr_assert(lake_watermark_write(m->lake, &wm, &err), "watermark: %s", err.msg);
    free(wt);
    m->lsn = lsn;
}

/* The lake table for rel, columns as mirror/copy.c creates them. */
static PT_UNUSED lake_table_t *pt_mirror_create_table(pt_mirror_t *m, const source_relation_t *rel)
{
    lake_column_t *cols = calloc(rel->n_cols ? rel->n_cols : 1, sizeof *cols);
    char **docs = calloc(rel->n_cols ? rel->n_cols : 1, sizeof *docs);
    for (size_t c = 0; c < rel->n_cols; c++) {
        const source_column_t *sc = &rel->cols[c];
        if (sc->pg_type &&
            asprintf(&docs[c], "pg:%u:%d:%s", sc->type_oid, sc->typmod, sc->pg_type) < 0)
            cr_assert_fail("out of memory");
        cols[c] = (lake_column_t){.name = sc->name,
                                  .type = sc->type,
                                  .required = sc->not_null,
                                  .is_key = sc->is_key,
                                  .doc = docs[c]};
    }
    am_err_t err = {0};
    lake_table_t *lt = lake_table_create(m->lake, rel->schema, rel->name, cols, rel->n_cols, &err);
    cr_assert_not_null(lt, "lake_table_create %s.%s: %s", rel->schema, rel->name, err.msg);
    for (size_t c = 0; c < rel->n_cols; c++)
        free(docs[c]);
    free(docs);
    free(cols);
    return lt;
}

/* Creates database db, runs setup_sql in it (DDL and DML), and mirrors tables (schema and
 * name strings must outlive the mirror). Close with pt_mirror_close. */
static PT_UNUSED pt_mirror_t pt_mirror_open(const char *db, const char *setup_sql,
                                            const source_table_ref_t *tables, size_t n_tables)
{
    pt_mirror_t m = {.db = strdup(db), .warehouse = amt_tmpdir(db), .n_tables = n_tables};
    amt_create_db(db);
    m.pg = amt_pg_connect(db);
    amt_pg_exec(m.pg, "%s", setup_sql);
    amt_pg_exec(m.pg, "SET DateStyle = ISO; SET IntervalStyle = postgres; SET TimeZone = 'UTC';"
                      " SET extra_float_digits = 3");
    char slot[128], pub[128];
    snprintf(slot, sizeof slot, "%s_slot", db);
    snprintf(pub, sizeof pub, "%s_pub", db);
    source_options_t so = {.host = amt_env("AM_TEST_PGHOST"),
                           .port = atoi(amt_env("AM_TEST_PGPORT")),
                           .user = amt_env("AM_TEST_PGUSER"),
                           .password = amt_env("AM_TEST_PGPASSWORD"),
                           .database = db,
                           .slot = slot,
                           .publication = pub,
                           .tables = tables,
                           .n_tables = n_tables};
    am_err_t err = {0};
    m.src = source_open(&so, &err);
    cr_assert_not_null(m.src, "source_open: %s %s", err.sqlstate, err.msg);
    m.lake = lake_open(m.warehouse, &err);
    cr_assert_not_null(m.lake, "lake_open: %s", err.msg);
    pt_mirror_capture(&m);
    m.tables = calloc(n_tables ? n_tables : 1, sizeof *m.tables);
    m.rels = calloc(n_tables ? n_tables : 1, sizeof *m.rels);
    m.lts = calloc(n_tables ? n_tables : 1, sizeof *m.lts);
    for (size_t i = 0; i < n_tables; i++) {
        m.tables[i] = tables[i];
        m.rels[i] = source_describe(m.src, tables[i].schema, tables[i].name, &err);
        cr_assert_not_null(m.rels[i], "source_describe: %s %s", err.sqlstate, err.msg);
        m.lts[i] = pt_mirror_create_table(&m, m.rels[i]);
    }
    pt_mirror_sync(&m);
    return m;
}

/* Runs sql on the source, then mirrors the tables' new contents in a new watermark. */
static PT_UNUSED void pt_mirror_exec(pt_mirror_t *m, const char *sql)
{
    amt_pg_exec(m->pg, "%s", sql);
    pt_mirror_sync(m);
}

/* A proxy over the mirror's warehouse, serving db to the source's own user (as main.c
 * configures it). Stop it before pt_mirror_close. */
static PT_UNUSED pt_proxy_t pt_start_mirror(const pt_mirror_t *m)
{
    return pt_start_on(m->warehouse, amt_env("AM_TEST_PGUSER"), amt_env("AM_TEST_PGPASSWORD"),
                       m->db, 0);
}

static PT_UNUSED void pt_mirror_close(pt_mirror_t *m)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        lake_table_close(m->lts[i]);
        source_relation_free(m->rels[i]);
    }
    lake_close(m->lake);
    source_close(m->src);
    PQfinish(m->pg);
    am_err_t err = {0};
    cr_expect(am_remove_tree(m->warehouse, &err), "%s", err.msg);
    free(m->lts);
    free(m->rels);
    free(m->tables);
    free(m->catalog);
    free(m->warehouse);
    free(m->db);
    memset(m, 0, sizeof *m);
}

#endif
