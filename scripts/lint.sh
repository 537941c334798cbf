#!/usr/bin/env bash
# scripts/lint.sh (make lint): formatting, then clang-tidy and cppcheck, all as errors, plus the
# module-boundary rule (a module includes another only through "<other>/<other>.h").
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(find src tests bench -name '*.[ch]' 2>/dev/null | sort)
status=0

echo "lint: clang-format"
clang-format --dry-run -Werror $files || status=1

echo "lint: module boundaries"
for f in $(find src -mindepth 2 -name '*.[ch]'); do
  mod=$(echo "$f" | cut -d/ -f2)
  while read -r inc; do
    other=$(echo "$inc" | cut -d/ -f1)
    hdr=$(echo "$inc" | cut -d/ -f2)
    if [ "$other" != "$mod" ] && [ "$hdr" != "$other.h" ]; then
      echo "$f: includes \"$inc\": another module is reached only through $other/$other.h"; status=1
    fi
  done < <(sed -nE 's/^#include "([a-z_]+\/[a-z_]+\.h)".*/\1/p' "$f")
done

echo "lint: cppcheck"
cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
  --suppress=missingIncludeSystem --inline-suppr -Isrc src || status=1

echo "lint: clang-tidy"
flags="-std=c11 -D_GNU_SOURCE -Isrc -isystem third_party/duckdb/include $(pkg-config --cflags libpq jansson yaml-0.1 libmicrohttpd openssl zlib tcl8.6)"
checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-assignment-in-if-condition,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,cert-err33-c,readability-function-size'
# cert-err33-c: results that must be looked at. The printf family is left out on purpose:
# snprintf truncation is how we cut over-long messages, and a failed write to stderr or a
# --help page has no one left to tell.
err33='::aligned_alloc;::calloc;::malloc;::realloc;::fopen;::fread;::fwrite;::fgets;::fgetc;::fseek;::ftell;::remove;::rename;::setvbuf;::strtol;::strtoll;::strtoul;::strtoull;::strtod;::strtof;::mktime;::timespec_get;::atexit;::mbrtowc;::wcrtomb'
export checks err33 flags
tidy_one() {
  clang-tidy --quiet -checks="$checks" -warnings-as-errors='*' \
    -config="{CheckOptions: [{key: readability-function-size.LineThreshold, value: 100}, {key: cert-err33-c.CheckedFunctions, value: '$err33'}]}" \
    "$1" -- $flags 2>/dev/null || { echo "clang-tidy: $1"; return 1; }
}
export -f tidy_one
find src -name '*.c' | sort | xargs -P 2 -n 1 bash -c 'tidy_one "$0"' || status=1
[ $status -eq 0 ] && echo "lint: ok"
exit $status
