"""Workspace errors turned into one readable sentence (never a traceback, never a token)."""

from __future__ import annotations

import requests

from lakestream.errors import UserError


class DeployError(UserError):
    """A deploy step failed; `step` is its 1-based number and `result` the partial DeployResult."""

    def __init__(self, message: str, step: int | None = None, result=None):
        super().__init__(message)
        self.step = step
        self.result = result


class NotConnected(UserError):
    """No workspace is configured or reachable; the message explains how to connect."""


CONNECT_HELP = (
    "Connect by setting DATABRICKS_HOST and DATABRICKS_TOKEN, or choose a profile from ~/.databrickscfg "
    "(lakestream deploy --profile NAME, or DATABRICKS_CONFIG_PROFILE)."
)


def describe(error: BaseException, timeout: float | None = None) -> str:
    """A short explanation of a workspace call that failed."""
    from databricks.sdk import errors

    if isinstance(error, errors.PermissionDenied):
        return f"permission denied ({_first_line(error)}); ask a workspace admin for access or use another folder/catalog"
    if isinstance(error, errors.Unauthenticated):
        return "the workspace refused the credentials (expired or wrong token?)"
    if isinstance(error, (TimeoutError, requests.Timeout)):
        within = f" within {timeout:g} s" if timeout else ""
        return f"the workspace did not answer{within}; check the host and the network, then try again"
    if isinstance(error, requests.ConnectionError):
        return "cannot reach the workspace; check the host and the network"
    if isinstance(error, errors.DatabricksError):
        code = getattr(error, "error_code", None)
        return f"{code}: {_first_line(error)}" if code else _first_line(error)
    return f"{type(error).__name__}: {_first_line(error)}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__
