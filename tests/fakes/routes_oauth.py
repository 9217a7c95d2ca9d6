"""Fake routes: the workspace's OAuth, as databricks-sdk finds and uses it for a service principal (M2M).

The SDK asks `/.well-known/databricks-config` for the host's OIDC root, reads
`<root>/.well-known/oauth-authorization-server` for the token endpoint, and posts a client-credentials
grant there with the client id and secret as HTTP Basic auth. Seed with
`fake.add_service_principal(client_id, client_secret, name)`; the access token it gets acts as `name`.
"""

from __future__ import annotations

import base64
import secrets
from urllib.parse import parse_qs

from .validation import ApiError


def install(fake) -> None:
    fake.service_principals = {}  # client_id -> (client_secret, name)

    def add_service_principal(client_id: str, client_secret: str, name: str) -> None:
        with fake.lock:
            fake.service_principals[client_id] = (client_secret, name)

    fake.add_service_principal = add_service_principal


def answer(fake, request):
    """The answer to an OAuth request (these need no bearer token), or None for any other path."""
    from .workspace import Response

    if request.path == "/.well-known/databricks-config":
        return Response.of({"oidc_endpoint": f"{fake.url}/oidc"})
    if request.path == "/oidc/.well-known/oauth-authorization-server":
        return Response.of({"issuer": f"{fake.url}/oidc",
                            "authorization_endpoint": f"{fake.url}/oidc/v1/authorize",
                            "token_endpoint": f"{fake.url}/oidc/v1/token"})
    if request.path == "/oidc/v1/token" and request.method == "POST":
        return _token(fake, request)
    return None


def _token(fake, request):
    from .workspace import Response

    form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
    if form.get("grant_type") != "client_credentials":
        raise ApiError(400, "unsupported_grant_type", f"grant_type {form.get('grant_type')!r} is not supported here")
    client_id, client_secret = _basic(request.headers.get("authorization", ""))
    with fake.lock:
        known = fake.service_principals.get(client_id or form.get("client_id", ""))
    if known is None or known[0] != (client_secret or form.get("client_secret")):
        return Response.of({"error": "invalid_client", "error_description": "Client authentication failed"}, 401)
    token = f"oauth-{secrets.token_hex(8)}"
    fake.add_user(token, known[1])
    return Response.of({"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                        "scope": form.get("scope", "all-apis")})


def _basic(header: str) -> tuple[str | None, str | None]:
    if not header.startswith("Basic "):
        return None, None
    user, _, password = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
    return user, password
