-- Catalog queries as tools and people write them: pg_class/pg_attribute/pg_type/pg_namespace/
-- pg_index/pg_constraint/pg_attrdef/pg_description/pg_enum joins, reg* casts both ways,
-- format_type, pg_get_indexdef/constraintdef/expr, system views, information_schema, the
-- visibility and privilege functions. Every object of the fixture database is mirrored, so
-- PostgreSQL and the proxy describe the same set of objects.

SELECT c.relname, c.relkind, c.relnatts, c.relhasindex, c.relpersistence, c.relreplident, c.relispartition, c.relhasrules, c.relhastriggers FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'sales') ORDER BY n.nspname, c.relname;
SELECT n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_toast' ORDER BY 1, 2;
SELECT relname FROM pg_class WHERE relnamespace = 'sales'::regnamespace ORDER BY 1;
SELECT c.oid = 'customers'::regclass, c.oid::regclass, c.relnamespace::regnamespace, c.reltype::regtype, c.relam, c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) FROM pg_class c WHERE c.relname = 'customers';
SELECT a.attnum, a.attname, a.atttypid::regtype, a.atttypmod, a.attnotnull, a.atthasdef, a.attlen, a.attndims, a.attidentity, a.attgenerated, a.attisdropped FROM pg_attribute a WHERE a.attrelid = 'customers'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT attnum, attname, atttypid::regtype FROM pg_attribute WHERE attrelid = 'orders'::regclass ORDER BY attnum;
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a WHERE a.attrelid = 'alltypes'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;
SELECT a.attname, t.typname, t.typtype, t.typcategory, a.attnum FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = '"Mixed Case"'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT attrelid::regclass AS tbl, attname FROM pg_attribute WHERE attname IN ('id', 'code') AND attrelid IN (SELECT oid FROM pg_class WHERE relkind = 'r' AND relnamespace IN ('public'::regnamespace, 'sales'::regnamespace)) ORDER BY attrelid::regclass::text, 2;
SELECT 'customers'::regclass, 'public.customers'::regclass, 'sales.regions'::regclass, '"Mixed Case"'::regclass, 'CUSTOMERS'::regclass, 'orders_pkey'::regclass, 'pg_class'::regclass, 'pg_catalog.pg_type'::regclass;
SELECT 'customers'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 'customers'), 'customers'::regclass = 'public.customers'::regclass, pg_typeof('customers'::regclass), 'customers'::regclass::text, 1259::regclass, 'pg_class'::regclass::oid;
SELECT 'nope'::regclass;
SELECT 'regions'::regclass;
SELECT 'integer'::regtype, 'int4'::regtype, 'character varying'::regtype, 'varchar(10)'::regtype, 'mood'::regtype, 'posint'::regtype, '_int4'::regtype, 'int[]'::regtype, 'timestamptz'::regtype, 23::regtype, 1043::regtype::oid, 'public.mood'::regtype::oid = (SELECT oid FROM pg_type WHERE typname = 'mood');
SELECT 'sales'::regnamespace, 'public'::regnamespace::oid, 'pg_catalog'::regnamespace::oid, 11::regnamespace, 2200::regnamespace;
SELECT 'nope'::regnamespace;
SELECT to_regclass('customers') IS NOT NULL, to_regclass('nope'), to_regtype('mood'), to_regtype('nope'), to_regnamespace('sales'), to_regnamespace('nope'), to_regproc('lower'), to_regclass('sales.regions');
-- name: reg_other_inputs
SELECT 'lower(text)'::regprocedure, 'now'::regproc, '+(int4,int4)'::regoperator, 'english'::regconfig, 'simple'::regdictionary;
SELECT format_type(1043, 14), format_type(1700, 655366), format_type(1700, -1), format_type(1042, 9), format_type(1184, 2), format_type(1186, -1), format_type(1083, 3), format_type(0, NULL), format_type(1007, NULL), format_type(1560, 12), format_type('mood'::regtype, NULL), format_type('posint'::regtype, -1), format_type(99999999, NULL);
SELECT i.indexrelid::regclass, i.indrelid::regclass, i.indisunique, i.indisprimary, i.indnatts, i.indnkeyatts, i.indkey, i.indisvalid, i.indimmediate, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace IN ('public'::regnamespace, 'sales'::regnamespace) ORDER BY i.indexrelid::regclass::text;
SELECT indexrelid::regclass, pg_get_expr(indexprs, indrelid), pg_get_expr(indpred, indrelid), pg_get_indexdef(indexrelid, 1, true), pg_get_indexdef(indexrelid, 2, false) FROM pg_index WHERE indexprs IS NOT NULL OR indpred IS NOT NULL ORDER BY 1::text;
SELECT c.relname, ic.relname AS index, a.attname FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (x.indkey) WHERE x.indisprimary AND c.relnamespace IN ('public'::regnamespace, 'sales'::regnamespace) ORDER BY 1, 3;
SELECT conname, contype, conrelid::regclass, confrelid::regclass, contypid::regtype, condeferrable, convalidated, conkey, confkey, confupdtype, confdeltype, confmatchtype, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) FROM pg_constraint WHERE connamespace IN ('public'::regnamespace, 'sales'::regnamespace) ORDER BY conrelid::regclass::text, conname;
SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE conrelid = 'sales.targets'::regclass ORDER BY 1;
SELECT adrelid::regclass, adnum, pg_get_expr(adbin, adrelid), pg_get_expr(adbin, adrelid, true) FROM pg_attrdef WHERE adrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace) ORDER BY 1::text, 2;
SELECT pg_get_serial_sequence('notes', 'id'), pg_get_serial_sequence('customers', 'id'), pg_get_serial_sequence('"Mixed Case"', 'Id');
SELECT obj_description('customers'::regclass, 'pg_class'), obj_description('customers'::regclass), col_description('customers'::regclass, 3), col_description('customers'::regclass, 2), obj_description('sales'::regnamespace, 'pg_namespace'), obj_description('mood'::regtype, 'pg_type'), shobj_description((SELECT oid FROM pg_database WHERE datname = current_database()), 'pg_database');
SELECT objoid::regclass, objsubid, description FROM pg_description WHERE classoid = 'pg_class'::regclass AND objoid IN (SELECT oid FROM pg_class WHERE relnamespace IN ('public'::regnamespace, 'sales'::regnamespace)) ORDER BY 1::text, 2;
SELECT nspname, nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) FROM pg_namespace ORDER BY 1;
SELECT n.nspname, d.description FROM pg_namespace n LEFT JOIN pg_description d ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1;
SELECT typname, typtype, typlen, typbyval, typcategory, typdelim, typrelid::regclass, typelem::regtype, typarray::regtype, typbasetype::regtype, typtypmod, typnotnull, typndims FROM pg_type WHERE typnamespace = 'public'::regnamespace ORDER BY typname;
SELECT oid, typname, typlen, typtype, typcategory, typispreferred, typinput, typoutput, typreceive, typsend FROM pg_type WHERE oid IN (16, 17, 20, 21, 23, 25, 114, 700, 701, 790, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1266, 1560, 1700, 2950, 3802, 1007, 1009, 1231) ORDER BY oid;
SELECT enumtypid::regtype, enumlabel, enumsortorder FROM pg_enum WHERE enumtypid IN ('mood'::regtype, 'order_status'::regtype) ORDER BY enumtypid::regtype::text, enumsortorder;
SELECT t.typname, pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, pg_get_constraintdef(c.oid) FROM pg_type t LEFT JOIN pg_constraint c ON c.contypid = t.oid WHERE t.typtype = 'd' AND t.typnamespace = 'public'::regnamespace ORDER BY 1;
SELECT c.oid::regclass, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(orders)$' COLLATE pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3;
-- name: visible_regprocedure
SELECT pg_table_is_visible('customers'::regclass), pg_table_is_visible('sales.regions'::regclass), pg_type_is_visible('mood'::regtype), pg_function_is_visible('lower(text)'::regprocedure);
SELECT has_table_privilege('customers', 'SELECT'), has_table_privilege('sales.regions', 'SELECT'), has_schema_privilege('sales', 'USAGE'), has_column_privilege('customers', 'email', 'SELECT'), has_database_privilege(current_database(), 'CONNECT');
SELECT pg_get_userbyid(c.relowner) = current_user, c.relacl IS NULL FROM pg_class c WHERE c.relname = 'orders';
SELECT schemaname, tablename, tableowner = current_user, tablespace, hasindexes, hasrules, hastriggers, rowsecurity FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2;
SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname IN ('public', 'sales') ORDER BY 1, 2, 3;
SELECT datname, pg_encoding_to_char(encoding), datcollate, datctype, datallowconn, datistemplate FROM pg_database WHERE datname = current_database();
SELECT rolname = current_user, rolsuper, rolinherit, rolcanlogin, rolreplication FROM pg_roles WHERE rolname = current_user;
SELECT relname, reltoastrelid <> 0 AS has_toast FROM pg_class WHERE relname IN ('docs', 'customers', 'orders_pkey') ORDER BY 1;
SELECT table_catalog = current_database(), table_schema, table_name, table_type, is_insertable_into, is_typed FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 2, 3;
SELECT column_name, ordinal_position, column_default, is_nullable, data_type, character_maximum_length, character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision, interval_type, udt_schema, udt_name, domain_name, is_identity, is_generated, is_updatable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'customers' ORDER BY ordinal_position;
SELECT column_name, data_type, udt_name, character_maximum_length, numeric_precision, numeric_scale, datetime_precision FROM information_schema.columns WHERE table_name = 'alltypes' ORDER BY ordinal_position;
SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns WHERE table_schema IN ('public', 'sales') AND table_name IN ('Mixed Case', 'targets', 'notes') ORDER BY 1, 2, ordinal_position;
SELECT constraint_name, table_schema, table_name, constraint_type, is_deferrable, initially_deferred FROM information_schema.table_constraints WHERE table_schema IN ('public', 'sales') ORDER BY 3, 1;
SELECT constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint FROM information_schema.key_column_usage WHERE table_schema IN ('public', 'sales') ORDER BY 2, 1, 4;
SELECT tc.constraint_name, tc.table_name, kcu.column_name, ccu.table_schema AS foreign_table_schema, ccu.table_name AS foreign_table_name, ccu.column_name AS foreign_column_name FROM information_schema.table_constraints AS tc JOIN information_schema.key_column_usage AS kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema JOIN information_schema.constraint_column_usage AS ccu ON ccu.constraint_name = tc.constraint_name WHERE tc.constraint_type = 'FOREIGN KEY' ORDER BY 1, 3;
SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule FROM information_schema.referential_constraints WHERE constraint_schema IN ('public', 'sales') ORDER BY 1;
SELECT schema_name, schema_owner = current_user FROM information_schema.schemata ORDER BY 1;
SELECT sequence_schema, sequence_name, data_type, start_value, increment FROM information_schema.sequences ORDER BY 2;
SELECT domain_name, data_type, character_maximum_length FROM information_schema.domains WHERE domain_schema = 'public' ORDER BY 1;
SELECT current_schema(), current_schemas(false), current_schemas(true), current_user, session_user, user, current_role, current_database(), current_catalog;
SELECT current_setting('search_path'), current_setting('server_encoding'), current_setting('client_encoding'), current_setting('standard_conforming_strings'), current_setting('integer_datetimes'), current_setting('max_identifier_length');
SELECT current_setting('no.such_setting');
-- name: set_config
SELECT current_setting('no.such_setting', true) IS NULL, set_config('application_name', 'corpus', false), current_setting('application_name');
SELECT c.relname, count(a.attnum) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace GROUP BY c.relname ORDER BY 1;
-- name: functiondef_regprocedure
SELECT pg_get_viewdef('pg_tables'::regclass) IS NOT NULL, pg_get_functiondef('lower(text)'::regprocedure) IS NOT NULL;
-- name: proargtypes_vector_cast
SELECT p.proname, p.pronargs, p.prorettype::regtype, p.proargtypes::regtype[] FROM pg_proc p WHERE p.proname IN ('lower', 'upper', 'length') AND p.pronamespace = 'pg_catalog'::regnamespace ORDER BY 1, 4::text;
SELECT oprname, oprleft::regtype, oprright::regtype, oprresult::regtype FROM pg_operator WHERE oprname = '||' AND oprleft = 'text'::regtype ORDER BY 3::text;
SELECT amname FROM pg_am ORDER BY 1;
SELECT collname FROM pg_collation WHERE collname IN ('C', 'POSIX', 'default', 'ucs_basic') ORDER BY 1;
SELECT castsource::regtype, casttarget::regtype, castcontext FROM pg_cast WHERE castsource = 'int4'::regtype ORDER BY 2::text;
SELECT inhrelid, inhparent FROM pg_inherits;
SELECT tgname FROM pg_trigger WHERE NOT tgisinternal;
SELECT rulename FROM pg_rules WHERE schemaname = 'public';
SELECT viewname FROM pg_views WHERE schemaname IN ('public', 'sales');
SELECT relname FROM pg_class WHERE relname = 'notes_id_seq';
SELECT c.relname, c.relkind FROM pg_class c WHERE c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'items'::regclass) ORDER BY 1;
SELECT d.refobjid::regclass, d.deptype FROM pg_depend d WHERE d.objid = 'notes_id_seq'::regclass AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass;
