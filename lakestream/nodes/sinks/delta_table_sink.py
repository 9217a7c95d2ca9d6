"""Delta table sink: appends (or merges) the stream into a Unity Catalog Delta table."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lakestream.nodes.base import Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Model, TableName


class Config(Model):
    table: TableName = Field(description="Target table, catalog.schema.table")
    mode: Literal["append", "merge"] = Field("append", description="append rows, or merge (upsert) on merge_keys")
    merge_keys: tuple[ColumnName, ...] = Field((), description="Columns identifying a row (merge mode)")
    partition_by: tuple[ColumnName, ...] = Field((), description="Partition columns (optional)")
    cluster_by: tuple[ColumnName, ...] = Field((), description="Liquid clustering columns (optional)")
    checkpoint: str | None = Field(None, description="Checkpoint location; default under the checkpoint root")

    @model_validator(mode="after")
    def _merge_needs_keys(self):
        if self.mode == "merge" and not self.merge_keys:
            raise ValueError("merge mode needs merge_keys")
        if self.partition_by and self.cluster_by:
            raise ValueError("Use partition_by or cluster_by, not both")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


EXAMPLE = {"table": "main.fraud.alerts", "mode": "merge", "merge_keys": ["match_id"], "cluster_by": ["card_id"]}

NODE = NodeType(
    type="delta_table_sink",
    name="Delta table",
    category=Category.SINK,
    description="Writes the stream into a Delta table (append or merge).",
    icon="table_chart",
    config=Config,
    output_schema=output_schema,
    outputs=(),
    example=EXAMPLE,
)
