/*
 * source/tables.c: what the source catalog says about the mirrored tables now, read with plain
 * SELECTs on the SQL connection (no event trigger, nothing installed): each table's columns by
 * attnum with type, typmod, NOT NULL, default and missing value; its replica identity; the
 * relfilenode and pg_class xmin of the table and its partitions (a rewrite or an attached
 * partition changes contents without a word in the stream). Also finding tables by glob and
 * through FOR ALL TABLES / FOR TABLES IN SCHEMA publications.
 * Must not: decide what a change means (the mirror does).
 * Spec: PostgreSQL docs "pg_class", "pg_attribute" (atthasmissing 11+, attgenerated 12+),
 * pg_partition_tree (12+); postgres.md §1.6.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <fnmatch.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A column of a user-defined type (oid 16384 and up: built-in types never change): every type
 * under it, its own first, down through domains' base types, arrays' elements and composites'
 * attributes (user types only below the first level), each with its schema, name, an enum's
 * labels by oid in sort order and a composite's attributes (name, type, typmod). */
#define TYPE_IDENT_SQL                                                                             \
    "WITH RECURSIVE r(t, d) AS (SELECT a.atttypid, 0 UNION ALL SELECT x.t, r.d + 1 FROM r "        \
    "JOIN pg_catalog.pg_type y ON y.oid = r.t CROSS JOIN LATERAL (SELECT y.typbasetype "           \
    "WHERE y.typtype = 'd' UNION ALL SELECT y.typelem WHERE y.typtype <> 'd' AND y.typelem <> 0 "  \
    "AND y.typlen = -1 UNION ALL SELECT ca.atttypid FROM pg_catalog.pg_attribute ca "              \
    "WHERE y.typtype = 'c' AND ca.attrelid = y.typrelid AND ca.attnum > 0 AND NOT "                \
    "ca.attisdropped) x(t) WHERE r.d < 8 AND r.t >= 16384) "                                       \
    "SELECT pg_catalog.json_agg(pg_catalog.json_build_array(yn.nspname, y.typname, "               \
    "(SELECT pg_catalog.json_agg(pg_catalog.json_build_array(e.oid::pg_catalog.int8, "             \
    "e.enumlabel) ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = r.t), "  \
    "CASE WHEN y.typtype = 'c' THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_array("      \
    "ca.attname, ca.atttypid::pg_catalog.int8, ca.atttypmod) ORDER BY ca.attnum) FROM "            \
    "pg_catalog.pg_attribute ca WHERE ca.attrelid = y.typrelid AND ca.attnum > 0 AND NOT "         \
    "ca.attisdropped) END) ORDER BY r.d, r.t) FROM r JOIN pg_catalog.pg_type y ON y.oid = r.t "    \
    "JOIN pg_catalog.pg_namespace yn ON yn.oid = y.typnamespace"

/* One row per table: class, identity attnums (int2vector text), columns and storage as JSON,
 * persistence.
 * %s: the server version's column expressions (atthasmissing, attgenerated, the partition
 * tree). */
#define STATES_SQL                                                                                 \
    "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relreplident, "                              \
    "CASE c.relreplident WHEN 'f' THEN '' ELSE coalesce((SELECT i.indkey::pg_catalog.text "        \
    "FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND CASE c.relreplident WHEN 'd' THEN "   \
    "i.indisprimary WHEN 'i' THEN i.indisreplident ELSE false END LIMIT 1), '-') END, "            \
    "(SELECT pg_catalog.json_agg(pg_catalog.json_build_array(a.attnum, a.attname, "                \
    "a.atttypid::pg_catalog.int8, "                                                                \
    "a.atttypmod, a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), %s, %s, "              \
    "CASE WHEN a.atttypid >= 16384 THEN (" TYPE_IDENT_SQL ") END) "                                \
    "ORDER BY a.attnum) FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d "         \
    "ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = c.oid "                   \
    "AND a.attnum > 0 AND NOT a.attisdropped)::pg_catalog.text, "                                  \
    "(SELECT pg_catalog.json_agg(pg_catalog.json_build_array(p.oid::pg_catalog.int8, "             \
    "p.relfilenode::pg_catalog.int8, "                                                             \
    "p.xmin::pg_catalog.text::pg_catalog.int8) ORDER BY p.oid) FROM pg_catalog.pg_class p "        \
    "WHERE p.oid IN (%s))::pg_catalog.text, c.relpersistence "                                     \
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "         \
    "WHERE c.oid = ANY ($1::pg_catalog.oid[]) AND c.relkind IN ('r', 'p') ORDER BY c.oid"

