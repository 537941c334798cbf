/*
 * source/catalog.c: the source's own catalog rows for the mirrored tables, as one JSON
 * document (docs/pgface.md section 3), so the proxy can serve pg_catalog and
 * information_schema with the source's real OIDs and texts. Read-only: SELECTs inside one
 * REPEATABLE READ transaction (or the initial copy's imported snapshot); it needs no more
 * than a role with SELECT on the mirrored tables (no superuser, no pg_authid).
 * Must not: know which relations are captured (catalog_rels.c lists them) or interpret the
 * rows (the proxy does).
 * The document, one relation per line block, strings encoded by jansson:
 *   {"format":1,"lsn":"0/16B3748","server_version_num":150018,"database":"shop",
 *    "relations":[{"schema":"pg_catalog","name":"pg_class",
 *      "columns":[{"name":"oid","type_oid":26,"typmod":-1},...],
 *      "rows":[["16384","orders",...],...]}, ...]}
 * Values are PostgreSQL's text output, except reg* columns (regproc, regtype, ...), which go
 * out as their numeric OID: their names depend on the reader's search_path, their OIDs do not.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define CATALOG_FORMAT 1
#define CATALOG_N_SETS 7
#define PG_OID_ARRAY_OID 1028

/* The "lsn" member comes first, right after this prefix, so two documents compare equal
 * apart from it by skipping one string (source_catalog_same). */
#define DOC_PREFIX "{\"format\":1,\"lsn\":\""

typedef struct capture {
    source_t *src;
    PGconn *conn;
    const uint32_t *relids; /* the tables by id; NULL: the configured ones by name */
    size_t n_relids;
    char *sets[CATALOG_N_SETS]; /* oid[] literals: M, I, S, C, N, T, R */
    char *database;
    am_buf_t *out;
    am_buf_t sql;
} capture_t;

static int buf_dump(const char *p, size_t n, void *ud)
{
    am_buf_append(ud, p, n);
    return 0;
}

/* A JSON string of text; false when it is not valid UTF-8 (a SQL_ASCII source). */
static bool put_json_str(am_buf_t *b, const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (!j)
        return false;
    int rc = json_dump_callback(j, buf_dump, b, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    return rc == 0;
}

static bool exec_cmd(PGconn *c, const char *sql, am_err_t *err)
{
    PGresult *res = source__exec(c, sql, 0, NULL, PGRES_COMMAND_OK, err);
    PQclear(res);
    return res != NULL;
}

/* Runs sql with the seven oid[] sets as $1..$7 (typed, so a query may leave some unused). */
static PGresult *exec_sets(capture_t *cap, const char *sql, am_err_t *err)
{
    Oid types[CATALOG_N_SETS];
    for (size_t i = 0; i < CATALOG_N_SETS; i++)
        types[i] = PG_OID_ARRAY_OID;
    PGresult *res = PQexecParams(cap->conn, sql, CATALOG_N_SETS, types,
                                 (const char *const *)cap->sets, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        return res;
    source__pg_err(err, cap->conn, res, "catalog query");
    PQclear(res);
    return NULL;
}

/* '{"public","orders"}': a text[] literal, every element quoted with " and \ escaped. */
static void put_text_array(am_buf_t *b, const source_table_ref_t *t, size_t n, bool names)
{
    am_buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            am_buf_putc(b, ',');
        am_buf_putc(b, '"');
        for (const char *p = names ? t[i].name : t[i].schema; *p; p++) {
            if (*p == '"' || *p == '\\')
                am_buf_putc(b, '\\');
            am_buf_putc(b, *p);
        }
        am_buf_putc(b, '"');
    }
    am_buf_putc(b, '}');
}

#define RESOLVE_SQL                                                                                \
    "SELECT t.s, t.n, c.oid FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), "            \
    "pg_catalog.unnest($2::pg_catalog.text[])) WITH ORDINALITY AS t(s, n, i) "                     \
    "LEFT JOIN pg_catalog.pg_namespace ns "                                                        \
    "ON ns.nspname = t.s LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = ns.oid "              \
    "AND c.relname = t.n AND c.relkind IN ('r', 'p') ORDER BY t.i"

/* M: the configured tables' OIDs as an oid[] literal; a missing table fails with 42P01. */
static bool resolve_tables(capture_t *cap, am_err_t *err)
{
    const source_options_t *o = &cap->src->opts;
    am_buf_t schemas, names;
    am_buf_init(&schemas);
    am_buf_init(&names);
    put_text_array(&schemas, o->tables, o->n_tables, false);
    put_text_array(&names, o->tables, o->n_tables, true);
    const char *params[2] = {schemas.data, names.data};
    PGresult *res = source__exec(cap->conn, RESOLVE_SQL, 2, params, PGRES_TUPLES_OK, err);
    am_buf_destroy(&schemas);
    am_buf_destroy(&names);
    if (!res)
        return false;
    am_buf_t m;
    am_buf_init(&m);
    am_buf_putc(&m, '{');
    bool ok = true;
    for (int i = 0; ok && i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, 2))
            ok = am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table \"%s.%s\" does not exist",
                            PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
        else
            am_buf_printf(&m, "%s%s", i ? "," : "", PQgetvalue(res, i, 2));
    }
    am_buf_putc(&m, '}');
    PQclear(res);
    cap->sets[0] = am_buf_steal(&m, NULL);
    return ok;
}

