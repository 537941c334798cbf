-- Session state: SHOW, current_setting, search_path changes and what they do to name
-- resolution, extra_float_digits, and the identity answers of the allowlist (named entries).

SHOW TimeZone;
SHOW DateStyle;
SHOW IntervalStyle;
SHOW search_path;
SHOW standard_conforming_strings;
SHOW server_encoding;
SHOW client_encoding;
SHOW integer_datetimes;
SHOW extra_float_digits;
SHOW transaction_isolation;
-- name: default_read_only
SHOW default_transaction_read_only;
SHOW lc_collate;
SHOW max_identifier_length;
-- name: is_superuser
SHOW is_superuser;
SHOW no_such_thing;
-- name: server_version
SHOW server_version;
-- name: server_version_num
SELECT current_setting('server_version_num')::int / 10000;
-- name: version
SELECT version();
SELECT pg_backend_pid() > 0, pg_backend_pid() = pg_backend_pid();
-- name: server_port
SELECT inet_server_port();
-- name: sizes
SELECT pg_table_size('orders'), pg_relation_size('orders'), pg_total_relation_size('orders'), pg_indexes_size('orders');
-- name: size_pretty
SELECT pg_size_pretty(pg_table_size('customers')), pg_size_pretty(pg_database_size(current_database()));
SELECT pg_size_pretty(123456789::bigint), pg_size_pretty(1024::numeric), pg_size_bytes('1 GB'), pg_column_size(1::int8);
-- name: explain
EXPLAIN SELECT * FROM orders WHERE id = 1;
-- name: explain_costs_off
EXPLAIN (COSTS OFF) SELECT count(*) FROM customers;
-- name: transaction_read_only
SELECT txid_current_if_assigned() IS NULL, pg_is_in_recovery(), current_setting('transaction_read_only');

-- session: SET search_path = sales, public
SHOW search_path;
SELECT current_schema(), current_schemas(false);
SELECT code, name FROM regions WHERE parent = 'EU' ORDER BY code;
SELECT count(*) FROM customers;
SELECT 'regions'::regclass, 'targets'::regclass::oid = 'sales.targets'::regclass::oid;
SELECT r.name, sum(t.amount) FROM targets t JOIN regions r ON r.code = t.region GROUP BY r.name ORDER BY 1;
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1;

-- session: SET search_path = sales
SELECT count(*) FROM customers;
SELECT count(*) FROM public.customers;
SELECT 'mood'::regtype;
SELECT 'ok'::public.mood;
SELECT lower('X'), now() IS NOT NULL;

-- session: SET search_path = no_such_schema
SELECT current_schema(), current_schemas(true);
SELECT count(*) FROM orders;
SELECT count(*) FROM public.orders;

-- session: SET search_path TO "$user", public; SET extra_float_digits = 3
SHOW search_path;
SELECT 0.1::float8, 0.1::float4, 1::float8 / 3, 1e100::float8, f4, f8 FROM alltypes WHERE id IN (6, 7, 8) ORDER BY id;

-- session: SET extra_float_digits = -3
SELECT 0.1::float8, 0.1::float4, 1::float8 / 3, pi(), 2::float4 / 3, f4, f8 FROM alltypes WHERE id IN (6, 7, 8) ORDER BY id;

-- session: SET TIME ZONE 'Asia/Tokyo'; SET application_name = 'corpus app'
SHOW TimeZone;
SHOW application_name;
SELECT current_setting('TimeZone'), timestamptz '2024-01-01 00:00+00';

-- session: SET TIME ZONE LOCAL; SET DateStyle TO DEFAULT; RESET IntervalStyle
SHOW TimeZone;
SHOW DateStyle;

-- session: SET application_name = 'scs'
SELECT 'a\\b', E'a\\b';
-- name: scs_off
SET standard_conforming_strings = off;

-- session: SET no_such_setting = 1
SELECT 1;

-- session: SET TimeZone = 'Nowhere/Else'
SHOW TimeZone;

-- session: SET DateStyle = 'Nonsense'
SHOW DateStyle;

-- session: SET statement_timeout = '5s'; SET work_mem = '8MB'; SET lock_timeout = 1000
SHOW statement_timeout;
SHOW work_mem;
SELECT current_setting('lock_timeout'), current_setting('work_mem');
