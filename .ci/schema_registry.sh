#!/usr/bin/env bash
# Builds a Confluent-compatible schema registry (AxonOps Schema Registry, Apache-2.0, a Go module) from source at a
# pinned version through the Go module proxy, into the cache folder kept between runs (see go_build.sh); prints the
# binary's path.
#   bash .ci/schema_registry.sh            -> ~/.cache/lakestream/bin/schema-registry
# tests/realio's `schema_registry` fixture starts it on 127.0.0.1 with in-memory storage (or $LAKESTREAM_SCHEMA_REGISTRY).
# Confluent's own registry is not on Maven Central, Karapace is not on PyPI, and Apicurio is there only as Quarkus
# parts; this one builds in under a minute. Needs Go >= 1.26.0.
set -euo pipefail
exec bash "$(dirname "$0")/go_build.sh" schema-registry github.com/axonops/axonops-schema-registry v0.2.1 \
  github.com/axonops/axonops-schema-registry/cmd/schema-registry
