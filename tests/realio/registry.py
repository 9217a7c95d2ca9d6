"""A real Confluent-compatible schema registry (AxonOps Schema Registry, built by .ci/schema_registry.sh) for tests.

It listens on 127.0.0.1 with in-memory storage; `schema_registry` is a session fixture (imported by the conftests
of the tests that use it). Records in the Confluent wire format are written with fastavro.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import require
from tests.services.servers import free_port, wait_for_port


def registry_binary() -> Path:
    return Path(os.environ.get("LAKESTREAM_SCHEMA_REGISTRY") or Path.home() / ".cache/lakestream/bin/schema-registry")


class SchemaRegistry:
    """One registry process on a free port of 127.0.0.1; `stop()` ends it."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="lakestream-registry-"))
        self.port = free_port()
        env = {**os.environ, "SCHEMA_REGISTRY_HOST": "127.0.0.1", "SCHEMA_REGISTRY_PORT": str(self.port),
               "SCHEMA_REGISTRY_STORAGE_TYPE": "memory", "SCHEMA_REGISTRY_LOG_LEVEL": "warn"}
        self.process = subprocess.Popen([str(registry_binary())], env=env, cwd=self.dir,
                                        stdout=(self.dir / "registry.log").open("wb"), stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, timeout=30)
        except TimeoutError:
            self.stop()
            raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def register(self, subject: str, schema: dict) -> int:
        """Register an Avro schema under `subject` (a new version when it differs); its registry id."""
        body = json.dumps({"schema": json.dumps(schema)}).encode()
        request = urllib.request.Request(f"{self.url}/subjects/{subject}/versions", data=body, method="POST",
                                         headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(json.loads(response.read())["id"])

    @staticmethod
    def encode(schema_id: int, schema: dict, record: dict) -> bytes:
        """One record in the Confluent wire format: magic byte 0, the big-endian schema id, the Avro body."""
        import fastavro

        buffer = io.BytesIO()
        buffer.write(struct.pack(">bI", 0, schema_id))
        fastavro.schemaless_writer(buffer, fastavro.parse_schema(schema), record)
        return buffer.getvalue()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def schema_registry():
    require(registry_binary().exists(), f"the schema registry at {registry_binary()} (bash .ci/schema_registry.sh)")
    registry = SchemaRegistry()
    yield registry
    registry.stop()
