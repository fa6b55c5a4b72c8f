# Build with the Rust toolchain; run on Debian slim as an unprivileged user.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY migrations ./migrations
COPY src ./src
COPY config ./config
COPY static ./static
COPY benches ./benches
COPY fuzz ./fuzz
RUN cargo build --release --locked --bin broadsheet

FROM debian:bookworm-slim
# ca-certificates: outgoing HTTPS to other servers verifies against the system store.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/broadsheet --create-home broadsheet \
 && mkdir -p /var/lib/broadsheet/data/media \
 && chown -R broadsheet /var/lib/broadsheet/data
COPY --from=build /src/target/release/broadsheet /usr/local/bin/broadsheet
USER broadsheet
WORKDIR /var/lib/broadsheet
ENV BROADSHEET_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["broadsheet", "health"]
ENTRYPOINT ["broadsheet"]
CMD ["serve"]
