# syntax=docker/dockerfile:1
# Build: docker build -t sparkmock .
#        (a versioned build: --build-arg VERSION=1.2.0 --build-arg REVISION=$(git rev-parse HEAD)
#         --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ); releases come from GoReleaser and
#         Dockerfile.release instead)
# Run:   docker run --rm -p 8080:8080 sparkmock
# Check: docker run --rm --network host --entrypoint contracttest sparkmock -base-url http://127.0.0.1:8080 -token private=private-mls
FROM golang:1.26-bookworm AS build
ARG VERSION
ARG REVISION
ARG CREATED
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static binaries: no libc needed at run time; tz data is embedded in both. -version prints the
# build arguments (empty ones are left out).
RUN pkg=github.com/sparkmock/sparkmock/internal/version \
 && ld="-s -w -X $pkg.version=${VERSION} -X $pkg.commit=${REVISION} -X $pkg.date=${CREATED}" \
 && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags="$ld" -o /out/mockserver ./cmd/mockserver \
 && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags="$ld" -o /out/contracttest ./cmd/contracttest \
 && mkdir -p /scratch-tmp && chmod 1777 /scratch-tmp

FROM scratch
ARG VERSION
ARG REVISION
ARG CREATED
LABEL org.opencontainers.image.title="sparkmock" \
      org.opencontainers.image.description="Mock server and contract-test suite for the Spark API's Contacts: Export service" \
      org.opencontainers.image.source="https://github.com/sparkmock/sparkmock" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION:-devel}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
# CA roots, so the contract suite can check an HTTPS implementation.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/ /usr/local/bin/
# A writable /tmp (scratch has none): -tls writes its self-signed certificate there.
COPY --from=build /scratch-tmp /tmp
# Not root: the image has no users, so a numeric uid/gid.
USER 65532:65532
# SPARKMOCK_DRAIN_DELAY: on SIGTERM, keep serving (not ready) this long so load balancers stop
# sending before the listener closes.
ENV SPARKMOCK_ADDR=0.0.0.0:8080 \
    SPARKMOCK_LOG_FORMAT=json \
    SPARKMOCK_DRAIN_DELAY=5s
EXPOSE 8080
# A scratch image has no curl: the binary probes itself. With SPARKMOCK_TLS=true, override it
# with an https:// URL (-probe accepts the self-signed certificate).
HEALTHCHECK --interval=10s --timeout=6s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/mockserver", "-probe", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/mockserver"]
