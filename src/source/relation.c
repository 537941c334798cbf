/*
 * source/relation.c: what a table's columns are, from the catalog: the class (OID, kind,
 * replica identity, size estimate), the columns in the order pgoutput sends them (attnum, no
 * dropped or generated columns; is_key as pgoutput flags the replica identity), and each
 * column's type resolved to where the lake can keep it exactly:
 *   domain            -> its base type (through domains over domains), with the base typmod
 *   array (1-D)       -> list of its element type, the element itself resolved likewise
 *                        (arrays of domains and enums), the element's typdelim kept
 *   anything else     -> source_type_map (enums, ranges, composites, ... are text)
 * plus format_type() of the column's own type, schema-qualified when outside pg_catalog, for
 * the lake's doc. One query per relation, on whatever connection the caller holds (the copy's
 * snapshot connection, or the source's SQL connection for the stream's Relation messages).
 * Must not: read rows (copy.c) or decode pgoutput (pgoutput*.c).
 * Spec: PostgreSQL docs, "pg_type", "pg_attribute", format_type(); postgres.md §5.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <stdlib.h>
#include <string.h>

/* Walks each (oid, typmod) through domains and, once, from an array type to its element. A
 * true array is its element's typarray (int2vector and oidvector have typelem too). */
#define TYPES_SQL                                                                                  \
    "WITH RECURSIVE c(i, oid, typmod) AS (SELECT u.i, u.oid, u.typmod FROM ROWS FROM ("            \
    "pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.int4[])) "          \
    "WITH ORDINALITY AS u(oid, typmod, i)), "                                                      \
    "w(i, oid, typmod, elem, depth) AS (SELECT i, oid, typmod, false, 0 FROM c UNION ALL "         \
    "SELECT w.i, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END, "                \
    "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE w.typmod END, "                               \
    "w.elem OR t.typtype <> 'd', w.depth + 1 "                                                     \
    "FROM w JOIN pg_catalog.pg_type t ON t.oid = w.oid WHERE w.depth < 64 AND "                    \
    "(t.typtype = 'd' OR (NOT w.elem AND t.typelem <> 0 AND EXISTS (SELECT 1 FROM "                \
    "pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid)))) "                     \
    "SELECT c.i, CASE WHEN n.nspname <> 'pg_catalog' AND pg_catalog.pg_type_is_visible(c.oid) "    \
    "THEN pg_catalog.quote_ident(n.nspname) || '.' ELSE '' END || "                                \
    "pg_catalog.format_type(c.oid, c.typmod), "                                                    \
    "leaf.oid, leaf.typmod, leaf.elem, coalesce(lt.typdelim, ',') FROM c "                         \
    "JOIN LATERAL (SELECT w.oid, w.typmod, w.elem FROM w WHERE w.i = c.i "                         \
    "ORDER BY w.depth DESC LIMIT 1) leaf ON true "                                                 \
    "LEFT JOIN pg_catalog.pg_type ct ON ct.oid = c.oid "                                           \
    "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = ct.typnamespace "                              \
    "LEFT JOIN pg_catalog.pg_type lt ON lt.oid = leaf.oid ORDER BY c.i"

#define CLASS_SQL                                                                                  \
    "SELECT c.oid, c.relkind, c.relreplident, c.reltuples::float8 "                                \
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "                                   \
    "ON n.oid = c.relnamespace WHERE n.nspname = $1 "                                              \
    "AND c.relname = $2 AND c.relkind IN ('r', 'p')"

#define COLUMNS_SQL                                                                                \
    "SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull, "                                    \
    "CASE c.relreplident WHEN 'f' THEN true "                                                      \
    "WHEN 'd' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid "          \
    "AND i.indisprimary AND a.attnum = ANY (i.indkey)) "                                           \
    "WHEN 'i' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid "          \
    "AND i.indisreplident AND a.attnum = ANY (i.indkey)) "                                         \
    "ELSE false END "                                                                              \
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "             \
    "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped %s ORDER BY a.attnum"

/* One result row of TYPES_SQL into col. */
static void apply_type(source_column_t *col, const PGresult *res, int row)
{
    uint32_t oid = (uint32_t)strtoul(PQgetvalue(res, row, 2), NULL, 10);
    int32_t typmod = (int32_t)strtol(PQgetvalue(res, row, 3), NULL, 10);
    bool list = PQgetvalue(res, row, 4)[0] == 't';
    am_coltype_t t = source_type_map(oid, typmod);
    if (list)
        t = (am_coltype_t){
            .type = AM_TYPE_LIST, .precision = t.precision, .scale = t.scale, .elem = t.type};
    col->type = t;
    free(col->pg_type);
    col->pg_type = am_xstrdup(PQgetvalue(res, row, 1));
    col->elem_delim = PQgetvalue(res, row, 5)[0];
}

