#!/usr/bin/env bash
# scripts/bench.sh (make bench): the ratio benchmarks in bench/, each against a private
# PostgreSQL it starts and stops, then charts and docs/benchmarks.md (bench/report.py). Not part
# of make test: numbers, not assertions. BENCH="copy ingest" picks some; BENCH_ROWS=1000000 and
# the variables in each script's docstring scale them down for quick runs.
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/am-bench.XXXXXX); chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
export AM_TEST_TMP=$tmp AM_TEST_ROOT=$(pwd) AM_BIN=$(pwd)/bin/arctic-mirror LOG_LEVEL=${LOG_LEVEL:-info}
export BENCH_COMMAND=${BENCH_COMMAND:-"make bench${BENCH:+ BENCH=\"$BENCH\"}${BENCH_ROWS:+ BENCH_ROWS=$BENCH_ROWS}"}
status=0
for b in ${BENCH:-copy ingest updates freshness queries compaction bigtxn restart mixed}; do
  echo "== bench/$b.py"
  /usr/bin/python3 "bench/$b.py" || status=1
done
/usr/bin/python3 bench/report.py || status=1
exit $status
