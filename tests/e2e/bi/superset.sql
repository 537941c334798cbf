-- Apache Superset (PostgresEngineSpec over SQLAlchemy 1.4 and psycopg2): what SQLAlchemy's
-- dialect sends on first connect and for the inspector calls Superset makes when a dataset or
-- SQL Lab's schema browser loads (get_schema_names, get_table_names, get_foreign_table_names,
-- get_view_names, get_columns, get_pk_constraint, get_foreign_keys, enums and domains), and
-- Superset's own queries. Sources: apache/superset superset/db_engine_specs/postgres.py
-- (get_catalog_names, get_prequeries, get_cancel_query_id, estimate_statement_cost, time grain
-- expressions; master) and SQLAlchemy 1.4.46 lib/sqlalchemy/dialects/postgresql/base.py (Debian
-- python3-sqlalchemy). Typed here from those; SQLAlchemy's bound :schema/:table_oid replayed
-- inline. test_client_compare.py runs the real SQLAlchemy inspector besides.

-- SQLAlchemy's first connect
select pg_catalog.version() IS NOT NULL;
select current_schema();
show transaction isolation level;
show standard_conforming_strings;
-- Superset: catalogs, then the schema list and tables of a schema
-- unordered
-- name: databases
SELECT datname FROM pg_database
WHERE datistemplate = false;
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' ORDER BY nspname;
-- unordered
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind in ('r', 'p');
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'f';
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' AND c.relkind IN ('v', 'm');
-- get_table_oid, then get_columns of a dataset's table
SELECT c.oid = 'orders'::regclass
            FROM pg_catalog.pg_class c
            LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE (n.nspname = 'public')
            AND c.relname = 'orders' AND c.relkind in
            ('r', 'v', 'm', 'f', 'p');
SELECT a.attname,
              pg_catalog.format_type(a.atttypid, a.atttypmod),
              (
                SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid)
                FROM pg_catalog.pg_attrdef d
                WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum
                AND a.atthasdef
              ) AS DEFAULT,
              a.attnotnull,
              a.attrelid = 'notes'::regclass as table_oid,
              pgd.description as comment,
              a.attgenerated as generated,
              (SELECT json_build_object(
                    'always', a.attidentity = 'a',
                    'start', s.seqstart,
                    'increment', s.seqincrement,
                    'minvalue', s.seqmin,
                    'maxvalue', s.seqmax,
                    'cache', s.seqcache,
                    'cycle', s.seqcycle)
                FROM pg_catalog.pg_sequence s
                JOIN pg_catalog.pg_class c on s.seqrelid = c."oid"
                WHERE c.relkind = 'S'
                AND a.attidentity != ''
                AND s.seqrelid = pg_catalog.pg_get_serial_sequence(
                    a.attrelid::regclass::text, a.attname
                )::regclass::oid
                ) as identity_options
            FROM pg_catalog.pg_attribute a
            LEFT JOIN pg_catalog.pg_description pgd ON (
                pgd.objoid = a.attrelid AND pgd.objsubid = a.attnum)
            WHERE a.attrelid = 'notes'::regclass
            AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum;
SELECT a.attname,
              pg_catalog.format_type(a.atttypid, a.atttypmod),
              (
                SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid)
                FROM pg_catalog.pg_attrdef d
                WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum
                AND a.atthasdef
              ) AS DEFAULT,
              a.attnotnull,
              pgd.description as comment,
              a.attgenerated as generated
            FROM pg_catalog.pg_attribute a
            LEFT JOIN pg_catalog.pg_description pgd ON (
                pgd.objoid = a.attrelid AND pgd.objsubid = a.attnum)
            WHERE a.attrelid = 'customers'::regclass
            AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum;
-- _load_domains and _load_enums (schema '*')
-- unordered
SELECT t.typname as "name",
               pg_catalog.format_type(t.typbasetype, t.typtypmod) as "attype",
               not t.typnotnull as "nullable",
               t.typdefault as "default",
               pg_catalog.pg_type_is_visible(t.oid) as "visible",
               n.nspname as "schema"
            FROM pg_catalog.pg_type t
               LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typtype = 'd';
SELECT t.typname as "name",
               pg_catalog.pg_type_is_visible(t.oid) as "visible",
               n.nspname as "schema",
               e.enumlabel as "label"
            FROM pg_catalog.pg_type t
                 LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                 LEFT JOIN pg_catalog.pg_enum e ON t.oid = e.enumtypid
            WHERE t.typtype = 'e'
        ORDER BY "schema", "name", e.oid;
-- get_pk_constraint and get_foreign_keys of items
SELECT a.attname
                FROM pg_attribute a JOIN (
                    SELECT unnest(ix.indkey) attnum,
                           generate_subscripts(ix.indkey, 1) ord
                    FROM pg_index ix
                    WHERE ix.indrelid = 'items'::regclass AND ix.indisprimary
                    ) k ON a.attnum=k.attnum
                WHERE a.attrelid = 'items'::regclass
                ORDER BY k.ord;
SELECT conname
           FROM  pg_catalog.pg_constraint r
           WHERE r.conrelid = 'items'::regclass AND r.contype = 'p'
           ORDER BY 1;
SELECT r.conname,
                pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
                n.nspname as conschema
          FROM  pg_catalog.pg_constraint r,
                pg_namespace n,
                pg_class c
          WHERE r.conrelid = 'items'::regclass AND
                r.contype = 'f' AND
                c.oid = confrelid AND
                n.oid = c.relnamespace
          ORDER BY 1;
select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where pg_catalog.pg_table_is_visible(c.oid) and relname='customers';
-- SQL Lab: the schema prequery, the cancel id, the cost estimate, a preview with the time grain
-- session: set search_path = "sales"
SHOW search_path;
SELECT code, name FROM regions ORDER BY code LIMIT 100;
SELECT pg_backend_pid() > 0;
-- name: explain_cost
EXPLAIN SELECT * FROM regions WHERE population > 100000000;
-- session: 
SELECT DATE_TRUNC('week', ordered_at) AS ordered_at, count(*) AS count FROM public.orders GROUP BY DATE_TRUNC('week', ordered_at) ORDER BY count DESC, 1 LIMIT 10;
SELECT DATE_TRUNC('quarter', created_at) AS __timestamp, country, sum(credit) AS "SUM(credit)" FROM public.customers GROUP BY DATE_TRUNC('quarter', created_at), country ORDER BY "SUM(credit)" DESC, 1, 2 LIMIT 25;
SELECT (timestamp 'epoch' + id * interval '1 second') AS t, TO_DATE('2024-02-29', 'YYYY-MM-DD') AS d, TO_TIMESTAMP('2024-02-29 13:14:15.123456', 'YYYY-MM-DD HH24:MI:SS.US') AS ts FROM public.orders WHERE id < 3 ORDER BY id;
