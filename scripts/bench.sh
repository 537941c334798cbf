#!/usr/bin/env bash
# scripts/bench.sh (make bench): the ratio benchmarks in bench/, against a private PostgreSQL
# that it starts and stops. Not part of make test: numbers, not assertions.
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/am-bench.XXXXXX); chmod 755 "$tmp"
trap 'tests/support/pg.sh stop "$tmp/pg"; rm -rf "$tmp"' EXIT INT TERM
tests/support/pg.sh start "$tmp/pg" || exit 1
. "$tmp/pg/env"
export AM_TEST_TMP=$tmp AM_TEST_ROOT=$(pwd) AM_BIN=$(pwd)/bin/arctic-mirror LOG_LEVEL=info
status=0
for b in ${BENCH:-copy freshness compaction}; do
  echo "== bench/$b.py"
  /usr/bin/python3 "bench/$b.py" || status=1
done
exit $status
