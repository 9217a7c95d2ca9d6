"""REST source: polls an HTTP endpoint and streams the records of each JSON response (a Python data source)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from lakestream.nodes.base import PYTHON_TARGETS, Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import Duration, Model, Url, declared_schema
from lakestream.nodes.sources.common import HttpAuth, RequiredColumns, schema_field

_JSON_PATH = re.compile(r"^\$?(?:\.?[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$")


def _json_path(value: str) -> str:
    if not value or not _JSON_PATH.match(value) or value.endswith("."):
        raise ValueError(f"{value!r} is not a JSON path: write something like $.data.items or results[0].rows")
    return value


class _Endpoint(Model):
    """The endpoint fields, shown before the shared auth fields."""

    url: Url = Field(description="Endpoint polled for new records (GET)")
    poll_interval: Duration = Field("30 seconds", description="Time between two polls")
    json_path: Annotated[str, AfterValidator(_json_path)] | None = Field(
        None, description="Where the list of records sits in the response, like $.data.items (empty: the body)"
    )
    schema_: RequiredColumns = schema_field("Columns of each record")


class Config(HttpAuth, _Endpoint):
    """A polled endpoint and its authentication (base order puts _Endpoint fields first)."""


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return declared_schema(config.schema_)


EXAMPLE = {
    "url": "https://status.example.com/api/v1/incidents",
    "poll_interval": "1 minute",
    "auth": "bearer",
    "token": {"scope": "status-api", "key": "token"},
    "json_path": "$.incidents",
    "schema": [
        {"name": "incident_id", "type": "string"},
        {"name": "service", "type": "string"},
        {"name": "severity", "type": "string"},
        {"name": "opened_at", "type": "timestamp"},
    ],
}

NODE = NodeType(
    type="rest_webhook_source",
    name="REST / webhook",
    category=Category.SOURCE,
    description="Polls a REST endpoint and streams the JSON records it returns.",
    icon="cloud_download",
    config=Config,
    output_schema=output_schema,
    targets=PYTHON_TARGETS,  # a PySpark Python data source: no SQL form
    inputs=(),
    example=EXAMPLE,
)
