#!/usr/bin/python3
"""End to end: compaction keeps a table that takes a trickle of single-row commits small and
exact. A 100,000-row table gets 1,000 single-row UPDATE commits 25 ms apart (800 under the
sanitizers; AM_COMPACT_TRICKLE sets it, and `make bench BENCH=compaction` runs a longer one);
afterwards its
current snapshot has at most 40 live data + delete files, equals PostgreSQL's exactly, and reads
right through icebird (an independent Iceberg reader); the full-table aggregate's time through
the proxy before and after is printed (not asserted). Then the writer process is killed
(SIGKILL, by its own AM_FAULT hook; the supervisor logs its death) at each named point inside a
compaction: after the new files are written, after the replace commit, before the index update;
each restart ends exact, and what the crash left in the table's directory is swept."""
import glob
import json
import os
import random
import re
import statistics
import subprocess
import time
import warnings

import amtest

R = amtest.Results("test_compaction")
DB = "e2e_compact"
ROWS = 100_000
# make test runs this once, in the plain build; a sanitized run checks the same properties on a
# shorter trickle.
TRICKLE = int(os.environ.get("AM_COMPACT_TRICKLE",
                             "800" if os.environ.get("AM_VARIANT", "plain") in ("asan", "tsan") else "1000"))
SPACING_S = 0.025
MAX_LIVE_FILES = 40
AGG = "SELECT count(*), sum(v), sum(id), min(pad), max(pad) FROM t"
FAULTS = ("compact-files-written", "compact-committed", "compact-before-index")

# Compaction at its defaults; removed files and crash leftovers swept within seconds here.
RETENTION_MS = 1000
EXTRA_YAML = f"""lake:
  file_retention_ms: {RETENTION_MS}
  orphan_check_ms: 500
"""


def pg_all(pg):
    cur = pg.cursor()
    cur.execute("SELECT id, v, pad FROM t ORDER BY id")
    return cur.fetchall()


def mirror_all(m):
    return m.query("SELECT id, v, pad FROM t ORDER BY id")


def wait_exact(pg, m, timeout, what):
    want = pg_all(pg)
    try:
        amtest.wait_until(lambda: mirror_all(m) == want, timeout, what, interval=0.2)
        return R.check(what, True)
    except TimeoutError as e:
        got = []
        try:
            got = mirror_all(m)
        except Exception as ex:  # what the proxy said
            got = [str(ex)]
        return R.check(what, False, f"{e}: {len(got)} rows vs {len(want)}")


def table_dir(m):
    return os.path.join(m.warehouse, "public", "t")


def current_metadata(m):
    """The newest vN.metadata.json of the table (what the next commit builds on)."""
    meta = os.path.join(table_dir(m), "metadata")
    versions = [int(re.match(r"v(\d+)\.metadata\.json$", f).group(1))
                for f in os.listdir(meta) if re.match(r"v\d+\.metadata\.json$", f)]
    with open(os.path.join(meta, f"v{max(versions)}.metadata.json")) as f:
        return json.load(f)


def live_files():
    """Live data + delete files of the current snapshot, from its summary."""
    doc = current_metadata(M)
    snap = next(s for s in doc["snapshots"] if s["snapshot-id"] == doc["current-snapshot-id"])
    return int(snap["summary"]["total-data-files"]) + int(snap["summary"]["total-delete-files"])


def avro_records(uri):
    import avro.datafile
    import avro.io
    warnings.filterwarnings("ignore")  # python3-avro does not know Iceberg's int-keyed maps
    with open(uri[len("file://"):], "rb") as fh:
        reader = avro.datafile.DataFileReader(fh, avro.io.DatumReader())
        recs = list(reader)
        reader.close()
    return recs


def referenced(m):
    """Every file some snapshot of the metadata reaches: lists, manifests, live files."""
    out = set()
    for snap in current_metadata(m)["snapshots"]:
        out.add(snap["manifest-list"])
        for mf in avro_records(snap["manifest-list"]):
            out.add(mf["manifest_path"])
            for e in avro_records(mf["manifest_path"]):
                if e["status"] != 2:
                    out.add(e["data_file"]["file_path"])
    return out


