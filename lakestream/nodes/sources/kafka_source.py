"""Kafka topic source: subscribes to topics and parses each record's value with a declared schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from lakestream.nodes.base import Category, Finding, Inputs, NodeType, Schema, schema_of
from lakestream.nodes.transforms.common import timestamp_check
from lakestream.nodes.fields import ColumnName, Columns, Duration, Model, RequiredText, SecretRef, Url, declared_schema

KAFKA_METADATA = schema_of(
    ("_kafka_key", "string"),
    ("_kafka_topic", "string"),
    ("_kafka_partition", "int"),
    ("_kafka_offset", "bigint"),
    ("_kafka_timestamp", "timestamp"),
)


class KafkaSecurity(Model):
    """Connection security shared by the Kafka source and sink; secrets are secret references."""

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="How the client talks to the brokers"
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        None, description="SASL mechanism (SASL protocols only)"
    )
    sasl_username: SecretRef | None = Field(None, description="Secret holding the SASL user name")
    sasl_password: SecretRef | None = Field(None, description="Secret holding the SASL password")
    ssl_truststore_location: str | None = Field(None, description="Path of the SSL truststore (SSL protocols)")
    ssl_truststore_password: SecretRef | None = Field(None, description="Secret holding the truststore password")

    @model_validator(mode="after")
    def _sasl_complete(self):
        if self.security_protocol.startswith("SASL"):
            missing = [n for n in ("sasl_mechanism", "sasl_username", "sasl_password") if getattr(self, n) is None]
            if missing:
                raise ValueError(f"{self.security_protocol} needs {', '.join(missing)}")
        return self


class _Subscription(Model):
    """The subscription fields; forms show them before the shared security fields."""

    bootstrap_servers: RequiredText = Field(description="Comma-separated host:port list of the Kafka brokers")
    topics: tuple[RequiredText, ...] = Field(
        min_length=1, description="Topics to subscribe to (one regular expression when subscribe_pattern is on)"
    )
    subscribe_pattern: bool = Field(False, description="Treat the single topic entry as a regular expression")
    starting_offsets: Literal["earliest", "latest", "timestamp"] = Field(
        "latest", description="Where a new query starts reading"
    )
    starting_timestamp: int | None = Field(
        None, ge=0, description="Start offset as epoch milliseconds (with starting_offsets = timestamp)"
    )
    consumer_group: str | None = Field(None, description="Kafka consumer group id (optional)")
    value_format: Literal["json", "avro", "text"] = Field("json", description="Encoding of the record value")
    schema_: Columns = Field(
        (), alias="schema", description="Columns of the value (not needed for text, or with a schema registry)"
    )
    schema_registry_url: Url | None = Field(None, description="Confluent schema registry URL (Avro)")
    include_headers: bool = Field(
        False, description="Add the record headers as _kafka_headers (array of key/value strings, in order)"
    )
    event_time: ColumnName | None = Field(
        None, description="Timestamp column holding the event time, used by the watermark delay; "
        "empty uses the Kafka record timestamp (_kafka_timestamp)"
    )
    watermark_delay: Duration | None = Field(
        None, description="How late an event may arrive: the source sets the watermark on the event time "
        "(empty: no watermark at the source; stateful steps set their own)"
    )

    @field_validator("event_time")
    @classmethod
    def _declared_time(cls, value, info: ValidationInfo):
        # A source has no input to check columns against: its own declared schema is the reference.
        declared = {c.name for c in info.data.get("schema_", ())} | {c.name for c in KAFKA_METADATA}
        if value is not None and info.data.get("schema_") and value not in declared:
            raise ValueError(f"{value!r} is not a declared column; pick one of the schema or _kafka_timestamp")
        return value

    @model_validator(mode="after")
    def _consistent(self):
        if self.starting_offsets == "timestamp" and self.starting_timestamp is None:
            raise ValueError("starting_offsets = timestamp needs starting_timestamp (epoch milliseconds)")
        if self.subscribe_pattern and len(self.topics) != 1:
            raise ValueError("With subscribe_pattern, give exactly one regular expression in topics")
        if self.value_format != "text" and not self.schema_ and not self.schema_registry_url:
            raise ValueError("Declare the value's schema (or a schema registry URL for Avro)")
        return self


class Config(KafkaSecurity, _Subscription):
    """A Kafka subscription and its connection security."""


HEADERS = schema_of(("_kafka_headers", "array<struct<key: string, value: string>>"))


def event_time_column(config) -> str:
    """The column the source's watermark is set on: `event_time`, else the Kafka record timestamp."""
    return config.event_time or "_kafka_timestamp"


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    if config.event_time and config.value_format != "text":
        yield from timestamp_check(config.event_time, output_schema(config, inputs), "event_time")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    headers = HEADERS if config.include_headers else ()
    if config.value_format == "text":
        return schema_of(("value", "string")) + KAFKA_METADATA + headers
    return declared_schema(config.schema_) + KAFKA_METADATA + headers


EXAMPLE = {
    "bootstrap_servers": "broker-1:9092,broker-2:9092",
    "topics": ["payments"],
    "starting_offsets": "latest",
    "value_format": "json",
    "schema": [
        {"name": "card_id", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "merchant", "type": "string"},
        {"name": "ts", "type": "timestamp"},
    ],
    "event_time": "ts",
}

NODE = NodeType(
    type="kafka_source",
    name="Kafka topic",
    category=Category.SOURCE,
    description="Reads a stream of records from Kafka topics and parses their values into columns.",
    icon="hub",
    config=Config,
    output_schema=output_schema,
    checks=checks,
    inputs=(),
    example=EXAMPLE,
)
