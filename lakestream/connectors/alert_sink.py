"""Alert sink: one Slack, Microsoft Teams or PagerDuty message per row, over their webhook APIs.

PagerDuty events carry the row's `match_id` (every pattern node emits one) as `dedup_key`, so a
micro-batch replayed after a failure updates the same incident instead of opening another.

The secret is the incoming-webhook URL for Slack and Teams (the URL itself is the credential, so
errors show only its host) and the Events API v2 routing key for PagerDuty. At most
`max_per_batch` alerts go out per micro-batch; the rest are summed up in one last message, so a
burst of matches cannot flood a channel.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .batches import check_columns, rows_of
from .errors import ConnectorError, safe_endpoint
from .placeholders import placeholders, render
from .webhook_sink import WebhookWriter

PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
PROVIDERS = ("slack", "teams", "pagerduty")
SEVERITIES = ("critical", "error", "warning", "info")


def slack_payload(message: str, severity: str) -> dict[str, Any]:
    return {"text": f"[{severity.upper()}] {message}"}


def teams_payload(message: str, severity: str) -> dict[str, Any]:
    """An Adaptive Card message, the shape Teams Workflows webhooks accept."""
    colour = {"critical": "Attention", "error": "Attention", "warning": "Warning"}.get(severity, "Default")
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": severity.upper(), "weight": "Bolder", "color": colour},
            {"type": "TextBlock", "text": message, "wrap": True},
        ],
    }
    return {"type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}


def pagerduty_payload(message: str, severity: str, routing_key: str, source: str,
                      dedup_key: str | None = None) -> dict[str, Any]:
    """A PagerDuty Events API v2 trigger event (summary is limited to 1024 characters)."""
    event = {"routing_key": routing_key, "event_action": "trigger",
             "payload": {"summary": message[:1024], "severity": severity, "source": source}}
    if dedup_key:
        event["dedup_key"] = dedup_key[:255]
    return event


class AlertWriter:
    """A foreachBatch function sending one alert per row."""

    def __init__(self, provider: str, secret: str, message_template: str, *, severity: str = "warning",
                 url: str | None = None, source: str = "lakestream", max_per_batch: int = 100,
                 timeout: float = 10.0, retries: int = 3, backoff: float = 1.0, name: str = "alert sink"):
        if provider not in PROVIDERS:
            raise ConnectorError(name, provider, f"unknown provider {provider!r}: use {', '.join(PROVIDERS)}")
        if severity not in SEVERITIES:
            raise ConnectorError(name, provider, f"unknown severity {severity!r}: use {', '.join(SEVERITIES)}")
        self.provider = provider
        self.severity = severity
        self.template = message_template
        self.source = source
        self._routing_key = secret if provider == "pagerduty" else ""
        target = (url or PAGERDUTY_EVENTS_URL) if provider == "pagerduty" else secret
        self.max_per_batch = max(int(max_per_batch), 1)
        self._http = WebhookWriter(target, timeout=timeout, retries=retries, backoff=backoff,
                                   name=f"{name} ({provider})")
        # A Slack/Teams webhook URL is a credential: never print its path.
        self._http.endpoint = safe_endpoint(target, keep_path=provider == "pagerduty")
        self.endpoint = self._http.endpoint

    def payload(self, message: str, row: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if self.provider == "slack":
            return slack_payload(message, self.severity)
        if self.provider == "teams":
            return teams_payload(message, self.severity)
        # A pattern's match_id makes a replayed micro-batch update the same incident, not open another.
        match_id = (row or {}).get("match_id")
        return pagerduty_payload(message, self.severity, self._routing_key, self.source,
                                 None if match_id is None else str(match_id))

    def __call__(self, batch_df, batch_id: int) -> None:
        check_columns(self._http.name, self.endpoint, placeholders(self.template), batch_df.columns)
        self.write_rows(rows_of(batch_df))

    def write_rows(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Send one alert per row (plus one summary past max_per_batch); return the alerts sent."""
        sent = skipped = 0
        for row in rows:
            if sent >= self.max_per_batch:
                skipped += 1
                continue
            self._http.write_rows([self.payload(render(self.template, row), row)])
            sent += 1
        if skipped:
            note = f"… and {skipped} more alerts in this micro-batch (limit {self.max_per_batch})"
            self._http.write_rows([self.payload(note)])
            sent += 1
        return sent
