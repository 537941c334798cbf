/*
 * proxy/pgcat_duck.c: the catalog model into DuckDB: one ENUM type per enum of pg_type
 * (main."enum<oid>", labels in enumsortorder order; in main because DuckDB parses no [] after a
 * schema-qualified type name, and an enum array's type names it unqualified), and in schema
 * am_cat one table per relation of the document (am_cat."<schema>.<name>", the "am" ones
 * included), columns typed
 * by proxy__pgtype_duck and filled through the appender (pgcat_value.c converts the text).
 * Runs on the caller's connection inside the caller's transaction: it never begins or ends
 * one, so a failure leaves the caller free to roll everything back.
 */
#include "proxy/pgcat_internal.h"
#include "proxy/proxy_internal.h"

#include <stdlib.h>
#include <string.h>

static bool create_enum(const proxy_pgtype_t *t, duckdb_connection con, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_printf(&sql, "CREATE OR REPLACE TYPE main.\"enum%u\" AS ENUM (", t->oid);
    for (size_t i = 0; i < t->n_enum_labels; i++) {
        if (i)
            am_buf_puts(&sql, ", ");
        am_sql_literal(&sql, t->enum_labels[i]);
    }
    am_buf_putc(&sql, ')');
    bool ok = proxy__duck_exec(con, sql.data, err);
    if (!ok)
        am_err_prefix(err, "catalog: enum type %s (%u)", t->name, t->oid);
    am_buf_destroy(&sql);
    return ok;
}

static void table_name(am_buf_t *b, const proxy_pgcat_frel_t *r)
{
    char *full = am_xasprintf("%s.%s", r->schema, r->name);
    am_buf_puts(b, "am_cat.");
    am_sql_ident(b, full);
    free(full);
}

static bool create_table(const proxy_pgcat_t *cat, const proxy_pgcat_frel_t *r,
                         duckdb_connection con, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "CREATE OR REPLACE TABLE ");
    table_name(&sql, r);
    am_buf_puts(&sql, " (");
    for (size_t i = 0; i < r->n_cols; i++) {
        if (i)
            am_buf_puts(&sql, ", ");
        am_sql_ident(&sql, r->col_names[i]);
        am_buf_putc(&sql, ' ');
        proxy__pgtype_duck(cat, (proxy_pgtype_ref_t){r->col_types[i], r->col_typmods[i]}, &sql);
    }
    am_buf_putc(&sql, ')');
    bool ok = proxy__duck_exec(con, sql.data, err);
    if (!ok)
        am_err_prefix(err, "catalog: table %s.%s", r->schema, r->name);
    am_buf_destroy(&sql);
    return ok;
}

static bool appender_failed(duckdb_appender app, const proxy_pgcat_frel_t *r, am_err_t *err)
{
    duckdb_error_data ed = duckdb_appender_error_data(app);
    const char *msg = ed ? duckdb_error_data_message(ed) : NULL;
    am_err_set(err, AM_SQLSTATE_INTERNAL, "catalog: table %s.%s: duckdb: appender: %s", r->schema,
               r->name, msg ? msg : "unknown error");
    duckdb_destroy_error_data(&ed);
    return false;
}

static bool append_rows(const proxy_pgcat_frel_t *r, duckdb_appender app,
                        const proxy_pgcat_conv_t *conv, am_err_t *err)
{
    am_buf_t scratch;
    am_buf_init(&scratch);
    bool ok = true;
    for (size_t row = 0; ok && row < r->n_rows; row++) {
        for (size_t c = 0; ok && c < r->n_cols; c++) {
            const char *text = r->cells[row * r->n_cols + c];
            const char *why = "";
            if (!proxy__pgcat_append(app, &conv[c], text, &scratch, &why))
                ok = am_err_set(err, PROXY_PGCAT_SQLSTATE,
                                "catalog file: relation %s.%s: row %zu column %s: %s \"%.40s\"",
                                r->schema, r->name, row + 1, r->col_names[c], why,
                                text ? text : "NULL");
        }
        if (ok && duckdb_appender_end_row(app) != DuckDBSuccess)
            ok = appender_failed(app, r, err);
    }
    am_buf_destroy(&scratch);
    return ok;
}

static bool fill_table(const proxy_pgcat_t *cat, const proxy_pgcat_frel_t *r, duckdb_connection con,
                       am_err_t *err)
{
    char *full = am_xasprintf("%s.%s", r->schema, r->name);
    duckdb_appender app = NULL;
    bool ok = duckdb_appender_create(con, "am_cat", full, &app) == DuckDBSuccess;
    free(full);
    if (!ok) {
        appender_failed(app, r, err);
        duckdb_appender_destroy(&app);
        return false;
    }
    proxy_pgcat_conv_t *conv = am_xcalloc(r->n_cols, sizeof *conv);
    for (size_t c = 0; c < r->n_cols; c++)
        proxy__pgcat_conv_init(&conv[c], cat,
                               (proxy_pgtype_ref_t){r->col_types[c], r->col_typmods[c]});
    ok = append_rows(r, app, conv, err);
    if (ok && duckdb_appender_close(app) != DuckDBSuccess)
        ok = appender_failed(app, r, err);
    duckdb_appender_destroy(&app);
    for (size_t c = 0; c < r->n_cols; c++)
        proxy__pgcat_conv_destroy(&conv[c]);
    free(conv);
    return ok;
}

bool proxy__pgcat_duck_load(const proxy_pgcat_t *cat, duckdb_connection con, am_err_t *err)
{
    if (!proxy__duck_exec(con, "CREATE SCHEMA IF NOT EXISTS am_cat", err))
        return false;
    for (size_t i = 0; i < cat->n_types; i++)
        if (cat->types[i].typtype == 'e' && !create_enum(&cat->types[i], con, err))
            return false;
    for (size_t i = 0; i < cat->n_frels; i++) {
        const proxy_pgcat_frel_t *r = &cat->frels[i];
        if (!create_table(cat, r, con, err) || !fill_table(cat, r, con, err))
            return false;
    }
    return true;
}
