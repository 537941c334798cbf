#!/usr/bin/python3
"""End to end: a 10,000-row table is copied, then 1,000 inserts, 200 updates and 100 deletes
appear through the proxy; the mirror is killed with SIGKILL mid-load and restarted, and the
contents still match PostgreSQL's exactly. Checked with psycopg2 against both servers, psql,
icebird (an independent Iceberg reader) and python3-avro on the manifests."""
import glob
import json
import os
import random
import subprocess
import threading
import time

import amtest

R = amtest.Results("test_replication")
DB = "e2e_repl"
COLS = "id, name, qty, price, active, born, updated_at, ratio, note, blob"

SCHEMA = """
CREATE TABLE items (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    qty integer,
    price numeric(12,2),
    active boolean,
    born date,
    updated_at timestamptz,
    ratio double precision,
    note varchar(200),
    blob text
);
CREATE TABLE events (
    id bigserial PRIMARY KEY,
    item_id bigint NOT NULL,
    kind text NOT NULL
);
INSERT INTO items
SELECT g, 'item ' || g, (g % 97)::int, round((g * 1.37)::numeric, 2), g % 3 = 0,
       date '2000-01-01' + (g % 9000), timestamptz '2024-01-01 00:00:00+00' + g * interval '17 seconds',
       g / 7.0, CASE WHEN g % 10 = 0 THEN NULL ELSE 'note ' || md5(g::text) END
FROM generate_series(1, 10000) g;
-- every 50th row carries ~6 kB that PostgreSQL stores out of line (TOAST): updates that leave
-- it alone send it as "unchanged", and the mirror must take it from the row it replaces
UPDATE items SET blob = (SELECT string_agg(md5(id::text || '-' || i::text), '') FROM generate_series(1, 200) i)
WHERE id % 50 = 0;
"""


def pg_rows(pg):
    cur = pg.cursor()
    cur.execute(f"SELECT {COLS} FROM items ORDER BY id")
    return cur.fetchall()


def mirror_rows(m):
    return m.query(f"SELECT {COLS} FROM items ORDER BY id")


def first_difference(a, b):
    if len(a) != len(b):
        return f"row count {len(a)} (postgres) vs {len(b)} (mirror)"
    for x, y in zip(a, b):
        if x != y:
            return f"postgres {x!r} vs mirror {y!r}"
    return None


def wait_match(pg, m, timeout, what):
    want = pg_rows(pg)
    try:
        amtest.wait_until(lambda: mirror_rows(m) == want, timeout, what, interval=0.1)
        return R.check(what, True)
    except TimeoutError as e:
        got = []
        try:
            got = mirror_rows(m)
        except Exception as ex:  # report what the proxy said
            got = [str(ex)]
        return R.check(what, False, f"{e}: {first_difference(want, got)}")


def changes(pg):
    cur = pg.cursor()
    for i in range(10001, 11001, 50):  # 1,000 inserts in 20 transactions
        cur.execute("BEGIN")
        cur.execute("""INSERT INTO items SELECT g, 'new ' || g, g %% 5, g * 0.25, true, date '2024-02-29',
                       now(), g * 1.5, 'fresh' FROM generate_series(%s, %s) g""", (i, i + 49))
        cur.execute("COMMIT")
    for i in range(1, 201):  # 200 updates, one per transaction, some changing the key
        if i % 40 == 0:
            cur.execute("UPDATE items SET id = id + 100000, name = name || ' moved' WHERE id = %s", (i,))
        else:
            cur.execute("UPDATE items SET qty = qty + 1000, price = price * 2, note = 'updated' WHERE id = %s",
                        (i * 3 + 1000,))
    for i in range(50, 1001, 50):  # rows with TOASTed blobs, updated twice in one transaction
        cur.execute("BEGIN")
        cur.execute("UPDATE items SET qty = -1 WHERE id = %s", (i,))
        cur.execute("UPDATE items SET note = 'toast kept' WHERE id = %s", (i,))
        cur.execute("COMMIT")
    cur.execute("DELETE FROM items WHERE id > 5000 AND id <= 5100")  # 100 deletes in one


def load(pg, stop_at, seed):
    rnd = random.Random(seed)
    cur = pg.cursor()
    next_id = 200000 + seed * 100000
    n = 0
    while time.monotonic() < stop_at:
        cur.execute("BEGIN")
        cur.execute("INSERT INTO events (item_id, kind) VALUES (%s, 'load')", (n,))
        for _ in range(rnd.randint(1, 20)):
            op = rnd.random()
            if op < 0.5:
                cur.execute("INSERT INTO items (id, name, qty, price, updated_at) VALUES (%s, %s, %s, %s, now())",
                            (next_id, f"load {next_id}", n % 100, n * 0.01))
                next_id += 1
            elif op < 0.65:
                cur.execute("UPDATE items SET qty = coalesce(qty, 0) - 1 WHERE id = %s", (rnd.randrange(50, 11000, 50),))
            elif op < 0.8:
                cur.execute("UPDATE items SET qty = coalesce(qty, 0) + 1, note = %s WHERE id = %s",
                            (f"load update {n}", rnd.randint(1, 11000)))
            else:
                # rows with blobs are kept: at full speed the deletes would leave too few of them
                # for the check after the restart to mean anything (one run left 9 of 200)
                victim = rnd.randint(1, 11000)
                cur.execute("DELETE FROM items WHERE id = %s", (victim + 1 if victim % 50 == 0 else victim,))
            n += 1
        cur.execute("COMMIT")
    return n


