"""Stream-static join: joins each micro-batch with a table, on equal keys or a condition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from sqlglot import exp

from lakestream.nodes.base import Category, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Columns, FieldKind, Kind, Model, TableName
from lakestream.sparksql.parse import parse_expression
from lakestream.nodes.transforms.common import table_columns_added, types_of, unique

STREAM, TABLE = "s", "t"


def _qualified(text: str) -> str:
    try:
        tree = parse_expression(text)
    except ValueError as error:
        raise ValueError(f"The condition {error}") from None
    for col in tree.find_all(exp.Column):
        if col.table not in (STREAM, TABLE):
            raise ValueError(
                f"Qualify column {col.sql()!r}: write s.<column> for the stream and t.<column> for the table, "
                "like s.merchant_id = t.id"
            )
    return text.strip()


# Not an input-only EXPRESSION: it reads the stream (s.) and the table (t.), checked in `checks`.
JoinCondition = Annotated[str, AfterValidator(_qualified), FieldKind(Kind.SQL)]


class Config(Model):
    table: TableName = Field(description="Static table, catalog.schema.table")
    table_columns: Columns = Field(
        (), description="The table's columns; filled from Unity Catalog when connected, else declare them"
    )
    keys: Annotated[tuple[ColumnName, ...], unique("Column")] = Field(
        (), description="Columns with the same name in the stream and the table that must be equal"
    )
    condition: JoinCondition | None = Field(
        None, description="Join condition instead of keys: s.<col> for the stream, t.<col> for the table"
    )
    join_type: Literal["inner", "left"] = Field("inner", description="left keeps events that match no table row")

    @model_validator(mode="after")
    def _keys_or_condition(self):
        if bool(self.keys) == bool(self.condition):
            raise ValueError("Give either keys or condition (exactly one of them)")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    stream = inputs.one()
    added = tuple(c for c in config.table_columns if c.name not in config.keys)
    return stream + table_columns_added(stream, config.table, added)


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    table = {c.name for c in config.table_columns}
    if not table:
        yield Finding("warning", "join.table_columns", f"The columns of {config.table} are not known, so none are "
                      "added to the schema", field="table_columns", hint="Connect to a workspace or declare them")
    stream = types_of(inputs.one())
    for key in config.keys:
        if table and key not in table:
            yield Finding("error", "join.key_missing", f"Key {key!r} is not a column of {config.table}", field="keys")
    if config.condition:
        for col in parse_expression(config.condition).find_all(exp.Column):
            names, side = (stream, "stream") if col.table == STREAM else (table, "table")
            if names and col.name not in names:
                yield Finding("error", "column.unknown", f"Column {col.name!r} does not exist in the {side}",
                              field="condition")


EXAMPLE = {
    "table": "main.ref.customers",
    "table_columns": [
        {"name": "customer_id", "type": "string"},
        {"name": "segment", "type": "string"},
        {"name": "credit_limit", "type": "double"},
    ],
    "keys": ["customer_id"],
    "join_type": "left",
}

NODE = NodeType(
    type="stream_static_join",
    name="Stream-static join",
    category=Category.TRANSFORM,
    description="Joins the stream with a table on keys or on a condition.",
    icon="join_left",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    docs="Output: the stream's columns, then the table's (key columns once; a table column whose name the "
    "stream has is added as <table>_<column>). In condition, s. names the stream and t. the table.",
    example=EXAMPLE,
)
