"""Dead-letter queue: keeps rejected rows (with the reason) in a table or a Kafka topic."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lakestream.nodes.base import ALL_TARGETS, PYTHON_TARGETS, Category, Inputs, NodeType, Schema, Target
from lakestream.nodes.fields import Model, RequiredText, TableName
from lakestream.nodes.sinks.kafka_sink import Topic


class Config(Model):
    target: Literal["table", "kafka"] = Field(description="Where rejected rows go")
    table: TableName | None = Field(None, description="Table of rejected rows (target = table)")
    bootstrap_servers: RequiredText | None = Field(None, description="Kafka brokers, host:port list (target = kafka)")
    topic: Topic | None = Field(None, description="Kafka topic of rejected rows (target = kafka)")
    include_error: bool = Field(
        True, description="Add _error (why the row was rejected) and _rejected_at (when) to each row"
    )

    @model_validator(mode="after")
    def _destination(self):
        needed = ("table",) if self.target == "table" else ("bootstrap_servers", "topic")
        missing = [n for n in needed if getattr(self, n) is None]
        if missing:
            raise ValueError(f"target = {self.target} needs {' and '.join(missing)}")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


def supports(config: Config) -> frozenset[Target]:
    return ALL_TARGETS if config.target == "table" else PYTHON_TARGETS


EXAMPLE = {"target": "table", "table": "main.fraud.rejected_events", "include_error": True}

NODE = NodeType(
    type="dead_letter_queue",
    name="Dead-letter queue",
    category=Category.SINK,
    description="Keeps rows that failed checks, with the reason, for later inspection or replay.",
    icon="report",
    config=Config,
    output_schema=output_schema,
    outputs=(),
    supports=supports,
    example=EXAMPLE,
)
