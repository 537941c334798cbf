#!/usr/bin/python3
"""bench/freshness.py: commit-to-visible delay under pgbench load, p50/p95/p99.

pgbench's TPC-B-like script (scale BENCH_PGBENCH_SCALE, default 10; 4 clients) runs for
BENCH_FRESH_SECONDS (30) at each rate of BENCH_FRESH_RATES (500, 1000, 2000 tps, then "max":
unthrottled, the machine's maximum) while Arctic Mirror mirrors its four tables. Two readings
per rate: the mirror's own histogram arctic_mirror_freshness_seconds (source commit timestamp
to the watermark that makes it visible), from /metrics scraped before and after; and an
external probe that commits a timestamped row about five times a second and polls the proxy
every 5 ms until it sees it (the clock starts when COMMIT returns). The reference beside it is
the same probe against PostgreSQL itself: the floor the polling adds. Targets at 2,000 tps:
p50 <= 250 ms, p99 <= 1 s. Also the catch-up: from pgbench's end to a row committed then
being visible."""
import itertools
import os
import re
import subprocess
import threading
import time

import benchlib as bl
from benchlib import amtest

SCALE = bl.env_int("BENCH_PGBENCH_SCALE", 10)
SECONDS = bl.env_int("BENCH_FRESH_SECONDS", 30)
RATES = os.environ.get("BENCH_FRESH_RATES", "500,1000,2000,max").split(",")
CLIENTS = bl.env_int("BENCH_PGBENCH_CLIENTS", 4)
DB = "bench_fresh"
HIST = "arctic_mirror_freshness_seconds"


class Probe(threading.Thread):
    """Commits probe rows and times each until the reader (the proxy or PostgreSQL) sees it."""

    ids = itertools.count(1)
    ids_lock = threading.Lock()

    def __init__(self, connect_reader):
        super().__init__(daemon=True)
        self.connect_reader = connect_reader
        self.delays = []
        self.stop = threading.Event()
        self.error = None

    def one(self, writer, reader):
        with Probe.ids_lock:
            i = next(Probe.ids)
        writer.cursor().execute("INSERT INTO probe VALUES (%s, clock_timestamp())", (i,))
        t0 = time.monotonic()
        cur = reader.cursor()
        deadline = t0 + 120
        while time.monotonic() < deadline:
            cur.execute("SELECT count(*) FROM probe WHERE id = %s", (i,))
            if cur.fetchone()[0] == 1:
                return time.monotonic() - t0
            time.sleep(0.005)
        raise TimeoutError(f"probe row {i} not visible after 120 s")

    def run(self):
        try:
            writer = amtest.pg_connect(DB)
            reader = self.connect_reader()
            while not self.stop.is_set():
                d = self.one(writer, reader)
                self.delays.append(d)
                time.sleep(max(0.0, 0.2 - d))
            writer.close()
            reader.close()
        except Exception as e:  # reported by the main thread
            self.error = e


def pgbench(server, rate):
    cmd = ["pgbench", "-n", "-c", str(CLIENTS), "-j", "2", "-T", str(SECONDS), DB]
    if rate != "max":
        cmd[1:1] = ["-R", rate]
    out = subprocess.run(cmd, env=server.env(), capture_output=True, text=True, check=True).stdout
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    return float(m.group(1)) if m else None


def summary(delays):
    return {q: bl.percentile(delays, p) for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}


def run_rate(server, m, rate):
    before = bl.histogram(bl.metrics(m), HIST)
    probe = Probe(m.connect)
    floor = Probe(lambda: amtest.pg_connect(DB))
    probe.start()
    floor.start()
    tps = pgbench(server, rate)
    probe.stop.set()
    floor.stop.set()
    probe.join()
    floor.join()
    if probe.error or floor.error:
        raise probe.error or floor.error
    catch = Probe(m.connect)
    pg, reader = amtest.pg_connect(DB), m.connect()
    catch_s = catch.one(pg, reader)  # a row committed once pgbench ended
    pg.close()
    reader.close()
    after = bl.histogram(bl.metrics(m), HIST)
    hist = {q: bl.histogram_quantile(before, after, p) for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}
    hist["count"] = (after[-1][1] - dict(before or []).get(float("inf"), 0)) if after else None
    return {"rate": rate, "tps": tps, "probe": dict(summary(probe.delays), n=len(probe.delays)),
            "postgres_probe": dict(summary(floor.delays), n=len(floor.delays)), "histogram": hist,
            "after_end_seconds": catch_s}


def main():
    server = bl.Server()
    try:
        amtest.create_db(DB)
        subprocess.run(["pgbench", "-i", "-q", "-s", str(SCALE), DB], env=server.env(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pg = amtest.pg_connect(DB)
        pg.cursor().execute("CREATE TABLE probe (id bigint PRIMARY KEY, ts timestamptz NOT NULL)")
        pg.close()
        tables = [("public", "pgbench_accounts"), ("public", "pgbench_branches"), ("public", "pgbench_tellers"),
                  {"schema": "public", "name": "pgbench_history", "insert_only": "true"}, ("public", "probe")]
        m = amtest.Mirror(DB, tables).start()
        runs = []
        try:
            bl.mirror_ready(m, "SELECT count(*) FROM pgbench_accounts", SCALE * 100_000)
            for rate in RATES:
                runs.append(run_rate(server, m, rate))
        finally:
            m.stop()
        rows = []
        for r in runs:
            for src, d in (("histogram", r["histogram"]), ("probe", r["probe"]), ("PostgreSQL probe", r["postgres_probe"])):
                rows.append([r["rate"], r["tps"], src, ms(d["p50"]), ms(d["p95"]), ms(d["p99"]),
                             d.get("n", d.get("count"))])
        bl.print_table(f"freshness under pgbench (TPC-B-like, scale {SCALE}, {CLIENTS} clients, {SECONDS} s per rate), "
                       "ms (target at 2,000 tps: p50 <= 250, p99 <= 1,000)",
                       ["rate", "tps", "reading", "p50", "p95", "p99", "samples"], rows)
        for r in runs:
            print(f"  rate {r['rate']}: a row committed after pgbench ended was visible in "
                  f"{r['after_end_seconds'] * 1000:.0f} ms")
        bl.write_result("freshness", {"scale": SCALE, "clients": CLIENTS, "seconds_per_rate": SECONDS, "runs": runs,
                                      "targets": {"rate": 2000, "p50_seconds": 0.25, "p99_seconds": 1.0}}, server)
    finally:
        server.stop()


def ms(v):
    return None if v is None else v * 1000.0


if __name__ == "__main__":
    main()
