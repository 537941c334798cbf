#!/usr/bin/python3
"""tests/fuzz/make_sqlc_catalog.py CATALOG.json: writes tests/fuzz/sqlc_catalog.json, the served
catalog fuzz_sqlc compiles against, from a catalog document the writer made for a mirror of the
end-to-end corpus fixture (tests/e2e/corpus/fixture.sql). To get one:
    SEED=1 N=0 KEEP=1 tests/e2e/randcompare.py   (with the AM_TEST_* variables of scripts/test.sh)
then take <its work directory>/warehouse/_arctic/catalog/<newest>.json.
Every relation and column stays, so a query of any catalog table compiles as on the server;
rows the compiler never reads are left out (3 MB -> under 400 kB): descriptions, view texts,
functions, operators, casts, collations, settings, keywords, the information_schema views, and
pg_attribute's rows of system relations (the fixture's tables and indexes keep theirs).
The file it writes is committed; check that FUZZ_SQLC_VERBOSE=1 replay_sqlc prints the same
outcomes over tests/fuzz/corpus/sqlc with the full document and with the trimmed one."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS_UNREAD = {"pg_catalog.pg_description", "pg_catalog.pg_views", "pg_catalog.pg_proc",
               "pg_catalog.pg_collation", "pg_catalog.pg_operator", "pg_catalog.pg_cast",
               "pg_catalog.pg_opclass", "pg_catalog.pg_opfamily", "am.functions", "am.settings",
               "am.keywords"}
SYSTEM = ("pg_catalog", "information_schema", "pg_toast")


def main(path):
    with open(path) as f:
        doc = json.load(f)
    rels = {f"{r['schema']}.{r['name']}": r for r in doc["relations"]}
    nsp = {row[0]: row[1] for row in rels["pg_catalog.pg_namespace"]["rows"]}
    cls = rels["pg_catalog.pg_class"]
    at = [c["name"] for c in cls["columns"]].index("relnamespace")
    user = {row[0] for row in cls["rows"] if nsp.get(row[at]) not in SYSTEM}
    for key, r in rels.items():
        if key in ROWS_UNREAD or r["schema"] == "information_schema":
            r["rows"] = []
        elif key == "pg_catalog.pg_attribute":
            r["rows"] = [row for row in r["rows"] if row[0] in user]
    out = os.path.join(HERE, "sqlc_catalog.json")
    with open(out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"{out}: {os.path.getsize(out):,} bytes, {len(user)} relations of the fixture")


if __name__ == "__main__":
    main(sys.argv[1])
