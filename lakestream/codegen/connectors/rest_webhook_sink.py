"""REST / webhook sink context: a WebhookWriter in foreachBatch (template, batches, retries, timeout, auth)."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.codegen.connectors._sinks import sink_context


def context(view) -> dict:
    config = view.config
    if view.local:
        view.warn("Local profile: posts to the url as configured (point it at a local server)", "url")
    arguments = [
        ("url", config.url),
        ("method", config.method),
        ("headers", {h.name: h.value for h in config.headers}),
        ("payload_template", config.payload_template),
        ("batch_size", config.batch_size),
        ("retries", config.max_retries),
        ("timeout", _runtime.seconds(config.timeout)),
        *_runtime.auth_arguments(view),
        ("name", _runtime.display_name(view, "REST / webhook sink")),
    ]
    return sink_context(view, "webhook_sink", "WebhookWriter", arguments)


CONTEXTS = {"rest_webhook_sink": context}