/* "{a,b,...}" of the columns' type oids (typmods when typmods). */
static char *int_array(const source_relation_t *rel, bool typmods)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_putc(&b, '{');
    for (size_t i = 0; i < rel->n_cols; i++) {
        const source_column_t *c = &rel->cols[i];
        if (typmods)
            am_buf_printf(&b, "%s%d", i ? "," : "", c->typmod);
        else
            am_buf_printf(&b, "%s%u", i ? "," : "", c->type_oid);
    }
    am_buf_putc(&b, '}');
    return am_buf_steal(&b, NULL);
}

bool source__types_resolve(PGconn *c, source_relation_t *rel, am_err_t *err)
{
    if (rel->n_cols == 0)
        return true;
    char *oids = int_array(rel, false), *typmods = int_array(rel, true);
    const char *params[2] = {oids, typmods};
    PGresult *res = source__exec(c, TYPES_SQL, 2, params, PGRES_TUPLES_OK, err);
    free(oids);
    free(typmods);
    if (!res) {
        am_err_prefix(err, "relation %s.%s: column types", rel->schema, rel->name);
        return false;
    }
    bool ok = (size_t)PQntuples(res) == rel->n_cols && PQnfields(res) == 6;
    for (int i = 0; ok && i < PQntuples(res); i++)
        apply_type(&rel->cols[i], res, i);
    PQclear(res);
    if (!ok)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "relation %s.%s: column types: unexpected answer", rel->schema,
                          rel->name);
    return true;
}

/* pg_class: OID, relkind, replica identity, estimated rows. */
static bool read_class(PGconn *c, source_relation_t *rel, bool *partitioned, int64_t *est_rows,
                       am_err_t *err)
{
    const char *params[2] = {rel->schema, rel->name};
    PGresult *res = source__exec(c, CLASS_SQL, 2, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    bool found = PQntuples(res) == 1;
    if (found) {
        rel->relid = (uint32_t)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
        *partitioned = PQgetvalue(res, 0, 1)[0] == 'p';
        rel->replident = PQgetvalue(res, 0, 2)[0];
        double tuples = strtod(PQgetvalue(res, 0, 3), NULL);
        *est_rows = tuples >= 0 ? (int64_t)tuples : -1;
    }
    PQclear(res);
    if (!found)
        return am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table \"%s.%s\" does not exist",
                          rel->schema, rel->name);
    return true;
}

static void fill_column(source_column_t *col, const PGresult *res, int row)
{
    col->name = am_xstrdup(PQgetvalue(res, row, 0));
    col->type_oid = (uint32_t)strtoul(PQgetvalue(res, row, 1), NULL, 10);
    col->typmod = (int32_t)strtol(PQgetvalue(res, row, 2), NULL, 10);
    col->not_null = PQgetvalue(res, row, 3)[0] == 't';
    col->is_key = PQgetvalue(res, row, 4)[0] == 't';
    col->type = source_type_map(col->type_oid, col->typmod);
}

static bool read_columns(PGconn *c, source_relation_t *rel, am_err_t *err)
{
    char relid[16], sql[sizeof COLUMNS_SQL + 32];
    (void)snprintf(relid, sizeof relid, "%u", rel->relid);
    /* generated columns (12+) are not replicated, so they are not copied either */
    (void)snprintf(sql, sizeof sql, COLUMNS_SQL,
                   PQserverVersion(c) >= 120000 ? "AND a.attgenerated = ''" : "");
    const char *params[1] = {relid};
    PGresult *res = source__exec(c, sql, 1, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    int n = PQntuples(res);
    bool ok = n <= SOURCE_MAX_COLUMNS;
    if (ok) {
        rel->n_cols = (size_t)n;
        rel->cols = am_xcalloc(n ? (size_t)n : 1, sizeof *rel->cols);
        for (int i = 0; i < n; i++)
            fill_column(&rel->cols[i], res, i);
    }
    PQclear(res);
    if (!ok)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "table has %d columns", n);
    return true;
}

bool source__relation_read(PGconn *c, source_relation_t *rel, bool *partitioned, int64_t *est_rows,
                           am_err_t *err)
{
    return read_class(c, rel, partitioned, est_rows, err) && read_columns(c, rel, err) &&
           source__types_resolve(c, rel, err);
}

source_relation_t *source_describe(source_t *src, const char *schema, const char *name,
                                   am_err_t *err)
{
    source_relation_t *rel = am_xcalloc(1, sizeof *rel);
    rel->schema = am_xstrdup(schema);
    rel->name = am_xstrdup(name);
    bool partitioned = false;
    int64_t est_rows = 0;
    if (!source__relation_read(src->sql, rel, &partitioned, &est_rows, err)) {
        am_err_prefix(err, "describe %s.%s", schema, name);
        source__relation_free(rel);
        return NULL;
    }
    return rel;
}

void source_relation_free(source_relation_t *rel)
{
    source__relation_free(rel);
}
