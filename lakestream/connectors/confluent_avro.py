"""Confluent wire-format Avro (magic byte 0, 4-byte schema id, Avro body) decoded on open-source Spark.

Databricks' `from_avro` reads the schema registry itself (`subject`, `schemaRegistryAddress`); open-source Spark's
`from_avro` needs the writer's schema as JSON and the bare Avro body. So, when the query is defined, this module
fetches every version of the subject from the registry and decodes each record with the version its schema id
names (as writer schema) into the latest version (as reader schema, Avro schema evolution). A record whose id was
registered after the query started, or whose first byte is not 0, fails the query with a message saying so:
restarting the query fetches the new versions.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request


def on_databricks() -> bool:
    """True on a Databricks cluster or serverless compute (its runtime sets this variable)."""
    return "DATABRICKS_RUNTIME_VERSION" in os.environ


def _get(registry: str, path: str, timeout: float):
    url = registry.rstrip("/") + path
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.schemaregistry.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the user's registry URL)
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"schema registry {registry}: GET {path} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise RuntimeError(f"schema registry {registry} cannot be reached: {error}") from None


def subject_versions(registry: str, subject: str, timeout: float = 30.0) -> list[dict]:
    """Every registered version of `subject`, oldest first: dicts with `id`, `version` and `schema` (JSON text)."""
    quoted = urllib.parse.quote(subject, safe="")
    numbers = _get(registry, f"/subjects/{quoted}/versions", timeout) or []
    versions = [_get(registry, f"/subjects/{quoted}/versions/{int(n)}", timeout) for n in sorted(numbers)]
    avro = [v for v in versions if v.get("schemaType", "AVRO") == "AVRO"]
    if not avro:
        raise RuntimeError(f"schema registry {registry} holds no Avro schema under the subject {subject!r}")
    return avro


def from_confluent_avro(value, registry: str, subject: str):
    """A column decoding `value` (Confluent wire format) with the subject's schemas: a struct of the latest schema."""
    from pyspark.sql import functions as F
    from pyspark.sql.avro.functions import from_avro

    versions = subject_versions(registry, subject)
    reader = versions[-1]["schema"]
    schema_id = F.conv(F.hex(F.substring(value, 2, 4)), 16, 10).cast("int")
    body = F.substring(value, 6, 2**31 - 1)
    decoded = None
    for version in versions:
        branch = from_avro(body, version["schema"], {"avroSchema": reader, "mode": "FAILFAST"})
        decoded = (F.when(schema_id == int(version["id"]), branch) if decoded is None
                   else decoded.when(schema_id == int(version["id"]), branch))
    unknown = F.raise_error(F.concat(
        F.lit("Kafka record with schema id "), schema_id.cast("string"),
        F.lit(f" is not among the versions of subject {subject!r} read from {registry} when the query started "
              "(or is not in Confluent wire format): restart the query")))
    magic_ok = F.hex(F.substring(value, 1, 1)) == F.lit("00")
    return F.when(value.isNull(), F.lit(None)).otherwise(F.when(magic_ok, decoded.otherwise(unknown)).otherwise(unknown))
