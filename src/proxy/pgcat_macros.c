/*
 * proxy/pgcat_macros.c: DuckDB macros over the served catalog's tables, called by the SQL the
 * compiler writes for PostgreSQL's catalog functions (sqlc_funccat.c): the definitions come
 * from the "am" relations the source computed (pg_get_indexdef ...), descriptions from the
 * copied pg_description. Created with each new catalog, in the same transaction as its tables.
 */
#include "proxy/proxy_internal.h"

#define CAT "am_cat.\"pg_catalog."
#define AM "am_cat.\"am."

static const char *const macros[] = {
    "CREATE OR REPLACE MACRO am_indexdef(i, c, p) AS (SELECT def FROM " AM "indexdef\" "
    "WHERE indexrelid = i AND colno = c AND pretty = p LIMIT 1)",
    "CREATE OR REPLACE MACRO am_constraintdef(o, p) AS (SELECT def FROM " AM "constraintdef\" "
    "WHERE oid = o AND pretty = p LIMIT 1)",
    "CREATE OR REPLACE MACRO am_expr(n, r, p) AS (SELECT def FROM " AM "expr\" "
    "WHERE node = n AND relid = r AND pretty = p LIMIT 1)",
    "CREATE OR REPLACE MACRO am_triggerdef(o, p) AS (SELECT def FROM " AM "triggerdef\" "
    "WHERE oid = o AND pretty = p LIMIT 1)",
    "CREATE OR REPLACE MACRO am_ruledef(o, p) AS (SELECT def FROM " AM "ruledef\" "
    "WHERE oid = o AND pretty = p LIMIT 1)",
    "CREATE OR REPLACE MACRO am_statisticsobjdef(o) AS (SELECT def FROM " AM
    "statisticsobjdef\" WHERE oid = o LIMIT 1)",
    "CREATE OR REPLACE MACRO am_statisticsobjdef_columns(o) AS (SELECT columns FROM " AM
    "statisticsobjdef\" WHERE oid = o LIMIT 1)",
    "CREATE OR REPLACE MACRO am_partkeydef(o) AS (SELECT def FROM " AM "partkeydef\" "
    "WHERE oid = o LIMIT 1)",
    /* pg_get_serial_sequence('[schema.]table', 'column'): the table name folds to lower case,
     * the column name is taken as it is (PostgreSQL's documented rule) */
    "CREATE OR REPLACE MACRO am_serial_sequence(t, col, path) AS (SELECT s.seq FROM " AM
    "serial_sequence\" s JOIN " CAT "pg_class\" c ON c.oid = s.relid JOIN " CAT
    "pg_namespace\" n ON n.oid = c.relnamespace WHERE s.attname = col AND (n.nspname || '.' "
    "|| c.relname = lower(t) OR (c.relname = lower(t) AND list_contains(path, n.nspname))) "
    "LIMIT 1)",
    "CREATE OR REPLACE MACRO am_obj_description(o, catname) AS (SELECT d.description FROM " CAT
    "pg_description\" d WHERE d.objoid = o AND d.objsubid = 0 AND (catname IS NULL OR "
    "d.classoid = (SELECT c.oid FROM " CAT "pg_class\" c WHERE c.relname = catname AND "
    "c.relnamespace = 11)) LIMIT 1)",
    "CREATE OR REPLACE MACRO am_col_description(t, n) AS (SELECT d.description FROM " CAT
    "pg_description\" d WHERE d.objoid = t AND d.classoid = 1259 AND d.objsubid = n LIMIT 1)",
    "CREATE OR REPLACE MACRO am_shobj_description(o, catname) AS (SELECT d.description FROM " CAT
    "pg_shdescription\" d WHERE d.objoid = o AND d.classoid = (SELECT c.oid FROM " CAT
    "pg_class\" c WHERE c.relname = catname AND c.relnamespace = 11) LIMIT 1)",
    /* the mirror is read-only: SELECT is the only privilege it can grant */
    "CREATE OR REPLACE MACRO am_has_table_privilege(t, priv) AS (upper(priv) IN ('SELECT', "
    "'SELECT WITH GRANT OPTION'))",
    "CREATE OR REPLACE MACRO am_has_role(r, priv) AS true",
    "CREATE OR REPLACE MACRO am_function_arguments(o) AS CAST(NULL AS VARCHAR)",
    "CREATE OR REPLACE MACRO am_function_result(o) AS CAST(NULL AS VARCHAR)",
    "CREATE OR REPLACE MACRO am_relsize(r) AS CAST(NULL AS BIGINT)",
    "CREATE OR REPLACE MACRO am_database_size() AS CAST(NULL AS BIGINT)",
};

bool proxy__pgcat_macros(const proxy_pgcat_t *cat, duckdb_connection con, am_err_t *err)
{
    (void)cat;
    for (size_t i = 0; i < AM_ARRAY_LEN(macros); i++)
        if (!proxy__duck_exec(con, macros[i], err)) {
            am_err_prefix(err, "catalog macro %zu", i);
            return false;
        }
    return true;
}
