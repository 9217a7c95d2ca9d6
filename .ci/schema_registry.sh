#!/usr/bin/env bash
# Builds a Confluent-compatible schema registry (AxonOps Schema Registry, Apache-2.0, a Go module) from source at a
# pinned version through the Go module proxy, into the cache folder kept between runs; prints the binary's path.
#   bash .ci/schema_registry.sh            -> ~/.cache/lakestream/bin/schema-registry
# tests/realio's `schema_registry` fixture starts it on 127.0.0.1 with in-memory storage (or $LAKESTREAM_SCHEMA_REGISTRY).
#
# Confluent's own registry is not on Maven Central, Karapace is not on PyPI, and Apicurio is there only as Quarkus
# parts; this one builds in under a minute. As with the Databricks CLI, the proxy refuses version lists, so a
# throw-away module requires the pinned version and builds its main package.
set -euo pipefail

VERSION="v0.2.1"   # github.com/axonops/axonops-schema-registry; needs Go >= 1.26.0
CACHE="${LAKESTREAM_CACHE:-$HOME/.cache/lakestream}"
BIN="$CACHE/bin/schema-registry"
STAMP="$CACHE/bin/schema-registry.version"

if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  echo "$BIN"
  exit 0
fi

GO="$(command -v go || true)"
[ -n "$GO" ] || GO=/usr/local/go/bin/go
if [ ! -x "$GO" ]; then
  echo "Go is needed to build the schema registry (go 1.26+): not found" >&2
  exit 1
fi
export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false"

WORK="$CACHE/schema-registry-build"
rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE/bin"
cd "$WORK"
"$GO" mod init lakestream.local/schema-registry >/dev/null 2>&1
"$GO" get "github.com/axonops/axonops-schema-registry@$VERSION" >&2
"$GO" build -trimpath -o "$BIN.tmp" github.com/axonops/axonops-schema-registry/cmd/schema-registry
mv "$BIN.tmp" "$BIN"
echo "$VERSION" > "$STAMP"
echo "$BIN"
