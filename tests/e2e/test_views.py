#!/usr/bin/python3
"""End to end: the proxy's view refresh when one table's files cannot be read. A view whose
select list bound before is not bound on its own again (only its file list changed), so the
refresh's one script is what meets the broken table first: it must fall back to binding each
view alone, leave that table at the view it had, and still show every other table's new rows.
The broken table's data files are overwritten with bytes that are not Parquet."""
import glob
import os

import amtest

R = amtest.Results("test_views")
DB = "e2e_views"


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute("""CREATE TABLE a (id bigint PRIMARY KEY, v text);
                           CREATE TABLE b (id bigint PRIMARY KEY, v text);
                           INSERT INTO a SELECT g, 'a' || g FROM generate_series(1, 10) g;
                           INSERT INTO b SELECT g, 'b' || g FROM generate_series(1, 10) g""")
    m = amtest.Mirror(DB, [("public", "a"), ("public", "b")]).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)")[0][0]
                          == 20, 120, "the initial copy")
        # a second snapshot of each: the views are now refreshed with a select list bound before
        pg.cursor().execute("INSERT INTO a VALUES (11, 'a11'); INSERT INTO b VALUES (11, 'b11')")
        amtest.wait_until(lambda: m.query("SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)")[0][0]
                          == 22, 60, "the second rows")
        broken = glob.glob(os.path.join(m.warehouse, "public", "a", "data", "*.parquet"))
        broken = [f for f in broken if not f.endswith("-deletes.parquet")]
        R.check("table a has data files to break", len(broken) >= 1, repr(broken))
        for f in broken:
            with open(f, "wb") as out:
                out.write(b"not a parquet file at all" * 8)
        pg.cursor().execute("INSERT INTO a VALUES (12, 'a12'); INSERT INTO b VALUES (12, 'b12')")
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM b")[0][0] == 12, 60,
                          "b's new row while a's files are broken")
        R.check("b serves its newest row", m.query("SELECT v FROM b WHERE id = 12") == [("b12",)])
        amtest.wait_until(lambda: "its view does not bind" in m.log() and "table=a" in
                          "".join(l for l in m.log().splitlines() if "its view does not bind" in l), 30,
                          "the warning naming a")
        R.check("the refresh warned that a's view does not bind", True)
        R.check("the writer is still running", m.proc.poll() is None)
    except Exception as e:
        R.check("no exception", False, repr(e))
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)
    R.finish()


if __name__ == "__main__":
    main()
