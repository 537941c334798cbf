#!/usr/bin/python3
"""bench/compaction.py: a trickle of single-row UPDATE commits on a table, with compaction at
its defaults: live data + delete files of the current snapshot before, at the peak and after,
a full-table aggregate through the proxy before and after (median of 15; the ratio is the
figure), and what compaction rewrote (rows, run time, rows per second of run time); then the
compaction throughput on bigger files: 40 insert commits of 25,000 rows merged (rows/s, MB/s);
then range pruning: 40 commits of 25,000 rows that each span the whole key range (as spread
updates do), merged, into a table with a primary key (compaction writes its merged files sorted
by it) and the same into one without (merged files keep input order), and a 1,000-key range sum
through the proxy on each (median of 15; the ratio keyed / keyless is the figure: the sorted
file's range skips the row groups its keys are not in).

BENCH_COMPACT_ROWS (100000), BENCH_COMPACT_COMMITS (2000), BENCH_COMPACT_SPACING_MS (25).
LAKE_COMPACTION_ENABLED=false gives the baseline: the same trickle with no compaction (the
throughput part, which needs compaction, is skipped)."""
import json
import os
import random
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import amtest  # noqa: E402

ROWS = int(os.environ.get("BENCH_COMPACT_ROWS", "100000"))
COMMITS = int(os.environ.get("BENCH_COMPACT_COMMITS", "2000"))
SPACING = int(os.environ.get("BENCH_COMPACT_SPACING_MS", "25")) / 1000
DB = "bench_compact"
AGG = "SELECT count(*), sum(v), sum(id), min(pad), max(pad) FROM t"


def live_files(m, table="t"):
    meta = os.path.join(m.warehouse, "public", table, "metadata")
    v = max(int(re.match(r"v(\d+)\.", f).group(1)) for f in os.listdir(meta)
            if re.match(r"v\d+\.metadata\.json$", f))
    with open(os.path.join(meta, f"v{v}.metadata.json")) as f:
        doc = json.load(f)
    snap = next(s for s in doc["snapshots"] if s["snapshot-id"] == doc["current-snapshot-id"])
    return int(snap["summary"]["total-data-files"]) + int(snap["summary"]["total-delete-files"])


def agg_ms(m, runs=15, sql=AGG):
    c = m.connect()
    cur = c.cursor()
    cur.execute(sql)
    cur.fetchall()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        cur.execute(sql)
        cur.fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    c.close()
    return statistics.median(times)


def compactions(m):
    jobs = rows = run_ms = 0
    for line in m.log().splitlines():
        if "msg=compacted" in line:
            f = dict(re.findall(r"(\w+)=(\S+)", line))
            jobs, rows, run_ms = jobs + 1, rows + int(f["rows"]), run_ms + int(f["run_ms"])
    return jobs, rows, run_ms


def bulk_throughput(pg, m, commits, per):
    """Inserts commits transactions of per rows each into u: as many files, which compaction
    merges; returns (rows, bytes read, run ms) of the compactions of u."""
    mark = len(m.log())
    cur = pg.cursor()
    for c in range(commits):
        cur.execute("INSERT INTO u SELECT g, g %% 97, md5(g::text) FROM generate_series(%s, %s) g",
                    (c * per + 1, (c + 1) * per))
        time.sleep(0.05)
    amtest.wait_until(lambda: "table=public/u" in m.log()[mark:] and
                      m.query("SELECT count(*) FROM u")[0][0] == commits * per, 300, "u compacted")
    rows = nbytes = run_ms = 0
    for line in m.log()[mark:].splitlines():
        if "msg=compacted" in line and "table=public/u" in line:
            f = dict(re.findall(r"(\w+)=(\S+)", line))
            rows, nbytes = rows + int(f["rows"]), nbytes + int(f["bytes_in"])
            run_ms += int(f["run_ms"])
    return rows, nbytes, run_ms


def range_pruning(pg, m, commits, per):
    """Inserts commits transactions into w (a primary key) and wf (none: REPLICA IDENTITY FULL,
    so its merged files keep input order), commit c the ids congruent to c (every file spans the
    key range), waits for their compactions; returns the medians (ms) of a 1,000-key range sum
    through the proxy on each, and the rows of w written sorted."""
    mark, n = len(m.log()), commits * per
    cur = pg.cursor()
    for c in range(commits):
        for table in ("w", "wf"):
            cur.execute(f"INSERT INTO {table} SELECT g, g %% 97, md5(g::text) "
                        "FROM generate_series(%s, %s, %s) g", (c + 1, n, commits))
        time.sleep(0.05)
    for table in ("w", "wf"):
        amtest.wait_until(lambda: m.query(f"SELECT count(*) FROM {table}")[0][0] == n and
                          f"table=public/{table} " in m.log()[mark:], 300, f"{table} compacted")
    time.sleep(3)  # a compaction planned at the last flush commits
    sorted_rows = sum(int(dict(re.findall(r"(\w+)=(\S+)", line)).get("rows_sorted", 0))
                      for line in m.log()[mark:].splitlines()
                      if "msg=compacted" in line and "table=public/w " in line)
    lo = n // 2
    ms = {}
    for table in ("w", "wf"):
        sql = f"SELECT count(*), sum(v) FROM {table} WHERE id BETWEEN {lo} AND {lo + 999}"
        cur.execute(sql)
        want = cur.fetchone()
        got = m.query(sql)[0]
        if tuple(got) != tuple(want):
            raise RuntimeError(f"{table}: range sum {got} through the proxy, {want} in PostgreSQL")
        ms[table] = agg_ms(m, sql=sql)
    return ms["w"], ms["wf"], sorted_rows


