#!/usr/bin/env bash
# Builds the Databricks CLI from source at a pinned version through the Go module proxy (no prebuilt
# binary is downloaded), into a cache folder kept between runs; prints the binary's path.
#   bash .ci/databricks_cli.sh            -> ~/.cache/lakestream/bin/databricks
# The tests find it there (or at $LAKESTREAM_DATABRICKS_CLI).
#
# `go install github.com/databricks/cli@VERSION` cannot be used: it looks the module's deprecation up
# in the proxy's version list, which the proxy here refuses (403). A throw-away module that requires
# the pinned version and builds its main package gives the same binary.
set -euo pipefail

VERSION="v1.12.1"   # github.com/databricks/cli; needs Go >= 1.26.0
CACHE="${LAKESTREAM_CACHE:-$HOME/.cache/lakestream}"
BIN="$CACHE/bin/databricks"
STAMP="$CACHE/bin/databricks.version"

if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  echo "$BIN"
  exit 0
fi

GO="$(command -v go || true)"
[ -n "$GO" ] || GO=/usr/local/go/bin/go
if [ ! -x "$GO" ]; then
  echo "Go is needed to build the Databricks CLI (go 1.26+): not found" >&2
  exit 1
fi
export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false"

WORK="$CACHE/databricks-cli-build"
rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE/bin"
cd "$WORK"
"$GO" mod init lakestream.local/databricks-cli >/dev/null 2>&1
"$GO" get "github.com/databricks/cli@$VERSION" >&2
"$GO" build -trimpath -o "$BIN.tmp" github.com/databricks/cli
mv "$BIN.tmp" "$BIN"
echo "$VERSION" > "$STAMP"
echo "$BIN"
