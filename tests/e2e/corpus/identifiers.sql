-- Quoted identifiers: case-sensitive table and column names, reserved words as names, dots
-- inside names, output column names of expressions (?column?, function names, casts), and the
-- errors for the unquoted spelling.

SELECT * FROM "Mixed Case" ORDER BY "Id";
SELECT "Id", "Name", "name", "select", "CamelCol", "Dotted.Col" FROM "Mixed Case" WHERE "Id" <= 3 ORDER BY "Id";
SELECT m."Name", m.name, m."select" + 1 AS "Select", m."Dotted.Col" FROM "Mixed Case" m WHERE m."Id" = 2;
SELECT "Id" AS "ID", "Id" AS id, "Id" AS "Id", "Name" AS "NAME", 1 AS "1", 2 AS "has space", 3 AS "ünï" FROM "Mixed Case" WHERE "Id" = 1;
SELECT Name FROM "Mixed Case" WHERE "Id" = 1;
SELECT * FROM mixed_case;
SELECT * FROM "mixed case";
SELECT * FROM "Mixed Case" WHERE Id = 1;
SELECT "ID" FROM "Mixed Case";
SELECT select FROM "Mixed Case";
SELECT "select", "CamelCol" + 1 FROM "Mixed Case" WHERE "select" > 4 ORDER BY "Id";
SELECT "Mixed Case"."Id", public."Mixed Case"."Name" FROM public."Mixed Case" ORDER BY 1 LIMIT 2;
SELECT count(*), "Dotted.Col" FROM "Mixed Case" GROUP BY "Dotted.Col" ORDER BY 2;
SELECT "Name", "name" FROM "Mixed Case" ORDER BY "name" LIMIT 3;
SELECT "Name" || '/' || "name" AS "Both" FROM "Mixed Case" ORDER BY "Both" DESC LIMIT 2;
SELECT c."Id", r.name FROM "Mixed Case" c JOIN sales.regions r ON r.population > c."Id"::int8 * 500000000 WHERE c."Id" IN (1, 9) ORDER BY 1, 2;
SELECT 1 + 1, count(*), max(id), id::text, sum(total) / 2, (total), CAST(id AS text), total::numeric(6,1), now()::date IS NOT NULL, coalesce(note, 'x'), CASE WHEN true THEN 1 END, ARRAY[1], ROW(1), EXISTS (SELECT 1), 'lit', -1, +total FROM orders WHERE id = 1 GROUP BY id, total, note;
SELECT upper(customers.name), lower(c2.name) AS lower, customers.name AS "NAME", customers.name, c2.name FROM customers, customers c2 WHERE customers.id = 1 AND c2.id = 2;
SELECT x.* FROM (SELECT 1, 2 AS b, 'c') x;
SELECT * FROM (SELECT 1 AS a, 2 AS a) x;
SELECT a FROM (SELECT 1 AS a, 2 AS a) x;
SELECT "?column?" FROM (SELECT 1 + 1) s;
SELECT t.count, t.max FROM (SELECT count(*), max(id) FROM orders) t;
SELECT "CUSTOMERS".id FROM customers AS "CUSTOMERS" WHERE id = 1;
SELECT U&"\0069d" FROM customers WHERE id = 1;
SELECT id FROM PUBLIC.CUSTOMERS WHERE ID = 1;
SELECT code FROM SALES.Regions WHERE code = 'DE';
SELECT code FROM "SALES".regions;
SELECT "Id" FROM "Mixed Case" "Select" WHERE "Select"."Id" = 3;