static void attr_destroy(source_attr_t *a)
{
    free(a->name);
    free(a->default_expr);
    free(a->type_ident);
}

void source_table_states_free(source_table_state_t *states, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        source_table_state_t *s = &states[i];
        free(s->schema);
        free(s->name);
        free(s->key);
        for (size_t k = 0; k < s->n_attrs; k++)
            attr_destroy(&s->attrs[k]);
        free(s->attrs);
        free(s->storage);
    }
    free(states);
}

const source_table_state_t *source_table_state_find(const source_table_state_t *states, size_t n,
                                                    uint32_t relid)
{
    for (size_t i = 0; i < n; i++)
        if (states[i].relid == relid)
            return &states[i];
    return NULL;
}

static bool json_uint(const json_t *v, uint64_t max, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
        return false;
    *out = (uint64_t)json_integer_value(v);
    return true;
}

/* A type chain as compact JSON (one spelling, whatever the server's); NULL for null. */
static char *type_ident_text(const json_t *v)
{
    if (!v || json_is_null(v))
        return NULL;
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* [attnum, name, typid, typmod, notnull, default, hasmissing, generated, type chain] */
static bool parse_attr(const json_t *a, source_attr_t *out)
{
    uint64_t attnum = 0, type = 0;
    json_t *typmod = json_array_get(a, 3), *def = json_array_get(a, 5);
    const char *name = json_string_value(json_array_get(a, 1));
    json_t *ident = json_array_get(a, 8);
    if (!json_is_array(a) || json_array_size(a) != 9 ||
        !(json_is_null(ident) || json_is_array(ident)) ||
        !json_uint(json_array_get(a, 0), INT16_MAX, &attnum) ||
        !json_uint(json_array_get(a, 2), UINT32_MAX, &type) || !name || !json_is_integer(typmod) ||
        (def && !json_is_null(def) && !json_is_string(def)))
        return false;
    out->attnum = (int16_t)attnum;
    out->name = am_xstrdup(name);
    out->type_oid = (uint32_t)type;
    out->typmod = (int32_t)json_integer_value(typmod);
    out->not_null = json_is_true(json_array_get(a, 4));
    out->default_expr = json_is_string(def) ? am_xstrdup(json_string_value(def)) : NULL;
    out->has_missing = json_is_true(json_array_get(a, 6));
    out->generated = json_is_true(json_array_get(a, 7));
    out->type_ident = type_ident_text(ident);
    return true;
}

static bool parse_attrs(const char *text, source_table_state_t *s)
{
    json_t *arr = json_loads(text, 0, NULL);
    bool ok = json_is_array(arr);
    size_t n = ok ? json_array_size(arr) : 0;
    s->attrs = am_xcalloc(n + 1, sizeof *s->attrs);
    for (size_t i = 0; ok && i < n; i++) {
        ok = parse_attr(json_array_get(arr, i), &s->attrs[i]);
        s->n_attrs += ok;
    }
    json_decref(arr);
    return ok;
}

static bool parse_storage(const char *text, source_table_state_t *s)
{
    json_t *arr = json_loads(text, 0, NULL);
    bool ok = json_is_array(arr);
    size_t n = ok ? json_array_size(arr) : 0;
    s->storage = am_xcalloc(n + 1, sizeof *s->storage);
    for (size_t i = 0; ok && i < n; i++) {
        json_t *e = json_array_get(arr, i);
        uint64_t relid = 0, node = 0, xmin = 0;
        ok = json_uint(json_array_get(e, 0), UINT32_MAX, &relid) &&
             json_uint(json_array_get(e, 1), UINT32_MAX, &node) &&
             json_uint(json_array_get(e, 2), UINT32_MAX, &xmin);
        s->storage[i] = (source_storage_t){(uint32_t)relid, (uint32_t)node, (uint32_t)xmin};
        s->n_storage += ok;
    }
    json_decref(arr);
    return ok;
}

/* "1 3" (an int2vector) -> key attnums; "-" is no identity; "" is FULL: every published
 * column. */
static void parse_key(const char *text, source_table_state_t *s)
{
    s->key = am_xcalloc(s->n_attrs + 1, sizeof *s->key);
    if (strcmp(text, "-") == 0)
        return;
    if (*text == '\0') {
        for (size_t i = 0; i < s->n_attrs; i++)
            if (!s->attrs[i].generated)
                s->key[s->n_key++] = s->attrs[i].attnum;
        return;
    }
    for (const char *p = text; *p && s->n_key < s->n_attrs;) {
        char *end = NULL;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        s->key[s->n_key++] = (int16_t)v;
        p = end;
    }
}

static bool parse_state(const PGresult *res, int row, source_table_state_t *s)
{
    s->relid = (uint32_t)strtoul(PQgetvalue(res, row, 0), NULL, 10);
    s->schema = am_xstrdup(PQgetvalue(res, row, 1));
    s->name = am_xstrdup(PQgetvalue(res, row, 2));
    s->relkind = PQgetvalue(res, row, 3)[0];
    s->replident = PQgetvalue(res, row, 4)[0];
    s->persistence = PQgetvalue(res, row, 8)[0];
    bool ok = parse_attrs(PQgetisnull(res, row, 6) ? "[]" : PQgetvalue(res, row, 6), s) &&
              parse_storage(PQgetisnull(res, row, 7) ? "[]" : PQgetvalue(res, row, 7), s);
    parse_key(PQgetvalue(res, row, 5), s);
    return ok;
}

char *source__oid_array(const uint32_t *relids, size_t n)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++)
        am_buf_printf(&b, "%s%u", i ? "," : "", relids[i]);
    am_buf_putc(&b, '}');
    return am_buf_steal(&b, NULL);
}

