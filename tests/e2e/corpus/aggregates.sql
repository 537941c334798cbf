-- Aggregates: count/sum/avg/min/max over every type, string_agg/array_agg with ORDER BY and
-- DISTINCT, bool_and/or, every, stddev/variance, percentiles, mode, FILTER, HAVING, aggregates of
-- empty sets, GROUP BY with grouping sets, ROLLUP and CUBE, grouping().

SELECT count(*), count(city), count(DISTINCT city), count(DISTINCT country), count(mood), count(tags) FROM customers;
SELECT count(*), sum(total), avg(total), min(total), max(total) FROM orders WHERE false;
SELECT count(*) FROM orders WHERE total > 1e6;
SELECT sum(x), avg(x), min(x), max(x), string_agg(x::text, ','), array_agg(x), bool_and(x > 0), every(x > 0) FROM (SELECT 1 WHERE false) s(x);
SELECT country, count(*), count(DISTINCT city), min(signup_date), max(created_at), bool_or(vip), bool_and(credit >= 0) FROM customers GROUP BY country ORDER BY country;
SELECT country, string_agg(DISTINCT city, '; ' ORDER BY city), array_agg(DISTINCT mood ORDER BY mood) FROM customers GROUP BY country ORDER BY country;
SELECT customer_id, string_agg(id::text, ',' ORDER BY id DESC), array_agg(total ORDER BY total, id), array_agg(status ORDER BY id) FROM orders WHERE customer_id < 30 GROUP BY customer_id ORDER BY customer_id;
SELECT array_agg(id ORDER BY id) FILTER (WHERE id % 500 = 0), count(*) FILTER (WHERE note IS NULL), sum(total) FILTER (WHERE status IN ('paid', 'shipped')), avg(discount) FILTER (WHERE discount > 0) FROM orders;
SELECT status, count(*) AS n, sum(total) AS revenue, round(avg(total), 2) AS avg_total, max(total) - min(total) AS spread FROM orders GROUP BY status HAVING count(*) > 900 ORDER BY revenue DESC;
SELECT status, count(*) FROM orders GROUP BY status HAVING sum(total) > 1500000 ORDER BY 1;
SELECT mood, count(*) FROM customers GROUP BY mood ORDER BY mood NULLS FIRST;
SELECT min(mood), max(mood), min(status::text), max(status) FROM customers, (SELECT status FROM orders WHERE id < 10) o;
SELECT min(signup_date), max(signup_date), min(created_at), max(created_at), min(tags), max(tags), min(country), max(city) FROM customers;
-- name: minmax_inet
SELECT min(iv), max(iv), min(ip), max(ip), min(ttz), max(tm), min(ai), max(an) FROM alltypes;
SELECT min(u) FROM alltypes;
SELECT max(ba) FROM alltypes;
SELECT min(f4), max(f4), sum(f4), min(f8), max(f8), count(f8) FROM alltypes;
SELECT min(f4), max(f4), sum(f4), avg(f8), min(f8), max(f8) FROM alltypes WHERE id IN (1, 5, 6, 7, 8, 9);
-- name: money_aggregates
SELECT sum(mn), min(mn), max(mn), avg(i2), avg(i4), avg(i8), sum(i8 / 2) FROM alltypes;
SELECT sum(i8) FROM alltypes;
SELECT stddev(total), stddev_samp(total), stddev_pop(total), variance(total), var_samp(total), var_pop(total) FROM orders;
SELECT stddev(shipping), variance(shipping), stddev(discount), var_pop(discount), stddev(x), variance(x) FROM orders, (VALUES (1)) v(x);
SELECT corr(total, discount), covar_pop(total, shipping), covar_samp(id, total), regr_slope(total, id), regr_intercept(total, id), regr_count(discount, shipping), regr_r2(total, id) FROM orders;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY qty), percentile_disc(0.9) WITHIN GROUP (ORDER BY unit_price DESC), mode() WITHIN GROUP (ORDER BY sku) FROM items;
SELECT status, percentile_cont(array[0.1, 0.5, 0.9]) WITHIN GROUP (ORDER BY total), mode() WITHIN GROUP (ORDER BY customer_id) FROM orders GROUP BY status ORDER BY status;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ordered_at - timestamp '2023-01-01'), percentile_disc(0.5) WITHIN GROUP (ORDER BY ordered_at) FROM orders;
SELECT rank(500) WITHIN GROUP (ORDER BY total), dense_rank(500) WITHIN GROUP (ORDER BY total), percent_rank(500) WITHIN GROUP (ORDER BY total), cume_dist(500) WITHIN GROUP (ORDER BY total) FROM orders;
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY total) FROM orders;
-- name: percentile_argument_types
SELECT percentile_cont('0.5'::text) WITHIN GROUP (ORDER BY qty) FROM items;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY sku) FROM items;
SELECT percentile_disc(true) WITHIN GROUP (ORDER BY qty) FROM items;
SELECT percentile_cont(ARRAY['0.5'::text]) WITHIN GROUP (ORDER BY qty) FROM items;
SELECT percentile_cont('{0.1,0.9}') WITHIN GROUP (ORDER BY qty) FROM items;
SELECT percentile_cont('0.25') WITHIN GROUP (ORDER BY unit_price), percentile_cont(0.5::numeric) WITHIN GROUP (ORDER BY qty), percentile_cont(ARRAY[0.25, 0.75]::numeric[]) WITHIN GROUP (ORDER BY line), percentile_disc(0.5) WITHIN GROUP (ORDER BY sku), percentile_cont(0.5::real) WITHIN GROUP (ORDER BY qty::int2) FROM items;
SELECT bit_and(id), bit_or(id), bit_xor(id), bool_and(vip), bool_or(vip), every(country <> 'XX') FROM customers WHERE id < 100;
SELECT json_agg(id ORDER BY id), jsonb_agg(name ORDER BY id), json_object_agg(id, name ORDER BY id), jsonb_object_agg(name, credit) FROM customers WHERE id < 5;
SELECT count(*) FROM customers c WHERE (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) > 4;
SELECT country, count(*) FROM customers GROUP BY ROLLUP (country) ORDER BY country NULLS LAST;
SELECT status, extract(quarter FROM ordered_at) AS q, count(*), sum(total) FROM orders GROUP BY ROLLUP (status, q) ORDER BY status NULLS LAST, q NULLS LAST;
SELECT country, vip, count(*), grouping(country, vip) FROM customers GROUP BY CUBE (country, vip) ORDER BY country NULLS FIRST, vip NULLS FIRST;
SELECT country, mood, count(*) FROM customers GROUP BY GROUPING SETS ((country), (mood), ()) ORDER BY country NULLS FIRST, mood NULLS FIRST, 3;
SELECT grouping(status), status, count(*) FROM orders GROUP BY GROUPING SETS (status, ()) ORDER BY 1, 2;
SELECT country, city, count(*) FROM customers WHERE id <= 100 GROUP BY country, ROLLUP (city) ORDER BY 1, 2 NULLS FIRST, 3;
SELECT count(*), count(*) OVER () FROM orders;
SELECT name, count(*) FROM customers GROUP BY country;
SELECT sum(name) FROM customers;
SELECT avg(status) FROM orders;
SELECT count(DISTINCT id, name) FROM customers;
SELECT sum(count(*)) FROM orders;
SELECT id, count(*) FROM customers WHERE id < 3 GROUP BY id ORDER BY id;
SELECT c.id, c.name, count(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE c.id BETWEEN 1 AND 10 GROUP BY c.id ORDER BY c.id;
SELECT country AS c, count(*) FROM customers GROUP BY c ORDER BY c;
SELECT country, count(*) FROM customers GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT count(*) AS n FROM customers HAVING count(*) > 0;
SELECT 1 AS one FROM customers HAVING false;
SELECT string_agg(sku, ',') FROM (SELECT sku FROM products ORDER BY price DESC, sku LIMIT 5) s;
-- name: array_agg_arrays
SELECT array_agg(ARRAY[id, id * 2] ORDER BY id) FROM orders WHERE id <= 3;
SELECT sum(qty * unit_price), sum(qty) * 1.0 / count(*), avg(qty)::numeric(10,3), max(unit_price * qty) FROM items;
SELECT o.status, sum(i.qty * i.unit_price) AS gross, count(DISTINCT o.customer_id) AS buyers FROM orders o JOIN items i ON i.order_id = o.id GROUP BY o.status ORDER BY gross DESC;
SELECT p.category, count(*), round(avg(i.unit_price), 2), sum(i.qty) FROM items i JOIN products p ON p.sku = i.sku GROUP BY p.category ORDER BY p.category;
-- varchar has no min/max of its own: text's, typed text
SELECT pg_typeof(max(p.sku)), pg_typeof(min(c.city)), max(p.sku), min(c.city) FROM products p, customers c WHERE c.id = 1;
SELECT max(name), min(email) FROM customers;
-- FILTER keeps rows out of the aggregate's arguments too: no division by the zeros it excludes.
SELECT sum(i4 / i2) FILTER (WHERE i2 <> 0), count(*) FILTER (WHERE i2 <> 0), array_agg(i4 / i2 ORDER BY id) FILTER (WHERE i2 <> 0), string_agg((100 / i2)::text, ',' ORDER BY id) FILTER (WHERE i2 <> 0), count(DISTINCT 10 / i2) FILTER (WHERE i2 <> 0) FROM alltypes;
SELECT id, sum(100 / i2) FILTER (WHERE i2 <> 0) OVER (ORDER BY id) FROM alltypes ORDER BY id;
SELECT sum(i4 / i2) FILTER (WHERE i2 IS NOT NULL) FROM alltypes;
-- mode() over numeric(p,s) (held as DECIMAL): ties go to the first in sort order
SELECT mode() WITHIN GROUP (ORDER BY num102), mode() WITHIN GROUP (ORDER BY num405) FROM alltypes;
SELECT o.status, mode() WITHIN GROUP (ORDER BY o.total DESC), mode() WITHIN GROUP (ORDER BY (o.total * 1000)::numeric(30,3)) FROM orders o GROUP BY 1 ORDER BY 1;
-- DISTINCT without ORDER BY: PostgreSQL sorts the input to make it distinct, so the result
-- shows it in the arguments' order (NULL last)
SELECT country, string_agg(DISTINCT city, '; '), array_agg(DISTINCT mood) FROM customers GROUP BY country ORDER BY country;
SELECT array_agg(DISTINCT status), array_agg(DISTINCT customer_id) FILTER (WHERE id < 200) FROM orders;
SELECT customer_id, array_agg(DISTINCT status), string_agg(DISTINCT note, '|') FROM orders WHERE customer_id < 20 GROUP BY 1 ORDER BY 1;
SELECT array_agg(DISTINCT discount), array_agg(DISTINCT signup_date) FROM orders, (SELECT signup_date FROM customers WHERE id < 5) c WHERE orders.id < 50;
-- a constant key equal to the argument: DuckDB took it for the argument and rebuilt -0 as 0
SELECT array_agg(-0.0::float8 ORDER BY -0.0::float8), array_agg(id ORDER BY 'x', id DESC) FROM orders WHERE id < 5;
