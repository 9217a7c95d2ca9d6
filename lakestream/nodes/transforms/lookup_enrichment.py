"""Lookup enrichment: adds columns of a reference table to each event, matched on key columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from lakestream.nodes.base import Category, Column, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import Columns, Model, Name, TableName
from lakestream.nodes.transforms.common import KeyColumns, table_columns_added, unique


class Config(Model):
    table: TableName = Field(description="Reference table, catalog.schema.table (read as a static table)")
    table_columns: Columns = Field(
        (), description="The reference table's columns; filled from Unity Catalog when connected, else declare them"
    )
    keys: KeyColumns = Field(description="Columns present in both the stream and the table that must be equal")
    join_type: Literal["left", "inner"] = Field(
        "left", description="left keeps events without a match (NULL lookups); inner drops them"
    )
    columns: Annotated[tuple[Name, ...], unique("Column")] = Field(
        (), description="Table columns to add (empty: every non-key column)"
    )

    @field_validator("keys", "columns")
    @classmethod
    def _in_table(cls, value, info: ValidationInfo):
        declared = {c.name for c in info.data.get("table_columns", ())}
        unknown = [n for n in value if declared and n not in declared]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a column of the table; its columns: {', '.join(sorted(declared))}")
        return value


def _added(config: Config) -> Schema:
    types = {c.name: c.type for c in config.table_columns}
    names = config.columns or tuple(n for n in types if n not in config.keys)
    # Without declared table columns, the type of a listed column is unknown until the table is read.
    return tuple(Column(n, types.get(n, "string")) for n in names)


def output_schema(config: Config, inputs: Inputs) -> Schema:
    stream = inputs.one()
    return stream + table_columns_added(stream, config.table, _added(config))


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    if not config.table_columns:
        yield Finding("warning", "lookup.table_columns", f"The columns of {config.table} are not known",
                      field="table_columns", hint="Connect to a workspace or declare table_columns so types propagate")
    stream = {c.name for c in inputs.one()}
    for col in _added(config):
        if col.name in stream:
            short = config.table.rsplit(".", 1)[-1].strip("`")
            yield Finding("info", "lookup.renamed", f"Table column {col.name!r} is added as {short}_{col.name} "
                          "because the stream has a column of that name", field="columns")


EXAMPLE = {
    "table": "main.ref.merchants",
    "table_columns": [
        {"name": "merchant", "type": "string"},
        {"name": "category", "type": "string"},
        {"name": "risk_score", "type": "double"},
    ],
    "keys": ["merchant"],
    "join_type": "left",
    "columns": ["category", "risk_score"],
}

NODE = NodeType(
    type="lookup_enrichment",
    name="Lookup enrichment",
    category=Category.TRANSFORM,
    description="Adds columns from a reference table to each event (stream-static join on keys).",
    icon="manage_search",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    docs="Each micro-batch joins with the table's current version. A table column whose name the stream "
    "already has is added as <table>_<column>.",
    example=EXAMPLE,
)
