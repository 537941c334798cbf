"""tests/e2e/pgcompare.py: run the same SQL through the real psql against PostgreSQL and against
the proxy, and compare what psql prints, byte for byte.

A corpus file (tests/e2e/corpus/*.sql, tests/e2e/bi/*.sql) is a list of statements, each ending
with a `;` at the end of a line (outside quotes and comments). Lines starting with `--` between
statements are comments, except two directives:

    -- session: SET TimeZone = 'Asia/Tokyo'; SET DateStyle = 'SQL, DMY'
        the statements every following entry of the file runs after (until the next
        `-- session:`; an empty one goes back to none). Each run of entries with the same
        session is one psql process per server and format; the session statements are
        compared too.
    -- name: version
        names the next statement (for the allowlist); otherwise it is named FILE:LINE.
    -- unordered
        the next statement has no ORDER BY because the tool that sends it has none: its output
        lines are compared sorted (PostgreSQL promises no row order there).

How one run works: the entries go to `psql -X -f SCRIPT` (once with -A -t, once aligned), each
preceded by `\\echo @@AM <n>` and followed by `\\if :ERROR \\echo @@AM-ERROR :LAST_ERROR_SQLSTATE
:LAST_ERROR_MESSAGE \\endif`, so that one process answers many statements and every answer
(rows, command tag, SQLSTATE and primary message of an error) is attributed to its statement.
NOTICE and WARNING lines on stderr are attributed by psql's `psql:SCRIPT:LINE:` prefix.
`\\warn` markers on stderr (not buffered) show progress: a statement without an answer after
AM_COMPARE_STMT_TIMEOUT seconds (default 10) gets psql's own cancel request (SIGINT), psql is
killed if that does not end it, and the rest of the statements run on in a new psql; so one
hanging or crashing statement costs only itself (after 5 hung statements the rest of a server's
run is skipped). Outputs that begin with "HARNESS" say what the harness saw instead of an answer.

Run `pgcompare.py show PORT DB FILE.sql` to see what one server answers to a corpus file.
"""
import concurrent.futures
import os
import re
import subprocess
import signal
import tempfile
import threading
import time

import amtest

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fixture.sql")
MARK = "@@AM "
MARK_ERR = "@@AM-ERROR "
MARK_END = "@@AM-END"
MARK_GO = "@@AM-GO "


class CorpusError(Exception):
    pass


class Entry:
    __slots__ = ("file", "line", "name", "sql", "session", "index", "unordered")

    def __init__(self, file, line, name, sql, session, unordered=False):
        self.file, self.line, self.name, self.sql, self.session = file, line, name, sql, session
        self.index, self.unordered = None, unordered

    @property
    def id(self):
        return f"{self.file}:{self.line}"

    def short_sql(self, n=140):
        s = " ".join(self.sql.split())
        return s if len(s) <= n else s[: n - 3] + "..."


# ---- corpus files ---------------------------------------------------------------------------

