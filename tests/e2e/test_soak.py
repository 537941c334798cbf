#!/usr/bin/python3
"""End to end, issue 8: a soak. 100 concurrent clients (psycopg2 in transactions, some through
server-side cursors, and psycopg 3 in autocommit with server-side parameters and prepared
statements, i.e. the extended protocol; every client logs in again every 10 queries) run
analytical queries (aggregates, joins, window functions, ORDER BY ... LIMIT) over the mirrored
tables for AM_SOAK_SECONDS while a writer inserts, updates and deletes at the source. Then:

- no query failed;
- every table equals its source;
- the resident memory of the writer and of the server process, sampled every second, is flat:
  for each, the median over the second half of the run after warm-up is at most the highest
  sample of its first half plus 15% plus 32 MB; and neither process was restarted, which would
  hide a growth. Warm-up lasts until every client has finished two queries (caches fill, DuckDB's
  buffer pool grows to the working set of 100 scans in flight): under ASan, at about 15
  queries/s, that took most of a 30 s run, whose last third then still saw the ramp (a
  failure of this check at fd3edb8 as at later commits). The run goes on until SECONDS have
  passed and at least SECONDS / 2 of them after warm-up (at most SECONDS + 60 in all).
  The server's RSS at one instant depends on how many of the 100 scans happen to be in flight
  (a CI run saw 683-920 MB within one third; a local plain run 178-826 MB, peaking after
  warm-up): the first half's highest sample bounds that swing, the second half's median is
  the level, and a leak raises the whole level. (A loaded plain CI run at 9cec604 failed this
  test, with median against median; its log did not show which check.)

Under ThreadSanitizer the server's RSS is reported, not checked (see run()).

AM_SOAK_SECONDS defaults to 40 in the plain variant and 30 under the sanitizers (both chosen
to keep `make test` on two cores under its budget; the issue's five-minute run is
AM_SOAK_SECONDS=300). AM_SOAK_CLIENTS (default 100) sets the number of clients. The RSS curve
is printed as "measure:" lines, to be pasted where it is reported. No timing is asserted."""
import os
import random
import threading
import time
import traceback

import psycopg
import psycopg2

import amtest

R = amtest.Results("test_soak")
DB = "e2e_soak"
SANITIZED = os.environ.get("AM_VARIANT", "plain") in ("asan", "tsan")
SECONDS = float(os.environ.get("AM_SOAK_SECONDS", "30" if SANITIZED else "40"))
CLIENTS = int(os.environ.get("AM_SOAK_CLIENTS", "100"))
SAMPLE_S = 1.0
RECONNECT_EVERY = 10
N_CUSTOMERS, N_ORDERS = 2000, 40000

SCHEMA = f"""
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, region text NOT NULL, since date);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(12,2) NOT NULL,
                     qty integer NOT NULL, status text NOT NULL, placed_at timestamptz NOT NULL);
INSERT INTO customers SELECT g, 'customer ' || g, (ARRAY['north', 'south', 'east', 'west'])[1 + g % 4],
       date '2020-01-01' + g % 1500 FROM generate_series(1, {N_CUSTOMERS}) g;
INSERT INTO orders SELECT g, 1 + (g * 7919) % {N_CUSTOMERS}, round((g % 997) * 1.31, 2), 1 + g % 9,
       (ARRAY['new', 'paid', 'shipped', 'returned'])[1 + g % 4],
       timestamptz '2024-01-01 00:00:00+00' + g * interval '97 seconds'
FROM generate_series(1, {N_ORDERS}) g;
"""

