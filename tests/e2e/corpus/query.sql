-- Query shapes: CTEs (incl. recursive and MATERIALIZED), set operations, subqueries (IN,
-- EXISTS, ANY/ALL, correlated, scalar, LATERAL), joins of every kind with USING/NATURAL,
-- CASE/COALESCE/NULLIF/GREATEST/LEAST, VALUES, ORDER BY NULLS FIRST/LAST, DISTINCT (ON),
-- LIMIT/OFFSET/FETCH FIRST ... WITH TIES, and the errors PostgreSQL gives for bad ones.

WITH big AS (SELECT customer_id, sum(total) AS spent FROM orders GROUP BY customer_id) SELECT c.id, c.name, b.spent FROM big b JOIN customers c ON c.id = b.customer_id ORDER BY b.spent DESC, c.id LIMIT 10;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT sum(n), max(n), count(*) FROM t;
WITH RECURSIVE tree AS (SELECT code, name, parent, 0 AS depth, name::text AS path FROM sales.regions WHERE parent IS NULL UNION ALL SELECT r.code, r.name, r.parent, t.depth + 1, t.path || ' > ' || r.name FROM sales.regions r JOIN tree t ON r.parent = t.code) SELECT code, depth, path FROM tree ORDER BY path;
WITH RECURSIVE fib(a, b, n) AS (SELECT 0::numeric, 1::numeric, 1 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 100) SELECT n, a FROM fib WHERE n % 20 = 0 ORDER BY n;
-- name: search_clause
WITH RECURSIVE up AS (SELECT code, parent FROM sales.regions WHERE code = 'DE' UNION SELECT r.code, r.parent FROM sales.regions r JOIN up ON r.code = up.parent) SEARCH DEPTH FIRST BY code SET ord SELECT code FROM up ORDER BY ord;
-- name: cycle_clause
WITH RECURSIVE loop(n) AS (SELECT 1 UNION SELECT (n % 5) + 1 FROM loop) CYCLE n SET is_cycle USING path SELECT n, is_cycle, path FROM loop ORDER BY path;
WITH x AS MATERIALIZED (SELECT id FROM orders WHERE total > 999), y AS NOT MATERIALIZED (SELECT count(*) AS n FROM x) SELECT n, (SELECT min(id) FROM x) FROM y;
WITH a AS (SELECT 1 AS v), b AS (SELECT v + 1 AS v FROM a), c AS (SELECT v * 10 AS v FROM b) SELECT * FROM a, b, c;
WITH RECURSIVE bad AS (SELECT 1 UNION ALL SELECT count(*) FROM bad) SELECT * FROM bad;
SELECT country FROM customers WHERE id < 10 UNION SELECT code FROM sales.regions ORDER BY 1;
SELECT country FROM customers WHERE id < 10 UNION ALL SELECT code FROM sales.regions WHERE code < 'E' ORDER BY 1;
SELECT code FROM sales.regions INTERSECT SELECT country FROM customers ORDER BY 1;
SELECT code FROM sales.regions EXCEPT SELECT country FROM customers ORDER BY 1;
SELECT country FROM customers EXCEPT ALL SELECT country FROM customers WHERE id > 7 ORDER BY 1;
SELECT 1 AS a, 'x' AS b UNION SELECT 2, 'y' UNION SELECT 1, 'x' ORDER BY a DESC;
SELECT 1 UNION SELECT 'a';
SELECT 1, 2 UNION SELECT 3;
(SELECT id FROM orders ORDER BY id DESC LIMIT 3) UNION ALL (SELECT id FROM orders ORDER BY id LIMIT 2) ORDER BY 1;
SELECT 1.5 UNION SELECT 2 UNION SELECT 3::int8 ORDER BY 1;
SELECT NULL UNION SELECT 1 ORDER BY 1;
SELECT id, name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > 999.5) ORDER BY id;
SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders) ORDER BY id LIMIT 5;
SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM notes UNION ALL SELECT NULL) LIMIT 5;
SELECT id FROM customers c WHERE EXISTS (SELECT 1 FROM notes n WHERE n.customer_id = c.id) ORDER BY id;
SELECT id FROM customers c WHERE NOT EXISTS (SELECT FROM orders o WHERE o.customer_id = c.id) AND id < 2000 ORDER BY id;
SELECT id, total FROM orders WHERE total > ALL (SELECT total FROM orders WHERE status = 'refunded') ORDER BY id;
SELECT id, total FROM orders WHERE total = ANY (SELECT max(total) FROM orders GROUP BY status) ORDER BY id;
SELECT id FROM orders WHERE id = ANY (ARRAY[3, 5, NULL]) ORDER BY id;
SELECT 5 = ANY (ARRAY[1, NULL]), 5 <> ALL (ARRAY[1, NULL]), 1 = ANY ('{}'::int[]), 1 = ALL ('{}'::int[]), 5 > SOME (ARRAY[1, 9]);
SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n, (SELECT max(total) FROM orders o WHERE o.customer_id = c.id) AS best FROM customers c WHERE c.id <= 10 ORDER BY c.id;
SELECT (SELECT id FROM orders WHERE customer_id = 8);
SELECT (SELECT id FROM orders WHERE id < 0) IS NULL;
SELECT c.id, top.id, top.total FROM customers c CROSS JOIN LATERAL (SELECT id, total FROM orders o WHERE o.customer_id = c.id ORDER BY total DESC, id LIMIT 2) top WHERE c.id <= 5 ORDER BY c.id, top.total DESC;
SELECT c.id, l.n FROM customers c LEFT JOIN LATERAL (SELECT count(*) AS n FROM notes WHERE customer_id = c.id) l ON true WHERE c.id IN (1, 38, 75) ORDER BY c.id;
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id <= 5 ORDER BY o.id;
SELECT c.id, n.id FROM customers c LEFT JOIN notes n ON n.customer_id = c.id WHERE c.id <= 40 ORDER BY c.id, n.id;
SELECT n.id, c.id FROM customers c RIGHT JOIN notes n ON n.customer_id = c.id AND c.id < 100 ORDER BY n.id;
SELECT r.code, t.year FROM sales.regions r FULL JOIN sales.targets t ON t.region = r.code AND t.year = 2024 ORDER BY r.code, t.year;
SELECT count(*) FROM sales.regions CROSS JOIN sales.regions r2;
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) a(id, x) JOIN (VALUES (2, 'B'), (3, 'C')) b(id, y) USING (id);
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) a(id, x) FULL JOIN (VALUES (2, 'B'), (3, 'C')) b(id, y) USING (id) ORDER BY id;
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) a(id, x) NATURAL JOIN (VALUES (2, 'b'), (2, 'c')) b(id, x);
SELECT id, a.x, b.x FROM (VALUES (1, 'a'), (2, 'b')) a(id, x) LEFT JOIN (VALUES (2, 'B')) b(id, x) USING (id) ORDER BY id;
-- name: join_using_alias
SELECT j.id, j.x FROM (VALUES (1, 'a')) a(id, x) JOIN (VALUES (1, 'z')) b(id, y) USING (id) AS j;
SELECT region, year, amount, r.name FROM sales.targets t JOIN sales.regions r ON r.code = t.region WHERE year = 2022 ORDER BY amount DESC;
SELECT i.order_id, i.line, p.name, o.status, c.country FROM items i JOIN products p USING (sku) JOIN orders o ON o.id = i.order_id JOIN customers c ON c.id = o.customer_id WHERE i.order_id <= 4 ORDER BY 1, 2;
SELECT a.id, b.id FROM orders a JOIN orders b ON a.customer_id = b.customer_id AND a.id < b.id WHERE a.customer_id = 8 ORDER BY 1, 2;
SELECT id FROM customers JOIN orders ON orders.customer_id = customers.id LIMIT 1;
SELECT nope FROM customers;
SELECT customers.id FROM customers c;
SELECT * FROM no_such_table;
SELECT id, CASE WHEN total > 900 THEN 'high' WHEN total > 500 THEN 'mid' ELSE 'low' END, CASE status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 END FROM orders WHERE id <= 8 ORDER BY id;
SELECT CASE WHEN false THEN 1 / 0 ELSE 1 END, CASE 1 WHEN 1 THEN 'one' ELSE 2::text END, CASE WHEN NULL THEN 'x' END;
SELECT CASE WHEN true THEN 1 ELSE 'a' END;
SELECT coalesce(NULL, NULL, 3), coalesce(city, country, 'none'), nullif(1, 1), nullif('a', 'b'), nullif(country, 'US'), greatest(1, NULL, 3), least('b', 'a', NULL), greatest(date '2024-01-01', '2023-12-31') FROM customers WHERE id IN (11, 12) ORDER BY id;
SELECT coalesce(1, 'x');
SELECT greatest(1, 'a');
SELECT * FROM (VALUES (1, 'one', 1.5), (2, NULL, NULL), (3, 'three', 3)) v ORDER BY 1;
SELECT column1, column2 FROM (VALUES (1, 'x'), (2, 'y')) v ORDER BY column1 DESC;
VALUES (1, 'a'), (2, 'b') ORDER BY 1 DESC;
VALUES (1), ('a');
SELECT v.* FROM (VALUES (NULL::int), (1), (NULL), (2)) v(x) ORDER BY x NULLS FIRST;
SELECT x FROM (VALUES (NULL::int), (1), (NULL), (2)) v(x) ORDER BY x DESC;
SELECT x FROM (VALUES (NULL::int), (1), (NULL), (2)) v(x) ORDER BY x DESC NULLS LAST;
SELECT x FROM (VALUES (NULL::text), ('b'), ('A'), ('a'), (''), (' '), ('B')) v(x) ORDER BY x;
SELECT city, count(*) FROM customers GROUP BY city ORDER BY city DESC NULLS LAST;
SELECT id, discount FROM orders WHERE id <= 10 ORDER BY discount NULLS FIRST, id;
SELECT id, discount FROM orders WHERE id <= 10 ORDER BY discount DESC, id;
SELECT DISTINCT country FROM customers ORDER BY country;
SELECT DISTINCT ON (customer_id) customer_id, id, total FROM orders WHERE customer_id <= 12 ORDER BY customer_id, total DESC, id;
SELECT DISTINCT ON (country) country, city, id FROM customers ORDER BY country, id DESC;
SELECT DISTINCT country FROM customers ORDER BY city;
SELECT DISTINCT status, count(*) OVER (PARTITION BY status) FROM orders ORDER BY 1;
SELECT id FROM orders ORDER BY id LIMIT 3 OFFSET 5;
SELECT id FROM orders ORDER BY id OFFSET 5995;
SELECT id FROM orders ORDER BY id FETCH FIRST 3 ROWS ONLY;
SELECT id, total FROM orders ORDER BY total DESC FETCH FIRST 2 ROWS WITH TIES;
SELECT id FROM orders ORDER BY id OFFSET 2 ROWS FETCH NEXT 2 ROWS ONLY;
SELECT id FROM orders ORDER BY id LIMIT ALL OFFSET 5998;
SELECT id FROM orders ORDER BY id LIMIT 0;
SELECT id FROM orders ORDER BY id LIMIT NULL OFFSET 5999;
SELECT id FROM orders LIMIT -1;
SELECT id FROM orders ORDER BY id OFFSET -1;
SELECT id, total AS t FROM orders WHERE t > 999;
SELECT id, total AS t FROM orders ORDER BY t + 0 LIMIT 1;
SELECT id, total AS t FROM orders ORDER BY t DESC, id LIMIT 1;
SELECT count(*) FROM customers WHERE (country, vip) = ('DE', true);
SELECT count(*) FROM customers WHERE (country, id) IN (('DE', 1), ('FR', 2), ('JP', 3));
SELECT ROW(1, 'a') = ROW(1, 'a'), ROW(1, 2) < ROW(1, 3), (1, NULL) IS NULL, ROW(NULL, NULL) IS NULL, ROW(1, 'x');
SELECT o FROM orders o WHERE id = 1;
SELECT (o).total, (o).status FROM (SELECT o FROM orders o WHERE id = 2) s;
SELECT c.* FROM customers c WHERE c.id = 2002;
SELECT * FROM sales.regions ORDER BY code;
SELECT * FROM orders, customers WHERE false;
SELECT FROM customers LIMIT 2;
SELECT;
-- name: tablesample
SELECT id FROM customers TABLESAMPLE SYSTEM (10) REPEATABLE (1) WHERE false;
TABLE sales.regions ORDER BY population DESC;
SELECT 1 WHERE 1 IN (SELECT 1 WHERE false);
SELECT x FROM generate_series(1, 3) x WHERE x > ALL (SELECT 2) OR x IS NULL;
SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) AS n;
SELECT id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE country = 'JP' AND vip) ORDER BY id LIMIT 5;
SELECT id FROM orders WHERE (customer_id, status) IN (SELECT id, 'paid'::order_status FROM customers WHERE id < 30) ORDER BY id;
FROM customers SELECT id LIMIT 1;
SELECT id FROM customers QUALIFY row_number() OVER () = 1;
SELECT [1, 2];
SELECT * EXCLUDE (id) FROM sales.regions;
SELECT id FROM customers GROUP BY ALL;
SELECT list_value(1, 2);
SELECT strftime(now(), '%Y');
-- a subquery whose column is a NULL constant coerced to the other side's type
SELECT count(*) FROM orders o WHERE o.discount NOT IN (SELECT NULL::int FROM orders o WHERE o.id < 18);
SELECT count(*) FROM orders o WHERE o.total IN (SELECT NULL::int);
SELECT count(*) FROM orders o WHERE (o.discount, o.id) IN (SELECT NULL::int, 5);
SELECT count(*) FROM orders o WHERE (o.ordered_at, o.id) > (SELECT ordered_at, id FROM orders WHERE id = 100);
SELECT id FROM orders o WHERE (o.customer_id, o.id) <= (SELECT customer_id, id FROM orders WHERE id = 100) ORDER BY customer_id DESC, id DESC LIMIT 5;
SELECT count(*) FROM orders o WHERE (o.customer_id, o.note) <> (SELECT customer_id, note FROM orders WHERE id = 100);
SELECT id, (o.customer_id, o.id) < (SELECT customer_id, id FROM orders WHERE id = -1) AS no_row FROM orders o ORDER BY id LIMIT 3;
SELECT c.id, (c.id, c.name) > (SELECT max(customer_id), 'x' FROM orders o WHERE o.customer_id < c.id) FROM customers c ORDER BY 1 LIMIT 6;
SELECT (1, NULL) < (SELECT 2, 3), (1, NULL) < (SELECT 1, 3), (NULL, 1) = (SELECT 1, 1), (2, NULL) <> (SELECT 1, 1);
SELECT id, (o.customer_id, o.id) < (SELECT customer_id, id FROM orders WHERE id < 5) FROM orders o ORDER BY id LIMIT 3;
SELECT (1, 2) < (SELECT 1, 3, 4);
SELECT (1, 2) ~ (SELECT 1, 3);
SELECT ROW('a', 'b') ~ ROW('a', 'c');
SELECT ROW(1, 2) ~ ROW(1, 3);
-- name: row_compare_aggregate_with_subquery
SELECT customer_id, count(*) FROM orders GROUP BY customer_id HAVING (count(*), 1) > (SELECT 3, 0) ORDER BY 1 LIMIT 3;
-- a set operation's column of numeric held as text and real is real: it prints as a float
SELECT id, x FROM (SELECT id, round(num, 2) AS x FROM alltypes UNION ALL SELECT id + 100, f4 FROM alltypes) s ORDER BY id;
SELECT round(num102, 1) FROM alltypes INTERSECT SELECT f8 FROM alltypes ORDER BY 1;
SELECT a::text AS x FROM (SELECT ARRAY[round(num, 1)] FROM alltypes UNION ALL SELECT ARRAY[num102] FROM alltypes) s(a) ORDER BY x COLLATE "C";
SELECT ba FROM alltypes UNION SELECT jb FROM alltypes;
SELECT CASE WHEN id > 1 THEN ba ELSE jb END FROM alltypes;
-- CASE takes its type from the ELSE first: THEN varchar ELSE text is text, THEN bpchar ELSE
-- varchar is varchar (the padding goes)
SELECT CASE WHEN id > 1 THEN vc ELSE t END AS x, pg_typeof(CASE WHEN id > 1 THEN vc ELSE t END) FROM alltypes ORDER BY id;
SELECT CASE WHEN id > 1 THEN ch ELSE vc END || '|' AS x, CASE WHEN id > 1 THEN vc ELSE ch END || '|' AS y FROM alltypes ORDER BY id;
SELECT CASE WHEN id > 1 THEN ch ELSE vc END AS x, octet_length(CASE WHEN id > 1 THEN ch ELSE vc END) FROM alltypes ORDER BY id;
SELECT CASE WHEN id > 1 THEN t::name ELSE t END AS x, pg_typeof(CASE WHEN id > 1 THEN t::name ELSE t END) FROM alltypes ORDER BY id;
-- COLLATE needs a type with a collation: ORDER BY 1 COLLATE "C" is the constant 1, not the
-- first column
SELECT t FROM alltypes ORDER BY 1 COLLATE "C";
SELECT id FROM alltypes ORDER BY i4 COLLATE "C";
SELECT ch::"char" COLLATE "C" FROM alltypes;
SELECT at COLLATE "C", vc COLLATE "C", 'x' COLLATE "C", t::name COLLATE "C" FROM alltypes ORDER BY id;
-- a simple CASE's untyped operand is text (PostgreSQL resolves it before the WHEN comparisons)
SELECT CASE NULL WHEN 1 THEN 1 ELSE 2 END;
SELECT CASE 'a' WHEN 'a' THEN 1 END, CASE i4 WHEN 7 THEN 'x' WHEN '8' THEN 'y' END FROM alltypes ORDER BY id;
-- name: limit_argument_types
SELECT 1 LIMIT '5'::text;
SELECT 1 OFFSET '1'::text;
SELECT 1 LIMIT true;
SELECT x FROM generate_series(1, 5) x ORDER BY x LIMIT 2.5 OFFSET 1.4;
SELECT x FROM generate_series(1, 5) x ORDER BY x LIMIT '2' OFFSET 2::int2;
SELECT x FROM generate_series(1, 5) x ORDER BY x FETCH FIRST '2'::text ROWS ONLY;
-- name: outer_join_whole_row
SELECT r.code, row_to_json(t), t IS NULL, t IS NOT NULL FROM sales.regions r LEFT JOIN sales.targets t ON t.region = r.code AND t.year = 2021 ORDER BY r.code;
SELECT count(t), count(*), count(t.region) FROM sales.regions r LEFT JOIN sales.targets t ON t.region = r.code AND t.year < 2021;
SELECT r.code, t FROM sales.targets t RIGHT JOIN sales.regions r ON t.region = r.code AND t.year = 2020 ORDER BY r.code;
SELECT r, t FROM sales.regions r FULL JOIN sales.targets t ON t.region = r.code AND t.year = 2020 AND r.code BETWEEN 'B' AND 'E' ORDER BY r.code, t.region, t.year;
SELECT c.id, n FROM customers c LEFT JOIN (customers c2 JOIN notes n ON n.customer_id = c2.id) ON c2.id = c.id WHERE c.id < 6 ORDER BY c.id, n.id;
SELECT r.code, (SELECT count(*) FROM sales.targets x WHERE row(x.region, x.year) = row(t.region, t.year)), t IS NULL FROM sales.regions r LEFT JOIN sales.targets t ON t.region = r.code AND t.year = 2022 WHERE r.code < 'F' ORDER BY r.code;
SELECT r.code, row_to_json(t) FROM sales.regions r JOIN sales.targets t ON row_to_json(t)::text <> '' AND t.region = r.code WHERE t.year = 2020 ORDER BY r.code LIMIT 3;
-- name: outer_join_whole_row_subquery
SELECT r.code, s FROM sales.regions r LEFT JOIN (SELECT region, sum(amount) FROM sales.targets GROUP BY region) s ON s.region = r.code ORDER BY r.code;
-- name: join_using_common_type
SELECT pg_typeof(x), x FROM (SELECT dom AS x FROM alltypes WHERE id = 1) a JOIN (SELECT id AS x FROM alltypes) b USING (x);
SELECT pg_typeof(x), x FROM (SELECT dom AS x FROM alltypes WHERE id = 1) a JOIN (SELECT dom AS x FROM alltypes) b USING (x);
SELECT pg_typeof(x), x FROM (SELECT id AS x FROM alltypes WHERE id = 1) a JOIN (SELECT dom AS x FROM alltypes) b USING (x);
SELECT pg_typeof(x), x FROM (SELECT 1::int2 AS x) a FULL JOIN (SELECT 2::int8 AS x) b USING (x) ORDER BY x;
SELECT pg_typeof(x), x FROM (SELECT 1.5::numeric(4,1) AS x) a FULL JOIN (SELECT 2.25::numeric(5,2) AS x) b USING (x) ORDER BY x;
SELECT pg_typeof(x), x FROM (SELECT 1.5::numeric AS x) a LEFT JOIN (SELECT 1.50::numeric(5,2) AS x) b USING (x) ORDER BY x;
SELECT pg_typeof(x), x FROM (SELECT 'a'::varchar(3) AS x) a RIGHT JOIN (SELECT 'a'::text AS x) b USING (x);
SELECT x FROM (SELECT 1 AS x) a JOIN (SELECT 'a'::text AS x) b USING (x);
