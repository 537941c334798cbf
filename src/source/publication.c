/*
 * source/publication.c: the publications the stream reads, set up so that installing the
 * mirror never changes what the source application may do. PostgreSQL refuses UPDATE and
 * DELETE on a table that has no replica identity and is in a publication publishing them
 * (55000, postgres.md §1.6); so each table's identity is checked before any publication is
 * touched:
 *   primary key, REPLICA IDENTITY USING INDEX or FULL -> the publication (every change)
 *   no identity, insert_only                          -> "<publication>_ins", created with
 *                                                        publish = 'insert, truncate'
 *   no identity otherwise                             -> refused, and removed from our
 *                                                        publication if an earlier version
 *                                                        had added it
 * A missing publication is created FOR TABLE; an existing one gains what it lacks (a FOR
 * TABLES IN SCHEMA one too); a FOR ALL TABLES one has everything and stays as it is. An existing
 * one must publish every kind of change the mirror needs, whole rows (no row filter, no column
 * list) and partitions under their root, or the mirror refuses it (55000, naming the fix), at
 * set-up and at every catalog check: a publication that leaves changes out would make the
 * mirror serve rows PostgreSQL no longer has. Replica identity itself is never changed. Names are
 * quoted with am_sql_ident, values go as parameters. Spec: PostgreSQL docs, CREATE PUBLICATION /
 * ALTER PUBLICATION, "Replica Identity"; postgres.md §1.1, §1.6.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <stdlib.h>
#include <string.h>

#define INS_SUFFIX "_ins"
#define NAME_MAX_BYTES 63

void source__ins_publication(const char *publication, char *out, size_t out_len)
{
    size_t keep = strlen(publication);
    if (keep > NAME_MAX_BYTES - strlen(INS_SUFFIX))
        keep = NAME_MAX_BYTES - strlen(INS_SUFFIX);
    (void)snprintf(out, out_len, "%.*s" INS_SUFFIX, (int)keep, publication);
}

void source_refusal_message(const char *schema, const char *name, source_publish_t result,
                            char *out, size_t out_len)
{
    if (result == SOURCE_REFUSED_UNLOGGED) {
        (void)snprintf(out, out_len,
                       "table %s.%s is UNLOGGED: PostgreSQL writes none of its changes to the "
                       "WAL, so logical replication never sees them and its mirror would go "
                       "stale; run ALTER TABLE %s.%s SET LOGGED and restart the mirror, or leave "
                       "it out of the configuration",
                       schema, name, schema, name);
        return;
    }
    (void)snprintf(out, out_len,
                   "table %s.%s has no replica identity (no primary key): publishing its "
                   "updates and deletes would make PostgreSQL refuse them to the application; "
                   "add a primary key, or run ALTER TABLE %s.%s REPLICA IDENTITY FULL, or set "
                   "insert_only: true for it in the configuration to mirror its inserts only",
                   schema, name, schema, name);
}

/* relreplident and whether that identity has columns: 'd' with a primary key, 'i' with its
 * index, 'f'; relpersistence. 42P01 when there is no such table. */
#define IDENTITY_SQL                                                                               \
    "SELECT c.relreplident, CASE c.relreplident WHEN 'f' THEN true "                               \
    "WHEN 'd' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid "          \
    "AND i.indisprimary) WHEN 'i' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_index i "               \
    "WHERE i.indrelid = c.oid AND i.indisreplident) ELSE false END, c.relpersistence "             \
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "         \
    "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')"

static bool identity_check(PGconn *c, const source_table_ref_t *t, bool *has, bool *logged,
                           am_err_t *err)
{
    const char *params[2] = {t->schema, t->name};
    PGresult *res = source__exec(c, IDENTITY_SQL, 2, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    bool found = PQntuples(res) > 0;
    *has = found && PQgetvalue(res, 0, 1)[0] == 't';
    *logged = found && PQgetvalue(res, 0, 2)[0] == 'p';
    PQclear(res);
    if (!found)
        return am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table \"%s.%s\" does not exist",
                          t->schema, t->name);
    return true;
}

