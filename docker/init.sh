#!/bin/sh
# docker-compose.yml runs this once in the postgres container: the same sample shop as make demo.
set -e
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v users=20000 -v orders=100000 \
  -f /arctic-mirror/sample.sql
