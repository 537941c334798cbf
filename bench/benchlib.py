"""bench/benchlib.py: what every ratio benchmark shares.

Each benchmark starts a PostgreSQL of its own (tests/support/pg.sh) sized for bulk work, runs
the reference and Arctic Mirror against it in the same run, prints a table and writes
bench/results/<name>.json with the machine (cores, memory, load), the commit and the command.
Sizes scale down through environment variables (BENCH_ROWS and per-benchmark ones) for quick
runs; the defaults are the sizes the issue's targets are stated for."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import amtest  # noqa: E402

# A benchmark stopped from outside (SIGTERM, SIGHUP: a timeout, a closed terminal) unwinds like
# an error, so the finally blocks stop its mirror and PostgreSQL instead of leaving them running.
for _sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, lambda signum, frame: sys.exit(128 + signum))

RESULTS = os.environ.get("BENCH_RESULTS", os.path.join(ROOT, "bench", "results"))
PG_CONF = """shared_buffers = 512MB
max_wal_size = 16GB
min_wal_size = 1GB
checkpoint_timeout = 30min
wal_sender_timeout = 300s
max_parallel_workers_per_gather = 2
"""


def env_int(name, default):
    return int(float(os.environ.get(name, default)))


def rows_default(default):
    """BENCH_ROWS scales every benchmark's main table; the benchmark's own variable wins."""
    return env_int("BENCH_ROWS", default)


def machine():
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "memory_bytes": mem, "cpu": model,
            "kernel": os.uname().release, "load_avg_at_start": os.getloadavg()[0]}


def commit():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


class Server:
    """A private PostgreSQL 15 for one benchmark; amtest's helpers point at it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="am-bench-pg.", dir=os.environ.get("AM_TEST_TMP"))
        os.chmod(self.dir, 0o755)
        env = dict(os.environ, AM_PG_CONF=PG_CONF)
        subprocess.run([os.path.join(ROOT, "tests", "support", "pg.sh"), "start", self.dir + "/pg"],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        with open(self.dir + "/pg/env") as f:
            for line in f:
                m = re.match(r"export (\w+)=(.*)", line.strip())
                if m:
                    os.environ[m.group(1)] = m.group(2)
        amtest.PGHOST = os.environ["AM_TEST_PGHOST"]
        amtest.PGPORT = int(os.environ["AM_TEST_PGPORT"])
        amtest.PGUSER = os.environ["AM_TEST_PGUSER"]
        amtest.PGPASSWORD = os.environ["AM_TEST_PGPASSWORD"]
        self.port = amtest.PGPORT
        self.version = self.scalar("postgres", "SHOW server_version")

    def scalar(self, db, sql, args=None):
        c = amtest.pg_connect(db)
        try:
            cur = c.cursor()
            cur.execute(sql, args)
            return cur.fetchone()[0]
        finally:
            c.close()

    def env(self):
        """Environment for PostgreSQL's own client programs."""
        return dict(os.environ, PGHOST=amtest.PGHOST, PGPORT=str(amtest.PGPORT), PGUSER=amtest.PGUSER,
                    PGPASSWORD=amtest.PGPASSWORD)

    def stop(self):
        subprocess.run([os.path.join(ROOT, "tests", "support", "pg.sh"), "stop", self.dir + "/pg"],
                       check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def _descendants(pid):
    """pid and every live process under it (the supervisor's writer and server children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def proc_usage(pid):
    """CPU seconds (user + system, every thread) and peak RSS in bytes of a live process and
    its children (the writer and server processes the supervisor starts), summed: the peak RSS
    is the sum of each process's own peak, an upper bound of the whole's."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu, hwm = 0.0, 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm += int(line.split()[1]) * 1024
        except OSError:
            continue
    return cpu, hwm


def metrics(mirror):
    """The mirror's /metrics as {(name, labels): value}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{mirror.health_port}/metrics", timeout=10) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$", line)
        if m:
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def histogram(snapshot, name):
    """The cumulative buckets [(le, count)] of an unlabelled histogram, or None."""
    buckets = []
    for (n, labels), v in snapshot.items():
        if n == name + "_bucket":
            le = re.search(r'le="([^"]+)"', labels).group(1)
            buckets.append((float("inf") if le == "+Inf" else float(le), v))
    return sorted(buckets) or None


def histogram_quantile(before, after, q):
    """Quantile q of the observations between two scrapes, interpolated inside buckets as
    Prometheus' histogram_quantile does."""
    if not before or not after:
        return None
    prev = dict(before)
    diff = [(le, c - prev.get(le, 0)) for le, c in after]
    total = diff[-1][1]
    if total <= 0:
        return None
    rank, lo, below = q * total, 0.0, 0.0
    for le, c in diff:
        if c >= rank:
            if le == float("inf"):
                return lo
            return lo + (le - lo) * ((rank - below) / (c - below) if c > below else 0)
        lo, below = le, c
    return lo


def percentile(values, q):
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    f = int(k)
    c = min(f + 1, len(s) - 1)
    return s[f] + (s[c] - s[f]) * (k - f)


def print_table(title, headers, rows):
    cells = [[str(h) for h in headers]] + [[fmt(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    print(title)
    for i, r in enumerate(cells):
        print("  " + "  ".join(c.rjust(w) for c, w in zip(r, widths)))
        if i == 0:
            print("  " + "  ".join("-" * w for w in widths))
    sys.stdout.flush()


def fmt(v):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        return f"{v:.3f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def write_result(name, data, server=None):
    os.makedirs(RESULTS, exist_ok=True)
    doc = {"benchmark": name, "commit": commit(), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "command": os.environ.get("BENCH_COMMAND", f"make bench BENCH={name}"),
           "machine": machine(), "postgres": server.version if server else None,
           "env": {k: v for k, v in os.environ.items()
                   if k.startswith("BENCH_") and k not in ("BENCH_COMMAND", "BENCH_RESULTS")}}
    doc.update(data)
    path = os.path.join(RESULTS, f"{name}.json")
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(f"results: {os.path.relpath(path, ROOT)}")
    return doc


def ratio(a, b):
    return a / b if a and b else None


def timed(fn):
    t0 = time.monotonic()
    fn()
    return time.monotonic() - t0


def best_of(n, fn):
    return min(timed(fn) for _ in range(n))


# A short query is repeated until this much time went into it (at most SHORT_RUNS runs): the
# best of 3 runs of a 10 ms query is mostly the machine's noise.
SHORT_SECONDS = 1.0
SHORT_RUNS = 60


def best_of_adaptive(n, fn):
    """One warm-up, then at least n timed runs, more while they add up to under SHORT_SECONDS."""
    first = timed(fn)
    runs = max(n, min(SHORT_RUNS, int(SHORT_SECONDS / max(first, 1e-6))))
    return min(timed(fn) for _ in range(runs))


def psql(server, db, command, out=os.devnull, port=None, user=None, password=None):
    """psql -A -c command (unaligned) with its output thrown away; raises on failure."""
    env = server.env()
    if port:
        env["PGPORT"] = str(port)
    if password:
        env["PGPASSWORD"] = password
    with open(out, "wb") as sink:
        subprocess.run(["psql", "-X", "-q", "-A", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", command],
                       env=env, stdout=sink, check=True)


def wait_visible(mirror, sql, want, timeout, what, interval=0.05):
    """Polls sql through the proxy on one connection until it returns want; returns the
    monotonic time it did."""
    conn = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if conn is None:
                conn = mirror.connect()
            cur = conn.cursor()
            cur.execute(sql)
            if cur.fetchone()[0] == want:
                t = time.monotonic()
                conn.close()
                return t
        except Exception:  # the proxy may not be up yet, or restarting
            if conn is not None:
                conn.close()
            conn = None
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def slot_active(server, db, slot, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.scalar(db, "SELECT coalesce(bool_or(active), false) FROM pg_replication_slots WHERE slot_name = %s", (slot,)):
            return time.monotonic()
        time.sleep(0.02)
    raise TimeoutError(f"slot {slot} never became active")


# the options the mirror asks pgoutput for on PostgreSQL 15 when every column has a binary
# decoder (src/source/stream.c): what PostgreSQL can feed the mirror at best
MIRROR_OPTIONS = ["-o", "proto_version=3", "-o", "streaming=on", "-o", "binary=true"]


def recvlogical(server, db, publication, slot, endpos, create=False, options=None):
    """Seconds pg_recvlogical takes to decode the slot's backlog up to endpos with pgoutput on
    publication (output to /dev/null; text tuples, protocol 1, unless options say otherwise).
    create: only create the slot and return 0."""
    env = server.env()
    base = ["pg_recvlogical", "-d", db, "--slot", slot]
    if create:
        subprocess.run(base + ["--create-slot", "-P", "pgoutput"], env=env, check=True)
        return 0.0
    t0 = time.monotonic()
    subprocess.run(base + ["--start", "--endpos", endpos, "--no-loop"] +
                   (options or ["-o", "proto_version=1"]) +
                   ["-o", f"publication_names={publication}", "-f", "/dev/null", "-s", "1"],
                   env=env, check=True)
    return time.monotonic() - t0


def walsender_cpu(server, db, slot):
    """CPU seconds the walsender serving slot has used so far (None when none serves it)."""
    pid = server.scalar(db, "SELECT active_pid FROM pg_replication_slots WHERE slot_name = %s", (slot,))
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def print_feed(r):
    """How close a stream round came to what PostgreSQL can feed: the mirror's time against
    pg_recvlogical's with the mirror's options, and how busy the walsender was meanwhile."""
    busy = f"{r['walsender_busy']:.0%}" if r.get("walsender_busy") is not None else "unknown"
    print(f"  the walsender with the mirror's options alone: {r['pg_recvlogical_binary_seconds']:.2f} s; "
          f"the mirror took {1 / r['ratio_binary']:.2f}x that; walsender busy {busy} of the mirror's time")


def copy_done_ms(mirror):
    m = re.search(r'msg="initial copy done".* ms=(\d+)', mirror.log())
    return int(m.group(1)) if m else None


def mirror_ready(m, sql, want, timeout=3600):
    """Starts nothing: waits until the running mirror answers sql with want (its copy done)."""
    wait_visible(m, sql, want, timeout, "the initial copy")


def stream_round(server, db, m, load, sentinel_sql, n_rows, what):
    """One backlog, consumed twice: pg_recvlogical (pgoutput on m's publication, to /dev/null)
    and Arctic Mirror (m, stopped: started here and stopped again). load() writes the changes
    while neither consumes them, its last transaction the one sentinel_sql (through the proxy)
    sees as 1. Returns the figures of both."""
    recv_slot, bin_slot = "bench_recv", "bench_recv_binary"
    recvlogical(server, db, m.publication, recv_slot, None, create=True)
    recvlogical(server, db, m.publication, bin_slot, None, create=True)
    t0 = time.monotonic()
    load()
    load_s = time.monotonic() - t0
    endpos = server.scalar(db, "SELECT pg_current_wal_insert_lsn()::text")
    wal_bytes = int(server.scalar(db, "SELECT pg_wal_lsn_diff(%s::pg_lsn, confirmed_flush_lsn) FROM "
                                      "pg_replication_slots WHERE slot_name = %s", (endpos, f"am_{db}")))
    ref_s = recvlogical(server, db, m.publication, recv_slot, endpos)
    bin_s = recvlogical(server, db, m.publication, bin_slot, endpos, options=MIRROR_OPTIONS)
    for slot in (recv_slot, bin_slot):
        server.scalar(db, "SELECT pg_drop_replication_slot(%s)::text", (slot,))
    started = time.monotonic()
    m.start()
    active = slot_active(server, db, f"am_{db}")
    cpu0, _ = proc_usage(m.proc.pid)
    ws0 = walsender_cpu(server, db, f"am_{db}")
    seen = wait_visible(m, sentinel_sql, 1, 3600, what)
    ws1 = walsender_cpu(server, db, f"am_{db}")
    cpu1, rss = proc_usage(m.proc.pid)
    m.stop()
    ours_s = seen - active
    ws = ws1 - ws0 if ws0 is not None and ws1 is not None else None
    return {"rows": n_rows, "wal_bytes": wal_bytes, "load_seconds": load_s,
            "pg_recvlogical_seconds": ref_s, "pg_recvlogical_rows_per_s": n_rows / ref_s,
            "pg_recvlogical_binary_seconds": bin_s, "pg_recvlogical_binary_rows_per_s": n_rows / bin_s,
            "mirror_seconds": ours_s, "mirror_rows_per_s": n_rows / ours_s,
            "mirror_start_seconds": active - started, "mirror_cpu_seconds": cpu1 - cpu0,
            "walsender_cpu_seconds": ws, "walsender_busy": ws / ours_s if ws is not None else None,
            "mirror_peak_rss_bytes": rss, "ratio": (n_rows / ours_s) / (n_rows / ref_s),
            "ratio_binary": (n_rows / ours_s) / (n_rows / bin_s)}
