#!/usr/bin/python3
"""The proxy answers as PostgreSQL 15 does: every statement of tests/e2e/corpus/*.sql runs through
the real psql against PostgreSQL and against the proxy over the same data (the fixture
tests/e2e/corpus/fixture.sql, mirrored by one arctic-mirror), in `psql -X -A -t` and in aligned
`psql -X` format, and both outputs must be the same byte for byte: rows, column names, alignment
(which follows the column types), row counts, command tags, and for errors the SQLSTATE and
primary message (see pgcompare.py for how one psql process answers many statements).

Prints one DIFF line per statement that differs (both outputs, from a little before where they
part), counts per file and per kind of difference ("ANSWERED WHERE POSTGRESQL ERRORS" is the
worst: a wrong answer), then `corpus: N same of M`. Exits non-zero when anything differs except
the entries of tests/e2e/corpus/allowlist.txt (identity answers: version(), sizes, ...), which
may differ in value but not in shape.

Environment:
  AM_CORPUS_SELFTEST=1   no mirror: compares PostgreSQL with itself through a second
                         connection (checks the harness and that the corpus is deterministic;
                         must report M same of M)
  AM_CORPUS_FILES=a,b    only these corpus files (arith.sql,text.sql)
  AM_CORPUS_REPORT=PATH  also write every differing statement with both full outputs to PATH
"""
import os
import subprocess
import sys
import time

import amtest
import pgcompare

DB = "e2e_corpus"
E2E = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(E2E, "corpus")


def psql_file(path, db):
    env = dict(os.environ, PGPASSWORD=amtest.PGPASSWORD)
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", amtest.PGHOST, "-p", str(amtest.PGPORT),
                        "-U", amtest.PGUSER, "-d", db, "-f", path], capture_output=True, text=True, env=env, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"loading {path} failed: {p.stderr[-2000:]}")


def create_fixture(db):
    """Creates db with the fixture; returns [(schema, table, row count)] of its tables."""
    amtest.create_db(db)
    psql_file(os.path.join(CORPUS, "fixture.sql"), db)
    c = amtest.pg_connect(db)
    try:
        cur = c.cursor()
        cur.execute("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")
        tables = cur.fetchall()
        out = []
        for s, t in tables:
            cur.execute(f'SELECT count(*) FROM "{s}"."{t}"')
            out.append((s, t, cur.fetchone()[0]))
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
                cur.execute(f'SELECT count(*) FROM "{s}"."{t}"')
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


def corpus_entries():
    only = [x.strip() for x in os.environ.get("AM_CORPUS_FILES", "").split(",") if x.strip()]
    entries = pgcompare.load_dir(CORPUS)
    if only:
        entries = [e for e in entries if e.file in only]
        for i, e in enumerate(entries):
            e.index = i
    return entries


def main():
    selftest = os.environ.get("AM_CORPUS_SELFTEST") == "1"
    entries = corpus_entries()
    allow = pgcompare.load_allowlist(os.path.join(CORPUS, "allowlist.txt"))
    unknown = [n for n in allow if n not in {e.name for e in entries}]
    if unknown and not os.environ.get("AM_CORPUS_FILES"):
        print(f"allowlist names no corpus entry: {unknown}")
        sys.exit(1)
    tables = create_fixture(DB)
    m, copy_failed = None, None
    rc = 1
    try:
        pg = pgcompare.Server("postgres", amtest.PGPORT, DB, amtest.PGUSER, amtest.PGPASSWORD, amtest.PGHOST)
        if selftest:
            other = pgcompare.Server("postgres (second connection)", amtest.PGPORT, DB, amtest.PGUSER,
                                     amtest.PGPASSWORD, amtest.PGHOST)
        else:
            m, copy_failed = start_mirror(DB, tables)
            if copy_failed:
                print(f"FAIL the mirror did not copy the fixture; the corpus runs anyway, against a proxy without "
                      f"the data: {copy_failed}", flush=True)
            other = pgcompare.Server("proxy", m.proxy_port, DB, amtest.PGUSER, amtest.PGPASSWORD)
        t0 = time.monotonic()
        want = pgcompare.run_all(pg, entries, tmpdir=os.environ.get("AM_TEST_TMP"))
        t1 = time.monotonic()
        got = pgcompare.run_all(other, entries, tmpdir=os.environ.get("AM_TEST_TMP"))
        t2 = time.monotonic()
        print(f"{len(entries)} statements in {len({e.file for e in entries})} files: postgres {t1 - t0:.1f}s, "
              f"{other.label} {t2 - t1:.1f}s", flush=True)
        o = pgcompare.compare(entries, want, got, allow=allow)
        pgcompare.report(o, "corpus", os.environ.get("AM_CORPUS_REPORT"), want, got, entries)
        if selftest and o.same != o.total:
            print("selftest: PostgreSQL differs from itself: a statement is not deterministic (or the harness is wrong)")
        rc = 1 if o.failed or copy_failed else 0
        if m is not None and not m.alive():
            print(f"arctic-mirror died during the run:\n{m.log()[-3000:]}")
            rc = 1
    except Exception as e:  # noqa: BLE001 - report and fail
        print(f"FAIL corpus run: {type(e).__name__}: {e}")
        rc = 1
    finally:
        if m is not None:
            m.stop()
        amtest.drop_db(DB)
    print(f"test_pg_corpus: {1 if rc == 0 else 0} passed, {rc} failed")
    sys.exit(rc)


if __name__ == "__main__":
    main()
