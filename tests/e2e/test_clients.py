#!/usr/bin/python3
"""End to end with the real clients: a table of the common column types (a NULL in every
column, unicode text, extreme values) and a second table to join are copied by a running
mirror; then psql, psycopg2, pgjdbc and node-postgres each read the same queries from the
proxy and from PostgreSQL itself, and must read exactly the same thing:

- psql -X -A -t (and -A with its header line): stdout byte for byte, in three time zones;
- psycopg2: rows as Python objects, column names and type codes;
- pgjdbc (tests/e2e/JdbcCheck.java): a PreparedStatement run 7 times, past prepareThreshold,
  so text and then binary results; its printout byte for byte, in two JVM time zones;
- node-postgres (tests/e2e/node_pg_check.js): parameterised (extended protocol), named
  statement, binary results; its printout byte for byte.

Each also: a join with GROUP BY, a wrong password refused as PostgreSQL refuses it (28P01),
writes refused with 25006, and psycopg2's named (server-side) cursors.

Known PostgreSQL/DuckDB differences the queries stay clear of (values are DuckDB's):
- types the lake does not keep: smallint reads back as integer, varchar(n) as text
  (TYPE_SUBSTITUTES); sum(integer) is numeric (HUGEINT), not bigint; avg() and stddev() of
  integers and numerics are double precision; sum(real) is double precision; x::numeric
  without a typmod is numeric(18,3); numeric division keeps fewer digits (7.0 / 2 is 3.5, not
  3.5000000000000000); numeric literals such as 1e300 are double precision;
- errors: integer or float division by zero is NULL (PostgreSQL: 22012); avg() of doubles
  whose squares overflow answers (PostgreSQL: 22003); messages differ (SQLSTATEs agree);
- time zones: the session TimeZone drives output only; casts and functions on timestamptz
  (::date, ::timestamp, date_trunc, extract) compute in UTC;
- functions: date_trunc('month', timestamp) is a date; round() of a double rounds half away
  from zero (PostgreSQL: to even); generate_series() in a select list is one list, not rows;
- SQL: GROUP BY a primary key does not cover the table's other columns; VALUES names its
  columns col0..., not column1...; text sorts bytewise (as in the C collation).
"""
import decimal
import os
import subprocess

import psycopg2

import amtest

R = amtest.Results("test_clients")
DB = "e2e_clients"
E2E = os.path.dirname(os.path.abspath(__file__))
JAR = "/usr/share/java/postgresql.jar"

SCHEMA = r"""
CREATE TABLE typed (
    id bigint PRIMARY KEY,
    i integer,
    si smallint,
    n numeric(12,2),
    t text,
    vc varchar(40),
    b boolean,
    d date,
    ts timestamp,
    tz timestamptz,
    f4 real,
    f8 double precision,
    ba bytea
);
INSERT INTO typed VALUES
 (1, 42, 7, 1234.50, 'hello', 'world', true, '2024-02-29', '2024-02-29 13:14:15.123456',
  '2024-02-29 13:14:15.5+02', 1.5, 0.1, '\x00ff10'),
 (2, -2147483648, -32768, -9999999999.99, 'héllo wörld ✓ 日本語 🐘', 'ünïcødé', false,
  '1970-01-01', '1999-12-31 23:59:59', '1970-01-01 00:00:00+00', -3.25, 1e-300, '\x'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 2147483647, 32767, 0.01, E'tab\tand\nnewline', 'quote '' "dq" \ back', true, '0001-01-01',
  '2000-01-01 00:00:00', '2038-01-19 03:14:08+00', 3.4028235e38, 1.7976931348623157e308,
  '\xdeadbeef'),
 (9007199254740993, 0, 0, 0, '', '', false, '9999-12-31', '1900-06-15 12:00:00.000001',
  '1900-06-15 12:00:00+05:30', 0.3333333, 2.718281828459045, 'abc');
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    typed_id bigint NOT NULL,
    qty integer NOT NULL,
    amount numeric(12,2) NOT NULL
);
INSERT INTO orders
SELECT g, (ARRAY[1, 2, 4, 9007199254740993])[1 + g % 4], g % 7 + 1, round((g * 3.17)::numeric, 2)
FROM generate_series(1, 40) g;
"""

