"""Workspace clients with short timeouts, and a connection check that answers in seconds, never hangs."""

from __future__ import annotations

from dataclasses import dataclass

from lakestream.deploy.errors import CONNECT_HELP, NotConnected, describe
from lakestream.deploy.profiles import ProfileError, browser_login, browser_login_in_environment, cli_login_help

# Seconds: one HTTP call, and the whole retry budget of a call. The SDK's defaults (minutes) would
# freeze the deploy dialog on an unreachable host.
HTTP_TIMEOUT = 10.0
RETRY_TIMEOUT = 30.0


def connect(profile: str | None = None, *, host: str | None = None, token: str | None = None,
            http_timeout: float = HTTP_TIMEOUT, retry_timeout: float = RETRY_TIMEOUT):
    """A WorkspaceClient from a profile, explicit host/token, or the environment; NotConnected if none is set.

    The token is handed to the SDK only; LakeStream never stores or logs it.
    """
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config

    # retry_timeout_seconds is an int in the SDK, and 0 means its 300 s default.
    kwargs = {"http_timeout_seconds": http_timeout, "retry_timeout_seconds": max(1, round(retry_timeout))}
    try:
        refused = None if token else browser_login(profile) if profile else browser_login_in_environment()
    except ProfileError as error:
        raise NotConnected(str(error)) from None
    if refused:  # never handed to the SDK: it would open a browser on the server and wait for ever
        raise NotConnected(refused)
    if profile:
        kwargs["profile"] = profile
    if host:
        kwargs["host"] = host if "://" in host else f"https://{host}"
    if token:
        kwargs["token"] = token
        kwargs["auth_type"] = "pat"  # else the SDK may refuse "more than one authorization method"
    try:
        return WorkspaceClient(config=Config(**kwargs))
    except ValueError as error:  # raised at once when nothing is configured or the profile is unknown
        detail = str(error).splitlines()[0].split(". Config:")[0][:200] if str(error) else ""
        if profile:
            help_ = cli_login_help(profile)  # the file was read above: it can be read here too
            if help_:
                raise NotConnected(f"{help_} ({detail})") from None
            raise NotConnected(f"Profile {profile!r} is not configured ({detail}). {CONNECT_HELP}") from None
        if host or "cannot configure default credentials" not in detail:
            raise NotConnected(f"Cannot use that workspace configuration ({detail}). {CONNECT_HELP}") from None
        raise NotConnected(f"No Databricks workspace is configured. {CONNECT_HELP}") from None


@dataclass(frozen=True)
class ConnectionStatus:
    ok: bool
    host: str
    user: str | None
    message: str


def check_connection(client, timeout: float = 5.0) -> ConnectionStatus:
    """Ask the workspace who we are, within about `timeout` seconds; never raises."""
    from databricks.sdk import WorkspaceClient

    host = client.config.host or ""
    try:
        # A copy of the client's config with a short budget: the probe must answer fast even when the
        # client itself is configured for patient deploys.
        config = client.config.deep_copy()  # copy() would share, and so change, the client's settings
        config.http_timeout_seconds = timeout
        config.retry_timeout_seconds = max(1, round(timeout))  # an int in the SDK; 0 would mean 300 s
        me = WorkspaceClient(config=config).current_user.me()
    except Exception as error:  # any failure is reported as a status, not raised
        return ConnectionStatus(False, host, None, f"Cannot use {host or 'the workspace'}: {describe(error, timeout)}")
    return ConnectionStatus(True, host, me.user_name, f"Connected to {host} as {me.user_name}")


def current_user(client) -> str:
    """The workspace user name of the client's identity (used for the deploy folder)."""
    try:
        return client.current_user.me().user_name
    except Exception as error:
        raise NotConnected(f"Cannot identify the workspace user: {describe(error, client.config.http_timeout_seconds)}") from None
