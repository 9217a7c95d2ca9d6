"""Deduplication: drops repeats of an event identity seen within a time bound."""

from __future__ import annotations

from pydantic import Field

from lakestream.durations import parse_duration
from lakestream.cep.runtime.params import DeduplicationParams
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
Drops repeated events (same identity) that arrive within a time bound: Spark's
`dropDuplicatesWithinWatermark`, with `within` as its bound (empty: the watermark delay).

- **Identity** = key_columns + columns. NULL equals NULL, NaN equals NaN and -0.0 equals 0.0, as in
  `dropDuplicates`, in key columns and identity columns alike (a Spark test checks both forms).
- **Arrival order, not event time.** The first event of an identity to *arrive* is kept, passes
  through unchanged and is emitted at once (no waiting for the watermark). Its identity is remembered
  with expiresAt = ts + within; every event of that identity arriving meanwhile is dropped, whatever
  its event time, even one later than `within` after the first. Within one micro-batch the first in
  the input's order wins (for a source with several partitions, Spark's order across them is not
  defined; the same holds for Spark's own operator).
- **Forgetting.** An identity is forgotten at the end of the micro-batch whose watermark reaches its
  expiresAt (boundary included); a repeat in that micro-batch is still dropped, one in a later
  micro-batch is kept and remembered anew.
- **Late events** (ts at or before the previous micro-batch's watermark) are dropped and counted.
  So a repeat no more than `within` after the first is always dropped, as a repeat or as late.
- **Generated code.** When `within` is empty or equals the watermark delay (in any unit), the job
  is `withWatermark(ts, delay).dropDuplicatesWithinWatermark(key_columns + columns)` itself (rows
  with a NULL event time filtered first). Otherwise Spark's operator cannot express the bound (its
  bound is always the delay), and a transformWithState processor applies the same rule
  (`DedupProcessor`, `runtime/dedup.py`): grouped by the key columns, state per key = identity →
  expiresAt, one event-time timer at the earliest expiresAt, which fires after the input of the
  micro-batch whose watermark reaches it, where Spark's operator evicts. SSS only: SDP SQL has no
  such clause, and `spark-pipelines` 4.3 fails to register it in SDP Python (its Connect planner
  analyses the operator's input before the pipeline's datasets exist: `TABLE_OR_VIEW_NOT_FOUND`).
- **Before 2026-12-05** the node kept the first event *in event time* and released rows once the
  watermark passed them; that could not be native, and its transformWithState form stayed 2.8× slower
  than `dropDuplicatesWithinWatermark`. The product's node catalogue names that operator's
  semantics, so the node now follows them. Its scenario files were re-derived by hand (9 now; three
  new: `eviction_boundary`, `same_batch_arrival_order`, `timer_boundary`).
- **Spark version.** The transformWithState form relies on Spark 4.3 firing an event-time timer
  once the watermark *equals* it (earlier 4.0 code waited for the watermark to pass it);
  `timer_boundary` pins that on Spark.

In the transformWithState form the rows pass through the Python processor unchanged. When every input
column has a type JSON carries exactly (string, boolean, integer types, double, decimal, date,
timestamp, timestamp_ntz, binary), the whole row travels as one JSON string (`to_json(struct(...))`
before the processor, `from_json(..., mode FAILFAST)` after it, microsecond timestamp formats), so
Python converts the key, the JSON string, the event time and the identity columns of a row instead
of every column plus those; float (read back through a double) and nested types keep the
column-by-column form. Both forms are tested on Spark with NaN, ±infinity, -0.0, extreme integers,
38-digit decimals, binary, control characters and microseconds (`tests/cep/test_dedup_payload_spark.py`).
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
    return Bound(DeduplicationParams(within=within), c.key_columns, {"in": tuple(quote(x) for x in c.columns)},
                 passthrough=True)


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
