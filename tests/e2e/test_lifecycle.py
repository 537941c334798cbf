#!/usr/bin/python3
"""End to end: the mirror never breaks the source and never resumes silently.
- A table without a key is refused, naming it and the fixes, unless insert_only; then the
  application's UPDATE and DELETE keep working and the mirror keeps every row inserted.
- A REPLICA IDENTITY FULL table with duplicate rows and NULLs stays exact under inserts of
  identical rows, updates and deletes of one of several identical rows, and restarts.
- A warehouse restored from an older copy is refused with the reason, or copied again.
- A slot dropped while the mirror is down is copied again (resnapshot_on_slot_loss) while the
  proxy keeps serving the old rows, and kill -9 at five moments of that copy ends exact; so
  does a kill between the copy's watermark and the one naming its index checkpoints."""
import json
import os
import shutil
import time

import amtest
from schema_lib import Poller, converge

R = amtest.Results("test_lifecycle")
DB = "e2e_life"

SETUP = """
CREATE TABLE k (id int PRIMARY KEY, v int);
INSERT INTO k SELECT g, g FROM generate_series(1, 100) g;
CREATE TABLE log (msg text, n int);
INSERT INTO log SELECT 'm' || g, g FROM generate_series(1, 20) g;
CREATE TABLE f (a int, b text);
ALTER TABLE f REPLICA IDENTITY FULL;
INSERT INTO f VALUES (1, 'x'), (1, 'x'), (1, 'x'), (2, NULL), (2, NULL), (3, 'y');
CREATE TABLE big (id int PRIMARY KEY, pad text);
INSERT INTO big SELECT g, repeat('p', 40) FROM generate_series(1, 150000) g;
"""

TABLES = [("public", "k"), {"name": "log", "insert_only": "true"}, ("public", "f"), ("public", "big")]


def sorted_rows(conn, table):
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM {table}")
    return sorted(cur.fetchall(), key=repr)


def multiset_equal(R, pg, m, table, what, timeout=60):
    want = sorted_rows(pg, table)
    got = []

    def same():
        nonlocal got
        c = m.connect()
        try:
            got = sorted_rows(c, table)
        finally:
            c.close()
        return got == want
    try:
        amtest.wait_until(same, timeout, f"{table} to match")
        return R.check(what, True)
    except TimeoutError as e:
        return R.check(what, False, f"{e}: {len(want)} vs {len(got)} rows; want {want[:8]} got {got[:8]}")


def refusal(R):
    m = amtest.Mirror(DB, [("public", "log")])
    m.start()
    try:
        code = m.proc.wait(60)
    except Exception:
        m.kill9()
        code = None
    log = m.log()
    R.check("a key-less table is refused at start (exit status 1)", code == 1, f"exit {code}")
    R.check("the refusal names the table and the two fixes",
            "public.log" in log and "REPLICA IDENTITY FULL" in log and "primary key" in log, log[-1500:])


def insert_only_and_full(R, pg, m):
    cur = pg.cursor()
    cur.execute("INSERT INTO log VALUES ('later', 21)")
    cur.execute("UPDATE log SET msg = 'changed' WHERE n <= 5")  # the source's own UPDATE works
    cur.execute("DELETE FROM log WHERE n > 18")  # and its DELETE
    R.check("UPDATE and DELETE on the key-less table keep working with the mirror installed", True)
    inserted = sorted([(f"m{g}", g) for g in range(1, 21)] + [("later", 21)], key=repr)
    try:
        amtest.wait_until(lambda: sorted(m.query("SELECT * FROM log"), key=repr) == inserted, 60,
                          "the insert-only table")
        R.check("insert-only: every inserted row, as inserted", True)
    except TimeoutError as e:
        R.check("insert-only: every inserted row, as inserted", False, str(e))
    cur.execute("INSERT INTO f VALUES (1, 'x'), (2, NULL)")  # identical rows again
    cur.execute("DELETE FROM f WHERE ctid = (SELECT min(ctid) FROM f WHERE a = 1)")  # one of four
    cur.execute("UPDATE f SET b = 'z' WHERE ctid = (SELECT max(ctid) FROM f WHERE a = 2)")  # one of three
    cur.execute("UPDATE f SET a = 9 WHERE a = 3")
    multiset_equal(R, pg, m, "f", "FULL identity: duplicates and NULLs exact after inserts, updates, deletes")
    m.kill9()
    m.start()
    cur.execute("DELETE FROM f WHERE ctid = (SELECT min(ctid) FROM f WHERE b IS NULL)")
    cur.execute("INSERT INTO f VALUES (1, 'x')")
    multiset_equal(R, pg, m, "f", "FULL identity: exact after kill -9 and more changes")


def restored_warehouse(R, pg, m):
    """An older copy of the warehouse: refused with the reason, then copied again."""
    m.stop()
    backup = m.warehouse + ".bak"
    shutil.copytree(m.warehouse, backup)
    m.start()
    pg.cursor().execute("INSERT INTO k SELECT g, g FROM generate_series(101, 200) g")
    converge(R, pg, m, ["k"], "100 rows after the backup")
    m.stop()
    shutil.rmtree(m.warehouse)
    shutil.move(backup, m.warehouse)
    m.start()
    code = m.proc.wait(60)
    log = m.log()
    R.check("a warehouse older than its slot is not resumed (exit status 1)", code == 1, f"exit {code}")
    R.check("the refusal says why and how to recover",
            "restored from an older copy" in log and "pg_drop_replication_slot" in log
            and "resnapshot_on_slot_loss" in log, log[-1500:])
    m.mirror_keys["resnapshot_on_slot_loss"] = "true"
    m.write_config(TABLES)
    m.start()
    converge(R, pg, m, ["k", "big"], "the restored warehouse copied again: exact")
    multiset_equal(R, pg, m, "f", "the restored warehouse copied again: f exact")


