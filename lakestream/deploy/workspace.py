"""The workspace connection of the app: check a profile or a host + token in seconds, save the latter as a
profile, and remember the choice. App mode keeps the forwarded user token and offers no profiles."""

from __future__ import annotations

from lakestream.deploy.connection import ConnectionStatus, check_connection, connect
from lakestream.deploy.errors import NotConnected
from lakestream.deploy.profiles import ProfileError, checked_entry, choose_profile, environment_auth, save_profile

# Seconds for the connection check: the client's own setup (it asks the host for its metadata) and the
# probe each get this budget, so an unreachable host answers in about 2 x CHECK_TIMEOUT.
CHECK_TIMEOUT = 5.0


def _checked(make_client, host: str) -> ConnectionStatus:
    try:
        client = make_client()
    except NotConnected as error:
        return ConnectionStatus(False, host, None, str(error))
    return check_connection(client, timeout=CHECK_TIMEOUT)


def check(identity, profile: str | None = None) -> ConnectionStatus:
    """Who the app is in the workspace: App mode's user, the environment's workspace, or `profile` (else
    the profile chosen before), every call with the short CHECK_TIMEOUT budget."""
    from lakestream.deploy.app import client_for

    if not identity.app_mode and environment_auth() is None and profile is not None:
        return _checked(lambda: connect(profile=profile, http_timeout=CHECK_TIMEOUT, retry_timeout=CHECK_TIMEOUT),
                        "")
    return _checked(lambda: client_for(identity, http_timeout=CHECK_TIMEOUT, retry_timeout=CHECK_TIMEOUT), "")


def use_profile(identity, name: str) -> ConnectionStatus:
    """Check profile `name`; on success the app uses it from now on."""
    status = check(identity, name)
    if status.ok:
        choose_profile(name)
    return status


def connect_with_token(name: str, host: str, token: str) -> ConnectionStatus:
    """Check host + token; on success save them as profile `name` (~/.databrickscfg, mode 0600) and use it.

    Raises ProfileError for a malformed name, host or token (nothing is contacted or written then).
    """
    url = checked_entry(name, host, token)
    status = _checked(lambda: connect(host=url, token=token, http_timeout=CHECK_TIMEOUT,
                                      retry_timeout=CHECK_TIMEOUT), url)
    if status.ok:
        save_profile(name, url, token)
        choose_profile(name)
    return status


__all__ = ["CHECK_TIMEOUT", "ProfileError", "check", "connect_with_token", "use_profile"]