/* ONLY: a table with inheritance children is one table to the mirror; without it, PostgreSQL
 * would add (or drop) the children as well. (Partitions follow a partitioned table anyway.) */
static void put_table(am_buf_t *b, const source_table_ref_t *t)
{
    am_buf_puts(b, "ONLY ");
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

typedef struct pub {
    const char *name;
    bool inserts_only;
    bool exists;
    bool automatic; /* FOR ALL TABLES: it has every table already; left alone */
} pub_t;

static bool pub_find(source_t *src, pub_t *p, am_err_t *err)
{
    const char *params[1] = {p->name};
    PGresult *res = source__exec(src->sql,
                                 "SELECT puballtables FROM pg_catalog.pg_publication "
                                 "WHERE pubname = $1",
                                 1, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    p->exists = PQntuples(res) > 0;
    p->automatic = p->exists && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return true;
}

static bool pub_has(source_t *src, const pub_t *p, const source_table_ref_t *t, bool *has,
                    am_err_t *err)
{
    const char *params[3] = {p->name, t->schema, t->name};
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

/* CREATE PUBLICATION p FOR TABLE t (no table: an empty one the stream can name). */
static bool pub_create(source_t *src, pub_t *p, const source_table_ref_t *t, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "CREATE PUBLICATION ");
    am_sql_ident(&sql, p->name);
    if (t) {
        am_buf_puts(&sql, " FOR TABLE ");
        put_table(&sql, t);
    }
    /* changes of partitions arrive under the configured (root) table's name and OID */
    const char *via_root =
        src->server_version >= 130000 ? "publish_via_partition_root = true" : NULL;
    if (p->inserts_only)
        am_buf_printf(&sql, " WITH (publish = 'insert, truncate'%s%s)", via_root ? ", " : "",
                      via_root ? via_root : "");
    else if (via_root)
        am_buf_printf(&sql, " WITH (%s)", via_root);
    bool ok = run(src->sql, &sql, err);
    am_buf_destroy(&sql);
    if (ok) {
        p->exists = true;
        am_log_info("source", "created publication", AM_KV_STR("publication", p->name),
                    AM_KV_STR("publish", p->inserts_only ? "insert, truncate" : "all"));
    }
    return ok;
}

/* ALTER PUBLICATION p ADD or DROP TABLE t. */
static bool pub_alter(source_t *src, const pub_t *p, const source_table_ref_t *t, bool add,
                      am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "ALTER PUBLICATION ");
    am_sql_ident(&sql, p->name);
    am_buf_puts(&sql, add ? " ADD TABLE " : " DROP TABLE ");
    put_table(&sql, t);
    bool ok = run(src->sql, &sql, err);
    am_buf_destroy(&sql);
    if (ok)
        am_log_info("source", add ? "added table to publication" : "removed table from publication",
                    AM_KV_STR("publication", p->name), AM_KV_STR("schema", t->schema),
                    AM_KV_STR("table", t->name));
    return ok;
}

/* t must be in p (add) or out of it (!add), unless p is the owner's automatic one. */
static bool pub_ensure(source_t *src, pub_t *p, const source_table_ref_t *t, bool add,
                       am_err_t *err)
{
    if (!p->exists)
        return !add || pub_create(src, p, t, err);
    if (p->automatic)
        return true;
    bool has = false;
    if (!pub_has(src, p, t, &has, err))
        return false;
    return has == add || pub_alter(src, p, t, add, err);
}

/* What happens to t, from its identity: checked for every table before anything changes. */
static bool classify(source_t *src, const source_table_ref_t *t, bool insert_only,
                     source_publish_t *result, am_err_t *err)
{
    bool has = false, logged = false;
    if (!identity_check(src->sql, t, &has, &logged, err))
        return false;
    *result = !logged       ? SOURCE_REFUSED_UNLOGGED
              : has         ? SOURCE_PUBLISHED
              : insert_only ? SOURCE_PUBLISHED_INSERTS
                            : SOURCE_REFUSED;
    return true;
}

/* A table we will not publish must not stay in our publication; when we cannot take it out
 * (not the owner), saying so is all we can do. */
static void keep_out(source_t *src, pub_t *main_pub, const source_table_ref_t *t)
{
    am_err_t err = {0};
    char why[512];
    source_refusal_message(t->schema, t->name, SOURCE_REFUSED, why, sizeof why);
    if (main_pub->automatic)
        am_log_warn("source",
                    "the publication publishes every change of a table without a "
                    "replica identity; it is not ours to change",
                    AM_KV_STR("publication", main_pub->name), AM_KV_STR("detail", why));
    else if (!pub_ensure(src, main_pub, t, false, &err))
        am_log_warn("source",
                    "could not take a table without a replica identity out of the "
                    "publication",
                    AM_KV_STR("publication", main_pub->name), AM_KV_ERR(&err),
                    AM_KV_STR("detail", why));
}

static bool publish_one(source_t *src, pub_t *main_pub, pub_t *ins, const source_table_ref_t *t,
                        source_publish_t result, am_err_t *err)
{
    if (result == SOURCE_PUBLISHED)
        return pub_ensure(src, main_pub, t, true, err);
    if (result == SOURCE_REFUSED_UNLOGGED) /* PostgreSQL keeps it out of FOR TABLE ones */
        return true;
    keep_out(src, main_pub, t);
    return result == SOURCE_REFUSED || pub_ensure(src, ins, t, true, err);
}

static void set_tables(source_t *src, const source_table_ref_t *tables, size_t n,
                       const source_publish_t *result, bool keep_refused)
{
    source__tables_free(&src->opts);
    source_table_ref_t *copy = am_xcalloc(n + 1, sizeof *copy);
    bool *ins = am_xcalloc(n + 1, sizeof *ins);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (source_refused(result[i]) && !keep_refused)
            continue;
        copy[k].schema = am_xstrdup(tables[i].schema ? tables[i].schema : "public");
        copy[k].name = am_xstrdup(tables[i].name);
        ins[k++] = result[i] == SOURCE_PUBLISHED_INSERTS;
    }
    src->opts.tables = copy;
    src->opts.insert_only = ins;
    src->opts.n_tables = k;
}

