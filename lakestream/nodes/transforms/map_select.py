"""Map / select: computes new columns from expressions, optionally keeping the input columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, model_validator
from sqlglot import exp

from lakestream.nodes.base import Category, Column, Finding, Inputs, NodeType, Schema, merge_schema
from lakestream.nodes.fields import Expression, Model, Name
from lakestream.sparksql.parse import parse_expression
from lakestream.nodes.transforms.common import non_empty
from lakestream.nodes.transforms.type_inference import infer_type


class Projection(Model):
    expr: Expression = Field(description="Spark SQL expression computing the column, like amount * 1.2")
    alias: Name | None = Field(None, description="Output column name (may be empty when expr is a bare column)")

    @model_validator(mode="after")
    def _named(self):
        if self.alias is None and not isinstance(parse_expression(self.expr), exp.Column):
            raise ValueError(f"{self.expr!r} is not a bare column: give it an alias (the output column name)")
        return self

    @property
    def name(self) -> str:
        return self.alias or parse_expression(self.expr).name


class Config(Model):
    columns: Annotated[tuple[Projection, ...], non_empty("output column ({expr, alias})")] = Field(
        description="Output columns, in order: an expression and its name"
    )
    keep_existing: bool = Field(
        False, description="Keep every input column and add (or replace) these; off: output only these"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    source = inputs.one()
    computed = tuple(Column(p.name, infer_type(p.expr, source)) for p in config.columns)
    return merge_schema(source, computed) if config.keep_existing else computed


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    names = [p.name for p in config.columns]
    for name in sorted({n for n in names if names.count(n) > 1}):
        yield Finding("error", "map_select.duplicate", f"Output column {name!r} is defined twice",
                      field="columns", hint="Give each output column a distinct alias")


EXAMPLE = {
    "columns": [
        {"expr": "card_id"},
        {"expr": "round(amount * fx_rate, 2)", "alias": "amount_eur"},
        {"expr": "upper(country)", "alias": "country"},
        {"expr": "ts"},
    ],
    "keep_existing": False,
}

DOCS = """\
Output types: a bare column keeps its input type; other expressions get the type sqlglot infers over the
input schema, corrected to Spark's rules (int literals, decimal arithmetic, round, COALESCE/CASE widening,
date parts), or string when it cannot tell (window(), map_keys, higher-order functions).
With keep_existing, a computed column with an input column's name replaces it in place.
"""

NODE = NodeType(
    type="map_select",
    name="Map / select",
    category=Category.TRANSFORM,
    description="Computes columns from Spark SQL expressions and chooses which columns go on.",
    icon="view_column",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    docs=DOCS,
    example=EXAMPLE,
)
