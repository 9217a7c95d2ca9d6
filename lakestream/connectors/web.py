"""Plain urllib HTTP calls for connectors: one request, classified as success, transient or permanent."""

from __future__ import annotations

import base64
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass

from .retry import Permanent, Transient

# Statuses a later attempt may fix: throttling and server-side trouble.
_RETRYABLE = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str


def auth_headers(auth: str, token: str | None = None, username: str | None = None,
                 password: str | None = None) -> dict[str, str]:
    """Authorization header for `auth` none | bearer | basic; raise ValueError when a credential is missing."""
    if auth in ("", "none"):
        return {}
    if auth == "bearer":
        if not token:
            raise ValueError("bearer auth needs a token")
        return {"Authorization": f"Bearer {token}"}
    if auth == "basic":
        if username is None or password is None:
            raise ValueError("basic auth needs a username and a password")
        pair = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    raise ValueError(f"unknown auth {auth!r}: use none, bearer or basic")


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:  # an HTTP date: fall back to our own backoff
        return None


def request(url: str, *, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 10.0) -> Response:
    """Send one request and return the response of a 2xx status.

    Raises `Transient` (network errors, timeouts, 408/429/5xx) or `Permanent` (other statuses,
    bad URLs), each with a short message fit for a query failure.
    """
    req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Response(resp.status, resp.read(), resp.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", "replace").strip().replace("\n", " ")
        message = f"HTTP {error.code} {error.reason}" + (f": {detail}" if detail else "")
        if error.code in _RETRYABLE:
            raise Transient(message, _retry_after(error.headers.get("Retry-After"))) from None
        raise Permanent(message) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, ssl.SSLCertVerificationError):  # retrying cannot fix a certificate
            raise Permanent(f"TLS certificate not trusted: {reason.verify_message}") from None
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise Transient(f"timed out after {timeout:g} s") from None
        raise Transient(f"cannot connect: {reason}") from None
    except (TimeoutError, socket.timeout):
        raise Transient(f"timed out after {timeout:g} s") from None
    except (ConnectionError, OSError) as error:
        raise Transient(f"connection failed: {error}") from None
    except ValueError as error:  # e.g. "unknown url type"
        raise Permanent(str(error)) from None
