-- Tableau (its PostgreSQL connector, over psqlODBC): the driver's connect settings and the
-- catalog queries for the table list, a table's columns, indexes and primary key, through
-- psqlODBC's declare/fetch cursors, then connectivity probes.
-- Sources (no Tableau source is public): the published trace in Aircloak's integration tests
-- (aircloak/aircloak air/test/integration/tableau_test.exs, IntegrationTest.TableauTest) and
-- psqlODBC's connection.c (CC_lookup_lo: the 'lo' type probe on connect); typed here from those,
-- with this fixture's tables instead of the trace's. The trace's table-info query reads
-- pg_class.relhasoids, which PostgreSQL 12 removed: kept, PostgreSQL answers it with 42703 and
-- so must the proxy. Tableau also tries SELECT ... INTO TEMPORARY TABLE "#Tableau_..." to learn
-- whether it may create temp tables; those are writes, refused by the mirror by design, and
-- are not replayed here.

-- session: SET DateStyle = 'ISO'; SET extra_float_digits = 2
show transaction_isolation;
select oid, typbasetype from pg_type where typname = 'lo';
show max_identifier_length;
select NULL, NULL, NULL;
select current_schema();
show "lc_collate";
BEGIN;declare "SQL_CUR04645D10" cursor for select relname, nspname, relkind from pg_catalog.pg_class c, pg_catalog.pg_namespace n where relkind in ('r', 'v') and nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_1') and n.oid = relnamespace order by nspname, relname;fetch 2048 in "SQL_CUR04645D10";close "SQL_CUR04645D10";COMMIT;
BEGIN;declare "SQL_CUR04645D11" cursor for select relname, nspname, relkind from pg_catalog.pg_class c, pg_catalog.pg_namespace n where relkind in ('r', 'v', 'm', 'f', 'p') and nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_1') and n.oid = relnamespace order by nspname, relname;fetch 2048 in "SQL_CUR04645D11";close "SQL_CUR04645D11";COMMIT;
SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY TABLE_SCHEM;
-- the trace's table-info query (relhasoids: 42703 on PostgreSQL 12+), then the same without it
select n.nspname, c.relname, a.attname, a.atttypid, t.typname, a.attnum, a.attlen, a.atttypmod, a.attnotnull, c.relhasrules, c.relkind, c.oid, pg_get_expr(d.adbin, d.adrelid), case t.typtype when 'd' then t.typbasetype else 0 end, t.typtypmod, c.relhasoids from (((pg_catalog.pg_class c inner join pg_catalog.pg_namespace n on n.oid = c.relnamespace and c.relname = 'orders') inner join pg_catalog.pg_attribute a on (not a.attisdropped) and a.attnum > 0 and a.attrelid = c.oid) inner join pg_catalog.pg_type t on t.oid = a.atttypid) left outer join pg_attrdef d on a.atthasdef and d.adrelid = a.attrelid and d.adnum = a.attnum order by n.nspname, c.relname, attnum;
select n.nspname, c.relname, a.attname, a.atttypid, t.typname, a.attnum, a.attlen, a.atttypmod, a.attnotnull, c.relhasrules, c.relkind, c.oid = 'orders'::regclass, pg_get_expr(d.adbin, d.adrelid), case t.typtype when 'd' then t.typbasetype else 0 end, t.typtypmod from (((pg_catalog.pg_class c inner join pg_catalog.pg_namespace n on n.oid = c.relnamespace and c.relname = 'orders') inner join pg_catalog.pg_attribute a on (not a.attisdropped) and a.attnum > 0 and a.attrelid = c.oid) inner join pg_catalog.pg_type t on t.oid = a.atttypid) left outer join pg_attrdef d on a.atthasdef and d.adrelid = a.attrelid and d.adnum = a.attnum order by n.nspname, c.relname, attnum;
select n.nspname, c.relname, a.attname, a.atttypid, t.typname, a.attnum, a.attlen, a.atttypmod, a.attnotnull, c.relhasrules, c.relkind, pg_get_expr(d.adbin, d.adrelid), case t.typtype when 'd' then t.typbasetype else 0 end, t.typtypmod from (((pg_catalog.pg_class c inner join pg_catalog.pg_namespace n on n.oid = c.relnamespace and c.relname like 'customers') inner join pg_catalog.pg_attribute a on (not a.attisdropped) and a.attnum > 0 and a.attrelid = c.oid) inner join pg_catalog.pg_type t on t.oid = a.atttypid) left outer join pg_attrdef d on a.atthasdef and d.adrelid = a.attrelid and d.adnum = a.attnum order by n.nspname, c.relname, attnum;
BEGIN;declare "SQL_CUR06145EE8" cursor for select c.relname, i.indkey, i.indisunique, i.indisclustered, a.amname, c.relhasrules, n.nspname, 0 from pg_catalog.pg_index i, pg_catalog.pg_class c, pg_catalog.pg_class d, pg_catalog.pg_am a, pg_catalog.pg_namespace n where d.relname = 'customers' and n.nspname = 'public' and n.oid = d.relnamespace and d.oid = i.indrelid and i.indexrelid = c.oid and c.relam = a.oid order by i.indisprimary desc, i.indisunique, n.nspname, c.relname;fetch 2048 in "SQL_CUR06145EE8";close "SQL_CUR06145EE8";COMMIT;
BEGIN;declare "SQL_CUR04AD8270" cursor for select ta.attname, ia.attnum, ic.relname, n.nspname, tc.relname from pg_catalog.pg_attribute ta, pg_catalog.pg_attribute ia, pg_catalog.pg_class tc, pg_catalog.pg_index i, pg_catalog.pg_namespace n, pg_catalog.pg_class ic where tc.relname = 'items' AND n.nspname = 'public' AND tc.oid = i.indrelid AND n.oid = tc.relnamespace AND i.indisprimary = 't' AND ia.attrelid = i.indexrelid AND ta.attrelid = i.indrelid AND ta.attnum = i.indkey[ia.attnum-1] AND (NOT ta.attisdropped) AND (NOT ia.attisdropped) AND ic.oid = i.indexrelid order by ia.attnum;fetch 2048 in "SQL_CUR04AD8270";close "SQL_CUR04AD8270";COMMIT;
SELECT c.oid::pg_catalog.regclass FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i WHERE c.oid=i.inhparent AND i.inhrelid = 'orders'::regclass ORDER BY inhseqno;
-- connectivity probes
 seLect  
  -1234
;
SELECT  
 34.457::float ;
seLect True;
seLect 'ab''cd';
-- a worksheet's query: Tableau's own SQL for a bar chart of revenue by status and a filter
SELECT "orders"."status" AS "status", SUM("orders"."total") AS "sum:total:ok" FROM "public"."orders" "orders" WHERE ("orders"."ordered_at" >= (TIMESTAMP '2023-06-01 00:00:00.000')) GROUP BY 1 ORDER BY 1;
SELECT CAST("customers"."country" AS TEXT) AS "country", COUNT(DISTINCT "customers"."id") AS "ctd:id:ok" FROM "public"."customers" "customers" GROUP BY 1 ORDER BY 1;
SELECT CAST(EXTRACT(YEAR FROM "orders"."ordered_at") AS BIGINT) AS "yr:ordered_at:ok", CAST(EXTRACT(QUARTER FROM "orders"."ordered_at") AS BIGINT) AS "qr:ordered_at:ok", AVG(CAST("orders"."discount" AS DOUBLE PRECISION)) AS "avg:discount:ok" FROM "public"."orders" "orders" GROUP BY 1, 2 ORDER BY 1, 2;
