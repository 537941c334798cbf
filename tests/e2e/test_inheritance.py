#!/usr/bin/python3
"""End to end: legacy inheritance (INHERITS). A query of a parent reads its descendants' rows
too in PostgreSQL, while the mirror holds each table's own; the proxy reads the parent and
every descendant when all are mirrored (tableoid telling them apart), follows children added
and removed at the next catalog check, and refuses (0A000, naming FROM ONLY) while a
descendant is not mirrored: never the parent's rows alone."""
import amtest

R = amtest.Results("test_inheritance")
DB = "e2e_inherit"
Q = "SELECT id, v, tableoid::regclass::text FROM par ORDER BY id"


def source_rows(pg):
    cur = pg.cursor()
    cur.execute(Q)
    return [tuple(r) for r in cur.fetchall()]


def same_as_source(m, pg):
    try:
        return [tuple(r) for r in m.query(Q)] == source_rows(pg)
    except Exception:
        return False


def refused(m):
    try:
        m.query(Q)
        return ""
    except Exception as e:
        return str(e)


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    cur = pg.cursor()
    cur.execute("CREATE TABLE par (id int PRIMARY KEY, v text); "
                "CREATE TABLE kid (w int) INHERITS (par); ALTER TABLE kid ADD PRIMARY KEY (id); "
                "INSERT INTO par VALUES (1, 'a'); INSERT INTO kid VALUES (2, 'b', 3)")
    m = None
    try:
        m = amtest.Mirror(DB, [("public", "par")]).start()
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM ONLY par")[0][0] == 1, 60, "par copied")
        why = refused(m)
        R.check("a child the mirror does not hold: the parent's query is refused, not answered short",
                "inheritance child" in why and "FROM ONLY par" in why, why)
        R.check("FROM ONLY par answers", m.query("SELECT id FROM ONLY par") == [(1,)])
        m.stop()

        m = amtest.Mirror(DB, [("public", "*")], mirror={"catalog_check_ms": 200}).start()
        R.check("every table mirrored: the parent reads its children's rows, with their tableoid",
                amtest.wait_until(lambda: same_as_source(m, pg), 60, "parent and child"), str(source_rows(pg)))
        cur.execute("INSERT INTO kid VALUES (4, 'd', 5); UPDATE par SET v = 'B' WHERE id = 2")
        R.check("changes to a child reach the parent's query",
                amtest.wait_until(lambda: same_as_source(m, pg), 30, "child's changes"))
        cur.execute("CREATE TABLE kid2 () INHERITS (par); ALTER TABLE kid2 ADD PRIMARY KEY (id); "
                    "INSERT INTO kid2 VALUES (7, 'x')")
        R.check("a child created later is read once mirrored",
                amtest.wait_until(lambda: same_as_source(m, pg), 60, "new child"), str(refused(m)))
        cur.execute("CREATE TABLE grand (g int) INHERITS (kid2); ALTER TABLE grand ADD PRIMARY KEY (id); "
                    "INSERT INTO grand VALUES (9, 'y', 1)")
        R.check("a grandchild too",
                amtest.wait_until(lambda: same_as_source(m, pg), 60, "grandchild"), str(refused(m)))
        cur.execute("ALTER TABLE kid NO INHERIT par")
        R.check("NO INHERIT: the former child's rows leave the parent's query",
                amtest.wait_until(lambda: same_as_source(m, pg), 30, "no inherit"), str(refused(m)))
    except Exception as e:
        R.check("end-to-end run", False, f"{type(e).__name__}: {e}\n{m.log()[-4000:] if m else ''}")
    finally:
        if m:
            m.stop()
        pg.close()
        amtest.drop_db(DB)
    R.finish()


if __name__ == "__main__":
    main()
