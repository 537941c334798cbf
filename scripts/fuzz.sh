#!/usr/bin/env bash
# scripts/fuzz.sh SECONDS [NAME...] (make fuzz): builds every tests/fuzz/fuzz_*.c (or the named
# ones) with clang's libFuzzer, ASan and UBSan (the Makefile's fuzz variant, in build/fuzz/),
# and runs each for SECONDS on a copy of its corpus with its dictionary; crashes land in
# tests/fuzz/crashes/. The last lines of each run give its executions: "Done N runs in S
# second(s)", and exec/s in the status lines before.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
fi
mkdir -p tests/fuzz/crashes
bins=()
for name in "${names[@]}"; do bins+=("build/fuzz/fuzz/fuzz_$name"); done
make --no-print-directory VARIANT=fuzz CC=clang "${bins[@]}"
for name in "${names[@]}"; do
  echo "fuzz: $name"
  work=$(mktemp -d); cp -r "tests/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
  dict=""; [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
  # <name>.options: more libFuzzer flags, one a line ('#' comments)
  opts=$(grep -v '^#' "tests/fuzz/$name.options" 2>/dev/null || true)
  "build/fuzz/fuzz/fuzz_$name" $dict $opts -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix=tests/fuzz/crashes/"$name"- "$work"
  rm -rf "$work"
done
