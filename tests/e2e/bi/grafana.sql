-- Grafana (grafana-postgresql-datasource): the version and TimescaleDB probes of its
-- configuration page, the query editor's schema/table/column lists, the schema API's
-- queries, and panel queries after macro expansion. Sources: grafana/grafana
-- public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts (getVersion,
-- getTimescaleDBVersion, showSchemas, showTables, getSchema, buildSchemaConstraint),
-- pkg/tsdb/grafana-postgresql-datasource/schema.go (querySchemas, queryTables, queryColumns,
-- ColumnValues) and macros.go ($__timeFilter, $__timeGroupAlias, $__timeFrom, $__unixEpochFilter
-- expansions, with the dashboard range 2023-03-01T00:00:00Z .. 2023-04-01T00:00:00Z); main.
-- Typed here from those. Grafana's Go backend (pgx) binds $1/$2 of schema.go: replayed inline.

SELECT current_setting('server_version_num')::int/100 as version;
SELECT extversion FROM pg_extension WHERE extname = 'timescaledb';
SELECT schema_name AS "name"
    FROM information_schema.schemata
    WHERE schema_name NOT IN ('information_schema',
                              'pg_catalog',
                              'pg_toast',
                              '_timescaledb_cache',
                              '_timescaledb_catalog',
                              '_timescaledb_internal',
                              '_timescaledb_config',
                              'timescaledb_information',
                              'timescaledb_experimental')
    ORDER BY schema_name;
SELECT quote_ident(table_name) AS "table"
      FROM information_schema.tables
      WHERE quote_ident(table_schema) = 'sales'
      ORDER BY 1;
SELECT
    CASE WHEN 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      THEN quote_ident(table_name)
      ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
    END AS "table"
    FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema',
                             'pg_catalog',
                             '_timescaledb_cache',
                             '_timescaledb_catalog',
                             '_timescaledb_internal',
                             '_timescaledb_config',
                             'timescaledb_information',
                             'timescaledb_experimental')
    ORDER BY CASE WHEN 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          ) THEN 0 ELSE 1 END, 1;
-- getSchema('orders'), unqualified; the order of information_schema.columns is PostgreSQL's own
-- unordered
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('orders'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('orders'))[1]
          AND quote_ident(table_name) = (parse_ident('orders'))[2]
        ELSE quote_ident(table_name) = 'orders'
          AND 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      END;
-- getSchema('"Mixed Case"') and getSchema('sales.targets')
-- unordered
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('"Mixed Case"'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('"Mixed Case"'))[1]
          AND quote_ident(table_name) = (parse_ident('"Mixed Case"'))[2]
        ELSE quote_ident(table_name) = '"Mixed Case"'
          AND 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      END;
-- unordered
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('sales.targets'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('sales.targets'))[1]
          AND quote_ident(table_name) = (parse_ident('sales.targets'))[2]
        ELSE quote_ident(table_name) = 'sales.targets'
          AND 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      END;
-- schema.go (the schema API)
SELECT schema_name FROM information_schema.schemata
		 WHERE schema_name NOT LIKE 'pg_%' AND schema_name != 'information_schema'
		 ORDER BY schema_name;
SELECT table_name FROM information_schema.tables
		 WHERE table_schema = 'public' AND table_type IN ('BASE TABLE', 'VIEW')
		 ORDER BY table_name;
SELECT column_name, data_type, udt_name, numeric_precision, numeric_scale
		 FROM information_schema.columns
		 WHERE table_schema = 'public' AND table_name = 'alltypes'
		 ORDER BY ordinal_position;
SELECT 'country' AS col_name, "country"::text AS val FROM (SELECT DISTINCT "country" FROM "public"."customers" WHERE "country" IS NOT NULL ORDER BY "country" LIMIT 100) sub_0 UNION ALL SELECT 'mood' AS col_name, "mood"::text AS val FROM (SELECT DISTINCT "mood" FROM "public"."customers" WHERE "mood" IS NOT NULL ORDER BY "mood" LIMIT 100) sub_1;
-- panels: $__timeGroupAlias(ordered_at, 1d), $__timeFilter(ordered_at), $__timeFrom()
SELECT floor(extract(epoch from ordered_at)/86400)*86400 AS "time", count(*) AS "orders", sum(total) AS "revenue"
FROM orders
WHERE ordered_at BETWEEN '2023-03-01T00:00:00Z' AND '2023-04-01T00:00:00Z'
GROUP BY 1
ORDER BY 1;
SELECT floor(extract(epoch from at)/3600)*3600 AS "time", kind AS metric, count(*) AS value
FROM events
WHERE at BETWEEN '2024-03-09T00:00:00Z' AND '2024-03-12T00:00:00Z'
GROUP BY 1, 2
ORDER BY 1, 2;
SELECT ordered_at AS "time", total, status::text AS metric FROM orders WHERE ordered_at BETWEEN '2023-03-01T00:00:00Z' AND '2023-03-02T00:00:00Z' ORDER BY 1, 2;
SELECT extract(epoch from at) as "time", extract(epoch from duration) AS seconds FROM events WHERE extract(epoch from at) >= 1709942400 AND extract(epoch from at) <= 1709971200 ORDER BY 1;

SELECT '2023-03-01T00:00:00Z'::timestamptz AS "from", '2023-04-01T00:00:00Z'::timestamptz - '2023-03-01T00:00:00Z'::timestamptz AS span;
-- template variable query
SELECT DISTINCT country AS __text, country AS __value FROM customers ORDER BY 1;
