"""Versioned local tables: `root/v<batch>/{state,table}` with `root/_current` naming the live version (stdlib only)."""

from __future__ import annotations

import os

CURRENT = "_current"


def live_version(root: str) -> str | None:
    """The name of the live version folder of a local table (None before its first batch)."""
    pointer = os.path.join(root, CURRENT)
    if not os.path.exists(pointer):
        return None
    with open(pointer, encoding="utf-8") as handle:
        return handle.read().strip()


def table_path(root: str) -> str | None:
    """The parquet folder holding the rows of a versioned local table (None before its first batch)."""
    live = live_version(root)
    return None if live is None else os.path.join(root, live, "table")


def switch(root: str, version: str) -> None:
    """Make `version` the live one in one atomic rename."""
    pointer = os.path.join(root, CURRENT)
    with open(pointer + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(version)
    os.replace(pointer + ".tmp", pointer)
