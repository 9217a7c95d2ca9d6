"""Rename / cast: renames columns and changes their types, keeping column order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, model_validator

from lakestream.nodes.base import Category, Column, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Model, Name, SparkType
from lakestream.nodes.transforms.common import non_empty, unique


class Mapping(Model):
    column: ColumnName = Field(description="Input column to change")
    rename_to: Name | None = Field(None, description="New name (empty: keep the name)")
    cast_to: SparkType | None = Field(None, description="New Spark type (empty: keep the type)")

    @model_validator(mode="after")
    def _does_something(self):
        if self.rename_to is None and self.cast_to is None:
            raise ValueError(f"Mapping of {self.column!r} changes nothing: set rename_to, cast_to or both")
        return self


class Config(Model):
    mappings: Annotated[
        tuple[Mapping, ...], non_empty("mapping ({column, rename_to, cast_to})"), unique("Column", lambda m: m.column)
    ] = Field(description="Columns to rename and/or cast; other columns pass unchanged")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    by_column = {m.column: m for m in config.mappings}
    out = []
    for col in inputs.one():
        m = by_column.get(col.name)
        out.append(Column(m.rename_to or col.name, m.cast_to or col.type) if m else col)
    return tuple(out)


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    result = [c.name for c in output_schema(config, inputs)]
    for name in sorted({n for n in result if result.count(n) > 1}):
        yield Finding("error", "rename.collision", f"After renaming, two columns are named {name!r}",
                      field="mappings", hint="Rename the other column too, or pick another name")


EXAMPLE = {
    "mappings": [
        {"column": "evt_ts", "rename_to": "ts", "cast_to": "timestamp"},
        {"column": "amt", "rename_to": "amount", "cast_to": "decimal(12,2)"},
        {"column": "qty", "cast_to": "int"},
    ]
}

NODE = NodeType(
    type="rename_cast",
    name="Rename / cast",
    category=Category.TRANSFORM,
    description="Renames columns and casts them to other types.",
    icon="drive_file_rename_outline",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    example=EXAMPLE,
)
