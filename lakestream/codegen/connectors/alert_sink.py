"""Alert sink context: an AlertWriter (Slack / Teams / PagerDuty) in foreachBatch, webhook from a secret."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.codegen.connectors._sinks import sink_context


def context(view) -> dict:
    config = view.config
    if view.local:
        _runtime.warn_local_secrets(view, "webhook_secret")
    arguments = [
        ("provider", config.provider),
        ("secret", _runtime.secret(view, config.webhook_secret)),
        ("message_template", config.message_template),
        ("severity", config.severity),
        ("url", config.api_url),
        ("max_per_batch", config.max_alerts_per_batch),
        ("name", _runtime.display_name(view, "alert sink")),
    ]
    return sink_context(view, "alert_sink", "AlertWriter", arguments)


CONTEXTS = {"alert_sink": context}
