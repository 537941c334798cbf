#!/usr/bin/env bash
# make demo's script, end to end and unattended: it must bring up PostgreSQL and the mirror,
# print the psql line, show the mirror catching up with the write traffic, and clean up.
set -u
cd "$(dirname "$0")/../.."
# two distinct free ports, both sockets bound until both are picked
read -r proxy_port health_port < <(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
out=$(DEMO_SECONDS=12 DEMO_USERS=2000 DEMO_ORDERS=10000 DEMO_PROXY_PORT=$proxy_port \
      DEMO_HEALTH_PORT=$health_port timeout 300 scripts/demo.sh 2>&1)
st=$?
echo "$out" | tail -40
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi; }
check "demo exits cleanly" '[ $st -eq 0 ]'
check "demo prints the psql line" 'grep -q "PGPASSWORD=demo psql -h 127.0.0.1 -p" <<<"$out"'
check "demo shows the GROUP BY status answer from the mirror" 'grep -q "mirror> cancelled" <<<"$out"'
check "demo shows the mirror following the writes" 'grep -qE "postgres [0-9]+ [0-9]+ \| mirror [0-9]+ [0-9]+" <<<"$out"'
demo_dir=$(sed -nE 's/.*Ctrl-C stops everything and removes (.*)\.$/\1/p' <<<"$out" | head -1)
check "demo removes its temp directory" '[ -n "$demo_dir" ] && [ ! -e "$demo_dir" ]'
echo "test_demo: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
