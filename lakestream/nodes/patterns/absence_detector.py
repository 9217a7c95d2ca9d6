"""Absence: a trigger event not followed by an expected event within a timeout, per key."""

from __future__ import annotations

from pydantic import Field

from lakestream.cep.runtime.params import AbsenceParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Duration, Expression
from lakestream.nodes.patterns.common import PatternConfig, at, flag, key_schema, micros, pattern_checks, per_key, quote


class Config(PatternConfig):
    trigger_condition: Expression = Field(description="Spark SQL condition of the event that starts the wait")
    expected_condition: Expression = Field(description="Spark SQL condition of the event that must follow")
    timeout: Duration = Field(description="How long after the trigger the expected event may arrive")
    correlate_on: tuple[ColumnName, ...] = Field(
        (), description="Extra columns that must be equal between the trigger and the expected event"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (Column("trigger_ts", "timestamp"), Column("deadline_ts", "timestamp"))


DOCS = """\
For each trigger event at time t, if no expected event of the same key (and equal `correlate_on`
columns) arrives with t < ts <= t + timeout, one row is emitted when the watermark passes
t + timeout (an event-time timer; no later event is needed). An expected event answers every
pending trigger before it. An event meeting both conditions first answers earlier triggers, then
starts a new wait. Events of a key are processed in event-time order once the watermark reaches
them (ties keep arrival order); late events are dropped and counted.
match_id is `<key values joined by '|'>#<n>`, n counting the key's output rows from 1.
"""

EXAMPLE = {
    'key_columns': ['customer_id'],
    'event_time_column': 'ts',
    'watermark_delay': '5 minutes',
    'trigger_condition': "status = 'add_to_cart'",
    'expected_condition': "status = 'purchase'",
    'timeout': '1 hour',
}

def bind(c: Config) -> Bound:
    fields = (flag(c.trigger_condition), flag(c.expected_condition)) + tuple(quote(x) for x in c.correlate_on)
    return Bound(AbsenceParams(timeout=micros(c.timeout)), c.key_columns, {"in": fields})


EXAMPLE_ROWS = (
    ("in", "customer_id:string status:string ts:timestamp", (
        ('u1', 'add_to_cart', at("10:00")), ('u2', 'add_to_cart', at("10:05")), ('u1', 'purchase', at("10:20")),
        ('u3', 'browse', at("11:30")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"trigger_condition": "kind = 'a'", "expected_condition": "kind = 'never'",
          "timeout": "30 seconds"}, 31),),
    watermark="The absence fires when the watermark passes trigger time + timeout.",
)


NODE = NodeType(
    type="absence_detector",
    name="Absence",
    category=Category.PATTERN,
    description="Alerts when an expected event does not follow a trigger event within a timeout.",
    icon="timer_off",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="needs per-key state and event-time timers (fires when nothing arrives)",
    checks=pattern_checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
