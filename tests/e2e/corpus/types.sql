-- Every type of the fixture: projection, cast to text, comparison, ordering, NULL handling,
-- type-specific semantics (char(n) padding, enum order, domain, uuid text forms, bytea
-- output, bit strings, inet, money), and pg_typeof of columns.

SELECT * FROM alltypes ORDER BY id;
SELECT id, i2::text, i4::text, i8::text, num::text, f4::text, f8::text, t::text, vc::text, ch::text, b::text, ba::text FROM alltypes ORDER BY id;
SELECT id, d::text, tm::text, ttz::text, ts::text, tstz::text, iv::text, u::text, j::text, jb::text, m::text, dom::text, ip::text, mn::text, bt::text FROM alltypes ORDER BY id;
SELECT pg_typeof(i2), pg_typeof(i4), pg_typeof(i8), pg_typeof(num), pg_typeof(num102), pg_typeof(f4), pg_typeof(f8), pg_typeof(vc), pg_typeof(ch), pg_typeof(ba), pg_typeof(ttz), pg_typeof(iv), pg_typeof(u), pg_typeof(jb), pg_typeof(m), pg_typeof(dom), pg_typeof(ip), pg_typeof(mn), pg_typeof(bt), pg_typeof(ai) FROM alltypes WHERE id = 1;
SELECT id FROM alltypes WHERE i2 IS NULL AND t IS NULL AND ip IS NULL AND mn IS NULL AND bt IS NULL AND j IS NULL;
SELECT count(*), count(i2), count(num), count(ttz), count(iv), count(u), count(j), count(ai), count(m), count(dom), count(ip), count(mn), count(bt) FROM alltypes;
SELECT id, f4, f8 FROM alltypes ORDER BY f8, id;
SELECT id, f4 FROM alltypes ORDER BY f4 DESC NULLS LAST, id;
SELECT id, f8 = 'NaN', f8 > 0, f8 < 0, f8 = 0, f8 = '-0', f4 = f8 FROM alltypes ORDER BY id;
SELECT id, i2 + 1, i4 - 1, i8 * 1 FROM alltypes WHERE id NOT IN (2, 3) ORDER BY id;
SELECT id, i2 + 1 FROM alltypes WHERE id = 3;
SELECT id, i8 + 1 FROM alltypes WHERE id = 3;
SELECT id, i2 / 2, i4 / 2, i8 / 2, i2 % 3, -i4 FROM alltypes WHERE id NOT IN (2, 3) ORDER BY id;
SELECT id, ch, ch || '|', ch::text || '|', ch::varchar || '|', length(ch), octet_length(ch), ch = 'ab', ch = 'ab   ', ch LIKE 'ab%', ch LIKE 'ab', ch < 'abc' FROM alltypes ORDER BY id;
SELECT id, ch FROM alltypes ORDER BY ch, id;
SELECT id, vc, length(vc), vc || '|', vc = 'abc', vc = 'abc ' FROM alltypes ORDER BY id;
SELECT id, t FROM alltypes ORDER BY t NULLS FIRST, id;
SELECT count(*) FROM customers WHERE country = 'US';
SELECT count(*) FROM customers WHERE country = 'US ' AND country LIKE 'US';
SELECT country, count(*) FROM customers GROUP BY country HAVING country IN ('US', 'DE') ORDER BY 1;
SELECT id, b, NOT b, b AND NULL, b OR NULL, b IS TRUE, b IS NOT FALSE, b IS UNKNOWN FROM alltypes ORDER BY id;
SELECT id, b FROM alltypes ORDER BY b NULLS FIRST, id;
SELECT 'yes'::boolean, 'off'::boolean, 't'::boolean, ' 1 '::boolean, true::int, 1::boolean, 'true'::boolean::text;
SELECT 'maybe'::boolean;
SELECT id, ba, length(ba), octet_length(ba), get_byte(ba, 0), encode(ba, 'hex'), encode(ba, 'base64'), encode(ba, 'escape'), ba || '\x00'::bytea, substring(ba from 2 for 1) FROM alltypes WHERE ba <> '\x' ORDER BY id;
SELECT id, ba FROM alltypes ORDER BY ba NULLS LAST, id;
SELECT '\xDEADbeef'::bytea, 'abc'::bytea, E'\\001'::bytea, '\x'::bytea = ''::bytea, 'a\\b'::bytea, '\x4142'::bytea::text;
SELECT '\xg0'::bytea;
SELECT id, u, u::text, upper(u::text), u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', u < 'b0000000-0000-0000-0000-000000000000' FROM alltypes ORDER BY id;
SELECT id, u FROM alltypes ORDER BY u NULLS FIRST, id;
SELECT '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'::uuid, 'A0EEBC999C0B4EF8BB6D6BB9BD380A11'::uuid, 'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11'::uuid;
SELECT 'not-a-uuid'::uuid;
SELECT id, m, m::text, m < 'happy', m = 'ok', m > 'sad', m IS NULL FROM alltypes ORDER BY id;
SELECT id, m FROM alltypes ORDER BY m NULLS FIRST, id;
SELECT id, m FROM alltypes ORDER BY m::text, id;
SELECT mood, count(*) FROM customers GROUP BY mood ORDER BY mood DESC NULLS LAST;
SELECT enum_range(NULL::mood), enum_first(NULL::mood), enum_last(NULL::order_status), enum_range('ok'::mood, 'ecstatic'::mood), 'happy'::mood > 'angry'::mood;
SELECT 'meh'::mood;
SELECT count(*) FROM customers WHERE mood > 'ok';
SELECT count(*) FROM customers WHERE mood IN ('sad', 'angry');
SELECT status, count(*) FROM orders WHERE status BETWEEN 'paid' AND 'delivered' GROUP BY status ORDER BY status;
SELECT id, dom, dom + 1, dom * 2, pg_typeof(dom + 1), dom::text FROM alltypes WHERE dom < 100 ORDER BY id;
SELECT dom + 1 FROM alltypes WHERE id = 4;
-- name: domain_cast_neg
SELECT -1::posint, pg_typeof(-1::posint);
-- name: domain_zero
SELECT 0::posint;
-- name: domain_minus_one
SELECT (-1)::posint;
-- name: domain_values
SELECT 5::posint, 'a@b'::email_addr, pg_typeof(5::posint), pg_typeof(email) FROM customers WHERE id = 1;
SELECT id, ip, host(ip), masklen(ip), family(ip), network(ip), ip << '10.0.0.0/8', text(ip), abbrev(ip) FROM alltypes WHERE ip IS NOT NULL ORDER BY id;
-- name: inet_order
SELECT id, ip FROM alltypes ORDER BY ip NULLS FIRST, id;
-- name: inet_input
SELECT '192.168.1.5/24'::inet, '192.168.1.5/24'::cidr;
-- name: money_arithmetic
SELECT id, mn, mn + 1::money, mn * 2, mn / 4, mn::numeric FROM alltypes WHERE mn IS NOT NULL ORDER BY id;
-- name: money_order
SELECT id, mn FROM alltypes ORDER BY mn NULLS LAST, id;
-- name: money_input
SELECT '12.345'::money, '$1,000.00'::money, 5.125::money, (-1)::money, 100::money / 3;
-- name: bit_ops
SELECT id, bt, bt & B'11110000', bt | B'00000001', ~bt, bt << 2, bit_count(bt), bt::int, length(bt), get_bit(bt, 0) FROM alltypes WHERE bt IS NOT NULL ORDER BY id;
-- name: bit_lengths
SELECT id, bt::bit(2), bt::bit(12), bt::bit, bt::varbit, bt::varbit(3), bt::varbit::bit(10), pg_typeof(bt::varbit(3)) FROM alltypes ORDER BY id;
-- name: bit_length_zero
SELECT bt::bit(0) FROM alltypes;
-- name: bit_to_int2
SELECT bt::int2 FROM alltypes;
-- name: bit_functions
SELECT get_bit(bt, 1), length(bt), octet_length(bt), substring(bt from 2 for 3) FROM alltypes WHERE bt IS NOT NULL;
-- name: bit_aggregates
SELECT bit_and(bt), bit_or(bt) FROM alltypes;
-- name: bit_integer_casts
SELECT bt::int8 FROM alltypes;
-- name: bit_order
SELECT id, bt FROM alltypes ORDER BY bt NULLS LAST, id;
-- name: bit_constants
SELECT B'101'::bit(8), B'101010101'::bit(8), 5::bit(8), X'1F', B'10' || B'01';
-- name: bit_and_sizes
SELECT B'101'::bit(3) & B'11'::bit(2);
SELECT id, d, d + 1, d - date '2000-01-01', d < date '2000-01-01', extract(year FROM d) FROM alltypes WHERE id <> 3 ORDER BY id;
SELECT d - date '2000-01-01' FROM alltypes WHERE id = 3;
SELECT id, d FROM alltypes ORDER BY d NULLS FIRST, id;
SELECT id, tm, tm + interval '1 hour', tm - time '12:00', tm < time '12:00' FROM alltypes ORDER BY tm, id;
-- name: timetz_arith
SELECT id, ttz, ttz + interval '1 hour', ttz::time FROM alltypes ORDER BY 2, 1;
SELECT id, ts, ts + interval '1 day', ts < timestamp '2000-01-01', date_trunc('year', ts) FROM alltypes ORDER BY ts, id;
SELECT id, tstz, tstz::timestamp, tstz::date, tstz < timestamptz '2024-03-10 07:00+00' FROM alltypes ORDER BY 2 NULLS FIRST, 1;
SELECT id, iv, iv * 2, -iv, iv + interval '1 day', iv < interval '1 day', extract(epoch FROM iv) FROM alltypes WHERE id <> 2 ORDER BY iv, id;
SELECT id, iv * 2 FROM alltypes WHERE id = 2;
SELECT id, t, vc, ch FROM alltypes WHERE t = 'hello' OR vc = 'ten chars!' OR ch = 'abcde' ORDER BY id;
SELECT t, quote_literal(t), quote_ident(t), md5(t), length(t) FROM alltypes WHERE id IN (3, 4, 5) ORDER BY id;
SELECT 'abc'::name, pg_typeof('abc'::name), 'x'::"char", pg_typeof('x'::"char"), 12::oid, pg_typeof(12::oid);
SELECT 'a'::citext_not_here;
SELECT '1 day'::interval::text, '12:00'::time::text, 'ok'::mood::text, 1::bigint::text, 1.50::numeric::text, 1.5::float4::text;
SELECT CAST(i4 AS text), CAST(d AS text), CAST(b AS int), CAST(num102 AS int), CAST(f8 AS numeric) FROM alltypes WHERE id = 9;
SELECT CAST(f8 AS numeric) FROM alltypes WHERE id = 3;
SELECT i4::int2 FROM alltypes WHERE id = 3;
SELECT t::int FROM alltypes WHERE id = 2;
SELECT id, row(i4, t, b) FROM alltypes WHERE id IN (1, 2, 5, 10) ORDER BY id;
-- type modifiers as typenameTypeMod reads them: constants and bare names, as text for typmodin
SELECT 1::numeric('3'), 1::numeric(' 4 ', '1'), 2.5::numeric('2');
SELECT 1::numeric(3.5);
SELECT 1::numeric('x');
SELECT 1::numeric(99999999999);
SELECT 1::numeric(a);
SELECT 1::numeric(1 + 1);
SELECT '1'::bit(1, 2);
SELECT 1::numeric(1, 2, 3);
-- name: domain_common_type
SELECT pg_typeof(ARRAY[dom]), pg_typeof(ARRAY[dom, dom]), pg_typeof(ARRAY[dom, NULL]), pg_typeof(ARRAY[dom, 1]), pg_typeof(ARRAY[dom, 2::int8]), pg_typeof(ARRAY[dom, 2::int2]), pg_typeof(COALESCE(dom, 0)), pg_typeof(COALESCE(dom, dom)), pg_typeof(CASE WHEN id > 1 THEN dom END), pg_typeof(CASE WHEN id > 1 THEN dom ELSE dom END), pg_typeof(GREATEST(dom, dom)), pg_typeof(GREATEST(dom, 2::int2)), pg_typeof(NULLIF(dom, 3)) FROM alltypes WHERE id = 1;
SELECT id, ARRAY[dom], ARRAY[dom, NULL], ARRAY[dom, dom + 1], COALESCE(dom, 0), CASE WHEN id > 1 THEN dom END FROM alltypes ORDER BY id;
SELECT pg_typeof(x), x FROM (SELECT dom AS x FROM alltypes WHERE id = 1 UNION ALL SELECT dom FROM alltypes WHERE id = 2) s ORDER BY x;
SELECT pg_typeof(x), x FROM (SELECT dom AS x FROM alltypes WHERE id = 1 UNION SELECT 7) s ORDER BY x;
SELECT pg_typeof(x), x FROM (VALUES ((SELECT dom FROM alltypes WHERE id = 1)), (NULL)) v(x) ORDER BY x;
SELECT pg_typeof(x), x FROM (VALUES ((SELECT dom FROM alltypes WHERE id = 1)), ((SELECT dom FROM alltypes WHERE id = 2))) v(x) ORDER BY x;
SELECT CASE WHEN id > 0 THEN 'a'::varchar(3) ELSE 1 END FROM alltypes;
SELECT ARRAY[dom, 'x'::varchar(4)] FROM alltypes;
SELECT COALESCE('a'::varchar(3), 'bb'::varchar(3)), pg_typeof(COALESCE('a'::varchar(3), 'bb'::varchar(5)));
