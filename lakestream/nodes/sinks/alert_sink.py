"""Alert sink: posts a message per row to Slack, Microsoft Teams or PagerDuty."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from lakestream.nodes.base import SSS_ONLY, Category, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import Model, SecretRef, Url
from lakestream.nodes.sinks.common import MessageTemplate, template_checks


class Config(Model):
    provider: Literal["slack", "teams", "pagerduty"] = Field(description="Where alerts go")
    webhook_secret: SecretRef = Field(
        description="Secret holding the incoming-webhook URL (Slack, Teams) or the integration routing key (PagerDuty)"
    )
    message_template: MessageTemplate = Field(
        description="Alert text with {column} placeholders, like 'Card {card_id}: {count} declines'"
    )
    severity: Literal["info", "warning", "error", "critical"] = Field("warning", description="Alert severity")
    api_url: Url | None = Field(
        None, description="PagerDuty Events API URL (default https://events.pagerduty.com/v2/enqueue; EU region differs)"
    )
    max_alerts_per_batch: int = Field(
        50, ge=1, le=10_000, description="Most alerts sent per micro-batch; the rest are counted, not sent"
    )

    @model_validator(mode="after")
    def _api_url_for_pagerduty(self):
        if self.api_url is not None and self.provider != "pagerduty":
            raise ValueError("api_url is only used by PagerDuty; Slack and Teams post to the webhook URL in the secret")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from template_checks(inputs, message_template=config.message_template)


EXAMPLE = {
    "provider": "slack",
    "webhook_secret": {"scope": "alerts", "key": "slack-fraud-webhook"},
    "message_template": "Possible fraud on card {card_id}: {status} at {last_ts}",
    "severity": "critical",
}

NODE = NodeType(
    type="alert_sink",
    name="Slack / Teams / PagerDuty",
    category=Category.SINK,
    description="Sends an alert per row to Slack, Microsoft Teams or PagerDuty.",
    icon="notifications_active",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,  # foreachBatch
    outputs=(),
    checks=checks,
    example=EXAMPLE,
)