def _ends_statement(text):
    """True when text ends with a ';' outside quotes, identifiers, dollar quotes and comments."""
    i, n, last = 0, len(text), None
    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "/" and text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            if depth:
                return False
            continue
        if c == "'":
            escapes = i > 0 and text[i - 1] in "eE" and (i < 2 or not (text[i - 2].isalnum() or text[i - 2] == "_"))
            i += 1
            while True:
                if i >= n:
                    return False
                if escapes and text[i] == "\\":
                    i += 2
                    continue
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            last = "'"
            continue
        if c == '"':
            j = text.find('"', i + 1)
            while j >= 0 and j + 1 < n and text[j + 1] == '"':
                j = text.find('"', j + 2)
            if j < 0:
                return False
            i, last = j + 1, '"'
            continue
        if c == "$":
            m = re.match(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$", text[i:])
            if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
                tag = m.group(0)
                j = text.find(tag, i + len(tag))
                if j < 0:
                    return False
                i, last = j + len(tag), "$"
                continue
        if not c.isspace():
            last = c
        i += 1
    return last == ";"


def load_file(path, display=None):
    """Entries of one corpus file; raises CorpusError naming FILE:LINE for a malformed one."""
    display = display or os.path.basename(path)
    entries, session, name, unordered = [], (), None, False
    cur, start = [], 0
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, line in enumerate(lines, 1):
        if not cur:
            s = line.strip()
            if not s:
                continue
            if s.startswith("--"):
                body = s[2:].strip()
                if body.startswith("session:"):
                    stmts = body[len("session:"):].strip()
                    session = tuple(x.strip() + ";" for x in stmts.split(";") if x.strip())
                elif body.startswith("name:"):
                    name = body[len("name:"):].strip()
                elif body == "unordered":
                    unordered = True
                continue
            if s.startswith("\\"):
                raise CorpusError(f"{display}:{no}: psql meta-commands are not corpus entries")
            start = no
        cur.append(line)
        text = "\n".join(cur)
        if _ends_statement(text):
            nm = f"{display}:{name}" if name else f"{display}:{start}"
            entries.append(Entry(display, start, nm, text.strip(), session, unordered))
            cur, name, unordered = [], None, False
    if cur:
        raise CorpusError(f"{display}:{start}: statement does not end with ';' (or a quote is open)")
    return entries


def load_dir(directory, skip=("fixture.sql",)):
    entries = []
    for fn in sorted(os.listdir(directory)):
        if fn.endswith(".sql") and fn not in skip:
            entries.extend(load_file(os.path.join(directory, fn)))
    for i, e in enumerate(entries):
        e.index = i
    return entries


def load_refused(path):
    """name -> (SQLSTATE, reason): entries the mirror refuses by design, where it cannot answer
    exactly as PostgreSQL (a wrong answer is worse than an error). Lines: NAME SQLSTATE, after
    comment lines giving the reason, as in the allowlist."""
    refused = {}
    for name, why in load_allowlist(path).items():
        parts = name.split()
        if len(parts) == 2:
            refused[parts[0]] = (parts[1], why)
    return refused


def load_allowlist(path):
    """name -> reason. Lines: NAME  # reason; or comment lines giving the reason of the names that
    follow them, up to a blank line."""
    allow = {}
    if not os.path.exists(path):
        return allow
    pending = ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if not s:
                pending = ""
                continue
            if s.startswith("#"):
                pending = (pending + " " + s[1:].strip()).strip()
                continue
            name, _, why = s.partition("#")
            allow[name.strip()] = (why.strip() or pending)
    return allow


# ---- running psql ---------------------------------------------------------------------------

class Server:
    """Where psql connects: a label, host, port, database, user and password."""

    def __init__(self, label, port, db, user, password, host="127.0.0.1"):
        self.label, self.host, self.port, self.db, self.user, self.password = label, host, port, db, user, password

    def env(self, extra=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(PGPASSWORD=self.password, PGCONNECT_TIMEOUT="10", PGCLIENTENCODING="UTF8",
                   LC_ALL="C.UTF-8", LANG="C.UTF-8", PGAPPNAME="am_pgcompare")
        env.update(extra or {})
        return env

    def psql_args(self, fmt):
        args = ["psql", "-X", "-h", self.host, "-p", str(self.port), "-U", self.user, "-d", self.db]
        return args + (["-A", "-t"] if fmt == "unaligned" else [])


def _script(items, session):
    """The psql script for session statements then items; returns (text, line ranges)."""
    out, ranges = [], []  # ranges: (first line, last line, key)

    def add(key, sql):
        out.append(f"\\echo {MARK}{key}")
        out.append(f"\\warn {MARK_GO}{key}")
        first = len(out) + 1
        out.extend(sql.split("\n"))
        ranges.append((first, len(out), key))
        out.append("\\if :ERROR")
        out.append(f"\\echo {MARK_ERR}:LAST_ERROR_SQLSTATE :LAST_ERROR_MESSAGE")
        out.append("\\endif")

    for i, s in enumerate(session):
        add(f"s{i}", s)
    for key, sql in items:
        add(key, sql)
    out.append(f"\\echo {MARK_END}")
    out.append(f"\\warn {MARK_GO}end")
    return "\n".join(out) + "\n", ranges


_STDERR_RE = re.compile(r"^psql:[^:]*:(\d+): (ERROR|NOTICE|WARNING|INFO|LOG|DEBUG\d?):  (.*)$")


def _parse(stdout, stderr, ranges):
    """{key: text} for each key whose output is complete (the next marker came); whether the
    END marker came."""
    res, cur, buf = {}, None, []
    ended = False

    def flush():
        if cur is not None:
            text = "\n".join(buf)
            res[cur] = text[:-1] if text.endswith("\n") else text

    for line in stdout.split("\n"):
        if line.startswith(MARK) and not line.startswith(MARK_ERR):
            flush()
            cur, buf = line[len(MARK):].strip(), []
        elif line == MARK_END:
            flush()
            cur, buf, ended = None, [], True
        elif line.startswith(MARK_ERR):
            buf.append("ERROR " + line[len(MARK_ERR):])
        elif cur is not None:
            buf.append(line)
    # the last key without a following marker is incomplete: not flushed
    for line in stderr.split("\n"):
        m = _STDERR_RE.match(line)
        if not m:
            continue
        ln = int(m.group(1))
        for first, last, key in ranges:
            if first <= ln <= last:
                if key in res:
                    line_out = f"{m.group(2)}: {m.group(3)}"
                    # the error that ends the statement is already there, with its SQLSTATE; an
                    # ERROR of an earlier statement on the same line (BEGIN;DECLARE;FETCH;...)
                    # is not, so it is added
                    if m.group(2) == "ERROR" and res[key].endswith(" " + m.group(3)):
                        break
                    res[key] += "\n" + line_out
                break
    return res, ended


class _Run:
    """One psql process over a script, with a watchdog: a statement that shows no progress for
    stmt_timeout seconds gets psql's own cancel (SIGINT: psql sends a CancelRequest and, running
    a script, stops after the statement); if psql is still there cancel_grace seconds later it
    is killed. Progress comes from `\\warn` markers on stderr, which is not buffered."""

    def __init__(self, server, fmt, items, session, stmt_timeout, cancel_grace, tmpdir):
        self.text, self.ranges = _script(items, session)
        fd, self.path = tempfile.mkstemp(prefix="am-cmp-", suffix=".sql", dir=tmpdir)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(self.text)
        self.args = server.psql_args(fmt) + ["-f", self.path]
        self.env = server.env()
        self.stmt_timeout, self.cancel_grace = stmt_timeout, cancel_grace
        self.current, self.stuck, self.how = None, None, None
        self.err_lines, self.out = [], b""
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def _read_err(self, pipe):
        for raw in iter(pipe.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith(MARK_GO):
                with self.lock:
                    self.current, self.last = line[len(MARK_GO):].strip(), time.monotonic()
            else:
                self.err_lines.append(line)

    def _read_out(self, pipe):
        self.out = pipe.read()

    def run(self):
        try:
            p = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env)
            threads = [threading.Thread(target=self._read_err, args=(p.stderr,), daemon=True),
                       threading.Thread(target=self._read_out, args=(p.stdout,), daemon=True)]
            for t in threads:
                t.start()
            interrupted_at = None
            while True:
                try:
                    p.wait(timeout=0.05)
                    break
                except subprocess.TimeoutExpired:
                    pass
                with self.lock:
                    idle, cur = time.monotonic() - self.last, self.current
                if interrupted_at is None and idle > self.stmt_timeout and cur not in (None, "end"):
                    self.stuck, self.how = cur, "cancelled"
                    p.send_signal(signal.SIGINT)
                    interrupted_at = time.monotonic()
                elif interrupted_at is not None and time.monotonic() - interrupted_at > self.cancel_grace:
                    self.how = "killed"
                    p.kill()
                    break
            p.wait()
            for t in threads:
                t.join(timeout=10)
            self.rc = p.returncode
            stdout = self.out.decode("utf-8", "replace")
            stderr = "\n".join(self.err_lines)
            self.stderr = stderr
            self.res, self.ended = _parse(stdout, stderr, self.ranges)
            return self
        finally:
            os.unlink(self.path)


def _stderr_tail(err, n=300):
    err = "\n".join(x for x in err.split("\n") if x.strip())
    return err[-n:]


def run_group(server, fmt, entries, session, stmt_timeout=None, cancel_grace=5, tmpdir=None, budget=None):
    """Outputs {entry index: text} of entries (all with the same session) on server in fmt.
    Session statement outputs are under keys ('session', i). A statement that hangs is
    cancelled (or psql killed) and the rest run on in a new psql; budget, a dict shared by the
    caller, stops that after budget['max_stuck'] hung statements."""
    stmt_timeout = stmt_timeout or float(os.environ.get("AM_COMPARE_STMT_TIMEOUT", "10"))
    results = {}
    pending = [(str(e.index), e.sql) for e in entries]
    first = True
    while pending:
        if budget is not None and budget.get("stuck", 0) >= budget.get("max_stuck", 5):
            for k, _ in pending:
                results[int(k)] = f"HARNESS not run: {budget['stuck']} statements hung on {server.label} already"
            break
        r = _Run(server, fmt, pending, session, stmt_timeout, cancel_grace, tmpdir).run()
        if first:
            for k, v in r.res.items():
                if k.startswith("s"):
                    results[("session", int(k[1:]))] = v
            first = False
        for k, v in r.res.items():
            if not k.startswith("s"):
                results[int(k)] = v
        if r.ended:
            break
        if not r.res and r.stuck is None and (r.current is None or r.current.startswith("s")):
            if r.current is None:
                # psql never reached the script (no connection): each statement again is no use.
                why = f"HARNESS psql exited {r.rc} before the first statement: {_stderr_tail(r.stderr)}"
                for k, _ in pending:
                    results[int(k)] = why
                break
        broke = r.stuck or r.current
        if broke is None or broke.startswith("s") or broke == "end":
            # a session statement hung or psql died in the session part: nothing can run in it
            why = (f"HARNESS the session statements did not complete (psql exit {r.rc}, "
                   f"{r.how or 'died'}): {_stderr_tail(r.stderr)}")
            for k, _ in pending:
                results.setdefault(int(k), why)
            break
        if r.stuck is not None:
            if budget is not None:
                budget["stuck"] = budget.get("stuck", 0) + 1
            if r.how == "cancelled":
                partial = r.stderr.split("\n")
                errs = [x for x in partial if "ERROR:" in x]
                results[int(broke)] = (f"HARNESS no answer within {stmt_timeout:g}s; after psql's cancel request: "
                                       f"{errs[-1].split('ERROR:', 1)[1].strip() if errs else 'exit ' + str(r.rc)}")
            else:
                results[int(broke)] = (f"HARNESS no answer within {stmt_timeout:g}s, nor {cancel_grace:g}s after "
                                       f"psql's cancel request: psql killed")
        else:
            results[int(broke)] = f"HARNESS psql exited {r.rc} during the statement: {_stderr_tail(r.stderr)}"
        # run again what has no complete output yet (a killed psql loses its buffered output),
        # except the statement that broke
        pending = [(k, sql) for k, sql in pending if int(k) not in results]
    return results


def run_all(server, entries, fmts=("unaligned", "aligned"), jobs=2, tmpdir=None):
    """{fmt: {index or ('session', file, line, i): text}} for all entries on one server."""
    groups, order = {}, []
    for e in entries:
        key = (e.file, e.session)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(e)
    out = {f: {} for f in fmts}
    budget = {"stuck": 0, "max_stuck": 5}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = {}
        for f in fmts:
            for key in order:
                futs[ex.submit(run_group, server, f, groups[key], key[1], tmpdir=tmpdir, budget=budget)] = (f, key)
        for fut in concurrent.futures.as_completed(futs):
            f, key = futs[fut]
            for k, v in fut.result().items():
                if isinstance(k, tuple):
                    first = groups[key][0]
                    out[f][("session", first.file, first.line, k[1])] = v
                else:
                    out[f][k] = v
    return out


# ---- the fixture and its mirror -----------------------------------------------------------

def psql_file(path, db):
    env = dict(os.environ, PGPASSWORD=amtest.PGPASSWORD)
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", amtest.PGHOST, "-p", str(amtest.PGPORT),
                        "-U", amtest.PGUSER, "-d", db, "-f", path], capture_output=True, text=True, env=env, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"loading {path} failed: {p.stderr[-2000:]}")


