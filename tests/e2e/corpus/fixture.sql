-- tests/e2e/corpus/fixture.sql: the database test_pg_corpus.py (and test_psql_describe.py,
-- test_client_compare.py, test_bi_tools.py) mirror and query. Deterministic: every value comes
-- from generate_series arithmetic, never random() or now(). Every table here is mirrored, so
-- PostgreSQL's catalog and the proxy's served catalog describe the same objects.
--
-- Types covered: int2/int4/int8, numeric, numeric(10,2), numeric(40,5), float4/float8 (NaN,
-- ±Infinity, -0), text, varchar(n), char(n), bool, bytea, date/time/timetz/timestamp/
-- timestamptz (±infinity, BC, DST edges), interval, uuid, json, jsonb, int4[]/text[]/numeric[]
-- (NULL elements, quoting), enums (labels out of alphabetical order), domains, inet, money,
-- bit(n); quoted mixed-case identifiers; a second schema; PKs, unique and expression indexes,
-- partial index, FKs, a CHECK, defaults, a serial, comments.
SET client_min_messages = warning;

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic', 'angry');
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN email_addr AS varchar(120) CHECK (VALUE LIKE '%@%');
COMMENT ON TYPE mood IS 'How a customer feels';
CREATE SCHEMA sales;
COMMENT ON SCHEMA sales IS 'Sales organisation';
DO $$ BEGIN EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), 'The corpus database'); END $$;

CREATE TABLE customers (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    email email_addr NOT NULL,
    country char(2) NOT NULL DEFAULT 'US',
    city varchar(40),
    signup_date date NOT NULL,
    created_at timestamptz NOT NULL,
    vip boolean NOT NULL DEFAULT false,
    mood mood,
    credit numeric(12,2) DEFAULT 0,
    tags text[],
    CONSTRAINT customers_email_key UNIQUE (email)
);
CREATE INDEX customers_lower_name_idx ON customers (lower(name));
CREATE INDEX customers_country_city_idx ON customers (country, city) WHERE city IS NOT NULL;
COMMENT ON TABLE customers IS 'People who place orders';
COMMENT ON COLUMN customers.email IS 'Unique contact address';
COMMENT ON COLUMN customers.credit IS 'Store credit in EUR';

INSERT INTO customers
SELECT g,
       'customer_' || g,
       'customer' || g || '@example.' || (ARRAY['com', 'org', 'net'])[1 + g % 3],
       (ARRAY['US', 'DE', 'FR', 'JP', 'BR', 'IN', 'GB'])[1 + g % 7],
       CASE WHEN g % 11 = 0 THEN NULL
            ELSE (ARRAY['Springfield', 'Berlin', 'Paris', 'Tokyo', 'São Paulo', 'Mumbai', 'London', 'Zürich'])[1 + g % 8] END,
       date '2020-01-01' + (g * 37 % 1500),
       timestamptz '2020-01-01 00:00:00+00' + (g * 7919 % 100000) * interval '17 minutes',
       g % 13 = 0,
       CASE WHEN g % 9 = 0 THEN NULL ELSE (enum_range(NULL::mood))[1 + g % 5] END,
       round((g * 12.37) % 5000, 2),
       CASE WHEN g % 5 = 0 THEN NULL WHEN g % 5 = 1 THEN '{}'::text[]
            ELSE ARRAY['t' || g % 3, 't' || g % 4] END