/* ---- what an existing publication publishes --------------------------------------------- */

/* The flags (pubtruncate 11+, pubviaroot 13+), then the mirrored tables with a row filter or a
 * column list (15+), then the mirrored partitioned tables. $2: relids, $3/$4: schemas and
 * names; a table is mirrored when either names it. */
#define PUB_CHECK_SQL                                                                              \
    "SELECT p.pubinsert, p.pubupdate, p.pubdelete, %s, %s, "                                       \
    "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(n.nspname) || '.' || "                   \
    "pg_catalog.quote_ident(c.relname), ', ' ORDER BY n.nspname, c.relname) "                      \
    "FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid "      \
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE pr.prpubid = p.oid AND (%s) "  \
    "AND " MIRRORED_SQL "), "                                                                      \
    "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(n.nspname) || '.' || "                   \
    "pg_catalog.quote_ident(c.relname), ', ' ORDER BY n.nspname, c.relname) "                      \
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "         \
    "WHERE c.relkind = 'p' AND " MIRRORED_SQL ") "                                                 \
    "FROM pg_catalog.pg_publication p WHERE p.pubname = $1"
#define MIRRORED_SQL                                                                               \
    "(c.oid = ANY ($2::pg_catalog.oid[]) OR (n.nspname, c.relname) IN (SELECT * FROM ROWS FROM "   \
    "(pg_catalog.unnest($3::pg_catalog.text[]), pg_catalog.unnest($4::pg_catalog.text[]))))"