# (sql, params from a random generator); %s is a client-side literal for psycopg2 and a
# server-side parameter ($n) for psycopg 3.
QUERIES = [
    ("SELECT status, count(*), sum(amount), avg(qty) FROM orders GROUP BY status ORDER BY status",
     lambda r: ()),
    ("SELECT c.region, count(o.id), sum(o.amount), max(o.placed_at) FROM orders o "
     "JOIN customers c ON c.id = o.customer_id GROUP BY c.region ORDER BY c.region", lambda r: ()),
    ("SELECT id, amount, rank() OVER (PARTITION BY customer_id ORDER BY amount DESC, id) FROM orders "
     "WHERE customer_id = %s ORDER BY id", lambda r: (r.randint(1, N_CUSTOMERS),)),
    ("SELECT id, customer_id, amount FROM orders WHERE amount > %s ORDER BY amount DESC, id LIMIT 20",
     lambda r: (r.randint(0, 1300),)),
    ("SELECT customer_id, total, sum(total) OVER (ORDER BY customer_id) FROM "
     "(SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id) t ORDER BY customer_id LIMIT 50",
     lambda r: ()),
    ("SELECT c.id, c.name, count(o.id) AS n, coalesce(sum(o.amount), 0) FROM customers c "
     "LEFT JOIN orders o ON o.customer_id = c.id WHERE c.id BETWEEN %s AND %s "
     "GROUP BY c.id, c.name ORDER BY n DESC, c.id LIMIT 10", lambda r: (lambda a: (a, a + 50))(r.randint(1, N_CUSTOMERS))),
    ("SELECT count(DISTINCT customer_id), min(placed_at), max(placed_at), sum(qty) FROM orders", lambda r: ()),
    ("SELECT region, id, lag(id) OVER (PARTITION BY region ORDER BY id), "
     "row_number() OVER (PARTITION BY region ORDER BY id) FROM customers ORDER BY region, id LIMIT 100",
     lambda r: ()),
    ("SELECT o.id, o.amount, c.name, c.region FROM orders o JOIN customers c ON c.id = o.customer_id "
     "WHERE o.id > %s ORDER BY o.id LIMIT 100", lambda r: (r.randint(1, N_ORDERS),)),
    ("SELECT date_trunc('day', placed_at) AS d, count(*), sum(amount) FROM orders "
     "WHERE id > %s GROUP BY 1 ORDER BY 1 DESC LIMIT 10", lambda r: (r.randint(1, N_ORDERS),)),
    ("SELECT status, amount, dense_rank() OVER (ORDER BY amount), "
     "sum(amount) OVER (PARTITION BY status ORDER BY id ROWS BETWEEN 5 PRECEDING AND CURRENT ROW), "
     "max(qty) OVER (PARTITION BY status) FROM orders WHERE customer_id BETWEEN %s AND %s ORDER BY id",
     lambda r: (lambda a: (a, a + 3))(r.randint(1, N_CUSTOMERS))),
    ("SELECT status, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount), count(*) FILTER (WHERE qty > %s) "
     "FROM orders GROUP BY status ORDER BY status", lambda r: (r.randint(1, 9),)),
    ("WITH t AS (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) "
     "SELECT n, count(*) FROM t GROUP BY n ORDER BY n", lambda r: ()),
    ("SELECT region, string_agg(name, ',' ORDER BY id) FROM customers WHERE id < %s GROUP BY region ORDER BY region",
     lambda r: (r.randint(2, 80),)),
]
CURSOR_QUERY = "SELECT id, customer_id, amount, status FROM orders WHERE id > %s ORDER BY id"