def create_fixture(db):
    """Creates db with the fixture; returns [(schema, table, row count)] of its tables."""
    amtest.create_db(db)
    psql_file(FIXTURE, db)
    c = amtest.pg_connect(db)
    try:
        cur = c.cursor()
        cur.execute("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")
        tables = cur.fetchall()
        out = []
        for s, t in tables:
            cur.execute(f'SELECT count(*) FROM ONLY "{s}"."{t}"')
            out.append((s, t, cur.fetchone()[0]))
        # The loading session's table statistics reach pg_stat_user_tables (n_live_tup, which
        # Metabase reads) a moment after it ends: wait for them, so that both servers are asked
        # about settled statistics.
        deadline, last, since = time.monotonic() + 10, None, time.monotonic()
        while time.monotonic() < deadline:
            cur.execute("SELECT array_agg(ROW(relid, n_live_tup, n_tup_ins, n_mod_since_analyze) ORDER BY relid)::text "
                        "FROM pg_stat_user_tables")
            now = cur.fetchone()[0]
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= 1.0 and "(" in (now or ""):
                break
            time.sleep(0.1)
        return out
    finally:
        c.close()


def start_mirror(db, tables, timeout=240):
    """A mirror of every table; returns (mirror, None) once the proxy shows every table's row
    count, or (mirror, the log line) as soon as the mirror logs that it failed to write."""
    m = amtest.Mirror(db, [(s, t) for s, t, _ in tables]).start()
    want = {f"{s}.{t}": n for s, t, n in tables}
    t0 = time.monotonic()

    def synced():
        if not m.alive():
            raise RuntimeError(f"arctic-mirror exited ({m.proc.returncode}):\n{m.log()[-3000:]}")
        c = m.connect()
        try:
            cur = c.cursor()
            for s, t, n in tables:
                cur.execute(f'SELECT count(*) FROM ONLY "{s}"."{t}"')
                if cur.fetchone()[0] != n:
                    return False
            return True
        finally:
            c.close()

    def check():
        try:
            return synced()
        except RuntimeError:
            raise
        except Exception as e:  # noqa: BLE001 - not up yet
            check.last = e
            return False

    check.last = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            print(f"proxy shows every table ({len(tables)}, {sum(want.values())} rows) after "
                  f"{time.monotonic() - t0:.1f}s", flush=True)
            return m, None
        # The mirror retries a failed copy every 30 s, and fails the same way each time: say so
        # at once and compare what the proxy answers without the data.
        failed = [x for x in m.log().split("\n") if 'msg="write path failed' in x or "level=error" in x]
        if failed:
            return m, failed[0]
        time.sleep(0.25)
    raise TimeoutError(f"the proxy did not show all of {sorted(want)} within {timeout}s "
                       f"(last error: {check.last})\n--- mirror log (tail) ---\n{m.log()[-3000:]}")


