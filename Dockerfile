# graph-presence-mock as a container: built from source on Debian 12, run
# from debian:12-slim as a non-root user.
#
#   docker build --network host -t graph-presence-mock .
#   docker run --rm -p 8080:8080 graph-presence-mock
#
# It listens on 0.0.0.0:8080 with the default fixtures. Your own fixtures:
# mount a directory at /fixtures and name the file, e.g.
#   docker run --rm -p 8080:8080 -v "$PWD/my-fixtures:/fixtures:ro" \
#     -e GPM_FIXTURES=/fixtures/users.json graph-presence-mock
# Every option has a GPM_* variable (graph-presence-mock --help).

# Build stage: the portable build (every library but the C library linked
# in statically; cpp-httplib from its Debian source package's single header),
# so the run stage needs no library packages at all. Only the server is
# compiled.
FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y -qq --no-install-recommends \
      g++ meson ninja-build pkg-config dpkg-dev ca-certificates \
      libcpp-httplib-dev nlohmann-json3-dev doctest-dev \
      libssl-dev zlib1g-dev libbrotli-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY meson.build meson_options.txt ./
COPY scripts/fetch-httplib-header scripts/
RUN scripts/fetch-httplib-header /opt/httplib-src
COPY src src
COPY tests tests
RUN meson setup /opt/build /src --buildtype=release -Dportable=true \
      -Dhttplib_header_dir=/opt/httplib-src -Dconformance=false \
 && ninja -C /opt/build graph-presence-mock \
 && strip /opt/build/graph-presence-mock

FROM debian:12-slim
COPY --from=build /opt/build/graph-presence-mock /usr/bin/graph-presence-mock
COPY fixtures/default.json /usr/share/graph-presence-mock/default.json
RUN useradd --system --uid 10001 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin gpm \
 && mkdir /fixtures
# /fixtures: the mount point for your fixture files (see above).
ENV GPM_HOST=0.0.0.0 \
    GPM_PORT=8080 \
    GPM_FIXTURES=/usr/share/graph-presence-mock/default.json
EXPOSE 8080
USER 10001:10001
# The mock ends on SIGTERM (in-flight requests finish first, bounded) with
# exit code 0.
STOPSIGNAL SIGTERM
# The binary is its own probe: exit 0 when /_mock/health answers 200.
HEALTHCHECK --interval=2s --timeout=3s --start-period=2s --retries=3 \
  CMD graph-presence-mock --check "http://127.0.0.1:${GPM_PORT}"
ENTRYPOINT ["graph-presence-mock"]
