#!/usr/bin/python3
"""psql's meta-commands answer the same on the proxy as on PostgreSQL: \\d, \\d+, \\dt, \\dt+, \\dn,
\\df, \\du, \\dT, \\di, \\l, \\x and \\copy run through the real psql against PostgreSQL and against the
proxy over the mirrored fixture (tests/e2e/corpus/fixture.sql), while a background writer keeps
inserting rows into the mirrored table `notes`: the catalog the proxy serves is refreshed under
the commands, and every OID it shows must stay the source's.

Compared byte for byte: stdout and stderr of `psql -X -c COMMAND` (the port number masked).
Exceptions, each for a reason:
- Size columns (\\dt+, \\di+, \\l+ ...): the lake's sizes are not PostgreSQL's heap sizes, and
  `notes` grows under the writer. Those commands run unaligned and the Size field is masked.
- \\l lists every database of the server: it is asked for the mirrored database only
  (`\\l e2e_describe`), the one the proxy serves.
- `\\copy TABLE to FILE` has no defined row order in PostgreSQL: the files are compared as
  sorted lines (and the exact order is reported when it differs). `\\copy (SELECT ... ORDER
  BY ...) to FILE` is compared byte for byte.
Prints one line per command, then `describe: N same of M`. AM_SELFTEST=1 compares PostgreSQL with
itself (no mirror): every command must then be the same.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

import amtest
import pgcompare

DB = "e2e_describe"
SELFTEST = os.environ.get("AM_SELFTEST") == "1"  # no mirror: PostgreSQL against itself
WRITER_TABLE = "notes"

# (command, how): how is "exact", or "size" (unaligned, Size column masked)
COMMANDS = [
    (r"\d customers", "exact"),
    (r"\d+ customers", "exact"),
    (r"\d orders", "exact"),
    (r"\d+ items", "exact"),
    (r"\d notes", "exact"),
    (r"\d alltypes", "exact"),
    (r'\d "Mixed Case"', "exact"),
    (r"\d+ sales.regions", "exact"),
    (r"\d sales.*", "exact"),
    (r"\d products_lower_name_key", "exact"),
    (r"\d customers_pkey", "exact"),
    (r"\d notes_id_seq", "exact"),
    (r"\d", "exact"),
    (r"\d nope", "exact"),
    (r"\dt", "exact"),
    (r"\dt sales.*", "exact"),
    (r"\dt *.*s", "exact"),
    (r"\dt+", "size"),
    (r"\dt+ sales.*", "size"),
    (r"\dn", "exact"),
    (r"\dn+", "exact"),
    (r"\df", "exact"),
    (r"\df lower", "exact"),
    (r"\df+ pg_catalog.upper", "exact"),
    (r"\du", "exact"),
    (r"\dT", "exact"),
    (r"\dT+", "exact"),
    (r"\dT+ mood", "exact"),
    (r"\dD", "exact"),
    (r"\di", "exact"),
    (r"\di+", "size"),
    (r"\di sales.*", "exact"),
    (r"\ds", "exact"),
    (r"\dv", "exact"),
    (r"\dm", "exact"),
    (r"\dx", "exact"),
    (r"\dp customers", "exact"),
    (r"\dd", "exact"),
    (r"\dC int4", "exact"),
    (r"\do ||", "exact"),
    (r"\l e2e_describe", "exact"),
    (r"\l+ e2e_describe", "size"),
    (r"\dconfig TimeZone", "exact"),
    (r"\sf pg_catalog.lower", "exact"),
    (r"\d pg_catalog.pg_class", "exact"),
]

# \x and other formats on a query (each a list of -c arguments)
FORMATS = [
    [r"\x on", "SELECT * FROM customers WHERE id IN (1, 2001, 2002) ORDER BY id"],
    [r"\x auto", "SELECT id, name FROM customers WHERE id <= 3 ORDER BY id"],
    [r"\x on", "SELECT * FROM alltypes ORDER BY id"],
    [r"\pset format wrapped", r"\pset columns 60", "SELECT id, body FROM docs WHERE id <= 3 ORDER BY id"],
    [r"\pset format csv", "SELECT * FROM alltypes ORDER BY id"],
    [r"\pset format html", "SELECT code, name FROM sales.regions ORDER BY code LIMIT 3"],
    [r"\pset null (null)", r"\pset border 2", "SELECT id, city, mood FROM customers WHERE id IN (9, 11, 2003) ORDER BY id"],
    [r"\pset format latex", "SELECT code FROM sales.regions ORDER BY code LIMIT 2"],
    ["SELECT count(*) FROM customers", r"\gx"],
    ["SELECT 'notes'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 'notes')"],
]

# \copy forms: (name, psql command with {file}, ordered)
COPIES = [
    ("query to file", r"\copy (SELECT * FROM customers WHERE id % 97 = 0 OR id > 2000 ORDER BY id) TO '{file}'", True),
    ("query to file, csv header", r"\copy (SELECT * FROM alltypes ORDER BY id) TO '{file}' WITH (FORMAT csv, HEADER)", True),
    ("query to file, text, every type", r"\copy (SELECT * FROM alltypes ORDER BY id) TO '{file}'", True),
    ("table to file", r"\copy customers TO '{file}'", False),
    ("table to file, columns, csv", r"\copy sales.regions (code, name) TO '{file}' CSV", False),
    ("table to file, quoted name", r'\copy "Mixed Case" TO ' + "'{file}'", False),
    ("table to file, binary", r"\copy items TO '{file}' WITH (FORMAT binary)", None),
    ("table to stdout", r"\copy alltypes TO STDOUT", False),
]

R = amtest.Results("test_psql_describe")


def psql(server, args, tmpfile=None):
    cmd = server.psql_args("aligned")
    for a in args:
        cmd += ["-c", a]
    p = subprocess.run(cmd, capture_output=True, timeout=60, env=server.env())
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace").replace(str(server.port), "PORT")
    return f"exit {p.returncode}\n{out}" + (f"--- stderr\n{err}" if err else "")


def mask_size(text):
    """Unaligned output: the field under the 'Size' header becomes '*'."""
    lines = text.split("\n")
    col = None
    out = []
    for line in lines:
        fields = line.split("|")
        if col is None and "Size" in fields:
            col = fields.index("Size")
        elif col is not None and len(fields) > col and "|" in line:
            fields[col] = "*"
            line = "|".join(fields)
        out.append(line)
    return "\n".join(out)


class Writer(threading.Thread):
    """Inserts a row into notes every 20 ms until stopped."""

    def __init__(self, db):
        super().__init__(daemon=True)
        self.db, self.stop_flag, self.rows, self.error = db, threading.Event(), 0, None

    def run(self):
        try:
            c = amtest.pg_connect(self.db)
            cur = c.cursor()
            while not self.stop_flag.is_set():
                cur.execute("INSERT INTO notes (customer_id, body) VALUES (%s, %s)", (1 + self.rows % 2000, f"live {self.rows}"))
                self.rows += 1
                self.stop_flag.wait(0.02)
            c.close()
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e


COUNT = {"same": 0, "all": 0}


def compare(label, want, got):
    same = want == got
    COUNT["all"] += 1
    COUNT["same"] += same
    if not same:
        print(pgcompare.diff_line(label, "", want, got, pgcompare.classify(want, got)), flush=True)
    R.check(label, same)
    return same


def oids(server):
    out = psql(server, ["SELECT c.relname, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname IN ('public', 'sales') ORDER BY 1"])
    return out


def main():
    tables = pgcompare.create_fixture(DB)
    pg = pgcompare.Server("postgres", amtest.PGPORT, DB, amtest.PGUSER, amtest.PGPASSWORD, amtest.PGHOST)
    m, writer = None, None
    tmp = tempfile.mkdtemp(prefix="am-describe-", dir=os.environ.get("AM_TEST_TMP"))
    try:
        if SELFTEST:
            copy_failed = "selftest"
            px = pgcompare.Server("postgres (second connection)", amtest.PGPORT, DB, amtest.PGUSER,
                                  amtest.PGPASSWORD, amtest.PGHOST)
        else:
            m, copy_failed = pgcompare.start_mirror(DB, tables)
            R.check("the mirror copies the fixture", copy_failed is None, copy_failed or "")
            px = pgcompare.Server("proxy", m.proxy_port, DB, amtest.PGUSER, amtest.PGPASSWORD)
        writer = Writer(DB)
        writer.start()
        oids_before = oids(px)
        compare("pg_class OIDs: the proxy shows the source's", oids(pg), oids_before)
        for cmd, how in COMMANDS:
            args = [cmd] if how == "exact" else [r"\pset format unaligned", cmd]
            want, got = psql(pg, args), psql(px, args)
            if how == "size":
                want, got = mask_size(want), mask_size(got)
            compare(cmd + (" (unaligned, Size masked)" if how == "size" else ""), want, got)
        for args in FORMATS:
            compare(" ; ".join(args), psql(pg, args), psql(px, args))
        for name, cmd, ordered in COPIES:
            files = []
            for server in (pg, px):
                f = os.path.join(tmp, f"{server.label}-{len(files)}.out")
                if os.path.exists(f):
                    os.unlink(f)
                status = psql(server, [cmd.format(file=f)])
                data = open(f, "rb").read() if os.path.exists(f) else b"(no file)"
                files.append((status, data))
            (ws, wd), (gs, gd) = files
            label = f"\\copy {name}: {cmd.split(' TO ')[0]}"
            if ordered is None:  # binary: same bytes, header included
                compare(label + " (bytes)", ws + wd.hex(), gs + gd.hex())
            elif ordered:
                compare(label, ws + wd.decode("utf-8", "replace"), gs + gd.decode("utf-8", "replace"))
            else:
                def srt(status, data):
                    text = status + data.decode("utf-8", "replace")
                    head, _, body = text.partition("\n")
                    return head + "\n" + "\n".join(sorted(body.split("\n")))
                if compare(label + " (rows as sorted lines)", srt(ws, wd), srt(gs, gd)) and wd != gd:
                    print(f"note: {label}: same rows in another order than PostgreSQL's", flush=True)
        oids_after = oids(px)
        compare("pg_class OIDs unchanged while notes grew", oids_before, oids_after)
        writer.stop_flag.set()
        writer.join(10)
        R.check(f"background writer inserted rows into {WRITER_TABLE} throughout ({writer.rows})",
                writer.error is None and writer.rows > 0, str(writer.error))
        if copy_failed is None:
            want = amtest.pg_connect(DB).cursor()
            want.execute("SELECT count(*) FROM notes")
            n = want.fetchone()[0]
            try:
                pgcompare.wait_for(lambda: m.query("SELECT count(*) FROM notes") == [(n,)], 60,
                                   f"the proxy to show the {n} rows of notes")
                R.check("the proxy shows the writer's rows", True)
            except TimeoutError as e:
                R.check("the proxy shows the writer's rows", False, str(e))
    except Exception as e:  # noqa: BLE001 - report and fail
        R.check("describe run", False, f"{type(e).__name__}: {e}")
    finally:
        if writer is not None:
            writer.stop_flag.set()
            writer.join(10)
        if m is not None:
            m.stop()
        amtest.drop_db(DB)
    print(f"describe: {COUNT['same']} same of {COUNT['all']}", flush=True)
    R.finish()


if __name__ == "__main__":
    main()
