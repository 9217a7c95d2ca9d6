"""Condition change: per key, a condition becoming true or false, a value changing, entering or leaving a range."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from lakestream.cep.runtime.params import ConditionChangeParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Duration, Expression
from lakestream.nodes.patterns.common import (
    PatternConfig, at, double, event_time_checks, flag, key_schema, micros, numeric_checks, per_key,
    quote,
)

Trigger = Literal["becomes_true", "becomes_false", "changes", "enters_range", "exits_range"]
ON_CONDITION = ("becomes_true", "becomes_false")
ON_RANGE = ("enters_range", "exits_range")


class Config(PatternConfig):
    trigger: Trigger = Field(
        "becomes_true",
        description="becomes_true / becomes_false: the condition turns; changes: value_column takes another value; "
        "enters_range / exits_range: value_column moves into or out of [low, high]",
    )
    condition: Expression | None = Field(None, description="Spark SQL condition watched (becomes_true / becomes_false)")
    value_column: ColumnName | None = Field(
        None, description="Column watched (changes, ranges); with a condition, only shown in the output"
    )
    low: float | None = Field(None, allow_inf_nan=False, description="Lowest value inside the range (empty: no bound)")
    high: float | None = Field(None, allow_inf_nan=False, description="Highest value inside the range (empty: no bound)")
    stays_for: Duration | None = Field(
        None, description="Emit only once the new state has lasted this long (empty: at once)"
    )

    @model_validator(mode="after")
    def _what_is_watched(self):
        if self.trigger in ON_CONDITION and not self.condition:
            raise ValueError(f"trigger = {self.trigger} needs a condition")
        if self.trigger not in ON_CONDITION and not self.value_column:
            raise ValueError(f"trigger = {self.trigger} needs value_column (the column watched)")
        if self.trigger in ON_RANGE and self.low is None and self.high is None:
            raise ValueError(f"trigger = {self.trigger} needs low, high or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low must not be above high")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    types = {c.name: c.type for c in inputs.one()}
    values = ()
    if config.value_column:
        kind = types.get(config.value_column, "string")
        values = (Column("previous_value", kind), Column("value", kind))
    return key_schema(config, inputs) + (Column("changed_at", "timestamp"), Column("detected_at", "timestamp")) + values


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from event_time_checks(config, inputs)
    if config.trigger in ON_RANGE:
        yield from numeric_checks(config, inputs, "value_column")
    kind = {c.name: c.type for c in inputs.one()}.get(config.value_column or "")
    if kind is not None and kind.startswith("timestamp"):
        yield Finding("error", "pattern.value_type", f"Column {config.value_column!r} is a timestamp",
                      field="value_column", hint="Watch unix_micros(...) of it in a Map / select column instead")


DOCS = """\
A key's events run in event-time order once the watermark reaches them. The watched state of an
event is the condition (NULL counts as false, as in WHERE) for becomes_true / becomes_false; the
value of value_column for changes; whether low <= value <= high (a missing bound is open) for
enters_range / exits_range. An event whose watched value is NULL is ignored. A key's first event
sets its state and emits nothing. A change is an event whose state differs from the previous
event's: false -> true (becomes_true, enters_range), true -> false (becomes_false, exits_range),
any other value (changes). Without stays_for the change is emitted at that event (changed_at =
detected_at = its ts). With stays_for it is emitted when the watermark reaches changed_at +
stays_for (detected_at), unless an event at or before that time ended the new state first (events
at a time are processed before timers at that time); a change back and forth in between emits
nothing. previous_value / value (with value_column) are the column's values before and at the
change. match_id is `<key>#<n>`, n counting the key's output rows from 1. Spark has no declarative
operator comparing an event with the one before it on a stream, so the generated code is always a
transformWithState processor (SSS).
"""

EXAMPLE = {
    'key_columns': ['machine_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'trigger': 'exits_range',
    'value_column': 'temperature',
    'low': 10.0,
    'high': 80.0,
    'stays_for': '5 minutes',
}


def _number(value: float) -> str:
    return f"CAST({float(value)!r} AS DOUBLE)"


def _watched(c: Config) -> str:
    """Spark SQL of the watched state (NULL: the event is ignored)."""
    if c.trigger in ON_CONDITION:
        return flag(c.condition)
    if c.trigger == "changes":
        return quote(c.value_column)
    value = double(c.value_column)
    bounds = [f"{value} >= {_number(c.low)}" if c.low is not None else None,
              f"{value} <= {_number(c.high)}" if c.high is not None else None]
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE ({' AND '.join(b for b in bounds if b)}) END"


def bind(c: Config) -> Bound:
    params = ConditionChangeParams(trigger=c.trigger, stays_for=micros(c.stays_for), values=c.value_column is not None)
    fields = (_watched(c),) + ((quote(c.value_column),) if c.value_column else ())
    return Bound(params, c.key_columns, {"in": fields})


EXAMPLE_ROWS = (
    ("in", "machine_id:string temperature:double ts:timestamp", (
        ("m1", 65.0, at("10:00")), ("m2", 70.0, at("10:00")), ("m1", 84.0, at("10:02")), ("m2", 85.0, at("10:03")),
        ("m2", 72.0, at("10:05")), ("m1", 86.0, at("10:06")), ("m1", 90.0, at("10:08")), ("m2", 71.0, at("10:30")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"trigger": "changes", "value_column": "value", "stays_for": "30 seconds"}, 1),
     ({"trigger": "becomes_true", "condition": "kind = 'a'"}, 1)),
    watermark="With stays_for, a change is emitted when the watermark passes changed_at + stays_for.",
)


NODE = NodeType(
    type="condition_change",
    name="Condition change",
    category=Category.PATTERN,
    description="Alerts when, per key, a condition turns true or false or a value changes, enters or leaves a range.",
    icon="change_circle",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="compares each key's event with the one before it (and waits for stays_for), which needs state",
    checks=checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
