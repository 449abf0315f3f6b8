# syntax=docker/dockerfile:1
# Multi-stage build: a Rust toolchain builds the client (Trunk, wasm-bindgen, wasm-opt) and the
# server with `cargo xtask dist`; the runtime image holds only the server binary and dist/.

FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo xtask dist \
 && mkdir -p /out \
 && cp target/release/sync-server /out/ \
 && cp -r dist /out/dist

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/eduplatform --create-home edu \
 && mkdir -p /data && chown edu /data
COPY --from=build /out/sync-server /usr/local/bin/sync-server
COPY --from=build /out/dist /usr/share/eduplatform/dist
ENV EDU_BIND=0.0.0.0:8080 \
    EDU_STATIC_DIR=/usr/share/eduplatform/dist \
    EDU_DATABASE_URL=sqlite:///data/edu.db \
    EDU_LOG_FORMAT=json
USER edu
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
STOPSIGNAL SIGTERM
CMD ["sync-server"]
