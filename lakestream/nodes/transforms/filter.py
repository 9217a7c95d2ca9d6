"""Filter: keeps the rows for which a condition is true."""

from __future__ import annotations

from pydantic import Field

from lakestream.nodes.base import Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import Expression, Model


class Config(Model):
    condition: Expression = Field(
        description="Spark SQL condition; rows where it is true pass (false or NULL are dropped)"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return inputs.one()


EXAMPLE = {"condition": "amount > 1000 AND country <> 'US'"}

NODE = NodeType(
    type="filter",
    name="Filter",
    category=Category.TRANSFORM,
    description="Keeps only the rows for which a condition is true.",
    icon="filter_alt",
    config=Config,
    output_schema=output_schema,
    example=EXAMPLE,
)
