"""Azure Event Hubs source, read through its Kafka-compatible endpoint with a connection string secret."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from lakestream.nodes.base import Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import Model, SecretRef, declared_schema
from lakestream.nodes.sources.common import RequiredColumns, schema_field


def _namespace(value: str) -> str:
    # Azure's rule: 6-50 characters, letters, digits and hyphens, starting with a letter.
    if not re.match(r"^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$", value or ""):
        raise ValueError(
            f"{value!r} is not an Event Hubs namespace: 6-50 letters, digits or hyphens, starting with a letter "
            "(the part before .servicebus.windows.net)"
        )
    return value


def _entity(value: str) -> str:
    if not re.match(r"^[A-Za-z0-9$][A-Za-z0-9._\-]{0,255}$", value or ""):
        raise ValueError(f"{value!r} is not an event hub name: letters, digits, '.', '-' and '_'")
    return value


class Config(Model):
    namespace: Annotated[str, AfterValidator(_namespace)] = Field(
        description="Event Hubs namespace, e.g. contoso-telemetry (host <namespace>.servicebus.windows.net)"
    )
    event_hub: Annotated[str, AfterValidator(_entity)] = Field(description="Event hub (topic) name")
    consumer_group: Annotated[str, AfterValidator(_entity)] = Field(
        "$Default", description="Consumer group to read as"
    )
    connection_secret: SecretRef = Field(description="Secret holding the namespace's connection string")
    starting_position: Literal["earliest", "latest"] = Field("latest", description="Where a new query starts")
    value_format: Literal["json", "avro"] = Field("json", description="Encoding of the event body")
    schema_: RequiredColumns = schema_field("Columns of each event body")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return declared_schema(config.schema_)


EXAMPLE = {
    "namespace": "contoso-telemetry",
    "event_hub": "turbines",
    "connection_secret": {"scope": "azure", "key": "eventhubs-connection"},
    "starting_position": "latest",
    "schema": [
        {"name": "turbine_id", "type": "string"},
        {"name": "rpm", "type": "double"},
        {"name": "ts", "type": "timestamp"},
    ],
}

NODE = NodeType(
    type="event_hubs_source",
    name="Azure Event Hubs",
    category=Category.SOURCE,
    description="Reads events from an Azure event hub (through its Kafka-compatible endpoint).",
    icon="bolt",
    config=Config,
    output_schema=output_schema,
    inputs=(),
    example=EXAMPLE,
)
