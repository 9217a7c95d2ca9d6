"""Trend: a run of consecutive rising, falling or flat values, per key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from lakestream.cep.runtime.params import TrendParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName
from lakestream.nodes.patterns.common import (
    PatternConfig, at, double, event_time_checks, key_schema, numeric_checks, per_key,
)


class Config(PatternConfig):
    value_column: ColumnName = Field(description="Numeric column whose trend is followed")
    direction: Literal["up", "down", "flat"] = Field(description="The trend to detect")
    length: int = Field(ge=2, le=10_000, description="Number of consecutive events a run needs (at least 2)")
    min_change_percent: float = Field(0.0, ge=0, description="up/down: smallest step, in percent of the previous value")
    tolerance_percent: float = Field(
        1.0, ge=0, description="flat: how far values may stray from the run's first value, in percent"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (
        Column("direction", "string"),
        Column("start_ts", "timestamp"),
        Column("end_ts", "timestamp"),
        Column("first_value", "double"),
        Column("last_value", "double"),
        Column("length", "int"),
    )


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from event_time_checks(config, inputs)
    yield from numeric_checks(config, inputs, "value_column")


DOCS = """\
A run is consecutive events of the key (in event-time order). up: each value v > p + |p|*m/100
where p is the previous value and m = min_change_percent (for positive values this is
v > p*(1+m/100); using |p| keeps "rising" meaningful for negative values); down: v < p - |p|*m/100;
flat: |v - f| <= |f|*tolerance_percent/100 where f is the run's first value. An event that breaks
the run starts a new run of length 1 (values 1,2,3,2,3,4 give the up runs 1,2,3 and 2,3,4).
Emit once when a run reaches `length` events: start_ts/first_value of
its first event, end_ts/last_value of the event that completed it; a longer run does not emit
again. Events with a NULL value are ignored. match_id is `<key values joined by '|'>#<n>`.
"""

EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'value_column': 'temperature',
    'direction': 'up',
    'length': 3,
}

def bind(c: Config) -> Bound:
    params = TrendParams(direction=c.direction, length=c.length, min_change_percent=c.min_change_percent,
                         tolerance_percent=c.tolerance_percent)
    return Bound(params, c.key_columns, {"in": (double(c.value_column),)})


EXAMPLE_ROWS = (
    ("in", "card_id:string temperature:double ts:timestamp", (
        ('c1', 20.0, at("10:00")), ('c1', 21.5, at("10:01")), ('c2', 30.0, at("10:01")), ('c1', 23.0, at("10:02")),
        ('c1', 22.0, at("10:03")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"value_column": "value", "direction": "up", "length": 5}, 1),),
)


NODE = NodeType(
    type="trend_detector",
    name="Trend",
    category=Category.PATTERN,
    description="Detects a run of consecutive rising, falling or flat values.",
    icon="trending_up",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="follows each key's current run in state",
    checks=checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
