"""Delta table source: streams the rows (or the change feed) of a Unity Catalog Delta table."""

from __future__ import annotations

from pydantic import Field, model_validator

from lakestream.nodes.base import ALL_TARGETS, PYTHON_TARGETS, Category, Inputs, NodeType, Schema, Target, schema_of
from lakestream.nodes.fields import Columns, Model, TableName, declared_schema
from lakestream.nodes.sources.common import schema_field

# The columns Delta adds to every change-feed row.
CHANGE_FEED_COLUMNS = schema_of(
    ("_change_type", "string"), ("_commit_version", "bigint"), ("_commit_timestamp", "timestamp")
)


class Config(Model):
    table: TableName = Field(description="Source table, catalog.schema.table")
    starting_version: int | None = Field(None, ge=0, description="Table version to start from (default: latest)")
    skip_change_commits: bool = Field(
        False, description="Ignore commits that update or delete rows (only appended rows stream)"
    )
    read_change_feed: bool = Field(
        False, description="Stream the change data feed (inserts, updates, deletes) instead of appended rows"
    )
    schema_: Columns = schema_field(
        "The table's columns; filled from Unity Catalog when connected, else declare them here", optional=True
    )

    @model_validator(mode="after")
    def _consistent(self):
        if self.read_change_feed and self.skip_change_commits:
            raise ValueError("read_change_feed and skip_change_commits exclude each other: pick one")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    columns = declared_schema(config.schema_)
    return columns + CHANGE_FEED_COLUMNS if config.read_change_feed else columns


def supports(config: Config) -> frozenset[Target]:
    # SDP SQL's STREAM(table) takes no reader options: the change feed, a starting version and skipped change
    # commits need Python (a filter on _change_type would otherwise read a column that is not there).
    if config.read_change_feed or config.skip_change_commits or config.starting_version is not None:
        return PYTHON_TARGETS
    return ALL_TARGETS


EXAMPLE = {
    "table": "main.sales.orders",
    "skip_change_commits": True,
    "schema": [
        {"name": "order_id", "type": "string"},
        {"name": "customer_id", "type": "string"},
        {"name": "total", "type": "double"},
        {"name": "order_ts", "type": "timestamp"},
    ],
}

NODE = NodeType(
    type="delta_table_source",
    name="Delta table",
    category=Category.SOURCE,
    description="Streams new rows, or the change feed, of a Delta table.",
    icon="table_view",
    config=Config,
    output_schema=output_schema,
    inputs=(),
    example=EXAMPLE,
    supports=supports,
)
