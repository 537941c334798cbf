-- Legacy table inheritance (INHERITS). Each table is mirrored with its own rows (the
-- publication adds tables with ONLY); PostgreSQL's query of a parent includes its children's
-- rows, so the proxy answers FROM ONLY parent and the children, and refuses the parent alone.

SELECT * FROM ONLY vehicles ORDER BY id;
SELECT * FROM trucks ORDER BY id;
SELECT v.name, t.payload_t FROM ONLY vehicles v LEFT JOIN trucks t ON t.wheels = v.wheels ORDER BY 1, 2;
SELECT count(*), sum(wheels) FROM ONLY vehicles;
-- name: inherit_parent
SELECT count(*) FROM vehicles;
-- name: inherit_parent_star
SELECT * FROM vehicles* ORDER BY id;
