#!/usr/bin/python3
"""tests/e2e/randcompare.py: random queries, answered by PostgreSQL and by the proxy over the
corpus fixture (tests/e2e/corpus/fixture.sql), compared row by row. A manual exploration tool,
not part of `make test`: what it finds becomes corpus entries. It found stop 26's equality,
array and literal-typing bugs.

    with the AM_TEST_* variables scripts/test.sh sets for the e2e tests (a PostgreSQL from
    tests/support/pg.sh, AM_BIN, AM_TEST_ROOT, AM_TEST_TMP), then
    SEED=1 N=500 [EXTRA=0.5] [ALLT=0.5] [KEEP=1] [SESSION="SET TimeZone = 'Asia/Kolkata'"] \
        /usr/bin/python3 tests/e2e/randcompare.py
    REUSE=1 PROXY_PORT=<port of a kept mirror> ... to query a mirror left running by KEEP=1
    TYPMOD=1 also compares each column's typmod (psycopg2's size, precision, scale);
    PARAMS=1 (with BINARY=1) turns the first plain literal into $1, prepares the statement
    without parameter types and compares the inferred types, then runs it with the literal's text;
    BINARY=1 asks both servers (libpq through ctypes) for binary results and compares their
    bytes and typmods (found int4 results sent in 8 bytes)

EXTRA mixes in subqueries, FILTER, grouping sets, window frames, CTEs, LATERAL, date/time and
arithmetic shapes; ALLT queries every type of the fixture's alltypes table; COLQ each type's own order, equality, grouping and comparisons. Each statement is
classified: same; botherr (both fail with one SQLSTATE); ERRCODE (both fail, codes differ);
refused-<code> (PostgreSQL answers, the proxy fails); ANSWERED (the proxy answers where
PostgreSQL fails: a wrong answer); DIFF (both answer, differently: read it; float sums in the
last digits, ties under ORDER BY ... LIMIT and which of several equal numerics a set operation
keeps are expected there). Everything but same, botherr and refused-0A000 is printed."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg2
import psycopg2.extensions as ext

import amtest
import pgcompare

DB = "e2e_rqg"
SEED = int(os.environ.get("SEED", "1"))
N = int(os.environ.get("N", "2000"))
rnd = random.Random(SEED)

COLS = {
    "customers": {"id": "int8", "name": "text", "country": "text", "city": "text", "signup_date": "date",
                  "created_at": "tstz", "vip": "bool", "credit": "num"},
    "orders": {"id": "int4", "customer_id": "int8", "ordered_at": "ts", "total": "num", "discount": "float4",
               "shipping": "float8", "note": "text"},
    "items": {"order_id": "int4", "line": "int2", "sku": "text", "qty": "int4", "unit_price": "num",
              "weight_kg": "float4"},
    "products": {"sku": "text", "name": "text", "category": "text", "price": "num"},
}
NUMT = ("int2", "int4", "int8", "num", "float4", "float8")


def lit(t):
    if t in ("int2", "int4", "int8"):
        return rnd.choice(["0", "1", "2", "-3", "7", "100", "32767", "2147483647", "-2147483648", "5000"])
    if t == "num":
        return rnd.choice(["0.5", "1.25", "-2.5", "100.00", "0.001", "3", "12345.678", "1e3"])
    if t in ("float4", "float8"):
        return rnd.choice(["0.1::float8", "1.5::float8", "-0.0::float8", "1e10::float8", "3::real"])
    if t == "text":
        return rnd.choice(["'a'", "'customer_1'", "''", "'Berlin'", "'x_%'", "'gift'", "'%er%'"])
    if t == "date":
        return rnd.choice(["date '2021-03-01'", "date '2020-02-29'", "current_date"])
    if t in ("ts", "tstz"):
        return rnd.choice(["timestamp '2023-06-01 12:00'", "timestamptz '2021-01-01 00:00+02'"])
    if t == "bool":
        return rnd.choice(["true", "false", "NULL::bool"])
    return "NULL"


def col(tab, alias, want=None):
    cs = [c for c, t in COLS[tab].items() if want is None or t in want]
    if not cs:
        return None, None
    c = rnd.choice(cs)
    return f"{alias}.{c}", COLS[tab][c]


def num_expr(tabs, depth=0):
    tab, alias = rnd.choice(tabs)
    e, t = col(tab, alias, NUMT)
    if e is None or (depth < 2 and rnd.random() < 0.5):
        r = rnd.random()
        if e is None:
            e, t = lit("int4"), "int4"
        if r < 0.5:
            op = rnd.choice(["+", "-", "*", "/", "%"])
            o, ot = num_expr(tabs, depth + 1)
            return f"({e} {op} {o})", t
        if r < 0.6:
            return f"abs({e})", t
        if r < 0.7:
            return f"round({e}::numeric, {rnd.randint(0, 3)})", "num"
        if r < 0.75:
            return f"({e})::{rnd.choice(['int8', 'numeric', 'float8', 'int4', 'numeric(8,1)', 'real', 'int2'])}", "num"
        if r < 0.8:
            return f"coalesce({e}, {lit(t)})", t
        if r < 0.85:
            return f"nullif({e}, {lit(t)})", t
        if r < 0.9:
            return f"greatest({e}, {lit(t)})", t
        if r < 0.95:
            return f"{rnd.choice(['ceil', 'floor', 'sign', 'trunc'])}({e})", t
        return f"(CASE WHEN {pred(tabs, depth + 1)} THEN {e} ELSE {lit(t)} END)", t
    if rnd.random() < 0.2:
        return lit(rnd.choice(NUMT)), t
    return e, t


def text_expr(tabs, depth=0):
    tab, alias = rnd.choice(tabs)
    e, t = col(tab, alias, ("text",))
    if e is None:
        e = f"({num_expr(tabs, depth + 1)[0]})::text"
    r = rnd.random()
    if depth > 1 or r < 0.4:
        return e
    fns = [f"upper({e})", f"lower({e})", f"length({e})::text", f"substr({e}, {rnd.randint(-1, 4)}, {rnd.randint(0, 5)})",
           f"left({e}, {rnd.randint(-2, 5)})", f"right({e}, {rnd.randint(-2, 5)})", f"({e} || {lit('text')})",
           f"concat({e}, {num_expr(tabs, depth + 1)[0]})", f"replace({e}, 'e', 'E')", f"trim({e})",
           f"lpad({e}, {rnd.randint(0, 12)}, '*')", f"split_part({e}, '_', {rnd.randint(-2, 3)})",
           f"coalesce({e}, 'nil')", f"reverse({e})", f"initcap({e})", f"md5({e})", f"btrim({e}, 'c')",
           f"position('e' in {e})::text", f"strpos({e}, 'o')::text", f"repeat({e}, 2)",
           f"to_char({num_expr(tabs, depth + 1)[0]}, '999G999D99')", f"format('%s-%s', {e}, {e})",
           f"regexp_replace({e}, '[aeiou]', '#', 'g')", f"translate({e}, 'abc', 'xy')"]
    return rnd.choice(fns)


def time_expr(tabs):
    tab, alias = rnd.choice(tabs)
    e, t = col(tab, alias, ("date", "ts", "tstz"))
    if e is None:
        return None
    r = rnd.random()
    opts = [e, f"({e} + interval '{rnd.randint(-40, 40)} days')", f"date_trunc('{rnd.choice(['month', 'week', 'year', 'hour', 'quarter'])}', {e})",
            f"extract({rnd.choice(['year', 'month', 'dow', 'doy', 'epoch', 'hour', 'week', 'isodow', 'quarter'])} from {e})",
            f"to_char({e}, '{rnd.choice(['YYYY-MM-DD', 'Mon DD YYYY', 'HH24:MI', 'Day', 'IW', 'DDD'])}')",
            f"({e})::date", f"age(timestamp '2025-01-01', {e}::timestamp)", f"date_part('day', {e})"]
    if t == "date":
        opts += [f"({e} + {rnd.randint(-5, 400)})", f"({e} - date '2020-01-01')"]
    return opts[int(r * len(opts))]


def pred(tabs, depth=0):
    r = rnd.random()
    if depth < 2 and r < 0.2:
        return f"({pred(tabs, depth + 1)} {rnd.choice(['AND', 'OR'])} {pred(tabs, depth + 1)})"
    if r < 0.25:
        return f"NOT ({pred(tabs, depth + 1)})"
    if r < 0.55:
        e, t = num_expr(tabs, depth + 1)
        op = rnd.choice(["<", "<=", "=", "<>", ">", ">="])
        return f"{e} {op} {lit(t)}"
    if r < 0.65:
        e = text_expr(tabs, depth + 1)
        return f"{e} {rnd.choice(['LIKE', 'ILIKE', 'NOT LIKE'])} {lit('text')}"
    if r < 0.72:
        tab, alias = rnd.choice(tabs)
        e, _ = col(tab, alias)
        return f"{e} IS {rnd.choice(['', 'NOT '])}NULL"
    if r < 0.78:
        e, t = num_expr(tabs, depth + 1)
        return f"{e} BETWEEN {lit(t)} AND {lit(t)}"
    if r < 0.84:
        e, t = num_expr(tabs, depth + 1)
        return f"{e} IN ({', '.join(lit(t) for _ in range(rnd.randint(1, 4)))})"
    if r < 0.88:
        te = time_expr(tabs)
        if te:
            return f"({te})::text > '2021'"
    if r < 0.92 and depth < 2:
        tab, alias = rnd.choice(tabs)
        return f"EXISTS (SELECT 1 FROM items x WHERE x.order_id = {alias}.{list(COLS[tab])[0]} AND x.qty > {rnd.randint(1, 5)})"
    e = text_expr(tabs, depth + 1)
    return f"{e} {rnd.choice(['<', '>', '=', '<>'])} {lit('text')} COLLATE \"C\""


def any_expr(tabs):
    r = rnd.random()
    if r < 0.45:
        return num_expr(tabs)[0]
    if r < 0.75:
        return text_expr(tabs)
    if r < 0.95:
        return time_expr(tabs) or num_expr(tabs)[0]
    return f"({pred(tabs)})"


JOINS = [
    ("orders", "o", [("customers", "c", "c.id = o.customer_id")]),
    ("items", "i", [("orders", "o", "o.id = i.order_id"), ("products", "p", "p.sku = i.sku")]),
    ("customers", "c", []),
    ("products", "p", []),
    ("orders", "o", []),
]


def from_clause():
    base, alias, joins = rnd.choice(JOINS)
    tabs = [(base, alias)]
    sql = f"{base} {alias}"
    for t, a, on in joins:
        if rnd.random() < 0.6:
            kind = rnd.choice(["JOIN", "LEFT JOIN", "JOIN"])
            sql += f" {kind} {t} {a} ON {on}"
            tabs.append((t, a))
    return sql, tabs


def query():
    frm, tabs = from_clause()
    where = f" WHERE {pred(tabs)}" if rnd.random() < 0.7 else ""
    r = rnd.random()
    if r < 0.4:  # aggregate
        keys = [text_expr(tabs) if rnd.random() < 0.5 else num_expr(tabs)[0] for _ in range(rnd.randint(1, 2))]
        aggs = []
        for _ in range(rnd.randint(1, 3)):
            e, t = num_expr(tabs)
            a = rnd.choice(["sum", "avg", "min", "max", "count", "stddev", "variance", "bool_or", "string_agg", "count_distinct",
                            "percentile", "array_agg"])
            if a == "bool_or":
                aggs.append(f"bool_or({pred(tabs)})")
            elif a == "string_agg":
                aggs.append(f"string_agg({text_expr(tabs)}, ',' ORDER BY {text_expr(tabs)} COLLATE \"C\", {e})")
            elif a == "count_distinct":
                aggs.append(f"count(DISTINCT {e})")
            elif a == "percentile":
                aggs.append(f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {e})")
            elif a == "array_agg":
                aggs.append(f"array_agg({e} ORDER BY {e})")
            else:
                aggs.append(f"{a}({e})")
        having = f" HAVING count(*) > {rnd.randint(0, 5)}" if rnd.random() < 0.3 else ""
        sel = ", ".join([f"{k} AS k{i}" for i, k in enumerate(keys)] + [f"{a} AS a{i}" for i, a in enumerate(aggs)])
        grp = ", ".join(str(i + 1) for i in range(len(keys)))
        q = f"SELECT {sel} FROM {frm}{where} GROUP BY {grp}{having}"
        return q, len(keys) + len(aggs)
    if r < 0.5:  # window
        e, _ = num_expr(tabs)
        part = text_expr(tabs)
        tab, alias = tabs[0]
        pk = f"{alias}.{list(COLS[tab])[0]}"
        w = rnd.choice([f"row_number() OVER (PARTITION BY {part} ORDER BY {pk})",
                        f"sum({e}) OVER (PARTITION BY {part} ORDER BY {pk})",
                        f"rank() OVER (ORDER BY {e}, {pk})",
                        f"lag({e}) OVER (ORDER BY {pk})",
                        f"avg({e}) OVER (ORDER BY {pk} ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"])
        q = f"SELECT {pk} AS id, {w} AS w FROM {frm}{where}"
        return q, 2
    if r < 0.6:  # set op
        e1, t = num_expr(tabs)
        frm2, tabs2 = from_clause()
        e2, _ = num_expr(tabs2)
        op = rnd.choice(["UNION", "UNION ALL", "INTERSECT", "EXCEPT"])
        return f"SELECT {e1} AS v FROM {frm}{where} {op} SELECT {e2} FROM {frm2}", 1
    n = rnd.randint(1, 4)
    exprs = [any_expr(tabs) for _ in range(n)]
    dist = "DISTINCT " if rnd.random() < 0.15 else ""
    sel = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
    return f"SELECT {dist}{sel} FROM {frm}{where}", n




def column_query(rnd):
    """A column's (or an alltypes expression's) own semantics: order, equality, grouping, min/max,
    DISTINCT, joins and row comparisons, where each type's rules (collation, -0, NaN, interval
    and jsonb equality, char padding, enum order) decide the answer."""
    c = rnd.choice(list(ALLT))
    v = c if rnd.random() < 0.7 else f"({rnd.choice(ALLT[c])})"
    d = rnd.choice(["", " DESC", " ASC NULLS FIRST", " DESC NULLS LAST"])
    return rnd.choice([
        f"SELECT id, {v} AS v FROM alltypes ORDER BY {v}{d}, id",
        f"SELECT v, count(*) FROM (SELECT {v} AS v FROM alltypes UNION ALL SELECT {v} FROM alltypes WHERE id % 2 = 0) s GROUP BY 1 ORDER BY 1{d}",
        f"SELECT min({v}) AS a, max({v}) AS b FROM alltypes",
        f"SELECT a.id, b.id FROM alltypes a JOIN alltypes b ON (a.{v}) = (b.{v}) ORDER BY 1, 2" if v == c else
        f"SELECT a.id, b.id FROM alltypes a JOIN alltypes b ON a.{c} = b.{c} AND a.id <> b.id ORDER BY 1, 2",
        f"SELECT a.id, b.id FROM alltypes a JOIN alltypes b ON a.{c} < b.{c} ORDER BY 1, 2",
        f"SELECT id, {v} IN (SELECT {v} FROM alltypes WHERE id < 6) AS x FROM alltypes ORDER BY id",
        f"SELECT array_agg({v} ORDER BY {v}{d}, id) FROM alltypes",
        f"SELECT id, lag({v}) OVER (ORDER BY {v}{d}, id) AS l, rank() OVER (ORDER BY {v}{d}) AS r FROM alltypes ORDER BY id",
        f"SELECT DISTINCT {v} AS v FROM alltypes ORDER BY 1{d}",
        f"SELECT id, ({v}, id) < (SELECT {v}, 5 FROM alltypes WHERE id = {rnd.randint(1, 10)}) AS x FROM alltypes ORDER BY id",
        f"SELECT id, {v} IS DISTINCT FROM (SELECT {v} FROM alltypes WHERE id = {rnd.randint(1, 10)}) AS x FROM alltypes ORDER BY id",
        f"SELECT count(DISTINCT {v}) AS n FROM alltypes",
        f"SELECT id, greatest({v}, (SELECT {v} FROM alltypes WHERE id = {rnd.randint(1, 10)})) AS g FROM alltypes ORDER BY id",
        f"SELECT id, {v} = ANY(ARRAY(SELECT {v} FROM alltypes WHERE id > 5)) AS x FROM alltypes ORDER BY id",
        f"SELECT id FROM alltypes WHERE {v} > (SELECT {v} FROM alltypes WHERE id = {rnd.randint(1, 10)}) ORDER BY id",
    ]), None


def query2():
    if os.environ.get("COLQ") and rnd.random() < float(os.environ.get("COLQ")):
        return column_query(rnd)
    if os.environ.get("ALLT") and rnd.random() < float(os.environ.get("ALLT")):
        return alltypes_query(rnd)
    if os.environ.get("EXTRA") and rnd.random() < float(os.environ.get("EXTRA")):
        return extra(rnd, num_expr, text_expr, pred, lit, from_clause, COLS)
    return query()


def wrap(q, ncols):
    if ncols is None:
        return q, True
    if rnd.random() < 0.2:
        order = ", ".join(f"{i + 1}" for i in range(ncols))
        return f"SELECT * FROM ({q}) s ORDER BY {order} LIMIT {rnd.randint(1, 30)}", True
    return q, False


def run(conn, sql):
    cur = conn.cursor()
    try:
        cur.execute(sql)
        rows = cur.fetchall()
        desc = [(d.name, d.type_code) + ((d.internal_size, d.precision, d.scale) if os.environ.get("TYPMOD") else ()) for d in cur.description]
        return ("ok", desc, rows)
    except psycopg2.Error as e:
        return ("err", e.pgcode, (e.pgerror or "").split("\n")[0])
    finally:
        cur.close()


class BinConn:
    """BINARY=1: a libpq connection (ctypes) asking for every result column in binary format;
    rows are the raw bytes of each value, so the binary send functions are compared too."""
    lib = None

    def __init__(self, port, session):
        import ctypes
        if BinConn.lib is None:
            pq = ctypes.CDLL("libpq.so.5")
            vp, ci, cp = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
            for name, res, args in [("PQconnectdb", vp, [cp]), ("PQexecParams", vp, [vp, cp, ci, vp, vp, vp, vp, ci]),
                                    ("PQexec", vp, [vp, cp]), ("PQresultStatus", ci, [vp]), ("PQclear", None, [vp]),
                                    ("PQntuples", ci, [vp]), ("PQnfields", ci, [vp]), ("PQfname", cp, [vp, ci]),
                                    ("PQftype", ci, [vp, ci]), ("PQfmod", ci, [vp, ci]), ("PQgetisnull", ci, [vp, ci, ci]),
                                    ("PQgetlength", ci, [vp, ci, ci]), ("PQgetvalue", vp, [vp, ci, ci]),
                                    ("PQresultErrorField", cp, [vp, ci]), ("PQprepare", vp, [vp, cp, cp, ci, vp]),
                                    ("PQdescribePrepared", vp, [vp, cp]), ("PQnparams", ci, [vp]),
                                    ("PQparamtype", ci, [vp, ci]), ("PQexecPrepared", vp, [vp, cp, ci, vp, vp, vp, ci])]:
                f = getattr(pq, name)
                f.restype, f.argtypes = res, args
            BinConn.lib = pq
        self.ct = ctypes
        self.conn = BinConn.lib.PQconnectdb(
            f"host=127.0.0.1 port={port} dbname={DB} user={amtest.PGUSER} password={amtest.PGPASSWORD}".encode())
        for stmt in session:
            BinConn.lib.PQclear(BinConn.lib.PQexec(self.conn, stmt.encode()))

    def run(self, sql):
        pq = BinConn.lib
        params = None
        if os.environ.get("PARAMS") == "1":
            sql, params = self.parameterize(sql)
        if params is not None:
            # prepared with no types given: the server infers $1's, which is compared too
            pq.PQclear(pq.PQexec(self.conn, b"DEALLOCATE ALL"))
            r = pq.PQprepare(self.conn, b"rq", sql.encode(), 0, None)
            if pq.PQresultStatus(r) == 1:
                pq.PQclear(r)
                d = pq.PQdescribePrepared(self.conn, b"rq")
                ptypes = [pq.PQparamtype(d, i) for i in range(pq.PQnparams(d))]
                pq.PQclear(d)
                vals = (self.ct.c_char_p * 1)(params.encode())
                r = pq.PQexecPrepared(self.conn, b"rq", 1, vals, None, None, 1)
                res = self.result(r)
                return res if res[0] == "err" else ("ok", res[1] + [("params", *ptypes)], res[2])
        else:
            r = pq.PQexecParams(self.conn, sql.encode(), 0, None, None, None, None, 1)
        return self.result(r)

    @staticmethod
    def parameterize(sql):
        """The query with its first plain literal (a number or a quoted string not followed by
        a cast) replaced by $1 wherever it is written, and that literal's text; (sql, None) when
        there is none. Every copy becomes $1, as an application binds one value (a copy left
        as a literal would differ from $1 where PostgreSQL's custom plan folds the parameter:
        a grouping set's expression)."""
        import re

        def eligible(m):
            if sql[m.end():m.end() + 2] == "::" or sql[max(0, m.start() - 2):m.start()] == "::":
                return False
            before = sql[:m.start()].rstrip().upper()
            if re.search(r"ORDER BY(?:[\d, ]|\b(?:ASC|DESC|NULLS|FIRST|LAST)\b)*$", before):  # a position
                return False
            return not before.endswith(("INTERVAL", "DATE", "TIMESTAMP", "TIMESTAMPTZ", "TIME", "LIMIT", "OFFSET",
                                        "PRECEDING", "FOLLOWING", "BY", "JSONB", "JSON", "B", "E", "COLLATE"))
        pat = re.compile(r"'((?:[^']|'')*)'|(?<![\w.:$])(\d+(?:\.\d+)?)(?![\w.])")
        hits = [m for m in pat.finditer(sql) if eligible(m)]
        if not hits:
            return sql, None
        first = hits[0]
        val = first.group(1).replace("''", "'") if first.group(1) is not None else first.group(2)
        out, pos = [], 0
        for m in hits:
            if m.group(0) == first.group(0):
                out.append(sql[pos:m.start()] + "$1")
                pos = m.end()
        return "".join(out) + sql[pos:], val

    def result(self, r):
        pq = BinConn.lib
        try:
            if pq.PQresultStatus(r) != 2:
                msg = (pq.PQresultErrorField(r, ord("M")) or b"").decode()
                return ("err", (pq.PQresultErrorField(r, ord("C")) or b"").decode(), "ERROR:  " + msg)
            nf = pq.PQnfields(r)
            desc = [(pq.PQfname(r, j).decode(), pq.PQftype(r, j), pq.PQfmod(r, j)) for j in range(nf)]
            rows = []
            for i in range(pq.PQntuples(r)):
                rows.append(tuple(None if pq.PQgetisnull(r, i, j) else
                                  self.ct.string_at(pq.PQgetvalue(r, i, j), pq.PQgetlength(r, i, j)).hex()
                                  for j in range(nf)))
            return ("ok", desc, rows)
        finally:
            pq.PQclear(r)


def extra(rnd, num_expr, text_expr, pred, lit, from_clause, COLS):
    frm, tabs = from_clause()
    tab, alias = tabs[0]
    pk = f"{alias}.{list(COLS[tab])[0]}"
    e, t = num_expr(tabs)
    te = text_expr(tabs)
    r = rnd.random()
    if r < 0.08:
        return f"SELECT {pk} AS id, (SELECT max(x.qty) FROM items x WHERE x.order_id = {pk} AND x.line > {rnd.randint(0,3)}) AS s FROM {frm} WHERE {pred(tabs)}", 2
    if r < 0.16:
        return f"SELECT count(*) AS n FROM {frm} WHERE {e} {rnd.choice(['IN', 'NOT IN'])} (SELECT {rnd.choice(['o.discount', 'o.shipping', 'o.customer_id', 'o.total', 'NULL::int'])} FROM orders o WHERE o.id < {rnd.randint(1, 50)})", 1
    if r < 0.24:
        return f"SELECT {pk} AS id, {e} AS v FROM {frm} WHERE {pred(tabs)} ORDER BY {rnd.choice(['2 DESC', '2 ASC NULLS FIRST', '2 DESC NULLS LAST'])}, 1 LIMIT {rnd.randint(1, 20)} OFFSET {rnd.randint(0, 5)}", None
    if r < 0.32:
        return f"SELECT sum({e}) AS s, count({e}) AS c, avg({e}) AS a, min({te}) AS m FROM {frm} WHERE false", 4
    if r < 0.40:
        return f"SELECT count(*) FILTER (WHERE {pred(tabs)}) AS f, sum({e}) FILTER (WHERE {pred(tabs)}) AS g FROM {frm}", 2
    if r < 0.48:
        kind = rnd.choice(["ROLLUP", "CUBE", "GROUPING SETS"])
        k1 = rnd.choice([f"{alias}.{c}" for c, ty in COLS[tab].items() if ty in ("text", "bool", "int2")] or [pk])
        k2 = te
        body = f"({k1}), ({k2}), ()" if kind == "GROUPING SETS" else f"{k1}, {k2}"
        return f"SELECT {k1} AS a, {k2} AS b, count(*) AS n, grouping({k1}) AS g FROM {frm} GROUP BY {kind} ({body})", 4
    if r < 0.56:
        fr = rnd.choice(["RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING",
                         "ROWS UNBOUNDED PRECEDING", "GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW",
                         "RANGE BETWEEN 10 PRECEDING AND 10 FOLLOWING"])
        fn = rnd.choice([f"count(*)", f"first_value({e})", f"last_value({te})", f"min({e})", f"nth_value({e}, 2)",
                         f"dense_rank()", f"percent_rank()", f"cume_dist()", f"ntile(3)", f"lead({te}, 2, 'x')"])
        return f"SELECT {pk} AS id, {fn} OVER (ORDER BY {pk} {fr}) AS w FROM {frm} WHERE {pred(tabs)}", 2
    if r < 0.64:
        return f"WITH w AS (SELECT {pk} AS id, {e} AS v FROM {frm}) SELECT count(*), sum(v), max(id) FROM w WHERE v IS NOT NULL", 3
    if r < 0.72:
        return f"SELECT {pk} AS id, g FROM {frm} CROSS JOIN LATERAL generate_series(1, ({pk} % 3)::int) g WHERE {pred(tabs)}", 2
    if r < 0.80:
        return f"SELECT CASE WHEN {pred(tabs)} THEN {e} WHEN {pred(tabs)} THEN {lit('int4')} ELSE NULL END AS c, coalesce({te}, {lit('text')}) AS d FROM {frm}", 2
    if r < 0.88:
        tcol = rnd.choice(["o.ordered_at", "c.created_at", "c.signup_date"])
        frm2 = "orders o JOIN customers c ON c.id = o.customer_id"
        ex = rnd.choice([f"{tcol} - interval '1 month 3 days'", f"date_trunc('week', {tcol})", f"{tcol}::date - date '2020-01-01'",
                         f"extract(epoch from {tcol})", f"to_char({tcol}, 'YYYY-MM-DD HH24:MI:SS')", f"{tcol} AT TIME ZONE 'Asia/Tokyo'",
                         f"age({tcol}::timestamp, timestamp '2020-01-01')", f"justify_interval({tcol}::timestamp - timestamp '2021-03-01')",
                         f"{tcol}::time", f"date_part('isoyear', {tcol})", f"make_date(2020, 1 + (o.id % 12)::int, 1)",
                         f"({tcol} + interval '90 minutes')::text", f"{tcol} > now() - interval '3 years'"])
        return f"SELECT o.id, {ex} AS v FROM {frm2} WHERE o.id % 7 = 0", 2
    ex = rnd.choice([f"{e} / 7", f"{e} % -3", f"{e} ^ 2", f"sqrt(abs({e}))", f"ln(abs({e}) + 1)", f"{e}::int4 & 12",
                     f"{e}::int8 << 2", f"div({e}::numeric, 3)", f"mod({e}::int, 4)", f"{e}::numeric / 3", f"round({e}::numeric / 7, 4)",
                     f"{e}::text || '-'", f"width_bucket({e}::float8, 0, 1000, 5)", f"log(abs({e}) + 1)", f"exp(least({e}::float8, 5))",
                     f"scale({e}::numeric)", f"trim_scale({e}::numeric)", f"gcd({e}::int, 12)",
                     f"to_char({e}, 'FM999999.00')", f"{e}::numeric(12,3)", f"cbrt({e}::float8)", f"abs({e})::int2"])
    return f"SELECT {pk} AS id, {ex} AS v FROM {frm}", 2


ALLT = {
    "i2": ["i2 + 1", "i2 * 2", "abs(i2)", "i2 / 3", "-i2", "i2::text", "i2 % 7", "i2::numeric / 3"],
    "i4": ["i4 + 1", "i4 - 1", "i4 * 2", "i4 / 7", "i4::int8 * 3", "i4::float8 / 3", "to_char(i4, '999,999,999')", "i4 >> 2", "~i4"],
    "i8": ["i8 / 3", "i8 % 10", "i8::numeric * 2", "i8::float8", "i8::text", "abs(i8 / 2)"],
    "num": ["num + 1", "num * 2", "num / 3", "round(num, 2)", "trunc(num, 1)", "num::float8", "num::text", "ceil(num)", "floor(num)", "sign(num)", "num % 7", "abs(num)", "scale(num)", "num > 0"],
    "num102": ["num102 * 3", "num102 / 7", "num102 + num", "num102::int", "round(num102, 1)", "num102::text", "num102::float4"],
    "num405": ["num405 + 1", "num405 / 3", "num405 * num405", "round(num405, 2)", "num405::text", "num405 > num102"],
    "f4": ["f4 + 1", "f4 * 2", "f4::float8", "f4::text", "f4::numeric", "round(f4::numeric, 2)", "f4 = 'NaN'", "f4 < 0", "abs(f4)"],
    "f8": ["f8 + 1", "f8 / 3", "f8::text", "f8::numeric", "sqrt(abs(f8))", "f8 = 'Infinity'", "f8::real", "floor(f8)", "round(f8)", "f8 * 1e300", "trunc(f8)"],
    "t": ["upper(t)", "length(t)", "t || '!'", "substr(t, 2, 3)", "md5(t)", "quote_literal(t)", "quote_ident(t)", "to_hex(length(t))", "ascii(t)", "char_length(t)", "octet_length(t)", "replace(t, 'l', 'L')", "t::bytea", "encode(t::bytea, 'base64')", "regexp_replace(t, '\\s', '_', 'g')", "split_part(t, ' ', 1)", "starts_with(t, 'h')", "strpos(t, 'o')", "t ~ '^h'", "t ILIKE '%L%'", "left(t, 3)", "lpad(t, 8, '.')", "rpad(t, 8, '.')", "repeat(t, 2)", "chr(65 + length(t))", "lower(t)", "t SIMILAR TO '%o%'", "format('%I', t)", "format('%L', t)", "convert_to(t, 'UTF8')", "string_to_array(t, ' ')"],
    "vc": ["vc || 'x'", "upper(vc)", "length(vc)", "vc::char(3)", "vc < 'b' COLLATE \"C\"", "vc::text"],
    "ch": ["ch || 'x'", "length(ch)", "ch::text", "ch = 'a'", "octet_length(ch)", "ch::varchar", "concat(ch, '|')", "upper(ch)"],
    "b": ["b::int", "NOT b", "b::text", "b AND true", "b IS TRUE"],
    "ba": ["length(ba)", "encode(ba, 'hex')", "encode(ba, 'escape')", "md5(ba)", "ba || '\\x01'::bytea", "get_byte(ba, 0)", "substring(ba from 2 for 2)", "ba::text", "octet_length(ba)", "encode(sha256(ba), 'hex')"],
    "d": ["d + 1", "d - 30", "d::timestamp", "extract(year from d)", "to_char(d, 'YYYY-MM-DD Day')", "date_trunc('month', d)", "d::text", "d > '2000-01-01'", "extract(dow from d)", "d - date '1999-01-01'", "age(d::timestamp)", "make_date(2000, 1, 1) - d", "isfinite(d)", "justify_days(d - date '2000-01-01' * interval '1 day')"],
    "tm": ["tm + interval '1 hour'", "tm::text", "extract(hour from tm)", "date_trunc('hour', tm)", "tm > '12:00'", "tm - time '01:00'"],
    "ttz": ["ttz::text", "ttz::time", "extract(timezone from ttz)", "ttz + interval '1 minute'"],
    "ts": ["ts + interval '1 day'", "ts::date", "ts::text", "extract(epoch from ts)", "date_trunc('year', ts)", "to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US')", "ts - timestamp '2000-01-01'", "ts > now()", "isfinite(ts)", "ts::timestamptz", "age(ts, timestamp '2000-01-01')", "date_part('millennium', ts)"],
    "tstz": ["tstz + interval '1 month'", "tstz::date", "tstz::text", "extract(epoch from tstz)", "date_trunc('day', tstz)", "tstz AT TIME ZONE 'UTC'", "to_char(tstz, 'YYYY-MM-DD HH24:MI TZ')", "tstz::timestamp", "extract(timezone_hour from tstz)", "tstz - interval '1 year'"],
    "iv": ["iv * 2", "iv / 3", "iv + interval '1 day'", "iv::text", "extract(epoch from iv)", "justify_hours(iv)", "justify_interval(iv)", "-iv", "iv > interval '1 day'", "date_trunc('hour', iv)", "extract(day from iv)", "to_char(iv, 'HH24:MI:SS')"],
    "u": ["u::text", "upper(u::text)", "u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "md5(u::text)"],
    "j": ["j::text", "j -> 0", "j ->> 'b'", "json_typeof(j)", "j::jsonb", "json_array_length(CASE WHEN json_typeof(j) = 'array' THEN j END)"],
    "jb": ["jb::text", "jb -> 'a'", "jb ->> 0", "jsonb_typeof(jb)", "jb @> '{\"b\": 1}'", "jb ? 'a'", "jsonb_pretty(jb)", "jb - 'a'", "jb || '{\"z\": 0}'", "jsonb_strip_nulls(jb)", "jb #> '{nested,k}'", "jsonb_array_length(CASE WHEN jsonb_typeof(jb) = 'array' THEN jb END)", "to_jsonb(jb)", "jb = '\"str\"'"],
    "ai": ["ai[1]", "array_length(ai, 1)", "cardinality(ai)", "ai || 5", "array_to_string(ai, ',', '*')", "ai::text", "array_position(ai, 7)", "array_remove(ai, 7)", "ai @> '{7}'", "array_upper(ai, 1)", "ai[2:3]", "array_append(ai, NULL)", "array_cat(ai, ai)"],
    "at": ["at[1]", "array_to_string(at, '|')", "at::text", "array_length(at, 1)", "at || 'z'", "'a' = ANY(at)", "array_position(at, 'b')"],
    "an": ["an[1]", "an::text", "array_length(an, 1)", "an || 1.5", "array_to_string(an, ';')", "an[1] + 1"],
    "m": ["m::text", "m < 'happy'", "m = 'ok'", "enum_first(m)", "array_length(enum_range(m), 1)"],
    "dom": ["dom + 1", "dom::text", "dom * 2", "dom::bigint"],
    "ip": ["ip::text", "host(ip)", "masklen(ip)", "family(ip)", "network(ip)", "ip << '10.0.0.0/8'", "abbrev(ip)", "broadcast(ip)", "set_masklen(ip, 16)", "text(ip)"],
    "mn": ["mn::text", "mn::numeric", "mn + mn", "mn * 2", "mn / 2", "mn > 0::money"],
    "bt": ["bt::text", "bt & B'11110000'", "bt | B'00000001'", "~bt", "bt << 1", "length(bt)", "get_bit(bt, 0)", "bt::int", "bit_count(bt)"],
}


def alltypes_query(rnd):
    cols = rnd.sample(list(ALLT), rnd.randint(1, 3))
    exprs = [rnd.choice(ALLT[c]) for c in cols]
    sel = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
    r = rnd.random()
    if r < 0.2:  # two types meet: the common type of a set operation, CASE, COALESCE, ARRAY
        a, b = rnd.choice(ALLT[rnd.choice(list(ALLT))]), exprs[0]
        shape = rnd.choice([
            f"SELECT id, x FROM (SELECT id, {a} AS x FROM alltypes UNION ALL SELECT id + 1000, {b} FROM alltypes) s",
            f"SELECT id, x FROM (SELECT id, {a} AS x FROM alltypes UNION SELECT id, {b} FROM alltypes) s",
            f"SELECT id, CASE WHEN id % 2 = 0 THEN {a} ELSE {b} END AS x FROM alltypes",
            f"SELECT id, COALESCE({a}, {b}) AS x FROM alltypes",
            f"SELECT id, ARRAY[{a}, {b}] AS x FROM alltypes",
            f"SELECT id, x FROM alltypes, LATERAL (VALUES ({a}), ({b})) v(x)"])
        return f"{shape} ORDER BY 1, 2", None
    if r < 0.3:  # as a filter, where DuckDB's optimizer rewrites comparisons
        e = exprs[0]
        return rnd.choice([f"SELECT count(*) FROM alltypes WHERE ({e}) IS NOT NULL",
                           f"SELECT id FROM alltypes WHERE ({e}) = ({e}) ORDER BY id",
                           f"SELECT id FROM alltypes WHERE ({e})::text IN ('0', '1', '-1', 't') ORDER BY id",
                           f"SELECT id FROM alltypes WHERE CASE WHEN id > 5 THEN ({e}) IS NULL ELSE false END ORDER BY id"]), None
    if r < 0.7:
        return f"SELECT id, {sel} FROM alltypes ORDER BY id", None
    if r < 0.85:
        return f"SELECT count(*), count(DISTINCT ({exprs[0]})::text), max(({exprs[0]})::text COLLATE \"C\") FROM alltypes", 3
    return f"SELECT id FROM alltypes WHERE ({exprs[0]})::text > '1' COLLATE \"C\" ORDER BY id", None


def main():
    tables = pgcompare.create_fixture(DB) if os.environ.get("REUSE") != "1" else None
    pgc = amtest.pg_connect(DB)
    cur = pgc.cursor()
    cur.execute("SELECT oid FROM pg_type")
    oids = tuple(r[0] for r in cur.fetchall())
    raw = ext.new_type(oids, "RAW", lambda v, c: v)
    if tables is None:
        port = int(os.environ["PROXY_PORT"])
        m = None
    else:
        m, failed = pgcompare.start_mirror(DB, tables)
        assert not failed, failed
        port = m.proxy_port
    print("proxy port", port, flush=True)
    px = psycopg2.connect(host="127.0.0.1", port=port, dbname=DB, user=amtest.PGUSER, password=amtest.PGPASSWORD)
    px.autocommit = True
    ext.register_type(raw, px)
    ext.register_type(raw, pgc)
    pgc.cursor().execute("SET statement_timeout = '5s'")
    # SESSION="SET TimeZone = 'America/New_York'; SET DateStyle = 'SQL, DMY'": both sides alike
    for stmt in filter(str.strip, os.environ.get("SESSION", "").split(";")):
        pgc.cursor().execute(stmt)
        px.cursor().execute(stmt)
    stats = {}
    bpg = bpx = None
    if os.environ.get("BINARY") == "1":
        session = [x + ";" for x in filter(str.strip, os.environ.get("SESSION", "").split(";"))]
        bpg = BinConn(amtest.PGPORT, ["SET statement_timeout = '5s'"] + session)
        bpx = BinConn(port, session)
    try:
        for i in range(N):
            q, nc = query2()
            q, ordered = wrap(q, nc)
            a = bpg.run(q) if bpg else run(pgc, q)
            b = bpx.run(q) if bpx else run(px, q)
            if a[0] == "ok" and b[0] == "ok":
                ra, rb = a[2], b[2]
                if not ordered:
                    ra, rb = sorted(ra, key=repr), sorted(rb, key=repr)
                if ra == rb and a[1] == b[1]:
                    kind = "same"
                else:
                    kind = "DIFF"
            elif a[0] == "err" and b[0] == "err":
                kind = "botherr" if a[1] == b[1] else "ERRCODE"
            elif a[0] == "err":
                kind = "ANSWERED" if a[1] != "57014" else "pgtimeout"
            else:
                kind = "refused-" + str(b[1])
            stats[kind] = stats.get(kind, 0) + 1
            if kind not in ("same", "botherr", "pgtimeout") and not kind.startswith("refused-0A000"):
                print(f"=== {kind} #{i}\n{q}")
                if a[0] == "ok":
                    print(" pg  :", a[1], a[2][:3], len(a[2]))
                else:
                    print(" pg  :", a[1:])
                if b[0] == "ok":
                    print(" prox:", b[1], b[2][:3], len(b[2]))
                else:
                    print(" prox:", b[1:])
                if kind == "DIFF" and a[0] == "ok" and b[0] == "ok" and len(a[2]) == len(b[2]):
                    for x, y in zip(sorted(a[2], key=repr) if not ordered else a[2], sorted(b[2], key=repr) if not ordered else b[2]):
                        if x != y:
                            print("  first diff pg", x, "proxy", y)
                            break
            elif kind.startswith("refused-0A000") and os.environ.get("SHOWREF"):
                print(f"--- refused #{i}: {b[2]}\n{q}")
    finally:
        print(stats)
        if m is not None and os.environ.get("KEEP") != "1":
            m.stop()
        elif m is not None:
            print("kept mirror on", port, "pid", m.proc.pid)


if __name__ == "__main__":
    main()
