#!/usr/bin/python3
"""End to end, issue 11: one big transaction within mirror.max_memory. A table copied empty,
then one transaction inserts AM_BIGTXN_ROWS rows (1,000,000; under the sanitizers 300,000 with
max_memory 16MB) and a second updates them all, with max_memory 64MB and compaction off (its own
budget comes on top). The update's deleted
positions pass the batch's in-memory share (a sixteenth of the budget at 8 bytes each: 512 k
rows at 64MB, 128 k at 16MB), so they go to sorted runs on disk and the delete file is merged from
them (lake/dels.c).

Checked: each transaction's rows equal PostgreSQL's through the proxy (count, distinct keys,
sums), and, outside the sanitizers (whose shadow memory would be measured), the writer's peak
RSS (VmHWM, reset right before the transaction) stays within the budget of its idle RSS before
the transaction (the fixed overhead: measured after a small warm-up of every path, so that the
code the first big transaction maps is not counted as its own) plus, for the INSERT, what the
identity index grew by:
the index is the table's, 21 bytes a row whichever way the rows came. The figures are printed
as "measure:" lines. No timing is asserted."""
import os
import re
import time

import amtest

R = amtest.Results("test_bigtxn")
DB = "e2e_bigtxn"
SANITIZED = os.environ.get("AM_VARIANT", "plain") in ("asan", "tsan")
ROWS = int(os.environ.get("AM_BIGTXN_ROWS", "300000" if SANITIZED else "1000000"))
BUDGET_MB = 16 if SANITIZED else 64  # either way the update's deletes pass their share


def index_bytes(m):
    found = re.findall(r'msg="identity index checkpointed" table=public.big .* bytes=(\d+)', m.log())
    return int(found[-1]) if found else 0


def one(m, pg, what, sql):
    pid = amtest.children(m)["writer"]
    time.sleep(2)  # idle: the baseline is what the mirror holds with nothing to do
    base = amtest.status_kb(pid, "VmRSS")
    index_before = index_bytes(m)
    amtest.reset_peak(pid)
    cur = pg.cursor()
    cur.execute(sql)
    cur.execute("SELECT pg_current_wal_lsn() - '0/0'")
    end = int(cur.fetchone()[0])
    amtest.wait_until(lambda: amtest.watermark_lsn(m) >= end, 900, f"{what}: applied", interval=0.2)
    peak = amtest.status_kb(pid, "VmHWM")
    grown = amtest.wait_until(lambda: index_bytes(m) if index_bytes(m) != index_before or index_before else None,
                              60, "the index checkpoint after it") - index_before
    R.check(f"{what}: the writer was not restarted", amtest.children(m)["writer"] == pid)
    over = (peak - base) / 1024 - max(grown, 0) / 1048576
    print(f"measure: {what}, {ROWS:,} rows: idle RSS {base / 1024:.1f} MB, peak {peak / 1024:.1f} MB, "
          f"index grew {grown / 1048576:.1f} MB, peak - idle - index growth {over:.1f} MB "
          f"(max_memory {BUDGET_MB}MB)", flush=True)
    if not SANITIZED:
        R.check(f"{what}: peak RSS within max_memory of the idle RSS (+ index growth): "
                f"{over:.1f} MB <= {BUDGET_MB} MB", over <= BUDGET_MB)


def same(m, pg, what):
    sql = "SELECT count(*), count(DISTINCT id), sum(n), sum(length(v)) FROM big"
    cur = pg.cursor()
    cur.execute(sql)
    want = [tuple(int(x) for x in cur.fetchone())]
    try:
        amtest.wait_until(lambda: [tuple(int(x) for x in r) for r in m.query(sql)] == want, 120,
                          f"{what}: equal to PostgreSQL")
        R.check(f"{what}: count, keys and sums equal PostgreSQL's {want[0]}", True)
    except TimeoutError as e:
        R.check(f"{what}: count, keys and sums equal PostgreSQL's {want[0]}", False,
                f"{e}; mirror has {m.query(sql)}")


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute("CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, n int)")
    # compaction has a max_memory of its own on top (README, limits): one that ran in the
    # measured window, whose end is read by polling, would be counted as the transaction's
    m = amtest.Mirror(DB, [("public", "big")], mirror={"max_memory": f"{BUDGET_MB}MB"}).start(
        env_extra={"LAKE_COMPACTION_ENABLED": "false"})
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM big")[0][0] == 0, 120, "the initial copy")
        amtest.bigtxn_warm_up(m, pg)
        one(m, pg, "INSERT in one transaction",
            f"INSERT INTO big SELECT g, md5(g::text), g % 1000 FROM generate_series(1, {ROWS}) g")
        same(m, pg, "after the INSERT")
        one(m, pg, "UPDATE of every row in one transaction", "UPDATE big SET n = n + 1")
        same(m, pg, "after the UPDATE")
        R.check("the write path never failed", "write path failed" not in m.log())
    except Exception as e:
        R.check("no exception", False, repr(e))
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)
    R.finish()


if __name__ == "__main__":
    main()
