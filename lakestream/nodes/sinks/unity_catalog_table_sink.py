"""Unity Catalog table sink: appends to a managed table, or rewrites it with each update (complete)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lakestream.nodes.base import Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import Model, TableName


class Config(Model):
    table: TableName = Field(description="Target table, catalog.schema.table")
    mode: Literal["append", "complete"] = Field(
        "append", description="append new rows, or complete: rewrite the whole result (aggregations)"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


EXAMPLE = {"table": "main.analytics.funnel_counts", "mode": "append"}

NODE = NodeType(
    type="unity_catalog_table_sink",
    name="Unity Catalog table",
    category=Category.SINK,
    description="Writes the stream into a Unity Catalog managed table.",
    icon="dataset",
    config=Config,
    output_schema=output_schema,
    outputs=(),
    example=EXAMPLE,
)
