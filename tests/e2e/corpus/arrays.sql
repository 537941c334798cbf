-- Arrays: output quoting and NULL elements, subscripts and slices (out of range is NULL),
-- array_length/cardinality/array_dims, ANY/ALL, @> <@ &&, unnest (WITH ORDINALITY, several
-- arrays), array functions, comparison and ordering of arrays, array columns of the fixture.

SELECT id, ai, at, an FROM alltypes ORDER BY id;
SELECT id, ai[1], ai[2], ai[0], ai[5], at[1], at[3], an[2], ai[1:2], ai[2:], ai[:1], at[2:3] FROM alltypes ORDER BY id;
SELECT id, array_length(ai, 1), cardinality(ai), array_dims(ai), array_upper(at, 1), array_lower(an, 1), array_ndims(ai), array_length(ai, 2) FROM alltypes ORDER BY id;
SELECT id, tags, tags[1], array_length(tags, 1), cardinality(tags), coalesce(array_length(tags, 1), 0) FROM customers WHERE id IN (1, 2, 3, 5, 2001, 2002, 2004, 2005, 2008) ORDER BY id;
-- name: literals_multidim
SELECT ARRAY[1, 2, 3], ARRAY['a', NULL, 'b c'], ARRAY[1.5, 2], '{1,2,3}'::int[], '{{1,2},{3,4}}'::int[], (ARRAY[[1, 2], [3, 4]])[2][1], '{}'::text[], ARRAY[]::int[];
SELECT ARRAY['"', '\', ',', ' ', '{', '}', 'NULL', 'null', '', 'a''b'], ARRAY[E'tab\t', E'nl\n'];
SELECT '{1,2' ::int[];
-- name: lower_bounds
SELECT '[0:2]={1,2,3}'::int[], ('[0:2]={1,2,3}'::int[])[0], array_lower('[0:2]={1,2,3}'::int[], 1);
SELECT 2 = ANY (ARRAY[1, 2]), 2 = ALL (ARRAY[2, 2]), NULL = ANY (ARRAY[1]), 1 = ANY (ARRAY[1, NULL]), 3 = ANY (ARRAY[1, NULL]), 'b' = ANY ('{a,b}');
SELECT count(*) FROM customers WHERE 't1' = ANY (tags);
SELECT count(*) FROM customers WHERE tags @> ARRAY['t1', 't2'];
SELECT count(*) FROM customers WHERE tags && ARRAY['t0', 'x'];
SELECT count(*) FROM customers WHERE tags <@ ARRAY['t0', 't1', 't2', 't3'];
SELECT id FROM customers WHERE tags = '{}' ORDER BY id LIMIT 3;
SELECT ARRAY[1, 2] @> ARRAY[2, 2], ARRAY[1] <@ ARRAY[1, 2], ARRAY[1, 2] && ARRAY[3], ARRAY[1, 2] = ARRAY[1, 2], ARRAY[1, 2] < ARRAY[1, 3], ARRAY[1, 2] < ARRAY[1, 2, 0], ARRAY[NULL::int] = ARRAY[NULL::int];
SELECT unnest(ARRAY[3, 1, 2]);
SELECT * FROM unnest(ARRAY['a', 'b', NULL]) WITH ORDINALITY AS u(v, n) ORDER BY n;
SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['x', 'y']) AS u(a, b) ORDER BY a;
SELECT id, unnest(ai) FROM alltypes WHERE id IN (2, 3, 7) ORDER BY id, 2;
SELECT t, count(*) FROM customers, unnest(tags) t GROUP BY t ORDER BY t NULLS FIRST;
SELECT c.id, u.tag, u.pos FROM customers c, unnest(c.tags) WITH ORDINALITY u(tag, pos) WHERE c.id IN (2, 2001, 2002) ORDER BY c.id, u.pos;
-- name: concat_multidim
SELECT array_append(ARRAY[1, 2], 3), array_prepend(0, ARRAY[1]), array_cat(ARRAY[1], ARRAY[2, 3]), ARRAY[1] || 2, 0 || ARRAY[1], ARRAY[1] || ARRAY[2], ARRAY[[1]] || ARRAY[2];
SELECT array_remove(ARRAY[1, 2, 1, NULL], 1), array_remove(ARRAY[1, NULL], NULL), array_replace(ARRAY[1, 2, 1], 1, 9), array_position(ARRAY['a', 'b', 'a'], 'a'), array_position(ARRAY['a', 'b', 'a'], 'a', 2), array_positions(ARRAY[1, 2, 1], 1);
-- name: array_fill_lower_bound
SELECT array_fill(7, ARRAY[3]), array_fill('x'::text, ARRAY[2], ARRAY[0]), array_to_string(ARRAY[1, NULL, 3], '/', 'n'), trim_array(ARRAY[1, 2, 3], 1);
SELECT array_agg(x ORDER BY x DESC) FROM unnest(ARRAY[3, 1, 2]) x;
-- name: array_agg_of_arrays
SELECT array_agg(tags) FROM customers WHERE id IN (2, 3);
SELECT id, ai FROM alltypes ORDER BY ai NULLS FIRST, id;
SELECT id, at FROM alltypes WHERE at IS NOT NULL ORDER BY at DESC, id;
SELECT DISTINCT tags FROM customers WHERE id < 100 ORDER BY tags NULLS LAST;
SELECT ai::text, at::text, an::text, ai::bigint[], '{1,2}'::text[]::int[] FROM alltypes WHERE id IN (2, 7) ORDER BY id;
SELECT an::int[] FROM alltypes WHERE id = 2;
SELECT ARRAY(SELECT id FROM orders WHERE customer_id = 8 ORDER BY id), ARRAY(SELECT name FROM customers WHERE id > 2007 ORDER BY id);
SELECT (ARRAY(SELECT code FROM sales.regions ORDER BY code))[2:4], (ARRAY[1, 2, 3])[2], (string_to_array('a,b', ','))[2];
SELECT ARRAY[1, 'a'];
SELECT ARRAY[1, 2][1];
-- name: array_of_array_columns
SELECT ARRAY(SELECT tags FROM customers WHERE id IN (2, 3) ORDER BY id);
-- name: array_constructor_of_arrays
SELECT id, ARRAY[ai, ai] FROM alltypes WHERE id = 2;
-- name: multidim_length
SELECT array_length(ARRAY[1], 0), array_length(ARRAY[]::int[], 1), cardinality(ARRAY[[1, 2], [3, 4]]), array_dims(ARRAY[[1, 2], [3, 4]]);
SELECT generate_subscripts(ARRAY['a', 'b', 'c'], 1) AS i ORDER BY i DESC;
SELECT pg_typeof(ARRAY[1]), pg_typeof(ARRAY[1.5]), pg_typeof(ARRAY['a']), pg_typeof(tags), pg_typeof(tags[1]) FROM customers WHERE id = 2;
-- concatenating two NULL arrays is NULL (one NULL side gives the other)
SELECT array_cat(NULL::int[], NULL) IS NULL, (NULL::int[] || NULL::int[]) IS NULL, array_cat('{1}'::int[], NULL), NULL::int[] || 5, array_cat(NULL, '{2}'::int[]);
SELECT id, array_cat(ai, ai), at || at FROM alltypes ORDER BY id;
-- an unknown literal beside an array is an array (array || array), as PostgreSQL resolves it
SELECT at || '{z}', ai || '{5}', '{5}' || ai FROM alltypes ORDER BY id;
SELECT at || 'z' FROM alltypes ORDER BY id;
-- a float array that is a sort key keeps its -0 (DuckDB rebuilds a sorted column from its sort key)
SELECT id, ARRAY[f4::float8, array_length(at, 1)] AS x FROM alltypes ORDER BY 1, 2;
SELECT id, ARRAY[f8] AS x, ARRAY[f4] AS y FROM alltypes ORDER BY id, 2, 3;
-- numeric[] columns (held as VARCHAR[]): their elements compare, sort and compute as numbers
SELECT id, an[1] < an[2], an[1] > 10, an[1] = 9.0, an[2] >= 9.5 FROM alltypes ORDER BY id;
SELECT id FROM alltypes WHERE an[1] > (SELECT an[1] FROM alltypes WHERE id = 7) ORDER BY id;
SELECT id, array_remove(an, 9.5), array_position(an, 2.5), array_positions(an, 1), array_replace(an, 10, 11) FROM alltypes ORDER BY id;
SELECT id, an || 1.5, 1.5 || an, array_append(an, 2), array_cat(an, an) FROM alltypes ORDER BY id;
SELECT id, an = '{10,9.5}', an < '{9}', an @> '{9.5}', 9.5 = ANY(an), 10 > ALL(an) FROM alltypes ORDER BY id;
SELECT id, greatest(an[1], an[2]), least(an[1], 5), coalesce(an[1], 0), an[1] + an[2], -an[1] FROM alltypes ORDER BY id;
SELECT max(an[1]), min(an[1]), sum(an[1]), array_agg(an[1] ORDER BY an[1]) FROM alltypes;
SELECT id, unnest(an) AS u FROM alltypes ORDER BY 2, 1;
SELECT an[1] AS x FROM alltypes UNION SELECT 9 ORDER BY 1;
SELECT id, array_to_string(an, ','), cardinality(an), an[2:3], (an[1:1])[1] > 5 FROM alltypes ORDER BY id;
SELECT id, an FROM alltypes ORDER BY an, id;
SELECT DISTINCT an[1] FROM alltypes ORDER BY 1;
-- numeric[] values built in a query (a literal, array_agg, array_cat ...) are numeric text too
SELECT a[1] < a[2], a[1] > a[2] FROM (SELECT '{10,9}'::numeric[] a) s;
SELECT a[1] < a[2] FROM (SELECT array_agg(x) a FROM (VALUES (10.0), (9)) v(x)) s;
SELECT x FROM unnest('{1.5,10,9.25,-1}'::numeric[]) x ORDER BY x DESC;
SELECT array_agg(x ORDER BY x) FROM unnest('{1.5,10,9.25,-1}'::numeric[]) x;
SELECT x FROM (SELECT unnest(array_agg(num)) x FROM alltypes) s ORDER BY x;
SELECT a[1] < a[2] FROM (SELECT array_cat('{10}'::numeric[], '{9}'::numeric[]) a) s;
SELECT x FROM unnest(array_cat('{10}'::numeric[], ARRAY[9.5, 1e3])) x ORDER BY x;
SELECT max(a), min(a) FROM (VALUES ('{10}'::numeric[]), ('{9}'::numeric[])) v(a);
SELECT a FROM (VALUES ('{10}'::numeric[]), ('{9}'::numeric[]), ('{9.5,1}'::numeric[])) v(a) ORDER BY a;
-- arrays sort element by element with each element's own order: intervals by their span
SELECT id FROM alltypes ORDER BY ARRAY[iv], id;
SELECT x FROM (VALUES (ARRAY[interval '1 mon']), (ARRAY[interval '25 hours']), (ARRAY[interval '29 days']), (ARRAY[interval '1 day 2 hours'])) v(x) ORDER BY x;
-- containment: numeric elements by value, a NULL element of the contained array matches nothing
SELECT '{2.50,NaN}'::numeric[] @> '{2.5}', '{2.5}'::numeric[] <@ '{2.50,1}', '{1.0}'::numeric[] && '{1}', '{NaN}'::numeric[] @> '{NaN}', '{1,NULL}'::numeric[] @> '{NULL}'::numeric[];
SELECT ARRAY[1,NULL] @> ARRAY[NULL::int], ARRAY[1,NULL] && ARRAY[NULL::int], ARRAY[NULL::int] <@ ARRAY[1,NULL], ARRAY['a',NULL] @> ARRAY[NULL::text], NULL::int[] @> ARRAY[NULL::int], ARRAY[1] @> NULL::int[], ARRAY[1,NULL] @> ARRAY[1], ARRAY[]::int[] <@ ARRAY[1];
SELECT id, ai @> '{1}', ai <@ '{1,2,3,NULL}', at @> ARRAY['a', NULL], an <@ an, an @> '{2.500}', an && '{3}' FROM alltypes ORDER BY id;
SELECT ARRAY[interval '1 day'] @> ARRAY[interval '24 hours'], ARRAY['a'::char(3), 'b'] @> ARRAY['b  '::char(3)], ARRAY[interval '1 mon'] && ARRAY[interval '30 days'], ARRAY[-0.0::float8] <@ ARRAY[0.0::float8], ARRAY['NaN'::float8] @> ARRAY['NaN'::float8];
SELECT id, ARRAY[iv] <@ ARRAY[interval '36 hours', interval '1 day 12 hours'], ARRAY[ch] && ARRAY['ab'::char(5)], ARRAY[m] @> ARRAY['ok'::mood] FROM alltypes ORDER BY id;
-- array_remove, array_replace, array_position(s) find elements by their type's equality
SELECT interval '23 hours' = ANY(ARRAY[interval '1 day -01:00:00']), array_position(ARRAY[interval '1 day -01:00:00'], interval '23 hours'), array_positions(ARRAY[interval '1 day -01:00:00', NULL, interval '23 hours'], interval '23 hours'), array_replace(ARRAY[interval '1 day -01:00:00', NULL], interval '23 hours', interval '1 hour'), array_position(ARRAY[interval '1 hour', interval '1 day -01:00:00'], interval '23 hours', 2);
SELECT array_remove(ARRAY[interval '1 day -01:00:00', interval '23 hours'], interval '23 hours'), array_position(ARRAY['a'::char(5)], 'a'::char(3)), array_remove(ARRAY['a'::char(5), NULL], 'a'::char(3)), array_positions(ARRAY[NULL, 'a'::char(5)], NULL), array_remove(ARRAY[interval '1 hour', NULL], NULL);
SELECT array_remove(ARRAY[1,2,NULL], 2), array_position(ARRAY[1,NULL], NULL), array_positions(ARRAY[1,2,1], 1), array_replace(ARRAY[1,NULL], NULL, 3), array_position(ARRAY[1,2,1], 1, 2), array_remove(ARRAY[1.5, 2.50], 2.5), array_position('{1.0,NaN}'::numeric[], 'NaN');
SELECT array_position(ARRAY[1], NULL, NULL), array_position(ARRAY[1, NULL], NULL, NULL), array_position(ARRAY[interval '1 hour'], NULL, NULL);
SELECT array_position(ARRAY[1], 1, NULL);
SELECT id, array_remove(ARRAY[iv, interval '1 day'], interval '24 hours'), array_position(ARRAY[ch], 'ab') FROM alltypes ORDER BY id;
SELECT id, array_remove(ARRAY[num102], 1), array_position(ARRAY[num102], 1), array_replace(ARRAY[num102], 1, 2), array_positions(ARRAY[num102, num102], 0) FROM alltypes ORDER BY id;
SELECT id, array_remove(an, 1), array_replace(an, 9, 9.5), array_replace(an, 9, num102), array_position(an, num102), array_position(ARRAY[num102], num) FROM alltypes ORDER BY id;
SELECT array_replace('{1,2.5}'::numeric[], 2.50, 3.125::numeric(5,3)), array_remove(ARRAY[1.0::numeric(4,1), NULL], NULL), array_position(ARRAY['NaN'::numeric, 1], 'NaN');
-- name: subscript_types
SELECT (ARRAY[1,2,3])['1'::text];
SELECT (ARRAY[1,2,3])[true];
SELECT (ARRAY[1,2,3])[1.6], (ARRAY[1,2,3])[2::int8], (ARRAY[1,2,3])['3'], (ARRAY[1,2,3])[1.5:2.5];
SELECT (ARRAY[1,2,3])['1'::text:2];
