"""Stream-stream join: joins two streams on keys within an event-time bound (state kept by watermarks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, model_validator

from lakestream.nodes.base import (
    ALL_TARGETS, PYTHON_TARGETS, Category, Column, Finding, Inputs, NodeType, Port, Schema, Target,
)
from lakestream.nodes.fields import Duration, Model, column_of
from lakestream.nodes.transforms.common import non_empty, timestamp_check, types_of

LEFT = Port("left", "Left")
RIGHT = Port("right", "Right")
LeftColumn = column_of("left")
RightColumn = column_of("right")
LeftKeys = Annotated[tuple[LeftColumn, ...], non_empty("left key column")]
RightKeys = Annotated[tuple[RightColumn, ...], non_empty("right key column")]


class TimeBound(Model):
    """right.time BETWEEN left.time - before AND left.time + after."""

    left_time_column: LeftColumn = Field(description="Event-time column of the left stream")
    right_time_column: RightColumn = Field(description="Event-time column of the right stream")
    before: Duration | None = Field(None, description="How long a right event may come before its left event")
    after: Duration = Field(description="How long a right event may come after its left event")


class Config(Model):
    left_keys: LeftKeys = Field(description="Join key columns of the left stream")
    right_keys: RightKeys = Field(description="Join key columns of the right stream, in the same order")
    time_bound: TimeBound = Field(
        description="Interval condition: right time within [left time - before, left time + after]"
    )
    join_type: Literal["inner", "left", "right", "full"] = Field("inner", description="Which unmatched rows are kept")
    left_watermark: Duration | None = Field(None, description="Watermark delay of the left stream")
    right_watermark: Duration | None = Field(None, description="Watermark delay of the right stream")

    @model_validator(mode="after")
    def _consistent(self):
        if len(self.left_keys) != len(self.right_keys):
            raise ValueError(
                f"left_keys has {len(self.left_keys)} columns and right_keys {len(self.right_keys)}: pair them one to one"
            )
        if self.join_type != "inner" and (self.left_watermark is None or self.right_watermark is None):
            raise ValueError(f"A {self.join_type} outer join needs left_watermark and right_watermark")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    left = inputs.one("left")
    taken = {c.name for c in left}
    # A right column whose name the left side has is renamed right_<name>.
    right = tuple(Column(f"right_{c.name}" if c.name in taken else c.name, c.type) for c in inputs.one("right"))
    return left + right


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    left, right = inputs.one("left"), inputs.one("right")
    yield from timestamp_check(config.time_bound.left_time_column, left, "time_bound.left_time_column")
    yield from timestamp_check(config.time_bound.right_time_column, right, "time_bound.right_time_column")
    lt, rt = types_of(left), types_of(right)
    for index, (lk, rk) in enumerate(zip(config.left_keys, config.right_keys)):
        if lk in lt and rk in rt and lt[lk] != rt[rk]:
            yield Finding("warning", "join.key_types", f"Key {lk} is {lt[lk]} on the left but {rk} is {rt[rk]} "
                          "on the right", field=f"right_keys[{index}]", hint="Cast one side so the types match")
    if config.left_watermark is None or config.right_watermark is None:
        yield Finding("warning", "join.unbounded_state", "Without a watermark on both sides the join keeps every "
                      "event forever", field="left_watermark", hint="Set left_watermark and right_watermark")


def supports(config: Config) -> frozenset[Target]:
    # Full outer stream-stream joins are only verified in Structured Streaming Python code.
    return PYTHON_TARGETS if config.join_type == "full" else ALL_TARGETS


EXAMPLE = {
    "left_keys": ["ad_id"],
    "right_keys": ["ad_id"],
    "time_bound": {"left_time_column": "impression_ts", "right_time_column": "click_ts", "after": "1 hour"},
    "join_type": "left",
    "left_watermark": "2 hours",
    "right_watermark": "3 hours",
}

NODE = NodeType(
    type="stream_stream_join",
    name="Stream-stream join",
    category=Category.TRANSFORM,
    description="Joins two streams on keys when their events are close in event time.",
    icon="join_inner",
    config=Config,
    output_schema=output_schema,
    inputs=(LEFT, RIGHT),
    checks=checks,
    supports=supports,
    docs="Output: every left column, then every right column (renamed right_<name> when the left has that "
    "name). Rows join when the keys are equal and right time is within [left time - before, left time + "
    "after]. Outer joins emit unmatched rows once the watermark passes the bound.",
    example=EXAMPLE,
)
