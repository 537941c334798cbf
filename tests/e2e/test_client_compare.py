#!/usr/bin/python3
"""Real client libraries see the same thing from the proxy as from PostgreSQL, over the mirrored
fixture (tests/e2e/corpus/fixture.sql). Each client runs as its own program against PostgreSQL
and against the proxy; its printout is cut into sections ("== name" lines) and each section must
be the same byte for byte:

- pgjdbc (tests/e2e/JdbcMeta.java): DatabaseMetaData getSchemas/getTables/getColumns/
  getPrimaryKeys/getIndexInfo/getImportedKeys/getTypeInfo; PreparedStatements with int, long,
  BigDecimal, Timestamp, String, Boolean, UUID and int[] parameters run 10 times (binary,
  server-prepared after the 5th); ResultSetMetaData of every column.
- psycopg 3, SQLAlchemy 1.4 over psycopg2, psqlODBC through unixODBC (pyodbc and isql), asyncpg:
  tests/e2e/py_clients_check.py (see there).
- node-postgres and postgres.js: tests/e2e/node_clients_check.js.

Prints one DIFF line per differing section (both outputs, from a little before where they part),
then per client and in all `clients: N same of M`. AM_SELFTEST=1 compares PostgreSQL with itself
(no mirror). AM_CLIENTS=jdbc,node,... runs only those clients.
"""
import concurrent.futures
import os
import subprocess
import sys

import amtest
import pgcompare

DB = "e2e_client_compare"
E2E = os.path.dirname(os.path.abspath(__file__))
JAR = "/usr/share/java/postgresql.jar"
SELFTEST = os.environ.get("AM_SELFTEST") == "1"


def command(client, port):
    args = ["127.0.0.1", str(port), DB, amtest.PGUSER, amtest.PGPASSWORD]
    if client == "jdbc":
        return amtest.java("JdbcMeta", *args)
    if client == "node":
        return ["node", os.path.join(E2E, "node_clients_check.js"), *args]
    return ["/usr/bin/python3", os.path.join(E2E, "py_clients_check.py"), client, *args]


CLIENTS = ["jdbc", "node", "psycopg", "sqlalchemy", "odbc", "asyncpg"]


def run(client, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(TZ="UTC", LC_ALL="C.UTF-8")
    try:
        p = subprocess.run(command(client, port), capture_output=True, timeout=180, env=env)
    except subprocess.TimeoutExpired:
        return "== run\nHARNESS timed out after 180s\n"
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        out += f"\n== exit status\n{p.returncode}: {p.stderr.decode('utf-8', 'replace')[-1500:]}\n"
    return out


def sections(text):
    """[(name, body)] in order; a repeated name gets ' #2' and so on."""
    out, seen = [], {}
    name, buf = "(before the first section)", []
    for line in text.split("\n"):
        if line.startswith("== "):
            if buf or name != "(before the first section)":
                out.append((name, "\n".join(buf)))
            n = line[3:]
            seen[n] = seen.get(n, 0) + 1
            name, buf = (n if seen[n] == 1 else f"{n} #{seen[n]}"), []
        else:
            buf.append(line)
    out.append((name, "\n".join(buf)))
    return out


def main():
    only = [c for c in os.environ.get("AM_CLIENTS", "").split(",") if c] or CLIENTS
    if "jdbc" in only and not os.path.exists(JAR):
        print(f"FAIL pgjdbc not installed ({JAR}): run make deps")
        sys.exit(1)
    tables = pgcompare.create_fixture(DB)
    m, copy_failed, rc = None, None, 1
    try:
        if SELFTEST:
            other_port = amtest.PGPORT
        else:
            m, copy_failed = pgcompare.start_mirror(DB, tables)
            if copy_failed:
                print(f"FAIL the mirror did not copy the fixture; the clients run anyway: {copy_failed}", flush=True)
            other_port = m.proxy_port
        jobs = [(c, side) for c in only for side in ("postgres", "proxy")]
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
            futs = {(c, side): ex.submit(run, c, amtest.PGPORT if side == "postgres" else other_port) for c, side in jobs}
            outs = {k: f.result() for k, f in futs.items()}
        total_same = total = 0
        summary = []
        for c in only:
            want, got = sections(outs[(c, "postgres")]), sections(outs[(c, "proxy")])
            gotd = dict(got)
            same = 0
            for name, body in want:
                g = gotd.get(name)
                if g is None:
                    g = "HARNESS section missing"
                if g == body:
                    same += 1
                else:
                    print(pgcompare.diff_line(f"{c}: {name}", "", body, g, pgcompare.classify(body, g)), flush=True)
            extra = [n for n, _ in got if n not in dict(want)]
            for n in extra:
                print(f"DIFF {c}: {n} [section only on the proxy] || proxy: {pgcompare._flat(gotd[n], 300)}", flush=True)
            n_all = len(want) + len(extra)
            summary.append(f"{c} {same}/{n_all}")
            total_same += same
            total += n_all
        print("-- clients (same/total sections):", ", ".join(summary))
        print(f"clients: {total_same} same of {total}", flush=True)
        rc = 0 if total_same == total and not copy_failed else 1
        if m is not None and not m.alive():
            print(f"arctic-mirror died during the run:\n{m.log()[-3000:]}")
            rc = 1
    except Exception as e:  # noqa: BLE001 - report and fail
        print(f"FAIL client run: {type(e).__name__}: {e}")
        rc = 1
    finally:
        if m is not None:
            m.stop()
        amtest.drop_db(DB)
    print(f"test_client_compare: {1 - rc} passed, {rc} failed")
    sys.exit(rc)


if __name__ == "__main__":
    main()