FROM generate_series(1, 2000) g;
-- Names that LIKE escapes, quoting and case rules must get right.
INSERT INTO customers (id, name, email, country, city, signup_date, created_at, mood, credit, tags) VALUES
 (2001, 'customer%1', 'pct@example.com', 'DE', 'Berlin', '2024-02-29', '2024-02-29 23:30:00+00', 'happy', 1.00, '{"a b","c,d"}'),
 (2002, 'Customer_1 Upper', 'upper@example.com', 'FR', 'Paris', '2021-06-15', '2021-06-15 12:00:00+02', 'sad', 2.50, '{NULL,"NULL",""}'),
 (2003, 'customer1_x', 'x@example.com', 'US', NULL, '2022-01-01', '2022-01-01 00:00:00-05', NULL, NULL, NULL),
 (2004, 'O''Brien', 'obrien@example.com', 'GB', 'London', '2023-03-26', '2023-03-26 00:59:59+00', 'angry', 0.01, '{"quote\"d","back\\slash"}'),
 (2005, '名前 テスト', 'jp@example.com', 'JP', 'Tokyo', '2019-12-31', '2019-12-31 15:00:00+00', 'ecstatic', 9999999999.99, '{日本}'),
 (2006, 'emoji 🐘 ok', 'emoji@example.com', 'BR', 'São Paulo', '2020-02-29', '2020-02-29 03:00:00+00', 'ok', -5.00, '{}'),
 (2007, '  padded  ', 'pad@example.com', 'IN', 'Mumbai', '2020-01-01', '2020-01-01 00:00:00+05:30', 'ok', 0, '{x}'),
 (2008, '', 'empty@example.com', 'US', '', '2020-01-02', '2020-01-02 00:00:00+00', NULL, 0, '{""}'),
 (2009, E'tab\there', 'tab@example.com', 'DE', 'Zürich', '2020-01-03', '2020-01-03 00:00:00+00', 'sad', 3.33, '{a}'),
 (2010, 'back\slash', 'bs@example.com', 'FR', 'Paris', '2020-01-04', '2020-01-04 00:00:00+00', 'happy', 4.44, '{b}');

CREATE TABLE orders (
    id integer PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    ordered_at timestamp NOT NULL,
    status order_status NOT NULL DEFAULT 'pending',
    total numeric(10,2) NOT NULL,
    discount real,
    shipping double precision,
    note text,
    CONSTRAINT orders_total_check CHECK (total >= 0)
);
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE INDEX orders_ordered_at_idx ON orders (ordered_at DESC);
COMMENT ON TABLE orders IS 'One row per checkout';

INSERT INTO orders
SELECT g,
       1 + (g * 7 % 2000),
       timestamp '2023-01-01 00:00:00' + (g * 5003 % 525600) * interval '1 minute',
       (enum_range(NULL::order_status))[1 + (g * 3 % 6)],
       round(((g * 7907) % 100000) / 100.0, 2),
       CASE WHEN g % 4 = 0 THEN NULL ELSE (g % 20) / 100.0 END,
       CASE WHEN g % 6 = 0 THEN NULL ELSE 4.99 + (g % 3) END,
       CASE WHEN g % 10 = 0 THEN 'gift' WHEN g % 10 = 1 THEN 'Leave at door' WHEN g % 17 = 0 THEN '' END
FROM generate_series(1, 6000) g;

CREATE TABLE products (
    sku varchar(12) PRIMARY KEY,
    name text NOT NULL,
    category text NOT NULL,
    price numeric(10,2) NOT NULL,
    attrs jsonb
);
CREATE UNIQUE INDEX products_lower_name_key ON products (lower(name));
INSERT INTO products
SELECT 'SKU-' || lpad(g::text, 4, '0'),
       'Product ' || g,
       (ARRAY['books', 'garden', 'toys', 'kitchen', 'Electronics'])[1 + g % 5],
       round(1 + (g * 173 % 9000) / 100.0, 2),
       CASE WHEN g % 7 = 0 THEN NULL
            ELSE jsonb_build_object('color', (ARRAY['red', 'green', 'blue'])[1 + g % 3],
                                    'size', g % 4,
                                    'dims', jsonb_build_array(g % 10, g % 7, 1.5),
                                    'eco', g % 2 = 0) END
FROM generate_series(0, 499) g;

CREATE TABLE items (
    order_id integer NOT NULL REFERENCES orders (id),
    line smallint NOT NULL,
    sku varchar(12) NOT NULL REFERENCES products (sku),
    qty posint NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    weight_kg real,
    PRIMARY KEY (order_id, line)
);
INSERT INTO items
SELECT o, l,
       'SKU-' || lpad(((o * 31 + l * 17) % 500)::text, 4, '0'),
       1 + (o + l) % 5,
       round(((o * 13 + l * 101) % 20000) / 100.0 + 0.99, 2),
       ((o + l) % 40) / 4.0
FROM generate_series(1, 6000) o, generate_series(1, 1 + o % 4) l;

