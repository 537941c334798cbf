# Arctic Mirror: one binary plus the DuckDB shared library it is linked against.
# Build:  docker build -t arctic-mirror .      Run: see docker-compose.yml
FROM debian:12 AS build
WORKDIR /src
COPY . .
# scripts/deps.sh installs the Debian packages and fetches DuckDB (sha256-checked) from npm,
# exactly as `make deps` does on a developer machine.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends make ca-certificates \
    && DEPS_PROFILE=build scripts/deps.sh && make build

FROM debian:12-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      libpq5 libjansson4 libyaml-0-2 libmicrohttpd12 libssl3 zlib1g libpg-query1504.0 libtcl8.6 \
      tzdata ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/arctic-mirror --create-home arctic
# The binary finds libduckdb.so through its rpath, $ORIGIN/../third_party/duckdb/lib.
COPY --from=build /src/bin/arctic-mirror /opt/arctic-mirror/bin/arctic-mirror
COPY --from=build /src/third_party/duckdb/lib/libduckdb.so /opt/arctic-mirror/third_party/duckdb/lib/libduckdb.so
COPY config.example.yaml /etc/arctic-mirror/config.yaml
USER arctic
VOLUME /data
EXPOSE 5433 8080
HEALTHCHECK --interval=10s --timeout=5s --retries=6 CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["/opt/arctic-mirror/bin/arctic-mirror"]
CMD ["--config", "/etc/arctic-mirror/config.yaml", "--health-port", "8080"]
