"""Deduplication: drops repeats of an event identity seen within a time bound."""

from __future__ import annotations

from pydantic import Field

from lakestream.nodes.base import SSS_ONLY, Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Duration
from lakestream.nodes.patterns.common import PatternConfig, pattern_checks


class Config(PatternConfig):
    columns: tuple[ColumnName, ...] = Field(min_length=1, description="Columns that identify an event")
    within: Duration = Field(description="A repeat within this time of the first event is dropped")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return inputs.one()


DOCS = """\
Identity = key_columns + columns (NULL equals NULL here, as in dropDuplicates). In event-time
order, the first event of an identity is kept and passes through unchanged; a later event with
the same identity and ts - first.ts <= within is dropped; one later than that is kept and becomes
the new first. State of an identity is evicted when the watermark passes first.ts + within.
"""

EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '10 minutes',
    'columns': ['merchant'],
    'within': '10 minutes',
}

NODE = NodeType(
    type="deduplication",
    name="Deduplication",
    category=Category.PATTERN,
    description="Drops repeated events (same identity) that arrive within a time bound.",
    icon="filter_1",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="remembers recent identities per key",
    checks=pattern_checks,
    docs=DOCS,
    example=EXAMPLE,
)
