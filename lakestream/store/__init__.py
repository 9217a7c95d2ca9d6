"""Pipeline store: versioned, never-lose-work storage of pipeline documents, in local files or a UC volume.

    store = open_store()                      # LAKESTREAM_STORE or "local"
    saved = store.save(pipeline, expected_version=pipeline.version)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from lakestream.store.backend import Backend
from lakestream.store.errors import (
    ConflictError,
    CorruptPipeline,
    InvalidId,
    NotFound,
    StoreError,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
    UnknownStore,
)
from lakestream.store.model import DeployRecord, Summary, VersionInfo
from lakestream.store.store import Store


def _local(**options: Any) -> Store:
    from lakestream.store.local import LocalBackend

    return Store(LocalBackend(options.get("home")), user=options.get("user"))


def _volume(**options: Any) -> Store:
    from lakestream.store.volume import open_volume_store

    return open_volume_store(**options)


# Backends by name; the first is the default.
BACKENDS: dict[str, Callable[..., Store]] = {"local": _local, "volume": _volume}


def open_store(name: str | None = None, **options: Any) -> Store:
    """The store named `name` (else $LAKESTREAM_STORE, else "local").

    Options: `user`; local: `home` (else $LAKESTREAM_HOME, else ~/.lakestream); volume: `path`
    (else $LAKESTREAM_VOLUME, e.g. /Volumes/main/lakestream/files/lakestream) and `client`
    (a databricks-sdk WorkspaceClient; else one from the environment). Raises UnknownStore listing
    the valid names.
    """
    chosen = (name or os.environ.get("LAKESTREAM_STORE") or "local").strip().lower()
    factory = BACKENDS.get(chosen)
    if factory is None:
        raise UnknownStore(f"Unknown store {chosen!r}; choose one of: {', '.join(BACKENDS)}.")
    return factory(**options)


__all__ = [
    "BACKENDS", "Backend", "ConflictError", "CorruptPipeline", "DeployRecord", "InvalidId", "NotFound",
    "Store", "StoreError", "StoreFull", "StoreReadOnly", "StoreUnavailable", "Summary", "UnknownStore",
    "VersionInfo", "open_store",
]
