#!/usr/bin/python3
"""End to end, the replication torture: a private PostgreSQL, two writers with a mixed load
(upserts, updates, key updates, deletes, range deletes) on three tables, and between rounds DDL
(columns added with and without defaults, renamed, dropped, widened, retyped with USING, a table
renamed), kill -9 of the mirror at random moments and once an immediate restart of PostgreSQL.
Every table ends exactly as PostgreSQL has it, and icebird reads each one. Plain build only (it
runs for about a minute).

For manual hunts (make test runs the defaults): TORTURE_SEED=n draws other loads and timings;
TORTURE_COMPACT=1 makes the maintenance thread compact and sweep at every chance (two small
files, 1% deleted, 200 ms retention, 100 ms orphan checks) so kills land inside compactions;
TORTURE_TRUNCATE=p truncates the chosen table in a share p of the writers' transactions."""
import os
import random
import threading
import time

import amtest
from schema_lib import check_icebird, converge

R = amtest.Results("test_torture")
DB = "e2e_torture"
SEED = int(os.environ.get("TORTURE_SEED", "0"))
TRUNCATE = float(os.environ.get("TORTURE_TRUNCATE", "0"))
COMPACT_YAML = """lake:
  compaction:
    max_small_files: 2
    max_deleted_percent: 1
  file_retention_ms: 200
  orphan_check_ms: 100
""" if os.environ.get("TORTURE_COMPACT") == "1" else ""

SETUP = """
CREATE TABLE ta (id bigint PRIMARY KEY, v int, s text, w varchar(20));
CREATE TABLE tb (id bigint PRIMARY KEY, v int, n numeric(10,2), note text);
CREATE TABLE tc (id bigint PRIMARY KEY, v int, big text);
INSERT INTO ta SELECT g, g, 's' || g, 'w' || g FROM generate_series(1, 3000) g;
INSERT INTO tb SELECT g, g, g * 0.5, 'n' || g FROM generate_series(1, 3000) g;
INSERT INTO tc SELECT g, g, CASE WHEN g % 100 = 0 THEN repeat(md5(g::text), 200) END FROM generate_series(1, 2000) g;
"""

DDL = [
    "ALTER TABLE ta ADD COLUMN x1 int",
    "ALTER TABLE tb ADD COLUMN x2 int DEFAULT 5",
    "ALTER TABLE ta RENAME COLUMN s TO s2",
    "ALTER TABLE tb DROP COLUMN note",
    "ALTER TABLE ta ALTER COLUMN w TYPE varchar(40)",
    "ALTER TABLE tb ALTER COLUMN n TYPE numeric(12,2)",
    "ALTER TABLE ta ALTER COLUMN w TYPE text USING upper(w)",
    "RENAME",
    "ALTER TABLE tb ADD COLUMN x3 timestamptz DEFAULT clock_timestamp()",
]


class Load:
    def __init__(self, port, names, seed):
        self.port, self.names, self.rnd = port, names, random.Random(seed)
        self.stop_flag, self.ops, self.errors = False, 0, 0
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _connect(self):
        while not self.stop_flag:
            try:
                return amtest.pg_connect(DB, port=self.port)
            except Exception:
                time.sleep(0.2)
        return None

    def _one(self, cur):
        t = self.rnd.choice(list(self.names.values()))
        op = self.rnd.random()
        cur.execute("BEGIN")
        if TRUNCATE and self.rnd.random() < TRUNCATE:
            cur.execute(f"TRUNCATE {t}")
        for _ in range(self.rnd.randint(1, 10)):
            k = self.rnd.randint(1, 4000)
            if op < 0.45:
                cur.execute(f"INSERT INTO {t} (id, v) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE SET v = {t}.v + 1",
                            (self.rnd.randint(1, 10**6), k))
            elif op < 0.7:
                cur.execute(f"UPDATE {t} SET v = v + 1 WHERE id = %s", (k,))
            elif op < 0.8:
                cur.execute(f"UPDATE {t} SET id = id + 2000000 WHERE id = %s", (k,))
            elif op < 0.995:
                cur.execute(f"DELETE FROM {t} WHERE id = %s", (k,))
            else:
                cur.execute(f"DELETE FROM {t} WHERE id > 3500000")
        cur.execute("COMMIT")

    def _loop(self):
        pg = self._connect()
        while not self.stop_flag and pg:
            try:
                self._one(pg.cursor())
                self.ops += 1
            except Exception:  # DDL locks, a renamed table, PostgreSQL restarting
                self.errors += 1
                try:
                    pg.close()
                except Exception:
                    pass
                time.sleep(0.05)
                pg = self._connect()
            time.sleep(0.005)
        if pg:
            pg.close()

    def stop(self):
        self.stop_flag = True
        self.thread.join(30)


def main():
    server = amtest.PrivatePG("torture")
    port = server.port
    m = None
    loads = []
    try:
        pg = server.create_db(DB)
        pg.cursor().execute(SETUP)
        m = amtest.Mirror(DB, [("public", "ta"), ("public", "tb"), ("public", "tc")], pgport=port,
                          mirror={"catalog_check_ms": 250}, extra=COMPACT_YAML).start()
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM tc")[0][0] == 2000, 120, "the initial copy")
        names = {"ta": "ta", "tb": "tb", "tc": "tc"}
        loads = [Load(port, names, s + SEED) for s in (1, 2)]
        rnd = random.Random(7 + SEED)
        for i, ddl in enumerate(DDL):
            time.sleep(rnd.uniform(0.5, 1.5))
            try:
                cur = pg.cursor()
                if ddl == "RENAME":
                    cur.execute("ALTER TABLE tc RENAME TO tc2")
                    names["tc"] = "tc2"
                else:
                    cur.execute(ddl)
            except Exception as e:
                print(f"round {i}: {ddl}: {e}")
                pg = amtest.pg_connect(DB, port=port)
            time.sleep(rnd.uniform(0.1, 1.0))
            m.kill9()
            if i == 4:
                server.restart()
                pg = amtest.pg_connect(DB, port=port)
                print(f"round {i}: PostgreSQL restarted")
            m.start()
            print(f"round {i}: {ddl}; mirror killed and started again", flush=True)
        time.sleep(2)
        for ld in loads:
            ld.stop()
        print(f"load: {sum(ld.ops for ld in loads)} transactions, {sum(ld.errors for ld in loads)} refused")
        live = ["ta", "tb", "tc2"]
        converge(R, pg, m, live, "after the torture", timeout=120)
        check_icebird(R, pg, m, live, "after the torture")
        R.check("/health answers 200 at the end", amtest.wait_until(lambda: m.http("/health")[0] == 200, 30, "/health"))
        pg.close()
    except Exception as e:
        amtest.report_run_failure(R, "torture run", e, m)
    finally:
        for ld in loads:
            ld.stop()
        if m:
            m.stop()
        server.stop()
    amtest.finish_with_log(R, m)


if __name__ == "__main__":
    main()
