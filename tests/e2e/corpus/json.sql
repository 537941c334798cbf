-- json and jsonb: output (json keeps text as written, jsonb is canonical), -> ->> #> #>>,
-- containment and existence, jsonpath, builders, processing functions, set-returning ones,
-- casts and errors.

SELECT id, j, jb FROM alltypes ORDER BY id;
SELECT id, raw, body FROM docs WHERE id IN (1, 2, 10, 20) ORDER BY id;
SELECT id, body -> 'name', body ->> 'name', body -> 'tags' -> 0, body -> 'tags' ->> 1, body #> '{meta,rev}', body #>> '{meta,by}', body -> 'nope' FROM docs WHERE id <= 5 ORDER BY id;
SELECT id, raw -> 'a', raw ->> 'a', raw -> 'b' -> 1, raw #>> '{b,1}', raw -> 'id' FROM docs WHERE id <= 3 ORDER BY id;
SELECT body ->> 'score', (body ->> 'score')::numeric * 2, (body -> 'ok')::boolean, (body ->> 'id')::int + 1, body -> 'score' FROM docs WHERE id = 7;
SELECT count(*) FROM docs WHERE body @> '{"ok": true}';
SELECT id FROM docs WHERE body @> '{"tags": ["t3"]}' ORDER BY id LIMIT 5;
SELECT id FROM docs WHERE body -> 'meta' ? 'by' AND body -> 'meta' ->> 'by' IS NULL ORDER BY id LIMIT 5;
SELECT count(*) FILTER (WHERE body ? 'tags'), count(*) FILTER (WHERE body ?| array['x', 'ok']), count(*) FILTER (WHERE body ?& array['id', 'nope']), count(*) FILTER (WHERE '{"a":1}'::jsonb <@ body) FROM docs;
SELECT body -> 'meta' ->> 'by' AS who, count(*) FROM docs GROUP BY 1 ORDER BY 1 NULLS FIRST;
SELECT attrs ->> 'color' AS color, count(*), avg((attrs ->> 'size')::int) FROM products GROUP BY 1 ORDER BY 1 NULLS LAST;
SELECT sku, attrs FROM products WHERE attrs @> '{"eco": true, "color": "red"}' ORDER BY sku LIMIT 3;
SELECT '{"b":1,"a":2,"aa":3,"a":4}'::jsonb, '{"b":1,"a":2,"a":4}'::json, '[1, 2.50, 1e2, -0, 0.0]'::jsonb, '  {"x" :  [ true ,null ] }  '::json, '"\u00e9\n"'::jsonb;
SELECT '{"a":1}'::jsonb = '{ "a" : 1 }'::jsonb, '[1,2]'::jsonb @> '[2]', '{"a":{"b":1}}'::jsonb @> '{"a":{}}', '1'::jsonb < '"a"'::jsonb, '[]'::jsonb < '{}'::jsonb;
SELECT '{"a":[1,{"b":2}]}'::jsonb #> '{a,1,b}', '[1,2,3]'::jsonb -> -1, '[1,2,3]'::jsonb -> 5, '{"a":1}'::jsonb -> 0, '"str"'::jsonb ->> 0;
SELECT '{"a":1,"b":2}'::jsonb - 'a', '[1,2,3]'::jsonb - 1, '{"a":1}'::jsonb || '{"b":2}', '[1]'::jsonb || '2'::jsonb, '{"a":{"b":1}}'::jsonb #- '{a,b}', '{"a":1,"b":2,"c":3}'::jsonb - '{a,c}'::text[];
SELECT jsonb_set('{"a":1}', '{b}', '2'), jsonb_set('{"a":[1,2]}', '{a,0}', '"x"'), jsonb_insert('{"a":[1,2]}', '{a,1}', '9'), jsonb_set_lax('{"a":1}', '{a}', NULL), jsonb_strip_nulls('{"a":null,"b":{"c":null}}');
SELECT jsonb_pretty('{"a":[1,{"b":null}],"c":"d"}');
SELECT json_build_object('a', 1, 'b', 'x', 'c', NULL, 'd', ARRAY[1, 2], 'e', now() IS NOT NULL), jsonb_build_object('k', 1.50), json_build_array(1, 'two', NULL, true), jsonb_build_array();
SELECT to_json('text'::text), to_jsonb(1.50), to_json(ARRAY['a', NULL]), to_jsonb(date '2024-02-29'), to_json(timestamptz '2024-02-29 12:00+00'), to_json(timestamp '2024-02-29 12:00'), to_jsonb(true), to_json(NULL::int);
SELECT row_to_json(r) FROM (SELECT id, name, credit, tags, mood, created_at FROM customers WHERE id IN (2001, 2002) ORDER BY id) r;
SELECT to_jsonb(r) FROM (SELECT * FROM sales.regions WHERE code = 'DE') r;
SELECT json_agg(r ORDER BY code) FROM (SELECT code, population FROM sales.regions WHERE parent = 'EU') r;
SELECT jsonb_typeof(body), jsonb_typeof(body -> 'tags'), jsonb_typeof(body -> 'score'), jsonb_typeof(body -> 'ok'), jsonb_typeof(body -> 'meta' -> 'by'), json_typeof(raw -> 'b') FROM docs WHERE id = 5;
SELECT jsonb_array_length(body -> 'tags'), json_array_length(raw -> 'b'), jsonb_object_keys(body) FROM docs WHERE id = 1 ORDER BY 3;
SELECT key, value FROM docs, jsonb_each(body) WHERE id = 3 ORDER BY key;
SELECT key, value FROM docs, json_each_text(raw) WHERE id = 3 ORDER BY key, value;
SELECT d.id, t.tag FROM docs d, jsonb_array_elements_text(d.body -> 'tags') t(tag) WHERE d.id <= 4 ORDER BY d.id, t.tag;
SELECT jsonb_array_elements('[1, "a", null, [2], {"b": 3}]');
-- name: to_record
SELECT * FROM jsonb_to_record('{"a":1,"b":"x","c":[1,2]}') AS x(a int, b text, c int[]);
-- name: to_recordset
SELECT * FROM json_to_recordset('[{"a":1,"b":"x"},{"a":2}]') AS x(a int, b text) ORDER BY a;
-- name: populate_record
SELECT * FROM jsonb_populate_record(NULL::sales.regions, '{"code":"XX","name":"Nowhere","population":5}');
-- name: jsonpath_ops
SELECT body @? '$.tags[*] ? (@ == "u")', body @@ '$.score > 100', jsonb_path_query_first(body, '$.meta.rev'), jsonb_path_exists(body, '$.nope') FROM docs WHERE id = 99;
-- name: jsonpath_query
SELECT jsonb_path_query(body, '$.tags[*]') FROM docs WHERE id = 2;
-- name: jsonpath_functions
SELECT jsonb_path_query_array('{"a":[1,2,3,4]}', '$.a[*] ? (@ > $min)', '{"min": 2}'), jsonb_path_match('{"a":1}', '$.a == 1'), jsonb_path_query_first('{"a":"2024-02-29"}', '$.a.datetime()');
-- name: jsonpath_match_where
SELECT id FROM docs WHERE body @@ '$.meta.rev == 3 && $.ok == true' ORDER BY id LIMIT 5;
SELECT '{"a":1}'::jsonb ->> 'a' || 'x', ('{"a":1}'::jsonb -> 'a')::int, ('{"a":"1"}'::jsonb -> 'a')::text, ('{"a":1.5}'::jsonb -> 'a')::numeric;
SELECT ('{"a":"x"}'::jsonb -> 'a')::int;
SELECT '{"a":'::jsonb;
SELECT '{"a":1}'::json = '{"a":1}'::json;
SELECT '[1,2]'::json -> 'a', '{"a":[]}'::jsonb -> 'a' -> 0, 'null'::jsonb ->> 0, 'null'::jsonb IS NULL, ('null'::jsonb ->> 0) IS NULL;
-- name: each_text_select_list
SELECT jsonb_each_text('{"a":1,"b":[1,2],"c":null}') ORDER BY 1;
-- name: order_jsonb_union
SELECT body -> 'name' AS n FROM docs WHERE id = 1 UNION ALL SELECT '"x"'::jsonb ORDER BY 1;
-- name: order_jsonb_distinct
SELECT DISTINCT body -> 'meta' -> 'rev' FROM docs ORDER BY 1;
SELECT max(body ->> 'name'), min((body ->> 'score')::numeric), sum((body -> 'meta' ->> 'rev')::int) FROM docs;
SELECT j::text, jb::text, j::jsonb, jb::json, pg_typeof(jb -> 'a') FROM alltypes WHERE id = 3;
SELECT jsonb_object_agg(code, population ORDER BY code) FILTER (WHERE parent = 'AS'), json_object_agg(code, name) FILTER (WHERE code = 'WO') FROM sales.regions;
SELECT json_object('{a,1,b,2}'), jsonb_object('{a,b}', '{1,2}'), json_strip_nulls('[{"a":null}]'), to_tsvector IS NULL FROM (SELECT NULL AS to_tsvector) s;
