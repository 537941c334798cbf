"""tests/e2e/schema_lib.py: what the schema-change tests share: a writer that keeps changing
tables while DDL runs, comparing every mirrored table with PostgreSQL row by row (ordered), psql's
\\d through the proxy against the source's, icebird reading each table's lake directory, and a
poller that watches the proxy for answers that were never true at the source."""
import json
import os
import random
import subprocess
import threading
import time

import amtest


def rows(conn, table, order="1"):
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM {table} ORDER BY {order}")
    return cur.fetchall()


def first_difference(a, b):
    if len(a) != len(b):
        return f"{len(a)} rows (postgres) vs {len(b)} (mirror)"
    for x, y in zip(a, b):
        if x != y:
            return f"postgres {x!r} vs mirror {y!r}"
    return None


class Writer:
    """Inserts and updates rows of tables (by their current names) until stopped; paused while
    the test compares."""

    def __init__(self, db, tables, seed=1):
        self.db, self.tables = db, dict(tables)  # key -> current name
        self.lock = threading.Lock()
        self.run = threading.Event()
        self.run.set()
        self.idle = threading.Event()
        self.stop_flag = False
        self.rnd = random.Random(seed)
        self.next_id = 100000
        self.errors = 0
        self.ops = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def rename(self, key, name):
        with self.lock:
            if name is None:
                self.tables.pop(key, None)
            else:
                self.tables[key] = name

    def pause(self):
        self.run.clear()
        self.idle.wait(30)

    def resume(self):
        self.run.set()

    def stop(self):
        self.stop_flag = True
        self.run.set()
        self.thread.join(30)

    def _loop(self):
        pg = amtest.pg_connect(self.db)
        cur = pg.cursor()
        while not self.stop_flag:
            if not self.run.is_set():
                self.idle.set()
                self.run.wait()
                continue
            self.idle.clear()
            with self.lock:
                names = list(self.tables.values())
            if not names:
                time.sleep(0.05)
                continue
            t = self.rnd.choice(names)
            try:
                cur.execute("BEGIN")
                for _ in range(self.rnd.randint(1, 4)):
                    if self.rnd.random() < 0.6:
                        self.next_id += 1
                        cur.execute(f"INSERT INTO {t} (id, v) VALUES (%s, %s)", (self.next_id, self.next_id % 97))
                    else:
                        cur.execute(f"UPDATE {t} SET v = v + 1 WHERE id = (SELECT max(id) FROM {t})")
                cur.execute("COMMIT")
                self.ops += 1
            except Exception:  # a table renamed or dropped under it: the test moves on
                self.errors += 1
                cur.execute("ROLLBACK")
            time.sleep(0.01)
        self.idle.set()
        pg.close()


def rows_names(conn, table):
    """rows() and the result's column names, from one run."""
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM {table} ORDER BY 1")
    return cur.fetchall(), [d[0] for d in cur.description]


def converge(R, pg, m, tables, what, writer=None, timeout=60, held=None):
    """Pauses the writer and waits until every table reads the same through the proxy. held: a
    proxy session open since before the change, whose repeated statements the proxy keeps
    prepared: it must read the new columns and rows too, not what its statements first bound."""
    if writer:
        writer.pause()
    ok = True
    for t in tables:
        want, want_names = rows_names(pg, t)
        got = []

        def same():
            nonlocal got
            c = m.connect()
            try:
                got, got_names = rows_names(c, t)
                # a rename leaves the rows as they were: the names say when it arrived
                return got == want and (held is None or got_names == want_names)
            finally:
                c.close()
        try:
            amtest.wait_until(same, timeout, f"{t} to match", interval=0.1)
        except TimeoutError as e:
            ok = R.check(f"{what}: {t} equals PostgreSQL", False, f"{e}: {first_difference(want, got)}")
            continue
        if held is not None:
            again, again_names = rows_names(held, t)
            ok = R.check(f"{what}: {t} through a long-lived session", again == want and again_names == want_names,
                         f"{first_difference(want, again)}; columns {again_names} vs {want_names}") and ok
    if ok:
        R.check(f"{what}: {', '.join(tables)} equal PostgreSQL", True)
    if writer:
        writer.resume()
    return ok


def psql(port, db, command):
    out = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", amtest.PGUSER, "-d", db,
                          "-c", command], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PGPASSWORD=amtest.PGPASSWORD))
    return out.stdout + out.stderr


def columns_part(text):
    """\\d output up to its first footer: the header and the column table."""
    keep = []
    for line in text.splitlines():
        if line.startswith(("Indexes:", "Publications:", "Referenced by:", "Check constraints:",
                            "Foreign-key constraints:", "Partition", "Number of partitions")):
            break
        keep.append(line)
    return "\n".join(keep).strip()


DESCRIBE_SQL = """SELECT a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = '{schema}' AND c.relname = '{name}' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum"""