def slot_dropped(R, pg, m):
    """The slot dropped while down: copied again, kill -9 at five moments of that copy."""
    converge(R, pg, m, ["big"], "before the slot goes")
    m.stop()
    cur = pg.cursor()
    cur.execute("INSERT INTO big SELECT g, 'new' FROM generate_series(150001, 150500) g")
    cur.execute("UPDATE k SET v = -v WHERE id <= 10")
    cur.execute(f"SELECT pg_drop_replication_slot('am_{DB}')")
    old_big = 150000
    poller = Poller(m, "SELECT count(*) FROM big", lambda got: got[0][0] in (old_big, old_big + 500))
    wm_path = os.path.join(m.warehouse, "_arctic", "watermark.json")
    big_meta = os.path.join(m.warehouse, "public", "big", "metadata")
    big_data = os.path.join(m.warehouse, "public", "big", "data")

    def versions():
        return len([n for n in os.listdir(big_meta) if n.endswith(".metadata.json")])

    def data_files():
        return set(os.listdir(big_data))

    def marker():
        with open(wm_path) as f:
            return '"recopy":true' in f.read()

    def slot_exists():
        c = pg.cursor()
        c.execute("SELECT count(*) FROM pg_replication_slots WHERE slot_name = %s", (f"am_{DB}",))
        return c.fetchone()[0] > 0

    v0, d0 = versions(), data_files()
    moments = [("the re-copy marked durable", marker),
               ("the new slot created", lambda: marker() and slot_exists()),
               # by name: a restart may sweep what the killed attempt wrote before writing anew
               ("a table's files written, not committed", lambda: bool(data_files() - d0)),
               ("a table committed, the watermark not switched", lambda: versions() > v0),
               ("after the switch", lambda: not marker())]
    for what, cond in moments:
        m.start()
        try:
            amtest.wait_until(cond, 120, what, interval=0.002)
            m.kill9()
            R.check(f"kill -9 at: {what}", True)
        except TimeoutError as e:
            R.check(f"kill -9 at: {what}", False,
                    f"{e}; data files before {sorted(d0)}, now {sorted(data_files())}; "
                    f"versions before {v0}, now {versions()}\n{m.log()[-3000:]}")
            m.kill9()
        v0, d0 = versions(), data_files()
    m.start()
    converge(R, pg, m, ["k", "big"], "after five kills during the copy: exact")
    multiset_equal(R, pg, m, "f", "after five kills during the copy: f exact")
    bad = poller.stop()
    R.check(f"the proxy served the old rows or the new ones throughout ({poller.answers} answers)",
            not bad, f"wrong answers: {bad}")
    served_not_checkpointed(R, pg, m)


def served_not_checkpointed(R, pg, m):
    """A copy is served by a watermark naming no index checkpoint; the checkpoints follow in a
    second one. The writer killed between the two (AM_FAULT) rebuilds the indexes from the lake
    on its restart and stays exact."""
    m.stop()
    pg.cursor().execute(f"SELECT pg_drop_replication_slot('am_{DB}')")
    mark = len(m.log())
    m.start({"AM_FAULT": "copy-served"})
    try:
        amtest.wait_until(lambda: amtest.writer_killed(m, mark), 120, "the writer killed at copy-served")
        R.check("kill at: the copy served, its index checkpoints not yet written", True)
    except TimeoutError as e:
        R.check("kill at: the copy served, its index checkpoints not yet written", False, str(e))
    cur = pg.cursor()
    cur.execute("UPDATE big SET pad = 'after the kill' WHERE id % 1000 = 0")
    cur.execute("DELETE FROM big WHERE id % 1000 = 1")
    converge(R, pg, m, ["k", "big"], "killed between the copy's two watermarks: exact")
    log = m.log()[mark:]
    R.check("the restart rebuilt the identity indexes from the lake",
            'msg="identity index rebuilt"' in log and "table=public.big" in log,
            log[-3000:])

    def big_index():
        with open(os.path.join(m.warehouse, "_arctic", "watermark.json")) as f:
            wm = json.load(f)
        return next((t.get("index") for t in wm.get("tables", []) if t.get("name") == "big"), None)
    try:
        amtest.wait_until(big_index, 60, "a watermark naming big's index checkpoint")
        R.check("after the rebuild a watermark names an index checkpoint again", True)
    except TimeoutError as e:
        R.check("after the rebuild a watermark names an index checkpoint again", False, str(e))


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute(SETUP)
    refusal(R)
    m = amtest.Mirror(DB, TABLES, mirror={"catalog_check_ms": 200}).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM big")[0][0] == 150000, 120, "the initial copy")
        converge(R, pg, m, ["k"], "initial copy")
        multiset_equal(R, pg, m, "f", "FULL identity: duplicates and NULLs copied")
        insert_only_and_full(R, pg, m)
        restored_warehouse(R, pg, m)
        slot_dropped(R, pg, m)
    except Exception as e:
        R.check("end-to-end run", False, f"{type(e).__name__}: {e}\n--- mirror log (tail) ---\n{m.log()[-4000:]}")
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)
    if R.failed:
        print(m.log()[-8000:])
    R.finish()


if __name__ == "__main__":
    main()
