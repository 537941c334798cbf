#!/usr/bin/python3
"""tests/e2e/py_clients_check.py CLIENT HOST PORT DB USER PASSWORD: what one Python client sees,
for test_client_compare.py, which runs it against PostgreSQL and against the proxy and compares
the printout section by section ("== name" lines). CLIENT is one of:

  psycopg     psycopg 3: text and binary result formats (values as repr(), so Decimal, UUID,
              dict, list, timedelta, datetime with its tzinfo show), cursor.description,
              a server-side (named) cursor fetched in pieces, parameters (client- and
              server-side binding), cursor.copy() of COPY ... TO STDOUT in text, csv and binary
  sqlalchemy  SQLAlchemy 1.4 over psycopg2: inspect(engine) — schema and table names,
              get_columns, get_pk_constraint, get_indexes, get_unique_constraints,
              get_foreign_keys, get_check_constraints, get_table_comment, get_enums, views,
              sequences — and a Core select through a reflected Table
  asyncpg     asyncpg (Debian's python3-asyncpg): always the extended protocol with binary
              results, its own type introspection (a recursive query over pg_type for enums,
              domains, composites and arrays of them), prepared statements' parameter and
              attribute types, parameters, a cursor in a transaction, copy_from_query
  odbc        psqlODBC (Debian's odbc-postgresql, Unicode driver) through unixODBC: odbcinst.ini
              and odbc.ini in a temp dir (ODBCSYSINI/ODBCINI), then with pyodbc SQLTables,
              SQLColumns, SQLPrimaryKeys, SQLStatistics, SQLForeignKeys, SQLGetTypeInfo and a
              parameterised query; and unixODBC's isql `help` (SQLTables) and `help TABLE`
              (SQLColumns)

A failure in a section prints "error <class>: <first line>" (with the SQLSTATE where the driver
gives one) and the next section runs.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

OUT = []

Q_TYPES = ("SELECT id, i2, i4, i8, num, num102, num405, f4, f8, t, vc, ch, b, ba, ttz, u, j, jb, ai, at, an, "
           "m, dom, ip, mn, bt FROM alltypes ORDER BY id")
Q_INTERVALS = "SELECT id, iv, tm FROM alltypes WHERE id NOT IN (2, 3) ORDER BY id"
Q_HUGE_INTERVAL = "SELECT id, iv, tm FROM alltypes WHERE id IN (2, 3) ORDER BY id"  # beyond timedelta, 24:00
Q_DATES = "SELECT id, d, ts, tstz FROM alltypes WHERE id NOT IN (2, 3, 4) ORDER BY id"
Q_INFINITE = "SELECT id, d, ts, tstz FROM alltypes WHERE id IN (2, 3, 4) ORDER BY id"
Q_CUSTOMERS = "SELECT * FROM customers WHERE id > 1995 OR id IN (1, 2, 9) ORDER BY id"
Q_ORDERS = ("SELECT o.id, o.total, o.ordered_at, o.status, o.discount, o.shipping, c.name, c.created_at, c.tags "
            "FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id <= 12 ORDER BY o.id")
Q_AGG = ("SELECT status, count(*), sum(total), avg(total), min(ordered_at), max(discount), sum(shipping), "
         "array_agg(id ORDER BY id) FILTER (WHERE id < 40) FROM orders GROUP BY status ORDER BY status")
Q_DOCS = "SELECT id, body, raw, body -> 'tags' AS tags FROM docs WHERE id <= 6 ORDER BY id"
Q_EVENTS = "SELECT id, at, local_ts, kind, duration FROM events WHERE id <= 6 OR id BETWEEN 30 AND 33 ORDER BY id"
# Results whose DuckDB type is wider or narrower than PostgreSQL's (ascii() is BIGINT in DuckDB,
# int4 here): binary values must have PostgreSQL's width; an array of a domain (posint[]) names
# the domain in array_send's header and sends each element as its base type
Q_COMPUTED = ("SELECT id, ascii(t), length(t), octet_length(t), strpos(t, 'o'), array_length(ai, 1), cardinality(ai), "
              "i2 + i2, f4 + 1, f4 * 2, f4::float8, ARRAY[ascii(t), length(t)], array_position(ai, 7), "
              "ARRAY[f4 + 1], ARRAY[i2 + 1], ARRAY[m], ARRAY[j], ARRAY[dom] FROM alltypes WHERE id NOT IN (2, 3) ORDER BY id")
QUERIES = [("alltypes, no dates", Q_TYPES), ("computed numbers", Q_COMPUTED), ("intervals and times", Q_INTERVALS), ("interval beyond timedelta, time 24:00", Q_HUGE_INTERVAL), ("alltypes, finite dates", Q_DATES), ("alltypes, infinite and BC dates", Q_INFINITE),
           ("customers", Q_CUSTOMERS), ("orders join", Q_ORDERS), ("aggregates", Q_AGG), ("docs", Q_DOCS),
           ("events", Q_EVENTS), ("Mixed Case", 'SELECT * FROM "Mixed Case" ORDER BY "Id" LIMIT 5')]


def section(name, fn):
    OUT.append(f"== {name}")
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - printed and compared
        code = getattr(e, "sqlstate", None) or getattr(e, "pgcode", None) or ""
        if not code and getattr(e, "args", None) and isinstance(e.args[0], str) and e.args[0][:5].isalnum():
            code = e.args[0] if len(e.args) > 1 else ""
        OUT.append(f"error {type(e).__name__} {code}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")


def rows_repr(rows):
    for r in rows:
        OUT.append(" | ".join(repr(bytes(v)) if isinstance(v, memoryview) else repr(v) for v in r))


# ---- psycopg 3 --------------------------------------------------------------------------------

def psycopg_client(host, port, db, user, password):
    import psycopg

    conn = psycopg.connect(host=host, port=port, dbname=db, user=user, password=password, connect_timeout=10,
                           autocommit=True)
    info = conn.info
    OUT.append(f"== connection\nserver_version {info.server_version // 10000} encoding {info.encoding} "
               f"TimeZone {info.parameter_status('TimeZone')} DateStyle {info.parameter_status('DateStyle')} "
               f"integer_datetimes {info.parameter_status('integer_datetimes')} "
               f"standard_conforming_strings {info.parameter_status('standard_conforming_strings')}")

    def run(q, binary, params=None, prepare=None):
        cur = conn.cursor(binary=binary)
        cur.execute(q, params, prepare=prepare)
        OUT.append("description " + " ".join(f"{d.name}:{d.type_code}:{d.internal_size}:{d.precision}:{d.scale}"
                                               for d in cur.description))
        rows_repr(cur.fetchall())

    for name, q in QUERIES:
        section(f"psycopg text: {name}", lambda q=q: run(q, False))
        section(f"psycopg binary: {name}", lambda q=q: run(q, True))
    pq = "SELECT id, name, credit, tags, created_at FROM customers WHERE id = ANY(%s) AND name LIKE %s AND vip = %s ORDER BY id"
    params = ([1, 2, 13, 26, 2001], "customer%", False)
    section("psycopg parameters (server-side binding)", lambda: run(pq, False, params))
    section("psycopg parameters, prepared, binary x6", lambda: [run(pq, True, params, prepare=True) for _ in range(6)])
    # an untyped parameter leaves DuckDB's result types unknown until Bind: the numeric[] beside
    # it must still go out as numeric[] (it went out as DuckDB's text[] under numeric[]'s OID)
    section("psycopg binary: arrays beside an untyped parameter", lambda: run(
        "SELECT %s AS k, array_agg(coalesce(total, 1.5) ORDER BY id) AS a, array_agg(discount ORDER BY id) AS d "
        "FROM orders WHERE id <= 5 GROUP BY 1", True, ("x",)))
    # a parameter as a sort, group or DISTINCT ON key is one constant (DuckDB refuses a bare one
    # there: "Parameter not supported in ORDER BY clause")
    section("psycopg parameter as ORDER BY, GROUP BY, DISTINCT ON key", lambda: [
        run("SELECT id FROM alltypes ORDER BY %s, id DESC", False, ("x",)),
        run("SELECT %s AS k, count(*) FROM alltypes GROUP BY k", False, ("x",)),
        run("SELECT count(*) FROM alltypes GROUP BY %s, b ORDER BY 1", False, ("x",)),
        run("SELECT DISTINCT ON (%s) count(*) OVER () FROM alltypes", False, ("x",))])
    section("psycopg typed parameters", lambda: run(
        "SELECT %s::int8 + 1, %s * 2, %s::timestamptz, %s::uuid, %s::jsonb, %s::interval, %s::numeric[]", False,
        (41, __import__("decimal").Decimal("1.25"), "2024-02-29 12:00+02", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
         '{"b":1,"a":2}', "1 day 02:00", [1.5, None])))

    def named():
        with conn.transaction():
            with conn.cursor(name="am_named", binary=False) as cur:
                cur.itersize = 4
                cur.execute("SELECT id, total, status, ordered_at FROM orders WHERE id <= 11 ORDER BY id")
                rows_repr(cur.fetchmany(3))
                OUT.append("-- scroll")
                cur.scroll(1)
                rows_repr(cur.fetchmany(2))
                OUT.append("-- rest")
                rows_repr(cur.fetchall())
    section("psycopg server-side cursor", named)

    def named_binary():
        with conn.transaction():
            with conn.cursor(name="am_named_b", binary=True) as cur:
                cur.execute(Q_TYPES)
                rows_repr(cur.fetchall())
    section("psycopg server-side cursor, binary", named_binary)

    def copy(q):
        cur = conn.cursor()
        with cur.copy(q) as cp:
            data = b"".join(bytes(b) for b in cp)
        OUT.append(data.hex() if b"PGCOPY" in data[:11] else data.decode("utf-8", "replace"))
    section("psycopg COPY text", lambda: copy("COPY (SELECT * FROM alltypes ORDER BY id) TO STDOUT"))
    section("psycopg COPY csv header", lambda: copy("COPY (SELECT * FROM customers WHERE id > 1990 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)"))
    section("psycopg COPY binary", lambda: copy("COPY (SELECT id, i2, i8, num102, f8, t, b, ba, d, tstz, u, ai FROM alltypes WHERE id <> 3 ORDER BY id) TO STDOUT (FORMAT binary)"))
    section("psycopg COPY table", lambda: copy("COPY sales.regions (code, name, population) TO STDOUT"))

    def copy_rows():
        cur = conn.cursor()
        with cur.copy("COPY (SELECT id, total, status FROM orders WHERE id <= 5 ORDER BY id) TO STDOUT") as cp:
            cp.set_types(["int4", "numeric", "text"])
            rows_repr(list(cp.rows()))
    section("psycopg COPY rows with types", copy_rows)
    conn.close()


# ---- SQLAlchemy 1.4 over psycopg2 -------------------------------------------------------------

def sqlalchemy_client(host, port, db, user, password):
    import sqlalchemy
    from sqlalchemy import inspect, create_engine

    eng = create_engine(f"postgresql+psycopg2://{user}:{password}@{host}:{port}/{db}", connect_args={"connect_timeout": 10})
    insp = inspect(eng)
    OUT.append(f"== engine\nSQLAlchemy {sqlalchemy.__version__.split('.')[0]} server_version_info "
               f"{eng.dialect.server_version_info[:1]} default_schema {eng.dialect.default_schema_name}")
    section("get_schema_names", lambda: OUT.append(repr(insp.get_schema_names())))
    for schema in (None, "sales"):
        tables = []

        def names(schema=schema):
            tables.extend(insp.get_table_names(schema=schema))
            OUT.append(repr(tables))
        section(f"get_table_names({schema})", names)
        section(f"get_view_names({schema})", lambda schema=schema: OUT.append(repr(insp.get_view_names(schema=schema))))
        section(f"get_sequence_names({schema})", lambda schema=schema: OUT.append(repr(insp.get_sequence_names(schema=schema))))
        for t in tables:
            for what in ("get_columns", "get_pk_constraint", "get_indexes", "get_unique_constraints", "get_foreign_keys",
                         "get_check_constraints", "get_table_comment"):
                def one(what=what, t=t, schema=schema):
                    got = getattr(insp, what)(t, schema=schema)
                    OUT.append(repr(got))
                section(f"{what}({schema}.{t})", one)
    section("get_enums", lambda: OUT.append(repr(insp.get_enums(schema="*"))))
    section("has_table", lambda: OUT.append(repr([insp.has_table("customers"), insp.has_table("nope"),
                                                  insp.has_table("regions", schema="sales")])))

    def reflected():
        md = sqlalchemy.MetaData()
        t = sqlalchemy.Table("orders", md, autoload_with=eng)
        q = sqlalchemy.select(t.c.id, t.c.total, t.c.status).where(t.c.id < 6).order_by(t.c.id)
        with eng.connect() as c:
            rows_repr(c.execute(q).fetchall())
        OUT.append(repr([(c.name, repr(c.type), c.nullable, c.primary_key) for c in t.columns]))
    section("reflected Table select", reflected)
    eng.dispose()


# ---- psqlODBC through unixODBC -----------------------------------------------------------------

def odbc_client(host, port, db, user, password):
    d = tempfile.mkdtemp(prefix="am-odbc-")
    try:
        odbc_in(d, host, port, db, user, password)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def odbc_in(d, host, port, db, user, password):
    """The ODBC checks with their odbc.ini and odbcinst.ini in directory d."""
    drv = "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"
    with open(os.path.join(d, "odbcinst.ini"), "w") as f:
        f.write(f"[AM PostgreSQL Unicode]\nDescription=psqlODBC Unicode\nDriver={drv}\n")
    with open(os.path.join(d, "odbc.ini"), "w") as f:
        f.write(f"[am]\nDriver=AM PostgreSQL Unicode\nServername={host}\nPort={port}\nDatabase={db}\n"
                f"Username={user}\nPassword={password}\nSSLmode=disable\n")
    os.environ["ODBCSYSINI"] = d
    os.environ["ODBCINI"] = os.path.join(d, "odbc.ini")
    import pyodbc

    conn = pyodbc.connect(f"DSN=am;UID={user};PWD={password}", autocommit=True, timeout=10)
    OUT.append(f"== connection\nDBMS {conn.getinfo(pyodbc.SQL_DBMS_NAME)} {conn.getinfo(pyodbc.SQL_DBMS_VER)[:2]} "
               f"database {conn.getinfo(pyodbc.SQL_DATABASE_NAME)} user {conn.getinfo(pyodbc.SQL_USER_NAME)} "
               f"quote {conn.getinfo(pyodbc.SQL_IDENTIFIER_QUOTE_CHAR)}")

    def rows(cur, unordered=False):
        OUT.append("columns " + " ".join(f"{c[0]}:{c[1].__name__}:{c[3]}:{c[4]}:{c[5]}:{c[6]}" for c in cur.description))
        got = cur.fetchall()
        # psqlODBC's table-type list comes from a query without ORDER BY: no order to compare
        rows_repr(sorted(got, key=repr) if unordered else got)
    section("SQLTables(schema=public)", lambda: rows(conn.cursor().tables(schema="public")))
    section("SQLTables(schema=sales, tableType=TABLE)", lambda: rows(conn.cursor().tables(schema="sales", tableType="TABLE")))
    section("SQLTables(catalog types)",
            lambda: rows(conn.cursor().tables(catalog="", schema="", table="", tableType="%"), unordered=True))
    for t, s in (("customers", "public"), ("alltypes", "public"), ("Mixed Case", "public"), ("targets", "sales")):
        section(f"SQLColumns({s}.{t})", lambda t=t, s=s: rows(conn.cursor().columns(table=t, schema=s)))
        section(f"SQLPrimaryKeys({s}.{t})", lambda t=t, s=s: rows(conn.cursor().primaryKeys(t, schema=s)))
        section(f"SQLStatistics({s}.{t})", lambda t=t, s=s: rows(conn.cursor().statistics(t, schema=s)))
    section("SQLForeignKeys(items)", lambda: rows(conn.cursor().foreignKeys(table="items", schema="public")))
    section("SQLForeignKeys(referencing customers)", lambda: rows(conn.cursor().foreignKeys(foreignTable="customers", foreignSchema="public")))
    section("SQLGetTypeInfo", lambda: rows(conn.cursor().getTypeInfo()))

    def query():
        cur = conn.cursor()
        cur.execute("SELECT id, name, credit, signup_date, created_at, vip, mood FROM customers WHERE id < ? AND country = ? ORDER BY id", 12, "DE")
        rows(cur)
    section("parameterised query", query)
    # NaN and ±Infinity numerics are no Decimal for pyodbc: those rows are left out
    section("alltypes, finite numbers", lambda: rows(conn.cursor().execute(
        Q_TYPES.replace("ORDER BY", "WHERE id NOT IN (2, 3, 4, 5) ORDER BY"))))
    conn.close()

    def isql(commands):
        p = subprocess.run(["isql", "-b", "-v", "-d|", "am", user, password], input=commands, capture_output=True,
                           text=True, timeout=60, env=dict(os.environ))
        OUT.append(p.stdout + (f"--- stderr\n{p.stderr}" if p.stderr else ""))
    section("isql help (SQLTables)", lambda: isql("help\n"))
    section("isql help customers (SQLColumns)", lambda: isql("help customers\n"))
    section("isql query", lambda: isql("SELECT code, name, population FROM sales.regions ORDER BY code\n"))


# ---- asyncpg ----------------------------------------------------------------------------------

def asyncpg_client(host, port, db, user, password):
    import asyncio
    import io

    import asyncpg

    async def body():
        conn = await asyncpg.connect(host=host, port=port, database=db, user=user, password=password,
                                     timeout=10, ssl=False)
        OUT.append(f"== asyncpg connection\nserver_version {conn.get_server_version().major}")

        async def asection(name, fn):
            OUT.append(f"== {name}")
            try:
                await fn()
            except Exception as e:  # noqa: BLE001 - printed and compared
                code = getattr(e, "sqlstate", "") or ""
                OUT.append(f"error {type(e).__name__} {code}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")

        async def run(q, *args):
            st = await conn.prepare(q)
            OUT.append("parameters " + " ".join(f"{t.name}:{t.kind}:{t.schema}" for t in st.get_parameters()))
            OUT.append("attributes " + " ".join(f"{a.name}:{a.type.oid}:{a.type.name}:{a.type.kind}"
                                                for a in st.get_attributes()))
            rows_repr([tuple(r.values()) for r in await st.fetch(*args)])

        for name, q in QUERIES:
            await asection(f"asyncpg: {name}", lambda q=q: run(q))
        await asection("asyncpg: enum, domain and array of text",
                       lambda: run("SELECT id, mood, email, tags FROM customers WHERE id <= 5 ORDER BY id"))
        pq = ("SELECT id, name, credit, tags, created_at FROM customers WHERE id = ANY($1) AND name LIKE $2 "
              "AND vip = $3 ORDER BY id")
        await asection("asyncpg parameters", lambda: run(pq, [1, 2, 13, 26, 2001], "customer%", False))
        await asection("asyncpg parameters again (statement cache)", lambda: run(pq, [3, 4], "customer%", False))
        await asection("asyncpg typed parameters", lambda: run(
            "SELECT $1::int8 + 1, $2::numeric * 2, $3::text || 'x', $4::date, $5::bool", 41,
            __import__("decimal").Decimal("1.25"), "a", __import__("datetime").date(2024, 2, 29), True))
        await asection("asyncpg fetchval", lambda: _val(conn, "SELECT count(*) FROM orders"))

        async def cursor():
            async with conn.transaction():
                async for r in conn.cursor("SELECT id, total, status FROM orders WHERE id <= 11 ORDER BY id",
                                           prefetch=4):
                    rows_repr([tuple(r.values())])
        await asection("asyncpg cursor in a transaction", cursor)

        async def copy():
            buf = io.BytesIO()
            await conn.copy_from_query("SELECT id, total, status FROM orders WHERE id <= 5 ORDER BY id",
                                       output=buf, format="csv", header=True)
            OUT.append(buf.getvalue().decode())
        await asection("asyncpg copy_from_query csv", copy)
        await asection("asyncpg error", lambda: conn.execute("SELECT 1 / (id - id) FROM orders"))
        await conn.close()

    asyncio.run(body())


async def _val(conn, q):
    OUT.append(repr(await conn.fetchval(q)))


def main():
    client, host, port, db, user, password = sys.argv[1:7]
    fn = {"psycopg": psycopg_client, "sqlalchemy": sqlalchemy_client, "odbc": odbc_client,
          "asyncpg": asyncpg_client}[client]
    OUT.append(f"== {client} connect")
    try:
        fn(host, int(port), db, user, password)
    except Exception as e:  # noqa: BLE001 - printed and compared
        OUT.append(f"error {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
        OUT.append("".join(traceback.format_exception_only(type(e), e)).strip().splitlines()[-1])
    sys.stdout.write("\n".join(OUT) + "\n")


if __name__ == "__main__":
    main()
