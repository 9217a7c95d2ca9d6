"""Rows of a node example: named, typed columns and their values as the help shows them (no nicegui)."""

from __future__ import annotations

from dataclasses import dataclass

from lakestream.nodes.patterns.common import EXAMPLE_DAY as DAY
from lakestream.nodes.patterns.common import at

__all__ = ["DAY", "Rows", "at", "rows"]


@dataclass(frozen=True)
class Rows:
    """A small table: `columns` as (name, Spark type) pairs and `values` as tuples in column order."""

    columns: tuple[tuple[str, str], ...]
    values: tuple[tuple, ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def dicts(self) -> list[dict]:
        return [dict(zip(self.names, row)) for row in self.values]

    def schema(self) -> list[dict]:
        """The columns as a source's `schema` config."""
        return [{"name": n, "type": t} for n, t in self.columns]


def rows(columns: str, *values: tuple) -> Rows:
    """`rows("card_id:string amount:double", ("c1", 5.0), ...)`; a value tuple per row."""
    pairs = tuple(tuple(part.split(":", 1)) for part in columns.split())
    for row in values:
        if len(row) != len(pairs):
            raise ValueError(f"row {row!r} does not have the {len(pairs)} columns {columns!r}")
    return Rows(pairs, tuple(values))

