# The switchboard binary on a distroless base. docker-compose.yml builds this
# image for its migrate, server and worker services; the command picks which:
#
#   docker build -t switchboard .
#   docker run switchboard migrate|server|worker
#
# compose_test.go checks that the Go version matches go.mod's.

# golang:1.26 follows the newest 1.26 patch release, which satisfies go.mod's
# `go 1.26.x` line. (The image sets GOTOOLCHAIN=local, so an older cached image
# fails the build rather than downloading a toolchain: `docker build --pull`.)
FROM golang:1.26 AS build
WORKDIR /src
# Dependencies first, in their own layer, so a source change does not
# download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (the SQLite driver included), so a static binary.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /switchboard ./cmd/switchboard
# The bootstrap volume's mount point, owned by nonroot: a new named volume
# takes this ownership, so `workspace bootstrap` may write its key file there.
RUN mkdir /bootstrap

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /switchboard /switchboard
COPY --from=build --chown=nonroot:nonroot /bootstrap /bootstrap
# The default 127.0.0.1 would be unreachable from outside the container.
ENV SWITCHBOARD_HTTP_ADDR=0.0.0.0:8088
EXPOSE 8088
USER nonroot:nonroot
ENTRYPOINT ["/switchboard"]
CMD ["server"]
