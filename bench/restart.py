#!/usr/bin/python3
"""bench/restart.py: how soon a mirror killed with SIGKILL serves again, by table size.

For each size in BENCH_RESTART_ROWS (5000000,10000000): a table (id bigint primary key, v text,
n int) of that many rows is copied; once its identity index is checkpointed, 10,000 rows are
updated and the mirror (supervisor, writer and server) is killed with SIGKILL. While it is down
one row is inserted and another 10,000 updated. Printed: seconds from the restart to that row
being visible through the proxy (the target is 3 s at 5 M rows), how the writer got its index
back (checkpoint caught up, or rebuilt from the lake) with its own time, and the index's bytes
per row. The reference in the same run is a full rebuild: the same restart with the index
checkpoints removed (the cost the checkpoint saves)."""
import os
import re
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import amtest  # noqa: E402

SIZES = [int(float(s)) for s in os.environ.get("BENCH_RESTART_ROWS", "5000000,10000000").split(",") if s]
DB = "bench_restart"
UPDATES = 10_000


def kill_all(m):
    pids = benchlib._descendants(m.proc.pid)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    m.proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
        time.sleep(0.05)


def wait_log(m, pattern, since, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(pattern, m.log()[since:])
        if found:
            return found
        time.sleep(0.2)
    return None


def how_loaded(log):
    caught = re.search(r'msg="identity index caught up" table=public\.big .*? ms=(\d+) bytes=(\d+) '
                       r'bytes_per_row=([\d.]+)', log)
    if caught:
        return "checkpoint caught up", int(caught.group(1)), float(caught.group(3))
    rebuilt = re.search(r'msg="identity index rebuilt" table=public\.big .*?ms=(\d+)', log)
    if rebuilt:
        return "rebuilt from the lake", int(rebuilt.group(1)), None
    return "unknown", None, None


def restart_once(server, m, pg, marker_id, drop_checkpoints):
    cur = pg.cursor()
    cur.execute("UPDATE big SET n = n + 1 WHERE id <= %s", (UPDATES,))
    benchlib.wait_visible(m, f"SELECT count(*) FROM big WHERE id <= {UPDATES} AND n = id % 1000 + 1",
                          UPDATES, 600, "the updates before the kill")
    kill_all(m)
    if drop_checkpoints:
        shutil.rmtree(os.path.join(m.warehouse, "_arctic", "index"), ignore_errors=True)
    cur.execute("INSERT INTO big VALUES (%s, 'while down', 0)", (marker_id,))
    cur.execute("UPDATE big SET n = n - 1 WHERE id <= %s", (UPDATES,))
    since = len(m.log())
    t0 = time.monotonic()
    m.start()
    t = benchlib.wait_visible(m, f"SELECT count(*) FROM big WHERE id = {marker_id}", 1, 3600,
                              "the row committed while the mirror was down", interval=0.02)
    how, ms, bpr = how_loaded(m.log()[since:])
    return t - t0, how, ms, bpr


def one_size(server, rows):
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    cur = pg.cursor()
    cur.execute("CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, n int)")
    cur.execute(f"INSERT INTO big SELECT g, md5(g::text), g % 1000 FROM generate_series(1, {rows}) g")
    cur.execute("VACUUM ANALYZE big")
    m = amtest.Mirror(DB, [("public", "big")]).start()
    try:
        benchlib.mirror_ready(m, "SELECT count(*) FROM big", rows)
        if not wait_log(m, r'msg="identity index checkpointed" table=public\.big', 0, 600):
            raise RuntimeError("the identity index was never checkpointed after the copy")
        warm, how, ms, bpr = restart_once(server, m, pg, rows + 1, False)
        cold, cold_how, cold_ms, _ = restart_once(server, m, pg, rows + 2, True)
        writer = amtest.children(m).get("writer")
        rss = amtest.rss_kb(writer) / 1024 if writer else None
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)
    return {"rows": rows, "visible_after_restart_s": round(warm, 3), "index_loaded": how,
            "index_load_ms": ms, "index_bytes_per_row": bpr, "rebuild_visible_s": round(cold, 3),
            "rebuild_how": cold_how, "rebuild_index_ms": cold_ms,
            "speedup_vs_rebuild": benchlib.ratio(cold, warm),
            "writer_rss_mb_after": round(rss, 1) if rss else None}


def main():
    server = benchlib.Server()
    results = []
    try:
        for rows in SIZES:
            r = one_size(server, rows)
            results.append(r)
            print(f"{rows:,} rows: visible {r['visible_after_restart_s']} s after the restart "
                  f"({r['index_loaded']}, {r['index_load_ms']} ms, {r['index_bytes_per_row']} bytes/row); "
                  f"without a checkpoint {r['rebuild_visible_s']} s ({r['rebuild_how']})", flush=True)
    finally:
        server.stop()
    benchlib.print_table("restart after SIGKILL", ["rows", "visible (s)", "index", "index ms", "bytes/row",
                                                   "rebuild (s)", "x faster"],
                         [[f"{r['rows']:,}", r["visible_after_restart_s"], r["index_loaded"], r["index_load_ms"],
                           r["index_bytes_per_row"], r["rebuild_visible_s"],
                           r["speedup_vs_rebuild"]] for r in results])
    benchlib.write_result("restart", {"sizes": results}, server)


if __name__ == "__main__":
    main()