def leftovers(m):
    """Parquet and Avro files in the table's directories that no snapshot reaches and that are
    older than the table's newest commit by the retention: what the sweep must have removed.
    (Younger ones stay on purpose: on an idle table, the files the last commit expired wait
    for a later commit, as the sweep cannot tell them from the files of a commit in flight.)"""
    doc = current_metadata(m)
    cutoff_s = (doc["last-updated-ms"] - RETENTION_MS) / 1000
    reached = referenced(m)
    files = glob.glob(os.path.join(table_dir(m), "data", "*.parquet")) + \
        glob.glob(os.path.join(table_dir(m), "metadata", "*.avro"))
    return [f for f in files if "file://" + f not in reached and os.path.getmtime(f) < cutoff_s]


def agg_ms(m, runs=15):
    c = m.connect()
    try:
        cur = c.cursor()
        cur.execute(AGG)  # warm: views planned, footers cached
        cur.fetchall()
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            cur.execute(AGG)
            cur.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)
    finally:
        c.close()


def trickle(pg, n, spacing, seed):
    """n single-row UPDATE commits, one every spacing seconds; returns the peak live files."""
    rnd = random.Random(seed)
    cur = pg.cursor()
    start = time.monotonic()
    peak = 0
    for i in range(n):
        delay = start + i * spacing - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        cur.execute("UPDATE t SET v = v + 1, pad = md5(random()::text) WHERE id = %s",
                    (rnd.randint(1, ROWS),))
        if i % 100 == 0:
            peak = max(peak, live_files())
    return peak


def compaction_stats(m):
    rows = ms = jobs = 0
    for line in m.log().splitlines():
        if 'msg=compacted' not in line:
            continue
        f = dict(re.findall(r"(\w+)=(\S+)", line))
        jobs += 1
        rows += int(f.get("rows", 0))
        ms += int(f.get("run_ms", 0))
    return jobs, rows, ms


def check_metrics(m):
    """/metrics counts what the log's compactions did (read until a compaction committing
    meanwhile has been both logged and counted); the trickle updates random rows, so the merged
    files were written sorted by key."""
    for _ in range(20):
        _, text = m.http("/metrics")
        got = {k: float(v) for k, v in re.findall(r"^(arctic_mirror_compact\w+) (\S+)$", text, re.M)}
        jobs, rows, _ = compaction_stats(m)
        if got.get("arctic_mirror_compactions_total") == jobs:
            break
        time.sleep(0.5)
    R.check("/metrics counts the compactions and their rows",
            got.get("arctic_mirror_compactions_total") == jobs and
            got.get("arctic_mirror_compacted_rows_total") == rows and
            got.get("arctic_mirror_compaction_seconds_total", 0) > 0, f"{got}; log: {jobs} jobs, {rows} rows")
    R.check("compaction wrote rows sorted by primary key",
            0 < got.get("arctic_mirror_compacted_rows_sorted_total", 0) <= rows, str(got))


def check_icebird(pg, m):
    script = os.path.join(amtest.ROOT, "tests", "lake", "icebird_read.mjs")
    out = subprocess.run(["node", script, table_dir(m)], capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, NODE_PATH=os.path.join(amtest.ROOT, "third_party", "node",
                                                                     "node_modules")))
    if not R.check("icebird reads the compacted table", out.returncode == 0, out.stderr[-2000:]):
        return
    rows = json.loads(out.stdout)["data"]
    got = sorted((int(r["id"]), int(r["v"]), r["pad"]) for r in rows)
    want = [(int(a), int(b), c) for a, b, c in pg_all(pg)]
    R.check("icebird reads exactly PostgreSQL's rows", got == want,
            f"{len(got)} rows vs {len(want)}")


