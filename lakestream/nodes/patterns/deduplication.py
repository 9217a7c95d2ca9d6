"""Deduplication: drops repeats of an event identity seen within a time bound."""

from __future__ import annotations

from pydantic import Field

from lakestream.durations import parse_duration
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Inputs, NodeType, PatternFacets, Schema
from lakestream.nodes.fields import ColumnName, Duration
from lakestream.nodes.patterns.common import PatternConfig, at, micros, pattern_checks, quote


class Config(PatternConfig):
    columns: tuple[ColumnName, ...] = Field(min_length=1, description="Columns that identify an event")
    within: Duration | None = Field(
        None,
        description="How long an identity is remembered after its first event; empty: the watermark delay "
        "(then Spark's own dropDuplicatesWithinWatermark runs it)",
    )


def native(config: Config) -> bool:
    """Whether Spark's dropDuplicatesWithinWatermark is exact: its bound is the watermark delay."""
    return config.within is None or parse_duration(config.within) == parse_duration(config.watermark_delay)


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return inputs.one()


DOCS = """\
Spark's dropDuplicatesWithinWatermark, with `within` as its bound (empty: the watermark delay).
Identity = key_columns + columns (NULL equals NULL, NaN equals NaN and -0.0 equals 0.0, as in
dropDuplicates). Events are handled as they arrive, not in event-time order: the first event of an
identity to arrive is kept, passes through unchanged and is emitted at once; its identity is
remembered until the watermark reaches first.ts + within, and every event of that identity arriving
meanwhile is dropped, whatever its event time. Late events (ts at or before the previous
micro-batch's watermark) are dropped and counted; events without event time are ignored. Within one
micro-batch the first in the input's order wins. A repeat no more than `within` after the first is
always dropped (as a repeat or as late); a later one is kept once the identity is forgotten. When
`within` equals the watermark delay the generated code is dropDuplicatesWithinWatermark itself;
otherwise a transformWithState processor with the same rule. SSS only: SQL has no such clause, and
spark-pipelines 4.3 fails to register it in SDP Python (it analyses the operator's input before the
pipeline's datasets exist: TABLE_OR_VIEW_NOT_FOUND). A pattern or window aggregate fed by it cannot
run in the same Spark job (see docs/patterns.md, Known limits).
"""

EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '10 minutes',
    'columns': ['merchant'],
}

def bind(c: Config) -> Bound:
    # grouped by the key columns only: the identities of one key share that key's state
    within = micros(c.within or c.watermark_delay)  # empty: the watermark delay, dropDuplicatesWithinWatermark's bound
    return Bound({"within": within}, c.key_columns, {"in": tuple(quote(x) for x in c.columns)}, passthrough=True)


def keeps_watermark(c: Config) -> str | None:
    return "dropDuplicatesWithinWatermark" if native(c) else None


EXAMPLE_ROWS = (
    ("in", "card_id:string merchant:string amount:double ts:timestamp", (
        ('c1', 'shop_a', 20.0, at("10:00")), ('c1', 'shop_a', 20.0, at("10:03")),
        ('c1', 'shop_b', 5.0, at("10:04")), ('c1', 'shop_a', 20.0, at("10:20")),
    )),
)

PATTERN = PatternFacets(
    bind=bind, replay="dedup", codegen="own", keeps_watermark=keeps_watermark,
    watermark="An identity is remembered until the watermark passes its first time + within; a row at or before "
    "the watermark of the micro-batch before its own is late.",
    example_rows=EXAMPLE_ROWS,
    state_probes=(({"columns": ["kind"], "within": "30 seconds"}, 1),),
)


NODE = NodeType(
    type="deduplication",
    name="Deduplication",
    category=Category.PATTERN,
    description="Drops repeated events (same identity) that arrive within a time bound.",
    icon="filter_1",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="remembers each identity until the watermark passes it (dropDuplicatesWithinWatermark, or "
    "transformWithState for another bound), which runs in an SSS job",
    checks=pattern_checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
