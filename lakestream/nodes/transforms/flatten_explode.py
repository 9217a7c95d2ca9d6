"""Flatten / explode: one row per element of an array (or entry of a map), optionally flattening structs."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from lakestream.nodes.base import Category, Column, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Model, Name
from lakestream.sparksql.types import array_element, map_types
from lakestream.nodes.transforms.common import struct_fields, types_of


class Config(Model):
    column: ColumnName = Field(description="Array, map or struct column to unnest")
    alias: Name | None = Field(None, description="Name of the produced column (default: the column's own name)")
    outer: bool = Field(
        False, description="Keep rows whose array is empty or NULL (with a NULL element) instead of dropping them"
    )
    flatten_struct: bool = Field(False, description="Turn the fields of a struct element into top-level columns")


def _produced(config: Config, type_: str) -> tuple[Column, ...] | None:
    """The columns that replace `column`, or None when its type cannot be unnested."""
    name = config.alias or config.column
    element = array_element(type_)
    if element is not None:
        fields = struct_fields(element) if config.flatten_struct else None
        return fields if fields is not None else (Column(name, element),)
    entry = map_types(type_)
    if entry is not None:
        return (Column(f"{name}_key", entry[0]), Column(f"{name}_value", entry[1]))
    fields = struct_fields(type_)
    if fields is not None and config.flatten_struct:
        return fields
    return None


def output_schema(config: Config, inputs: Inputs) -> Schema:
    source = inputs.one()
    produced = _produced(config, types_of(source)[config.column])
    if produced is None:
        raise ValueError(f"{config.column} cannot be unnested")
    out: list[Column] = []
    for col in source:
        out.extend(produced if col.name == config.column else (col,))
    return tuple(out)


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    source = inputs.one()
    found = types_of(source).get(config.column)
    if found is None:
        return
    produced = _produced(config, found)
    if produced is None:
        kinds = "an array, a map or (with flatten_struct) a struct"
        yield Finding("error", "flatten.type", f"Column {config.column!r} is {found}, not {kinds}", field="column")
        return
    others = {c.name for c in source if c.name != config.column}
    for col in produced:
        if col.name in others:
            yield Finding("error", "flatten.collision", f"The unnested column {col.name!r} already exists in the input",
                          field="alias", hint="Set alias, or rename the input column first")


EXAMPLE = {"column": "line_items", "alias": "item", "outer": False, "flatten_struct": True}

DOCS = """\
The unnested column takes the place of `column`. An array gives one column named alias (or the
column's name) holding the element; with flatten_struct, a struct element is replaced by its fields.
A map gives two columns, <alias>_key and <alias>_value. A struct column (not in an array) is only
flattened, one row in, one row out. outer keeps rows with an empty or NULL array (explode_outer).
"""

NODE = NodeType(
    type="flatten_explode",
    name="Flatten / explode",
    category=Category.TRANSFORM,
    description="Turns each element of an array or map into its own row, and structs into columns.",
    icon="unfold_more",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    docs=DOCS,
    example=EXAMPLE,
)
