#!/usr/bin/env bash
# scripts/status.sh [HEALTH_PORT] (make status): what a running Arctic Mirror says about itself.
port=${1:-8080}
if ! curl -fsS "http://127.0.0.1:$port/health/detailed" 2>/dev/null; then
  body=$(curl -sS "http://127.0.0.1:$port/health/detailed" 2>&1) || { echo "status: nothing answers on 127.0.0.1:$port ($body)"; exit 1; }
  echo "$body"; exit 1
fi
echo
if command -v docker >/dev/null 2>&1 && docker compose ps >/dev/null 2>&1; then docker compose ps; fi
