#!/usr/bin/env bash
# scripts/test.sh VARIANT...: runs the tests of each built variant (build/<variant>/) against one
# private PostgreSQL 15 that it starts and always stops: the Criterion unit and integration
# suite, the fuzz corpora replayed as plain tests, then tests/e2e/test_* with real clients.
# Ends with "N passed, N failed" and exits non-zero on any failure.
#
# With both plain and asan (make test), each test runs once, under ASan+UBSan, except what the
# sanitizers make too slow, which the plain (-O2) build runs: the pgfn_* Criterion suites
# (function results compared with PostgreSQL's, value by value; their code paths are the
# compiler's, which the proxy fuzz replays and the end-to-end corpus drive under ASan) and the
# *.slow.* end-to-end tests (make demo's script, the crash torture), and the three longest
# replication tests (test_schema, test_lifecycle, test_compaction: schema changes, restarts and
# compaction under write load), whose writer, evolution and compaction paths the Criterion suite
# (mirror/*, lake/*) and test_replication, test_hidden_changes and test_soak drive under ASan.
# So does test_bigtxn, whose memory budget is measured only outside the sanitizers (its spilled
# deletes and streamed transactions have Criterion tests, lake/* and source/*, under ASan). Every
# end-to-end test in both builds doubled make test's time on two cores, and the sanitized build
# costs each test twice the CPU of the plain one; AM_TEST_FULL=1 runs everything in both.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
[ "$#" -gt 0 ] || set -- plain