def main():
    server = None
    if "AM_TEST_PGPORT" not in os.environ:  # make bench: a PostgreSQL of its own, as the others
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
    pg.cursor().execute(f"""CREATE TABLE t (id bigint PRIMARY KEY, v int NOT NULL, pad text);
        INSERT INTO t SELECT g, g % 1000, md5(g::text) FROM generate_series(1, {ROWS}) g;
        CREATE TABLE u (id bigint PRIMARY KEY, v int, pad text);
        CREATE TABLE w (id bigint PRIMARY KEY, v int, pad text);
        CREATE TABLE wf (id bigint NOT NULL, v int, pad text);
        ALTER TABLE wf REPLICA IDENTITY FULL""")
    m = amtest.Mirror(DB, [("public", "t"), ("public", "u"), ("public", "w"), ("public", "wf")]).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM t")[0][0] == ROWS, 300, "the copy")
        before_files, before_ms = live_files(m), agg_ms(m)
        rnd, cur, peak = random.Random(1), pg.cursor(), 0
        start = time.monotonic()
        for i in range(COMMITS):
            delay = start + i * SPACING - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            cur.execute("UPDATE t SET v = v + 1 WHERE id = %s", (rnd.randint(1, ROWS),))
            if i % 50 == 0:
                peak = max(peak, live_files(m))
        took = time.monotonic() - start
        cur.execute(AGG)
        want = cur.fetchone()
        amtest.wait_until(lambda: m.query(AGG)[0] == want, 120, "the mirror to catch up")
        time.sleep(2)  # a compaction planned at the last flush commits
        after_files, after_ms = live_files(m), agg_ms(m)
        jobs, rows, run_ms = compactions(m)
        print(f"trickle of {COMMITS} single-row commits {SPACING * 1000:.0f} ms apart on {ROWS} rows "
              f"({took:.1f} s): live files {before_files} before, {peak} at the peak, {after_files} "
              f"after; aggregate {before_ms:.1f} ms before, {after_ms:.1f} ms after "
              f"(ratio {after_ms / before_ms:.2f}); {jobs} compactions rewrote {rows} rows in "
              f"{run_ms} ms of run time ({rows / max(run_ms, 1) * 1000:.0f} rows/s)")
        result = {"rows": ROWS, "commits": COMMITS, "spacing_ms": SPACING * 1000, "trickle_seconds": round(took, 1),
                  "live_files_before": before_files, "live_files_peak": peak, "live_files_after": after_files,
                  "aggregate_ms_before": round(before_ms, 2), "aggregate_ms_after": round(after_ms, 2),
                  "aggregate_ratio": round(after_ms / before_ms, 3), "compactions": jobs,
                  "compacted_rows": rows, "compaction_run_ms": run_ms}
        if os.environ.get("LAKE_COMPACTION_ENABLED", "true").lower() in ("false", "no", "off", "0"):
            result["compaction"] = False
        else:
            rows, nbytes, run_ms = bulk_throughput(pg, m, 40, 25000)
            print(f"compaction throughput, 40 files of 25000 rows merged: {rows} rows, "
                  f"{nbytes / 1e6:.1f} MB read in {run_ms} ms ({rows / max(run_ms, 1) * 1000:.0f} rows/s, "
                  f"{nbytes / 1e3 / max(run_ms, 1):.1f} MB/s, one DuckDB thread)")
            result.update({"compaction": True, "bulk_rows": rows, "bulk_bytes": nbytes, "bulk_run_ms": run_ms})
            key_ms, nokey_ms, sorted_rows = range_pruning(pg, m, 40, 25000)
            print(f"range pruning, 1,000,000 rows in 40 commits spanning the key range, merged: a 1,000-key "
                  f"range sum takes {key_ms:.2f} ms with a primary key ({sorted_rows} rows written sorted by "
                  f"it), {nokey_ms:.2f} ms without one (input order); ratio {key_ms / nokey_ms:.3f}")
            result.update({"range_ms": round(key_ms, 3), "range_unsorted_ms": round(nokey_ms, 3),
                           "range_ratio": round(key_ms / nokey_ms, 3), "range_sorted_rows": sorted_rows})
        if "BENCH_COMMAND" in os.environ:  # make bench
            import benchlib
            benchlib.write_result("compaction" if result["compaction"] else "compaction_off", result)
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)


if __name__ == "__main__":
    main()