def check_icebird(pg, m):
    table = os.path.join(m.warehouse, "public", "items")
    script = os.path.join(amtest.ROOT, "tests", "lake", "icebird_read.mjs")
    if not os.path.exists(script):
        return R.check("icebird reads the table", False, f"{script} missing")
    out = subprocess.run(["node", script, table], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, NODE_PATH=os.path.join(amtest.ROOT, "third_party", "node", "node_modules")))
    if out.returncode != 0:
        return R.check("icebird reads the table", False, out.stderr[-2000:])
    doc = json.loads(out.stdout)
    rows = doc["data"]
    R.check("icebird's row count matches its data", doc["rows"] == len(rows), str(doc["rows"]))
    cur = pg.cursor()
    cur.execute("SELECT id, name, qty FROM items ORDER BY id")
    want = [(int(a), b, c) for a, b, c in cur.fetchall()]
    got = sorted((int(r["id"]), r["name"], r["qty"]) for r in rows)
    R.check("icebird reads the same row count", len(got) == len(want), f"{len(got)} vs {len(want)}")
    R.check("icebird reads the same id, name, qty values", got == want, str(first_difference(want, got)))


def newest_metadata(m):
    meta = os.path.join(m.warehouse, "public", "items", "metadata")
    return max(int(n[1:-len(".metadata.json")]) for n in os.listdir(meta)
               if n.startswith("v") and n.endswith(".metadata.json"))


def check_old_metadata(pg, m):
    """A reader that read a metadata file 25 commits ago (Spark or DuckDB planning beside a
    writer that commits every 100 ms: 20 kept snapshots are 2 s) still reads that snapshot
    whole: expiry leaves its metadata file, manifest list, manifests and data files for the
    file retention (10 minutes by default) instead of removing them at once."""
    wait_match(pg, m, 60, "the mirror caught up before the old snapshot is read")
    v0 = newest_metadata(m)
    cur = pg.cursor()
    cur.execute("SELECT id, name, qty FROM items ORDER BY id")
    want = [(int(a), b, c) for a, b, c in cur.fetchall()]
    deadline = time.monotonic() + 120
    while newest_metadata(m) < v0 + 25 and time.monotonic() < deadline:
        cur.execute("UPDATE items SET qty = qty + 1 WHERE id = (SELECT min(id) FROM items)")
        time.sleep(0.05)
    if not R.check("25 commits after the old metadata file", newest_metadata(m) >= v0 + 25,
                   f"v{v0} -> v{newest_metadata(m)}"):
        return
    table = os.path.join(m.warehouse, "public", "items")
    script = os.path.join(amtest.ROOT, "tests", "lake", "icebird_read.mjs")
    out = subprocess.run(["node", script, table, f"v{v0}.metadata.json"], capture_output=True, text=True,
                         timeout=300)
    if not R.check("icebird reads a snapshot expired 25 commits ago", out.returncode == 0, out.stderr[-2000:]):
        return
    got = sorted((int(r["id"]), r["name"], r["qty"]) for r in json.loads(out.stdout)["data"])
    R.check("the expired snapshot reads as the source was then", got == want,
            str(first_difference(want, got)))


