#!/usr/bin/env bash
# scripts/status.sh [HEALTH_PORT] (make status): what a running Arctic Mirror says about itself,
# as readable tables (`arctic-mirror status`: components, lag, retained WAL, freshness, one line
# per table), then the containers when Docker runs them.
cd "$(dirname "$0")/.."
port=${1:-8080}
bin/arctic-mirror status --health-port "$port" || exit 1
if command -v docker >/dev/null 2>&1 && docker compose ps >/dev/null 2>&1; then echo; docker compose ps; fi