class Soak:
    def __init__(self, m):
        self.m = m
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.errors = []  # guarded by lock
        self.n_queries = 0  # guarded by lock
        self.n_logins = 0  # guarded by lock
        self.txns = 0
        self.done = [0] * CLIENTS  # queries finished per client

    def error(self, who, e):
        with self.lock:
            self.errors.append(f"{who}: {type(e).__name__}: {str(e).strip()[:300]}")

    def count(self, queries, logins):
        with self.lock:
            self.n_queries += queries
            self.n_logins += logins

    # ---- clients -------------------------------------------------------------------------------

    def connect(self, extended):
        if extended:
            return psycopg.connect(host="127.0.0.1", port=self.m.proxy_port, user=amtest.PGUSER,
                                   password=amtest.PGPASSWORD, dbname=DB, autocommit=True, connect_timeout=30)
        return psycopg2.connect(host="127.0.0.1", port=self.m.proxy_port, user=amtest.PGUSER,
                                password=amtest.PGPASSWORD, dbname=DB, connect_timeout=30)

    def one_query(self, conn, extended, rnd, i, n):
        if not extended and i % 4 == 0 and n % 5 == 0:
            cur = conn.cursor(name=f"soak_{i}_{n}")  # DECLARE ... CURSOR, FETCH FORWARD 200
            cur.itersize = 200
            cur.execute(CURSOR_QUERY, (rnd.randint(1, N_ORDERS),))
            got = sum(1 for _ in zip(range(600), cur))
            cur.close()
            conn.commit()
            return got
        sql, params = QUERIES[rnd.randrange(len(QUERIES))]
        cur = conn.cursor()
        cur.execute(sql, params(rnd))
        rows = cur.fetchall()
        cur.close()
        if not extended:
            conn.commit()
        return len(rows)

    def client(self, i):
        extended = i % 5 == 4
        rnd = random.Random(i)
        while not self.stop.is_set():
            conn, n = None, 0
            try:
                conn = self.connect(extended)
                self.count(0, 1)
                while n < RECONNECT_EVERY and not self.stop.is_set():
                    self.one_query(conn, extended, rnd, i, n)
                    n += 1
                    self.done[i] += 1
            except Exception as e:
                self.error(f"client {i} ({'psycopg' if extended else 'psycopg2'})", e)
                self.stop.wait(0.5)
            finally:
                self.count(n, 0)
                if conn is not None:
                    conn.close()

    # ---- the writer at the source --------------------------------------------------------------

    def writer(self):
        pg = amtest.pg_connect(DB, autocommit=False)
        cur = pg.cursor()
        rnd = random.Random(42)
        next_id = N_ORDERS + 1
        try:
            while not self.stop.is_set():
                cur.execute("""INSERT INTO orders SELECT g, 1 + (g * 31) %% %s, round((g %% 991) * 0.77, 2), 1 + g %% 5,
                               'new', now() FROM generate_series(%s, %s) g""", (N_CUSTOMERS, next_id, next_id + 4))
                next_id += 5
                for _ in range(3):
                    cur.execute("UPDATE orders SET amount = amount + 1, status = %s, qty = qty + 1 WHERE id = %s",
                                (rnd.choice(["paid", "shipped", "returned"]), rnd.randint(1, next_id - 1)))
                cur.execute("DELETE FROM orders WHERE id = %s", (rnd.randint(1, next_id - 1),))
                if self.txns % 10 == 0:
                    cur.execute("UPDATE customers SET region = %s, name = name || '.' WHERE id = %s",
                                (rnd.choice(["north", "south", "east", "west"]), rnd.randint(1, N_CUSTOMERS)))
                pg.commit()
                self.txns += 1
                self.stop.wait(0.05)
        except Exception as e:
            self.error("writer at the source", e)
            traceback.print_exc()
        finally:
            pg.close()


def sample_rss(m, pids, curve, t0, soak):
    """Every SAMPLE_S seconds: (seconds, writer kB, server kB), and whether the supervisor's
    children are still the processes the run started with; until SECONDS have passed, SECONDS / 2
    of them after warm-up (or SECONDS + 60 in all). Returns warm-up's end (seconds), or None."""
    next_at = time.monotonic()
    warm_at = None
    stop = soak.stop
    while not stop.is_set():
        now = time.monotonic() - t0
        if warm_at is None and min(soak.done) >= 2:
            warm_at = now
        if now >= SECONDS + 60 or (now >= SECONDS and warm_at is not None and now - warm_at >= SECONDS / 2):
            break
        now = amtest.children(m)
        if now != pids:
            R.check("neither the writer nor the server was restarted during the soak", False, f"{pids} -> {now}")
            stop.set()
            return
        curve.append((time.monotonic() - t0, amtest.rss_kb(pids["writer"]), amtest.rss_kb(pids["server"])))
        next_at += SAMPLE_S
        stop.wait(max(0.0, next_at - time.monotonic()))
    return warm_at


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) // 2


def flat(curve, col, warm_at):
    """(ok, first-half maximum, second-half median) in kB of curve column col (1 writer, 2 server)
    after warm_at."""
    total = curve[-1][0]
    mid = (warm_at + total) / 2
    second = [s[col] for s in curve if warm_at <= s[0] < mid and s[col]]
    last = [s[col] for s in curve if s[0] >= mid and s[col]]
    if not second or not last:
        return False, None, None
    a, b = max(second), median(last)
    return b <= a * 1.15 + 32 * 1024, a, b