CREATE TABLE notes (
    id serial PRIMARY KEY,
    customer_id bigint REFERENCES customers (id),
    body text NOT NULL,
    created date NOT NULL DEFAULT '2024-01-01'
);
INSERT INTO notes (customer_id, body, created)
SELECT 1 + g * 37 % 2000, 'note ' || g || repeat('!', g % 3), date '2024-01-01' + g
FROM generate_series(1, 50) g;

-- Hourly instants across the 2024 DST changes of America/New_York and Europe/Berlin.
CREATE TABLE events (
    id integer PRIMARY KEY,
    at timestamptz NOT NULL,
    local_ts timestamp NOT NULL,
    kind text NOT NULL,
    duration interval
);
INSERT INTO events
SELECT row_number() OVER (ORDER BY t), t, t AT TIME ZONE 'America/New_York',
       (ARRAY['login', 'view', 'buy'])[1 + extract(hour FROM t AT TIME ZONE 'UTC')::int % 3],
       make_interval(mins => (extract(hour FROM t AT TIME ZONE 'UTC')::int * 7) % 90)
FROM (SELECT generate_series(timestamptz '2024-03-09 00:00:00+00', '2024-03-11 12:00:00+00', '1 hour') t
      UNION ALL SELECT generate_series(timestamptz '2024-10-26 12:00:00+00', '2024-10-28 00:00:00+00', '1 hour')
      UNION ALL SELECT generate_series(timestamptz '2024-11-02 12:00:00+00', '2024-11-04 00:00:00+00', '1 hour')) s;

CREATE TABLE docs (
    id integer PRIMARY KEY,
    body jsonb NOT NULL,
    raw json
);
INSERT INTO docs
SELECT g,
       jsonb_build_object('id', g, 'name', 'doc ' || g, 'score', g * 1.25, 'ok', g % 3 = 0,
                          'tags', CASE WHEN g % 4 = 0 THEN '[]'::jsonb ELSE jsonb_build_array('t' || g % 5, 'u') END,
                          'meta', jsonb_build_object('rev', g % 7, 'by', CASE WHEN g % 5 = 0 THEN NULL ELSE 'user' || g % 9 END)),
       CASE WHEN g % 10 = 0 THEN NULL
            ELSE ('{"id": ' || g || ', "b": [1, 2.50, null],  "a": {"x": "y"}, "a": ' || g % 3 || '}')::json END
FROM generate_series(1, 200) g;

