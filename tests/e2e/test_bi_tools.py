#!/usr/bin/python3
"""BI tools connect and sync through the proxy as through PostgreSQL: the catalog and metadata
queries DBeaver, Metabase, Grafana, Superset and Tableau send on connect and on schema sync
(tests/e2e/bi/*.sql, one file per tool, each naming the tool's version and where its queries
come from) replay through the real psql against PostgreSQL and against the proxy over the
mirrored fixture (tests/e2e/corpus/fixture.sql), compared exactly like the corpus
(test_pg_corpus.py, pgcompare.py): `psql -X -A -t` and aligned output, errors as SQLSTATE and
message, one DIFF line per statement, then `bi: N same of M`. tests/e2e/bi/allowlist.txt lists
the identity answers (version(), sizes, EXPLAIN).

Environment: AM_SELFTEST=1 compares PostgreSQL with itself; AM_BI_FILES=grafana.sql,...;
AM_BI_REPORT=PATH writes every differing statement with both full outputs.
"""
import os
import sys

import pgcompare

DB = "e2e_bi"
BI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bi")

if __name__ == "__main__":
    sys.exit(pgcompare.corpus_main("test_bi_tools", "bi", BI, DB, selftest=os.environ.get("AM_SELFTEST") == "1",
                                   only=os.environ.get("AM_BI_FILES", ""),
                                   report_path=os.environ.get("AM_BI_REPORT")))
