"""tests/e2e/amtest.py: shared helpers for end-to-end tests with real clients.

The suite's PostgreSQL comes from scripts/test.sh (AM_TEST_PG* variables); the binary under test
is AM_BIN. Each test makes its own database, slot, publication, warehouse and ports.
"""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import psycopg2

ROOT = os.environ.get("AM_TEST_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BIN = os.environ.get("AM_BIN", os.path.join(ROOT, "bin", "arctic-mirror"))
PGHOST = os.environ.get("AM_TEST_PGHOST", "127.0.0.1")
PGPORT = int(os.environ.get("AM_TEST_PGPORT", "5432"))
PGUSER = os.environ.get("AM_TEST_PGUSER", "am_test")
PGPASSWORD = os.environ.get("AM_TEST_PGPASSWORD", "am_test_pw")

PGJDBC_JAR = "/usr/share/java/postgresql.jar"
_java_dir = None


def java(source, *args, tz="UTC"):
    """The command that runs tests/e2e/<source>.java with pgjdbc. The sources are compiled
    once per test process: a single-file launch compiles at every run (two CPU-seconds each,
    and test_clients runs pgjdbc some twenty times)."""
    global _java_dir
    here = os.path.dirname(os.path.abspath(__file__))
    if _java_dir is None:
        d = tempfile.mkdtemp(prefix="am-java-", dir=os.environ.get("AM_TEST_TMP"))
        srcs = [os.path.join(here, f) for f in sorted(os.listdir(here)) if f.endswith(".java")]
        subprocess.run(["javac", "-nowarn", "-cp", PGJDBC_JAR, "-d", d, *srcs], check=True,
                       capture_output=True, timeout=300)
        _java_dir = d
        atexit.register(shutil.rmtree, d, True)
    # C1 only: these runs are short, the optimizing compiler would not pay for itself
    return ["java", "-XX:TieredStopAtLevel=1", f"-Duser.timezone={tz}", "-cp",
            f"{PGJDBC_JAR}:{_java_dir}", source, *args]


class Results:
    """Counts checks and prints the plain 'N passed, N failed' line the harness reads."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0
        self.failures = []

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {what}", flush=True)
        else:
            self.failed += 1
            self.failures.append(what)
            print(f"FAIL {what} {detail}", flush=True)
        return ok

    def finish(self):
        # again at the end, where scripts/test.sh's tail of a failed test's output shows them
        for what in self.failures:
            print(f"FAILED: {what}", flush=True)
        print(f"{self.name}: {self.passed} passed, {self.failed} failed", flush=True)
        sys.exit(1 if self.failed else 0)


def free_ports(n):
    """n distinct free ports: every socket stays bound until all are picked (two one-at-a-time
    picks once returned the same port, and the mirror's health server met its own proxy)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            socks.append(s)
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port():
    return free_ports(1)[0]


def pg_connect(db, autocommit=True, port=None):
    c = psycopg2.connect(host=PGHOST, port=port or PGPORT, user=PGUSER, password=PGPASSWORD, dbname=db)
    c.autocommit = autocommit
    return c


def create_db(name):
    c = pg_connect("postgres")
    cur = c.cursor()
    cur.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = %s", (name,))
    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cur.execute(f'CREATE DATABASE "{name}"')
    c.close()


def drop_db(name):
    c = pg_connect("postgres")
    cur = c.cursor()
    cur.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = %s AND NOT active", (name,))
    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    c.close()


class PrivatePG:
    """A PostgreSQL of the test's own (tests/support/pg.sh), for what the shared one must not
    see: restarts, server settings. conf: lines appended to postgresql.conf."""

    SH = os.path.join(ROOT, "tests", "support", "pg.sh")

    def __init__(self, name, conf=""):
        self.dir = tempfile.mkdtemp(prefix=f"am-{name}-pg-", dir=os.environ.get("AM_TEST_TMP"))
        self.port = free_port()
        env = dict(os.environ, AM_PG_CONF=conf) if conf else None
        subprocess.run([self.SH, "start", self.dir, str(self.port)], check=True, capture_output=True, env=env)

    def create_db(self, db):
        admin = pg_connect("postgres", port=self.port)
        admin.cursor().execute(f'CREATE DATABASE "{db}"')
        admin.close()
        return pg_connect(db, port=self.port)

    def restart(self):
        """Immediate stop (crash recovery follows) and start again."""
        subprocess.run([self.SH, "restart", self.dir], check=True, capture_output=True)

    def stop(self):
        subprocess.run([self.SH, "stop", self.dir], capture_output=True)


def report_run_failure(R, what, e, m):
    """An exception ended the test's run: a failed check with the mirror's log tail."""
    R.check(what, False, f"{type(e).__name__}: {e}\n--- mirror log (tail) ---\n{m.log()[-4000:] if m else ''}")


def finish_with_log(R, m):
    """R.finish(), after the mirror's log tail when a check failed."""
    if R.failed and m:
        print(m.log()[-8000:])
    R.finish()


class Mirror:
    """One arctic-mirror process on its own config, warehouse and ports."""

    def __init__(self, db, tables, workdir=None, mirror=None, pgport=None, publication=None,
                 proxy_extra="", extra=""):
        """tables: (schema, name) pairs or dicts with schema, name and options (insert_only,
        on_drop); mirror: the mirror section's keys; proxy_extra: more proxy keys (indented
        YAML); extra: more top-level YAML."""
        self.proxy_extra = proxy_extra
        self.extra = extra
        self.db = db
        self.dir = workdir or tempfile.mkdtemp(prefix=f"am-e2e-{db}-", dir=os.environ.get("AM_TEST_TMP"))
        self.warehouse = os.path.join(self.dir, "warehouse")
        self.proxy_port, self.health_port = free_ports(2)
        self.config = os.path.join(self.dir, "config.yaml")
        self.pgport = pgport or PGPORT
        self.publication = publication or f"am_{db}_pub"
        self.mirror_keys = dict(mirror or {})
        self.write_config(tables)
        self.proc = None
        self.log_path = os.path.join(self.dir, "mirror.log")
        self.starts = 0

    def write_config(self, tables):
        """(Re)writes the configuration with this table list (SIGHUP picks it up)."""
        def entry(t):
            if isinstance(t, dict):
                extra = "".join(f"    {k}: {v}\n" for k, v in t.items() if k not in ("schema", "name"))
                return f"  - schema: \"{t.get('schema', 'public')}\"\n    name: \"{t['name']}\"\n{extra}"
            return f"  - schema: \"{t[0]}\"\n    name: \"{t[1]}\"\n"
        table_yaml = "".join(entry(t) for t in tables)
        mirror_yaml = "".join(f"  {k}: {v}\n" for k, v in self.mirror_keys.items())
        with open(self.config + ".tmp", "w") as f:
            f.write(f"""postgres:
  host: {PGHOST}
  port: {self.pgport}
  user: {PGUSER}
  password: {PGPASSWORD}
  database: {self.db}
  slot: am_{self.db}
  publication: {self.publication}
tables:
{table_yaml}iceberg:
  path: {self.warehouse}
proxy:
  port: {self.proxy_port}
{self.proxy_extra}{self.extra}""" + (f"mirror:\n{mirror_yaml}" if mirror_yaml else ""))
        os.replace(self.config + ".tmp", self.config)

    def reload(self, tables):
        self.write_config(tables)
        self.proc.send_signal(signal.SIGHUP)

    def start(self, env_extra=None):
        """Starts the binary; env_extra adds environment variables (AM_FAULT=<point>)."""
        self.starts += 1
        log = open(self.log_path, "a")
        env = dict(os.environ, LOG_LEVEL=os.environ.get("LOG_LEVEL", "info"), **(env_extra or {}))
        self.proc = subprocess.Popen([BIN, "--config", self.config, "--health-port", str(self.health_port)],
                                     stdout=log, stderr=log, env=env)
        return self

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -9
        return self.proc.returncode if self.proc else None

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def connect(self, autocommit=True):
        c = psycopg2.connect(host="127.0.0.1", port=self.proxy_port, user=PGUSER, password=PGPASSWORD,
                             dbname=self.db, connect_timeout=5)
        c.autocommit = autocommit
        return c

    def http(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}{path}", timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def query(self, sql):
        c = self.connect()
        try:
            cur = c.cursor()
            cur.execute(sql)
            return cur.fetchall()
        finally:
            c.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


def children(m):
    """{role: pid} of the supervisor's children (the writer and the server)."""
    out = {}
    with open(f"/proc/{m.proc.pid}/task/{m.proc.pid}/children") as f:
        for pid in f.read().split():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as c:
                    args = c.read().split(b"\0")
            except OSError:
                continue
            if b"--role" in args:
                out[args[args.index(b"--role") + 1].decode()] = int(pid)
    return out


def status_kb(pid, field="VmRSS"):
    """A kB figure of /proc/<pid>/status (VmRSS, VmHWM, RssAnon ...), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_kb(pid):
    """Resident set size of a process in kB (VmRSS), or None once it is gone."""
    return status_kb(pid, "VmRSS")


def reset_peak(pid):
    """Starts VmHWM over from the current VmRSS."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def bigtxn_warm_up(m, pg):
    """Every kind of work the write path does, once and small, on table big (id, v, n): a data
    file, an update's delete file, a delete, a compaction's chance. What the process holds
    afterwards, idle, is its fixed overhead: the code of each path mapped and its allocators
    set up, which the first big transaction would otherwise count as its own."""
    cur = pg.cursor()
    cur.execute("INSERT INTO big SELECT g, md5(g::text), 0 FROM generate_series(-20000, -1) g")
    cur.execute("UPDATE big SET n = 1 WHERE id < 0")
    cur.execute("DELETE FROM big WHERE id < 0")
    wait_until(lambda: m.query("SELECT count(*) FROM big")[0][0] == 0, 120, "the warm-up applied")


def writer_killed(m, mark):
    """The supervisor logged the writer's death by SIGKILL after log offset mark."""
    return any("process died" in line and "role=writer" in line and "killed by signal 9" in line
               for line in m.log()[mark:].splitlines())


def watermark_lsn(m):
    """The LSN of the mirror's last durable watermark, as an integer."""
    with open(os.path.join(m.warehouse, "_arctic", "watermark.json")) as f:
        hi, lo = json.load(f)["lsn"].split("/")
    return (int(hi, 16) << 32) | int(lo, 16)


def wait_until(pred, timeout, what, interval=0.05):
    """Polls pred until it returns a truthy value; raises naming what was awaited."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            v = pred()
            if v:
                return v
        except Exception as e:  # the proxy may not be up yet
            last_exc = e
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}" + (f" (last error: {last_exc})" if last_exc else ""))