/* $1 is M; the query yields I, S, C, N, T, R (oid[] literals) and the database name. */
#define SETS_SQL                                                                                   \
    "WITH RECURSIVE m AS (SELECT pg_catalog.unnest($1::pg_catalog.oid[]) AS oid), "                \
    "i AS (SELECT x.indexrelid AS oid FROM pg_catalog.pg_index x WHERE x.indrelid IN "             \
    "(SELECT oid FROM m)), "                                                                       \
    "s AS (SELECT d.objid AS oid FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class c "          \
    "ON c.oid = d.objid WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "             \
    "AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid IN "             \
    "(SELECT oid FROM m) AND d.deptype IN ('a', 'i') AND c.relkind = 'S'), "                       \
    "mis AS (SELECT oid FROM m UNION SELECT oid FROM i UNION SELECT oid FROM s), "                 \
    "c AS (SELECT oid FROM mis UNION SELECT c.oid FROM pg_catalog.pg_class c JOIN "                \
    "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('pg_catalog', "       \
    "'information_schema')), "                                                                     \
    "t(oid) AS (SELECT a.atttypid FROM pg_catalog.pg_attribute a WHERE a.attrelid IN "             \
    "(SELECT oid FROM m) AND a.attnum > 0 UNION SELECT v.x FROM t JOIN pg_catalog.pg_type y "      \
    "ON y.oid = t.oid CROSS JOIN LATERAL (VALUES (y.typelem), (y.typbasetype)) AS v(x) "           \
    "WHERE v.x <> 0), "                                                                            \
    "n AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname IN ('pg_catalog', "               \
    "'information_schema', 'public', 'pg_toast') UNION SELECT relnamespace FROM "                  \
    "pg_catalog.pg_class "                                                                         \
    "WHERE oid IN (SELECT oid FROM mis) UNION SELECT typnamespace FROM pg_catalog.pg_type "        \
    "UNION SELECT oprnamespace FROM pg_catalog.pg_operator UNION SELECT opcnamespace FROM "        \
    "pg_catalog.pg_opclass UNION SELECT opfnamespace FROM pg_catalog.pg_opfamily UNION SELECT "    \
    "collnamespace FROM pg_catalog.pg_collation UNION SELECT extnamespace FROM "                   \
    "pg_catalog.pg_extension), " /* every role: privileges are checked against the session's role  \
                                    and its memberships */                                         \
    "r AS (SELECT oid FROM pg_catalog.pg_roles) "                                                  \
    "SELECT (SELECT COALESCE(pg_catalog.array_agg(oid ORDER BY oid), '{}') FROM i)::text, "        \
    "(SELECT COALESCE(pg_catalog.array_agg(oid ORDER BY oid), '{}') FROM s)::text, "               \
    "(SELECT COALESCE(pg_catalog.array_agg(oid ORDER BY oid), '{}') FROM c)::text, "               \
    "(SELECT COALESCE(pg_catalog.array_agg(oid ORDER BY oid), '{}') FROM n)::text, "               \
    "(SELECT COALESCE(pg_catalog.array_agg(oid ORDER BY oid), '{}') FROM t)::text, "               \
    "(SELECT COALESCE(pg_catalog.array_agg(r.oid ORDER BY r.oid), '{}') FROM r "                   \
    "JOIN pg_catalog.pg_roles x ON x.oid = r.oid)::text, pg_catalog.current_database()"

static bool compute_sets(capture_t *cap, am_err_t *err)
{
    const char *params[1] = {cap->sets[0]};
    PGresult *res = source__exec(cap->conn, SETS_SQL, 1, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    bool ok = PQntuples(res) == 1 && PQnfields(res) == CATALOG_N_SETS;
    for (int i = 0; ok && i < CATALOG_N_SETS - 1; i++)
        cap->sets[i + 1] = am_xstrdup(PQgetvalue(res, 0, i));
    if (ok)
        cap->database = am_xstrdup(PQgetvalue(res, 0, CATALOG_N_SETS - 1));
    PQclear(res);
    if (!ok)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "catalog sets: unexpected answer");
    return true;
}

