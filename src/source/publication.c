/*
 * source/publication.c: the publication the stream reads: every configured table must exist,
 * and the publication must publish it. A missing publication is created FOR TABLE the
 * configured tables; an existing one gains any table it lacks (ALTER PUBLICATION ... ADD
 * TABLE); FOR ALL TABLES already covers everything. Never drops or narrows a publication: it
 * may be shared. Names are quoted with am_sql_ident, values go as parameters.
 * Spec: PostgreSQL docs, CREATE PUBLICATION / ALTER PUBLICATION; postgres.md §1.1.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <string.h>

static bool table_check(PGconn *c, const source_table_ref_t *t, am_err_t *err)
{
    const char *params[2] = {t->schema, t->name};
    PGresult *res = source__exec(c,
                                 "SELECT 1 FROM pg_catalog.pg_class c "
                                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = $1 AND c.relname = $2 "
                                 "AND c.relkind IN ('r', 'p')",
                                 2, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    bool found = PQntuples(res) > 0;
    PQclear(res);
    if (!found)
        return am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table \"%s.%s\" does not exist",
                          t->schema, t->name);
    return true;
}

static void put_table(am_buf_t *b, const source_table_ref_t *t)
{
    am_sql_ident(b, t->schema);
    am_buf_putc(b, '.');
    am_sql_ident(b, t->name);
}

static bool run(PGconn *c, const am_buf_t *sql, am_err_t *err)
{
    PGresult *res = source__exec(c, sql->data, 0, NULL, PGRES_COMMAND_OK, err);
    PQclear(res);
    return res != NULL;
}

static bool publication_create(source_t *src, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "CREATE PUBLICATION ");
    am_sql_ident(&sql, src->opts.publication);
    for (size_t i = 0; i < src->opts.n_tables; i++) {
        am_buf_puts(&sql, i == 0 ? " FOR TABLE " : ", ");
        put_table(&sql, &src->opts.tables[i]);
    }
    /* changes of partitions arrive under the configured (root) table's name and OID */
    if (src->server_version >= 130000)
        am_buf_puts(&sql, " WITH (publish_via_partition_root = true)");
    bool ok = run(src->sql, &sql, err);
    am_buf_destroy(&sql);
    if (ok)
        am_log_info("source", "created publication",
                    AM_KV_STR("publication", src->opts.publication),
                    AM_KV_I64("tables", src->opts.n_tables));
    return ok;
}

static bool publication_has(source_t *src, const source_table_ref_t *t, bool *has, am_err_t *err)
{
    const char *params[3] = {src->opts.publication, t->schema, t->name};
    PGresult *res = source__exec(src->sql,
                                 "SELECT 1 FROM pg_catalog.pg_publication_tables "
                                 "WHERE pubname = $1 AND schemaname = $2 AND tablename = $3",
                                 3, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    *has = PQntuples(res) > 0;
    PQclear(res);
    return true;
}

static bool publication_add(source_t *src, const source_table_ref_t *t, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "ALTER PUBLICATION ");
    am_sql_ident(&sql, src->opts.publication);
    am_buf_puts(&sql, " ADD TABLE ");
    put_table(&sql, t);
    bool ok = run(src->sql, &sql, err);
    am_buf_destroy(&sql);
    if (ok)
        am_log_info("source", "added table to publication",
                    AM_KV_STR("publication", src->opts.publication), AM_KV_STR("schema", t->schema),
                    AM_KV_STR("table", t->name));
    return ok;
}

/* *exists, and *all_tables for FOR ALL TABLES publications. */
static bool publication_find(source_t *src, bool *exists, bool *all_tables, am_err_t *err)
{
    const char *params[1] = {src->opts.publication};
    PGresult *res = source__exec(src->sql,
                                 "SELECT puballtables FROM pg_catalog.pg_publication "
                                 "WHERE pubname = $1",
                                 1, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    *exists = PQntuples(res) > 0;
    *all_tables = *exists && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return true;
}

bool source__publication_setup(source_t *src, am_err_t *err)
{
    for (size_t i = 0; i < src->opts.n_tables; i++)
        if (!table_check(src->sql, &src->opts.tables[i], err))
            return false;
    bool exists = false, all_tables = false;
    if (!publication_find(src, &exists, &all_tables, err))
        return false;
    if (!exists)
        return publication_create(src, err);
    for (size_t i = 0; i < src->opts.n_tables && !all_tables; i++) {
        bool has = false;
        if (!publication_has(src, &src->opts.tables[i], &has, err))
            return false;
        if (!has && !publication_add(src, &src->opts.tables[i], err))
            return false;
    }
    return true;
}
