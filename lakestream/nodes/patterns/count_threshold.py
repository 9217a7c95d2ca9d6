"""Count threshold: at least N matching events of a key within a sliding or tumbling window."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lakestream.cep.runtime.params import CountThresholdParams
from lakestream.nodes.base import ALL_TARGETS, SSS_ONLY, Bound, Category, Column, Inputs, NativeForm, NodeType, Schema
from lakestream.nodes.fields import Duration, Expression
from lakestream.nodes.patterns.common import PatternConfig, at, flag, key_schema, micros, pattern_checks, per_key


class Config(PatternConfig):
    condition: Expression | None = Field(None, description="Spark SQL condition of the events to count (empty: all)")
    threshold: int = Field(ge=1, description="Alert when at least this many matching events fall in the window")
    window: Duration = Field(description="Window length")
    mode: Literal["sliding", "tumbling"] = Field(
        "sliding", description="sliding: the window ending at each event; tumbling: fixed, non-overlapping windows"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (
        Column("window_start", "timestamp"),
        Column("window_end", "timestamp"),
        Column("count", "bigint"),
    )


DOCS = """\
sliding: at each matching event e, count = matching events of the key in (e.ts - window, e.ts];
an alert row (window_start = e.ts - window, window_end = e.ts) is emitted when count >= threshold,
and not again for this key until the count at some later matching event has dropped below the
threshold. tumbling: windows [k*w, (k+1)*w) from the epoch; one row per key and window with
count >= threshold, emitted when the watermark passes the window end; as Spark's window() count
(which the generated code uses), an event is late only when its window ended at or before the
watermark of the micro-batch before its own. Events are processed in event-time order once the
watermark reaches them; late events are dropped and counted.
match_id is `<key values joined by '|'>#<n>`, n counting the key's output rows from 1 (tumbling:
`<key>#<window_start epoch microseconds>`).
"""

EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'condition': "status = 'failed'",
    'threshold': 5,
    'window': '10 minutes',
    'mode': 'sliding',
}


def supports(config: Config) -> frozenset:
    """Declarative too when a tumbling count is a window aggregation (the native form); otherwise state and timers: SSS."""
    return ALL_TARGETS if native(config) else SSS_ONLY


def bind(c: Config) -> Bound:
    params = CountThresholdParams(mode=c.mode, window=micros(c.window), threshold=c.threshold)
    return Bound(params, c.key_columns, {"in": (flag(c.condition),)})


def native(c: Config) -> NativeForm | None:
    """The one place of the tumbling-versus-sliding rule: a tumbling count is Spark's window() count."""
    if c.mode != "tumbling":
        return None
    ends = (("window.start", "window_start"), ("window.end", "window_end"), ("count", "count"))
    return NativeForm("window", micros(c.window), count_matching=True, threshold=c.threshold, ends=ends,
                      replay="TumblingCount")


EXAMPLE_ROWS = (
    ("in", "card_id:string status:string ts:timestamp", (
        ('c1', 'failed', at("10:00")), ('c1', 'failed', at("10:01")), ('c2', 'failed', at("10:01")),
        ('c1', 'failed', at("10:02")), ('c1', 'ok', at("10:03")), ('c1', 'failed', at("10:04")),
        ('c1', 'failed', at("10:05")), ('c3', 'ok', at("10:30")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"threshold": 1000, "window": "30 seconds"}, 31),
        ({"threshold": 1000, "window": "30 seconds", "mode": "tumbling"}, 2)),
    watermark="Tumbling: a window is emitted when the watermark passes its end.",
    native=native,
)


NODE = NodeType(
    type="count_threshold",
    name="Count threshold",
    category=Category.PATTERN,
    description="Alerts when a key has at least N matching events within a window.",
    icon="functions",
    config=Config,
    output_schema=output_schema,
    targets=ALL_TARGETS,
    supports=supports,
    stateful_reason="counts a sliding window and re-arms per key, which needs state (a tumbling count stays declarative)",
    checks=pattern_checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