/* {"a","b"} with every element quoted for an array literal. */
static char *text_array(const char *const *items, size_t n)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        am_buf_puts(&b, i ? ",\"" : "\"");
        for (const char *p = items[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                am_buf_putc(&b, '\\');
            am_buf_putc(&b, *p);
        }
        am_buf_putc(&b, '"');
    }
    am_buf_putc(&b, '}');
    return am_buf_steal(&b, NULL);
}

static void missing_kinds(const PGresult *res, bool inserts_only, am_buf_t *out)
{
    static const char *const kinds[] = {"inserts", "updates", "deletes", "truncates"};
    for (int i = 0; i < 4; i++) {
        if (inserts_only && (i == 1 || i == 2))
            continue;
        if (PQgetvalue(res, 0, i)[0] != 't')
            am_buf_printf(out, "%s%s", out->len ? ", " : "", kinds[i]);
    }
}

/* p, when it exists, publishes every change the mirror needs, of whole rows, partitions under
 * their root: anything less and the mirror would go on serving rows PostgreSQL has changed or
 * removed, without a word. */
static bool pub_check(source_t *src, const pub_t *p, const uint32_t *relids, size_t n_relids,
                      const source_table_ref_t *tables, size_t n_tables, am_err_t *err)
{
    int v = src->server_version;
    char sql[sizeof PUB_CHECK_SQL + 256];
    (void)snprintf(sql, sizeof sql, PUB_CHECK_SQL, v >= 110000 ? "p.pubtruncate" : "true",
                   v >= 130000 ? "p.pubviaroot" : "false",
                   v >= 150000 ? "pr.prqual IS NOT NULL OR pr.prattrs IS NOT NULL" : "false");
    const char **schemas = am_xcalloc(n_tables + 1, sizeof *schemas);
    const char **names = am_xcalloc(n_tables + 1, sizeof *names);
    for (size_t i = 0; i < n_tables; i++) {
        schemas[i] = tables[i].schema ? tables[i].schema : "public";
        names[i] = tables[i].name;
    }
    char *oids = source__oid_array(relids, n_relids), *sa = text_array(schemas, n_tables),
         *na = text_array(names, n_tables);
    const char *params[4] = {p->name, oids, sa, na};
    PGresult *res = source__exec(src->sql, sql, 4, params, PGRES_TUPLES_OK, err);
    free(oids);
    free(sa);
    free(na);
    free(schemas);
    free(names);
    if (!res)
        return false;
    bool ok = true;
    if (PQntuples(res) == 1) {
        am_buf_t missing;
        am_buf_init(&missing);
        missing_kinds(res, p->inserts_only, &missing);
        const char *fix = "or name a new one in postgres.publication (the mirror creates it)";
        if (missing.len)
            ok = am_err_set(
                err, "55000",
                "publication \"%s\" does not publish %s: the mirror would miss them "
                "and serve rows PostgreSQL has changed or removed; run ALTER "
                "PUBLICATION %s SET (publish = '%s'), %s",
                p->name, missing.data, p->name,
                p->inserts_only ? "insert, truncate" : "insert, update, delete, truncate", fix);
        else if (!PQgetisnull(res, 0, 5))
            ok = am_err_set(err, "55000",
                            "publication \"%s\" has a row filter or a column list for %s: the "
                            "mirror copies whole tables and would serve rows and columns the "
                            "stream no longer updates; drop the filter and the column list "
                            "(ALTER PUBLICATION %s SET TABLE ...), %s",
                            p->name, PQgetvalue(res, 0, 5), p->name, fix);
        else if (PQgetvalue(res, 0, 4)[0] != 't' && !PQgetisnull(res, 0, 6) &&
                 src->server_version >= 130000)
            ok = am_err_set(err, "55000",
                            "publication \"%s\" publishes the partitions of %s under their own "
                            "names (publish_via_partition_root is off): the mirror reads a "
                            "partitioned table as one; run ALTER PUBLICATION %s SET "
                            "(publish_via_partition_root = true), %s",
                            p->name, PQgetvalue(res, 0, 6), p->name, fix);
        am_buf_destroy(&missing);
    }
    PQclear(res);
    return ok;
}

