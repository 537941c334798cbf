#!/usr/bin/python3
"""bench/copy.py: initial-copy speed as a ratio against PostgreSQL's own binary COPY.

For each table size, in the same script and on the same server: (1) the reference, psycopg2
reading `COPY (SELECT ...) TO STDOUT (FORMAT binary)` into /dev/null; (2) Arctic Mirror copying
the table into Iceberg (slot creation, COPY, Parquet, manifests, commit), timed from its own
"initial copy done" log line. Prints rows/s for both and our share of the reference."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import amtest  # noqa: E402

SIZES = [int(x) for x in os.environ.get("BENCH_COPY_SIZES", "10000,1000000").split(",")]


def setup(db, n):
    amtest.create_db(db)
    pg = amtest.pg_connect(db)
    pg.cursor().execute(f"""
        CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, qty integer, amount numeric(12,2),
                        created_at timestamptz, flag boolean);
        INSERT INTO t SELECT g, 'name ' || g, g % 1000, (g % 100000) / 100.0,
               timestamptz '2024-01-01' + g * interval '1 second', g % 2 = 0
        FROM generate_series(1, {n}) g;""")
    pg.cursor().execute("VACUUM ANALYZE t")
    return pg


def reference(pg, n):
    best = None
    for _ in range(3):
        with open(os.devnull, "wb") as sink:
            t0 = time.monotonic()
            pg.cursor().copy_expert("COPY (SELECT id, name, qty, amount, created_at, flag FROM t) TO STDOUT (FORMAT binary)", sink)
            dt = time.monotonic() - t0
        best = dt if best is None else min(best, dt)
    return n / best


def ours(db, n):
    m = amtest.Mirror(db, [("public", "t")]).start()
    try:
        amtest.wait_until(lambda: "initial copy done" in m.log(), 600, "the initial copy", interval=0.05)
        ms = int(re.search(r'msg="initial copy done".* ms=(\d+)', m.log()).group(1))
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM t")[0][0] == n, 60, "rows visible")
        return n / (ms / 1000.0), ms
    finally:
        m.stop()


def main():
    print("initial copy, rows/s (higher is better)")
    print(f"{'rows':>10} {'binary COPY':>14} {'arctic-mirror':>14} {'ratio':>7}")
    for n in SIZES:
        db = f"bench_copy_{n}"
        pg = setup(db, n)
        ref = reference(pg, n)
        got, ms = ours(db, n)
        print(f"{n:>10} {ref:>14,.0f} {got:>14,.0f} {got / ref:>7.3f}   (copy took {ms} ms)", flush=True)
        pg.close()
        amtest.drop_db(db)


if __name__ == "__main__":
    main()
