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
import sys
import time

import amtest
import pgcompare

DB = "e2e_corpus"
E2E = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(E2E, "corpus")


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
    tables = pgcompare.create_fixture(DB)
    m, copy_failed = None, None
    rc = 1
    try:
        pg = pgcompare.Server("postgres", amtest.PGPORT, DB, amtest.PGUSER, amtest.PGPASSWORD, amtest.PGHOST)
        if selftest:
            other = pgcompare.Server("postgres (second connection)", amtest.PGPORT, DB, amtest.PGUSER,
                                     amtest.PGPASSWORD, amtest.PGHOST)
        else:
            m, copy_failed = pgcompare.start_mirror(DB, tables)
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