static bool states_query(PGconn *c, int version, const uint32_t *relids, size_t n,
                         source_table_state_t **out, size_t *n_out, am_err_t *err)
{
    char sql[sizeof STATES_SQL + 256];
    (void)snprintf(sql, sizeof sql, STATES_SQL, version >= 110000 ? "a.atthasmissing" : "false",
                   version >= 120000 ? "a.attgenerated <> ''" : "false",
                   version >= 120000 ? "SELECT c.oid UNION SELECT t.relid FROM "
                                       "pg_catalog.pg_partition_tree(c.oid) t"
                                     : "c.oid");
    char *oids = source__oid_array(relids, n);
    const char *params[1] = {oids};
    PGresult *res = source__exec(c, sql, 1, params, PGRES_TUPLES_OK, err);
    free(oids);
    if (!res)
        return false;
    size_t rows = (size_t)PQntuples(res);
    *out = am_xcalloc(rows + 1, sizeof **out);
    *n_out = 0;
    bool ok = PQnfields(res) == 9;
    for (size_t i = 0; ok && i < rows; i++) {
        (*n_out)++;
        ok = parse_state(res, (int)i, &(*out)[i]);
    }
    PQclear(res);
    if (!ok) {
        source_table_states_free(*out, *n_out);
        *out = NULL;
        *n_out = 0;
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "table states: unexpected answer");
    }
    return true;
}

