#!/usr/bin/python3
"""End to end: schema changes while writes run on three tables. ADD COLUMN (no default, a
constant default, a volatile one), DROP COLUMN, RENAME COLUMN, int -> bigint, varchar(10) -> text,
SET/DROP NOT NULL, text -> int (the table is copied again, the others keep streaming), RENAME
TABLE, DROP TABLE, a table added to the configuration (SIGHUP) and one created in a FOR TABLES IN
SCHEMA publication. After each step every table equals PostgreSQL's row by row, psql's \\d through
the proxy shows the change, and icebird reads every table."""
import time

import amtest
from schema_lib import Writer, check_describe, check_icebird, converge, watermark

R = amtest.Results("test_schema")
DB = "e2e_schema"

SETUP = """
CREATE SCHEMA auto;
CREATE TABLE a (id bigint PRIMARY KEY, v int, t text, n numeric(10,2), vc varchar(10), f real);
CREATE TABLE b (id bigint PRIMARY KEY, v int, w int, s text);
CREATE TABLE c (id bigint PRIMARY KEY, v int, vc varchar(10), gone text, nn int DEFAULT 0);
CREATE TABLE d (id bigint PRIMARY KEY, v int, note text);
INSERT INTO a SELECT g, g % 97, (g % 50)::text, g * 0.5, 'x' || (g % 9), g / 4.0 FROM generate_series(1, 2000) g;
INSERT INTO b SELECT g, g % 13, g, 'b' || g FROM generate_series(1, 1500) g;
INSERT INTO c SELECT g, g % 7, 'c' || (g % 100), 'gone', g FROM generate_series(1, 1000) g;
INSERT INTO d SELECT g, g, 'd' || g FROM generate_series(1, 300) g;
CREATE PUBLICATION e2e_schema_pub FOR TABLE a, b, c WITH (publish_via_partition_root = true);
ALTER PUBLICATION e2e_schema_pub ADD TABLES IN SCHEMA auto;
"""


def step(R, pg, m, w, what, ddl, tables, describe=(), timeout=60, held=None):
    t0 = time.monotonic()
    cur = pg.cursor()
    for stmt in ddl:
        cur.execute(stmt)
    ok = converge(R, pg, m, tables, what, w, timeout, held)
    print(f"  {what}: converged in {time.monotonic() - t0:.2f}s", flush=True)
    for t in describe:
        check_describe(R, amtest.PGPORT, m, DB, t, what)
    w.pause()
    check_icebird(R, pg, m, tables, what)
    w.resume()
    return ok


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute(SETUP)
    tables = [("public", "a"), ("public", "b"), ("public", "c")]
    m = amtest.Mirror(DB, tables, publication="e2e_schema_pub", mirror={"catalog_check_ms": 200}).start()
    w = None
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM c")[0][0] == 1000, 120, "the initial copy")
        w = Writer(DB, {"a": "a", "b": "b", "c": "c"})
        live = ["a", "b", "c"]
        held = m.connect()  # its statements stay prepared across every change below
        converge(R, pg, m, live, "initial copy under load", w, held=held)
        step(R, pg, m, w, "ADD COLUMN without default", ["ALTER TABLE a ADD COLUMN x int"], live, ["a"], held=held)
        step(R, pg, m, w, "ADD COLUMN with a constant default",
             ["ALTER TABLE a ADD COLUMN y int DEFAULT 7"], live, ["a"], held=held)
        step(R, pg, m, w, "ADD COLUMN with a volatile default",
             ["ALTER TABLE b ADD COLUMN z double precision DEFAULT random()"], live, ["b"], held=held)
        step(R, pg, m, w, "DROP COLUMN", ["ALTER TABLE c DROP COLUMN gone"], live, ["c"], held=held)
        step(R, pg, m, w, "RENAME COLUMN", ["ALTER TABLE a RENAME COLUMN t TO t2"], live, ["a"], held=held)
        step(R, pg, m, w, "int -> bigint", ["ALTER TABLE b ALTER COLUMN w TYPE bigint"], live, ["b"], held=held)
        step(R, pg, m, w, "varchar(10) -> text", ["ALTER TABLE c ALTER COLUMN vc TYPE text"], live, ["c"], held=held)
        step(R, pg, m, w, "SET NOT NULL", ["ALTER TABLE c ALTER COLUMN nn SET NOT NULL"], live, ["c"], held=held)
        step(R, pg, m, w, "DROP NOT NULL", ["ALTER TABLE c ALTER COLUMN nn DROP NOT NULL"], live, ["c"], held=held)
        t0 = time.monotonic()
        step(R, pg, m, w, "text -> int (copied again)",
             ["ALTER TABLE a ALTER COLUMN t2 TYPE int USING t2::int"], live, ["a"], held=held)
        print(f"  re-copy of one table while the others stream: {time.monotonic() - t0:.2f}s", flush=True)
        w.pause()
        pg.cursor().execute("ALTER TABLE c RENAME TO c2")
        w.rename("c", "c2")
        w.resume()
        live = ["a", "b", "c2"]
        step(R, pg, m, w, "RENAME TABLE", [], live, ["c2"])
        R.check("RENAME TABLE: the old name is no longer served",
                all(t["name"] != "c" for t in watermark(m)["tables"]))
        w.pause()
        pg.cursor().execute("DROP TABLE b")
        w.rename("b", None)
        w.resume()
        live = ["a", "c2"]

        def b_gone():
            wm = watermark(m)
            return all(t["name"] != "b" for t in wm["tables"]) and any(g["name"] == "b" for g in wm.get("gone", []))
        amtest.wait_until(b_gone, 30, "b to leave the watermark")
        # the writer publishes its tables' states on its status page every 200 ms
        def says_dropped():
            return "dropped" in m.http("/health/detailed")[1]
        try:
            shown = amtest.wait_until(says_dropped, 10, "/health/detailed to say dropped")
        except TimeoutError:
            shown = False
        R.check("DROP TABLE: no longer mirrored, kept in the lake", shown)
        converge(R, pg, m, live, "DROP TABLE", w)
        m.reload(tables + [("public", "d")])
        w.rename("d", "d")
        live = ["a", "c2", "d"]
        step(R, pg, m, w, "a table added to the configuration (SIGHUP)", [], live, ["d"])
        pg.cursor().execute("CREATE TABLE auto.e (id bigint PRIMARY KEY, v int); "
                            "INSERT INTO auto.e SELECT g, g FROM generate_series(1, 100) g")
        w.rename("e", "auto.e")
        live = ["a", "c2", "d", "auto.e"]
        step(R, pg, m, w, "a table created in the publication's schema", [], live, ["auto.e"])
        w.stop()
        converge(R, pg, m, live, "after the writes stop")
        print(f"writer: {w.ops} transactions, {w.errors} refused (renamed or dropped tables)")
        R.check("/health answers 200 at the end", m.http("/health")[0] == 200, m.http("/health")[1])
    except Exception as e:
        R.check("end-to-end run", False, f"{type(e).__name__}: {e}\n--- mirror log (tail) ---\n{m.log()[-4000:]}")
    finally:
        if w:
            w.stop()
        m.stop()
        pg.close()
        amtest.drop_db(DB)
    if R.failed:
        print(m.log()[-8000:])
    R.finish()


if __name__ == "__main__":
    main()
