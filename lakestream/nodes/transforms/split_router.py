"""Split / route: sends each row to the first route whose condition holds (one output port per route)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from lakestream.nodes.base import Category, Inputs, NodeType, Port, Schema
from lakestream.nodes.fields import Expression, Model, Name
from lakestream.nodes.transforms.common import non_empty, unique

DEFAULT_PORT = Port("default", "Default")


class Route(Model):
    name: Name = Field(description="Route name; it names the output port")
    condition: Expression = Field(description="Spark SQL condition of the rows taking this route")


class Config(Model):
    routes: Annotated[
        tuple[Route, ...], non_empty("route ({name, condition})"), unique("Route", lambda r: r.name)
    ] = Field(max_length=4, description="Routes, checked in order; a row takes the first whose condition holds")
    default_route: Name | None = Field(
        "default", description="Output port of rows that match no route (empty: drop them)"
    )

    @model_validator(mode="after")
    def _distinct_default(self):
        if self.default_route in {r.name for r in self.routes}:
            raise ValueError(f"default_route {self.default_route!r} is also a route name; rename one of them")
        return self


def output_ports(config: Config) -> tuple[Port, ...]:
    ports = tuple(Port(r.name, r.name) for r in config.routes)
    return ports + ((Port(config.default_route, config.default_route),) if config.default_route else ())


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return inputs.one()  # every route carries the input rows unchanged


EXAMPLE = {
    "routes": [
        {"name": "critical", "condition": "severity = 'critical'"},
        {"name": "high_value", "condition": "amount >= 10000"},
    ],
    "default_route": "other",
}

NODE = NodeType(
    type="split_router",
    name="Split / route",
    category=Category.TRANSFORM,
    description="Routes rows to different outputs by condition (first matching route wins).",
    icon="call_split",
    config=Config,
    output_schema=output_schema,
    outputs=(DEFAULT_PORT,),
    dynamic_outputs=output_ports,
    docs="Each row goes to exactly one port: the first route whose condition is true, else default_route "
    "(or nowhere when default_route is empty). All ports carry the input columns.",
    example=EXAMPLE,
)
