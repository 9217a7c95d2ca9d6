"""MQTT source: subscribes to a broker topic filter (a PySpark Python streaming data source)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from lakestream.nodes.base import PYTHON_TARGETS, Category, Column, Inputs, NodeType, Schema, merge_schema
from lakestream.nodes.fields import Model, SecretRef, declared_schema
from lakestream.nodes.sources.common import RequiredColumns, schema_field

TOPIC_COLUMN = Column("topic", "string")


def _broker(value: str) -> str:
    if not re.match(r"^(mqtt|mqtts|tcp|ssl|ws|wss)://[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?$", value or ""):
        raise ValueError(f"{value!r} is not a broker URL: write mqtt://host:1883 or mqtts://host:8883")
    return value


def _topic_filter(value: str) -> str:
    # MQTT 3.1.1 §4.7: '+' fills a whole level, '#' only as the whole last level.
    levels = (value or "").split("/")
    valid = bool(value) and "\x00" not in value and all(
        lv in ("+", "#") or ("+" not in lv and "#" not in lv) for lv in levels
    ) and "#" not in levels[:-1]
    if not valid:
        raise ValueError(
            f"{value!r} is not an MQTT topic filter: levels separated by '/', '+' for one whole level, "
            "'#' only as the last level (e.g. plant/+/temperature or plant/#)"
        )
    return value


class Config(Model):
    broker_url: Annotated[str, AfterValidator(_broker)] = Field(description="Broker address, mqtt://host:1883")
    topic_filter: Annotated[str, AfterValidator(_topic_filter)] = Field(
        description="Topics to subscribe to; + matches one level, # the rest (plant/+/sensors/#)"
    )
    qos: Literal[0, 1, 2] = Field(1, description="Delivery guarantee: 0 at most once, 1 at least once, 2 exactly once")
    client_id: str | None = Field(None, max_length=128, description="MQTT client id (default: generated)")
    username: SecretRef | None = Field(None, description="Secret holding the user name")
    password: SecretRef | None = Field(None, description="Secret holding the password")
    schema_: RequiredColumns = schema_field("Columns of each JSON message payload")

    @model_validator(mode="after")
    def _credentials_pair(self):
        if (self.username is None) != (self.password is None):
            raise ValueError("Give both username and password secret references, or neither")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return merge_schema(declared_schema(config.schema_), (TOPIC_COLUMN,))


EXAMPLE = {
    "broker_url": "mqtt://broker.plant.local:1883",
    "topic_filter": "plant/+/machines/#",
    "qos": 1,
    "schema": [
        {"name": "machine_id", "type": "string"},
        {"name": "temperature", "type": "double"},
        {"name": "vibration", "type": "double"},
        {"name": "ts", "type": "timestamp"},
    ],
}

NODE = NodeType(
    type="mqtt_source",
    name="MQTT",
    category=Category.SOURCE,
    description="Subscribes to an MQTT broker and streams the JSON messages of a topic filter.",
    icon="sensors",
    config=Config,
    output_schema=output_schema,
    targets=PYTHON_TARGETS,  # a PySpark Python data source: no SQL form
    inputs=(),
    example=EXAMPLE,
)
