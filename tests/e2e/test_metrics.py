#!/usr/bin/python3
"""End to end: freshness, lag and the proxy's figures in /metrics, and `arctic-mirror status`.
The metrics exist, promtool accepts them, and they move as the mirror works: the freshness
histogram counts transactions once they are visible, flush and commit histograms count
flushes, lag is 0 once the mirror is idle even while only an unpublished table is written,
retained WAL is reported, proxy connections and queries by outcome follow the clients. No
timing is asserted: only counts, presence and zero."""
import re
import subprocess

import amtest

R = amtest.Results("test_metrics")
DB = "e2e_metrics"


def scrape(m):
    status, body = m.http("/metrics")
    assert status == 200, body[:300]
    values = {}
    for line in body.splitlines():
        mt = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$", line)
        if mt and not line.startswith("#"):
            values[mt.group(1) + (mt.group(2) or "")] = float(mt.group(3))
    return body, values


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute("""CREATE TABLE t (id bigint PRIMARY KEY, v text);
                           CREATE TABLE unpublished (id bigserial PRIMARY KEY, v text);
                           INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g""")
    m = amtest.Mirror(DB, [("public", "t")]).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM t")[0][0] == 100, 120, "the initial copy")
        for i in range(101, 111):
            pg.cursor().execute("INSERT INTO t VALUES (%s, 'x')", (i,))
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM t")[0][0] == 110, 60, "ten inserts visible")
        body, v = amtest.wait_until(lambda: (lambda b, vals: (b, vals) if vals.get(
            "arctic_mirror_freshness_seconds_count", 0) >= 10 else None)(*scrape(m)), 60,
            "ten transactions counted in the freshness histogram")
        prom = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, text=True)
        R.check("promtool check metrics accepts /metrics", prom.returncode == 0, prom.stdout + prom.stderr)
        for h in ("arctic_mirror_freshness_seconds", "arctic_mirror_flush_duration_seconds",
                  "arctic_mirror_commit_duration_seconds", "arctic_mirror_proxy_query_duration_seconds"):
            R.check(f"{h} is a histogram", f"# TYPE {h} histogram" in body and f'{h}_bucket{{le="+Inf"}}' in body)
            R.check(f"{h} +Inf bucket equals its count",
                    v.get(f'{h}_bucket{{le="+Inf"}}') == v.get(f"{h}_count"), str(v.get(f"{h}_count")))
        R.check("flushes were timed", v.get("arctic_mirror_flush_duration_seconds_count", 0) >= 1)
        R.check("table commits were timed", v.get("arctic_mirror_commit_duration_seconds_count", 0) >= 1)
        R.check("per-table rows gauge", v.get('arctic_mirror_table_rows{table="public.t"}') == 110,
                str(v.get('arctic_mirror_table_rows{table="public.t"}')))
        R.check("proxy queries counted ok", v.get('arctic_mirror_proxy_queries_total{outcome="ok"}', 0) >= 2)
        R.check("proxy statements prepared counted", v.get('arctic_mirror_proxy_statements_total{plan="prepared"}', 0) >= 2)
        vals = set()

        def kept_on_repeat():
            # the same SQL twice in one session; kept only if no view refresh came between
            k0 = scrape(m)[1].get('arctic_mirror_proxy_statements_total{plan="kept"}', 0)
            c = m.connect()
            for _ in range(2):
                cur = c.cursor()
                cur.execute("SELECT id, v FROM t WHERE id = 7")
                vals.add(tuple(cur.fetchall()))
            c.close()
            return scrape(m)[1].get('arctic_mirror_proxy_statements_total{plan="kept"}', 0) == k0 + 1
        R.check("a repeated statement is kept", any(kept_on_repeat() for _ in range(5)))
        R.check("a kept statement answers as the first run", vals == {((7, "v7"),)}, str(vals))

        # only an unpublished table changes: nothing published is pending, so lag is 0
        for _ in range(20):
            pg.cursor().execute("INSERT INTO unpublished (v) SELECT repeat('u', 200) FROM generate_series(1, 500)")
        _, v = amtest.wait_until(lambda: (lambda b, vals: (b, vals) if vals.get(
            "arctic_mirror_replication_lag_bytes") == 0 and vals.get("arctic_mirror_slot_retained_wal_bytes", -1) >= 0
            else None)(*scrape(m)), 60, "lag 0 and retained WAL known while only an unpublished table is written")
        R.check("lag bytes 0 when nothing published is pending", v["arctic_mirror_replication_lag_bytes"] == 0)
        R.check("lag seconds 0 when nothing published is pending", v["arctic_mirror_replication_lag_seconds"] == 0)
        R.check("retained WAL reported", v["arctic_mirror_slot_retained_wal_bytes"] >= 0)

        c1, c2 = m.connect(), m.connect()
        _, v = scrape(m)
        R.check("proxy connections counts open sessions", v.get("arctic_mirror_proxy_connections", 0) >= 2,
                str(v.get("arctic_mirror_proxy_connections")))
        before = v.get('arctic_mirror_proxy_queries_total{outcome="error"}', 0)
        try:
            c1.cursor().execute("SELECT * FROM no_such_table")
        except Exception:
            pass
        c1.close()
        c2.close()
        _, v = scrape(m)
        R.check("a failing query counts as error",
                v.get('arctic_mirror_proxy_queries_total{outcome="error"}', 0) == before + 1)

        out = subprocess.run([amtest.BIN, "status", "--health-port", str(m.health_port)],
                             capture_output=True, text=True)
        R.check("arctic-mirror status exits 0", out.returncode == 0, out.stderr)
        R.check("status prints the table with its state and rows",
                re.search(r"public\.t\s+streaming\s+110\s", out.stdout) is not None, out.stdout)
        R.check("status prints lag and freshness", "lag " in out.stdout and "freshness p50" in out.stdout, out.stdout)
        R.check("status says whether the stream's tuples are binary or text",
                re.search(r"server WAL end \S+, (binary|text) tuples\)", out.stdout) is not None, out.stdout)
        status, body = m.http("/health/detailed")
        R.check("/health/detailed reports lag seconds", '"lag_seconds"' in body, body[:400])
    except Exception as e:
        R.check("no exception", False, repr(e))
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)
    dead = subprocess.run([amtest.BIN, "status", "--health-port", str(amtest.free_port())],
                          capture_output=True, text=True)
    R.check("status on a port where nothing answers exits 1 naming it",
            dead.returncode == 1 and "nothing answers" in dead.stderr, dead.stderr)
    R.finish()


if __name__ == "__main__":
    main()
