#!/usr/bin/python3
"""bench/bigtxn.py: the mirror's peak memory while one large transaction replicates.

One table (id bigint primary key, v text, n int), copied empty; then one transaction inserts
BENCH_BIGTXN_ROWS rows (2,000,000), and (BENCH_BIGTXN_UPDATE=1) a second one updates them all.
The mirror runs with mirror.max_memory = BENCH_BIGTXN_MEMORY (64MB) and compaction off (its
own budget comes on top). Baseline is the writer's
VmRSS once idle before the transaction; the peak is VmHWM (reset through /proc/<pid>/clear_refs
right before it) once the rows are visible through the proxy. Printed: baseline (the fixed
overhead), peak, peak - baseline, what the identity index grew by (its checkpoint log lines)
and peak - baseline - that growth: the transaction's own memory, to hold against max_memory.
Measured is the writer process (the supervisor's child that runs the write path): the server
process, with the proxy's DuckDB, is not in it."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import amtest  # noqa: E402

ROWS = int(os.environ.get("BENCH_BIGTXN_ROWS", "2000000"))
MEMORY = os.environ.get("BENCH_BIGTXN_MEMORY", "64MB")
UPDATE = os.environ.get("BENCH_BIGTXN_UPDATE", "1") == "1"
DB = "bench_bigtxn"


def index_bytes(log):
    found = re.findall(r'msg="identity index checkpointed" table=public.big .* rows=(\d+) bytes=(\d+)', log)
    return (int(found[-1][0]), int(found[-1][1])) if found else (0, 0)


def one(m, pg, what, sql, want):
    pid = amtest.children(m)["writer"]
    time.sleep(3)  # idle: the baseline is what the mirror holds with nothing to do
    base = amtest.status_kb(pid, "VmRSS")
    index_before = index_bytes(m.log())[1]
    amtest.reset_peak(pid)
    t0 = time.monotonic()
    cur = pg.cursor()
    cur.execute(sql)
    cur.execute("SELECT pg_current_wal_lsn() - '0/0'")
    end = int(cur.fetchone()[0])
    # the write path alone: no query runs in the proxy until the peak is read
    amtest.wait_until(lambda: amtest.watermark_lsn(m) >= end, 3600, what, interval=0.2)
    secs = time.monotonic() - t0
    peak = amtest.status_kb(pid, "VmHWM")
    anon, file_kb = amtest.status_kb(pid, "RssAnon"), amtest.status_kb(pid, "RssFile")
    # the server refreshes its views on its own after the watermark moves
    amtest.wait_until(lambda: m.query(want[0])[0][0] == want[1], 120,
                      f"{what}: {want[1]} rows through the proxy")
    # the index is the table's (21 bytes a row however the rows came), not the transaction's
    grown = (index_bytes(m.log())[1] - index_before) / 1048576
    over = (peak - base) / 1024 - max(grown, 0)
    print(f"{what}: {ROWS:,} rows visible in {secs:.1f} s; baseline RSS {base / 1024:.1f} MB, "
          f"peak {peak / 1024:.1f} MB, peak - baseline {(peak - base) / 1024:.1f} MB, index grew "
          f"{grown:.1f} MB, peak - baseline - index growth {over:.1f} MB "
          f"(mirror.max_memory {MEMORY}); after it: anonymous {anon / 1024:.1f} MB, "
          f"mapped files {file_kb / 1024:.1f} MB", flush=True)
    return {"what": what, "seconds": round(secs, 1), "baseline_mb": round(base / 1024, 1),
            "peak_mb": round(peak / 1024, 1), "over_baseline_mb": round((peak - base) / 1024, 1),
            "index_growth_mb": round(grown, 1), "transaction_mb": round(over, 1),
            "anon_after_mb": round(anon / 1024, 1), "files_after_mb": round(file_kb / 1024, 1)}


def main():
    server = None
    if "AM_TEST_PGPORT" not in os.environ:  # make bench: a PostgreSQL of its own, as the others
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import benchlib
        server = benchlib.Server()
    try:
        run()
    finally:
        if server:
            server.stop()


def run():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute("CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, n int)")
    # compaction off: it has a max_memory of its own on top, and one starting on the UPDATE's
    # files before the peak is read would count as the transaction's
    m = amtest.Mirror(DB, [("public", "big")], mirror={"max_memory": MEMORY}).start(
        env_extra={"LAKE_COMPACTION_ENABLED": "false"})
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM big")[0][0] == 0, 120, "the initial copy")
        amtest.bigtxn_warm_up(m, pg)
        runs = [one(m, pg, "INSERT in one transaction",
                    f"INSERT INTO big SELECT g, md5(g::text), g % 1000 FROM generate_series(1, {ROWS}) g",
                    ("SELECT count(*) FROM big", ROWS))]
        if UPDATE:
            runs.append(one(m, pg, "UPDATE in one transaction", "UPDATE big SET n = n + 1",
                            ("SELECT count(*) FROM big WHERE n = id % 1000 + 1", ROWS)))
        m.stop()
        rows, nbytes = index_bytes(m.log())
        if rows:
            print(f"identity index after: {rows:,} rows, {nbytes / 1048576:.1f} MB, "
                  f"{nbytes / rows:.1f} bytes per row")
        if "BENCH_COMMAND" in os.environ:  # make bench
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import benchlib
            benchlib.write_result("bigtxn", {"rows": ROWS, "max_memory": MEMORY, "runs": runs,
                                             "index_rows": rows, "index_bytes": nbytes})
    finally:
        m.stop()
        if os.environ.get("BENCH_BIGTXN_LOG"):
            print(m.log()[-int(os.environ["BENCH_BIGTXN_LOG"]):])
        pg.close()
        amtest.drop_db(DB)


if __name__ == "__main__":
    main()
