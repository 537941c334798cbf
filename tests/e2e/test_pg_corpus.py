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

import amtest
import pgcompare

DB = "e2e_corpus"
E2E = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(E2E, "corpus")


def main():
    sys.exit(pgcompare.corpus_main("test_pg_corpus", "corpus", CORPUS, DB,
                                   selftest=os.environ.get("AM_CORPUS_SELFTEST") == "1",
                                   only=os.environ.get("AM_CORPUS_FILES", ""),
                                   report_path=os.environ.get("AM_CORPUS_REPORT")))


if __name__ == "__main__":
    main()
