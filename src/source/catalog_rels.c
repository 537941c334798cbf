/*
 * source/catalog_rels.c: what source/catalog.c captures, one entry per relation of the
 * catalog document (docs/pgface.md section 3): the source's own pg_catalog rows, system views
 * and information_schema views as the source computes them, and the "am" relations holding
 * what PostgreSQL's catalog functions return for the copied objects. Only read-only SELECTs.
 *
 * Every query is "SELECT <columns of from> FROM <from> [WHERE <where>] ORDER BY <order>",
 * run with the same seven oid[] parameters (catalog.c computes them under one snapshot):
 *   $1 M  the mirrored tables         $2 I  indexes on M      $3 S  sequences owned by M
 *   $4 C  pg_class rows copied (M, I, S and every relation of pg_catalog/information_schema)
 *   $5 N  namespaces: pg_catalog, information_schema, public, those of M, I, S and of every
 *         type, operator, operator class and family, collation and extension copied
 *   $6 T  types M's columns use (their elements and domain bases)
 *   $7 R  roles: the connecting one, owners of what is copied, those in M's ACLs
 * Functions and types are schema-qualified; the connection's search_path is left alone, so
 * pg_get_*def texts qualify names exactly as a client of the source would see them.
 * Spec: PostgreSQL 15 docs, "System Catalogs", "System Views", "The Information Schema",
 * "System Information Functions" (pg_get_indexdef and friends).
 */
#include "source/source.h"
#include "source/source_internal.h"

/* (schema column, name column) IN the relations of an oid set */
#define REL_IN_PRE                                                                                 \
    " IN (SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "  \
    "ON n.oid = c.relnamespace WHERE c.oid = ANY ("
#define REL_IN_M REL_IN_PRE "$1))"
#define REL_IN_I REL_IN_PRE "$2))"
#define REL_IN_S REL_IN_PRE "$3))"
#define REL_IN_C REL_IN_PRE "$4))"
/* (schema column, name column) IN the types of $6 */
#define TYPE_IN                                                                                    \
    " IN (SELECT n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "   \
    "ON n.oid = t.typnamespace WHERE t.oid = ANY ($6))"
/* the pg_constraint rows copied */
/* constraints of every copied relation (system catalogs' keys show in \d too) and domain */
#define CON_OF_M "(k.conrelid = ANY ($4) OR k.contypid = ANY ($6))"
/* (schema, name) of a constraint of M, including the NOT NULL ones information_schema
 * synthesizes as <namespace oid>_<table oid>_<attnum>_not_null */
#define CON_IN                                                                                     \
    " IN (SELECT n.nspname, k.conname FROM pg_catalog.pg_constraint k JOIN "                       \
    "pg_catalog.pg_namespace n ON n.oid = k.connamespace WHERE " CON_OF_M                          \
    " UNION SELECT n.nspname, n.oid::pg_catalog.text || '_' || c.oid::pg_catalog.text || '_' || "  \
    "a.attnum::pg_catalog.text || '_not_null' FROM pg_catalog.pg_attribute a "                     \
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n "             \
    "ON n.oid = c.relnamespace WHERE c.oid = ANY ($1) AND a.attnum > 0 AND a.attnotnull "          \
    "AND NOT a.attisdropped)"
#define BOTH_PRETTY "(VALUES (false), (true)) AS p(pretty)"

/* descriptions of copied rows: their classoid names the catalog, objoid the row */
#define DESC_WHERE                                                                                 \
    "(x.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND x.objoid = ANY ($4)) "           \
    "OR (x.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass "                             \
    "AND x.objoid = ANY ($5)) "                                                                    \
    "OR (x.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND x.objoid IN "            \
    "(SELECT k.oid FROM pg_catalog.pg_constraint k WHERE " CON_OF_M ")) "                          \
    "OR (x.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND x.objoid IN "                  \
    "(SELECT p.oid FROM pg_catalog.pg_proc p "                                                     \
    "WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace)) "                              \
    "OR (x.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND x.objoid IN "               \
    "(SELECT t.oid FROM pg_catalog.pg_trigger t WHERE t.tgrelid = ANY ($1))) "                     \
    "OR (x.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass AND x.objoid IN "                \
    "(SELECT t.oid FROM pg_catalog.pg_policy t WHERE t.polrelid = ANY ($1))) "                     \
    "OR (x.classoid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND x.objoid IN "               \
    "(SELECT t.oid FROM pg_catalog.pg_rewrite t WHERE t.ev_class = ANY ($1))) "                    \
    "OR (x.classoid = 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass AND x.objoid IN "         \
    "(SELECT t.oid FROM pg_catalog.pg_statistic_ext t WHERE t.stxrelid = ANY ($1))) "              \
    "OR x.classoid IN ('pg_catalog.pg_type'::pg_catalog.regclass, "                                \
    "'pg_catalog.pg_am'::pg_catalog.regclass, 'pg_catalog.pg_operator'::pg_catalog.regclass, "     \
    "'pg_catalog.pg_opclass'::pg_catalog.regclass, "                                               \
    "'pg_catalog.pg_opfamily'::pg_catalog.regclass, 'pg_catalog.pg_cast'::pg_catalog.regclass, "   \
    "'pg_catalog.pg_collation'::pg_catalog.regclass, "                                             \
    "'pg_catalog.pg_language'::pg_catalog.regclass, "                                              \
    "'pg_catalog.pg_extension'::pg_catalog.regclass)"