def check_avro(m):
    import avro.datafile
    import avro.io
    files = glob.glob(os.path.join(m.warehouse, "public", "items", "metadata", "*.avro"))
    ok, detail = bool(files), "no avro files"
    for f in files:
        with open(f, "rb") as fh:
            reader = avro.datafile.DataFileReader(fh, avro.io.DatumReader())
            meta = reader.meta
            recs = list(reader)
            reader.close()
        if os.path.basename(f).startswith("snap-"):
            need = [b"snapshot-id", b"format-version"]
            ok &= all(k in meta for k in [x.decode() for x in need]) and all("manifest_path" in r for r in recs)
        else:
            ok &= meta.get("format-version") == b"2" and all("data_file" in r for r in recs)
        if not ok:
            detail = f"{f}: {list(meta.keys())}"
            break
    R.check(f"python3-avro parses all {len(files)} manifests and manifest lists", ok, detail)


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute(SCHEMA)
    m = amtest.Mirror(DB, [("public", "items"), ("public", "events")]).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM items")[0][0] == 10000, 120,
                          "the initial copy of 10,000 rows")
        R.check("initial copy: 10,000 rows visible through the proxy", True)
        wait_match(pg, m, 30, "initial copy: every row equals PostgreSQL's")

        t0 = time.monotonic()
        changes(pg)
        wait_match(pg, m, 30, "1,000 inserts, 200 updates, 100 deletes appear through the proxy")
        print(f"changes visible {time.monotonic() - t0:.2f}s after the first write began")

        stop_at = time.monotonic() + 6
        counts = []
        writers = [threading.Thread(target=lambda s=s: counts.append(load(amtest.pg_connect(DB), stop_at, s)))
                   for s in (1, 2)]
        for w in writers:
            w.start()
        time.sleep(2.5)
        m.kill9()
        R.check("mirror killed with SIGKILL mid-load", not m.alive())
        time.sleep(0.5)
        m.start()
        for w in writers:
            w.join()
        print(f"load: {sum(counts)} changes while the mirror was killed and restarted")
        wait_match(pg, m, 60, "after SIGKILL and restart the contents still match exactly")
        cur = pg.cursor()
        cur.execute("SELECT id, item_id, kind FROM events ORDER BY id")
        want_events = cur.fetchall()
        try:
            amtest.wait_until(lambda: m.query("SELECT id, item_id, kind FROM events ORDER BY id") == want_events, 30,
                              "events")
            R.check("a second table written in the same transactions matches too", True)
        except TimeoutError as e:
            R.check("a second table written in the same transactions matches too", False, str(e))
        # the load updates blob rows too (and deletes none), so count every blob: the updated
        # ones must still carry theirs (the exact contents were compared above)
        cur.execute("SELECT count(*) FROM items WHERE length(blob) = 6400")
        want_blobs = cur.fetchone()[0]
        blobs = m.query("SELECT count(*) FROM items WHERE length(blob) = 6400")[0][0]
        R.check("TOASTed values survive updates that leave them unchanged", blobs == want_blobs and blobs > 150,
                f"{blobs} rows vs {want_blobs}")

        m.kill9()
        m.start()
        amtest.wait_until(lambda: m.http("/health")[0] == 200, 30, "/health after a second restart")
        wait_match(pg, m, 30, "a restart with nothing new changes nothing")

        # every column so far has a type binary tuples carry; a jsonb column does not: the
        # stream starts again in text, from the watermark, and loses nothing
        R.check("the stream carries binary tuples", "tuples=binary" in m.log(), m.log()[-1500:])
        def tuples():
            status, body = m.http("/health/detailed")
            return json.loads(body).get("components", {}).get("replication", {}).get("tuples") \
                if status in (200, 503) else None
        def says(want):  # the writer's status reaches /health/detailed within a second or two
            try:
                amtest.wait_until(lambda: tuples() == want, 15, f"{want} tuples in /health/detailed")
                return True
            except TimeoutError:
                return False
        R.check("/health/detailed says binary tuples", says("binary"), str(tuples()))
        cur = pg.cursor()
        cur.execute("ALTER TABLE events ADD COLUMN meta jsonb")
        cur.execute("""INSERT INTO events (item_id, kind, meta)
                       SELECT g, 'with meta', jsonb_build_object('g', g, 'list', jsonb_build_array(g, 'x'))
                       FROM generate_series(1, 40) g""")
        cur.execute("UPDATE items SET note = 'after jsonb' WHERE id <= 20")
        cur.execute("SELECT id, item_id, kind, meta::text FROM events ORDER BY id")
        want_meta = cur.fetchall()
        try:
            amtest.wait_until(lambda: m.query("SELECT id, item_id, kind, meta::text FROM events ORDER BY id")
                              == want_meta, 60, "events with jsonb")
            R.check("a jsonb column added while streaming binary arrives (the stream went on in text)", True)
        except TimeoutError as e:
            R.check("a jsonb column added while streaming binary arrives (the stream went on in text)", False,
                    f"{e}\n{m.log()[-3000:]}")
        R.check("the mirror says it streams text from now on", "streaming text tuples from now on" in m.log())
        R.check("/health/detailed says text tuples", says("text"), str(tuples()))
        wait_match(pg, m, 30, "the rows changed after the switch to text match too")

        out = subprocess.run(["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(m.proxy_port), "-U", amtest.PGUSER,
                              "-d", DB, "-c", "SELECT count(*), sum(qty) FROM items"],
                             capture_output=True, text=True, env=dict(os.environ, PGPASSWORD=amtest.PGPASSWORD))
        cur = pg.cursor()
        cur.execute("SELECT count(*), sum(qty) FROM items")
        want = "|".join(str(x) for x in cur.fetchone())
        R.check("psql through the proxy agrees with PostgreSQL", out.stdout.strip() == want, f"{out.stdout!r} {out.stderr!r} vs {want!r}")

        status, body = m.http("/metrics")
        prom = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, text=True)
        R.check("promtool check metrics accepts /metrics", status == 200 and prom.returncode == 0, prom.stdout + prom.stderr)
        R.check("/metrics counts replicated rows", 'arctic_mirror_rows_replicated_total{op="insert"}' in body)
        status, body = m.http("/health/detailed")
        detail = json.loads(body) if status in (200, 503) else {}
        R.check("/health/detailed names every component", status == 200 and all(
            k in detail.get("components", {}) for k in ("postgres", "replication", "duckdb", "iceberg", "config")), body[:500])

        check_old_metadata(pg, m)
        m.stop()
        check_icebird(pg, m)
        check_avro(m)
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