bool source_publication_check(source_t *src, const uint32_t *relids, size_t n, am_err_t *err)
{
    char ins_name[NAME_MAX_BYTES + 1];
    source__ins_publication(src->opts.publication, ins_name, sizeof ins_name);
    pub_t main_pub = {.name = src->opts.publication};
    pub_t ins = {.name = ins_name, .inserts_only = true};
    return pub_check(src, &main_pub, relids, n, NULL, 0, err) &&
           pub_check(src, &ins, relids, n, NULL, 0, err);
}

/* $1: relids, $2: the publications' names; %s: the pg_publication_namespace arm (15+) */
#define MEMBERS_SQL                                                                                \
    "SELECT (SELECT pg_catalog.string_agg(k, ',' ORDER BY k) FROM ("                               \
    "SELECT 'a' || p.oid AS k FROM pg_catalog.pg_publication p "                                   \
    "WHERE p.pubname = ANY ($2::pg_catalog.text[]) AND p.puballtables "                            \
    "UNION ALL SELECT 'r' || pr.oid FROM pg_catalog.pg_publication_rel pr "                        \
    "JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid "                                      \
    "WHERE p.pubname = ANY ($2::pg_catalog.text[]) AND pr.prrelid = r.relid%s) x) "                \
    "FROM pg_catalog.unnest($1::pg_catalog.oid[]) WITH ORDINALITY AS r(relid, i) ORDER BY r.i"
#define MEMBERS_NSP_SQL                                                                            \
    " UNION ALL SELECT 'n' || pn.oid FROM pg_catalog.pg_publication_namespace pn "                 \
    "JOIN pg_catalog.pg_publication p ON p.oid = pn.pnpubid "                                      \
    "JOIN pg_catalog.pg_class c ON c.relnamespace = pn.pnnspid "                                   \
    "WHERE p.pubname = ANY ($2::pg_catalog.text[]) AND c.oid = r.relid"

bool source_publication_members(source_t *src, const uint32_t *relids, size_t n, char **out,
                                am_err_t *err)
{
    if (n == 0)
        return true;
    char ins_name[NAME_MAX_BYTES + 1];
    source__ins_publication(src->opts.publication, ins_name, sizeof ins_name);
    const char *names[2] = {src->opts.publication, ins_name};
    char *sql = am_xasprintf(MEMBERS_SQL, src->server_version >= 150000 ? MEMBERS_NSP_SQL : "");
    char *oids = source__oid_array(relids, n), *pubs = text_array(names, 2);
    const char *params[2] = {oids, pubs};
    PGresult *res = source__exec(src->sql, sql, 2, params, PGRES_TUPLES_OK, err);
    free(sql);
    free(oids);
    free(pubs);
    if (!res)
        return false;
    size_t rows = (size_t)PQntuples(res);
    for (size_t i = 0; rows == n && i < n; i++)
        out[i] = am_xstrdup(PQgetvalue(res, (int)i, 0));
    PQclear(res);
    return rows == n ||
           am_err_set(err, "XX000", "publication members: %zu rows for %zu tables", rows, n);
}

#define ROWS_SQL                                                                                   \
    "SELECT pg_catalog.string_agg(CASE WHEN p.pubname = $1 THEN 'main=' ELSE 'ins=' END || "       \
    "p.oid || ':' || p.xmin, ',' ORDER BY p.pubname <> $1) FROM pg_catalog.pg_publication p "      \
    "WHERE p.pubname IN ($1, $2)"