/* reg* types (and their arrays) print names that depend on search_path: read them as oids. */
static const char *reg_cast(Oid type)
{
    static const Oid scalars[] = {24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096, 4191};
    static const Oid arrays[] = {1008, 2207, 2208, 2209, 2210, 2211, 3735, 3770, 4090, 4097, 4192};
    for (size_t i = 0; i < AM_ARRAY_LEN(scalars); i++) {
        if (type == scalars[i])
            return "::pg_catalog.oid";
        if (type == arrays[i])
            return "::pg_catalog.oid[]";
    }
    return NULL;
}

/* The select list of rel: its columns (described by a WHERE false run), reg* ones as oids. */
static PGresult *describe(capture_t *cap, const source_catalog_rel_t *rel, am_buf_t *list,
                          am_err_t *err)
{
    am_buf_reset(&cap->sql);
    am_buf_printf(&cap->sql, "SELECT * FROM %s WHERE false", rel->from);
    PGresult *res = exec_sets(cap, cap->sql.data, err);
    if (!res)
        return NULL;
    for (int i = 0; i < PQnfields(res); i++) {
        const char *cast = reg_cast(PQftype(res, i));
        am_buf_puts(list, i ? ", x." : "x.");
        am_sql_ident(list, PQfname(res, i));
        if (cast) {
            am_buf_puts(list, cast);
            am_buf_puts(list, " AS ");
            am_sql_ident(list, PQfname(res, i));
        }
    }
    return res;
}

static bool put_columns(am_buf_t *b, const PGresult *desc, am_err_t *err)
{
    am_buf_puts(b, "\"columns\":[");
    for (int i = 0; i < PQnfields(desc); i++) {
        const char *name = PQfname(desc, i);
        am_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        if (!put_json_str(b, name, strlen(name)))
            return am_err_set(err, "22021", "column %d: its name is not valid UTF-8", i + 1);
        am_buf_printf(b, ",\"type_oid\":%u,\"typmod\":%d}", PQftype(desc, i), PQfmod(desc, i));
    }
    am_buf_puts(b, "],\n\"rows\":[");
    return true;
}

static bool put_rows(am_buf_t *b, const PGresult *res, am_err_t *err)
{
    for (int r = 0; r < PQntuples(res); r++) {
        am_buf_puts(b, r ? ",\n[" : "\n[");
        for (int c = 0; c < PQnfields(res); c++) {
            if (c)
                am_buf_putc(b, ',');
            if (PQgetisnull(res, r, c)) {
                am_buf_puts(b, "null");
                continue;
            }
            if (!put_json_str(b, PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c)))
                return am_err_set(err, "22021", "column %s of row %d is not valid UTF-8",
                                  PQfname(res, c), r + 1);
        }
        am_buf_putc(b, ']');
    }
    am_buf_puts(b, "]}");
    return true;
}

static bool capture_rel(capture_t *cap, const source_catalog_rel_t *rel, bool first, am_err_t *err)
{
    am_buf_t list;
    am_buf_init(&list);
    PGresult *desc = describe(cap, rel, &list, err);
    PGresult *res = NULL;
    bool ok = desc != NULL;
    if (ok) {
        am_buf_reset(&cap->sql);
        am_buf_printf(&cap->sql, "SELECT %s FROM %s", list.data, rel->from);
        if (rel->where)
            am_buf_printf(&cap->sql, " WHERE %s", rel->where);
        am_buf_printf(&cap->sql, " ORDER BY %s", rel->order);
        res = exec_sets(cap, cap->sql.data, err);
        ok = res != NULL;
    }
    if (ok) {
        am_buf_printf(cap->out, "%s{\"schema\":\"%s\",\"name\":\"%s\",\n", first ? "" : ",\n",
                      rel->schema, rel->name);
        ok = put_columns(cap->out, desc, err) && put_rows(cap->out, res, err);
    }
    if (!ok)
        am_err_prefix(err, "catalog %s.%s", rel->schema, rel->name);
    PQclear(desc);
    PQclear(res);
    am_buf_destroy(&list);
    return ok;
}

/* M from relids: those still ordinary or partitioned tables (a dropped one is left out). */
static bool resolve_relids(capture_t *cap, am_err_t *err)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_putc(&b, '{');
    for (size_t i = 0; i < cap->n_relids; i++)
        am_buf_printf(&b, "%s%u", i ? "," : "", cap->relids[i]);
    am_buf_putc(&b, '}');
    const char *params[1] = {b.data};
    PGresult *res = source__exec(cap->conn,
                                 "SELECT coalesce(pg_catalog.array_agg(c.oid ORDER BY c.oid), "
                                 "'{}')::pg_catalog.text FROM pg_catalog.pg_class c WHERE c.oid = "
                                 "ANY ($1::pg_catalog.oid[]) AND c.relkind IN ('r', 'p')",
                                 1, params, PGRES_TUPLES_OK, err);
    am_buf_destroy(&b);
    if (!res)
        return false;
    bool ok = PQntuples(res) == 1;
    if (ok)
        cap->sets[0] = am_xstrdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (!ok)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "catalog tables: unexpected answer");
    return true;
}

