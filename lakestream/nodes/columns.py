"""A column of a propagated schema (below base and fields, which both speak of columns)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a propagated schema."""

    name: str
    type: str