def check_describe(R, pg_port, m, db, table, what, timeout=30):
    """The served catalog shows the table as the source's does: the rows psql's \\d reads
    (pg_attribute, format_type, pg_get_expr), and psql's \\d itself when the proxy has the
    regular expressions it uses."""
    schema, name = table.split(".") if "." in table else ("public", table)
    sql = DESCRIBE_SQL.format(schema=schema, name=name)
    cur = amtest.pg_connect(db, port=pg_port).cursor()
    cur.execute(sql)
    want = cur.fetchall()
    cur.connection.close()
    got = []

    def same():
        nonlocal got
        c = m.connect()
        try:
            cur = c.cursor()
            cur.execute(sql)
            got = cur.fetchall()
        finally:
            c.close()
        return got == want
    try:
        amtest.wait_until(same, timeout, f"the served catalog of {table}", interval=0.3)
        R.check(f"{what}: the served catalog shows {table} as the source does", True)
    except TimeoutError as e:
        return R.check(f"{what}: the served catalog shows {table} as the source does", False,
                       f"{e}\n--- source\n{want}\n--- proxy\n{got}")
    text = psql(m.proxy_port, db, f"\\d {table}")
    if "am_re_match" in text:  # the proxy without the regular expression functions yet
        print(f"note: psql \\d needs the proxy's regular expressions: {text.strip()[:120]}")
        return True
    want_d = columns_part(psql(pg_port, db, f"\\d {table}"))
    return R.check(f"{what}: psql \\d {table} through the proxy shows the change",
                   columns_part(text) == want_d, f"\n--- source\n{want_d}\n--- proxy\n{text}")


def watermark(m):
    with open(os.path.join(m.warehouse, "_arctic", "watermark.json")) as f:
        return json.load(f)


def location(m, schema, name):
    for t in watermark(m)["tables"]:
        if t["schema"] == schema and t["name"] == name:
            return t.get("location", f"{schema}/{name}")
    return None


def icebird_each(m, locs):
    """icebird reads every table directory in one node process: {loc: rows, or the error}."""
    script = os.path.join(amtest.ROOT, "tests", "lake", "icebird_read.mjs")
    dirs = {os.path.join(m.warehouse, loc): loc for loc in locs}
    out = subprocess.run(["node", script, "--each", *dirs], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-1500:])
    got = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        got[dirs[r["dir"]]] = RuntimeError(r["error"][-1500:]) if "error" in r else r["data"]
    return got


def check_icebird(R, pg, m, tables, what, timeout=30):
    """icebird reads each table's lake directory (its current snapshot): the same ids and v as
    PostgreSQL, once the lake has caught up (the caller holds the writes). The tables still
    different are read again together."""
    pending = {}  # table -> (location, PostgreSQL's rows)
    for t in tables:
        schema, name = t.split(".") if "." in t else ("public", t)
        loc = location(m, schema, name)
        if loc is None:
            R.check(f"{what}: icebird reads {t}", False, "not in the watermark")
            continue
        cur = pg.cursor()
        cur.execute(f"SELECT id, v FROM {t} ORDER BY id")
        pending[t] = (loc, [(int(a), b) for a, b in cur.fetchall()])
    last = {}  # table -> what icebird read, or why it could not

    def all_same():
        try:
            read = icebird_each(m, [loc for loc, _ in pending.values()])
        except Exception as e:  # reported below, not fatal: the other checks go on
            last.update({t: e for t in pending})
            return False
        for t, (loc, want) in list(pending.items()):
            r = read.get(loc, RuntimeError("not read"))
            if not isinstance(r, Exception):
                r = sorted((int(x["id"]), x.get("v")) for x in r)
                if r == want:
                    R.check(f"{what}: icebird reads {t}", True)
                    del pending[t]
                    continue
            last[t] = r
        return not pending
    if not pending:
        return
    try:
        amtest.wait_until(all_same, timeout, "icebird to read " + ", ".join(pending), interval=0.5)
    except TimeoutError:
        for t, (_, want) in pending.items():
            r = last.get(t, [])
            R.check(f"{what}: icebird reads {t}", False,
                    str(r) if isinstance(r, Exception) else str(first_difference(want, r)))


class Poller:
    """Queries the proxy in a loop; every answer must satisfy valid(rows) (or be an error, which
    is not a wrong answer). Records what broke the rule."""

    def __init__(self, m, sql, valid):
        self.m, self.sql, self.valid = m, sql, valid
        self.bad, self.answers, self.errors = [], 0, 0
        self.stop_flag = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        # Sessions are reused for a few dozen answers, then replaced: a fresh one each time cost
        # more (SCRAM on both sides, the proxy's session set-up) than the answers themselves.
        c, used = None, 0
        while not self.stop_flag:
            try:
                if c is None or used >= 25:
                    if c is not None:
                        c.close()
                    c, used = None, 0
                    c = self.m.connect()
                used += 1
                cur = c.cursor()
                cur.execute(self.sql)
                got = cur.fetchall()
                self.answers += 1
                if not self.valid(got) and len(self.bad) < 3:
                    self.bad.append(got[:5])
            except Exception:
                self.errors += 1
                if c is not None:
                    try:
                        c.close()
                    except Exception:
                        pass
                c = None
            time.sleep(0.02)
        if c is not None:
            c.close()

    def stop(self):
        self.stop_flag = True
        self.thread.join(30)
        return self.bad
