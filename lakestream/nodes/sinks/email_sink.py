"""Email sink: sends one email per row through an SMTP server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from lakestream.nodes.base import SSS_ONLY, Category, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import Model, SecretRef
from lakestream.nodes.sinks.common import MessageTemplate, template_checks
from lakestream.nodes.transforms.common import non_empty, unique

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$")


def _address(value: str) -> str:
    if not _EMAIL.match(value or ""):
        raise ValueError(f"{value!r} is not an email address: write name@example.com")
    return value


def _host(value: str) -> str:
    if not re.match(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$", value or ""):
        raise ValueError(f"{value!r} is not a host name: write smtp.example.com (no scheme, no port)")
    return value


Address = Annotated[str, AfterValidator(_address)]


class Config(Model):
    smtp_host: Annotated[str, AfterValidator(_host)] = Field(description="SMTP server host name")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port: 587 (STARTTLS), 465 (SSL) or 25")
    security: Literal["starttls", "ssl", "none"] = Field("starttls", description="Connection encryption")
    username: SecretRef | None = Field(None, description="Secret holding the SMTP user name")
    password: SecretRef | None = Field(None, description="Secret holding the SMTP password")
    from_address: Address = Field("lakestream@localhost", description="Sender address")
    to: Annotated[tuple[Address, ...], non_empty("recipient address"), unique("Address")] = Field(
        description="Recipient addresses"
    )
    subject_template: MessageTemplate = Field(description="Subject with {column} placeholders")
    body_template: MessageTemplate = Field(description="Plain-text body with {column} placeholders")
    max_emails_per_batch: int = Field(
        100, ge=1, le=10_000, description="Most emails sent per micro-batch; the rest are counted, not sent"
    )

    @model_validator(mode="after")
    def _credentials_pair(self):
        if (self.username is None) != (self.password is None):
            raise ValueError("Give both username and password secret references, or neither")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from template_checks(inputs, subject_template=config.subject_template, body_template=config.body_template)


EXAMPLE = {
    "smtp_host": "smtp.example.com",
    "smtp_port": 587,
    "username": {"scope": "smtp", "key": "user"},
    "password": {"scope": "smtp", "key": "password"},
    "from_address": "shop-alerts@example.com",
    "to": ["retention@example.com"],
    "subject_template": "Cart abandoned by {customer_id}",
    "body_template": "Customer {customer_id} added items at {trigger_ts} and has not paid by {deadline_ts}.",
}

NODE = NodeType(
    type="email_sink",
    name="Email",
    category=Category.SINK,
    description="Sends an email per row through an SMTP server.",
    icon="mail",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,  # foreachBatch
    outputs=(),
    checks=checks,
    example=EXAMPLE,
)
