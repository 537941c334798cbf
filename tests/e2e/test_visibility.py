#!/usr/bin/python3
"""End to end: a transaction the stream delivers before other sessions can see it. Logical
decoding sends a transaction once its commit record is flushed, and the committing backend
makes it visible a moment later; a catalog read in between does not see its tables. On a
private PostgreSQL whose synchronous standby never comes, a session with synchronous_commit=on
holds its commit in exactly that window (flushed, decoded, invisible) until it is cancelled. In
that window: a table created in the publication's schema with rows, then a column added to a
mirrored table with rows using it. The mirror must wait for them to become visible and then
mirror both exactly (before, a new table's rows stopped the write path: "a change for relation
..., which the mirror has no record of"). Last, a table created, filled and dropped in that schema
while the mirror was down: the replayed rows are skipped, the rest goes on."""
import threading
import time

import amtest
from schema_lib import check_icebird, converge, watermark

R = amtest.Results("test_visibility")
DB = "e2e_visibility"
HOLD_S = 1.5  # how long each commit stays invisible; the mirror waits up to 5 s

SETUP = """
CREATE SCHEMA auto;
CREATE TABLE t (id bigint PRIMARY KEY, v int);
INSERT INTO t SELECT g, g FROM generate_series(1, 200) g;
CREATE PUBLICATION vis_pub FOR TABLE t;
ALTER PUBLICATION vis_pub ADD TABLES IN SCHEMA auto;
"""


class HeldCommit(threading.Thread):
    """Runs statements in one transaction whose commit waits for the absent synchronous standby."""

    def __init__(self, port, stmts):
        super().__init__(daemon=True)
        self.port, self.stmts, self.error, self.pid = port, stmts, None, None

    def run(self):
        try:
            c = amtest.pg_connect(DB, autocommit=False, port=self.port)
            cur = c.cursor()
            cur.execute("SET synchronous_commit = on")
            cur.execute("SELECT pg_backend_pid()")
            self.pid = cur.fetchone()[0]
            for s in self.stmts:
                cur.execute(s)
            c.commit()  # returns when cancelled: committed locally, now visible
            c.close()
        except Exception as e:  # reported by the caller
            self.error = e


def hold_then_release(admin, port, stmts):
    """Commits stmts invisibly for HOLD_S seconds, then makes the commit visible."""
    h = HeldCommit(port, stmts)
    h.start()
    cur = admin.cursor()

    def waiting():
        cur.execute("SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep'")
        return [r[0] for r in cur.fetchall()] == [h.pid] and h.pid is not None
    amtest.wait_until(waiting, 30, "the commit to wait for its standby")
    cur.execute("SELECT count(*) FROM pg_class WHERE relname = 'e'")
    hidden = cur.fetchone()[0]
    time.sleep(HOLD_S)
    cur.execute("SELECT pg_cancel_backend(%s)", (h.pid,))
    h.join(30)
    return h, hidden


def main():
    # every commit is local unless a session asks for its standby, which never comes
    server = amtest.PrivatePG("visibility", "synchronous_standby_names = 'am_never_there'\n"
                                            "synchronous_commit = local")
    port = server.port
    m = None
    try:
        pg = server.create_db(DB)
        pg.cursor().execute(SETUP)
        m = amtest.Mirror(DB, [("public", "t")], pgport=port, publication="vis_pub",
                          mirror={"catalog_check_ms": 200}).start()
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM t")[0][0] == 200, 120, "the initial copy")

        h, hidden = hold_then_release(pg, port, [
            "CREATE TABLE auto.e (id bigint PRIMARY KEY, v int)",
            "INSERT INTO auto.e SELECT g, g * 3 FROM generate_series(1, 150) g",
            "INSERT INTO t VALUES (1001, 1)"])
        R.check("a new table: the commit was held invisible", hidden == 0 and h.error is None,
                f"visible tables named e: {hidden}; {h.error}")
        converge(R, pg, m, ["t", "auto.e"], "a new table committed invisibly")
        check_icebird(R, pg, m, ["auto.e"], "a new table committed invisibly")

        h, _ = hold_then_release(pg, port, [
            "ALTER TABLE t ADD COLUMN w text",
            "INSERT INTO t SELECT g, g, 'w' || g FROM generate_series(2001, 2100) g",
            "UPDATE t SET w = 'old' WHERE id <= 10",
            "INSERT INTO auto.e VALUES (1000, 1)"])
        R.check("an added column: the commit was held and released", h.error is None, str(h.error))
        converge(R, pg, m, ["t", "auto.e"], "a column added invisibly")

        # created, filled and dropped while the mirror was down: replayed, its rows have no
        # table to go to (before: "which the mirror has no record of", the write path stopped)
        m.stop()
        cur = pg.cursor()
        cur.execute("CREATE TABLE auto.tmp (id bigint PRIMARY KEY, v int)")
        cur.execute("INSERT INTO auto.tmp SELECT g, g FROM generate_series(1, 50) g")
        cur.execute("DROP TABLE auto.tmp")
        cur.execute("INSERT INTO t VALUES (3001, 3)")
        m.start()
        converge(R, pg, m, ["t", "auto.e"], "a table created and dropped while the mirror was down")
        R.check("a table created and dropped while the mirror was down: skipped, said so",
                "table dropped at the source before its initial copy" in m.log()
                and all(x["name"] != "tmp" for x in watermark(m)["tables"]))

        R.check("the write path never stopped", "write path stopped" not in m.log(),
                "\n".join(l for l in m.log().splitlines() if "write path stopped" in l)[-2000:])
        R.check("/health answers 200 at the end",
                amtest.wait_until(lambda: m.http("/health")[0] == 200, 30, "/health"))
        pg.close()
    except Exception as e:
        amtest.report_run_failure(R, "end-to-end run", e, m)
    finally:
        if m:
            m.stop()
        server.stop()
    amtest.finish_with_log(R, m)


if __name__ == "__main__":
    main()
