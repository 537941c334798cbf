#!/usr/bin/python3
"""End to end: the publication the mirror reads must publish every change of whole rows. A
publication named in postgres.publication that already exists and leaves changes out (publish
without update or delete, a row filter, a column list) would make the mirror serve rows
PostgreSQL has changed or removed, without a word; so the mirror refuses it at start (55000,
naming what is missing and the fix) and stops when someone narrows it while the stream runs.
Changes decoded meanwhile are lost to replay (decoding reads the catalog as it was), so the
watermark asks for a copy of every table, and the next start, with the publication whole
again, makes the lake equal the source. A table turned UNLOGGED (its changes never reach the
WAL) stops being served instead of going stale. A table taken out of the publication and
added back (in one transaction, or while the mirror is down) is copied again; a publish list
narrowed and widened again the same way has every table copied again."""
import time

import amtest
from schema_lib import converge

R = amtest.Results("test_publication")
DB = "e2e_pub"


def refused_at_start(pg, what, create, want):
    cur = pg.cursor()
    cur.execute("DROP PUBLICATION IF EXISTS e2e_pub_user")
    cur.execute(create)
    m = amtest.Mirror(DB, [("public", "t")], publication="e2e_pub_user").start()
    try:
        code = m.proc.wait(timeout=60)
    except Exception:
        code = None
    log = m.log()
    R.check(f"{what}: the mirror refuses to start (exit {code})", code not in (None, 0), log[-1500:])
    R.check(f"{what}: the error names what is missing and the fix",
            "55000" in log and want in log and "ALTER PUBLICATION" in log, log[-1500:])
    m.stop()
    cur.execute("DROP PUBLICATION e2e_pub_user")


def partition_named(pg):
    """A partition's changes come under its root (publish_via_partition_root), so a partition
    configured by name would be copied once and never change: it is refused at start, naming
    its root (before: 42P01 "does not exist", for a table that exists)."""
    pg.cursor().execute("CREATE TABLE pt (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at); "
                        "CREATE TABLE pt_2024 PARTITION OF pt FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'); "
                        "INSERT INTO pt VALUES (1, '2024-05-01')")
    m = amtest.Mirror(DB, [("public", "pt"), ("public", "pt_2024")]).start()
    try:
        code = m.proc.wait(timeout=60)
    except Exception:
        code = None
    log = m.log()
    R.check(f"a partition named next to its root: refused at start (exit {code})", code not in (None, 0),
            log[-1500:])
    R.check("the error says it is a partition and names the root to configure (0A000)",
            "0A000" in log and 'is a partition of \\"public.pt\\"' in log, log[-1500:])
    m.stop()


def unlogged(pg):
    """Under a FOR TABLES IN SCHEMA publication PostgreSQL lets a table become UNLOGGED, and
    its changes then never reach the WAL: the mirror stops serving it (42P01) instead of going
    stale, says why, and the other tables stream on. An UNLOGGED table a pattern matches later
    is refused the same way (the publication itself leaves UNLOGGED tables out)."""
    cur = pg.cursor()
    cur.execute("CREATE SCHEMA s; CREATE TABLE s.u (id int PRIMARY KEY, v int); "
                "CREATE TABLE s.k (id int PRIMARY KEY, v int); "
                "INSERT INTO s.u SELECT g, g FROM generate_series(1, 10) g; "
                "INSERT INTO s.k SELECT g, g FROM generate_series(1, 10) g; "
                "CREATE PUBLICATION e2e_pub_schema FOR TABLES IN SCHEMA s")
    m = amtest.Mirror(DB, [("s", "u"), ("s", "k"), ("s", "n*")], publication="e2e_pub_schema",
                      mirror={"catalog_check_ms": 200})
    m.start()
    try:
        converge(R, pg, m, ["s.u", "s.k"], "a schema's publication")
        cur.execute("ALTER TABLE s.u SET UNLOGGED")
        cur.execute("INSERT INTO s.u VALUES (11, 11)")
        cur.execute("INSERT INTO s.k VALUES (11, 11)")

        def gone():
            try:
                m.query("SELECT count(*) FROM s.u")
                return False
            except Exception as e:
                return "does not exist" in str(e)
        R.check("SET UNLOGGED: the table is no longer served (42P01), never stale",
                amtest.wait_until(gone, 30, "s.u no longer served"), m.log()[-1500:])
        R.check("SET UNLOGGED: the log says why", "is UNLOGGED" in m.log() and "SET LOGGED" in m.log())
        R.check("SET UNLOGGED: /health/detailed shows it refused",
                "UNLOGGED" in m.http("/health/detailed")[1])
        converge(R, pg, m, ["s.k"], "the other table streams on")
        cur.execute("CREATE UNLOGGED TABLE s.n (id int PRIMARY KEY); INSERT INTO s.n VALUES (1)")
        R.check("an UNLOGGED table a pattern matches is refused",
                amtest.wait_until(lambda: "table s.n is UNLOGGED" in m.log(), 30, "s.n refused"))
        cur.execute("INSERT INTO s.k VALUES (12, 12)")
        converge(R, pg, m, ["s.k"], "still streaming")
        R.check("the mirror is still running", m.alive())
        cur.execute("ALTER TABLE s.u SET LOGGED")
        m.stop()
        m.start()
        converge(R, pg, m, ["s.u", "s.k"], "SET LOGGED and a restart: copied again")
    finally:
        m.stop()