bool source__table_states_on(PGconn *c, const uint32_t *relids, size_t n,
                             source_table_state_t **out, size_t *n_out, am_err_t *err)
{
    return states_query(c, PQserverVersion(c), relids, n, out, n_out, err);
}

bool source_table_states(source_t *src, const uint32_t *relids, size_t n,
                         source_table_state_t **out, size_t *n_out, am_lsn_t *after_lsn,
                         am_err_t *err)
{
    if (!states_query(src->sql, src->server_version, relids, n, out, n_out, err))
        return false;
    PGresult *res = source__exec(src->sql,
                                 src->server_version >= 100000
                                     ? "SELECT pg_catalog.pg_current_wal_insert_lsn()::text"
                                     : "SELECT pg_catalog.pg_current_xlog_insert_location()::text",
                                 0, NULL, PGRES_TUPLES_OK, err);
    bool ok = res && PQntuples(res) == 1 && am_lsn_parse(PQgetvalue(res, 0, 0), after_lsn);
    if (res && !ok)
        am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "pg_current_wal_insert_lsn: bad answer");
    PQclear(res);
    if (!ok) {
        source_table_states_free(*out, *n_out);
        *out = NULL;
        *n_out = 0;
    }
    return ok;
}

/* Whether 32-bit xid is visible in the transaction's snapshot: its 64-bit form taken from the
 * snapshot's xmax (an xid the stream just delivered is close below it). */
#define VISIBLE_SQL                                                                                \
    "WITH s AS (SELECT pg_catalog.pg_current_snapshot() AS s), "                                   \
    "f AS (SELECT s, pg_catalog.pg_snapshot_xmax(s)::pg_catalog.text::pg_catalog.int8 AS x "       \
    "FROM s) SELECT pg_catalog.pg_visible_in_snapshot((x - (((x & 4294967295) - $1::pg_catalog."   \
    "int8 + 4294967296) % 4294967296))::pg_catalog.text::pg_catalog.xid8, s) FROM f"

static bool exec_cmd(PGconn *c, const char *sql, am_err_t *err)
{
    PGresult *res = source__exec(c, sql, 0, NULL, PGRES_COMMAND_OK, err);
    PQclear(res);
    return res != NULL;
}

