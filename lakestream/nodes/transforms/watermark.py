"""Watermark: declares the event-time column and how late events may be, bounding downstream state."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from lakestream.nodes.base import Category, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Duration, Model
from lakestream.nodes.transforms.common import timestamp_check


class Config(Model):
    event_time_column: ColumnName = Field(description="Timestamp column holding each event's time")
    delay: Duration = Field(description="How late an event may arrive; later ones are dropped by stateful steps")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return inputs.one()


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from timestamp_check(config.event_time_column, inputs.one(), "event_time_column")


EXAMPLE = {"event_time_column": "ts", "delay": "10 minutes"}

NODE = NodeType(
    type="watermark",
    name="Watermark",
    category=Category.TRANSFORM,
    description="Sets the event-time watermark: how late events may arrive.",
    icon="schedule",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    example=EXAMPLE,
)
