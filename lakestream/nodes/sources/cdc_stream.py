"""CDC stream source: change events (Debezium, Maxwell, Delta change feed) as row images plus operation columns."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from lakestream.nodes.base import Category, Inputs, NodeType, Schema, schema_of
from lakestream.nodes.fields import ColumnName, Model, RequiredText, TableName, declared_schema
from lakestream.nodes.sources.common import RequiredColumns, schema_field
from lakestream.nodes.sources.kafka_source import KafkaSecurity
from lakestream.nodes.transforms.common import KeyColumns

# Every change row carries these after the row image, whatever the cdc_format:
# _change_type is normalised to insert / update / delete; _commit_timestamp is when the change was made
# (Debezium ts_ms, Maxwell ts, Delta _commit_timestamp); _commit_version orders changes of one commit
# source (Debezium/Maxwell: the log position, Delta: the table version).
OPERATION_COLUMNS = schema_of(
    ("_change_type", "string"), ("_commit_version", "bigint"), ("_commit_timestamp", "timestamp")
)


class _Changes(Model):
    """The CDC fields, shown before the shared Kafka security fields."""

    source_kind: Literal["kafka", "table"] = Field(
        description="Where the change events come from: a Kafka topic or a table (change feed or raw events)"
    )
    bootstrap_servers: RequiredText | None = Field(None, description="Kafka brokers, host:port list (kafka)")
    topic: RequiredText | None = Field(None, description="Kafka topic of the change events (kafka)")
    source_table: TableName | None = Field(None, description="Table to read changes from, catalog.schema.table")
    cdc_format: Literal["debezium", "maxwell", "delta_cdf"] = Field(description="Encoding of the change events")
    schema_: RequiredColumns = schema_field("Columns of the row image (the table's columns)")
    keys: KeyColumns = Field(description="Primary key columns of the row image")
    sequence_by: ColumnName = Field(
        description="Column ordering the changes of one key: a row image column or _commit_version / "
        "_commit_timestamp"
    )
    scd_type: Literal[1, 2] = Field(1, description="How a downstream table applies changes: 1 overwrite, 2 history")

    @field_validator("keys", "sequence_by")
    @classmethod
    def _in_row_image(cls, value, info: ValidationInfo):
        declared = {c.name for c in info.data.get("schema_", ())}
        if not declared:
            return value  # the schema itself is invalid and already reported
        allowed = declared | ({c.name for c in OPERATION_COLUMNS} if info.field_name == "sequence_by" else set())
        for name in (value,) if isinstance(value, str) else value:
            if name not in allowed:
                raise ValueError(f"{name!r} is not a declared column; pick one of {', '.join(sorted(allowed))}")
        return value

    @model_validator(mode="after")
    def _connection(self):
        if self.source_kind == "kafka":
            missing = [n for n in ("bootstrap_servers", "topic") if getattr(self, n) is None]
            if missing:
                raise ValueError(f"source_kind = kafka needs {' and '.join(missing)}")
            if self.cdc_format == "delta_cdf":
                raise ValueError("cdc_format = delta_cdf reads a table's change feed: set source_kind = table")
        elif self.source_table is None:
            raise ValueError("source_kind = table needs source_table")
        return self


class Config(KafkaSecurity, _Changes):
    """Change events and, for Kafka, the connection security (base order puts _Changes fields first)."""


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return declared_schema(config.schema_) + OPERATION_COLUMNS


EXAMPLE = {
    "source_kind": "kafka",
    "bootstrap_servers": "broker:9092",
    "topic": "erp.public.orders",
    "cdc_format": "debezium",
    "schema": [
        {"name": "order_id", "type": "string"},
        {"name": "status", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "updated_at", "type": "timestamp"},
    ],
    "keys": ["order_id"],
    "sequence_by": "_commit_version",
    "scd_type": 1,
}

DOCS = """\
`keys`, `sequence_by` and `scd_type` are applied by the **table sink** it feeds (a Delta or Unity
Catalog table, directly or through row-wise transforms: filter, map, rename/cast, watermark, data
quality, UDF, model endpoint, lookup, stream-static join, split): that table becomes an AUTO CDC
target — upserts on `keys` ordered by `sequence_by`, deletes where `_change_type = 'delete'`,
SCD type 1 (latest row per key) or 2 (history rows with `__START_AT` / `__END_AT`); the operation
columns are not stored. Anything else it feeds (patterns, aggregations, joins, Kafka…) receives
the change events as plain rows; validation says so (info), warns when no table applies the
changes, and warns at a table that cannot (a key, the sequence or `_change_type` dropped on the
way, or `complete` mode). See [codegen.md](codegen.md#applying-changes-cdc-and-merge).
"""


NODE = NodeType(
    type="cdc_stream",
    name="CDC stream",
    category=Category.SOURCE,
    description="Reads change events (insert, update, delete) from Kafka or a table's change feed.",
    icon="sync_alt",
    config=Config,
    output_schema=output_schema,
    inputs=(),
    example=EXAMPLE,
    docs=DOCS,
)
