"""Helpers shared by the foreachBatch writers: rows of a micro-batch and template checks."""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator

from .errors import ConnectorError


def rows_of(batch_df) -> Iterator[dict[str, Any]]:
    """The micro-batch's rows as dicts, streamed to the driver one partition at a time."""
    for row in batch_df.toLocalIterator():
        yield row.asDict(recursive=True)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of at most `size` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, max(size, 1))):
        yield chunk


def check_columns(connector: str, endpoint: str, needed: Iterable[str], columns: Iterable[str]) -> None:
    """Raise a ConnectorError when a template placeholder names a column the stream does not have."""
    columns = list(columns)
    missing = sorted(set(needed) - set(columns))
    if missing:
        raise ConnectorError(
            connector, endpoint,
            f"the template uses {', '.join('{' + m + '}' for m in missing)} but the stream has no such column "
            f"(columns: {', '.join(columns) or 'none'})",
        )
