-- tests/e2e/corpus/equality.sql: where PostgreSQL decides that two values are the same -
-- GROUP BY, DISTINCT [ON], count(DISTINCT), UNION / INTERSECT / EXCEPT [ALL], array
-- comparison - by value where their texts differ: numeric 1.0 and 1.00, jsonb numbers, arrays
-- of numeric. A group of equal numerics shows one of its rows' texts, which PostgreSQL leaves
-- to its plan: the entries print values through round() or counts. json has no equality.
SELECT count(*) FROM (SELECT DISTINCT v FROM (VALUES (1.0::numeric), (1::numeric), (1.00::numeric), (2)) t(v)) s;
SELECT round(v, 2), count(*) FROM (VALUES (70.00::numeric), (70::numeric), (3)) t(v) GROUP BY v ORDER BY 1;
SELECT round(v, 1) AS r, round(v + 1, 1), count(*), sum(v) FROM (VALUES (70.00::numeric), (70::numeric), (3)) t(v) GROUP BY v, v + 1 ORDER BY r;
SELECT round(v, 2), count(*) FROM (VALUES (70.00::numeric), (70::numeric), (3)) t(v) GROUP BY v HAVING v > 5;
SELECT trim(c), count(*) FROM (VALUES ('US'::char(2), 1.0::numeric), ('US', 1)) t(c, v) GROUP BY c, trim(c), v;
SELECT count(*) FROM (SELECT DISTINCT v, w FROM (VALUES (1.0::numeric, 'a'), (1::numeric, 'a'), (1, 'b')) t(v, w)) s;
SELECT count(*) FROM (SELECT DISTINCT ON (v) v FROM (VALUES (1.5::numeric), (1.50::numeric), (2)) t(v) ORDER BY v) s;
SELECT count(DISTINCT v), count(DISTINCT w), count(DISTINCT a) FROM (VALUES (1.0::numeric, '{"a": 1.0}'::jsonb, '{1.0}'::numeric[]), (1::numeric, '{"a": 1}'::jsonb, '{1}'::numeric[]), (-0.0, '[0.00]', '{-0}')) t(v, w, a);
SELECT count(DISTINCT (v, 1)) FROM (VALUES (1.0::numeric), (1::numeric)) t(v);
SELECT count(*) FROM (SELECT 70.00::numeric(10,2) UNION SELECT 70::bigint) s;
SELECT count(*) FROM (SELECT 70.00::numeric(10,2) INTERSECT SELECT 70::bigint) s;
SELECT count(*) FROM (SELECT 70.00::numeric(10,2) EXCEPT SELECT 70::bigint) s;
SELECT count(*) FROM (SELECT v FROM (VALUES (1.0::numeric), (1::numeric), (1.00::numeric), (2)) t(v) INTERSECT ALL SELECT v FROM (VALUES (1.000::numeric), (1::numeric), (NULL)) u(v)) s;
SELECT count(*) FROM (SELECT v FROM (VALUES (1.0::numeric), (1::numeric), (1.00::numeric), (2), (NULL)) t(v) EXCEPT ALL SELECT v FROM (VALUES (1.000::numeric), (NULL)) u(v)) s;
SELECT count(*) FROM (SELECT v FROM (VALUES (1.0::numeric), (NULL), (NULL)) t(v) UNION SELECT v FROM (VALUES (1.000::numeric), (NULL)) u(v)) s;
SELECT count(*) FROM (SELECT jb FROM alltypes UNION SELECT '[1, 2.5, null, "x"]'::jsonb) s;
SELECT round(price, 2) FROM (SELECT p.price FROM products p INTERSECT SELECT (c.id + c.id) FROM customers c) s ORDER BY 1;
SELECT count(*) FROM (SELECT DISTINCT an FROM alltypes UNION ALL SELECT '{1.50,NaN,NULL,-0.001}') s;
SELECT count(*) FROM (SELECT DISTINCT an FROM alltypes) s;
SELECT id, an FROM alltypes ORDER BY an, id;
SELECT '{10}'::numeric[] < '{9}'::numeric[], '{1.0}'::numeric[] = '{1}'::numeric[], '{1.0,2}'::numeric[] <> '{1,2.00}'::numeric[];
SELECT count(*) FROM alltypes a JOIN alltypes b ON a.an = b.an;
SELECT id, rank() OVER (PARTITION BY an ORDER BY id) FROM alltypes ORDER BY id;
SELECT avg(v) FILTER (WHERE v > 1), avg(v) FROM (VALUES (1::numeric), (3), (4)) t(v);
SELECT id, avg(credit::numeric) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM customers ORDER BY id LIMIT 5;
SELECT DISTINCT j FROM alltypes;
SELECT j, count(*) FROM alltypes GROUP BY j;
SELECT count(DISTINCT j) FROM alltypes;
SELECT j FROM alltypes UNION SELECT '{}'::json;
-- name: sum_distinct_numeric
SELECT sum(DISTINCT v) FROM (VALUES (1.5::numeric), (1.50::numeric)) t(v);
-- name: array_agg_distinct_numeric
SELECT array_agg(DISTINCT v) FROM (VALUES (1.5::numeric), (1.50::numeric), (2)) t(v);
SELECT round(v, 1), count(*), grouping(w) FROM (VALUES (1.5::numeric, 'a'), (1.50::numeric, 'a'), (2, 'b')) t(v, w) GROUP BY ROLLUP (v, w) ORDER BY 1 NULLS LAST, 3;
SELECT extract(quarter FROM ordered_at) AS q, count(*) FROM orders GROUP BY CUBE (q) ORDER BY q NULLS FIRST;
SELECT round(v, 1), grouping(v), grouping(v, w), count(*) FROM (VALUES (1.5::numeric, 'a'), (1.50::numeric, 'a'), (2, 'b')) t(v, w) GROUP BY ROLLUP (v, w) ORDER BY 1 NULLS LAST, 2, 3;
SELECT grouping(v), count(*) FROM (VALUES (1.5::numeric), (1.50::numeric)) t(v) GROUP BY CUBE (v) HAVING grouping(v) = 0 OR count(*) > 1 ORDER BY 1;
SELECT (SELECT grouping(v)) AS g, count(*) FROM (VALUES (1.5::numeric), (1.50::numeric)) t(v) GROUP BY ROLLUP (v) ORDER BY 1, 2;
-- intervals are one value by their span, char(n) apart from its padding
SELECT count(*), am FROM (VALUES (interval '1 day -01:00:00', 1), (interval '23 hours', 1), (interval '1 mon', 2), (interval '30 days', 2), (interval '31 days', 3)) v(x, am) GROUP BY x, am ORDER BY 2;
SELECT count(DISTINCT x) FROM (VALUES (interval '1 day -01:00:00'), (interval '23 hours')) v(x);
SELECT count(*) FROM (VALUES (ARRAY[interval '1 day -01:00:00']), (ARRAY[interval '23 hours'])) v(x) GROUP BY x;
SELECT count(*) FROM (SELECT x FROM (VALUES (interval '1 day -01:00:00')) v(x) INTERSECT SELECT interval '23 hours') s;
SELECT count(*) FROM (SELECT DISTINCT x FROM (VALUES ('a'::char(3)), ('a'::char(5))) v(x)) s;
SELECT count(DISTINCT iv), count(DISTINCT ARRAY[iv]), count(DISTINCT ch) FROM alltypes;
