"""Webhook sink: POSTs each micro-batch's rows to an HTTP endpoint, in batches, with retries.

    query = df.writeStream.foreachBatch(WebhookWriter("https://hooks/x", batch_size=50)).start()

The payload template is text with {column} placeholders ({{ and }} for literal braces). When it
renders to JSON, such as '{{"card": "{card_id}", "amount": {amount}}}', values are written as JSON
(escaped inside strings, typed elsewhere), so no value can break the document; otherwise the body
is plain text. Without a template each row is sent as a JSON object. With batch_size > 1 one
request carries a JSON array (text: lines) of up to that many payloads. Delivery is at least once: a micro-batch replayed after a failure is sent again.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .batches import check_columns, chunks, rows_of
from .errors import ConnectorError, safe_endpoint
from .placeholders import is_json_template, placeholders, render, render_json_text, to_json
from .retry import Permanent, RetryPolicy, Transient, call_with_retries
from .web import auth_headers, request


class WebhookWriter:
    """A foreachBatch function (call it with a micro-batch DataFrame and its batch id)."""

    def __init__(self, url: str, *, method: str = "POST", headers: Mapping[str, str] | None = None,
                 payload_template: str | None = None, batch_size: int = 1, timeout: float = 10.0,
                 retries: int = 3, backoff: float = 1.0, auth: str = "none", token: str | None = None,
                 username: str | None = None, password: str | None = None, name: str = "webhook sink"):
        self.url = url
        self.method = method.upper()
        self.name = name
        self.endpoint = safe_endpoint(url)
        self.batch_size = max(int(batch_size), 1)
        self.timeout = timeout
        self.policy = RetryPolicy(retries, backoff)
        self.template = payload_template or None
        self.json = self.template is None or is_json_template(self.template)
        try:
            self.headers = {**dict(headers or {}), **auth_headers(auth, token, username, password)}
        except ValueError as error:
            raise ConnectorError(name, self.endpoint, str(error)) from None
        kind = "application/json" if self.json else "text/plain; charset=utf-8"
        self.headers.setdefault("Content-Type", kind)

    def __call__(self, batch_df, batch_id: int) -> None:
        check_columns(self.name, self.endpoint, placeholders(self.template or ""), batch_df.columns)
        self.write_rows(rows_of(batch_df))

    def body(self, rows: list[Mapping[str, Any]]) -> bytes:
        """The request body for a chunk of rows."""
        if not self.json:
            return "\n".join(render(self.template, row) for row in rows).encode("utf-8")
        if self.template is None:
            payloads = [to_json(dict(row)) for row in rows]
        else:
            payloads = [render_json_text(self.template, row) for row in rows]
        text = payloads[0] if self.batch_size == 1 else "[" + ", ".join(payloads) + "]"
        return text.encode("utf-8")

    def write_rows(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Send the rows; return the number of requests made. Raises ConnectorError on failure."""
        sent = 0
        for chunk in chunks(rows, self.batch_size):
            data = self.body(chunk)
            send = lambda: request(self.url, method=self.method, body=data, headers=self.headers,
                                   timeout=self.timeout)
            try:
                call_with_retries(send, self.policy)
            except (Transient, Permanent) as error:
                raise ConnectorError(f"{self.name} ({self.method})", self.endpoint, str(error),
                                     error.attempts) from None
            sent += 1
        return sent
