-- Text functions: concatenation with NULL and non-text, length in characters vs bytes, case,
-- padding, trimming, splitting, format(), quoting, encode/decode, initcap, char(n) semantics.

SELECT 'a' || 'b', 'a' || NULL, 'a' || 1, 1 || 'a', 'x' || 1.50 || true, concat('a', NULL, 2, true), concat_ws(',', 'a', NULL, 'c', 3);
SELECT length('héllo'), char_length('日本語'), octet_length('日本語'), bit_length('a'), length(''), length(NULL::text);
-- name: initcap_unicode
SELECT upper('héllo ß'), lower('ÀÉÎ Straße'), initcap('hello wORLD foo-bar o''neil 3rd'), initcap('ÉCOLE élève');
SELECT lpad('abc', 6), lpad('abc', 6, 'xy'), lpad('abcdef', 3), rpad('abc', 6, '*'), rpad('日本', 4, '語'), lpad('x', -1);
SELECT btrim('  xx  '), ltrim('  xx  '), rtrim('  xx  '), btrim('xxabcxx', 'x'), trim(both 'ab' from 'abxyzba'), trim(leading from '  a'), trim(trailing 'z' from 'azz');
SELECT substr('hello', 2), substr('hello', 2, 3), substr('hello', 0, 2), substr('hello', -1, 3), substring('hello' from 2 for 2), substring('hello', 10);
SELECT substr('hello', 1, -1);
SELECT left('hello', 2), left('hello', -2), right('hello', 2), right('hello', -2), reverse('añb日'), repeat('ab', 3), repeat('x', 0);
SELECT position('lo' in 'hello'), strpos('hello', 'l'), position('' in 'abc'), strpos('日本語', '語');
SELECT replace('abcabc', 'b', 'XY'), replace('aaa', 'a', ''), translate('12345', '143', 'ax'), overlay('Txxxxas' placing 'hom' from 2 for 4);
SELECT split_part('a,b,,c', ',', 3), split_part('a,b,c', ',', 5), split_part('a,b,c', ',', -1), split_part('a.b.c', '.', -3);
SELECT split_part('a,b', ',', 0);
SELECT string_to_array('a,b,,c', ','), string_to_array('a,b,NULL', ',', 'NULL'), string_to_array('abc', NULL), string_to_array('', ','), string_to_array('a b', '');
SELECT array_to_string(ARRAY['a', NULL, 'c'], ','), array_to_string(ARRAY['a', NULL, 'c'], ',', '*'), array_to_string(ARRAY[1, 2], '-'), array_to_string('{}'::text[], ',');
SELECT format('%s is %s', 'x', 1), format('%I.%I', 'public', 'My Table'), format('%L, %L', 'it''s', NULL), format('%s|%10s|%-10s|', 'a', 'b', 'c'), format('%2$s %1$s', 'a', 'b');
SELECT format('%s %s', 'only one');
SELECT format('%5$s', 1);
SELECT format('%I', NULL);
SELECT format('%%, %s', ARRAY[1, 2]), format(NULL), format('%s', NULL), format('[%-5L]', 'x'), format('%*s|', 6, 'ab');
SELECT quote_ident('foo'), quote_ident('Foo'), quote_ident('foo bar'), quote_ident('select'), quote_ident('a"b'), quote_ident('_x1'), quote_ident('1x');
SELECT quote_literal('it''s'), quote_literal(E'back\\slash'), quote_literal(42), quote_literal(NULL), quote_nullable(NULL), quote_nullable('x');
SELECT encode('hello'::bytea, 'hex'), encode('hello'::bytea, 'base64'), encode(E'a\\000b'::bytea, 'escape'), encode(convert_to('日本', 'UTF8'), 'hex');
SELECT decode('68656c6c6f', 'hex'), decode('aGVsbG8=', 'base64'), convert_from(decode('e697a5', 'hex'), 'UTF8'), decode('a\000b', 'escape');
SELECT decode('zz', 'hex');
SELECT md5('hello'), md5(''), sha256('hello'::bytea), to_hex(255), to_hex(-1), to_hex(9223372036854775807);
SELECT ascii('A'), ascii('日'), chr(65), chr(26085);
SELECT chr(0);
SELECT 'abc' < 'abd', 'a' < 'B', 'Z' < 'a', 'é' > 'f', '' < ' ', 'abc' = 'abc ', 'abc'::char(5) = 'abc', 'abc'::char(5) || '|';
SELECT starts_with('hello', 'he'), 'hello' ^@ 'lo', left(name, 9) FROM customers WHERE id = 1;
SELECT length('ab '::char(5)), octet_length('ab'::char(5)), 'ab'::char(5)::text || '|', ('ab'::char(5))::varchar || '|', 'ab '::varchar(5) || '|';
SELECT 'abcdef'::varchar(3), 'abcdef'::char(3), 'ab'::char(3) = 'ab'::char(4), '日本語日本'::varchar(2);
SELECT CAST('abcdef' AS varchar(3)), CAST(12345 AS varchar(3)), CAST(12345 AS char(3));
-- name: initcap_names
SELECT id, name, length(name), upper(name), initcap(name), md5(name) FROM customers WHERE id > 2000 ORDER BY id;
SELECT id, name || '|' || coalesce(city, '?') || '|' || country || '|' AS line FROM customers WHERE id BETWEEN 2000 AND 2010 ORDER BY id;
SELECT country, length(country), country || '|', octet_length(country) FROM customers WHERE id = 1;
SELECT string_agg(DISTINCT city, ', ' ORDER BY city) FROM customers;
SELECT city, count(*) FROM customers GROUP BY city ORDER BY city NULLS FIRST;
SELECT name FROM customers WHERE id > 1995 ORDER BY name;
SELECT name FROM customers WHERE id > 1995 ORDER BY lower(name) DESC, name;
SELECT max(name), min(name), max(city), min(city) FROM customers;
SELECT regexp_split_to_array('a1b22c333', '[0-9]+'), regexp_split_to_table('hello world', '\s+') ORDER BY 2;
SELECT to_ascii('abc');
SELECT unistr('d\0061t\+000061'), normalize('é'), 'é' IS NFC NORMALIZED;
SELECT sku, left(sku, 3), right(sku, 4)::int + 1, lpad(right(sku, 4), 6, '0') FROM products ORDER BY sku LIMIT 5;
SELECT E'a\tb', E'\x41\u00e9', 'no\escape', $$dollar 'quoted'$$, $tag$a$b$tag$, U&'\00e9';
SELECT 'line1
line2' AS multi, E'x\ny' AS esc;
SELECT pg_typeof('a' || 'b'), pg_typeof('a'::varchar || 'b'), pg_typeof('a'::char(1) || 'b'), pg_typeof(upper('a'::varchar(3))), pg_typeof(concat('a'));
