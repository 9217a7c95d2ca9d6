"""Temporal correlation: pairs of events from two streams with equal correlation values, close in time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from lakestream.cep.runtime.params import CorrelationParams
from lakestream.nodes.base import ALL_TARGETS, Bound, Category, Column, Finding, Inputs, NodeType, PatternFacets, Port, Schema
from lakestream.nodes.fields import ColumnName, Duration, expression_of
from lakestream.nodes.patterns.common import MATCH_ID, PatternConfig, at, event_time_checks, flag, micros

PORT_A = Port("a", "A")
PORT_B = Port("b", "B")
ExpressionA = expression_of("a")
ExpressionB = expression_of("b")


class Config(PatternConfig):
    a_condition: ExpressionA | None = Field(None, description="Spark SQL condition on stream A (empty: all)")
    b_condition: ExpressionB | None = Field(None, description="Spark SQL condition on stream B (empty: all)")
    correlation_columns: tuple[ColumnName, ...] = Field(
        min_length=1, description="Columns present in both inputs whose values must be equal in a pair"
    )
    max_gap: Duration = Field(description="Largest time difference between the two events of a pair")
    order: Literal["any", "a_before_b"] = Field(
        "any", description="any: either may come first; a_before_b: the A event must not be later than the B event"
    )


def _columns(config: Config) -> tuple[str, ...]:
    """The pairing columns: key columns, then correlation columns not already among them."""
    return tuple(dict.fromkeys(config.key_columns + config.correlation_columns))


def output_schema(config: Config, inputs: Inputs) -> Schema:
    types = {c.name: c.type for c in inputs.one("a")}
    return tuple(Column(c, types.get(c, "string")) for c in _columns(config)) + (
        MATCH_ID,
        Column("a_ts", "timestamp"),
        Column("b_ts", "timestamp"),
        Column("gap_seconds", "double"),
    )


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from event_time_checks(config, inputs, "a")
    yield from event_time_checks(config, inputs, "b")
    for port in ("a", "b"):
        names = {c.name for c in inputs.one(port)}
        for column in _columns(config):
            if names and column not in names:
                yield Finding(
                    "error",
                    "pattern.correlation_column",
                    f"Column {column!r} is missing from input {port.upper()}",
                    field="correlation_columns",
                    hint="Correlation columns must exist in both inputs with the same name",
                )


DOCS = """\
Both inputs use the same event_time_column name. Each side keeps the events that can pair: its
condition holds and no key or correlation value is NULL (NULL never equals). Every pair (a, b) with
equal key and correlation values and |b.ts - a.ts| <= max_gap (and a.ts <= b.ts for a_before_b) is
emitted once, as soon as both events have been seen (no wait for the watermark); gap_seconds =
b.ts - a.ts (negative when b came first). The rules are those of Spark's stream-stream interval join,
which is the generated code:

- the **watermark** is the earlier of the two sides' watermarks (Spark's default policy for several
  watermarks), each taken over that side's events that can pair; none until both sides have had one.
  So a stream that runs ahead does not make the other's events late, and events that cannot pair
  (condition false, NULL key) move no watermark;
- an event of either side at or before the previous micro-batch's watermark is **late**: dropped and
  counted (Spark drops it in the join);
- each side keeps an event until the watermark passes ts + max_gap (no later event can pair with it).

match_id is `<key values joined by '|'>#<a_ts>-<b_ts>`, the two event times in epoch microseconds:
what the join computes from the pair itself (it cannot number a key's pairs). Two identical events
(same side, key and time) pair as often as they occur, so they give identical rows with the same
match_id. When that matters, deduplicate the events before this pipeline (a Deduplication node in
the same job keeps its own watermark or stops it, and Spark then refuses or starves the join: see
"Known limits").
"""

EXAMPLE = {
    'event_time_column': 'ts',
    'watermark_delay': '5 minutes',
    'correlation_columns': ['card_id'],
    'a_condition': "status = 'failed'",
    'b_condition': 'amount > 100',
    'max_gap': '10 minutes',
    'order': 'a_before_b',
}

def bind(c: Config) -> Bound:
    keys = tuple(dict.fromkeys(c.key_columns + c.correlation_columns))
    params = CorrelationParams(max_gap=micros(c.max_gap), order=c.order)
    return Bound(params, keys, {"a": ("0", flag(c.a_condition)), "b": ("1", flag(c.b_condition))})


def keeps_watermark(c: Config) -> str:
    return "stream-stream join"


EXAMPLE_ROWS = (
    ("a", "card_id:string status:string ts:timestamp", (
        ('c1', 'failed', at("10:00")), ('c2', 'failed', at("10:00")),
    )),
    ("b", "card_id:string amount:double ts:timestamp", (
        ('c1', 250.0, at("10:04")), ('c2', 300.0, at("10:30")), ('c3', 20.0, at("10:40")),
    )),
)

PATTERN = PatternFacets(
    bind=bind, replay="join", codegen="own", keeps_watermark=keeps_watermark,
    watermark="Spark's stream-stream interval join: each side keeps its rows until the other side's watermark "
    "passes row time + max_gap; a row at or before the watermark of the micro-batch before its own is late.",
    example_rows=EXAMPLE_ROWS,
    state_probes=(({"key_columns": [], "correlation_columns": ["user"], "max_gap": "30 seconds"}, 62),),
)


NODE = NodeType(
    type="temporal_correlation",
    name="Temporal correlation",
    category=Category.PATTERN,
    description="Pairs events of two streams that share correlation values and happen close in time.",
    icon="compare_arrows",
    config=Config,
    output_schema=output_schema,
    targets=ALL_TARGETS,
    inputs=(PORT_A, PORT_B),
    checks=checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
