"""Heartbeat: a key that stops sending events is reported dead (and alive again when it returns)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lakestream.cep.runtime.params import HeartbeatParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Inputs, NodeType, Schema
from lakestream.nodes.fields import Duration
from lakestream.nodes.patterns.common import PatternConfig, at, key_schema, micros, pattern_checks, per_key


class Config(PatternConfig):
    expected_interval: Duration = Field(description="How often each key is expected to send an event")
    grace: Duration | None = Field(None, description="Extra time allowed before a silent key is dead (empty: none)")
    emit: Literal["dead_only", "status_change"] = Field(
        "dead_only", description="dead_only: report keys going silent; status_change: also report them coming back"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (
        Column("status", "string"),
        Column("last_seen_ts", "timestamp"),
        Column("detected_ts", "timestamp"),
    )


DOCS = """\
A key is known from its first event. With last = its latest event time and d = last +
expected_interval + grace: when the watermark reaches d and no later event of the key was
processed, one DEAD row (last_seen_ts = last,
detected_ts = d) is emitted, once per silence. An event at exactly d still counts as alive (events
at a time are processed before timers at that time). With status_change, the first event of a
dead key emits ALIVE (last_seen_ts = that event's ts, detected_ts = the same). A key never seen
is never reported. match_id is `<key>#<n>`.
"""

EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'expected_interval': '5 minutes',
    'grace': '1 minute',
    'emit': 'status_change',
}

def bind(c: Config) -> Bound:
    params = HeartbeatParams(limit=micros(c.expected_interval) + (micros(c.grace) or 0),
                             status_change=c.emit == "status_change")
    return Bound(params, c.key_columns, {"in": ()})


EXAMPLE_ROWS = (
    ("in", "card_id:string ts:timestamp", (
        ('c1', at("10:00")), ('c2', at("10:00")), ('c1', at("10:05")), ('c2', at("10:05")), ('c2', at("10:10")),
        ('c2', at("10:15")), ('c1', at("10:16")), ('c2', at("10:20")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"expected_interval": "30 seconds"}, 1),),
    watermark="Silence is reported when the watermark passes last event + expected_interval + grace.",
)


NODE = NodeType(
    type="heartbeat_monitor",
    name="Heartbeat / liveness",
    category=Category.PATTERN,
    description="Reports keys that stop sending events, and optionally when they come back.",
    icon="monitor_heart",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="needs an event-time timer per key (fires when nothing arrives)",
    checks=pattern_checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
