#!/usr/bin/python3
"""bench/mixed.py: a mixed write load with TOASTed values at the machine's maximum rate, and how
long after it stops the mirror has caught up.

A table (id bigint primary key, n int, note text, blob text) of BENCH_MIXED_ROWS (100,000) rows,
every 10th carrying a 6 kB value PostgreSQL stores out of line (TOAST). BENCH_MIXED_CLIENTS (4)
connections then run, unthrottled for BENCH_MIXED_SECONDS (60), transactions of ten statements:
inserts (some with a blob), updates that leave the blob alone (pgoutput sends it as "unchanged
TOAST", so the mirror must take it from the row it replaces), updates of the blob, and deletes.
When they stop, one more row is committed and the clock runs until the proxy shows it, and
then until the mirror's row count and blob count equal PostgreSQL's. The target: caught up
within 10 s of the end. Also printed: the source's transactions per second and WAL per second,
and the freshness histogram's quantiles over the run."""
import os
import random
import threading
import time

import benchlib as bl
from benchlib import amtest

ROWS = bl.env_int("BENCH_MIXED_ROWS", 100_000)
CLIENTS = bl.env_int("BENCH_MIXED_CLIENTS", 4)
SECONDS = bl.env_int("BENCH_MIXED_SECONDS", 60)
DB = "bench_mixed"
BLOB = "(SELECT string_agg(md5(%s::text || '-' || i::text), '') FROM generate_series(1, 200) i)"


def writer(stop_at, seed, counts):
    rnd = random.Random(seed)
    pg = amtest.pg_connect(DB, autocommit=False)
    cur = pg.cursor()
    next_id = 10_000_000 * (seed + 1)
    n = 0
    while time.monotonic() < stop_at:
        for _ in range(10):
            op = rnd.random()
            key = rnd.randint(1, ROWS)
            if op < 0.3:
                if rnd.random() < 0.1:
                    cur.execute(f"INSERT INTO t VALUES (%s, 0, 'new', {BLOB})", (next_id, next_id))
                else:
                    cur.execute("INSERT INTO t VALUES (%s, 0, 'new', NULL)", (next_id,))
                next_id += 1
            elif op < 0.75:
                cur.execute("UPDATE t SET n = n + 1, note = 'touched' WHERE id = %s", (key,))
            elif op < 0.85:
                cur.execute(f"UPDATE t SET blob = {BLOB} WHERE id = %s", (key + n, key))
            else:
                cur.execute("DELETE FROM t WHERE id = %s", (key,))
        pg.commit()
        n += 1
    counts[seed] = n
    pg.close()


def counts_of(query_fn):
    return tuple(query_fn("SELECT count(*), count(blob), coalesce(sum(n), 0), coalesce(sum(length(blob)), 0) FROM t")[0])


def main():
    server = bl.Server()
    try:
        amtest.create_db(DB)
        pg = amtest.pg_connect(DB)
        cur = pg.cursor()
        cur.execute("CREATE TABLE t (id bigint PRIMARY KEY, n int NOT NULL, note text, blob text)")
        cur.execute("INSERT INTO t SELECT g, 0, 'row ' || g, CASE WHEN g %% 10 = 0 THEN "
                    + BLOB % "g" + " END FROM generate_series(1, %s) g", (ROWS,))
        cur.execute("CREATE TABLE sentinel (id int PRIMARY KEY)")
        m = amtest.Mirror(DB, [("public", "t"), ("public", "sentinel")]).start()
        try:
            bl.mirror_ready(m, "SELECT count(*) FROM t", ROWS)
            before = bl.histogram(bl.metrics(m), "arctic_mirror_freshness_seconds")
            wal0 = int(server.scalar(DB, "SELECT pg_current_wal_lsn() - '0/0'"))
            counts = [0] * CLIENTS
            stop_at = time.monotonic() + SECONDS
            threads = [threading.Thread(target=writer, args=(stop_at, i, counts)) for i in range(CLIENTS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            end = time.monotonic()
            wal = int(server.scalar(DB, "SELECT pg_current_wal_lsn() - '0/0'")) - wal0
            cur.execute("INSERT INTO sentinel VALUES (1)")
            seen = bl.wait_visible(m, "SELECT count(*) FROM sentinel", 1, 3600, "the sentinel", interval=0.05)
            want = counts_of(lambda q: (cur.execute(q), cur.fetchall())[1])
            got_at = None
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                if counts_of(m.query) == want:
                    got_at = time.monotonic()
                    break
                time.sleep(0.1)
            after = bl.histogram(bl.metrics(m), "arctic_mirror_freshness_seconds")
            q = {p: bl.histogram_quantile(before, after, p) for p in (0.5, 0.99)}
            txns = sum(counts)
            r = {"rows": ROWS, "clients": CLIENTS, "seconds": SECONDS, "transactions": txns,
                 "tps": txns / SECONDS, "wal_bytes": wal, "wal_mb_per_s": wal / SECONDS / 2**20,
                 "sentinel_visible_after_end_s": seen - end,
                 "equal_after_end_s": None if got_at is None else got_at - end,
                 "freshness_p50_s": q[0.5], "freshness_p99_s": q[0.99]}
            bl.print_table(f"mixed load with TOASTed values, {CLIENTS} clients unthrottled for {SECONDS} s "
                           f"(target: caught up within 10 s of the end)",
                           ["tps", "WAL MB/s", "sentinel visible s", "equal s", "freshness p50 s", "p99 s"],
                           [[r["tps"], r["wal_mb_per_s"], r["sentinel_visible_after_end_s"],
                             r["equal_after_end_s"], r["freshness_p50_s"], r["freshness_p99_s"]]])
            bl.write_result("mixed", r, server)
        finally:
            m.stop()
            pg.close()
            amtest.drop_db(DB)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