# ---- comparing ------------------------------------------------------------------------------

def _is_error(text):
    return text.startswith("ERROR ") or "\nERROR " in text


def _flat(text, n=400, start=0):
    s = text[start:]
    s = s.replace("\\", "\\\\").replace("\n", "⏎").replace("\t", "\\t")
    prefix = "…" if start > 0 else ""
    return prefix + (s if len(s) <= n else s[:n] + "…")


def _first_diff(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def classify(want, got):
    pe, xe = _is_error(want), _is_error(got)
    if got.startswith("HARNESS"):
        return "not answered"
    if pe and not xe:
        return "ANSWERED WHERE POSTGRESQL ERRORS"
    if xe and not pe:
        return "error where PostgreSQL answers"
    if pe and xe:
        ws = want.split("ERROR ", 1)[1].split(" ", 1)[0]
        gs = got.split("ERROR ", 1)[1].split(" ", 1)[0]
        return "other message" if ws == gs else "other SQLSTATE"
    return "wrong answer"


def diff_line(label, sql, want, got, kind, width=400):
    """One line: what, the statement, both outputs from a little before where they part."""
    at = _first_diff(want, got)
    start = max(0, at - 60) if max(len(want), len(got)) > width else 0
    return (f"DIFF {label} [{kind}] {sql} || postgres: {_flat(want, width, start)} || proxy: {_flat(got, width, start)}")


class Outcome:
    def __init__(self):
        self.same, self.total, self.allowed, self.refused, self.lines = 0, 0, 0, 0, []
        self.by_kind, self.by_file = {}, {}
        self.failed_entries = []

    @property
    def failed(self):
        return len(self.failed_entries)


def _allowed(want, got):
    """An allowlisted identity answer may differ in value (and rows: EXPLAIN), never in kind:
    an answer where PostgreSQL answers, an error where it errors."""
    if got.startswith("HARNESS"):
        return False
    return _is_error(want) == _is_error(got)


def compare(entries, pg, px, allow=None, fmts=("unaligned", "aligned"), refused=None):
    """pg, px: run_all results. Returns an Outcome with one DIFF line per differing entry."""
    allow = allow or {}
    refused = refused or {}
    o = Outcome()
    seen_session = set()
    for e in entries:
        o.total += 1
        f = o.by_file.setdefault(e.file, [0, 0])
        f[1] += 1
        diffs = []
        for fmt in fmts:
            w, g = pg[fmt].get(e.index, "HARNESS no output"), px[fmt].get(e.index, "HARNESS no output")
            if e.unordered:
                w, g = "\n".join(sorted(w.split("\n"))), "\n".join(sorted(g.split("\n")))
            if w != g:
                diffs.append((fmt, w, g))
        if not diffs:
            o.same += 1
            f[0] += 1
            continue
        fmt, w, g = diffs[0]
        got_u = px["unaligned"].get(e.index, "")
        if e.name in refused and got_u.startswith(f"ERROR {refused[e.name][0]} "):
            o.refused += 1
            o.lines.append(f"refused {e.id} ({refused[e.name][1]}): {e.short_sql(80)} || proxy: "
                           f"{_flat(got_u, 160)}")
            continue
        if e.name in allow:
            if _allowed(pg["unaligned"].get(e.index, ""), px["unaligned"].get(e.index, "")):
                o.allowed += 1
                o.lines.append(f"allowed {e.id} ({allow[e.name]}): {e.short_sql(80)} || postgres: "
                               f"{_flat(w, 120)} || proxy: {_flat(g, 120)}")
                continue
        kind = classify(w, g)
        if fmt == "aligned" and len(diffs) == 1:
            kind += ", aligned output only (column names, alignment by type, row count)"
        o.by_kind[kind] = o.by_kind.get(kind, 0) + 1
        o.failed_entries.append(e)
        o.lines.append(diff_line(f"{e.id}{' (' + fmt + ')' if fmt != 'unaligned' else ''}", e.short_sql(), w, g, kind))
    # session statements: compared once per group
    for fmt in fmts[:1]:
        for k in sorted(k for k in pg[fmt] if isinstance(k, tuple)):
            if k in seen_session:
                continue
            seen_session.add(k)
            w, g = pg[fmt][k], px[fmt].get(k, "HARNESS no output")
            if w != g:
                _, file, line, i = k
                o.lines.append(diff_line(f"{file}:{line} session statement {i + 1}", "(session)", w, g,
                                         "session " + classify(w, g)))
                o.by_kind["session statement"] = o.by_kind.get("session statement", 0) + 1
                o.failed_entries.append(k)
    return o


def report(o, title, out_path=None, pg=None, px=None, entries=None):
    """Prints the DIFF lines, the per-file and per-kind counts and 'N same of M'."""
    for line in o.lines:
        print(line, flush=True)
    print(f"-- {title}: per file (same/total):", ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(o.by_file.items())))
    if o.by_kind:
        print(f"-- {title}: differences by kind:", ", ".join(f"{k}: {v}" for k, v in sorted(o.by_kind.items())))
    if out_path and pg is not None:
        with open(out_path, "w", encoding="utf-8") as f:
            for e in entries:
                for fmt in pg:
                    w, g = pg[fmt].get(e.index, ""), px[fmt].get(e.index, "")
                    if w != g:
                        f.write(f"==== {e.id} ({fmt})\n{e.sql}\n---- postgres\n{w}\n---- proxy\n{g}\n\n")
        print(f"-- full outputs of every difference: {out_path}")
    print(f"{title}: {o.same} same of {o.total}" + (f" ({o.allowed} allowlisted)" if o.allowed else "")
          + (f" ({o.refused} refused by design, see refused.txt)" if o.refused else ""), flush=True)


