# syntax=docker/dockerfile:1
# Build: docker build -t sparkmock .
# Run:   docker run --rm -p 8080:8080 sparkmock
# Check: docker run --rm --network host --entrypoint contracttest sparkmock -base-url http://127.0.0.1:8080 -token private=private-mls
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static binaries: no libc needed at run time; tz data is embedded in both.
RUN CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags="-s -w" -o /out/mockserver ./cmd/mockserver \
 && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags="-s -w" -o /out/contracttest ./cmd/contracttest \
 && mkdir -p /scratch-tmp && chmod 1777 /scratch-tmp

FROM scratch
# CA roots, so the contract suite can check an HTTPS implementation.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/ /usr/local/bin/
# A writable /tmp (scratch has none): -tls writes its self-signed certificate there.
COPY --from=build /scratch-tmp /tmp
# Not root: the image has no users, so a numeric uid/gid.
USER 65532:65532
ENV SPARKMOCK_ADDR=0.0.0.0:8080 \
    SPARKMOCK_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/mockserver"]
