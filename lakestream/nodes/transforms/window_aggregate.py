"""Window aggregate: per event-time window (tumbling, sliding, session) and group, computes aggregates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, model_validator

from lakestream.durations import duration_seconds
from lakestream.nodes.base import Category, Column, Finding, Inputs, NodeType, Schema, schema_of
from lakestream.nodes.fields import ColumnName, Duration, Model, Name
from lakestream.nodes.transforms.common import INTEGRAL, is_numeric, non_empty, timestamp_check, types_of, unique

WINDOW_COLUMNS = schema_of(("window_start", "timestamp"), ("window_end", "timestamp"))
Function = Literal[
    "count", "count_distinct", "approx_count_distinct", "sum", "avg", "min", "max", "first", "last",
    "stddev", "variance", "collect_list", "collect_set",
]
NUMERIC_FUNCTIONS = ("sum", "avg", "stddev", "variance")


class Aggregation(Model):
    function: Function = Field(description="Aggregate function")
    column: ColumnName | None = Field(None, description="Input column aggregated (empty only for count: all rows)")
    alias: Name = Field(description="Output column name")

    @model_validator(mode="after")
    def _column_needed(self):
        if self.column is None and self.function != "count":
            raise ValueError(f"{self.function} needs a column")
        return self


def _decimal(type_: str) -> tuple[int, int] | None:
    m = re.match(r"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$", type_)
    return (int(m.group(1)), int(m.group(2))) if m else None


def result_type(function: str, input_type: str | None) -> str:
    """The Spark result type of an aggregate over a column of `input_type` (as Spark computes it)."""
    if function in ("count", "count_distinct", "approx_count_distinct"):
        return "bigint"
    source = input_type or "string"
    decimal = _decimal(source)
    if function == "sum":
        if decimal:
            return f"decimal({min(38, decimal[0] + 10)},{decimal[1]})"
        return "bigint" if source in INTEGRAL else "double"
    if function == "avg" and decimal:
        return f"decimal({min(38, decimal[0] + 4)},{min(38, decimal[1] + 4)})"
    if function in ("avg", "stddev", "variance"):
        return "double"
    if function in ("collect_list", "collect_set"):
        return f"array<{source}>"
    return source  # min, max, first, last


class Config(Model):
    window_type: Literal["tumbling", "sliding", "session"] = Field(
        description="tumbling: fixed, non-overlapping; sliding: fixed, overlapping every slide; "
        "session: closes after a gap of `duration` without events"
    )
    duration: Duration = Field(description="Window length (for session windows: the inactivity gap)")
    slide: Duration | None = Field(None, description="How often a sliding window starts (sliding only)")
    event_time_column: ColumnName = Field(description="Timestamp column that places events in windows")
    watermark_delay: Duration = Field(description="How late events may arrive before their window is final")
    group_by: Annotated[tuple[ColumnName, ...], unique("Column")] = Field(
        (), description="Columns grouped by inside each window (empty: one group)"
    )
    aggregations: Annotated[
        tuple[Aggregation, ...], non_empty("aggregation ({function, column, alias})"), unique("Alias", lambda a: a.alias)
    ] = Field(description="Aggregates computed per window and group")

    @model_validator(mode="after")
    def _consistent(self):
        if self.window_type == "sliding":
            if self.slide is None:
                raise ValueError("A sliding window needs slide (how often a window starts)")
            if duration_seconds(self.slide) > duration_seconds(self.duration):
                raise ValueError(f"slide ({self.slide}) must not be longer than duration ({self.duration})")
        elif self.slide is not None:
            raise ValueError(f"slide is only used by sliding windows, not {self.window_type}")
        taken = {"window_start", "window_end", *self.group_by}
        clash = [a.alias for a in self.aggregations if a.alias in taken]
        if clash:
            raise ValueError(f"Alias {clash[0]!r} collides with a window or group_by column; rename it")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    types = types_of(inputs.one())
    groups = tuple(Column(g, types.get(g, "string")) for g in config.group_by)
    aggregates = tuple(
        Column(a.alias, result_type(a.function, types.get(a.column) if a.column else None))
        for a in config.aggregations
    )
    return WINDOW_COLUMNS + groups + aggregates


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    source = inputs.one()
    yield from timestamp_check(config.event_time_column, source, "event_time_column")
    types = types_of(source)
    for index, agg in enumerate(config.aggregations):
        found = types.get(agg.column or "")
        if agg.function in NUMERIC_FUNCTIONS and found is not None and not is_numeric(found):
            yield Finding("error", "aggregate.type", f"{agg.function}({agg.column}) needs a number, but it is {found}",
                          field=f"aggregations[{index}].column", hint="Pick a numeric column or use count/min/max")


EXAMPLE = {
    "window_type": "tumbling",
    "duration": "5 minutes",
    "event_time_column": "ts",
    "watermark_delay": "1 minute",
    "group_by": ["page"],
    "aggregations": [
        {"function": "count", "alias": "views"},
        {"function": "count_distinct", "column": "user_id", "alias": "visitors"},
        {"function": "avg", "column": "load_ms", "alias": "avg_load_ms"},
    ],
}

NODE = NodeType(
    type="window_aggregate",
    name="Window aggregate",
    category=Category.TRANSFORM,
    description="Counts, sums and averages per event-time window and group.",
    icon="functions",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    docs="Output: window_start, window_end, the group_by columns, then one column per aggregation. "
    "Result types follow Spark: count -> bigint, sum of integers -> bigint, of decimal(p,s) -> "
    "decimal(p+10,s), avg/stddev/variance -> double, min/max/first/last keep the input type, "
    "collect_list/collect_set -> array<type>. A window is emitted once the watermark passes its end.",
    example=EXAMPLE,
)