/* Inside the open transaction: xid is visible to its snapshot. */
static bool xid_visible(PGconn *c, uint32_t xid, bool *visible, am_err_t *err)
{
    char text[16];
    (void)snprintf(text, sizeof text, "%u", xid);
    const char *params[1] = {text};
    PGresult *res = source__exec(c, VISIBLE_SQL, 1, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    *visible = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return true;
}

/* One REPEATABLE READ transaction: the visibility of xid, then the states in the same
 * snapshot. */
static bool states_if_visible(source_t *src, uint32_t xid, const uint32_t *relids, size_t n,
                              source_table_state_t **out, size_t *n_out, bool *visible,
                              am_err_t *err)
{
    if (!exec_cmd(src->sql, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err))
        return false;
    bool ok =
        xid_visible(src->sql, xid, visible, err) &&
        (!*visible || states_query(src->sql, src->server_version, relids, n, out, n_out, err));
    am_err_t end_err = {0};
    if (!exec_cmd(src->sql, ok ? "COMMIT" : "ROLLBACK", &end_err) && ok) {
        *err = end_err;
        ok = false;
    }
    if (!ok && *out) {
        source_table_states_free(*out, *n_out);
        *out = NULL;
        *n_out = 0;
    }
    return ok;
}

/* One look: whether xid is visible, and what else the look reads in the same snapshot. */
typedef bool (*look_fn)(source_t *src, uint32_t xid, void *ud, bool *visible, am_err_t *err);

/* Looks (a few ms apart, up to wait_ms) until one sees xid; 55P03 when none does. */
static bool look_until_visible(source_t *src, uint32_t xid, int wait_ms, look_fn look, void *ud,
                               am_err_t *err)
{
    int64_t deadline = am_mono_us() + (int64_t)wait_ms * 1000;
    for (;;) {
        bool visible = false;
        if (!look(src, xid, ud, &visible, err))
            return false;
        if (visible)
            return true;
        if (am_mono_us() >= deadline)
            return am_err_set(err, "55P03",
                              "transaction %u came through the stream but stays invisible to "
                              "catalog reads",
                              xid);
        am_sleep_ms(2);
    }
}

/* Outside a transaction block: each statement's snapshot is a new one. */
static bool look_xid(source_t *src, uint32_t xid, void *ud, bool *visible, am_err_t *err)
{
    (void)ud;
    return xid_visible(src->sql, xid, visible, err);
}

bool source_xid_await_visible(source_t *src, uint32_t xid, int wait_ms, am_err_t *err)
{
    if (xid == 0 || src->server_version < 130000) /* nothing to wait for, or no xid8 */
        return true;
    return look_until_visible(src, xid, wait_ms, look_xid, NULL, err);
}

typedef struct states_look {
    const uint32_t *relids;
    size_t n;
    source_table_state_t **out;
    size_t *n_out;
} states_look_t;

static bool look_states(source_t *src, uint32_t xid, void *ud, bool *visible, am_err_t *err)
{
    states_look_t *l = ud;
    return states_if_visible(src, xid, l->relids, l->n, l->out, l->n_out, visible, err);
}

bool source_table_states_seeing(source_t *src, uint32_t xid, int wait_ms, const uint32_t *relids,
                                size_t n, source_table_state_t **out, size_t *n_out, am_err_t *err)
{
    *out = NULL;
    *n_out = 0;
    if (xid == 0 || src->server_version < 130000) /* nothing to wait for, or no xid8 */
        return states_query(src->sql, src->server_version, relids, n, out, n_out, err);
    states_look_t l = {relids, n, out, n_out};
    return look_until_visible(src, xid, wait_ms, look_states, &l, err);
}

/* ---- finding tables ------------------------------------------------------------------------ */

#define USER_TABLES_SQL                                                                            \
    "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c "                               \
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "      \
    "AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') "          \
    "AND n.nspname !~ '^pg_(toast|temp)' ORDER BY n.nspname, c.relname"

/* Tables of a FOR ALL TABLES or FOR TABLES IN SCHEMA publication (15: pg_publication_namespace)
 * as the publication publishes them: partitions on their own unless it publishes via the
 * root. */
#define PUB_TABLES_SQL                                                                             \
    "SELECT c.oid, t.schemaname, t.tablename FROM pg_catalog.pg_publication_tables t "             \
    "JOIN pg_catalog.pg_namespace n ON n.nspname = t.schemaname "                                  \
    "JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.tablename "            \
    "JOIN pg_catalog.pg_publication p ON p.pubname = t.pubname WHERE t.pubname = $1 AND "          \
    "(p.puballtables OR (%s))"

void source_table_ids_free(source_table_id_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ids[i].schema);
        free(ids[i].name);
    }
    free(ids);
}

static bool glob_match(const source_table_ref_t *globs, size_t n, const char *schema,
                       const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (fnmatch(globs[i].schema, schema, FNM_NOESCAPE) == 0 &&
            fnmatch(globs[i].name, name, FNM_NOESCAPE) == 0)
            return true;
    return false;
}

static void id_push(source_table_id_t **out, size_t *n, const PGresult *res, int row)
{
    uint32_t relid = (uint32_t)strtoul(PQgetvalue(res, row, 0), NULL, 10);
    for (size_t i = 0; i < *n; i++)
        if ((*out)[i].relid == relid)
            return;
    *out = am_xrealloc(*out, (*n + 1) * sizeof **out);
    (*out)[*n] = (source_table_id_t){.relid = relid,
                                     .schema = am_xstrdup(PQgetvalue(res, row, 1)),
                                     .name = am_xstrdup(PQgetvalue(res, row, 2))};
    (*n)++;
}

