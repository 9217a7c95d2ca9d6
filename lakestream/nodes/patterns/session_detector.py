"""Session: a key's events grouped while each follows the previous within a gap."""

from __future__ import annotations

from pydantic import Field

from lakestream.cep.runtime.params import SessionParams
from lakestream.nodes.base import ALL_TARGETS, SSS_ONLY, Bound, Category, Column, Inputs, NativeForm, NodeType, Schema
from lakestream.nodes.fields import Duration
from lakestream.nodes.patterns.common import PatternConfig, at, key_schema, micros, pattern_checks, per_key


class Config(PatternConfig):
    gap: Duration = Field(description="Inactivity that ends a session")
    max_duration: Duration | None = Field(None, description="Longest a session may last (empty: no limit)")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (
        Column("session_start", "timestamp"),
        Column("session_end", "timestamp"),
        Column("event_count", "bigint"),
    )


DOCS = """\
An event belongs to the key's open session when ts - last_ts <= gap (and, with max_duration,
ts - session_start <= max_duration); otherwise it closes that session and opens a new one.
session_start = first event's ts, session_end = last event's ts (not last + gap). A session is
emitted when it closes: at the event that opens the next one, or by timer when the watermark
reaches last_ts + gap (an event exactly at last_ts + gap that is not late still joins, since
events at a time are processed before timers at that time). Without max_duration this is Spark's
session_window (and the generated code uses it): an event is late only when its own window
[ts, ts + gap) ended at or before the watermark of the micro-batch before its own, so an event older
than the watermark may still join the open session it touches; an emitted session is final.
match_id is `<key>#<session_start epoch microseconds>`.
"""

EXAMPLE = {
    'key_columns': ['customer_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'gap': '30 minutes',
}


def supports(config: Config) -> frozenset:
    """Declarative too when without max_duration it is a session_window aggregation (the native form); otherwise state and timers: SSS."""
    return ALL_TARGETS if native(config) else SSS_ONLY


def bind(c: Config) -> Bound:
    return Bound(SessionParams(gap=micros(c.gap), max_duration=micros(c.max_duration)), c.key_columns, {"in": ()})


def native(c: Config) -> NativeForm | None:
    """Without max_duration a session is Spark's session_window count (session_end: the last event, end - gap)."""
    if c.max_duration is not None:
        return None
    gap = micros(c.gap)
    ends = (("session_window.start", "session_start"),
            (f"timestamp_micros(unix_micros(session_window.end) - {gap})", "session_end"), ("count", "event_count"))
    return NativeForm("session_window", gap, count_matching=False, threshold=None, ends=ends)


EXAMPLE_ROWS = (
    ("in", "customer_id:string page:string ts:timestamp", (
        ('u1', 'home', at("10:00")), ('u1', 'cart', at("10:10")), ('u2', 'home', at("10:20")),
        ('u1', 'pay', at("10:25")), ('u1', 'home', at("11:30")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"gap": "30 seconds", "max_duration": "1 minute"}, 1),),
    watermark="A session closes when the watermark passes last event + gap.",
    native=native,
)


NODE = NodeType(
    type="session_detector",
    name="Session",
    category=Category.PATTERN,
    description="Groups each key's events into sessions separated by inactivity.",
    icon="schedule",
    config=Config,
    output_schema=output_schema,
    targets=ALL_TARGETS,
    supports=supports,
    stateful_reason="keeps each key's open session and closes it by timer when max_duration is set "
    "(without it, a session_window aggregation stays declarative)",
    checks=pattern_checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
