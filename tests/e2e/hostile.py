"""tests/e2e/hostile.py: the attacker's statements of issue 8 and more, for test_safe.py. Every
one must be refused (or, for a few harmless reads, answer without touching anything); the
warehouse is hashed before and after, and the write path must still commit afterwards.
Run through psycopg2 (simple protocol) and, for each, through hand-made extended-protocol
messages (Parse/Bind/Execute/Sync)."""
import struct
import time

import amtest
import pgraw

NBSP, EMSP, BOM, IDSP = "\u00a0", "\u2003", "\ufeff", "\u3000"


def statements(wh):
    meta = f"{wh}/public/items/metadata/v1.metadata.json"
    data = f"{wh}/public/items/data/*.parquet"
    s = [
        # the attempts
        f"{NBSP}EXPORT DATABASE '{meta}'",
        f"{EMSP}EXPORT DATABASE '{wh}/x'",
        f"{BOM}EXPORT DATABASE '{wh}/x'",
        f"{IDSP}EXPORT DATABASE '{wh}/x'",
        f"SELECT * FROM enable_logging(storage='file', storage_path='{meta}')",
        "SELECT * FROM enable_logging(storage='file', storage_path='/tmp/x')",
        "SELECT * FROM disable_logging()",
        "SELECT * FROM truncate_duckdb_logs()",
        "SELECT write_log('forged line')",
        "SELECT * FROM duckdb_logs",
        f"SELECT * FROM read_parquet('{data}')",
        f"SELECT * FROM glob('{wh}/**')",
        f"SELECT * FROM read_text('{meta}')",
        f"SELECT * FROM read_blob('{meta}')",
        "SELECT * FROM duckdb_views()",
        "SELECT * FROM duckdb_settings()",
        # files
        f"COPY items TO '{wh}/evil.csv'",
        f"COPY (SELECT 1) TO '{wh}/public/items/metadata/v9.metadata.json'",
        "COPY items FROM '/etc/passwd'",
        "COPY items TO PROGRAM 'touch /tmp/pwned'",
        f"SELECT * FROM read_csv('{wh}/_arctic/watermark.json')",
        f"SELECT * FROM read_json('{wh}/_arctic/watermark.json')",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_read_binary_file('/etc/passwd')",
        "SELECT * FROM pg_ls_dir('/')",
        "SELECT lo_import('/etc/passwd')",
        f"SELECT * FROM parquet_metadata('{data}')",
        f"SELECT * FROM parquet_schema('{data}')",
        f"SELECT * FROM '{data}'",
        f"SELECT * FROM \"{data}\"",
        "SELECT * FROM sniff_csv('/etc/passwd')",
        # settings
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        "SET lock_configuration = false",
        "RESET lock_configuration",
        "SELECT set_config('enable_external_access', 'true', false)",
        "SELECT current_setting('allowed_directories')",
        "SET memory_limit = '100GB'",
        "SET temp_directory = '/tmp'",
        "SET GLOBAL threads = 1",
        "PRAGMA enable_profiling",
        "PRAGMA database_list",
        "ALTER SYSTEM SET work_mem = '1GB'",
        # logging, checkpoints, maintenance
        "CALL enable_logging()",
        "CHECKPOINT",
        "VACUUM items",
        "ANALYZE items",
        "CALL pragma_version()",
        "FORCE CHECKPOINT",
        # extensions
        "INSTALL httpfs",
        "LOAD httpfs",
        "FORCE INSTALL iceberg",
        "CREATE EXTENSION dblink",
        "SELECT * FROM duckdb_extensions()",
        "UPDATE EXTENSIONS",
        # secrets
        "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
        "SELECT * FROM duckdb_secrets()",
        "DROP SECRET s",
        # other databases
        f"ATTACH '{wh}/evil.db' AS evil",
        "ATTACH ':memory:' AS m",
        "DETACH am_data",
        "USE am_data",
        "SELECT * FROM am_data.t1",
        "SELECT * FROM am_cat.pg_class",
        "CREATE DATABASE x",
        # writes and DDL
        "INSERT INTO items VALUES (999999999, 'x', 1)",
        "UPDATE items SET v = 'x'",
        "DELETE FROM items",
        "TRUNCATE items",
        "DROP TABLE items",
        "CREATE TABLE t AS SELECT 1",
        "CREATE VIEW v AS SELECT 1",
        "CREATE MACRO m(a) AS a",
        "CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql",
        "ALTER TABLE items ADD COLUMN z int",
        "CREATE TEMP TABLE t(a int)",
        "CREATE SEQUENCE s",
        "GRANT ALL ON items TO PUBLIC",
        # PREPARE / EXECUTE / DECLARE / EXPLAIN ANALYZE around the above
        f"PREPARE p AS SELECT * FROM read_text('{meta}')",
        "PREPARE q AS INSERT INTO items VALUES (1, 'x', 1)",
        "EXECUTE nothing_prepared",
        f"DECLARE c CURSOR WITH HOLD FOR SELECT * FROM glob('{wh}/*')",
        f"EXPLAIN ANALYZE SELECT * FROM read_parquet('{data}')",
        f"EXPLAIN SELECT * FROM read_text('{meta}')",
        "EXPLAIN ANALYZE DELETE FROM items",
        f"COPY (SELECT * FROM read_text('{meta}')) TO STDOUT",
        # unicode whitespace and homoglyphs in every position, comments ended by \r
        f"SELECT{NBSP}*{NBSP}FROM{NBSP}read_text('{meta}')",
        f"SELECT * FROM read_text{EMSP}('{meta}')",
        f"SELECT * FROM r\u0435ad_text('{meta}')",  # Cyrillic e
        f"SELECT * FROM ｒｅａｄ_ｔｅｘｔ('{meta}')",  # fullwidth letters
        f"SELECT 1 --\r; COPY items TO '{wh}/evil2.csv'",
        f"SELECT 1 /* */; COPY items TO '{wh}/evil3.csv'",
        f"-- comment\rEXPORT DATABASE '{wh}/x'",
        f"SELECT 1;{NBSP}EXPORT DATABASE '{wh}/y'",
        f"/**/EXPORT/**/DATABASE '{wh}/z'",
        f"SELECT * FROM items WHERE v = '' OR 1 = (SELECT count(*) FROM read_text('{meta}'))",
        # nested functions
        f"SELECT length((SELECT content FROM read_text('{meta}')))",
        f"SELECT upper(lower(concat('a', (SELECT string_agg(file, ',') FROM glob('{wh}/*')))))",
        f"SELECT * FROM items WHERE id IN (SELECT 1 FROM read_parquet('{data}'))",
        f"WITH x AS (SELECT * FROM read_text('{meta}')) SELECT * FROM x",
        f"SELECT * FROM (SELECT * FROM read_blob('{meta}')) s",
        f"SELECT coalesce(NULL, (SELECT size FROM read_blob('{meta}')))",
        "SELECT getenv('POSTGRES_PASSWORD')",
        "SELECT current_setting('home_directory')",
        "SELECT * FROM pragma_table_info('items')",
        "SELECT * FROM duckdb_tables()",
        "SELECT * FROM duckdb_databases()",
        "SELECT * FROM am_data.\"t1\" LIMIT 1",
        "SELECT * FROM query('SELECT 1')",
        f"SELECT * FROM query_table('{data}')",
    ]
    return s