COLS = "id, i, si, n, t, vc, b, d, ts, tz, f4, f8, ba"
# Every column and row; NULLs sort first descending, as in PostgreSQL.
Q_ALL = f"SELECT {COLS} FROM typed ORDER BY id"
Q_NULLS = "SELECT id, t FROM typed ORDER BY t DESC, id"
# sum(integer) is bigint in PostgreSQL but HUGEINT (numeric here) in DuckDB: cast it.
Q_JOIN = ("SELECT t.id, t.vc, count(*) AS n, sum(o.qty)::bigint AS qty, sum(o.amount) AS amount, "
          "min(o.amount), max(o.qty), i / 7 AS i7 FROM typed t JOIN orders o ON o.typed_id = t.id "
          "GROUP BY t.id, t.vc, t.i ORDER BY t.id")
# Unaliased expressions: the columns must be named as PostgreSQL names them.
Q_NAMES = ("SELECT count(*) OVER (), max(t) OVER (), d::text, i % 7, 1 + 1, coalesce(si, -1), "
           "CASE WHEN b THEN 'y' ELSE 'n' END, id AS Mixed, (SELECT max(qty) FROM orders) FROM typed ORDER BY id")
# Integer division truncates, float is double precision, as in PostgreSQL.
Q_EXPRS = ("SELECT id, i / 7 AS q, i % 7 AS r, f4::float / 3 AS third, n * 2 AS twice, t || '!' AS bang "
           "FROM typed ORDER BY id")
QUERIES = {"all": Q_ALL, "nulls": Q_NULLS, "join": Q_JOIN, "names": Q_NAMES, "exprs": Q_EXPRS}

# Type OIDs the mirror cannot keep: smallint is stored as an Iceberg int and read back as
# integer; varchar(n) becomes Iceberg string, read back as text. Values are unchanged.
TYPE_SUBSTITUTES = {21: 23, 1043: 25}


def env_with(**kw):
    return dict(os.environ, **kw)


def same(what, want, got):
    if want == got:
        return R.check(what, True)
    return R.check(what, False, f"\n--- postgres ---\n{want[:3000]}\n--- proxy ---\n{got[:3000]}")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


# ---- psql --------------------------------------------------------------------------------

def psql(port, password, sql, *flags, tz="UTC", extra_env=None):
    env = env_with(PGPASSWORD=password, PGTZ=tz, PGCONNECT_TIMEOUT="10", **(extra_env or {}))
    out = run(["psql", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", amtest.PGUSER, "-d", DB,
               *flags, "-c", sql], env=env)
    return out.returncode, out.stdout, out.stderr.replace(str(port), "PORT")


def check_psql(m):
    for tz in ("UTC", "Asia/Kolkata", "America/New_York"):
        for name, q in QUERIES.items():
            want = psql(amtest.PGPORT, amtest.PGPASSWORD, q, "-A", "-t", tz=tz)
            got = psql(m.proxy_port, amtest.PGPASSWORD, q, "-A", "-t", tz=tz)
            same(f"psql -A -t {name} (TimeZone {tz})", want, got)
    for name in ("join", "names"):
        want = psql(amtest.PGPORT, amtest.PGPASSWORD, QUERIES[name], "-A")
        got = psql(m.proxy_port, amtest.PGPASSWORD, QUERIES[name], "-A")
        same(f"psql -A {name}: header line and row count", want, got)
    want = psql(amtest.PGPORT, "wrong", "SELECT 1")
    got = psql(m.proxy_port, "wrong", "SELECT 1")
    same("psql: a wrong password fails as PostgreSQL fails it", want, got)
    R.check("psql: ... with 'password authentication failed'", "password authentication failed" in got[2], got[2])
    for sql in ("INSERT INTO typed (id) VALUES (100)", "CREATE TABLE x (a int)"):
        rc, _, err = psql(m.proxy_port, amtest.PGPASSWORD, sql, "-v", "VERBOSITY=sqlstate")
        R.check(f"psql: {sql.split('(')[0].strip()} is refused with 25006", rc != 0 and "ERROR:  25006" in err, err)