bool source_publication_rows(source_t *src, char **out, am_err_t *err)
{
    char ins_name[NAME_MAX_BYTES + 1];
    source__ins_publication(src->opts.publication, ins_name, sizeof ins_name);
    const char *params[2] = {src->opts.publication, ins_name};
    PGresult *res = source__exec(src->sql, ROWS_SQL, 2, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    *out = am_xstrdup(PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return true;
}

/* The "<key>=<oid>:<xmin>" entry of key in rows, as its length after "key=" (0: none). */
static size_t rows_entry(const char *rows, const char *key, const char **val)
{
    size_t klen = strlen(key);
    for (const char *p = rows; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            *val = p + klen + 1;
            return len - klen - 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

bool source_publication_rows_changed(const char *recorded, const char *now)
{
    static const char *const keys[] = {"main", "ins"};
    for (size_t i = 0; i < AM_ARRAY_LEN(keys); i++) {
        const char *a = NULL, *b = NULL;
        size_t la = rows_entry(recorded, keys[i], &a), lb = rows_entry(now, keys[i], &b);
        if (la && (la != lb || strncmp(a, b, la) != 0))
            return true;
    }
    return false;
}

static bool publish_all(source_t *src, const source_table_ref_t *tables, const bool *insert_only,
                        size_t n, source_publish_t *result, bool keep_refused, am_err_t *err)
{
    char ins_name[NAME_MAX_BYTES + 1];
    source__ins_publication(src->opts.publication, ins_name, sizeof ins_name);
    pub_t main_pub = {.name = src->opts.publication};
    pub_t ins = {.name = ins_name, .inserts_only = true};
    if (!pub_find(src, &main_pub, err) || !pub_find(src, &ins, err))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!classify(src, &tables[i], insert_only && insert_only[i], &result[i], err))
            return false;
    for (size_t i = 0; i < n; i++) {
        if (!publish_one(src, &main_pub, &ins, &tables[i], result[i], err)) {
            am_err_prefix(err, "table %s.%s", tables[i].schema, tables[i].name);
            return false;
        }
    }
    /* START_REPLICATION names it: it must exist even while it publishes nothing */
    if (!main_pub.exists && !pub_create(src, &main_pub, NULL, err))
        return false;
    if (!pub_check(src, &main_pub, NULL, 0, tables, n, err) ||
        (ins.exists && !pub_check(src, &ins, NULL, 0, tables, n, err)))
        return false;
    src->has_ins_pub = ins.exists;
    set_tables(src, tables, n, result, keep_refused);
    return true;
}

bool source_tables_publish(source_t *src, const source_table_ref_t *tables, const bool *insert_only,
                           size_t n, source_publish_t *result, am_err_t *err)
{
    return publish_all(src, tables, insert_only, n, result, false, err);
}

bool source__publication_setup(source_t *src, am_err_t *err)
{
    size_t n = src->opts.n_tables;
    source_table_ref_t *tables = am_xcalloc(n + 1, sizeof *tables);
    bool *ins = am_xcalloc(n + 1, sizeof *ins);
    source_publish_t *result = am_xcalloc(n + 1, sizeof *result);
    for (size_t i = 0; i < n; i++) { /* set_tables replaces the strings: borrow copies */
        tables[i].schema = am_xstrdup(src->opts.tables[i].schema);
        tables[i].name = am_xstrdup(src->opts.tables[i].name);
        ins[i] = src->opts.insert_only && src->opts.insert_only[i];
    }
    /* a refused table stays listed (it can be copied and described) but out of the
     * publications: its changes do not come, and the application's keep working */
    bool ok = publish_all(src, tables, ins, n, result, true, err);
    for (size_t i = 0; i < n; i++) {
        free((char *)tables[i].schema);
        free((char *)tables[i].name);
    }
    free(tables);
    free(ins);
    free(result);
    return ok;
}
