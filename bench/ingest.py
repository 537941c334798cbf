#!/usr/bin/python3
"""bench/ingest.py: streaming ingest as a ratio of pg_recvlogical on the same publication.

BENCH_INGEST_ROWS (default 1 M) rows inserted in transactions of BENCH_INGEST_TXN_ROWS (1,000)
while nothing consumes the slot; then pg_recvlogical decodes that backlog with pgoutput to
/dev/null (timed to --endpos), and Arctic Mirror applies it, timed from its slot turning
active to the last transaction's row being visible through the proxy. Ratio: our rows/s /
pg_recvlogical's (target >= 0.9). Beside it: pg_recvlogical with the options the mirror asks
for (binary tuples, protocol 3, streaming), which is as fast as the walsender can feed the mirror,
and the walsender's CPU while it fed the mirror."""
import benchlib as bl
from benchlib import amtest

ROWS = bl.env_int("BENCH_INGEST_ROWS", bl.rows_default(10_000_000) // 10)
TXN = bl.env_int("BENCH_INGEST_TXN_ROWS", 1000)
DB = "bench_ingest"


def load():
    pg = amtest.pg_connect(DB)
    cur = pg.cursor()
    for lo in range(1, ROWS + 1, TXN):
        hi = min(ROWS, lo + TXN - 1)
        cur.execute(f"""INSERT INTO t SELECT g, 'name ' || g, g % 1000, (g % 100000) / 100.0,
                               timestamptz '2024-01-01' + g * interval '1 second', g % 2 = 0, g / 7.0
                        FROM generate_series({lo}, {hi}) g""")
    cur.execute("INSERT INTO t (id, name) VALUES (-1, 'sentinel')")
    pg.close()


def main():
    server = bl.Server()
    try:
        amtest.create_db(DB)
        pg = amtest.pg_connect(DB)
        pg.cursor().execute("""CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, qty integer,
                               amount numeric(12,2), created_at timestamptz, flag boolean, score double precision)
                               WITH (autovacuum_enabled = false)""")
        pg.close()
        m = amtest.Mirror(DB, [("public", "t")]).start()
        bl.mirror_ready(m, "SELECT count(*) + 1 FROM t", 1)
        m.stop()
        r = bl.stream_round(server, DB, m, load, "SELECT count(*) FROM t WHERE id = -1", ROWS, "the last insert")
        bl.print_table(f"streaming ingest of {ROWS:,} inserted rows in {TXN:,}-row transactions "
                       "(ratio = our rows/s / pg_recvlogical's; target >= 0.9)",
                       ["consumer", "seconds", "rows/s", "ratio"],
                       [["pg_recvlogical (pgoutput, /dev/null)", r["pg_recvlogical_seconds"],
                         r["pg_recvlogical_rows_per_s"], 1.0],
                        ["pg_recvlogical, the mirror's options (binary, protocol 3, streaming)",
                         r["pg_recvlogical_binary_seconds"], r["pg_recvlogical_binary_rows_per_s"],
                         r["pg_recvlogical_binary_seconds"] / r["pg_recvlogical_seconds"]],
                        ["arctic-mirror (visible through the proxy)", r["mirror_seconds"], r["mirror_rows_per_s"],
                         r["ratio"]]])
        print(f"  WAL {r['wal_bytes'] / 2**20:.1f} MB; mirror CPU {r['mirror_cpu_seconds']:.1f} s, "
              f"peak RSS {r['mirror_peak_rss_bytes'] / 2**20:.0f} MB, start {r['mirror_start_seconds']:.2f} s")
        bl.print_feed(r)
        bl.write_result("ingest", {"transaction_rows": TXN, "insert": r, "targets": {"ratio": 0.9}}, server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