static bool publication_tables(source_t *src, source_table_id_t **out, size_t *n, bool *automatic,
                               am_err_t *err)
{
    char sql[sizeof PUB_TABLES_SQL + 160];
    (void)snprintf(sql, sizeof sql, PUB_TABLES_SQL,
                   src->server_version >= 150000
                       ? "EXISTS (SELECT 1 FROM pg_catalog.pg_publication_namespace s "
                         "WHERE s.pnpubid = p.oid)"
                       : "false");
    const char *params[1] = {src->opts.publication};
    PGresult *res = source__exec(src->sql, sql, 1, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    *automatic = PQntuples(res) > 0;
    for (int i = 0; i < PQntuples(res); i++)
        id_push(out, n, res, i);
    PQclear(res);
    return true;
}

#define INHERITS_SQL                                                                               \
    "SELECT i.inhparent::pg_catalog.int8, i.inhrelid::pg_catalog.int8 FROM "                       \
    "pg_catalog.pg_inherits "                                                                      \
    "i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent AND p.relkind = 'r' "                     \
    "WHERE i.inhparent = ANY ($1::pg_catalog.oid[]) ORDER BY 1, 2"

bool source_inherits_fp(source_t *src, const uint32_t *relids, size_t n, uint64_t *fp,
                        am_err_t *err)
{
    *fp = 0;
    if (n == 0)
        return true;
    char *oids = source__oid_array(relids, n);
    const char *params[1] = {oids};
    PGresult *res = source__exec(src->sql, INHERITS_SQL, 1, params, PGRES_TUPLES_OK, err);
    free(oids);
    if (!res)
        return false;
    am_buf_t b;
    am_buf_init(&b);
    for (int i = 0; i < PQntuples(res); i++)
        am_buf_printf(&b, "%s:%s,", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
    if (b.len)
        *fp = am_hash_bytes(b.data, b.len) | 1;
    am_buf_destroy(&b);
    PQclear(res);
    return true;
}

/* pg_partition_root is PostgreSQL 12's; before it, the parent is enough to name */
#define PARTITION_ROOT_SQL                                                                         \
    "SELECT rn.nspname, r.relname FROM pg_catalog.pg_class c "                                     \
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "                                    \
    "JOIN pg_catalog.pg_class r ON r.oid = %s "                                                    \
    "JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace "                                  \
    "WHERE c.relispartition AND n.nspname = $1 AND c.relname = $2"

bool source_partition_root(source_t *src, const char *schema, const char *name, char **root_out,
                           am_err_t *err)
{
    *root_out = NULL;
    const char *root = src->server_version >= 120000
                           ? "pg_catalog.pg_partition_root(c.oid)"
                           : "(SELECT i.inhparent FROM pg_catalog.pg_inherits i "
                             "WHERE i.inhrelid = c.oid LIMIT 1)";
    char *sql = am_xasprintf(PARTITION_ROOT_SQL, root);
    const char *params[2] = {schema, name};
    PGresult *res = source__exec(src->sql, sql, 2, params, PGRES_TUPLES_OK, err);
    free(sql);
    if (!res)
        return false;
    if (PQntuples(res) > 0)
        *root_out = am_xasprintf("%s.%s", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
    PQclear(res);
    return true;
}

bool source_tables_match(source_t *src, const source_table_ref_t *globs, size_t n_globs,
                         source_table_id_t **out, size_t *n_out, bool *automatic, am_err_t *err)
{
    *out = NULL;
    *n_out = 0;
    *automatic = false;
    PGresult *res = source__exec(src->sql, USER_TABLES_SQL, 0, NULL, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    for (int i = 0; i < PQntuples(res); i++)
        if (glob_match(globs, n_globs, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2)))
            id_push(out, n_out, res, i);
    PQclear(res);
    if (!publication_tables(src, out, n_out, automatic, err)) {
        source_table_ids_free(*out, *n_out);
        *out = NULL;
        *n_out = 0;
        return false;
    }
    return true;
}
