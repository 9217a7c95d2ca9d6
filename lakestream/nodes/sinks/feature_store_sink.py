"""Feature table sink: merges rows into a Unity Catalog feature table keyed by primary keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from lakestream.nodes.base import SSS_ONLY, Category, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Model, TableName
from lakestream.nodes.transforms.common import KeyColumns, timestamp_check


class Config(Model):
    table: TableName = Field(description="Feature table, catalog.schema.table")
    primary_keys: KeyColumns = Field(description="Columns identifying an entity (the table's primary key)")
    timestamp_key: ColumnName | None = Field(
        None, description="Timestamp column for point-in-time lookups (a time-series feature table)"
    )
    mode: Literal["merge", "overwrite"] = Field(
        "merge", description="merge: upsert each entity's features; overwrite: replace the table each batch"
    )

    @model_validator(mode="after")
    def _timestamp_not_key(self):
        if self.timestamp_key in self.primary_keys:
            raise ValueError("timestamp_key is added to the key automatically: do not list it in primary_keys")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    if config.timestamp_key:
        yield from timestamp_check(config.timestamp_key, inputs.one(), "timestamp_key")


EXAMPLE = {
    "table": "main.features.card_velocity",
    "primary_keys": ["card_id"],
    "timestamp_key": "window_end",
    "mode": "merge",
}

NODE = NodeType(
    type="feature_store_sink",
    name="Feature table",
    category=Category.SINK,
    description="Keeps a feature table up to date for model training and serving.",
    icon="insights",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,  # foreachBatch merge
    outputs=(),
    checks=checks,
    example=EXAMPLE,
)