#define SHDESC_WHERE                                                                               \
    "(x.classoid = 'pg_catalog.pg_database'::pg_catalog.regclass AND x.objoid = "                  \
    "(SELECT d.oid FROM pg_catalog.pg_database d "                                                 \
    "WHERE d.datname = pg_catalog.current_database())) "                                           \
    "OR (x.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND x.objoid = ANY ($7))"

#define PUB_WHERE                                                                                  \
    "x.puballtables OR x.oid IN (SELECT p.prpubid FROM pg_catalog.pg_publication_rel p "           \
    "WHERE p.prrelid = ANY ($1)) OR x.oid IN (SELECT p.pnpubid FROM "                              \
    "pg_catalog.pg_publication_namespace p WHERE p.pnnspid = ANY ($5))"

#define DEPEND_WHERE                                                                               \
    "x.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ((x.refclassid = "                 \
    "'pg_catalog.pg_class'::pg_catalog.regclass AND x.refobjid = ANY ($1)) "                       \
    "OR x.objid = ANY ($3))"

/* pg_get_indexdef(oid) is pg_get_indexdef(oid, 0, false): one row serves both */
#define INDEXDEF_FROM                                                                              \
    "(SELECT i.indexrelid, k.colno, p.pretty, pg_catalog.pg_get_indexdef(i.indexrelid, "           \
    "k.colno, p.pretty) AS def FROM pg_catalog.pg_index i CROSS JOIN LATERAL "                     \
    "pg_catalog.generate_series(0, i.indnatts::pg_catalog.int4) AS k(colno) "                      \
    "CROSS JOIN " BOTH_PRETTY " WHERE i.indrelid = ANY ($4)) x"

#define CONSTRAINTDEF_FROM                                                                         \
    "(SELECT k.oid, p.pretty, pg_catalog.pg_get_constraintdef(k.oid, p.pretty) AS def FROM "       \
    "pg_catalog.pg_constraint k CROSS JOIN " BOTH_PRETTY " WHERE " CON_OF_M ") x"

/* am.expr: every pg_node_tree value copied, with the relation it refers to; each branch is
 * SELECT relid, node::text, pretty, pg_get_expr(node, relid, pretty) */
