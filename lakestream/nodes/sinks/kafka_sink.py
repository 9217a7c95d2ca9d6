"""Kafka sink: writes each row as a JSON (or Avro) record to a topic."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from lakestream.nodes.base import PYTHON_TARGETS, Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import Expression, Model, RequiredText
from lakestream.nodes.sources.kafka_source import KafkaSecurity


def kafka_topic(value: str) -> str:
    """Kafka's own rule for topic names."""
    if not re.match(r"^[A-Za-z0-9._\-]{1,249}$", value or "") or value in (".", ".."):
        raise ValueError(f"{value!r} is not a Kafka topic name: 1-249 letters, digits, '.', '_' or '-'")
    return value


Topic = Annotated[str, AfterValidator(kafka_topic)]


class _Target(Model):
    """The topic fields, shown before the shared security fields."""

    bootstrap_servers: RequiredText = Field(description="Comma-separated host:port list of the Kafka brokers")
    topic: Topic = Field(description="Topic the records are written to")
    key_expr: Expression | None = Field(
        None, description="Spark SQL expression giving the record key, like card_id (empty: no key)"
    )
    value_format: Literal["json", "avro"] = Field("json", description="Encoding of the record value (all columns)")


class Config(KafkaSecurity, _Target):
    """A Kafka topic and its connection security (base order puts _Target fields first)."""


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


EXAMPLE = {
    "bootstrap_servers": "broker-1:9092",
    "topic": "fraud-alerts",
    "key_expr": "card_id",
    "value_format": "json",
    "security_protocol": "SASL_SSL",
    "sasl_mechanism": "PLAIN",
    "sasl_username": {"scope": "kafka", "key": "user"},
    "sasl_password": {"scope": "kafka", "key": "password"},
}

NODE = NodeType(
    type="kafka_sink",
    name="Kafka topic",
    category=Category.SINK,
    description="Writes each row as a record to a Kafka topic.",
    icon="send",
    config=Config,
    output_schema=output_schema,
    targets=PYTHON_TARGETS,  # SDP SQL has no Kafka sink; SDP Python uses create_sink
    outputs=(),
    example=EXAMPLE,
)