def taken_out_and_added_back(pg):
    """A table taken out of the publication and added back: the changes made in between were
    never published, and no replay brings them back (decoding reads the catalog as it was).
    In one transaction no catalog check can see the gap; while the mirror is down, the user
    may add it back, or the mirror's start does. Each time the table is copied again, the
    other tables stream on."""
    cur = pg.cursor()
    cur.execute("CREATE TABLE g1 (id int PRIMARY KEY, v int); CREATE TABLE g2 (id int PRIMARY KEY, v int); "
                "INSERT INTO g1 SELECT g, g FROM generate_series(1, 40) g; "
                "INSERT INTO g2 SELECT g, g FROM generate_series(1, 40) g")
    m = amtest.Mirror(DB, [("public", "g1"), ("public", "g2")], mirror={"catalog_check_ms": 200})
    m.start()
    try:
        converge(R, pg, m, ["g1", "g2"], "before the gap")
        pub = m.publication

        def gap(tag, add_back=True):
            cur.execute(f"ALTER PUBLICATION {pub} DROP TABLE g1")
            cur.execute(f"DELETE FROM g1 WHERE id % 7 = 0; UPDATE g1 SET v = v + 1000 WHERE id % 5 = 0; "
                        f"INSERT INTO g1 SELECT g, -g FROM generate_series({tag}, {tag} + 9) g")
            if add_back:
                cur.execute(f"ALTER PUBLICATION {pub} ADD TABLE g1")
        gap(50, add_back=False)
        cur.execute("INSERT INTO g2 VALUES (50, 50)")
        converge(R, pg, m, ["g1", "g2"], "taken out while streaming: the mirror puts it back and copies it again")
        R.check("the log says the mirror put it back", "putting it back" in m.log(), m.log()[-1500:])
        cur.execute("BEGIN")
        gap(100)
        cur.execute("COMMIT")
        cur.execute("INSERT INTO g2 VALUES (100, 100)")
        converge(R, pg, m, ["g1", "g2"], "out and back in one transaction while streaming: copied again")
        R.check("the log names the table taken out and added back",
                "publication membership changed" in m.log() and "added back" in m.log(), m.log()[-1500:])
        m.stop()
        gap(200)
        m.start()
        converge(R, pg, m, ["g1", "g2"], "out and back while the mirror was down: copied again")
        R.check("the log says it happened while the mirror was down", "while the mirror was down" in m.log())
        m.stop()
        gap(300, add_back=False)
        m.start()
        converge(R, pg, m, ["g1", "g2"], "taken out while the mirror was down, put back by its start: copied again")
        cur.execute("INSERT INTO g1 VALUES (1000, 1); INSERT INTO g2 VALUES (1000, 1)")
        converge(R, pg, m, ["g1", "g2"], "streaming again afterwards")
        m.stop()
        m.start()
        converge(R, pg, m, ["g1", "g2"], "a restart with nothing changed")
        R.check("a restart with nothing changed copies nothing again",
                m.log().count("copying table again") == 4, m.log()[-2000:])

        def narrowed_and_widened():
            cur.execute(f"ALTER PUBLICATION {pub} SET (publish = 'insert')")
            cur.execute("DELETE FROM g2 WHERE id % 3 = 0; UPDATE g1 SET v = 7 WHERE id % 4 = 0")
            cur.execute(f"ALTER PUBLICATION {pub} SET (publish = 'insert, update, delete, truncate')")
        cur.execute("BEGIN")
        narrowed_and_widened()
        cur.execute("COMMIT")
        converge(R, pg, m, ["g1", "g2"],
                 "publish narrowed and widened in one transaction while streaming: every table copied again")
        R.check("the log says the publication was altered while streaming",
                "publication altered while streaming" in m.log(), m.log()[-1500:])
        R.check("the mirror is still running (the write path started again by itself)", m.alive())
        m.stop()
        narrowed_and_widened()
        m.start()
        converge(R, pg, m, ["g1", "g2"],
                 "publish narrowed and widened while the mirror was down: every table copied again")
        R.check("the log says it was altered while the mirror was down",
                "altered (SET, RENAME, OWNER TO) or dropped and created again while the mirror was down"
                in m.log(), m.log()[-1500:])
        cur.execute("INSERT INTO g1 VALUES (2000, 1); DELETE FROM g2 WHERE id = 1")
        converge(R, pg, m, ["g1", "g2"], "streaming again after the copy of every table")
    finally:
        m.stop()


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute("CREATE TABLE t (id int PRIMARY KEY, v int, w text); "
                        "INSERT INTO t SELECT g, g, 'x' FROM generate_series(1, 50) g")
    m = None
    try:
        refused_at_start(pg, "publish = 'insert'",
                         "CREATE PUBLICATION e2e_pub_user FOR TABLE t WITH (publish = 'insert')",
                         "does not publish updates, deletes, truncates")
        refused_at_start(pg, "FOR ALL TABLES without deletes",
                         "CREATE PUBLICATION e2e_pub_user FOR ALL TABLES WITH (publish = 'insert, update')",
                         "does not publish deletes, truncates")
        refused_at_start(pg, "a row filter",
                         "CREATE PUBLICATION e2e_pub_user FOR TABLE t WHERE (id > 10)",
                         "row filter or a column list for public.t")
        refused_at_start(pg, "a column list",
                         "CREATE PUBLICATION e2e_pub_user FOR TABLE t (id, v)",
                         "row filter or a column list for public.t")

        m = amtest.Mirror(DB, [("public", "t")], mirror={"catalog_check_ms": 200}).start()
        converge(R, pg, m, ["t"], "the mirror's own publication")
        cur = pg.cursor()
        cur.execute(f"ALTER PUBLICATION {m.publication} SET (publish = 'insert, update')")
        cur.execute("DELETE FROM t WHERE id <= 5")
        cur.execute("INSERT INTO t VALUES (100, 100, 'new')")
        try:
            code = m.proc.wait(timeout=60)
        except Exception:
            code = None
        log = m.log()
        R.check(f"narrowed while streaming: the write path stops (exit {code})", code not in (None, 0),
                log[-1500:])
        R.check("narrowed while streaming: the error says a copy of every table follows the fix",
                "does not publish deletes" in log and "copied again" in log, log[-1500:])
        cur.execute("UPDATE t SET w = 'after' WHERE id = 20")
        code = m.start().proc.wait(timeout=60)
        R.check("still narrowed: a start refuses it again", code not in (None, 0))
        cur.execute(f"ALTER PUBLICATION {m.publication} SET (publish = 'insert, update, delete, truncate')")
        m.start()
        converge(R, pg, m, ["t"], "whole again: every table copied again, the deletes it left out too")
        R.check("the start said it copies every table again", "copying every table again" in m.log())
        cur.execute("DELETE FROM t WHERE id = 30")
        converge(R, pg, m, ["t"], "streaming again afterwards")
        m.stop()
        m = None
        partition_named(pg)
        unlogged(pg)
        taken_out_and_added_back(pg)
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