#define EXPR_FROM                                                                                  \
    "(SELECT adrelid, adbin::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr(adbin, adrelid, "   \
    "p.pretty) FROM pg_catalog.pg_attrdef CROSS JOIN " BOTH_PRETTY " WHERE adrelid = ANY ($1) "    \
    "UNION SELECT indrelid, indexprs::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("          \
    "indexprs, indrelid, p.pretty) FROM pg_catalog.pg_index CROSS JOIN " BOTH_PRETTY               \
    " WHERE indrelid = ANY ($1) AND indexprs IS NOT NULL "                                         \
    "UNION SELECT indrelid, indpred::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("           \
    "indpred, indrelid, p.pretty) FROM pg_catalog.pg_index CROSS JOIN " BOTH_PRETTY                \
    " WHERE indrelid = ANY ($1) AND indpred IS NOT NULL "                                          \
    "UNION SELECT k.conrelid, k.conbin::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("        \
    "k.conbin, k.conrelid, p.pretty) FROM pg_catalog.pg_constraint k CROSS JOIN " BOTH_PRETTY      \
    " WHERE " CON_OF_M " AND k.conbin IS NOT NULL "                                                \
    "UNION SELECT oid, relpartbound::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("           \
    "relpartbound, oid, p.pretty) FROM pg_catalog.pg_class CROSS JOIN " BOTH_PRETTY                \
    " WHERE oid = ANY ($4) AND relpartbound IS NOT NULL "                                          \
    "UNION SELECT polrelid, polqual::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("           \
    "polqual, polrelid, p.pretty) FROM pg_catalog.pg_policy CROSS JOIN " BOTH_PRETTY               \
    " WHERE polrelid = ANY ($1) AND polqual IS NOT NULL "                                          \
    "UNION SELECT polrelid, polwithcheck::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("      \
    "polwithcheck, polrelid, p.pretty) FROM pg_catalog.pg_policy CROSS JOIN " BOTH_PRETTY          \
    " WHERE polrelid = ANY ($1) AND polwithcheck IS NOT NULL "                                     \
    "UNION SELECT stxrelid, stxexprs::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("          \
    "stxexprs, stxrelid, p.pretty) FROM pg_catalog.pg_statistic_ext CROSS JOIN " BOTH_PRETTY       \
    " WHERE stxrelid = ANY ($1) AND stxexprs IS NOT NULL "                                         \
    "UNION SELECT partrelid, partexprs::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("        \
    "partexprs, partrelid, p.pretty) FROM pg_catalog.pg_partitioned_table CROSS JOIN " BOTH_PRETTY \
    " WHERE partrelid = ANY ($1) AND partexprs IS NOT NULL "                                       \
    "UNION SELECT tgrelid, tgqual::pg_catalog.text, p.pretty, pg_catalog.pg_get_expr("             \
    "tgqual, tgrelid, p.pretty) FROM pg_catalog.pg_trigger CROSS JOIN " BOTH_PRETTY                \
    " WHERE tgrelid = ANY ($1) AND tgqual IS NOT NULL "                                            \
    "UNION SELECT 0::pg_catalog.oid, typdefaultbin::pg_catalog.text, p.pretty, "                   \
    "pg_catalog.pg_get_expr(typdefaultbin, 0, p.pretty) FROM pg_catalog.pg_type CROSS "            \
    "JOIN " BOTH_PRETTY " WHERE typdefaultbin IS NOT NULL) AS x(relid, node, pretty, def)"

#define TRIGGERDEF_FROM                                                                            \
    "(SELECT t.oid, p.pretty, pg_catalog.pg_get_triggerdef(t.oid, p.pretty) AS def FROM "          \
    "pg_catalog.pg_trigger t CROSS JOIN " BOTH_PRETTY " WHERE t.tgrelid = ANY ($1)) x"
#define RULEDEF_FROM                                                                               \
    "(SELECT r.oid, p.pretty, pg_catalog.pg_get_ruledef(r.oid, p.pretty) AS def FROM "             \
    "pg_catalog.pg_rewrite r CROSS JOIN " BOTH_PRETTY " WHERE r.ev_class = ANY ($1)) x"
#define STATSDEF_FROM                                                                              \
    "(SELECT s.oid, pg_catalog.pg_get_statisticsobjdef(s.oid) AS def, "                            \
    "pg_catalog.pg_get_statisticsobjdef_columns(s.oid) AS columns FROM "                           \
    "pg_catalog.pg_statistic_ext s WHERE s.stxrelid = ANY ($1)) x"
#define PARTKEYDEF_FROM                                                                            \
    "(SELECT c.oid, pg_catalog.pg_get_partkeydef(c.oid) AS def FROM pg_catalog.pg_class c "        \
    "WHERE c.oid = ANY ($1) AND c.relkind = 'p') x"
/* the table name goes in quoted: pg_get_serial_sequence parses it as SQL would */
#define SERIAL_FROM                                                                                \
    "(SELECT a.attrelid AS relid, a.attname, pg_catalog.pg_get_serial_sequence("                   \
    "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "              \
    "a.attname) AS seq FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c "                 \
    "ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "              \
    "WHERE a.attrelid = ANY ($1) AND a.attnum > 0 AND NOT a.attisdropped) x"

#define PGC(name, where, order)                                                                    \
    {                                                                                              \
        "pg_catalog", #name, "pg_catalog." #name " x", where, order                                \
    }
#define ISC(name, where, order)                                                                    \
    {                                                                                              \
        "information_schema", #name, "information_schema." #name " x", where, order                \
    }
#define AMR(name, from, order)                                                                     \
    {                                                                                              \
        "am", #name, from, NULL, order                                                             \
    }

/* Base catalogs keep their heap order (ctid): a query without ORDER BY then sees their rows
 * in the order PostgreSQL's sequential scan gives (tools list tables that way). */