def extended(m, sql):
    """Parse/Bind/Execute/Sync of sql: the answer must hold an ErrorResponse."""
    c = pgraw.Conn(m.proxy_port).login(amtest.PGUSER, amtest.PGPASSWORD, m.db)
    try:
        body = pgraw.cstr("") + pgraw.cstr(sql) + struct.pack("!H", 0)
        c.send(pgraw.msg(b"P", body) + pgraw.msg(b"B", b"\0\0" + struct.pack("!HHH", 0, 0, 0)) +
               pgraw.msg(b"E", b"\0" + struct.pack("!I", 0)) + pgraw.msg(b"S"))
        rows, err = c.results()
        return err
    finally:
        c.close()


def simple(m, sql):
    c = m.connect()
    try:
        cur = c.cursor()
        cur.execute(sql)
        return None
    except Exception as e:
        return str(e)
    finally:
        c.close()


def run(m, pg, R, warehouse_hash):
    wh = m.warehouse
    time.sleep(1.5)  # let the writer finish any flush of earlier statements
    before = warehouse_hash(wh)
    stmts = statements(wh)
    allowed, refused = [], 0
    for sql in stmts:
        e1 = simple(m, sql)
        e2 = extended(m, sql)
        if e1 and e2:
            refused += 1
        else:
            allowed.append((sql, e1, e2))
    print(f"measure: hostile statements: {len(stmts)}, each through both protocols; refused {refused}")
    R.check(f"every hostile statement ({len(stmts)}) is refused in both protocols", not allowed,
            "; ".join(f"{s!r} simple={a!r} extended={b!r}" for s, a, b in allowed[:8]))
    after = warehouse_hash(wh)
    R.check("the warehouse is byte for byte unchanged by the barrage", before == after)
    cur = pg.cursor()
    cur.execute("INSERT INTO items VALUES (900000001, 'after the barrage', 7)")
    try:
        amtest.wait_until(lambda: m.query("SELECT v FROM items WHERE id = 900000001") == [("after the barrage",)],
                          60, "a commit after the barrage")
        R.check("the write path still commits after the barrage", True)
    except TimeoutError as e:
        R.check("the write path still commits after the barrage", False, str(e))