# ---- psycopg2 -----------------------------------------------------------------------------

def py_rows(conn, sql, params=None):
    cur = conn.cursor()
    cur.execute(sql, params)
    rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cur.fetchall()]
    desc = [(d.name, TYPE_SUBSTITUTES.get(d.type_code, d.type_code)) for d in cur.description]
    return desc, rows


def py_connect(port, tz=None, password=amtest.PGPASSWORD):
    kw = {"options": f"-c TimeZone={tz}"} if tz else {}
    c = psycopg2.connect(host="127.0.0.1", port=port, user=amtest.PGUSER, password=password, dbname=DB,
                         connect_timeout=10, **kw)
    return c


def check_psycopg2(m):
    for tz in (None, "Asia/Kolkata"):
        pg, am = py_connect(amtest.PGPORT, tz), py_connect(m.proxy_port, tz)
        try:
            for name, q in QUERIES.items():
                same(f"psycopg2 {name} (TimeZone {tz or 'default'})", py_rows(pg, q), py_rows(am, q))
            q = f"SELECT {COLS} FROM typed WHERE id > %s AND (t <> %s OR t IS NULL) ORDER BY id"
            args = (1, "hello")
            same("psycopg2 with parameters", py_rows(pg, q, args), py_rows(am, q, args))
        finally:
            pg.close()
            am.close()
    _, rows = py_rows(m.connect(), "SELECT n, tz FROM typed WHERE id = 1")
    R.check("psycopg2: numeric is a Decimal, timestamptz is aware", isinstance(rows[0][0], decimal.Decimal)
            and rows[0][1].utcoffset() is not None, repr(rows))
    check_psycopg2_errors(m)
    check_named_cursor(m)


def connect_error(port, password):
    try:
        py_connect(port, password=password).close()
        return "connected"
    except psycopg2.OperationalError as e:
        return str(e).replace(str(port), "PORT")


def check_psycopg2_errors(m):
    want, got = connect_error(amtest.PGPORT, "wrong"), connect_error(m.proxy_port, "wrong")
    same("psycopg2: a wrong password fails as PostgreSQL fails it", want, got)
    c = m.connect(autocommit=False)
    try:
        for sql in ("INSERT INTO typed (id) VALUES (100)", "CREATE TABLE x (a int)"):
            code = None
            try:
                c.cursor().execute(sql)
            except psycopg2.Error as e:
                code = e.pgcode
            c.rollback()
            R.check(f"psycopg2: {sql.split('(')[0].strip()} is refused with 25006", code == "25006", str(code))
    finally:
        c.close()


def named_rows(conn, sql, itersize):
    cur = conn.cursor(name="e2e_named")
    cur.itersize = itersize
    cur.execute(sql)
    first = cur.fetchmany(2)
    rest = list(cur)
    cur.close()
    conn.commit()
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in first + rest]


def check_named_cursor(m):
    pg, am = py_connect(amtest.PGPORT), py_connect(m.proxy_port)
    try:
        for itersize in (1, 3, 2000):
            same(f"psycopg2 named cursor (DECLARE/FETCH/CLOSE), itersize {itersize}",
                 named_rows(pg, Q_ALL, itersize), named_rows(am, Q_ALL, itersize))
    except psycopg2.Error as e:
        R.check("psycopg2 named cursor", False, f"{e.pgcode} {e}")
    finally:
        pg.close()
        am.close()


# ---- pgjdbc -------------------------------------------------------------------------------

def jdbc(port, password, sql, *params, tz="UTC", repeat=7):
    out = run(amtest.java("JdbcCheck", "127.0.0.1", str(port), DB, amtest.PGUSER, password, str(repeat), sql,
                          *params, tz=tz))
    return out.returncode, out.stdout, out.stderr[-2000:]


