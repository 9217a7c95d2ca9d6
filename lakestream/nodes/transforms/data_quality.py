"""Data quality: expectations on each row that warn, drop the row, or fail the pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from lakestream.nodes.base import Category, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import Expression, Model, Name, TableName
from lakestream.nodes.transforms.common import non_empty, unique


class Expectation(Model):
    name: Name = Field(description="Expectation name, shown in quality metrics")
    condition: Expression = Field(description="Spark SQL condition every valid row meets, like amount >= 0")
    action: Literal["warn", "drop", "fail"] = Field(
        "warn", description="warn: keep and count the row; drop: remove it; fail: stop the pipeline"
    )


class Config(Model):
    expectations: Annotated[
        tuple[Expectation, ...], non_empty("expectation ({name, condition, action})"),
        unique("Expectation", lambda e: e.name),
    ] = Field(description="Row-level expectations, all checked on every row")
    quarantine_table: TableName | None = Field(
        None, description="Table receiving the rows dropped by 'drop' expectations (empty: discard them)"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return inputs.one()


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    if config.quarantine_table and not any(e.action == "drop" for e in config.expectations):
        yield Finding("warning", "quality.quarantine_unused", "No expectation drops rows, so the quarantine table "
                      "stays empty", field="quarantine_table", hint="Set action: drop on an expectation")


EXAMPLE = {
    "expectations": [
        {"name": "positive_amount", "condition": "amount > 0", "action": "drop"},
        {"name": "known_card", "condition": "card_id IS NOT NULL", "action": "fail"},
        {"name": "recent", "condition": "ts > current_timestamp() - INTERVAL 7 DAYS", "action": "warn"},
    ],
    "quarantine_table": "main.fraud.quarantine",
}

NODE = NodeType(
    type="data_quality",
    name="Data quality",
    category=Category.TRANSFORM,
    description="Checks expectations on every row: warn, drop or fail.",
    icon="verified",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    docs="SDP expectations on Databricks; equivalent filters and counters in Structured Streaming and locally.",
    example=EXAMPLE,
)
