"""tests/proxy/psycopg2_client.py PORT PASSWORD USER DB: psycopg2 (Debian's) against the proxy.

Checks what psycopg2 does at connect (SET DATESTYLE, BEGIN on the first query), typed values,
a server-side error with its SQLSTATE, and the users table of test_catalog.c. Prints "ok".
"""
import decimal
import sys

import psycopg2

port, password, user, db = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
conn = psycopg2.connect(host="127.0.0.1", port=port, user=user, password=password, dbname=db)
cur = conn.cursor()
cur.execute("SELECT count(*), sum(amount) FROM users")
n, total = cur.fetchone()
assert n == 5, n
assert total == decimal.Decimal("11.25"), total
cur.execute("SELECT name FROM users WHERE id = %s", (3,))
assert cur.fetchone()[0] == "user-3"
cur.execute("SELECT DATE '2024-03-01', TIMESTAMPTZ '2024-03-01 10:00:00+00', 1.5::float8, true")
d, ts, f, b = cur.fetchone()
assert str(d) == "2024-03-01", d
assert ts.year == 2024 and ts.hour == 10 and ts.utcoffset().total_seconds() == 0, ts
assert f == 1.5 and b is True
try:
    cur.execute("SELECT * FROM no_such_table")
    raise AssertionError("no error")
except psycopg2.Error as e:
    assert e.pgcode == "42P01", e.pgcode
conn.rollback()
try:
    cur.execute("CREATE TABLE t (a int)")
    raise AssertionError("no error")
except psycopg2.Error as e:
    assert e.pgcode == "25006", e.pgcode
conn.rollback()
conn.autocommit = True
cur.execute("SELECT version()")
assert "Arctic Mirror" in cur.fetchone()[0]
conn.close()
print("ok")
