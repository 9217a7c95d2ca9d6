"""Velocity: the rate of matching events (or of a summed value) over a sliding window, per key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from lakestream.cep.runtime.params import VelocityParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Duration, Expression
from lakestream.nodes.patterns.common import (
    US, PatternConfig, at, double, event_time_checks, flag, key_schema, micros, numeric_checks,
    per_key,
)


class Config(PatternConfig):
    condition: Expression | None = Field(None, description="Spark SQL condition of the events to measure (empty: all)")
    metric: Literal["count", "sum"] = Field("count", description="count the events, or sum value_column")
    value_column: ColumnName | None = Field(None, description="Numeric column summed when metric = sum")
    rate_threshold: float = Field(gt=0, description="Alert when the rate reaches this value")
    per: Literal["second", "minute", "hour"] = Field(description="Time unit of the rate")
    window: Duration = Field(description="Sliding window the metric is measured over")

    @model_validator(mode="after")
    def _value_for_sum(self):
        if self.metric == "sum" and not self.value_column:
            raise ValueError("metric = sum needs value_column (the numeric column to add up)")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (
        Column("window_start", "timestamp"),
        Column("window_end", "timestamp"),
        Column("metric", "double"),
        Column("rate", "double"),
    )


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from event_time_checks(config, inputs)
    if config.metric == "sum":
        yield from numeric_checks(config, inputs, "value_column")


DOCS = """\
At each matching event e: metric = count (or sum of value_column; NULL values add nothing) of the
key's matching events in (e.ts - window, e.ts]; rate = metric / (window length in `per` units).
An alert row is emitted when rate >= rate_threshold; the key is then not alerted again until the
rate at a later matching event has dropped below the threshold (as sliding count threshold).
Events are processed in event-time order once the watermark reaches them; late events dropped.
match_id is `<key values joined by '|'>#<n>`.
"""

EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'metric': 'sum',
    'value_column': 'amount',
    'rate_threshold': 1000,
    'per': 'minute',
    'window': '5 minutes',
}

PER_SECONDS = {"second": 1, "minute": 60, "hour": 3600}


def bind(c: Config) -> Bound:
    value = double(c.value_column) if c.value_column else "CAST(NULL AS DOUBLE)"
    params = VelocityParams(window=micros(c.window), metric=c.metric, rate_threshold=c.rate_threshold,
                            per=PER_SECONDS[c.per] * US)
    return Bound(params, c.key_columns, {"in": (flag(c.condition), value)})


EXAMPLE_ROWS = (
    ("in", "card_id:string amount:double ts:timestamp", (
        ('c1', 2600.0, at("10:00")), ('c2', 40.0, at("10:00:30")), ('c1', 2800.0, at("10:01")),
        ('c2', 60.0, at("10:02")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"rate_threshold": 1e9, "per": "second", "window": "30 seconds"}, 31),),
)


NODE = NodeType(
    type="velocity_detector",
    name="Velocity",
    category=Category.PATTERN,
    description="Alerts when the rate of events (or of a summed value) over a window is too high.",
    icon="speed",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="a sliding rate with re-arming needs per-key state",
    checks=checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
