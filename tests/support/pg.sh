#!/usr/bin/env bash
# tests/support/pg.sh: a private PostgreSQL 15 cluster for tests and the demo.
#   pg.sh start DIR [PORT]   initdb (as the postgres user: initdb refuses root) and start on
#                            127.0.0.1 with wal_level=logical; writes DIR/env (shell exports)
#   pg.sh stop DIR           fast shutdown; always safe to call
#   pg.sh restart DIR        immediate stop (crash recovery follows) and start again
# AM_PG_CONF, when set, is appended to postgresql.conf (benchmarks size WAL and buffers).
# The cluster has a superuser (REPLICATION included) named $AM_PG_USER (default am_test) with
# password $AM_PG_PASSWORD (default am_test_pw), checked with SCRAM on 127.0.0.1.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGUSER_NAME=${AM_PG_USER:-am_test}
PGUSER_PASSWORD=${AM_PG_PASSWORD:-am_test_pw}
cmd=${1:?usage: pg.sh start|stop DIR [PORT]}
dir=${2:?usage: pg.sh start|stop DIR [PORT]}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case "$cmd" in
start)
  port=${3:-$(free_port)}
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  chmod 700 "$dir"
  pwfile=$(mktemp); echo "$PGUSER_PASSWORD" > "$pwfile"; chmod 644 "$pwfile"
  as_pg "$PGBIN/initdb" -D "$dir/data" -U "$PGUSER_NAME" --pwfile="$pwfile" -A scram-sha-256 \
    --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log"; rm -f "$pwfile"; exit 1; }
  rm -f "$pwfile"
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
wal_level = logical
max_replication_slots = 64
max_wal_senders = 64
max_connections = 200
fsync = off
synchronous_commit = on
full_page_writes = off
shared_buffers = 128MB
wal_sender_timeout = 60s
log_min_messages = warning
${AM_PG_CONF:-}
CONF
  cat >"$dir/data/pg_hba.conf" <<HBA
local all all trust
local replication all trust
host all all 127.0.0.1/32 scram-sha-256
host replication all 127.0.0.1/32 scram-sha-256
HBA
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log"; exit 1; }
  cat >"$dir/env" <<ENV
export AM_TEST_PGHOST=127.0.0.1
export AM_TEST_PGPORT=$port
export AM_TEST_PGUSER=$PGUSER_NAME
export AM_TEST_PGPASSWORD=$PGUSER_PASSWORD
export AM_TEST_PGSOCKET=$dir
export AM_TEST_PGDATA=$dir/data
ENV
  echo "pg: started on 127.0.0.1:$port ($dir)"
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  ;;
restart)
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log"; exit 1; }
  ;;
*)
  echo "usage: pg.sh start|stop|restart DIR [PORT]" >&2; exit 2 ;;
esac
