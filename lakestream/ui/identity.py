"""Who is using the builder: the seam between local mode and Databricks App mode."""

from __future__ import annotations

import os
from typing import Any

from lakestream.store.store import default_user


def app_mode() -> bool:
    """Running as a Databricks App (the platform sets DATABRICKS_APP_PORT)."""
    return bool(os.environ.get("DATABRICKS_APP_PORT"))


def current_user(request: Any | None = None) -> str:
    """The user of this request: in App mode the deploy package decides from the forwarded headers;
    locally the OS user (forwarded headers are ignored outside App mode, as DESIGN.md requires)."""
    if app_mode() and request is not None:
        try:
            from lakestream.deploy.app import user_from_headers  # landed by the deploy area
        except ImportError:
            pass
        else:
            return user_from_headers(request.headers)
    return default_user()
