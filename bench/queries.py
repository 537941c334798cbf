#!/usr/bin/python3
"""bench/queries.py: analytical queries through the proxy, against PostgreSQL and against
embedded DuckDB on the same Parquet files; then a large result fetched by psql.

Tables (BENCH_QUERY_ROWS, default BENCH_ROWS = 10 M lineitem rows): lineitem (N), orders
(N / 4), users (N / 40), TPC-H-like in shape. Queries: the README's aggregate and join, an
aggregate over that join, and TPC-H-like Q1, Q3, Q6 (dates through make_date()). Engines:
PostgreSQL (psycopg2, parallel workers as configured), the proxy (psycopg2 over the wire
protocol), embedded DuckDB (bench/duckq.c over views of the lake's data files, one process
that runs a query whenever asked). Ratios: PostgreSQL's time / the proxy's (target >= 10 for
Q1) and the proxy's / DuckDB's (target <= 1.1). Then psql fetches BENCH_FETCH_ROWS (1 M) rows
of lineitem, unaligned, to /dev/null, through the proxy and from PostgreSQL, in turns.

This machine's speed drifts by a third within minutes (other tenants), so the proxy and DuckDB
take turns run by run: after a warm-up each, a DuckDB run then a proxy run, at least
BENCH_QUERY_REPEAT (3) pairs and more while each side's runs add up to under
BENCH_QUERY_SECONDS (2; at most benchlib.SHORT_RUNS pairs). PostgreSQL's runs come before
(best_of_adaptive). All of it BENCH_QUERY_ROUNDS (3) times. Each engine's figure is its best run
of all rounds; the JSON also keeps every run and the median of the pairs' proxy / DuckDB
ratios, which a slow moment cannot tilt."""
import glob
import os
import statistics
import subprocess

import psycopg2

import benchlib as bl
from benchlib import amtest

ROWS = bl.env_int("BENCH_QUERY_ROWS", bl.rows_default(10_000_000))
REPEAT = bl.env_int("BENCH_QUERY_REPEAT", 3)
ROUNDS = bl.env_int("BENCH_QUERY_ROUNDS", 3)
BUDGET = float(os.environ.get("BENCH_QUERY_SECONDS", 2.0))
FETCH = min(ROWS, bl.env_int("BENCH_FETCH_ROWS", 1_000_000))
DB = "bench_query"

QUERIES = [
    ("doc_aggregate", "SELECT status, COUNT(*), AVG(total_amount) FROM orders GROUP BY status"),
    ("doc_join", "SELECT u.username, o.total_amount, o.status FROM users u JOIN orders o ON u.id = o.user_id LIMIT 5"),
    ("join_aggregate", "SELECT u.segment, count(*), sum(o.total_amount) FROM users u JOIN orders o ON u.id = o.user_id "
                       "GROUP BY u.segment ORDER BY u.segment"),
    ("q1", """SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price,
                     sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
                     sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
                     avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc,
                     count(*) AS count_order
              FROM lineitem WHERE l_shipdate <= make_date(1998, 9, 2)
              GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus"""),
    ("q3", """SELECT l.l_orderkey, sum(l.l_extendedprice * (1 - l.l_discount)) AS revenue, o.order_date, o.shippriority
              FROM users u JOIN orders o ON u.id = o.user_id JOIN lineitem l ON l.l_orderkey = o.id
              WHERE u.segment = 'BUILDING' AND o.order_date < make_date(1995, 3, 15) AND l.l_shipdate > make_date(1995, 3, 15)
              GROUP BY l.l_orderkey, o.order_date, o.shippriority ORDER BY revenue DESC, o.order_date LIMIT 10"""),
    ("q6", """SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem
              WHERE l_shipdate >= make_date(1994, 1, 1) AND l_shipdate < make_date(1995, 1, 1)
                AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24"""),
]


