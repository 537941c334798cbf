-- Legacy table inheritance (INHERITS). Each table is mirrored with its own rows (the
-- publication adds tables with ONLY); PostgreSQL's query of a parent includes its
-- descendants' rows in the parent's columns, so the proxy reads the parent and every
-- descendant (buses holds its columns at other attnums, tankers is a grandchild).

SELECT * FROM ONLY vehicles ORDER BY id;
SELECT * FROM trucks ORDER BY id;
SELECT v.name, t.payload_t FROM ONLY vehicles v LEFT JOIN trucks t ON t.wheels = v.wheels ORDER BY 1, 2;
SELECT count(*), sum(wheels) FROM ONLY vehicles;
SELECT count(*) FROM vehicles;
SELECT * FROM vehicles* ORDER BY id;
SELECT * FROM vehicles ORDER BY id;
SELECT * FROM trucks ORDER BY id;
SELECT * FROM ONLY trucks ORDER BY id;
SELECT tableoid::regclass, id, name FROM vehicles ORDER BY id;
SELECT v.tableoid::regclass AS t, count(*), sum(v.wheels) FROM vehicles v GROUP BY 1 ORDER BY 1;
SELECT v FROM vehicles v WHERE v.wheels > 4 ORDER BY v.id;
SELECT row_to_json(t) FROM trucks t ORDER BY id;
SELECT name FROM vehicles WHERE id IN (SELECT id FROM trucks) ORDER BY 1;
SELECT b.seats, v.name FROM buses b JOIN vehicles v USING (id) ORDER BY 1;
SELECT * FROM vehicles WHERE tableoid = 'buses'::regclass ORDER BY id;
