"""Delta table sink: appends (or merges) the stream into a Unity Catalog Delta table; applies a CDC stream's changes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lakestream.nodes.base import Category, Finding, Inputs, NodeType, Schema, Target
from lakestream.nodes.fields import ColumnName, Model, TableName


class Config(Model):
    table: TableName = Field(description="Target table, catalog.schema.table")
    mode: Literal["append", "merge"] = Field("append", description="append rows, or merge (upsert) on merge_keys")
    merge_keys: tuple[ColumnName, ...] = Field((), description="Columns identifying a row (merge mode)")
    sequence_by: ColumnName | None = Field(
        None, description="Column ordering the rows of one key in merge mode (the highest wins, also across "
        "micro-batches); without it the later micro-batch wins (SSS only)"
    )
    partition_by: tuple[ColumnName, ...] = Field((), description="Partition columns (optional)")
    cluster_by: tuple[ColumnName, ...] = Field((), description="Liquid clustering columns (optional)")
    checkpoint: str | None = Field(None, description="Checkpoint location; default under the checkpoint root")

    @model_validator(mode="after")
    def _merge_needs_keys(self):
        if self.mode == "merge" and not self.merge_keys:
            raise ValueError("merge mode needs merge_keys")
        if self.sequence_by and self.mode != "merge":
            raise ValueError("sequence_by orders merges: set mode to merge, or clear sequence_by")
        if self.partition_by and self.cluster_by:
            raise ValueError("Use partition_by or cluster_by, not both")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


def supports(config: Config) -> frozenset[Target]:
    """SDP merges through an AUTO CDC flow, which needs a sequence column."""
    if config.mode == "merge" and config.sequence_by is None:
        return frozenset({Target.SSS})
    return frozenset(Target)


def checks(config: Config, inputs: Inputs):
    if config.mode == "merge" and config.sequence_by is None:
        yield Finding("info", "merge.sss_only", "Merging without sequence_by runs as Structured Streaming: the "
                      "later micro-batch wins, and of several rows of one key in one micro-batch any one is kept",
                      "sequence_by", "Set sequence_by to order the rows (and to allow SDP, whose AUTO CDC flow "
                      "needs it)")


EXAMPLE = {"table": "main.fraud.alerts", "mode": "merge", "merge_keys": ["match_id"], "sequence_by": "ts",
           "cluster_by": ["card_id"]}

DOCS = """\
`mode: merge` upserts on `merge_keys`: with `sequence_by` the row with the highest value wins per key
(inside a micro-batch and across them, late rows included); without it the later micro-batch wins
and, of several rows of one key in one micro-batch, any one is kept (SSS only). Fed by a CDC stream,
the table applies that stream's changes instead (merge mode must then use the stream's keys and
sequence, or it is an error).
"""


NODE = NodeType(
    type="delta_table_sink",
    name="Delta table",
    category=Category.SINK,
    description="Writes the stream into a Delta table (append or merge).",
    icon="table_chart",
    config=Config,
    output_schema=output_schema,
    supports=supports,
    checks=checks,
    outputs=(),
    example=EXAMPLE,
    docs=DOCS,
)