def setup():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    cur = pg.cursor()
    users, orders = max(1, ROWS // 40), max(1, ROWS // 4)
    cur.execute(f"""
        CREATE TABLE users (id bigint PRIMARY KEY, username text NOT NULL, segment text NOT NULL);
        INSERT INTO users SELECT g, 'user' || g,
               (ARRAY['AUTOMOBILE','BUILDING','FURNITURE','HOUSEHOLD','MACHINERY'])[g % 5 + 1]
        FROM generate_series(1, {users}) g;
        CREATE TABLE orders (id bigint NOT NULL, user_id bigint NOT NULL, status text NOT NULL,
                             total_amount numeric(12,2) NOT NULL, order_date date NOT NULL, shippriority integer);
        INSERT INTO orders SELECT g, (g * 31) % {users} + 1,
               (ARRAY['pending','shipped','delivered','cancelled'])[g % 4 + 1],
               ((g * 7919) % 50000000) / 100.0, date '1992-01-01' + ((g * 17) % 2406)::int, g % 5
        FROM generate_series(1::bigint, {orders}) g;
        ALTER TABLE orders ADD PRIMARY KEY (id);
        CREATE TABLE lineitem (l_orderkey bigint NOT NULL, l_linenumber integer NOT NULL,
                               l_quantity numeric(12,2) NOT NULL, l_extendedprice numeric(12,2) NOT NULL,
                               l_discount numeric(12,2) NOT NULL, l_tax numeric(12,2) NOT NULL,
                               l_returnflag text NOT NULL, l_linestatus text NOT NULL, l_shipdate date NOT NULL)""")
    step = 1_000_000
    for lo in range(1, ROWS + 1, step):
        hi = min(ROWS, lo + step - 1)
        cur.execute(f"""INSERT INTO lineitem SELECT (g - 1) / 4 + 1, (g - 1) % 4 + 1, (g * 7) % 50 + 1,
                               ((g * 7919) % 100000) / 100.0 + 900, ((g * 13) % 11) / 100.0, ((g * 17) % 9) / 100.0,
                               substr('ANR', (g % 3)::int + 1, 1), substr('FO', (g % 2)::int + 1, 1),
                               date '1992-01-01' + ((g * 31) % 2526)::int
                        FROM generate_series({lo}::bigint, {hi}) g""")
    cur.execute("ALTER TABLE lineitem ADD PRIMARY KEY (l_orderkey, l_linenumber)")
    cur.execute("VACUUM ANALYZE")
    pg.close()


def time_conn(conn, sql):
    def once():
        cur = conn.cursor()
        cur.execute(sql)
        cur.fetchall()
    return bl.best_of_adaptive(REPEAT, once)


def duckq_path():
    exe = os.path.join(bl.ROOT, "build", "plain", "duckq")
    src = os.path.join(bl.ROOT, "bench", "duckq.c")
    duck = os.path.join(bl.ROOT, "third_party", "duckdb")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        subprocess.run(["cc", "-O2", "-std=c11", "-D_GNU_SOURCE", src, "-o", exe, "-isystem", duck + "/include",
                        "-L" + duck + "/lib", "-Wl,-rpath," + duck + "/lib", "-lduckdb"], check=True)
    return exe


class Embedded:
    """bench/duckq.c over views of the lake's data files, running QUERIES[i] when asked."""

    def __init__(self, m):
        views = []
        for t in ("users", "orders", "lineitem"):
            files = sorted(glob.glob(os.path.join(m.warehouse, "public", t, "data", "*.parquet")))
            views.append(f"CREATE VIEW {t} AS SELECT * FROM read_parquet([{', '.join(repr(f) for f in files)}]);")
        views.append("SET parquet_metadata_cache = true;")
        self.proc = subprocess.Popen([duckq_path(), " ".join(views)] + [q for _, q in QUERIES],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, i):
        self.proc.stdin.write(f"{i}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"duckq failed on {QUERIES[i][0]} (exit status {self.proc.wait()})")
        return float(line)

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise RuntimeError(f"duckq exited with status {self.proc.returncode}")


def pairs(duck, i, proxy, sql, r):
    """DuckDB and the proxy in turns, one run each, into r's lists; raises the proxy's error."""
    def on_proxy():
        cur = proxy.cursor()
        cur.execute(sql)
        cur.fetchall()
    first = max(duck.run(i), bl.timed(on_proxy))  # warm-up
    for _ in range(max(REPEAT, min(bl.SHORT_RUNS, int(BUDGET / max(first, 1e-6))))):
        r["duckdb"].append(duck.run(i))
        r["proxy"].append(bl.timed(on_proxy))


def summary(name, r):
    """One query's figures: each engine's best run, and the median of the pairs' ratios."""
    pg_s, duck_s = min(r["postgres"]), min(r["duckdb"])
    proxy_s = min(r["proxy"]) if r["proxy"] and not r["error"] else None
    per_pair = [p / d for p, d in zip(r["proxy"], r["duckdb"])] if proxy_s else []
    return {"query": name, "postgres_seconds": pg_s, "proxy_seconds": proxy_s, "duckdb_seconds": duck_s,
            "speedup_vs_postgres": bl.ratio(pg_s, proxy_s), "proxy_over_duckdb": bl.ratio(proxy_s, duck_s),
            "proxy_over_duckdb_median": statistics.median(per_pair) if per_pair else None,
            "runs": {k: r[k] for k in ("postgres", "proxy", "duckdb")}, "proxy_error": r["error"]}


def fetch(server, m):
    sql = f"SELECT * FROM lineitem LIMIT {FETCH}"
    pg_s, proxy_s = [], []
    for _ in range(REPEAT):  # in turns, as the queries
        pg_s.append(bl.timed(lambda: bl.psql(server, DB, sql)))
        proxy_s.append(bl.timed(lambda: bl.psql(server, DB, sql, port=m.proxy_port)))
    return min(pg_s), min(proxy_s)


def main():
    server = bl.Server()
    try:
        setup()
        m = amtest.Mirror(DB, [("public", "users"), ("public", "orders"), ("public", "lineitem")]).start()
        try:
            bl.mirror_ready(m, "SELECT count(*) FROM lineitem", ROWS)
            pg, proxy = amtest.pg_connect(DB), m.connect()
            runs = {name: {"postgres": [], "proxy": [], "duckdb": [], "error": None} for name, _ in QUERIES}
            duck = Embedded(m)
            for _ in range(ROUNDS):
                for i, (name, sql) in enumerate(QUERIES):
                    r = runs[name]
                    r["postgres"].append(time_conn(pg, sql))
                    if not r["error"]:
                        try:
                            pairs(duck, i, proxy, sql, r)
                            continue
                        except psycopg2.Error as e:  # the proxy refused it: reported, not timed
                            r["error"] = str(e).strip().splitlines()[0]
                            print(f"  {name}: the proxy failed: {r['error']}")
                            proxy.close()
                            proxy = m.connect()
                    r["duckdb"].append(min(duck.run(i) for _ in range(REPEAT)))
            duck.close()
            results = [summary(name, runs[name]) for name, _ in QUERIES]
            pg.close()
            proxy.close()
            f_pg, f_proxy = fetch(server, m)
        finally:
            m.stop()
        bl.print_table(f"queries over {ROWS:,} lineitem rows, best run of {ROUNDS} rounds (seconds; speedup = PostgreSQL / "
                       "proxy, target >= 10 for q1; overhead = proxy / embedded DuckDB, target <= 1.1; median = of "
                       "the ratios of runs made in turns)",
                       ["query", "PostgreSQL", "proxy", "DuckDB", "speedup", "overhead", "median"],
                       [[r["query"], r["postgres_seconds"], r["proxy_seconds"], r["duckdb_seconds"],
                         r["speedup_vs_postgres"], r["proxy_over_duckdb"], r["proxy_over_duckdb_median"]]
                        for r in results])
        bl.print_table(f"psql fetching {FETCH:,} rows (unaligned, to /dev/null), best of {REPEAT}",
                       ["from", "seconds", "rows/s", "ratio"],
                       [["PostgreSQL", f_pg, FETCH / f_pg, 1.0], ["proxy", f_proxy, FETCH / f_proxy, f_proxy / f_pg]])
        bl.write_result("queries", {"rows": ROWS, "repeat": REPEAT, "rounds": ROUNDS, "seconds_per_side": BUDGET,
                                    "queries": results,
                                    "sql": dict(QUERIES), "targets": {"q1_speedup_vs_postgres": 10,
                                                                      "proxy_over_duckdb": 1.1}}, server)
        bl.write_result("fetch", {"rows": FETCH, "postgres_seconds": f_pg, "proxy_seconds": f_proxy,
                                  "proxy_over_postgres": f_proxy / f_pg}, server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
