#!/usr/bin/env bash
# Flags and config errors, through the real binary: --help, bad flags and broken configs exit 2
# with a message naming the flag, key and line, before anything is touched.
set -u
BIN=${AM_BIN:-bin/arctic-mirror}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
check() { # description, condition-status
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}
expect() { # description, want-exit, want-substring, args...
  local what=$1 want=$2 sub=$3; shift 3
  out=$("$BIN" "$@" 2>&1); st=$?
  [ "$st" -eq "$want" ] && grep -qF -- "$sub" <<<"$out"
  local ok=$?
  [ $ok -eq 0 ] || echo "  exit $st, output: $out" | head -5
  check "$what" $ok
}

expect "--help exits 0 and documents --health-port" 0 "--health-port" --help
expect "unknown flag exits 2 naming it" 2 "--bogus" --bogus
expect "missing config file exits 2 naming it" 2 "$tmp/none.yaml" --config "$tmp/none.yaml"
printf 'postgres:\n  host: localhost\n  port: 54x32\n  user: u\n  database: d\ntables:\n  - name: t\niceberg:\n  path: %s/w\n' "$tmp" >"$tmp/bad-port.yaml"
expect "bad port names key and line" 2 'bad-port.yaml:3: key "postgres.port"' --config "$tmp/bad-port.yaml"
printf 'postgres:\n  hots: localhost\n  user: u\n  database: d\ntables:\n  - name: t\niceberg:\n  path: %s/w\n' "$tmp" >"$tmp/typo.yaml"
expect "unknown key is named" 2 '"postgres.hots"' --config "$tmp/typo.yaml"
printf 'postgres:\n  user: u\n  database: d\ntables:\n  - name: t\n' >"$tmp/noice.yaml"
expect "missing required key is named" 2 '"iceberg.path"' --config "$tmp/noice.yaml"
[ ! -e "$tmp/w" ]; check "a broken config touches nothing" $?
printf 'postgres:\n  user: u\n  database: d\ntables:\n  - name: t\niceberg:\n  path: %s/w\n' "$tmp" >"$tmp/ok.yaml"
out=$(POSTGRES_PORT=notaport "$BIN" --config "$tmp/ok.yaml" 2>&1); st=$?
[ $st -eq 2 ] && grep -q POSTGRES_PORT <<<"$out"; check "bad POSTGRES_PORT is named" $?

echo "test_cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
