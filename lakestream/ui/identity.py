"""Who is using the builder and which store is theirs: the seam to App mode (lakestream.deploy.app)."""

from __future__ import annotations

from typing import Any

from lakestream.store import Store, open_store


def _headers(request: Any | None) -> dict[str, str] | None:
    return dict(request.headers) if request is not None else None


def current_user(request: Any | None = None) -> str:
    """The user of this request: the forwarded e-mail in App mode; locally the OS user (headers ignored)."""
    from lakestream.deploy.app import identity_from_headers

    return identity_from_headers(_headers(request)).user


def store_for_request(request: Any | None, name: str | None, options: dict[str, Any]) -> Store:
    """The request user's store: in App mode the per-user volume store; locally the named store."""
    from lakestream.deploy.app import app_mode, identity_from_headers, store_for

    if app_mode():
        return store_for(identity_from_headers(_headers(request)), name)
    return open_store(name, user=current_user(request), **options)
