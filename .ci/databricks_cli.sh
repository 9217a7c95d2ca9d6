#!/usr/bin/env bash
# Builds the Databricks CLI from source at a pinned version through the Go module proxy, into a cache folder kept
# between runs (see go_build.sh); prints the binary's path.
#   bash .ci/databricks_cli.sh            -> ~/.cache/lakestream/bin/databricks
# The tests find it there (or at $LAKESTREAM_DATABRICKS_CLI). Needs Go >= 1.26.0.
set -euo pipefail
exec bash "$(dirname "$0")/go_build.sh" databricks github.com/databricks/cli v1.12.1 github.com/databricks/cli
