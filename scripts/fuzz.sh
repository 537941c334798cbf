#!/usr/bin/env bash
# scripts/fuzz.sh SECONDS (make fuzz): builds every tests/fuzz/fuzz_*.c with clang's libFuzzer,
# ASan and UBSan, and runs each for SECONDS on a copy of its corpus; crashes land in
# tests/fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
out=build/fuzz
mkdir -p "$out" tests/fuzz/crashes
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Ithird_party/duckdb/include $(pkg-config --cflags libpq jansson yaml-0.1 libmicrohttpd openssl zlib)"
libs="$(pkg-config --libs libpq jansson yaml-0.1 libmicrohttpd openssl zlib) -Lthird_party/duckdb/lib -lduckdb -Wl,-rpath,$(pwd)/third_party/duckdb/lib -lpthread -lm"
srcs=$(find src -name '*.c' ! -name main.c | sort)
for f in tests/fuzz/fuzz_*.c; do
  name=$(basename "$f" .c); name=${name#fuzz_}
  echo "fuzz: $name"
  clang $flags "$f" $srcs -o "$out/fuzz_$name" $libs
  work=$(mktemp -d); cp -r "tests/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
  dict=""; [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
  "$out/fuzz_$name" $dict -max_total_time="$secs" -artifact_prefix=tests/fuzz/crashes/"$name"- "$work"
  rm -rf "$work"
done
