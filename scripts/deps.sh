#!/usr/bin/env bash
# scripts/deps.sh: installs everything Arctic Mirror needs to build, test and demo on Debian 12.
# Idempotent and quick when everything is present: `make deps` calls it, and so do `make test`
# and `make demo`. Debian packages come from apt; DuckDB 1.4 LTS and the npm test clients come
# from the npm registry, pinned and sha256-checked, into third_party/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

DUCKDB_VERSION=1.4.4
DUCKDB_BINDINGS_VERSION=1.4.4-r.4
DUCKDB_BINDINGS_SHA256=732fac4dc6b8f198870b9c4bb6ddf13544466daca00ad28ba2f1d80de5d7aa4b
DUCKDB_SRC_SHA256=5bb967dcbcd517670ba5f169f238fb9d6787e53752c60ebe24386169d76941ed
NODE_PACKAGES="icebird@0.3.1 pg@8.16.3 postgres@3.4.9"

# DEPS_PROFILE=build (the Dockerfile) installs only what `make build` needs.
BUILD_PACKAGES=(
  build-essential pkg-config libpq-dev libjansson-dev libyaml-dev libmicrohttpd-dev libssl-dev
  zlib1g-dev libpg-query-dev libprotobuf-c-dev tcl8.6-dev nodejs npm ca-certificates
)
APT_PACKAGES=(
  "${BUILD_PACKAGES[@]}" clang clang-tidy clang-format cppcheck libclang-rt-14-dev libcriterion-dev
  postgresql-15 postgresql-client-15 prometheus
  python3 python3-psycopg2 python3-psycopg python3-sqlalchemy python3-asyncpg python3-avro
  libpostgresql-jdbc-java
  default-jdk-headless odbc-postgresql unixodbc python3-pyodbc
  curl procps util-linux
  gnuplot-nox # bench/report.py charts only
)
[ "${DEPS_PROFILE:-all}" = build ] && APT_PACKAGES=("${BUILD_PACKAGES[@]}")

say() { printf 'deps: %s\n' "$*"; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# npm from Debian conflicts with a node that ships its own npm: accept any working npm.
if command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = npm ] || [ "$p" = nodejs ] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}; run 'make deps' as root"; exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian postgresql package starts a cluster of its own on 5432; tests and the demo run
# private clusters, so that one is left as it is.

fetch_npm() { # name@version sha256 destdir
  local spec=$1 sum=$2 dest=$3 tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  local tgz
  tgz=$(ls "$tmp"/*.tgz)
  if ! echo "$sum  $tgz" | sha256sum -c --status; then
    say "sha256 mismatch for $spec: got $(sha256sum "$tgz" | cut -d' ' -f1), want $sum"
    rm -rf "$tmp"; exit 1
  fi
  mkdir -p "$dest"
  tar xzf "$tgz" -C "$tmp"
  mv "$tmp/package" "$dest/pkg"
  rm -rf "$tmp"
}

DUCK=third_party/duckdb
if [ ! -f "$DUCK/.version" ] || [ "$(cat "$DUCK/.version")" != "$DUCKDB_BINDINGS_VERSION" ]; then
  say "fetching DuckDB $DUCKDB_BINDINGS_VERSION from the npm registry"
  rm -rf "$DUCK" && mkdir -p "$DUCK/lib" "$DUCK/include"
  work=$(mktemp -d)
  fetch_npm "@duckdb/node-bindings-linux-x64@$DUCKDB_BINDINGS_VERSION" "$DUCKDB_BINDINGS_SHA256" "$work/bin"
  cp "$work/bin/pkg/libduckdb.so" "$DUCK/lib/"
  fetch_npm "duckdb@$DUCKDB_VERSION" "$DUCKDB_SRC_SHA256" "$work/src"
  cp "$work/src/pkg/src/duckdb/src/include/duckdb.h" "$DUCK/include/"
  rm -rf "$work"
  echo "$DUCKDB_BINDINGS_VERSION" > "$DUCK/.version"
fi

NODE=third_party/node
if [ "${DEPS_PROFILE:-all}" != build ] && [ ! -f "$NODE/.version" ] || [ "$(cat "$NODE/.version")" != "$NODE_PACKAGES" ]; then
  say "installing $NODE_PACKAGES from the npm registry"
  rm -rf "$NODE" && mkdir -p "$NODE"
  (cd "$NODE" && echo '{"private":true}' > package.json &&
     npm install --silent --no-audit --no-fund $NODE_PACKAGES >/dev/null)
  echo "$NODE_PACKAGES" > "$NODE/.version"
fi
say "ok"