def wait_for(pred, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            v = pred()
            if v:
                return v
        except Exception as e:  # noqa: BLE001 - the proxy may not be up yet
            last = e
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}" + (f" (last error: {last})" if last else ""))


# ---- a corpus test: fixture, mirror, both servers, comparison -------------------------------

def corpus_main(test_name, title, directory, db, selftest=False, only="", report_path=None):
    """Runs every entry of directory/*.sql against PostgreSQL and the proxy of a mirror of the
    fixture (or PostgreSQL again when selftest), prints the report; returns the exit status."""
    only = [x.strip() for x in only.split(",") if x.strip()]
    entries = load_dir(directory)
    if only:
        entries = [e for e in entries if e.file in only]
        for i, e in enumerate(entries):
            e.index = i
    allow = load_allowlist(os.path.join(directory, "allowlist.txt"))
    refused = load_refused(os.path.join(directory, "refused.txt"))
    unknown = [n for n in list(allow) + list(refused) if n not in {e.name for e in entries}]
    if unknown and not only:
        print(f"FAIL {directory}/allowlist.txt or refused.txt names no entry: {unknown}")
        return 1
    tables = create_fixture(db)
    m, copy_failed, rc = None, None, 1
    try:
        pg = Server("postgres", amtest.PGPORT, db, amtest.PGUSER, amtest.PGPASSWORD, amtest.PGHOST)
        if selftest:
            other = Server("postgres (second connection)", amtest.PGPORT, db, amtest.PGUSER, amtest.PGPASSWORD,
                           amtest.PGHOST)
        else:
            m, copy_failed = start_mirror(db, tables)
            if copy_failed:
                print(f"FAIL the mirror did not copy the fixture; {title} runs anyway, against a proxy without "
                      f"the data: {copy_failed}", flush=True)
            other = Server("proxy", m.proxy_port, db, amtest.PGUSER, amtest.PGPASSWORD)
        tmp = os.environ.get("AM_TEST_TMP")
        t0 = time.monotonic()
        want = run_all(pg, entries, tmpdir=tmp)
        t1 = time.monotonic()
        got = run_all(other, entries, tmpdir=tmp)
        t2 = time.monotonic()
        print(f"{len(entries)} statements in {len({e.file for e in entries})} files: postgres {t1 - t0:.1f}s, "
              f"{other.label} {t2 - t1:.1f}s", flush=True)
        o = compare(entries, want, got, allow=allow, refused=refused)
        report(o, title, report_path, want, got, entries)
        if selftest and o.same != o.total:
            print("selftest: PostgreSQL differs from itself: a statement is not deterministic (or the harness is wrong)")
        rc = 1 if o.failed or copy_failed else 0
        if m is not None and not m.alive():
            print(f"arctic-mirror died during the run:\n{m.log()[-3000:]}")
            rc = 1
    except Exception as e:  # noqa: BLE001 - report and fail
        print(f"FAIL {title} run: {type(e).__name__}: {e}")
        rc = 1
    finally:
        if m is not None:
            m.stop()
        amtest.drop_db(db)
    print(f"{test_name}: {1 - rc} passed, {rc} failed")
    return rc


def _main(argv):
    """pgcompare.py show PORT DB FILE.sql...: each statement and what psql -A -t prints for it
    (user and password from AM_TEST_PGUSER/AM_TEST_PGPASSWORD): to read what PostgreSQL answers."""
    if len(argv) < 4 or argv[0] != "show":
        print(_main.__doc__)
        return 2
    server = Server("server", int(argv[1]), argv[2], os.environ.get("AM_TEST_PGUSER", "am_test"),
                    os.environ.get("AM_TEST_PGPASSWORD", "am_test_pw"))
    entries = []
    for path in argv[3:]:
        entries.extend(load_file(path))
    for i, e in enumerate(entries):
        e.index = i
    res = run_all(server, entries, fmts=("unaligned",))["unaligned"]
    for e in entries:
        print(f"-- {e.id}\n{e.sql}\n{res.get(e.index)}\n")
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(_main(sys.argv[1:]))
