-- Stored generated columns (GENERATED ALWAYS AS (...) STORED). pgoutput does not send their
-- values, so the lake does not hold them: the proxy computes each from the row's other columns
-- with its expression, assigned to the column's type. One it cannot compute (to_tsvector) is
-- refused where a query reads it, never answered as NULL.

SELECT id, a, twice, label, total, ratio, big, short FROM gen ORDER BY id;
SELECT twice, count(*) FROM gen GROUP BY twice ORDER BY twice NULLS FIRST LIMIT 5;
SELECT id FROM gen WHERE twice > 20 AND label LIKE 'item 1%' ORDER BY id;
SELECT sum(total), avg(twice), max(label), min(short) FROM gen;
SELECT g.id, g.total, t.total AS other FROM gen g JOIN gen t ON t.twice = g.twice + 6 ORDER BY 1;
SELECT id, twice FROM gen JOIN (SELECT id AS twice FROM gen) s USING (twice) ORDER BY id;
SELECT row_to_json(x) FROM (SELECT id, twice, label FROM gen WHERE id < 4) x ORDER BY 1::text;
SELECT pg_typeof(twice), pg_typeof(total), pg_typeof(short) FROM gen LIMIT 1;
SELECT id, total::text, ratio::numeric(10,4) FROM gen WHERE id IN (1, 4, 7, 10) ORDER BY id;
SELECT DISTINCT big FROM gen ORDER BY 1;
SELECT id, twice FROM gen ORDER BY twice DESC NULLS LAST, id LIMIT 3;
-- the column it cannot compute
-- name: generated_tsvector
SELECT search FROM gen WHERE id = 1;
-- name: generated_star
SELECT * FROM gen WHERE id = 1;
SELECT count(*), count(a) FROM gen;