def check_jdbc(m):
    if not os.path.exists(JAR):
        return R.check("pgjdbc installed (libpostgresql-jdbc-java)", False, JAR)
    cases = {"all": (f"SELECT {COLS} FROM typed WHERE id > ? ORDER BY id", "long:0"),
             "nulls": (Q_NULLS.replace("ORDER", "WHERE id <> ? ORDER"), "long:-1"),
             "join": (Q_JOIN.replace("GROUP BY", "WHERE o.qty >= ? GROUP BY"), "int:1"),
             "names": (Q_NAMES.replace("ORDER BY", "WHERE t IS DISTINCT FROM ? ORDER BY"), "string:x")}
    for tz in ("UTC", "Asia/Kolkata"):
        for name, (q, param) in cases.items():
            want = jdbc(amtest.PGPORT, amtest.PGPASSWORD, q, param, tz=tz)
            got = jdbc(m.proxy_port, amtest.PGPASSWORD, q, param, tz=tz)
            R.check(f"pgjdbc {name}: ran 7 times", want[1].count("\nrun ") == 6, want[1][-2000:] + want[2])
            same(f"pgjdbc {name}, text then binary results (JVM zone {tz})", want, got)
    got = jdbc(m.proxy_port, "wrong", "SELECT 1", repeat=1)
    R.check("pgjdbc: a wrong password is refused with 28P01", got[1] == "error 28P01\n", got)
    for sql in ("INSERT INTO typed (id) VALUES (100)", "CREATE TABLE x (a int)"):
        got = jdbc(m.proxy_port, amtest.PGPASSWORD, sql, repeat=1)
        R.check(f"pgjdbc: {sql.split('(')[0].strip()} is refused with 25006", got[1] == "run 1\nerror 25006\n", got)


# ---- node-postgres ------------------------------------------------------------------------

def node(port, password, sql, *params, tz="UTC"):
    out = run(["node", os.path.join(E2E, "node_pg_check.js"), "127.0.0.1", str(port), DB, amtest.PGUSER,
               password, sql, *params], env=env_with(TZ=tz))
    text = out.stdout
    for a, b in TYPE_SUBSTITUTES.items():
        text = text.replace(f":{a} ", f":{b} ").replace(f":{a}\n", f":{b}\n")
    return out.returncode, text, out.stderr[-2000:]


def check_node(m):
    cases = {"all": (f"SELECT {COLS} FROM typed WHERE id > $1 ORDER BY id", "0"),
             "all, no parameters": (Q_ALL,),
             "nulls": (Q_NULLS,),
             "join": (Q_JOIN.replace("GROUP BY", "WHERE o.qty >= $1 GROUP BY"), "1"),
             "names": (Q_NAMES,),
             "exprs": (Q_EXPRS,)}
    for tz in ("UTC", "Asia/Kolkata"):
        for name, args in cases.items():
            want = node(amtest.PGPORT, amtest.PGPASSWORD, *args, tz=tz)
            got = node(m.proxy_port, amtest.PGPASSWORD, *args, tz=tz)
            R.check(f"node-postgres {name}: ran", want[0] == 0 and "named 2:" in want[1], want[1][-2000:] + want[2])
            same(f"node-postgres {name} (TZ {tz})", want, got)
    got = node(m.proxy_port, "wrong", "SELECT 1")
    R.check("node-postgres: a wrong password is refused with 28P01", got[1] == "error 28P01\n", got)
    for sql in ("INSERT INTO typed (id) VALUES (100)", "CREATE TABLE x (a int)"):
        got = node(m.proxy_port, amtest.PGPASSWORD, sql)
        R.check(f"node-postgres: {sql.split('(')[0].strip()} is refused with 25006", got[1] == "error 25006\n", got)


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute(SCHEMA)
    m = amtest.Mirror(DB, [("public", "typed"), ("public", "orders")]).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT (SELECT count(*) FROM typed), (SELECT count(*) FROM orders)")
                          == [(5, 40)], 120, "the initial copy of both tables")
        R.check("initial copy visible through the proxy", True)
        check_psql(m)
        check_psycopg2(m)
        check_jdbc(m)
        check_node(m)
    except Exception as e:
        R.check("end-to-end run", False, f"{type(e).__name__}: {e}\n--- mirror log (tail) ---\n{m.log()[-4000:]}")
    finally:
        m.stop()
        pg.close()
        amtest.drop_db(DB)
    if R.failed:
        print(m.log()[-6000:])
    R.finish()


if __name__ == "__main__":
    main()
