"""Databricks App mode: who the user is, and a workspace client acting as that user, per request.

Behind the Databricks Apps proxy every request carries `X-Forwarded-Email` and, with user
authorization, `X-Forwarded-Access-Token`. In App mode (the platform sets DATABRICKS_APP_PORT /
DATABRICKS_APP_NAME) LakeStream trusts those headers; anywhere else it ignores them, so a forged
header on a local server changes nothing. The user's token lives only as long as the request's
Identity: it is never written to the store, the history, or a log line.

    identity = identity_from_headers(request.headers)
    client = identity.client()          # WorkspaceClient(host, token=<user token>, auth_type="pat")
    store = store_for(identity)         # that user's own pipelines
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from lakestream.deploy.connection import HTTP_TIMEOUT, RETRY_TIMEOUT, connect
from lakestream.errors import UserError
from lakestream.store import open_store
from lakestream.store.store import default_user


class AppModeError(UserError):
    """App mode without the headers the Apps proxy always sends (the app is reached around the proxy)."""


def app_mode(env: Mapping[str, str] | None = None) -> bool:
    """True when running as a Databricks App (the platform sets these variables)."""
    env = os.environ if env is None else env
    return bool(env.get("DATABRICKS_APP_PORT") or env.get("DATABRICKS_APP_NAME"))


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    wanted = name.lower()
    for key, value in headers.items():  # starlette headers are case-insensitive; plain dicts are not
        if key.lower() == wanted and value and value.strip():
            return value.strip()
    return None


def _local_user() -> str:
    return default_user()


@dataclass(frozen=True)
class Identity:
    """The user of one request. `token` is kept out of repr and comparisons and is never persisted."""

    user: str
    app_mode: bool
    token: str | None = field(default=None, repr=False, compare=False)

    def client(self):
        """A WorkspaceClient acting as this user (App mode, with their token) or from the local config."""
        return client_for(self)


def identity_from_headers(headers: Mapping[str, str] | None, env: Mapping[str, str] | None = None) -> Identity:
    """The request's user: from the forwarded headers in App mode, else the local user (headers ignored)."""
    if not app_mode(env):
        return Identity(_local_user(), False)
    email = _header(headers, "X-Forwarded-Email") or _header(headers, "X-Forwarded-Preferred-Username")
    if not email:
        raise AppModeError("This request did not come through the Databricks Apps proxy (no X-Forwarded-Email)")
    return Identity(email, True, _header(headers, "X-Forwarded-Access-Token"))


def user_from_headers(headers: Mapping[str, str] | None) -> str:
    """The user name for a request (the UI's seam: lakestream/ui/identity.py)."""
    return identity_from_headers(headers).user


def _host(env: Mapping[str, str]) -> str:
    host = env.get("DATABRICKS_HOST", "").strip()
    if not host:
        raise AppModeError("DATABRICKS_HOST is not set; the Apps platform sets it for every app")
    return host if "://" in host else f"https://{host}"  # the platform may give it without a scheme


def client_for(identity: Identity, env: Mapping[str, str] | None = None, *, http_timeout: float = HTTP_TIMEOUT,
               retry_timeout: float = RETRY_TIMEOUT):
    """The workspace client for this identity; in App mode it can do only what the user may do."""
    env = os.environ if env is None else env
    if not identity.app_mode:
        from lakestream.deploy.profiles import chosen_profile, environment_auth

        # the profile chosen in the app's connection dialog, unless the environment names a workspace
        return connect(profile=None if environment_auth(env) else chosen_profile(), http_timeout=http_timeout,
                       retry_timeout=retry_timeout)
    if not identity.token:
        raise AppModeError(
            "The app has no access token for you: enable user authorization for this app "
            "(scopes for workspace, pipelines, jobs and Unity Catalog) and open it again"
        )
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config

    # auth_type="pat" is required: the app's own service principal credentials are in the
    # environment too, and the SDK refuses "more than one authorization method" otherwise.
    config = Config(host=_host(env), token=identity.token, auth_type="pat",
                    http_timeout_seconds=http_timeout, retry_timeout_seconds=max(1, round(retry_timeout)))
    return WorkspaceClient(config=config)


def store_for(identity: Identity, name: str | None = None):
    """The pipeline store of this user. In App mode always the volume store, in the user's own folder
    ($LAKESTREAM_VOLUME): a local folder in the app's container would be shared and lost on restart.

    The volume is read and written by the app's own identity (its service principal, from the
    environment), so users need no grant on it; the user folder is chosen from the proxy's header,
    so one user cannot reach another's pipelines through the app.
    """
    if not identity.app_mode:
        return open_store(name)
    return open_store("volume", user=identity.user, client=connect())