def tables_equal(pg, m):
    cur = pg.cursor()
    for table, cols in (("customers", "id, name, region, since"), ("orders", "id, customer_id, amount, qty, status, placed_at")):
        cur.execute(f"SELECT {cols} FROM {table} ORDER BY id")
        want = cur.fetchall()
        try:
            amtest.wait_until(lambda: m.query(f"SELECT {cols} FROM {table} ORDER BY id") == want, 180,
                              f"{table} equal to the source", interval=0.5)
            R.check(f"after the soak {table} equals its source ({len(want)} rows)", True)
        except TimeoutError as e:
            R.check(f"after the soak {table} equals its source ({len(want)} rows)", False, str(e))


def run(m, pg):
    soak = Soak(m)
    pids = amtest.wait_until(lambda: (lambda c: c if {"writer", "server"} <= c.keys() else None)(amtest.children(m)),
                             30, "the writer and server processes")
    threads = [threading.Thread(target=soak.client, args=(i,), daemon=True) for i in range(CLIENTS)]
    threads.append(threading.Thread(target=soak.writer, daemon=True))
    curve = []
    t0 = time.monotonic()
    for t in threads:
        t.start()
    warm_at = sample_rss(m, pids, curve, t0, soak)
    soak.stop.set()
    for t in threads:
        t.join(timeout=120)
    took = time.monotonic() - t0
    print(f"measure: soak {took:.0f} s (warm after {warm_at if warm_at is None else round(warm_at)} s), {CLIENTS} clients: {soak.n_queries} queries "
          f"({soak.n_queries / took:.0f}/s), {soak.n_logins} logins, {soak.txns} source transactions "
          f"(5 inserts, 3 updates, 1 delete each)")
    print("measure: RSS curve (seconds, writer MB, server MB):")
    for t, w, s in curve[::5]:
        print(f"measure:   {t:6.0f} {(w or 0) / 1024:8.1f} {(s or 0) / 1024:8.1f}")
    R.check("every client thread finished", not any(t.is_alive() for t in threads))
    R.check(f"no query failed ({soak.n_queries} queries)", not soak.errors,
            f"{len(soak.errors)} errors, first: " + "\n  ".join(soak.errors[:5]))
    R.check("the clients ran queries", soak.n_queries > CLIENTS, str(soak.n_queries))
    R.check("the writer committed at the source", soak.txns > 0, str(soak.txns))
    R.check("every client finished two queries (warm-up)", warm_at is not None, str(soak.done))
    for col, role in ((1, "writer"), (2, "server")):
        if role == "server" and os.environ.get("AM_VARIANT") == "tsan":
            # ThreadSanitizer keeps state for every thread it has seen, and each of the 100
            # clients' reconnections is a new server thread: the server grew about 110 MB/s
            # under it (at this commit and at fa21a4a alike) while the plain and ASan runs
            # stay flat, so the leak check is theirs
            print("measure: server RSS under tsan (not checked):", curve[-1][2] // 1024, "MB")
            continue
        ok, a, b = flat(curve, col, warm_at or 0.0)
        R.check(f"{role} RSS is flat after warm-up: second-half median {b and b // 1024} MB <= first-half maximum "
                f"{a and a // 1024} MB + 15% + 32 MB", ok, str(curve))
    tables_equal(pg, m)


def main():
    amtest.create_db(DB)
    pg = amtest.pg_connect(DB)
    pg.cursor().execute(SCHEMA)
    # 100 concurrent analytical scans need about 1.1 GB of DuckDB memory here (1GB gave 53200
    # errors); every client reconnects now and then: on 2 busy cores more than the default 32 may be
    # authenticating at once, and the auth limiter (test_safe's subject) would drop some
    proxy_extra = (f"  max_connections: {CLIENTS + 10}\n  max_auth_connections: {CLIENTS + 10}\n"
                   "  memory_limit: 2GB\n")
    m = amtest.Mirror(DB, [("public", "customers"), ("public", "orders")], proxy_extra=proxy_extra).start()
    try:
        amtest.wait_until(lambda: m.query("SELECT count(*) FROM orders")[0][0] == N_ORDERS, 120,
                          "the initial copy")
        run(m, pg)
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