def kill_at(pg, m, point, seed):
    """Restarts with AM_FAULT=point, commits until a compaction reaches it and the writer
    process kills itself there (the supervisor logs its death); then restarts without it."""
    m.stop()
    mark = len(m.log())
    m.start({"AM_FAULT": point})
    amtest.wait_until(lambda: m.http("/health")[0] == 200, 60, "the mirror back up")
    rnd = random.Random(seed)
    cur = pg.cursor()
    deadline = time.monotonic() + 120
    while not amtest.writer_killed(m, mark) and time.monotonic() < deadline:
        cur.execute("UPDATE t SET v = v - 1 WHERE id = %s", (rnd.randint(1, ROWS),))
        time.sleep(0.03)
    R.check(f"{point}: the writer died there (SIGKILL)", amtest.writer_killed(m, mark),
            "no death of the writer logged")
    R.check(f"{point}: the log names the point", f'point={point}' in m.log()[mark:])
    m.stop()
    mark = len(m.log())
    m.start()
    for _ in range(20):  # changes after the crash, on the compacted files or the old ones
        cur.execute("UPDATE t SET v = v + 7 WHERE id = %s", (rnd.randint(1, ROWS),))
    cur.execute("DELETE FROM t WHERE id = %s", (rnd.randint(1, ROWS),))
    cur.execute("INSERT INTO t SELECT max(id) + 1, 0, 'after ' || %s FROM t", (point,))
    wait_exact(pg, m, 120, f"{point}: after the restart the table equals PostgreSQL's")
    if point == "compact-files-written":  # the new files no snapshot names: swept once old
        try:
            amtest.wait_until(lambda: 'msg="removed orphan files"' in m.log()[mark:], 60,
                              "the sweep")
            R.check(f"{point}: the files it wrote are swept as orphans", True)
        except TimeoutError as e:
            R.check(f"{point}: the files it wrote are swept as orphans", False, str(e))


M = None


def main():
    global M
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute(f"""CREATE TABLE t (id bigint PRIMARY KEY, v int NOT NULL, pad text);
        INSERT INTO t SELECT g, g % 1000, md5(g::text) FROM generate_series(1, {ROWS}) g""")
    m = M = amtest.Mirror(DB, [("public", "t")], extra=EXTRA_YAML).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM t")[0][0] == ROWS, 180,
                          "the initial copy of 100,000 rows")
        wait_exact(pg, m, 60, "initial copy equals PostgreSQL's")
        before_files = live_files()
        before_ms = agg_ms(m)

        t0 = time.monotonic()
        peak = trickle(pg, TRICKLE, SPACING_S, 1)
        trickle_s = time.monotonic() - t0
        wait_exact(pg, m, 120, f"after {TRICKLE:,} single-row commits the table equals PostgreSQL's")
        try:
            amtest.wait_until(lambda: live_files() <= MAX_LIVE_FILES, 60,
                              f"at most {MAX_LIVE_FILES} live files")
        except TimeoutError:
            pass
        after_files = live_files()
        R.check(f"after the trickle the current snapshot has at most {MAX_LIVE_FILES} live data + "
                f"delete files", after_files <= MAX_LIVE_FILES, f"{after_files} files")
        after_ms = agg_ms(m)
        jobs, rows, run_ms = compaction_stats(m)
        print(f"figures: live files {before_files} before, peak {peak} during, {after_files} after "
              f"{TRICKLE} commits in {trickle_s:.1f}s; aggregate {before_ms:.1f} ms before, "
              f"{after_ms:.1f} ms after (ratio {after_ms / before_ms:.2f}); {jobs} compactions "
              f"rewrote {rows} rows in {run_ms} ms ({rows / max(run_ms, 1) * 1000:.0f} rows/s)",
              flush=True)
        cur = pg.cursor()
        cur.execute(AGG)
        R.check("the aggregate through the proxy equals PostgreSQL's", m.query(AGG)[0] == cur.fetchone())
        R.check("compaction committed replace snapshots", jobs > 0 and any(
            s["summary"]["operation"] == "replace" for s in current_metadata(m)["snapshots"]))
        check_metrics(m)

        for i, point in enumerate(FAULTS):
            kill_at(pg, m, point, 10 + i)
        try:
            amtest.wait_until(lambda: not leftovers(m), 60, "crash leftovers swept")
            R.check("no file of a crashed compaction or commit is left behind", True)
        except TimeoutError:
            R.check("no file of a crashed compaction or commit is left behind", False,
                    str(leftovers(m)[:5]))
        m.stop()
        check_icebird(pg, m)
    except Exception as e:
        R.check("end-to-end run", False, f"{type(e).__name__}: {e}\n--- mirror log (tail) ---\n{m.log()[-4000:]}")
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)
    if R.failed:
        print(m.log()[-6000:])
    R.finish()


if __name__ == "__main__":
    main()
