"""The one exception connectors raise: it names the connector, the endpoint and the cause."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


class ConnectorError(RuntimeError):
    """A connector failed; `str()` is one line naming the connector, where it was talking to, and why.

    Raised inside foreachBatch or a data source, it becomes the streaming query's failure message.
    """

    def __init__(self, connector: str, endpoint: str, cause: str, attempts: int = 1):
        self.connector = connector
        self.endpoint = endpoint
        self.cause = cause
        self.attempts = attempts
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        super().__init__(f"{connector} failed at {endpoint}: {cause}{tries}")


def safe_endpoint(url: str, keep_path: bool = True) -> str:
    """`url` without user info or query string (they may hold credentials); without its path too
    when `keep_path` is False (Slack/Teams webhook URLs carry their secret in the path)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path if keep_path else ("/…" if parts.path not in ("", "/") else "")
    return urlunsplit((parts.scheme, host, path, "", ""))
