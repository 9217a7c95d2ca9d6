"""REST / webhook sink: posts rows (singly or in batches) to an HTTP endpoint, with retries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from lakestream.nodes.base import SSS_ONLY, Category, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import Duration, Model, Url
from lakestream.nodes.sinks.common import MessageTemplate, template_checks
from lakestream.nodes.sources.common import HttpAuth
from lakestream.nodes.transforms.common import unique

# Credentials go through `auth` (secret references), never as a literal header value.
_CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie", "x-api-key"}


def _header_name(value: str) -> str:
    if not re.match(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", value or ""):
        raise ValueError(f"{value!r} is not an HTTP header name: letters, digits and - (like X-Source)")
    if value.lower() in _CREDENTIAL_HEADERS:
        raise ValueError(f"{value} carries credentials: use auth with a secret reference instead of a header")
    return value


def _header_value(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError("A header value must be on one line")
    return value


class Header(Model):
    name: Annotated[str, AfterValidator(_header_name)] = Field(description="Header name")
    value: Annotated[str, AfterValidator(_header_value)] = Field(description="Header value (not a secret)")


class _Request(Model):
    """The request fields, shown before the shared auth fields."""

    url: Url = Field(description="Endpoint the rows are sent to")
    method: Literal["POST", "PUT", "PATCH"] = Field("POST", description="HTTP method")
    headers: Annotated[tuple[Header, ...], unique("Header", lambda h: h.name.lower())] = Field(
        (), description="Extra request headers (credentials go in auth)"
    )
    payload_template: MessageTemplate | None = Field(
        None, description="Body text with {column} placeholders (empty: the row as a JSON object)"
    )
    batch_size: int = Field(1, ge=1, le=1000, description="Rows per request; above 1 the body is a JSON array")
    max_retries: int = Field(3, ge=0, le=10, description="Retries of a failed request (exponential backoff)")
    timeout: Duration = Field("10 seconds", description="Longest wait for one request")


class Config(HttpAuth, _Request):
    """Requests to an endpoint and their authentication (base order puts _Request fields first)."""


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from template_checks(inputs, payload_template=config.payload_template)


EXAMPLE = {
    "url": "https://hooks.example.com/lakestream/alerts",
    "method": "POST",
    "headers": [{"name": "X-Source", "value": "lakestream"}],
    "auth": "bearer",
    "token": {"scope": "webhooks", "key": "alerts-token"},
    "payload_template": '{{"card": "{card_id}", "amount": {amount}, "at": "{ts}"}}',
    "batch_size": 1,
    "max_retries": 3,
}

NODE = NodeType(
    type="rest_webhook_sink",
    name="REST / webhook",
    category=Category.SINK,
    description="Sends rows to an HTTP endpoint, one by one or in batches, with retries.",
    icon="webhook",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,  # foreachBatch
    outputs=(),
    checks=checks,
    example=EXAMPLE,
)