static bool capture_all(capture_t *cap, am_lsn_t lsn, am_err_t *err)
{
    if (!(cap->relids ? resolve_relids(cap, err) : resolve_tables(cap, err)) ||
        !compute_sets(cap, err))
        return false;
    am_buf_printf(cap->out, DOC_PREFIX AM_LSN_FMT "\",\"server_version_num\":%d,\"database\":",
                  AM_LSN_ARGS(lsn), cap->src->server_version);
    if (!put_json_str(cap->out, cap->database, strlen(cap->database)))
        return am_err_set(err, "22021", "catalog: the database name is not valid UTF-8");
    am_buf_puts(cap->out, ",\n\"relations\":[\n");
    for (size_t i = 0; i < source__n_catalog_rels; i++)
        if (!capture_rel(cap, &source__catalog_rels[i], i == 0, err))
            return false;
    am_buf_puts(cap->out, "]}\n");
    return true;
}

static bool capture_on(source_t *src, PGconn *c, const uint32_t *relids, size_t n_relids,
                       am_lsn_t lsn, am_buf_t *out, am_err_t *err)
{
    capture_t cap = {.src = src, .conn = c, .out = out, .relids = relids, .n_relids = n_relids};
    am_buf_init(&cap.sql);
    size_t start_len = out->len;
    int64_t start_us = am_mono_us();
    bool ok = capture_all(&cap, lsn, err);
    if (ok)
        am_log_info("source", "captured catalog", AM_KV_I64("relations", source__n_catalog_rels),
                    AM_KV_I64("bytes", out->len - start_len),
                    AM_KV_I64("ms", (am_mono_us() - start_us) / 1000));
    else
        out->len = start_len;
    for (size_t i = 0; i < CATALOG_N_SETS; i++)
        free(cap.sets[i]);
    free(cap.database);
    am_buf_destroy(&cap.sql);
    return ok;
}

bool source__catalog_capture_on(source_t *src, PGconn *c, am_lsn_t lsn, am_buf_t *out,
                                am_err_t *err)
{
    return capture_on(src, c, NULL, 0, lsn, out, err);
}

/* One REPEATABLE READ transaction: the document and, when states is not NULL, the states. */
static bool capture_txn(source_t *src, const uint32_t *relids, size_t n, am_buf_t *json_out,
                        source_table_state_t **states, size_t *n_states, am_err_t *err)
{
    if (!exec_cmd(src->sql, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err))
        return false;
    am_lsn_t lsn = 0;
    bool ok = exec_cmd(src->sql, "SET LOCAL statement_timeout = 0", err) &&
              source_current_wal_lsn(src, &lsn, err) &&
              capture_on(src, src->sql, relids, n, lsn, json_out, err) &&
              (!states || source__table_states_on(src->sql, relids, n, states, n_states, err));
    am_err_t end_err = {0};
    if (!exec_cmd(src->sql, ok ? "COMMIT" : "ROLLBACK", &end_err) && ok) {
        *err = end_err;
        ok = false;
    }
    if (!ok && states && *states) {
        source_table_states_free(*states, *n_states);
        *states = NULL;
        *n_states = 0;
    }
    if (!ok)
        am_err_prefix(err, "catalog capture");
    return ok;
}

bool source_catalog_capture(source_t *src, am_buf_t *json_out, am_err_t *err)
{
    return capture_txn(src, NULL, 0, json_out, NULL, NULL, err);
}

bool source_catalog_capture_rels(source_t *src, const uint32_t *relids, size_t n,
                                 am_buf_t *json_out, source_table_state_t **states,
                                 size_t *n_states, am_err_t *err)
{
    *states = NULL;
    *n_states = 0;
    return capture_txn(src, relids, n, json_out, states, n_states, err);
}

/* Skips DOC_PREFIX and the LSN string; NULL when doc does not start that way. */
static const char *after_lsn(const char *doc, size_t len, size_t *rest)
{
    size_t plen = sizeof DOC_PREFIX - 1;
    if (len < plen || memcmp(doc, DOC_PREFIX, plen) != 0)
        return NULL;
    const char *q = memchr(doc + plen, '"', len - plen);
    if (!q)
        return NULL;
    *rest = len - (size_t)(q - doc);
    return q;
}

bool source_catalog_same(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t ra = 0, rb = 0;
    const char *pa = after_lsn(a, a_len, &ra);
    const char *pb = after_lsn(b, b_len, &rb);
    return pa && pb && ra == rb && memcmp(pa, pb, ra) == 0;
}
