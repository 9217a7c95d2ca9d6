"""A Confluent schema registry subject's Avro schema as a source's columns (Spark types, as Spark's Avro reader maps them)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from lakestream.errors import UserError
from lakestream.sparksql.runtime.typenames import FRACTIONAL, INTEGRAL
from lakestream.sparksql.types import canonical, quote_name

# Avro primitive -> Spark type, as spark-avro's SchemaConverters maps them
_PRIMITIVES = {"null": "void", "boolean": "boolean", "int": "int", "long": "bigint", "float": "float",
               "double": "double", "bytes": "binary", "string": "string"}
_LOGICAL = {"date": "date", "timestamp-millis": "timestamp", "timestamp-micros": "timestamp",
            "local-timestamp-millis": "timestamp_ntz", "local-timestamp-micros": "timestamp_ntz"}


@dataclass(frozen=True)
class ImportedSchema:
    """What a subject gave: its columns ([{"name", "type"}]), registry id and version, and notes for the user."""

    subject: str
    id: int
    version: int
    columns: list[dict[str, str]]


def _type(avro, names: dict[str, str]) -> str:
    """The Spark type (DDL text) of an Avro type; `names` holds the named types seen so far."""
    if isinstance(avro, str):
        if avro in _PRIMITIVES:
            return _PRIMITIVES[avro]
        if avro in names:
            return names[avro]
        raise UserError(f"The Avro schema refers to an unknown type {avro!r}")
    if isinstance(avro, list):  # a union: ["null", T] is a nullable T; others are structs of members, as Spark does
        members = [m for m in avro if m != "null"]
        if len(members) == 1:
            return _type(members[0], names)
        spark = [_PRIMITIVES.get(m) if isinstance(m, str) else None for m in members]
        if all(t in INTEGRAL for t in spark):  # Avro int|long: Spark reads the wider
            return "bigint"
        if all(t in FRACTIONAL for t in spark):
            return "double"
        return "struct<" + ", ".join(f"member{i}: {_type(m, names)}" for i, m in enumerate(members)) + ">"
    if not isinstance(avro, dict) or "type" not in avro:
        raise UserError(f"Not an Avro type: {json.dumps(avro)[:80]}")
    logical = avro.get("logicalType")
    if logical == "decimal":
        return f"decimal({int(avro.get('precision', 10))},{int(avro.get('scale', 0))})"
    if logical in _LOGICAL:
        return _LOGICAL[logical]
    kind = avro["type"]
    if kind == "record":
        fields = ", ".join(f"{quote_name(f['name'])}: {_type(f['type'], names)}" for f in avro.get("fields", []))
        names[avro.get("name", "")] = result = f"struct<{fields}>"
        return result
    if kind == "enum":
        names[avro.get("name", "")] = "string"
        return "string"
    if kind == "fixed":
        names[avro.get("name", "")] = "binary"
        return "binary"
    if kind == "array":
        return f"array<{_type(avro['items'], names)}>"
    if kind == "map":
        return f"map<string, {_type(avro['values'], names)}>"
    return _type(kind, names)


def avro_columns(schema_text: str) -> list[dict[str, str]]:
    """The columns of an Avro record schema (JSON text): one per field, typed as Spark reads it."""
    try:
        schema = json.loads(schema_text)
    except json.JSONDecodeError as error:
        raise UserError(f"The subject's schema is not JSON: {error}") from None
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise UserError("The subject's schema is not an Avro record: a source needs a record to have columns")
    names: dict[str, str] = {}
    columns = []
    for field in schema.get("fields", []):
        spark = _type(field["type"], names)
        if spark == "void":
            continue  # a field that is always null has no column worth declaring
        columns.append({"name": field["name"], "type": canonical(spark)})
    return columns


def import_subject(registry: str, subject: str, timeout: float = 15.0) -> ImportedSchema:
    """The latest Avro schema of `subject` in the registry at `registry`, as columns; UserError when it cannot."""
    from lakestream.connectors.confluent_avro import subject_versions

    registry, subject = (registry or "").strip(), (subject or "").strip()
    if not registry.startswith(("http://", "https://")):
        raise UserError("Give the schema registry's URL (http://host:port or https://…)")
    if not subject:
        raise UserError("Give the subject (usually <topic>-value)")
    try:
        latest = subject_versions(registry, subject, timeout=timeout)[-1]
    except RuntimeError as error:
        message = str(error)
        if "HTTP 404" in message:
            message = f"The schema registry at {registry} has no subject {subject!r}"
        raise UserError(message) from None
    return ImportedSchema(subject, int(latest["id"]), int(latest["version"]), avro_columns(latest["schema"]))