const source_catalog_rel_t source__catalog_rels[] = {
    PGC(pg_namespace, "x.oid = ANY ($5)", "x.ctid"),
    PGC(pg_class, "x.oid = ANY ($4)", "x.ctid"),
    PGC(pg_attribute, "x.attrelid = ANY ($4)", "x.attrelid, x.attnum"),
    PGC(pg_type, NULL, "x.ctid"),
    PGC(pg_index, "x.indrelid = ANY ($4)", "x.ctid"),
    PGC(pg_constraint, "x.conrelid = ANY ($4) OR x.contypid = ANY ($6)", "x.ctid"),
    PGC(pg_attrdef, "x.adrelid = ANY ($1)", "x.oid"),
    PGC(pg_description, DESC_WHERE, "x.objoid, x.classoid, x.objsubid"),
    PGC(pg_shdescription, SHDESC_WHERE, "x.objoid, x.classoid"),
    PGC(pg_enum, NULL, "x.enumtypid, x.enumsortorder"),
    PGC(pg_range, NULL, "x.rngtypid"),
    PGC(pg_proc, "x.pronamespace = 'pg_catalog'::pg_catalog.regnamespace", "x.ctid"),
    PGC(pg_am, NULL, "x.oid"),
    PGC(pg_collation, NULL, "x.oid"),
    PGC(pg_tablespace, NULL, "x.oid"),
    PGC(pg_database, "x.datname = pg_catalog.current_database()", "x.oid"),
    PGC(pg_roles, "x.oid = ANY ($7)", "x.oid"),
    PGC(pg_language, NULL, "x.oid"),
    PGC(pg_extension, NULL, "x.oid"),
    PGC(pg_inherits, "x.inhrelid = ANY ($1) OR x.inhparent = ANY ($1)", "x.inhrelid, x.inhseqno"),
    PGC(pg_partitioned_table, "x.partrelid = ANY ($1)", "x.partrelid"),
    PGC(pg_trigger, "x.tgrelid = ANY ($1)", "x.oid"),
    PGC(pg_policy, "x.polrelid = ANY ($1)", "x.oid"),
    PGC(pg_rewrite, "x.ev_class = ANY ($1)", "x.oid"),
    PGC(pg_statistic_ext, "x.stxrelid = ANY ($1)", "x.oid"),
    PGC(pg_publication, PUB_WHERE, "x.oid"),
    PGC(pg_publication_rel, "x.prrelid = ANY ($1)", "x.oid"),
    PGC(pg_publication_namespace, "x.pnnspid = ANY ($5)", "x.oid"),
    PGC(pg_sequence, "x.seqrelid = ANY ($3)", "x.seqrelid"),
    PGC(pg_depend, DEPEND_WHERE,
        "x.objid, x.objsubid, x.refclassid, x.refobjid, x.refobjsubid, x.deptype"),
    PGC(pg_cast, NULL, "x.oid"),
    PGC(pg_operator, NULL, "x.oid"),
    PGC(pg_opclass, NULL, "x.oid"),
    PGC(pg_opfamily, NULL, "x.oid"),
    PGC(pg_foreign_table, "x.ftrelid = ANY ($1)", "x.ftrelid"),
    PGC(pg_event_trigger, "false", "x.oid"),
    /* system views: the relations pg_class holds, the indexes pg_index holds */
    PGC(pg_tables, "(x.schemaname, x.tablename)" REL_IN_C, "x.schemaname, x.tablename"),
    PGC(pg_indexes, "(x.schemaname, x.indexname)" REL_IN_I, "x.schemaname, x.indexname"),
    PGC(pg_sequences, "(x.schemaname, x.sequencename)" REL_IN_S, "x.schemaname, x.sequencename"),
    PGC(pg_views, "(x.schemaname, x.viewname)" REL_IN_C, "x.schemaname, x.viewname"),
    PGC(pg_matviews, "(x.schemaname, x.matviewname)" REL_IN_C, "x.schemaname, x.matviewname"),
    PGC(pg_rules, "(x.schemaname, x.tablename)" REL_IN_M, "x.schemaname, x.tablename, x.rulename"),
    PGC(pg_user, "x.usesysid = ANY ($7)", "x.usesysid"),
    PGC(pg_auth_members, NULL, "x.roleid, x.member"),
    /* information_schema: what exists (the relations pg_class holds), details for M */
    ISC(tables, "(x.table_schema, x.table_name)" REL_IN_C, "x.table_schema, x.table_name"),
    ISC(columns, "(x.table_schema, x.table_name)" REL_IN_C,
        "x.table_schema, x.table_name, x.ordinal_position"),
    ISC(views, "(x.table_schema, x.table_name)" REL_IN_C, "x.table_schema, x.table_name"),
    ISC(table_constraints, "(x.table_schema, x.table_name)" REL_IN_M,
        "x.constraint_schema, x.constraint_name, x.table_name"),
    ISC(key_column_usage, "(x.constraint_schema, x.constraint_name)" CON_IN,
        "x.constraint_schema, x.constraint_name, x.table_name, x.ordinal_position"),
    ISC(constraint_column_usage, "(x.constraint_schema, x.constraint_name)" CON_IN,
        "x.constraint_schema, x.constraint_name, x.table_schema, x.table_name, x.column_name"),
    ISC(referential_constraints, "(x.constraint_schema, x.constraint_name)" CON_IN,
        "x.constraint_schema, x.constraint_name"),
    ISC(check_constraints, "(x.constraint_schema, x.constraint_name)" CON_IN,
        "x.constraint_schema, x.constraint_name, x.check_clause"),
    ISC(schemata,
        "x.schema_name::pg_catalog.name IN (SELECT n.nspname FROM pg_catalog.pg_namespace n "
        "WHERE n.oid = ANY ($5))",
        "x.schema_name"),
    ISC(sequences, "(x.sequence_schema, x.sequence_name)" REL_IN_S,
        "x.sequence_schema, x.sequence_name"),
    ISC(element_types,
        "(x.object_type = 'TABLE' AND (x.object_schema, x.object_name)" REL_IN_C
        ") OR (x.object_type = 'DOMAIN' AND (x.object_schema, x.object_name)" TYPE_IN ")",
        "x.object_schema, x.object_name, x.object_type, x.collection_type_identifier"),
    ISC(triggers, "(x.event_object_schema, x.event_object_table)" REL_IN_M,
        "x.trigger_schema, x.trigger_name, x.event_manipulation"),
    ISC(table_privileges, "(x.table_schema, x.table_name)" REL_IN_M,
        "x.table_schema, x.table_name, x.grantee, x.privilege_type, x.grantor"),
    ISC(column_privileges, "(x.table_schema, x.table_name)" REL_IN_M,
        "x.table_schema, x.table_name, x.column_name, x.grantee, x.privilege_type, x.grantor"),
    ISC(domains, "(x.domain_schema, x.domain_name)" TYPE_IN, "x.domain_schema, x.domain_name"),
    ISC(character_sets, NULL, "x.character_set_name"),
    /* the source's functions are not callable on the mirror: no rows, but the columns */
    ISC(routines, "false", "x.specific_name"),
    ISC(parameters, "false", "x.specific_name"),
    /* what PostgreSQL's catalog functions return for the copied objects */
    AMR(indexdef, INDEXDEF_FROM, "x.indexrelid, x.colno, x.pretty"),
    AMR(constraintdef, CONSTRAINTDEF_FROM, "x.oid, x.pretty"),
    AMR(expr, EXPR_FROM, "x.relid, x.node, x.pretty"),
    AMR(triggerdef, TRIGGERDEF_FROM, "x.oid, x.pretty"),
    AMR(ruledef, RULEDEF_FROM, "x.oid, x.pretty"),
    AMR(statisticsobjdef, STATSDEF_FROM, "x.oid"),
    AMR(partkeydef, PARTKEYDEF_FROM, "x.oid"),
    AMR(serial_sequence, SERIAL_FROM, "x.relid, x.attname"),
    /* what pg_get_function_result and pg_get_function_(identity_)arguments print for the
     * copied functions */
    AMR(functions,
        "(SELECT p.oid, pg_catalog.pg_get_function_result(p.oid) AS result, "
        "pg_catalog.pg_get_function_arguments(p.oid) AS args, "
        "pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_args FROM "
        "pg_catalog.pg_proc p WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace) x",
        "x.oid"),
    /* pg_settings' descriptions (the mirror's own values replace the source's) */
    AMR(settings,
        "(SELECT name, category, short_desc, extra_desc, context, vartype, unit, min_val, "
        "max_val, enumvals, boot_val FROM pg_catalog.pg_settings) x",
        "x.name"),
    /* pg_get_keywords(): the source server's own list */
    AMR(keywords, "pg_catalog.pg_get_keywords() x", "x.word"),
};

const size_t source__n_catalog_rels = AM_ARRAY_LEN(source__catalog_rels);
