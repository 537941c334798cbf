-- Pattern matching: LIKE/ILIKE with escapes (the default backslash and ESCAPE), SIMILAR TO,
-- POSIX regular expressions (~, ~*, !~), regexp_match(es), regexp_replace with flags,
-- substring ... from, regexp_count/instr/like (PG 15).

SELECT name FROM customers WHERE name LIKE 'customer\_1%' ORDER BY id LIMIT 12;
SELECT count(*) FROM customers WHERE name LIKE 'customer_1%';
SELECT count(*) FROM customers WHERE name LIKE 'customer\_1%';
SELECT name FROM customers WHERE name LIKE 'customer!%%' ESCAPE '!' ORDER BY id;
SELECT name FROM customers WHERE name LIKE '%\%%' ORDER BY id;
SELECT name FROM customers WHERE name LIKE '%\\%' ORDER BY id;
SELECT name FROM customers WHERE name ILIKE 'CUSTOMER\_1 %' ORDER BY id;
SELECT name FROM customers WHERE name NOT LIKE 'customer%' ORDER BY id;
SELECT name FROM customers WHERE name NOT ILIKE 'customer%' ORDER BY id;
SELECT name FROM customers WHERE name ~~ 'customer_2%' AND id < 25 ORDER BY id;
SELECT name FROM customers WHERE name ~~* '%UPPER' OR name !~~ '%' ORDER BY id;
SELECT 'abc' LIKE 'ABC', 'abc' ILIKE 'ABC', 'ÄBC' ILIKE 'äbc', 'a_c' LIKE 'a\_c', 'abc' LIKE 'a\_c', '' LIKE '', NULL LIKE 'a', 'a' LIKE NULL;
SELECT 'a%' LIKE 'a%' ESCAPE '', 'a' LIKE 'a' ESCAPE '';
SELECT 'ab' LIKE 'a' ESCAPE 'xy';
SELECT 'abc' LIKE 'abc\';
SELECT 'a\b' LIKE 'a\\b', 'a\b' LIKE 'a\b', 'a.b' LIKE 'a.b', 'a*b' LIKE 'a*b', 'a[b]' LIKE 'a[b]';
SELECT city FROM customers WHERE city LIKE 'S%' OR city ILIKE '%ÜR%' GROUP BY city ORDER BY city;
SELECT sku FROM products WHERE sku LIKE 'SKU-00_1' ORDER BY sku;
SELECT 'abc' SIMILAR TO 'abc', 'abc' SIMILAR TO 'a', 'abc' SIMILAR TO '%(b|d)%', 'abc' SIMILAR TO '(a|b)*c', 'aaa' SIMILAR TO 'a{2,3}', 'a.c' SIMILAR TO 'a.c', 'abc' SIMILAR TO 'a.c';
SELECT name FROM customers WHERE name SIMILAR TO 'customer_(1|2)[0-9]' ORDER BY id;
SELECT 'a%b' SIMILAR TO 'a#%b' ESCAPE '#', 'axb' SIMILAR TO 'a#%b' ESCAPE '#', 'abc' NOT SIMILAR TO '_b_';
SELECT substring('foobar' similar '%#"o_b#"%' escape '#'), substring('foobar' from '%#"o_b#"%' for '#');
SELECT 'hello' ~ 'l+', 'hello' ~ '^L', 'hello' ~* '^H', 'hello' !~ 'z', 'hello' !~* 'E', 'a.b' ~ 'a\.b', 'ab' ~ 'a\.b';
SELECT name FROM customers WHERE name ~ '^customer_1[0-9]{2}$' AND id < 150 ORDER BY id;
SELECT name FROM customers WHERE name ~* '^c.*UPPER$' ORDER BY id;
SELECT email FROM customers WHERE email ~ '@example\.(org|net)$' AND id < 8 ORDER BY id;
SELECT regexp_match('foobarbequebaz', 'ba.'), regexp_match('foobarbequebaz', '(bar)(beque)'), regexp_match('abc', 'z'), regexp_match('ABC', 'b', 'i');
SELECT regexp_matches('foobarbequebazilbarfbonk', '(b[^b]+)(b[^b]+)', 'g');
SELECT regexp_matches('abc ABC aBc', 'abc', 'gi') ORDER BY 1;
SELECT regexp_replace('Thomas', '.[mN]a.', 'M'), regexp_replace('foobarbaz', 'b..', 'X', 'g'), regexp_replace('foobarbaz', 'B..', 'X', 'gi'), regexp_replace('abc', '(b)', '[\1]'), regexp_replace('a-b-c', '-', '', 'g');
SELECT regexp_replace('hello world', '(\w+) (\w+)', '\2 \1'), regexp_replace('aaa', 'a', 'b', 2), regexp_replace('AbcAbc', 'a', 'x', 1, 2, 'i'), regexp_replace('x', 'x', '\\&');
SELECT regexp_replace('abc', '(', 'x');
SELECT regexp_match('abc', 'b', 'z');
SELECT substring('hello123world' from '[0-9]+'), substring('hello' from 'l(l)o'), substring('hello' from 'z'), substring('Thomas' from '...$');
SELECT regexp_count('ABCABCAXYaxy', 'A.'), regexp_count('ABCABCAXYaxy', 'A.', 1, 'i'), regexp_instr('ABCDEF', 'c(.)(..)', 1, 1, 0, 'i'), regexp_substr('ABCDEF', 'c(.)(..)', 1, 1, 'i', 2), regexp_like('Hello', 'h', 'i');
SELECT regexp_split_to_array('a,b;c', '[,;]'), regexp_split_to_array('abc', ''), regexp_split_to_array('a  b', ' ');
SELECT id, regexp_replace(name, '[^a-z]', '', 'g'), (regexp_match(email, '@(.*)$'))[1] FROM customers WHERE id IN (1, 2, 2004, 2005, 2006) ORDER BY id;
SELECT (regexp_match(email, '\.([a-z]+)$'))[1] AS tld, count(*) FROM customers GROUP BY 1 ORDER BY 1;
SELECT 'aaa' ~ '(a)\1', 'ab' ~ '(?i)AB', 'x1' ~ '[[:digit:]]', 'abc' ~ '\mabc\M', 'foo bar' ~ '\ybar\y', 'a\b' ~ '\\';
-- name: lookbehind
SELECT 'abc' ~ '(?<=a)b', 'abc' ~ 'a(?=b)', 'abc' ~ 'a(?!c)', 'aXb' ~ 'a[^[:lower:]]b';