tmp=$(mktemp -d /tmp/am-test.XXXXXX)
chmod 755 "$tmp"
cleanup() { tests/support/pg.sh stop "$tmp/pg"; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
# No JIT: the tests' statements are small, and compiling the few that pass jit_above_cost (bulk
# inserts from generate_series) cost LLVM a few percent of the run's CPU.
AM_PG_CONF="jit = off${AM_PG_CONF:+
$AM_PG_CONF}" tests/support/pg.sh start "$tmp/pg" || exit 1
# shellcheck disable=SC1091
. "$tmp/pg/env"
export AM_TEST_TMP=$tmp AM_TEST_ROOT=$ROOT
# Sanitizer reports from any instrumented process (the suite's forked tests, the binary the
# end-to-end tests start) land in $tmp/san and fail the step that produced them.
san=$tmp/san; mkdir -p "$san"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$san/ubsan"
# A 16 MB quarantine (ASan's default is 256 MB) still holds what the last few statements freed,
# where a use after free comes from; the default's fresh pages and page faults for every block
# DuckDB frees made the sanitized run a third slower (test_pg_corpus 54 s against 36 s).
export ASAN_OPTIONS="abort_on_error=0:detect_leaks=1:quarantine_size_mb=16:log_path=$san/asan"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="suppressions=$ROOT/tests/tsan.supp halt_on_error=1 log_path=$san/tsan"
san_check() { # step name
  if compgen -G "$san/*" >/dev/null; then
    echo "sanitizer reports from $1:"; head -c 6000 "$san"/*; rm -f "$san"/*
    record "$1: sanitizer report" 1
  fi
}

split=0
[[ " $* " == *" plain "* && " $* " == *" asan "* && -z "${AM_TEST_FULL:-}" ]] && split=1
passed=0; failed=0; failures=(); fail_logs=()
e2e_jobs=${AM_E2E_JOBS:-2}
declare -A e2e_t0
# Reports and records the end-to-end tests (variant:path) that have finished.
e2e_reap() {
  local still=() item v t log st
  for item in "${running[@]}"; do
    v=${item%%:*}; t=$(basename "${item#*:}")
    log=$tmp/e2e-$v-$t.log
    if [ ! -f "$log.rc" ]; then still+=("$item"); continue; fi
    st=$(cat "$log.rc")
    if [ "$st" -eq 0 ]; then echo "e2e $v $t: ok ($((SECONDS - e2e_t0[$item])) s)"; else
      echo "e2e $v $t: FAILED (exit $st, $((SECONDS - e2e_t0[$item])) s)"; tail -40 "$log"
      fail_logs+=("$log"); fi
    record "$v/e2e/$t" "$st"
    san_check "$v/e2e/$t"
  done
  running=("${still[@]+"${still[@]}"}")
}
record() { # name status
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

for v in "$@"; do
  B=build/$v
  if [ "$v" = tsan ]; then
    # Criterion's own runner crashes under TSan: the race build runs the fuzz replays and the
    # end-to-end tests, which drive the real multi-threaded binary.
    echo "== $v: Criterion suite skipped (its runner does not work under TSan)"
  else
    echo "== $v: unit and integration tests (Criterion)"
    out=$tmp/criterion-$v.log
    t0=$SECONDS
    # The pgfn_* suites are half the suite's time under ASan (see the top). AM_TEST_FILTER
    # overrides.
    filter=${AM_TEST_FILTER:-}
    [ -z "$filter" ] && [ "$v" = asan ] && filter='!(pgfn_*)/*'
    [ -z "$filter" ] && [ "$v" = plain ] && [ "$split" = 1 ] && filter='pgfn_*/*'
    "$B/unit_tests" --jobs 2 --timeout 300 ${filter:+--filter "$filter"} 2>&1 | tee "$out"
    syn=$(grep -E 'Synthesis: Tested' "$out" | tail -1)
    t=$(sed -nE 's/.*Tested: ([0-9]+).*/\1/p' <<<"$syn"); p=$(sed -nE 's/.*Passing: ([0-9]+).*/\1/p' <<<"$syn")
    if [ -z "$syn" ]; then record "$v/criterion (no synthesis line)" 1; else
      passed=$((passed + p)); failed=$((failed + t - p))
      [ "$t" -eq "$p" ] || failures+=("$v/criterion: $((t - p)) failing")
    fi
    # Criterion counts a test whose process reported a leak or UB at exit as passing: read the
    # sanitizers' own reports instead.
    echo "criterion $v: $((SECONDS - t0)) s"
    san_check "$v/criterion"
  fi

  echo "== $v: fuzz corpora replayed"
  for r in "$B"/fuzz/replay_*; do
    [ -x "$r" ] || continue
    name=${r##*/replay_}
    "$r" "tests/fuzz/corpus/$name" >"$tmp/fuzz-$name.log" 2>&1
    st=$?; [ $st -eq 0 ] || { tail -20 "$tmp/fuzz-$name.log"; fail_logs+=("$tmp/fuzz-$name.log"); }
    echo "fuzz replay $name: $([ $st -eq 0 ] && echo ok || echo FAILED)"
    record "$v/fuzz/$name" $st
    san_check "$v/fuzz/$name"
  done
done

# The end-to-end tests of every variant share one pool, two at a time: most of a test's time
# is waiting (trickles, timers, clients' round trips), each has its own databases, slot and
# ports.
if [ -z "${AM_TEST_FILTER:-}" ]; then
  echo "== end-to-end tests with real clients ($e2e_jobs at a time): $*"
  queue=()
  for v in "$@"; do
    for t in tests/e2e/test_*; do
      case "$v:$t" in asan:*.slow.*|tsan:*.slow.*) continue ;; esac
      if [ "$split" = 1 ]; then # which one build runs it (see the top)
        case "$(basename "$t")" in
          *.slow.* | test_bigtxn.py | test_schema.py | test_lifecycle.py | test_compaction.py) only=plain ;;
          *) only=asan ;;
        esac
        [ "$v" = "$only" ] || continue
      fi
      [ -n "${AM_E2E:-}" ] && [[ "$t" != *"$AM_E2E"* ]] && continue
      queue+=("$v:$t")
    done
  done
  # the longest first, whichever build runs them: a long test started last runs alone
  ordered=()
  for name in test_schema test_bigtxn test_clients test_pg_corpus test_psql_describe test_compaction \
    test_hidden_changes ''; do
    for item in "${queue[@]+"${queue[@]}"}"; do
      [[ -n "$name" && "$item" != */"$name".* ]] && continue
      [[ " ${ordered[*]-} " == *" $item "* ]] || ordered+=("$item")
    done
  done
  queue=("${ordered[@]+"${ordered[@]}"}")
  running=()
  for item in "${queue[@]+"${queue[@]}"}"; do
    v=${item%%:*}; t=${item#*:}
    # A test file that cannot run fails: skipping it silently once left a test unrun for weeks.
    if [ ! -x "$t" ]; then echo "e2e $v $(basename "$t"): FAILED (not executable)"
      record "$v/e2e/$(basename "$t") (not executable)" 1; continue; fi
    while [ "${#running[@]}" -ge "$e2e_jobs" ]; do e2e_reap; sleep 0.5; done
    log=$tmp/e2e-$v-$(basename "$t").log
    rm -f "$log.rc"
    e2e_t0[$item]=$SECONDS
    (AM_BIN=$ROOT/build/$v/arctic-mirror AM_VARIANT=$v timeout 900 "$t" >"$log" 2>&1; echo $? >"$log.rc") &
    running+=("$item")
  done
  while [ "${#running[@]}" -gt 0 ]; do e2e_reap; sleep 0.5; done
fi

# What failed, once more at the end: a CI page that keeps only the head and tail of the
# output still shows why.
for c in "$tmp"/criterion-*.log; do
  [ -f "$c" ] && grep -E '^\[----\]|\[FAIL\]' "$c" | grep -v '^\[----\] Criterion' | tail -40
done
for l in "${fail_logs[@]+"${fail_logs[@]}"}"; do
  echo "== the end of $(basename "$l")"; grep -vE 'level=(debug|info)' "$l" | tail -60
done
echo
# The failing checks' own lines last of all, where a CI page that keeps only the tail shows them.
for l in "${fail_logs[@]+"${fail_logs[@]}"}"; do
  grep -E '^FAIL ' "$l" | cut -c1-400 | sed "s|^|$(basename "$l" .log): |"
done
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
