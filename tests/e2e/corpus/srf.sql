-- Set-returning functions: in the select list (one row per element; several in lockstep),
-- in FROM with ORDINALITY and column aliases, generate_series of every kind, and errors.

SELECT generate_series(1, 10, 3);
SELECT generate_series(1, 3), generate_series(1, 2);
SELECT generate_series(1, 3) AS a, 'x' AS b, generate_series(5, 1, -2) AS c;
SELECT id, generate_series(1, 2) FROM orders WHERE id <= 3 ORDER BY id, 2;
SELECT generate_series(10, 1);
SELECT generate_series(1, 10, 0);
SELECT generate_series(0.5, 2.0, 0.5);
SELECT generate_series(1::int8, 2::int8) * 4611686018427387903;
SELECT * FROM generate_series(1, 5) AS g WHERE g % 2 = 1;
SELECT g.n, g.i FROM generate_series(10, 40, 10) WITH ORDINALITY AS g(n, i) ORDER BY i DESC;
SELECT * FROM generate_series(1, 2) a, generate_series(1, 2) b ORDER BY 1, 2;
-- name: rows_from
SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) AS r(n, s) ORDER BY 1;
SELECT count(*), sum(g), min(g), max(g) FROM generate_series(-1000, 1000) g;
SELECT extract(dow FROM d) AS dow, count(*) FROM generate_series(date '2024-01-01', date '2024-12-31', '1 day') d GROUP BY 1 ORDER BY 1;
SELECT generate_series(1, 3) + generate_series(1, 3);
SELECT sum(generate_series(1, 3));
SELECT * FROM generate_series(1, 3) WHERE generate_series > 1;
SELECT regexp_split_to_table('a b c', ' '), unnest(ARRAY[1, 2, 3]);
SELECT CASE WHEN id > 1 THEN generate_series(1, 2) END FROM orders WHERE id <= 2;
SELECT * FROM unnest(ARRAY[1, 2]) u, LATERAL generate_series(1, u) g ORDER BY 1, 2;
SELECT s.a, count(*) FROM (SELECT unnest(tags) AS a FROM customers) s GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT * FROM generate_series(timestamptz '2024-01-01 00:00+00', '2024-01-01 02:00+00', '30 minutes') t;
SELECT * FROM jsonb_array_elements_text('["b","a"]') WITH ORDINALITY;
SELECT string_to_table('a,b,,c', ','), string_to_table('x y', ' ', 'y');
SELECT * FROM regexp_matches('k1=v1;k2=v2', '(\w+)=(\w+)', 'g') WITH ORDINALITY m(kv, n) ORDER BY n;
