/*
 * proxy/sqlc_funccat.c: PostgreSQL's catalog functions, answered from the served catalog: the
 * definitions PostgreSQL would print (pg_get_indexdef, pg_get_constraintdef, pg_get_expr ...)
 * are the source's own text copied with the catalog; names, visibility and descriptions are
 * looked up in the copied rows. The am_* macros they call are created with the catalog
 * (pgcat_macros.c).
 * Spec: PostgreSQL 15 docs "System Information Functions and Operators" (9.26).
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

#define O PG_OID_OID
#define I4 PG_OID_INT4
#define I8 PG_OID_INT8
#define T PG_OID_TEXT
#define B PG_OID_BOOL
#define NM PG_OID_NAME
#define NT PG_OID_PG_NODE_TREE
#define N PG_OID_NUMERIC
#define RC PG_OID_REGCLASS

#define C1(name, a, res, t)                                                                        \
    {                                                                                              \
        name, 1, {a}, res, t, NULL, 0, NULL                                                        \
    }
#define C2(name, a, b, res, t)                                                                     \
    {                                                                                              \
        name, 2, {a, b}, res, t, NULL, 0, NULL                                                     \
    }
#define C3(name, a, b, c, res, t)                                                                  \
    {                                                                                              \
        name, 3, {a, b, c}, res, t, NULL, 0, NULL                                                  \
    }
#define SRF1(name, a, res, t)                                                                      \
    {                                                                                              \
        name, 1, {a}, res, t, NULL, SQLC_F_SRF, NULL                                               \
    }

/* %P is the session's resolved search path as a DuckDB list (visibility, name output). */
static const sqlc_sig_t catfuncs[] = {
    C2("format_type", O, I4, T, "am_format_type(%1, %2, %P)"),
    C1("pg_get_indexdef", O, T, "am_indexdef(%1, 0, false)"),
    C3("pg_get_indexdef", O, I4, B, T, "am_indexdef(%1, %2, %3)"),
    C1("pg_get_constraintdef", O, T, "am_constraintdef(%1, false)"),
    C2("pg_get_constraintdef", O, B, T, "am_constraintdef(%1, %2)"),
    C2("pg_get_expr", NT, O, T, "am_expr(%1, %2, false)"),
    C3("pg_get_expr", NT, O, B, T, "am_expr(%1, %2, %3)"),
    C2("pg_get_expr", T, O, T, "am_expr(%1, %2, false)"),
    C3("pg_get_expr", T, O, B, T, "am_expr(%1, %2, %3)"),
    C1("pg_get_triggerdef", O, T, "am_triggerdef(%1, false)"),
    C2("pg_get_triggerdef", O, B, T, "am_triggerdef(%1, %2)"),
    C1("pg_get_ruledef", O, T, "am_ruledef(%1, false)"),
    C2("pg_get_ruledef", O, B, T, "am_ruledef(%1, %2)"),
    C1("pg_get_statisticsobjdef", O, T, "am_statisticsobjdef(%1)"),
    C1("pg_get_statisticsobjdef_columns", O, T, "am_statisticsobjdef_columns(%1)"),
    C1("pg_get_partkeydef", O, T, "am_partkeydef(%1)"),
    C2("pg_get_serial_sequence", T, T, T, "am_serial_sequence(%1, %2, %P)"),
    C1("pg_get_userbyid", O, NM, "am_userbyid(%1)"),
    C1("pg_get_viewdef", O, T, "CAST(NULL AS VARCHAR)"),
    C2("pg_get_viewdef", O, B, T, "CAST(NULL AS VARCHAR)"),
    C1("pg_get_function_arguments", O, T, "am_function_arguments(%1)"),
    C1("pg_get_function_identity_arguments", O, T, "am_function_identity_arguments(%1)"),
    /* the copied functions are pg_catalog's own, written in C or internal: no SQL body */
    C1("pg_get_function_sqlbody", O, T, "CAST(NULL AS VARCHAR)"),
    C1("pg_operator_is_visible", O, B, "am_operator_is_visible(%1, %P)"),
    C1("pg_opfamily_is_visible", O, B, "am_opfamily_is_visible(%1, %P)"),
    C1("pg_get_function_result", O, T, "am_function_result(%1)"),
    C2("obj_description", O, NM, T, "am_obj_description(%1, %2)"),
    C1("obj_description", O, T, "am_obj_description(%1, NULL)"),
    C2("col_description", O, I4, T, "am_col_description(%1, %2)"),
    C2("shobj_description", O, NM, T, "am_shobj_description(%1, %2)"),
    C1("pg_table_is_visible", O, B, "am_table_is_visible(%1, %P)"),
    C1("pg_type_is_visible", O, B, "am_type_is_visible(%1, %P)"),
    C1("pg_function_is_visible", O, B, "am_function_is_visible(%1, %P)"),
    C1("pg_collation_is_visible", O, B, "true"),
    C1("pg_opclass_is_visible", O, B, "am_opclass_is_visible(%1, %P)"),
    C1("pg_conversion_is_visible", O, B, "true"),
    C1("pg_statistics_obj_is_visible", O, B, "true"),
    C1("pg_ts_config_is_visible", O, B, "true"),
    C1("pg_table_size", RC, I8, "am_relsize(%1)"),
    C1("pg_relation_size", RC, I8, "am_relsize(%1)"),
    C1("pg_total_relation_size", RC, I8, "am_relsize(%1)"),
    C1("pg_indexes_size", RC, I8, "CAST(0 AS BIGINT)"),
    C1("pg_size_pretty", I8, T, "am_size_pretty(%1)"),
    C1("pg_size_pretty", N, T, "am_size_pretty(CAST(%N1 AS BIGINT))"),
    C1("pg_database_size", NM, I8, "am_database_size()"),
    C1("pg_database_size", O, I8, "am_database_size()"),
    C2("has_table_privilege", T, T, B, "am_has_table_privilege(%1, %2)"),
    C2("has_table_privilege", O, T, B, "am_has_table_privilege(CAST(%1 AS VARCHAR), %2)"),
    C3("has_table_privilege", NM, T, T, B, "am_has_table_privilege(%2, %3)"),
    C3("has_table_privilege", NM, O, T, B, "am_has_table_privilege(CAST(%2 AS VARCHAR), %3)"),
    C2("has_schema_privilege", T, T, B, "true"),
    C2("has_schema_privilege", O, T, B, "true"),
    C3("has_schema_privilege", NM, T, T, B, "true"),
    C2("has_database_privilege", T, T, B, "true"),
    C2("has_database_privilege", O, T, B, "true"),
    /* the mirror is read-only: only SELECT (and its grant option) is granted */
    C3("has_column_privilege", T, T, T, B, "am_has_table_privilege('', %3)"),
    C3("has_column_privilege", O, PG_OID_INT2, T, B, "am_has_table_privilege('', %3)"),
    C2("has_any_column_privilege", T, T, B, "am_has_table_privilege(%1, %2)"),
    C3("has_any_column_privilege", NM, T, T, B, "am_has_table_privilege(%2, %3)"),
    C3("has_any_column_privilege", NM, O, T, B, "am_has_table_privilege('', %3)"),
    C2("has_any_column_privilege", O, T, B, "am_has_table_privilege('', %2)"),
    C2("has_function_privilege", O, T, B, "true"),
    C2("has_sequence_privilege", T, T, B, "false"),
    C3("pg_has_role", NM, T, T, B, "am_has_role(%1, %2)"),
    C2("pg_has_role", T, T, B, "am_has_role(%1, CAST(NULL AS VARCHAR))"),
    C2("pg_has_role", O, T, B, "true"),
    C1("pg_char_to_encoding", NM, I4,
       "CASE WHEN upper(%1) IN ('UTF8', 'UTF-8') THEN 6 ELSE -1 END"),
    C1("pg_tablespace_location", O, T, "''"),
    C1("pg_relation_is_publishable", RC, B, "am_relation_is_publishable(%1)"),
    SRF1("pg_partition_ancestors", RC, RC, "am_partition_ancestors(%1)"),
};

size_t sqlc_functab_catalog_find(sqlc_ctx_t *c, const char *name, size_t nargs,
                                 const sqlc_sig_t **out, size_t max)
{
    (void)c;
    size_t k = 0;
    for (size_t i = 0; i < AM_ARRAY_LEN(catfuncs) && k < max; i++)
        if (catfuncs[i].nargs == nargs && catfuncs[i].tmpl && strcmp(catfuncs[i].name, name) == 0)
            out[k++] = &catfuncs[i];
    return k;
}

const sqlc_sig_t *sqlc_funccat_all(size_t *n)
{
    *n = AM_ARRAY_LEN(catfuncs);
    return catfuncs;
}
