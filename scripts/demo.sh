#!/usr/bin/env bash
# scripts/demo.sh (make demo): a throwaway PostgreSQL with sample `users` and `orders` tables,
# Arctic Mirror running on it, a little write traffic, and the psql line to query the mirror.
# Everything lives in a temp directory and is removed on exit (Ctrl-C).
#   DEMO_PROXY_PORT (5433)  DEMO_HEALTH_PORT (8080)  DEMO_USERS (20000)  DEMO_ORDERS (100000)
#   DEMO_SECONDS: stop by itself after that many seconds (default: run until Ctrl-C)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PROXY_PORT=${DEMO_PROXY_PORT:-5433}
HEALTH_PORT=${DEMO_HEALTH_PORT:-8080}
N_USERS=${DEMO_USERS:-20000}
N_ORDERS=${DEMO_ORDERS:-100000}
export AM_PG_USER=demo AM_PG_PASSWORD=demo

for port in "$PROXY_PORT" "$HEALTH_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "demo: port $port is in use; set DEMO_PROXY_PORT / DEMO_HEALTH_PORT" >&2; exit 1
  fi
done

dir=$(mktemp -d /tmp/arctic-mirror-demo.XXXXXX)
chmod 755 "$dir"
mirror_pid=""; load_pid=""
cleanup() {
  trap - EXIT INT TERM
  echo; echo "demo: stopping"
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
  [ -n "$mirror_pid" ] && kill "$mirror_pid" 2>/dev/null && wait "$mirror_pid" 2>/dev/null
  tests/support/pg.sh stop "$dir/pg"
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

tests/support/pg.sh start "$dir/pg" >/dev/null
# shellcheck disable=SC1091
. "$dir/pg/env"
export PGPASSWORD=demo
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$AM_TEST_PGPORT" -U demo)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE shop"
echo "demo: PostgreSQL 15 on 127.0.0.1:$AM_TEST_PGPORT, loading $N_USERS users and $N_ORDERS orders"
"${PSQL[@]}" -d shop -v users="$N_USERS" -v orders="$N_ORDERS" -f scripts/sample.sql

cat >"$dir/config.yaml" <<YAML
postgres:
  host: 127.0.0.1
  port: $AM_TEST_PGPORT
  user: demo
  password: demo
  database: shop
  slot: arctic_mirror_demo
  publication: arctic_mirror_demo
tables:
  - schema: public
    name: users
  - schema: public
    name: orders
iceberg:
  path: $dir/warehouse
proxy:
  port: $PROXY_PORT
YAML

bin/arctic-mirror --config "$dir/config.yaml" --health-port "$HEALTH_PORT" 2>"$dir/mirror.log" &
mirror_pid=$!
echo "demo: Arctic Mirror started (pid $mirror_pid, log $dir/mirror.log)"

QPSQL=(psql -X -A -t -h 127.0.0.1 -p "$PROXY_PORT" -U demo -d shop)
deadline=$((SECONDS + 180))
until [ "$("${QPSQL[@]}" -c 'SELECT count(*) FROM orders' 2>/dev/null || true)" = "$N_ORDERS" ]; do
  if ! kill -0 "$mirror_pid" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
    echo "demo: the mirror did not come up; its log:" >&2; tail -30 "$dir/mirror.log" >&2; exit 1
  fi
  sleep 0.2
done
grep -E 'initial copy (done|progress)|table copied' "$dir/mirror.log" | sed 's/^/  /' || true

# A little write traffic: new orders, status changes, the odd cancellation, every ~0.3 s.
(
  i=$((N_ORDERS + 1))
  while true; do
    "${PSQL[@]}" -d shop -c "
      INSERT INTO orders VALUES ($i, 1 + ($i * 31) % $N_USERS, round((random() * 300 + 5)::numeric, 2), 'pending', now());
      UPDATE orders SET status = 'paid' WHERE id = $((i - 3));
      UPDATE orders SET status = 'shipped' WHERE id = $((i - 7)) AND status = 'paid';
      DELETE FROM orders WHERE id = $((i - 11)) AND $i % 13 = 0;" >/dev/null 2>&1 || true
    i=$((i + 1))
    sleep 0.3
  done
) &
load_pid=$!

cat <<TXT

  Arctic Mirror is replicating shop.users and shop.orders into Iceberg tables under
  $dir/warehouse and serving them on port $PROXY_PORT. New orders arrive every 0.3 s.

  Query the mirror (password: demo):

    PGPASSWORD=demo psql -h 127.0.0.1 -p $PROXY_PORT -U demo -d shop

  Try:
    SELECT status, COUNT(*), AVG(total_amount) FROM orders GROUP BY status ORDER BY status;
    SELECT u.username, o.total_amount, o.status FROM users u JOIN orders o ON u.id = o.user_id
      ORDER BY o.created_at DESC LIMIT 5;
    SELECT max(id), now() - max(created_at) AS freshness FROM orders;

  Compare with the source:  PGPASSWORD=demo psql -h 127.0.0.1 -p $AM_TEST_PGPORT -U demo -d shop
  Health and metrics:       curl localhost:$HEALTH_PORT/health/detailed ; curl localhost:$HEALTH_PORT/metrics
  The Iceberg tables:       ls $dir/warehouse/public/orders/metadata

  Ctrl-C stops everything and removes $dir.

TXT
"${QPSQL[@]}" -P pager=off -F ' | ' -c "SELECT status, COUNT(*), round(AVG(total_amount), 2) FROM orders GROUP BY status ORDER BY status" | sed 's/^/  mirror> /'
echo

start=$SECONDS
while kill -0 "$mirror_pid" 2>/dev/null; do
  if [ -n "${DEMO_SECONDS:-}" ] && [ $((SECONDS - start)) -ge "$DEMO_SECONDS" ]; then break; fi
  sleep 5
  src=$("${PSQL[@]}" -d shop -A -t -c 'SELECT count(*), max(id) FROM orders' 2>/dev/null | tr '|' ' ')
  mir=$("${QPSQL[@]}" -c 'SELECT count(*), max(id) FROM orders' 2>/dev/null | tr '|' ' ')
  echo "  $(date +%H:%M:%S) orders (count, max id): postgres $src | mirror $mir"
done
kill -0 "$mirror_pid" 2>/dev/null || { echo "demo: the mirror exited; its log:"; tail -30 "$dir/mirror.log"; exit 1; }
