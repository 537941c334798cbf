-- Window functions: ranking, row_number, ntile, lag/lead with defaults, first/last/nth_value,
-- running aggregates with ROWS/RANGE/GROUPS frames and EXCLUDE, named windows, percent_rank,
-- cume_dist, windows over aggregates.

SELECT id, total, row_number() OVER (ORDER BY total DESC, id), rank() OVER (ORDER BY total DESC), dense_rank() OVER (ORDER BY total DESC) FROM orders WHERE customer_id < 40 ORDER BY total DESC, id;
SELECT status, id, total, rank() OVER (PARTITION BY status ORDER BY total DESC) AS r FROM orders WHERE id <= 60 ORDER BY status, r, id;
SELECT id, ntile(4) OVER (ORDER BY id), ntile(3) OVER (ORDER BY id DESC), percent_rank() OVER (ORDER BY id), cume_dist() OVER (ORDER BY id) FROM orders WHERE id <= 10 ORDER BY id;
SELECT id, total, lag(total) OVER w, lead(total) OVER w, lag(total, 2, 0) OVER w, lead(total, 3, -1) OVER w, lag(id, 0) OVER w FROM orders WHERE id <= 10 WINDOW w AS (ORDER BY id) ORDER BY id;
SELECT id, first_value(total) OVER w, last_value(total) OVER w, nth_value(total, 2) OVER w FROM orders WHERE id <= 8 WINDOW w AS (ORDER BY id) ORDER BY id;
SELECT id, last_value(total) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), nth_value(total, 3) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM orders WHERE id <= 5 ORDER BY id;
SELECT id, total, sum(total) OVER (ORDER BY id) AS running, avg(total) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving, count(*) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM orders WHERE id <= 12 ORDER BY id;
SELECT id, qty, sum(qty) OVER (ORDER BY qty RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING), sum(qty) OVER (ORDER BY qty GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW), sum(qty) OVER (ORDER BY qty) FROM (SELECT order_id AS id, qty FROM items WHERE order_id <= 6 AND line = 1) s ORDER BY qty, id;
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW), sum(id) OVER (ORDER BY id / 3 RANGE BETWEEN CURRENT ROW AND CURRENT ROW EXCLUDE TIES), sum(id) OVER (ORDER BY id / 3 GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING EXCLUDE GROUP) FROM orders WHERE id <= 9 ORDER BY id;
SELECT id, ordered_at, count(*) OVER (ORDER BY ordered_at RANGE BETWEEN interval '1 day' PRECEDING AND CURRENT ROW) FROM orders WHERE customer_id = 15 ORDER BY ordered_at, id;
SELECT customer_id, id, total, sum(total) OVER (PARTITION BY customer_id ORDER BY id), total / sum(total) OVER (PARTITION BY customer_id) AS share FROM orders WHERE customer_id IN (8, 15) ORDER BY customer_id, id;
SELECT country, count(*), rank() OVER (ORDER BY count(*) DESC), sum(count(*)) OVER () AS all_customers, round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct FROM customers GROUP BY country ORDER BY 3, 1;
SELECT * FROM (SELECT id, customer_id, total, row_number() OVER (PARTITION BY customer_id ORDER BY total DESC, id) AS rn FROM orders) s WHERE rn = 1 AND customer_id <= 10 ORDER BY customer_id;
SELECT id, min(total) OVER w, max(total) OVER w, string_agg(id::text, ',') OVER w, array_agg(id) OVER w FROM orders WHERE id <= 6 WINDOW w AS (ORDER BY id ROWS 2 PRECEDING) ORDER BY id;
SELECT id, count(*) OVER (PARTITION BY status) AS per_status, count(*) OVER () AS n FROM orders WHERE id <= 12 ORDER BY id;
SELECT mood, id, row_number() OVER (PARTITION BY mood ORDER BY id) FROM customers WHERE id <= 14 ORDER BY mood NULLS LAST, id;
SELECT id, total, sum(total) FILTER (WHERE status = 'paid') OVER (ORDER BY id) FROM orders WHERE id <= 10 ORDER BY id;
SELECT id, lag(ordered_at) OVER (ORDER BY id), ordered_at - lag(ordered_at) OVER (ORDER BY id) FROM orders WHERE id <= 5 ORDER BY id;
SELECT id, at, lead(at) OVER (ORDER BY at) - at AS gap FROM events WHERE id BETWEEN 28 AND 36 ORDER BY id;
SELECT id, rank() OVER (ORDER BY m), dense_rank() OVER (ORDER BY m DESC NULLS LAST) FROM alltypes ORDER BY id;
SELECT row_number() OVER () FROM customers;
SELECT id FROM orders WHERE row_number() OVER (ORDER BY id) < 3;
SELECT ntile(0) OVER (ORDER BY id) FROM orders WHERE id < 3;
SELECT id, lag(id, -1) OVER (ORDER BY id), lead(id, -1) OVER (ORDER BY id) FROM orders WHERE id <= 3 ORDER BY id;
SELECT sku, price, price - avg(price) OVER (PARTITION BY category) AS diff, rank() OVER (PARTITION BY category ORDER BY price DESC, sku) FROM products WHERE sku < 'SKU-0015' ORDER BY sku;
SELECT date_trunc('month', ordered_at) AS m, sum(total) AS revenue, sum(sum(total)) OVER (ORDER BY date_trunc('month', ordered_at)) AS cumulative, lag(sum(total)) OVER (ORDER BY date_trunc('month', ordered_at)) AS prev FROM orders GROUP BY 1 ORDER BY 1;
-- Frames with offsets: RANGE over each type in_range supports (integers near their limits,
-- floats, numeric with a precision, dates and timestamps with interval offsets), the checks
-- PostgreSQL makes of the offset, and the types it has no RANGE offset for.
SELECT id, sum(id) OVER (ORDER BY i4 DESC RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING), sum(id) OVER (ORDER BY i2 RANGE BETWEEN 1 PRECEDING AND CURRENT ROW), sum(id) OVER (ORDER BY i8 RANGE BETWEEN 9223372036854775807 PRECEDING AND CURRENT ROW), sum(id) OVER (ORDER BY i4 RANGE BETWEEN CURRENT ROW AND 2147483647 FOLLOWING) FROM alltypes ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY f8 RANGE BETWEEN 1 PRECEDING AND CURRENT ROW), sum(id) OVER (ORDER BY f4 RANGE BETWEEN '0.5' PRECEDING AND 1 FOLLOWING), sum(id) OVER (ORDER BY num102 RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY d RANGE BETWEEN '1 day' PRECEDING AND CURRENT ROW), sum(id) OVER (ORDER BY ts RANGE BETWEEN interval '1 month' PRECEDING AND '1 day' FOLLOWING), sum(id) OVER (ORDER BY tstz RANGE BETWEEN '1 day' PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN 1.5 PRECEDING AND CURRENT ROW), sum(id) OVER (ORDER BY id ROWS BETWEEN '2' PRECEDING AND 1.4::float8 FOLLOWING), sum(id) OVER (ORDER BY id GROUPS 2147483648 PRECEDING) FROM alltypes ORDER BY id;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN NULL PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND -1 FOLLOWING) FROM alltypes;
SELECT sum(id) OVER (ORDER BY id GROUPS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY i4 RANGE BETWEEN CURRENT ROW AND NULL FOLLOWING) FROM alltypes;
SELECT sum(id) OVER (ORDER BY id RANGE BETWEEN -1 PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN 'x'::text PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY id, i4 RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY t RANGE BETWEEN '1' PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY d RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY i4 RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM alltypes;
-- name: range_offset_unconstrained_numeric
SELECT id, sum(id) OVER (ORDER BY num RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
-- name: range_offset_interval
SELECT id, sum(id) OVER (ORDER BY iv RANGE BETWEEN '1 day' PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
-- name: range_offset_time
SELECT id, sum(id) OVER (ORDER BY tm RANGE BETWEEN '1 hour' PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY num102 RANGE BETWEEN '1.5' PRECEDING AND CURRENT ROW), sum(id) OVER (ORDER BY num102 RANGE BETWEEN '.55' PRECEDING AND '2.' FOLLOWING), sum(id) OVER (ORDER BY num102 RANGE BETWEEN 1.5::numeric PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
SELECT sum(id) OVER (ORDER BY num102 RANGE BETWEEN ' -1.5 ' PRECEDING AND CURRENT ROW) FROM alltypes;
-- name: range_offset_numeric_over_38_digits
SELECT id, sum(id) OVER (ORDER BY num405 RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
-- name: range_offset_numeric_exponent
SELECT id, sum(id) OVER (ORDER BY num102 RANGE BETWEEN '1e1' PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
-- A frame offset is computed once per partition: no column of the row (directly, through a
-- correlated subquery or a whole-row reference), no aggregate, no window function or
-- set-returning function in it; an uncorrelated subquery is a value.
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN i2 PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY i4 RANGE BETWEEN i4 PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY id GROUPS BETWEEN CURRENT ROW AND (SELECT a.i2) FOLLOWING) FROM alltypes a;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN alltypes.id PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN count(*) PRECEDING AND CURRENT ROW) FROM alltypes GROUP BY id;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN row_number() OVER () PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN generate_series(1, 2) PRECEDING AND CURRENT ROW) FROM alltypes;
SELECT sum(id) OVER (PARTITION BY rank() OVER (ORDER BY id)) FROM alltypes;
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN (SELECT max(i2) FROM alltypes) PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN $$1$$ PRECEDING AND CURRENT ROW) FROM alltypes ORDER BY id;
SELECT id, count(*) FILTER (WHERE gen_random_uuid() IS NOT NULL AND id > 1) OVER (), sum(id) FILTER (WHERE id > 1 AND clock_timestamp() IS NOT NULL) OVER () FROM alltypes ORDER BY id;