CREATE TABLE alltypes (
    id integer PRIMARY KEY,
    i2 smallint, i4 integer, i8 bigint,
    num numeric, num102 numeric(10,2), num405 numeric(40,5),
    f4 real, f8 double precision,
    t text, vc varchar(10), ch char(5),
    b boolean, ba bytea,
    d date, tm time, ttz timetz, ts timestamp, tstz timestamptz, iv interval,
    u uuid, j json, jb jsonb,
    ai int4[], at text[], an numeric[],
    m mood, dom posint, ip inet, mn money, bt bit(8)
);
COMMENT ON COLUMN alltypes.num405 IS 'beyond DuckDB''s 38 digits';
INSERT INTO alltypes VALUES
 (1, 0, 0, 0, 0, 0.00, 0.00000, 0, 0, '', '', '', false, '\x',
  '2000-01-01', '00:00:00', '00:00:00+00', '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '00:00:00',
  '00000000-0000-0000-0000-000000000000', '{}', '{}', '{}', '{}', '{}', 'sad', 1, '0.0.0.0', 0, B'00000000'),
 (2, -32768, -2147483648, -9223372036854775808, '-123456789012345678901234567890.123456789', -99999999.99,
  '-12345678901234567890123456789012345.12345', '-Infinity', '-Infinity', 'hello', 'abc', 'a', true, '\x00ff',
  '4713-01-01 BC', '23:59:59.999999', '23:59:59.999999-12', '-infinity', '-infinity', '-178000000 years',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '[1, 2.50, null, "x"]', '[1, 2.50, null, "x"]',
  '{1,NULL,3}', '{"a b","c,d","e\"f",NULL,"NULL","",x}', '{1.5,NaN,NULL,-0.001}', 'ok', 42,
  '192.168.0.1', '-1234.56', B'10101010'),
 (3, 32767, 2147483647, 9223372036854775807, 'NaN', 99999999.99, '12345678901234567890123456789012345.12345',
  'Infinity', 'Infinity', E'tab\tnew\nline', 'ten chars!', 'abcde', true, '\xdeadbeef',
  'infinity', '24:00:00', '12:34:56.5+05:30', 'infinity', 'infinity', '1 year 2 mons 3 days 04:05:06.789',
  'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', '{"b": 1, "a": [1, 2], "a": "dup"}', '{"b": 1, "a": [1, 2], "a": "dup"}',
  '{-2147483648,2147483647}', '{"quote\"d","back\\slash",日本}', '{Infinity,-Infinity}', 'happy', 7,
  '10.0.0.0/8', '1234567.89', B'11111111'),
 (4, -1, -1, 9007199254740993, 'Infinity', -0.01, -0.00001, 'NaN', 'NaN', 'héllo wörld ✓ 日本語 🐘', 'ünïcødé', 'ab ',
  false, '\x5c27', '0044-03-15 BC', '12:00:00', '00:00:00+14:59', '0099-06-01 12:00:00 BC', '0500-06-15 12:00:00+00 BC',
  '-1 days +02:00:00', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '"str"', '"str"', '{0}', '{}', '{}', 'ecstatic', 2147483647,
  '::1', '0.01', B'00000001'),
 (5, 1, 1, 1, '-Infinity', 0.01, 0.00001, '-0', '-0', 'quote '' "dq" \ back', 'x', 'xyz  ', true, '\x00',
  '2000-02-29', '00:00:00.000001', '23:59:59+00', '2024-03-10 02:30:00', '2024-03-10 06:59:59+00', '1 mon -1 days',
  '123e4567-e89b-12d3-a456-426614174000', 'null', 'null', '{7,7,7}', '{a,b,c}', '{1,2.50,3.000}', 'angry', 3,
  '2001:db8::/32', '-0.01', B'10000000'),
 (6, 100, 1000000, 1000000000000, '0.000000000000000000000000000001', 12345678.90, 1.5, 1.17549435e-38, 5e-324,
  'A', 'Z', 'Z', false, '\x41424344', '1999-12-31', '13:14:15', '13:14:15-07', '1999-12-31 23:59:59.999999',
  '2024-03-10 07:00:00+00', '36:00:00', '6ba7b810-9dad-11d1-80b4-00c04fd430c8', '{"nested": {"k": "v", "n": [true, false]}}',
  '{"nested": {"k": "v", "n": [true, false]}}', NULL, '{NULL}', '{NULL}', NULL, NULL, '172.16.5.4/12', '999.99', B'01010101'),
 (7, 7, 7, 7, '3.14159265358979323846264338327950288419716939937510', 3.14, 2.71828, 0.1, 0.1, 'a', 'b', 'c', true, '\x0a0d',
  '2024-02-29', '06:30:00', '06:30:00+01', '2024-11-03 01:30:00', '2024-11-03 05:59:59+00', '-00:00:00.000001',
  '01234567-89ab-cdef-0123-456789abcdef', '1e3', '1e3', '{3,1,2}', '{z,y,x}', '{10,9.5}', 'sad', 5, '10.1.2.3',
  '1000000', B'11110000'),
 (8, 8, 8, 8, '1e-20', 1.00, 1.00000, 3.4028235e38, 1.7976931348623157e308, 'b', 'c', 'd', false, '\xff',
  '1970-01-01', '23:00:00', '23:00:00-03', '1970-01-01 00:00:00', '2024-11-03 06:00:00+00', '100 years',
  '11111111-2222-3333-4444-555555555555', '{"a":1,"b":2}', '{"a":1,"b":2}', '{8}', '{"Z","a","B"}', '{-8}', 'ok', 8,
  '255.255.255.255/32', '12.34', B'00001111'),
 (9, 9, 9, 9, '42', 42.00, 42, 1.5, 1e15, 'B', 'C', 'D', true, '\x01',
  '1900-01-01', '09:00:00', '09:00:00+09', '1900-01-01 00:00:00', '1900-01-01 00:00:00+00', '1 day -01:00:00',
  'deadbeef-dead-beef-dead-beefdeadbeef', '{"k": "été 😀"}', '{"k": "été 😀"}', '{9,NULL}', '{"with space"}', '{9}', 'happy', 9,
  '127.0.0.1', '5', B'11001100'),
 (10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE "Mixed Case" (
    "Id" integer PRIMARY KEY,
    "Name" text,
    "name" text,
    "select" integer,
    "CamelCol" date,
    "Dotted.Col" boolean DEFAULT true
);
COMMENT ON TABLE "Mixed Case" IS 'Quoted identifiers';
INSERT INTO "Mixed Case"
SELECT g, 'Upper ' || g, 'lower ' || (21 - g), g * g % 7, date '2024-01-01' + g * 3, g % 2 = 0
FROM generate_series(1, 20) g;

CREATE TABLE sales.regions (
    code char(2) PRIMARY KEY,
    name text NOT NULL,
    parent char(2) REFERENCES sales.regions (code),
    population bigint
);
INSERT INTO sales.regions VALUES
 ('WO', 'World', NULL, 8000000000), ('EU', 'Europe', 'WO', 745000000), ('NA', 'North America', 'WO', 580000000),
 ('AS', 'Asia', 'WO', 4700000000), ('SA', 'South America', 'WO', 430000000), ('DE', 'Germany', 'EU', 84000000),
 ('FR', 'France', 'EU', 68000000), ('GB', 'United Kingdom', 'EU', 67000000), ('US', 'United States', 'NA', 333000000),
 ('JP', 'Japan', 'AS', 125000000), ('IN', 'India', 'AS', 1420000000), ('BR', 'Brazil', 'SA', 215000000);

CREATE TABLE sales.targets (
    region char(2) NOT NULL REFERENCES sales.regions (code),
    year smallint NOT NULL,
    amount numeric(14,2) NOT NULL,
    PRIMARY KEY (region, year)
);
INSERT INTO sales.targets
SELECT code, y, round(population / 1000.0 * (y - 2019), 2)
FROM sales.regions, generate_series(2020, 2024) y WHERE parent IS NOT NULL AND parent <> 'WO';

-- stored generated columns: pgoutput does not send them, the proxy computes them
CREATE TABLE gen (
    id int PRIMARY KEY,
    a int,
    b text,
    price numeric(10,2),
    twice int GENERATED ALWAYS AS (a * 2) STORED,
    label text GENERATED ALWAYS AS (lower(b) || '-' || a) STORED,
    total numeric(12,2) GENERATED ALWAYS AS (price * 1.075) STORED,
    ratio double precision GENERATED ALWAYS AS (a / 3.0) STORED,
    big boolean GENERATED ALWAYS AS (a > 10) STORED,
    short varchar(3) GENERATED ALWAYS AS (upper(left(b, 3))) STORED,
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(b, ''))) STORED
);
INSERT INTO gen (id, a, b, price)
SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE g * 3 - 20 END, CASE WHEN g % 5 = 0 THEN NULL ELSE 'Item ' || g END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE g * 12.34 END
FROM generate_series(1, 30) g;

-- legacy inheritance: a query of the parent includes the child's rows in PostgreSQL
CREATE TABLE vehicles (id int PRIMARY KEY, name text, wheels int);
CREATE TABLE trucks (payload_t numeric(6,1)) INHERITS (vehicles);
ALTER TABLE trucks ADD PRIMARY KEY (id);
INSERT INTO vehicles VALUES (1, 'bike', 2), (2, 'car', 4), (3, 'trike', 3);
INSERT INTO trucks VALUES (10, 'van', 4, 1.5), (11, 'lorry', 18, 24.0);
-- a child made first and attached later: its columns at other attnums than the parent's
CREATE TABLE buses (seats int, name text, id int NOT NULL, wheels int);
ALTER TABLE buses INHERIT vehicles;
ALTER TABLE buses ADD PRIMARY KEY (id);
INSERT INTO buses VALUES (40, 'coach', 20, 6), (12, 'minibus', 21, 4);
-- a grandchild
CREATE TABLE tankers (liters int) INHERITS (trucks);
ALTER TABLE tankers ADD PRIMARY KEY (id);
INSERT INTO tankers VALUES (30, 'tanker', 18, 30.0, 20000);

VACUUM ANALYZE;
