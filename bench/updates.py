#!/usr/bin/python3
"""bench/updates.py: random updates and deletes by key as a ratio of pg_recvlogical.

A table of BENCH_UPDATES_TABLE_ROWS (default 1 M) rows is copied, then two backlogs are each
consumed by pg_recvlogical (pgoutput on the same publication, to /dev/null) and by Arctic Mirror
(timed from its slot turning active to the last transaction visible through the proxy):
BENCH_UPDATES_ROWS (1 M) updates of random keys, then BENCH_DELETES_ROWS (200 k) deletes of
random keys, both in transactions of 1,000 rows. Ratio: our rows/s / pg_recvlogical's
(target >= 0.5)."""
import random

import benchlib as bl
from benchlib import amtest

TABLE_ROWS = bl.env_int("BENCH_UPDATES_TABLE_ROWS", bl.rows_default(10_000_000) // 10)
UPDATES = bl.env_int("BENCH_UPDATES_ROWS", bl.rows_default(10_000_000) // 10)
DELETES = bl.env_int("BENCH_DELETES_ROWS", bl.rows_default(10_000_000) // 50)
TXN = 1000
DB = "bench_updates"


def update_load():
    rnd = random.Random(1)
    pg = amtest.pg_connect(DB)
    cur = pg.cursor()
    for done in range(0, UPDATES, TXN):
        ids = rnd.sample(range(2, TABLE_ROWS + 1), min(TXN, UPDATES - done))
        cur.execute("UPDATE t SET qty = qty + 1, amount = amount + 1 WHERE id = ANY(%s)", (ids,))
    cur.execute("UPDATE t SET name = 'updated' WHERE id = 1")
    pg.close()


def delete_load():
    rnd = random.Random(2)
    victims = rnd.sample(range(2, TABLE_ROWS + 1), min(DELETES, TABLE_ROWS - 1))
    pg = amtest.pg_connect(DB)
    cur = pg.cursor()
    for lo in range(0, len(victims), TXN):
        cur.execute("DELETE FROM t WHERE id = ANY(%s)", (victims[lo:lo + TXN],))
    cur.execute("UPDATE t SET name = 'deleted' WHERE id = 1")
    pg.close()


def main():
    server = bl.Server()
    try:
        amtest.create_db(DB)
        pg = amtest.pg_connect(DB)
        pg.cursor().execute(f"""CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, qty integer,
                                amount numeric(12,2), created_at timestamptz, flag boolean, score double precision)
                                WITH (autovacuum_enabled = false);
                                INSERT INTO t SELECT g, 'name ' || g, g % 1000, (g % 100000) / 100.0,
                                       timestamptz '2024-01-01' + g * interval '1 second', g % 2 = 0, g / 7.0
                                FROM generate_series(1, {TABLE_ROWS}) g""")
        pg.cursor().execute("VACUUM ANALYZE t")
        pg.close()
        m = amtest.Mirror(DB, [("public", "t")]).start()
        bl.mirror_ready(m, "SELECT count(*) FROM t", TABLE_ROWS)
        m.stop()
        up = bl.stream_round(server, DB, m, update_load, "SELECT count(*) FROM t WHERE name = 'updated'",
                             UPDATES, "the last update")
        de = bl.stream_round(server, DB, m, delete_load, "SELECT count(*) FROM t WHERE name = 'deleted'",
                             DELETES, "the last delete")
        rows = []
        for name, r in (("updates", up), ("deletes", de)):
            rows.append([name, "pg_recvlogical", r["pg_recvlogical_seconds"], r["pg_recvlogical_rows_per_s"], 1.0])
            rows.append([name, "pg_recvlogical, the mirror's options", r["pg_recvlogical_binary_seconds"],
                         r["pg_recvlogical_binary_rows_per_s"],
                         r["pg_recvlogical_binary_seconds"] / r["pg_recvlogical_seconds"]])
            rows.append([name, "arctic-mirror", r["mirror_seconds"], r["mirror_rows_per_s"], r["ratio"]])
        bl.print_table(f"{UPDATES:,} random updates, then {DELETES:,} random deletes, of a {TABLE_ROWS:,}-row table "
                       "(ratio = our rows/s / pg_recvlogical's; target >= 0.5)",
                       ["changes", "consumer", "seconds", "rows/s", "ratio"], rows)
        for r in (up, de):
            bl.print_feed(r)
        bl.write_result("updates", {"table_rows": TABLE_ROWS, "update": up, "delete": de,
                                    "targets": {"ratio": 0.5}}, server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
