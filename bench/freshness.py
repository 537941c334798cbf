#!/usr/bin/python3
"""bench/freshness.py: commit-to-visible delay of a single-row insert, median of N (20).

The clock starts when PostgreSQL's COMMIT returns and stops when the row is visible through the
proxy (polled every 2 ms on one open connection). The reference beside it is the same poll
loop against PostgreSQL itself, which measures the floor the polling adds."""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import amtest  # noqa: E402

N = int(os.environ.get("BENCH_FRESHNESS_N", "20"))
DB = "bench_fresh"


def visible_after(conn, row_id, t0):
    cur = conn.cursor()
    while True:
        cur.execute("SELECT 1 FROM t WHERE id = %s", (row_id,))
        if cur.fetchone():
            return time.monotonic() - t0
        time.sleep(0.002)


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute("CREATE TABLE t (id bigint PRIMARY KEY, v text); INSERT INTO t VALUES (0, 'seed')")
    m = amtest.Mirror(DB, [("public", "t")]).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM t")[0][0] == 1, 120, "the initial copy")
        proxy = m.connect()
        ref = amtest.pg_connect(DB)
        delays, floors = [], []
        for i in range(1, N + 1):
            cur = pg.cursor()
            cur.execute("INSERT INTO t VALUES (%s, 'x')", (i,))  # autocommit: returns after COMMIT
            t0 = time.monotonic()
            floors.append(visible_after(ref, i, t0))
            delays.append(visible_after(proxy, i, t0))
            time.sleep(0.2)
        med = statistics.median(delays)
        print(f"commit-to-visible, single-row insert, median of {N}: {med * 1000:.1f} ms "
              f"(min {min(delays) * 1000:.1f}, max {max(delays) * 1000:.1f}); "
              f"same poll against PostgreSQL: {statistics.median(floors) * 1000:.1f} ms")
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)


if __name__ == "__main__":
    main()
