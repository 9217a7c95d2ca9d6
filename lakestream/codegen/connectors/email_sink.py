"""Email sink context: an EmailWriter (SMTP) in foreachBatch, credentials from secrets."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.codegen.connectors._sinks import sink_context


def context(view) -> dict:
    config = view.config
    if view.local:
        view.warn("Local profile: sends through smtp_host as configured (point it at a local SMTP server)",
                  "smtp_host")
        _runtime.warn_local_secrets(view, "username", "password")
    arguments = [
        ("smtp_host", config.smtp_host),
        ("smtp_port", config.smtp_port),
        ("security", config.security),
        ("username", _runtime.secret(view, config.username)),
        ("password", _runtime.secret(view, config.password)),
        ("sender", config.from_address),
        ("to", list(config.to)),
        ("subject_template", config.subject_template),
        ("body_template", config.body_template),
        ("max_per_batch", config.max_emails_per_batch),
        ("name", _runtime.display_name(view, "email sink")),
    ]
    return sink_context(view, "email_sink", "EmailWriter", arguments)


CONTEXTS = {"email_sink": context}
