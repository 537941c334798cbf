/*
 * proxy/pgcat_macros.c: DuckDB macros over the served catalog's tables, called by the SQL the
 * compiler writes for PostgreSQL's catalog functions (sqlc_funccat.c): the definitions come
 * from the "am" relations the source computed (pg_get_indexdef ...), descriptions from the
 * copied pg_description. Created with each new catalog, in the same transaction as its tables.
 */
#include "proxy/proxy_internal.h"

#define CAT "am_cat.\"pg_catalog."
#define AM "am_cat.\"am."

static const struct {
    const char *name;
    const char *params;
    const char *body;
} macros[] = {
    {"am_indexdef", "i, c, p",
     "(SELECT def FROM " AM "indexdef\" "
     "WHERE indexrelid = i AND colno = c AND pretty = p LIMIT 1)"},
    {"am_constraintdef", "o, p",
     "(SELECT def FROM " AM "constraintdef\" "
     "WHERE oid = o AND pretty = p LIMIT 1)"},
    {"am_expr", "n, r, p",
     "(SELECT def FROM " AM "expr\" "
     "WHERE node = n AND relid = r AND pretty = p LIMIT 1)"},
    {"am_triggerdef", "o, p",
     "(SELECT def FROM " AM "triggerdef\" "
     "WHERE oid = o AND pretty = p LIMIT 1)"},
    {"am_ruledef", "o, p",
     "(SELECT def FROM " AM "ruledef\" "
     "WHERE oid = o AND pretty = p LIMIT 1)"},
    {"am_statisticsobjdef", "o",
     "(SELECT def FROM " AM "statisticsobjdef\" WHERE oid = o LIMIT 1)"},
    {"am_statisticsobjdef_columns", "o",
     "(SELECT columns FROM " AM "statisticsobjdef\" WHERE oid = o LIMIT 1)"},
    {"am_partkeydef", "o",
     "(SELECT def FROM " AM "partkeydef\" "
     "WHERE oid = o LIMIT 1)"},
    /* pg_get_serial_sequence('[schema.]table', 'column'): the table name folds to lower case,
     * the column name is taken as it is (PostgreSQL's documented rule) */
    {"am_serial_sequence", "t, col, path",
     "(SELECT s.seq FROM " AM "serial_sequence\" s JOIN " CAT
     "pg_class\" c ON c.oid = s.relid JOIN " CAT
     "pg_namespace\" n ON n.oid = c.relnamespace WHERE s.attname = col AND (n.nspname || '.' "
     "|| c.relname = lower(t) OR (c.relname = lower(t) AND list_contains(path, n.nspname))) "
     "LIMIT 1)"},
    /* text::regclass (text_regclass) of a value computed at run time: a name, quoted parts
     * parsed as parse_ident does, found in pg_catalog and then on the search path */
    {"am_regclass_in", "t, path",
     "(CASE WHEN t IS NULL THEN NULL ELSE coalesce((SELECT c.oid FROM " CAT "pg_class\" c JOIN " CAT
     "pg_namespace\" n ON n.oid = c.relnamespace, (SELECT CASE WHEN contains(t, '\"') THEN "
     "am_parse_ident(t, true) ELSE "
     "list_transform(string_split(t, '.'), x -> lower(trim(x))) END AS p) q WHERE "
     "(len(q.p) >= 2 AND n.nspname = q.p[len(q.p) - 1] AND c.relname = q.p[len(q.p)]) OR "
     "(len(q.p) = 1 AND c.relname = q.p[1] AND list_contains(['pg_catalog'] || path, "
     "n.nspname)) ORDER BY list_position(['pg_catalog'] || path, n.nspname) LIMIT 1), "
     "error('42P01 relation \"' || t || '\" does not exist')) END)"},
    {"am_obj_description", "o, catname",
     "(SELECT d.description FROM " CAT
     "pg_description\" d WHERE d.objoid = o AND d.objsubid = 0 AND (catname IS NULL OR "
     "d.classoid = (SELECT c.oid FROM " CAT "pg_class\" c WHERE c.relname = catname AND "
     "c.relnamespace = 11)) LIMIT 1)"},
    {"am_col_description", "t, n",
     "(SELECT d.description FROM " CAT
     "pg_description\" d WHERE d.objoid = t AND d.classoid = 1259 AND d.objsubid = n LIMIT 1)"},
    {"am_shobj_description", "o, catname",
     "(SELECT d.description FROM " CAT
     "pg_shdescription\" d WHERE d.objoid = o AND d.classoid = (SELECT c.oid FROM " CAT
     "pg_class\" c WHERE c.relname = catname AND c.relnamespace = 11) LIMIT 1)"},
    /* the mirror is read-only: SELECT is the only privilege it can grant */
    {"am_has_table_privilege", "t, priv",
     "(upper(priv) IN ('SELECT', 'SELECT WITH GRANT OPTION'))"},
    /* set-returning catalog functions: a LIST of STRUCTs the compiler unnests */
    {"am_keywords", "",
     "(SELECT list({'word': word, 'catcode': catcode, 'barelabel': barelabel, 'catdesc': "
     "catdesc, 'baredesc': baredesc} ORDER BY word) FROM " AM "keywords\")"},
    /* the relation itself, then its parents up the tree; nothing when it is not partitioned */
    {"am_partition_ancestors", "r",
     "(WITH RECURSIVE a(relid, d) AS (SELECT c.oid, 0 FROM " CAT "pg_class\" c WHERE c.oid = r "
     "AND (c.relispartition OR c.relkind IN ('p', 'I')) UNION ALL SELECT i.inhparent, a.d + 1 "
     "FROM a JOIN " CAT "pg_inherits\" i ON i.inhrelid = a.relid) SELECT list(relid ORDER BY d) "
     "FROM a)"},
    {"am_partition_tree", "r",
     "(WITH RECURSIVE t(relid, parentrelid, level) AS (SELECT c.oid, (SELECT i.inhparent FROM " CAT
     "pg_inherits\" i WHERE i.inhrelid = c.oid LIMIT 1), 0 FROM " CAT "pg_class\" c WHERE "
     "c.oid = r AND (c.relispartition OR c.relkind IN ('p', 'I')) UNION ALL SELECT i.inhrelid, "
     "i.inhparent, t.level + 1 FROM t JOIN " CAT "pg_inherits\" i ON i.inhparent = t.relid) "
     "SELECT list({'relid': t.relid, 'parentrelid': t.parentrelid, 'isleaf': c.relkind NOT IN "
     "('p', 'I'), 'level': CAST(t.level AS INTEGER)} ORDER BY t.level, t.relid) FROM t JOIN " CAT
     "pg_class\" c ON c.oid = t.relid)"},
    /* is_publishable_class: a permanent user table */
    {"am_relation_is_publishable", "r",
     "(SELECT c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND c.oid >= 16384 FROM " CAT
     "pg_class\" c WHERE c.oid = r)"},
    {"am_has_role", "r, priv", "true"},
    {"am_function_arguments", "o", "(SELECT args FROM " AM "functions\" WHERE oid = o LIMIT 1)"},
    {"am_function_identity_arguments", "o",
     "(SELECT identity_args FROM " AM "functions\" WHERE oid = o LIMIT 1)"},
    {"am_function_result", "o", "(SELECT result FROM " AM "functions\" WHERE oid = o LIMIT 1)"},
    /* visible when its schema is on the path (pg_catalog always is) */
    {"am_opfamily_is_visible", "o, path",
     "(SELECT n.nspname = 'pg_catalog' OR list_contains(path, n.nspname) FROM " CAT
     "pg_opfamily\" x JOIN " CAT "pg_namespace\" n ON n.oid = x.opfnamespace WHERE x.oid = o)"},
    {"am_opclass_is_visible", "o, path",
     "(SELECT n.nspname = 'pg_catalog' OR list_contains(path, n.nspname) FROM " CAT
     "pg_opclass\" x JOIN " CAT "pg_namespace\" n ON n.oid = x.opcnamespace WHERE x.oid = o)"},
    {"am_operator_is_visible", "o, path",
     "(SELECT n.nspname = 'pg_catalog' OR list_contains(path, n.nspname) FROM " CAT
     "pg_operator\" x JOIN " CAT "pg_namespace\" n ON n.oid = x.oprnamespace WHERE x.oid = o)"},
    /* the lake's bytes: the live data and delete files of each table's snapshot */
    {"am_relsize", "r", "(SELECT bytes FROM am_data.am_stats WHERE relid = r)"},
    {"am_database_size", "", "(SELECT CAST(sum(bytes) AS BIGINT) FROM am_data.am_stats)"},
};

bool proxy__pgcat_macros(const proxy_pgcat_t *cat, duckdb_connection con, am_err_t *err)
{
    (void)cat;
    am_buf_t sql;
    am_buf_init(&sql);
    bool ok = true;
    for (size_t i = 0; ok && i < AM_ARRAY_LEN(macros); i++) {
        am_buf_reset(&sql);
        am_buf_printf(&sql, "CREATE OR REPLACE MACRO %s(%s) AS %s", macros[i].name,
                      macros[i].params, macros[i].body);
        am_err_t e = {0};
        if (proxy__duck_exec(con, sql.data, &e))
            continue;
        /* a catalog without that relation: the function answers NULL, as for an unknown OID */
        am_log_debug("proxy", "catalog macro without its table", AM_KV_STR("macro", macros[i].name),
                     AM_KV_ERR(&e));
        am_buf_reset(&sql);
        am_buf_printf(&sql, "CREATE OR REPLACE MACRO %s(%s) AS NULL", macros[i].name,
                      macros[i].params);
        ok = proxy__duck_exec(con, sql.data, err);
    }
    am_buf_destroy(&sql);
    return ok;
}
